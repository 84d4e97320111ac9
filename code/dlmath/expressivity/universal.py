r"""Universal approximation: shallow ReLU interpolants, the Heaviside ramp, Sobolev rates.

The width-:math:`n` interpolant :func:`shallow_relu_interpolant` and the ramp
:func:`heaviside_ramp_network` are :class:`~dlmath.expressivity.ReLUNet` networks; the demos of
chapter *Universal approximation* measure their errors against the theorems
``expressivity-uat_ck`` and ``expressivity-uat_lp``, and show that a polynomial activation is
not universal (the Sobolev rates are in :mod:`dlmath.expressivity.sobolev`).

References
----------
Berner, Grohs, Kutyniok, Petersen (2022); Hornik (1991); Leshno et al. (1993).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np
import torch

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    check_array,
    check_choice,
    check_device,
    check_int,
    check_int_sequence,
    check_real,
    check_real_sequence,
    loglog_slope,
    rng,
)
from .relu_nets import ReLUNet

_TARGETS_1D = {
    # name: (f, f', sup|f''| on [0,1], ||f''||_{L^2(0,1)})
    "sin2pi": (
        lambda x: np.sin(2 * np.pi * x),
        lambda x: 2 * np.pi * np.cos(2 * np.pi * x),
        (2 * np.pi) ** 2,
        (2 * np.pi) ** 2 / math.sqrt(2.0),
    ),
    "exp": (np.exp, np.exp, math.e, math.sqrt((math.e**2 - 1) / 2)),
}


def shallow_relu_interpolant(
    f: Callable[[np.ndarray], Any], n: int, *, dtype: Any = torch.float32, device: Any = "cpu"
) -> ReLUNet:
    r"""The width-:math:`n` ReLU network interpolating ``f`` on the grid :math:`i/n`.

    .. math::

        I_n f(x) = f(0) + s_1 \sigma(x) + \sum_{i=1}^{n-1} (s_{i+1} - s_i)\, \sigma(x - i/n),
        \qquad s_i = n\bigl(f(i/n) - f((i-1)/n)\bigr),

    equals on :math:`[0, 1]` the continuous piecewise-linear interpolant of ``f`` at the nodes
    :math:`0, 1/n, \dots, 1`. It has one hidden layer of width :math:`n` and
    :math:`3n + 1` parameters.

    Parameters
    ----------
    f : callable
        Vectorised function, ``f(x)`` for an array ``x`` of shape ``(n+1,)`` returns the values.
    n : int
        Width (number of cells), >= 1.
    dtype : torch.dtype or str, default torch.float32
        Dtype of the network (the demos pass ``torch.float64``).
    device : str or torch.device, default "cpu"

    Returns
    -------
    ReLUNet
        Maps tensors of shape ``(batch, 1)`` to ``(batch, 1)``; use ``.evaluate(x)`` on arrays.

    References
    ----------
    Book: chapter *Universal approximation*, theorem ``expressivity-uat_ck``.
    Berner et al. (2022).
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    n = check_int(n, "n", minimum=1)
    nodes = np.arange(n + 1) / n
    vals = check_array(np.asarray(f(nodes), dtype=float), "f(nodes)", ndim=1)
    if vals.shape != (n + 1,):
        raise ValueError(f"f must return an array of shape ({n + 1},), got {vals.shape}")
    s = n * np.diff(vals)
    out = np.concatenate([[s[0]], np.diff(s)])
    return ReLUNet([np.ones((n, 1)), out[None, :]], [-nodes[:-1], np.array([vals[0]])], dtype=dtype, device=device)


def heaviside_ramp_network(h: float, *, dtype: Any = torch.float32, device: Any = "cpu") -> ReLUNet:
    r"""The ramp :math:`r_h(x) = \sigma(x/h) - \sigma(x/h - 1)` as a width-2 ReLU network.

    :math:`r_h = 0` on :math:`(-\infty, 0]`, :math:`x/h` on :math:`[0, h]` and :math:`1` on
    :math:`[h, \infty)`; it approximates the Heaviside function in :math:`L^p`.

    Parameters
    ----------
    h : float
        Ramp width, > 0.
    dtype : torch.dtype or str, default torch.float32
        Dtype of the network (the demos pass ``torch.float64``).
    device : str or torch.device, default "cpu"

    References
    ----------
    Book: chapter *Universal approximation*, theorem ``expressivity-uat_lp``.
    """
    h = check_real(h, "h", minimum=0.0, strict_min=True)
    return ReLUNet(
        [np.array([[1.0 / h], [1.0 / h]]), np.array([[1.0, -1.0]])],
        [np.array([0.0, -1.0]), np.array([0.0])],
        dtype=dtype,
        device=device,
    )


