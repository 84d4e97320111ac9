r"""Loss landscapes: linear networks (reduced-rank regression, saddles) and slices of a trained network.

Chapter *Loss landscapes and implicit regularisation*: the optimal loss of a two-layer linear
network (:func:`linear_net_optimum`) and the landscape of linear networks, every initialisation
reaching it and a strict saddle (:func:`linear_net_landscape_demo`, theorem
``optimization-linear_network_landscape``); filter-normalised directions
(:func:`filter_normalized_direction`) and the one- and two-dimensional slices of a trained ReLU
network's loss along them (:func:`loss_landscape_demo`).

References
----------
Baldi, Hornik (1989); Kawaguchi (2016); Li, Xu, Taylor, Studer, Goldstein (2018).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.func import functional_call

from ..nets import feedforward, seeded_normal
from ..plotting import COLORS
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_device, check_int, check_real, like_input, torch_generator
from ._common import _axes_pair

__all__ = [
    "linear_net_optimum",
    "filter_normalized_direction",
    "LinearLandscapeResult",
    "linear_net_landscape_demo",
    "LossLandscapeResult",
    "loss_landscape_demo",
]


def linear_net_optimum(X: Any, Y: Any, k: int) -> tuple[float, np.ndarray]:
    r"""Optimal loss of a linear network with bottleneck width ``k`` (reduced-rank regression).

    For :math:`L(W) = \tfrac12\|WX - Y\|_F^2` over matrices of rank at most :math:`k`, with
    :math:`XX^\top` invertible and :math:`M = YX^\top(XX^\top)^{-1}XY^\top` with eigenvalues
    :math:`\lambda_1 \ge \lambda_2 \ge \dots`,

    .. math::

        L^* = \tfrac12\Bigl(\|Y\|_F^2 - \sum_{i\le k}\lambda_i\Bigr).

    Parameters
    ----------
    X : array_like, shape (d, n)
        Inputs as columns, :math:`XX^\top` invertible.
    Y : array_like, shape (dy, n)
        Targets as columns.
    k : int
        Bottleneck width, :math:`1 \le k \le \min(d, d_y)`.

    Returns
    -------
    (float, ndarray or torch.Tensor)
        :math:`L^*` and the eigenvalues of :math:`M` in decreasing order (NumPy, or a tensor of
        the dtype and on the device of ``X`` if ``X`` is one; computed in float64).

    References
    ----------
    Book, chapter *Loss landscapes and implicit regularisation*, theorem
    ``optimization-linear_network_landscape``. Baldi, Hornik (1989).

    Examples
    --------
    With :math:`X = I` the best rank-one fit of :math:`Y = \mathrm{diag}(3, 1)` leaves :math:`1^2/2`:

    >>> import numpy as np
    >>> L, lam = linear_net_optimum(np.eye(2), np.diag([3.0, 1.0]), 1)
    >>> round(L, 12), lam.round(12).tolist()
    (0.5, [9.0, 1.0])
    """
    X_in = X
    X = as_array(X, "X", ndim=2)
    Y = as_array(Y, "Y", ndim=2)
    if X.shape[1] != Y.shape[1]:
        raise ValueError(f"X and Y must have the same number of columns, got {X.shape} and {Y.shape}")
    k = check_int(k, "k", minimum=1, maximum=min(X.shape[0], Y.shape[0]))
    XXt = X @ X.T
    if np.linalg.matrix_rank(XXt) < X.shape[0]:
        raise ValueError("X must have full row rank (X X^T invertible)")
    P = Y @ X.T @ np.linalg.solve(XXt, X @ Y.T)
    lam = np.sort(np.linalg.eigvalsh(0.5 * (P + P.T)))[::-1]
    return 0.5 * (float(np.sum(Y * Y)) - float(np.sum(lam[:k]))), like_input(lam.copy(), X_in)


def filter_normalized_direction(model: Any, *, seed: int = 0) -> dict:
    r"""A random direction in parameter space, normalised filter by filter (Li et al., 2018).

    For every weight matrix :math:`W` of ``model`` (shape ``(out, in)``; every row is a "filter",
    i.e. the incoming weights of one neuron) a Gaussian matrix :math:`D` is drawn and each row is
    rescaled, :math:`D_{j\cdot} \leftarrow D_{j\cdot}\,\|W_{j\cdot}\|/\|D_{j\cdot}\|`. Vectors
    (biases) get the zero direction. By the positive homogeneity of ReLU,
    :math:`x \mapsto \Phi(x; \theta)` is unchanged when a neuron's incoming weights are scaled by
    :math:`c>0` and its outgoing weights by :math:`1/c`; the normalisation makes the plot
    :math:`t \mapsto L(\theta + tD)` insensitive to such rescalings of :math:`\theta`.

    Parameters
    ----------
    model : torch.nn.Module
    seed : int, default 0

    Returns
    -------
    dict
        Parameter name -> tensor of the same shape, dtype and device as the parameter.

    References
    ----------
    Book, chapter *Loss landscapes and implicit regularisation*.
    Li, Xu, Taylor, Studer, Goldstein (2018), Sec. 4.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    gen = torch_generator(seed)
    out = {}
    for name, p in model.named_parameters():
        if p.dim() <= 1:
            out[name] = torch.zeros_like(p)
            continue
        D = seeded_normal(gen, p.shape, dtype=p.dtype, device=p.device)
        W = p.detach().reshape(p.shape[0], -1)
        Dm = D.reshape(p.shape[0], -1)
        Dm = Dm * (
            torch.linalg.norm(W, dim=1, keepdim=True) / torch.linalg.norm(Dm, dim=1, keepdim=True).clamp_min(1e-300)
        )
        out[name] = Dm.reshape(p.shape)
    return out


