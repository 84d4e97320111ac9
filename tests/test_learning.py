"""Tests of dlmath.learning (Part I: risk, ERM, networks, error decomposition).

The bad-input cases (each a call, its exception and the argument named) are in
tests/conventions/learning.py and run by tests/test_conventions.py.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from conftest import tolerance  # noqa: E402
from dlmath import learning, nets  # noqa: E402
from dlmath.learning._common import _safe_ratio, _unit_quadrature  # noqa: E402
from dlmath.learning.finite_class import _threshold_sup_devs  # noqa: E402
from dlmath.learning.relu_networks import _rescaling_change, _sharp_lipschitz_net  # noqa: E402
from dlmath.results import verify  # noqa: E402

# ------------------------------------------------------------------------------------------
# learning.bayes_predictor
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("learning.bayes_predictor")
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bayes_excess_risk_matches_identities(seed):
    res = learning.bayes_excess_risk_demo(n=400_000, seed=seed)
    verify("learning.bayes_predictor", res, label="classification")
    verify("learning.bayes_predictor", res, label="regression")
    # the closed form the demo compares with, written out independently
    t = np.linspace(0.1, 0.9, 9)
    assert np.allclose(res.predicted, (t - 0.5) ** 2, rtol=0, atol=1e-15)
    # the weight |2 eta - 1| dropped (P(f_t != f*) = |t - 1/2|) is far outside the band
    keep = res.se > 0
    assert np.max(np.abs(res.mc_excess - np.abs(t - 0.5))[keep] / res.se[keep]) > 20


def test_bayes_standard_errors_match_their_closed_form():
    # the tolerance of the check is counted in these standard errors, so they must be right:
    # the loss difference is +-1 with probability |t - 1/2| and 0 otherwise
    n = 200_000
    res = learning.bayes_excess_risk_demo(n=n, seed=5)
    a = np.abs(res.ts - 0.5)
    se = np.sqrt((a - a**4) / n)
    keep = a > 0
    assert np.allclose(res.se[keep], se[keep], rtol=0.03, atol=0)
    # regression: with g = p_k - f* and Y = f* + eps/2 the difference is g^2 - g eps, of variance
    # Var(g^2) + E g^2, computed here by quadrature
    nodes, weights = np.polynomial.legendre.leggauss(60)
    xq, wq = (nodes + 1) / 2, weights / 2
    fq = np.sin(2 * np.pi * xq)
    for j, k in enumerate(res.reg_degrees):
        phi = learning.legendre_features(xq, int(k))
        g = phi @ (phi.T @ (wq * fq)) - fq
        m2, m4 = wq @ g**2, wq @ g**4
        assert res.reg_se[j] == pytest.approx(math.sqrt((m4 - m2**2 + m2) / n), rel=0.03)


def test_bayes_regression_quadrature_closed_form():
    res = learning.bayes_excess_risk_demo(ts=[0.5], n=1000, seed=0)
    # degree 0: ||f*||^2 = 1/2; degree 1: 1/2 - 3/pi^2 (Legendre coefficient -sqrt(3)/pi)
    assert res.reg_predicted[0] == pytest.approx(0.5, abs=1e-14)
    assert res.reg_predicted[1] == pytest.approx(0.5 - 3 / math.pi**2, abs=1e-14)
    assert res.mc_excess[0] == 0.0


# ------------------------------------------------------------------------------------------
# learning.finite_class_uniform_bound
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("learning.finite_class_uniform_bound")
def test_finite_class_bound_holds_and_rate():
    res = learning.finite_class_demo(n=200, n_rep=1000, seed=0)
    verify("learning.finite_class_uniform_bound", res, label="quantile")
    verify("learning.finite_class_uniform_bound", res, label="rate")
    assert res.bound == pytest.approx(math.sqrt(math.log(2 * 101 / 0.1) / 400), rel=1e-14)
    assert res.indep_bounds[-1] == pytest.approx(math.sqrt(math.log(2e12 / 0.1) / 2000), rel=1e-14)
    assert res.violation_freq <= res.delta
    assert res.erm_violation_freq <= res.delta
    # the reported quantile at the base sample size is the (1 - delta)-quantile of the sup deviations
    base = int(np.flatnonzero(res.ns == res.n)[0])
    above = np.mean(res.sup_devs > res.q90[base])
    assert res.delta - 2 / res.sup_devs.size <= above <= res.delta


@pytest.mark.theorem("learning.finite_class_uniform_bound")
def test_finite_class_other_configuration():
    res = learning.finite_class_demo(
        n=100, n_rep=300, delta=0.05, grid=21, indep_n=2000, class_sizes=(10, 10**4, 10**6, 10**8, 10**11), seed=3
    )
    verify("learning.finite_class_uniform_bound", res, label="quantile")
    verify("learning.finite_class_uniform_bound", res, label="rate")


def test_independent_quantile_matches_simulation():
    n, m, delta = 60, 40, 0.2
    q = learning.independent_sup_quantile(n, m, delta)
    gen = np.random.default_rng(11)
    sup = np.abs(gen.binomial(n, 0.5, size=(40_000, m)) / n - 0.5).max(axis=1)
    # q is the smallest attainable value with P(sup > q) <= delta
    p_above = np.mean(sup > q + 1e-12)
    p_below = np.mean(sup > q - 1 / n + 1e-12)
    se = math.sqrt(delta * (1 - delta) / sup.size)
    assert p_above <= delta + 4 * se
    assert p_below > delta - 4 * se
    # a single predictor: the two-sided binomial tail, by direct summation
    k = np.arange(n + 1)
    pmf = np.array([math.comb(n, int(j)) for j in k], dtype=float) / 2.0**n
    q1 = learning.independent_sup_quantile(n, 1, delta)
    assert pmf[np.abs(k / n - 0.5) > q1 + 1e-12].sum() <= delta
    assert pmf[np.abs(k / n - 0.5) > q1 - 1 / n + 1e-12].sum() > delta


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
    devs, excess = _threshold_sup_devs(37, 5, grid, np.random.default_rng(7), chunk=2)
    gen = np.random.default_rng(7)
    risk = learning.threshold_risk(grid)
    x = gen.random((2, 37))
    y = (x > 0.3) ^ (gen.random((2, 37)) < 0.2)
    for r in range(2):
        emp = np.array([np.mean((x[r] > t) != y[r]) for t in grid])
        assert devs[r] == pytest.approx(np.max(np.abs(emp - risk)), abs=1e-15)
        assert excess[r] == pytest.approx(risk[np.argmin(emp)] - risk.min(), abs=1e-15)


# ------------------------------------------------------------------------------------------
# learning.ols_excess_risk
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("learning.ols_excess_risk")
def test_ols_risk_fixed_and_random_design():
    res = learning.ols_risk_demo(n_rep=2000, seed=0)
    verify("learning.ols_excess_risk", res, label="random")
    verify("learning.ols_excess_risk", res, label="fixed")
    d = np.array([5.0, 10.0, 20.0, 30.0])
    assert np.allclose(res.predicted, 0.25 * d / (40 - d - 1), rtol=1e-14)
    assert np.allclose(res.predicted_fixed, 0.25 * d / 40, rtol=1e-14)
    # a second configuration, so that the check is not tied to the defaults
    res2 = learning.ols_risk_demo(n=30, dims=(3, 8, 15), sigma=1.3, n_rep=3000, seed=1)
    verify("learning.ols_excess_risk", res2, label="random")
    verify("learning.ols_excess_risk", res2, label="fixed")
    # the two formulas differ by more than the tolerance: a mix-up would fail
    assert np.all(np.abs(res2.mc_risk / res2.predicted_fixed - 1)[1:] > 0.2)


def test_ols_fixed_design_standard_errors_match_their_closed_form():
    # fixed design: n * risk / sigma^2 is chi^2_d, so the standard error is sigma^2 sqrt(2 d) / (n sqrt(n_rep))
    res = learning.ols_risk_demo(n=40, dims=(4, 16), sigma=0.7, n_rep=4000, seed=2)
    se = 0.49 * np.sqrt(2 * np.array([4.0, 16.0])) / (40 * np.sqrt(4000))
    assert np.allclose(res.se_fixed, se, rtol=0.1, atol=0)


# ------------------------------------------------------------------------------------------
# learning.relu_network_properties
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("learning.relu_network_properties")
@pytest.mark.parametrize("widths", [(3, 64, 64, 1), (2, 16, 16, 16, 3)])
def test_relu_properties(widths):
    res = learning.relu_properties_demo(widths=widths, n_points=2000, seed=1)
    for label in ("lipschitz", "cpwl", "rescaling", "count"):
        verify("learning.relu_network_properties", res, label=label)
    assert 0.0 < res.max_ratio < 0.9  # a random network is far from the bound
    assert res.n_pieces > 1


def test_relu_sharp_instance_is_full_rank_and_attains_the_bound():
    w = (3, 5, 4, 2)
    net = _sharp_lipschitz_net(w, np.random.default_rng(2), "cpu")
    mats = [m.weight.detach().numpy() for m in net if isinstance(m, torch.nn.Linear)]
    for mat in mats:
        sv = np.linalg.svd(mat, compute_uv=False)
        assert sv[-1] > 1e-6  # full rank: Frobenius > spectral
        assert np.linalg.norm(mat) > 1.1 * sv[0]
    x0 = torch.zeros(1, 3, dtype=torch.float64)
    h = x0
    for mod in list(net)[:-1]:
        h = mod(h)
        if isinstance(mod, torch.nn.Linear):
            assert torch.allclose(h, torch.ones_like(h), atol=1e-12)  # all neurons active at 0
    jac = np.linalg.multi_dot(mats[::-1])
    assert np.linalg.norm(jac, 2) == pytest.approx(np.prod([np.linalg.norm(m, 2) for m in mats]), rel=1e-12)


def test_relu_gradient_norms_match_finite_differences():
    widths = (2, 8, 8, 3)
    res = learning.relu_properties_demo(widths=widths, n_points=20, seed=4)
    net = nets.feedforward(widths, dtype=torch.float64, seed=4)
    x = np.random.default_rng(4).standard_normal((20, 2))  # the demo's inputs
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
    expected = np.prod(
        [np.linalg.svd(m.weight.detach().numpy(), compute_uv=False)[0] for m in net if isinstance(m, torch.nn.Linear)]
    )
    assert learning.spectral_norm_product(net) == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------------------------------------
# learning.error_decomposition
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("learning.error_decomposition")
@pytest.mark.parametrize("gd_steps", [5, 200])
def test_error_decomposition_bound(gd_steps):
    for seed in range(5):
        res = learning.error_decomposition_demo(gd_steps=gd_steps, seed=seed)
        verify("learning.error_decomposition", res, label="approximation")
        assert res.min_slack >= -1e-12
        assert np.all(np.diff(res.approx) <= 1e-12)  # approximation decreases
        assert res.parseval_err <= 1e-12  # Parseval
        assert np.all(res.estimation >= -1e-12)  # f_F minimises R over F
        assert np.all(res.optimization >= -1e-12)  # f_hat minimises R_hat over F
        assert np.all(res.total_excess >= res.approx - 1e-12)
        assert res.realised_ratio <= 1.0 + 1e-9
    # independent closed form: degree 1 projection of sin(2 pi x) leaves 1/2 - 3/pi^2
    assert res.approx[0] == pytest.approx(0.5 - 3 / math.pi**2, abs=1e-13)
    if gd_steps == 5:
        assert res.optimization[-1] > 1e-3  # early stopping is visible


@pytest.mark.theorem("learning.error_decomposition")
@pytest.mark.parametrize("seed", range(5))
def test_error_decomposition_realised_bound_needs_eps_opt(seed):
    # one gradient step: the optimisation error dominates, and the bound without it fails
    res = learning.error_decomposition_demo(gd_steps=1, seed=seed)
    verify("learning.error_decomposition", res, label="realised")
    # the slack of the realised bound is the training advantage of the ERM over f_F
    gap = res.realised_rhs - res.realised_lhs
    assert np.all(res.train_gap >= 0.0)
    assert np.allclose(gap, res.train_gap, rtol=0, atol=1e-12)


def test_error_decomposition_gd_converges_to_erm():
    res = learning.error_decomposition_demo(degrees=(2, 6), gd_steps=3000, seed=0)
    assert np.all(np.abs(res.optimization) < 1e-12)
    assert np.allclose(res.total_excess, res.erm_excess, atol=1e-12)


def test_error_decomposition_matches_independent_gradient_descent():
    # the demo's sample, regenerated from its seed, and gradient descent with step 1/lambda_max written out
    n, seed, steps = 50, 3, 4
    res = learning.error_decomposition_demo(degrees=(2, 7), n=n, gd_steps=steps, seed=seed)
    gen = np.random.default_rng(seed)
    x = gen.random(n)
    y = np.sin(2 * np.pi * x) + 0.3 * gen.standard_normal(n)
    for j, k in enumerate((2, 7)):
        phi = learning.legendre_features(x, k)
        hess = 2 * phi.T @ phi / n
        c_erm = np.linalg.solve(phi.T @ phi, phi.T @ y)
        c = np.zeros(k + 1)
        for _ in range(steps):
            c = c - (hess @ c - 2 * phi.T @ y / n) / np.linalg.eigvalsh(hess)[-1]
        eps_opt = np.mean((phi @ c - y) ** 2) - np.mean((phi @ c_erm - y) ** 2)
        assert res.optimization[j] == pytest.approx(eps_opt, rel=1e-9, abs=1e-14)


def test_legendre_features_orthonormal():
    nodes, weights = np.polynomial.legendre.leggauss(30)
    phi = learning.legendre_features((nodes + 1) / 2, 9)
    assert np.allclose(phi.T @ (phi * (weights / 2)[:, None]), np.eye(10), atol=1e-13)


def test_legendre_features_in_both_precisions(dtype, device):
    x = np.linspace(0.0, 1.0, 7)
    ref = learning.legendre_features(x, 5)
    assert isinstance(ref, np.ndarray) and ref.dtype == np.float64 and ref.shape == (7, 6)
    out = learning.legendre_features(torch.as_tensor(x, dtype=dtype, device=device), 5)
    assert isinstance(out, torch.Tensor) and out.dtype == dtype and out.device.type == device
    np.testing.assert_allclose(out.cpu().double().numpy(), ref, rtol=tolerance(dtype), atol=tolerance(dtype))
    # the closed forms of the first three: 1, sqrt(3)(2x - 1), sqrt(5)(6x^2 - 6x + 1)
    np.testing.assert_allclose(
        ref[:, :3],
        np.stack([np.ones_like(x), math.sqrt(3) * (2 * x - 1), math.sqrt(5) * (6 * x**2 - 6 * x + 1)], axis=1),
        atol=1e-13,
    )


def test_threshold_risk_in_both_precisions(dtype, device):
    t = [0.0, 0.3, 0.55, 1.0]
    expected = 0.2 + 0.6 * np.abs(np.array(t) - 0.3)
    out = learning.threshold_risk(torch.tensor(t, dtype=dtype, device=device))
    assert isinstance(out, torch.Tensor) and out.dtype == dtype and out.device.type == device
    np.testing.assert_allclose(out.cpu().double().numpy(), expected, rtol=tolerance(dtype))
    ref = learning.threshold_risk(np.array(t))
    assert isinstance(ref, np.ndarray)
    np.testing.assert_allclose(ref, expected, rtol=1e-15)
    # a number gives a float, a nested list an array of its shape
    assert isinstance(learning.threshold_risk(0.55), float)
    assert learning.threshold_risk([[0.3], [0.8]]).shape == (2, 1)


def test_safe_ratio_and_quadrature():
    num, den = np.array([1.0, 0.0, 2.0, -1.0]), np.array([2.0, 0.0, 0.0, -0.5])
    # den > 0: the ratio; den <= 0: inf where num exceeds it (a violated bound), else 0
    assert _safe_ratio(num, den).tolist() == [0.5, 0.0, np.inf, 0.0]
    xq, wq = _unit_quadrature(10)
    assert np.all((xq > 0) & (xq < 1)) and wq.sum() == pytest.approx(1.0, abs=1e-15)
    assert wq @ xq**19 == pytest.approx(1 / 20, rel=1e-13)  # exact up to degree 19


def test_rescaling_without_the_bias_is_not_a_symmetry():
    net = nets.feedforward((3, 8, 8, 2), dtype="float64", seed=5)
    x = torch.as_tensor(np.random.default_rng(5).standard_normal((50, 3)))
    with torch.no_grad():
        out = net(x)
    assert _rescaling_change(net, x, out, scale_bias=True) < 1e-11
    assert _rescaling_change(net, x, out, scale_bias=False) > 1e-2


def test_relu_properties_on_device(device):
    res = learning.relu_properties_demo(widths=(2, 16, 16, 2), n_points=200, seed=2, device=device)
    for label in ("lipschitz", "cpwl", "rescaling", "count"):
        verify("learning.relu_network_properties", res, label=label)
    if device != "cpu":
        cpu = learning.relu_properties_demo(widths=(2, 16, 16, 2), n_points=200, seed=2)
        assert res.lip_bound == pytest.approx(cpu.lip_bound, rel=1e-10)
        np.testing.assert_allclose(res.grad_norms, cpu.grad_norms, rtol=1e-9)
        assert res.n_pieces == cpu.n_pieces


def test_default_thresholds_are_the_old_grid():
    # the defaults are a tuple now; they are the grid np.linspace(0.1, 0.9, 9) up to rounding
    import inspect

    ts = inspect.signature(learning.bayes_excess_risk_demo).parameters["ts"].default
    assert isinstance(ts, tuple)
    np.testing.assert_allclose(ts, np.linspace(0.1, 0.9, 9), rtol=1e-15)
    degrees = inspect.signature(learning.error_decomposition_demo).parameters["degrees"].default
    assert degrees == tuple(range(1, 13))


def test_facade_keeps_every_name_and_publishes_it():
    old = [
        "BayesExcessResult",
        "bayes_excess_risk_demo",
        "FiniteClassResult",
        "finite_class_demo",
        "threshold_risk",
        "independent_sup_quantile",
        "OLSRiskResult",
        "ols_risk_demo",
        "ReluPropertiesResult",
        "relu_properties_demo",
        "relu_param_count",
        "spectral_norm_product",
        "ErrorDecompositionResult",
        "error_decomposition_demo",
        "legendre_features",
    ]
    assert sorted(learning.__all__) == sorted(old)
    for name in old:
        assert getattr(learning, name).__module__ == "dlmath.learning", name
    from dlmath.results import declarations

    demos = {d.demo for d in declarations("learning")}
    assert demos and all(d.startswith("dlmath.learning.") and d.count(".") == 2 for d in demos), demos


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
        assert isinstance(res.plot(), Figure)
        assert res.summary()
    results[1].plot_class_size()
    results[3].plot_line()
    plt.close("all")