# demos


@demo_result
class UATRateResult(DemoResult):
    r"""Result of :func:`uat_1d_rate_demo`.

    Attributes
    ----------
    widths : numpy.ndarray
        The widths :math:`n`, sorted.
    sup_err : numpy.ndarray
        Sup error :math:`\|f - I_n f\|_\infty` of the network, per width.
    predicted : numpy.ndarray
        The bound :math:`\|f''\|_\infty/(8n^2)`, per width.
    rate : float
        Fitted log-log slope over all widths.
    max_ratio : float
        Largest ratio error/bound (<= 1).
    asymptotic_ratio : float
        Ratio error/bound at the largest width.
    rate_fit : float
        Fitted slope over the widths ``>= fit_min_width`` (predicted -2).
    fit_min_width : int
        Smallest width of the fitting window (32).
    """

    widths: np.ndarray
    sup_err: np.ndarray
    predicted: np.ndarray
    rate: float
    max_ratio: float
    asymptotic_ratio: float
    rate_fit: float
    fit_min_width: int

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.widths, self.sup_err, "o-", label=r"$\|f - I_n f\|_\infty$ (network)")
        ax.loglog(self.widths, self.predicted, "--", color="0.4", label=r"$\|f''\|_\infty / (8 n^2)$")
        ax.set_xlabel("width $n$")
        ax.set_ylabel("sup error")
        ax.set_title(f"shallow ReLU interpolant: slope {self.rate:.3f}")
        ax.legend()
        return ax


def uat_1d_rate_demo(
    *, widths: Sequence[int] = (8, 16, 32, 64, 128, 256, 512), f: str = "sin2pi", seed: int = 0, device: Any = "cpu"
) -> UATRateResult:
    r"""Sup error of the width-:math:`n` shallow ReLU interpolant against the bound :math:`\|f''\|_\infty/(8n^2)`.

    For each width :math:`n` the network :func:`shallow_relu_interpolant` is built and evaluated
    on the grid :math:`j 2^{-16}`, :math:`0 \le j \le 2^{16}` (which contains all cell midpoints).
    The error satisfies :math:`\|f - I_n f\|_{C[0,1]} \le \|f''\|_\infty/(8n^2)`, with equality
    asymptotically for :math:`f = \sin 2\pi x` (constant :math:`\pi^2/2`).

    Parameters
    ----------
    widths : sequence of int, default (8, 16, ..., 512)
        Distinct widths >= 1.
    f : {"sin2pi", "exp"}, default "sin2pi"
        Target :math:`\sin(2\pi x)` or :math:`e^x`.
    seed : int, default 0
        Unused (the demo is deterministic); accepted for a uniform interface.
    device : str or torch.device, default "cpu"

    Returns
    -------
    UATRateResult
        ``widths``, ``sup_err``, ``predicted`` (the bound, per width), ``rate`` (fitted slope
        over all widths), ``rate_fit`` (fitted slope over the widths ``>= fit_min_width`` = 32,
        where the error is within 1% of its asymptotic form; predicted -2), ``max_ratio`` (max
        of error/bound, <= 1, the tightness of the bound) and ``asymptotic_ratio`` (error/bound
        at the largest width).

    References
    ----------
    Book: chapter *Universal approximation*, theorem ``expressivity-uat_ck``. Berner et al. (2022).
    """
    widths = np.sort(check_int_sequence(widths, "widths", minimum=1, min_len=2, distinct=True))
    check_choice(f, "f", tuple(_TARGETS_1D))
    check_int(seed, "seed", minimum=0)
    device = check_device(device)
    func, _, sup2, _ = _TARGETS_1D[f]
    x = np.arange(2**16 + 1) / 2**16
    fx = func(x)
    errs = []
    for n in widths:
        net = shallow_relu_interpolant(func, int(n), dtype=torch.float64, device=device)
        errs.append(np.max(np.abs(fx - net.evaluate(x))))
    errs = np.array(errs)
    pred = sup2 / (8.0 * widths.astype(float) ** 2)
    ratio = errs / pred
    fit_min = 32
    win = widths >= fit_min
    if win.sum() < 2:
        raise ValueError(f"widths must contain at least two values >= {fit_min} for the fitted rate")
    return UATRateResult(
        widths=widths,
        sup_err=errs,
        predicted=pred,
        rate=loglog_slope(widths, errs),
        max_ratio=float(ratio.max()),
        asymptotic_ratio=float(ratio[-1]),
        rate_fit=loglog_slope(widths[win], errs[win]),
        fit_min_width=fit_min,
    )


