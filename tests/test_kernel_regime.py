"""Tests of dlmath.kernels.kernel_regime: the ReLU NTK on the sphere and the polynomial barrier."""

import math

import numpy as np
import pytest

from dlmath.kernels import ntk_kernel, relu_expectation, step_expectation
from dlmath.kernels.kernel_regime import (
    kernel_low_degree_demo,
    ntk_spectrum_demo,
    ntk_sphere_eigenvalues,
    ntk_sphere_profile,
)
from dlmath.kernels.spherical import funk_hecke, harmonic_dimension, relu_harmonic_coefficients, uniform_sphere
from dlmath.results import declaration, verify

# --------------------------------------------------------------------------------------------
# Theorems
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def spectrum():
    return ntk_spectrum_demo()


@pytest.mark.theorem("kernels.ntk_sphere_spectrum")
def test_ntk_sphere_spectrum_closed_form_zeros_decay(spectrum):
    for label in ("closed_form", "zeros", "decay"):
        verify("kernels.ntk_sphere_spectrum", spectrum, label=label)
    # the other neighbour of the decay exponent, -(d+1), is rejected by the same comparison
    decl = declaration("kernels.ntk_sphere_spectrum", "decay")
    assert abs(spectrum.last_exponent + spectrum.d + 1) > decl.tolerance(spectrum)
    # the local exponent tends to -d like -d + d(d-2)/(2k)
    k, e = spectrum.exponent_degrees, spectrum.local_exponent
    big = k >= 64
    assert np.allclose((e[big] + spectrum.d) * k[big], spectrum.d * (spectrum.d - 2) / 2, rtol=0.15)


@pytest.mark.theorem("kernels.ntk_sphere_spectrum")
def test_ntk_sphere_learning_curve(spectrum):
    verify("kernels.ntk_sphere_spectrum", spectrum, label="curve")
    verify("kernels.ntk_sphere_spectrum", spectrum, label="rate")
    decl = declaration("kernels.ntk_sphere_spectrum", "rate")
    assert abs(spectrum.slope + 2 / (spectrum.d - 1)) > decl.tolerance(spectrum)


@pytest.mark.theorem("kernels.kernel_low_degree")
def test_kernel_low_degree():
    res = kernel_low_degree_demo()
    verify("kernels.kernel_low_degree", res, label="risk")
    verify("kernels.kernel_low_degree", res, label="fractions")
    # the degree-1 part is mostly learned, the degree-2 part mostly not, and less so as d grows
    assert np.all(res.frac1 > 0.8) and np.all(res.frac2 < 0.3)
    assert np.all(np.diff(res.frac2_eq) < 0)
    assert np.all(res.risk < res.plateau)


# --------------------------------------------------------------------------------------------
# The mathematics
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [3, 5, 10])
@pytest.mark.parametrize("power", [0, 1])
def test_relu_coefficients_against_quadrature(d, power):
    ks = list(range(16))
    closed = relu_harmonic_coefficients(d, ks, power)
    quad = funk_hecke(lambda t: np.where(t > 0, t**power, 0.0), d, ks, breakpoints=(0.0,), n_quad=60)
    assert np.allclose(closed, quad, rtol=1e-10, atol=1e-13)
    # Parseval: sum_k N(d,k) lambda_k^2 = E sigma(<w,x>)^2 = 1/2 (step) or 1/(2d) (ReLU), tail O(k^-1) / O(k^-3)
    ks = list(range(400))
    lam = relu_harmonic_coefficients(d, ks, power)
    parseval = sum(harmonic_dimension(d, k) * lam[k] ** 2 for k in ks)
    target = 0.5 if power == 0 else 1 / (2 * d)
    assert parseval <= target and parseval == pytest.approx(target, rel=2e-2 if power == 0 else 1e-5)


def test_profile_is_the_ntk_of_the_network():
    for d in (3, 7):
        X, Y = uniform_sphere(6, d, seed=1), uniform_sphere(5, d, seed=2)
        t = np.clip(X @ Y.T, -1, 1)
        assert np.allclose(ntk_kernel(X, Y, depth=1), (2 / d) * ntk_sphere_profile(t), rtol=1e-13, atol=1e-15)
    t = np.linspace(-1, 1, 41)
    kappa0, kappa1 = 2 * step_expectation(1.0, t, 1.0), 2 * relu_expectation(1.0, t, 1.0)
    assert np.allclose(ntk_sphere_profile(t), t * kappa0 + kappa1, atol=1e-14)
    assert float(ntk_sphere_profile(1.0)) == 2.0


