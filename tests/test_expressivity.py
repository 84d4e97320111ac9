"""Tests of Part II (dlmath.expressivity): universal approximation, Barron/Maurey, depth."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlmath import expressivity as E
from dlmath.expressivity.barron import _maurey_scales
from dlmath.nets import count_parameters
from dlmath.results import verify

# --------------------------------------------------------------------------------------------
# Theorems
# --------------------------------------------------------------------------------------------


@pytest.mark.theorem("expressivity.uat_ck")
def test_uat_ck_rate_and_constant():
    res = E.uat_1d_rate_demo(widths=2 ** np.arange(3, 9))
    c = verify("expressivity.uat_ck", res, label="interpolant")
    assert c.tightness >= 0.99  # attained in the limit, already at n = 256
    verify("expressivity.uat_ck", res, label="rate")
    # the constant is pi^2/2 for sin(2 pi x), independently of the bound's formula
    big = res.widths >= 64
    assert np.all(np.abs(res.sup_err[big] * res.widths[big] ** 2 / (math.pi**2 / 2) - 1) <= 0.02)


@pytest.mark.theorem("expressivity.uat_ck")
def test_polynomial_activation_is_not_universal():
    res = E.polynomial_activation_demo(degree=2, widths=(2, 8, 32))
    verify("expressivity.uat_ck", res, label="polynomial")
    assert np.all(res.poly_rank <= 3)
    assert np.all(res.poly_err >= res.poly_minimax * (1 - 1e-9))  # least squares is no better than minimax
    assert res.relu_err[-1] < 0.5 * res.predicted
    res3 = E.polynomial_activation_demo(degree=3, widths=(4, 16))
    verify("expressivity.uat_ck", res3, label="polynomial")
    assert np.allclose(res3.poly_minimax, 1 / 8, rtol=1e-7)


@pytest.mark.theorem("expressivity.uat_lp")
def test_heaviside_lp_closed_form():
    res = E.heaviside_lp_demo(hs=(1e-1, 1e-2, 1e-3), ps=(1, 2, 4))
    verify("expressivity.uat_lp", res, label="lp")
    verify("expressivity.uat_lp", res, label="sup")
    # slopes 1/p in h
    for j, p in enumerate(res.ps):
        slope = np.polyfit(np.log(res.hs), np.log(res.lp_err[:, j]), 1)[0]
        assert abs(slope - 1 / p) < 0.01


@pytest.mark.theorem("expressivity.uat_sobolev")
def test_sobolev_rates_and_sharp_constants():
    res = E.sobolev_rate_demo(widths=2 ** np.arange(3, 8))
    for label in ("h1", "l2", "h1_bound", "l2_bound"):
        verify("expressivity.uat_sobolev", res, label=label)
    assert -1.1 <= res.rate_h1 <= -0.9
    assert -2.1 <= res.rate_l2 <= -1.9
    assert abs(res.predicted_const_h1 - (2 * math.pi) ** 2 / math.sqrt(24)) < 1e-12
    assert abs(res.predicted_const_l2 - (2 * math.pi) ** 2 / math.sqrt(240)) < 1e-12
    # the non-asymptotic bounds ||f''||/(pi n) and ||f''||/(pi^2 n^2), written out independently
    f2 = (2 * math.pi) ** 2 / math.sqrt(2)
    n = res.widths.astype(float)
    assert np.all(res.h1_err <= f2 / (math.pi * n))
    assert np.all(res.l2_err <= f2 / (math.pi**2 * n**2))


@pytest.mark.theorem("expressivity.barron_maurey")
def test_maurey_exact_constant_every_dimension():
    res = E.maurey_demo(dims=(1, 100), widths=(16, 64, 256, 1024), n_seeds=100, n_test=1000)
    assert res.predicted == pytest.approx(0.5 - 1 / (2 * math.pi), abs=1e-15)
    verify("expressivity.barron_maurey", res, label="constant")
    verify("expressivity.barron_maurey", res, label="rate")
    # the pointwise error depends on x: the target is not constant on the support of mu
    assert res.ratio_se[-1] < 0.025


def test_maurey_scales_are_normalised():
    for d in (1, 7, 100):
        lam = _maurey_scales(d)
        assert lam.shape == (d,) and abs(lam.sum() - 3) < 1e-12 and np.all(np.diff(lam) < 0 if d > 1 else True)


@pytest.mark.theorem("expressivity.telgarsky_sawtooth")
def test_telgarsky_pieces_and_l1_bound():
    res = E.telgarsky_demo(ks=range(1, 9))
    for label in ("pieces", "bound", "l1"):
        verify("expressivity.telgarsky_sawtooth", res, label=label)
    assert np.all(res.l1_errors >= res.l1_lower_bounds)
    # the prefix construction has the closed-form error (1 - (N - 3/2) 2^-k) / 4
    pred = (1 - (res.l1_Ns - 1.5) / 2.0**res.l1_ks) / 4
    assert np.allclose(res.l1_prefix_errors, pred, rtol=1e-12)


@pytest.mark.theorem("expressivity.yarotsky_square")
def test_yarotsky_square_exact_and_product_bound():
    res = E.yarotsky_demo(ms=range(1, 11), n_pairs=50_000)
    verify("expressivity.yarotsky_square", res, label="square")
    verify("expressivity.yarotsky_square", res, label="product")


@pytest.mark.theorem("expressivity.curse_of_dimensionality")
def test_curse_rates():
    res = E.curse_demo(dims=(1, 2, 3))
    verify("expressivity.curse_of_dimensionality", res, label="rate")
    assert np.all((res.rates_vs_m >= -2.1) & (res.rates_vs_m <= -1.9))
    assert np.allclose(res.predicted, -2 / res.dims)


@pytest.mark.theorem("expressivity.simplex_interpolation")
def test_simplex_interpolation_sharp_bound():
    res = E.curse_demo(dims=(1, 2, 3))
    verify("expressivity.simplex_interpolation", res)
    assert np.all(res.quad_ratio >= 1 - 1e-9)  # attained at the cube centres for every (d, m)


# --------------------------------------------------------------------------------------------
# Networks built from explicit weights
# --------------------------------------------------------------------------------------------


def test_shallow_interpolant_network_matches_formula():
    f = lambda x: np.exp(np.sin(3 * x))  # noqa: E731
    n = 17
    net = E.shallow_relu_interpolant(f, n, dtype=torch.float64)
    assert isinstance(net, torch.nn.Module)
    assert net.depth == 1 and net.widths == (1, n, 1)
    assert net.n_params == count_parameters(net) == 3 * n + 1
    x = np.linspace(0, 1, 1001)
    nodes = np.arange(n + 1) / n
    assert np.max(np.abs(net.evaluate(x) - np.interp(x, nodes, f(nodes)))) < 1e-13


def test_heaviside_ramp_network():
    net = E.heaviside_ramp_network(0.25, dtype=torch.float64)
    x = np.array([-1.0, 0.0, 0.125, 0.25, 2.0])
    assert np.allclose(net.evaluate(x), [0, 0, 0.5, 1, 1], atol=1e-15)
    assert net.n_params == 7


@pytest.mark.parametrize("k", [1, 2, 5, 9])
def test_sawtooth_network_matches_tent_composition(k):
    net = E.sawtooth_network(k)
    assert net.depth == k and max(net.widths[1:-1]) == 2
    assert net.n_params == count_parameters(net) == 6 * k + 1
    x = np.linspace(0, 1, 4097)
    y = x.copy()
    for _ in range(k):
        y = np.where(y <= 0.5, 2 * y, 2 - 2 * y)
    assert np.max(np.abs(E.sawtooth(x, k) - y)) < 1e-12
    assert count_linear_pieces_of(net) == 2**k


def count_linear_pieces_of(net, a=0.0, b=1.0):
    return E.count_linear_pieces(*net.numpy_layers(), a, b)


@pytest.mark.parametrize("m", [1, 3, 6, 10])
def test_yarotsky_square_network_is_interpolant(m):
    net = E.yarotsky_square_network(m)
    assert net.depth == m and max(net.widths[1:-1]) == 3
    assert net.n_params == count_parameters(net) == 12 * m - 2
    x = np.linspace(0, 1, 2**12 + 1)
    nodes = np.arange(2**m + 1) / 2**m
    assert np.max(np.abs(E.yarotsky_square(x, m) - np.interp(x, nodes, nodes**2))) < 1e-15
    # formula f_m = x - sum_s g_s / 4^s
    fm = x - sum(E.sawtooth(x, s) / 4.0**s for s in range(1, m + 1))
    assert np.max(np.abs(E.yarotsky_square(x, m) - fm)) < 1e-15
    assert count_linear_pieces_of(net) == 2**m


@pytest.mark.parametrize("m", [2, 5])
def test_yarotsky_product_network(m):
    M = 2.5
    net = E.yarotsky_product_network(m, M)
    assert net.depth == m + 1 and max(net.widths[1:-1]) == 9
    assert net.n_params == 90 * m + 1
    g = np.random.default_rng(0)
    x, y = g.uniform(-M, M, 2000), g.uniform(-M, M, 2000)
    fm = E.yarotsky_square_network(m, dtype=torch.float64)

    def f(t):
        return fm.evaluate(t)

    formula = 2 * M**2 * (f(np.abs(x + y) / (2 * M)) - f(np.abs(x) / (2 * M)) - f(np.abs(y) / (2 * M)))
    out = E.yarotsky_product(x, y, m, M)
    assert np.max(np.abs(out - formula)) < 1e-12
    assert np.max(np.abs(out - x * y)) <= M**2 * 2.0 ** (-2 * m) * (1 + 1e-12)


@pytest.mark.parametrize("d, m", [(1, 5), (2, 4), (3, 3)])
def test_simplex_network_matches_barycentric_formula(d, m):
    g = np.random.default_rng(d)
    vals = g.standard_normal((m + 1,) * d)
    X = g.uniform(0, 1, (500, d))
    net = E.simplex_interpolant_network(vals, m, dtype=torch.float64)
    assert net.depth == 2 + math.ceil(math.log2(d))
    assert np.max(np.abs(net.evaluate(X) - E.simplex_interpolate(vals, m, X))) < 1e-12
    # interpolation at the nodes, and exactness for affine functions
    nodes = np.stack(np.meshgrid(*[np.arange(m + 1) / m] * d, indexing="ij"), -1).reshape(-1, d)
    assert np.allclose(E.simplex_interpolate(vals, m, nodes), vals.reshape(-1), atol=1e-13)
    a = g.standard_normal(d)
    aff = (nodes @ a + 0.3).reshape((m + 1,) * d)
    assert np.allclose(E.simplex_interpolate(aff, m, X), X @ a + 0.3, atol=1e-12)


def test_hat_function_values():
    net = E.hat_function_network(2, dtype=torch.float64)
    pts = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [1.0, -1.0], [0.5, 0.25], [-0.5, -0.5]])
    assert np.allclose(net.evaluate(pts), [1.0, 0.0, 0.0, 0.0, 0.5, 0.5], atol=1e-15)


def test_relu_net_is_trainable_module(dtype, device):
    net = E.sawtooth_network(3, dtype=dtype, device=device)
    x = torch.rand(8, 1, dtype=dtype, device=device)
    out = net(x)
    assert out.dtype == dtype and out.device.type == torch.device(device).type
    out.sum().backward()
    assert all(p.grad is not None and p.grad.dtype == dtype for p in net.parameters())


def test_relu_net_defaults_to_float32_and_takes_numpy():
    net = E.ReLUNet([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]])
    assert all(p.dtype == torch.float32 for p in net.parameters())
    out = net(np.array([[2.0], [0.5]]))
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32
    torch.testing.assert_close(out, torch.tensor([[3.0], [0.5]]))
    assert E.ReLUNet(*net.numpy_layers(), dtype="float64").weights[0].dtype == torch.float64
    assert E.ReLUNet(*net.numpy_layers(), dtype=np.float64).weights[0].dtype == torch.float64
    with pytest.raises(TypeError, match="dtype"):
        net(torch.ones(2, 1, dtype=torch.float64))


@pytest.mark.parametrize("k", [1, 4, 8])
def test_float32_sawtooth_is_exact_on_dyadic_points(k):
    # the weights 2, -4, 1/2 and the dyadic grid are exact in float32: the default loses nothing
    x = np.arange(2**10 + 1) / 2**10
    y32 = E.sawtooth_network(k).evaluate(x)
    y64 = E.sawtooth_network(k, dtype=torch.float64).evaluate(x)
    assert np.array_equal(y32, y64)
    assert E.count_linear_pieces(*E.sawtooth_network(k).numpy_layers()) == 2**k


def test_data_functions_keep_the_input_kind(dtype, device):
    x = np.linspace(0, 1, 33)
    xt = torch.as_tensor(x, dtype=dtype, device=device)
    tol = 1e-6 if dtype == torch.float32 else 1e-15
    for fn in (lambda v: E.sawtooth(v, 3), lambda v: E.yarotsky_square(v, 3)):
        out_np, out_t = fn(x), fn(xt)
        assert isinstance(out_np, np.ndarray)
        assert isinstance(out_t, torch.Tensor) and out_t.dtype == dtype and out_t.device.type == xt.device.type
        assert np.max(np.abs(out_t.cpu().double().numpy() - out_np)) <= tol
    prod = E.yarotsky_product(xt - 0.5, xt, 2, 1.0)
    assert isinstance(prod, torch.Tensor) and prod.dtype == dtype and prod.shape == xt.shape
    vals = np.arange(9.0).reshape(3, 3)
    X = torch.as_tensor(np.array([[0.5, 0.5], [0.25, 0.0]]), dtype=dtype, device=device)
    out = E.simplex_interpolate(vals, 2, X)
    assert isinstance(out, torch.Tensor) and out.dtype == dtype
    torch.testing.assert_close(out.cpu().double(), torch.as_tensor(E.simplex_interpolate(vals, 2, X.cpu().numpy())))


def test_relu_net_names_the_mismatched_layer():
    with pytest.raises(
        ValueError, match=r"weights\[2\] must have 3 columns \(the rows of weights\[1\]\), got shape \(1, 2\)"
    ):
        E.ReLUNet([np.ones((2, 1)), np.ones((3, 2)), np.ones((1, 2))], [np.zeros(2), np.zeros(3), np.zeros(1)])
    with pytest.raises(ValueError, match=r"biases\[1\] must have length 3"):
        E.ReLUNet([np.ones((2, 1)), np.ones((3, 2))], [np.zeros(2), np.zeros(2)])


# --------------------------------------------------------------------------------------------
# count_linear_pieces against closed forms
# --------------------------------------------------------------------------------------------


def test_count_pieces_closed_forms():
    # |x| on [-1, 1]: 2 pieces; on [0, 1]: 1 piece
    ws, bs = [np.array([[1.0], [-1.0]]), np.array([[1.0, 1.0]])], [np.zeros(2), np.zeros(1)]
    assert E.count_linear_pieces(ws, bs, -1.0, 1.0) == 2
    assert E.count_linear_pieces(ws, bs, 0.0, 1.0) == 1
    # sigma(x) - sigma(x) == 0: breakpoints that cancel are not pieces
    ws0 = [np.array([[1.0], [1.0]]), np.array([[1.0, -1.0]])]
    assert E.count_linear_pieces(ws0, bs, -math.inf, math.inf) == 1
    # shallow interpolant of a strictly convex function: n pieces on [0, 1], n + 1 on R with a kink at 0
    net = E.shallow_relu_interpolant(lambda x: x**2, 12)
    assert E.count_linear_pieces(*net.numpy_layers(), 0.0, 1.0) == 12
    assert E.count_linear_pieces(*net.numpy_layers(), -math.inf, math.inf) == 13


def test_count_pieces_product_bound_random():
    g = np.random.default_rng(3)
    for L in (1, 2, 3):
        for m in (2, 3):
            sizes = [1] + [m] * L + [1]
            ws = [g.standard_normal((sizes[i + 1], sizes[i])) for i in range(L + 1)]
            bs = [g.standard_normal(sizes[i + 1]) for i in range(L + 1)]
            n = E.count_linear_pieces(ws, bs, -math.inf, math.inf)
            assert 1 <= n <= (m + 1) ** L
            # check against dense sampling of slopes on a bounded window
            net = E.ReLUNet(ws, bs, dtype=torch.float64)
            x = np.linspace(-30, 30, 600_001)
            slope = np.diff(net.evaluate(x)) / np.diff(x)
            flags = np.abs(np.diff(slope)) > 1e-7
            kinks = int(np.sum(flags[1:] & ~flags[:-1]) + flags[0])  # runs of flagged cells
            assert kinks == n - 1


# --------------------------------------------------------------------------------------------
# Results and figures (the bad inputs are in tests/conventions/expressivity.py)
# --------------------------------------------------------------------------------------------


def test_results_are_frozen_and_plot():
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    res = E.curse_demo(dims=(1, 2))
    with pytest.raises(ValueError, match="read-only"):
        res.sup_err[0, 0] = 1.0
    results = [
        res,
        E.polynomial_activation_demo(widths=(2, 4)),
        E.uat_1d_rate_demo(widths=(8, 32, 64)),
        E.heaviside_lp_demo(hs=(0.1, 0.01), ps=(1, 2)),
        E.sobolev_rate_demo(widths=(8, 16)),
        E.maurey_demo(dims=(1, 2), widths=(4, 8), n_seeds=10, n_test=20),
        E.telgarsky_demo(ks=(1, 2)),
        E.yarotsky_demo(ms=(1, 2), n_pairs=100),
    ]
    for r in results:
        fig = r.plot()
        assert isinstance(fig, Figure) and fig.axes
        fig.savefig(io.BytesIO(), format="png")  # renders every label (mathtext errors raise here)
        plt.close("all")


def test_depth_training_demo_runs_small():
    res = E.depth_separation_training_demo(k=3, deep_width=2, steps=20, n_restarts=1)
    assert res.shallow_params <= res.deep_params
    assert res.shallow_loss.shape == (20,) and np.all(np.isfinite(res.deep_loss))
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = res.plot()
    fig.savefig(io.BytesIO(), format="png")
    assert len(fig.axes) == 2
    plt.close("all")


def test_depth_training_figure_shows_its_data():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    res = E.depth_separation_training_demo(k=3, deep_width=2, steps=20, n_restarts=1)
    ax0 = res.plot().axes[0]
    lo, hi = ax0.get_ylim()
    for line in ax0.get_lines():
        y = np.asarray(line.get_ydata(), dtype=float)
        assert y.size and np.all((y >= lo) & (y <= hi)), line.get_label()
    plt.close("all")


@pytest.mark.parametrize("m", [1, 2, 5])
def test_nonzero_weight_counts(m):
    # dense counts 12m - 2 and 90m + 1; non-zero weights 8m - 1 and 24m + 14
    assert E.yarotsky_square_network(m).n_nonzero == 8 * m - 1
    assert E.yarotsky_product_network(m, 3.0).n_nonzero == 24 * m + 14
    assert E.sawtooth_network(m).n_nonzero <= E.sawtooth_network(m).n_params
