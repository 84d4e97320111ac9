r"""Stochastic gradients without convexity: the randomized stochastic gradient method.

Ghadimi and Lan's bound on :math:`\E\|\nabla f(x_R)\|^2` for SGD on an :math:`L`-smooth function
bounded below, with the output iterate :math:`x_R` drawn with probabilities proportional to
:math:`2\gamma_k - L\gamma_k^2` (:func:`rsg_output_probabilities`, :func:`rsg_bound`), the
constant step of their corollary (:func:`rsg_constant_step`, :func:`rsg_corollary_bound`), and a
Monte Carlo check on :math:`f(x) = 1 - \cos x` (:func:`nonconvex_sgd_demo`, theorem
``optimization-nonconvex_sgd`` of the chapter *Stochastic gradients without convexity, and under
interpolation*). The deterministic counterpart (gradient descent, step :math:`1/L`) is
:func:`dlmath.optimization.stationarity_demo`.

References
----------
Ghadimi, Lan (2013), Theorem 2.1 and Corollary 2.2.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_int, check_int_sequence, check_real, like_input, loglog_slope, rng

__all__ = [
    "rsg_output_probabilities",
    "rsg_bound",
    "rsg_constant_step",
    "rsg_corollary_bound",
    "NonconvexSGDResult",
    "nonconvex_sgd_demo",
]


def _steps(gammas: Any, L: float) -> np.ndarray:
    """``gammas`` as a float64 vector of steps in :math:`(0, 2/L)`."""
    g = as_array(gammas, "gammas", ndim=1, min_size=1)
    if np.any(g <= 0) or np.any(g >= 2.0 / L):
        raise ValueError(f"gammas must lie in (0, 2/L) = (0, {2.0 / L:.6g}), got range [{g.min():.6g}, {g.max():.6g}]")
    return g


def rsg_output_probabilities(gammas: Any, L: float) -> Any:
    r"""The law of the output index :math:`R` of the randomized stochastic gradient method.

    .. math::

        \Prob(R = k) = \frac{2\gamma_k - L\gamma_k^2}{\sum_{j=1}^K (2\gamma_j - L\gamma_j^2)},
        \qquad k = 1, \dots, K,

    which is a probability vector for steps :math:`0 < \gamma_k < 2/L`; constant steps give the
    uniform law.

    Parameters
    ----------
    gammas : array_like or torch.Tensor, shape (K,)
        Steps :math:`\gamma_1, \dots, \gamma_K`, each in :math:`(0, 2/L)`.
    L : float
        Smoothness constant, > 0.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (K,)
        :math:`\Prob(R = k)`; a tensor (dtype and device of ``gammas``) for a tensor input.

    References
    ----------
    Book: chapter *Stochastic gradients without convexity, and under interpolation*, theorem
    ``optimization-nonconvex_sgd``. Ghadimi, Lan (2013), Theorem 2.1.

    Examples
    --------
    >>> rsg_output_probabilities([0.5, 1.0], 1.0)
    array([0.42857143, 0.57142857])
    """
    L = check_real(L, "L", minimum=0.0, strict_min=True)
    g = _steps(gammas, L)
    w = 2.0 * g - L * g * g
    return like_input(w / w.sum(), gammas)


def rsg_bound(gammas: Any, L: float, sigma: float, gap: float) -> float:
    r"""Ghadimi and Lan's bound on :math:`\E\|\nabla f(x_R)\|^2` for arbitrary steps.

    For :math:`f` :math:`L`-smooth with :math:`f(x_1) - \inf f \le` ``gap``, unbiased stochastic
    gradients of variance at most :math:`\sigma^2`, steps :math:`\gamma_k \in (0, 2/L)` and
    :math:`R` drawn by :func:`rsg_output_probabilities`,

    .. math::

        \E\|\nabla f(x_R)\|^2 \le L\,\frac{D_f^2 + \sigma^2\sum_{k=1}^K\gamma_k^2}
        {\sum_{k=1}^K (2\gamma_k - L\gamma_k^2)}, \qquad D_f^2 = \frac{2\,\mathrm{gap}}{L}.

    Parameters
    ----------
    gammas : array_like, shape (K,)
        Steps, each in :math:`(0, 2/L)`.
    L : float
        Smoothness constant, > 0.
    sigma : float
        Standard deviation bound of the stochastic gradients, >= 0.
    gap : float
        :math:`f(x_1) - \inf f`, >= 0.

    Returns
    -------
    float

    References
    ----------
    Book: chapter *Stochastic gradients without convexity, and under interpolation*, theorem
    ``optimization-nonconvex_sgd`` (a). Ghadimi, Lan (2013), Theorem 2.1 (a).

    Examples
    --------
    Without noise and with the step :math:`1/L` this is :math:`2L\,\mathrm{gap}/K`, the bound of
    gradient descent:

    >>> rsg_bound([1.0] * 4, 1.0, 0.0, 2.0)
    1.0
    """
    L = check_real(L, "L", minimum=0.0, strict_min=True)
    g = _steps(gammas, L)
    sigma = check_real(sigma, "sigma", minimum=0.0)
    gap = check_real(gap, "gap", minimum=0.0)
    d2 = 2.0 * gap / L
    return float(L * (d2 + sigma**2 * np.sum(g * g)) / np.sum(2.0 * g - L * g * g))


def rsg_constant_step(L: float, sigma: float, K: int, D: float) -> float:
    r"""The constant step :math:`\gamma = \min\{1/L,\ \tilde D/(\sigma\sqrt K)\}` of Ghadimi and Lan.

    Parameters
    ----------
    L : float
        Smoothness constant, > 0.
    sigma : float
        Noise level, >= 0 (``sigma = 0`` gives :math:`1/L`).
    K : int
        Number of iterations, >= 1.
    D : float
        The free parameter :math:`\tilde D > 0`; :math:`\tilde D = D_f` minimises the bound of
        :func:`rsg_corollary_bound`.

    Returns
    -------
    float

    References
    ----------
    Book: chapter *Stochastic gradients without convexity, and under interpolation*. Ghadimi,
    Lan (2013), Corollary 2.2.

    Examples
    --------
    >>> rsg_constant_step(1.0, 1.0, 100, 2.0)
    0.2
    """
    L = check_real(L, "L", minimum=0.0, strict_min=True)
    sigma = check_real(sigma, "sigma", minimum=0.0)
    K = check_int(K, "K", minimum=1)
    D = check_real(D, "D", minimum=0.0, strict_min=True)
    if sigma == 0.0:
        return 1.0 / L
    return float(min(1.0 / L, D / (sigma * math.sqrt(K))))


def rsg_corollary_bound(L: float, sigma: float, K: int, gap: float, D: float | None = None) -> float:
    r"""The bound of Ghadimi and Lan's corollary for the constant step :func:`rsg_constant_step`.

    .. math::

        \E\|\nabla f(x_R)\|^2 \le L\Bigl(\frac{L D_f^2}{K}
        + \Bigl(\tilde D + \frac{D_f^2}{\tilde D}\Bigr)\frac{\sigma}{\sqrt K}\Bigr),
        \qquad D_f = \sqrt{2\,\mathrm{gap}/L},

    which for :math:`\tilde D = D_f` (the default) is
    :math:`L^2D_f^2/K + 2LD_f\sigma/\sqrt K`.

    Parameters
    ----------
    L : float
        Smoothness constant, > 0.
    sigma : float
        Noise level, >= 0.
    K : int
        Number of iterations, >= 1.
    gap : float
        :math:`f(x_1) - \inf f`, > 0.
    D : float, optional
        :math:`\tilde D > 0`; default :math:`D_f`.

    Returns
    -------
    float

    References
    ----------
    Book: chapter *Stochastic gradients without convexity, and under interpolation*, theorem
    ``optimization-nonconvex_sgd`` (b). Ghadimi, Lan (2013), Corollary 2.2.

    Examples
    --------
    >>> round(rsg_corollary_bound(1.0, 1.0, 100, 2.0), 6)
    0.44
    """
    L = check_real(L, "L", minimum=0.0, strict_min=True)
    sigma = check_real(sigma, "sigma", minimum=0.0)
    K = check_int(K, "K", minimum=1)
    gap = check_real(gap, "gap", minimum=0.0, strict_min=True)
    d_f = math.sqrt(2.0 * gap / L)
    D = d_f if D is None else check_real(D, "D", minimum=0.0, strict_min=True)
    return float(L * (L * d_f**2 / K + (D + d_f**2 / D) * sigma / math.sqrt(K)))


# ---------------------------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------------------------


@demo_result
class NonconvexSGDResult(DemoResult):
    r"""Result of :func:`nonconvex_sgd_demo`; arrays have shape ``(len(Ks),)``.

    Attributes
    ----------
    Ks : numpy.ndarray
        Numbers of iterations :math:`K`.
    steps : numpy.ndarray
        The constant steps :math:`\gamma = \min\{1/L, D_f/(\sigma\sqrt K)\}`.
    grad_sq, grad_sq_se : numpy.ndarray
        Monte Carlo mean over the runs of :math:`\sum_k \Prob(R = k)\,|f'(x_k)|^2` (the
        expectation over :math:`R` taken exactly) and its standard error.
    bound : numpy.ndarray
        The bound of :func:`rsg_bound` (Theorem 2.1 (a)).
    corollary_bound : numpy.ndarray
        The bound of :func:`rsg_corollary_bound` with :math:`\tilde D = D_f` (Corollary 2.2).
    deterministic : numpy.ndarray
        :math:`L^2 D_f^2/K = 2L\Delta/K`, the noise-free term (the rate of gradient descent).
    max_ratio, max_ratio_se : float
        :math:`\max_K` ``grad_sq / bound`` and its standard error (the tightness of (a)).
    max_ratio_corollary, max_ratio_corollary_se : float
        :math:`\max_K` ``grad_sq / corollary_bound`` and its standard error.
    max_ratio_deterministic : float
        :math:`\max_K` ``grad_sq / deterministic``.
    rate, rate_se : float
        Fitted log-log slope of ``grad_sq`` against :math:`K` and its standard error, the larger
        of the Monte Carlo (delta-method) and the residual standard errors of the fit.
    L, sigma, gap, D_f : float
        Smoothness constant, noise level, :math:`\Delta = f(x_1) - \inf f` and
        :math:`D_f = \sqrt{2\Delta/L}`.
    n_runs : int
        Independent trajectories per :math:`K`.
    """

    Ks: np.ndarray
    steps: np.ndarray
    grad_sq: np.ndarray
    grad_sq_se: np.ndarray
    bound: np.ndarray
    corollary_bound: np.ndarray
    deterministic: np.ndarray
    max_ratio: float
    max_ratio_se: float
    max_ratio_corollary: float
    max_ratio_corollary_se: float
    max_ratio_deterministic: float
    rate: float
    rate_se: float
    L: float
    sigma: float
    gap: float
    D_f: float
    n_runs: int

    def plot(self, ax=None):
        ax = axes(ax)
        K = self.Ks.astype(float)
        ax.errorbar(
            K,
            self.grad_sq,
            yerr=2 * self.grad_sq_se,
            fmt="o",
            color=COLORS[0],
            capsize=2,
            label=rf"SGD, $\mathbb{{E}}\,|f'(x_R)|^2$ (slope {self.rate:.3f})",
        )
        ax.loglog(K, self.bound, "-", color=COLORS[1], label="bound (a), Theorem 2.1")
        ax.loglog(K, self.corollary_bound, "--", color=COLORS[2], label="bound (b), Corollary 2.2")
        ax.loglog(K, self.deterministic, ":", color="0.4", label=r"noise-free term $2L\Delta/K$")
        ax.set_xlabel("iterations $K$")
        ax.set_ylabel(r"$\mathbb{E}\,|f'(x_R)|^2$")
        ax.legend(fontsize=8)
        return ax


def nonconvex_sgd_demo(
    *,
    Ks: Sequence[int] = (100, 316, 1000, 3162, 10000),
    n_runs: int = 4000,
    sigma: float = 1.0,
    x1: float = 1.0,
    seed: int = 0,
) -> NonconvexSGDResult:
    r"""SGD with a random output iterate on :math:`f(x) = 1 - \cos x`.

    :math:`f` is :math:`L`-smooth with :math:`L = 1` (:math:`|f''| = |\cos| \le 1`), not convex,
    and :math:`\inf f = 0`, so :math:`\Delta = f(x_1) - \inf f = 1 - \cos x_1` is known exactly.
    The stochastic gradient is :math:`G = \sin x + \sigma\xi` with :math:`\xi \sim N(0, 1)` i.i.d.
    (unbiased, variance exactly :math:`\sigma^2`). For each :math:`K`, ``n_runs`` independent
    trajectories :math:`x_{k+1} = x_k - \gamma G_k`, :math:`k = 1, \dots, K`, are run in parallel
    with the constant step :math:`\gamma = \min\{1/L, D_f/(\sigma\sqrt K)\}`; for each trajectory
    the expectation over the output index is taken exactly,
    :math:`\sum_k \Prob(R = k)\sin^2 x_k`, and the Monte Carlo mean over the trajectories
    estimates :math:`\E|f'(x_R)|^2` without bias. It is compared with the bound of Theorem 2.1
    (a), which this instance nearly attains, with the bound of Corollary 2.2 (the same up to a
    factor about 2) and with the noise-free term :math:`2L\Delta/K`. The fitted slope against
    :math:`K` is the rate :math:`-1/2` of the noise term.

    Parameters
    ----------
    Ks : sequence of int, default (100, 316, 1000, 3162, 10000)
        Numbers of iterations, at least two distinct values >= 2; the regime of the theorem's
        :math:`\sigma/\sqrt K` term is :math:`K \gg L\Delta/\sigma^2`.
    n_runs : int, default 4000
        Independent trajectories per :math:`K`, >= 10.
    sigma : float, default 1.0
        Noise level :math:`\sigma > 0`.
    x1 : float, default 1.0
        Starting point, with :math:`0 < |x_1| < \pi` (so that :math:`\Delta > 0`).
    seed : int, default 0

    Returns
    -------
    NonconvexSGDResult

    References
    ----------
    Book: chapter *Stochastic gradients without convexity, and under interpolation*, theorem
    ``optimization-nonconvex_sgd``. Ghadimi, Lan (2013), Theorem 2.1 and Corollary 2.2.
    """
    Ks_t = np.sort(np.array(check_int_sequence(Ks, "Ks", minimum=2, min_len=2, distinct=True)))
    n_runs = check_int(n_runs, "n_runs", minimum=10)
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    x1 = check_real(x1, "x1")
    if not 0.0 < abs(x1) < math.pi:
        raise ValueError(f"x1 must satisfy 0 < |x1| < pi, got {x1}")
    check_int(seed, "seed", minimum=0)
    gen = rng(seed)
    L = 1.0
    gap = 1.0 - math.cos(x1)
    d_f = math.sqrt(2.0 * gap / L)
    m = Ks_t.size
    mean, se, steps, bound, cor = (np.empty(m) for _ in range(5))
    for j, K in enumerate(Ks_t):
        K = int(K)
        gam = rsg_constant_step(L, sigma, K, d_f)
        gammas = np.full(K, gam)
        prob = rsg_output_probabilities(gammas, L)
        x = np.full(n_runs, x1)
        acc = np.zeros(n_runs)
        for k in range(K):
            s = np.sin(x)
            acc += prob[k] * s * s
            x -= gam * (s + sigma * gen.standard_normal(n_runs))
        mean[j] = acc.mean()
        se[j] = acc.std(ddof=1) / math.sqrt(n_runs)
        steps[j] = gam
        bound[j] = rsg_bound(gammas, L, sigma, gap)
        cor[j] = rsg_corollary_bound(L, sigma, K, gap)
    det = L**2 * d_f**2 / Ks_t
    ratio, ratio_c = mean / bound, mean / cor
    i, ic = int(np.argmax(ratio)), int(np.argmax(ratio_c))
    # slope and its standard errors: Monte Carlo (independent runs per K, delta method) and
    # the residuals of the least-squares fit (which also see any curvature of the log-log curve)
    lk = np.log(Ks_t.astype(float))
    w = (lk - lk.mean()) / np.sum((lk - lk.mean()) ** 2)
    rate = loglog_slope(Ks_t.astype(float), mean)
    se_mc = float(math.sqrt(np.sum(w**2 * (se / mean) ** 2)))
    resid = np.log(mean) - np.log(mean).mean() - rate * (lk - lk.mean())
    se_fit = float(math.sqrt(np.sum(resid**2) / max(m - 2, 1) / np.sum((lk - lk.mean()) ** 2))) if m > 2 else 0.0
    return NonconvexSGDResult(
        Ks=Ks_t,
        steps=steps,
        grad_sq=mean,
        grad_sq_se=se,
        bound=bound,
        corollary_bound=cor,
        deterministic=det,
        max_ratio=float(ratio[i]),
        max_ratio_se=float(se[i] / bound[i]),
        max_ratio_corollary=float(ratio_c[ic]),
        max_ratio_corollary_se=float(se[ic] / cor[ic]),
        max_ratio_deterministic=float(np.max(mean / det)),
        rate=rate,
        rate_se=max(se_mc, se_fit),
        L=L,
        sigma=sigma,
        gap=gap,
        D_f=d_f,
        n_runs=n_runs,
    )


_HYP = (
    "f(x) = 1 - cos x is L-smooth with L = 1, not convex, inf f = 0 (Delta = 1 - cos x_1 exact); stochastic "
    "gradients sin x + sigma xi, xi ~ N(0,1) i.i.d.: unbiased with variance sigma^2; constant steps "
    "gamma = min{1/L, D_f/(sigma sqrt K)} < 2/L; E over R computed exactly, Monte Carlo over the noise"
)
declare_check(
    "optimization.nonconvex_sgd",
    label="bound",
    quantity="largest ratio over K of the Monte Carlo E|f'(x_R)|^2 to the bound "
    "L (D_f^2 + sigma^2 sum gamma_k^2) / sum (2 gamma_k - L gamma_k^2) of Theorem 2.1 (a)",
    claim="upper bound",
    relation="<=",
    measure="max_ratio",
    predict=1.0,
    tolerance=lambda r: 3.0 * float(r.max_ratio_se),
    reason="3 Monte Carlo standard errors of the ratio (independent trajectories); the bound is attained "
    "as K grows on this instance (f'' = L at the minimiser), hence min_tightness 0.9",
    hypotheses=_HYP,
    wrong="0.9 x the bound",
    wrong_predict=0.9,
    min_tightness=0.9,
    demo=nonconvex_sgd_demo,
)
declare_check(
    "optimization.nonconvex_sgd",
    label="corollary",
    quantity="largest ratio over K of the Monte Carlo E|f'(x_R)|^2 to the bound "
    "L (L D_f^2/K + 2 D_f sigma/sqrt K) of Corollary 2.2 (D~ = D_f)",
    claim="upper bound",
    relation="<=",
    measure="max_ratio_corollary",
    predict=1.0,
    tolerance=lambda r: 3.0 * float(r.max_ratio_corollary_se),
    reason="3 Monte Carlo standard errors of the ratio; the corollary bounds 2 gamma - L gamma^2 below by "
    "gamma and so loses a factor close to 2 (tightness reported, not required)",
    hypotheses=_HYP,
    wrong="the noise-free rate 2 L Delta / K = L^2 D_f^2/K of gradient descent (the sigma/sqrt K term left out)",
    wrong_measure="max_ratio_deterministic",
    demo=nonconvex_sgd_demo,
)
declare_check(
    "optimization.nonconvex_sgd",
    label="rate",
    quantity="fitted log-log slope of E|f'(x_R)|^2 against K, for K >> L Delta / sigma^2",
    claim="rate",
    relation="approx",
    measure="rate",
    predict=-0.5,
    tolerance=lambda r: 3.0 * float(r.rate_se),
    reason="3 standard errors of the slope, the larger of the Monte Carlo (delta method, independent runs "
    "per K) and the residual standard error of the fit, which also absorbs the curvature left by the "
    "O(1/K) terms",
    hypotheses=_HYP,
    wrong="the rate 1/K of the deterministic term (gradient descent without noise)",
    wrong_predict=-1.0,
    demo=nonconvex_sgd_demo,
)
