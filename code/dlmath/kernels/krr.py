r"""Kernel ridge regression and Gaussian-process regression: the Gaussian kernel, the representer
solution, the GP posterior and the exact bias-variance decomposition of KRR."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..plotting import axes, slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_int, check_int_sequence, check_real, check_real_sequence, like_input, loglog_slope, rng
from ._common import _real_array, _reference

__all__ = [
    "gaussian_kernel",
    "krr_fit",
    "gp_posterior",
    "krr_risk_closed_form",
    "krr_demo",
    "krr_bias_variance_demo",
    "KRRResult",
    "KRRBiasVarianceResult",
]

#: The default grid of ``lams`` of :func:`krr_bias_variance_demo` (``np.logspace(-6, 0, 13)``).
_LAMS = tuple(float(v) for v in np.logspace(-6, 0, 13))


def gaussian_kernel(X: Any, Y: Any = None, lengthscale: float = 1.0) -> np.ndarray:
    r"""The Gaussian kernel :math:`k(x,y) = \exp(-\|x-y\|^2/(2\ell^2))`.

    Parameters
    ----------
    X : array_like or torch.Tensor, shape (n1, d)
    Y : array_like or torch.Tensor, shape (n2, d), optional
        Defaults to ``X``.
    lengthscale : float, default 1.0
        :math:`\ell > 0`.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (n1, n2)
        NumPy for NumPy ``X``, a tensor of ``X``'s dtype and device for a tensor.

    Examples
    --------
    >>> gaussian_kernel([[0.0], [1.0]], lengthscale=1.0).round(4)
    array([[1.    , 0.6065],
           [0.6065, 1.    ]])

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Rasmussen and Williams (2006), sec. 4.2.
    """
    Xa = _real_array(X, "X", ndim=2, min_size=1)
    Ya = Xa if Y is None else _real_array(Y, "Y", ndim=2, min_size=1)
    if Ya.shape[1] != Xa.shape[1]:
        raise ValueError(f"Y must have as many columns as X ({Xa.shape[1]}), got {Ya.shape[1]}")
    ell = check_real(lengthscale, "lengthscale", minimum=0.0, strict_min=True)
    sq = (Xa**2).sum(1)[:, None] + (Ya**2).sum(1)[None, :] - 2 * Xa @ Ya.T
    return like_input(np.exp(-np.maximum(sq, 0.0) / (2 * ell**2)), X)


def _check_gram(K: Any, name: str) -> np.ndarray:
    Ka = _real_array(K, name, ndim=2, min_size=1)
    if Ka.shape[0] != Ka.shape[1]:
        raise ValueError(f"{name} must be square, got shape {Ka.shape}")
    if not np.allclose(Ka, Ka.T, rtol=1e-10, atol=1e-12 * max(1.0, float(np.abs(Ka).max()))):
        raise ValueError(f"{name} must be symmetric")
    return 0.5 * (Ka + Ka.T)


def krr_fit(K: Any, y: Any, lam: float) -> np.ndarray:
    r"""Coefficients of kernel ridge regression.

    The minimiser of :math:`\frac1n\sum_i (f(x_i)-y_i)^2 + \lambda\|f\|_{\mathcal H}^2` is
    :math:`\hat f_\lambda = \sum_i \alpha_i k(\cdot, x_i)` with :math:`\alpha = (K + n\lambda I)^{-1}y`
    (representer theorem); ``lam = 0`` gives the minimum-norm interpolant :math:`\alpha = K^{-1}y`.
    If ``lam = 0`` and ``K`` is singular (numerical rank below ``n``, as :func:`numpy.linalg.matrix_rank`
    decides), the minimum-norm least-squares solution :math:`\alpha = K^+y` is returned instead of
    the meaningless huge solution of the singular system.

    Parameters
    ----------
    K : array_like or torch.Tensor, shape (n, n)
        Symmetric positive semi-definite Gram matrix :math:`K_{ij} = k(x_i,x_j)`.
    y : array_like or torch.Tensor, shape (n,) or (n, m)
    lam : float
        :math:`\lambda \ge 0`.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        :math:`\alpha`, the shape of ``y`` (a tensor of the first tensor argument's dtype and device
        if there is one).

    Examples
    --------
    >>> krr_fit([[1.0, 1.0], [1.0, 1.0]], [1.0, 1.0], 0.0)  # singular K: the minimum-norm solution
    array([0.5, 0.5])

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Schölkopf, Herbrich, Smola (2001).
    """
    Ka = _check_gram(K, "K")
    ya = _real_array(y, "y")
    if ya.ndim not in (1, 2) or ya.shape[0] != Ka.shape[0]:
        raise ValueError(f"y must have shape (n,) or (n, m) with n = {Ka.shape[0]}, got {ya.shape}")
    lam = check_real(lam, "lam", minimum=0.0)
    n = Ka.shape[0]
    if lam == 0.0 and np.linalg.matrix_rank(Ka, hermitian=True) < n:
        alpha = np.linalg.lstsq(Ka, ya, rcond=None)[0]  # minimum-norm least squares
    else:
        alpha = np.linalg.solve(Ka + n * lam * np.eye(n), ya)
    return like_input(alpha, _reference(K, y))


def gp_posterior(Kxx: Any, Kxs: Any, Kss: Any, y: Any, noise: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Posterior of a centred Gaussian process given noisy observations.

    If :math:`f\sim GP(0,k)` and :math:`y = f(X) + \varepsilon`, :math:`\varepsilon\sim N(0, s^2 I)`,
    then :math:`f(X_*)\mid y` is Gaussian with

    .. math::

        m = K_{*x}(K_{xx} + s^2 I)^{-1} y,\qquad
        C = K_{**} - K_{*x}(K_{xx}+s^2I)^{-1}K_{x*}.

    Parameters
    ----------
    Kxx : array_like, shape (n, n)
        Gram matrix of the training inputs.
    Kxs : array_like, shape (n, m)
        Cross-covariances :math:`k(x_i, x_{*j})`.
    Kss : array_like, shape (m, m)
        Gram matrix of the test inputs.
    y : array_like, shape (n,)
    noise : float
        The noise variance :math:`s^2 \ge 0` (``0`` conditions on exact values; then ``Kxx``
        must be invertible).

    Returns
    -------
    mean : numpy.ndarray or torch.Tensor, shape (m,)
    cov : numpy.ndarray or torch.Tensor, shape (m, m)
        NumPy for NumPy input; tensors of the first tensor argument's dtype and device otherwise.

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Rasmussen and Williams (2006), sec. 2.2.
    """
    A = _check_gram(Kxx, "Kxx")
    n = A.shape[0]
    C = _real_array(Kxs, "Kxs", ndim=2)
    if C.shape[0] != n:
        raise ValueError(f"Kxs must have {n} rows, got shape {C.shape}")
    S = _check_gram(Kss, "Kss")
    if S.shape[0] != C.shape[1]:
        raise ValueError(f"Kss must be ({C.shape[1]}, {C.shape[1]}), got {S.shape}")
    ya = _real_array(y, "y", ndim=1)
    if ya.shape[0] != n:
        raise ValueError(f"y must have length {n}, got {ya.shape[0]}")
    s2 = check_real(noise, "noise", minimum=0.0)
    M = A + s2 * np.eye(n)
    try:
        L = np.linalg.cholesky(M)
        V = np.linalg.solve(L, C)
        w = np.linalg.solve(L, ya)
        mean = V.T @ w
        cov = S - V.T @ V
    except np.linalg.LinAlgError:
        sol = np.linalg.solve(M, np.column_stack([ya, C]))
        mean = C.T @ sol[:, 0]
        cov = S - C.T @ sol[:, 1:]
    return like_input((mean, 0.5 * (cov + cov.T)), _reference(Kxx, Kxs, Kss, y))


