r"""The error decomposition: approximation, estimation and optimisation errors.

Chapter *Neural networks and the error decomposition*, theorem ``learning-error_decomposition``:
for any class :math:`F`, any :math:`\tilde f \in F` and :math:`f_F \in \arg\min_F R`,

.. math:: R(\tilde f) - R^* \le (R(f_F) - R^*) + \varepsilon_{\rm opt}
          + [R(\tilde f) - \widehat R_n(\tilde f)] + [\widehat R_n(f_F) - R(f_F)].

:func:`error_decomposition_demo` computes every term for polynomial least squares in the
Legendre basis (:func:`dlmath.learning.legendre_features`) trained by gradient descent.
"""

from __future__ import annotations

import numpy as np

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_int, check_int_sequence, rng
from ._common import _safe_ratio, _unit_quadrature
from .features import legendre_features

__all__ = ["ErrorDecompositionResult", "error_decomposition_demo"]


# ---------------------------------------------------------------------------------------------
# demos
# ---------------------------------------------------------------------------------------------


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
        ax.semilogy(
            k, np.maximum(self.estimation, floor), "s-", color=COLORS[2], label=r"estimation $R(\hat f_n)-R(f_F)$"
        )
        ax.semilogy(
            k,
            np.maximum(self.optimization, floor),
            "^-",
            color=COLORS[3],
            label=r"optimisation $\varepsilon_{\rm opt}$",
        )
        ax.semilogy(k, self.total_excess, "k-", linewidth=2.2, label=r"total $R(\tilde f)-R^*$")
        ax.semilogy(k, self.approx + self.realised_rhs, "--", color=COLORS[1], label="realised bound")
        ax.set_xlabel("polynomial degree $k$")
        ax.set_ylabel("excess risk")
        ax.set_title(f"$n={self.n}$, {self.gd_steps} gradient steps")
        ax.set_ylim(1e-16, 2.0)
        ax.xaxis.get_major_locator().set_params(integer=True)
        ax.legend(fontsize=7.5, loc="lower left")
        return ax


def error_decomposition_demo(
    *, degrees=tuple(range(1, 13)), n: int = 50, gd_steps: int = 200, seed: int = 0
) -> ErrorDecompositionResult:
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
    degrees : sequence of int, default (1, 2, ..., 12)
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
    degs = check_int_sequence(degrees, "degrees", minimum=0)
    if max(degs) > n - 1:
        raise ValueError(f"degrees must be <= n - 1 = {n - 1}, got {max(degs)}")
    gd_steps = check_int(gd_steps, "gd_steps", minimum=0)
    sigma = 0.3
    gen = rng(seed)
    x = gen.random(n)
    y = np.sin(2 * np.pi * x) + sigma * gen.standard_normal(n)
    xq, wq = _unit_quadrature(80)
    fstar_q = np.sin(2 * np.pi * xq)

    def pop_risk(phi_q, c):
        return float(wq @ (phi_q @ c - fstar_q) ** 2) + sigma**2

    def emp_risk(phi, c):
        return float(np.mean((phi @ c - y) ** 2))

    out = {
        key: np.empty(len(degs))
        for key in ("approx", "estimation", "optimization", "total", "erm", "bound", "parseval", "lhs", "rhs", "gap")
    }
    for j, k in enumerate(degs):
        phi_q = legendre_features(xq, k)
        phi = legendre_features(x, k)
        c_proj = phi_q.T @ (wq * fstar_q)  # Legendre coefficients of f*
        c_erm = np.linalg.lstsq(phi, y, rcond=None)[0]
        lip = 2 * np.linalg.eigvalsh(phi.T @ phi / n)[-1]
        c = np.zeros(k + 1)
        for _ in range(gd_steps):
            c = c - (2 / n) * (phi.T @ (phi @ c - y)) / lip
        r_proj, r_erm, r_gd = pop_risk(phi_q, c_proj), pop_risk(phi_q, c_erm), pop_risk(phi_q, c)
        e_proj, e_erm, e_gd = emp_risk(phi, c_proj), emp_risk(phi, c_erm), emp_risk(phi, c)
        out["approx"][j] = r_proj - sigma**2
        out["estimation"][j] = r_erm - r_proj
        out["optimization"][j] = e_gd - e_erm
        out["total"][j] = r_gd - sigma**2
        out["erm"][j] = r_erm - sigma**2
        out["bound"][j] = (r_proj - sigma**2) + (e_gd - e_erm) + abs(r_gd - e_gd) + abs(e_proj - r_proj)
        out["parseval"][j] = 0.5 - float(c_proj @ c_proj)
        out["lhs"][j] = r_gd - r_proj
        out["rhs"][j] = (e_gd - e_erm) + (r_gd - e_gd) + (e_proj - r_proj)
        out["gap"][j] = e_proj - e_erm
    slack = out["bound"] - out["total"]
    lhs, rhs = out["lhs"], out["rhs"]
    ratio = _safe_ratio(lhs, rhs)
    rhs_wrong = rhs - out["optimization"]
    ratio_wrong = _safe_ratio(lhs, rhs_wrong)
    phi1_q = legendre_features(xq, 1)
    approx_deg1 = pop_risk(phi1_q, phi1_q.T @ (wq * fstar_q)) - sigma**2
    return ErrorDecompositionResult(
        degrees=np.array(degs, dtype=np.float64),
        approx=out["approx"],
        estimation=out["estimation"],
        optimization=out["optimization"],
        total_excess=out["total"],
        erm_excess=out["erm"],
        bound=out["bound"],
        slack=slack,
        min_slack=float(slack.min()),
        approx_parseval=out["parseval"],
        parseval_err=float(np.max(np.abs(out["approx"] - out["parseval"]))),
        realised_lhs=lhs,
        realised_rhs=rhs,
        train_gap=out["gap"],
        realised_ratio=float(ratio.max()),
        ratio_without_opt=float(ratio_wrong.max()),
        approx_deg1=float(approx_deg1),
        n=n,
        gd_steps=gd_steps,
        sigma=sigma,
    )


declare_check(
    "learning.error_decomposition",
    label="realised",
    quantity="largest ratio, over the degrees, of R(f~) - R(f_F) to eps_opt + [R(f~) - R_n(f~)] + "
    "[R_n(f_F) - R(f_F)] (realised bound, signed brackets)",
    claim="upper bound",
    relation="<=",
    measure="realised_ratio",
    predict=1.0,
    tolerance=1e-9,
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
    "learning.error_decomposition",
    label="approximation",
    quantity="approximation error R(f_F) - R^* of the affine functions for f* = sin(2 pi x), by quadrature",
    claim="identity",
    relation="approx",
    measure="approx_deg1",
    predict=0.5 - 3 / np.pi**2,
    tolerance=1e-12,
    reason="80-point Gauss-Legendre quadrature of a smooth integrand: float64 rounding",
    hypotheses="squared loss, X ~ U[0,1], R(f) - R^* = ||f - f*||^2 (Bayes predictor theorem (a)), F_1 closed "
    "so that f_F exists",
    wrong="1/2 - 1/pi^2 (the Legendre normalisation sqrt(3) of the degree-one coefficient dropped)",
    wrong_predict=0.5 - 1 / np.pi**2,
    demo=error_decomposition_demo,
)
