r"""The deterministic equivalent of the risk of ridge(less) regression under a general spectrum.

Ridge regression in a feature space with population covariance eigenvalues :math:`\lambda_k`
(multiplicity :math:`m_k`), estimator :math:`\hat f = \argmin_f \frac1n\sum_i(y_i - f(x_i))^2
+ \lambda\norm f^2`, target :math:`f_*` with energy :math:`a_k` in the :math:`k`-th eigenspace and
noise variance :math:`\sigma^2`. Let :math:`\kappa>0` (the *effective regularisation*) solve

.. math::

    \kappa - \lambda = \frac\kappa n\sum_k m_k\frac{\lambda_k}{\lambda_k+\kappa},\qquad
    \mathrm{df}_2 = \sum_k m_k\frac{\lambda_k^2}{(\lambda_k+\kappa)^2}.

Then the excess risk :math:`\E(\hat f - f_*)^2` is close to

.. math::

    \mathcal R = \frac{1}{1-\mathrm{df}_2/n}\Bigl(\kappa^2\sum_k\frac{a_k}{(\lambda_k+\kappa)^2}
    + \sigma^2\frac{\mathrm{df}_2}{n}\Bigr),

the mean estimator keeps the fraction :math:`\lambda_k/(\lambda_k+\kappa)` of the target's
component in eigenspace :math:`k`, and the ridgeless limit :math:`\lambda\to0` is the minimum-norm
interpolator when the feature dimension exceeds :math:`n`. For Gaussian features this is the
limit theorem of Hastie, Montanari, Rosset, Tibshirani (2022, Theorems 2-4) and, with
non-asymptotic error bounds that allow decaying spectra, of Cheng, Montanari (2022); for kernel
regression in high dimension it is the equivalent of Ghorbani, Mei, Misiakiewicz, Montanari
(2021) and Misiakiewicz (2022). Used in the chapter *Beyond uniform convergence*.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from scipy.optimize import brentq

from ..utils import check_array, check_real

__all__ = ["RidgeEquivalent", "ridge_equivalent"]


class RidgeEquivalent(NamedTuple):
    r"""The deterministic equivalent of :func:`ridge_equivalent`.

    Attributes
    ----------
    kappa : float
        Effective regularisation :math:`\kappa` (0 when the estimator is the least-squares fit
        of an underparametrised model, :math:`n >` the total dimension, :math:`\lambda = 0`).
    risk : float
        Excess risk :math:`\mathcal R = \text{bias} + \text{variance}`.
    bias : float
        :math:`\kappa^2\sum_ka_k/(\lambda_k+\kappa)^2/(1-\mathrm{df}_2/n)`.
    variance : float
        :math:`\sigma^2(\mathrm{df}_2/n)/(1-\mathrm{df}_2/n)`.
    df1 : float
        :math:`\sum_km_k\lambda_k/(\lambda_k+\kappa)`.
    df2 : float
        :math:`\sum_km_k\lambda_k^2/(\lambda_k+\kappa)^2`.
    learned_fraction : numpy.ndarray
        :math:`\lambda_k/(\lambda_k+\kappa)` for each eigenspace, shape ``(K,)``.
    """

    kappa: float
    risk: float
    bias: float
    variance: float
    df1: float
    df2: float
    learned_fraction: np.ndarray


def ridge_equivalent(
    eigenvalues: Any,
    target_energy: Any,
    n: float,
    *,
    ridge: float = 0.0,
    noise: float = 0.0,
    multiplicities: Any = None,
) -> RidgeEquivalent:
    r"""Deterministic equivalent of the excess risk of ridge regression with ``n`` samples.

    With the effective regularisation :math:`\kappa` solving
    :math:`\kappa - \lambda = \frac\kappa n\sum_km_k\lambda_k/(\lambda_k+\kappa)` and
    :math:`\mathrm{df}_2 = \sum_km_k\lambda_k^2/(\lambda_k+\kappa)^2`,

    .. math::

        \mathcal R = \frac{\kappa^2\sum_ka_k/(\lambda_k+\kappa)^2 + \sigma^2\,\mathrm{df}_2/n}
        {1-\mathrm{df}_2/n}.

    For :math:`\lambda = 0` and total dimension :math:`M = \sum_km_k < n` the solution is
    :math:`\kappa = 0` and :math:`\mathcal R = \sigma^2M/(n-M)` (least squares); for
    :math:`M > n` it is the minimum-norm interpolator's equivalent, :math:`\kappa>0` solving
    :math:`\sum_km_k\lambda_k/(\lambda_k+\kappa) = n`.

    Parameters
    ----------
    eigenvalues : array_like
        Positive eigenvalues :math:`\lambda_k` of the population covariance (of the features, or
        of the kernel's integral operator), shape ``(K,)``.
    target_energy : array_like
        :math:`a_k\ge0`, the squared norm of the target's component in the :math:`k`-th
        eigenspace (summed over its multiplicity), shape ``(K,)``.
    n : float
        Number of samples, positive.
    ridge : float, default 0.0
        :math:`\lambda\ge0`, the penalty of the empirical risk normalised by :math:`1/n`.
    noise : float, default 0.0
        Noise standard deviation :math:`\sigma\ge0`.
    multiplicities : array_like, optional
        :math:`m_k\ge0` (default all 1), shape ``(K,)``.

    Returns
    -------
    RidgeEquivalent

    Examples
    --------
    >>> import numpy as np
    >>> eq = ridge_equivalent(np.ones(200), np.full(200, 1 / 200), 100, noise=1.0)
    >>> round(eq.kappa, 12), round(eq.variance, 12)  # isotropic, p/n = 2: sigma^2 / (gamma - 1)
    (1.0, 1.0)

    References
    ----------
    Hastie, Montanari, Rosset, Tibshirani (2022), Theorem 3 (ridgeless) and Theorem 5;
    Cheng, Montanari (2022); Bach (2024), *Learning Theory from First Principles*, Section 11.2.
    """
    lam = check_array(eigenvalues, "eigenvalues", ndim=1, min_size=1)
    if np.any(lam <= 0):
        raise ValueError("eigenvalues must be positive")
    a = check_array(target_energy, "target_energy", ndim=1)
    if a.shape != lam.shape:
        raise ValueError(f"target_energy must have shape {lam.shape} (one per eigenvalue), got {a.shape}")
    if np.any(a < 0):
        raise ValueError("target_energy must be non-negative")
    m = np.ones_like(lam) if multiplicities is None else check_array(multiplicities, "multiplicities", ndim=1)
    if m.shape != lam.shape:
        raise ValueError(f"multiplicities must have shape {lam.shape} (one per eigenvalue), got {m.shape}")
    if np.any(m < 0):
        raise ValueError("multiplicities must be non-negative")
    n = check_real(n, "n", minimum=0.0, strict_min=True)
    ridge = check_real(ridge, "ridge", minimum=0.0)
    noise = check_real(noise, "noise", minimum=0.0)
    total = float(m.sum())

    def df(kappa: float, power: int) -> float:
        return float(np.sum(m * (lam / (lam + kappa)) ** power))

    if ridge == 0.0:
        if total <= n:
            variance = noise**2 * total / (n - total) if total < n else np.inf
            return RidgeEquivalent(0.0, variance, 0.0, variance, total, total, np.ones_like(lam))
        # sum_k m_k lam_k / (lam_k + kappa) = n: decreasing in kappa, from total > n to 0
        # solved in log(kappa), the lower end moved down until df1 exceeds n
        hi = float(np.sum(m * lam)) / n
        lo = hi * 1e-12
        while df(lo, 1) <= n:
            lo *= 1e-12
        kappa = float(np.exp(brentq(lambda u: df(np.exp(u), 1) - n, np.log(lo), np.log(hi), xtol=1e-15, rtol=1e-15)))
    else:
        # kappa (1 - df1 / n) - ridge is 0 between ridge and ridge + sum_k m_k lam_k / n
        hi = ridge + float(np.sum(m * lam)) / n
        kappa = brentq(lambda k: k * (1 - df(k, 1) / n) - ridge, ridge, hi, xtol=1e-300, rtol=1e-15)
    df1, df2 = df(kappa, 1), df(kappa, 2)
    inflation = 1.0 / (1.0 - df2 / n)
    bias = inflation * kappa**2 * float(np.sum(a / (lam + kappa) ** 2))
    variance = inflation * noise**2 * df2 / n
    return RidgeEquivalent(float(kappa), bias + variance, bias, variance, df1, df2, lam / (lam + kappa))
