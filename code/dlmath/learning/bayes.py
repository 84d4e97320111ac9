r"""Risk and Bayes predictors: the excess-risk identities of the squared and the 0-1 loss.

Chapter *Risk, Bayes predictors and empirical risk minimisation*, theorem
``learning-bayes_predictor``: the Bayes predictor of the squared loss is the regression function
:math:`f^* = \mathbb E[Y \mid X]`, with :math:`R(f) - R(f^*) = \|f - f^*\|^2_{L^2(P_X)}`; that of
the 0-1 loss is :math:`\operatorname{sign}(2\eta - 1)`, with
:math:`R(f) - R(f^*) = \mathbb E[|2\eta(X) - 1|\,\mathbf 1\{f(X) \ne f^*(X)\}]`.
:func:`bayes_excess_risk_demo` checks both by Monte Carlo.
"""

from __future__ import annotations

import numpy as np

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_int, check_real_sequence, rng
from ._common import _safe_ratio, _unit_quadrature
from .features import legendre_features

__all__ = ["BayesExcessResult", "bayes_excess_risk_demo"]


def _latex_number(value: int) -> str:
    """``2000000`` -> ``2 \\cdot 10^{6}`` (for figure labels)."""
    mant, exp = f"{value:.0e}".split("e")
    exp = int(exp)
    if exp < 4:
        return str(value)
    if float(mant) * 10**exp != value:
        return f"{value:,}".replace(",", "\\,")
    return f"{mant} \\cdot 10^{{{exp}}}" if mant != "1" else f"10^{{{exp}}}"


# ---------------------------------------------------------------------------------------------
# demos
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
        ax.errorbar(
            self.ts,
            self.mc_excess,
            yerr=2 * self.se,
            fmt="o",
            color=COLORS[1],
            label=f"Monte Carlo, $n={_latex_number(self.n)}$ ($\\pm 2$ s.e.)",
        )
        ax.set_xlabel("threshold $t$")
        ax.set_ylabel(r"$R(f_t) - R(f^*)$")
        ax.legend()
        return ax


def bayes_excess_risk_demo(
    *, ts=(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9), n: int = 2_000_000, seed: int = 0
) -> BayesExcessResult:
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
    ts : sequence of float, shape (m,), default (0.1, 0.2, ..., 0.9)
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
    ts = np.array(check_real_sequence(ts, "ts", minimum=0.0, maximum=1.0))
    n = check_int(n, "n", minimum=100)
    gen = rng(seed)

    # (b) classification, one shared sample
    x = gen.random(n)
    y = np.where(gen.random(n) < x, 1, -1)
    bayes_wrong = np.where(x > 0.5, 1, -1) != y
    mc = np.empty(ts.size)
    se = np.empty(ts.size)
    for j, t in enumerate(ts):
        diff = (np.where(x > t, 1, -1) != y).astype(np.float64) - bayes_wrong
        mc[j] = diff.mean()
        se[j] = diff.std(ddof=1) / np.sqrt(n)
    predicted = (ts - 0.5) ** 2
    dev = np.abs(mc - predicted)
    # a zero standard error only occurs when the difference vanishes identically (t = 1/2)
    z = _safe_ratio(dev, se)

    # (a) regression, squared loss
    degrees = np.array([0, 1, 3])
    xq, wq = _unit_quadrature(80)
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
    wrong_z = _safe_ratio(wrong_dev, se)
    return BayesExcessResult(
        ts=ts.copy(),
        mc_excess=mc,
        predicted=predicted,
        se=se,
        max_abs_dev=float(dev.max()),
        max_z=float(z.max()),
        reg_degrees=degrees,
        reg_mc_excess=reg_mc,
        reg_predicted=reg_pred,
        reg_se=reg_se,
        reg_max_rel_err=float(np.max(np.abs(reg_mc / reg_pred - 1))),
        reg_max_z=float(np.max(np.abs(reg_mc - reg_pred) / reg_se)),
        wrong_max_z=float(wrong_z.max()),
        reg_wrong_max_z=float(np.max(np.abs(reg_mc - wrong_factor * reg_pred) / reg_se)),
        wrong_factor=wrong_factor,
        n=n,
    )


declare_check(
    "learning.bayes_predictor",
    label="classification",
    quantity="largest deviation, over the thresholds t, of the Monte Carlo excess 0-1 risk of sign(x - t) "
    "from (t - 1/2)^2, in standard errors",
    claim="identity",
    relation="approx",
    measure="max_z",
    predict=0.0,
    tolerance=4.0,
    reason="4 standard errors of the variance-reduced Monte Carlo mean, for the largest of the thresholds "
    "(false-alarm probability below 0.1% for 9 thresholds)",
    hypotheses="0-1 loss, labels in {-1, 1}, X ~ U[0,1], eta(x) = x; f_t are Borel classifiers",
    wrong="0.9 (t - 1/2)^2 (the identity with its constant 10% off)",
    wrong_measure="wrong_max_z",
    demo=bayes_excess_risk_demo,
)
declare_check(
    "learning.bayes_predictor",
    label="regression",
    quantity="largest deviation, over the degrees k in {0, 1, 3}, of the Monte Carlo excess squared risk of "
    "the L2 projection p_k from ||p_k - f*||^2, in standard errors",
    claim="identity",
    relation="approx",
    measure="reg_max_z",
    predict=0.0,
    tolerance=4.0,
    reason="4 standard errors of the Monte Carlo mean of the loss differences, for the largest of three "
    "estimates (false-alarm probability below 0.02%)",
    hypotheses="squared loss, E Y^2 < infinity (Gaussian noise of variance 1/4), p_k in L2(P_X)",
    wrong="0.9 ||p_k - f*||^2 (the identity with its constant 10% off)",
    wrong_measure="reg_wrong_max_z",
    demo=bayes_excess_risk_demo,
)
