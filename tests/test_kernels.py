"""Tests of dlmath.kernels (Part IV: kernels, Gaussian processes, NTK, generalisation)."""

import math

import numpy as np
import pytest
import torch

from dlmath import kernels as K
from dlmath.nets import mlp
from dlmath.results import verify
from dlmath.utils import rng


# ------------------------------------------------------------------ catalogue results
# Every check is declared once in dlmath.kernels; the tests evaluate the same declarations at
# smaller sizes (the tolerances follow the results' own standard errors) and `verify` also
# asserts that the declared wrong answer is rejected.
@pytest.mark.theorem("kernels.random_fourier_features")
def test_rff_rate_and_variance_identity():
    res = K.rff_demo(Ds=(64, 256, 1024, 4096), n_grid=15, n_seeds=5, n_var=2_000_000)
    verify("kernels.random_fourier_features", res, label="rate")
    verify("kernels.random_fourier_features", res, label="variance")


@pytest.mark.theorem("kernels.arccos_kernel")
def test_arccos_closed_forms_match_monte_carlo():
    verify("kernels.arccos_kernel", K.arccos_demo(n_samples=4_000_000))


@pytest.mark.theorem("kernels.krr_representer")
def test_krr_representer_and_gp_posterior():
    res = K.krr_demo(Ds=2 ** np.arange(6, 10), n_seeds=2)
    verify("kernels.krr_representer", res, label="representer")
    verify("kernels.krr_representer", res, label="gp")


@pytest.mark.theorem("kernels.krr_bias_variance")
def test_krr_bias_variance_closed_form():
    verify("kernels.krr_bias_variance", K.krr_bias_variance_demo(n_rep=40000))


@pytest.mark.theorem("kernels.nngp_limit")
def test_nngp_limit_and_kurtosis():
    res = K.nngp_demo(width=256, n_nets=16000, widths=(4, 8, 16, 32), n_nets_kurtosis=400_000)
    verify("kernels.nngp_limit", res, label="covariance")
    verify("kernels.nngp_limit", res, label="kurtosis")


@pytest.mark.theorem("kernels.ntk_limit")
def test_ntk_limit_rate():
    verify("kernels.ntk_limit", K.ntk_limit_demo(widths=(64, 256, 1024, 2048), n_seeds=5))


@pytest.mark.theorem("kernels.depth_limit")
def test_depth_limit():
    res = K.depth_limit_demo(depths=np.arange(1, 21), width=1024, n_seeds=2)
    for label in ("correlation", "variance", "ntk_diagonal"):
        verify("kernels.depth_limit", res, label=label)
    # the networks follow the map: averaged over two networks, within the sampling error at width 1024
    assert res.corr_emp_max_dev <= 0.05


@pytest.mark.theorem("kernels.lazy_training")
def test_lazy_training_rate():
    res = K.lazy_training_demo(widths=(128, 512, 2048), steps=200, n_seeds=3)
    assert res.activation == "erf"
    verify("kernels.lazy_training", res, label="gap")
    verify("kernels.lazy_training", res, label="movement")
    verify("kernels.lazy_training", res, label="linearised")


@pytest.mark.theorem("kernels.double_descent")
def test_double_descent_exact_risk():
    res = K.double_descent_demo(n_rep=1000)
    verify("kernels.double_descent", res)
    # the weak-feature model has its global minimum beyond the interpolation threshold
    assert res.best_over < res.best_under


@pytest.mark.theorem("kernels.rademacher_bounds")
def test_rademacher_linear_bound():
    res = K.rademacher_demo()
    verify("kernels.rademacher_bounds", res, label="bound")
    verify("kernels.rademacher_bounds", res, label="rate")
    verify("kernels.rademacher_bounds", res, label="deviation")


@pytest.mark.theorem("kernels.rademacher_bounds")
def test_norm_bound_networks_learn_and_bound_holds():
    res = K.norm_bound_demo(widths=(16, 256), steps=300)
    verify("kernels.rademacher_bounds", res, label="networks")
    # the networks learn: far below the error of the zero predictor
    assert np.all(res.test_mse < 0.5 * res.null_mse)


