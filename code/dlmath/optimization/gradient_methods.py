r"""Gradient descent on smooth objectives: the rates of the convex, PL and strongly convex cases.

Chapter *Gradient methods*: gradient descent with step :math:`1/L` on convex,
Polyak--Lojasiewicz and strongly convex objectives (:func:`gd_rates_demo`, theorem
``optimization-gd_smooth_rates``) and stationarity for non-convex smooth objectives
(:func:`stationarity_demo`, theorem ``optimization-gd_nonconvex_stationarity``). The closed-form
bounds of the two theorems are private helpers of the demos.

References
----------
Nesterov (2004), Secs. 1.2.3 and 2.1; Karimi, Nutini, Schmidt (2016); Bach (2024), Ch. 5.
"""

from __future__ import annotations

import math

import numpy as np

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_choice, check_int, check_real, rng

__all__ = ["GDRateResult", "gd_rates_demo", "StationarityResult", "stationarity_demo"]


_GD_STEP = 1.0  # gradient steps of the demos of this module are _GD_STEP / L


def _convex_gd_bound(L, dist2, k):
    # theorem (a): f(x_k) - f* <= L dist(x_0, X*)^2 / (2k), k >= 1
    return L * dist2 / (2.0 * np.asarray(k, dtype=float))


def _stationarity_bound(L, gap0, K):
    # min_{k<K} ||grad f(x_k)||^2 <= 2 L (f(x_0) - f_inf) / K
    return 2.0 * L * gap0 / np.asarray(K, dtype=float)


def _log_fit_rate(k: np.ndarray, gap: np.ndarray) -> float:
    """Per-step factor exp(slope) of the least-squares line of log gap against k."""
    slope = np.polyfit(k.astype(float), np.log(gap), 1)[0]
    return float(np.exp(slope))


# ---------------------------------------------------------------------------------------------
# demos
# ---------------------------------------------------------------------------------------------


@demo_result
class GDRateResult(DemoResult):
    """Gradient descent with step 1/L: suboptimality, the theorem's bound and the fitted rate.

    Attributes
    ----------
    case : str
        ``"convex"``, ``"pl"`` or ``"strongly_convex"``.
    k : ndarray, shape (K,)
        Iteration counts 0, 1, ..., K-1.
    gap : ndarray, shape (K,)
        Suboptimality :math:`f(x_k) - f^*`.
    bound : ndarray, shape (K,)
        The bound of the theorem for this case.
    max_ratio : float
        :math:`\\max_k` gap/bound (at most 1 by the theorem).
    fitted_rate : float
        For quadratics, the per-step factor of the gap fitted over the second half of the
        range where the gap is above the rounding floor; in the PL case, the largest one-step
        factor :math:`\\max_k (f(x_{k+1})-f^*)/(f(x_k)-f^*)`.
    predicted_rate : float
        :math:`(1-\\mu/L)^2` for quadratics (the exact asymptotic factor) and
        :math:`1-\\mu/L` (an upper bound) in the PL case.
    mu, L : float
        The constants used.
    worst_ratio, worst_ratio_k2 : float
        Convex case only (NaN otherwise): for the quadratic :math:`\\lambda z^2/2`,
        :math:`\\lambda = L/(2K-1)`, :math:`z_0 = 1`, the gap at iteration :math:`K-1` over the bound
        :math:`L/(2(K-1))`, and over the wrong bound :math:`L/(2(K-1)^2)`.
    """

    case: str
    k: np.ndarray
    gap: np.ndarray
    bound: np.ndarray
    max_ratio: float
    fitted_rate: float
    predicted_rate: float
    mu: float
    L: float
    worst_ratio: float = float("nan")
    worst_ratio_k2: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        k = np.maximum(self.k, 1) if self.case == "convex" else self.k
        pos = self.gap > 0
        ax.plot(k[pos], self.gap[pos], color=COLORS[0], label=r"$f(x_k)-f^*$")
        ax.plot(k, self.bound, color=COLORS[1], linestyle="--", label="bound of the theorem")
        if self.case == "convex":
            ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("iteration $k$")
        ax.set_ylabel("suboptimality")
        titles = {
            "convex": "convex: $L\\,\\mathrm{dist}(x_0,X^*)^2/(2k)$",
            "pl": "PL, non-convex: $(1-\\mu/L)^k\\,(f(x_0)-f^*)$",
            "strongly_convex": "strongly convex: $(1-\\mu/L)^k\\,(f(x_0)-f^*)$",
        }
        ax.set_title(titles[self.case])
        ax.legend()
        return ax


