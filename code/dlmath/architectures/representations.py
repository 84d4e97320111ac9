r"""Schur's lemma and the isotypic decomposition: counting and building equivariant linear maps.

:func:`equivariant_maps` computes :math:`\mathrm{Hom}_G(V, W)` as a null space,
:func:`hom_dimension_character` and :func:`irrep_multiplicities` its dimension from characters, and
:func:`isotypic_layer_basis` builds it block by block from the isotypic components, for
:math:`C_N`, :math:`D_N` on signals and :math:`C_4`, :math:`D_4` on images (chapter *The linear
algebra of symmetry*, theorem ``architectures-schur_isotypic``). Group elements are listed as
:math:`r^ks^e` at index :math:`k + Ne` (:math:`r` the rotation, :math:`s` the reflection), so that
representations of one group can be compared element by element.

References
----------
Serre, *Linear representations of finite groups* (1977), Sections 2.3, 2.6 and 13.2;
Fulton and Harris (1991); Kondor and Trivedi (2018).
"""

from __future__ import annotations

import time
from typing import Any, Sequence

import numpy as np

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_choice, check_int, check_int_sequence, check_real, like_input, rng

__all__ = [
    "equivariant_maps",
    "signal_representation",
    "image_representation",
    "real_irreps",
    "complex_characters",
    "hom_dimension_character",
    "irrep_multiplicities",
    "isotypic_projectors",
    "isotypic_layer_basis",
    "SchurIsotypicResult",
    "schur_isotypic_demo",
]

_GROUPS = ("cyclic", "dihedral")
_SIGNAL_PAIRS = (("cyclic", "shift", "shift"), ("cyclic", "shift2", "shift2"), ("dihedral", "shift", "shift"))
_SIGNAL_PAIRS += (("dihedral", "shift", "sign"),)


def _null_space(A: np.ndarray, tol: float | None) -> np.ndarray:
    """Rows: orthonormal basis of the null space of ``A``; default tol max(shape) * eps * s_max."""
    n = A.shape[1]
    if A.shape[0] == 0:
        return np.eye(n)
    _, s, vt = np.linalg.svd(A, full_matrices=True)
    if tol is None:
        tol = max(A.shape) * np.finfo(float).eps * (s[0] if s.size else 0.0)
    rank = int(np.sum(s > tol))
    return vt[rank:]


def _check_rep(value: Any, name: str) -> np.ndarray:
    arr = as_array(value, name, ndim=3, min_size=1)
    if arr.shape[1] != arr.shape[2]:
        raise ValueError(f"{name} must have shape (m, a, a) (square matrices), got {arr.shape}")
    return arr


def equivariant_maps(rep_in: Any, rep_out: Any, *, tol: float | None = None) -> Any:
    r"""Orthonormal basis of :math:`\mathrm{Hom}_G(V, W) = \{L : \rho_W(g)L = L\rho_V(g)\ \forall g\}`.

    With the row-major vectorisation :math:`\operatorname{vec}(L)` (NumPy's ``L.ravel()``),
    :math:`\operatorname{vec}(AXB) = (A \otimes B^T)\operatorname{vec}(X)`, so the constraint of one
    generator :math:`g` reads :math:`(\rho_W(g) \otimes I_a - I_b \otimes \rho_V(g)^T)\operatorname{vec}(L) = 0`.
    The constraints of the generators (which imply those of the group) are stacked and the null space
    is read off the SVD, orthonormal for the Frobenius product (chapter *The linear algebra of symmetry*).

    Parameters
    ----------
    rep_in, rep_out : array_like, shapes (m, a, a) and (m, b, b)
        :math:`\rho_V` and :math:`\rho_W` on the same generators :math:`g_1, \dots, g_m` of :math:`G`.
    tol : float, optional
        SVD rank tolerance; default ``max(shape) * eps * s_max`` (float precision times the size).

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (dim, b, a)
        The basis; ``len(result)`` is :math:`\dim_\R\mathrm{Hom}_G(V, W)`.

    Examples
    --------
    >>> gens, _ = signal_representation("cyclic", 5)
    >>> equivariant_maps(gens, gens).shape  # the 5 circulant matrices
    (5, 5, 5)
    """
    A_in = _check_rep(rep_in, "rep_in")
    A_out = _check_rep(rep_out, "rep_out")
    if A_out.shape[0] != A_in.shape[0]:
        raise ValueError(f"rep_out must have as many generators as rep_in ({A_in.shape[0]}), got {A_out.shape[0]}")
    if tol is not None:
        tol = check_real(tol, "tol", minimum=0.0)
    a, b = A_in.shape[1], A_out.shape[1]
    rows = [np.kron(B, np.eye(a)) - np.kron(np.eye(b), A.T) for A, B in zip(A_in, A_out)]
    basis = _null_space(np.concatenate(rows, axis=0), tol).reshape(-1, b, a)
    return like_input(basis, rep_in)