declare_check(
    "expressivity.uat_ck",
    label="interpolant",
    quantity="largest ratio of the sup error of the width-n interpolant of sin(2 pi x) to the bound "
    "||f''||/(8 n^2), over the widths",
    claim="upper bound",
    relation="<=",
    measure="max_ratio",
    predict=1.0,
    tolerance=1e-9,
    reason="float64 rounding of the network's output (errors ~1e-13 against values ~1e-5)",
    hypotheses="f = sin(2 pi x) in C^2[0,1], nodes i/n, sup over a grid containing every cell midpoint "
    "(where |f - I_n f| is maximal to O(h^3))",
    wrong="0.9 x the bound, i.e. ||f''||/(8.9 n^2) (the bound is attained as n -> infinity)",
    wrong_predict=0.9,
    min_tightness=0.99,
    demo=uat_1d_rate_demo,
)

declare_check(
    "expressivity.uat_ck",
    label="rate",
    quantity="fitted slope of log sup error against log n, widths n >= 32",
    claim="rate",
    relation="approx",
    measure="rate_fit",
    predict=-2.0,
    tolerance=0.02,
    reason="pre-asymptotic range: for n >= 32 the ratio error/bound lies within 1% of its limit 1, "
    "which moves the slope by less than 0.01",
    hypotheses="f = sin(2 pi x) in C^2[0,1]; deterministic, no statistical error",
    wrong="the rate n^(-1) (the rate of the derivative, or of a merely Lipschitz target)",
    wrong_predict=-1.0,
    demo=uat_1d_rate_demo,
)


@demo_result
class HeavisideLpResult(DemoResult):
    r"""Result of :func:`heaviside_lp_demo`; ``lp_err`` and ``predicted`` have shape ``(len(hs), len(ps))``.

    Attributes
    ----------
    hs : numpy.ndarray
        Ramp widths :math:`h`.
    ps : numpy.ndarray
        Exponents :math:`p`.
    lp_err : numpy.ndarray
        Measured :math:`\|H - r_h\|_{L^p(-1,1)}`, shape ``(len(hs), len(ps))``.
    predicted : numpy.ndarray
        Closed form :math:`(h/(p+1))^{1/p}`, same shape.
    sup_err : numpy.ndarray
        Sup error over the grid, per :math:`h`.
    max_rel_err : float
        Largest relative deviation of ``lp_err`` from ``predicted``.
    quad_tol : float
        Tolerance from the trapezoidal-rule error bound.
    wrong_rel_err : float
        The same deviation from the wrong closed form :math:`(h/p)^{1/p}`.
    """

    hs: np.ndarray
    ps: np.ndarray
    lp_err: np.ndarray
    predicted: np.ndarray
    sup_err: np.ndarray
    max_rel_err: float
    quad_tol: float
    wrong_rel_err: float

    def plot(self, ax=None):
        ax = axes(ax)
        for j, p in enumerate(self.ps):
            ax.loglog(self.hs, self.lp_err[:, j], "o", color=COLORS[j], label=f"$L^{{{p:g}}}$ error")
            ax.loglog(
                self.hs, self.predicted[:, j], "-", color=COLORS[j], alpha=0.6, label=f"$(h/{p + 1:g})^{{1/{p:g}}}$"
            )
        ax.loglog(self.hs, self.sup_err, "s--", color="0.3", label="sup error")
        ax.axhline(0.5, color="0.5", linestyle=":", label=r"$1/2$ (any continuous $g$)")
        ax.set_xlabel("ramp width $h$")
        ax.set_ylabel(r"$\|H - r_h\|$")
        ax.invert_xaxis()
        ax.legend(ncol=2)
        return ax


