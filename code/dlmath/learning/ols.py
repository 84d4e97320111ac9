r"""The risk of ordinary least squares, exactly: fixed and Gaussian random design.

Chapter *Risk, Bayes predictors and empirical risk minimisation*, theorem
``learning-ols_excess_risk``: for :math:`y = X\beta^* + \varepsilon` with noise of covariance
:math:`\sigma^2 I_n`, the expected excess risk of :math:`\hat\beta = (X^\top X)^{-1}X^\top y` is
:math:`\sigma^2 d/n` for a fixed design (in-sample) and :math:`\sigma^2 d/(n - d - 1)` for rows
i.i.d. :math:`N(0, \Sigma)`. :func:`ols_risk_demo` (the example of the README) checks both by
Monte Carlo.
"""

from __future__ import annotations

import numpy as np

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_int, check_int_sequence, check_real, rng

__all__ = ["OLSRiskResult", "ols_risk_demo"]


def _toeplitz_cov(d: int, rho: float = 0.5) -> np.ndarray:
    """The covariance :math:`\\Sigma_{ij} = \\rho^{|i-j|}` of the random design."""
    i = np.arange(d)
    return rho ** np.abs(i[:, None] - i[None, :])


# ---------------------------------------------------------------------------------------------
# demos
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
        s2, n = self.sigma**2, self.n
        ax.plot(d, s2 * d / (n - d - 1), color=COLORS[0], label=r"$\sigma^2 d/(n-d-1)$")
        ax.plot(d, s2 * d / n, color=COLORS[1], label=r"$\sigma^2 d/n$")
        ax.errorbar(
            self.dims, self.mc_risk, yerr=2 * self.se, fmt="o", color=COLORS[0], label="random Gaussian design (MC)"
        )
        ax.errorbar(
            self.dims, self.mc_risk_fixed, yerr=2 * self.se_fixed, fmt="s", color=COLORS[1], label="fixed design (MC)"
        )
        ax.set_xlabel("dimension $d$")
        ax.set_ylabel("excess risk of OLS")
        ax.set_title(f"$n = {n}$, $\\sigma = {self.sigma:g}$")
        ax.legend()
        return ax


def ols_risk_demo(
    *, n: int = 40, dims=(5, 10, 20, 30), sigma: float = 0.5, n_rep: int = 2000, seed: int = 0
) -> OLSRiskResult:
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
    dims_t = check_int_sequence(dims, "dims", minimum=1)
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
        bhat = np.linalg.lstsq(xf, yf.T, rcond=None)[0].T  # (n_rep, d)
        pred_err = (bhat - beta) @ xf.T  # rows: X (beta_hat - beta*)
        risk_f = np.sum(pred_err**2, axis=1) / n
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
    pred = sigma**2 * d_arr / (n - d_arr - 1)
    pred_f = sigma**2 * d_arr / n
    keep = d_arr <= n - 8
    rel = np.concatenate([np.abs(mc / pred - 1)[keep], np.abs(mcf / pred_f - 1)[keep]])
    wrong = sigma**2 * d_arr / (n - d_arr)
    wrong_f = sigma**2 * (d_arr + 1) / n
    return OLSRiskResult(
        dims=d_arr,
        mc_risk=mc,
        predicted=pred,
        se=se,
        mc_risk_fixed=mcf,
        predicted_fixed=pred_f,
        se_fixed=sef,
        max_rel_err=float(rel.max()) if rel.size else float("nan"),
        max_z=float(np.max(np.abs(mc - pred) / se)),
        max_z_fixed=float(np.max(np.abs(mcf - pred_f) / sef)),
        wrong_max_z=float(np.max(np.abs(mc - wrong) / se)),
        wrong_max_z_fixed=float(np.max(np.abs(mcf - wrong_f) / sef)),
        n=n,
        sigma=sigma,
    )


declare_check(
    "learning.ols_excess_risk",
    label="random",
    quantity="largest deviation, over d, of the Monte Carlo random-design risk of OLS from sigma^2 d/(n-d-1), "
    "in standard errors",
    claim="equality",
    relation="approx",
    measure="max_z",
    predict=0.0,
    tolerance=3.5,
    reason="3.5 Monte Carlo standard errors of the mean risk (n_rep draws of design and noise), for the "
    "largest of four dimensions (false-alarm probability about 0.2%)",
    hypotheses="rows i.i.d. N(0, Sigma), Sigma_ij = 2^-|i-j| positive definite, Gaussian noise independent of "
    "X with covariance sigma^2 I, n >= d + 2 (and n - d + 1 > 4, so that the risk has a variance)",
    wrong="sigma^2 d/(n-d) (n-d instead of n-d-1)",
    wrong_measure="wrong_max_z",
    demo=ols_risk_demo,
)
declare_check(
    "learning.ols_excess_risk",
    label="fixed",
    quantity="largest deviation, over d, of the Monte Carlo fixed-design risk of OLS from sigma^2 d/n, "
    "in standard errors",
    claim="equality",
    relation="approx",
    measure="max_z_fixed",
    predict=0.0,
    tolerance=3.5,
    reason="3.5 Monte Carlo standard errors of the mean risk (n_rep noise draws for one design), for the "
    "largest of four dimensions (false-alarm probability about 0.2%)",
    hypotheses="deterministic design of rank d <= n, centred noise with covariance sigma^2 I (Gaussian here)",
    wrong="sigma^2 (d+1)/n (one parameter too many, e.g. an intercept counted)",
    wrong_measure="wrong_max_z_fixed",
    demo=ols_risk_demo,
)
