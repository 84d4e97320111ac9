"""Path-norm and spectral bounds for ReLU networks (dlmath.kernels.norm_bounds)."""

import itertools
import math

import numpy as np
import pytest

from dlmath.kernels.norm_bounds import (
    l1_ball_rademacher,
    path_norm,
    path_norm_exact_demo,
    path_norm_rademacher,
    path_norm_rademacher_bound,
    path_norm_trained_demo,
    spectral_complexity,
)
from dlmath.results import verify

# --------------------------------------------------------------------------------------------
# Theorems
# --------------------------------------------------------------------------------------------


@pytest.mark.theorem("kernels.rademacher_bounds")
def test_path_norm_exact_contraction_and_massart():
    res = path_norm_exact_demo(ns=(3, 6, 10), n_sets=15, n_search=200)
    verify("kernels.rademacher_bounds", res, label="path_norm_exact")
    verify("kernels.rademacher_bounds", res, label="path_norm_massart")
    # the factor 2 is needed: some data set has Rad > Rad(lin); the local search ends above 1.1
    assert 2 * res.ratio[-1] > 1.1
    assert res.family[-1] == 2 and res.chain_tightness <= 1


@pytest.mark.theorem("kernels.rademacher_bounds")
def test_path_norm_bound_on_trained_networks():
    res = path_norm_trained_demo(widths=(16, 64), steps=300)
    verify("kernels.rademacher_bounds", res, label="path_norm_trained")
    assert np.all(res.path_levels >= res.path_norms) and np.all(res.path_levels < 2 * res.path_norms + 1)
    assert np.all(res.lipschitz <= res.spectral + 1e-9)  # R_A >= prod ||A_i||_sigma


# --------------------------------------------------------------------------------------------
# The mathematics against independent computations
# --------------------------------------------------------------------------------------------


def _brute_sup(X, eps, m=20001):
    """max over a fine grid of the l1 sphere of |sum_i eps_i relu(u.x_i)| (a lower estimate)."""
    t = np.linspace(0, 2 * np.pi, m)
    U = np.c_[np.cos(t), np.sin(t)]
    U /= np.abs(U).sum(axis=1, keepdims=True)
    return np.abs(np.maximum(X @ U.T, 0).T @ eps).max()


def test_path_norm_rademacher_against_a_grid():
    g = np.random.default_rng(3)
    X = g.uniform(-1, 1, (5, 2))
    signs = np.array(list(itertools.product((-1.0, 1.0), repeat=5)))
    brute = np.mean([_brute_sup(X, e) for e in signs]) / 5
    exact = path_norm_rademacher(X)
    assert brute <= exact + 1e-12 and exact - brute < 1e-6
    assert path_norm_rademacher(X, phi=3.0) == pytest.approx(3 * exact, rel=1e-14)


def test_one_dimensional_relu_equals_linear():
    # inputs on a line through 0: relu(u.x) for |u|_1 = 1 has the same complexity as the linear class
    g = np.random.default_rng(4)
    t = g.standard_normal(7)
    X = np.c_[t, 0 * t]
    assert path_norm_rademacher(X) == pytest.approx(l1_ball_rademacher(X), rel=1e-12)


def test_three_point_example_nine_eighths():
    X = np.array([[1.0, -1.0], [0.0, -2.0], [-1.0, -1.0]])
    assert l1_ball_rademacher(X) == pytest.approx(2 / 3, rel=1e-14)
    assert path_norm_rademacher(X) == pytest.approx(3 / 4, rel=1e-14)


def test_l1_ball_rademacher_small_case_and_massart():
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    # |sum eps x|_inf = 1 for every sign vector
    assert l1_ball_rademacher(X, B=2.0) == pytest.approx(1.0)
    g = np.random.default_rng(5)
    for _ in range(5):
        Y = g.uniform(-1, 1, (8, 3))
        assert l1_ball_rademacher(Y) <= path_norm_rademacher_bound(Y, depth=0) + 1e-12
    assert path_norm_rademacher_bound(Y, phi=2.0, depth=2) == pytest.approx(
        8 * np.abs(Y).max() * math.sqrt(2 * math.log(6) / 8)
    )


