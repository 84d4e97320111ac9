r"""A learned convex regulariser inside variational regularisation, and its convergence rate.

An input-convex network :class:`~dlmath.inverse.ICNN` (with a strongly convex term) is trained
as an adversarial regulariser (small on clean signals, large on reconstructions with noise
amplified by the inversion), then used as :math:`R` in
:math:`\min_x \frac12\|Ax - y^\delta\|^2 + \alpha R(x)` for the discretised integration
operator, an ill-posed problem. The source condition :math:`A^\top w = \nabla R(x^\dagger)`
defines :math:`w`, and the demo :func:`learned_regularization_demo` measures the Bregman
distances against the bound (c) of theorem ``inverse-variational_regularization``.

References
----------
Lunz, Öktem, Schönlieb (2018); Mukherjee et al. (2020); Burger and Osher (2004); Li, Schwab,
Antholzer, Haltmeier (2020).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..plotting import axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_int, check_real, check_real_sequence, loglog_slope, rng, torch_generator
from ._common import _check_matrix
from .learned import ICNN
from .variational import _bregman_bound

__all__ = [
    "integration_operator",
    "train_adversarial_regularizer",
    "bregman_distance",
    "regularized_solution",
    "LearnedRegularizationResult",
    "learned_regularization_demo",
]


def integration_operator(n: int) -> np.ndarray:
    r"""The midpoint discretisation of :math:`(Ax)(t) = \int_0^t x(s)\,ds` on :math:`n` cells of :math:`[0, 1]`.

    :math:`A_{ij} = h` for :math:`j < i`, :math:`h/2` for :math:`j = i`, :math:`0` otherwise,
    :math:`h = 1/n`. Its singular values decay like :math:`1/(\pi k)`: inverting it
    differentiates the data, the classical mildly ill-posed problem.

    Parameters
    ----------
    n : int
        Number of cells, >= 2.

    Returns
    -------
    numpy.ndarray, shape (n, n)

    Examples
    --------
    >>> integration_operator(3) * 3
    array([[0.5, 0. , 0. ],
           [1. , 0.5, 0. ],
           [1. , 1. , 0.5]])

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Engl, Hanke, Neubauer (1996), Ch. 1.
    """
    n = check_int(n, "n", minimum=2)
    return (np.tril(np.ones((n, n)), -1) + 0.5 * np.eye(n)) / n


def train_adversarial_regularizer(
    clean: Any,
    artefacts: Any,
    *,
    widths: Any = (32, 32),
    rho: float = 0.1,
    steps: int = 300,
    penalty: float = 10.0,
    lr: float = 3e-3,
    seed: int = 0,
) -> ICNN:
    r"""Train a convex adversarial regulariser :math:`R` (an :class:`ICNN` in float64).

    Minimises Lunz et al.'s loss
    :math:`E R(x_{\rm clean}) - E R(x_{\rm artefact}) + \mu E(\|\nabla R(\tilde x)\| - 1)_+^2`,
    :math:`\tilde x` uniform on the segments between the two samples (a Wasserstein-1 critic
    with a one-sided gradient penalty), with Adam on batches of 64. The network is convex in
    its input for every parameter value and :math:`\frac\rho2\|x\|^2` makes it strongly convex.

    Parameters
    ----------
    clean, artefacts : array_like, shape (m, d)
        Samples of the two distributions.
    widths : sequence of int, default (32, 32)
        Hidden widths of the ICNN.
    rho : float, default 0.1
        Strong convexity modulus, > 0.
    steps : int, default 300
    penalty : float, default 10.0
        :math:`\mu`, >= 0.
    lr : float, default 3e-3
    seed : int, default 0

    Returns
    -------
    ICNN
        The trained regulariser (float64, on the CPU).

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Lunz, Öktem, Schönlieb (2018), Sec. 3;
    Mukherjee et al. (2020).
    """
    xc = torch.as_tensor(_check_matrix(clean, "clean"))
    xb = torch.as_tensor(_check_matrix(artefacts, "artefacts"))
    if xb.shape[1] != xc.shape[1]:
        raise ValueError(f"artefacts must have {xc.shape[1]} columns like clean, got {xb.shape[1]}")
    rho = check_real(rho, "rho", minimum=0.0, strict_min=True)
    steps = check_int(steps, "steps", minimum=1)
    penalty = check_real(penalty, "penalty", minimum=0.0)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    net = ICNN((xc.shape[1], *widths), seed=seed, rho=rho, dtype=torch.float64)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    gen = torch_generator(seed)
    batch = min(64, xc.shape[0], xb.shape[0])
    for _ in range(steps):
        a = xc[torch.randint(0, xc.shape[0], (batch,), generator=gen)]
        b = xb[torch.randint(0, xb.shape[0], (batch,), generator=gen)]
        s = torch.rand(batch, 1, generator=gen, dtype=torch.float64)
        mid = (s * a + (1 - s) * b).requires_grad_(True)
        grad = torch.autograd.grad(net(mid).sum(), mid, create_graph=True)[0]
        loss = net(a).mean() - net(b).mean() + penalty * torch.relu(grad.norm(dim=1) - 1).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return net.requires_grad_(False)


def _value_grad(R: ICNN, x: torch.Tensor) -> tuple[float, torch.Tensor]:
    v = x.detach().requires_grad_(True)
    val = R(v[None]).sum()
    (grad,) = torch.autograd.grad(val, v)
    return float(val.detach()), grad


def _hessian(R: ICNN, x: torch.Tensor) -> torch.Tensor:
    return torch.autograd.functional.hessian(lambda v: R(v[None]).sum(), x.detach())


def bregman_distance(R: ICNN, x: Any, x_ref: Any) -> float:
    r"""The Bregman distance :math:`D_R(x, x') = R(x) - R(x') - \langle\nabla R(x'), x - x'\rangle \ge 0`.

    Parameters
    ----------
    R : ICNN
        A differentiable convex function (float64).
    x, x_ref : array_like, shape (d,)

    Returns
    -------
    float

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Burger and Osher (2004).
    """
    if not isinstance(R, ICNN):
        raise TypeError(f"R must be an ICNN, got {type(R).__name__}")
    d = R.dims[0]
    u = torch.as_tensor(np.asarray(_check_matrix(np.atleast_2d(x), "x")), dtype=torch.float64)
    v = torch.as_tensor(np.asarray(_check_matrix(np.atleast_2d(x_ref), "x_ref")), dtype=torch.float64)
    if u.shape != (1, d) or v.shape != (1, d):
        raise ValueError(f"x and x_ref must have shape ({d},)")
    r_ref, g_ref = _value_grad(R, v[0])
    with torch.no_grad():
        return float(R(u).sum()) - r_ref - float(g_ref @ (u[0] - v[0]))


def regularized_solution(R: ICNN, A: Any, y: Any, alpha: float, *, x0: Any = None, tol: float = 1e-12) -> np.ndarray:
    r"""The minimiser of :math:`\frac12\|Ax - y\|^2 + \alpha R(x)` by damped Newton iterations.

    For a strongly convex, twice differentiable :math:`R` the objective is strongly convex and
    Newton's method with backtracking converges quadratically; the iteration stops when the
    gradient norm is below ``tol`` (relative to :math:`\|A^\top y\|`).

    Parameters
    ----------
    R : ICNN
        Float64, with ``rho > 0``.
    A : array_like, shape (m, d)
    y : array_like, shape (m,)
    alpha : float
        > 0.
    x0 : array_like, shape (d,), optional
        Starting point (default 0).
    tol : float, default 1e-12

    Returns
    -------
    numpy.ndarray, shape (d,)

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Nocedal and Wright (2006), Ch. 3.
    """
    if not isinstance(R, ICNN):
        raise TypeError(f"R must be an ICNN, got {type(R).__name__}")
    At = torch.as_tensor(_check_matrix(A, "A"))
    m, d = At.shape
    yt = torch.as_tensor(np.asarray(_check_matrix(np.atleast_2d(y), "y"))[0])
    if yt.shape != (m,):
        raise ValueError(f"y must have shape ({m},), got {tuple(yt.shape)}")
    alpha = check_real(alpha, "alpha", minimum=0.0, strict_min=True)
    tol = check_real(tol, "tol", minimum=0.0, strict_min=True)
    x = torch.zeros(d, dtype=torch.float64) if x0 is None else torch.as_tensor(np.asarray(x0, dtype=np.float64))
    if x.shape != (d,):
        raise ValueError(f"x0 must have shape ({d},)")
    scale = max(float(torch.linalg.norm(At.T @ yt)), 1e-300)
    J = lambda v: 0.5 * float(((At @ v - yt) ** 2).sum()) + alpha * float(R(v[None]).sum().detach())  # noqa: E731
    for _ in range(100):
        _, g = _value_grad(R, x)
        grad = At.T @ (At @ x - yt) + alpha * g
        if float(torch.linalg.norm(grad)) <= tol * scale:
            break
        step = torch.linalg.solve(At.T @ At + alpha * _hessian(R, x), grad)
        t, jx = 1.0, J(x)
        while J(x - t * step) > jx and t > 1e-10:
            t /= 2
        x = x - t * step
    return x.numpy()


def _signals(g: np.random.Generator, m: int, n: int) -> np.ndarray:
    """Piecewise smooth signals on n cells: three jumps and a low-frequency sine."""
    t = (np.arange(n) + 0.5) / n
    jumps = g.uniform(-1, 1, (m, 3, 1)) * (t[None, None, :] > g.uniform(0.1, 0.9, (m, 3, 1)))
    freq = g.integers(1, 4, (m, 1))
    return jumps.sum(axis=1) + g.uniform(-1, 1, (m, 1)) * np.sin(np.pi * freq * t[None, :])


# demo


@demo_result
class LearnedRegularizationResult(DemoResult):
    r"""Result of :func:`learned_regularization_demo`.

    Attributes
    ----------
    deltas : numpy.ndarray
        Noise levels :math:`\delta` (:math:`\alpha = \delta/\|w\|`).
    w_norm : float
        :math:`\|w\|` of the source condition :math:`A^\top w = \nabla R(x^\dagger)`.
    bound : numpy.ndarray
        :math:`(\delta + \alpha\|w\|)^2/(4\alpha) = \delta\|w\|`.
    sym_random, sym_worst : numpy.ndarray
        Symmetric Bregman distances :math:`\langle\nabla R(x_\alpha^\delta) - \nabla R(x^\dagger), x_\alpha^\delta - x^\dagger\rangle`
        for a random noise direction and for the noise :math:`-\delta w/\|w\|`.
    bregman_random, bregman_worst : numpy.ndarray
        Bregman distances :math:`D_R(x_\alpha^\delta, x^\dagger)` for the same noises.
    max_ratio : float
        Largest symmetric distance / bound (theory: at most 1); the tightness.
    max_ratio_burger_osher : float
        Largest :math:`D_R / ((\delta + \alpha\|w\|)^2/(2\alpha))` (Burger and Osher's bound).
    bregman_over_sym : float
        Median of :math:`D_R / D^{\rm sym}` (about 1/2 for a smooth :math:`R`).
    slope_large, slope_small : float
        Log-log slopes of the worst-direction symmetric distance over the three largest and
        the three smallest :math:`\delta`.
    source_residual : float
        :math:`\|A^\top w - \nabla R(x^\dagger)\|` (float precision).
    clean_score, artefact_score : float
        Mean of :math:`R` on clean test signals and on artefact-laden ones.
    t, x_dagger, x_example : numpy.ndarray
        Grid, :math:`x^\dagger`, and :math:`x_\alpha^\delta` at the largest :math:`\delta` (worst noise).
    """

    deltas: np.ndarray
    w_norm: float
    bound: np.ndarray
    sym_random: np.ndarray
    sym_worst: np.ndarray
    bregman_random: np.ndarray
    bregman_worst: np.ndarray
    max_ratio: float
    max_ratio_burger_osher: float
    bregman_over_sym: float
    slope_large: float
    slope_small: float
    source_residual: float
    clean_score: float
    artefact_score: float
    t: np.ndarray
    x_dagger: np.ndarray
    x_example: np.ndarray

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.deltas, self.bound, "--", color="0.5", label=r"bound $\delta\|w\|$")
        ax.loglog(self.deltas, self.sym_worst, "o-", label=r"$D^{\rm sym}$, noise $-\delta w/\|w\|$")
        ax.loglog(self.deltas, self.sym_random, "s-", label=r"$D^{\rm sym}$, random noise")
        ax.loglog(self.deltas, self.bregman_worst, "^:", label=r"$D_R$, noise $-\delta w/\|w\|$")
        ax.set_xlabel(r"noise level $\delta$ ($\alpha = \delta/\|w\|$)")
        ax.set_title("a learned convex regulariser")
        ax.legend(fontsize=8)
        return ax


def learned_regularization_demo(
    *,
    n: int = 64,
    deltas: Any = (1e-2, 3e-3, 1e-3, 3e-4, 1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 1e-7),
    train_size: int = 512,
    steps: int = 300,
    seed: int = 0,
) -> LearnedRegularizationResult:
    r"""Rates of variational regularisation with a learned convex regulariser.

    :math:`A` = :func:`integration_operator` on ``n`` cells. :math:`R` =
    :func:`train_adversarial_regularizer` on ``train_size`` piecewise smooth signals against
    the same signals plus :math:`A^{-1}e`, :math:`e \sim N(0, 0.002^2 I)` (the noise amplified by
    naive inversion). :math:`x^\dagger` is a new signal, :math:`w` solves
    :math:`A^\top w = \nabla R(x^\dagger)` (the source condition, exact since :math:`A` is
    invertible), and for each :math:`\delta` the minimiser :math:`x_\alpha^\delta`
    (:func:`regularized_solution`) is computed for :math:`\alpha = \delta/\|w\|` and noise of norm
    :math:`\delta`, in a random direction and in the direction :math:`-w`.

    Parameters
    ----------
    n : int, default 64
        Number of cells, >= 8.
    deltas : sequence of float, default (1e-2, 3e-3, ..., 1e-7)
        Noise levels, at least 6, in (0, 1].
    train_size : int, default 512
    steps : int, default 300
        Adam steps of the adversarial training.
    seed : int, default 0

    Returns
    -------
    LearnedRegularizationResult

    References
    ----------
    Book: chapter *Deep learning for inverse problems*, theorem
    ``inverse-variational_regularization``. Lunz, Öktem, Schönlieb (2018); Mukherjee et al.
    (2020); Burger and Osher (2004), Thm 2.
    """
    n = check_int(n, "n", minimum=8)
    d = np.array(check_real_sequence(deltas, "deltas", minimum=0.0, strict_min=True, maximum=1.0, min_len=6))
    train_size = check_int(train_size, "train_size", minimum=16)
    steps = check_int(steps, "steps", minimum=1)
    g = rng(seed)
    A = integration_operator(n)
    Ainv = np.linalg.inv(A)
    clean = _signals(g, train_size, n)
    artefacts = clean + g.standard_normal(clean.shape) @ (0.002 * Ainv.T)
    R = train_adversarial_regularizer(clean, artefacts, rho=0.1, steps=steps, seed=seed)
    test = _signals(g, 256, n)
    with torch.no_grad():
        clean_score = float(R(test).mean())
        artefact_score = float(R(test + g.standard_normal(test.shape) @ (0.002 * Ainv.T)).mean())
    xd = _signals(g, 1, n)[0]
    _, xi = _value_grad(R, torch.as_tensor(xd))
    w = np.linalg.solve(A.T, xi.numpy())
    wn = float(np.linalg.norm(w))
    source_residual = float(np.linalg.norm(A.T @ w - xi.numpy()))
    y = A @ xd
    e_random = g.standard_normal(n)
    out = {k: [] for k in ("sym_random", "sym_worst", "bregman_random", "bregman_worst")}
    example = None
    for delta in d:
        alpha = float(delta) / wn
        for name, e in (("random", e_random), ("worst", -w)):
            xa = regularized_solution(R, A, y + delta * e / np.linalg.norm(e), alpha, x0=xd)
            _, xia = _value_grad(R, torch.as_tensor(xa))
            out[f"sym_{name}"].append(float((xia.numpy() - xi.numpy()) @ (xa - xd)))
            out[f"bregman_{name}"].append(bregman_distance(R, xa, xd))
            if example is None and name == "worst":
                example = xa
    res = {k: np.array(v) for k, v in out.items()}
    bound = np.array([_bregman_bound(float(delta), float(delta) / wn, wn) for delta in d])
    sym = np.concatenate([res["sym_random"], res["sym_worst"]])
    breg = np.concatenate([res["bregman_random"], res["bregman_worst"]])
    bounds = np.concatenate([bound, bound])
    order = np.argsort(d)
    return LearnedRegularizationResult(
        deltas=d.copy(),
        w_norm=wn,
        bound=bound,
        max_ratio=float(np.max(sym / bounds)),
        max_ratio_burger_osher=float(np.max(breg / (2 * bounds))),
        bregman_over_sym=float(np.median(breg / sym)),
        slope_large=loglog_slope(d[order][-3:], res["sym_worst"][order][-3:]),
        slope_small=loglog_slope(d[order][:3], res["sym_worst"][order][:3]),
        source_residual=source_residual,
        clean_score=clean_score,
        artefact_score=artefact_score,
        t=(np.arange(n) + 0.5) / n,
        x_dagger=xd,
        x_example=example,
        **res,
    )


declare_check(
    "inverse.variational_regularization",
    label="learned",
    quantity="largest ratio of the symmetric Bregman distance of a learned convex regulariser to "
    "(delta + alpha||w||)^2/(4 alpha), over delta and two noise directions",
    claim="upper bound",
    relation="<=",
    measure="max_ratio",
    predict=1.0,
    tolerance=1e-8,
    reason="Newton solves to a relative gradient norm of 1e-12; float64 network evaluations",
    hypotheses="R an input-convex network plus (rho/2)||x||^2 (convex, lower semicontinuous, coercive); "
    "source condition A^T w = grad R(x_dagger) solved exactly; ||y_delta - y|| = delta; alpha = delta/||w||",
    wrong="the bound without its cross term, (delta^2 + alpha^2||w||^2)/(4 alpha): half the bound at "
    "alpha = delta/||w||",
    wrong_predict=0.5,
    demo=learned_regularization_demo,
)
