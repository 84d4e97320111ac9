r"""Part I of the book, *The learning problem*: risk, Bayes predictors, ERM and the error decomposition.

Chapter *Risk, Bayes predictors and empirical risk minimisation*:

* :func:`bayes_excess_risk_demo` -- the Bayes predictors of the squared and the 0-1 loss and
  their excess-risk identities;
* :func:`finite_class_demo` -- Hoeffding's inequality and the union bound for a finite class;
* :func:`ols_risk_demo` -- the exact risk of ordinary least squares (fixed and Gaussian design).

Chapter *Neural networks and the error decomposition*:

* :func:`relu_properties_demo` -- ReLU networks are continuous piecewise affine, invariant under
  the positive rescaling of consecutive layers, and Lipschitz with constant at most the product
  of the spectral norms of their weights;
* :func:`error_decomposition_demo` -- approximation, estimation and optimisation errors of
  gradient descent on polynomial least squares;
* :func:`legendre_features` -- the orthonormal shifted Legendre basis used there.

Helpers used by the demos and the exercises: :func:`threshold_risk`,
:func:`independent_sup_quantile`, :func:`relu_param_count`, :func:`spectral_norm_product`.

Every theorem check of these chapters is declared once, beside its demo, with
:func:`dlmath.results.declare_check`.
"""
from __future__ import annotations

import copy
from typing import Any, Sequence

import numpy as np

from .plotting import COLORS, axes, slope_guide
from .results import DemoResult, declare_check, demo_result
from .utils import check_array, check_int, check_real, loglog_slope, rng

__all__ = [
    "BayesExcessResult",
    "bayes_excess_risk_demo",
    "FiniteClassResult",
    "finite_class_demo",
    "threshold_risk",
    "independent_sup_quantile",
    "OLSRiskResult",
    "ols_risk_demo",
    "ReluPropertiesResult",
    "relu_properties_demo",
    "relu_param_count",
    "spectral_norm_product",
    "ErrorDecompositionResult",
    "error_decomposition_demo",
    "legendre_features",
]


# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------


def _check_grid(values: Any, name: str, *, minimum: float | None = None, maximum: float | None = None) -> np.ndarray:
    arr = check_array(values, name, ndim=1, min_size=1)
    if minimum is not None and np.any(arr < minimum):
        raise ValueError(f"{name} must have entries >= {minimum}")
    if maximum is not None and np.any(arr > maximum):
        raise ValueError(f"{name} must have entries <= {maximum}")
    return arr


def _latex_number(value: int) -> str:
    """``2000000`` -> ``2 \\cdot 10^{6}`` (for figure labels)."""
    mant, exp = f"{value:.0e}".split("e")
    exp = int(exp)
    if exp < 4:
        return str(value)
    if float(mant) * 10 ** exp != value:
        return f"{value:,}".replace(",", "\\,")
    return f"{mant} \\cdot 10^{{{exp}}}" if mant != "1" else f"10^{{{exp}}}"


def _check_int_tuple(values: Any, name: str, *, minimum: int) -> tuple[int, ...]:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence of integers, got {type(values).__name__}")
    out = tuple(check_int(v, f"{name}[{i}]", minimum=minimum) for i, v in enumerate(values))
    if not out:
        raise ValueError(f"{name} must not be empty")
    return out


# ---------------------------------------------------------------------------------------------
# learning.bayes_predictor
# ---------------------------------------------------------------------------------------------


@demo_result
class BayesExcessResult(DemoResult):
    """Result of :func:`bayes_excess_risk_demo`.

    Attributes
    ----------
    ts : ndarray, shape (m,)
        Thresholds :math:`t` of the classifiers :math:`f_t(x) = \\operatorname{sign}(x - t)`.
    mc_excess : ndarray, shape (m,)
        Monte Carlo estimates of :math:`R(f_t) - R(f^*)` (0-1 loss).
    predicted : ndarray, shape (m,)
        The exact excess risks :math:`(t - 1/2)^2`.
    se : ndarray, shape (m,)
        Standard errors of ``mc_excess``.
    max_abs_dev : float
        :math:`\\max_t |\\text{mc} - (t-1/2)^2|`.
    max_z : float
        :math:`\\max_t |\\text{mc} - (t-1/2)^2| / \\text{se}`.
    reg_degrees : ndarray, shape (k,)
        Degrees of the polynomial predictors of the regression part (a).
    reg_mc_excess, reg_predicted, reg_se : ndarray, shape (k,)
        Monte Carlo estimate of :math:`R(p) - R(f^*)` (squared loss), the quadrature value of
        :math:`\\|p - f^*\\|^2_{L^2(P_X)}` and the standard error.
    reg_max_rel_err : float
        Largest relative error of the regression estimates.
    reg_max_z : float
        Largest deviation of the regression estimates in units of their standard errors.
    wrong_max_z, reg_wrong_max_z : float
        The same largest deviations, in standard errors, from ``wrong_factor`` times the exact
        values (a constant off by ``1 - wrong_factor``): the figures the checks must reject.
    wrong_factor : float
        The factor of the wrong answer, 0.9.
    n : int
        Sample size.
    """

    ts: np.ndarray
    mc_excess: np.ndarray
    predicted: np.ndarray
    se: np.ndarray
    max_abs_dev: float
    max_z: float
    reg_degrees: np.ndarray
    reg_mc_excess: np.ndarray
    reg_predicted: np.ndarray
    reg_se: np.ndarray
    reg_max_rel_err: float
    reg_max_z: float
    wrong_max_z: float
    reg_wrong_max_z: float
    wrong_factor: float
    n: int

    def plot(self, ax=None):
        """Excess 0-1 risk of the threshold classifiers: Monte Carlo (dots) and :math:`(t-1/2)^2`."""
        ax = axes(ax)
        grid = np.linspace(min(self.ts.min(), 0.0), max(self.ts.max(), 1.0), 201)
        ax.plot(grid, (grid - 0.5) ** 2, color=COLORS[0], label=r"exact $(t-1/2)^2$")
        ax.errorbar(self.ts, self.mc_excess, yerr=2 * self.se, fmt="o", color=COLORS[1],
                    label=f"Monte Carlo, $n={_latex_number(self.n)}$ ($\\pm 2$ s.e.)")
        ax.set_xlabel("threshold $t$")
        ax.set_ylabel(r"$R(f_t) - R(f^*)$")
        ax.legend()
        return ax


def bayes_excess_risk_demo(*, ts=np.linspace(0.1, 0.9, 9), n: int = 2_000_000, seed: int = 0) -> BayesExcessResult:
    r"""Excess risks of non-Bayes predictors, by Monte Carlo, against the exact identities.

    **Classification (b).** :math:`X \sim U[0,1]`, :math:`P(Y = 1 \mid X = x) = \eta(x) = x`,
    :math:`Y \in \{-1, 1\}`, 0-1 loss. The Bayes classifier is
    :math:`f^*(x) = \operatorname{sign}(2\eta(x) - 1) = \operatorname{sign}(x - 1/2)` and for the
    threshold classifier :math:`f_t(x) = \operatorname{sign}(x - t)`

    .. math:: R(f_t) - R(f^*) = \mathbb E\big[|2\eta(X) - 1|\,\mathbf 1\{f_t(X) \ne f^*(X)\}\big]
              = \Big|\int_{1/2}^{t} (2x - 1)\,dx\Big| = (t - 1/2)^2 .

    The excess risk is estimated as the mean of
    :math:`\mathbf 1\{f_t(X_i) \ne Y_i\} - \mathbf 1\{f^*(X_i) \ne Y_i\}` over one sample shared by
    all :math:`t` (the difference vanishes unless :math:`X_i` lies between :math:`t` and 1/2, so
    its variance is small), with its standard error.

    **Regression (a).** :math:`Y = \sin(2\pi X) + \varepsilon/2`, :math:`\varepsilon \sim N(0,1)`,
    squared loss, :math:`f^*(x) = \sin(2\pi x)`. For the :math:`L^2(0,1)` projections :math:`p_k`
    of :math:`f^*` onto polynomials of degree :math:`k \in \{0, 1, 3\}` the mean of
    :math:`(p_k(X_i) - Y_i)^2 - (f^*(X_i) - Y_i)^2` is compared with
    :math:`\|p_k - f^*\|_{L^2(0,1)}^2` computed by Gauss-Legendre quadrature.

    Parameters
    ----------
    ts : array_like, shape (m,), default ``np.linspace(0.1, 0.9, 9)``
        Thresholds in [0, 1].
    n : int, default 2_000_000
        Monte Carlo sample size, >= 100.
    seed : int, default 0

    Returns
    -------
    BayesExcessResult

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or out of range; the message names it.

    References
    ----------
    Book, chapter *Risk, Bayes predictors and empirical risk minimisation*, theorem ``learning-bayes_predictor``.
    Devroye, Györfi, Lugosi (1996), Thm 2.2; Bach, *Learning Theory from First Principles*, Ch. 2.
    """
    ts = _check_grid(ts, "ts", minimum=0.0, maximum=1.0)
    n = check_int(n, "n", minimum=100)
    gen = rng(seed)

    # (b) classification, one shared sample
    x = gen.random(n)
    y = np.where(gen.random(n) < x, 1, -1)
    bayes_wrong = (np.where(x > 0.5, 1, -1) != y)
    mc = np.empty(ts.size)
    se = np.empty(ts.size)
    for j, t in enumerate(ts):
        diff = (np.where(x > t, 1, -1) != y).astype(np.float64) - bayes_wrong
        mc[j] = diff.mean()
        se[j] = diff.std(ddof=1) / np.sqrt(n)
    predicted = (ts - 0.5) ** 2
    dev = np.abs(mc - predicted)
    # a zero standard error only occurs when the difference vanishes identically (t = 1/2)
    z = np.where(se > 0, dev / np.where(se > 0, se, 1.0), np.where(dev > 0, np.inf, 0.0))

    # (a) regression, squared loss
    degrees = np.array([0, 1, 3])
    nodes, weights = np.polynomial.legendre.leggauss(80)
    xq, wq = (nodes + 1) / 2, weights / 2
    fstar_q = np.sin(2 * np.pi * xq)
    xr = gen.random(n)
    yr = np.sin(2 * np.pi * xr) + 0.5 * gen.standard_normal(n)
    loss_star = (np.sin(2 * np.pi * xr) - yr) ** 2
    reg_mc, reg_pred, reg_se = (np.empty(degrees.size) for _ in range(3))
    for j, k in enumerate(degrees):
        phi_q = legendre_features(xq, int(k))
        coef = phi_q.T @ (wq * fstar_q)
        reg_pred[j] = float(wq @ (phi_q @ coef - fstar_q) ** 2)
        diff = (legendre_features(xr, int(k)) @ coef - yr) ** 2 - loss_star
        reg_mc[j] = diff.mean()
        reg_se[j] = diff.std(ddof=1) / np.sqrt(n)
    # the nearest wrong answer: the exact values with a constant 10% off
    wrong_factor = 0.9
    wrong_dev = np.abs(mc - wrong_factor * predicted)
    wrong_z = np.where(se > 0, wrong_dev / np.where(se > 0, se, 1.0), np.where(wrong_dev > 0, np.inf, 0.0))
    return BayesExcessResult(
        ts=ts.copy(), mc_excess=mc, predicted=predicted, se=se,
        max_abs_dev=float(dev.max()), max_z=float(z.max()),
        reg_degrees=degrees, reg_mc_excess=reg_mc, reg_predicted=reg_pred, reg_se=reg_se,
        reg_max_rel_err=float(np.max(np.abs(reg_mc / reg_pred - 1))),
        reg_max_z=float(np.max(np.abs(reg_mc - reg_pred) / reg_se)),
        wrong_max_z=float(wrong_z.max()),
        reg_wrong_max_z=float(np.max(np.abs(reg_mc - wrong_factor * reg_pred) / reg_se)),
        wrong_factor=wrong_factor, n=n,
    )