def heaviside_lp_demo(
    *, hs: Sequence[float] = (1e-1, 1e-2, 1e-3), ps: Sequence[float] = (1, 2, 4), seed: int = 0, device: Any = "cpu"
) -> HeavisideLpResult:
    r"""The ReLU ramp approximates the Heaviside function in :math:`L^p` but not uniformly.

    :math:`\|H - r_h\|_{L^p(-1,1)} = (h/(p+1))^{1/p}` exactly, while
    :math:`\sup_{[-1,1]} |H - r_h| = 1` for every :math:`h`. The demo evaluates the network
    :func:`heaviside_ramp_network` on the uniform grid of :math:`2\cdot 10^6 + 1` points of
    :math:`[-1, 1]`, with :math:`H = \mathbf 1_{[0, \infty)}`, and integrates with the trapezoidal
    rule on :math:`[-1, 0]` and :math:`[0, 1]` separately (using one-sided limits at the jump).

    Parameters
    ----------
    hs : sequence of float, default (0.1, 0.01, 0.001)
        Ramp widths in :math:`[10^{-4}, 1]`.
    ps : sequence of float, default (1, 2, 4)
        Exponents :math:`p \ge 1`.
    seed : int, default 0
        Unused (deterministic demo).
    device : str or torch.device, default "cpu"

    Returns
    -------
    HeavisideLpResult
        ``lp_err`` and ``predicted`` (closed form), ``sup_err`` (max over the grid),
        ``max_rel_err`` (max relative deviation from the closed form), ``quad_tol`` (twice the
        relative error bound :math:`(p+1)p(p-1)\delta^2/(12 h^2)` of the trapezoidal rule for
        the integral, divided by :math:`p` for its :math:`p`-th root, maximised over the pairs,
        with :math:`\delta` the grid step, plus :math:`10^{-9}`) and ``wrong_rel_err`` (the same
        deviation from the wrong closed form :math:`(h/p)^{1/p}`).

    References
    ----------
    Book: chapter *Universal approximation*, theorem ``expressivity-uat_lp``. Hornik (1991).
    """
    hs_a = np.array(check_real_sequence(hs, "hs", minimum=1e-4, maximum=1.0))
    ps_a = np.array(check_real_sequence(ps, "ps", minimum=1.0))
    check_int(seed, "seed", minimum=0)
    device = check_device(device)
    x = np.linspace(-1.0, 1.0, 2 * 10**6 + 1)
    step = x[1] - x[0]
    left, right = x <= 0, x >= 0
    lp = np.empty((hs_a.size, ps_a.size))
    sup = np.empty(hs_a.size)

    def trap(g):
        return step * (g.sum() - 0.5 * (g[0] + g[-1]))

    for i, h in enumerate(hs_a):
        r = heaviside_ramp_network(h, dtype=torch.float64, device=device).evaluate(x)
        e_left = np.abs(0.0 - r[left])  # H = 0 on [-1, 0) (left limit at 0)
        e_right = np.abs(1.0 - r[right])  # H = 1 on [0, 1]
        sup[i] = max(e_left.max(), e_right.max())
        for j, p in enumerate(ps_a):
            lp[i, j] = (trap(e_left**p) + trap(e_right**p)) ** (1 / p)
    pred = (hs_a[:, None] / (ps_a[None, :] + 1)) ** (1 / ps_a[None, :])
    wrong = (hs_a[:, None] / ps_a[None, :]) ** (1 / ps_a[None, :])
    # composite trapezoid on [0, h] for (1 - x/h)^p: |error| <= h delta^2 p (p-1) / (12 h^2), relative
    # to the integral h/(p+1); the p-th root divides the relative error by p
    qt = (ps_a[None, :] + 1) * (ps_a[None, :] - 1) * step**2 / (12 * hs_a[:, None] ** 2)
    return HeavisideLpResult(
        hs=hs_a,
        ps=ps_a,
        lp_err=lp,
        predicted=pred,
        sup_err=sup,
        max_rel_err=float(np.max(np.abs(lp / pred - 1))),
        quad_tol=float(2 * qt.max() + 1e-9),
        wrong_rel_err=float(np.max(np.abs(lp / wrong - 1))),
    )


declare_check(
    "expressivity.uat_lp",
    label="lp",
    quantity="largest relative deviation of the L^p errors ||H - r_h||_p from (h/(p+1))^(1/p), over (h, p)",
    claim="identity",
    relation="approx",
    measure="max_rel_err",
    predict=0.0,
    tolerance="quad_tol",
    reason="twice the error bound of the composite trapezoidal rule for the norm, (p+1)(p-1) delta^2/(12 h^2) "
    "relative, "
    "at grid step delta = 1e-6 (the integrand is smooth on each side of the jump, integrated separately)",
    hypotheses="H = 1_[0, inf), the width-2 ReLU ramp r_h with 1e-4 <= h <= 1, exponents p >= 1, interval [-1, 1]",
    wrong="(h/p)^(1/p) (p instead of p + 1 in the closed form)",
    wrong_measure="wrong_rel_err",
    demo=heaviside_lp_demo,
)