class _BatchedLinearNet(nn.Module):
    """``n_inits`` independent two-layer linear networks x -> W2 W1 x, evaluated together.

    The weights are i.i.d. :math:`N(0, \text{scale}^2)`, drawn from ``gen`` (W1, then W2).
    """

    def __init__(self, d, dy, k, n_inits, scale, gen, dtype):
        super().__init__()
        self.W1 = nn.Parameter(seeded_normal(gen, (n_inits, k, d), scale, dtype=dtype))
        self.W2 = nn.Parameter(seeded_normal(gen, (n_inits, dy, k), scale, dtype=dtype))

    def forward(self, X):  # X: (d, n) -> (n_inits, dy, n)
        return self.W2 @ (self.W1 @ X)


# ---------------------------------------------------------------------------------------------
# demos
# ---------------------------------------------------------------------------------------------


@demo_result
class LinearLandscapeResult(DemoResult):
    """GD on two-layer linear networks from small random initialisations, and a saddle.

    Attributes
    ----------
    loss_curves : ndarray, shape (n_inits, n_records)
        Training loss along GD for each initialisation.
    steps_recorded : ndarray, shape (n_records,)
    final_losses : ndarray, shape (n_inits,)
    optimum : float
        :math:`L^*` from :func:`linear_net_optimum`.
    max_rel_gap : float
        :math:`\\max_{\\rm inits} (L_{\\rm final} - L^*)/L^*`.
    saddle_loss : float
        Loss at the critical point built from eigenvectors 1 and 3 of :math:`M`.
    saddle_grad_norm : float
        Gradient norm there (zero up to rounding).
    saddle_min_eig : float
        Smallest Hessian eigenvalue there (negative: a strict saddle).
    slice_t, slice_loss : ndarray, shape (q,)
        Loss along the most negative Hessian eigenvector through the saddle.
    """

    loss_curves: np.ndarray
    steps_recorded: np.ndarray
    final_losses: np.ndarray
    optimum: float
    max_rel_gap: float
    saddle_loss: float
    saddle_grad_norm: float
    saddle_min_eig: float
    slice_t: np.ndarray
    slice_loss: np.ndarray

    def plot(self, ax=None):
        a0, a1 = _axes_pair(ax)
        for i, c in enumerate(self.loss_curves):
            a0.semilogy(np.maximum(self.steps_recorded, 1), c - self.optimum + 1e-16, color=COLORS[i % 7], alpha=0.7)
        a0.set_xscale("log")
        a0.set_xlabel("GD step")
        a0.set_ylabel(r"$L(W_1,W_2) - L^*$")
        a0.set_title(f"{self.loss_curves.shape[0]} random initialisations")
        a1.plot(self.slice_t, self.slice_loss, color=COLORS[0], label="through the saddle")
        a1.axhline(self.optimum, color=COLORS[1], linestyle="--", label="$L^*$")
        a1.set_xlabel("$t$ (along the negative-curvature direction)")
        a1.set_ylabel("loss")
        a1.legend()
        return (a0, a1)


