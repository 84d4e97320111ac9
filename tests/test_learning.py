"""Tests of dlmath.learning (Part I: risk, ERM, networks, error decomposition)."""
from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from dlmath import learning, nets  # noqa: E402

# ------------------------------------------------------------------------------------------
# learning.bayes_predictor
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("learning.bayes_predictor")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bayes_excess_risk_matches_identities(seed):
    res = learning.bayes_excess_risk_demo(n=400_000, seed=seed)
    # classification: (t - 1/2)^2 within 4 standard errors at every threshold
    assert res.max_z <= 4.0
    assert np.allclose(res.predicted, (res.ts - 0.5) ** 2)
    # the standard errors are small enough that a wrong constant is visible: e.g. |t - 1/2|/2
    wrong = np.abs(res.ts - 0.5) / 2
    assert np.max(np.abs(res.mc_excess - wrong) / np.maximum(res.se, 1e-12)) > 20
    # regression: R(p) - R(f*) = ||p - f*||^2 within 4 standard errors
    assert res.reg_max_z <= 4.0
    assert res.reg_max_rel_err <= 0.1


def test_bayes_regression_quadrature_closed_form():
    res = learning.bayes_excess_risk_demo(ts=[0.5], n=1000, seed=0)
    # degree 0: ||f*||^2 = 1/2; degree 1: 1/2 - 3/pi^2 (Legendre coefficient -sqrt(3)/pi)
    assert res.reg_predicted[0] == pytest.approx(0.5, abs=1e-14)
    assert res.reg_predicted[1] == pytest.approx(0.5 - 3 / math.pi**2, abs=1e-14)
    assert res.mc_excess[0] == 0.0


def test_bayes_bad_input():
    with pytest.raises(ValueError, match="ts"):
        learning.bayes_excess_risk_demo(ts=[0.2, 1.5])
    with pytest.raises(ValueError, match="n"):
        learning.bayes_excess_risk_demo(n=10)
    with pytest.raises(TypeError, match="n"):
        learning.bayes_excess_risk_demo(n=1e5)
    with pytest.raises(ValueError, match="seed"):
        learning.bayes_excess_risk_demo(n=1000, seed=-1)


# ------------------------------------------------------------------------------------------
# learning.finite_class_uniform_bound
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("learning.finite_class_uniform_bound")
def test_finite_class_bound_holds_and_rate():
    res = learning.finite_class_demo(n=200, n_rep=1000, seed=0)
    assert res.bound == pytest.approx(math.sqrt(math.log(2 * 101 / 0.1) / 400))
    assert res.violation_freq <= res.delta
    assert res.erm_violation_freq <= res.delta
    # the (1 - delta)-quantile of the sup deviation lies below the bound at every n
    assert np.all(res.q90 <= res.bounds)
    # ... and it decays like n^{-1/2}
    assert -0.6 <= res.rate <= -0.4


def test_threshold_risk_closed_form_against_sampling():
    gen = np.random.default_rng(3)
    x = gen.random(400_000)
    y = (x > 0.3) ^ (gen.random(x.size) < 0.2)
    for t in (0.0, 0.3, 0.55, 1.0):
        mc = np.mean((x > t) != y)
        assert abs(mc - learning.threshold_risk(t)) < 4e-3
    assert learning.threshold_risk(np.array([0.3, 0.8])) == pytest.approx([0.2, 0.5])


def test_sup_deviation_vectorisation_matches_loop():
    grid = np.linspace(0, 1, 11)
    devs, excess = learning._threshold_sup_devs(37, 5, grid, np.random.default_rng(7), chunk=2)
    gen = np.random.default_rng(7)
    risk = learning.threshold_risk(grid)
    x = gen.random((2, 37))
    y = (x > 0.3) ^ (gen.random((2, 37)) < 0.2)
    for r in range(2):
        emp = np.array([np.mean((x[r] > t) != y[r]) for t in grid])
        assert devs[r] == pytest.approx(np.max(np.abs(emp - risk)), abs=1e-15)
        assert excess[r] == pytest.approx(risk[np.argmin(emp)] - risk.min(), abs=1e-15)


def test_finite_class_bad_input():
    with pytest.raises(ValueError, match="delta"):
        learning.finite_class_demo(delta=1.0)
    with pytest.raises(ValueError, match="grid"):
        learning.finite_class_demo(grid=1)
    with pytest.raises(ValueError, match="n_rep"):
        learning.finite_class_demo(n_rep=1)
    with pytest.raises(ValueError, match="t"):
        learning.threshold_risk(1.2)
    with pytest.raises(ValueError, match="flip"):
        learning.threshold_risk(0.5, flip=0.7)


# ------------------------------------------------------------------------------------------
# learning.ols_excess_risk
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("learning.ols_excess_risk")
def test_ols_risk_fixed_and_random_design():
    res = learning.ols_risk_demo(n_rep=2000, seed=0)
    assert np.allclose(res.predicted, 0.25 * res.dims / (40 - res.dims - 1))
    assert np.allclose(res.predicted_fixed, 0.25 * res.dims / 40)
    assert res.max_rel_err <= 0.08
    # a second configuration, so that the check is not tied to the defaults
    res2 = learning.ols_risk_demo(n=30, dims=(3, 8, 15), sigma=1.3, n_rep=3000, seed=1)
    assert res2.max_rel_err <= 0.08
    # the two formulas differ by more than the tolerance: a mix-up would fail
    assert np.all(np.abs(res2.mc_risk / res2.predicted_fixed - 1)[1:] > 0.2)


def test_ols_bad_input():
    with pytest.raises(ValueError, match="dims"):
        learning.ols_risk_demo(n=20, dims=(5, 19))
    with pytest.raises(ValueError, match="sigma"):
        learning.ols_risk_demo(sigma=0.0)
    with pytest.raises(TypeError, match="dims"):
        learning.ols_risk_demo(dims=5)
    with pytest.raises(ValueError, match="n_rep"):
        learning.ols_risk_demo(n_rep=0)


