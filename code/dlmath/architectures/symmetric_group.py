r"""Permutation-equivariant linear layers on tensors: the orbit basis and its dimension.

The symmetric group :math:`S_n` acts on :math:`\R^{n^k}` (order-:math:`k` tensors: node features for
:math:`k = 1`, edge features for :math:`k = 2`) by :math:`(\sigma X)_{i_1\dots i_k} =
X_{\sigma^{-1}(i_1)\dots\sigma^{-1}(i_k)}`. A linear map :math:`\R^{n^k} \to \R^{n^l}` commutes with
this action if and only if its coefficient tensor is constant on the orbits of :math:`S_n` on
index tuples :math:`[n]^{l+k}`; the orbits are the equality patterns, i.e. the set partitions of
the :math:`l + k` positions into at most :math:`n` blocks (chapter *The linear algebra of
symmetry*, theorem ``architectures-symmetric_group_layers``).

References
----------
Maron, Ben-Hamu, Shamir and Lipman, *Invariant and equivariant graph networks*, ICLR 2019,
Theorem 1.
"""

from __future__ import annotations

import itertools
import time
from typing import Any, Sequence

import numpy as np

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_int, check_int_sequence
from .representations import equivariant_maps

__all__ = [
    "stirling2",
    "bell_number",
    "equivariant_dimension",
    "permutation_action",
    "orbit_basis",
    "SymmetricGroupLayersResult",
    "symmetric_group_layers_demo",
]

_MAX_UNKNOWNS = 2000


def stirling2(m: int, j: int) -> int:
    r"""Stirling number of the second kind :math:`S(m, j)`: partitions of :math:`m` points into :math:`j` blocks.

    Recursion :math:`S(m, j) = jS(m-1, j) + S(m-1, j-1)`, :math:`S(0, 0) = 1`,
    :math:`S(m, 0) = 0` for :math:`m \ge 1` (chapter *The linear algebra of symmetry*).

    Parameters
    ----------
    m : int
        Number of points, >= 0.
    j : int
        Number of blocks, >= 0.

    Returns
    -------
    int

    Examples
    --------
    >>> [stirling2(4, j) for j in range(5)]
    [0, 1, 7, 6, 1]
    """
    m = check_int(m, "m", minimum=0)
    j = check_int(j, "j", minimum=0)
    row = [1]  # S(0, .)
    for i in range(1, m + 1):
        row = [0] + [(b * row[b] if b < len(row) else 0) + row[b - 1] for b in range(1, i + 1)]
    return row[j] if j < len(row) else 0


def bell_number(m: int) -> int:
    r"""Bell number :math:`B(m) = \sum_j S(m, j)`, the number of set partitions of :math:`m` points.

    Chapter *The linear algebra of symmetry*.

    Parameters
    ----------
    m : int
        Number of points, >= 0.

    Returns
    -------
    int

    Examples
    --------
    >>> [bell_number(m) for m in range(6)]
    [1, 1, 2, 5, 15, 52]
    """
    m = check_int(m, "m", minimum=0)
    return sum(stirling2(m, j) for j in range(m + 1))


def equivariant_dimension(n: int, k: int, l: int) -> int:  # noqa: E741
    r""":math:`\dim\mathrm{Hom}_{S_n}(\R^{n^k}, \R^{n^l}) = \sum_{j=0}^{\min(n, k+l)} S(k+l, j)`.

    The number of set partitions of :math:`k + l` points into at most :math:`n` blocks; it equals the
    Bell number :math:`B(k+l)` exactly when :math:`n \ge k + l` (chapter *The linear algebra of
    symmetry*, theorem ``architectures-symmetric_group_layers``; Maron et al. (2019), Theorem 1).

    Parameters
    ----------
    n : int
        Number of nodes, >= 1.
    k, l : int
        Orders of the input and output tensors, >= 0.

    Returns
    -------
    int

    Examples
    --------
    >>> [equivariant_dimension(n, 2, 2) for n in (1, 2, 3, 4, 5)]
    [1, 8, 14, 15, 15]
    """
    n = check_int(n, "n", minimum=1)
    k = check_int(k, "k", minimum=0)
    l = check_int(l, "l", minimum=0)  # noqa: E741
    return sum(stirling2(k + l, j) for j in range(min(n, k + l) + 1))


