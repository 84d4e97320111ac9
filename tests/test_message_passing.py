"""Tests of dlmath.architectures.message_passing (1-WL colour refinement, message passing)."""

import itertools

import numpy as np
import pytest

from dlmath.architectures.message_passing import (
    MessagePassingNetwork,
    _bicyclic,
    _cycle,
    _local_counts,
    _rook,
    _shrikhande,
    _star,
    wl_colors,
    wl_equivalent,
    wl_expressivity_demo,
    wl_separation_round,
)
from dlmath.results import verify

PATH4 = np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], dtype=float)
TWO_TRIANGLES = np.kron(np.eye(2), np.ones((3, 3)) - np.eye(3))


def _random_graph(g, n, p):
    A = np.triu((g.random((n, n)) < p).astype(float), 1)
    return A + A.T


def _permuted(A, perm):
    return A[np.ix_(perm, perm)]


@pytest.mark.theorem("architectures.wl_expressivity")
def test_wl_expressivity_bound_gin_and_mean_max():
    res = wl_expressivity_demo(n_nets=6)
    verify("architectures.wl_expressivity", res)
    verify("architectures.wl_expressivity", res, label="gin")
    verify("architectures.wl_expressivity", res, label="mean_max")
    assert res.ms_wl_separates.all()
    assert list(res.sep_rounds) == [1, 2, 2, 3, 3]


def test_wl_colors_path_and_stability():
    colors = wl_colors(PATH4)
    # round 1 splits the ends from the middle, round 2 changes nothing more
    assert colors.shape == (2, 4)
    assert len(set(colors[1].tolist())) == 2 and colors[1, 0] == colors[1, 3] != colors[1, 1]
    assert wl_colors(PATH4, n_iter=3).shape == (4, 4)
    assert np.array_equal(wl_colors(PATH4, n_iter=0), np.zeros((1, 4), dtype=int))
    # features split round 0
    assert wl_colors(PATH4, [1.0, 2.0, 2.0, 2.0], n_iter=0)[0].tolist() == [0, 1, 1, 1]


def test_wl_is_invariant_and_refines_degrees():
    g = np.random.default_rng(3)
    for _ in range(5):
        A = _random_graph(g, 9, 0.4)
        perm = g.permutation(9)
        assert wl_equivalent(A, _permuted(A, perm))
        c, cp = wl_colors(A, n_iter=2), wl_colors(_permuted(A, perm), n_iter=2)
        # the colouring of a relabelled graph is the relabelled colouring (canonical ranks)
        assert np.array_equal(c[:, perm], cp)
        # round 1 is the degree partition
        deg = A.sum(axis=1)
        assert np.array_equal(deg[:, None] == deg[None, :], c[1][:, None] == c[1][None, :])


def test_wl_separation_rounds_of_classic_pairs():
    assert wl_separation_round(PATH4, _star(3)) == 1
    assert wl_separation_round(PATH4, _cycle(5)) == 0  # different numbers of nodes
    assert wl_separation_round(_cycle(6), TWO_TRIANGLES) is None
    assert wl_equivalent(_rook(), _shrikhande())
    assert wl_equivalent(_bicyclic(True), _bicyclic(False))
    # features can separate what the structure cannot
    f1, f2 = np.zeros(6), np.zeros(6)
    f1[0] = 1.0
    assert wl_separation_round(_cycle(6), _cycle(6), f1, f2) == 0


def test_wl_agrees_with_networkx_hash():
    nx = pytest.importorskip("networkx")
    g = np.random.default_rng(5)
    for _ in range(20):
        A1, A2 = _random_graph(g, 7, 0.45), _random_graph(g, 7, 0.45)
        r = wl_separation_round(A1, A2)
        G1, G2 = nx.from_numpy_array(A1), nx.from_numpy_array(A2)
        for G in (G1, G2):  # a constant label: the hash starts from round 0 as wl_colors does
            nx.set_node_attributes(G, "x", "label")
        for it in range(1, 5):
            h1 = nx.weisfeiler_lehman_graph_hash(G1, node_attr="label", iterations=it)
            h2 = nx.weisfeiler_lehman_graph_hash(G2, node_attr="label", iterations=it)
            assert (h1 == h2) == (r is None or r > it)


