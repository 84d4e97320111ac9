r"""Message passing on graphs and the Weisfeiler-Leman colour refinement (1-WL).

:func:`wl_colors` refines colours; :func:`wl_separation_round` and :func:`wl_equivalent` compare
two graphs by refining their disjoint union. :class:`MessagePassingNetwork` is a NumPy (float64)
message-passing network with sum, mean or max aggregation, GIN included, with seeded random
weights. :func:`wl_expressivity_demo` checks theorem ``architectures-wl_expressivity`` (chapter
*Graphs and attention*).

References
----------
Weisfeiler and Leman (1968); Morris et al. (2019), Theorems 1 and 2; Xu, Hu, Leskovec and
Jegelka (2019), Lemma 2, Theorem 3, Lemma 5, Corollary 6 and Section 5.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_array, check_choice, check_int, check_real, rng

__all__ = [
    "wl_colors",
    "wl_separation_round",
    "wl_equivalent",
    "MessagePassingNetwork",
    "WLExpressivityResult",
    "wl_expressivity_demo",
]

AGGREGATIONS = ("sum", "mean", "max")
UPDATES = ("mlp", "gin")
#: Relative output differences at most this are float64 rounding (the identity checks).
FLOAT_TOL = 1e-10
#: Relative output differences at least this count as a separation (100 FLOAT_TOL).
SEPARATION = 1e-8


def _adjacency(adjacency: Any, name: str) -> np.ndarray:
    A = check_array(adjacency, name, ndim=2, min_size=1)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"{name} must be a square (n, n) matrix, got shape {A.shape}")
    if not np.all((A == 0) | (A == 1)):
        raise ValueError(f"{name} must have entries 0 and 1")
    if not np.array_equal(A, A.T):
        raise ValueError(f"{name} must be symmetric (an undirected graph)")
    if np.any(np.diag(A) != 0):
        raise ValueError(f"{name} must have a zero diagonal (no loops)")
    return A


def _features(features: Any, n: int, name: str) -> np.ndarray:
    if features is None:
        return np.ones((n, 1))
    X = check_array(features, name, min_size=1)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2 or X.shape[0] != n:
        raise ValueError(f"{name} must have shape ({n},) or ({n}, k), got {X.shape}")
    return X


def _refine(A: np.ndarray, colors: np.ndarray) -> np.ndarray:
    """One round: the new colour of v is the rank of (c_v, sorted multiset of neighbour colours)."""
    sigs = [(int(colors[v]), tuple(sorted(colors[np.flatnonzero(A[v])].tolist()))) for v in range(A.shape[0])]
    rank = {s: i for i, s in enumerate(sorted(set(sigs)))}
    return np.array([rank[s] for s in sigs], dtype=np.int64)


def _union(A1: np.ndarray, A2: np.ndarray) -> np.ndarray:
    n1 = len(A1)
    U = np.zeros((n1 + len(A2),) * 2)
    U[:n1, :n1], U[n1:, n1:] = A1, A2
    return U


def wl_colors(adjacency: Any, features: Any = None, n_iter: int | None = None) -> np.ndarray:
    r"""The 1-WL colour refinement of a graph.

    Round 0 colours the nodes by their features (equal rows, equal colours); round
    :math:`t+1` gives :math:`v` the colour
    :math:`c^{t+1}_v = \operatorname{hash}(c^t_v, \{\!\{c^t_u : u \in N(v)\}\!\})`, the rank of
    the pair among the pairs that occur (an injective relabelling). Colours of two graphs are
    comparable only if they are refined together: pass their disjoint union (block diagonal
    adjacency), as :func:`wl_separation_round` does.

    Parameters
    ----------
    adjacency : array_like, shape (n, n)
        Symmetric 0/1 matrix with zero diagonal.
    features : array_like, shape (n,) or (n, k), optional
        Node features (default: all equal).
    n_iter : int, optional
        Number of rounds (>= 0); by default, refine until the partition is stable.

    Returns
    -------
    numpy.ndarray of int, shape (rounds + 1, n)
        Row :math:`t` holds the colours after round :math:`t`.

    References
    ----------
    Book: chapter *Graphs and attention*, theorem ``architectures-wl_expressivity``.
    Weisfeiler and Leman (1968).

    Examples
    --------
    >>> import numpy as np
    >>> path = np.array([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    >>> wl_colors(path).tolist()
    [[0, 0, 0], [0, 1, 0]]
    """
    A = _adjacency(adjacency, "adjacency")
    n = A.shape[0]
    X = _features(features, n, "features")
    if n_iter is not None:
        n_iter = check_int(n_iter, "n_iter", minimum=0)
    colors = np.unique(X, axis=0, return_inverse=True)[1].reshape(n).astype(np.int64)
    rows = [colors]
    while n_iter is None or len(rows) <= n_iter:
        new = _refine(A, rows[-1])
        if n_iter is None and new.max() == rows[-1].max():
            break  # no class was split: the partition is stable from now on
        rows.append(new)
    return np.stack(rows)


def wl_separation_round(adjacency1: Any, adjacency2: Any, features1: Any = None, features2: Any = None) -> int | None:
    r"""The first round at which 1-WL tells two graphs apart, or None if it never does.

    Refines the disjoint union of the graphs until its partition is stable and compares the
    colour histograms of the two graphs after each round (round 0: the feature histograms).
    Histograms that differ after round :math:`t` differ after every later round.

    Parameters
    ----------
    adjacency1, adjacency2 : array_like, shapes (n1, n1) and (n2, n2)
        Symmetric 0/1 matrices with zero diagonal.
    features1, features2 : array_like, shapes (n1, k) and (n2, k), optional
        Node features (default: all equal); give both or neither.

    Returns
    -------
    int or None

    References
    ----------
    Book: chapter *Graphs and attention*. Weisfeiler and Leman (1968).

    Examples
    --------
    >>> import numpy as np
    >>> path = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]])
    >>> star = np.array([[0, 1, 1, 1], [1, 0, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0]])
    >>> wl_separation_round(path, star)
    1
    """
    A1 = _adjacency(adjacency1, "adjacency1")
    A2 = _adjacency(adjacency2, "adjacency2")
    n1, n2 = A1.shape[0], A2.shape[0]
    if (features1 is None) != (features2 is None):
        raise ValueError("features1 and features2 must be given together")
    X1 = _features(features1, n1, "features1")
    X2 = _features(features2, n2, "features2")
    if X1.shape[1] != X2.shape[1]:
        raise ValueError(f"features2 must have {X1.shape[1]} columns like features1, got {X2.shape[1]}")
    colors = wl_colors(_union(A1, A2), np.vstack([X1, X2]))
    for t, row in enumerate(colors):
        k = int(row.max()) + 1
        if not np.array_equal(np.bincount(row[:n1], minlength=k), np.bincount(row[n1:], minlength=k)):
            return t
    return None


def wl_equivalent(adjacency1: Any, adjacency2: Any, features1: Any = None, features2: Any = None) -> bool:
    """Whether 1-WL fails to tell two graphs apart (equal colour histograms after every round).

    The arguments are those of :func:`wl_separation_round`; returns a bool. Book: chapter
    *Graphs and attention*. Reference: Weisfeiler and Leman (1968).

    Examples
    --------
    >>> import numpy as np
    >>> c6 = np.roll(np.eye(6), 1, axis=1) + np.roll(np.eye(6), -1, axis=1)
    >>> two_triangles = np.kron(np.eye(2), np.ones((3, 3)) - np.eye(3))
    >>> wl_equivalent(c6, two_triangles)
    True
    """
    return wl_separation_round(adjacency1, adjacency2, features1, features2) is None


def _aggregate(A: np.ndarray, M: np.ndarray, aggregation: str) -> np.ndarray:
    """AGG over neighbours, row v from {{M_u : A_vu = 1}}; the empty multiset gives 0."""
    if aggregation == "sum":
        return A @ M
    deg = A.sum(axis=1)
    if aggregation == "mean":
        return (A @ M) / np.maximum(deg, 1)[:, None]
    out = np.where(A[:, :, None] > 0, M[None, :, :], -np.inf).max(axis=1)
    return np.where(deg[:, None] > 0, out, 0.0)


class MessagePassingNetwork:
    r"""A message-passing network with random weights, in NumPy (float64).

    With ``update="mlp"`` layer :math:`t` computes
    :math:`h^{t+1}_v = \varphi_t(h^t_v, \operatorname{AGG}\{\!\{\psi_t(h^t_u) : u\in N(v)\}\!\})`
    with :math:`\psi_t(x) = \tanh(P_tx + q_t)` and the two-layer perceptron
    :math:`\varphi_t(x, m) = W_2\tanh(W_1[x; m] + b_1) + b_2`; with ``update="gin"`` it computes
    :math:`h^{t+1}_v = \mathrm{MLP}_t((1+\varepsilon)h^t_v + \operatorname{AGG}\{\!\{h^t_u\}\!\})`
    (GIN for AGG = sum). AGG is the sum, mean or coordinatewise max over the neighbours (0 for
    none). Weights are :math:`N(0, 1/\text{fan-in})`, biases :math:`N(0, 1/4)`. The graph
    output concatenates :math:`\operatorname{READOUT}\{\!\{h^t_v : v\}\!\}` over
    :math:`t = 0,\dots,T` (Xu et al., Eq. 4.2).

    Parameters
    ----------
    in_dim : int
        Feature dimension k (>= 1).
    width : int, default 16
        Width of the hidden layers and of :math:`h^t`, t >= 1.
    depth : int, default 3
        Number T of message-passing layers (>= 1).
    aggregation : {"sum", "mean", "max"}, default "sum"
    update : {"mlp", "gin"}, default "mlp"
    eps : float, default 0.1
        The :math:`\varepsilon` of the GIN update.
    seed : int, default 0

    References
    ----------
    Book: chapter *Graphs and attention*. Xu et al. (2019), Section 4.1; Gilmer et al. (2017).

    Examples
    --------
    >>> import numpy as np
    >>> net = MessagePassingNetwork(1, width=4, depth=2, aggregation="max", seed=1)
    >>> net(np.array([[0, 1], [1, 0]])).shape
    (9,)
    """

    def __init__(
        self,
        in_dim: int,
        *,
        width: int = 16,
        depth: int = 3,
        aggregation: str = "sum",
        update: str = "mlp",
        eps: float = 0.1,
        seed: int = 0,
    ) -> None:
        self.in_dim = check_int(in_dim, "in_dim", minimum=1)
        self.width = check_int(width, "width", minimum=1)
        self.depth = check_int(depth, "depth", minimum=1)
        self.aggregation = check_choice(aggregation, "aggregation", AGGREGATIONS)
        self.update = check_choice(update, "update", UPDATES)
        self.eps = check_real(eps, "eps", minimum=-1.0, strict_min=True)
        g = rng(check_int(seed, "seed", minimum=0))

        def dense(n_in: int, n_out: int) -> tuple[np.ndarray, np.ndarray]:
            return g.standard_normal((n_in, n_out)) / np.sqrt(n_in), 0.5 * g.standard_normal(n_out)

        self.layers: list[dict[str, tuple[np.ndarray, np.ndarray]]] = []
        d = self.in_dim
        for _ in range(self.depth):
            if self.update == "mlp":
                layer = {"psi": dense(d, width), "in": dense(d + width, width), "out": dense(width, width)}
            else:
                layer = {"in": dense(d, width), "out": dense(width, width)}
            self.layers.append(layer)
            d = width

    def embeddings(self, adjacency: Any, features: Any = None) -> list[np.ndarray]:
        """The node embeddings :math:`h^0, \\dots, h^T`, arrays of shape (n, k) then (n, width)."""
        A = _adjacency(adjacency, "adjacency")
        H = _features(features, A.shape[0], "features")
        if H.shape[1] != self.in_dim:
            raise ValueError(f"features must have {self.in_dim} columns (in_dim), got {H.shape[1]}")
        out = [H]
        for layer in self.layers:
            (W1, b1), (W2, b2) = layer["in"], layer["out"]
            if self.update == "mlp":
                P, q = layer["psi"]
                z = np.hstack([H, _aggregate(A, np.tanh(H @ P + q), self.aggregation)])
            else:
                z = (1 + self.eps) * H + _aggregate(A, H, self.aggregation)
            H = np.tanh(z @ W1 + b1) @ W2 + b2
            out.append(H)
        return out

    def __call__(self, adjacency: Any, features: Any = None, *, readout: str | None = None) -> np.ndarray:
        """Graph output: the readouts of all layers, concatenated; shape (k + T width,).

        ``readout`` (sum, mean or max over the nodes) defaults to the aggregation.
        """
        readout = self.aggregation if readout is None else check_choice(readout, "readout", AGGREGATIONS)
        pool = {"sum": np.sum, "mean": np.mean, "max": np.max}[readout]
        return np.concatenate([pool(H, axis=0) for H in self.embeddings(adjacency, features)])


# graphs of the demo


def _cycle(n: int) -> np.ndarray:
    return np.roll(np.eye(n), 1, axis=1) + np.roll(np.eye(n), -1, axis=1)


def _from_edges(n: int, edges: list[tuple[int, int]]) -> np.ndarray:
    A = np.zeros((n, n))
    for u, v in edges:
        A[u, v] = A[v, u] = 1.0
    return A


def _rook() -> np.ndarray:
    """K4 x K4: (i, j) ~ (k, l) iff exactly one coordinate agrees."""
    i, j = np.divmod(np.arange(16), 4)
    return ((i[:, None] == i) ^ (j[:, None] == j)).astype(float)


def _shrikhande() -> np.ndarray:
    """Cayley graph of Z4 x Z4 with connection set {+-(1,0), +-(0,1), +-(1,1)}."""
    i, j = np.divmod(np.arange(16), 4)
    di, dj = (i[:, None] - i) % 4, (j[:, None] - j) % 4
    odd = lambda d: (d == 1) | (d == 3)  # noqa: E731
    return ((odd(di) & (dj == 0)) | ((di == 0) & odd(dj)) | ((di == dj) & odd(di))).astype(float)


def _bicyclic(fused: bool) -> np.ndarray:
    """Decalin (two 6-rings sharing the bond 0-1) or bicyclopentyl (two 5-rings joined by 0-1)."""
    ring1, ring2 = [0, 2, 3, 4, 5, 1 if fused else 0], [1 if not fused else 0, 6, 7, 8, 9, 1]
    edges = [(0, 1)] + list(zip(ring1[:-1], ring1[1:])) + list(zip(ring2[:-1], ring2[1:]))
    return _from_edges(10, edges)


def _star(k: int) -> np.ndarray:
    return _from_edges(k + 1, [(0, i) for i in range(1, k + 1)])


def _local_counts(A: np.ndarray) -> np.ndarray:
    """Per node: 1, the triangles and the 4-cliques through it (not functions of 1-WL colours)."""
    tri = np.diag(A @ A @ A) / 2
    k4 = np.array([np.trace(np.linalg.matrix_power(A[np.ix_(nb, nb)], 3)) / 6 for nb in (A > 0)])
    return np.column_stack([np.ones(len(A)), tri, k4])


def _swapped(A: np.ndarray, g: np.random.Generator, n_swaps: int) -> np.ndarray:
    """Degree-preserving double edge swaps u-v, x-y -> u-x, v-y (simple graphs only)."""
    B, done = A.copy(), 0
    for _ in range(100 * n_swaps):  # a graph may admit no swap: give up then
        if done == n_swaps:
            break
        edges = np.argwhere(np.triu(B) > 0)
        (u, v), (x, y) = edges[g.choice(len(edges), 2, replace=False)]
        if len({u, v, x, y}) == 4 and B[u, x] == 0 and B[v, y] == 0:
            B[u, v] = B[v, u] = B[x, y] = B[y, x] = 0
            B[u, x] = B[x, u] = B[v, y] = B[y, v] = 1
            done += 1
    return B


def _centre(net: MessagePassingNetwork, S: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Node 0's embeddings h^0_0, ..., h^T_0, concatenated."""
    return np.concatenate([H[0] for H in net.embeddings(S, X)])


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    scale = max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)
    return float(np.linalg.norm(a - b) / scale)


