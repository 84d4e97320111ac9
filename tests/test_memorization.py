"""Tests of dlmath.expressivity.memorization: one- and two-hidden-layer interpolants, the zig-zag."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlmath.expressivity import ReLUNet, count_linear_pieces
from dlmath.expressivity.memorization import (
    MemorizationResult,
    _rounding_bound,
    memorization_demo,
    separating_direction,
    shallow_memorizer,
    two_layer_memorizer,
)
from dlmath.results import verify

F64 = torch.float64

# --------------------------------------------------------------------------------------------
# Theorem
# --------------------------------------------------------------------------------------------


@pytest.mark.theorem("expressivity.memorization")
def test_memorization_checks():
    res = memorization_demo(ns=(64, 256, 1024), d=4, zig_ns=(8, 32, 64))
    assert isinstance(res, MemorizationResult)
    for label in ("shallow", "two_layer", "params", "widths", "zigzag"):
        verify("expressivity.memorization", res, label=label)
    # the widths of (b) are those of the statement, and the one-hidden-layer width is n - 1
    k = np.ceil(np.sqrt(res.ns)).astype(int)
    assert np.array_equal(res.d1, 2 * np.ceil(res.ns / k).astype(int) - 1)
    assert np.array_equal(res.d2, 2 * (k - 1))
    assert np.array_equal(res.shallow_widths, res.ns - 1)


# --------------------------------------------------------------------------------------------
# (a) the one-hidden-layer interpolant
# --------------------------------------------------------------------------------------------


def _data(n, d, seed):
    g = np.random.default_rng(seed)
    return g.standard_normal((n, d)), g.uniform(-1.0, 1.0, n)


@pytest.mark.parametrize(("n", "d"), [(2, 1), (3, 2), (17, 5), (200, 10)])
def test_shallow_memorizer_is_the_piecewise_linear_interpolant(n, d):
    X, y = _data(n, d, n)
    u = separating_direction(X, seed=1)
    net = shallow_memorizer(X, y, u=u, dtype=F64)
    assert net.widths == (d, n - 1, 1) and net.depth == 1
    assert net.n_params == (d + 1) * (n - 1) + n
    # at the data and at random points: np.interp of the sorted projections (independent formula)
    t = X @ u
    order = np.argsort(t)
    Z = np.random.default_rng(0).standard_normal((300, d))
    tz = Z @ u
    inside = (tz >= t.min()) & (tz <= t.max())
    np.testing.assert_allclose(net.evaluate(Z[inside]), np.interp(tz[inside], t[order], y[order]), atol=1e-9)
    np.testing.assert_allclose(net.evaluate(X), y, atol=1e-9)


def test_shallow_memorizer_control_misses_the_last_point():
    X, y = _data(20, 3, 0)
    y[np.argmax(X @ separating_direction(X))] += 5.0  # make the last label stand out
    net = shallow_memorizer(X, y, drop_last=True, dtype=F64)
    err = np.abs(net.evaluate(X) - y)
    assert net.widths[1] == 18 and np.sort(err)[-2] < 1e-9 and err.max() > 0.1


def test_separating_direction():
    X, _ = _data(50, 6, 3)
    u = separating_direction(X, seed=2)
    assert u.shape == (6,) and abs(np.linalg.norm(u) - 1) < 1e-12
    assert np.unique(X @ u).size == 50
    np.testing.assert_array_equal(u, separating_direction(X, seed=2))
    ut = separating_direction(torch.as_tensor(X, dtype=torch.float32), seed=2)
    assert isinstance(ut, torch.Tensor) and ut.dtype == torch.float32


def test_rounding_bound_dominates_and_is_small():
    X, y = _data(300, 5, 4)
    net = shallow_memorizer(X, y, dtype=F64)
    bound = _rounding_bound(net, X)
    err = np.abs(net.evaluate(X) - y)
    assert np.all(err <= bound) and np.all(bound > 0)
    # in float32 the same network is off by far more than the float64 bound
    net32 = shallow_memorizer(X, y)
    assert np.max(np.abs(net32.evaluate(X) - y) / bound) > 1e3


# --------------------------------------------------------------------------------------------
# (b) the two-hidden-layer interpolant
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "k"), [(2, None), (3, 2), (10, 3), (16, None), (50, 7), (101, None), (30, 30)])
def test_two_layer_memorizer_interpolates_with_its_widths(n, k):
    d = 3
    X, y = _data(n, d, 10 + n)
    net = two_layer_memorizer(X, y, k=k, dtype=F64)
    kk = max(2, math.ceil(math.sqrt(n))) if k is None else k
    m = math.ceil(n / kk)
    assert net.widths == (d, 2 * m - 1, 2 * (kk - 1), 1) and net.depth == 2
    d1, d2 = 2 * m - 1, 2 * (kk - 1)
    assert net.n_params == (d + 1) * d1 + (d1 + 1) * d2 + d2 + 1
    err = np.abs(net.evaluate(X) - y)
    assert np.all(err <= _rounding_bound(net, X))


def test_two_layer_memorizer_integer_example_is_exact():
    x = np.arange(16.0)[:, None]
    y = np.array([3.0, -1, 4, 1, -5, 9, 2, -6, 5, 3, -5, 8, 9, -7, 9, 3])
    net = two_layer_memorizer(x, y, u=[1.0], dtype=F64)
    assert net.widths == (1, 7, 6, 1)
    np.testing.assert_allclose(net.evaluate(x), y, atol=1e-12)


def test_two_layer_control_misses_the_last_block():
    X, y = _data(49, 2, 5)
    net = two_layer_memorizer(X, y, drop_last=True, dtype=F64)
    err = np.abs(net.evaluate(X) - y)
    assert err.max() > 1e-3 and np.sum(err > 1e-6) <= 7  # only points of the last block of 7


# --------------------------------------------------------------------------------------------
# (c) the zig-zag: n - 1 pieces needed, w + 1 pieces available
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [4, 5, 9, 40])
def test_every_zigzag_interpolant_has_n_minus_1_pieces(n):
    g = np.random.default_rng(n)
    x = np.sort(g.uniform(0, 1, n))
    y = (-1.0) ** np.arange(n)
    net = shallow_memorizer(x[:, None], y, u=[1.0], dtype=F64)
    assert count_linear_pieces(*net.numpy_layers(), x[0], x[-1]) == n - 1
    # other continuous piecewise-linear interpolants: through extra points with random values
    for _ in range(5):
        extra = g.uniform(0, 1, 6)
        xs = np.concatenate([x, extra])
        ys = np.concatenate([y, g.uniform(-3, 3, 6)])
        other = shallow_memorizer(xs[:, None], ys, u=[1.0], dtype=F64)
        np.testing.assert_allclose(other.evaluate(x[:, None]), y, atol=1e-8)
        assert count_linear_pieces(*other.numpy_layers(), x[0], x[-1]) >= n - 1


@pytest.mark.parametrize("w", [1, 3, 8, 20])
def test_one_hidden_layer_has_at_most_w_plus_1_pieces(w):
    g = np.random.default_rng(w)
    counts = []
    for _ in range(10):
        ws = [g.standard_normal((w, 1)), g.standard_normal((1, w))]
        bs = [g.standard_normal(w), g.standard_normal(1)]
        counts.append(count_linear_pieces(ws, bs, -math.inf, math.inf))
    assert max(counts) == w + 1  # attained by generic weights, never exceeded


# --------------------------------------------------------------------------------------------
# demo result and bad inputs
# --------------------------------------------------------------------------------------------


def test_demo_is_deterministic_and_plots():
    import matplotlib

    matplotlib.use("Agg")
    a = memorization_demo(ns=(16, 64), d=2, zig_ns=(6,), seed=3)
    b = memorization_demo(ns=(16, 64), d=2, zig_ns=(6,), seed=3)
    np.testing.assert_array_equal(a.shallow_err, b.shallow_err)
    assert a.zig_pieces.tolist() == [5]
    fig = a.plot()
    assert fig is not None


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: shallow_memorizer(np.zeros((3, 2)), np.zeros(3)), ValueError, "X"),
        (lambda: shallow_memorizer(np.eye(3), np.zeros(2)), ValueError, "y"),
        (lambda: shallow_memorizer(np.eye(3)[:1], np.zeros(1)), ValueError, "X"),
        (lambda: shallow_memorizer("X", np.zeros(1)), TypeError, "X"),
        (lambda: shallow_memorizer(np.eye(3), np.zeros(3), u=[1.0, 0.0]), ValueError, "u"),
        (lambda: shallow_memorizer(np.eye(3), np.zeros(3), u=[0.0, 0.0, 0.0]), ValueError, "u"),
        (lambda: shallow_memorizer(np.eye(3), np.zeros(3), drop_last=1), TypeError, "drop_last"),
        (lambda: shallow_memorizer(np.eye(2), np.zeros(2), drop_last=True), ValueError, "drop_last"),
        (lambda: two_layer_memorizer(np.eye(4), np.zeros(4), k=1), ValueError, "k"),
        (lambda: two_layer_memorizer(np.eye(4), np.zeros(4), k=5), ValueError, "k"),
        (lambda: two_layer_memorizer(np.eye(4), np.zeros(4), k=2.0), TypeError, "k"),
        (lambda: two_layer_memorizer(np.eye(4), np.zeros(4), k=4, drop_last=True), ValueError, "drop_last"),
        (lambda: separating_direction(np.ones((3, 2))), ValueError, "X"),
        (lambda: separating_direction(np.eye(3), seed=-1), ValueError, "seed"),
        (lambda: memorization_demo(ns=(16,)), ValueError, "ns"),
        (lambda: memorization_demo(ns=(2, 16)), ValueError, "ns"),
        (lambda: memorization_demo(d=0), ValueError, "d"),
        (lambda: memorization_demo(zig_ns=(3,)), ValueError, "zig_ns"),
        (lambda: memorization_demo(seed=-1), ValueError, "seed"),
    ],
)
def test_bad_inputs_are_named(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_networks_are_relunets_of_the_requested_dtype():
    X, y = _data(9, 2, 0)
    for net in (shallow_memorizer(X, y), two_layer_memorizer(X, y)):
        assert isinstance(net, ReLUNet) and net.weights[0].dtype == torch.float32
        assert isinstance(net(X), torch.Tensor)