# ------------------------------------------------------------------------------------------
# learning.relu_network_properties
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("learning.relu_network_properties")
@pytest.mark.parametrize("widths", [(3, 64, 64, 1), (2, 16, 16, 16, 3)])
def test_relu_properties(widths):
    res = learning.relu_properties_demo(widths=widths, n_points=2000, seed=1)
    assert res.rescale_err < 1e-12                       # (b) rescaling symmetry
    assert res.max_ratio <= 1.0                          # (c) Lipschitz bound
    assert res.max_ratio > 0.0
    assert res.n_params == res.n_params_formula          # (d) parameter count
    assert res.cpwl_err < 1e-10                          # (a) affine on each activation region
    assert res.n_pieces > 1


def test_relu_gradient_norms_match_finite_differences():
    widths = (2, 8, 8, 3)
    res = learning.relu_properties_demo(widths=widths, n_points=20, seed=4)
    net = nets.feedforward(widths, dtype=torch.float64, seed=4)
    x = np.random.default_rng(4).standard_normal((20, 2))       # the demo's inputs
    h = 1e-7
    for i in range(5):
        cols = []
        for k in range(2):
            e = np.zeros(2)
            e[k] = h
            plus = net(torch.tensor(x[i] + e)[None])[0].detach().numpy()
            minus = net(torch.tensor(x[i] - e)[None])[0].detach().numpy()
            cols.append((plus - minus) / (2 * h))
        jac = np.stack(cols, axis=1)
        assert res.grad_norms[i] == pytest.approx(np.linalg.norm(jac, 2), rel=1e-5)


def test_relu_param_count_and_spectral_product():
    assert learning.relu_param_count((3, 64, 64, 1)) == 4 * 64 + 65 * 64 + 65 * 1
    net = nets.feedforward((4, 7, 2), dtype=torch.float64, seed=3)
    assert learning.relu_param_count((4, 7, 2)) == nets.count_parameters(net)
    expected = np.prod([np.linalg.svd(m.weight.detach().numpy(), compute_uv=False)[0]
                        for m in net if isinstance(m, torch.nn.Linear)])
    assert learning.spectral_norm_product(net) == pytest.approx(expected, rel=1e-12)


def test_relu_bad_input():
    with pytest.raises(ValueError, match="widths"):
        learning.relu_properties_demo(widths=(3,))
    with pytest.raises(ValueError, match="widths"):
        learning.relu_properties_demo(widths=(3, 0, 1))
    with pytest.raises(ValueError, match="n_points"):
        learning.relu_properties_demo(n_points=0)
    with pytest.raises(TypeError, match="widths"):
        learning.relu_param_count(5)
    with pytest.raises(TypeError, match="model"):
        learning.spectral_norm_product("net")
    with pytest.raises(ValueError, match="model"):
        learning.spectral_norm_product(torch.nn.ReLU())


# ------------------------------------------------------------------------------------------
# learning.error_decomposition
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("learning.error_decomposition")
@pytest.mark.parametrize("gd_steps", [5, 200])
def test_error_decomposition_bound(gd_steps):
    for seed in range(5):
        res = learning.error_decomposition_demo(gd_steps=gd_steps, seed=seed)
        assert res.min_slack >= -1e-12
        assert np.all(np.diff(res.approx) <= 1e-12)                  # approximation decreases
        assert res.parseval_err <= 1e-12                             # Parseval
        assert np.all(res.estimation >= -1e-12)                      # f_F minimises R over F
        assert np.all(res.optimization >= -1e-12)                    # f_hat minimises R_hat over F
        assert np.all(res.total_excess >= res.approx - 1e-12)
    # independent closed form: degree 1 projection of sin(2 pi x) leaves 1/2 - 3/pi^2
    assert res.approx[0] == pytest.approx(0.5 - 3 / math.pi**2, abs=1e-13)
    if gd_steps == 5:
        assert res.optimization[-1] > 1e-3                           # early stopping is visible


def test_error_decomposition_gd_converges_to_erm():
    res = learning.error_decomposition_demo(degrees=(2, 6), gd_steps=3000, seed=0)
    assert np.all(np.abs(res.optimization) < 1e-12)
    assert np.allclose(res.total_excess, res.erm_excess, atol=1e-12)


def test_legendre_features_orthonormal():
    nodes, weights = np.polynomial.legendre.leggauss(30)
    phi = learning.legendre_features((nodes + 1) / 2, 9)
    assert np.allclose(phi.T @ (phi * (weights / 2)[:, None]), np.eye(10), atol=1e-13)


def test_error_decomposition_bad_input():
    with pytest.raises(ValueError, match="degrees"):
        learning.error_decomposition_demo(degrees=(1, 60), n=50)
    with pytest.raises(ValueError, match="gd_steps"):
        learning.error_decomposition_demo(gd_steps=-1)
    with pytest.raises(ValueError, match="degree"):
        learning.legendre_features([0.1, 0.2], -1)
    with pytest.raises(ValueError, match="x"):
        learning.legendre_features([[0.1]], 2)


# ------------------------------------------------------------------------------------------
# figures
# ------------------------------------------------------------------------------------------


def test_plots_draw():
    results = [
        learning.bayes_excess_risk_demo(n=2000),
        learning.finite_class_demo(n=40, n_rep=50),
        learning.ols_risk_demo(n_rep=50),
        learning.relu_properties_demo(n_points=100),
        learning.error_decomposition_demo(),
    ]
    for res in results:
        res.plot()
        assert res.summary()
    results[3].plot_line()
    plt.close("all")
