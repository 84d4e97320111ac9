"""The harmonic-analysis core on the sphere and the deterministic equivalent of ridge regression."""

import math

import numpy as np
import pytest
from scipy.special import eval_gegenbauer

from dlmath.kernels.ridge_equivalent import ridge_equivalent
from dlmath.kernels.spherical import funk_hecke, gegenbauer, harmonic_dimension, sphere_measure_ratio, uniform_sphere


@pytest.mark.parametrize("d", [2, 3, 5, 12])
def test_harmonic_dimension_counts_harmonic_polynomials(d):
    # N(d, k) = dim P_k - dim P_(k-2) for the homogeneous polynomials of degree k in d variables
    def homogeneous(k):
        return math.comb(k + d - 1, d - 1) if k >= 0 else 0

    for k in range(7):
        assert harmonic_dimension(d, k) == homogeneous(k) - homogeneous(k - 2)


@pytest.mark.parametrize("d", [2, 3, 4, 9])
def test_gegenbauer_matches_scipy_normalised(d):
    t = np.linspace(-1, 1, 11)
    for k in range(8):
        ref = (
            np.cos(k * np.arccos(t))
            if d == 2
            else eval_gegenbauer(k, d / 2 - 1, t) / eval_gegenbauer(k, d / 2 - 1, 1.0)
        )
        np.testing.assert_allclose(gegenbauer(k, d, t), ref, atol=1e-12)


@pytest.mark.parametrize("d", [3, 6])
def test_funk_hecke_reproduces_the_kernel_by_the_addition_theorem(d):
    mu = funk_hecke(np.exp, d, range(30))
    t = np.linspace(-1, 1, 9)
    series = sum(mu[k] * harmonic_dimension(d, k) * gegenbauer(k, d, t) for k in range(30))
    np.testing.assert_allclose(series, np.exp(t), atol=1e-10)


def test_funk_hecke_is_the_eigenvalue_of_the_integral_operator():
    # Monte Carlo: int kappa(<x, y>) Y(y) dsigma(y) = mu_k Y(x) for the degree-2 harmonic Y = P_2(<e, y>)
    d, k = 4, 2
    kappa = lambda t: np.maximum(t, 0) ** 2  # noqa: E731
    mu = funk_hecke(kappa, d, k, breakpoints=(0.0,))
    Y = uniform_sphere(400_000, d, seed=3)
    e = np.eye(d)[0]
    x = np.array([0.6, 0.8, 0.0, 0.0])
    lhs = np.mean(kappa(Y @ x) * gegenbauer(k, d, Y @ e))
    assert abs(lhs - mu * gegenbauer(k, d, x @ e)) < 4e-3 * abs(mu)
    assert abs(lhs - 1.1 * mu * gegenbauer(k, d, x @ e)) > 4e-3 * abs(mu)


def test_sphere_measure_ratio_is_a_probability_density():
    for d in (2, 3, 7, 30):
        mu0 = funk_hecke(np.ones_like, d, 0)
        assert abs(mu0 - 1) < 1e-12
        assert sphere_measure_ratio(d) > 0


def test_ridge_equivalent_isotropic_closed_forms():
    # Hastie et al. (2022), isotropic ridgeless: bias r^2 (1 - 1/gamma), variance sigma^2 / (gamma - 1)
    for p, n in ((300, 100), (150, 100)):
        gamma = p / n
        eq = ridge_equivalent(np.ones(p), np.full(p, 2.0 / p), n, noise=0.7)
        assert abs(eq.bias - 2.0 * (1 - 1 / gamma)) < 1e-10
        assert abs(eq.variance - 0.49 / (gamma - 1)) < 1e-10
    under = ridge_equivalent(np.ones(40), np.full(40, 1 / 40), 100, noise=1.0)
    assert under.kappa == 0 and abs(under.risk - 40 / 60) < 1e-14


def test_ridge_equivalent_against_monte_carlo_ridge():
    gen = np.random.default_rng(0)
    p, n, ridge = 300, 100, 0.05
    lam = 1 / np.arange(1, p + 1)
    beta = gen.standard_normal(p) / np.sqrt(p)
    risks = []
    for _ in range(60):
        X = gen.standard_normal((n, p)) * np.sqrt(lam)
        y = X @ beta + 0.5 * gen.standard_normal(n)
        b = np.linalg.solve(X.T @ X / n + ridge * np.eye(p), X.T @ y / n)
        risks.append(np.sum(lam * (b - beta) ** 2))
    eq = ridge_equivalent(lam, lam * beta**2, n, ridge=ridge, noise=0.5)
    se = np.std(risks) / np.sqrt(len(risks))
    assert abs(np.mean(risks) - eq.risk) < 3 * se + 0.03 * eq.risk
    # the self-consistent equation holds at kappa
    assert abs(eq.kappa - ridge - eq.kappa * eq.df1 / n) < 1e-12