def _dihedral_elements(r: np.ndarray, s: np.ndarray | None, N: int) -> np.ndarray:
    """All elements r^k s^e at index k + N e (e = 0 only when s is None)."""
    powers = [np.linalg.matrix_power(r, k) for k in range(N)]
    return np.array(powers + ([p @ s for p in powers] if s is not None else []))


def signal_representation(group: str, N: int, *, action: str = "shift") -> tuple[np.ndarray, np.ndarray]:
    r""":math:`C_N` or :math:`D_N` acting on signals :math:`x \in \R^N` (indices mod :math:`N`).

    ``"shift"``: :math:`(rx)_i = x_{i-1}`, :math:`(sx)_i = x_{-i}`; ``"shift2"``: :math:`r` the shift
    by 2 (:math:`sr^2s = r^{-2}`); ``"sign"`` (dihedral only): :math:`s` acts as :math:`-(x_{-i})_i`,
    the twist by :math:`r \mapsto 1`, :math:`s \mapsto -1` (chapter *The linear algebra of symmetry*).

    Parameters
    ----------
    group : {"cyclic", "dihedral"}
        :math:`C_N` (generator :math:`r`) or :math:`D_N` (generators :math:`r, s`).
    N : int
        Signal length and order of :math:`r`, >= 2.
    action : {"shift", "shift2", "sign"}, default "shift"

    Returns
    -------
    generators, elements : numpy.ndarray
        :math:`\rho(r)` (and :math:`\rho(s)` for :math:`D_N`), shape ``(1 or 2, N, N)``, and
        :math:`\rho(r^ks^e)` at index :math:`k + Ne`, shape ``(N or 2N, N, N)``.

    Examples
    --------
    >>> gens, elems = signal_representation("dihedral", 4)
    >>> gens.shape, elems.shape
    ((2, 4, 4), (8, 4, 4))
    """
    group = check_choice(group, "group", _GROUPS)
    N = check_int(N, "N", minimum=2)
    action = check_choice(action, "action", ("shift", "shift2", "sign"))
    if action == "sign" and group != "dihedral":
        raise ValueError("action 'sign' needs group 'dihedral' (the twist is by the reflection)")
    eye = np.eye(N)
    r = np.roll(eye, 2 if action == "shift2" else 1, axis=0)
    s = eye[(-np.arange(N)) % N]
    if action == "sign":
        s = -s
    if group == "cyclic":
        return r[None], _dihedral_elements(r, None, N)
    return np.array([r, s]), _dihedral_elements(r, s, N)


def image_representation(group: str, N: int) -> tuple[np.ndarray, np.ndarray]:
    r""":math:`C_4` or :math:`D_4` acting on images :math:`x \in \R^{N \times N}` (row-major vectors).

    :math:`r` the rotation by 90 degrees (``numpy.rot90``), :math:`s` the flip (``numpy.fliplr``);
    for :math:`N = 2` the pixels are the corners, permuted simply transitively by :math:`C_4` (chapter
    *The linear algebra of symmetry*).

    Parameters
    ----------
    group : {"cyclic", "dihedral"}
        :math:`C_4` or :math:`D_4`.
    N : int
        Image side, >= 1.

    Returns
    -------
    generators, elements : numpy.ndarray
        Shapes ``(1 or 2, N*N, N*N)`` and ``(4 or 8, N*N, N*N)`` (:math:`\rho(r^ks^e)` at :math:`k + 4e`).

    Examples
    --------
    >>> gens, elems = image_representation("dihedral", 3)
    >>> elems.shape
    (8, 9, 9)
    """
    group = check_choice(group, "group", _GROUPS)
    N = check_int(N, "N", minimum=1)
    basis = np.eye(N * N).reshape(N * N, N, N)
    r = np.array([np.rot90(e).ravel() for e in basis]).T
    s = np.array([np.fliplr(e).ravel() for e in basis]).T
    if group == "cyclic":
        return r[None], _dihedral_elements(r, None, 4)
    return np.array([r, s]), _dihedral_elements(r, s, 4)