@pytest.mark.parametrize("d", [3, 4, 20])
def test_eigenvalues_against_quadrature_and_trace(d):
    K = 24 if d < 10 else 8
    mu = ntk_sphere_eigenvalues(d, list(range(K + 1)))
    g = 1 - 2.0 ** -np.arange(1, 40)
    bp = tuple(np.concatenate([-g[::-1], [0.0], g]))
    quad = funk_hecke(ntk_sphere_profile, d, list(range(K + 1)), breakpoints=bp, n_quad=30)
    pos = mu > 0
    assert np.allclose(mu[pos], quad[pos], rtol=1e-9)
    assert np.all(mu[3::2] == 0) and np.all(mu[0:2] > 0) and np.all(mu[2::2] > 0)
    assert np.max(np.abs(quad[3::2])) < 1e-13
    mu_all = ntk_sphere_eigenvalues(d, list(range(300 if d < 10 else 40)))
    trace = sum(harmonic_dimension(d, k) * m for k, m in enumerate(mu_all))
    assert trace < 2 and trace == pytest.approx(2, rel=2e-2)


def test_eigenvalues_exact_small_cases():
    # d = 3: mu_0 = 1/2, mu_1 = 1/3, mu_2 = 5/64 (rational values of the arc-cosine integrals)
    assert np.allclose(ntk_sphere_eigenvalues(3, [0, 1, 2]), [0.5, 1 / 3, 5 / 64], rtol=1e-13)
    assert ntk_sphere_eigenvalues(5, 4).shape == (1,)
    # the degree-1 eigenvalue: <x, y> kappa_0 has mu_1 = 1/(2d) + ..., compare with direct quadrature in d = 30
    quad = funk_hecke(ntk_sphere_profile, 30, [1, 2], n_quad=400)
    assert np.allclose(ntk_sphere_eigenvalues(30, [1, 2]), quad, rtol=1e-8)


def test_demos_are_deterministic():
    a = kernel_low_degree_demo(dims=(10, 12), n_seeds=4, n_test=200)
    b = kernel_low_degree_demo(dims=(10, 12), n_seeds=4, n_test=200)
    assert np.array_equal(a.risk, b.risk) and np.array_equal(a.frac2, b.frac2)
    r = ntk_spectrum_demo(ns=(20, 40, 80), n_seeds=4, n_test=200, max_degree=10)
    assert r.mse.shape == (3,) and math.isfinite(r.slope)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: relu_harmonic_coefficients(1, [0]), ValueError, "d"),
        (lambda: relu_harmonic_coefficients(3, [-1]), ValueError, "degrees"),
        (lambda: relu_harmonic_coefficients(3, [0], power=2), ValueError, "power"),
        (lambda: ntk_sphere_profile([1.5]), ValueError, "t"),
        (lambda: ntk_sphere_profile("x"), TypeError, "t"),
        (lambda: ntk_sphere_eigenvalues(3.5, [0]), TypeError, "d"),
        (lambda: ntk_sphere_eigenvalues(3, "01"), TypeError, "degrees"),
        (lambda: ntk_spectrum_demo(d=2), ValueError, "d"),
        (lambda: ntk_spectrum_demo(max_degree=2), ValueError, "max_degree"),
        (lambda: ntk_spectrum_demo(exponent_degrees=(4, 9)), ValueError, "exponent_degrees"),
        (lambda: ntk_spectrum_demo(ns=(50, 100)), ValueError, "ns"),
        (lambda: ntk_spectrum_demo(n_seeds=2), ValueError, "n_seeds"),
        (lambda: ntk_spectrum_demo(n_test=10), ValueError, "n_test"),
        (lambda: ntk_spectrum_demo(ridge=0.0), ValueError, "ridge"),
        (lambda: ntk_spectrum_demo(allowance=1.0), ValueError, "allowance"),
        (lambda: ntk_spectrum_demo(seed=-1), ValueError, "seed"),
        (lambda: kernel_low_degree_demo(dims=(20,)), ValueError, "dims"),
        (lambda: kernel_low_degree_demo(exponent=2.0), ValueError, "exponent"),
        (lambda: kernel_low_degree_demo(n_seeds=1), ValueError, "n_seeds"),
        (lambda: kernel_low_degree_demo(n_test=5), ValueError, "n_test"),
        (lambda: kernel_low_degree_demo(ridge=-1.0), ValueError, "ridge"),
        (lambda: kernel_low_degree_demo(max_degree=2), ValueError, "max_degree"),
        (lambda: kernel_low_degree_demo(seed=1.5), TypeError, "seed"),
    ],
)
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
