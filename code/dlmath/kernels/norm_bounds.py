r"""Norm-based capacity of ReLU networks: the path norm and the spectral complexity.

The :math:`\ell_1` path norm of a network without biases, the exact Rademacher complexity of the
class of one-hidden-layer ReLU networks with path norm at most :math:`\varphi` on planar samples
(by enumeration of the signs and of the breakpoints of the supremum), its contraction and Massart
bounds, and the spectral complexity :math:`R_{\mathcal A}` of Bartlett, Foster and Telgarsky;
:func:`path_norm_exact_demo` checks the bounds against the exact values and
:func:`path_norm_trained_demo` evaluates them on trained networks (chapter *Generalisation
bounds and double descent*, theorem ``kernels-rademacher_bounds``).

References
----------
Neyshabur, Tomioka, Srebro (2015); Bartlett, Foster, Telgarsky (2017); Ledoux and Talagrand (1991).
"""

from __future__ import annotations

import itertools
import math
from typing import Any, Sequence

import numpy as np
import torch

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    check_array,
    check_device,
    check_int,
    check_int_sequence,
    check_real,
    rng,
    small_network_threads,
    torch_generator,
)

__all__ = [
    "path_norm",
    "spectral_complexity",
    "l1_ball_rademacher",
    "path_norm_rademacher",
    "path_norm_rademacher_bound",
    "path_norm_exact_demo",
    "path_norm_trained_demo",
    "PathNormExactResult",
    "PathNormTrainedResult",
]

#: Largest sample size for which the :math:`2^n` sign vectors are enumerated.
_MAX_ENUM = 16


def _weight_list(weights: Any, name: str) -> list[np.ndarray]:
    """The matrices of a network without biases, input layer first, with chained shapes."""
    if isinstance(weights, (str, bytes)) or not isinstance(weights, (list, tuple)):
        raise TypeError(f"{name} must be a list or tuple of matrices, got {type(weights).__name__}")
    if len(weights) < 1:
        raise ValueError(f"{name} must contain at least one matrix")
    mats = [check_array(W, f"{name}[{i}]", ndim=2, min_size=1) for i, W in enumerate(weights)]
    for i in range(1, len(mats)):
        if mats[i].shape[1] != mats[i - 1].shape[0]:
            raise ValueError(
                f"{name}[{i}] must have {mats[i - 1].shape[0]} columns (the rows of {name}[{i - 1}]), "
                f"got shape {mats[i].shape}"
            )
    return mats


def _signs(n: int) -> np.ndarray:
    """All :math:`2^n` sign vectors, shape ``(2**n, n)``."""
    return np.array(list(itertools.product((-1.0, 1.0), repeat=n)))


def _sample(X: Any, name: str = "X", *, d: int | None = None) -> np.ndarray:
    Xa = check_array(X, name, ndim=2, min_size=1)
    if Xa.shape[0] > _MAX_ENUM:
        raise ValueError(
            f"{name} must have at most {_MAX_ENUM} rows (2^n sign vectors are enumerated), got {Xa.shape[0]}"
        )
    if d is not None and Xa.shape[1] != d:
        raise ValueError(f"{name} must have shape (n, {d}), got {Xa.shape}")
    return Xa


def path_norm(weights: Any, p: float = 1.0) -> float:
    r"""The :math:`\ell_p` path norm of a network without biases.

    For :math:`f(x) = W_{L+1}\sigma(W_L\cdots\sigma(W_1x))` the path norm is
    :math:`\varphi_p = (\sum_{\text{paths}}\prod_{e}\abs{w_e}^p)^{1/p}`, the sum over all paths
    from an input coordinate to an output through one unit of each layer, computed as
    :math:`(\mathbf 1^\top\abs{W_{L+1}}^p\cdots\abs{W_1}^p\mathbf 1)^{1/p}` (entrywise powers).
    For one hidden layer and :math:`p = 1`, :math:`\varphi_1 = \sum_j\abs{v_j}\norm{w_j}_1`. It is
    invariant under the rescalings :math:`w_j\mapsto\lambda w_j`, :math:`v_j\mapsto v_j/\lambda`
    (:math:`\lambda>0`) that leave a ReLU network's function unchanged.

    Parameters
    ----------
    weights : list of array_like
        The matrices :math:`W_1,\dots,W_{L+1}`, input layer first; ``weights[i]`` has shape
        ``(n_{i+1}, n_i)`` (the rows of one are the columns of the next).
    p : float, default 1.0
        Exponent, >= 1.

    Returns
    -------
    float

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Neyshabur, Tomioka, Srebro (2015).
    """
    mats = _weight_list(weights, "weights")
    p = check_real(p, "p", minimum=1.0)
    v = np.ones(mats[0].shape[1])
    for W in mats:
        v = np.abs(W) ** p @ v
    return float(v.sum() ** (1.0 / p))