def test_classic_graphs_are_what_they_claim():
    for A in (_rook(), _shrikhande()):
        # strongly regular (16, 6, 2, 2): A^2 = 6 I + 2 A + 2 (J - I - A)
        J, eye = np.ones((16, 16)), np.eye(16)
        assert np.array_equal(A @ A, 6 * eye + 2 * A + 2 * (J - eye - A))
    # rook's graph has 4-cliques (rows), Shrikhande's none: not isomorphic
    assert _local_counts(_rook())[:, 2].min() == 2 and _local_counts(_shrikhande())[:, 2].max() == 0
    dec, bic = _bicyclic(True), _bicyclic(False)
    assert dec.sum() == bic.sum() == 22 and sorted(dec.sum(1)) == sorted(bic.sum(1))
    # decalin is bipartite (no odd closed walks), bicyclopentyl has 5-cycles
    assert np.trace(np.linalg.matrix_power(dec, 5)) == 0 < np.trace(np.linalg.matrix_power(bic, 5))


def test_local_counts_brute_force():
    g = np.random.default_rng(7)
    A = _random_graph(g, 8, 0.6)
    counts = _local_counts(A)
    for v in range(8):
        others = [u for u in range(8) if u != v]
        tri = sum(A[v, a] * A[v, b] * A[a, b] for a, b in itertools.combinations(others, 2))
        k4 = sum(all(A[x, y] for x, y in itertools.combinations((v, *s), 2)) for s in itertools.combinations(others, 3))
        assert counts[v, 1] == tri and counts[v, 2] == k4


@pytest.mark.parametrize("aggregation", ["sum", "mean", "max"])
@pytest.mark.parametrize("update", ["mlp", "gin"])
def test_network_is_permutation_invariant(aggregation, update):
    g = np.random.default_rng(11)
    A = _random_graph(g, 7, 0.5)
    X = g.standard_normal((7, 2))
    perm = g.permutation(7)
    net = MessagePassingNetwork(2, width=5, depth=2, aggregation=aggregation, update=update, seed=4)
    H, Hp = net.embeddings(A, X), net.embeddings(_permuted(A, perm), X[perm])
    for a, b in zip(H, Hp):
        assert np.allclose(a[perm], b, atol=1e-13)  # equivariant node embeddings
    assert np.allclose(net(A, X), net(_permuted(A, perm), X[perm]), atol=1e-13)
    assert net(A, X).shape == (2 + 2 * 5,)


def test_gin_layer_by_hand():
    net = MessagePassingNetwork(1, width=3, depth=1, update="gin", eps=0.5, seed=2)
    (W1, b1), (W2, b2) = net.layers[0]["in"], net.layers[0]["out"]
    A = _star(2)
    x = np.array([[1.0], [2.0], [3.0]])
    z = 1.5 * x + np.array([[5.0], [1.0], [1.0]])  # centre sees 2 + 3, the leaves see 1
    expected = np.tanh(z @ W1 + b1) @ W2 + b2
    assert np.allclose(net.embeddings(A, x)[1], expected)
    assert np.allclose(net(A, x), np.concatenate([x.sum(0), expected.sum(0)]))


def test_mlp_layer_by_hand_with_max_and_isolated_node():
    net = MessagePassingNetwork(2, width=3, depth=1, aggregation="max", seed=9)
    P, q = net.layers[0]["psi"]
    (W1, b1), (W2, b2) = net.layers[0]["in"], net.layers[0]["out"]
    A = np.zeros((4, 4))
    A[0, 1] = A[1, 0] = A[0, 2] = A[2, 0] = 1.0  # node 3 is isolated
    X = np.arange(8.0).reshape(4, 2) / 8
    msg = np.tanh(X @ P + q)
    agg = np.array([np.maximum(msg[1], msg[2]), msg[0], msg[0], np.zeros(3)])
    expected = np.tanh(np.hstack([X, agg]) @ W1 + b1) @ W2 + b2
    assert np.allclose(net.embeddings(A, X)[1], expected)
    assert np.allclose(net(A, X, readout="sum")[2:], expected.sum(axis=0))


