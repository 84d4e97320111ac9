"""Private helpers shared by the topic modules of :mod:`dlmath.pde`."""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import torch

from ..nets import activation_module, glorot_std, seeded_normal
from ..plotting import figure_grid
from ..utils import as_tensor, check_device, check_float_dtype, check_int, check_real, progress_bar, torch_generator

_PI = math.pi


def _float64_array(x: Any, name: str, *, ndim: int | None = None) -> np.ndarray:
    """``x`` (array_like or tensor) as a float64 NumPy array, validated by :func:`dlmath.utils.as_tensor`.

    A string, a complex or a non-finite input raises the error of ``as_tensor``, naming ``name``.
    """
    return as_tensor(x, name, ndim=ndim).detach().cpu().numpy().astype(np.float64, copy=False)


def _gauss_nodes(n_panels: int = 64, order: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """Composite Gauss-Legendre nodes and weights on [0, 1]."""
    t, w = np.polynomial.legendre.leggauss(order)
    h = 1.0 / n_panels
    left = np.arange(n_panels) * h
    x = (left[:, None] + 0.5 * h * (t[None, :] + 1.0)).ravel()
    wt = np.tile(0.5 * h * w, n_panels)
    return x, wt


def _tanh_mlp(d_in: int, width: Any, depth: Any, seed: Any, device: Any, dtype: Any) -> torch.nn.Sequential:
    """A tanh network ``d_in -> width (x depth) -> 1`` with Glorot-normal weights and zero biases.

    The arguments of the PINN classes are validated here (errors name them); the weights are drawn
    from ``seed`` by :func:`dlmath.nets.seeded_normal` (float64 on the CPU, then cast).
    """
    width = check_int(width, "width", minimum=1)
    depth = check_int(depth, "depth", minimum=1)
    gen = torch_generator(check_int(seed, "seed", minimum=0))
    device = check_device(device)
    dtype = check_float_dtype(dtype)
    layers: list[torch.nn.Module] = []
    fan = d_in
    for _ in range(depth):
        lin = torch.nn.Linear(fan, width, dtype=dtype)
        with torch.no_grad():  # Glorot-normal weights, zero biases
            lin.weight.copy_(seeded_normal(gen, (width, fan), glorot_std(fan, width), dtype=dtype))
            lin.bias.zero_()
        layers += [lin, activation_module("tanh")]
        fan = width
    out = torch.nn.Linear(fan, 1, dtype=dtype)
    with torch.no_grad():
        out.weight.copy_(seeded_normal(gen, (1, fan), glorot_std(fan, 1), dtype=dtype))
        out.bias.zero_()
    layers.append(out)
    return torch.nn.Sequential(*layers).to(device)


def _check_training(adam_steps: Any, lbfgs_steps: Any, lr: Any) -> tuple[int, int, float]:
    """The validated optimiser settings of :func:`_train` (errors name the argument)."""
    adam_steps = check_int(adam_steps, "adam_steps", minimum=0)
    lbfgs_steps = check_int(lbfgs_steps, "lbfgs_steps", minimum=0)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    return adam_steps, lbfgs_steps, lr


def _two_axes(ax: Any, height: float) -> tuple[Any, Any]:
    """The two axes of a result's figure: ``ax`` (a pair) if given, else a new 1 x 2 grid."""
    if ax is not None:
        ax1, ax2 = ax
        return ax1, ax2
    _, grid = figure_grid(2, width=7.5, height=height)
    return grid[0][0], grid[0][1]


def _train(
    model: torch.nn.Module,
    loss_fn: Callable[[], torch.Tensor],
    adam_steps: int,
    lbfgs_steps: int,
    lr: float,
    *,
    progress: bool = False,
) -> np.ndarray:
    """Adam for ``adam_steps`` steps, then L-BFGS (strong Wolfe); the loss per step/evaluation."""
    history = []
    bar = progress_bar(None, progress, total=adam_steps + lbfgs_steps, desc="Adam, then L-BFGS")
    tick = bar.update if bar is not None else (lambda n=1: None)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(adam_steps):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        history.append(float(loss.detach()))
        tick()
    if lbfgs_steps > 0:
        lbfgs = torch.optim.LBFGS(
            model.parameters(),
            lr=1.0,
            max_iter=lbfgs_steps,
            tolerance_grad=1e-12,
            tolerance_change=1e-16,
            history_size=50,
            line_search_fn="strong_wolfe",
        )
        box: list[float] = []

        def closure():
            lbfgs.zero_grad()
            loss = loss_fn()
            loss.backward()
            box.append(float(loss.detach()))
            tick()
            return loss

        lbfgs.step(closure)
        history += box
    if bar is not None:
        bar.close()
    return np.array(history)