def permutation_action(n: int, k: int) -> np.ndarray:
    r"""Matrices of generators of :math:`S_n` acting on :math:`\R^{n^k}`: :math:`P_\sigma^{\otimes k}`.

    The generators are the transposition :math:`(0\,1)` and the :math:`n`-cycle
    :math:`i \mapsto i+1 \bmod n`, which generate :math:`S_n`; for :math:`n = 2` only the
    transposition, for :math:`n = 1` the identity. Tensors are flattened row-major, so
    :math:`P_\sigma^{\otimes k}` is ``np.kron`` of :math:`k` copies (chapter *The linear algebra of
    symmetry*).

    Parameters
    ----------
    n : int
        Number of nodes, >= 1.
    k : int
        Tensor order, >= 0 (:math:`k = 0`: the trivial representation on :math:`\R`).

    Returns
    -------
    numpy.ndarray, shape (n_generators, n**k, n**k)

    Examples
    --------
    >>> permutation_action(3, 2).shape
    (2, 9, 9)
    """
    n = check_int(n, "n", minimum=1)
    k = check_int(k, "k", minimum=0)
    eye = np.eye(n)
    perms = []
    if n >= 2:
        t = np.arange(n)
        t[[0, 1]] = [1, 0]
        perms.append(t)
    if n >= 3:
        perms.append((np.arange(n) + 1) % n)
    if not perms:
        perms.append(np.arange(n))
    out = []
    for p in perms:
        P = eye[:, p]  # P e_i = e_{p(i)}
        M = np.eye(1)
        for _ in range(k):
            M = np.kron(M, P)
        out.append(M)
    return np.array(out)


def _pattern(t: Sequence[int]) -> tuple[int, ...]:
    """The equality pattern of an index tuple, as a restricted growth string (first occurrences 0, 1, ...)."""
    seen: dict[int, int] = {}
    return tuple(seen.setdefault(v, len(seen)) for v in t)


def _pattern_basis(n: int, k: int, l: int, key) -> np.ndarray:  # noqa: E741
    """Indicator tensors, shape (count, n**l, n**k), of the classes of index tuples under ``key``."""
    classes: dict[Any, list[int]] = {}
    for flat, t in enumerate(itertools.product(range(n), repeat=l + k)):
        classes.setdefault(key(t), []).append(flat)
    out = np.zeros((len(classes), n ** (l + k)))
    for row, key_ in enumerate(sorted(classes)):
        out[row, classes[key_]] = 1.0
    return out.reshape(len(classes), n**l, n**k)


def orbit_basis(n: int, k: int, l: int) -> np.ndarray:  # noqa: E741
    r"""The orbit basis of :math:`\mathrm{Hom}_{S_n}(\R^{n^k}, \R^{n^l})`.

    For each set partition :math:`\pi` of the :math:`l + k` index positions (output indices first)
    into at most :math:`n` blocks, the 0/1 matrix :math:`B_\pi[(i_1..i_l), (j_1..j_k)] = 1` iff
    the equality pattern of :math:`(i_1, \dots, i_l, j_1, \dots, j_k)` is exactly :math:`\pi`
    (positions in the same block carry equal indices, positions in different blocks different
    ones). The supports are the :math:`S_n`-orbits on :math:`[n]^{l+k}`, disjoint and nonempty, so
    the :math:`B_\pi` are orthogonal, and they span the equivariant maps (chapter *The linear
    algebra of symmetry*, theorem ``architectures-symmetric_group_layers``; Maron et al. (2019)).

    Parameters
    ----------
    n : int
        Number of nodes, >= 1.
    k, l : int
        Input and output orders, >= 0, with :math:`n^{k+l} \le 2000`.

    Returns
    -------
    numpy.ndarray, shape (equivariant_dimension(n, k, l), n**l, n**k)
        Ordered by the restricted growth strings of the partitions.

    Examples
    --------
    >>> B = orbit_basis(4, 1, 1)  # the identity and the all-ones matrix minus the identity
    >>> B.shape, float(B[0].trace()), float(B[1].trace())
    ((2, 4, 4), 4.0, 0.0)
    """
    n, k, l = _check_nkl(n, k, l)  # noqa: E741
    return _pattern_basis(n, k, l, _pattern)


def _check_nkl(n: Any, k: Any, l: Any) -> tuple[int, int, int]:  # noqa: E741
    n = check_int(n, "n", minimum=1)
    k = check_int(k, "k", minimum=0)
    l = check_int(l, "l", minimum=0)  # noqa: E741
    if n ** (k + l) > _MAX_UNKNOWNS:
        raise ValueError(f"n**(k + l) must be <= {_MAX_UNKNOWNS}, got {n}**{k + l}")
    return n, k, l


def _cyclic_orbit_basis(n: int, k: int, l: int) -> np.ndarray:  # noqa: E741
    """Indicators of the orbits of the diagonal cyclic shift on [n]^(l+k) (the wrong answer)."""
    return _pattern_basis(n, k, l, lambda t: tuple((v - t[0]) % n for v in t))


def _residual(basis: np.ndarray, g_in: np.ndarray, g_out: np.ndarray) -> float:
    """max over basis elements and generators of ||P_out B - B P_in||_F."""
    if len(basis) == 0:
        return 0.0
    res = np.einsum("gij,bjk->gbik", g_out, basis) - np.einsum("bij,gjk->gbik", basis, g_in)
    return float(np.max(np.linalg.norm(res, axis=(2, 3))))