def test_mean_and_max_lose_multiplicities_sum_does_not():
    a, b, c = np.eye(3)
    S2, S4 = _star(2), _star(4)
    X2, X4 = np.vstack([c, a, b]), np.vstack([c, a, a, b, b])
    for agg, equal in (("mean", True), ("max", True), ("sum", False)):
        net = MessagePassingNetwork(3, width=6, depth=2, aggregation=agg, update="gin", seed=1)
        h2 = np.concatenate([H[0] for H in net.embeddings(S2, X2)])
        h4 = np.concatenate([H[0] for H in net.embeddings(S4, X4)])
        assert np.allclose(h2, h4, rtol=0, atol=1e-14) == equal


def test_demo_is_deterministic():
    r1, r2 = wl_expressivity_demo(n_nets=3, depth=2, width=4), wl_expressivity_demo(n_nets=3, depth=2, width=4)
    assert np.array_equal(r1.sep_diff, r2.sep_diff) and r1.sep_names == r2.sep_names
    assert list(r1.sep_rounds) == [1, 2, 2, 2, 2]


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: wl_colors("A"), TypeError, "adjacency"),
        (lambda: wl_colors(np.ones((2, 3))), ValueError, "adjacency"),
        (lambda: wl_colors(np.array([[0, 2], [2, 0]])), ValueError, "adjacency"),
        (lambda: wl_colors(np.array([[0, 1], [0, 0]])), ValueError, "symmetric"),
        (lambda: wl_colors(np.eye(2)), ValueError, "diagonal"),
        (lambda: wl_colors(PATH4, np.ones(3)), ValueError, "features"),
        (lambda: wl_colors(PATH4, n_iter=-1), ValueError, "n_iter"),
        (lambda: wl_colors(PATH4, n_iter=1.5), TypeError, "n_iter"),
        (lambda: wl_separation_round(PATH4, "B"), TypeError, "adjacency2"),
        (lambda: wl_separation_round(PATH4, PATH4, np.ones(4)), ValueError, "features2"),
        (lambda: wl_separation_round(PATH4, PATH4, np.ones(4), np.ones((4, 2))), ValueError, "features2"),
        (lambda: wl_equivalent(np.ones((2, 2)), PATH4), ValueError, "adjacency1"),
        (lambda: MessagePassingNetwork(0), ValueError, "in_dim"),
        (lambda: MessagePassingNetwork(1, width=0), ValueError, "width"),
        (lambda: MessagePassingNetwork(1, depth=0), ValueError, "depth"),
        (lambda: MessagePassingNetwork(1, aggregation="min"), ValueError, "aggregation"),
        (lambda: MessagePassingNetwork(1, update="gcn"), ValueError, "update"),
        (lambda: MessagePassingNetwork(1, eps=-1.0), ValueError, "eps"),
        (lambda: MessagePassingNetwork(1, seed=-1), ValueError, "seed"),
        (lambda: MessagePassingNetwork(2)(PATH4), ValueError, "features"),
        (lambda: MessagePassingNetwork(1)(PATH4, readout="median"), ValueError, "readout"),
        (lambda: wl_expressivity_demo(n_nets=2), ValueError, "n_nets"),
        (lambda: wl_expressivity_demo(depth=1), ValueError, "depth"),
        (lambda: wl_expressivity_demo(width=1), ValueError, "width"),
        (lambda: wl_expressivity_demo(seed=-1), ValueError, "seed"),
        (lambda: wl_expressivity_demo(n_nets=3.0), TypeError, "n_nets"),
    ],
)
def test_bad_inputs_are_named(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
