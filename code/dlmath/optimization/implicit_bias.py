r"""Implicit bias of gradient descent: the minimum-norm interpolant and the max-margin direction.

Chapter *Loss landscapes and implicit regularisation*: gradient descent on underdetermined least
squares converges to the minimum-norm interpolant (:func:`min_norm_demo`, theorem
``optimization-implicit_min_norm``); on separable logistic regression it converges in direction
to the hard-margin SVM (:func:`hard_margin_svm`, :func:`max_margin_demo`, theorem
``optimization-implicit_max_margin``).

References
----------
Gunasekar, Lee, Soudry, Srebro (2018); Soudry, Hoffer, Nacson, Gunasekar, Srebro (2018);
Ji, Telgarsky (2019); Bach (2024), Sec. 12.1.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from scipy.optimize import minimize

from ..plotting import COLORS, axes, slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_int, check_real, like_input, rng
from ._common import _linear_system

__all__ = ["hard_margin_svm", "MinNormResult", "min_norm_demo", "MaxMarginResult", "max_margin_demo"]


def hard_margin_svm(X: Any, y: Any, *, tol: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    r"""Hard-margin SVM through the origin, by its dual: :math:`\hat w = \arg\min\{\|w\| : y_i w\cdot x_i \ge 1\}`.

    The dual problem is

    .. math::

        \max_{\alpha \ge 0}\ \sum_i \alpha_i - \tfrac12\Bigl\|\sum_i \alpha_i y_i x_i\Bigr\|^2,
        \qquad \hat w = \sum_i \alpha_i y_i x_i,

    solved by L-BFGS-B with bound constraints. The KKT conditions of the primal are
    :math:`y_i\hat w\cdot x_i \ge 1`, :math:`\alpha \ge 0`, :math:`\alpha_i(y_i\hat w\cdot x_i-1) = 0`
    and :math:`\hat w = \sum_i\alpha_iy_ix_i`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    y : array_like, shape (n,)
        Labels in :math:`\{-1, +1\}`; the data must be linearly separable through the origin.
    tol : float, default 1e-12
        Gradient tolerance of L-BFGS-B.

    Returns
    -------
    (ndarray, ndarray) or (torch.Tensor, torch.Tensor)
        :math:`\hat w` of shape (d,) and :math:`\alpha` of shape (n,): NumPy, or tensors of the
        dtype and on the device of ``X`` if ``X`` is one (the program is solved in float64).

    Raises
    ------
    ValueError
        If the labels are not :math:`\pm1` or the data are not separable (the dual is unbounded).

    References
    ----------
    Book, chapter *Loss landscapes and implicit regularisation*, theorem
    ``optimization-implicit_max_margin``. Boyd, Vandenberghe (2004), Sec. 8.6.

    Examples
    --------
    Two points on a line: only the nearer one is a support vector.

    >>> w, alpha = hard_margin_svm([[1.0], [-2.0]], [1.0, -1.0])
    >>> w.round(8).tolist(), alpha.round(8).tolist()
    ([1.0], [1.0, 0.0])
    """
    X_in = X
    X, y = _linear_system(X, y)
    if not np.all(np.isin(y, (-1.0, 1.0))):
        raise ValueError("y must contain labels -1 and +1 only")
    tol = check_real(tol, "tol", minimum=0.0, strict_min=True)
    Z = y[:, None] * X
    G = Z @ Z.T

    def fun(a):
        Ga = G @ a
        return 0.5 * a @ Ga - a.sum(), Ga - 1.0

    res = minimize(
        fun,
        np.zeros(len(y)),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0, None)] * len(y),
        options={"gtol": tol, "ftol": 1e-15, "maxiter": 100000},
    )
    alpha = res.x
    w = Z.T @ alpha
    if not np.isfinite(w).all() or np.min(Z @ w) < 0.5:
        raise ValueError("X, y are not linearly separable through the origin")
    # polish on the active set: the support vectors S satisfy Z_S Z_S^T alpha_S = 1 exactly
    S = np.nonzero(alpha > 1e-8 * max(alpha.max(), 1e-300))[0]
    a_S = np.linalg.lstsq(G[np.ix_(S, S)], np.ones(S.size), rcond=None)[0]
    if np.all(a_S > 0):
        cand = np.zeros_like(alpha)
        cand[S] = a_S
        w_c = Z.T @ cand
        if np.min(Z @ w_c) >= 1.0 - 1e-10:
            alpha, w = cand, w_c
    return like_input((w, alpha), X_in)


# ---------------------------------------------------------------------------------------------
# demos
# ---------------------------------------------------------------------------------------------


@demo_result
class MinNormResult(DemoResult):
    """GD on underdetermined least squares: distance to the minimum-norm interpolant.

    Attributes
    ----------
    k : ndarray, shape (steps + 1,)
    dist_to_minnorm : ndarray, shape (steps + 1,)
        :math:`\\|w_k - X^+y\\|` for GD from :math:`w_0 = 0`.
    dist_random_init : ndarray, shape (steps + 1,)
        :math:`\\|w_k - (X^+y + (I - X^+X)w_0)\\|` for GD from a random :math:`w_0`.
    rel_err : float
        :math:`\\|w_K - X^+y\\|/\\|X^+y\\|` from :math:`w_0 = 0`.
    rel_err_random_init : float
        The same for the random start and its predicted limit.
    rel_err_sgd : float
        The same for single-sample SGD from 0 (step :math:`1/\\max_i\\|x_i\\|^2`).
    dist_random_to_minnorm : float
        :math:`\\|w_K - X^+y\\|/\\|X^+y\\|` from the random start: not small, the limit remembers
        :math:`w_0`.
    """

    k: np.ndarray
    dist_to_minnorm: np.ndarray
    dist_random_init: np.ndarray
    rel_err: float
    rel_err_random_init: float
    rel_err_sgd: float
    dist_random_to_minnorm: float

    def plot(self, ax=None):
        ax = axes(ax)
        ax.semilogy(self.k, self.dist_to_minnorm, color=COLORS[0], label=r"$w_0=0$: $\|w_k - X^+y\|$")
        ax.semilogy(
            self.k,
            self.dist_random_init,
            color=COLORS[1],
            linestyle="--",
            label=r"random $w_0$: $\|w_k - X^+y - (I-X^+X)w_0\|$",
        )
        below = np.nonzero(np.maximum(self.dist_to_minnorm, self.dist_random_init) < 1e-12)[0]
        if below.size and 3 * below[0] < self.k[-1]:
            ax.set_xlim(0, 3 * below[0])  # afterwards both curves sit at the rounding floor
        ax.set_xlabel("GD step $k$")
        ax.set_ylabel("distance")
        ax.legend()
        return ax


def min_norm_demo(*, n: int = 20, p: int = 100, steps: int = 5000, seed: int = 0) -> MinNormResult:
    r"""Gradient descent on :math:`\tfrac12\|Xw - y\|^2` with :math:`p > n` finds :math:`X^+y`.

    :math:`X \in \mathbb{R}^{n\times p}` with i.i.d. :math:`N(0,1)` entries, :math:`y \sim N(0, I_n)`,
    step :math:`1/\|X\|_2^2`. From :math:`w_0` the iterates stay in :math:`w_0 + \mathrm{row}(X)`
    and converge to :math:`X^+y + (I - X^+X)w_0`; from :math:`w_0=0` to the minimum-norm
    interpolant. The reference :math:`X^+y` is ``numpy.linalg.pinv``. A run of single-sample
    SGD (cyclic order, step :math:`1/\max_i\|x_i\|^2`, ``steps`` epochs) is reported too.

    Parameters
    ----------
    n : int, default 20
    p : int, default 100
        Must exceed ``n``.
    steps : int, default 5000
    seed : int, default 0

    Returns
    -------
    MinNormResult

    References
    ----------
    Book, chapter *Loss landscapes and implicit regularisation*,
    theorem ``optimization-implicit_min_norm``.
    Bach (2024), Sec. 12.1;
    Gunasekar, Lee, Soudry, Srebro (2018).
    """
    n = check_int(n, "n", minimum=1)
    p = check_int(p, "p", minimum=2)
    if p <= n:
        raise ValueError(f"p must exceed n (underdetermined problem), got p={p}, n={n}")
    steps = check_int(steps, "steps", minimum=1)
    gen = rng(seed)
    X = gen.standard_normal((n, p))
    y = gen.standard_normal(n)
    Xp = np.linalg.pinv(X)
    w_star = Xp @ y
    eta = 1.0 / np.linalg.norm(X, 2) ** 2
    w0 = gen.standard_normal(p)
    target_r = w_star + w0 - Xp @ (X @ w0)
    w, v = np.zeros(p), w0.copy()
    d0, d1 = np.empty(steps + 1), np.empty(steps + 1)
    for i in range(steps + 1):
        d0[i] = np.linalg.norm(w - w_star)
        d1[i] = np.linalg.norm(v - target_r)
        if i < steps:
            w = w - eta * X.T @ (X @ w - y)
            v = v - eta * X.T @ (X @ v - y)
    ws = np.zeros(p)
    eta_s = 1.0 / np.max(np.sum(X * X, axis=1))
    for _ in range(steps):
        for i in range(n):
            ws = ws - eta_s * (X[i] @ ws - y[i]) * X[i]
    nrm = np.linalg.norm(w_star)
    return MinNormResult(
        k=np.arange(steps + 1, dtype=float),
        dist_to_minnorm=d0,
        dist_random_init=d1,
        rel_err=float(d0[-1] / nrm),
        rel_err_random_init=float(d1[-1] / np.linalg.norm(target_r)),
        rel_err_sgd=float(np.linalg.norm(ws - w_star) / nrm),
        dist_random_to_minnorm=float(np.linalg.norm(v - w_star) / nrm),
    )


declare_check(
    "optimization.implicit_min_norm",
    quantity="relative distance of GD from a random w_0 to X^+ y + (I - X^+ X) w_0",
    claim="equality",
    relation="approx",
    measure="rel_err_random_init",
    predict=0.0,
    tolerance=1e-10,
    reason="float64: after 5000 steps the contraction in row(X) is below rounding; 1e-10 leaves room "
    "for the accumulated rounding of the iteration",
    hypotheses="least squares with p > n and X of full row rank, step 1/||X||_2^2 in (0, 2/L)",
    wrong="the limit X^+ y (the minimum-norm interpolant) also from a random w_0",
    wrong_measure=lambda r: float(r.dist_random_to_minnorm),
    demo=min_norm_demo,
)


@demo_result
class MaxMarginResult(DemoResult):
    """GD on separable logistic regression: direction and margin against the hard-margin SVM.

    Attributes
    ----------
    ts : ndarray, shape (c,)
        Checkpoints (GD step counts).
    one_minus_cos : ndarray, shape (c,)
        :math:`1 - \\cos\\angle(w_t, \\hat w)`.
    margin_ratio : ndarray, shape (c,)
        :math:`\\gamma(w_t)/\\gamma(\\hat w)` with :math:`\\gamma(w) = \\min_i y_iw\\cdot x_i/\\|w\\|`.
    rho_norm : ndarray, shape (c,)
        :math:`\\|w_t - \\hat w\\log t\\|` (bounded by the theorem).
    w_svm, w_final : ndarray, shape (d,)
    alpha : ndarray, shape (n,)
        Dual variables of the SVM.
    kkt_violation : float
        Largest violation of the KKT conditions of the SVM solution.
    svm_qp_rel_diff : float
        :math:`\\|\\hat w - \\hat w_{\\rm QP}\\|/\\|\\hat w\\|` against an independent primal QP (SLSQP).
    n_support : int
        Number of support vectors (:math:`\\alpha_i > 0`).
    """

    ts: np.ndarray
    one_minus_cos: np.ndarray
    margin_ratio: np.ndarray
    rho_norm: np.ndarray
    w_svm: np.ndarray
    w_final: np.ndarray
    alpha: np.ndarray
    kkt_violation: float
    svm_qp_rel_diff: float
    n_support: int
    one_minus_cos_centroid: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        lt = np.log(self.ts)
        ax.loglog(lt, self.one_minus_cos, "o-", color=COLORS[0], label=r"$1-\cos\angle(w_t,\hat w)$")
        ax.loglog(lt, 1.0 - self.margin_ratio, "s-", color=COLORS[1], label=r"$1-\gamma(w_t)/\gamma(\hat w)$")
        slope_guide(ax, lt, -1.0, anchor=(lt[0], 1.0 - self.margin_ratio[0]), label=r"$\propto 1/\log t$")
        slope_guide(ax, lt, -2.0, anchor=(lt[0], self.one_minus_cos[0]), label=r"$\propto 1/\log^2 t$", linestyle=":")
        ticks = [t for t in (0.5, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 30, 50) if lt.min() <= t <= lt.max()]
        ax.set_xticks(ticks)
        ax.set_xticklabels([f"{t:g}" for t in ticks])
        ax.minorticks_off()
        ax.set_xlabel(r"$\log t$ (log scale)")
        ax.set_ylabel("gap to the SVM")
        ax.legend()
        return ax


def max_margin_demo(*, n: int = 40, d: int = 5, t_max: int = 10**5, seed: int = 0) -> MaxMarginResult:
    r"""GD on the logistic loss of separable data converges in direction to the hard-margin SVM.

    Data: :math:`x_i \sim N(0, I_d)`, labels :math:`y_i = \mathrm{sign}(w_\star\cdot x_i)` for a
    random unit :math:`w_\star`, points with :math:`|w_\star\cdot x_i| < 0.1` re-drawn (margin).
    GD on the mean loss :math:`\frac1n\sum_i\log(1+e^{-y_iw\cdot x_i})` from :math:`w_0 = 0`
    with step :math:`\eta = 4n/\sigma_{\max}(X)^2` (the loss is
    :math:`\sigma_{\max}(X)^2/(4n)`-smooth, so :math:`\eta = 1/\beta`). The SVM direction comes
    from :func:`hard_margin_svm` and is checked against an independent primal QP (SLSQP on
    :math:`\min\|w\|^2/2` s.t. :math:`y_iw\cdot x_i\ge1`).

    Parameters
    ----------
    n : int, default 40
    d : int, default 5
    t_max : int, default 100000
        Last checkpoint, >= 1000; checkpoints at :math:`10^2, 10^{2.5}, \dots`.
    seed : int, default 0

    Returns
    -------
    MaxMarginResult

    References
    ----------
    Book, chapter *Loss landscapes and implicit regularisation*,
    theorem ``optimization-implicit_max_margin``.
    Soudry, Hoffer, Nacson,
    Gunasekar, Srebro (2018), Thm 3; Ji, Telgarsky (2019).
    """
    n = check_int(n, "n", minimum=2)
    d = check_int(d, "d", minimum=2)
    t_max = check_int(t_max, "t_max", minimum=1000)
    gen = rng(seed)
    w_star = gen.standard_normal(d)
    w_star /= np.linalg.norm(w_star)
    X = np.empty((0, d))
    while X.shape[0] < n:
        cand = gen.standard_normal((4 * n, d))
        cand = cand[np.abs(cand @ w_star) >= 0.1]
        X = np.vstack([X, cand])
    X = X[:n]
    y = np.sign(X @ w_star)
    Z = y[:, None] * X
    w_svm, alpha = hard_margin_svm(X, y)
    marg = Z @ w_svm
    kkt = max(
        float(np.max(1.0 - marg)),
        float(np.max(-alpha)),
        float(np.max(np.abs(alpha * (marg - 1.0)))),
        float(np.linalg.norm(w_svm - Z.T @ alpha)),
    )
    qp = minimize(
        lambda w: 0.5 * w @ w,
        np.ones(d) * 0.0 + w_svm * 1.5,
        jac=lambda w: w,
        method="SLSQP",
        constraints=[{"type": "ineq", "fun": lambda w: Z @ w - 1.0, "jac": lambda w: Z}],
        options={"ftol": 1e-14, "maxiter": 1000},
    )
    qp_diff = float(np.linalg.norm(qp.x - w_svm) / np.linalg.norm(w_svm))
    eta = 4.0 * n / np.linalg.norm(X, 2) ** 2
    exps = np.arange(2.0, math.log10(t_max) + 1e-9, 0.5)
    ts = np.unique(np.round(10.0**exps).astype(int))
    w = np.zeros(d)
    nrm_svm = np.linalg.norm(w_svm)
    gamma_svm = 1.0 / nrm_svm
    omc, mr, rho = [], [], []
    t = 0
    for tc in ts:
        while t < tc:
            m = Z @ w
            # derivative of log(1+exp(-m)) is -1/(1+exp(m)); computed stably
            s = -0.5 * (1.0 - np.tanh(0.5 * m))
            w = w - eta * (Z.T @ s) / n
            t += 1
        nw = np.linalg.norm(w)
        omc.append(1.0 - float(w @ w_svm) / (nw * nrm_svm))
        mr.append(float(np.min(Z @ w)) / nw / gamma_svm)
        rho.append(float(np.linalg.norm(w - w_svm * math.log(tc))))
    return MaxMarginResult(
        ts=ts.astype(float),
        one_minus_cos=np.array(omc),
        margin_ratio=np.array(mr),
        rho_norm=np.array(rho),
        w_svm=w_svm,
        w_final=w,
        alpha=alpha,
        kkt_violation=kkt,
        svm_qp_rel_diff=qp_diff,
        n_support=int(np.sum(alpha > 0)),
        one_minus_cos_centroid=float(1.0 - (w @ Z.sum(axis=0)) / (np.linalg.norm(w) * np.linalg.norm(Z.sum(axis=0)))),
    )


declare_check(
    "optimization.implicit_max_margin",
    quantity="1 - cos of the angle between w_t and the hard-margin SVM direction after t_max GD steps",
    claim="equality",
    relation="approx",
    measure=lambda r: float(r.one_minus_cos[-1]),
    predict=0.0,
    tolerance=0.005,
    reason="pre-asymptotic range: the direction converges only as 1/log t (1 - cos as 1/log^2 t), "
    "and 1/log^2(1e5) is about 0.0075; the tolerance is of that order",
    hypotheses="linearly separable data, logistic loss (smooth, exponential tail), step 1/beta with "
    "beta the smoothness constant of the empirical risk",
    wrong="convergence to the direction of sum_i y_i x_i (the first gradient step) instead of the SVM",
    wrong_measure="one_minus_cos_centroid",
    demo=max_margin_demo,
)