def linear_net_landscape_demo(
    *,
    d: int = 8,
    dy: int = 6,
    k: int = 2,
    n: int = 50,
    n_inits: int = 10,
    steps: int = 2000,
    seed: int = 0,
    device: str = "cpu",
) -> LinearLandscapeResult:
    r"""Two-layer linear networks: every initialisation reaches :math:`L^*`; a strict saddle.

    :math:`L(W_1, W_2) = \tfrac12\|W_2W_1X - Y\|_F^2`, :math:`W_1 \in \mathbb{R}^{k\times d}`,
    :math:`W_2 \in \mathbb{R}^{d_y\times k}`, :math:`X \in \mathbb{R}^{d\times n}` with i.i.d.
    :math:`N(0, 1/n)` entries, :math:`Y = BX + 0.1 E`, :math:`B, E` Gaussian. The networks are a
    :class:`torch.nn.Module` holding ``n_inits`` independent copies (the loss is their sum, so
    the gradients do not interact), initialised with i.i.d. :math:`N(0, 10^{-6})` entries (close
    to the saddle at the origin) and trained by full-batch GD with step
    :math:`0.5/\lambda_1(M)^{1/2}`.
    The critical point :math:`W_2 = U_I`, :math:`W_1 = U_I^\top YX^\top(XX^\top)^{-1}` with
    :math:`U_I` the eigenvectors 1 and 3 of :math:`M` is built by hand; its gradient and its
    Hessian come from autograd.

    Parameters
    ----------
    d, dy : int, default 8 and 6
        Input and output dimensions.
    k : int, default 2
        Bottleneck width, :math:`1 \le k < \min(d, d_y)` (the saddle uses eigenvector
        :math:`k+1`).
    n : int, default 50
        Number of samples, :math:`n \ge d`.
    n_inits : int, default 10
    steps : int, default 2000
        GD steps (the loss is at :math:`L^*` to rounding after a few hundred).
    seed : int, default 0
    device : str, default "cpu"

    Returns
    -------
    LinearLandscapeResult

    References
    ----------
    Book, chapter *Loss landscapes and implicit regularisation*,
    theorem ``optimization-linear_network_landscape``.
    Baldi, Hornik (1989);
    Kawaguchi (2016), Thm 2.3.
    """
    d = check_int(d, "d", minimum=2)
    dy = check_int(dy, "dy", minimum=2)
    k = check_int(k, "k", minimum=1, maximum=min(d, dy) - 1)
    n = check_int(n, "n", minimum=d)
    n_inits = check_int(n_inits, "n_inits", minimum=1)
    dev = check_device(device)
    gen = torch_generator(seed)
    f64 = torch.float64
    X = torch.randn(d, n, generator=gen, dtype=f64) / math.sqrt(n)
    B = torch.randn(dy, d, generator=gen, dtype=f64)
    Y = B @ X + 0.1 * torch.randn(dy, n, generator=gen, dtype=f64)
    L_star, lam = linear_net_optimum(X.numpy(), Y.numpy(), k)
    X, Y = X.to(dev), Y.to(dev)
    steps = check_int(steps, "steps", minimum=10)
    net = _BatchedLinearNet(d, dy, k, n_inits, 1e-3, gen, f64).to(dev)
    lr = 0.5 / math.sqrt(lam[0])
    rec_at = np.unique(np.round(np.logspace(0, math.log10(steps), 60)).astype(int))
    curves = np.empty((n_inits, rec_at.size))
    ri = 0
    params = [net.W1, net.W2]
    for s in range(1, steps + 1):
        per = 0.5 * ((net(X) - Y) ** 2).sum(dim=(1, 2))
        g1, g2 = torch.autograd.grad(per.sum(), params)
        with torch.no_grad():
            net.W1.sub_(lr * g1)
            net.W2.sub_(lr * g2)
        if ri < rec_at.size and s == rec_at[ri]:
            curves[:, ri] = per.detach().cpu().numpy()
            ri += 1
    with torch.no_grad():
        final = (0.5 * ((net(X) - Y) ** 2).sum(dim=(1, 2))).cpu().numpy()
    max_rel_gap = float(np.max((final - L_star) / L_star))

    # the saddle from eigenvectors {1, 3} of M
    XXt_inv = torch.linalg.inv(X @ X.T)
    M = Y @ X.T @ XXt_inv @ X @ Y.T
    evals, evecs = torch.linalg.eigh(0.5 * (M + M.T))
    order = torch.argsort(evals, descending=True)
    idx = [0, 2] + list(range(3, k + 1))
    U = evecs[:, order[idx[:k]]]
    W2s = U.clone()
    W1s = U.T @ Y @ X.T @ XXt_inv
    theta = torch.cat([W1s.reshape(-1), W2s.reshape(-1)])

    def loss_flat(t):
        W1 = t[: k * d].reshape(k, d)
        W2 = t[k * d :].reshape(dy, k)
        return 0.5 * ((W2 @ W1 @ X - Y) ** 2).sum()

    th = theta.clone().requires_grad_(True)
    gnorm = float(torch.linalg.norm(torch.autograd.grad(loss_flat(th), th)[0]))
    H = torch.autograd.functional.hessian(loss_flat, theta)
    hev, hvec = torch.linalg.eigh(H)
    v = hvec[:, 0]
    ts = np.linspace(-1.5, 1.5, 61)
    with torch.no_grad():
        sl = np.array([float(loss_flat(theta + float(t) * v)) for t in ts])
        saddle_loss = float(loss_flat(theta))
    return LinearLandscapeResult(
        loss_curves=curves,
        steps_recorded=rec_at.astype(float),
        final_losses=final,
        optimum=float(L_star),
        max_rel_gap=max_rel_gap,
        saddle_loss=saddle_loss,
        saddle_grad_norm=gnorm,
        saddle_min_eig=float(hev[0]),
        slice_t=ts,
        slice_loss=sl,
    )