def gd_rates_demo(*, case: str = "convex", steps: int = 2000, seed: int = 0) -> GDRateResult:
    r"""Gradient descent :math:`x_{k+1} = x_k - \nabla f(x_k)/L` against the rates of the chapter *Gradient methods*.

    Three cases of the theorem *gradient descent on smooth functions*:

    * ``"convex"``: rank-deficient least squares :math:`f(x) = \tfrac12\|Ax-b\|^2`,
      :math:`A \in \mathbb{R}^{50\times 30}` of rank 10, bound
      :math:`L\,\mathrm{dist}(x_0, X^*)^2/(2k)`;
    * ``"pl"``: :math:`f(x) = x^2 + 3\sin^2 x`, non-convex, :math:`L = 8`, PL with
      :math:`\mu = 1/32`, :math:`x_0 = 3`, bound :math:`(1-\mu/L)^k (f(x_0)-f^*)`;
    * ``"strongly_convex"``: :math:`f(x) = \tfrac12 x^\top \mathrm{diag}(\lambda) x` with
      :math:`\lambda` evenly spaced in :math:`[\mu, L] = [1, 10]`, :math:`p = 10`, same bound.

    For a quadratic, :math:`f(x_k)-f^* = \tfrac12\sum_i \lambda_i (1-\lambda_i/L)^{2k} e_{0,i}^2`
    in the eigenbasis, so the gap contracts asymptotically by exactly :math:`(1-\mu/L)^2` per
    step, :math:`\mu` the smallest non-zero eigenvalue; this is ``predicted_rate`` for the
    ``"convex"`` and ``"strongly_convex"`` cases.

    Parameters
    ----------
    case : {"convex", "pl", "strongly_convex"}, default "convex"
    steps : int, default 2000
        Number of iterations K >= 10.
    seed : int, default 0

    Returns
    -------
    GDRateResult

    References
    ----------
    Book, chapter *Gradient methods*, theorem ``optimization-gd_smooth_rates``.
    Nesterov (2004), Thms 2.1.14-2.1.15;
    Karimi, Nutini, Schmidt (2016), Thm 1; Bach (2024), Sec. 5.2.
    """
    case = check_choice(case, "case", ("convex", "pl", "strongly_convex"))
    steps = check_int(steps, "steps", minimum=10)
    gen = rng(seed)
    k = np.arange(steps)
    h = _GD_STEP  # the step is h / L; the theorem needs h = 1
    worst_ratio = worst_ratio_k2 = float("nan")
    if case == "convex":
        A = gen.standard_normal((50, 10)) @ gen.standard_normal((10, 30)) / math.sqrt(50)
        b = gen.standard_normal(50)
        L = float(np.linalg.norm(A, 2) ** 2)
        x_dag = np.linalg.pinv(A) @ b
        x = gen.standard_normal(30)
        # distance to the solution set x_dag + ker(A): the component in row(A)
        P = np.linalg.pinv(A) @ A
        dist2 = float(np.sum((P @ (x - x_dag)) ** 2))
        gap = np.empty(steps)
        for i in range(steps):
            gap[i] = 0.5 * float(np.sum((A @ (x - x_dag)) ** 2))  # = f(x) - f*, no cancellation
            x = x - h * A.T @ (A @ x - b) / L
        eig = np.linalg.eigvalsh(A.T @ A)
        mu = float(eig[eig > 1e-9 * eig[-1]].min())
        bound = _convex_gd_bound(L, dist2, np.maximum(k, 1))
        bound[0] = np.inf
        predicted = (1.0 - mu / L) ** 2
        # the worst quadratic for iteration kk: f(z) = lam_w z^2 / 2, lam_w = L/(2 kk + 1), z_0 = 1
        kk = steps - 1
        lam_w, z = L / (2.0 * kk + 1.0), 1.0
        for _ in range(kk):
            z = z - h * lam_w * z / L
        gap_w = 0.5 * lam_w * z * z
        worst_ratio = float(gap_w / _convex_gd_bound(L, 1.0, kk))
        worst_ratio_k2 = float(gap_w / (_convex_gd_bound(L, 1.0, kk) / kk))
    elif case == "pl":
        L, mu = 8.0, 1.0 / 32.0
        x = 3.0
        gap = np.empty(steps)
        for i in range(steps):
            gap[i] = x * x + 3.0 * math.sin(x) ** 2
            x = x - h * (2.0 * x + 3.0 * math.sin(2.0 * x)) / L
        bound = (1.0 - mu / L) ** k * gap[0]
        predicted = 1.0 - mu / L
        # the instance attaining the PL bound: f(z) = L z^2/2 is PL with mu = L, factor 1 - mu/L = 0
        z1 = 1.0 - h * L * 1.0 / L
        worst_ratio = float((1.0 - z1 * z1) / 1.0)  # one-step decrease over mu/L = 1
    else:
        mu, L = 1.0, 10.0
        lam = np.linspace(mu, L, 10)
        x = gen.standard_normal(10)
        gap = np.empty(steps)
        for i in range(steps):
            gap[i] = 0.5 * float(np.sum(lam * x * x))
            x = x - h * lam * x / L
        bound = (1.0 - mu / L) ** k * gap[0]
        predicted = (1.0 - mu / L) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(np.isfinite(bound) & (bound > 0), gap / bound, 0.0)
    max_ratio = float(np.max(ratio[1:]))
    floor = 1e-24 * gap[0] if case == "convex" else 1e-280
    good = np.nonzero(gap > max(floor, 1e-300))[0]
    last = int(good[-1]) if good.size else 1
    if case == "pl":
        # the proof contracts the gap by at least 1 - mu/L at every single step
        fitted = float(np.max(gap[1 : last + 1] / gap[:last]))
    else:
        # fit over the second half of the range above the rounding floor
        sel = np.arange(max(last // 2, 1), last + 1)
        fitted = _log_fit_rate(k[sel], gap[sel])
    return GDRateResult(
        case=case,
        k=k.astype(float),
        gap=gap,
        bound=bound,
        max_ratio=max_ratio,
        fitted_rate=fitted,
        predicted_rate=float(predicted),
        mu=float(mu),
        L=float(L),
        worst_ratio=worst_ratio,
        worst_ratio_k2=worst_ratio_k2,
    )


declare_check(
    "optimization.gd_smooth_rates",
    label="convex",
    quantity="largest ratio of the gap to L dist(x_0,X*)^2/(2k): least squares over k, and the worst "
    "quadratic lam z^2/2, lam = L/(2K-1), at its iteration K-1",
    claim="upper bound",
    relation="<=",
    measure=lambda r: max(float(r.max_ratio), float(r.worst_ratio)),
    predict=1.0,
    tolerance=1e-12,
    reason="exact recursions in float64; the bound is not sharp: over quadratics its sup is "
    "k/(2k+1)(2k/(2k+1))^(2k) -> 1/(2e) of it, hence the reported tightness near 0.18",
    hypotheses="convex, L-smooth with L = ||A||_2^2, minimiser set non-empty, step 1/L",
    wrong="the rate L dist^2/(2k^2) of accelerated methods instead of 1/k",
    wrong_measure=lambda r: max(float(r.max_ratio), float(r.worst_ratio_k2)),
    min_tightness=0.15,
    demo=gd_rates_demo,
)
declare_check(
    "optimization.gd_smooth_rates",
    label="pl",
    quantity="smallest one-step decrease 1 - (f(x_{k+1})-f*)/(f(x_k)-f*) of the gap over mu/L: for "
    "x^2 + 3 sin^2 x (non-convex, mu = 1/32) and for L z^2/2 (PL with mu = L, the bound attained)",
    claim="lower bound",
    relation=">=",
    measure=lambda r: min((1.0 - float(r.fitted_rate)) / float(r.mu / r.L), float(r.worst_ratio)),
    predict=1.0,
    tolerance=1e-12,
    reason="exact one-dimensional recursions in float64; L z^2/2 attains the bound, x^2 + 3 sin^2 x "
    "exceeds it by a factor of about 12 (its PL constant 1/32 is a safe, not the best, certificate)",
    hypotheses="f = x^2 + 3 sin^2 x is 8-smooth and PL with mu = 1/32 (not convex); L z^2/2 is L-smooth "
    "and PL with mu = L; step 1/L",
    wrong="the factor 1 - 2 mu/L (a decrease twice the guaranteed one)",
    wrong_predict=2.0,
    min_tightness=0.9,
    demo=gd_rates_demo,
)
declare_check(
    "optimization.gd_smooth_rates",
    label="strongly_convex",
    quantity="fitted per-step contraction factor of the gap of a quadratic with spectrum in [mu, L]",
    claim="equality",
    relation="rel",
    measure="fitted_rate",
    predict="predicted_rate",
    tolerance=1e-6,
    reason="log-linear fit over the second half of the range above the rounding floor, where the "
    "smallest eigenvalue dominates up to a relative term of order ((1-2mu/L)/(1-mu/L))^(2k)",
    hypotheses="mu-strongly convex, L-smooth quadratic, step 1/L",
    wrong="the factor 1 - mu/L of the bound taken as the exact factor (it is (1-mu/L)^2 on the gap)",
    wrong_predict=lambda r: 1.0 - float(r.mu / r.L),
    demo=gd_rates_demo,
)


@demo_result
class StationarityResult(DemoResult):
    """Running minimum of the squared gradient norm of GD on a non-convex function.

    Attributes
    ----------
    K : ndarray, shape (Kmax,)
        1, ..., Kmax.
    min_grad_sq : ndarray, shape (Kmax,)
        :math:`\\min_{0\\le k<K} \\|\\nabla f(x_k)\\|^2`.
    bound : ndarray, shape (Kmax,)
        :math:`2L(f(x_0)-f_{\\inf})/K` with :math:`f_{\\inf} = 0`.
    max_ratio : float
        :math:`\\max_K` min_grad_sq/bound (at most 1).
    tight_ratio : float
        The same ratio, largest over K = 1, 2, for :math:`f(z) = Lz^2/2`, :math:`z_0 = 1`; it equals 1.
    f_values : ndarray, shape (Kmax,)
        :math:`f(x_k)`, non-increasing by the descent lemma.
    L : float
    """

    K: np.ndarray
    min_grad_sq: np.ndarray
    bound: np.ndarray
    max_ratio: float
    f_values: np.ndarray
    L: float
    tight_ratio: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.K, self.min_grad_sq, color=COLORS[0], label=r"$\min_{k<K}\|\nabla f(x_k)\|^2$")
        ax.loglog(self.K, self.bound, color=COLORS[1], linestyle="--", label=r"$2L(f(x_0)-f_{\inf})/K$")
        ax.set_xlabel("$K$")
        ax.set_ylabel("squared gradient norm")
        ax.legend()
        return ax


def stationarity_demo(*, K: int = 2000, lam: float = 3.0, seed: int = 0) -> StationarityResult:
    r"""Gradient descent on a non-convex smooth function: :math:`\min_{k<K}\|\nabla f(x_k)\|^2 = O(1/K)`.

    :math:`f(x) = \tfrac12\|Ax-b\|^2 + \lambda \sum_i \log(1+x_i^2)`, :math:`A \in \mathbb{R}^{20\times10}`
    with i.i.d. :math:`N(0,1/20)` entries. The penalty has second derivative
    :math:`2\lambda(1-x^2)/(1+x^2)^2 \in [-\lambda/4, 2\lambda]`, so :math:`f` is non-convex for
    large :math:`\lambda` and :math:`L = \|A\|_2^2 + 2\lambda`-smooth; :math:`f \ge 0 = f_{\inf}`.
    GD with step :math:`1/L` from :math:`x_0 \sim N(0, 9 I)`.

    Parameters
    ----------
    K : int, default 2000
        Number of iterations, >= 2.
    lam : float, default 3.0
        :math:`\lambda > 0`.
    seed : int, default 0

    Returns
    -------
    StationarityResult

    References
    ----------
    Book, chapter *Gradient methods*, theorem ``optimization-gd_nonconvex_stationarity``.
    Nesterov (2004), Sec. 1.2.3.
    """
    K = check_int(K, "K", minimum=2)
    lam = check_real(lam, "lam", minimum=0.0, strict_min=True)
    gen = rng(seed)
    A = gen.standard_normal((20, 10)) / math.sqrt(20)
    b = gen.standard_normal(20)
    L = float(np.linalg.norm(A, 2) ** 2 + 2.0 * lam)
    x = 3.0 * gen.standard_normal(10)
    gsq = np.empty(K)
    fv = np.empty(K)
    for i in range(K):
        g = A.T @ (A @ x - b) + lam * 2.0 * x / (1.0 + x * x)
        gsq[i] = float(g @ g)
        fv[i] = 0.5 * float(np.sum((A @ x - b) ** 2)) + lam * float(np.sum(np.log1p(x * x)))
        x = x - _GD_STEP * g / L
    Ks = np.arange(1, K + 1, dtype=float)
    running = np.minimum.accumulate(gsq)
    bound = _stationarity_bound(L, fv[0], Ks)
    # the instance attaining the bound: f(z) = L z^2 / 2 (f_inf = 0), z_0 = 1, at K = 1, 2
    zs = [1.0]
    for _ in range(2):
        zs.append(zs[-1] - _GD_STEP * L * zs[-1] / L)
    g2 = np.minimum.accumulate([(L * zk) ** 2 for zk in zs[:2]])  # running min at K = 1, 2
    tight = float(np.max(g2 / _stationarity_bound(L, 0.5 * L, np.array([1.0, 2.0]))))
    return StationarityResult(
        K=Ks,
        min_grad_sq=running,
        bound=bound,
        max_ratio=float(np.max(running / bound)),
        f_values=fv,
        L=L,
        tight_ratio=float(tight),
    )


declare_check(
    "optimization.gd_nonconvex_stationarity",
    quantity="largest ratio of min_{k<K} ||grad f(x_k)||^2 to 2L(f(x_0)-f_inf)/K: over K for the "
    "non-convex instance, and for f = L z^2/2 at K = 1, 2 (the instance attaining it)",
    claim="upper bound",
    relation="<=",
    measure=lambda r: max(float(r.max_ratio), float(r.tight_ratio)),
    predict=1.0,
    tolerance=1e-12,
    reason="exact recursions in float64; the bound is attained at K = 1 by f = L z^2/2",
    hypotheses="L-smooth with L = ||A||_2^2 + 2 lam, bounded below by f_inf = 0, step 1/L",
    wrong="the bound with constant L instead of 2L (i.e. 0.5 x the bound)",
    wrong_predict=0.5,
    min_tightness=0.9,
    demo=stationarity_demo,
)
