"""Tests of dlmath.architectures (Part V: ResNets, convolutions, scattering, equivariance).

The bad-argument cases are in tests/conventions/architectures.py (BAD_INPUTS), run by
tests/test_conventions.py with the NumPy/tensor conventions of every public name.
"""

import itertools
import math

import numpy as np
import pytest
import torch

from dlmath import architectures as A
from dlmath.results import verify


# ---------------------------------------------------------------- residual networks as ODEs
@pytest.mark.theorem("architectures.resnet_ode_limit")
def test_resnet_ode_limit_rate():
    res = A.resnet_ode_demo(depths=2 ** np.arange(4, 11))
    verify("architectures.resnet_ode_limit", res)
    verify("architectures.resnet_ode_limit", res, label="bound")
    verify("architectures.resnet_ode_limit", res, label="attained")
    assert -1.1 <= res.rate_generic <= -0.9
    assert abs(res.scaled_err_ratio - 1.0) <= 0.02
    assert np.all(res.err <= res.bound)
    # the attained instance: error/bound tends to KT/(e^{KT} - 1) as h -> 0
    kt = res.attained_KT
    assert abs(res.attained_ratio - kt / math.expm1(kt)) <= 0.01


def test_resnet_euler_exact_for_linear_field():
    # x' = a x: Euler gives (1 + a T / L)^L x0
    out = A.resnet_euler(np.array([1.0, 2.0]), lambda x, t: -0.5 * x, 2.0, 10)
    assert np.allclose(out, (1 - 0.1) ** 10 * np.array([1.0, 2.0]), rtol=1e-14)


@pytest.mark.theorem("architectures.resnet_stability")
def test_resnet_stability_bounds():
    res = A.resnet_stability_demo(depths=(8, 64, 256))
    verify("architectures.resnet_stability", res)
    verify("architectures.resnet_stability", res, label="attained")
    assert np.all(res.bound <= res.exp_bound)
    assert res.predicted < 1
    assert res.inv_rate <= res.predicted + 1e-12
    assert res.inv_errors[-1] < 1e-12 * 10
    assert res.inv_recon_err < 1e-12
    assert res.antisym_max_real < 1e-12