declare_check(
    "optimization.linear_network_landscape",
    quantity="largest final training loss over the initialisations, against the optimal loss of rank k",
    claim="equality",
    relation="rel",
    measure=lambda r: float(np.max(r.final_losses)),
    predict="optimum",
    tolerance=1e-8,
    reason="float64 GD run until the loss is within rounding of its limit (relative 1e-8); the nearest "
    "critical value, the saddle from eigenvectors {1, 3}, is far above that scale",
    hypotheses="XX^T invertible, YX^T(XX^T)^{-1}XY^T with distinct eigenvalues, k <= min(d, dy), "
    "generic small Gaussian initialisation",
    wrong="GD stopping at the critical value of the saddle built from eigenvectors {1, 3}",
    wrong_predict="saddle_loss",
    demo=linear_net_landscape_demo,
)


@demo_result
class LossLandscapeResult(DemoResult):
    """Slices of the training loss of a small trained network along filter-normalised directions.

    Attributes
    ----------
    t : ndarray, shape (q,)
        Coordinates along the directions.
    loss_1d : ndarray, shape (q,)
        :math:`L(\\theta^* + t D_1)`.
    loss_2d : ndarray, shape (q, q)
        :math:`L(\\theta^* + s D_1 + t D_2)`, rows indexed by :math:`t`, columns by :math:`s`.
    trained_loss : float
        :math:`L(\\theta^*)`.
    initial_loss : float
        Loss at initialisation.
    argmin_offset : float
        The :math:`t` of the smallest value of the 1-D slice (0 if the trained point is the
        minimum along the slice).
    """

    t: np.ndarray
    loss_1d: np.ndarray
    loss_2d: np.ndarray
    trained_loss: float
    initial_loss: float
    argmin_offset: float

    def plot(self, ax=None):
        a0, a1 = _axes_pair(ax)
        a0.semilogy(self.t, self.loss_1d, color=COLORS[0])
        a0.axvline(0.0, color="0.5", linewidth=0.8)
        a0.set_xlabel(r"$t$")
        a0.set_ylabel(r"$L(\theta^* + tD_1)$")
        a0.set_title("1-D slice")
        S, T = np.meshgrid(self.t, self.t)
        levels = np.logspace(np.log10(self.loss_2d.min()), np.log10(self.loss_2d.max()), 18)
        cs = a1.contour(S, T, self.loss_2d, levels=levels, cmap="viridis", linewidths=0.9)
        a1.plot([0], [0], "k*", markersize=8)
        a1.set_xlabel("$s$")
        a1.set_ylabel("$t$")
        a1.set_title(r"2-D slice $L(\theta^*+sD_1+tD_2)$ (log levels)")
        a1.set_aspect("equal")
        del cs
        return (a0, a1)