def spectral_complexity(weights: Any, references: Any = None, rho: float = 1.0) -> float:
    r"""The spectral complexity :math:`R_{\mathcal A}` of Bartlett, Foster and Telgarsky (2017).

    .. math::

        R_{\mathcal A} = \Bigl(\prod_{i=1}^L\rho\,\norm{A_i}_\sigma\Bigr)
        \Bigl(\sum_{i=1}^L\frac{\norm{A_i^\top-M_i^\top}_{2,1}^{2/3}}{\norm{A_i}_\sigma^{2/3}}\Bigr)^{3/2},

    with :math:`\norm{\cdot}_\sigma` the spectral norm and :math:`\norm{B}_{2,1}` the sum of the
    Euclidean norms of the columns of :math:`B` (so :math:`\norm{A^\top - M^\top}_{2,1}` is the sum
    of the Euclidean norms of the rows of :math:`A - M`), for the network
    :math:`x\mapsto A_L\sigma(A_{L-1}\cdots\sigma(A_1x))` with :math:`\rho`-Lipschitz activations.

    Parameters
    ----------
    weights : list of array_like
        :math:`A_1,\dots,A_L`, input layer first, chained shapes, none identically zero.
    references : list of array_like, optional
        Reference matrices :math:`M_i` of the same shapes (default: zero).
    rho : float, default 1.0
        Lipschitz constant of the activations, > 0 (1 for the ReLU).

    Returns
    -------
    float

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Bartlett, Foster, Telgarsky (2017), (1.2).
    """
    mats = _weight_list(weights, "weights")
    rho = check_real(rho, "rho", minimum=0.0, strict_min=True)
    if references is None:
        refs = [np.zeros_like(A) for A in mats]
    else:
        refs = _weight_list(references, "references")
        if len(refs) != len(mats) or any(M.shape != A.shape for M, A in zip(refs, mats)):
            raise ValueError("references must have the shapes of weights, " + str([A.shape for A in mats]))
    spec = np.array([np.linalg.norm(A, 2) for A in mats])
    if np.any(spec == 0):
        raise ValueError("weights must not contain a zero matrix (its spectral norm divides)")
    dist = np.array([np.linalg.norm(A - M, axis=1).sum() for A, M in zip(mats, refs)])
    return float(np.prod(rho * spec) * np.sum((dist / spec) ** (2.0 / 3.0)) ** 1.5)


def l1_ball_rademacher(X: Any, B: float = 1.0) -> float:
    r"""Exact empirical Rademacher complexity of the :math:`\ell_1` ball of linear functions.

    .. math::

        \widehat{\mathrm{Rad}}_S\{x\mapsto u\cdot x:\norm u_1\le B\}
        = \frac Bn\,\E_\varepsilon\Bigl\|\sum_i\varepsilon_ix_i\Bigr\|_\infty
        = \frac Bn\,\E_\varepsilon\max_k\Bigl|\sum_i\varepsilon_ix_{ik}\Bigr| ,

    the expectation computed exactly over the :math:`2^n` sign vectors.

    Parameters
    ----------
    X : array_like, shape (n, d)
        The sample, :math:`n\le 16`.
    B : float, default 1.0
        Radius, > 0.

    Returns
    -------
    float

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*.
    """
    Xa = _sample(X)
    B = check_real(B, "B", minimum=0.0, strict_min=True)
    E = _signs(Xa.shape[0])
    return float(B * np.abs(E @ Xa).max(axis=1).mean() / Xa.shape[0])


