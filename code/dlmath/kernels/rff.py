r"""Random Fourier features of the Gaussian kernel (Rahimi and Recht) and their uniform convergence."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..plotting import axes, slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_int, check_int_sequence, check_real, like_input, loglog_slope, rng
from ._common import _real_array, _slope_se
from .krr import gaussian_kernel

__all__ = ["rff_features", "rff_demo", "RFFResult"]


def rff_features(X: Any, D: int, lengthscale: float = 1.0, seed: int = 0) -> np.ndarray:
    r"""Random Fourier features of the Gaussian kernel (Rahimi and Recht).

    :math:`z(x) = \sqrt{2/D}\,\bigl(\cos(w_j\cdot x + b_j)\bigr)_{j\le D}` with
    :math:`w_j \sim N(0, \ell^{-2} I_d)` (the spectral density of
    :math:`\exp(-\|x-y\|^2/(2\ell^2))`) and :math:`b_j \sim U[0, 2\pi]`, so that
    :math:`\mathbb E[z(x)^\top z(y)] = k(x,y)`.

    Parameters
    ----------
    X : array_like or torch.Tensor, shape (n, d)
    D : int
        Number of features, >= 1.
    lengthscale : float, default 1.0
    seed : int, default 0
        The same seed gives the same frequencies, so features of different inputs can be combined.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (n, D)
        NumPy for NumPy ``X``, a tensor of ``X``'s dtype and device for a tensor.

    Examples
    --------
    >>> rff_features([[0.0, 0.0], [1.0, 2.0], [3.0, 1.0]], 5).shape
    (3, 5)

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Rahimi and Recht (2007).
    """
    Xa = _real_array(X, "X", ndim=2, min_size=1)
    D = check_int(D, "D", minimum=1)
    ell = check_real(lengthscale, "lengthscale", minimum=0.0, strict_min=True)
    g = rng(seed)
    W = g.standard_normal((Xa.shape[1], D)) / ell
    b = g.uniform(0.0, 2 * np.pi, D)
    return like_input(np.sqrt(2.0 / D) * np.cos(Xa @ W + b), X)


# --------------------------------------------------------------------------------------------
# demos
# --------------------------------------------------------------------------------------------
@demo_result
class RFFResult(DemoResult):
    """Result of :func:`rff_demo`: sup error of random Fourier features against ``D``.

    Attributes
    ----------
    Ds : numpy.ndarray
        Numbers of random features D, as floats, one entry per D in `Ds`.
    sup_err : numpy.ndarray
        Median over `n_seeds` of ``max |z(x)^T z(y) - k(x, y)|`` over all pairs of grid points;
        one entry per D in `Ds`.
    rate : float
        Fitted log-log slope of the sup error against D; the theorem predicts -1/2.
    var_emp : float
        Sample variance over `n_var` features of ``2 cos(w.x + b) cos(w.y + b)``, an estimate
        of ``D Var[z(x)^T z(y)]`` at ``delta = x - y = (0.6, -0.3)``.
    var_pred : float
        Closed form ``1 + kappa(2 delta)/2 - kappa(delta)^2``, ``kappa(v) = exp(-|v|^2/2)``;
        the predicted value of `var_emp`.
    predicted : float
        The predicted value of `rate`, -1/2.
    rate_se : float
        Standard error of `rate`: standard deviation of the per-seed fitted slopes over
        ``sqrt(n_seeds)``.
    var_se : float
        Standard error of the sample variance `var_emp`, ``sqrt((m4 - s^4) / n_var)``.
    var_wrong : float
        Wrong prediction ``1 - kappa(delta)^2`` of `var_emp` (the phase term
        ``kappa(2 delta)/2`` left out).
    """

    Ds: np.ndarray
    sup_err: np.ndarray
    rate: float
    var_emp: float
    var_pred: float
    predicted: float
    rate_se: float = float("nan")
    var_se: float = float("nan")
    var_wrong: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.Ds, self.sup_err, "o-", label="median sup error")
        slope_guide(ax, self.Ds, -0.5, anchor=(self.Ds[0], self.sup_err[0]), label="slope $-1/2$")
        ax.set_xlabel("number of features $D$")
        ax.set_ylabel(r"$\sup_{x,y}|z(x)^\top z(y) - k(x,y)|$")
        ax.legend()
        return ax


def rff_demo(
    *,
    Ds: Any = (64, 256, 1024, 4096, 16384),
    n_grid: int = 25,
    n_seeds: int = 5,
    n_var: int = 2_000_000,
    seed: int = 0,
) -> RFFResult:
    r"""Uniform convergence of random Fourier features for the Gaussian kernel.

    The kernel :math:`k(x,y) = e^{-\|x-y\|^2/2}` on an ``n_grid`` x ``n_grid`` grid of
    :math:`[-1,1]^2`; for each ``D`` the sup over all pairs of grid points of
    :math:`|z(x)^\top z(y) - k(x,y)|`, median over ``n_seeds`` seeds (features nested in ``D``).
    The fitted log-log slope is compared with :math:`-1/2`. Also the exact pointwise identity
    :math:`D\,\mathrm{Var}[z(x)^\top z(y)] = 1 + \kappa(2\delta)/2 - \kappa(\delta)^2` at
    :math:`\delta = x-y = (0.6, -0.3)`, estimated with ``n_var`` features.

    Parameters
    ----------
    Ds : sequence of int
        Increasing feature counts (at least two).
    n_grid, n_seeds, n_var : int
    seed : int, default 0

    Returns
    -------
    RFFResult
        ``Ds``, ``sup_err`` (median), ``rate`` (slope), ``predicted`` (-1/2), ``var_emp``, ``var_pred``.

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Rahimi and Recht (2007), Claim 1.
    """
    Ds = np.asarray(check_int_sequence(Ds, "Ds", minimum=1, min_len=2, increasing=True), dtype=np.int64)
    n_grid = check_int(n_grid, "n_grid", minimum=2)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    n_var = check_int(n_var, "n_var", minimum=100)
    g = rng(seed)
    t = np.linspace(-1, 1, n_grid)
    X = np.stack(np.meshgrid(t, t), -1).reshape(-1, 2)
    K = gaussian_kernel(X)
    errs = np.empty((n_seeds, len(Ds)))
    Dmax = int(Ds[-1])
    for s in range(n_seeds):
        W = g.standard_normal((2, Dmax))
        b = g.uniform(0, 2 * np.pi, Dmax)
        acc = np.zeros_like(K)
        prev = 0
        for i, D in enumerate(Ds):
            Z = np.cos(X @ W[:, prev:D] + b[prev:D])
            acc += Z @ Z.T
            prev = int(D)
            errs[s, i] = np.abs(2.0 * acc / D - K).max()
    sup_err = np.median(errs, axis=0)
    # pointwise variance identity, one feature at a time
    delta = np.array([0.6, -0.3])
    x = np.array([0.2, 0.1])
    y = x - delta
    w = g.standard_normal((n_var, 2))
    bb = g.uniform(0, 2 * np.pi, n_var)
    terms = 2 * np.cos(w @ x + bb) * np.cos(w @ y + bb)
    kap = lambda v: float(np.exp(-0.5 * v @ v))  # noqa: E731
    var_pred = 1 + kap(2 * delta) / 2 - kap(delta) ** 2
    # standard error of the sample variance: sqrt((m4 - s^4)/N)
    cen = terms - terms.mean()
    s2 = float(np.mean(cen**2))
    var_se = math.sqrt(max(float(np.mean(cen**4)) - s2**2, 0.0) / n_var)
    return RFFResult(
        Ds=np.asarray(Ds, float),
        sup_err=sup_err,
        rate=loglog_slope(Ds, sup_err),
        var_emp=float(terms.var(ddof=1)),
        var_pred=float(var_pred),
        predicted=-0.5,
        rate_se=_slope_se(Ds, errs),
        var_se=float(var_se),
        var_wrong=float(1 - kap(delta) ** 2),
    )


declare_check(
    "kernels.random_fourier_features",
    label="rate",
    quantity="fitted slope of the median uniform random-feature error against D (D = 64 to the largest D)",
    claim="rate",
    relation="approx",
    measure="rate",
    predict=-0.5,
    tolerance=lambda r: 3 * float(r.rate_se) + 0.1,
    reason="3 standard errors of the slope over the seeds, plus 0.1 for the factor sqrt(log D) of the "
    "uniform bound, whose local slope is 1/(2 log D) <= 0.09 on this range",
    hypotheses="Gaussian kernel (shift invariant, spectral measure N(0, I)), compact grid of [-1, 1]^2, "
    "i.i.d. frequencies and uniform phases",
    wrong="the rate D^(-1/4) (a square root too many, e.g. bounding the sup by the root of the mean error)",
    wrong_predict=-0.25,
    demo=rff_demo,
)

declare_check(
    "kernels.random_fourier_features",
    label="variance",
    quantity="D times the variance of one random-feature product, Monte Carlo over n_var features",
    claim="identity",
    relation="approx",
    measure="var_emp",
    predict="var_pred",
    tolerance=lambda r: 4 * float(r.var_se),
    reason="4 Monte Carlo standard errors of a sample variance, sqrt((m4 - s^4)/N)",
    hypotheses="phase features sqrt(2) cos(w.x + b), w ~ N(0, I), b ~ U[0, 2 pi], independent",
    wrong="1 - kappa(delta)^2 (the phase term kappa(2 delta)/2 left out)",
    wrong_predict="var_wrong",
    demo=rff_demo,
)