declare_check(
    "learning.bayes_predictor", label="classification",
    quantity="largest deviation, over the thresholds t, of the Monte Carlo excess 0-1 risk of sign(x - t) "
             "from (t - 1/2)^2, in standard errors",
    claim="identity", relation="approx",
    measure="max_z", predict=0.0, tolerance=4.0,
    reason="4 standard errors of the variance-reduced Monte Carlo mean, for the largest of the thresholds "
           "(false-alarm probability below 0.1% for 9 thresholds)",
    hypotheses="0-1 loss, labels in {-1, 1}, X ~ U[0,1], eta(x) = x; f_t are Borel classifiers",
    wrong="0.9 (t - 1/2)^2 (the identity with its constant 10% off)",
    wrong_measure="wrong_max_z",
    demo=bayes_excess_risk_demo,
)
declare_check(
    "learning.bayes_predictor", label="regression",
    quantity="largest deviation, over the degrees k in {0, 1, 3}, of the Monte Carlo excess squared risk of "
             "the L2 projection p_k from ||p_k - f*||^2, in standard errors",
    claim="identity", relation="approx",
    measure="reg_max_z", predict=0.0, tolerance=4.0,
    reason="4 standard errors of the Monte Carlo mean of the loss differences, for the largest of three "
           "estimates (false-alarm probability below 0.02%)",
    hypotheses="squared loss, E Y^2 < infinity (Gaussian noise of variance 1/4), p_k in L2(P_X)",
    wrong="0.9 ||p_k - f*||^2 (the identity with its constant 10% off)",
    wrong_measure="reg_wrong_max_z",
    demo=bayes_excess_risk_demo,
)


# ---------------------------------------------------------------------------------------------
# learning.finite_class_uniform_bound
# ---------------------------------------------------------------------------------------------


def threshold_risk(t, *, t0: float = 0.3, flip: float = 0.2):
    r"""Exact 0-1 risk of :math:`h_t(x) = \mathbf 1\{x > t\}` under the noisy threshold model.

    :math:`X \sim U[0,1]`, :math:`Y = \mathbf 1\{X > t_0\}` flipped with probability
    :math:`p` = ``flip``. Then :math:`h_t` and :math:`h_{t_0}` disagree on an interval of length
    :math:`|t - t_0|`, where the error probability is :math:`1-p` instead of :math:`p`, so

    .. math:: R(h_t) = p + (1 - 2p)\,|t - t_0| .

    Parameters
    ----------
    t : float or array_like
        Thresholds in [0, 1].
    t0 : float, default 0.3
        The true threshold, in [0, 1].
    flip : float, default 0.2
        Label-flip probability, in [0, 1/2].

    Returns
    -------
    float or ndarray
        The risks, of the shape of ``t``.

    References
    ----------
    Book, chapter *Risk, Bayes predictors and empirical risk minimisation*.
    """
    t0 = check_real(t0, "t0", minimum=0.0, maximum=1.0)
    flip = check_real(flip, "flip", minimum=0.0, maximum=0.5)
    scalar = np.ndim(t) == 0
    ta = check_array(np.atleast_1d(t), "t")
    if np.any((ta < 0) | (ta > 1)):
        raise ValueError("t must lie in [0, 1]")
    out = flip + (1 - 2 * flip) * np.abs(ta - t0)
    return float(out[0]) if scalar else out.reshape(np.shape(t))


def _threshold_sup_devs(n: int, n_rep: int, grid: np.ndarray, gen: np.random.Generator,
                        t0: float = 0.3, flip: float = 0.2, chunk: int = 500):
    """Sup deviations and ERM excess risks for ``n_rep`` samples of size ``n`` (vectorised)."""
    m = grid.size
    risk = threshold_risk(grid, t0=t0, flip=flip)
    sup_devs = np.empty(n_rep)
    erm_excess = np.empty(n_rep)
    for start in range(0, n_rep, chunk):
        r = min(chunk, n_rep - start)
        x = gen.random((r, n))
        y = (x > t0) ^ (gen.random((r, n)) < flip)
        # h_{t_j}(x) = 1{x > t_j}; idx = #{j: t_j < x}, so h_{t_j}(x) = 1 iff j < idx.
        idx = np.searchsorted(grid, x, side="left")
        offs = (np.arange(r) * (m + 1))[:, None]
        c1 = np.bincount((idx + offs)[y], minlength=r * (m + 1)).reshape(r, m + 1)
        c0 = np.bincount((idx + offs)[~y], minlength=r * (m + 1)).reshape(r, m + 1)
        # errors of h_{t_j}: y=1 with idx <= j (predicted 0) plus y=0 with idx > j (predicted 1)
        err1 = np.cumsum(c1, axis=1)[:, :m]
        err0 = c0.sum(axis=1, keepdims=True) - np.cumsum(c0, axis=1)[:, :m]
        emp = (err1 + err0) / n
        sup_devs[start:start + r] = np.max(np.abs(emp - risk), axis=1)
        erm_excess[start:start + r] = risk[np.argmin(emp, axis=1)] - risk.min()
    return sup_devs, erm_excess