def _candidates(X: np.ndarray) -> np.ndarray:
    """The vertices of the l1 sphere of R^2 and the points of its edges where some u.x_i = 0."""
    V = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]])
    out = [V]
    for k in range(4):
        a, b = V[k], V[(k + 1) % 4]
        ax, bx = X @ a, X @ b
        den = bx - ax
        ok = den != 0
        s = np.zeros_like(ax)
        s[ok] = -ax[ok] / den[ok]
        ok &= (s > 0) & (s < 1)
        out.append((1 - s[ok])[:, None] * a + s[ok][:, None] * b)
    return np.vstack(out)


def path_norm_rademacher(X: Any, phi: float = 1.0) -> float:
    r"""Exact empirical Rademacher complexity of planar one-hidden-layer ReLU networks of path norm at most :math:`\varphi`.

    For :math:`\calF_\varphi = \{x\mapsto\sum_{j=1}^m v_j\relu(w_j\cdot x): m\ge1,
    \sum_j\abs{v_j}\norm{w_j}_1\le\varphi\}` on :math:`x_i\in\R^2`,

    .. math::

        \widehat{\mathrm{Rad}}_S(\calF_\varphi) = \frac\varphi n\,\E_\varepsilon
        \max_{\norm u_1 = 1}\Bigl|\sum_i\varepsilon_i\relu(u\cdot x_i)\Bigr| .

    On each edge of the diamond :math:`\{\norm u_1 = 1\}` the function inside the absolute value
    is piecewise linear, with breakpoints where :math:`u\cdot x_i = 0`; the maximum of its
    absolute value is attained at a vertex or a breakpoint, and these at most :math:`4+2n`
    points are enumerated, as are the :math:`2^n` sign vectors.

    Parameters
    ----------
    X : array_like, shape (n, 2)
        The sample, :math:`n\le 16`.
    phi : float, default 1.0
        Path-norm radius, > 0.

    Returns
    -------
    float

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Neyshabur, Tomioka, Srebro (2015).
    """
    Xa = _sample(X, d=2)
    phi = check_real(phi, "phi", minimum=0.0, strict_min=True)
    F = np.maximum(Xa @ _candidates(Xa).T, 0.0)  # (n, K)
    E = _signs(Xa.shape[0])
    return float(phi * np.abs(E @ F).max(axis=1).mean() / Xa.shape[0])


def path_norm_rademacher_bound(X: Any, phi: float = 1.0, depth: int = 1) -> float:
    r"""The path-norm bound :math:`2^L\varphi\max_i\norm{x_i}_\infty\sqrt{2\log(2d)/n}`.

    Bound on the empirical Rademacher complexity of ReLU networks without biases, with
    :math:`L` hidden layers and :math:`\ell_1` path norm at most :math:`\varphi`, on a sample
    :math:`x_1,\dots,x_n\in\R^d`: contraction (a factor 2 per hidden layer) and Massart's lemma
    for the :math:`\ell_1` ball of linear functions.

    Parameters
    ----------
    X : array_like, shape (n, d)
        The sample.
    phi : float, default 1.0
        Path-norm radius, > 0.
    depth : int, default 1
        Number :math:`L` of hidden layers, >= 0 (0: the :math:`\ell_1` ball itself).

    Returns
    -------
    float

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Neyshabur, Tomioka, Srebro (2015).
    """
    Xa = check_array(X, "X", ndim=2, min_size=1)
    phi = check_real(phi, "phi", minimum=0.0, strict_min=True)
    depth = check_int(depth, "depth", minimum=0)
    n, d = Xa.shape
    return float(2.0**depth * phi * np.abs(Xa).max() * math.sqrt(2 * math.log(2 * d) / n))


