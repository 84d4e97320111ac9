"""Tests of dlmath.optimization.wasserstein_flow: the mean-field limit as a Wasserstein gradient flow."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from dlmath.optimization.wasserstein_flow import (
    _flow_batch,
    _sgd_matrix,
    _sym_basis,
    coupling_constant,
    linear_mf_flow,
    wasserstein_flow_demo,
)
from dlmath.results import verify

BETA = np.array([1.0, 0.5, 0.0])
S0 = 0.25 * np.eye(4)


def _particle_velocity(theta: np.ndarray, beta: np.ndarray) -> np.ndarray:
    """-grad_theta Psi(theta_i; rho^n) from the particles: a' = w.r, w' = a r, r = beta - mean(a w)."""
    a, w = theta[:, 0], theta[:, 1:]
    r = beta - np.mean(a[:, None] * w, axis=0)
    return np.column_stack([w @ r, a[:, None] * r[None, :]])


@pytest.mark.theorem("optimization.mean_field_limit")
def test_coupling_constant_and_rates():
    res = wasserstein_flow_demo(ns=(128, 512, 2048), eps=(0.02, 0.01, 0.005), n_seeds=300, steps=200, seed=1)
    verify("optimization.mean_field_limit", res, label="coupling_constant")
    verify("optimization.mean_field_limit", res, label="coupling_rate")
    verify("optimization.mean_field_limit", res, label="sgd_rate")
    assert np.all(res.gap[:, 0] == 0.0) and res.C[0] == 0.0  # the coupling starts at zero


def test_velocity_is_minus_the_gradient_of_n_times_the_risk():
    gen = np.random.default_rng(3)
    n = 7
    theta = 0.7 * gen.standard_normal((n, 4))

    def risk(th):  # population risk 1/2 E((beta - m).x)^2 = 1/2 |beta - m|^2 for x ~ N(0, I)
        m = np.mean(th[:, :1] * th[:, 1:], axis=0)
        return 0.5 * np.sum((BETA - m) ** 2)

    h = 1e-6
    grad = np.zeros_like(theta)
    for i in range(n):
        for j in range(4):
            e = np.zeros_like(theta)
            e[i, j] = h
            grad[i, j] = (risk(theta + e) - risk(theta - e)) / (2 * h)
    np.testing.assert_allclose(-n * grad, _particle_velocity(theta, BETA), atol=1e-8)


def test_particle_flow_is_the_linear_map_of_the_closed_equations():
    gen = np.random.default_rng(0)
    n = 20
    theta0 = 0.5 * gen.standard_normal((n, 4))
    Sn = theta0.T @ theta0 / n
    sol = solve_ivp(
        lambda t, z: _particle_velocity(z.reshape(n, 4), BETA).ravel(),
        (0.0, 2.0),
        theta0.ravel(),
        rtol=1e-11,
        atol=1e-12,
    )
    theta_T = sol.y[:, -1].reshape(n, 4)
    _, S, U = linear_mf_flow(Sn, BETA, 2.0, steps=400)
    np.testing.assert_allclose(theta0 @ U[-1].T, theta_T, atol=1e-8)
    np.testing.assert_allclose(S[-1], theta_T.T @ theta_T / n, atol=1e-8)


def test_mean_field_flow_transports_second_moments_and_dissipates_the_risk():
    t, S, U = linear_mf_flow(S0, BETA, 3.0, steps=600)
    np.testing.assert_allclose(S, U @ S0 @ np.swapaxes(U, 1, 2), atol=1e-10)
    r = BETA - S[:, 1:, 0]
    risk = 0.5 * np.sum(r**2, axis=1)
    assert np.all(np.diff(risk) <= 1e-14)
    # energy identity dR/dt = -int |grad Psi|^2 drho = -tr(A Sigma A)
    A = np.zeros_like(S)
    A[:, 0, 1:], A[:, 1:, 0] = r, r
    slope = -np.einsum("tij,tjk,tki->t", A, S, A)
    np.testing.assert_allclose(np.gradient(risk, t)[5:-5], slope[5:-5], rtol=1e-3, atol=1e-6)
    assert risk[-1] < 1e-3 * risk[0]


def test_coupling_constant_against_finite_differences():
    T = 1.5
    _, C = coupling_constant(S0, BETA, T, steps=300)
    idx, F = _sym_basis(4)
    h = 1e-5
    _, Up = _flow_batch(S0[None] + h * F, BETA, T, 300, 300)
    _, Um = _flow_batch(S0[None] - h * F, BETA, T, 300, 300)
    L = (Up[-1] - Um[-1]) / (2 * h)  # (p, D, D): derivative of U(T) in the direction F_q
    K = np.array([[S0[a, c] * S0[b, e] + S0[a, e] * S0[b, c] for (c, e) in idx] for (a, b) in idx])
    C_fd = sum(K[q, s] * np.trace(L[q] @ S0 @ L[s].T) for q in range(len(idx)) for s in range(len(idx)))
    assert C[0] == 0.0
    assert abs(C[-1] - C_fd) <= 1e-7 * C_fd
    _, C_ol = coupling_constant(S0, BETA, T, steps=300, open_loop=True)
    assert C_ol[0] == 0.0 and abs(C_ol[-1] - C[-1]) > 0.2 * C[-1]


def test_sgd_matrix_is_particle_sgd():
    n, eps, T = 5, 0.05, 0.5
    theta = 0.5 * np.random.default_rng(2).standard_normal((n, 4))
    Sn = theta.T @ theta / n
    M = _sgd_matrix(Sn[None], BETA, eps, T, np.random.default_rng(9))[0]
    gen = np.random.default_rng(9)
    th = theta.copy()
    for _ in range(int(round(T / eps))):
        x = gen.standard_normal((1, 3))[0]
        f = np.mean(th[:, 0] * (th[:, 1:] @ x))
        res = BETA @ x - f
        grad = np.column_stack([th[:, 1:] @ x, th[:, :1] * x[None, :]])  # grad_theta a (w.x)
        th = th + eps * res * grad
    np.testing.assert_allclose(theta @ M.T, th, atol=1e-12)


def test_demo_is_deterministic_and_starts_at_zero():
    kw = dict(ns=(16, 64), eps=(0.02, 0.01), n_seeds=10, n_sgd=8, steps=40, T=1.0)
    a, b = wasserstein_flow_demo(**kw), wasserstein_flow_demo(**kw)
    np.testing.assert_array_equal(a.gap, b.gap)
    np.testing.assert_array_equal(a.sgd_gap, b.sgd_gap)
    assert a.gap.shape == (2, 21) and a.times[-1] == 1.0
    assert np.all(a.gap[:, 0] == 0.0)
    a.plot()


@pytest.mark.parametrize(
    "call, exc, name",
    [
        (lambda: linear_mf_flow(np.eye(3), BETA, 1.0), ValueError, "sigma0"),
        (lambda: linear_mf_flow(np.diag([1.0, -1.0, 1.0, 1.0]), BETA, 1.0), ValueError, "sigma0"),
        (lambda: linear_mf_flow(S0, [[1.0]], 1.0), ValueError, "beta"),
        (lambda: linear_mf_flow(S0, BETA, 0.0), ValueError, "T"),
        (lambda: linear_mf_flow(S0, BETA, 1.0, steps=0), ValueError, "steps"),
        (lambda: coupling_constant(S0, BETA, 1.0, open_loop=1), TypeError, "open_loop"),
        (lambda: wasserstein_flow_demo(ns=(64,)), ValueError, "ns"),
        (lambda: wasserstein_flow_demo(eps=(0.01, 0.5)), ValueError, "eps"),
        (lambda: wasserstein_flow_demo(d=1), ValueError, "d"),
        (lambda: wasserstein_flow_demo(T=20.0), ValueError, "T"),
        (lambda: wasserstein_flow_demo(scale=0.0), ValueError, "scale"),
        (lambda: wasserstein_flow_demo(n_seeds=2), ValueError, "n_seeds"),
        (lambda: wasserstein_flow_demo(n_sgd=1), ValueError, "n_sgd"),
        (lambda: wasserstein_flow_demo(steps=30), ValueError, "steps"),
        (lambda: wasserstein_flow_demo(seed=-1), ValueError, "seed"),
    ],
)
def test_bad_inputs(call, exc, name):
    with pytest.raises(exc, match=name):
        call()