@demo_result
class FiniteClassResult(DemoResult):
    """Result of :func:`finite_class_demo`.

    Attributes
    ----------
    sup_devs : ndarray, shape (n_rep,)
        :math:`\\sup_{f \\in F} |\\widehat R_n(f) - R(f)|` for each repetition at sample size ``n``.
    bound : float
        :math:`\\sqrt{\\log(2|F|/\\delta)/(2n)}`.
    violation_freq : float
        Fraction of repetitions with ``sup_devs > bound`` (the theorem: at most ``delta``).
    erm_excess : ndarray, shape (n_rep,)
        :math:`R(\\hat f_n) - \\min_F R` for each repetition (the theorem: at most ``2 * bound``
        with probability at least :math:`1-\\delta`).
    erm_violation_freq : float
        Fraction of repetitions with ``erm_excess > 2 * bound``.
    ns : ndarray, shape (k,)
        Sample sizes of the rate experiment.
    q90 : ndarray, shape (k,)
        The :math:`(1-\\delta)`-quantile of the sup deviation at each sample size.
    bounds : ndarray, shape (k,)
        The bound at each sample size.
    rate : float
        Fitted log-log slope of ``q90`` against ``ns``.
    predicted : float
        The predicted slope, -1/2.
    delta : float
    n : int
    class_size : int
    indep_n : int
        Sample size of the independent class.
    class_sizes : ndarray, shape (j,)
        Sizes :math:`m` of the independent classes.
    indep_q : ndarray, shape (j,)
        Exact :math:`(1-\\delta)`-quantile of the sup deviation over :math:`m` classifiers with
        independent Bernoulli(1/2) losses, sample size ``indep_n``.
    indep_bounds : ndarray, shape (j,)
        :math:`\\sqrt{\\log(2m/\\delta)/(2\\,\\text{indep\\_n})}`.
    max_ratio : float
        Largest quantile/bound over both classes, all sample sizes and all class sizes (the
        theorem: at most 1; the independent class nearly attains it).
    class_rate : float
        Fitted slope of :math:`2\\,\\text{indep\\_n}\\, q^2` against :math:`\\log(2m/\\delta)` over
        the class sizes :math:`m \\ge` ``rate_min_size`` (the bound: 1).
    rate_min_size : int
        Smallest class size of the fitting window of ``class_rate``.
    """

    sup_devs: np.ndarray
    bound: float
    violation_freq: float
    erm_excess: np.ndarray
    erm_violation_freq: float
    ns: np.ndarray
    q90: np.ndarray
    bounds: np.ndarray
    rate: float
    predicted: float
    delta: float
    n: int
    class_size: int
    indep_n: int
    class_sizes: np.ndarray
    indep_q: np.ndarray
    indep_bounds: np.ndarray
    max_ratio: float
    class_rate: float
    rate_min_size: int

    def plot(self, ax=None):
        """Histogram of the sup deviations with the bound, and the quantile against n.

        With ``ax=None`` a new figure with two panels is drawn; a pair of axes draws both
        panels, a single axes only the histogram. Returns the axes used.
        """
        if ax is None:
            from .plotting import figure_grid

            _, grid = figure_grid(2, width=7.0, height=3.0)
            ax = grid[0]
        axs = np.atleast_1d(ax)
        a = axs[0]
        a.hist(self.sup_devs, bins=40, color=COLORS[0], alpha=0.8)
        a.axvline(self.bound, color=COLORS[1], label=f"bound, $\\delta={self.delta:g}$")
        a.set_xlim(0, 1.15 * max(self.bound, float(self.sup_devs.max())))
        a.set_xlabel(r"$\sup_{f\in F}|\widehat R_n(f) - R(f)|$" + f"  ($n={self.n}$)")
        a.set_ylabel("repetitions")
        a.legend()
        if axs.size > 1:
            b = axs[1]
            b.loglog(self.ns, self.q90, "o-", color=COLORS[0], label=f"{1 - self.delta:g}-quantile")
            b.loglog(self.ns, self.bounds, "s--", color=COLORS[1], label="bound")
            slope_guide(b, self.ns, -0.5, anchor=(self.ns[0], 0.6 * self.q90[0]), label="slope $-1/2$")
            b.set_xlabel("sample size $n$")
            b.legend()
        return ax

    def plot_class_size(self, ax=None):
        """Independent class: exact quantile of the sup deviation and the bound against log(2m/delta)."""
        ax = axes(ax)
        logs = np.log(2 * self.class_sizes / self.delta)
        ax.plot(logs, self.indep_q, "o-", color=COLORS[0], label=f"exact {1 - self.delta:g}-quantile")
        ax.plot(logs, self.indep_bounds, "s--", color=COLORS[1], label="bound")
        ax.set_xlabel(r"$\log(2|F|/\delta)$" + f"  (independent losses, $n={self.indep_n}$)")
        ax.set_ylabel(r"$\sup_{f\in F}|\widehat R_n(f) - R(f)|$")
        ax.legend()
        return ax