@demo_result
class PathNormExactResult(DemoResult):
    r"""Result of :func:`path_norm_exact_demo`; one entry per searched data set.

    Attributes
    ----------
    ns : numpy.ndarray
        Sample size of each data set, as floats.
    family : numpy.ndarray
        0 for points uniform in the unit disc, 1 for points uniform on :math:`\{-1,1\}^2`, 2 for
        the data set found by the local search (the last entry).
    rad, rad_lin : numpy.ndarray
        Exact :math:`\widehat{\mathrm{Rad}}_S(\calF_1)` (path norm at most 1) and exact
        Rademacher complexity of the unit :math:`\ell_1` ball of linear functions.
    massart : numpy.ndarray
        Massart's bound :math:`\max_i\norm{x_i}_\infty\sqrt{2\log 4/n}` on ``rad_lin``.
    ratio, ratio_massart : numpy.ndarray
        ``rad / (2 rad_lin)`` and ``rad_lin / massart``, at most 1 by contraction and by Massart.
    max_ratio, max_ratio_massart : float
        Largest ``ratio`` and ``ratio_massart`` over the data sets.
    massart_wrong : float
        :math:`1/\sqrt{2\log 4}`: ``ratio_massart`` at which ``rad_lin`` equals the wrong bound
        :math:`\max_i\norm{x_i}_\infty/\sqrt n` without the logarithm.
    best_X : numpy.ndarray
        The data set of largest ``ratio``, shape ``(n, 2)``.
    chain_tightness : float
        Largest ``rad`` over the full bound :math:`2\max_i\norm{x_i}_\infty\sqrt{2\log4/n}`.
    """

    ns: np.ndarray
    family: np.ndarray
    rad: np.ndarray
    rad_lin: np.ndarray
    massart: np.ndarray
    ratio: np.ndarray
    ratio_massart: np.ndarray
    max_ratio: float
    max_ratio_massart: float
    massart_wrong: float
    best_X: np.ndarray
    chain_tightness: float

    def plot(self, ax=None):
        ax = axes(ax)
        jit = 0.12
        for fam, label, c in ((0, "disc", COLORS[0]), (1, r"$\{-1,1\}^2$", COLORS[1])):
            m = self.family == fam
            ax.plot(
                self.ns[m] - jit, 2 * self.ratio[m], "o", ms=4, color=c, alpha=0.6, label=f"{label}: Rad / Rad(lin)"
            )
            lab = rf"{label}: Rad(lin) $\sqrt{{n}}/\max\|x_i\|_\infty$"
            y = self.ratio_massart[m] / self.massart_wrong
            ax.plot(self.ns[m] + jit, y, "s", ms=4, mfc="none", color=c, alpha=0.6, label=lab)
        m = self.family == 2
        ax.plot(self.ns[m], 2 * self.ratio[m], "*", ms=12, color=COLORS[2], label="local search: Rad / Rad(lin)")
        ax.axhline(2.0, color="0.2", linestyle="--", label="contraction bound 2")
        ax.axhline(1 / self.massart_wrong, color="0.2", linestyle="-.", label=r"Massart bound $\sqrt{2\log 4}$")
        ax.axhline(1.0, color="0.55", linestyle=":", label="wrong bounds (no factor 2, no logarithm)")
        ax.set_ylim(0, 2.3)
        ax.set_xlabel("sample size $n$")
        ax.set_ylabel("exact complexity / reference")
        ax.legend(fontsize=7, ncol=2, loc="upper center", bbox_to_anchor=(0.5, -0.2))
        return ax


