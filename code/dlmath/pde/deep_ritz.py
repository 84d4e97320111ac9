r"""The Deep Ritz method: networks trained on the Dirichlet energy, and the energy identity.

For :math:`-u'' = f` on :math:`(0,1)`, :math:`u(0) = u(1) = 0`, with the model solution
:math:`u(x) = \sin(\pi x) + \frac12\sin(3\pi x)` of :mod:`dlmath.pde.poisson`, the energy
:math:`E(v) = \int_0^1 \frac12 v'^2 - f v` has its minimum :math:`E(u) = -13\pi^2/16`, and
:math:`E(v) - E(u) = \frac12\|(v-u)'\|^2_{L^2} + u'(1)(v-u)(1) - u'(0)(v-u)(0)` for every
:math:`v \in H^1(0,1)`; the boundary term vanishes for admissible :math:`v`. :func:`ritz_energy`,
:func:`ritz_identity_terms` and :func:`ritz_error_bound` compute these quantities,
:class:`DeepRitzNet` has the boundary values built in, :func:`train_deep_ritz` minimises a
quadrature energy and :func:`deep_ritz_demo` checks the identity on trained networks.

References
----------
E and Yu (2018); Sukumar and Srivastava (2022); Evans, *Partial Differential Equations*, Sec. 6.2.
"""

from __future__ import annotations

import copy
import math
import time
from typing import Any, Callable, Sequence

import numpy as np
import torch

from ..nets import module_dtype_device, network_input
from ..plotting import COLORS
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    NETWORK_DTYPE,
    check_choice,
    check_device,
    check_int,
    check_int_sequence,
    check_real,
    small_network_threads,
)
from ._common import _PI, _check_training, _gauss_nodes, _tanh_mlp, _train, _two_axes
from .pinn import PoissonPINN, train_pinn_poisson
from .poisson import poisson_exact, poisson_rhs

__all__ = ["ritz_energy", "ritz_identity_terms", "ritz_error_bound", "DeepRitzNet", "train_deep_ritz"]
__all__ += ["DeepRitzResult", "deep_ritz_demo"]

#: E(u) = -1/2 int u'^2 = -13 pi^2 / 16 for u = sin(pi x) + sin(3 pi x)/2.
_ENERGY_EXACT = -13.0 * _PI**2 / 16.0


def _du_exact(x: np.ndarray) -> np.ndarray:
    """u'(x) = pi cos(pi x) + (3 pi / 2) cos(3 pi x) of the model solution."""
    return _PI * np.cos(_PI * x) + 1.5 * _PI * np.cos(3 * _PI * x)


def _check_callable(value: Any, name: str) -> Any:
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {type(value).__name__}")
    return value


def _dtype_device(v: Any) -> tuple[torch.dtype, torch.device]:
    """The dtype and device at which ``v`` is evaluated: a module's own, else float64 on the CPU."""
    if isinstance(v, torch.nn.Module) and any(True for _ in v.parameters()):
        return module_dtype_device(v)
    return torch.float64, torch.device("cpu")