def independent_sup_quantile(n: int, m: int, delta: float) -> float:
    r"""Exact :math:`(1-\delta)`-quantile of :math:`\max_{j \le m} |B_j/n - 1/2|`, :math:`B_j` i.i.d. Binomial(n, 1/2).

    This is the sup deviation :math:`\sup_{f\in F}|\widehat R_n(f) - R(f)|` of a class of
    :math:`m` predictors whose 0-1 losses are independent fair bits, e.g.
    :math:`X` uniform on :math:`\{0,1\}^m`, :math:`Y = 0`, :math:`f_j(x) = x_j`. With
    :math:`t_k = k/n - 1/2` (:math:`k \ge n/2`) and
    :math:`p_k = \Prob(|B/n - 1/2| > t_k) = 2\Prob(B > k)`,
    :math:`\Prob(\sup > t_k) = 1 - (1 - p_k)^m`, and the quantile is the smallest :math:`t_k`
    with :math:`1 - (1 - p_k)^m \le \delta`.

    Parameters
    ----------
    n : int
        Sample size, >= 1.
    m : int
        Number of predictors, >= 1.
    delta : float
        In (0, 1).

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or out of range; the message names it.

    References
    ----------
    Book, chapter *Risk, Bayes predictors and empirical risk minimisation*, theorem ``learning-finite_class_uniform_bound``.
    """
    from scipy.stats import binom

    n = check_int(n, "n", minimum=1)
    m = check_int(m, "m", minimum=1)
    delta = check_real(delta, "delta", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    k = np.arange((n + 1) // 2, n + 1)
    p = np.minimum(2.0 * binom.sf(k, n, 0.5), 1.0)
    with np.errstate(divide="ignore"):
        p_sup = -np.expm1(m * np.log1p(-p))
    j = int(np.argmax(p_sup <= delta))          # p_sup = 0 at k = n, so some k qualifies
    return float(k[j] / n - 0.5)


def finite_class_demo(*, n: int = 200, n_rep: int = 2000, delta: float = 0.1, grid: int = 101,
                      indep_n: int = 1000, class_sizes=tuple(10 ** k for k in range(1, 13)),
                      rate_min_size: int = 10_000, seed: int = 0) -> FiniteClassResult:
    r"""Uniform deviation of empirical risks over a finite class: Hoeffding plus the union bound.

    The class is :math:`F = \{h_t(x) = \mathbf 1\{x > t\}: t \in \{0, 1/(m-1), \dots, 1\}\}`
    with :math:`|F| = m =` ``grid``; :math:`X \sim U[0,1]`, :math:`Y = \mathbf 1\{X > 0.3\}`
    flipped with probability 0.2, so :math:`R(h_t) = 0.2 + 0.6|t - 0.3|`
    (:func:`threshold_risk`). For ``n_rep`` independent samples of size ``n`` the demo computes
    :math:`\sup_{f\in F} |\widehat R_n(f) - R(f)|` and the excess risk of the ERM, and compares
    them with

    .. math:: \sqrt{\log(2|F|/\delta)/(2n)}, \qquad 2\sqrt{\log(2|F|/\delta)/(2n)},

    which they exceed with probability at most :math:`\delta`. The
    :math:`(1-\delta)`-quantile of the sup deviation is also computed for
    :math:`n/4, n/2, \dots, 8n` (its log-log slope is reported, not checked: the theorem bounds
    the deviation, it does not claim its rate).

    The threshold class is strongly correlated and the bound is loose there (about 0.64 of it).
    The second class has independent losses (:func:`independent_sup_quantile`): its exact
    quantile nearly attains the bound as :math:`\log(2m/\delta)` grows, and its square grows
    linearly in :math:`\log(2m/\delta)` with the slope :math:`1/(2n)` of the bound.

    Parameters
    ----------
    n : int, default 200
        Sample size, >= 8.
    n_rep : int, default 2000
        Repetitions, >= 10.
    delta : float, default 0.1
        Confidence parameter in (0, 1).
    grid : int, default 101
        Number of thresholds :math:`|F|`, >= 2.
    indep_n : int, default 1000
        Sample size of the independent class, >= 2.
    class_sizes : sequence of int, default (10, 100, ..., 10**12)
        Sizes of the independent classes, at least two, each >= 1.
    rate_min_size : int, default 10_000
        Smallest class size used to fit ``class_rate`` (at least two sizes must qualify).
    seed : int, default 0

    Returns
    -------
    FiniteClassResult

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or out of range; the message names it.

    References
    ----------
    Book, chapter *Risk, Bayes predictors and empirical risk minimisation*, theorem ``learning-finite_class_uniform_bound``.
    Hoeffding (1963), Thm 2; Shalev-Shwartz and Ben-David (2014), Cor. 4.6.
    """
    n = check_int(n, "n", minimum=8)
    n_rep = check_int(n_rep, "n_rep", minimum=10)
    delta = check_real(delta, "delta", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    grid = check_int(grid, "grid", minimum=2)
    indep_n = check_int(indep_n, "indep_n", minimum=2)
    sizes = _check_int_tuple(class_sizes, "class_sizes", minimum=1)
    rate_min_size = check_int(rate_min_size, "rate_min_size", minimum=1)
    if sum(m >= rate_min_size for m in sizes) < 2:
        raise ValueError("class_sizes must have at least two entries >= rate_min_size")
    gen = rng(seed)
    ts = np.linspace(0.0, 1.0, grid)

    def bound_at(size):
        return np.sqrt(np.log(2 * grid / delta) / (2 * size))

    sup_devs, erm_excess = _threshold_sup_devs(n, n_rep, ts, gen)
    bound = float(bound_at(n))
    ns = np.array([max(n // 4, 2), max(n // 2, 4), n, 2 * n, 4 * n, 8 * n])
    q90 = np.empty(ns.size)
    for j, size in enumerate(ns):
        devs = sup_devs if size == n else _threshold_sup_devs(int(size), n_rep, ts, gen)[0]
        q90[j] = np.quantile(devs, 1 - delta)
    bounds = bound_at(ns.astype(np.float64))
    # the independent class, exactly
    m_arr = np.array(sizes, dtype=np.float64)
    indep_q = np.array([independent_sup_quantile(indep_n, m, delta) for m in sizes])
    logs = np.log(2 * m_arr / delta)
    indep_bounds = np.sqrt(logs / (2 * indep_n))
    window = m_arr >= rate_min_size
    class_rate = float(np.polyfit(logs[window], 2 * indep_n * indep_q[window] ** 2, 1)[0])
    max_ratio = float(max(np.max(q90 / bounds), np.max(indep_q / indep_bounds)))
    return FiniteClassResult(
        sup_devs=sup_devs, bound=bound, violation_freq=float(np.mean(sup_devs > bound)),
        erm_excess=erm_excess, erm_violation_freq=float(np.mean(erm_excess > 2 * bound)),
        ns=ns.astype(np.float64), q90=q90, bounds=bounds,
        rate=loglog_slope(ns, q90), predicted=-0.5, delta=delta, n=n, class_size=grid,
        indep_n=indep_n, class_sizes=m_arr, indep_q=indep_q, indep_bounds=indep_bounds,
        max_ratio=max_ratio, class_rate=class_rate, rate_min_size=rate_min_size,
    )


declare_check(
    "learning.finite_class_uniform_bound", label="quantile",
    quantity="largest ratio of the (1 - delta)-quantile of the sup deviation to sqrt(log(2|F|/delta)/(2n)): "
             "thresholds (Monte Carlo, all n) and independent losses (exact, |F| up to 10^12)",
    claim="upper bound", relation="<=",
    measure="max_ratio", predict=1.0, tolerance=0.0,
    reason="no slack: the quantiles of the independent class are exact binomial computations, and the Monte "
           "Carlo quantiles of the threshold class lie at about 0.64 of the bound, far from it",
    hypotheses="0-1 loss with values in [0, 1], finite classes, i.i.d. samples",
    wrong="0.9 x the bound",
    wrong_predict=0.9, min_tightness=0.9,
    demo=finite_class_demo,
)
declare_check(
    "learning.finite_class_uniform_bound", label="rate",
    quantity="fitted slope of 2n q^2 against log(2|F|/delta), q the exact quantile of the sup deviation over "
             "|F| classifiers with independent losses (|F| from 10^4 to 10^12)",
    claim="rate", relation="approx",
    measure="class_rate", predict=1.0, tolerance=0.1,
    reason="pre-asymptotic range: for Gaussian tails the slope is 1 - 1/(2 log(2|F|/delta)) + o(1), about "
           "0.97 here, and the binomial tail is lighter than the Gaussian one far out",
    hypotheses="0-1 loss with values in [0, 1], finite class, i.i.d. sample of size 1000",
    wrong="the dependence log(2|F|/delta)/n (Hoeffding's exponent n t^2 for 2 n t^2), slope 2",
    wrong_predict=2.0,
    demo=finite_class_demo,
)


# ---------------------------------------------------------------------------------------------
# learning.ols_excess_risk
# ---------------------------------------------------------------------------------------------


@demo_result
class OLSRiskResult(DemoResult):
    """Result of :func:`ols_risk_demo`.

    Attributes
    ----------
    dims : ndarray, shape (k,)
        Dimensions :math:`d`.
    mc_risk : ndarray, shape (k,)
        Random design: Monte Carlo mean of :math:`(\\hat\\beta - \\beta^*)^\\top \\Sigma (\\hat\\beta - \\beta^*)`.
    predicted : ndarray, shape (k,)
        :math:`\\sigma^2 d / (n - d - 1)`.
    se : ndarray, shape (k,)
        Standard errors of ``mc_risk``.
    mc_risk_fixed : ndarray, shape (k,)
        Fixed design: Monte Carlo mean of :math:`\\frac1n \\|X(\\hat\\beta - \\beta^*)\\|^2`.
    predicted_fixed : ndarray, shape (k,)
        :math:`\\sigma^2 d / n`.
    se_fixed : ndarray, shape (k,)
    max_rel_err : float
        Largest :math:`|\\text{mc}/\\text{predicted} - 1|` over both designs and the
        dimensions with :math:`d \\le n - 8`.
    max_z, max_z_fixed : float
        Largest :math:`|\\text{mc} - \\text{predicted}|/\\text{se}` over the dimensions, random
        and fixed design.
    wrong_max_z, wrong_max_z_fixed : float
        The same under the nearest wrong formulas :math:`\\sigma^2 d/(n-d)` (random design) and
        :math:`\\sigma^2 (d+1)/n` (fixed design).
    n : int
    sigma : float
    """

    dims: np.ndarray
    mc_risk: np.ndarray
    predicted: np.ndarray
    se: np.ndarray
    mc_risk_fixed: np.ndarray
    predicted_fixed: np.ndarray
    se_fixed: np.ndarray
    max_rel_err: float
    max_z: float
    max_z_fixed: float
    wrong_max_z: float
    wrong_max_z_fixed: float
    n: int
    sigma: float

    def plot(self, ax=None):
        """Risk against dimension for both designs, Monte Carlo (markers) and closed forms (lines)."""
        ax = axes(ax)
        d = np.arange(1, int(self.dims.max()) + 1)
        s2, n = self.sigma ** 2, self.n
        ax.plot(d, s2 * d / (n - d - 1), color=COLORS[0], label=r"$\sigma^2 d/(n-d-1)$")
        ax.plot(d, s2 * d / n, color=COLORS[1], label=r"$\sigma^2 d/n$")
        ax.errorbar(self.dims, self.mc_risk, yerr=2 * self.se, fmt="o", color=COLORS[0],
                    label="random Gaussian design (MC)")
        ax.errorbar(self.dims, self.mc_risk_fixed, yerr=2 * self.se_fixed, fmt="s", color=COLORS[1],
                    label="fixed design (MC)")
        ax.set_xlabel("dimension $d$")
        ax.set_ylabel("excess risk of OLS")
        ax.set_title(f"$n = {n}$, $\\sigma = {self.sigma:g}$")
        ax.legend()
        return ax


def _toeplitz_cov(d: int, rho: float = 0.5) -> np.ndarray:
    i = np.arange(d)
    return rho ** np.abs(i[:, None] - i[None, :])


def ols_risk_demo(*, n: int = 40, dims=(5, 10, 20, 30), sigma: float = 0.5, n_rep: int = 2000,
                  seed: int = 0) -> OLSRiskResult:
    r"""Exact expected excess risk of ordinary least squares, by Monte Carlo.

    Model :math:`y = X\beta^* + \varepsilon`, :math:`\varepsilon \sim N(0, \sigma^2 I_n)`,
    :math:`\hat\beta = (X^\top X)^{-1} X^\top y`.

    * Fixed design: one :math:`X \in \mathbb R^{n\times d}` of rank :math:`d` is drawn and kept;
      only the noise is redrawn. Then :math:`\mathbb E \frac1n\|X(\hat\beta-\beta^*)\|^2 = \sigma^2 d/n`.
    * Random design: the rows of :math:`X` are i.i.d. :math:`N(0, \Sigma)` with the
      non-identity covariance :math:`\Sigma_{ij} = 2^{-|i-j|}`, redrawn each time, and
      :math:`\mathbb E[(\hat\beta-\beta^*)^\top\Sigma(\hat\beta-\beta^*)] = \sigma^2 d/(n-d-1)`
      for :math:`n \ge d+2`.

    Parameters
    ----------
    n : int, default 40
        Sample size, >= 4.
    dims : sequence of int, default (5, 10, 20, 30)
        Dimensions, each in ``[1, n - 2]``.
    sigma : float, default 0.5
        Noise standard deviation, > 0.
    n_rep : int, default 2000
        Monte Carlo repetitions, >= 10.
    seed : int, default 0

    Returns
    -------
    OLSRiskResult

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or out of range; the message names it.

    References
    ----------
    Book, chapter *Risk, Bayes predictors and empirical risk minimisation*, theorem ``learning-ols_excess_risk``.
    Bach, *Learning Theory from First Principles*, Ch. 3; Anderson (2003), Ch. 7 (Wishart moments).
    """
    n = check_int(n, "n", minimum=4)
    dims_t = _check_int_tuple(dims, "dims", minimum=1)
    if max(dims_t) > n - 2:
        raise ValueError(f"dims must satisfy d <= n - 2 = {n - 2}, got {max(dims_t)}")
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    n_rep = check_int(n_rep, "n_rep", minimum=10)
    gen = rng(seed)
    k = len(dims_t)
    mc, se, mcf, sef = (np.empty(k) for _ in range(4))
    for j, d in enumerate(dims_t):
        beta = gen.standard_normal(d)
        # fixed design
        xf = gen.standard_normal((n, d))
        eps = sigma * gen.standard_normal((n_rep, n))
        yf = xf @ beta + eps
        bhat = np.linalg.lstsq(xf, yf.T, rcond=None)[0].T          # (n_rep, d)
        pred_err = (bhat - beta) @ xf.T                               # rows: X (beta_hat - beta*)
        risk_f = np.sum(pred_err ** 2, axis=1) / n
        mcf[j], sef[j] = risk_f.mean(), risk_f.std(ddof=1) / np.sqrt(n_rep)
        # random Gaussian design with covariance Sigma
        cov = _toeplitz_cov(d)
        chol = np.linalg.cholesky(cov)
        x = gen.standard_normal((n_rep, n, d)) @ chol.T
        y = x @ beta + sigma * gen.standard_normal((n_rep, n))
        xtx = np.einsum("rni,rnj->rij", x, x)
        xty = np.einsum("rni,rn->ri", x, y)
        err = np.linalg.solve(xtx, xty[..., None])[..., 0] - beta
        risk = np.einsum("ri,ij,rj->r", err, cov, err)
        mc[j], se[j] = risk.mean(), risk.std(ddof=1) / np.sqrt(n_rep)
    d_arr = np.array(dims_t, dtype=np.float64)
    pred = sigma ** 2 * d_arr / (n - d_arr - 1)
    pred_f = sigma ** 2 * d_arr / n
    keep = d_arr <= n - 8
    rel = np.concatenate([np.abs(mc / pred - 1)[keep], np.abs(mcf / pred_f - 1)[keep]])
    wrong = sigma ** 2 * d_arr / (n - d_arr)
    wrong_f = sigma ** 2 * (d_arr + 1) / n
    return OLSRiskResult(
        dims=d_arr, mc_risk=mc, predicted=pred, se=se, mc_risk_fixed=mcf, predicted_fixed=pred_f,
        se_fixed=sef, max_rel_err=float(rel.max()) if rel.size else float("nan"),
        max_z=float(np.max(np.abs(mc - pred) / se)), max_z_fixed=float(np.max(np.abs(mcf - pred_f) / sef)),
        wrong_max_z=float(np.max(np.abs(mc - wrong) / se)),
        wrong_max_z_fixed=float(np.max(np.abs(mcf - wrong_f) / sef)), n=n, sigma=sigma,
    )


declare_check(
    "learning.ols_excess_risk", label="random",
    quantity="largest deviation, over d, of the Monte Carlo random-design risk of OLS from sigma^2 d/(n-d-1), "
             "in standard errors",
    claim="equality", relation="approx",
    measure="max_z", predict=0.0, tolerance=3.5,
    reason="3.5 Monte Carlo standard errors of the mean risk (n_rep draws of design and noise), for the "
           "largest of four dimensions (false-alarm probability about 0.2%)",
    hypotheses="rows i.i.d. N(0, Sigma), Sigma_ij = 2^-|i-j| positive definite, Gaussian noise independent of "
               "X with covariance sigma^2 I, n >= d + 2 (and n - d + 1 > 4, so that the risk has a variance)",
    wrong="sigma^2 d/(n-d) (n-d instead of n-d-1)",
    wrong_measure="wrong_max_z",
    demo=ols_risk_demo,
)
declare_check(
    "learning.ols_excess_risk", label="fixed",
    quantity="largest deviation, over d, of the Monte Carlo fixed-design risk of OLS from sigma^2 d/n, "
             "in standard errors",
    claim="equality", relation="approx",
    measure="max_z_fixed", predict=0.0, tolerance=3.5,
    reason="3.5 Monte Carlo standard errors of the mean risk (n_rep noise draws for one design), for the "
           "largest of four dimensions (false-alarm probability about 0.2%)",
    hypotheses="deterministic design of rank d <= n, centred noise with covariance sigma^2 I (Gaussian here)",
    wrong="sigma^2 (d+1)/n (one parameter too many, e.g. an intercept counted)",
    wrong_measure="wrong_max_z_fixed",
    demo=ols_risk_demo,
)


# ---------------------------------------------------------------------------------------------
# learning.relu_network_properties
# ---------------------------------------------------------------------------------------------


def relu_param_count(widths: Sequence[int]) -> int:
    r"""Number of parameters :math:`p = \sum_{\ell=1}^{L+1} (n_{\ell-1} + 1)\, n_\ell` of a
    fully connected network with :math:`L` hidden layers and layer widths
    ``widths`` :math:`= (n_0, \dots, n_{L+1})`.

    Parameters
    ----------
    widths : sequence of int
        At least two positive integers (input width, hidden widths, output width).

    Returns
    -------
    int

    Raises
    ------
    TypeError, ValueError
        If ``widths`` is not a sequence of at least two positive integers.

    References
    ----------
    Book, chapter *Neural networks and the error decomposition*.
    """
    w = _check_int_tuple(widths, "widths", minimum=1)
    if len(w) < 2:
        raise ValueError(f"widths must have at least two entries, got {len(w)}")
    return int(sum((a + 1) * b for a, b in zip(w[:-1], w[1:])))


def spectral_norm_product(model) -> float:
    r"""The product :math:`\prod_\ell \|W_\ell\|_2` of the spectral norms of the weight
    matrices of the :class:`torch.nn.Linear` layers of ``model``.

    For a network :math:`\Phi = A_{L+1} \circ \sigma \circ A_L \circ \dots \circ \sigma \circ A_1`
    with affine :math:`A_\ell(x) = W_\ell x + b_\ell` and a 1-Lipschitz activation,
    :math:`\operatorname{Lip}(\Phi) \le \prod_\ell \|W_\ell\|_2` (Euclidean norms).

    Parameters
    ----------
    model : torch.nn.Module
        A module whose affine layers are :class:`torch.nn.Linear` (as built by
        :func:`dlmath.nets.feedforward`).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If ``model`` is not a module; ValueError if it has no linear layer.

    References
    ----------
    Book, chapter *Neural networks and the error decomposition*.
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    if not linears:
        raise ValueError("model must contain at least one torch.nn.Linear layer")
    out = 1.0
    with torch.no_grad():
        for layer in linears:
            out *= float(torch.linalg.matrix_norm(layer.weight.to(torch.float64), ord=2))
    return out


@demo_result
class ReluPropertiesResult(DemoResult):
    """Result of :func:`relu_properties_demo`.

    Attributes
    ----------
    rescale_err : float
        :math:`\\max |\\Phi(x) - \\Phi_c(x)|` over the inputs, the rescaling factors
        :math:`c \\in \\{10^{-3}, 10^{3}\\}` and all hidden layers.
    grad_norms : ndarray, shape (n_points,)
        :math:`\\|D\\Phi(x)\\|_2` at the inputs (exact, by automatic differentiation).
    lip_bound : float
        :math:`\\prod_\\ell \\|W_\\ell\\|_2`.
    max_ratio : float
        ``grad_norms.max() / lip_bound`` (the theorem: at most 1).
    n_params : int
        Number of parameters of the torch module.
    n_params_formula : int
        :math:`\\sum_\\ell (n_{\\ell-1} + 1) n_\\ell`.
    line_s, line_values : ndarray, shape (m,)
        The first output of :math:`\\Phi` along the segment :math:`s \\mapsto a + s b`, :math:`s\\in[-3,3]`.
    line_breaks : ndarray
        Parameters :math:`s` at which the activation pattern changes along the segment.
    n_pieces : int
        Number of affine pieces along the segment.
    cpwl_err : float
        Largest deviation of :math:`\\Phi` from the affine function of its activation pattern
        on the segment (the theorem: 0 up to rounding).
    frozen_pattern_err : float
        Largest deviation of :math:`\\Phi` on the segment from the single affine map of the
        pattern at the segment's midpoint (what a globally affine :math:`\\Phi` would give).
    rescale_bias_err : float
        As ``rescale_err``, but with the bias :math:`b_\\ell` left unscaled (not a symmetry).
    sharp_ratio : float
        :math:`\\|D\\Phi(0)\\|_2 / \\prod_\\ell \\|W_\\ell\\|_2` for the network of the same widths
        whose layers share their top singular vectors, positive on the hidden layers, with
        biases that keep every neuron active near 0 (the theorem: the bound is attained, ratio 1).
    max_ratio_all : float
        ``max(max_ratio, sharp_ratio)``.
    n_params_no_bias : int
        :math:`\\sum_\\ell n_{\\ell-1} n_\\ell` (the count with the biases forgotten).
    widths : tuple of int
    """

    rescale_err: float
    grad_norms: np.ndarray
    lip_bound: float
    max_ratio: float
    n_params: int
    n_params_formula: int
    line_s: np.ndarray
    line_values: np.ndarray
    line_breaks: np.ndarray
    n_pieces: int
    cpwl_err: float
    frozen_pattern_err: float
    rescale_bias_err: float
    sharp_ratio: float
    max_ratio_all: float
    n_params_no_bias: int
    widths: tuple

    def plot(self, ax=None):
        """Histogram of the local Lipschitz constants divided by the product of spectral norms."""
        ax = axes(ax)
        ax.hist(self.grad_norms / self.lip_bound, bins=np.linspace(0, 1.05, 211), color=COLORS[0])
        ax.axvline(1.0, color=COLORS[1], label=r"bound $\prod_\ell \|W_\ell\|_2$")
        ax.set_xlabel(r"$\|D\Phi(x)\|_2 \,/\, \prod_\ell \|W_\ell\|_2$")
        ax.set_ylabel("inputs")
        ax.set_xlim(0, 1.05)
        ax.legend(loc="upper center")
        return ax

    def plot_line(self, ax=None):
        """The network along a segment, with the points where its activation pattern changes."""
        ax = axes(ax)
        ax.plot(self.line_s, self.line_values, color=COLORS[0], label=r"$s \mapsto \Phi(a + s b)$")
        for s in self.line_breaks:
            ax.axvline(s, color="0.7", linewidth=0.5, zorder=0)
        ax.set_xlabel("$s$")
        ax.set_title(f"{self.n_pieces} affine pieces (grey lines: pattern changes)")
        ax.legend()
        return ax


def relu_properties_demo(*, widths=(3, 64, 64, 1), n_points: int = 10_000, seed: int = 0,
                         device="cpu") -> ReluPropertiesResult:
    r"""Check the structural properties of a random ReLU network (float64).

    The network :math:`\Phi(x) = W_{L+1}\sigma(W_L\cdots\sigma(W_1x+b_1)\cdots)+b_{L+1}`, with
    :math:`L` hidden layers, is
    :func:`dlmath.nets.feedforward` ``(widths, dtype=torch.float64, seed=seed)``; inputs are
    i.i.d. :math:`N(0, I)`.

    (a) CPWL: along a segment :math:`a + sb`, :math:`s \in [-3, 3]`, on 4001 points, the
    activation pattern is computed, and :math:`\Phi` is compared with the affine map
    :math:`x \mapsto W^{(p)} x + c^{(p)}` of its pattern :math:`p` (computed from the weights).
    (b) Rescaling: :math:`(W_\ell, b_\ell, W_{\ell+1}) \mapsto (cW_\ell, cb_\ell, W_{\ell+1}/c)`
    for :math:`c \in \{10^{-3}, 10^3\}` and every hidden layer :math:`\ell` changes the outputs
    by rounding only. (c) :math:`\|D\Phi(x)\|_2 \le \prod_\ell\|W_\ell\|_2` with the Jacobians
    from :func:`torch.autograd.grad`, for the random network and for a network where the bound
    is attained: :math:`W_\ell = s_\ell u_\ell u_{\ell-1}^\top + E_\ell` with unit vectors
    :math:`u_\ell` (entrywise positive on the hidden layers) and :math:`E_\ell` mapping
    :math:`u_{\ell-1}^\perp` to :math:`u_\ell^\perp` with :math:`\|E_\ell\|_2 = s_\ell/2`, so that
    :math:`\|W_\ell\|_2 = s_\ell`, and biases making every pre-activation equal to 1 at
    :math:`x = 0`; there :math:`D\Phi(0) = W_{L+1}\cdots W_1` maps :math:`u_0` to
    :math:`\prod_\ell s_\ell\, u_{L+1}`. (d) The parameter count equals
    :math:`\sum_\ell (n_{\ell-1}+1) n_\ell`.

    Parameters
    ----------
    widths : sequence of int, default (3, 64, 64, 1)
        Layer widths :math:`(n_0, \dots, n_{L+1})`, at least two.
    n_points : int, default 10_000
        Number of random inputs, >= 1.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    ReluPropertiesResult

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or out of range; the message names it.

    References
    ----------
    Book, chapter *Neural networks and the error decomposition*, theorem
    ``learning-relu_network_properties``. Berner et al. (2022), Sec. 1.2; Arora et al. (2018), Thm 2.1.
    """
    import torch

    from .nets import count_parameters, feedforward

    w = _check_int_tuple(widths, "widths", minimum=1)
    if len(w) < 2:
        raise ValueError(f"widths must have at least two entries, got {len(w)}")
    n_points = check_int(n_points, "n_points", minimum=1)
    gen = rng(seed)
    try:
        device = torch.device(device)
    except (TypeError, RuntimeError) as exc:
        raise ValueError(f"device is not a valid torch device: {exc}") from None
    net = feedforward(w, dtype=torch.float64, seed=seed, device=device)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    x = torch.as_tensor(gen.standard_normal((n_points, w[0])), dtype=torch.float64, device=device)

    with torch.no_grad():
        out = net(x)
        # (b) positive rescaling of consecutive layers
        rescale_err = 0.0
        for c in (1e-3, 1e3):
            for ell in range(len(linears) - 1):
                other = copy.deepcopy(net)
                lin = [m for m in other if isinstance(m, torch.nn.Linear)]
                lin[ell].weight.mul_(c)
                lin[ell].bias.mul_(c)
                lin[ell + 1].weight.div_(c)
                rescale_err = max(rescale_err, float((other(x) - out).abs().max()))

    # (c) exact Jacobians by reverse-mode automatic differentiation; the samples of a batch do
    # not interact, so the gradient of the sum of output j is row j of every Jacobian
    xg = x.clone().requires_grad_(True)
    yg = net(xg)
    rows = [torch.autograd.grad(yg[:, j].sum(), xg, retain_graph=j < w[-1] - 1)[0] for j in range(w[-1])]
    jac = torch.stack(rows, dim=1)                                          # (N, d_out, d_in)
    grad_norms = torch.linalg.matrix_norm(jac.detach(), ord=2).cpu().numpy()
    lip_bound = spectral_norm_product(net)

    # (a) CPWL along a segment: compare with the affine map of the activation pattern
    a = torch.as_tensor(gen.standard_normal(w[0]), dtype=torch.float64, device=device)
    b = torch.as_tensor(gen.standard_normal(w[0]), dtype=torch.float64, device=device)
    s = torch.linspace(-3.0, 3.0, 4001, dtype=torch.float64, device=device)
    xs = a + s[:, None] * b
    with torch.no_grad():
        h = xs
        patterns = []
        # the affine map of the pattern, propagated alongside: Phi(x) = A x + c on the region
        amat = torch.eye(w[0], dtype=torch.float64, device=device).expand(s.numel(), -1, -1)
        cvec = torch.zeros(s.numel(), w[0], dtype=torch.float64, device=device)
        for k, layer in enumerate(linears):
            h = layer(h)
            amat = layer.weight @ amat
            cvec = cvec @ layer.weight.T + layer.bias
            if k < len(linears) - 1:
                mask = (h > 0).to(torch.float64)
                patterns.append(h > 0)
                h = h * mask
                amat = mask[:, :, None] * amat
                cvec = cvec * mask
        affine = (amat @ xs[:, :, None])[..., 0] + cvec
        cpwl_err = float((affine - net(xs)).abs().max())
        line_values = net(xs)[:, 0].cpu().numpy()
    pat = torch.cat(patterns, dim=1).cpu().numpy() if patterns else np.zeros((s.numel(), 0), bool)
    change = np.any(pat[1:] != pat[:-1], axis=1)
    s_np = s.cpu().numpy()
    breaks = 0.5 * (s_np[1:] + s_np[:-1])[change]

    # (a), wrong answer: one affine map (the pattern of the midpoint) for the whole segment
    with torch.no_grad():
        mid = s.numel() // 2
        frozen = xs @ amat[mid].T + cvec[mid]
        frozen_pattern_err = float((frozen - net(xs)).abs().max())
        # (b), wrong answer: the rescaling with the bias left unscaled
        rescale_bias_err = 0.0
        for c in (1e-3, 1e3):
            for ell in range(len(linears) - 1):
                other = copy.deepcopy(net)
                lin = [m for m in other if isinstance(m, torch.nn.Linear)]
                lin[ell].weight.mul_(c)
                lin[ell + 1].weight.div_(c)
                rescale_bias_err = max(rescale_bias_err, float((other(x) - out).abs().max()))

    # (c), the instance attaining the bound
    sharp = _sharp_lipschitz_net(w, gen, device)
    x0 = torch.zeros(1, w[0], dtype=torch.float64, device=device, requires_grad=True)
    y0 = sharp(x0)
    jac0 = torch.stack([torch.autograd.grad(y0[0, j], x0, retain_graph=j < w[-1] - 1)[0][0]
                        for j in range(w[-1])])
    sharp_ratio = float(torch.linalg.matrix_norm(jac0.detach(), ord=2)) / spectral_norm_product(sharp)

    n_params = count_parameters(net)
    max_ratio = float(grad_norms.max() / lip_bound)
    return ReluPropertiesResult(
        rescale_err=rescale_err, grad_norms=grad_norms, lip_bound=lip_bound,
        max_ratio=max_ratio, n_params=n_params,
        n_params_formula=relu_param_count(w), line_s=s_np, line_values=line_values,
        line_breaks=breaks, n_pieces=int(change.sum()) + 1, cpwl_err=cpwl_err,
        frozen_pattern_err=frozen_pattern_err, rescale_bias_err=rescale_bias_err,
        sharp_ratio=sharp_ratio, max_ratio_all=max(max_ratio, sharp_ratio),
        n_params_no_bias=int(sum(a * b for a, b in zip(w[:-1], w[1:]))), widths=w,
    )


def _sharp_lipschitz_net(w: tuple[int, ...], gen: np.random.Generator, device):
    """A ReLU network of widths ``w`` whose Lipschitz bound prod ||W_l||_2 is attained at x = 0.

    W_l = s_l u_l u_{l-1}^T + E_l with unit vectors u_l (entrywise positive on hidden layers),
    E_l = (I - u_l u_l^T) G_l (I - u_{l-1} u_{l-1}^T) scaled to spectral norm s_l / 2, so that
    u_{l-1} is a top right singular vector of W_l with singular value s_l and W_l u_{l-1} = s_l u_l;
    the biases make every hidden pre-activation equal to 1 at x = 0.
    """
    import torch

    from .nets import feedforward

    net = feedforward(w, dtype=torch.float64, seed=0, device=device)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    us = []
    for ell, width in enumerate(w):
        u = gen.standard_normal(width)
        if 0 < ell < len(w) - 1:
            u = np.abs(u) + 0.1
        us.append(u / np.linalg.norm(u))
    act = np.zeros(w[0])                       # the hidden state at x = 0
    with torch.no_grad():
        for ell, layer in enumerate(linears):
            u_out, u_in = us[ell + 1], us[ell]
            s_l = float(gen.uniform(0.5, 2.0))
            g = gen.standard_normal((u_out.size, u_in.size))
            e = g - np.outer(u_out, u_out @ g)
            e = e - np.outer(e @ u_in, u_in)
            norm_e = np.linalg.norm(e, 2) if e.size else 0.0
            e = e * (0.5 * s_l / norm_e) if norm_e > 1e-12 else np.zeros_like(e)
            wmat = s_l * np.outer(u_out, u_in) + e
            if ell < len(linears) - 1:
                bias = 1.0 - wmat @ act
                act = np.ones(u_out.size)
            else:
                bias = np.zeros(u_out.size)
            layer.weight.copy_(torch.as_tensor(wmat, dtype=torch.float64))
            layer.bias.copy_(torch.as_tensor(bias, dtype=torch.float64))
    return net


declare_check(
    "learning.relu_network_properties", label="lipschitz",
    quantity="largest ||D Phi(x)||_2 over prod_l ||W_l||_2: a random network at Gaussian inputs and a network "
             "with aligned top singular vectors at x = 0",
    claim="upper bound", relation="<=",
    measure="max_ratio_all", predict=1.0, tolerance=1e-12,
    reason="float64 rounding of the Jacobians and the spectral norms; the aligned network attains the bound "
           "(ratio 1), the random one lies at about 0.08 of it",
    hypotheses="ReLU (1-Lipschitz) activation, Euclidean norms, Jacobians at points of differentiability "
               "(all neurons active near 0 for the aligned network)",
    wrong="0.9 x the product of spectral norms",
    wrong_predict=0.9, min_tightness=0.9,
    demo=relu_properties_demo,
)
declare_check(
    "learning.relu_network_properties", label="cpwl",
    quantity="largest deviation of Phi on a segment from the affine map W_{L+1} D_L W_L ... D_1 W_1 x + c_s of "
             "its activation pattern",
    claim="identity", relation="approx",
    measure="cpwl_err", predict=0.0, tolerance=1e-10,
    reason="float64 rounding of two evaluations of the same affine map (outputs of order 10)",
    hypotheses="ReLU activation; the pattern is read off at each of 4001 points of the segment",
    wrong="Phi affine on the whole segment (the midpoint's pattern everywhere)",
    wrong_measure="frozen_pattern_err",
    demo=relu_properties_demo,
)
declare_check(
    "learning.relu_network_properties", label="rescaling",
    quantity="largest change of the outputs under (W_l, b_l, W_{l+1}) -> (c W_l, c b_l, W_{l+1}/c), "
             "c in {1e-3, 1e3}, every hidden layer",
    claim="identity", relation="approx",
    measure="rescale_err", predict=0.0, tolerance=1e-10,
    reason="float64 rounding after scaling by 1e3 and back",
    hypotheses="ReLU activation (positively homogeneous), c > 0",
    wrong="the rescaling with the bias b_l left unscaled",
    wrong_measure="rescale_bias_err",
    demo=relu_properties_demo,
)
declare_check(
    "learning.relu_network_properties", label="count",
    quantity="number of parameters of the torch module against sum_l (n_{l-1} + 1) n_l",
    claim="identity", relation="approx",
    measure="n_params", predict="n_params_formula", tolerance=0.0,
    reason="integers: exact",
    hypotheses="fully connected layers with biases",
    wrong="sum_l n_{l-1} n_l (the biases forgotten)",
    wrong_predict="n_params_no_bias",
    demo=relu_properties_demo,
)


# ---------------------------------------------------------------------------------------------
# learning.error_decomposition
# ---------------------------------------------------------------------------------------------


def legendre_features(x, degree: int) -> np.ndarray:
    r"""Orthonormal shifted Legendre polynomials on [0, 1].

    :math:`\varphi_j(x) = \sqrt{2j+1}\, P_j(2x - 1)`, :math:`j = 0, \dots, k`, where
    :math:`P_j` is the Legendre polynomial of degree :math:`j`; they form an orthonormal basis
    of the polynomials of degree at most :math:`k` in :math:`L^2(0,1)`.

    Parameters
    ----------
    x : array_like, shape (m,)
        Points (usually in [0, 1]).
    degree : int
        Largest degree :math:`k \ge 0`.

    Returns
    -------
    ndarray, shape (m, degree + 1)
        The matrix :math:`(\varphi_j(x_i))_{ij}`.

    Raises
    ------
    TypeError, ValueError
        If ``x`` is not a finite one-dimensional array or ``degree`` is not a non-negative integer.

    References
    ----------
    Book, chapter *Neural networks and the error decomposition*.
    """
    xa = check_array(x, "x", ndim=1)
    degree = check_int(degree, "degree", minimum=0)
    v = np.polynomial.legendre.legvander(2 * xa - 1, degree)
    return v * np.sqrt(2 * np.arange(degree + 1) + 1)


@demo_result
class ErrorDecompositionResult(DemoResult):
    """Result of :func:`error_decomposition_demo`.

    All arrays have shape (k,), one entry per degree.

    Attributes
    ----------
    degrees : ndarray
        Polynomial degrees :math:`k` (the class :math:`F_k`).
    approx : ndarray
        Approximation error :math:`R(f_F) - R^*`.
    estimation : ndarray
        Estimation error of the ERM, :math:`R(\\hat f_n) - R(f_F) \\ge 0`.
    optimization : ndarray
        Optimisation error :math:`\\varepsilon_{\\rm opt} = \\widehat R_n(\\tilde f) - \\widehat R_n(\\hat f_n)`.
    total_excess : ndarray
        :math:`R(\\tilde f) - R^*` of the gradient-descent output.
    erm_excess : ndarray
        :math:`R(\\hat f_n) - R^*`.
    bound : ndarray
        The bound with absolute deviations :math:`(R(f_F)-R^*) + \\varepsilon_{\\rm opt} + |R(\\tilde f)-\\widehat R_n(\\tilde f)|
        + |\\widehat R_n(f_F) - R(f_F)|` (weaker than the realised bound; the figure draws
        ``approx + realised_rhs``).
    slack : ndarray
        ``bound - total_excess`` (the theorem: >= 0).
    min_slack : float
    approx_parseval : ndarray
        :math:`\\|f^*\\|^2 - \\sum_{j \\le k} c_j^2` with the Legendre coefficients :math:`c_j`.
    parseval_err : float
        :math:`\\max_k |` ``approx - approx_parseval`` :math:`|`.
    realised_lhs : ndarray
        :math:`R(\\tilde f) - R(f_F)`.
    realised_rhs : ndarray
        :math:`\\varepsilon_{\\rm opt} + [R(\\tilde f) - \\widehat R_n(\\tilde f)] + [\\widehat R_n(f_F) - R(f_F)]`
        (signed brackets, as in the theorem); ``realised_rhs - realised_lhs`` is
        :math:`\\widehat R_n(f_F) - \\widehat R_n(\\hat f_n) \\ge 0`.
    train_gap : ndarray
        :math:`\\widehat R_n(f_F) - \\widehat R_n(\\hat f_n)`, computed directly (the theorem's
        slack ``realised_rhs - realised_lhs``).
    realised_ratio : float
        :math:`\\max_k` ``realised_lhs / realised_rhs`` (the theorem: at most 1).
    ratio_without_opt : float
        :math:`\\max_k` ``realised_lhs / (realised_rhs - optimization)``: the same ratio for the
        bound with :math:`\\varepsilon_{\\rm opt}` left out (``inf`` where that bound is violated
        with a non-positive right-hand side).
    approx_deg1 : float
        Approximation error of the affine functions, by quadrature (exact value
        :math:`1/2 - 3/\\pi^2`).
    n, gd_steps : int
    sigma : float
    """

    degrees: np.ndarray
    approx: np.ndarray
    estimation: np.ndarray
    optimization: np.ndarray
    total_excess: np.ndarray
    erm_excess: np.ndarray
    bound: np.ndarray
    slack: np.ndarray
    min_slack: float
    approx_parseval: np.ndarray
    parseval_err: float
    realised_lhs: np.ndarray
    realised_rhs: np.ndarray
    train_gap: np.ndarray
    realised_ratio: float
    ratio_without_opt: float
    approx_deg1: float
    n: int
    gd_steps: int
    sigma: float

    def plot(self, ax=None):
        """The three errors, the total excess risk and the realised bound against the degree (log scale)."""
        ax = axes(ax)
        floor = 1e-17  # values at rounding level are drawn below the visible range
        k = self.degrees
        ax.semilogy(k, np.maximum(self.approx, floor), "o-", color=COLORS[0], label=r"approximation $R(f_F)-R^*$")
        ax.semilogy(k, np.maximum(self.estimation, floor), "s-", color=COLORS[2],
                    label=r"estimation $R(\hat f_n)-R(f_F)$")
        ax.semilogy(k, np.maximum(self.optimization, floor), "^-", color=COLORS[3],
                    label=r"optimisation $\varepsilon_{\rm opt}$")
        ax.semilogy(k, self.total_excess, "k-", linewidth=2.2, label=r"total $R(\tilde f)-R^*$")
        ax.semilogy(k, self.approx + self.realised_rhs, "--", color=COLORS[1], label="realised bound")
        ax.set_xlabel("polynomial degree $k$")
        ax.set_ylabel("excess risk")
        ax.set_title(f"$n={self.n}$, {self.gd_steps} gradient steps")
        ax.set_ylim(1e-16, 2.0)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=7.5, loc="lower left")
        return ax


def error_decomposition_demo(*, degrees=range(1, 13), n: int = 50, gd_steps: int = 200,
                             seed: int = 0) -> ErrorDecompositionResult:
    r"""Approximation, estimation and optimisation errors for polynomial least squares.

    Data: :math:`Y = f^*(X) + 0.3\,\varepsilon`, :math:`f^*(x) = \sin(2\pi x)`,
    :math:`X \sim U[0,1]`, :math:`\varepsilon \sim N(0,1)`, one sample of size ``n``. For each
    degree :math:`k`, :math:`F_k` is the space of polynomials of degree :math:`\le k`,
    parametrised by coefficients in the orthonormal shifted Legendre basis
    (:func:`legendre_features`). Squared loss, so that

    .. math:: R(f) = \|f - f^*\|_{L^2(0,1)}^2 + \sigma^2, \qquad R^* = \sigma^2,

    computed by 80-point Gauss-Legendre quadrature. :math:`f_F` is the :math:`L^2(0,1)`
    projection of :math:`f^*` onto :math:`F_k`, :math:`\hat f_n` the ERM (least squares, by
    ``lstsq``) and :math:`\tilde f` the output of ``gd_steps`` steps of gradient descent on
    :math:`\widehat R_n` from 0 with step :math:`1/\lambda`, where
    :math:`\lambda = 2\lambda_{\max}(\Phi^\top\Phi/n)` is the largest eigenvalue of the Hessian.
    The realised form of the error bound,

    .. math:: R(\tilde f) - R^* \le (R(f_F) - R^*) + \varepsilon_{\rm opt}
              + |R(\tilde f) - \widehat R_n(\tilde f)| + |\widehat R_n(f_F) - R(f_F)|,

    is checked (``slack >= 0``) and the approximation error is compared with Parseval's
    identity :math:`\|f^*\|^2 - \sum_{j\le k} c_j^2`, :math:`\|f^*\|^2 = 1/2`.

    Parameters
    ----------
    degrees : iterable of int, default range(1, 13)
        Polynomial degrees, each in ``[0, n - 1]``.
    n : int, default 50
        Sample size, >= 2.
    gd_steps : int, default 200
        Number of gradient steps, >= 0.
    seed : int, default 0

    Returns
    -------
    ErrorDecompositionResult

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or out of range; the message names it.

    References
    ----------
    Book, chapter *Neural networks and the error decomposition*, theorem
    ``learning-error_decomposition``. Berner et al. (2022), Sec. 1.2; Bach (2024), Ch. 4.
    """
    n = check_int(n, "n", minimum=2)
    degs = _check_int_tuple(degrees, "degrees", minimum=0)
    if max(degs) > n - 1:
        raise ValueError(f"degrees must be <= n - 1 = {n - 1}, got {max(degs)}")
    gd_steps = check_int(gd_steps, "gd_steps", minimum=0)
    sigma = 0.3
    gen = rng(seed)
    x = gen.random(n)
    y = np.sin(2 * np.pi * x) + sigma * gen.standard_normal(n)
    nodes, weights = np.polynomial.legendre.leggauss(80)
    xq, wq = (nodes + 1) / 2, weights / 2
    fstar_q = np.sin(2 * np.pi * xq)

    def pop_risk(phi_q, c):
        return float(wq @ (phi_q @ c - fstar_q) ** 2) + sigma ** 2

    def emp_risk(phi, c):
        return float(np.mean((phi @ c - y) ** 2))

    out = {key: np.empty(len(degs)) for key in
           ("approx", "estimation", "optimization", "total", "erm", "bound", "parseval", "lhs", "rhs", "gap")}
    for j, k in enumerate(degs):
        phi_q = legendre_features(xq, k)
        phi = legendre_features(x, k)
        c_proj = phi_q.T @ (wq * fstar_q)                   # Legendre coefficients of f*
        c_erm = np.linalg.lstsq(phi, y, rcond=None)[0]
        lip = 2 * np.linalg.eigvalsh(phi.T @ phi / n)[-1]
        c = np.zeros(k + 1)
        for _ in range(gd_steps):
            c = c - (2 / n) * (phi.T @ (phi @ c - y)) / lip
        r_proj, r_erm, r_gd = pop_risk(phi_q, c_proj), pop_risk(phi_q, c_erm), pop_risk(phi_q, c)
        e_proj, e_erm, e_gd = emp_risk(phi, c_proj), emp_risk(phi, c_erm), emp_risk(phi, c)
        out["approx"][j] = r_proj - sigma ** 2
        out["estimation"][j] = r_erm - r_proj
        out["optimization"][j] = e_gd - e_erm
        out["total"][j] = r_gd - sigma ** 2
        out["erm"][j] = r_erm - sigma ** 2
        out["bound"][j] = (r_proj - sigma ** 2) + (e_gd - e_erm) + abs(r_gd - e_gd) + abs(e_proj - r_proj)
        out["parseval"][j] = 0.5 - float(c_proj @ c_proj)
        out["lhs"][j] = r_gd - r_proj
        out["rhs"][j] = (e_gd - e_erm) + (r_gd - e_gd) + (e_proj - r_proj)
        out["gap"][j] = e_proj - e_erm
    slack = out["bound"] - out["total"]
    lhs, rhs = out["lhs"], out["rhs"]
    ratio = np.where(rhs > 0, lhs / np.where(rhs > 0, rhs, 1.0), np.where(lhs > rhs, np.inf, 0.0))
    rhs_wrong = rhs - out["optimization"]
    ratio_wrong = np.where(rhs_wrong > 0, lhs / np.where(rhs_wrong > 0, rhs_wrong, 1.0),
                           np.where(lhs > rhs_wrong, np.inf, 0.0))
    phi1_q = legendre_features(xq, 1)
    approx_deg1 = pop_risk(phi1_q, phi1_q.T @ (wq * fstar_q)) - sigma ** 2
    return ErrorDecompositionResult(
        degrees=np.array(degs, dtype=np.float64), approx=out["approx"], estimation=out["estimation"],
        optimization=out["optimization"], total_excess=out["total"], erm_excess=out["erm"],
        bound=out["bound"], slack=slack, min_slack=float(slack.min()), approx_parseval=out["parseval"],
        parseval_err=float(np.max(np.abs(out["approx"] - out["parseval"]))),
        realised_lhs=lhs, realised_rhs=rhs, train_gap=out["gap"], realised_ratio=float(ratio.max()),
        ratio_without_opt=float(ratio_wrong.max()), approx_deg1=float(approx_deg1), n=n, gd_steps=gd_steps,
        sigma=sigma,
    )


declare_check(
    "learning.error_decomposition", label="realised",
    quantity="largest ratio, over the degrees, of R(f~) - R(f_F) to eps_opt + [R(f~) - R_n(f~)] + "
             "[R_n(f_F) - R(f_F)] (realised bound, signed brackets)",
    claim="upper bound", relation="<=",
    measure="realised_ratio", predict=1.0, tolerance=1e-9,
    reason="exact quadrature risks and float64 least squares; the slack is exactly R_n(f_F) - R_n(f^_n) >= 0, "
           "the training advantage of the ERM over f_F, so the bound is nearly attained only where the "
           "optimisation error dominates (a consistency check of the ERM, not a sharp bound)",
    hypotheses="any class and any f~ in it: polynomials of degree k, f~ = gradient descent output, f_F the L2 "
               "projection (a minimiser of R over F_k), f^_n the least-squares ERM",
    wrong="the bound with eps_opt left out (the ERM's bound applied to the trained f~)",
    wrong_measure="ratio_without_opt",
    demo=error_decomposition_demo,
)
declare_check(
    "learning.error_decomposition", label="approximation",
    quantity="approximation error R(f_F) - R^* of the affine functions for f* = sin(2 pi x), by quadrature",
    claim="identity", relation="approx",
    measure="approx_deg1", predict=0.5 - 3 / np.pi ** 2, tolerance=1e-12,
    reason="80-point Gauss-Legendre quadrature of a smooth integrand: float64 rounding",
    hypotheses="squared loss, X ~ U[0,1], R(f) - R^* = ||f - f*||^2 (Bayes predictor theorem (a)), F_1 closed "
               "so that f_F exists",
    wrong="1/2 - 1/pi^2 (the Legendre normalisation sqrt(3) of the degree-one coefficient dropped)",
    wrong_predict=0.5 - 1 / np.pi ** 2,
    demo=error_decomposition_demo,
)
