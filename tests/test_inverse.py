"""Tests of dlmath.inverse (Part VI, chapter 16: deep learning for inverse problems)."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlmath import inverse as inv
from dlmath.results import verify
from dlmath.utils import rng


@pytest.mark.theorem("inverse.variational_regularization")
def test_variational_rates_below_bounds():
    res = inv.variational_rates_demo(deltas=(1e-1, 1e-2, 1e-3))
    verify("inverse.variational_regularization", res, label="tikhonov")
    verify("inverse.variational_regularization", res, label="l1")
    assert res.certificate_max < 1.0
    assert res.max_ratio <= 1.0 + 1e-12
    # the typical instances stay strictly below the bound
    assert np.max(res.tikh_err / res.tikh_bound) < 1.0
    assert np.max(res.l1_bregman / res.l1_bound) < 1.0
    # the extremal instance attains the bound for every delta, not only for one
    assert np.all(np.abs(res.tikh_extremal_ratio - 1.0) <= 1e-9)
    assert np.all(np.abs(res.l1_extremal_ratio - 1.0) <= 1e-9)
    # the Tikhonov bound is not vacuous: errors are within a factor 10 of it
    assert np.min(res.tikh_err / res.tikh_bound) >= 0.1
    # and the error does go to zero with delta
    assert res.tikh_err[-1] < 0.5 * res.tikh_err[0]


def test_tikhonov_error_bound_values():
    # delta/(2 sqrt(alpha)) + sqrt(alpha) ||w|| / 2 at alpha = 1/4: delta + ||w||/4
    assert inv.tikhonov_error_bound(0.3, 0.25, 2.0) == pytest.approx(0.3 + 0.5, rel=1e-14)
    with pytest.raises(ValueError, match="alpha"):
        inv.tikhonov_error_bound(0.1, 0.0, 1.0)


def test_tikhonov_spectral_formula():
    g = rng(1)
    sig = 1.0 / np.arange(1, 11)
    y = g.standard_normal(10)
    alpha = 0.03
    assert np.allclose(inv.tikhonov(np.diag(sig), y, alpha), sig * y / (sig**2 + alpha), rtol=1e-12)


@pytest.mark.theorem("inverse.ista_fista_rates")
def test_ista_fista_bounds():
    res = inv.ista_fista_demo()
    verify("inverse.ista_fista_rates", res, label="ista")
    verify("inverse.ista_fista_rates", res, label="fista")
    verify("inverse.ista_fista_rates", res, label="ista_rate")
    verify("inverse.ista_fista_rates", res, label="fista_rate")
    assert res.max_ratio_ista <= 1.0
    assert res.max_ratio_fista <= 1.0
    # the bounds are not vacuous: an over-estimated constant (by a factor 20) would fail here
    assert res.max_ratio_ista >= 0.05
    assert res.max_ratio_fista >= 0.05
    # independent check with an orthogonal operator
    assert res.orth_err <= 1e-12


def test_soft_threshold_is_prox():
    g = rng(2)
    v = g.standard_normal(50)
    tau = 0.3
    p = inv.soft_threshold(v, tau)
    # prox optimality: v - p in tau * subdifferential of ||.||_1 at p
    d = v - p
    assert np.all(np.abs(d) <= tau + 1e-15)
    nz = p != 0
    assert np.allclose(d[nz], tau * np.sign(p[nz]))


def test_ista_fista_agree_at_convergence():
    g = rng(3)
    A = g.standard_normal((20, 40)) / math.sqrt(20)
    y = g.standard_normal(20)
    x1 = inv.ista(A, y, 0.1, 5000)
    x2 = inv.fista(A, y, 0.1, 2000)
    assert np.allclose(x1, x2, atol=1e-6)


@pytest.mark.theorem("inverse.lista_linear_convergence")
def test_lista_theorem_inside_hypotheses():
    res = inv.lista_theorem_demo(K=15, n_signals=50)
    verify("inverse.lista_linear_convergence", res, label="coherence")
    assert res.support_ok
    assert res.q < 1.0 and (2 * 2 - 1) * res.mu_w >= 1.0  # s = 1 is the largest admissible sparsity
    # attained at every layer, not only at the first
    assert res.min_layer_ratio >= 1.0 - 1e-9


def test_lista_theorem_rejects_incoherent_matrix():
    with pytest.raises(ValueError, match="coherence"):
        inv.lista_theorem_demo(m=4, n=64)


@pytest.mark.theorem("inverse.lista_linear_convergence")
def test_lista_linear_rate():
    res = inv.lista_demo()
    verify("inverse.lista_linear_convergence", res)
    assert res.rate <= 0.9
    assert res.err_lista[-1] <= 0.1
    assert res.err_ista[-1] >= 0.5
    assert res.rate_ista > res.rate


def test_unrolled_ista_cp_is_ista():
    g = rng(4)
    A = g.standard_normal((10, 20)) / math.sqrt(10)
    y = g.standard_normal(10)
    L = np.linalg.norm(A, 2) ** 2
    its = inv.unrolled_ista_cp(y[:, None], A, np.full(30, 1 / L), np.full(30, 0.1 / L))
    assert np.allclose(its[-1][:, 0], inv.ista(A, y, 0.1, 30), atol=1e-13)


def test_train_lista_cp_small():
    res = inv.train_lista_cp(m=32, n=64, s=3, K=6, steps=60, batch=64)
    assert res.err_lista[-1] < res.err_ista[-1]


@pytest.mark.theorem("inverse.pnp_fbs_contraction")
def test_pnp_contraction():
    res = inv.pnp_demo()
    verify("inverse.pnp_fbs_contraction", res, label="bound")
    verify("inverse.pnp_fbs_contraction", res, label="step_range")
    # the extremal denoiser attains the bound, and a step beyond the range is not a contraction
    assert np.allclose(res.lip_extremal, res.bound, rtol=1e-9)
    assert np.all(res.lip_outside > 1.0 + 1e-3)
    independent = (1 + res.eps) * (res.L - res.mu) / (res.L + res.mu)
    assert np.allclose(res.bound, independent, rtol=1e-12)
    assert np.all(res.emp_lip <= res.bound)
    assert np.all(res.rate <= res.bound + 0.01)
    assert np.all(res.residuals[:, -1] <= 1e-12)


def test_pnp_step_range_values():
    lo, hi = inv.pnp_step_range(1.0, 3.0, 0.5)
    assert lo == pytest.approx(1 / 3, rel=1e-14) and hi == pytest.approx(5 / 9, rel=1e-14)
    with pytest.raises(ValueError, match="eps"):
        inv.pnp_step_range(1.0, 3.0, 1.0)  # 2 mu/(L - mu) = 1: empty range
    assert inv.pnp_lipschitz_bound(0.5, 1.0, 3.0, 0.5) == pytest.approx(0.75, rel=1e-14)


def test_residual_denoiser_lipschitz():
    H = inv.ResidualDenoiser(8, 0.3, seed=1)
    g = rng(5)
    X, Y = g.standard_normal((200, 8)), g.standard_normal((200, 8))
    r = np.linalg.norm((H(X) - X) - (H(Y) - Y), axis=1) / np.linalg.norm(X - Y, axis=1)
    assert np.max(r) <= 0.3 + 1e-12
    assert torch.linalg.matrix_norm(H.W, ord=2).item() == pytest.approx(1.0, rel=1e-12)


@pytest.mark.theorem("inverse.icnn_convexity")
def test_icnn_jensen():
    res = inv.icnn_convexity_demo(n_triples=5000)
    verify("inverse.icnn_convexity", res)
    assert res.max_violation <= 1e-10
    # the gaps are not all trivially zero: the network is genuinely curved
    assert np.min(res.jensen_gaps) < -1e-3


def test_icnn_hessian_psd():
    R = inv.ICNN((3, 8, 8), seed=2, rho=0.0)
    x = torch.randn(3, dtype=torch.float64)
    H = torch.func.hessian(lambda z: R(z[None])[0])(x)
    assert torch.linalg.eigvalsh(H).min().item() >= -1e-12


def test_radon_adjoint_and_norm():
    A = inv.RadonMatrix(16, 8)
    err = inv.adjointness_error(A, A.adjoint, (16, 16), (8, A.n_det), seed=1)
    assert err <= 1e-12
    nrm = inv.power_method(A, A.adjoint, (16, 16), n_iter=200)
    assert nrm == pytest.approx(np.linalg.norm(A.matrix.toarray(), 2), rel=1e-6)


def test_fbp_recovers_disc():
    n = 32
    A = inv.RadonMatrix(n, 64)
    c = np.linspace(-1, 1, n)
    X, Y = np.meshgrid(c, c)
    disc = ((X**2 + Y**2) <= 0.5**2).astype(float)
    rec = inv.fbp(A, A(disc))
    assert np.mean(np.abs(rec - disc)) < 0.06


def test_tv_and_psnr():
    n = 24
    A = inv.RadonMatrix(n, 12)
    x = inv.random_ellipses(n, 1, seed=3)[0]
    rec = inv.tv_reconstruct(A, A(x), 0.05, n_iter=300)
    assert inv.psnr(rec, x) > inv.psnr(inv.fbp(A, A(x)), x)


def test_bad_inputs():
    with pytest.raises(ValueError, match="alpha"):
        inv.tikhonov(np.eye(2), np.ones(2), 0.0)
    with pytest.raises(ValueError, match="y"):
        inv.tikhonov(np.eye(2), np.ones(3), 1.0)
    with pytest.raises(ValueError, match="deltas"):
        inv.variational_rates_demo(deltas=(0.0,))
    with pytest.raises(ValueError, match="tau"):
        inv.soft_threshold(np.ones(2), -1.0)
    with pytest.raises(ValueError, match="lam"):
        inv.ista(np.eye(2), np.ones(2), -0.1, 10)
    with pytest.raises(ValueError, match="x0"):
        inv.fista(np.eye(2), np.ones(2), 0.1, 10, x0=np.ones(3))
    with pytest.raises(ValueError, match="thetas"):
        inv.unrolled_ista_cp(np.ones((2, 1)), np.eye(2), [1.0], [-1.0])
    with pytest.raises(ValueError, match="s"):
        inv.lista_demo(n=10, s=11)
    with pytest.raises(ValueError, match="alpha"):
        inv.pnp_fbs(np.zeros(2), lambda x: x, lambda x: x, 0.0, 5)
    with pytest.raises(TypeError, match="denoiser"):
        inv.pnp_fbs(np.zeros(2), lambda x: x, None, 1.0, 5)
    with pytest.raises(ValueError, match="eps"):
        inv.pnp_demo(eps=(-0.1,))
    with pytest.raises(ValueError, match="dims"):
        inv.ICNN((4,))
    with pytest.raises(ValueError, match="n_triples"):
        inv.icnn_convexity_demo(n_triples=0)
    with pytest.raises(ValueError, match="n_angles"):
        inv.RadonMatrix(8, 0)
    with pytest.raises(ValueError, match="sinogram"):
        inv.fbp(inv.RadonMatrix(8, 4), np.ones((3, 3)))
    with pytest.raises(ValueError, match="lam"):
        inv.tv_reconstruct(inv.RadonMatrix(8, 4), np.ones((4, inv.RadonMatrix(8, 4).n_det)), 0.0)
    with pytest.raises(ValueError, match="x"):
        inv.psnr(np.ones(3), np.ones(4))
    with pytest.raises(ValueError, match="steps"):
        inv.ct_demo(steps=-1)
    with pytest.raises(ValueError, match="K"):
        inv.train_lista_cp(K=2)
    with pytest.raises(ValueError, match="device"):
        inv.icnn_convexity_demo(n_triples=10, device="nonsense")
    with pytest.raises(ValueError, match="device"):
        inv.pnp_demo(device="nonsense")
    with pytest.raises(TypeError, match="radon"):
        inv.fbp(np.eye(3), np.ones((3, 3)))
    with pytest.raises(ValueError, match="channels"):
        inv.SNResidualDenoiser(8, 0.1, channels=0)


def test_plots_run():
    import matplotlib

    matplotlib.use("Agg")
    inv.pnp_demo().plot()
    inv.icnn_convexity_demo(n_triples=200).plot()
    inv.variational_rates_demo(deltas=(1e-1, 1e-2)).plot()


def test_sn_conv_norm_exact():
    H = inv.SNResidualDenoiser(8, 1.0, channels=3, dtype=torch.float64)
    w = H.weights[1]
    cols = []
    for j in range(3 * 64):
        e = torch.zeros(3 * 64, dtype=torch.float64)
        e[j] = 1.0
        x = torch.nn.functional.pad(e.reshape(1, 3, 8, 8), (1, 1, 1, 1), mode="circular")
        cols.append(torch.nn.functional.conv2d(x, w).ravel())
    dense = torch.stack(cols, 1)
    assert H.conv_norm(w).item() == pytest.approx(torch.linalg.matrix_norm(dense, ord=2).item(), rel=1e-10)
    H.eval()
    g = rng(6)
    X = torch.as_tensor(g.standard_normal((40, 1, 8, 8)))
    Y = X + 0.1 * torch.as_tensor(g.standard_normal((40, 1, 8, 8)))
    with torch.no_grad():
        r = ((H(X) - X) - (H(Y) - Y)).flatten(1).norm(dim=1) / (X - Y).flatten(1).norm(dim=1)
    assert r.max().item() <= 1.0 + 1e-12


def test_pnp_deblur_small():
    res = inv.pnp_deblur_demo(n=32, steps=20, n_iter=40)
    assert res.emp_lip <= res.bound
    assert res.rate <= res.bound + 0.01
    with pytest.raises(ValueError, match="n_iter"):
        inv.pnp_deblur_demo(n_iter=1)