# ------------------------------------------------------------------ kernels vs networks
def _mc_output_cov(X, depth, sw2, sb2, activation, width=512, n_nets=40, d_out=200):
    """Empirical covariance of mlp outputs: n_nets networks, d_out output units each."""
    Xt = torch.as_tensor(X, dtype=torch.float64)
    acc = torch.zeros(len(X), len(X), dtype=torch.float64)
    with torch.no_grad():
        for s in range(n_nets):
            net = mlp(
                X.shape[1],
                width,
                depth,
                d_out,
                activation=activation,
                sw2=sw2,
                sb2=sb2,
                dtype=torch.float64,
                seed=100 + s,
            )
            F = net(Xt)  # (n, d_out)
            acc += F @ F.T / d_out
    return acc / n_nets


@pytest.mark.parametrize(
    "depth, sw2, sb2, activation",
    [
        (1, 2.0, 0.0, "relu"),
        (3, 1.5, 0.2, "relu"),
        (2, 1.0, 0.1, "erf"),
        (3, 3.0, 0.0, "erf"),
    ],
)
def test_nngp_kernel_matches_random_mlps(depth, sw2, sb2, activation):
    X = np.random.default_rng(0).standard_normal((5, 4))
    Kan = K.nngp_kernel(X, depth=depth, sw2=sw2, sb2=sb2, activation=activation)
    Kmc = _mc_output_cov(X, depth, sw2, sb2, activation).numpy()
    assert float(np.abs(Kmc - Kan).max() / Kan.diagonal().max()) < 0.05


@pytest.mark.parametrize(
    "depth, sw2, sb2, activation",
    [
        (1, 2.0, 0.0, "relu"),
        (2, 2.0, 0.1, "relu"),
        (3, 1.5, 0.3, "relu"),
        (1, 1.0, 0.0, "erf"),
        (2, 2.5, 0.2, "erf"),
    ],
)
def test_empirical_ntk_matches_analytic(depth, sw2, sb2, activation):
    X = np.random.default_rng(1).standard_normal((5, 3))
    theta = K.ntk_kernel(X, depth=depth, sw2=sw2, sb2=sb2, activation=activation)
    devs = []
    for s in range(3):
        net = mlp(3, 1024, depth, activation=activation, sw2=sw2, sb2=sb2, dtype=torch.float64, seed=s)
        emp = K.empirical_ntk(net, X)
        devs.append(float(np.linalg.norm(emp - theta) / np.linalg.norm(theta)))
    assert np.median(devs) < 0.08


def test_empirical_ntk_depth0_is_exact():
    # an affine map: Theta = (sw2 x.x'/d + sb2), exactly, at any width
    X = np.random.default_rng(2).standard_normal((4, 3))
    net = mlp(3, 7, 0, sw2=1.3, sb2=0.4, dtype=torch.float64)
    emp = K.empirical_ntk(net, X)
    assert isinstance(emp, np.ndarray)
    np.testing.assert_allclose(emp, K.ntk_kernel(X, depth=0, sw2=1.3, sb2=0.4), rtol=0, atol=1e-14)