def path_norm_exact_demo(
    *,
    ns: Sequence[int] = (3, 4, 6, 8, 12),
    n_sets: int = 40,
    n_search: int = 300,
    seed: int = 0,
) -> PathNormExactResult:
    r"""Exact Rademacher complexities of the path-norm ball on small planar samples.

    For each :math:`n` in ``ns``, ``n_sets`` data sets of :math:`n` points uniform in the unit
    disc and ``n_sets`` of points uniform on the vertices :math:`\{-1,1\}^2` of the square; for
    each, :func:`path_norm_rademacher` (:math:`\varphi = 1`), :func:`l1_ball_rademacher` and
    Massart's bound :math:`\max_i\norm{x_i}_\infty\sqrt{2\log 4/n}`, all exact. Then a seeded
    local search (``n_search`` Gaussian moves of the points inside the disc, a move kept when it
    increases ``rad / rad_lin``) starts from the disc data set of size ``ns[0]`` with the largest
    ratio; its end point is the last data set. The contraction bound says
    ``rad <= 2 rad_lin`` on every data set; without the factor 2 it would say
    ``rad <= rad_lin``.

    Parameters
    ----------
    ns : sequence of int, default (3, 4, 6, 8, 12)
        Sample sizes, increasing, between 2 and 16.
    n_sets : int, default 40
        Data sets per size and family, >= 1.
    n_search : int, default 300
        Steps of the local search, >= 0.
    seed : int, default 0

    Returns
    -------
    PathNormExactResult

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*, theorem ``kernels-rademacher_bounds``
    (4). Ledoux and Talagrand (1991), Theorem 4.12; Neyshabur, Tomioka, Srebro (2015).
    """
    ns = check_int_sequence(ns, "ns", minimum=2, maximum=_MAX_ENUM, increasing=True)
    n_sets = check_int(n_sets, "n_sets", minimum=1)
    n_search = check_int(n_search, "n_search", minimum=0)
    g = rng(seed)

    def disc(n):
        r = np.sqrt(g.uniform(size=n))
        t = g.uniform(0, 2 * math.pi, size=n)
        return np.c_[r * np.cos(t), r * np.sin(t)]

    def ratio_of(X):
        return path_norm_rademacher(X) / l1_ball_rademacher(X)

    sets, fams = [], []
    for n in ns:
        for fam in (0, 1):
            for _ in range(n_sets):
                sets.append(disc(n) if fam == 0 else g.choice(np.array([-1.0, 1.0]), size=(n, 2)))
                fams.append(fam)
    # local search from the best disc set of the smallest size
    first = [i for i, (X, f) in enumerate(zip(sets, fams)) if f == 0 and X.shape[0] == ns[0]]
    X = sets[max(first, key=lambda i: ratio_of(sets[i]))].copy()
    best = ratio_of(X)
    for _ in range(n_search):
        Y = X + 0.05 * g.standard_normal(X.shape)
        Y /= np.maximum(1.0, np.linalg.norm(Y, axis=1, keepdims=True))
        r = ratio_of(Y)
        if r > best:
            X, best = Y, r
    sets.append(X)
    fams.append(2)
    n_arr = np.array([S.shape[0] for S in sets], dtype=float)
    rad = np.array([path_norm_rademacher(S) for S in sets])
    lin = np.array([l1_ball_rademacher(S) for S in sets])
    bmax = np.array([np.abs(S).max() for S in sets])
    massart = bmax * np.sqrt(2 * math.log(4) / n_arr)
    ratio = rad / (2 * lin)
    ratio_m = lin / massart
    i_best = int(np.argmax(ratio))
    return PathNormExactResult(
        ns=n_arr,
        family=np.array(fams),
        rad=rad,
        rad_lin=lin,
        massart=massart,
        ratio=ratio,
        ratio_massart=ratio_m,
        max_ratio=float(ratio.max()),
        max_ratio_massart=float(ratio_m.max()),
        massart_wrong=1 / math.sqrt(2 * math.log(4)),
        best_X=sets[i_best],
        chain_tightness=float(np.max(rad / (2 * massart))),
    )


_EXACT_HYP = (
    "one hidden ReLU layer, no biases, any width, l1 path norm <= 1, on planar samples of size <= 12; "
    "the supremum over the l1 sphere and the expectation over the 2^n signs are computed exactly"
)
declare_check(
    "kernels.rademacher_bounds",
    label="path_norm_exact",
    quantity="largest ratio over the searched data sets of the exact Rademacher complexity of the path-norm "
    "ball to 2 phi Rad_S(l1 ball of linear functions) (contraction)",
    claim="upper bound",
    relation="<=",
    measure="max_ratio",
    predict=1.0,
    tolerance=1e-12,
    reason="exact enumeration of the 2^n signs and of the candidate maximisers; only float rounding",
    hypotheses=_EXACT_HYP,
    wrong="the contraction bound without the factor 2, Rad_S <= phi Rad_S(l1 ball), i.e. max ratio <= 1/2",
    wrong_predict=0.5,
    demo=path_norm_exact_demo,
)
declare_check(
    "kernels.rademacher_bounds",
    label="path_norm_massart",
    quantity="largest ratio over the searched data sets of the exact Rademacher complexity of the l1 ball of "
    "linear functions to Massart's bound max_i |x_i|_inf sqrt(2 log(2d)/n), d = 2",
    claim="upper bound",
    relation="<=",
    measure="max_ratio_massart",
    predict=1.0,
    tolerance=1e-12,
    reason="exact enumeration of the 2^n signs; only float rounding",
    hypotheses="any sample in R^2 with n <= 12; the l1 ball is the symmetric convex hull of the 2d coordinate "
    "vectors, so Massart's lemma applies to the 2d vectors (+-x_ik)_i",
    wrong="the dimension-free bound max_i |x_i|_inf / sqrt(n) (the Euclidean argument of part 2 copied to the "
    "dual norm l_inf), i.e. max ratio <= 1/sqrt(2 log 4)",
    wrong_predict=lambda r: float(r.massart_wrong),
    demo=path_norm_exact_demo,
)


