"""Tests of dlmath.architectures.steerable (steerable filters: the SO(2) kernel constraint, sampling)."""

import math

import numpy as np
import pytest
import torch

from dlmath.architectures.steerable import (
    _fourier_matrix,
    _khat,
    angular_kernel,
    sample_steerable_filter,
    sampled_response,
    so2_irrep,
    solve_kernel_constraint,
    steerable_basis,
    steerable_filters_demo,
)
from dlmath.results import verify

_G = np.random.default_rng(1)


@pytest.mark.theorem("architectures.steerable_filters")
def test_steerable_filters_theorem():
    res = steerable_filters_demo(pairs=((0, 0), (0, 2), (2, 0), (2, 2), (1, 3)), hs=(0.7, 0.55, 0.45), seed=3)
    verify("architectures.steerable_filters", res)
    verify("architectures.steerable_filters", res, label="sampling")
    assert res.null_sv_max < 1e-12 < 1e-3 < res.range_sv_min
    assert np.all(np.abs(res.alias_ratio - 1) < 1e-5)  # max |H_h - K^| = M_h asymptotically exactly
    assert np.all((res.defect_ratio >= 1 - 1e-6) & (res.defect_ratio <= 2))


def test_demo_defaults_deterministic():
    a, b = steerable_filters_demo(), steerable_filters_demo()
    assert a.mismatch == 0 and a.mismatch_wrong == 8
    assert np.array_equal(a.err, b.err) and a.c_fit == b.c_fit
    assert abs(a.c_fit_raw / a.c_predicted - 1) > 0.02  # without the k log h term the fit is biased


def test_so2_irrep_is_a_representation():
    a, b = _G.uniform(-4, 4, 2)
    for m in range(4):
        R = so2_irrep(m, np.array([a, b, a + b]))
        assert np.allclose(R[2], R[0] @ R[1], atol=1e-14)
        assert np.allclose(R[0] @ R[0].T, np.eye(R.shape[-1]), atol=1e-14)
    assert so2_irrep(0, [0.3, 0.4]).shape == (2, 1, 1)
    t = so2_irrep(1, torch.tensor([0.5], dtype=torch.float32))
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32 and t.shape == (1, 2, 2)


@pytest.mark.parametrize(("m", "n"), [(0, 0), (0, 1), (2, 0), (1, 1), (1, 2), (3, 1), (2, 2)])
def test_analytic_basis_satisfies_the_constraint(m, n):
    coeffs, freqs = steerable_basis(m, n, band_limit=m + n + 1)
    phi, theta = _G.uniform(0, 2 * np.pi, 11), _G.uniform(0, 2 * np.pi)
    lhs = angular_kernel(coeffs, phi + theta)  # (p, dim, dn, dm)
    rhs = so2_irrep(n, theta) @ angular_kernel(coeffs, phi) @ so2_irrep(m, theta).T
    assert np.allclose(lhs, rhs, atol=1e-13)
    # pure frequencies, as listed
    for j, f in enumerate(freqs):
        k = (np.arange(coeffs.shape[-1]) + 1) // 2
        assert np.allclose(coeffs[j][..., k != f], 0, atol=1e-13)
    # orthogonal in L^2(S^1), Gram = tr(A^T A) = 2 for the 2x2 basis {I, J, C, JC}
    grid = 2 * np.pi * np.arange(64) / 64
    vals = angular_kernel(coeffs, grid).reshape(64, coeffs.shape[0], -1)
    gram = np.einsum("pia,pja->ij", vals, vals) / 64
    assert np.allclose(gram, np.diag(np.diag(gram)), atol=1e-13)
    assert np.allclose(np.diag(gram), 2.0 if min(m, n) >= 1 else 1.0)


def test_basis_explicit_case():
    # (m, n) = (1, 2): R_{phi}, J R_{phi}, R_{3 phi} C, J R_{3 phi} C
    coeffs, _ = steerable_basis(1, 2)
    phi = np.array([0.3, 1.1])
    c, s = np.cos(phi), np.sin(phi)
    assert np.allclose(angular_kernel(coeffs[0], phi), np.stack([[c, -s], [s, c]]).transpose(2, 0, 1))
    c3, s3 = np.cos(3 * phi), np.sin(3 * phi)
    assert np.allclose(angular_kernel(coeffs[2], phi), np.stack([[c3, s3], [s3, -c3]]).transpose(2, 0, 1))


@pytest.mark.parametrize(("m", "n"), [(m, n) for m in range(4) for n in range(4)])
def test_numerical_null_space_is_the_analytic_span(m, n):
    F = m + n + 2
    basis, mult, sv = solve_kernel_constraint(m, n, band_limit=F)  # generator of C_{2F+1}: exact
    analytic, freqs = steerable_basis(m, n, band_limit=F)
    assert basis.shape[0] == analytic.shape[0] == mult.sum()
    assert np.bincount(freqs, minlength=F + 1).tolist() == mult.tolist()
    A = basis.reshape(basis.shape[0], -1).T
    Q, _ = np.linalg.qr(analytic.reshape(analytic.shape[0], -1).T)
    assert np.linalg.norm(Q - A @ (A.T @ Q), 2) < 1e-12  # the two subspaces coincide
    assert sv[basis.shape[0]] > 0.1 * sv[-1] or basis.shape[0] == sv.size