@demo_result
class WLExpressivityResult(DemoResult):
    r"""Result of :func:`wl_expressivity_demo`.

    Attributes
    ----------
    equiv_names : tuple of str
        The pairs 1-WL cannot separate.
    equiv_diff, equiv_diff_counts : numpy.ndarray, shape (3,)
        Largest relative output difference per pair over the networks, with constant features
        and with the triangles and 4-cliques through each node as features.
    max_equiv_diff : float
        The largest entry of ``equiv_diff`` and of the relative differences of the GIN sum
        readouts of the 1-WL-separated pairs one round before 1-WL separates them.
    max_counts_diff : float
        The largest entry of ``equiv_diff_counts``.
    sep_names : tuple of str
        The pairs 1-WL separates.
    sep_rounds : numpy.ndarray of int
        The round at which 1-WL separates each pair.
    sep_diff : numpy.ndarray
        Median over the GINs of the relative difference of the sum readouts of round
        ``sep_rounds``; ``min_sep_diff`` (float) is its smallest entry.
    ms_names : tuple of str
        The multiset pairs (a centre whose leaves carry the features).
    ms_diff : numpy.ndarray, shape (3, 3)
        Largest relative difference of the centre's embeddings (all layers) over the
        networks, per multiset pair and aggregation (sum, mean, max).
    ms_sum_median : numpy.ndarray, shape (3,)
        Median over the networks of that difference for sum aggregation.
    ms_fails : numpy.ndarray of bool, shape (3, 3)
        Where the aggregation cannot separate the two multisets.
    ms_wl_separates : numpy.ndarray of bool, shape (3,)
        Whether the 1-WL colours of the two centres differ.
    max_ms_diff, min_ms_sum_diff : float
        Largest ``ms_diff`` where ``ms_fails``, and smallest ``ms_sum_median``.
    n_nets, depth, width : int
        Networks per architecture, layers and width.
    """

    equiv_names: tuple
    equiv_diff: np.ndarray
    equiv_diff_counts: np.ndarray
    max_equiv_diff: float
    max_counts_diff: float
    sep_names: tuple
    sep_rounds: np.ndarray
    sep_diff: np.ndarray
    min_sep_diff: float
    ms_names: tuple
    ms_diff: np.ndarray
    ms_sum_median: np.ndarray
    ms_fails: np.ndarray
    ms_wl_separates: np.ndarray
    max_ms_diff: float
    min_ms_sum_diff: float
    n_nets: int
    depth: int
    width: int

    def plot(self, ax=None):
        ax = axes(ax, figsize=(7.0, 3.6))
        floor = 1e-18  # exact zeros are drawn here

        def dots(x, y, color, marker, label):
            ax.scatter(x, np.maximum(y, floor), color=color, marker=marker, s=36, label=label, zorder=3)

        ne, ns = len(self.equiv_names), len(self.sep_names)
        xe, xs = np.arange(ne), ne + 1 + np.arange(ns)
        xm = ne + ns + 2 + np.arange(len(self.ms_names))
        dots(xe - 0.15, self.equiv_diff, COLORS[0], "o", "1-WL-equivalent, every network")
        dots(xe + 0.15, self.equiv_diff_counts, COLORS[1], "s", "same, with triangle and $K_4$ counts")
        dots(xs, self.sep_diff, COLORS[2], "D", "1-WL-separated, GIN (median)")
        dots(xm, self.ms_sum_median, COLORS[2], "^", "multisets, sum (median)")
        dots(xm - 0.15, self.ms_diff[:, 1], COLORS[3], "v", "multisets, mean (max)")
        dots(xm + 0.15, self.ms_diff[:, 2], COLORS[4], "x", "multisets, max (max)")
        ax.axhline(FLOAT_TOL, color="0.4", linestyle="--", lw=1, label="float tolerance")
        ax.axhline(SEPARATION, color="0.6", linestyle=":", lw=1, label="separation threshold")
        ax.set_yscale("log")
        ax.set_ylim(floor / 3, 10)
        names = list(self.equiv_names) + [""] + list(self.sep_names) + [""] + list(self.ms_names)
        ax.set_xticks(np.arange(len(names)))
        ax.set_xticklabels(names, rotation=60, ha="right", fontsize=7)
        ax.set_ylabel("relative output difference")
        ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5))
        return ax


