r"""SGD under interpolation: the randomized Kaczmarz method and its exact mean squared error.

For a consistent system :math:`Ax = b` the randomized Kaczmarz method projects the iterate onto
the hyperplane :math:`\{a_i \cdot x = b_i\}` of a row drawn with probability
:math:`\|a_i\|^2/\|A\|_F^2`; it is SGD with step 1 on
:math:`\sum_i p_i (a_i\cdot x - b_i)^2/(2\|a_i\|^2)`, a sum whose terms all vanish at the
solution. :func:`kaczmarz_rate` is Strohmer and Vershynin's contraction factor,
:func:`kaczmarz_expected_error` the exact :math:`\E\|x_k - x\|^2` from the linear recursion of
the second moment, and :func:`kaczmarz_demo` compares both with Monte Carlo runs (theorem
``optimization-randomized_kaczmarz`` of the chapter *Stochastic gradients without convexity,
and under interpolation*).

References
----------
Strohmer, Vershynin (2009), Theorem 2; Vaswani, Bach, Schmidt (2019).
"""

from __future__ import annotations

import math

import numpy as np

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_int, like_input, rng

__all__ = [
    "kaczmarz_rate",
    "kaczmarz_expected_error",
    "KaczmarzResult",
    "kaczmarz_demo",
]


def _full_column_rank(A: np.ndarray, name: str = "A") -> np.ndarray:
    """The squared singular values of ``A`` (m, d), after checking that it has full column rank."""
    if A.shape[0] < A.shape[1]:
        raise ValueError(f"{name} must have at least as many rows as columns (full column rank), got shape {A.shape}")
    s = np.linalg.svd(A, compute_uv=False)
    if s[-1] <= s[0] * max(A.shape) * np.finfo(float).eps:
        raise ValueError(f"{name} must have full column rank (its smallest singular value is {s[-1]:.3g})")
    return s**2


def kaczmarz_rate(A) -> float:
    r"""Strohmer and Vershynin's contraction factor :math:`1 - \sigma_{\min}(A)^2/\|A\|_F^2`.

    For :math:`A \in \R^{m\times d}` of full column rank and the randomized Kaczmarz method with
    rows drawn with probability :math:`\|a_i\|^2/\|A\|_F^2`,
    :math:`\E\|x_k - x\|^2 \le q^k\|x_0 - x\|^2` with this :math:`q`; note
    :math:`q \ge 1 - 1/d`, with equality exactly when all singular values of :math:`A` are equal.

    Parameters
    ----------
    A : array_like or torch.Tensor, shape (m, d)
        Full column rank, :math:`m \ge d`.

    Returns
    -------
    float

    References
    ----------
    Book: chapter *Stochastic gradients without convexity, and under interpolation*, theorem
    ``optimization-randomized_kaczmarz``. Strohmer, Vershynin (2009), Theorem 2.

    Examples
    --------
    >>> import numpy as np
    >>> kaczmarz_rate(np.eye(4))
    0.75
    """
    Aa = as_array(A, "A", ndim=2, min_size=1)
    s2 = _full_column_rank(Aa)
    return float(1.0 - s2[-1] / s2.sum())


