"""The bias of the unadjusted Langevin algorithm (dlmath.inverse.langevin)."""

import numpy as np
import pytest
import torch

from dlmath.inverse.langevin import (
    gaussian_posterior,
    langevin_demo,
    ula_lyapunov_covariance,
    ula_stationary_covariance,
)
from dlmath.results import verify


@pytest.mark.theorem("inverse.langevin_bias")
def test_langevin_bias_constant_rate_montecarlo_prior():
    res = langevin_demo(n_chains=20000, n_steps=150)
    for label in ("", "rate", "montecarlo", "prior"):
        verify("inverse.langevin_bias", res, label=label)
    assert res.lyap_dev < 1e-12
    assert res.const_dev <= res.constant_bound
    assert res.mean_eps_dev < 1e-12 and res.mean_eps_shift > 1e-3


def test_stationary_covariance_is_a_fixed_point_and_expands():
    rng = np.random.default_rng(3)
    B = rng.normal(size=(4, 4))
    P = B @ B.T + np.eye(4)
    L = np.linalg.eigvalsh(P)[-1]
    for eta in (1e-3, 0.5 / L, 1.9 / L):
        S = ula_stationary_covariance(P, eta)
        T = np.eye(4) - eta * P
        np.testing.assert_allclose(T @ S @ T.T + 2 * eta * np.eye(4), S, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(ula_lyapunov_covariance(-P, eta), S, rtol=1e-9, atol=1e-12)
    eta = 1e-4
    Sig = np.linalg.inv(P)
    expansion = Sig + eta / 2 * np.eye(4) + eta**2 / 4 * P
    np.testing.assert_allclose(ula_stationary_covariance(P, eta), expansion, atol=1e-11)


def test_scalar_chain_by_simulation():
    # one-dimensional N(0, 1/p): stationary variance 1/(p (1 - eta p / 2)) from a long chain
    p, eta = 2.0, 0.4
    rng = np.random.default_rng(0)
    x = np.zeros(200000)
    for _ in range(60):
        x = (1 - eta * p) * x + np.sqrt(2 * eta) * rng.standard_normal(x.size)
    assert x.var() == pytest.approx(float(ula_stationary_covariance([[p]], eta)[0, 0]), rel=0.01)


def test_gaussian_posterior_against_conditioning_of_the_joint_law():
    rng = np.random.default_rng(2)
    A = rng.normal(size=(2, 3))
    C = np.diag([1.0, 2.0, 0.5])
    tau = 0.3
    y = rng.normal(size=2)
    m, S = gaussian_posterior(A, tau, C, y)
    K = C @ A.T @ np.linalg.inv(A @ C @ A.T + tau**2 * np.eye(2))  # the Kalman gain
    np.testing.assert_allclose(m, K @ y, atol=1e-12)
    np.testing.assert_allclose(S, C - K @ A @ C, atol=1e-12)
    mt, St = gaussian_posterior(torch.tensor(A, dtype=torch.float32), tau, C, y)
    assert isinstance(St, torch.Tensor) and St.dtype == torch.float32


def test_bad_inputs_and_determinism():
    with pytest.raises(ValueError, match="eta"):
        ula_stationary_covariance(np.eye(2) * 4, 0.5)
    with pytest.raises(ValueError, match="precision"):
        ula_stationary_covariance(np.array([[1.0, 2.0], [0.0, 1.0]]), 0.1)
    with pytest.raises(ValueError, match="eta"):
        ula_lyapunov_covariance(np.eye(2), 0.1)
    with pytest.raises(ValueError, match="prior_cov"):
        gaussian_posterior(np.eye(2), 1.0, np.eye(3), np.zeros(2))
    with pytest.raises(ValueError, match="eta"):
        langevin_demo(etas=(0.01, 1.0))
    with pytest.raises(ValueError, match="etas"):
        langevin_demo(etas=(0.01,))
    a = langevin_demo(n_chains=500, n_steps=50)
    b = langevin_demo(n_chains=500, n_steps=50)
    np.testing.assert_array_equal(a.emp_cov, b.emp_cov)