def test_path_norm_formula_and_rescaling_invariance():
    g = np.random.default_rng(6)
    W1, W2, W3 = g.standard_normal((4, 3)), g.standard_normal((5, 4)), g.standard_normal((1, 5))
    brute = sum(abs(W3[0, c] * W2[c, b] * W1[b, a]) for a in range(3) for b in range(4) for c in range(5))
    assert path_norm([W1, W2, W3]) == pytest.approx(brute, rel=1e-12)
    brute2 = math.sqrt(sum((W3[0, c] * W2[c, b] * W1[b, a]) ** 2 for a in range(3) for b in range(4) for c in range(5)))
    assert path_norm([W1, W2, W3], p=2) == pytest.approx(brute2, rel=1e-12)
    lam = np.array([0.5, 2.0, 3.0, 0.1])  # rescale hidden units of the first layer
    assert path_norm([lam[:, None] * W1, W2 / lam[None, :], W3]) == pytest.approx(brute, rel=1e-12)


def test_spectral_complexity_formula():
    g = np.random.default_rng(7)
    A1, A2 = g.standard_normal((6, 3)), g.standard_normal((1, 6))
    s1, s2 = np.linalg.svd(A1, compute_uv=False)[0], np.linalg.norm(A2)
    b1 = sum(np.linalg.norm(A1[i]) for i in range(6))  # ||A1^T||_{2,1}: column norms of A1^T
    b2 = np.linalg.norm(A2)
    pred = s1 * s2 * ((b1 / s1) ** (2 / 3) + (b2 / s2) ** (2 / 3)) ** 1.5
    assert spectral_complexity([A1, A2]) == pytest.approx(pred, rel=1e-12)
    assert spectral_complexity([A1, A2], rho=2.0) == pytest.approx(4 * pred, rel=1e-12)
    M = [A1 + 0.1, A2 - 0.2]
    d1 = sum(np.linalg.norm(A1[i] - M[0][i]) for i in range(6))
    pred_m = s1 * s2 * ((d1 / s1) ** (2 / 3) + (np.linalg.norm(A2 - M[1]) / s2) ** (2 / 3)) ** 1.5
    assert spectral_complexity([A1, A2], references=M) == pytest.approx(pred_m, rel=1e-12)


# --------------------------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: path_norm(np.ones((2, 2))), TypeError, "weights"),
        (lambda: path_norm([np.ones((2, 3)), np.ones((1, 3))]), ValueError, r"weights\[1\]"),
        (lambda: path_norm([np.ones((2, 3))], p=0.5), ValueError, "p"),
        (lambda: spectral_complexity([np.zeros((2, 2))]), ValueError, "weights"),
        (lambda: spectral_complexity([np.ones((2, 2))], references=[np.ones((3, 2))]), ValueError, "references"),
        (lambda: spectral_complexity([np.ones((2, 2))], rho=0.0), ValueError, "rho"),
        (lambda: l1_ball_rademacher(np.ones((17, 2))), ValueError, "X"),
        (lambda: l1_ball_rademacher(np.ones((3, 2)), B=-1.0), ValueError, "B"),
        (lambda: path_norm_rademacher(np.ones((3, 3))), ValueError, "X"),
        (lambda: path_norm_rademacher(np.ones((3, 2)), phi=0.0), ValueError, "phi"),
        (lambda: path_norm_rademacher_bound(np.ones(3)), ValueError, "X"),
        (lambda: path_norm_rademacher_bound(np.ones((3, 2)), depth=-1), ValueError, "depth"),
        (lambda: path_norm_exact_demo(ns=(3, 20)), ValueError, "ns"),
        (lambda: path_norm_exact_demo(n_sets=0), ValueError, "n_sets"),
        (lambda: path_norm_exact_demo(n_search=-1), ValueError, "n_search"),
        (lambda: path_norm_trained_demo(widths=(64, 16)), ValueError, "widths"),
        (lambda: path_norm_trained_demo(delta=1.0), ValueError, "delta"),
        (lambda: path_norm_trained_demo(noise=-0.1), ValueError, "noise"),
        (lambda: path_norm_trained_demo(device=3), TypeError, "device"),
    ],
)
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_plots_return_figures():
    from matplotlib.figure import Figure

    assert isinstance(path_norm_exact_demo(ns=(3, 4), n_sets=2, n_search=2).plot(), Figure)
    assert isinstance(path_norm_trained_demo(widths=(4, 8), steps=5, n_test=20).plot(), Figure)