declare_check(
    "expressivity.uat_lp",
    label="sup",
    quantity="smallest sup error of the ramp r_h to H over the widths h",
    claim="equality",
    relation="approx",
    measure=lambda r: float(np.min(r.sup_err)),
    predict=1.0,
    tolerance=1e-12,
    reason="float64 rounding; the sup is attained at x = 0, a grid point, where r_h(0) = 0 exactly",
    hypotheses="H = 1_[0, inf) with H(0) = 1, the ramp r_h, 1e-4 <= h <= 1",
    wrong="1/2, the lower bound (b) for every continuous g (which the ramp does not attain)",
    wrong_predict=0.5,
    demo=heaviside_lp_demo,
)


@demo_result
class PolynomialActivationResult(DemoResult):
    r"""Result of :func:`polynomial_activation_demo`.

    Attributes
    ----------
    widths : numpy.ndarray
        The widths :math:`n`.
    poly_err : numpy.ndarray
        Sup error of the least-squares fit with :math:`\sigma(t) = t^p`.
    relu_err : numpy.ndarray
        The same with the ReLU and the same inner weights.
    poly_rank : numpy.ndarray
        Numerical rank of the polynomial feature matrix (<= p + 1).
    degree : int
        The degree :math:`p`.
    predicted : float
        :math:`2^{-p}`, the distance of :math:`x^{p+1}` to :math:`\mathcal P_p`.
    poly_minimax : numpy.ndarray
        Best uniform error over the span of the polynomial features.
    minimax_worst : float
        The value of ``poly_minimax`` farthest from ``predicted``.
    """

    widths: np.ndarray
    poly_err: np.ndarray
    relu_err: np.ndarray
    poly_rank: np.ndarray
    degree: int
    predicted: float
    poly_minimax: np.ndarray
    minimax_worst: float

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.widths, self.poly_err, "o-", label=rf"$\sigma(t) = t^{{{self.degree}}}$, least squares")
        ax.loglog(
            self.widths,
            self.poly_minimax,
            "^",
            color=COLORS[2],
            label=rf"$\sigma(t) = t^{{{self.degree}}}$, best uniform",
        )
        ax.loglog(self.widths, self.relu_err, "s-", label=r"$\sigma = $ ReLU")
        ax.axhline(
            self.predicted,
            color="0.4",
            linestyle="--",
            label=rf"$2^{{-{self.degree}}}$ = dist$(x^{{{self.degree + 1}}}, \mathcal{{P}}_{{{self.degree}}})$",
        )
        ax.set_xticks(self.widths)
        ax.set_xticklabels([str(int(w)) for w in self.widths])
        ax.xaxis.set_minor_formatter(_null_formatter())
        ax.set_xlabel("width $n$")
        ax.set_ylabel(r"sup error on $[-1, 1]$")
        ax.legend()
        return ax


def _null_formatter():
    from matplotlib.ticker import NullFormatter

    return NullFormatter()