def wl_expressivity_demo(*, n_nets: int = 20, depth: int = 3, width: int = 16, seed: int = 0) -> WLExpressivityResult:
    r"""Message passing is bounded by 1-WL; GIN attains it; mean and max lose multiplicities.

    (a) Pairs 1-WL cannot separate (constant features): :math:`C_6` and :math:`2C_3`, the 4x4
    rook's graph and the Shrikhande graph, decalin and bicyclopentyl. Over ``n_nets`` random
    networks of each kind (sum, mean, max; "mlp", "gin"; readout = aggregation) the relative
    difference :math:`|o(G_1) - o(G_2)|/\max(|o(G_1)|, |o(G_2)|)` of the outputs is rounding;
    given the triangles and 4-cliques through each node as features, they separate the pairs.
    (b) Pairs 1-WL separates: :math:`P_4` and :math:`K_{1,3}` (round 1) and four graphs with 8
    nodes and 12 edges against degree-preserving rewirings (two separated at round 2, two at
    ``min(3, depth)``); a random GIN separates each at the round where 1-WL does, and its
    readouts one round earlier agree. (c) Stars whose leaves carry :math:`\{a,a\}` /
    :math:`\{a,a,a\}` (all features equal), :math:`\{a,b\}` / :math:`\{a,a,b\}` and
    :math:`\{a,b\}` / :math:`\{a,a,b,b\}` (one-hot, centre c): the centre's embeddings agree
    for mean on the first and last and for max on all three; sum separates them.

    Parameters
    ----------
    n_nets : int, default 20
        Random networks per kind (>= 3).
    depth : int, default 3
        Message-passing layers (>= 2).
    width : int, default 16
        Hidden width (>= 2).
    seed : int, default 0

    Returns
    -------
    WLExpressivityResult

    References
    ----------
    Book: chapter *Graphs and attention*, theorem ``architectures-wl_expressivity``.
    Xu et al. (2019), Lemma 2, Theorem 3, Corollary 6, Section 5; Morris et al. (2019).
    """
    n_nets = check_int(n_nets, "n_nets", minimum=3)
    depth = check_int(depth, "depth", minimum=2)
    width = check_int(width, "width", minimum=2)
    g = rng(check_int(seed, "seed", minimum=0))
    kinds = [(a, u, int(s)) for a in AGGREGATIONS for u in UPDATES for s in g.integers(0, 2**31, n_nets)]

    def nets(in_dim: int, aggs=AGGREGATIONS, upds=UPDATES):
        for a, u, s in (k for k in kinds if k[0] in aggs and k[1] in upds):
            yield MessagePassingNetwork(in_dim, width=width, depth=depth, aggregation=a, update=u, seed=s)

    # (a) pairs 1-WL cannot separate
    equiv = {
        "$C_6$ / $2C_3$": (_cycle(6), np.kron(np.eye(2), np.ones((3, 3)) - np.eye(3))),
        "rook / Shrikhande": (_rook(), _shrikhande()),
        "decalin / bicyclopentyl": (_bicyclic(True), _bicyclic(False)),
    }
    equiv_diff, counts_diff = [], []
    for A1, A2 in equiv.values():
        equiv_diff.append(max(_rel(net(A1), net(A2)) for net in nets(1)))
        C1, C2 = _local_counts(A1), _local_counts(A2)
        counts_diff.append(max(_rel(net(A1, C1), net(A2, C2)) for net in nets(3)))

    # (b) pairs 1-WL separates: path / star, and rewired random graphs
    sep = {"$P_4$ / $K_{1,3}$": (_from_edges(4, [(0, 1), (1, 2), (2, 3)]), _star(3))}
    idx = np.argwhere(np.triu(np.ones((8, 8)), 1) > 0)  # the 28 possible edges
    wanted = [2, 2, min(3, depth), min(3, depth)]  # rounds at which 1-WL should separate them
    for _ in range(5000 if wanted else 0):
        A1 = np.zeros((8, 8))
        A1[tuple(idx[g.choice(len(idx), 12, replace=False)].T)] = 1
        A1, A2 = A1 + A1.T, _swapped(A1 + A1.T, g, 3)
        r = wl_separation_round(A1, A2)
        if r in wanted:
            wanted.remove(r)
            sep[f"rewired {len(sep)} (round {r})"] = (A1, A2)
            if not wanted:
                break
    sep_rounds = np.array([wl_separation_round(A1, A2) for A1, A2 in sep.values()])
    sep_diff, before = [], []
    for (A1, A2), r in zip(sep.values(), sep_rounds):
        diffs = []
        for net in nets(1, ("sum",), ("gin",)):
            H1, H2 = net.embeddings(A1), net.embeddings(A2)
            diffs.append(_rel(H1[r].sum(axis=0), H2[r].sum(axis=0)))
            before.append(_rel(H1[r - 1].sum(axis=0), H2[r - 1].sum(axis=0)))
        sep_diff.append(float(np.median(diffs)))

    # (c) multisets as stars: the centre's embedding
    a, b, c = np.eye(3)
    ms = {
        "$\\{a,a\\}$ / $\\{a,a,a\\}$": ([a, a], [a, a, a], a),
        "$\\{a,b\\}$ / $\\{a,a,b\\}$": ([a, b], [a, a, b], c),
        "$\\{a,b\\}$ / $\\{a,a,b,b\\}$": ([a, b], [a, a, b, b], c),
    }
    ms_fails = np.array([[False, True, True], [False, False, True], [False, True, True]])
    ms_diff, ms_sum_median, ms_wl = np.zeros((3, 3)), np.zeros(3), np.zeros(3, dtype=bool)
    for i, (L1, L2, cf) in enumerate(ms.values()):
        X1, X2 = np.vstack([cf] + L1), np.vstack([cf] + L2)
        S1, S2 = _star(len(L1)), _star(len(L2))
        round1 = wl_colors(_union(S1, S2), np.vstack([X1, X2]), n_iter=1)[1]
        ms_wl[i] = round1[0] != round1[len(X1)]  # the two centres
        for k, agg in enumerate(AGGREGATIONS):
            diffs = [_rel(_centre(net, S1, X1), _centre(net, S2, X2)) for net in nets(3, (agg,))]
            ms_diff[i, k] = max(diffs)
            if agg == "sum":
                ms_sum_median[i] = float(np.median(diffs))

    equiv_diff, counts_diff, sep_diff = map(np.array, (equiv_diff, counts_diff, sep_diff))
    return WLExpressivityResult(
        equiv_names=tuple(equiv),
        equiv_diff=equiv_diff,
        equiv_diff_counts=counts_diff,
        max_equiv_diff=float(max(equiv_diff.max(), max(before))),
        max_counts_diff=float(counts_diff.max()),
        sep_names=tuple(sep),
        sep_rounds=sep_rounds,
        sep_diff=sep_diff,
        min_sep_diff=float(sep_diff.min()),
        ms_names=tuple(ms),
        ms_diff=ms_diff,
        ms_sum_median=ms_sum_median,
        ms_fails=ms_fails,
        ms_wl_separates=ms_wl,
        max_ms_diff=float(ms_diff[ms_fails].max()),
        min_ms_sum_diff=float(ms_sum_median.min()),
        n_nets=n_nets,
        depth=depth,
        width=width,
    )