def test_small_cyclic_group_aliases():
    # the rotation by 90 degrees alone (C_4, M = 4 <= 2F) admits cos 4phi, sin 4phi as invariant scalars
    basis, mult, _ = solve_kernel_constraint(0, 0, band_limit=4, angles=(math.pi / 2,))
    assert mult.tolist() == [1, 0, 0, 0, 2]
    basis, mult, _ = solve_kernel_constraint(0, 0, band_limit=4, angles=(math.pi / 2, 1.0))
    assert mult.tolist() == [1, 0, 0, 0, 0]


def test_khat_against_quadrature():
    # the trapezoidal rule on a fine grid is exact up to e^{-pi^2 s^2/(2h^2)} ~ e^{-123}
    s, h = 0.8, 0.2
    for k in range(4):
        filt = sample_steerable_filter(k, s, h, 81)
        w = _G.uniform(-3, 3, (6, 2))
        assert np.allclose(sampled_response(filt, h, w), _khat(k, s, w), atol=1e-13)


def test_filter_rotation_and_c4_exactness():
    k, s, h = 3, 1.0, 0.8
    f = sample_steerable_filter(k, s, h, 21)
    # K(R_90 x) = i^k K(x): rot90 maps (i1, i2) -> the grid point rotated by -90 degrees
    assert np.allclose(np.rot90(f, -1), 1j**k * f, atol=1e-15)
    w = _G.uniform(-3, 3, (5, 2))
    r90 = np.stack([-w[:, 1], w[:, 0]], -1)
    assert np.allclose(sampled_response(f, h, r90), 1j**k * sampled_response(f, h, w), atol=1e-13)
    c, sn = math.cos(math.pi / 4), math.sin(math.pi / 4)
    r45 = w @ np.array([[c, sn], [-sn, c]])
    dev = np.abs(sampled_response(f, h, r45) - np.exp(1j * k * math.pi / 4) * sampled_response(f, h, w))
    assert dev.max() > 1e-6  # 45 degrees is not a symmetry of the grid


def test_fourier_matrix_orthogonality():
    F = 5
    phi = 2 * np.pi * np.arange(2 * F + 1) / (2 * F + 1)
    E = _fourier_matrix(phi, F)
    G = E.T @ E / phi.size
    assert np.allclose(G, np.diag([1.0] + [0.5] * (2 * F)), atol=1e-13)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: so2_irrep(-1, 0.0), ValueError, "m"),
        (lambda: so2_irrep(1, "a"), TypeError, "theta"),
        (lambda: steerable_basis(1.5, 1), TypeError, "m"),
        (lambda: steerable_basis(1, -1), ValueError, "n"),
        (lambda: steerable_basis(1, 2, band_limit=2), ValueError, "band_limit"),
        (lambda: angular_kernel(np.ones((2, 4)), [0.0]), ValueError, "coeffs"),
        (lambda: angular_kernel(np.ones(3), [[0.0]]), ValueError, "phi"),
        (lambda: solve_kernel_constraint(1, 1, angles="x"), TypeError, "angles"),
        (lambda: solve_kernel_constraint(1, 1, rtol=0.0), ValueError, "rtol"),
        (lambda: sample_steerable_filter(1, 1.0, 0.5, 4), ValueError, "size"),
        (lambda: sample_steerable_filter(1, -1.0, 0.5, 5), ValueError, "s"),
        (lambda: sample_steerable_filter(1, 1.0, 0.0, 5), ValueError, "h"),
        (lambda: sampled_response(np.ones((4, 4)), 0.5, [0.0, 0.0]), ValueError, "filt"),
        (lambda: sampled_response(np.ones((3, 3)), 0.5, [0.0, 0.0, 1.0]), ValueError, "omega"),
        (lambda: steerable_filters_demo(pairs=((0, 1), (2, 0))), ValueError, "pairs"),
        (lambda: steerable_filters_demo(pairs=((1, 1, 1),)), ValueError, "pairs"),
        (lambda: steerable_filters_demo(band_limit=6), ValueError, "band_limit"),
        (lambda: steerable_filters_demo(n_angles=0), ValueError, "n_angles"),
        (lambda: steerable_filters_demo(frequency=7), ValueError, "frequency"),
        (lambda: steerable_filters_demo(width=0.0), ValueError, "width"),
        (lambda: steerable_filters_demo(hs=(0.7, 0.6, 0.3)), ValueError, "hs"),
        (lambda: steerable_filters_demo(hs=(0.7, 0.7, 0.6)), ValueError, "hs"),
        (lambda: steerable_filters_demo(n_directions=60), ValueError, "n_directions"),
        (lambda: steerable_filters_demo(seed=-1), ValueError, "seed"),
    ],
)
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