def _value_and_derivative(v: Any, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """v(x) and v'(x) (shape (N, 1)) for points x of shape (N, 1), by autograd (graph kept)."""
    x = x.detach().requires_grad_(True)
    val = v(x).reshape(-1, 1)
    (dv,) = torch.autograd.grad(val.sum(), x, create_graph=True)
    return val, dv


def _energy_tensor(v: Any, x: torch.Tensor, w: torch.Tensor, fx: torch.Tensor) -> torch.Tensor:
    """The quadrature energy sum_j w_j (v'(x_j)^2 / 2 - f(x_j) v(x_j)) as a differentiable tensor."""
    val, dv = _value_and_derivative(v, x)
    return torch.sum(w * (0.5 * dv**2 - fx * val))


def _nodes(v: Any, n_panels: int, order: int) -> tuple[torch.Tensor, torch.Tensor, np.ndarray]:
    """Composite Gauss-Legendre nodes (as an (N, 1) tensor and as NumPy) and weights for ``v``."""
    dtype, device = _dtype_device(v)
    xq, wq = _gauss_nodes(n_panels, order)
    xt = torch.as_tensor(xq, dtype=dtype, device=device)[:, None]
    wt = torch.as_tensor(wq, dtype=dtype, device=device)[:, None]
    return xt, wt, xq


def ritz_energy(v: Any, f: Callable[[np.ndarray], np.ndarray], *, n_panels: int = 64, order: int = 16) -> float:
    r"""The Dirichlet energy :math:`E(v) = \int_0^1 \frac12 v'^2 - f v\,dx` of a trial function.

    Composite Gauss-Legendre quadrature (``n_panels`` panels of ``order`` nodes, exact for
    polynomials of degree ``2*order-1`` on each panel); :math:`v'` by automatic differentiation.
    Returns :math:`E(v)` as a float.

    Parameters
    ----------
    v : callable
        A differentiable trial function of points of shape ``(N, 1)``: a ``torch.nn.Module`` (in
        its dtype and on its device; float64 for the identity's digits) or a function of a float64 tensor.
    f : callable
        The source: maps a 1-D NumPy array of points of :math:`[0,1]` to :math:`f(x)` (same shape).
    n_panels, order : int, default 64 and 16
        Panels and Gauss points per panel (>= 1; ``order`` <= 200).

    Examples
    --------
    >>> import math
    >>> import numpy as np
    >>> import torch
    >>> e = ritz_energy(lambda x: torch.sin(math.pi * x), lambda x: math.pi**2 * np.sin(math.pi * x))
    >>> round(e, 12) == round(-(math.pi**2) / 4, 12)
    True

    References
    ----------
    Book: chapter *Learning operators and variational solvers*, section *The Deep Ritz method*.
    E and Yu (2018), Eq. (2).
    """
    v = _check_callable(v, "v")
    f = _check_callable(f, "f")
    n_panels = check_int(n_panels, "n_panels", minimum=1)
    order = check_int(order, "order", minimum=1, maximum=200)
    xt, wt, xq = _nodes(v, n_panels, order)
    fx = torch.as_tensor(np.asarray(f(xq), dtype=np.float64), dtype=xt.dtype, device=xt.device)
    return float(_energy_tensor(v, xt, wt, fx.reshape(-1, 1)).detach())


def ritz_identity_terms(v: Any, *, n_panels: int = 64, order: int = 16) -> tuple[float, float, float]:
    r"""The three terms of the energy identity for the model problem, for a trial function ``v``.

    With :math:`u(x) = \sin(\pi x) + \frac12\sin(3\pi x)`, :math:`f = -u''` and :math:`e = v - u`,
    :math:`E(v) - E(u) = \frac12 \|e'\|^2_{L^2(0,1)} + u'(1)\,e(1) - u'(0)\,e(0)`, where :math:`E(u) = -13\pi^2/16`, :math:`u'(0) = 5\pi/2`, :math:`u'(1) = -5\pi/2`; the
    boundary term is :math:`\int_{\partial\Omega} \partial_n u\, e\,dS` and vanishes when
    :math:`v(0) = v(1) = 0`.

    The arguments are as for :func:`ritz_energy` (the source is :math:`f = -u''`). Returns the
    floats ``gap`` :math:`= E(v) - E(u)`, ``half_h1_sq`` :math:`= \frac12\|e'\|^2_{L^2}` (same
    quadrature, :math:`u'` in closed form) and ``boundary`` :math:`= u'(1)e(1) - u'(0)e(0)`.

    Examples
    --------
    >>> gap, half, bdry = ritz_identity_terms(lambda x: x * (1 - x))
    >>> bool(abs(gap - half) < 1e-12), bdry == 0.0
    (True, True)

    References
    ----------
    Book: chapter *Learning operators and variational solvers*, theorem ``pde-deep_ritz_energy``.
    Evans, *Partial Differential Equations*, Sec. 8.1.
    """
    energy = ritz_energy(v, poisson_rhs, n_panels=n_panels, order=order)
    xt, wt, xq = _nodes(v, n_panels, order)
    _, dv = _value_and_derivative(v, xt)
    du = torch.as_tensor(_du_exact(xq), dtype=xt.dtype, device=xt.device)[:, None]
    half = float(0.5 * torch.sum(wt * (dv - du) ** 2).detach())
    with torch.no_grad():
        xb = torch.tensor([[0.0], [1.0]], dtype=xt.dtype, device=xt.device)
        e0, e1 = (float(t) for t in v(xb).reshape(-1).cpu())  # u(0) = u(1) = 0
    boundary = -2.5 * _PI * e1 - 2.5 * _PI * e0
    return energy - _ENERGY_EXACT, half, boundary


def ritz_error_bound(gap: float, *, slab_width: float = 1.0) -> tuple[float, float]:
    r"""The :math:`H^1` errors of an admissible trial function read off its energy gap.

    By the energy identity, :math:`|v - u|_{H^1} = \|\nabla(v-u)\|_{L^2} = (2(E(v)-E(u)))^{1/2}`;
    if :math:`\Omega` lies between two parallel hyperplanes at distance :math:`d` (the slab
    width), the Friedrichs inequality :math:`\|w\|_{L^2} \le (d/\pi)\|\nabla w\|_{L^2}` for
    :math:`w \in H^1_0(\Omega)` gives
    :math:`\|v - u\|_{H^1} \le (1 + d^2/\pi^2)^{1/2}(2(E(v)-E(u)))^{1/2}`. Returns these two floats.

    Parameters
    ----------
    gap : float
        :math:`E(v) - E(u) \ge 0`.
    slab_width : float, default 1
        :math:`d > 0` (1 for the unit interval and the unit square).

    Examples
    --------
    >>> ritz_error_bound(0.5)[0]
    1.0

    References
    ----------
    Book: chapter *Learning operators and variational solvers*, theorem ``pde-deep_ritz_energy``.
    """
    gap = check_real(gap, "gap", minimum=0.0)
    slab_width = check_real(slab_width, "slab_width", minimum=0.0, strict_min=True)
    semi = math.sqrt(2.0 * gap)
    return semi, math.sqrt(1.0 + slab_width**2 / _PI**2) * semi


class DeepRitzNet(torch.nn.Module):
    r"""A tanh network with the Dirichlet values built in: :math:`v_\theta(0) = g_0`, :math:`v_\theta(1) = g_1`.

    :math:`v_\theta(x) = g_0(1-x) + g_1 x + x(1-x)N_\theta(x)` with a tanh network
    :math:`N_\theta` of the architecture of :class:`dlmath.pde.PoissonPINN` (same number of
    parameters); :math:`\varphi(x) = x(1-x)` vanishes exactly on :math:`\{0, 1\}`.

    Parameters
    ----------
    width, depth : int, default 32 and 3
        Hidden width and number of hidden layers of :math:`N_\theta`, >= 1.
    seed : int, default 0
        Seed of the Glorot-normal initial weights (drawn in float64 on the CPU, then cast).
    device : str or torch.device, default "cpu"
    g0, g1 : float, default 0
        The boundary values.
    dtype : torch.dtype or str, default "float32"
        The network's dtype; :func:`deep_ritz_demo` builds it in float64.

    Notes
    -----
    ``forward`` maps ``x`` of shape ``(N, 1)`` (a tensor or a NumPy array) to a tensor ``(N, 1)``.
    A bad argument raises TypeError or ValueError naming it.

    Examples
    --------
    >>> import numpy as np
    >>> DeepRitzNet(8, 2, g1=2.0)(np.array([[0.0], [1.0]])).detach().ravel().tolist()
    [0.0, 2.0]

    References
    ----------
    Book: chapter *Learning operators and variational solvers*. Lagaris et al. (1998);
    Sukumar and Srivastava (2022).
    """

    def __init__(
        self,
        width: int = 32,
        depth: int = 3,
        seed: int = 0,
        device: Any = "cpu",
        *,
        g0: float = 0.0,
        g1: float = 0.0,
        dtype: Any = NETWORK_DTYPE,
    ):
        super().__init__()
        self.g0 = check_real(g0, "g0")
        self.g1 = check_real(g1, "g1")
        self.net = _tanh_mlp(1, width, depth, seed, device, dtype)

    def forward(self, x: Any) -> torch.Tensor:
        """The network's values at the points ``x`` of shape ``(N, 1)``."""
        dtype, device = module_dtype_device(self)
        x = network_input(x, dtype=dtype, device=device, min_ndim=1, last_dim=1)
        return self.g0 * (1 - x) + self.g1 * x + x * (1 - x) * self.net(x)


def _training_nodes(n_quad: int, quadrature: str) -> tuple[np.ndarray, np.ndarray]:
    """M Gauss-Legendre nodes on [0, 1] or M midpoints, and their weights."""
    if quadrature == "midpoint":
        return (np.arange(n_quad) + 0.5) / n_quad, np.full(n_quad, 1.0 / n_quad)
    t, w = np.polynomial.legendre.leggauss(n_quad)
    return 0.5 * (t + 1.0), 0.5 * w


def train_deep_ritz(
    model: torch.nn.Module,
    *,
    f: Callable[[np.ndarray], np.ndarray] = poisson_rhs,
    n_quad: int = 128,
    quadrature: str = "gauss",
    adam_steps: int = 500,
    lbfgs_steps: int = 300,
    lr: float = 1e-2,
    penalty: float = 0.0,
    checkpoints: Sequence[int] = (),
) -> tuple[np.ndarray, list]:
    r"""Train ``model`` on the quadrature Dirichlet energy (Adam, then L-BFGS), in place.

    The loss is :math:`E_M(v_\theta) + \lambda(v_\theta(0)^2 + v_\theta(1)^2)` with
    :math:`E_M(v) = \sum_{j\le M} w_j(\frac12 v'(x_j)^2 - f(x_j)v(x_j))` on :math:`M` Gauss-Legendre
    nodes of :math:`[0,1]` or :math:`M` midpoints (weights :math:`1/M`), :math:`v'` by automatic
    differentiation, :math:`\lambda` = ``penalty`` (0 for a network with the boundary values built
    in, :class:`DeepRitzNet`; the penalty targets homogeneous data).

    Parameters
    ----------
    model : torch.nn.Module
        The network, mapping ``(N, 1)`` to ``(N, 1)``; trained in its dtype and on its device.
    f : callable, default :func:`dlmath.pde.poisson_rhs`
        The source on NumPy points.
    n_quad : int, default 128
        Number :math:`M` of quadrature points, >= 1 (<= 500 for Gauss-Legendre).
    quadrature : {"gauss", "midpoint"}, default "gauss"
    adam_steps, lbfgs_steps : int, default 500 and 300
        Adam steps and maximal L-BFGS iterations (strong Wolfe line search), >= 0.
    lr : float, default 1e-2
        Adam learning rate, > 0.
    penalty : float, default 0
        :math:`\lambda \ge 0`.
    checkpoints : sequence of int, default ()
        Adam step counts (distinct, between 0 and ``adam_steps``) after which a copy of the model is kept.

    Returns
    -------
    history, snapshots : numpy.ndarray, list of torch.nn.Module
        The loss per Adam step and L-BFGS evaluation; copies of the model at the checkpoints, then ``model``.

    References
    ----------
    Book: chapter *Learning operators and variational solvers*. E and Yu (2018), Sec. 2.
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    f = _check_callable(f, "f")
    quadrature = check_choice(quadrature, "quadrature", ("gauss", "midpoint"))
    n_quad = check_int(n_quad, "n_quad", minimum=1, maximum=500 if quadrature == "gauss" else None)
    adam_steps, lbfgs_steps, lr = _check_training(adam_steps, lbfgs_steps, lr)
    penalty = check_real(penalty, "penalty", minimum=0.0)
    marks = sorted(
        check_int_sequence(checkpoints, "checkpoints", minimum=0, maximum=adam_steps, min_len=0, distinct=True)
    )
    dtype, device = module_dtype_device(model)
    xs, ws = _training_nodes(n_quad, quadrature)
    xt = torch.as_tensor(xs, dtype=dtype, device=device)[:, None]
    wt = torch.as_tensor(ws, dtype=dtype, device=device)[:, None]
    ft = torch.as_tensor(np.asarray(f(xs), dtype=np.float64), dtype=dtype, device=device).reshape(-1, 1)
    xb = torch.tensor([[0.0], [1.0]], dtype=dtype, device=device)

    def loss_fn():
        loss = _energy_tensor(model, xt, wt, ft)
        if penalty > 0:
            loss = loss + penalty * torch.sum(model(xb) ** 2)
        return loss

    snapshots: list = []
    history: list[float] = []
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for step in range(adam_steps + 1):
        if marks and step == marks[0]:
            snapshots.append(copy.deepcopy(model))
            marks.pop(0)
        if step == adam_steps:
            break
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        history.append(float(loss.detach()))
    lbfgs_hist = _train(model, loss_fn, 0, lbfgs_steps, lr)
    snapshots.append(model)
    return np.concatenate([np.asarray(history), lbfgs_hist]), snapshots


def _errors(model: torch.nn.Module) -> tuple[float, float]:
    """||u - v||_{L^2} and |u - v|_{H^1} of a float64 network, by 1024-node Gauss-Legendre."""
    xt, wt, xq = _nodes(model, 64, 16)
    val, dv = _value_and_derivative(model, xt)
    e = val.detach().cpu().numpy().ravel() - poisson_exact(xq)
    de = dv.detach().cpu().numpy().ravel() - _du_exact(xq)
    w = wt.cpu().numpy().ravel()
    return float(np.sqrt(np.sum(w * e**2))), float(np.sqrt(np.sum(w * de**2)))


def _on_grid(model: torch.nn.Module, x: np.ndarray) -> np.ndarray:
    xt = torch.as_tensor(x, dtype=torch.float64, device=module_dtype_device(model)[1])[:, None]
    with torch.no_grad():
        return model(xt).cpu().numpy().ravel()


@demo_result
class DeepRitzResult(DemoResult):
    r"""Result of :func:`deep_ritz_demo`; per-checkpoint arrays have length ``len(steps)``.

    Attributes
    ----------
    steps : numpy.ndarray
        The Adam step counts of the checkpoints; the last entry (-1) is the final network (after L-BFGS).
    gaps, half_h1_sq : numpy.ndarray
        :math:`E(v) - E(u)` and :math:`\frac12\|(v-u)'\|^2_{L^2}` of the Deep Ritz network at the checkpoints.
    rel_disc, identity_disc : numpy.ndarray, float
        :math:`|E(v) - E(u) - \frac12\|(v-u)'\|^2|/(\frac12\|(v-u)'\|^2)` at the checkpoints; the max of
        :math:`|E(v) - E(u) - \frac12\|(v-u)'\|^2| / |E(u)|` over them (theory: 0).
    h1_from_gap, h1_direct, h1_bound, h1_full : float
        For the final network: :math:`(2(E(v)-E(u)))^{1/2}`, :math:`|v - u|_{H^1}` computed directly,
        the bound :math:`(1 + 1/\pi^2)^{1/2}(2(E(v)-E(u)))^{1/2}` and :math:`\|v-u\|_{H^1}` itself.
    penalty, pen_gap, pen_half, pen_boundary, pen_e0, pen_e1 : float
        The penalty weight :math:`\lambda`, and for the penalty-trained network :math:`E(v) - E(u)`,
        :math:`\frac12\|(v-u)'\|^2`, the boundary term :math:`u'(1)v(1) - u'(0)v(0)`, :math:`v(0)`, :math:`v(1)`.
    pen_disc, pen_disc_corrected, pen_disc_sign : float
        :math:`|E(v) - E(u) - \frac12\|(v-u)'\|^2|/|E(u)|` for the penalty network (the identity
        without its boundary term), the same with the boundary term subtracted, and with the
        boundary term of the wrong sign :math:`u'(1)v(1) + u'(0)v(0)`.
    l2_ritz, h1_ritz, l2_pen, h1_pen, l2_pinn, h1_pinn : float
        :math:`\|u - v\|_{L^2}` and :math:`|u - v|_{H^1}` of the Deep Ritz, the penalty Ritz and the PINN network.
    time_ritz, time_pinn : float
        Training seconds per loss evaluation (Adam steps, L-BFGS evaluations): Deep Ritz and PINN.
    x, u, v_ritz, v_pen, v_pinn : numpy.ndarray
        A plotting grid, the exact solution and the three trained networks on it.
    width, depth, n_quad, adam_steps, lbfgs_steps, lr : int or float
        The common architecture and budget of the three networks.
    """

    steps: np.ndarray
    gaps: np.ndarray
    half_h1_sq: np.ndarray
    rel_disc: np.ndarray
    identity_disc: float
    h1_from_gap: float
    h1_direct: float
    h1_bound: float
    h1_full: float
    penalty: float
    pen_gap: float
    pen_half: float
    pen_boundary: float
    pen_e0: float
    pen_e1: float
    pen_disc: float
    pen_disc_corrected: float
    pen_disc_sign: float
    l2_ritz: float
    h1_ritz: float
    l2_pen: float
    h1_pen: float
    l2_pinn: float
    h1_pinn: float
    time_ritz: float
    time_pinn: float
    x: np.ndarray
    u: np.ndarray
    v_ritz: np.ndarray
    v_pen: np.ndarray
    v_pinn: np.ndarray
    width: int
    depth: int
    n_quad: int
    adam_steps: int
    lbfgs_steps: int
    lr: float

    def plot(self, ax=None):
        ax1, ax2 = _two_axes(ax, height=3.2)
        idx = np.arange(self.steps.size)
        ax1.semilogy(idx, self.gaps, "o", color=COLORS[0], ms=8, mfc="none", label=r"$E(v) - E(u)$")
        ax1.semilogy(idx, self.half_h1_sq, "x", color=COLORS[1], ms=7, label=r"$\frac{1}{2}\|(v-u)'\|^2$")
        ax1.set_xticks(idx, [str(s) if s >= 0 else "final" for s in self.steps])
        ax1.set_xlabel("Adam steps (Deep Ritz network)")
        ax1.set_title("energy gap and $H^1$ error")
        ax1.legend(fontsize=8)
        for v, name, c in (
            (self.v_ritz, "Deep Ritz", COLORS[0]),
            (self.v_pen, rf"penalty Ritz, $\lambda = {self.penalty:g}$", COLORS[2]),
            (self.v_pinn, "PINN", COLORS[3]),
        ):
            ax2.semilogy(self.x, np.abs(v - self.u) + 1e-16, color=c, label=name)
        ax2.set_xlabel("$x$")
        ax2.set_title(r"pointwise error $|v - u|$")
        ax2.legend(fontsize=8)
        return ax1, ax2


@small_network_threads
def deep_ritz_demo(
    *,
    width: int = 32,
    depth: int = 3,
    n_quad: int = 128,
    adam_steps: int = 500,
    lbfgs_steps: int = 300,
    lr: float = 1e-2,
    checkpoints: Sequence[int] = (0, 25, 100, 250),
    penalty: float = 100.0,
    seed: int = 0,
    device: Any = "cpu",
) -> DeepRitzResult:
    r"""The energy identity on trained Deep Ritz networks, its failure under a penalty, and the PINN.

    Three float64 networks of the same architecture (tanh, ``width`` x ``depth``, the same seed)
    get the same budget (``n_quad`` points, ``adam_steps`` Adam steps at rate ``lr``, then at most
    ``lbfgs_steps`` L-BFGS iterations) on :math:`-u'' = f`, :math:`u(0) = u(1) = 0`,
    :math:`u(x) = \sin(\pi x) + \frac12\sin(3\pi x)`:

    the Deep Ritz network :class:`DeepRitzNet` on the energy (``n_quad`` Gauss-Legendre nodes),
    evaluated by :func:`ritz_identity_terms` (1024 nodes) at the Adam checkpoints and after L-BFGS;
    a :class:`dlmath.pde.PoissonPINN` on the energy plus :math:`\lambda(v(0)^2 + v(1)^2)` (not
    admissible: the boundary term appears); the PINN of :func:`dlmath.pde.train_pinn_poisson`.

    Parameters
    ----------
    width, depth : int, default 32 and 3
    n_quad : int, default 128
        Quadrature nodes of the energies and collocation points of the PINN, >= 1 (<= 500).
    adam_steps, lbfgs_steps : int, default 500 and 300
    lr : float, default 1e-2
    checkpoints : sequence of int, default (0, 25, 100, 250)
        Adam step counts at which the Deep Ritz network is evaluated (besides the final one).
    penalty : float, default 100
        The weight :math:`\lambda > 0` of the boundary penalty.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    DeepRitzResult

    References
    ----------
    Book: chapter *Learning operators and variational solvers*, theorem ``pde-deep_ritz_energy``.
    E and Yu (2018); Sukumar and Srivastava (2022).
    """
    check_int(width, "width", minimum=1)
    check_int(depth, "depth", minimum=1)
    n_quad = check_int(n_quad, "n_quad", minimum=1, maximum=500)
    adam_steps, lbfgs_steps, lr = _check_training(adam_steps, lbfgs_steps, lr)
    marks = sorted(check_int_sequence(checkpoints, "checkpoints", minimum=0, maximum=adam_steps, distinct=True))
    penalty = check_real(penalty, "penalty", minimum=0.0, strict_min=True)
    seed = check_int(seed, "seed", minimum=0)
    dev = check_device(device)
    budget_pinn = {"adam_steps": adam_steps, "lbfgs_steps": lbfgs_steps, "lr": lr}
    budget = {"n_quad": n_quad, **budget_pinn}

    pen_net = PoissonPINN(width, depth, seed, dev, dtype=torch.float64)
    train_deep_ritz(pen_net, penalty=penalty, **budget)
    ritz = DeepRitzNet(width, depth, seed, dev, dtype=torch.float64)
    t0 = time.perf_counter()
    hist, snaps = train_deep_ritz(ritz, checkpoints=marks, **budget)
    time_ritz = (time.perf_counter() - t0) / max(hist.size, 1)
    t0 = time.perf_counter()
    pinn = train_pinn_poisson(width=width, depth=depth, n_colloc=n_quad, seed=seed, device=dev, **budget_pinn)
    time_pinn = (time.perf_counter() - t0) / max(pinn.loss_history.size, 1)

    terms = np.array([ritz_identity_terms(s) for s in snaps])
    gaps, half = terms[:, 0], terms[:, 1]
    scale = abs(_ENERGY_EXACT)
    pg, ph, pb = ritz_identity_terms(pen_net)
    with torch.no_grad():
        e0, e1 = pen_net(torch.tensor([[0.0], [1.0]], dtype=torch.float64, device=dev)).cpu().ravel().tolist()
    b_sign = -2.5 * _PI * e1 + 2.5 * _PI * e0  # u'(1) e(1) + u'(0) e(0): d/dx in place of d/dn
    errs = [*_errors(ritz), *_errors(pen_net), *_errors(pinn.model)]
    errors = dict(zip(("l2_ritz", "h1_ritz", "l2_pen", "h1_pen", "l2_pinn", "h1_pinn"), errs))
    semi, bound = ritz_error_bound(max(float(gaps[-1]), 0.0))
    xp = np.linspace(0.0, 1.0, 201)
    grids = {"v_ritz": _on_grid(ritz, xp), "v_pen": _on_grid(pen_net, xp), "v_pinn": _on_grid(pinn.model, xp)}
    return DeepRitzResult(
        steps=np.array(list(marks) + [-1]),
        gaps=gaps,
        half_h1_sq=half,
        rel_disc=np.abs(gaps - half) / half,
        identity_disc=float(np.max(np.abs(gaps - half)) / scale),
        h1_from_gap=semi,
        h1_direct=errs[1],
        h1_bound=bound,
        h1_full=math.hypot(errs[0], errs[1]),
        penalty=penalty,
        **dict(zip(("pen_gap", "pen_half", "pen_boundary", "pen_e0", "pen_e1"), (pg, ph, pb, e0, e1))),
        pen_disc=abs(pg - ph) / scale,
        pen_disc_corrected=abs(pg - ph - pb) / scale,
        pen_disc_sign=abs(pg - ph - b_sign) / scale,
        time_ritz=time_ritz,
        time_pinn=time_pinn,
        x=xp,
        u=poisson_exact(xp),
        width=int(width),
        depth=int(depth),
        **budget,
        **errors,
        **grids,
    )


_TOL = {
    "claim": "identity",
    "relation": "approx",
    "predict": 0.0,
    "tolerance": 1e-12,
    "reason": "float64 roundoff of a 1024-node quadrature of terms of size |E(u)| = 13 pi^2/16 (about 1e-15 "
    "relative to |E(u)|) with a margin of 1000; the quadrature error of these analytic integrands is below that",
    "demo": deep_ritz_demo,
}
declare_check(
    "pde.deep_ritz_energy",
    quantity="max over the checkpoints of |E(v) - E(u) - ||(v-u)'||^2/2| / |E(u)| for the Deep Ritz network",
    measure="identity_disc",
    hypotheses="Omega = (0, 1), f = -u'' smooth, g = 0; v = x(1-x) N(x) in H^1_0 for every parameter (tanh "
    "network, float64); E(v) and ||(v-u)'||^2 by 1024-node Gauss-Legendre quadrature, v' by autograd",
    wrong="the identity for a boundary-penalty network (v(0), v(1) != 0): the boundary term left out",
    wrong_measure="pen_disc",
    **_TOL,
)
declare_check(
    "pde.deep_ritz_energy",
    label="boundary",
    quantity="|E(v) - E(u) - ||(v-u)'||^2/2 - (u'(1)v(1) - u'(0)v(0))| / |E(u)| for the penalty-trained network",
    measure="pen_disc_corrected",
    hypotheses="u in H^2(0, 1) (smooth), v in H^1 with v(0), v(1) free (a tanh network trained with a "
    "boundary penalty); the same quadrature",
    wrong="the boundary term with d/dx in place of the outer normal derivative, u'(1)v(1) + u'(0)v(0)",
    wrong_measure="pen_disc_sign",
    **_TOL,
)