def test_empirical_ntk_cross_and_symmetry():
    X = torch.randn(4, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    Y = torch.randn(6, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    net = mlp(3, 16, 2, dtype=torch.float64, sb2=0.1)
    full = K.empirical_ntk(net, torch.cat([X, Y]))
    cross = K.empirical_ntk(net, X, Y)
    assert isinstance(cross, torch.Tensor) and cross.shape == (4, 6)
    assert torch.allclose(cross, full[:4, 4:], atol=1e-12)
    # compare with a plain autograd computation of one entry
    g1 = torch.autograd.grad(net(X[:1]).sum(), list(net.parameters()))
    g2 = torch.autograd.grad(net(Y[:1]).sum(), list(net.parameters()))
    manual = sum(float((a * b).sum()) for a, b in zip(g1, g2))
    assert cross[0, 0].item() == pytest.approx(manual, rel=1e-12)


def _loop_ntk(model, X, Y):
    """Reference: the tangent kernel from per-example gradients, one backward pass each."""
    params = [p for p in model.parameters() if p.requires_grad]

    def rows(Z):
        return torch.stack(
            [torch.cat([g.reshape(-1) for g in torch.autograd.grad(model(z[None]).sum(), params)]) for z in Z]
        )

    return rows(X) @ rows(Y).T


def _ntk_tol(dtype):
    # float precision of sums of a few thousand products (relative to the largest entry)
    return 2e-6 if dtype == torch.float32 else 1e-13


def _assert_same_ntk(model, X, Y, dtype):
    structured = K.empirical_ntk(model, X, Y, method="structured")
    jacobian = K.empirical_ntk(model, X, Y, method="jacobian")
    loop = _loop_ntk(model, X, Y)
    scale = loop.abs().max()
    assert structured.dtype == dtype and structured.shape == (X.shape[0], Y.shape[0])
    assert float((structured - jacobian).abs().max() / scale) < _ntk_tol(dtype)
    assert float((structured - loop).abs().max() / scale) < _ntk_tol(dtype)


@pytest.mark.parametrize("parameterization", ["ntk", "standard", "mean_field"])
@pytest.mark.parametrize("activation", ["relu", "erf", "tanh", "identity"])
@pytest.mark.parametrize("sb2", [0.0, 0.3])
def test_structured_ntk_equals_jacobian_on_mlp(parameterization, activation, sb2, dtype):
    g = torch.Generator().manual_seed(3)
    X, Y = torch.randn(6, 3, generator=g, dtype=dtype), torch.randn(4, 3, generator=g, dtype=dtype)
    net = mlp(3, 24, 3, parameterization=parameterization, activation=activation, sb2=sb2, dtype=dtype, seed=2)
    assert K.supports_structured_ntk(net)
    _assert_same_ntk(net, X, Y, dtype)


def _sequential(kind, dtype):
    from dlmath.nets import ScaledLinear, feedforward

    torch.manual_seed(0)
    if kind == "feedforward":
        return feedforward([3, 20, 12, 1], activation="tanh", dtype=dtype, seed=1)
    if kind == "no-bias":
        nn = torch.nn
        return nn.Sequential(nn.Linear(3, 16, bias=False), nn.ReLU(), nn.Linear(16, 1, bias=False)).to(dtype)
    if kind == "nested":
        nn = torch.nn
        inner = nn.Sequential(nn.Linear(16, 8), nn.GELU())
        return nn.Sequential(nn.Linear(3, 16), nn.Sigmoid(), inner, nn.Linear(8, 1), nn.Tanh()).to(dtype)
    if kind == "scaled":
        w1, w2 = torch.randn(10, 3, dtype=dtype), torch.randn(1, 10, dtype=dtype)
        return torch.nn.Sequential(
            ScaledLinear(w1, torch.randn(10, dtype=dtype), 0.7, 0.2), torch.nn.SiLU(), ScaledLinear(w2, None, 0.3, 1.0)
        )
    if kind == "frozen":
        net = mlp(3, 16, 2, sb2=0.2, dtype=dtype, seed=4)
        net.layers[0].weight.requires_grad_(False)
        for layer in net.layers:
            layer.bias.requires_grad_(False)
        return net
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["feedforward", "no-bias", "nested", "scaled", "frozen"])
def test_structured_ntk_equals_jacobian_on_sequential(kind, dtype):
    net = _sequential(kind, dtype)
    g = torch.Generator().manual_seed(5)
    X, Y = torch.randn(5, 3, generator=g, dtype=dtype), torch.randn(7, 3, generator=g, dtype=dtype)
    assert K.supports_structured_ntk(net)
    _assert_same_ntk(net, X, Y, dtype)


def test_structured_ntk_is_the_default_and_other_models_use_jacobians():
    nn = torch.nn

    class Residual(nn.Sequential):  # overrides forward: not a chain
        def forward(self, x):
            return super().forward(x) + x[:, :1]

    with_norm = nn.Sequential(nn.Linear(3, 8), nn.LayerNorm(8), nn.ReLU(), nn.Linear(8, 1)).double()
    residual = Residual(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 1)).double()
    X = torch.randn(5, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    for model in (with_norm, residual):
        assert not K.supports_structured_ntk(model)
        ref = _loop_ntk(model, X, X)
        assert torch.allclose(K.empirical_ntk(model, X), ref, rtol=1e-12, atol=1e-12)
        with pytest.raises(ValueError, match="model"):
            K.empirical_ntk(model, X, method="structured")
    # the structured formula without its bias term (or without its activation-input Gram factor)
    # is a different matrix: the comparison above is sharp
    net = mlp(3, 16, 2, sb2=0.5, dtype=torch.float64, seed=1)
    full = K.empirical_ntk(net, X)
    for layer in net.layers:
        layer.bias.requires_grad_(False)
    assert float((full - K.empirical_ntk(net, X)).abs().max()) > 1e-3 * float(full.abs().max())


def test_kernels_basic_properties():
    X = np.random.default_rng(3).standard_normal((300, 5))
    for fn in (K.nngp_kernel, K.ntk_kernel):
        for act in ("relu", "erf"):
            G = fn(X, depth=3, sb2=0.1, activation=act)
            assert isinstance(G, np.ndarray) and G.dtype == np.float64 and G.shape == (300, 300)
            assert np.array_equal(G, G.T)
            assert float(np.linalg.eigvalsh(G).min()) > -1e-9 * float(G.diagonal().max())
            cross = fn(X[:10], X[10:30], depth=3, sb2=0.1, activation=act)
            np.testing.assert_allclose(cross, G[:10, 10:30], rtol=1e-10, atol=1e-12)


def test_relu_nngp_one_layer_is_arccos():
    X = np.random.default_rng(4).standard_normal((6, 3))
    Kn = K.nngp_kernel(X, depth=1, sw2=2.0, sb2=0.0)
    # K^2 = 2 E[relu relu] with K^1 = 2 x.x'/d  ->  (2/d) k_1(x, x') / 2 * 2 ...
    expected = (2.0 / 3.0) * K.arccos_kernel(X, X, n=1)
    assert np.allclose(Kn, expected, rtol=1e-12, atol=1e-12)


def test_arccos_kernel_monte_carlo_and_cases():
    g = np.random.default_rng(5)
    X = g.standard_normal((3, 4))
    W = g.standard_normal((1_000_000, 4))
    P = W @ X.T
    for n in (0, 1, 2):
        feat = (P > 0) * np.abs(P) ** n
        mc = 2 * feat.T @ feat / len(W)
        assert np.allclose(K.arccos_kernel(X, X, n=n), mc, rtol=0.02, atol=0.01)
    # Cho-Saul drafting case: K = [[1.3,.4],[.4,.7]]
    assert K.relu_expectation(1.3, 0.4, 0.7) == pytest.approx(0.26538, abs=5e-5)
    assert K.step_expectation(1.0, 0.0, 1.0) == pytest.approx(0.25)
    assert K.relu_expectation(2.0, 2.0, 2.0) == pytest.approx(1.0)  # E relu(u)^2 = q/2


def test_correlation_map_fixed_point_and_range():
    c = np.linspace(-1, 1, 11)
    out = K.correlation_map(c)
    assert out[-1] == pytest.approx(1.0)
    assert np.all(out >= c - 1e-15)
    assert K.correlation_map(-1.0) == pytest.approx(0.0, abs=1e-15)


def test_gp_posterior_and_krr():
    g = np.random.default_rng(6)
    x = g.uniform(-1, 1, (20, 1))
    xs = np.linspace(-1, 1, 7)[:, None]
    Kxx = K.gaussian_kernel(x, lengthscale=0.5)
    Kxs = K.gaussian_kernel(x, xs, lengthscale=0.5)
    Kss = K.gaussian_kernel(xs, lengthscale=0.5)
    y = np.sin(3 * x[:, 0])
    mean, cov = K.gp_posterior(Kxx, Kxs, Kss, y, 0.1)
    alpha = K.krr_fit(Kxx, y, 0.1 / 20)
    assert np.allclose(mean, Kxs.T @ alpha, atol=1e-12)
    assert np.all(np.linalg.eigvalsh(cov) > -1e-10)
    # conditioning on a training point with zero noise pins it down
    m0, c0 = K.gp_posterior(Kxx[:5, :5], Kxx[:5, :1], Kxx[:1, :1], y[:5], 0.0)
    assert m0[0] == pytest.approx(y[0], abs=1e-8) and abs(c0[0, 0]) < 1e-8


def test_krr_risk_closed_form_limits():
    g = np.random.default_rng(7)
    x = g.uniform(-1, 1, (30, 1))
    Kx = K.gaussian_kernel(x, lengthscale=0.3)
    f = np.sin(3 * x[:, 0])
    b, v = K.krr_risk_closed_form(Kx, f, 0.3, 1e6)
    assert b == pytest.approx(np.mean(f**2), rel=1e-4) and v < 1e-8


def test_rff_features_unbiased():
    X = np.array([[0.0, 0.0], [0.5, -0.5]])
    Z = K.rff_features(X, 400_000, lengthscale=0.7, seed=3)
    assert Z.shape == (2, 400_000)
    assert (Z @ Z.T)[0, 1] == pytest.approx(math.exp(-0.5 / (2 * 0.49)), abs=0.01)


def test_double_descent_closed_form_values():
    assert K.double_descent_closed_form(40, 20, 0.5, 1.0) == pytest.approx(0.25 * 20 / 19)
    assert K.double_descent_closed_form(40, 80, 0.5, 1.0) == pytest.approx(0.5 + 0.25 * 40 / 39)
    assert math.isinf(K.double_descent_closed_form(40, 40, 0.5, 1.0))
    # weak features: with p = N it is sigma^2 plus the well-specified excess risk
    beta = np.full(80, 1 / math.sqrt(80))
    assert K.weak_features_risk(40, 80, beta, 0.5) == pytest.approx(
        0.25 + K.double_descent_closed_form(40, 80, 0.5, 1.0)
    )
    # p = 10 of N = 80 equal features: omitted signal 70/80 acts as noise
    s2 = 70 / 80 + 0.25
    assert K.weak_features_risk(40, 10, beta, 0.5) == pytest.approx(s2 * (1 + 10 / 29))


def test_rademacher_linear_small_case():
    X = np.array([[1.0, 0.0], [0.0, 1.0]])
    # E||e1 eps1 + e2 eps2|| = sqrt(2) exactly
    assert K.rademacher_linear(X, B=2.0, n_signs=50) == pytest.approx(math.sqrt(2.0))


def test_norm_bound_demo_is_valid_bound_shape():
    res = K.norm_bound_demo(widths=(16, 64), steps=50)
    assert np.all(res.complexity > 0) and res.complexity.shape == (2,)
    assert np.all((res.test_trunc >= 0) & (res.test_trunc <= 1))
    # the product of Frobenius norms of the effective weights grows with the width (~ sqrt(width))
    assert res.frob_product[1] > res.frob_product[0]


def test_diabetes_networks_approach_ntk_predictor():
    res = K.diabetes_ntk_demo(widths=(32, 512), steps=60, n_train=150, n_seeds=1)
    assert res.dist_to_ntk[1] < 0.6 * res.dist_to_ntk[0]
    assert res.ntk_pred.shape == res.y_test.shape


def test_demo_results_plot():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    res = K.rademacher_demo(ns=(20, 40), n_signs=50)
    assert isinstance(res.plot(), Figure)
    res = K.double_descent_demo(ps=(10, 60), n_rep=50)
    assert isinstance(res.plot(), Figure)


def test_ntk_kernel_returns_nngp_and_exact_relu_diagonal():
    import math

    rng = np.random.default_rng(3)
    X = rng.standard_normal((40, 5))
    depth, sw2, sb2 = 5, 2.0, 0.1
    nngp, ntk = K.ntk_kernel(X, depth=depth, sw2=sw2, sb2=sb2, return_nngp=True)
    assert np.array_equal(nngp, K.nngp_kernel(X, depth=depth, sw2=sw2, sb2=sb2))
    assert np.array_equal(ntk, K.ntk_kernel(X, depth=depth, sw2=sw2, sb2=sb2))
    # the diagonal by the scalar recursion (angle 0: K <- sb2 + sw2 q / 2, Kdot = sw2 / 2)
    for i in range(len(X)):
        q = sb2 + sw2 * float(X[i] @ X[i]) / X.shape[1]
        theta = q
        for _ in range(depth):
            q = sb2 + sw2 * q / 2.0
            theta = theta * sw2 / 2.0 + q
        assert math.isclose(float(ntk[i, i]), theta, rel_tol=1e-14)
        assert math.isclose(float(nngp[i, i]), q, rel_tol=1e-14)


def _reference_recursion(X, depth, sw2, sb2, activation):
    """NNGP and NTK by an independent route: the 2x2 Gaussian expectations of each pair by
    Gauss-Hermite quadrature (erf) or the arc-cosine closed forms (ReLU, checked by Monte Carlo
    in test_arccos_closed_forms_match_monte_carlo), in plain NumPy, pair by pair."""
    from scipy.special import erf

    X = np.asarray(X, dtype=float)
    m, d = X.shape
    K = sb2 + sw2 * X @ X.T / d
    T = K.copy()
    x, w = np.polynomial.hermite.hermgauss(240)
    Z1, Z2 = np.meshgrid(np.sqrt(2) * x, np.sqrt(2) * x, indexing="ij")
    W = np.outer(w, w) / np.pi
    for _ in range(depth):
        Kn, Kd = np.empty_like(K), np.empty_like(K)
        for i in range(m):
            for j in range(m):
                a, b, c = K[i, i], K[i, j], K[j, j]
                if activation == "relu":
                    Kn[i, j] = K_relu(a, b, c)
                    Kd[i, j] = K_step(a, b, c)
                else:
                    u = np.sqrt(a) * Z1
                    v = b / np.sqrt(a) * Z1 + np.sqrt(max(c - b * b / a, 0.0)) * Z2
                    Kn[i, j] = np.sum(W * erf(u) * erf(v))
                    Kd[i, j] = np.sum(W * (4 / np.pi) * np.exp(-(u**2) - v**2))
        K = sb2 + sw2 * Kn
        T = T * sw2 * Kd + K
    return K, T


def K_relu(a, b, c):
    return float(K.relu_expectation(a, b, c))


def K_step(a, b, c):
    return float(K.step_expectation(a, b, c))


@pytest.mark.parametrize(
    "depth, sw2, sb2, activation",
    [(1, 2.0, 0.1, "relu"), (3, 1.5, 0.3, "relu"), (2, 1.3, 0.2, "erf"), (3, 2.5, 0.0, "erf")],
)
def test_kernel_recursion_against_independent_quadrature(depth, sw2, sb2, activation):
    X = rng(3).standard_normal((5, 4))
    X[4] = -X[0]  # an anti-parallel pair
    Kref, Tref = _reference_recursion(X, depth, sw2, sb2, activation)
    Kn = K.nngp_kernel(X, depth=depth, sw2=sw2, sb2=sb2, activation=activation)
    Tn = K.ntk_kernel(X, depth=depth, sw2=sw2, sb2=sb2, activation=activation)
    # 1e-6: the accuracy of 240-point Gauss-Hermite quadrature for erf at these variances (the ReLU
    # route is exact to rounding); a 1% error in any constant of the recursion is 1e4 times larger
    np.testing.assert_allclose(Kn, Kref, rtol=1e-6, atol=1e-10)
    np.testing.assert_allclose(Tn, Tref, rtol=1e-6, atol=1e-10)


# ------------------------------------------------------------------ the subpackage's new guarantees
@pytest.mark.parametrize("sw2", [1.69, 2.0, 0.3])
def test_relu_ntk_diagonal_is_exact_in_float64(sw2):
    # defect (a): the diagonal of K-dot was filled in float32 (sw2/2 = 0.845 has no exact float32),
    # a relative error 1.7e-8 at X = [[1]], depth 1, sw2 = 1.69
    for depth in (1, 4):
        q = sw2 * 1.0
        theta = q
        for _ in range(depth):
            q = sw2 * q / 2.0
            theta = theta * sw2 / 2.0 + q
        got = K.ntk_kernel([[1.0]], depth=depth, sw2=sw2)[0, 0]
        assert abs(got / theta - 1) < 1e-15
        nngp, ntk = K.ntk_kernel(np.array([[1.0], [2.0]]), depth=depth, sw2=sw2, return_nngp=True)
        assert abs(ntk[0, 0] / theta - 1) < 1e-15 and abs(nngp[0, 0] / q - 1) < 1e-15


def test_krr_fit_singular_gram_gives_minimum_norm_solution():
    # defect (b): a singular K with lam = 0 gave coefficients of size 1e15
    x = np.linspace(-1, 1, 5)[:, None]
    Kx = K.gaussian_kernel(np.vstack([x, x[:2]]), lengthscale=0.5)  # two repeated points: rank 5 of 7
    y = np.sin(3 * np.vstack([x, x[:2]])[:, 0])
    alpha = K.krr_fit(Kx, y, 0.0)
    assert np.abs(alpha).max() < 1e6
    np.testing.assert_allclose(alpha, np.linalg.pinv(Kx, hermitian=True) @ y, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(Kx @ alpha, y, atol=1e-8)  # still interpolates (y is consistent)
    # an invertible K is solved as before
    Ki = K.gaussian_kernel(x, lengthscale=0.5)
    np.testing.assert_allclose(K.krr_fit(Ki, y[:5], 0.0), np.linalg.solve(Ki, y[:5]), rtol=1e-12)


def test_kernels_tensor_in_tensor_out(dtype, device):
    X = np.random.default_rng(8).standard_normal((6, 3))
    Xt = torch.as_tensor(X, dtype=dtype, device=device)
    tol = 1e-5 if dtype == torch.float32 else 1e-13
    for fn in (K.nngp_kernel, K.ntk_kernel):
        for act in K.GAUSSIAN_MAPS:
            out = fn(Xt, depth=2, sb2=0.1, activation=act)
            assert out.dtype == dtype and out.device.type == torch.device(device).type
            ref = fn(X, depth=2, sb2=0.1, activation=act)
            np.testing.assert_allclose(out.cpu().double().numpy(), ref, rtol=tol, atol=tol)
    net = mlp(3, 16, 1, dtype=torch.float64, device=device, seed=0)
    emp = K.empirical_ntk(net, Xt)
    assert emp.dtype == dtype and emp.device.type == torch.device(device).type
    np.testing.assert_allclose(emp.cpu().double().numpy(), K.empirical_ntk(net, X), rtol=tol, atol=tol)
    arc = K.arccos_kernel(Xt, Xt, n=1)
    np.testing.assert_allclose(arc.cpu().double().numpy(), K.arccos_kernel(X, X, n=1), rtol=tol, atol=tol)


def test_gaussian_maps_match_the_public_expectations():
    k11, k12, k22 = np.array([1.3, 0.5]), np.array([0.4, -0.2]), np.array([0.7, 2.0])
    t = [torch.as_tensor(v) for v in (k11, k12, k22)]
    relu, erf = K.GAUSSIAN_MAPS["relu"], K.GAUSSIAN_MAPS["erf"]
    np.testing.assert_allclose(relu.value(*t).numpy(), K.relu_expectation(k11, k12, k22), rtol=1e-15)
    np.testing.assert_allclose(relu.derivative(*t).numpy(), K.step_expectation(k11, k12, k22), rtol=1e-15)
    np.testing.assert_allclose(erf.value(*t).numpy(), K.erf_expectation(k11, k12, k22), rtol=1e-15)
    np.testing.assert_allclose(erf.derivative(*t).numpy(), K.erf_derivative_expectation(k11, k12, k22), rtol=1e-15)
    # erf expectations by Monte Carlo (the closed forms are independent of the recursion's tests)
    from scipy.special import erf as erf_np

    g = np.random.default_rng(9).standard_normal((2, 2_000_000))
    L = np.linalg.cholesky(np.array([[1.3, 0.4], [0.4, 0.7]]))
    u, v = L @ g
    assert np.mean(erf_np(u) * erf_np(v)) == pytest.approx(float(K.erf_expectation(1.3, 0.4, 0.7)), abs=3e-3)
    dphi = lambda z: 2 / np.sqrt(np.pi) * np.exp(-(z**2))  # noqa: E731
    assert np.mean(dphi(u) * dphi(v)) == pytest.approx(float(K.erf_derivative_expectation(1.3, 0.4, 0.7)), abs=3e-3)
    assert K.KERNEL_ACTIVATIONS == tuple(K.GAUSSIAN_MAPS)
    with pytest.raises(ValueError, match="GAUSSIAN_MAPS"):
        K.ntk_kernel(np.ones((2, 2)), depth=1, activation="tanh")


def test_structured_ntk_large_products_and_symmetric_blocks(monkeypatch):
    from dlmath.kernels import empirical

    # wide enough for the oneDNN products (float32), and more rows than one symmetric block
    net = mlp(16, 512, 2, sb2=0.2, seed=0)
    X = torch.randn(40, 16, generator=torch.Generator().manual_seed(0))
    assert empirical._use_onednn(torch.ones(40, 512), torch.ones(512, 512)) == torch.backends.mkldnn.is_available()
    _assert_same_ntk(net, X, X, torch.float32)
    fast = K.empirical_ntk(net, X)
    monkeypatch.setattr(empirical, "_onednn_linear", None)
    assert torch.allclose(fast, K.empirical_ntk(net, X), rtol=2e-6, atol=2e-6 * float(fast.abs().max()))
    narrow = mlp(3, 8, 2, sb2=0.2, dtype=torch.float64, seed=1)
    Z = torch.randn(empirical._SYMMETRIC_BLOCK + 37, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    sym = K.empirical_ntk(narrow, Z)
    assert torch.equal(sym, sym.T)
    assert torch.allclose(sym, K.empirical_ntk(narrow, Z, Z), rtol=1e-13, atol=1e-13)
    assert torch.allclose(sym, K.empirical_ntk(narrow, Z, method="jacobian"), rtol=1e-12, atol=1e-12)


def test_joint_gaussian_map_is_bitwise_the_two_maps():
    from dlmath.kernels import GAUSSIAN_MAPS

    # the NTK recursion calls both(); it must give exactly what value() and derivative() give,
    # degenerate pairs (a zero variance) and the diagonal (cosine 1) included
    g = torch.Generator().manual_seed(0)
    q = torch.rand(7, dtype=torch.float64, generator=g) + 0.1
    q[2] = 0.0
    X = torch.randn(7, 3, dtype=torch.float64, generator=g)
    K = (X @ X.T) * 0.3
    K[2, :] = 0.0
    K[:, 2] = 0.0
    idx = torch.arange(7)
    K[idx, idx] = q
    k11, k22 = q[:, None], q[None, :]
    for name, gmap in GAUSSIAN_MAPS.items():
        if gmap.both is None:
            continue
        value, derivative = gmap.both(k11, K, k22)
        assert torch.equal(value, gmap.value(k11, K, k22)), name
        assert torch.equal(derivative, gmap.derivative(k11, K, k22)), name
        qpos = q.clone()
        qpos[2] = 1.0
        Kpos = K.clone()
        Kpos[2, 2] = 1.0
        value, derivative = gmap.both(qpos[:, None], Kpos, qpos[None, :])
        assert torch.equal(derivative, gmap.derivative(qpos[:, None], Kpos, qpos[None, :])), name
        assert torch.equal(value, gmap.value(qpos[:, None], Kpos, qpos[None, :])), name