_HYP = (
    "finite simple graphs, countable (here one-hot or constant) node features; message passing "
    "h^{t+1}_v = phi_t(h^t_v, AGG{{psi_t(h^t_u)}}) with any AGG of multisets and any readout"
)
_IDENTITY = dict(claim="identity", relation="approx", predict=0.0, tolerance=FLOAT_TOL, demo=wl_expressivity_demo)
declare_check(
    "architectures.wl_expressivity",
    quantity="largest relative output difference over 1-WL-equivalent pairs (C6/2C3, rook/Shrikhande, "
    "decalin/bicyclopentyl) and random networks (sum, mean, max; mlp and GIN updates), and of the GIN "
    "readouts of 1-WL-separated pairs one round before 1-WL separates them",
    measure="max_equiv_diff",
    reason="float64 rounding of sums over at most 16 nodes taken in different orders, through at most 3 "
    "layers of tanh perceptrons (observed about 1e-16); 1e-10 leaves a wide margin",
    hypotheses=_HYP + "; the features are constant, hence functions of the 1-WL colours",
    wrong="a model that sees more than 1-WL: the same networks given the triangles and 4-cliques through "
    "each node as features",
    wrong_measure="max_counts_diff",
    **_IDENTITY,
)
declare_check(
    "architectures.wl_expressivity",
    label="gin",
    quantity="smallest over 1-WL-separated pairs of the median over random GINs of the relative difference "
    "of the sum readouts at the round where 1-WL separates the pair",
    claim="lower bound",
    relation=">=",
    measure="min_sep_diff",
    predict=SEPARATION,
    tolerance=0.0,
    reason="a difference 100 times the float tolerance of the identity checks, and about 10^8 times the "
    "rounding observed on 1-WL-equivalent inputs (1e-16), cannot be rounding",
    hypotheses="GIN with sum aggregation and sum readout, depth >= the separating round of each pair, "
    "random tanh perceptrons of width 16 (the theorem gives injective choices; random ones are generic)",
    wrong="mean or max aggregation on the multisets that they cannot separate (Xu et al., Section 5)",
    wrong_measure="max_ms_diff",
    demo=wl_expressivity_demo,
)
declare_check(
    "architectures.wl_expressivity",
    label="mean_max",
    quantity="largest relative difference of the centre's embeddings for mean and max aggregation on "
    "{a,a}/{a,a,a} and {a,b}/{a,a,b,b} (mean) and all three multiset pairs (max)",
    measure="max_ms_diff",
    reason="float64 rounding of a mean of two against four equal pairs (observed about 1e-16)",
    hypotheses="stars whose leaves carry one-hot features with the multiplicities of the pairs; mean "
    "aggregation sees the distribution of the multiset, max aggregation its set of elements",
    wrong="sum aggregation on the same stars (median over the networks, smallest over the pairs)",
    wrong_measure="min_ms_sum_diff",
    **_IDENTITY,
)