def _rotation(theta: float) -> np.ndarray:
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def real_irreps(group: str, N: int) -> list[dict[str, Any]]:
    r"""The real irreducible representations of :math:`C_N` or :math:`D_N`, on all elements.

    :math:`C_N`: trivial, sign (:math:`r \mapsto -1`, :math:`N` even) and :math:`\rho_j(r) = R(2\pi j/N)`,
    :math:`1 \le j < N/2`, of complex type (:math:`\mathrm{End}_G(\rho_j) = \{aI + bJ\}`,
    :math:`J = R(\pi/2)`). :math:`D_N`: :math:`r, s \mapsto \pm1` (:math:`r \mapsto -1` only for even
    :math:`N`) and :math:`\rho_j` with :math:`\rho_j(s) = \diag(1, -1)`, all of real type (chapter
    *The linear algebra of symmetry*; Serre (1977), Sections 5.1, 5.3, 13.2).

    Parameters
    ----------
    group : {"cyclic", "dihedral"}
    N : int
        Order of :math:`r`, >= 2.

    Returns
    -------
    list of dict
        Keys ``"name"``, ``"dim"``, ``"end_basis"`` (a basis of the commutant, ``(dim End, d, d)``) and
        ``"matrices"`` (the irrep on all elements, ``(n_G, d, d)``).

    Examples
    --------
    >>> [(p["name"], p["dim"], len(p["end_basis"])) for p in real_irreps("cyclic", 4)]
    [('trivial', 1, 1), ('sign', 1, 1), ('rot1', 2, 2)]
    """
    group = check_choice(group, "group", _GROUPS)
    N = check_int(N, "N", minimum=2)
    dihedral = group == "dihedral"
    out = []

    def add(name, r, s, end_basis):
        mats = _dihedral_elements(r, s if dihedral else None, N)
        out.append({"name": name, "dim": r.shape[0], "end_basis": np.array(end_basis), "matrices": mats})

    for er in (1, -1) if N % 2 == 0 else (1,):
        for es in (1, -1) if dihedral else (1,):
            name = f"r{'+-'[er < 0]}s{'+-'[es < 0]}" if dihedral else ("trivial", "sign")[er < 0]
            add("trivial" if er == es == 1 else name, er * np.eye(1), es * np.eye(1), [np.eye(1)])
    for j in range(1, (N + 1) // 2):
        R = _rotation(2 * np.pi * j / N)
        if dihedral:
            add(f"rho{j}", R, np.diag([1.0, -1.0]), [np.eye(2)])
        else:
            add(f"rot{j}", R, None, [np.eye(2), _rotation(np.pi / 2)])
    return out


def complex_characters(group: str, N: int) -> np.ndarray:
    r"""Characters of the complex irreducible representations of :math:`C_N` or :math:`D_N`.

    :math:`C_N`: :math:`\chi_j(r^k) = e^{2\pi ijk/N}`, :math:`0 \le j < N`; :math:`D_N`: the characters
    of :func:`real_irreps`, all of real type (chapter *The linear algebra of symmetry*).

    Parameters
    ----------
    group : {"cyclic", "dihedral"}
    N : int
        Order of :math:`r`, >= 2.

    Returns
    -------
    numpy.ndarray, complex, shape (n_irreps, n_G)

    Examples
    --------
    >>> complex_characters("dihedral", 5).shape  # 2 + 2 irreps of D_5 (order 10)
    (4, 10)
    """
    group = check_choice(group, "group", _GROUPS)
    N = check_int(N, "N", minimum=2)
    if group == "cyclic":
        j, k = np.meshgrid(np.arange(N), np.arange(N), indexing="ij")
        return np.exp(2j * np.pi * j * k / N)
    return np.array([_trace(p["matrices"]) for p in real_irreps(group, N)]).astype(complex)


def _trace(mats: Any) -> np.ndarray:
    return np.trace(np.asarray(mats), axis1=1, axis2=2)


def _check_pair(elements_in: Any, elements_out: Any) -> tuple[np.ndarray, np.ndarray]:
    E_in, E_out = _check_rep(elements_in, "elements_in"), _check_rep(elements_out, "elements_out")
    if E_out.shape[0] != E_in.shape[0]:
        raise ValueError(f"elements_out must list {E_in.shape[0]} group elements, got {E_out.shape[0]}")
    return E_in, E_out


def hom_dimension_character(elements_in: Any, elements_out: Any) -> float:
    r"""The character formula :math:`\frac1{|G|}\sum_{g \in G}\chi_V(g)\chi_W(g)` for :math:`\dim\mathrm{Hom}_G(V, W)`.

    For orthogonal (real) representations :math:`\chi(g^{-1}) = \chi(g)` is real, so this is the
    inner product :math:`\langle \chi_V, \chi_W \rangle` of characters (chapter *The linear algebra
    of symmetry*; Serre (1977), Section 2.3).

    Parameters
    ----------
    elements_in, elements_out : array_like, shapes (n_G, a, a) and (n_G, b, b)
        :math:`\rho_V` and :math:`\rho_W` on all elements of :math:`G`, in the same order.

    Returns
    -------
    float
        The formula's value (an integer up to rounding).

    Examples
    --------
    >>> _, el = signal_representation("dihedral", 6)
    >>> round(hom_dimension_character(el, el))  # symmetric circulants: floor(6/2) + 1
    4
    """
    E_in, E_out = _check_pair(elements_in, elements_out)
    return float(np.mean(_trace(E_in) * _trace(E_out)))


def _check_irreps(irreps: Any, order: int) -> list[dict[str, Any]]:
    if not isinstance(irreps, (list, tuple)) or not irreps:
        raise TypeError(f"irreps must be a non-empty list of dicts (see real_irreps), got {type(irreps).__name__}")
    for p in irreps:
        if not isinstance(p, dict) or not {"dim", "end_basis", "matrices"} <= set(p):
            raise TypeError("irreps must be dicts with keys 'dim', 'end_basis' and 'matrices'")
        if np.shape(p["matrices"])[0] != order:
            raise ValueError(f"irreps must be given on all {order} group elements")
    return list(irreps)


def irrep_multiplicities(elements: Any, irreps: Any) -> np.ndarray:
    r"""Multiplicities :math:`m_\rho(V) = \langle\chi_V, \chi_\rho\rangle / \dim\mathrm{End}_G(\rho)` of real irreps.

    For a real irreducible :math:`\rho`, :math:`\langle \chi_\rho, \chi_\rho \rangle =
    \dim\mathrm{End}_G(\rho) \in \{1, 2, 4\}` (real, complex, quaternionic type), hence the
    division (chapter *The linear algebra of symmetry*; Serre (1977), Section 13.2).

    Parameters
    ----------
    elements, irreps : array_like of shape (n_G, a, a), list of dict
        :math:`\rho_V` on all elements and the irreps (:func:`real_irreps`) on the same elements.

    Returns
    -------
    numpy.ndarray, shape (n_irreps,)

    Examples
    --------
    >>> import numpy as np
    >>> _, el = signal_representation("cyclic", 5)
    >>> np.round(irrep_multiplicities(el, real_irreps("cyclic", 5)), 12) + 0.0
    array([1., 1., 1.])
    """
    E = _check_rep(elements, "elements")
    irreps = _check_irreps(irreps, E.shape[0])
    return np.array([np.mean(_trace(E) * _trace(p["matrices"])) / len(p["end_basis"]) for p in irreps])


def isotypic_projectors(elements: Any, irreps: Any) -> np.ndarray:
    r"""Orthogonal projectors onto the isotypic components of a real representation.

    :math:`P_\rho = \frac{\dim\rho}{\dim\mathrm{End}_G(\rho)\,|G|}\sum_{g}\chi_\rho(g)\rho_V(g)`:
    for a complex-type :math:`\rho` with :math:`\rho \otimes \mathbb{C} = \pi \oplus \bar\pi` this
    is :math:`P_\pi + P_{\bar\pi}` with :math:`\dim\pi = \dim\rho/2`. The :math:`P_\rho` are
    symmetric, idempotent, mutually orthogonal, commute with :math:`\rho_V` and sum to :math:`I`
    (chapter *The linear algebra of symmetry*; Serre (1977), Section 2.6).

    Parameters
    ----------
    elements, irreps : array_like of shape (n_G, a, a), list of dict
        :math:`\rho_V` on all elements and all real irreps (:func:`real_irreps`) on the same elements.

    Returns
    -------
    numpy.ndarray, shape (n_irreps, a, a)

    Examples
    --------
    >>> import numpy as np
    >>> _, el = signal_representation("cyclic", 6)
    >>> P = isotypic_projectors(el, real_irreps("cyclic", 6))
    >>> bool(np.allclose(P.sum(axis=0), np.eye(6))), bool(np.allclose(P[2] @ P[2], P[2]))
    (True, True)
    """
    E = _check_rep(elements, "elements")
    irreps = _check_irreps(irreps, E.shape[0])
    coefs = [p["dim"] / (len(p["end_basis"]) * E.shape[0]) * _trace(p["matrices"]) for p in irreps]
    return np.einsum("pg,gij->pij", np.array(coefs), E)


def _adapted_copies(E: np.ndarray, P: np.ndarray, mats: np.ndarray, tol: float) -> list[np.ndarray]:
    """Isometries B (a, d) with E[g] B = B mats[g], whose images decompose the range of P."""
    d = mats.shape[1]
    copies: list[np.ndarray] = []
    rest = P.copy()
    while True:
        u, s, _ = np.linalg.svd(rest)
        if s.size == 0 or s[0] <= tol:
            return copies
        x = u[:, 0]
        # T_c = (d/|G|) sum_g rho_V(g) x e_c^T rho(g)^T intertwines rho with rho_V; since
        # sum_c T_c e_c = dim End * P x = dim End * x, some T_c is nonzero
        Ts = d / E.shape[0] * np.einsum("gij,j,gkc->cik", E, x, mats)
        T = Ts[int(np.argmax(np.linalg.norm(Ts, axis=(1, 2))))]
        B = T / np.sqrt(np.trace(T.T @ T) / d)  # T^T T is a positive multiple of I (Schur)
        copies.append(B)
        rest = rest - B @ B.T @ rest


def isotypic_layer_basis(elements_in: Any, elements_out: Any, irreps: Any) -> np.ndarray:
    r"""A basis of :math:`\mathrm{Hom}_G(V, W)` built block by block from the isotypic components.

    For each real irrep :math:`\rho` of dimension :math:`d`, isometries :math:`B_i : \R^d \to V` with
    :math:`\rho_V(g)B_i = B_i\rho(g)` are found greedily in the range of :math:`P_\rho`: for a unit
    :math:`x` there, some :math:`T_c = \frac{d}{|G|}\sum_g\rho_V(g)\,x\,e_c^T\rho(g)^T` is a nonzero
    intertwiner (as :math:`\sum_cT_ce_c = \dim\mathrm{End}_G(\rho)\,x`), hence injective with
    :math:`T_c^TT_c` a multiple of :math:`I`, and the complement of its image is invariant. With
    :math:`C_j` likewise for :math:`W`, the basis is :math:`C_jFB_i^T`, :math:`F` in a basis of
    :math:`\mathrm{End}_G(\rho)` (:math:`I`, or :math:`I, J`): :math:`\sum_\rho m_\rho(V)m_\rho(W)
    \dim\mathrm{End}_G(\rho)` elements (chapter *The linear algebra of symmetry*).

    Parameters
    ----------
    elements_in, elements_out : array_like, shapes (n_G, a, a) and (n_G, b, b)
        :math:`\rho_V` and :math:`\rho_W` on all elements, in the same order.
    irreps : list of dict
        All real irreps of :math:`G` (:func:`real_irreps`) on the same elements.

    Returns
    -------
    numpy.ndarray, shape (dim, b, a)

    Examples
    --------
    >>> _, el = signal_representation("cyclic", 6)
    >>> isotypic_layer_basis(el, el, real_irreps("cyclic", 6)).shape
    (6, 6, 6)
    """
    E_in, E_out = _check_pair(elements_in, elements_out)
    irreps = _check_irreps(irreps, E_in.shape[0])
    basis = []
    for p, Pv, Pw in zip(irreps, isotypic_projectors(E_in, irreps), isotypic_projectors(E_out, irreps)):
        mats = np.asarray(p["matrices"], dtype=float)
        Bs, Cs = _adapted_copies(E_in, Pv, mats, 1e-8), _adapted_copies(E_out, Pw, mats, 1e-8)
        basis += [C @ F @ B.T for C in Cs for B in Bs for F in np.asarray(p["end_basis"], dtype=float)]
    return np.array(basis).reshape(-1, E_out.shape[1], E_in.shape[1])


def _complex_hom_count(E_in: np.ndarray, E_out: np.ndarray, chars: np.ndarray) -> float:
    """sum over complex irreps pi of m_pi(V (x) C) m_pi(W (x) C)."""
    m_v, m_w = chars.conj() @ _trace(E_in) / len(E_in), chars.conj() @ _trace(E_out) / len(E_out)
    return float(np.real(np.sum(m_v * m_w)))


def _layer_error(basis: np.ndarray, E_in: np.ndarray, E_out: np.ndarray, gen: np.random.Generator) -> float:
    """max_g ||rho_W(g) L - L rho_V(g)||_F / ||L||_F for a random combination L of ``basis``."""
    L = np.einsum("i,iba->ba", gen.standard_normal(len(basis)), basis)
    res = np.einsum("gij,jk->gik", E_out, L) - np.einsum("ij,gjk->gik", L, E_in)
    return float(np.max(np.linalg.norm(res, axis=(1, 2))) / np.linalg.norm(L))


# demo


@demo_result
class SchurIsotypicResult(DemoResult):
    r"""Result of :func:`schur_isotypic_demo`: one entry per pair (group, :math:`V`, :math:`W`).

    Attributes
    ----------
    labels : tuple of str
        The pairs, e.g. ``"D6: shift -> sign"``, ``"C4: 3x3 -> 2x2"``.
    dihedral : numpy.ndarray of bool
        Whether the pair's group is dihedral.
    numerical, layer_dims, span_rank : numpy.ndarray of int
        Null-space dimension (:func:`equivariant_maps`), length of :func:`isotypic_layer_basis`, and
        rank of both bases together.
    character, real_multiplicity, complex_multiplicity, wrong_multiplicity : numpy.ndarray
        :math:`\frac1{|G|}\sum_g\chi_V\chi_W`, :math:`\sum_\rho m_\rho(V)m_\rho(W)\dim\mathrm{End}_G(\rho)`,
        :math:`\sum_\pi m_\pi(V\otimes\mathbb{C})m_\pi(W\otimes\mathbb{C})` and :math:`\sum_\rho m_\rho(V)m_\rho(W)`.
    layer_errors, cyclic_layer_errors : numpy.ndarray
        :math:`\max_g\|\rho_W(g)L - L\rho_V(g)\|_F/\|L\|_F` for a random layer of the blockwise basis,
        and (dihedral pairs; NaN otherwise) for one built from the isotypic basis of :math:`C_N`.
    identity_gap, wrong_gap : float
        Largest :math:`|` numerical :math:`-` formula :math:`|` over the pairs, the three formulas,
        ``layer_dims`` and ``span_rank``; the same for ``wrong_multiplicity``.
    max_layer_error, min_cyclic_layer_error : float
        Largest ``layer_errors``, smallest ``cyclic_layer_errors``.
    tolerance : float
        20 machine epsilons times the largest :math:`ab` (the equivariance check's tolerance).
    seconds : float
        Run time.
    """

    labels: tuple
    dihedral: np.ndarray
    numerical: np.ndarray
    layer_dims: np.ndarray
    character: np.ndarray
    real_multiplicity: np.ndarray
    complex_multiplicity: np.ndarray
    wrong_multiplicity: np.ndarray
    span_rank: np.ndarray
    layer_errors: np.ndarray
    cyclic_layer_errors: np.ndarray
    identity_gap: float
    wrong_gap: float
    max_layer_error: float
    min_cyclic_layer_error: float
    tolerance: float
    seconds: float

    def plot(self, ax=None):
        ax = axes(ax, figsize=(7.5, 3.6))
        x = np.arange(len(self.labels))
        ax.bar(x, self.numerical, color=COLORS[0], alpha=0.35, label="null-space dimension (SVD)")
        ax.plot(x, self.character, "o", color=COLORS[1], label=r"$\frac{1}{|G|}\sum_g \chi_V\chi_W$")
        lab = r"$\sum_\rho m_\rho(V)m_\rho(W)\dim\mathrm{End}_G(\rho)$"
        ax.plot(x, self.real_multiplicity, "x", color=COLORS[2], ms=8, label=lab)
        lab = r"$\sum_\rho m_\rho(V)m_\rho(W)$ (wrong)"
        ax.plot(x, self.wrong_multiplicity, "v", color=COLORS[3], mfc="none", label=lab)
        ax.set_xticks(x)
        ax.set_xticklabels(self.labels, rotation=70, fontsize=7)
        ax.set_yscale("log")
        ax.set_ylabel(r"$\dim_{\mathbb{R}} \mathrm{Hom}_G(V, W)$")
        ax.legend(fontsize=7)
        return ax


def schur_isotypic_demo(
    *,
    n_values: Sequence[int] = (5, 6, 8),
    image_sizes: Sequence[int] = (3, 4),
    seed: int = 0,
) -> SchurIsotypicResult:
    r"""Dimensions of spaces of equivariant maps: SVD null space against three formulas.

    Pairs: for each :math:`N` in ``n_values``, :math:`C_N` on :math:`\R^N` by the shift and by the
    shift by 2, :math:`D_N` by shift and reflection, and :math:`D_N` from that to its sign twist; for
    each :math:`M` in ``image_sizes``, :math:`C_4` and :math:`D_4` from :math:`M\times M` images to
    :math:`M\times M` and to :math:`2\times2` images (the corners). For each pair: the null-space
    dimension, the character and the two multiplicity formulas, the formula without
    :math:`\dim\mathrm{End}_G(\rho)` (wrong), :func:`isotypic_layer_basis` and the equivariance
    error of a random layer of it; for dihedral pairs also the error of a layer built from the
    isotypic basis of the rotations :math:`C_N`.

    Parameters
    ----------
    n_values : sequence of int, default (5, 6, 8)
        Signal lengths :math:`N`, each in [3, 32].
    image_sizes : sequence of int, default (3, 4)
        Image sides :math:`M`, each in [2, 6].
    seed : int, default 0
        Seed of the random layer coefficients.

    Returns
    -------
    SchurIsotypicResult

    References
    ----------
    Book: chapter *The linear algebra of symmetry*, theorem ``architectures-schur_isotypic``; Serre (1977).
    """
    n_values = check_int_sequence(n_values, "n_values", minimum=3, maximum=32)
    image_sizes = check_int_sequence(image_sizes, "image_sizes", minimum=2, maximum=6)
    seed = check_int(seed, "seed", minimum=0)
    t0 = time.perf_counter()
    gen = rng(seed)
    pairs = []  # (label, group, N, (gens_in, el_in), (gens_out, el_out))
    for N in n_values:
        for grp, act_in, act_out in _SIGNAL_PAIRS:
            lab = f"{grp[0].upper()}{N}: {act_in} -> {act_out}"
            reps = signal_representation(grp, N, action=act_in), signal_representation(grp, N, action=act_out)
            pairs.append((lab, grp, N, *reps))
    for M in image_sizes:
        for grp in _GROUPS:
            for out in (M, 2):
                lab = f"{grp[0].upper()}4: {M}x{M} -> {out}x{out}"
                pairs.append((lab, grp, 4, image_representation(grp, M), image_representation(grp, out)))
    keys = ("num", "block", "char", "real", "cplx", "wrong", "span", "err", "cyc")
    col: dict[str, list] = {key: [] for key in keys}
    max_dim = 1
    for _, grp, N, (g_in, e_in), (g_out, e_out) in pairs:
        irr = real_irreps(grp, N)
        ends = np.array([len(p["end_basis"]) for p in irr])
        m_in, m_out = irrep_multiplicities(e_in, irr), irrep_multiplicities(e_out, irr)
        null = equivariant_maps(g_in, g_out)
        block = isotypic_layer_basis(e_in, e_out, irr)
        both = np.concatenate([null.reshape(len(null), -1), block.reshape(len(block), -1)])
        max_dim = max(max_dim, e_in.shape[1] * e_out.shape[1])
        cyc_err = np.nan
        if grp == "dihedral":  # the elements r^k, k < N, come first
            cyc = isotypic_layer_basis(e_in[:N], e_out[:N], real_irreps("cyclic", N))
            cyc_err = _layer_error(cyc, e_in, e_out, gen)
        counts = [len(null), len(block), hom_dimension_character(e_in, e_out), float(np.sum(m_in * m_out * ends))]
        counts += [_complex_hom_count(e_in, e_out, complex_characters(grp, N)), float(np.sum(m_in * m_out))]
        values = counts + [int(np.linalg.matrix_rank(both)), _layer_error(block, e_in, e_out, gen), cyc_err]
        for key, v in zip(keys, values):
            col[key].append(v)
    c = {key: np.array(v) for key, v in col.items()}
    formulas = np.array([c["block"], c["char"], c["real"], c["cplx"], c["span"]], dtype=float)
    names = dict(num="numerical", block="layer_dims", char="character", real="real_multiplicity")
    names.update(cplx="complex_multiplicity", wrong="wrong_multiplicity", span="span_rank", err="layer_errors")
    cyc = c.pop("cyc").astype(float)
    return SchurIsotypicResult(
        labels=tuple(p[0] for p in pairs),
        dihedral=np.array([p[1] == "dihedral" for p in pairs]),
        cyclic_layer_errors=cyc,
        identity_gap=float(np.max(np.abs(formulas - c["num"][None, :]))),
        wrong_gap=float(np.max(np.abs(c["wrong"] - c["num"]))),
        max_layer_error=float(np.max(c["err"])),
        min_cyclic_layer_error=float(np.nanmin(cyc)) if np.any(np.isfinite(cyc)) else float("nan"),
        tolerance=20 * np.finfo(float).eps * max_dim,
        seconds=time.perf_counter() - t0,
        **{names[key]: v for key, v in c.items()},
    )


_COMMON = dict(claim="identity", relation="approx", predict=0.0, demo=schur_isotypic_demo)
_COMMON["hypotheses"] = (
    "finite groups C_N, D_N (signals) and C_4, D_4 (images); orthogonal representations given on generators "
    "(null space) and on all elements (characters); complete lists of the real irreps of C_N and D_N, with "
    "commutants of dimension 1 (real type) or 2 (the rotations of C_N)"
)
declare_check(
    "architectures.schur_isotypic",
    quantity="largest |null-space dimension - formula| over the pairs and the character, real and complex "
    "multiplicity formulas (and the blockwise basis count and span)",
    measure="identity_gap",
    tolerance=0.5,
    reason="the dimensions are integers; the formulas are exact up to rounding (~1e-13)",
    wrong="the multiplicity formula without the factor dim End_G(rho), sum_rho m_rho(V) m_rho(W), which "
    "misses m_rho(V) m_rho(W) for each complex-type irrep (the rotations of C_N, N >= 3)",
    wrong_measure="wrong_gap",
    **_COMMON,
)
declare_check(
    "architectures.schur_isotypic",
    label="layer",
    quantity="largest equivariance error max_g ||rho_W(g) L - L rho_V(g)||_F / ||L||_F of a random layer "
    "built blockwise from the isotypic bases",
    measure="max_layer_error",
    tolerance="tolerance",
    reason="float precision: 20 machine epsilons times the largest number of unknowns a*b (1.1e-12 at the defaults)",
    wrong="for the dihedral pairs, the layer built from the isotypic basis of the rotation subgroup C_N "
    "(blocks aI + bJ), which commutes with the rotations but not with the reflection",
    wrong_measure="min_cyclic_layer_error",
    **_COMMON,
)