def kaczmarz_expected_error(A, e0, steps: int):
    r"""The exact mean squared error :math:`\E\|x_k - x\|^2`, :math:`k = 0, \dots,` ``steps``.

    The error :math:`e_k = x_k - x` of the randomized Kaczmarz method on a consistent system
    satisfies :math:`e_{k+1} = P_i e_k` with the projection
    :math:`P_i = I - a_ia_i^\top/\|a_i\|^2` of the drawn row, so its second moment
    :math:`M_k = \E\, e_ke_k^\top` obeys the linear recursion

    .. math::

        M_{k+1} = \sum_i p_i P_i M_k P_i
        = M_k - \frac{A^\top A M_k + M_k A^\top A}{\|A\|_F^2}
        + A^\top \operatorname{diag}\Bigl(\frac{a_i^\top M_k a_i}{\|A\|_F^2\|a_i\|^2}\Bigr) A,

    :math:`p_i = \|a_i\|^2/\|A\|_F^2`, :math:`M_0 = e_0e_0^\top`, and
    :math:`\E\|e_k\|^2 = \tr M_k`. The recursion does not depend on :math:`b`; it holds for any
    :math:`A` without zero rows (full column rank is needed only for the rate).

    Parameters
    ----------
    A : array_like or torch.Tensor, shape (m, d)
        Rows :math:`a_i`, none of them zero.
    e0 : array_like or torch.Tensor, shape (d,)
        Initial error :math:`x_0 - x`.
    steps : int
        Number of iterations, >= 0.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (steps + 1,)
        :math:`\tr M_k`; a tensor (dtype and device of ``A``) for a tensor input.

    References
    ----------
    Book: chapter *Stochastic gradients without convexity, and under interpolation*, theorem
    ``optimization-randomized_kaczmarz``. Strohmer, Vershynin (2009), proof of Theorem 2.

    Examples
    --------
    With orthonormal rows each step removes one coordinate with probability :math:`1/d`:

    >>> import numpy as np
    >>> kaczmarz_expected_error(np.eye(2), [1.0, 1.0], 2)
    array([2. , 1. , 0.5])
    """
    Aa = as_array(A, "A", ndim=2, min_size=1)
    e = as_array(e0, "e0", ndim=1)
    if e.shape[0] != Aa.shape[1]:
        raise ValueError(f"e0 must have one entry per column of A, shape ({Aa.shape[1]},), got shape {e.shape}")
    steps = check_int(steps, "steps", minimum=0)
    rn2 = np.sum(Aa * Aa, axis=1)
    if np.any(rn2 == 0):
        raise ValueError("A must have no zero row")
    fro = float(rn2.sum())
    G = Aa.T @ Aa
    M = np.outer(e, e)
    out = np.empty(steps + 1)
    out[0] = np.trace(M)
    for k in range(steps):
        w = np.einsum("ij,jk,ik->i", Aa, M, Aa) / (fro * rn2)
        GM = G @ M
        M = M - (GM + GM.T) / fro + (Aa.T * w) @ Aa
        out[k + 1] = np.trace(M)
    return like_input(out, A)


def _second_moment_operator(A: np.ndarray) -> np.ndarray:
    r"""The symmetric ``(d*d, d*d)`` matrix of :math:`M \mapsto \sum_i p_i P_i M P_i` acting on ``M.ravel()``."""
    m, d = A.shape
    rn2 = np.sum(A * A, axis=1)
    fro = float(rn2.sum())
    G = A.T @ A
    eye = np.eye(d)
    B = np.einsum("ij,ik->ijk", A, A).reshape(m, d * d)  # rows vec(a_i a_i^T)
    return np.eye(d * d) - (np.kron(G, eye) + np.kron(eye, G)) / fro + (B.T / (fro * rn2)) @ B


def _kaczmarz_runs(A: np.ndarray, e0: np.ndarray, steps: int, n_runs: int, gen: np.random.Generator) -> np.ndarray:
    """``||e_k||^2`` of ``n_runs`` independent randomized Kaczmarz runs, shape (steps + 1, n_runs)."""
    rn2 = np.sum(A * A, axis=1)
    cdf = np.cumsum(rn2 / rn2.sum())
    E = np.tile(e0, (n_runs, 1))
    out = np.empty((steps + 1, n_runs))
    out[0] = np.sum(E * E, axis=1)
    for k in range(steps):
        idx = np.minimum(np.searchsorted(cdf, gen.random(n_runs), side="right"), rn2.size - 1)
        rows = A[idx]
        E -= (np.sum(rows * E, axis=1) / rn2[idx])[:, None] * rows
        out[k + 1] = np.sum(E * E, axis=1)
    return out


# ---------------------------------------------------------------------------------------------
# demo
# ---------------------------------------------------------------------------------------------