def krr_risk_closed_form(K: Any, fstar: Any, sigma: float, lam: float) -> tuple[float, float]:
    r"""Exact fixed-design risk of kernel ridge regression, split into bias and variance.

    With :math:`S_\lambda = K(K+n\lambda I)^{-1}` and :math:`y = f^* + \varepsilon`,
    :math:`\mathbb E\varepsilon = 0`, :math:`\mathrm{Cov}\,\varepsilon = \sigma^2 I`,

    .. math::

        \mathbb E\,\tfrac1n\|S_\lambda y - f^*\|^2
        = \underbrace{\tfrac1n\|(I-S_\lambda)f^*\|^2}_{\text{bias}^2}
        + \underbrace{\tfrac{\sigma^2}{n}\operatorname{tr}(S_\lambda^2)}_{\text{variance}}.

    Parameters
    ----------
    K : array_like, shape (n, n)
        Positive semi-definite Gram matrix.
    fstar : array_like, shape (n,)
        Values of the regression function at the design points.
    sigma : float
        Noise standard deviation, >= 0.
    lam : float
        :math:`\lambda > 0`.

    Returns
    -------
    (bias2, var) : tuple of float

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Bach (2024), chapter 7.
    """
    Ka = _check_gram(K, "K")
    f = _real_array(fstar, "fstar", ndim=1)
    if f.shape[0] != Ka.shape[0]:
        raise ValueError(f"fstar must have length {Ka.shape[0]}, got {f.shape[0]}")
    sigma = check_real(sigma, "sigma", minimum=0.0)
    lam = check_real(lam, "lam", minimum=0.0, strict_min=True)
    n = Ka.shape[0]
    mu, V = np.linalg.eigh(Ka)
    mu = np.maximum(mu, 0.0)
    shrink = n * lam / (mu + n * lam)  # eigenvalues of I - S
    fc = V.T @ f
    bias2 = float(np.sum((shrink * fc) ** 2) / n)
    var = float(sigma**2 * np.sum((1 - shrink) ** 2) / n)
    return bias2, var


