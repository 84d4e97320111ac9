"""Tests of dlmath.architectures.self_attention (equivariance and Lipschitz constants of attention).

The bad-input cases of the public functions are listed in tests/conventions/architectures.py.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from dlmath.architectures.self_attention import (
    attention_lipschitz_demo,
    dot_product_attention,
    l2_attention,
    l2_attention_lipschitz_bound,
    local_lipschitz,
)
from dlmath.results import verify


@pytest.mark.theorem("architectures.attention_lipschitz")
def test_attention_equivariance_growth_and_bound():
    res = attention_lipschitz_demo(radii=(4.0, 16.0, 64.0, 128.0), n_restarts=3)
    for label in ("equivariance", "", "l2"):
        verify("architectures.attention_lipschitz", res, label=label)
    assert np.all(res.lip_l2 <= res.bound)
    assert isinstance(res.plot(), Figure)


def test_l2_bound_scales_quadratically_and_holds_for_large_query_weights():
    # X -> c f(cX) when W^Q -> c W^Q: the local constants grow like c^2, and so must the bound
    g = np.random.default_rng(3)
    Q, V = g.standard_normal((3, 3)), g.standard_normal((3, 3))
    X = torch.tensor(g.standard_normal((4, 3)))
    for c in (1.0, 10.0, 30.0):
        lip = max(local_lipschitz(lambda t: l2_attention(t, c * Q, V), X / c * s) for s in (0.3, 1.0, 3.0))
        assert lip <= l2_attention_lipschitz_bound(4, c * Q, V)
    assert l2_attention_lipschitz_bound(4, 10 * Q, V) == pytest.approx(100 * l2_attention_lipschitz_bound(4, Q, V))


def _softmax_rows(M):
    E = np.exp(M - M.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


def test_attention_against_explicit_loops():
    g = np.random.default_rng(0)
    X, Wq, Wk, Wv = (
        g.standard_normal((5, 3)),
        g.standard_normal((3, 2)),
        g.standard_normal((3, 2)),
        g.standard_normal((3, 4)),
    )
    P = np.array([[np.exp(X[i] @ Wq @ Wk.T @ X[j] / np.sqrt(2)) for j in range(5)] for i in range(5)])
    P /= P.sum(axis=1, keepdims=True)
    assert np.allclose(dot_product_attention(X, Wq, Wk, Wv), P @ X @ Wv, atol=1e-13)
    Q = g.standard_normal((3, 3))
    L = np.array([[-np.sum((X[i] @ Q - X[j] @ Q) ** 2) / np.sqrt(3) for j in range(5)] for i in range(5)])
    assert np.allclose(l2_attention(X, Q, Wv), _softmax_rows(L) @ X @ (Q @ Q.T / np.sqrt(3)) @ Wv, atol=1e-13)


def test_dot_product_jacobian_block_is_quadratic_at_a_zero_token():
    # with x_1 = 0 the first row attends uniformly, and d f_1 / d x_1 scales exactly like r^2
    g = np.random.default_rng(1)
    D = 3
    Wq, Wk, Wv = (torch.tensor(g.standard_normal((D, D))) for _ in range(3))
    base = torch.tensor(g.standard_normal((4, D)))
    base[0] = 0.0

    def block(r):
        J = torch.autograd.functional.jacobian(
            lambda x1: dot_product_attention(torch.cat([x1[None], r * base[1:]]), Wq, Wk, Wv)[0], base[0]
        )
        return float(torch.linalg.matrix_norm(J - J.new_tensor(0.25) * Wv.T, ord=2))  # direct term P_11 W_v removed

    assert block(10.0) / block(1.0) == pytest.approx(100.0, rel=1e-10)


def test_local_lipschitz_of_a_linear_map_and_bound_formula():
    g = np.random.default_rng(2)
    M = torch.tensor(g.standard_normal((3, 3)))
    assert local_lipschitz(lambda t: t @ M, np.ones((2, 3))) == pytest.approx(
        float(torch.linalg.matrix_norm(M, 2)), rel=1e-12
    )
    # phi(x) = x e^{x+1}: phi^{-1}(N-1) solves the equation
    N, Q, V = 7, np.eye(2) * 2.0, np.eye(2) * 3.0
    b = l2_attention_lipschitz_bound(N, Q, V)
    w = (b / (math.sqrt(N / 2) * 4.0 * 3.0) - 1) / 4
    assert w * math.exp(w + 1) == pytest.approx(N - 1, rel=1e-12)


def test_tensor_in_tensor_out():
    X = torch.ones((3, 2), dtype=torch.float32)
    out = dot_product_attention(X, np.eye(2), np.eye(2), np.eye(2))
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    assert isinstance(l2_attention(X, np.eye(2), np.eye(2)), torch.Tensor)


def test_bad_inputs():
    X = np.ones((3, 2))
    for call, exc, word in [
        (lambda: dot_product_attention(np.ones(3), np.eye(2), np.eye(2), np.eye(2)), ValueError, "X"),
        (lambda: dot_product_attention(X, np.eye(3), np.eye(2), np.eye(2)), ValueError, "Wq"),
        (lambda: dot_product_attention(X, np.eye(2), np.ones((2, 3)), np.eye(2)), ValueError, "Wk"),
        (lambda: dot_product_attention(X, np.eye(2), np.eye(2), "W"), TypeError, "Wv"),
        (lambda: l2_attention(X, np.ones((2, 3)), np.eye(2)), ValueError, "Wq"),
        (lambda: l2_attention(X, np.eye(2), np.ones((3, 2))), ValueError, "Wv"),
        (lambda: l2_attention_lipschitz_bound(0, np.eye(2), np.eye(2)), ValueError, "n_tokens"),
        (lambda: l2_attention_lipschitz_bound(2, np.ones((2, 3)), np.eye(2)), ValueError, "Wq"),
        (lambda: local_lipschitz("f", X), TypeError, "f"),
        (lambda: attention_lipschitz_demo(n_tokens=1), ValueError, "n_tokens"),
        (lambda: attention_lipschitz_demo(dim=0), ValueError, "dim"),
        (lambda: attention_lipschitz_demo(radii=(2.0, 1.0, 3.0)), ValueError, "radii"),
        (lambda: attention_lipschitz_demo(n_restarts=0), ValueError, "n_restarts"),
    ]:
        with pytest.raises(exc, match=word):
            call()
