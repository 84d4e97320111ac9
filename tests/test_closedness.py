"""Tests of dlmath.expressivity.closedness (fixed-size network classes are not closed)."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest
import torch
from scipy import integrate

from dlmath.expressivity.closedness import (
    NonClosednessResult,
    lipschitz_constant_1d,
    lp_distance_to_step,
    non_closedness_demo,
    ramp_network,
    step_lipschitz_lower_bound,
    weight_lipschitz_bound,
)
from dlmath.expressivity.relu_nets import ReLUNet
from dlmath.results import verify

F64 = {"dtype": torch.float64}


def _random_shallow(gen: np.random.Generator, m: int) -> ReLUNet:
    w = 3.0 * gen.standard_normal(m)
    t = gen.uniform(-1.2, 1.2, m)
    c = gen.standard_normal(m)
    return ReLUNet([w[:, None], c[None, :]], [-w * t, np.array([gen.uniform(-0.5, 1.5)])], **F64)


def _quad_distance(net: ReLUNet, p: float, a: float = -1.0, b: float = 1.0) -> float:
    """||net - H||_{L^p(a, b)} by adaptive quadrature, told where the kinks and the jump are."""
    ws, bs = net.numpy_layers()
    w, bb = ws[0][:, 0], bs[0]
    kinks = [-bi / wi for wi, bi in zip(w, bb) if wi != 0 and a < -bi / wi < b]
    g = lambda x: float(net.evaluate(np.array([x]))[0])  # noqa: E731
    left = integrate.quad(lambda x: abs(g(x)) ** p, a, 0.0, points=[k for k in kinks if k < 0] or None, limit=200)
    right = integrate.quad(
        lambda x: abs(g(x) - 1.0) ** p, 0.0, b, points=[k for k in kinks if k > 0] or None, limit=200
    )
    return (left[0] + right[0]) ** (1 / p)


# --------------------------------------------------------------------------------------------
# Theorem
# --------------------------------------------------------------------------------------------


@pytest.mark.theorem("expressivity.non_closedness")
def test_non_closedness_rate_distance_and_sharp_bound():
    res = non_closedness_demo(slopes=(1.0, 4.0, 16.0, 64.0, 256.0, 1024.0), ps=(0.5, 1.0, 3.0), n_random=50)
    verify("expressivity.non_closedness", res, label="rate")
    verify("expressivity.non_closedness", res, label="distance")
    c = verify("expressivity.non_closedness", res, label="bound")
    assert c.tightness >= 1 - 1e-12  # attained by the centred ramp
    # f_k is at exactly twice the bound; its parameters grow like k, those of the balanced ramp like sqrt(k)
    assert np.allclose(res.ratio_left, 2.0, rtol=1e-12)
    assert np.allclose(res.param_left, res.slopes) and np.allclose(res.param_balanced, np.sqrt(res.slopes))
    assert np.allclose(res.lip_left, res.slopes, rtol=1e-14) and np.all(res.weight_bound_left >= res.lip_left)


@pytest.mark.theorem("expressivity.non_closedness")
def test_non_closedness_non_dyadic_slopes():
    # 1/k is rounded: the allowance for the rounded weight keeps the checks honest
    res = non_closedness_demo(slopes=(1.0, 3.0, 10.0, 30.0, 100.0, 300.0), ps=(1.0, 2.0), n_levels=5, n_random=10)
    for label in ("rate", "distance", "bound"):
        verify("expressivity.non_closedness", res, label=label)


def test_ratio_of_the_ramps_through_a_level():
    res = non_closedness_demo(slopes=(1.0, 2.0), ps=(0.5, 1.0, 2.0), n_levels=21, n_random=1)
    a, p = res.levels[:, None], res.ps[None, :]
    expected = (2**p * (a ** (p + 1) + (1 - a) ** (p + 1))) ** (1 / p)
    assert np.allclose(res.level_ratio, expected, rtol=1e-12)
    assert np.allclose(res.level_ratio[10], 1.0, rtol=1e-12)  # a = 1/2
    assert res.bound_ratio_min >= 1 - 1e-12


# --------------------------------------------------------------------------------------------
# The maths functions against independent computations
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.5, 1.0, 2.0, 3.5])
def test_lp_distance_matches_quadrature(p):
    gen = np.random.default_rng(1)
    for m in (1, 2, 5):
        net = _random_shallow(gen, m)
        assert lp_distance_to_step(net, p) == pytest.approx(_quad_distance(net, p), rel=1e-8)
    net = _random_shallow(gen, 4)
    d = lp_distance_to_step(net, p, a=-0.3, b=2.0)
    assert d == pytest.approx(_quad_distance(net, p, -0.3, 2.0), rel=1e-8)


def test_lp_distance_matches_fine_trapezoid():
    net = ramp_network(7.0, level=0.3, **F64)
    x_l, x_r = np.linspace(-1, 0, 400_001), np.linspace(0, 1, 400_001)
    for p in (1.0, 2.0):
        el, er = np.abs(net.evaluate(x_l)) ** p, np.abs(net.evaluate(x_r) - 1) ** p
        quad = np.trapezoid(el, x_l) + np.trapezoid(er, x_r)
        assert lp_distance_to_step(net, p) == pytest.approx(quad ** (1 / p), rel=1e-8)


@pytest.mark.parametrize("p", [0.25, 1.0, 2.0, 5.0])
@pytest.mark.parametrize("k", [1.0, 3.0, 64.0, 1000.0])
def test_closed_forms(k, p):
    f_k = ramp_network(k, level=1.0, scale="output", **F64)
    assert lp_distance_to_step(f_k, p) == pytest.approx(((p + 1) * k) ** (-1 / p), rel=1e-9)
    centred = ramp_network(k, level=0.5, **F64)
    assert lp_distance_to_step(centred, p) == pytest.approx(step_lipschitz_lower_bound(k, p), rel=1e-12)
    assert step_lipschitz_lower_bound(k, p) == pytest.approx(0.5 * ((p + 1) * k) ** (-1 / p), rel=1e-15)


def test_lower_bound_below_one_uses_one():
    assert step_lipschitz_lower_bound(0.25, 2.0) == step_lipschitz_lower_bound(1.0, 2.0)


def test_ramp_parameterisations_agree():
    x = np.linspace(-1, 1, 1001)
    k = 25.0
    nets = {s: ramp_network(k, level=0.8, scale=s, **F64) for s in ("output", "input", "balanced")}
    ref = np.clip(0.8 + k * x, 0.0, 1.0)
    for s, net in nets.items():
        assert np.allclose(net.evaluate(x), ref, atol=1e-13), s
        assert net.widths == (1, 2, 1)
    big = {s: max(np.abs(t).max() for t in sum(n.numpy_layers(), [])) for s, n in nets.items()}
    assert big == pytest.approx({"output": k, "input": k, "balanced": 5.0})
    f_k = nets["output"].numpy_layers()
    assert np.allclose(f_k[0][0], 1.0) and np.allclose(f_k[0][1], [[k, -k]])  # k(relu(x + b) - relu(x + b'))


def test_lipschitz_constant_matches_finite_differences():
    gen = np.random.default_rng(2)
    x = np.linspace(-1, 1, 200_001)
    for m in (1, 3, 8):
        net = _random_shallow(gen, m)
        g = net.evaluate(x)
        fd = np.max(np.abs(np.diff(g) / np.diff(x)))
        lip = lipschitz_constant_1d(net)
        assert fd == pytest.approx(lip, rel=1e-6)
        assert weight_lipschitz_bound(net) >= lip * (1 - 1e-12)


def test_weight_bound_covers_deep_networks():
    gen = np.random.default_rng(3)
    widths = (1, 4, 3, 1)
    ws = [gen.standard_normal((widths[i + 1], widths[i])) for i in range(3)]
    bs = [gen.standard_normal(widths[i + 1]) for i in range(3)]
    net = ReLUNet(ws, bs, **F64)
    x = np.linspace(-3, 3, 100_001)
    fd = np.max(np.abs(np.diff(net.evaluate(x)) / np.diff(x)))
    C = max(np.abs(w).max() for w in ws)
    assert fd <= weight_lipschitz_bound(net) * (1 + 1e-9)
    assert weight_lipschitz_bound(net) <= C**3 * 4 * 3 * (1 + 1e-12)  # prod_l m_{l-1} C


def test_bound_holds_for_random_lipschitz_functions():
    # piecewise-linear L-Lipschitz functions with random slopes in [-L, L] (not networks of width 2)
    gen = np.random.default_rng(4)
    for L in (1.0, 5.0, 40.0):
        for _ in range(20):
            n = 50
            knots = np.sort(np.concatenate([[-1.0, 0.0, 1.0], gen.uniform(-1, 1, n)]))
            slopes = gen.uniform(-L, L, knots.size - 1)
            vals = np.concatenate([[0.0], np.cumsum(slopes * np.diff(knots))])
            vals += gen.uniform(-0.5, 1.5) - np.interp(0.0, knots, vals)
            # as a shallow network: g = v0 + s0 (x + 1) + sum_j (s_j - s_{j-1}) relu(x - t_j)
            t = knots[1:-1]
            net = ReLUNet(
                [np.ones((t.size + 1, 1)), np.concatenate([[slopes[0]], np.diff(slopes)])[None, :]],
                [np.concatenate([[1.0], -t]), np.array([vals[0]])],
                **F64,
            )
            assert np.allclose(net.evaluate(knots), vals, atol=1e-10)
            for p in (0.5, 1.0, 2.0):
                assert lp_distance_to_step(net, p) >= step_lipschitz_lower_bound(L, p) * (1 - 1e-12)


def test_bound_is_sharp_only_at_the_centred_ramp():
    # perturbing the centred ramp (level, slope, a bump) increases the ratio
    L, p = 10.0, 2.0
    base = lp_distance_to_step(ramp_network(L, level=0.5, **F64), p)
    for level in (0.45, 0.55):
        assert lp_distance_to_step(ramp_network(L, level=level, **F64), p) > base
    assert lp_distance_to_step(ramp_network(0.9 * L, level=0.5, **F64), p) > base


def test_demo_is_deterministic_and_plots():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    a = non_closedness_demo(slopes=(1.0, 8.0), n_levels=5, n_random=5, seed=3)
    b = non_closedness_demo(slopes=(1.0, 8.0), n_levels=5, n_random=5, seed=3)
    assert isinstance(a, NonClosednessResult)
    assert np.array_equal(a.random_ratio, b.random_ratio)
    fig = a.plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    fig.savefig(io.BytesIO(), format="png")
    plt.close("all")


# --------------------------------------------------------------------------------------------
# Bad inputs
# --------------------------------------------------------------------------------------------

_DEEP = ReLUNet([np.ones((2, 1)), np.ones((2, 2)), np.ones((1, 2))], [np.zeros(2), np.zeros(2), np.zeros(1)])
_NET = ramp_network(2.0)

BAD = [
    (lambda: ramp_network(0.0), ValueError, "slope"),
    (lambda: ramp_network("2"), TypeError, "slope"),
    (lambda: ramp_network(2.0, level=1.5), ValueError, "level"),
    (lambda: ramp_network(2.0, scale="middle"), ValueError, "scale"),
    (lambda: ramp_network(2.0, dtype="int32"), TypeError, "dtype"),
    (lambda: lp_distance_to_step("net", 1.0), TypeError, "net"),
    (lambda: lp_distance_to_step(_DEEP, 1.0), ValueError, "net"),
    (lambda: lp_distance_to_step(_NET, 0.0), ValueError, "p"),
    (lambda: lp_distance_to_step(_NET, 1.0, a=0.5), ValueError, "a"),
    (lambda: lp_distance_to_step(_NET, 1.0, b="1"), TypeError, "b"),
    (lambda: lipschitz_constant_1d(_DEEP), ValueError, "net"),
    (lambda: lipschitz_constant_1d(_NET, -1.0, -0.5), ValueError, "b"),
    (lambda: weight_lipschitz_bound([np.ones((1, 1))]), TypeError, "net"),
    (lambda: step_lipschitz_lower_bound(0.0, 1.0), ValueError, "lip"),
    (lambda: step_lipschitz_lower_bound(1.0, -1.0), ValueError, "p"),
    (lambda: non_closedness_demo(slopes=(0.5, 2.0)), ValueError, "slopes"),
    (lambda: non_closedness_demo(slopes=(4.0, 2.0)), ValueError, "slopes"),
    (lambda: non_closedness_demo(slopes=(4.0,)), ValueError, "slopes"),
    (lambda: non_closedness_demo(ps=(0.0,)), ValueError, "ps"),
    (lambda: non_closedness_demo(n_levels=2), ValueError, "n_levels"),
    (lambda: non_closedness_demo(n_random=0), ValueError, "n_random"),
    (lambda: non_closedness_demo(width=0), ValueError, "width"),
    (lambda: non_closedness_demo(seed=-1), ValueError, "seed"),
    (lambda: non_closedness_demo(device="nonsense"), ValueError, "device"),
]


@pytest.mark.parametrize("call, exc, match", BAD)
def test_bad_inputs_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_bound_formula_at_p_one():
    assert step_lipschitz_lower_bound(3.0, 1.0) == pytest.approx(1 / 12, rel=1e-15)
    assert math.isclose(lp_distance_to_step(ramp_network(3.0, level=1.0, **F64), 1.0), 1 / 6, rel_tol=1e-14)