# --------------------------------------------------------------------------------------------
# demos
# --------------------------------------------------------------------------------------------
@demo_result
class KRRResult(DemoResult):
    """Result of :func:`krr_demo`.

    Attributes
    ----------
    x_train : numpy.ndarray
        Training inputs ``x_i ~ U[-1, 1]``, sorted, shape (n,).
    y_train : numpy.ndarray
        Training targets ``y_i = sin(3 x_i) + noise * N(0, 1)``, shape (n,).
    x_test : numpy.ndarray
        Test grid: 200 equally spaced points of [-1.2, 1.2], shape (200,).
    krr_pred : numpy.ndarray
        Kernel ridge regression predictions on `x_test`, ``K(x_test, x_train) alpha`` with
        ``alpha = (K + n lam I)^(-1) y``, shape (200,).
    gp_mean : numpy.ndarray
        Posterior mean of the Gaussian process at `x_test`, noise variance ``s^2 = n lam``,
        shape (200,).
    gp_sd : numpy.ndarray
        Posterior standard deviation of the Gaussian process at `x_test` (square root of the
        diagonal of the posterior covariance, clipped at 0), shape (200,).
    Ds : numpy.ndarray
        Numbers of random features D, as floats, one entry per D in `Ds`.
    rff_err : numpy.ndarray
        Median over `n_seeds` of the RMS difference on `x_test` between random-feature ridge
        predictions and `krr_pred`; one entry per D in `Ds`.
    rate : float
        Fitted log-log slope of `rff_err` against D; the theory predicts -1/2.
    gp_krr_gap : float
        Largest absolute difference between `gp_mean` and `krr_pred` on `x_test`; zero up to
        rounding.
    predicted : float
        The predicted value of `rate`, -1/2.
    rep_gap : float
        Largest gap on `x_test` between the ridge minimiser over all 256 random-feature weights
        (primal) and the representer solution of `krr_fit` (dual), relative to the largest
        primal prediction; zero up to rounding.
    rep_gap_wrong : float
        `rep_gap` with the dual solution computed with ``lam / n``, i.e.
        ``alpha = (K + lam I)^(-1) y`` (the objective without its 1/n).
    gp_gap : float
        Largest relative gap on `x_test` between the weight-space Bayesian posterior (mean and
        covariance), `gp_posterior` with noise variance ``n lam`` and the representer predictor.
    gp_gap_wrong : float
        `gp_gap` with `gp_posterior` computed with noise variance ``lam`` instead of
        ``n lam``.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    krr_pred: np.ndarray
    gp_mean: np.ndarray
    gp_sd: np.ndarray
    Ds: np.ndarray
    rff_err: np.ndarray
    rate: float
    gp_krr_gap: float
    predicted: float
    rep_gap: float = float("nan")
    rep_gap_wrong: float = float("nan")
    gp_gap: float = float("nan")
    gp_gap_wrong: float = float("nan")

    def plot(self, ax=None):
        if ax is None:
            from ..plotting import figure_grid

            _, grid = figure_grid(2, width=8.0, height=3.2)
            ax = grid[0]
        else:
            ax = np.atleast_1d(ax)
        a, b = ax[0], ax[1]
        a.fill_between(
            self.x_test,
            self.gp_mean - 2 * self.gp_sd,
            self.gp_mean + 2 * self.gp_sd,
            color="C0",
            alpha=0.2,
            label=r"GP mean $\pm 2$ sd",
        )
        a.plot(self.x_test, self.krr_pred, color="C0", label="KRR = GP mean")
        a.plot(self.x_train, self.y_train, "k.", label="data")
        a.set_xlabel("$x$")
        a.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3)
        b.loglog(self.Ds, self.rff_err, "o-", label="RFF ridge vs KRR")
        slope_guide(b, self.Ds, -0.5, anchor=(self.Ds[0], self.rff_err[0]), label="slope $-1/2$")
        b.set_xlabel("number of features $D$")
        b.set_ylabel("RMS prediction difference")
        b.legend()
        return ax


def krr_demo(
    *,
    n: int = 40,
    Ds: Any = (64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384),
    lam: float = 1e-3,
    lengthscale: float = 0.3,
    noise: float = 0.2,
    n_seeds: int = 5,
    seed: int = 0,
) -> KRRResult:
    r"""Kernel ridge regression, its Gaussian-process reading and its random-feature approximation.

    Data :math:`x_i\sim U[-1,1]`, :math:`y_i = \sin(3x_i) + \text{noise}\cdot N(0,1)`, Gaussian
    kernel of lengthscale ``lengthscale``. Computes the KRR predictor with
    :math:`\alpha = (K+n\lambda I)^{-1}y`, the GP posterior mean and sd with noise variance
    :math:`s^2 = n\lambda` (``gp_krr_gap`` is the largest difference of the two, zero up to
    rounding), and random-feature ridge regression with ``D`` features (median over ``n_seeds``
    of the RMS difference to KRR on a test grid; the slope in ``D`` is predicted to be
    :math:`-1/2`).

    Parameters
    ----------
    n : int, default 40
    Ds : sequence, default (64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384)
    lam : float, default 0.001
    lengthscale : float, default 0.3
    noise : float, default 0.2
    n_seeds : int, default 5
    seed : int, default 0

    Returns
    -------
    KRRResult

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Schölkopf, Herbrich, Smola (2001);
    Rasmussen and Williams (2006), sec. 2.2; Rahimi and Recht (2007).
    """
    from .rff import rff_features

    n = check_int(n, "n", minimum=2)
    Ds = np.asarray(check_int_sequence(Ds, "Ds", minimum=1, min_len=2, increasing=True), dtype=np.int64)
    lam = check_real(lam, "lam", minimum=0.0, strict_min=True)
    ell = check_real(lengthscale, "lengthscale", minimum=0.0, strict_min=True)
    noise = check_real(noise, "noise", minimum=0.0)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    g = rng(seed)
    x = np.sort(g.uniform(-1, 1, n))
    y = np.sin(3 * x) + noise * g.standard_normal(n)
    xt = np.linspace(-1.2, 1.2, 200)
    X, XT = x[:, None], xt[:, None]
    K = gaussian_kernel(X, lengthscale=ell)
    Kt = gaussian_kernel(XT, X, lengthscale=ell)
    Ktt = gaussian_kernel(XT, lengthscale=ell)
    alpha = krr_fit(K, y, lam)
    krr = Kt @ alpha
    mean, cov = gp_posterior(K, Kt.T, Ktt, y, n * lam)
    sd = np.sqrt(np.maximum(np.diag(cov), 0.0))
    errs = np.empty((n_seeds, len(Ds)))
    seeds = g.integers(0, 2**31, n_seeds)
    both = np.concatenate([X, XT])
    for s in range(n_seeds):
        for i, D in enumerate(Ds):
            Z = rff_features(both, int(D), lengthscale=ell, seed=int(seeds[s]) + i)
            Zx, Zt = Z[:n], Z[n:]
            a = np.linalg.solve(Zx @ Zx.T + n * lam * np.eye(n), y)
            pred = Zt @ (Zx.T @ a)
            errs[s, i] = np.sqrt(np.mean((pred - krr) ** 2))
    rff_err = np.median(errs, axis=0)
    # Representer theorem in the finite-dimensional RKHS {w . z(x)} of D_rep random features:
    # the minimiser over the whole space (primal, D_rep unknowns) against the span of the data
    # (dual, n unknowns, krr_fit); and the weight-space Bayesian posterior against gp_posterior.
    D_rep = 256
    Z = rff_features(both, D_rep, lengthscale=ell, seed=int(g.integers(0, 2**31)))
    Zx, Zt = Z[:n], Z[n:]
    w = np.linalg.solve(Zx.T @ Zx + n * lam * np.eye(D_rep), Zx.T @ y)
    f_primal = Zt @ w
    scale = float(np.abs(f_primal).max())
    f_dual = Zt @ (Zx.T @ krr_fit(Zx @ Zx.T, y, lam))
    f_dual_wrong = Zt @ (Zx.T @ krr_fit(Zx @ Zx.T, y, lam / n))
    rep_gap = float(np.abs(f_primal - f_dual).max()) / scale
    rep_gap_wrong = float(np.abs(f_primal - f_dual_wrong).max()) / scale
    s2 = n * lam
    A = Zx.T @ Zx / s2 + np.eye(D_rep)
    mean_w = Zt @ np.linalg.solve(A, Zx.T @ y) / s2
    cov_w = Zt @ np.linalg.solve(A, Zt.T)

    def _gp_gap(noise):
        m_fn, C_fn = gp_posterior(Zx @ Zx.T, Zx @ Zt.T, Zt @ Zt.T, y, noise)
        return max(
            float(np.abs(mean_w - m_fn).max()) / scale,
            float(np.abs(cov_w - C_fn).max()) / float(np.abs(cov_w).max()),
            float(np.abs(f_dual - m_fn).max()) / scale,
        )

    return KRRResult(
        x_train=x,
        y_train=y,
        x_test=xt,
        krr_pred=krr,
        gp_mean=mean,
        gp_sd=sd,
        Ds=Ds.astype(float),
        rff_err=rff_err,
        rate=loglog_slope(Ds, rff_err),
        gp_krr_gap=float(np.abs(mean - krr).max()),
        predicted=-0.5,
        rep_gap=rep_gap,
        rep_gap_wrong=rep_gap_wrong,
        gp_gap=_gp_gap(s2),
        gp_gap_wrong=_gp_gap(lam),
    )


declare_check(
    "kernels.krr_representer",
    label="representer",
    quantity="relative gap between the ridge minimiser over the whole random-feature RKHS (256 weights) and "
    "the representer solution sum_i alpha_i k(., x_i), alpha = (K + n lambda I)^(-1) y",
    claim="identity",
    relation="<=",
    measure="rep_gap",
    predict=0.0,
    tolerance=1e-8,
    reason="float64 rounding: both linear systems have condition number below 1e4 (n lambda = 0.04)",
    hypotheses="finite-dimensional RKHS of the kernel z(x).z(x') (random Fourier features), squared loss, lambda > 0",
    wrong="alpha = (K + lambda I)^(-1) y (lambda for n lambda, the objective without its 1/n)",
    wrong_measure="rep_gap_wrong",
    demo=krr_demo,
)

declare_check(
    "kernels.krr_representer",
    label="gp",
    quantity="largest relative gap between the weight-space Bayesian posterior (mean and covariance), the GP "
    "posterior of gp_posterior with noise n lambda, and the KRR predictor",
    claim="identity",
    relation="<=",
    measure="gp_gap",
    predict=0.0,
    tolerance=1e-8,
    reason="float64 rounding: systems of condition number below 1e4",
    hypotheses="prior w ~ N(0, I) on 256 random-feature weights (kernel z(x).z(x')), Gaussian noise of "
    "variance s^2 = n lambda",
    wrong="the GP posterior with noise variance lambda instead of n lambda",
    wrong_measure="gp_gap_wrong",
    demo=krr_demo,
)


# --------------------------------------------------------------------------------------------
# Demo: bias-variance of KRR
# --------------------------------------------------------------------------------------------
@demo_result
class KRRBiasVarianceResult(DemoResult):
    """Result of :func:`krr_bias_variance_demo`.

    Attributes
    ----------
    lams : numpy.ndarray
        Grid of regularisation parameters ``lam``, one entry per value in `lams`.
    bias2 : numpy.ndarray
        Closed-form squared bias ``(1/n) ||(I - S_lam) f*||^2``, one entry per ``lam`` in
        `lams`.
    var : numpy.ndarray
        Closed-form variance ``(sigma^2/n) tr(S_lam^2)``, one entry per ``lam`` in `lams`.
    mc_risk : numpy.ndarray
        Monte Carlo risk: mean over `n_rep` noise draws of ``(1/n) ||S_lam y - f*||^2``, one
        entry per ``lam`` in `lams`.
    max_rel_err : float
        Largest relative error ``max over lam of |mc_risk / (bias2 + var) - 1|``.
    lam_star_closed : float
        Grid minimiser over `lams` of the closed-form risk ``bias2 + var``.
    lam_star_mc : float
        Grid minimiser over `lams` of the Monte Carlo risk `mc_risk`.
    mc_se : numpy.ndarray
        Standard error of `mc_risk` (sample standard deviation of the losses over
        ``sqrt(n_rep)``), one entry per ``lam`` in `lams`.
    max_z : float
        Largest deviation over `lams` of `mc_risk` from ``bias2 + var``, in units of `mc_se`.
    max_z_wrong : float
        `max_z` against the wrong risk ``bias2 + sigma^2 tr(S_lam) / n`` (degrees of
        freedom instead of ``tr(S_lam^2)``).
    """

    lams: np.ndarray
    bias2: np.ndarray
    var: np.ndarray
    mc_risk: np.ndarray
    max_rel_err: float
    lam_star_closed: float
    lam_star_mc: float
    mc_se: np.ndarray = None
    max_z: float = float("nan")
    max_z_wrong: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.lams, self.bias2, "--", label=r"bias$^2$")
        ax.loglog(self.lams, self.var, ":", label="variance")
        ax.loglog(self.lams, self.bias2 + self.var, "-", label="risk (closed form)")
        ax.loglog(self.lams, self.mc_risk, "ko", mfc="none", label="risk (Monte Carlo)")
        ax.set_xlabel(r"regularisation $\lambda$")
        ax.set_ylabel("fixed-design risk")
        ax.legend()
        return ax


def krr_bias_variance_demo(
    *, n: int = 60, lams: Any = _LAMS, sigma: float = 0.3, n_rep: int = 40000, seed: int = 0
) -> KRRBiasVarianceResult:
    r"""Exact bias-variance decomposition of kernel ridge regression, checked by Monte Carlo.

    Fixed design :math:`x_1<\dots<x_n` drawn from :math:`U[-1,1]`, Gaussian kernel
    :math:`e^{-(x-x')^2/(2\cdot 0.1)}`, :math:`f^* = \sin 3x`, noise :math:`\sigma`; for each
    :math:`\lambda`, the closed form :func:`krr_risk_closed_form` against the mean over ``n_rep``
    noise draws of :math:`\frac1n\|S_\lambda y - f^*\|^2`.

    Parameters
    ----------
    n : int, default 60
    lams : sequence, default _LAMS
    sigma : float, default 0.3
    n_rep : int, default 40000
    seed : int, default 0

    Returns
    -------
    KRRBiasVarianceResult
        ``max_rel_err`` is :math:`\max_\lambda |{\rm MC}/{\rm closed} - 1|`; ``lam_star_*`` are the
        grid minimisers of both curves.

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Bach (2024), chapter 7.
    """
    n = check_int(n, "n", minimum=2)
    lams = np.asarray(check_real_sequence(lams, "lams", minimum=0.0, strict_min=True), dtype=float)
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    n_rep = check_int(n_rep, "n_rep", minimum=10)
    g = rng(seed)
    x = np.sort(g.uniform(-1, 1, n))
    K = gaussian_kernel(x[:, None], lengthscale=np.sqrt(0.1))
    f = np.sin(3 * x)
    mu, V = np.linalg.eigh(K)
    mu = np.maximum(mu, 0)
    E = sigma * g.standard_normal((n, n_rep))
    Yc = V.T @ (f[:, None] + E)
    fc = V.T @ f
    bias2, var, mc, se, df = [], [], [], [], []
    for lam in lams:
        b, v = krr_risk_closed_form(K, f, sigma, float(lam))
        bias2.append(b)
        var.append(v)
        s = mu / (mu + n * lam)
        losses = np.sum((s[:, None] * Yc - fc[:, None]) ** 2, axis=0) / n
        mc.append(float(losses.mean()))
        se.append(float(losses.std(ddof=1)) / math.sqrt(n_rep))
        df.append(float(s.sum()))
    bias2, var, mc, se = np.array(bias2), np.array(var), np.array(mc), np.array(se)
    tot = bias2 + var
    wrong = bias2 + sigma**2 * np.array(df) / n  # variance sigma^2 tr(S)/n instead of sigma^2 tr(S^2)/n
    return KRRBiasVarianceResult(
        lams=lams.copy(),
        bias2=bias2,
        var=var,
        mc_risk=mc,
        max_rel_err=float(np.max(np.abs(mc / tot - 1))),
        lam_star_closed=float(lams[np.argmin(tot)]),
        lam_star_mc=float(lams[np.argmin(mc)]),
        mc_se=se,
        max_z=float(np.max(np.abs(mc - tot) / se)),
        max_z_wrong=float(np.max(np.abs(mc - wrong) / se)),
    )


declare_check(
    "kernels.krr_bias_variance",
    quantity="largest deviation over the lambda grid of the Monte Carlo risk from bias^2 + variance, in "
    "standard errors of the Monte Carlo mean",
    claim="identity",
    relation="approx",
    measure="max_z",
    predict=0.0,
    tolerance=4.0,
    reason="4 Monte Carlo standard errors (n_rep noise draws; the chance of one of 13 nearly Gaussian "
    "z-scores above 4 is below 1e-3)",
    hypotheses="fixed design, f* evaluated on it, i.i.d. N(0, sigma^2) noise, lambda > 0",
    wrong="variance sigma^2 tr(S_lambda)/n (degrees of freedom) instead of sigma^2 tr(S_lambda^2)/n",
    wrong_measure="max_z_wrong",
    demo=krr_bias_variance_demo,
)