@demo_result
class SymmetricGroupLayersResult(DemoResult):
    r"""Result of :func:`symmetric_group_layers_demo`: one row per :math:`(n, k, l)`.

    Attributes
    ----------
    ns, ks, ls : numpy.ndarray of int
        The cases.
    numerical : numpy.ndarray of int
        Null-space dimension of the stacked constraints (:func:`equivariant_maps`).
    formula, bell : numpy.ndarray of int
        :math:`\sum_{j\le n}S(k+l, j)` and :math:`B(k+l)`.
    orbit_count, orbit_rank, span_rank : numpy.ndarray of int
        Number and rank of the orbit tensors, and rank of the null-space basis and the orbit
        basis together.
    cyclic_span_rank : numpy.ndarray of int
        The same rank with the orbits of the cyclic shift instead (the wrong answer).
    residuals : numpy.ndarray
        :math:`\max_{\pi, g}\|P_g^{\otimes l}B_\pi - B_\pi P_g^{\otimes k}\|_F` over generators.
    identity_gap, bell_gap : float
        Largest :math:`|` numerical :math:`-` formula :math:`|`, and :math:`|` numerical
        :math:`- B(k+l)|`.
    basis_gap, cyclic_basis_gap : float
        Largest of :math:`|` orbit_count :math:`-` numerical :math:`|`, :math:`|` orbit_rank
        :math:`-` numerical :math:`|`, :math:`|` span_rank :math:`-` numerical :math:`|`; and
        :math:`|` cyclic_span_rank :math:`-` numerical :math:`|`.
    max_residual : float
        Largest ``residuals``.
    seconds : float
        Run time.
    """

    ns: np.ndarray
    ks: np.ndarray
    ls: np.ndarray
    numerical: np.ndarray
    formula: np.ndarray
    bell: np.ndarray
    orbit_count: np.ndarray
    orbit_rank: np.ndarray
    span_rank: np.ndarray
    cyclic_span_rank: np.ndarray
    residuals: np.ndarray
    identity_gap: float
    bell_gap: float
    basis_gap: float
    cyclic_basis_gap: float
    max_residual: float
    seconds: float

    def plot(self, ax=None):
        ax = axes(ax)
        orders = sorted(set(zip(self.ks.tolist(), self.ls.tolist())), key=lambda o: (sum(o), o))
        for c, (k, l) in enumerate(orders):  # noqa: E741
            sel = (self.ks == k) & (self.ls == l)
            shift = 0.06 * (c - (len(orders) - 1) / 2)
            color = COLORS[c % len(COLORS)]
            ax.plot(self.ns[sel] + shift, self.numerical[sel], "o", color=color, label=f"$(k, l) = ({k}, {l})$")
            ax.plot(self.ns[sel] + shift, self.formula[sel], "_", color="k", ms=10)
        for m in sorted(set((self.ks + self.ls).tolist())):
            ax.axhline(bell_number(m), color="0.6", linestyle=":", lw=1)
        ax.set_yscale("log")
        ax.set_xlabel("number of nodes $n$")
        ax.set_ylabel(r"$\dim \mathrm{Hom}_{S_n}(\mathbb{R}^{n^k}, \mathbb{R}^{n^l})$")
        ax.set_title(r"dots: SVD null space; dashes: $\sum_{j\leq n} S(k+l, j)$; dotted: $B(k+l)$", fontsize=9)
        ax.legend(fontsize=7, ncol=2)
        return ax