def test_residual_block_inverse_and_lipschitz():
    net = A.ResidualNetwork(6, 4, T=1.0, seed=3, dtype=torch.float64)
    assert max(net.h * net.lipschitz_constants()) < 1
    x = torch.randn(10, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        y = net(x)
        assert torch.allclose(net.inverse(y, 200), x, atol=1e-13, rtol=0)
        # Lipschitz bound of the inverse block: |x1 - x2| <= |y1 - y2| / (1 - hK)
        b = net.blocks[0]
        hk = b.h * b.lipschitz_constant()
        x1, x2 = x[:5], x[5:]
        ratio = (x1 - x2).norm(dim=1) / (b(x1) - b(x2)).norm(dim=1)
        assert float(ratio.max()) <= 1 / (1 - hk) + 1e-12


# ---------------------------------------------------------------- convolutions
@pytest.mark.theorem("architectures.conv_equivariance")
def test_conv_equivariance():
    res = A.conv_equivariance_demo(N=64)
    assert res.circulant_err <= 1e-12
    assert res.eig_err <= 1e-12
    assert res.projection_err <= 1e-12 and res.projection_orth_err <= 1e-12
    verify("architectures.conv_equivariance", res)
    assert res.pooled_err <= 1e-5
    assert res.stride_even_err <= 1e-5
    assert res.stride_odd_err >= 1e-1


def test_circulant_commutes_with_shift_and_eigen():
    w = np.random.default_rng(1).standard_normal(7)
    C = A.circulant(w)
    T = np.roll(np.eye(7), 1, axis=0)
    assert np.allclose(C @ T, T @ C, atol=1e-14)
    assert np.allclose(C[:, 0], w)
    assert np.allclose(np.sort_complex(np.linalg.eigvals(C)), np.sort_complex(np.fft.fft(w)), atol=1e-12)


def test_circular_cnn_shift_invariance_with_pooling():
    net = A.CircularCNN((2, 5, 3), 3, pool="max", dtype=torch.float64, seed=1)
    x = torch.randn(3, 2, 20, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    with torch.no_grad():
        assert torch.allclose(net(torch.roll(x, 7, -1)), net(x), atol=1e-13)


# ---------------------------------------------------------------- filter banks and scattering
def test_lp_filter_banks_are_exact():
    for N, J in [(64, 3), (2048, 5), (17, 4)]:
        phi, psi = A.lp_filter_bank(N, J)
        assert psi.shape == (2 * J, N)
        assert np.abs(phi**2 + (psi**2).sum(0) - 1).max() <= 1e-14
    phi, psi = A.lp_filter_bank_2d(16, 2, 5)
    assert psi.shape == (10, 16, 16)
    assert np.abs(phi**2 + (psi**2).sum(0) - 1).max() <= 1e-14
    s = np.linspace(0, 3, 31)
    chi = A.smooth_cutoff(s)
    assert np.all(chi[s <= 1] == 1) and np.all(chi[s >= 2] == 0) and np.all(np.diff(chi) <= 0)


@pytest.mark.theorem("architectures.scattering_energy")
def test_scattering_energy():
    res = A.scattering_energy_demo(N=512, J=4, M=2)
    assert res.lp_err <= 1e-14
    verify("architectures.scattering_energy", res, label="energy")
    verify("architectures.scattering_energy", res, label="lipschitz")
    assert res.remainder < 0.05
    # a wrong normalisation of the filters (e.g. |psi| instead of |psi|^2 summing to one) breaks it
    assert abs(res.layer_energy.sum() - 1) <= 1e-12


def test_scattering_1d_paths_and_2d_energy():
    x = np.random.default_rng(0).standard_normal(64)
    S = A.scattering_1d(x, 3, 2)
    assert S.shape == (len(A.scattering_paths(3, 2)), 64)
    assert len(A.scattering_paths(3, 2, False)) == 1 + 6 + 36
    # order-0 coefficient is x * phi
    phi, _ = A.lp_filter_bank(64, 3)
    assert np.allclose(S[0], np.real(np.fft.ifft(np.fft.fft(x) * phi)), atol=1e-13)
    # translation commutes exactly with the (unsubsampled) 1-D and 2-D transforms
    assert np.allclose(A.scattering_1d(np.roll(x, 5), 3, 2), np.roll(S, 5, axis=-1), atol=1e-12)
    sc2 = A.Scattering2D(16, 2, 4, 1, freq_decreasing=False)
    img = torch.randn(16, 16, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    Us = sc2.layers(img, 2)
    phi2 = sc2.phi_hat.to(torch.complex128)
    e = sum(float((sc2._ifft(sc2._fft(u) * phi2).real ** 2).sum()) for u in Us[:-1]) + float((Us[-1].abs() ** 2).sum())
    assert e == pytest.approx(float((img**2).sum()), rel=1e-12)


def test_scattering_1d_matches_direct_path_loop():
    # Scattering1D computes |u * psi_(j,-)| = |u * psi_(j,+)| (real u, j >= 2) once, shares the rows
    # of equal paths and low-passes with real FFTs; a plain NumPy loop over every path must agree.
    g = np.random.default_rng(1)
    cases = [(256, 5, 2, True, False), (255, 4, 2, False, False), (64, 4, 3, True, False), (64, 3, 2, False, True)]
    for N, J, M, fd, complex_input in cases:
        x = g.standard_normal((2, N))
        if complex_input:  # no sharing at order 1; order 0 gives Re(x * phi)
            x = x + 1j * g.standard_normal((2, N))
        phi, psi = A.lp_filter_bank(N, J)
        assert np.array_equal(phi, phi[-np.arange(N) % N])  # real and even
        paths = A.scattering_paths(J, M, fd)
        U = {(): x}
        for p in paths[1:]:
            U[p] = np.abs(np.fft.ifft(np.fft.fft(U[p[:-1]]) * psi[p[-1]]))
        ref = np.stack([np.real(np.fft.ifft(np.fft.fft(U[p]) * phi)) for p in paths], axis=-2)
        sc = A.Scattering1D(N, J, M, freq_decreasing=fd)
        assert sc.paths == paths
        with torch.no_grad():
            S = sc(torch.as_tensor(x)).numpy()
            Us = sc.layers(torch.as_tensor(x))
        assert S.shape == ref.shape == (2, len(paths), N)
        assert np.abs(S - ref).max() <= 1e-12 * np.abs(ref).max()
        for m, u in enumerate(Us):
            Um = np.stack([U[p] for p in paths if len(p) == m], axis=-2)
            assert u.shape == Um.shape
            assert np.abs(u.numpy() - Um).max() <= 1e-12 * np.abs(Um).max()


@pytest.mark.theorem("architectures.scattering_stability")
def test_scattering_stability():
    res = A.scattering_stability_demo()
    verify("architectures.scattering_stability", res)
    verify("architectures.scattering_stability", res, label="attained")
    # the chain of part (a): Plancherel form <= Young (L1) form, and the L1 form is not sharp here
    assert np.all(res.transl_err <= res.transl_mult_bound * (1 + 1e-9))
    assert np.all(res.transl_mult_bound <= res.transl_bound * (1 + 1e-9))
    assert res.attained_l1_ratio < res.attained_ratio
    assert 0.9 <= res.deform_rate and np.all(res.deform_rates <= 1.1)
    assert res.max_err_over_eps <= 1.5
    assert res.fourier_ratio >= 3


# ---------------------------------------------------------------- equivariance and invariance
@pytest.mark.theorem("architectures.group_conv_equivariance")
def test_group_conv_equivariance():
    r64 = A.p4_equivariance_demo(N=16, dtype="float64")
    verify("architectures.group_conv_equivariance", r64)
    assert r64.transl_err <= 1e-12
    assert r64.invariance_err <= 1e-12
    assert r64.cnn_rot_err >= 1e-1
    r32 = A.p4_equivariance_demo(N=16, dtype="float32")
    assert r32.equiv_err <= 1e-5 and r32.invariance_err <= 1e-5


def test_p4_numpy_functions_and_modules():
    g = np.random.default_rng(0)
    f = g.standard_normal((2, 10, 10))
    psi = g.standard_normal((3, 2, 3, 3))
    F = A.p4_lift(f, psi)
    assert F.shape == (3, 4, 10, 10)
    assert np.allclose(A.p4_lift(A.rotate90(f), psi), A.p4_act(F), atol=1e-12)
    psi2 = g.standard_normal((2, 3, 4, 3, 3))
    G = A.p4_conv(F, psi2)
    assert np.allclose(A.p4_conv(A.p4_act(F, 3), psi2), A.p4_act(G, 3), atol=1e-12)
    # the rotation-0 channel of the lift is the ordinary correlation
    from scipy.ndimage import correlate

    ref = np.stack([sum(correlate(f[c], psi[o, c], mode="wrap") for c in range(2)) for o in range(3)])
    assert np.abs(F[:, 0] - ref).max() <= 1e-12
    net = A.P4CNN(1, (4, 4), 10, dtype=torch.float64, seed=1)
    x = torch.randn(3, 1, 8, 8, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        for k in (1, 2, 3):
            assert torch.allclose(net(A.rotate90(x, k)), net(x), atol=1e-12)


@pytest.mark.theorem("architectures.invariance_by_averaging")
def test_invariance_benefit():
    res = A.invariance_benefit_demo(n_rep=3000)
    assert list(res.d_G) == [1, 6]
    verify("architectures.invariance_by_averaging", res)
    verify("architectures.invariance_by_averaging", res, label="invariant")
    # the realised errors have the same expectation as the conditional risks (looser: noise)
    assert np.all(np.abs(res.realised_inv / res.predicted_inv - 1) <= 0.1)
    assert res.projection_identity_err <= 1e-12


def test_reynolds_projection():
    G = A.group_matrices("cyclic", 5)
    a = np.arange(5.0)
    Qf = A.reynolds(lambda x: np.sin(x @ a), G)
    x = np.random.default_rng(0).standard_normal((4, 5))
    assert np.allclose(Qf(x @ G[2].T), Qf(x), atol=1e-14)
    Q2 = A.reynolds(Qf, G)
    assert np.allclose(Q2(x), Qf(x), atol=1e-14)  # idempotent
    assert A.group_matrices("permutation", 4).shape == (24, 4, 4)


@pytest.mark.theorem("architectures.deepsets")
def test_deepsets():
    res = A.deepsets_demo(M=5)
    verify("architectures.deepsets", res, label="commutant")
    verify("architectures.deepsets", res, label="power_sums")
    assert res.invariance_err <= 1e-5 and res.equivariance_err <= 1e-5


def test_power_sums_and_deepsets_module():
    x = np.array([0.1, 0.5, 0.5, 0.9])
    p = [np.sum(x**k) for k in range(1, 5)]
    assert np.allclose(A.power_sums_to_multiset(p), x, atol=1e-6)  # double root: sqrt(eps) accuracy
    net = A.DeepSets(2, 8, 8, 3, dtype=torch.float64, seed=1)
    X = torch.randn(2, 5, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        for perm in itertools.islice(itertools.permutations(range(5)), 0, 120, 17):
            assert torch.allclose(net(X[:, list(perm)]), net(X), atol=1e-13)


# ---------------------------------------------------------------- real data (short runs)
def test_digits_demos_short():
    r = A.digits_scattering_demo(J=1, n_angles=3, epochs=2)
    assert r.scat_acc > 0.85 and r.cnn_acc > 0.5
    r = A.digits_rotation_demo(channels=4, epochs=2)
    assert r.p4_spread <= 1e-12  # exactly invariant: same predictions for every rotation


def test_p4_layers_equivariant_and_translation():
    lift = A.P4LiftingConv(2, 3, padding_mode="circular", dtype=torch.float64, seed=2)
    gconv = A.P4GroupConv(3, 2, padding_mode="circular", dtype=torch.float64, seed=3)
    x = torch.randn(2, 2, 12, 12, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        F = gconv(torch.tanh(lift(x)))
        for k in (1, 2, 3):
            assert torch.allclose(gconv(torch.tanh(lift(A.rotate90(x, k)))), A.p4_act(F, k), atol=1e-12)
        shifted = gconv(torch.tanh(lift(torch.roll(x, (2, -3), dims=(-2, -1)))))
        assert torch.allclose(shifted, torch.roll(F, (2, -3), dims=(-2, -1)), atol=1e-12)


# ---------------------------------------------------------------- conventions: precision, NumPy and tensors
def test_p4_functions_equivariant_in_both_precisions(dtype, device):
    g = np.random.default_rng(3)
    f = torch.as_tensor(g.standard_normal((2, 8, 8)), dtype=dtype, device=device)
    psi = torch.as_tensor(g.standard_normal((3, 2, 3, 3)), dtype=dtype, device=device)
    psi2 = torch.as_tensor(g.standard_normal((2, 3, 4, 3, 3)), dtype=dtype, device=device)
    F = A.p4_lift(f, psi)
    assert F.dtype == dtype and F.device.type == torch.device(device).type
    tol = 1e-4 if dtype == torch.float32 else 1e-12
    torch.testing.assert_close(A.p4_lift(A.rotate90(f), psi), A.p4_act(F), atol=tol, rtol=tol)
    G = A.p4_conv(F, psi2)
    torch.testing.assert_close(A.p4_conv(A.p4_act(F, 2), psi2), A.p4_act(G, 2), atol=tol, rtol=tol)
    # the same numbers as the NumPy path (computed in float64)
    ref = A.p4_lift(f.cpu().double().numpy(), psi.cpu().double().numpy())
    assert np.abs(F.cpu().double().numpy() - ref).max() <= tol * np.abs(ref).max()


def test_scattering_1d_tensor_matches_numpy(dtype, device):
    x = np.random.default_rng(4).standard_normal((3, 64))
    S_np = A.scattering_1d(x, 3, 2)
    S_t = A.scattering_1d(torch.as_tensor(x, dtype=dtype, device=device), 3, 2)
    assert isinstance(S_np, np.ndarray) and S_t.dtype == dtype and S_t.device.type == torch.device(device).type
    tol = 1e-5 if dtype == torch.float32 else 1e-12
    x_cast = torch.as_tensor(x, dtype=dtype).double().numpy()  # the input as the tensor held it
    assert np.abs(S_t.cpu().double().numpy() - A.scattering_1d(x_cast, 3, 2)).max() <= tol * np.abs(S_np).max()


def test_scattering_modules_take_numpy_and_reject_other_precision():
    x = np.random.default_rng(5).standard_normal((2, 256))
    sc = A.Scattering1D(256, 3)
    with torch.no_grad():
        S = sc(x)  # NumPy in: float64, the transform's dtype
        assert S.dtype == torch.float64
        torch.testing.assert_close(S, sc(torch.as_tensor(x)))
        assert torch.equal(sc.layers(x)[0][:, 0], torch.as_tensor(x))  # order 0: x itself, one path
    with pytest.raises(TypeError, match="dtype"):
        sc(torch.as_tensor(x, dtype=torch.float32))
    sc32 = A.Scattering1D(256, 3, dtype="float32")
    with torch.no_grad():
        torch.testing.assert_close(sc32(x), S.float(), atol=1e-5, rtol=1e-4)
    img = np.random.default_rng(6).standard_normal((16, 16))
    sc2 = A.Scattering2D(16, 2, 4, 2, subsample=True)
    with torch.no_grad():
        assert sc2(img).shape == (len(sc2.paths), 8, 8)


def test_networks_default_to_float32_and_take_numpy():
    nets = [
        (A.ResidualNetwork(3, 4), np.ones((2, 3))),
        (A.CircularCNN(), np.ones((2, 1, 16))),
        (A.P4CNN(), np.ones((2, 1, 8, 8))),
        (A.PlainCNN(), np.ones((2, 1, 8, 8))),
        (A.DeepSets(), np.ones((2, 5, 1))),
        (A.PermutationEquivariantLinear(1, 2), np.ones((2, 5, 1))),
        (A.P4LiftingConv(1, 2), np.ones((2, 1, 6, 6))),
    ]
    for net, x in nets:
        assert all(p.dtype == torch.float32 for p in net.parameters()), type(net).__name__
        with torch.no_grad():
            out = net(x)
        assert out.dtype == torch.float32, type(net).__name__


def test_residual_network_inverse_takes_numpy():
    net = A.ResidualNetwork(4, 3, dtype="float64", seed=2)
    x = np.random.default_rng(7).standard_normal((5, 4))
    with torch.no_grad():
        y = net(x)
        assert torch.allclose(net.inverse(y.numpy(), 200), torch.as_tensor(x), atol=1e-12)
        _, its = net.blocks[0].inverse(y, 3, return_iterates=True)
    assert len(its) == 4


def test_p4_equivariance_demo_accepts_torch_dtypes():
    r = A.p4_equivariance_demo(N=16, dtype=torch.float64)
    assert r.dtype == "float64"
    assert r.equiv_err <= 1e-12


def test_functions_keep_the_kind_of_their_input():
    w = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float32)
    C = A.circulant(w)
    assert isinstance(C, torch.Tensor) and C.dtype == torch.float32
    assert np.array_equal(C.numpy(), A.circulant(w.numpy()))
    Cc = A.circulant(np.array([1.0, 1j]))  # a complex filter keeps its imaginary part
    assert np.iscomplexobj(Cc) and Cc[0, 1] == 1j
    Qf = A.reynolds(lambda x: x[:, 0] ** 2 + x[:, 1], A.group_matrices("sign", 2))
    out = Qf(torch.tensor([[1.0, 2.0]], dtype=torch.float64))
    assert isinstance(out, torch.Tensor) and torch.allclose(out, torch.tensor([1.0], dtype=torch.float64))
    xs = A.power_sums_to_multiset(torch.tensor([3.0, 5.0], dtype=torch.float64))
    assert isinstance(xs, torch.Tensor) and torch.allclose(xs, torch.tensor([1.0, 2.0], dtype=torch.float64))
    x0 = torch.tensor([0.5, 1.0])
    xL = A.resnet_euler(x0, lambda x, t: -x, 1.0, 4)
    assert isinstance(xL, torch.Tensor) and torch.allclose(xL, 0.75**4 * x0)


# ---------------------------------------------------------------- subsampled scattering
def _signals_for_aliasing(N, g):
    """White noise (much energy at high frequencies, much aliasing) and a smooth chirp."""
    t = np.arange(N) / N
    return np.stack([g.standard_normal(N), np.cos(2 * np.pi * (20 * t + 60 * t**2)) * np.exp(-((t - 0.5) ** 2) / 0.02)])


def test_subsampling_without_subsampling_is_the_full_transform():
    g = np.random.default_rng(2)
    for N, J, M in [(256, 5, 2), (128, 4, 3)]:
        x = torch.as_tensor(_signals_for_aliasing(N, g))
        full = A.Scattering1D(N, J, M)
        none = A.Scattering1D(N, J, M, subsample=True, oversampling=J)
        with torch.no_grad():
            S, S_none = full(x), none(x)
        assert S_none.shape == S.shape
        assert float((S_none - S).abs().max()) <= 1e-13 * float(S.abs().max())
        z = x + 1j * torch.as_tensor(g.standard_normal(x.shape))
        assert torch.allclose(none(z), full(z), rtol=0, atol=1e-13 * float(full(z).abs().max()))


def test_subsampling_first_order_is_exact_sampling():
    # |x * psi_(j,+-)| sampled every 2^(j-1) points is computed without any aliasing: with one more
    # octave of oversampling at the output, the first-order coefficients equal (|x * psi| * phi)
    # computed at full resolution and sampled, to float precision; at the default output grid
    # the (sub-sampled) low-pass aliases, and the order-0 row is still exact sampling
    N, J = 512, 5
    x = torch.as_tensor(_signals_for_aliasing(N, np.random.default_rng(3)))
    full = A.Scattering1D(N, J, 1)
    S = full(x)
    for over in (1, 0):
        sub = A.Scattering1D(N, J, 1, subsample=True, oversampling=over)
        Ss = sub(x)
        step = 2 ** (J - over)
        assert Ss.shape == (2, len(sub.paths), N // step)
        assert torch.allclose(Ss[:, 0], S[:, 0, ::step], rtol=0, atol=1e-13)
        err, bound = sub.aliasing(x)
        if over == 1:  # the first-order error is the aliasing of the low-pass alone: the bound is attained
            assert torch.allclose(err[:, 1:], bound[:, 1:], rtol=1e-9, atol=1e-13 * float(Ss.abs().max()))
        assert bool((err <= bound * (1 + 1e-9) + 1e-13 * float(x.abs().max())).all())


def test_littlewood_paley_identity_in_both_modes():
    N, J = 1024, 6
    x = torch.as_tensor(_signals_for_aliasing(N, np.random.default_rng(4)))
    energy = (x**2).sum(-1)
    for subsample in (False, True):
        sc = A.Scattering1D(N, J, 2, subsample=subsample)
        low, bands = sc.wavelet_transform(x)
        step = N // low.shape[-1]
        total = step * (low.abs() ** 2).sum(-1) + sum((N // w.shape[-1]) * (w.abs() ** 2).sum(-1) for w in bands)
        assert torch.allclose(total, energy, rtol=1e-13)
        if subsample:
            assert low.shape[-1] == N // 2 ** (J - 1) and bands[-1].shape[-1] == N // 2 ** (J - 1)
            # sampling the low-pass every 2^J points (one octave coarser) breaks the identity
            coarse = 2 * step * (low[..., ::2].abs() ** 2).sum(-1)
            wrong = coarse + sum((N // w.shape[-1]) * (w.abs() ** 2).sum(-1) for w in bands)
            assert float((wrong / energy - 1).abs().max()) > 1e-6


def test_subsampling_aliasing_is_measured_and_bounded():
    N, J = 1024, 6
    x = torch.as_tensor(_signals_for_aliasing(N, np.random.default_rng(5)))
    sub = A.Scattering1D(N, J, 2, subsample=True)
    err, bound = sub.aliasing(x)
    P = len(sub.paths)
    assert err.shape == bound.shape == (2, P)
    assert bool((err <= bound * (1 + 1e-9) + 1e-13 * float(x.abs().max())).all())
    second = [i for i, p in enumerate(sub.paths) if len(p) == 2]
    assert float(err[:, second].min()) > 0  # the modulus is not band-limited: a real effect
    # the bound is not loose by orders of magnitude (median ratio), and the part that the
    # second-order paths owe to filtering an aliased first-order layer is needed
    assert float((bound[:, second] / err[:, second]).median()) < 10
    with pytest.raises(ValueError, match="subsample"):
        A.Scattering1D(64, 3, 2, subsample=True, freq_decreasing=False)
    with pytest.raises(ValueError, match="oversampling"):
        A.Scattering1D(64, 3, 2, subsample=True, oversampling=-1)
    with pytest.raises(ValueError, match="subsample"):
        A.Scattering1D(64, 3, 2).aliasing(np.zeros(64))