def loss_landscape_demo(
    *,
    width: int = 32,
    depth: int = 2,
    n: int = 128,
    steps: int = 1500,
    resolution: int = 31,
    span: float = 1.0,
    seed: int = 0,
    device: str = "cpu",
) -> LossLandscapeResult:
    r"""Train a small ReLU network and slice its loss along filter-normalised random directions.

    A network ``dlmath.nets.feedforward((2, width, ..., width, 1))`` with ``depth`` hidden layers
    is trained by full-batch heavy-ball GD (``torch.optim.SGD``, step 0.05, momentum 0.9) on
    :math:`n` points of :math:`y = \sin(3x_1)\cos(2x_2)`, :math:`x \sim U([-1,1]^2)`, with the
    mean squared loss. Two directions :math:`D_1, D_2` from :func:`filter_normalized_direction`
    give the slices :math:`t \mapsto L(\theta^* + tD_1)` and
    :math:`(s,t) \mapsto L(\theta^* + sD_1 + tD_2)` on ``[-span, span]``, evaluated with
    :func:`torch.func.functional_call`.

    Parameters
    ----------
    width : int, default 32
    depth : int, default 2
        Number of hidden layers, >= 1.
    n : int, default 128
    steps : int, default 1500
    resolution : int, default 31
        Grid points per axis, odd so that 0 is on the grid.
    span : float, default 1.0
    seed : int, default 0
    device : str, default "cpu"

    Returns
    -------
    LossLandscapeResult

    References
    ----------
    Book, chapter *Loss landscapes and implicit regularisation*. Li, Xu, Taylor, Studer, Goldstein (2018).
    """
    width = check_int(width, "width", minimum=1)
    depth = check_int(depth, "depth", minimum=1)
    n = check_int(n, "n", minimum=2)
    steps = check_int(steps, "steps", minimum=1)
    resolution = check_int(resolution, "resolution", minimum=3)
    if resolution % 2 == 0:
        raise ValueError(f"resolution must be odd so that 0 is on the grid, got {resolution}")
    span = check_real(span, "span", minimum=0.0, strict_min=True)
    dev = check_device(device)
    gen = torch_generator(seed)
    X = (2 * torch.rand(n, 2, generator=gen, dtype=torch.float64) - 1).to(dev)
    y = torch.sin(3 * X[:, :1]) * torch.cos(2 * X[:, 1:])
    net = feedforward((2,) + (width,) * depth + (1,), dtype=torch.float64, device=dev, seed=seed + 1)

    def loss_of(params):
        return torch.mean((functional_call(net, params, (X,)) - y) ** 2)

    with torch.no_grad():
        initial = float(torch.mean((net(X) - y) ** 2))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.mean((net(X) - y) ** 2)
        loss.backward()
        opt.step()
    theta = {k: v.detach().clone() for k, v in net.named_parameters()}
    D1 = filter_normalized_direction(net, seed=seed + 2)
    D2 = filter_normalized_direction(net, seed=seed + 3)
    ts = np.linspace(-span, span, resolution)
    with torch.no_grad():
        trained = float(loss_of(theta))
        l1 = np.array([float(loss_of({k: theta[k] + float(t) * D1[k] for k in theta})) for t in ts])
        l2 = np.empty((resolution, resolution))
        for i, t in enumerate(ts):
            for j, s in enumerate(ts):
                l2[i, j] = float(loss_of({k: theta[k] + float(s) * D1[k] + float(t) * D2[k] for k in theta}))
    return LossLandscapeResult(
        t=ts,
        loss_1d=l1,
        loss_2d=l2,
        trained_loss=trained,
        initial_loss=initial,
        argmin_offset=float(ts[int(np.argmin(l1))]),
    )