def symmetric_group_layers_demo(
    *,
    ns: Sequence[int] = (1, 2, 3, 4, 5),
    orders: Sequence[Sequence[int]] = ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1)),
    seed: int = 0,
) -> SymmetricGroupLayersResult:
    r"""Dimension of :math:`S_n`-equivariant maps :math:`\R^{n^k} \to \R^{n^l}`: null space against formula.

    For every :math:`n` in ``ns`` and :math:`(k, l)` in ``orders`` with :math:`n^{k+l} \le 2000`
    unknowns, the demo computes the null space of the stacked constraints of two generators of
    :math:`S_n` (:func:`permutation_action`, :func:`equivariant_maps`), the formula
    :math:`\sum_{j\le n}S(k+l, j)`, the Bell number :math:`B(k+l)`, the orbit basis
    (:func:`orbit_basis`), its rank, the rank of its union with the null-space basis (it spans the
    null space iff that rank is the null-space dimension) and its equivariance residual; as the
    wrong answer, the same rank for the orbits of the cyclic shift. Everything is deterministic.

    Parameters
    ----------
    ns : sequence of int, default (1, 2, 3, 4, 5)
        Numbers of nodes, each in [1, 12].
    orders : sequence of pairs of int, default ((1, 1), (1, 2), (2, 1), (2, 2), (1, 3), (3, 1))
        Input and output orders :math:`(k, l)`, each in [0, 4].
    seed : int, default 0
        Unused (the demo is deterministic); kept for the common signature.

    Returns
    -------
    SymmetricGroupLayersResult

    References
    ----------
    Book: chapter *The linear algebra of symmetry*, theorem ``architectures-symmetric_group_layers``.
    Maron et al. (2019), Theorem 1.
    """
    ns = check_int_sequence(ns, "ns", minimum=1, maximum=12, distinct=True)
    if isinstance(orders, (str, bytes)) or not hasattr(orders, "__len__") or len(orders) == 0:
        raise TypeError(f"orders must be a non-empty sequence of pairs (k, l), got {type(orders).__name__}")
    orders = [check_int_sequence(o, f"orders[{i}]", minimum=0, maximum=4) for i, o in enumerate(orders)]
    if any(len(o) != 2 for o in orders):
        raise ValueError("orders must contain pairs (k, l)")
    check_int(seed, "seed", minimum=0)
    t0 = time.perf_counter()
    rows = []
    for n in ns:
        for k, l in orders:  # noqa: E741
            if n ** (k + l) > _MAX_UNKNOWNS:
                continue
            g_in, g_out = permutation_action(n, k), permutation_action(n, l)
            null = equivariant_maps(g_in, g_out).reshape(-1, n ** (k + l))
            orb = orbit_basis(n, k, l)
            flat = orb.reshape(len(orb), -1)
            cyc = _cyclic_orbit_basis(n, k, l).reshape(-1, n ** (k + l))
            rows.append(
                (
                    n,
                    k,
                    l,
                    len(null),
                    equivariant_dimension(n, k, l),
                    bell_number(k + l),
                    len(orb),
                    int(np.linalg.matrix_rank(flat)),
                    int(np.linalg.matrix_rank(np.concatenate([null, flat]))),
                    int(np.linalg.matrix_rank(np.concatenate([null, cyc]))),
                    _residual(orb, g_in, g_out),
                )
            )
    if not rows:
        raise ValueError(f"no case (n, k, l) in ns x orders has n**(k + l) <= {_MAX_UNKNOWNS}")
    c = [np.array(col) for col in zip(*rows)]
    num = c[3]
    return SymmetricGroupLayersResult(
        ns=c[0],
        ks=c[1],
        ls=c[2],
        numerical=num,
        formula=c[4],
        bell=c[5],
        orbit_count=c[6],
        orbit_rank=c[7],
        span_rank=c[8],
        cyclic_span_rank=c[9],
        residuals=c[10].astype(float),
        identity_gap=float(np.max(np.abs(num - c[4]))),
        bell_gap=float(np.max(np.abs(num - c[5]))),
        basis_gap=float(max(np.max(np.abs(c[i] - num)) for i in (6, 7, 8))),
        cyclic_basis_gap=float(np.max(np.abs(c[9] - num))),
        max_residual=float(np.max(c[10])),
        seconds=time.perf_counter() - t0,
    )


_SN_HYP = (
    "S_n acting on R^(n^k) and R^(n^l) by permuting every index (P^(x)k), through the generators (0 1) and "
    "the n-cycle; all cases with n^(k+l) <= 2000 unknowns, including n < k + l"
)
declare_check(
    "architectures.symmetric_group_layers",
    quantity="largest |null-space dimension - sum_{j <= n} S(k+l, j)| over the cases (n, k, l)",
    claim="identity",
    relation="approx",
    measure="identity_gap",
    predict=0.0,
    tolerance=0.5,
    reason="the dimensions are integers",
    hypotheses=_SN_HYP,
    wrong="the Bell number B(k+l) for every n (correct only for n >= k + l: 1, 8, 14 against 15 for k+l = 4)",
    wrong_measure="bell_gap",
    demo=symmetric_group_layers_demo,
)
declare_check(
    "architectures.symmetric_group_layers",
    label="basis",
    quantity="largest deviation of the count, the rank and the span (rank of the union with the null "
    "space) of the orbit basis from the null-space dimension",
    claim="identity",
    relation="approx",
    measure="basis_gap",
    predict=0.0,
    tolerance=0.5,
    reason="ranks and counts are integers (SVD rank tolerance: float precision times the size)",
    hypotheses=_SN_HYP,
    wrong="the orbits of the cyclic shift i -> i+1 (convolution-like tensors), equivariant under the "
    "n-cycle but not under the transposition: their union with the null space has a larger rank",
    wrong_measure="cyclic_basis_gap",
    demo=symmetric_group_layers_demo,
)