@demo_result
class KaczmarzResult(DemoResult):
    r"""Result of :func:`kaczmarz_demo`: an anisotropic system and a tight frame.

    Attributes
    ----------
    ks, frame_ks : numpy.ndarray
        Iterations :math:`k = 0, \dots` of the two systems.
    exact, frame_exact : numpy.ndarray
        :math:`\E\|x_k - x\|^2 = \tr M_k` (:func:`kaczmarz_expected_error`).
    mc, mc_se, frame_mc, frame_mc_se : numpy.ndarray
        Monte Carlo mean of :math:`\|x_k - x\|^2` over the runs and its standard error.
    bound, frame_bound : numpy.ndarray
        :math:`q^k\|x_0 - x\|^2` with :math:`q` = :func:`kaczmarz_rate`.
    rate, frame_rate : float
        :math:`q = 1 - \sigma_{\min}^2/\|A\|_F^2` of the two systems.
    asymptotic_rate : float
        The largest eigenvalue of :math:`M \mapsto \sum_i p_i P_iMP_i` on the anisotropic system:
        the exact asymptotic factor of :math:`\E\|x_k - x\|^2` per step (at most ``rate``).
    max_z : float
        Largest :math:`|` mc :math:`-` exact :math:`|/` mc_se over :math:`k \ge 1` and both systems.
    max_z_bound : float
        The same on the anisotropic system with the bound in place of the exact value.
    tightness, frame_tightness : float
        exact / bound at the final iteration.
    max_ratio : float
        :math:`\max_{k\ge1}` exact / bound on the anisotropic system (at most 1 by the theorem).
    ratio_wrong_rate : float
        :math:`\max_{k\ge1}` exact / :math:`(1 - 1/d)^k\|x_0 - x\|^2` on the anisotropic system:
        the rate of a tight frame, wrongly applied.
    frame_dev : float
        :math:`\max_k |` frame_exact / frame_bound :math:`- 1|` (float rounding only).
    frame_dev_wrong : float
        The same against 0.9 times the bound (the wrong answer of the tight-frame check).
    m, d, n_runs : int
        Rows, columns and Monte Carlo runs.
    """

    ks: np.ndarray
    exact: np.ndarray
    mc: np.ndarray
    mc_se: np.ndarray
    bound: np.ndarray
    frame_ks: np.ndarray
    frame_exact: np.ndarray
    frame_mc: np.ndarray
    frame_mc_se: np.ndarray
    frame_bound: np.ndarray
    rate: float
    frame_rate: float
    asymptotic_rate: float
    max_z: float
    max_z_bound: float
    tightness: float
    frame_tightness: float
    max_ratio: float
    ratio_wrong_rate: float
    frame_dev: float
    frame_dev_wrong: float
    m: int
    d: int
    n_runs: int

    def plot(self, ax=None):
        ax = axes(ax)
        sub = np.unique(np.linspace(0, self.ks.size - 1, 40).astype(int))
        ax.semilogy(self.ks, self.exact, "-", color=COLORS[0], label=r"anisotropic: exact $\mathrm{tr}\,M_k$")
        ax.semilogy(self.ks[sub], self.mc[sub], "o", color=COLORS[0], markerfacecolor="none", label="Monte Carlo")
        ax.semilogy(self.ks, self.bound, "--", color=COLORS[1], label=r"bound $(1-\sigma_{\min}^2/\|A\|_F^2)^k$")
        fsub = np.unique(np.linspace(0, self.frame_ks.size - 1, 25).astype(int))
        ax.semilogy(self.frame_ks, self.frame_exact, "-", color=COLORS[2], label="tight frame: exact = bound")
        ax.semilogy(
            self.frame_ks[fsub], self.frame_mc[fsub], "s", color=COLORS[2], markerfacecolor="none", label="Monte Carlo"
        )
        ax.set_xlabel("iteration $k$")
        ax.set_ylabel(r"$\mathbb{E}\,\|x_k - x\|^2 / \|x_0 - x\|^2$")
        ax.legend(fontsize=8)
        return ax


