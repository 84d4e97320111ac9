"""Tests of dlmath.inverse (Part VI, chapter *Deep learning for inverse problems*).

The bad-argument cases are in tests/conventions/inverse.py (run by tests/test_conventions.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from conftest import tolerance
from dlmath import inverse as inv
from dlmath.inverse.operators import _SparseLinear
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
    assert inv.pnp_lipschitz_bound(0.5, 1.0, 3.0, 0.5) == pytest.approx(0.75, rel=1e-14)


def test_residual_denoiser_lipschitz():
    net = inv.ResidualDenoiser(8, 0.3, seed=1, dtype="float64")
    H = lambda x: net(x).numpy()  # noqa: E731
    g = rng(5)
    X, Y = g.standard_normal((200, 8)), g.standard_normal((200, 8))
    r = np.linalg.norm((H(X) - X) - (H(Y) - Y), axis=1) / np.linalg.norm(X - Y, axis=1)
    assert np.max(r) <= 0.3 + 1e-12
    assert torch.linalg.matrix_norm(net.W, ord=2).item() == pytest.approx(1.0, rel=1e-12)


@pytest.mark.theorem("inverse.icnn_convexity")
def test_icnn_jensen():
    res = inv.icnn_convexity_demo(n_triples=5000)
    verify("inverse.icnn_convexity", res)
    assert res.max_violation <= 1e-10
    # the gaps are not all trivially zero: the network is genuinely curved
    assert np.min(res.jensen_gaps) < -1e-3


def test_icnn_hessian_psd():
    R = inv.ICNN((3, 8, 8), seed=2, rho=0.0, dtype=torch.float64)
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


# ---------------------------------------------------------------------------------------------
# operators: one adjointness test over the registry of the package's linear operators


def _blur_kernel(n):
    c = np.minimum(np.arange(n), n - np.arange(n))
    k = np.exp(-(c[:, None] ** 2 + c[None, :] ** 2) / 2.0)
    k = 0.6 * k / k.sum()
    k[0, 0] += 0.4
    return k


LINEAR_OPERATORS = {
    "radon": lambda: inv.RadonMatrix(12, 7),
    "blur": lambda: inv.CircularConvolution(_blur_kernel(10)),
    "circulant-asymmetric": lambda: inv.CircularConvolution(rng(9).standard_normal((6, 6))),
}


@pytest.mark.parametrize("name", sorted(LINEAR_OPERATORS))
def test_operator_adjointness(name):
    A = LINEAR_OPERATORS[name]()
    assert isinstance(A, inv.LinearOperator)
    g = rng(7)
    worst = 0.0
    for _ in range(5):
        x, y = g.standard_normal(A.input_shape), g.standard_normal(A.output_shape)
        Ax, Aty = A.apply(x), A.adjoint(y)
        assert Ax.shape == A.output_shape and Aty.shape == A.input_shape
        worst = max(worst, abs(np.sum(Ax * y) - np.sum(x * Aty)) / (np.linalg.norm(Ax) * np.linalg.norm(y)))
    assert worst <= 1e-12
    assert inv.adjointness_error(A.apply, A.adjoint, A.input_shape, A.output_shape) <= 1e-12
    # the test can fail: a wrong adjoint (the true one, flipped) is caught
    wrong = inv.adjointness_error(A.apply, lambda v: A.adjoint(v)[::-1], A.input_shape, A.output_shape)
    assert wrong > 1e-3
    assert A.shape == (int(np.prod(A.output_shape)), int(np.prod(A.input_shape)))


@pytest.mark.parametrize("name", sorted(LINEAR_OPERATORS))
def test_operator_numpy_and_tensor(name, dtype, device):
    A = LINEAR_OPERATORS[name]()
    x = rng(8).standard_normal(A.input_shape)
    ref = A(x)
    assert isinstance(ref, np.ndarray) and ref.dtype == np.float64
    assert np.array_equal(A(x.ravel()), ref)  # a flat vector is accepted too
    out = A(torch.as_tensor(x, dtype=dtype, device=device))
    assert isinstance(out, torch.Tensor) and out.dtype == dtype and out.device.type == device
    np.testing.assert_allclose(out.cpu().double().numpy(), ref, rtol=tolerance(dtype), atol=tolerance(dtype))
    back = A.adjoint(torch.as_tensor(ref, dtype=dtype, device=device))
    assert isinstance(back, torch.Tensor) and back.dtype == dtype and back.device.type == device


def test_circular_convolution_spectrum_and_inverse():
    k = _blur_kernel(16)
    A = inv.CircularConvolution(k)
    # dense matrix of the convolution, column by column
    M = np.stack([A(e.reshape(16, 16)).ravel() for e in np.eye(256)], 1)
    ev = np.linalg.eigvalsh(M.T @ M)
    mu, L = A.eigenvalue_range()
    assert mu == pytest.approx(ev[0], rel=1e-10) and L == pytest.approx(ev[-1], rel=1e-10)
    assert A.norm() == pytest.approx(np.linalg.norm(M, 2), rel=1e-12)
    x = rng(10).standard_normal((16, 16))
    np.testing.assert_allclose(A.inverse(A(x)), x, atol=1e-10)


def test_circular_conv_norm_matches_dense():
    w = rng(11).standard_normal((2, 3, 3, 3))
    n = 5
    cols = []
    for j in range(3 * n * n):
        e = torch.zeros(3 * n * n, dtype=torch.float64)
        e[j] = 1.0
        xe = torch.nn.functional.pad(e.reshape(1, 3, n, n), (1, 1, 1, 1), mode="circular")
        cols.append(torch.nn.functional.conv2d(xe, torch.as_tensor(w)).ravel())
    dense = torch.stack(cols, 1)
    # the 3x3 kernel of conv2d on the padded image is the circular convolution shifted by one pixel;
    # shifts do not change the norm
    assert float(inv.circular_conv_norm(w, n)) == pytest.approx(
        torch.linalg.matrix_norm(dense, ord=2).item(), rel=1e-10
    )
    out = inv.circular_conv_norm(torch.as_tensor(w, dtype=torch.float32), n)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32


@pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta state")
def test_sparse_linear_backward_gradcheck():
    g = torch.Generator().manual_seed(0)
    dense = torch.randn(5, 4, generator=g, dtype=torch.float64)
    dense[dense.abs() < 0.5] = 0.0
    A, AT = dense.to_sparse_csr(), dense.T.contiguous().to_sparse_csr()
    X = torch.randn(4, 3, generator=g, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda Z: _SparseLinear.apply(Z, A, AT), (X,))
    # a wrong adjoint is caught: the test can fail
    wrong = (2 * dense).T.contiguous().to_sparse_csr()
    assert not torch.autograd.gradcheck(lambda Z: _SparseLinear.apply(Z, A, wrong), (X,), raise_exception=False)


def test_lgd_gradient_is_adjoint_of_radon():
    A = inv.RadonMatrix(8, 4)
    net = inv.LGD(A, 1, 2, dtype="float64")
    g = rng(12)
    x, y = g.standard_normal((8, 8)), g.standard_normal(A.shape[0])
    expected = A.adjoint(A(x).ravel() - y)
    got = net.grad(torch.as_tensor(x[None, None]), torch.as_tensor(y[None]))
    np.testing.assert_allclose(got.detach().numpy()[0, 0], expected, rtol=1e-12, atol=1e-12)
    out = net(y[None], x[None, None])
    assert out.shape == (1, 1, 8, 8) and out.dtype == torch.float64


# ---------------------------------------------------------------------------------------------
# data-to-data functions in both precisions


def test_tikhonov_tensor(dtype, device):
    g = rng(13)
    A, y = g.standard_normal((6, 4)), g.standard_normal(6)
    ref = inv.tikhonov(A, y, 0.3)
    out = inv.tikhonov(
        torch.as_tensor(A, dtype=dtype, device=device), torch.as_tensor(y, dtype=dtype, device=device), 0.3
    )
    assert out.dtype == dtype and out.device.type == device
    np.testing.assert_allclose(out.cpu().double().numpy(), ref, rtol=tolerance(dtype), atol=tolerance(dtype))
    # the normal equations of the Tikhonov functional
    np.testing.assert_allclose(A.T @ (A @ ref - y) + 0.3 * ref, 0.0, atol=1e-12)


def test_soft_threshold_tensor_is_differentiable(dtype, device):
    x = torch.tensor([-2.0, 0.5, 3.0], dtype=dtype, device=device, requires_grad=True)
    out = inv.soft_threshold(x, 1.0)
    assert out.dtype == dtype
    out.sum().backward()
    assert x.grad.cpu().tolist() == [1.0, 0.0, 1.0]
    np.testing.assert_array_equal(out.detach().cpu().numpy(), inv.soft_threshold(np.array([-2.0, 0.5, 3.0]), 1.0))


def test_ista_fista_tensor(dtype, device):
    g = rng(14)
    A, y = g.standard_normal((8, 12)) / math.sqrt(8), g.standard_normal(8)
    for solver in (inv.ista, inv.fista):
        ref = solver(A, y, 0.05, 50)
        out = solver(
            torch.as_tensor(A, dtype=dtype, device=device), torch.as_tensor(y, dtype=dtype, device=device), 0.05, 50
        )
        assert out.dtype == dtype and out.device.type == device
        np.testing.assert_allclose(
            out.cpu().double().numpy(),
            ref,
            rtol=1e-3 if dtype == torch.float32 else 1e-10,
            atol=1e-5 if dtype == torch.float32 else 1e-12,
        )
    assert inv.ista.__name__ == "ista" and "Parameters" in inv.fista.__doc__ and "Thm 4.4" in inv.fista.__doc__


def test_fbp_tensor(dtype, device):
    A = inv.RadonMatrix(16, 12)
    x = inv.random_ellipses(16, 1, seed=2)[0]
    p = A(x)
    ref = inv.fbp(A, p)
    out = inv.fbp(A, torch.as_tensor(p, dtype=dtype, device=device))
    assert out.dtype == dtype and out.device.type == device
    np.testing.assert_allclose(out.cpu().double().numpy(), ref, rtol=tolerance(dtype), atol=tolerance(dtype))


# ---------------------------------------------------------------------------------------------
# networks


def test_networks_default_to_float32():
    nets = [
        inv.LISTACP(np.eye(2), 2),
        inv.LGD(inv.RadonMatrix(8, 2), 1, 2),
        inv.ResidualDenoiser(3, 0.1),
        inv.SNResidualDenoiser(4, 0.1, channels=2),
        inv.ICNN((2, 3)),
    ]
    for net in nets:
        assert {p.dtype for p in list(net.parameters()) + list(net.buffers())} == {torch.float32}, type(net).__name__


def test_lista_cp_layers_are_soft_thresholded_steps():
    g = rng(15)
    A = g.standard_normal((6, 10)) / math.sqrt(6)
    net = inv.LISTACP(A, 4, 0.05, dtype=torch.float64)
    Y = g.standard_normal((3, 6))
    out = net(Y)
    assert out.shape == (4, 3, 10)
    # initialised at W = A/L and theta = 0.05, the network is unrolled ISTA with step 1/L
    L = np.linalg.norm(A, 2) ** 2
    its = inv.unrolled_ista_cp(Y.T, A, np.full(4, 1 / L), np.full(4, 0.05))
    for k in range(4):
        np.testing.assert_allclose(out[k].detach().numpy(), its[k].T, atol=1e-12)


def test_icnn_float32_and_float64_agree():
    x = rng(16).standard_normal((7, 3))
    r64 = inv.ICNN((3, 5, 5), seed=4, dtype="float64")(x)
    r32 = inv.ICNN((3, 5, 5), seed=4)(x)
    np.testing.assert_allclose(r32.detach().double().numpy(), r64.detach().numpy(), rtol=1e-5)


def test_shepp_logan_phantom():
    x = inv.shepp_logan(32)
    assert x.shape == (32, 32) and x.min() >= 0.0 and x.max() <= 1.0
    assert x[16, 16] > 0 and x[0, 0] == 0  # inside the head, outside it
