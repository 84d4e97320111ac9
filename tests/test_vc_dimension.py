"""Tests of dlmath.expressivity.vc_dimension: bit extraction, shattering and the VC upper bound."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlmath.expressivity.relu_nets import ReLUNet
from dlmath.expressivity.vc_dimension import (
    VCDimensionResult,
    _extractor_exact_positions,
    binary_digits,
    bit_extraction_network,
    row_lookup_network,
    row_numbers,
    shattering_network,
    vc_dimension_demo,
    vc_upper_bound,
)
from dlmath.results import verify

# --------------------------------------------------------------------------------------------
# Theorem
# --------------------------------------------------------------------------------------------


@pytest.mark.theorem("expressivity.vc_dimension")
def test_shattering_exhaustive_and_product():
    res = vc_dimension_demo(exhaustive_grid=(3, 4), grid=(512, 12), n_random_labellings=2)
    assert isinstance(res, VCDimensionResult)
    verify("expressivity.vc_dimension", res, label="exhaustive")
    verify("expressivity.vc_dimension", res, label="product")
    c = verify("expressivity.vc_dimension", res, label="upper")
    assert 0 < c.tightness < 1
    # the counts, written out independently of the declaration
    assert res.n_labellings == res.n_labellings_exact == 2**12
    assert res.n_labellings_truncated == 2 ** (3 * 3)
    assert res.direct_gap == 0.0 and res.end_to_end_errors == 0
    # more points than parameters; the sizes of the construction
    assert res.n_params == 5 * 512 + 72 * 12 - 25 and res.depth == 12 + 3 and res.n_layers == 16
    assert res.set_size == 512 * 12 > res.n_params and res.ratio_params > 1.5


@pytest.mark.theorem("expressivity.vc_dimension")
def test_demo_defaults_shatter_more_points_than_parameters():
    res = vc_dimension_demo()
    for label in ("exhaustive", "product", "upper"):
        verify("expressivity.vc_dimension", res, label=label)
    assert res.n_labellings == 2**16 and res.n_labellings_truncated == 2**12
    assert res.certified == res.set_size == 2048 * 16 and res.ratio_params > 2.5


# --------------------------------------------------------------------------------------------
# The networks
# --------------------------------------------------------------------------------------------


def test_bit_extractor_every_number_every_position():
    n = 7
    net = bit_extraction_network(n, dtype=torch.float64)
    assert net.depth == n + 1 and max(net.widths[1:-2]) == 8 and net.n_params == 72 * n - 27
    ints = np.arange(2**n)
    kk, jj = np.meshgrid(ints, np.arange(1, n + 1), indexing="ij")
    out = net.evaluate(np.stack([kk.ravel() / 2**n, jj.ravel()], axis=1).astype(float))
    assert np.array_equal(out, ((kk.ravel() >> (n - jj.ravel())) & 1).astype(float))


def test_half_slope_ramp_fails_exactly_at_the_margin():
    # with slope 2^(n-1) the first digit of r = 1/2 - 2^-n is read as 1/2 and the second as 0;
    # from the third step on the margin of the remainder is wide enough again
    n = 9
    assert np.array_equal(_extractor_exact_positions(n, n, n - 1), np.arange(1, n + 1) > 2)
    assert _extractor_exact_positions(n, n, n).all()
    assert np.array_equal(_extractor_exact_positions(n, n - 1, n), np.arange(1, n + 1) < n)


def test_row_lookup_is_the_piecewise_linear_interpolant():
    rng = np.random.default_rng(1)
    m, n = 300, 20
    a = rng.integers(0, 2**n, m) / 2**n
    net = row_lookup_network(a, dtype=torch.float64)
    assert net.n_params == 5 * m + 2 and net.depth == 1
    i = np.arange(1, m + 1, dtype=float)
    out = net.evaluate(np.stack([i, np.full(m, 3.0)], axis=1))
    assert np.array_equal(out[:, 0], a) and np.all(out[:, 1] == 3.0)
    mid = net.evaluate(np.stack([i[:-1] + 0.5, np.zeros(m - 1)], axis=1))[:, 0]
    np.testing.assert_allclose(mid, (a[:-1] + a[1:]) / 2, rtol=0, atol=1e-12)


def test_shattering_network_realises_its_labels_with_one_architecture():
    rng = np.random.default_rng(2)
    m, n = 37, 9
    labs = [rng.integers(0, 2, (m, n)) for _ in range(3)]
    nets = [shattering_network(lab, dtype="float64") for lab in labs]
    ii, jj = np.meshgrid(np.arange(1, m + 1), np.arange(1, n + 1), indexing="ij")
    pts = np.stack([ii.ravel(), jj.ravel()], axis=1).astype(float)
    for net, lab in zip(nets, labs):
        assert isinstance(net, ReLUNet) and net.depth == n + 3
        assert np.array_equal(net.evaluate(pts), lab.ravel().astype(float))
    # only the lookup's output layer (index 1) depends on the labelling
    (w0, b0), (w1, b1) = nets[0].numpy_layers(), nets[1].numpy_layers()
    assert nets[0].widths == nets[1].widths == (2, m, 2) + (8,) * n + (2, 1)
    differ = [k for k in range(len(w0)) if not (np.array_equal(w0[k], w1[k]) and np.array_equal(b0[k], b1[k]))]
    assert differ == [1]


def test_row_numbers_and_digits_are_inverse():
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 2, (50, 13))
    a = row_numbers(labels)
    ints = [int("".join(map(str, row)), 2) for row in labels]
    assert np.array_equal(a, np.array(ints) / 2**13)
    assert np.array_equal(binary_digits(a, 13), labels.astype(float))
    t = row_numbers(torch.as_tensor(labels, dtype=torch.float32))
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32
    assert binary_digits(np.array([0.75, 0.125]), 3).tolist() == [[1, 1, 0], [0, 0, 1]]


# --------------------------------------------------------------------------------------------
# The upper bound of Theorem 7
# --------------------------------------------------------------------------------------------


def _bound_by_hand(widths, p=1):
    L = len(widths) - 1
    W = [sum((widths[q - 1] + 1) * widths[q] for q in range(1, i + 1)) for i in range(1, L + 1)]
    R = sum(i * widths[i] for i in range(1, L + 1))
    return L + sum(W) * math.log2(4 * math.e * p * R * math.log2(2 * math.e * p * R))


@pytest.mark.parametrize("widths", [(1, 2, 2, 1), (2, 10, 1), (3, 5, 5, 5, 1), (2, 100, 2, 8, 8, 2, 1)])
def test_vc_upper_bound_formula(widths):
    assert vc_upper_bound(widths) == pytest.approx(_bound_by_hand(widths), rel=1e-12)
    assert vc_upper_bound(widths, n_breakpoints=3) == pytest.approx(_bound_by_hand(widths, 3), rel=1e-12)


def test_vc_upper_bound_exceeds_the_parameters_and_a_shattered_set():
    net = shattering_network(np.zeros((64, 6)), dtype="float64")
    assert vc_upper_bound(net.widths) > 64 * 6 and vc_upper_bound(net.widths) > net.n_params


# --------------------------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: row_numbers([[0, 2]]), ValueError, "labels"),
        (lambda: row_numbers(np.zeros((2, 25))), ValueError, "labels"),
        (lambda: row_numbers("x"), TypeError, "labels"),
        (lambda: binary_digits([1.0], 3), ValueError, "a"),
        (lambda: binary_digits([0.5], 0), ValueError, "n"),
        (lambda: vc_upper_bound((2, 3, 2)), ValueError, "widths"),
        (lambda: vc_upper_bound((1, 1, 1)), ValueError, "widths"),
        (lambda: vc_upper_bound((2, 3, 1), n_breakpoints=0), ValueError, "n_breakpoints"),
        (lambda: row_lookup_network([0.5]), ValueError, "values"),
        (lambda: bit_extraction_network(25), ValueError, "n"),
        (lambda: shattering_network(np.zeros((1, 3))), ValueError, "labels"),
        (lambda: vc_dimension_demo(exhaustive_grid=(4, 5)), ValueError, "exhaustive_grid"),
        (lambda: vc_dimension_demo(grid=(16, 21)), ValueError, "grid"),
        (lambda: vc_dimension_demo(n_random_labellings=0), ValueError, "n_random_labellings"),
    ],
)
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