@demo_result
class PathNormTrainedResult(DemoResult):
    r"""Result of :func:`path_norm_trained_demo`; one entry per width.

    Attributes
    ----------
    widths : numpy.ndarray
        Hidden widths :math:`m`, as floats.
    train_trunc, test_trunc, test_trunc_se : numpy.ndarray
        Training and test risks of the truncated squared loss :math:`\min(1,(f-y)^2)`, and the
        standard error of the test risk over the test points.
    path_norms, path_levels : numpy.ndarray
        :math:`\ell_1` path norm :math:`\varphi` of the trained network and the level
        :math:`\varphi_k = 2^k\ge\varphi` of the grid used by the bound.
    path_bound : numpy.ndarray
        :math:`\hat R + 8\varphi_k\sqrt{2\log(2(d+1))/n} + \sqrt{\log((k+1)(k+2)/\delta)/(2n)}`, a
        bound on the test risk valid with probability :math:`1-\delta` simultaneously for all
        networks and levels.
    grs_bound : numpy.ndarray
        :math:`\hat R + 4\,B(\sqrt{4\log2}+1)\norm{W_1}_F\norm{W_2}_F/\sqrt n + \sqrt{\log(1/\delta)/(2n)}`
        (parts 1 and 3 at the trained norms, without a union bound), :math:`B = \max_i\norm{\tilde x_i}_2`.
    spectral, spectral_init : numpy.ndarray
        :math:`R_{\mathcal A}` with reference matrices 0, and with the initial weights.
    bft_term, bft_term_init : numpy.ndarray
        :math:`2\norm{X}_2R_{\mathcal A}/n` (the loss's Lipschitz constant 2 in place of
        :math:`1/\gamma`), the leading term of Theorem 1.1 without its logarithmic factors and
        constants, for the two choices of references.
    lipschitz : numpy.ndarray
        :math:`\norm{W_1}_\sigma\norm{W_2}_\sigma`, the Lipschitz bound of the network.
    n, d : int
        Training sample size and input dimension (the inputs have :math:`d + 1` coordinates).
    delta : float
        Failure probability of the bounds.
    """

    widths: np.ndarray
    train_trunc: np.ndarray
    test_trunc: np.ndarray
    test_trunc_se: np.ndarray
    path_norms: np.ndarray
    path_levels: np.ndarray
    path_bound: np.ndarray
    grs_bound: np.ndarray
    spectral: np.ndarray
    spectral_init: np.ndarray
    bft_term: np.ndarray
    bft_term_init: np.ndarray
    lipschitz: np.ndarray
    n: int
    d: int
    delta: float

    def plot(self, ax=None):
        ax = axes(ax)
        w = self.widths
        gap = self.test_trunc - self.train_trunc
        curves = (
            (gap, "o-", "measured gap (truncated loss)"),
            (self.path_bound - self.train_trunc, "s--", "path-norm bound"),
            (self.grs_bound - self.train_trunc, "^--", "Frobenius (GRS) bound"),
            (self.bft_term, "v:", r"$2\|X\|_2R_{\mathcal{A}}/n$, $M_i = 0$"),
            (self.bft_term_init, "d:", r"$2\|X\|_2R_{\mathcal{A}}/n$, $M_i = A_i(0)$"),
        )
        for i, (y, fmt, lab) in enumerate(curves):
            ax.loglog(w, y, fmt, color=COLORS[i], label=lab)
        ax.axhline(1.0, color="0.5", linewidth=0.8, label="loss $\\leq 1$: above, vacuous")
        ax.set_xticks(w)
        ax.set_xticklabels([str(int(v)) for v in w])
        ax.minorticks_off()
        ax.set_xlabel("width $m$")
        ax.set_ylabel("generalisation gap and bounds")
        ax.legend(fontsize=7)
        return ax


