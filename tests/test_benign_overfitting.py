"""Benign overfitting of the minimum-norm interpolator against the deterministic equivalent."""

import numpy as np
import pytest

from dlmath.kernels.benign_overfitting import (
    benign_overfitting_demo,
    effective_ranks,
    min_norm_excess_risk,
    spiked_spectrum,
)
from dlmath.results import verify


@pytest.mark.theorem("kernels.benign_overfitting")
def test_benign_overfitting_equivalent_and_rate():
    res = benign_overfitting_demo(ns=(50, 100, 200), n_seeds=8, seed=1)
    verify("kernels.benign_overfitting", res, label="equivalent")
    verify("kernels.benign_overfitting", res, label="benign")
    # the non-benign spectrum keeps a variance of order sigma^2 at every n
    assert np.all(res.variance[1] > 0.5 * res.noise**2)


def test_min_norm_excess_risk_matches_a_direct_computation():
    gen = np.random.default_rng(2)
    n, p = 6, 15
    lam = gen.uniform(0.5, 2.0, p)
    theta = gen.standard_normal(p)
    X = gen.standard_normal((n, p))
    bias, variance = min_norm_excess_risk(X, lam, theta, 0.3)
    P = X.T @ np.linalg.solve(X @ X.T, X)
    r = theta - P @ theta
    assert abs(bias - r @ (lam * r)) < 1e-10
    M = X.T @ np.linalg.inv(X @ X.T)
    assert abs(variance - 0.09 * np.trace(M.T @ np.diag(lam) @ M)) < 1e-10


def test_effective_ranks_of_a_spiked_spectrum():
    lam = spiked_spectrum(10, spike=3, tail=50, tail_energy=5.0)
    r, R = effective_ranks(lam)
    assert r[3] == pytest.approx(50) and R[3] == pytest.approx(50)
    assert r[0] == pytest.approx(8.0)
    assert np.all(r <= R + 1e-12)


def test_equivalent_check_rejects_a_constant_off_by_ten_percent():
    res = benign_overfitting_demo(ns=(50, 100, 200), n_seeds=8, seed=1)
    allowance = 3 * res.risk_se / res.risk + 2 / res.ns
    assert np.max(np.abs(res.risk / (1.1 * res.equivalent) - 1) / allowance) > 1
    assert np.max(np.abs(res.risk / (0.9 * res.equivalent) - 1) / allowance) > 1