def polynomial_activation_demo(
    *, degree: int = 2, widths: Sequence[int] = (2, 4, 8, 16, 32, 64), seed: int = 0
) -> PolynomialActivationResult:
    r"""A polynomial activation is not universal: the width does not help.

    With :math:`\sigma(t) = t^p`, every network :math:`c_0 + \sum_{i\le n} c_i \sigma(w_i x + b_i)`
    is a polynomial of degree :math:`\le p`, so its sup distance to :math:`x^{p+1}` on
    :math:`[-1, 1]` is at least :math:`2^{-p}` (Chebyshev), whatever :math:`n`. The demo draws
    :math:`w_i \sim N(0, 1)`, :math:`b_i \sim U[-1, 1]`, fits the outer weights by least squares
    on 2001 points plus the Chebyshev extremal points :math:`\cos(j\pi/(p+1))`, and reports the
    sup error on those points for :math:`t^p` and for ReLU with the same inner weights, and the
    numerical rank of the polynomial feature matrix (at most :math:`p + 1`).

    The best uniform error over the span of the polynomial features (``poly_minimax``) is
    computed exactly, as the linear programme
    :math:`\min\{t : |(Uc)_j - x_j^{p+1}| \le t \ \forall j\}` over an orthonormal basis
    :math:`U` of the feature span (SciPy's HiGHS solver). The points contain the extremal points
    of :math:`T_{p+1}`, so by de la Vallée Poussin's theorem the discrete minimax equals the
    continuous one, :math:`2^{-p}`, as soon as the span is all of :math:`\mathcal P_p`.

    Parameters
    ----------
    degree : int, default 2
        :math:`p`, between 1 and 6.
    widths : sequence of int, default (2, 4, ..., 64)
    seed : int, default 0

    Returns
    -------
    PolynomialActivationResult
        ``poly_err`` (least squares), ``poly_minimax`` (best uniform error over the span),
        ``relu_err``, ``poly_rank`` per width; ``predicted`` :math:`= 2^{-p}`, and
        ``minimax_worst``, the value of ``poly_minimax`` farthest from ``predicted``.

    References
    ----------
    Book: chapter *Universal approximation*, theorem ``expressivity-uat_ck`` (the "only if").
    Leshno et al. (1993).
    """
    p = check_int(degree, "degree", minimum=1, maximum=6)
    widths = np.sort(check_int_sequence(widths, "widths", minimum=1, min_len=2, distinct=True))
    g = rng(seed)
    cheb = np.cos(np.arange(p + 2) * np.pi / (p + 1))
    x = np.unique(np.concatenate([np.linspace(-1, 1, 2001), cheb]))
    target = x ** (p + 1)
    from scipy.optimize import linprog

    poly_err, relu_err, ranks, minimax = [], [], [], []
    for n in widths:
        w = g.standard_normal(int(n))
        b = g.uniform(-1, 1, int(n))
        pre = np.outer(x, w) + b
        for feats, store in (((pre**p), poly_err), (np.maximum(pre, 0.0), relu_err)):
            A = np.hstack([np.ones((x.size, 1)), feats])
            coef, *_ = np.linalg.lstsq(A, target, rcond=None)
            store.append(float(np.max(np.abs(A @ coef - target))))
        U, s, _ = np.linalg.svd(np.hstack([np.ones((x.size, 1)), pre**p]), full_matrices=False)
        r = int(np.sum(s > 1e-9 * s[0]))
        ranks.append(r)
        U = U[:, :r]
        ones = np.ones((x.size, 1))
        lp = linprog(
            np.r_[np.zeros(r), 1.0],
            A_ub=np.vstack([np.hstack([U, -ones]), np.hstack([-U, -ones])]),
            b_ub=np.r_[target, -target],
            bounds=[(None, None)] * (r + 1),
            method="highs",
            options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10},
        )
        if not lp.success:  # pragma: no cover - the programme is always feasible and bounded
            raise RuntimeError(f"minimax linear programme failed: {lp.message}")
        minimax.append(float(np.max(np.abs(U @ lp.x[:r] - target))))
    minimax = np.array(minimax)
    pred = 2.0 ** (-p)
    return PolynomialActivationResult(
        widths=widths,
        poly_err=np.array(poly_err),
        relu_err=np.array(relu_err),
        poly_rank=np.array(ranks),
        degree=p,
        predicted=pred,
        poly_minimax=minimax,
        minimax_worst=float(minimax[np.argmax(np.abs(minimax / pred - 1))]),
    )


declare_check(
    "expressivity.uat_ck",
    label="polynomial",
    quantity="best uniform error to x^(p+1) on [-1, 1] over the span of the features (w x + b)^p, "
    "the width farthest from the prediction (p = degree)",
    claim="equality",
    relation="rel",
    measure="minimax_worst",
    predict="predicted",
    tolerance=1e-7,
    reason="feasibility tolerances of the HiGHS linear programme (set to 1e-10) and the SVD cut-off of the "
    "feature span; the deviation measured is below 1e-9",
    hypotheses="sigma(t) = t^p, a polynomial: the 'only if' of (a); random inner weights of full rank p + 1; "
    "the points contain the p + 2 extremal points of T_(p+1)",
    wrong="2^(-p-1) (the Chebyshev constant of degree p + 2, one degree off)",
    wrong_predict=lambda r: float(r.predicted) / 2,
    demo=polynomial_activation_demo,
)