@small_network_threads
def path_norm_trained_demo(
    *,
    widths: Sequence[int] = (16, 64, 256),
    n: int = 100,
    d: int = 4,
    steps: int = 500,
    lr: float = 1.0,
    noise: float = 0.3,
    n_test: int = 4000,
    delta: float = 0.05,
    seed: int = 0,
    device: Any = "cpu",
) -> PathNormTrainedResult:
    r"""Trained one-hidden-layer ReLU networks: the gap against path-norm, Frobenius and spectral bounds.

    Inputs :math:`x\sim U[-1,1]^d` augmented to :math:`\tilde x = (x,1)` (the constant
    coordinate plays the bias, and :math:`\norm{\tilde x}_\infty = 1`), responses
    :math:`y = \sin(2u\cdot x) + \text{noise}\cdot\xi`, :math:`\xi\sim N(0,1)`, :math:`u` a random
    unit vector; networks :func:`dlmath.nets.mlp` with one hidden layer, no bias, float64,
    trained by ``steps`` full-batch gradient steps on the mean squared error. For the truncated
    squared loss :math:`\min(1,(f-y)^2)` (values in :math:`[0,1]`, 2-Lipschitz in :math:`f`),
    parts (1) and (4) of the theorem and a union bound over the levels
    :math:`\varphi_k = 2^k`, :math:`\delta_k = \delta/((k+1)(k+2))`, give with probability
    :math:`1-\delta`, for every network at once,
    :math:`R\le\hat R + 2\cdot2\cdot2\varphi_k\sqrt{2\log(2(d+1))/n} + \sqrt{\log(1/\delta_k)/(2n)}`
    with :math:`k` the least level above the path norm (``path_bound``). Also reported: the
    Frobenius bound of part (3) at the trained norms (``grs_bound``), the spectral complexity
    :math:`R_{\mathcal A}` (references 0 and the initial weights) and the leading term
    :math:`2\norm{X}_2R_{\mathcal A}/n` of Theorem 1.1 of Bartlett, Foster and Telgarsky.

    Parameters
    ----------
    widths : sequence of int, default (16, 64, 256)
        Hidden widths, increasing, >= 1.
    n, d, steps : int, default 100, 4 and 500
        Training sample size (>= 2), input dimension (>= 1) and gradient steps (>= 1).
    lr, noise : float, default 1.0 and 0.3
        Step size (> 0) and standard deviation of the label noise (>= 0).
    n_test : int, default 4000
        Test points, >= 10.
    delta : float, default 0.05
        Failure probability, in (0, 1).
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    PathNormTrainedResult

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*, theorem ``kernels-rademacher_bounds``
    (4), (5). Neyshabur, Tomioka, Srebro (2015); Bartlett, Foster, Telgarsky (2017), Theorem 1.1;
    Golowich, Rakhlin, Shamir (2020), Theorem 1.
    """
    from ..nets import mlp

    widths = np.asarray(check_int_sequence(widths, "widths", minimum=1, increasing=True), dtype=np.int64)
    n = check_int(n, "n", minimum=2)
    d = check_int(d, "d", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    noise = check_real(noise, "noise", minimum=0.0)
    n_test = check_int(n_test, "n_test", minimum=10)
    delta = check_real(delta, "delta", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    device = check_device(device)
    gen = torch_generator(seed)
    f64 = torch.float64
    u = torch.randn(d, generator=gen, dtype=f64)
    u /= u.norm()

    def data(m):
        x = 2 * torch.rand(m, d, generator=gen, dtype=f64) - 1
        y = torch.sin(2 * x @ u) + noise * torch.randn(m, generator=gen, dtype=f64)
        return torch.cat([x, torch.ones(m, 1, dtype=f64)], dim=1), y

    X, y = data(n)
    Xt, yt = data(n_test)
    Xd, yd, Xtd = X.to(device), y.to(device), Xt.to(device)
    B2 = float(X.norm(dim=1).max())
    X_fro = float(X.norm())
    rad_unit = math.sqrt(2 * math.log(2 * (d + 1)) / n)  # Massart factor, |x~|_inf = 1
    seeds = rng(seed).integers(0, 2**31, len(widths))
    keys = ("tr", "te", "se", "phi", "lev", "pb", "grs", "sp", "sp0", "lip")
    out: dict[str, list[float]] = {k: [] for k in keys}
    for w, s in zip(widths, seeds):
        net = mlp(d + 1, int(w), 1, sw2=2.0, sb2=0.0, dtype=f64, device=device, seed=int(s))
        A0 = [W.detach().cpu().numpy().copy() for W in net.effective_weights()]
        opt = torch.optim.SGD(net.parameters(), lr=lr)
        for _ in range(steps):
            opt.zero_grad()
            ((net(Xd)[:, 0] - yd) ** 2).mean().backward()
            opt.step()
        with torch.no_grad():
            ltr = torch.clamp((net(Xd)[:, 0].cpu() - y) ** 2, max=1.0)
            lte = torch.clamp((net(Xtd)[:, 0].cpu() - yt) ** 2, max=1.0)
            A = [W.detach().cpu().numpy() for W in net.effective_weights()]
        phi = path_norm(A)
        k = max(0, math.ceil(math.log2(phi))) if phi > 0 else 0
        tr = float(ltr.mean())
        conf = math.sqrt(math.log((k + 1) * (k + 2) / delta) / (2 * n))
        frob = float(np.prod([np.linalg.norm(W) for W in A]))
        grs = B2 * (math.sqrt(2 * math.log(2) * 2) + 1) * frob / math.sqrt(n)
        out["tr"].append(tr)
        out["te"].append(float(lte.mean()))
        out["se"].append(float(lte.std()) / math.sqrt(n_test))
        out["phi"].append(phi)
        out["lev"].append(2.0**k)
        out["pb"].append(tr + 2 * 2 * 2 * 2.0**k * rad_unit + conf)
        out["grs"].append(tr + 4 * grs + math.sqrt(math.log(1 / delta) / (2 * n)))
        out["sp"].append(spectral_complexity(A))
        out["sp0"].append(spectral_complexity(A, references=A0))
        out["lip"].append(float(np.prod([np.linalg.norm(W, 2) for W in A])))
    R = {k: np.array(v) for k, v in out.items()}
    return PathNormTrainedResult(
        widths=widths.astype(float),
        train_trunc=R["tr"],
        test_trunc=R["te"],
        test_trunc_se=R["se"],
        path_norms=R["phi"],
        path_levels=R["lev"],
        path_bound=R["pb"],
        grs_bound=R["grs"],
        spectral=R["sp"],
        spectral_init=R["sp0"],
        bft_term=2 * X_fro * R["sp"] / n,
        bft_term_init=2 * X_fro * R["sp0"] / n,
        lipschitz=R["lip"],
        n=n,
        d=d,
        delta=delta,
    )


declare_check(
    "kernels.rademacher_bounds",
    label="path_norm_trained",
    quantity="largest ratio over the widths of the test risk of the truncated squared loss to the path-norm "
    "bound (parts 1 and 4, union bound over the levels 2^k)",
    claim="illustration",
    relation="<=",
    measure=lambda r: float(np.max(r.test_trunc / r.path_bound)),
    predict=1.0,
    tolerance=lambda r: 3 * float(np.max(r.test_trunc_se / r.path_bound)),
    reason="3 standard errors of the test risk over the test points (the bound holds with probability 1 - delta "
    "over the training sample)",
    hypotheses="loss min(1, (f - y)^2) in [0, 1], 2-Lipschitz in f; one hidden ReLU layer without biases on "
    "inputs (x, 1) with |.|_inf <= 1; i.i.d. training sample; the path-norm levels 2^k and their "
    "probabilities delta/((k+1)(k+2)) are fixed before training, so the bound applies to the trained "
    "network",
    wrong="no generalisation gap: the test risk bounded by the training risk alone (measured as the test risk "
    "less 3 standard errors over the training risk)",
    wrong_measure=lambda r: float(np.max((r.test_trunc - 3 * r.test_trunc_se) / r.train_trunc)),
    demo=path_norm_trained_demo,
)