def _anisotropic_system(m: int, d: int, gen: np.random.Generator) -> np.ndarray:
    """Rows ``c_i (z_i * s)``: Gaussian ``z_i``, column scales ``s`` from 1 to 0.1, row scales U(0.5, 2)."""
    scales = np.geomspace(1.0, 0.1, d)
    return gen.standard_normal((m, d)) * scales * gen.uniform(0.5, 2.0, (m, 1))


def _tight_frame(m: int, d: int, gen: np.random.Generator) -> np.ndarray:
    """A random ``(m, d)`` matrix with orthonormal columns times ``sqrt(m/d)``: ``A^T A = (m/d) I``."""
    Q, _ = np.linalg.qr(gen.standard_normal((m, d)))
    return Q * math.sqrt(m / d)


def kaczmarz_demo(
    *,
    m: int = 200,
    d: int = 20,
    steps: int = 2500,
    frame_steps: int = 100,
    n_runs: int = 2000,
    seed: int = 0,
) -> KaczmarzResult:
    r"""Randomized Kaczmarz: Monte Carlo against the exact second moment and against the bound.

    Two consistent systems with :math:`A \in \R^{m\times d}` and the same unit initial error
    :math:`e_0 = x_0 - x` (a random direction): an anisotropic one, with rows
    :math:`a_i = c_i\,(z_i \odot s)`, :math:`z_i \sim N(0, I_d)`, column scales :math:`s_j`
    geometric from 1 to 0.1 and row scales :math:`c_i \sim U(0.5, 2)` (so the sampling law
    :math:`p_i = \|a_i\|^2/\|A\|_F^2` is far from uniform and :math:`\sigma_{\min}^2/\|A\|_F^2`
    is far below :math:`1/d`); and a tight frame, a random matrix with orthonormal columns times
    :math:`\sqrt{m/d}`, whose singular values are all equal. For each, ``n_runs`` independent
    runs give the Monte Carlo mean of :math:`\|e_k\|^2`, compared at every :math:`k` with the
    exact :math:`\tr M_k` (:func:`kaczmarz_expected_error`) in units of its standard error. The
    bound of Strohmer and Vershynin is loose on the anisotropic system and is attained exactly
    on the tight frame, where :math:`\E\|e_{k+1}\|^2 = (1 - 1/d)\E\|e_k\|^2`.

    Parameters
    ----------
    m : int, default 200
        Rows, >= d.
    d : int, default 20
        Columns, between 2 and 40 (the exact asymptotic rate is an eigenvalue of a
        :math:`d^2 \times d^2` matrix).
    steps : int, default 2500
        Iterations on the anisotropic system, >= 1.
    frame_steps : int, default 100
        Iterations on the tight frame, >= 1.
    n_runs : int, default 2000
        Monte Carlo runs per system, >= 10.
    seed : int, default 0

    Returns
    -------
    KaczmarzResult

    References
    ----------
    Book: chapter *Stochastic gradients without convexity, and under interpolation*, theorem
    ``optimization-randomized_kaczmarz``. Strohmer, Vershynin (2009), Theorem 2.
    """
    d = check_int(d, "d", minimum=2, maximum=40)
    m = check_int(m, "m", minimum=d)
    steps = check_int(steps, "steps", minimum=1)
    frame_steps = check_int(frame_steps, "frame_steps", minimum=1)
    n_runs = check_int(n_runs, "n_runs", minimum=10)
    check_int(seed, "seed", minimum=0)
    gen = rng(seed)
    A = _anisotropic_system(m, d, gen)
    T = _tight_frame(m, d, gen)
    e0 = gen.standard_normal(d)
    e0 /= np.linalg.norm(e0)
    out = {}
    for key, B, n in (("", A, steps), ("frame_", T, frame_steps)):
        q = kaczmarz_rate(B)
        ks = np.arange(n + 1)
        exact = kaczmarz_expected_error(B, e0, n)
        runs = _kaczmarz_runs(B, e0, n, n_runs, gen)
        out[key] = (ks, exact, runs.mean(axis=1), runs.std(axis=1, ddof=1) / math.sqrt(n_runs), q**ks, q)
    ks, exact, mc, mc_se, bound, q = out[""]
    fks, fexact, fmc, fse, fbound, fq = out["frame_"]
    z = np.abs(mc[1:] - exact[1:]) / mc_se[1:]
    fz = np.abs(fmc[1:] - fexact[1:]) / fse[1:]
    return KaczmarzResult(
        ks=ks,
        exact=exact,
        mc=mc,
        mc_se=mc_se,
        bound=bound,
        frame_ks=fks,
        frame_exact=fexact,
        frame_mc=fmc,
        frame_mc_se=fse,
        frame_bound=fbound,
        rate=q,
        frame_rate=fq,
        asymptotic_rate=float(np.linalg.eigvalsh(_second_moment_operator(A))[-1]),
        max_z=float(max(z.max(), fz.max())),
        max_z_bound=float(np.max(np.abs(mc[1:] - bound[1:]) / mc_se[1:])),
        tightness=float(exact[-1] / bound[-1]),
        frame_tightness=float(fexact[-1] / fbound[-1]),
        max_ratio=float(np.max(exact[1:] / bound[1:])),
        ratio_wrong_rate=float(np.max(exact[1:] / (1.0 - 1.0 / d) ** ks[1:])),
        frame_dev=float(np.max(np.abs(fexact / fbound - 1.0))),
        frame_dev_wrong=float(np.max(np.abs(fexact / (0.9 * fbound) - 1.0))),
        m=m,
        d=d,
        n_runs=n_runs,
    )


