"""Tests of dlmath.optimization (Part III: gradient methods, landscapes, implicit bias, NTK, mean field).

The bad-input cases (one bad argument, the exception and the argument's name) are in
tests/conventions/optimization.py, run by tests/test_conventions.py.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import torch

from conftest import tolerance
from dlmath import optimization as opt
from dlmath.nets import mlp
from dlmath.optimization.mean_field import _train_two_layer_ensemble
from dlmath.results import verify

# ------------------------------------------------------------------------------------------
# gradient_methods
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("optimization.gd_smooth_rates")
def test_gd_rates_all_cases():
    conv = opt.gd_rates_demo(case="convex", steps=2000)
    verify("optimization.gd_smooth_rates", conv, label="convex")
    assert conv.max_ratio <= 1.0
    # rank-deficient least squares is PL with mu = smallest non-zero eigenvalue: exact factor
    assert abs(conv.fitted_rate - conv.predicted_rate) <= 1e-6
    pl = opt.gd_rates_demo(case="pl", steps=400)
    verify("optimization.gd_smooth_rates", pl, label="pl")
    assert pl.max_ratio <= 1.0
    assert pl.fitted_rate <= pl.predicted_rate  # every single step contracts by 1 - mu/L
    sc = opt.gd_rates_demo(case="strongly_convex", steps=2000)
    verify("optimization.gd_smooth_rates", sc, label="strongly_convex")
    assert sc.max_ratio <= 1.0
    assert abs(sc.fitted_rate - (1 - sc.mu / sc.L) ** 2) <= 1e-6
    # a wrong exponent (factor 1 - mu/L instead of its square) is far away
    assert abs(sc.fitted_rate - (1 - sc.mu / sc.L)) > 0.05


def test_gd_rates_pl_function_is_not_convex_and_gap_closed_form():
    res = opt.gd_rates_demo(case="pl", steps=50)
    assert res.L == 8.0 and res.mu == 1 / 32
    # f'' = 2 + 6 cos 2x < 0 somewhere: not convex; the sharp PL constant exceeds 1/32
    xs = np.linspace(-20, 20, 400001)
    xs = xs[np.abs(xs) > 1e-3]
    f = xs**2 + 3 * np.sin(xs) ** 2
    g = 2 * xs + 3 * np.sin(2 * xs)
    assert np.min(2 + 6 * np.cos(2 * xs)) < 0
    assert np.min(0.5 * g**2 / f) > 1 / 32
    sc = opt.gd_rates_demo(case="strongly_convex", steps=20, seed=3)
    # closed form of GD on a diagonal quadratic: gap_k = 1/2 sum lam (1 - lam/L)^{2k} x0^2
    lam = np.linspace(1, 10, 10)
    x0 = np.random.default_rng(3).standard_normal(10)
    closed = [0.5 * np.sum(lam * (1 - lam / 10) ** (2 * k) * x0**2) for k in range(20)]
    np.testing.assert_allclose(sc.gap, closed, rtol=1e-12)


@pytest.mark.theorem("optimization.gd_nonconvex_stationarity")
def test_stationarity_bound():
    res = opt.stationarity_demo(K=2000, lam=3.0)
    verify("optimization.gd_nonconvex_stationarity", res)
    assert res.max_ratio <= 1.0
    assert res.tight_ratio == pytest.approx(1.0, abs=1e-12)
    assert np.all(np.diff(res.f_values) <= 1e-12)  # descent lemma: monotone
    # the bound is not vacuous: the ratio is within a factor 20 of 1 somewhere
    assert res.max_ratio >= 0.05


# ------------------------------------------------------------------------------------------
# stochastic_gradient
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("optimization.sgd_rates")
def test_sgd_stationary_and_decreasing_steps():
    res = opt.sgd_demo(n_chains=1000)
    verify("optimization.sgd_rates", res, label="stationary")  # (c) exact stationary law
    verify("optimization.sgd_rates", res, label="decreasing")  # (b), the rate
    verify("optimization.sgd_rates", res, label="constant")  # the exact constant of the 1/k rate
    assert np.all(res.stationary_mse <= res.bound)  # (a)
    # the stationary error is not proportional to eta with the naive constant eta sigma^2 / (2 mu)
    naive = res.etas / (2 * 0.1)
    assert np.max(np.abs(res.stationary_mse / naive - 1)) > 0.2


def test_sgd_stationary_mse_closed_form():
    # one coordinate: AR(1) with variance eta^2 s^2 / (1 - (1 - eta lam)^2)
    eta, lam = 0.3, 0.7
    assert opt.sgd_stationary_mse(eta, [lam], 2.0) == pytest.approx(eta**2 * 2.0 / (1 - (1 - eta * lam) ** 2))
    # p coordinates share the noise: the mean of the one-coordinate laws
    lams = [0.2, 0.7, 1.1]
    one = [opt.sgd_stationary_mse(eta, [lam_i], 1.0) for lam_i in lams]
    assert opt.sgd_stationary_mse(eta, lams, 1.0) == pytest.approx(np.mean(one), rel=1e-14)
    # a tensor of eigenvalues gives the same float
    assert opt.sgd_stationary_mse(eta, torch.tensor(lams)) == pytest.approx(opt.sgd_stationary_mse(eta, lams), rel=1e-6)


def test_explicit_updates_agree_with_torch_optim():
    res = opt.optimizer_agreement_demo(steps=40)
    assert res.max_diff <= 1e-12
    assert np.all(res.losses_explicit[:, -1] < res.losses_explicit[:, 0])


@pytest.mark.parametrize(("momentum", "nesterov"), [(0.0, False), (0.9, False), (0.9, True)])
def test_explicit_sgd_step_matches_torch_optim_sgd(momentum, nesterov, dtype, device):
    gen = torch.Generator().manual_seed(0)
    theta0 = torch.randn(5, generator=gen, dtype=torch.float64).to(dtype=dtype, device=device)
    a = [theta0.clone()]
    b = torch.nn.Parameter(theta0.clone())
    sgd = torch.optim.SGD([b], lr=0.1, momentum=momentum, nesterov=nesterov)
    bufs = [None]
    for _ in range(5):
        g = torch.randn(5, generator=gen, dtype=torch.float64).to(dtype=dtype, device=device)
        opt.explicit_sgd_step(a, [g], bufs, lr=0.1, momentum=momentum, nesterov=nesterov)
        b.grad = g.clone()
        sgd.step()
    assert a[0].dtype == dtype and a[0].device.type == device
    torch.testing.assert_close(a[0], b.detach(), rtol=tolerance(dtype), atol=tolerance(dtype))
    assert not torch.equal(a[0], theta0)


# ------------------------------------------------------------------------------------------
# landscapes
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("optimization.linear_network_landscape")
def test_linear_network_landscape():
    res = opt.linear_net_landscape_demo(n_inits=6, steps=1000)
    verify("optimization.linear_network_landscape", res)
    assert res.saddle_grad_norm <= 1e-9
    assert res.saddle_min_eig < -1e-6
    assert res.saddle_loss > res.optimum * (1 + 1e-3)


def test_linear_net_optimum_against_eckart_young():
    gen = np.random.default_rng(1)
    X = gen.standard_normal((5, 40))
    Y = gen.standard_normal((4, 40))
    L, lam = opt.linear_net_optimum(X, Y, 2)
    # best rank-2 W: truncated SVD of the least-squares fit in the X X^T geometry
    Wls = Y @ np.linalg.pinv(X)
    R = np.linalg.cholesky(X @ X.T)
    U, s, Vt = np.linalg.svd(Wls @ R)
    W2 = (U[:, :2] * s[:2]) @ Vt[:2] @ np.linalg.inv(R)
    assert L == pytest.approx(0.5 * np.sum((W2 @ X - Y) ** 2), rel=1e-10)
    assert isinstance(lam, np.ndarray) and lam.shape == (4,) and np.all(np.diff(lam) <= 0)


def test_linear_net_optimum_tensor_in_tensor_out(dtype, device):
    gen = np.random.default_rng(1)
    X = gen.standard_normal((5, 40))
    Y = gen.standard_normal((4, 40))
    L, lam = opt.linear_net_optimum(X, Y, 2)
    Lt, lamt = opt.linear_net_optimum(
        torch.tensor(X, dtype=dtype, device=device), torch.tensor(Y, dtype=dtype, device=device), 2
    )
    assert isinstance(Lt, float)
    assert lamt.dtype == dtype and lamt.device.type == device
    # float32 inputs are rounded before the float64 computation: agreement to float32 precision
    assert Lt == pytest.approx(L, rel=tolerance(dtype) * 10)
    np.testing.assert_allclose(lamt.cpu().numpy(), lam, rtol=tolerance(dtype) * 10)


def test_filter_normalized_direction_and_landscape():
    net = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 1))
    D = opt.filter_normalized_direction(net, seed=1)
    for name, p in net.named_parameters():
        if p.dim() == 1:
            assert torch.all(D[name] == 0)
        else:
            torch.testing.assert_close(torch.linalg.norm(D[name], dim=1), torch.linalg.norm(p.detach(), dim=1))
    res = opt.loss_landscape_demo(width=16, steps=300, resolution=11)
    assert res.loss_2d[5, 5] == pytest.approx(res.trained_loss, rel=1e-12)
    assert res.loss_1d[5] == pytest.approx(res.trained_loss, rel=1e-12)
    assert res.trained_loss < 0.1 * res.initial_loss


def test_filter_normalized_direction_dtype_device_and_seed(dtype, device):
    net = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 1)).to(
        dtype=dtype, device=device
    )
    D = opt.filter_normalized_direction(net, seed=4)
    E = opt.filter_normalized_direction(net, seed=4)
    F = opt.filter_normalized_direction(net, seed=5)
    for name, p in net.named_parameters():
        assert D[name].dtype == dtype and D[name].device == p.device and D[name].shape == p.shape
        torch.testing.assert_close(D[name], E[name], rtol=0, atol=0)
    assert not torch.equal(D["0.weight"], F["0.weight"])


# ------------------------------------------------------------------------------------------
# implicit_bias
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("optimization.implicit_min_norm")
def test_min_norm():
    res = opt.min_norm_demo(n=20, p=100, steps=3000)
    verify("optimization.implicit_min_norm", res)
    assert res.rel_err <= 1e-10
    assert res.rel_err_random_init <= 1e-10
    assert res.rel_err_sgd <= 1e-8
    assert res.dist_random_to_minnorm > 0.1  # from a random start the limit is NOT X^+ y


@pytest.mark.theorem("optimization.implicit_max_margin")
def test_max_margin():
    res = opt.max_margin_demo(t_max=10**5)
    verify("optimization.implicit_max_margin", res)
    omc = res.one_minus_cos
    assert np.all(np.diff(omc) < 0) and omc[-1] <= 0.005
    assert np.all(np.diff(res.margin_ratio) > 0) and res.margin_ratio[-1] < 1
    # O(1/log t) for the margin gap: (1 - gamma_t / gamma_hat) log t does not grow
    prod = (1 - res.margin_ratio) * np.log(res.ts)
    assert np.all(np.diff(prod) <= 1e-12)
    # rho(t) = w(t) - w_hat log t stays bounded: its increments shrink
    assert np.all(np.diff(np.diff(res.rho_norm)) < 0)
    # the reference: KKT conditions and an independent QP
    assert res.kkt_violation <= 1e-9
    assert res.svm_qp_rel_diff <= 1e-6


def test_hard_margin_svm_kkt_and_sklearn():
    gen = np.random.default_rng(5)
    X = gen.standard_normal((30, 3))
    y = np.sign(X @ np.array([1.0, -2.0, 0.5]))
    w, a = opt.hard_margin_svm(X, y)
    m = y * (X @ w)
    assert np.min(m) >= 1 - 1e-9 and np.all(a >= 0)
    assert np.max(np.abs(a * (m - 1))) <= 1e-9
    np.testing.assert_allclose(w, (a * y) @ X, atol=1e-12)
    # cross-check with scikit-learn's SVC (it fits an intercept: add a far constant feature)
    from sklearn.svm import SVC

    clf = SVC(kernel="linear", C=1e10, tol=1e-10).fit(X, y)
    ws = clf.coef_.ravel()
    cos = ws @ w / np.linalg.norm(ws) / np.linalg.norm(w)
    assert cos > 0.9  # the intercept-free optimum differs, but the directions are close


def test_hard_margin_svm_tensor_in_tensor_out(dtype, device):
    gen = np.random.default_rng(5)
    X = gen.standard_normal((30, 3))
    y = np.sign(X @ np.array([1.0, -2.0, 0.5]))
    w, a = opt.hard_margin_svm(X, y)
    wt, at = opt.hard_margin_svm(torch.tensor(X, dtype=dtype, device=device), torch.tensor(y, dtype=dtype))
    for t in (wt, at):
        assert isinstance(t, torch.Tensor) and t.dtype == dtype and t.device.type == device
    # float32 rounds the data (relative 6e-8); the SVM moves by a comparable relative amount
    np.testing.assert_allclose(wt.cpu().numpy(), w, rtol=0, atol=1e-4 if dtype == torch.float32 else 1e-9)


# ------------------------------------------------------------------------------------------
# diagonal_networks
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("optimization.implicit_diagonal_low_rank")
def test_diagonal_network():
    res = opt.diagonal_net_demo(alphas=(10, 1, 0.1))
    verify("optimization.implicit_diagonal_low_rank", res)
    assert res.dist_theory[0] <= 1e-5
    assert res.dist_l2[0] <= 1e-5  # large alpha: the minimum l2 interpolant
    assert res.dist_l1[2] < res.dist_l1[1]  # smaller alpha: closer to l1
    # the dual limit beta_alpha tends to the l1 solution as alpha -> 0 (slowly, ~ 1/log(1/alpha))
    assert np.all(np.diff(res.theory_dist_l1) >= -1e-9)
    assert res.theory_dist_l1[0] <= 0.05 and res.theory_dist_l2[-1] <= 1e-4


def test_diagonal_net_limit_kkt_and_l1():
    gen = np.random.default_rng(2)
    X = gen.standard_normal((6, 15))
    y = gen.standard_normal(6)
    for alpha in (0.05, 3.0):
        b = opt.diagonal_net_limit(X, y, alpha)
        np.testing.assert_allclose(X @ b, y, atol=1e-10)
        # KKT: arcsinh(b / (2 alpha^2)) lies in row(X)
        z = np.arcsinh(b / (2 * alpha**2))
        P = X.T @ np.linalg.solve(X @ X.T, X)
        np.testing.assert_allclose(P @ z, z, atol=1e-7 * max(1, np.abs(z).max()))
    b1 = opt.min_l1_interpolant(X, y)
    np.testing.assert_allclose(X @ b1, y, atol=1e-9)
    assert np.abs(b1).sum() <= np.abs(np.linalg.pinv(X) @ y).sum() + 1e-9


def test_diagonal_net_limit_and_l1_tensor_in_tensor_out(dtype, device):
    gen = np.random.default_rng(2)
    X = gen.standard_normal((6, 15))
    y = gen.standard_normal(6)
    Xt, yt = torch.tensor(X, dtype=dtype, device=device), torch.tensor(y, dtype=dtype, device=device)
    tol = 1e-4 if dtype == torch.float32 else 1e-9
    for fn, args in ((opt.diagonal_net_limit, (1.0,)), (opt.min_l1_interpolant, ())):
        out = fn(Xt, yt, *args)
        assert isinstance(out, torch.Tensor) and out.dtype == dtype and out.device.type == device
        ref = fn(Xt.double().cpu().numpy(), yt.double().cpu().numpy(), *args)
        np.testing.assert_allclose(out.double().cpu().numpy(), ref, rtol=tol, atol=tol)


# ------------------------------------------------------------------------------------------
# ntk_regime
# ------------------------------------------------------------------------------------------


def test_ntk_gram_matrix_monte_carlo():
    gen = np.random.default_rng(0)
    X = gen.standard_normal((4, 3))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    W = gen.standard_normal((400000, 3))
    A = (W @ X.T >= 0).astype(float)
    mc = (X @ X.T) * (A.T @ A) / W.shape[0]
    np.testing.assert_allclose(opt.ntk_gram_matrix(X), mc, atol=5e-3)
    assert np.linalg.eigvalsh(opt.ntk_gram_matrix(X))[0] > 0


def test_ntk_gram_matrix_is_the_arc_cosine_formula(dtype, device):
    gen = np.random.default_rng(3)
    X = gen.standard_normal((7, 4))  # not unit rows: the formula with the norms
    nrm = np.linalg.norm(X, axis=1)
    G = X @ X.T
    theta = np.arccos(np.clip(G / np.outer(nrm, nrm), -1, 1))
    np.testing.assert_allclose(opt.ntk_gram_matrix(X), G * (np.pi - theta) / (2 * np.pi), rtol=1e-13, atol=1e-15)
    out = opt.ntk_gram_matrix(torch.tensor(X, dtype=dtype, device=device))
    assert out.dtype == dtype and out.device.type == device
    torch.testing.assert_close(
        out.cpu().double(), torch.tensor(opt.ntk_gram_matrix(X)), rtol=tolerance(dtype) * 10, atol=tolerance(dtype)
    )


def test_empirical_ntk_of_du_network_is_its_first_layer_gram():
    # only W1 is trained: the empirical NTK is (1/m) sum_r x_i . x_j 1{w_r x_i > 0} 1{w_r x_j > 0} / d
    from dlmath.kernels import empirical_ntk
    from dlmath.optimization.ntk_regime import _du_network

    gen = np.random.default_rng(0)
    X = gen.standard_normal((5, 3))
    net = _du_network(3, 64, 1, torch.device("cpu"))
    K = empirical_ntk(net, torch.tensor(X))
    W = net.layers[0].weight.detach().numpy()
    A = (X @ W.T > 0).astype(float)
    np.testing.assert_allclose(K.numpy(), (X @ X.T) * (A @ A.T) / 64 / 3, rtol=1e-12, atol=1e-14)
    assert [n for n, p in net.named_parameters() if p.requires_grad] == ["layers.0.weight"]


@pytest.mark.theorem("optimization.ntk_global_convergence")
def test_ntk_training():
    res = opt.ntk_training_demo(widths=(200, 800, 3200), d=10, n_seeds=3)
    verify("optimization.ntk_global_convergence", res)
    assert -0.7 <= res.move_rate <= -0.3
    # the widest network follows the H^infinity prediction closely and converges linearly
    assert res.traj_dev[-1] <= 0.05
    k = np.arange(res.predicted_curve.size)
    assert np.all(res.loss_curves[-1] <= 1.05 * res.predicted_curve[0] * (1 - res.eta * res.lambda0 / 2) ** k + 1e-12)


# ------------------------------------------------------------------------------------------
# mean_field
# ------------------------------------------------------------------------------------------


@pytest.mark.theorem("optimization.mean_field_limit")
def test_mean_field_fluctuations():
    res = opt.mean_field_demo(widths=(16, 64, 256, 1024), n_pairs=5)
    verify("optimization.mean_field_limit", res)
    # the training-induced change is of order one at every width (not a vanishing effect)
    assert np.all(res.change_size > 0.1)
    assert res.loss_curves[-1, -1] < 0.6 * res.loss_curves[-1, 0]  # the networks do learn


def test_batched_training_matches_modules():
    X = torch.rand(7, 3, dtype=torch.float64)
    y = torch.rand(7, 1, dtype=torch.float64)
    nets = [mlp(3, 12, 1, parameterization="mean_field", dtype=torch.float64, seed=s) for s in (1, 2)]
    ref = mlp(3, 12, 1, parameterization="mean_field", dtype=torch.float64, seed=2)
    _train_two_layer_ensemble(nets, X, y, 5, 0.3)
    sgd = torch.optim.SGD(ref.parameters(), lr=0.3)
    for _ in range(5):
        sgd.zero_grad()
        (0.5 * torch.mean((ref(X) - y) ** 2)).backward()
        sgd.step()
    torch.testing.assert_close(nets[1](X), ref(X), rtol=1e-12, atol=1e-12)


def test_scaling_contrast():
    res = opt.scaling_contrast_demo(widths=(64, 256, 1024), T=2.0)
    assert -0.8 <= res.rate_move_ntk <= -0.3
    assert abs(res.rate_move_mf) <= 0.15
    assert abs(res.rate_drift_mf) <= 0.15
    assert res.rate_drift_ntk <= -0.4


# ------------------------------------------------------------------------------------------
# layout
# ------------------------------------------------------------------------------------------


def test_facade_publishes_every_name_from_its_topic_module():
    import importlib

    topics = (
        "gradient_methods",
        "stochastic_gradient",
        "landscapes",
        "implicit_bias",
        "diagonal_networks",
        "ntk_regime",
        "mean_field",
        "wasserstein_flow",
        "nonconvex_sgd",
        "kaczmarz",
    )
    seen = []
    for topic in topics:
        mod = importlib.import_module(f"dlmath.optimization.{topic}")
        for name in mod.__all__:
            obj = getattr(opt, name)
            assert obj is getattr(mod, name)
            assert obj.__module__ == "dlmath.optimization" and obj.__source_module__ == mod.__name__
            seen.append(name)
    assert seen == list(opt.__all__)  # ordered topic by topic, every name once


def test_results_are_frozen():
    res = opt.gd_rates_demo(case="strongly_convex", steps=20)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.max_ratio = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        res.gap[0] = 1.0
    assert math.isfinite(res.summary()["fitted_rate"])