_HYP = (
    "consistent systems Ax = b with A of full column rank (m = 200 > d = 20), rows drawn i.i.d. with "
    "probability ||a_i||^2/||A||_F^2, projections onto the drawn hyperplane; independent Monte Carlo runs"
)
declare_check(
    "optimization.randomized_kaczmarz",
    label="exact",
    quantity="largest deviation over k >= 1 and both systems of the Monte Carlo mean of ||x_k - x||^2 from "
    "the exact tr M_k of the second-moment recursion, in standard errors",
    claim="identity",
    relation="approx",
    measure="max_z",
    predict=0.0,
    tolerance=4.0,
    reason="4 Monte Carlo standard errors (independent runs): the z-scores at successive k are strongly "
    "correlated, so their maximum over k behaves like that of a few independent normal variables",
    hypotheses=_HYP,
    wrong="the bound (1 - sigma_min^2/||A||_F^2)^k ||x_0 - x||^2 in place of the exact value (anisotropic system)",
    wrong_measure="max_z_bound",
    demo=kaczmarz_demo,
)
declare_check(
    "optimization.randomized_kaczmarz",
    label="bound",
    quantity="largest ratio over k >= 1 of E||x_k - x||^2 to (1 - sigma_min^2/||A||_F^2)^k ||x_0 - x||^2, "
    "anisotropic system",
    claim="upper bound",
    relation="<=",
    measure="max_ratio",
    predict=1.0,
    tolerance=1e-9,
    reason="exact second moments (float rounding of the recursion only); the ratio is largest at the first "
    "steps, where it is nearly attained (hence min_tightness 0.9), and at the last step the bound is loose "
    "by orders of magnitude",
    hypotheses=_HYP,
    wrong="the tight-frame rate (1 - 1/d)^k, i.e. the condition number of A ignored",
    wrong_measure="ratio_wrong_rate",
    min_tightness=0.9,
    demo=kaczmarz_demo,
)
declare_check(
    "optimization.randomized_kaczmarz",
    label="tight_frame",
    quantity="largest relative deviation over k of E||x_k - x||^2 from (1 - 1/d)^k ||x_0 - x||^2, tight frame "
    "(A^T A = (m/d) I)",
    claim="identity",
    relation="approx",
    measure="frame_dev",
    predict=0.0,
    tolerance=1e-9,
    reason="exact second moments (float rounding of the recursion only); on a tight frame the bound is an identity",
    hypotheses=_HYP + "; all singular values equal",
    wrong="0.9 x the bound",
    wrong_measure="frame_dev_wrong",
    demo=kaczmarz_demo,
)
