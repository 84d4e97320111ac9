"""Tests of dlmath.optimization.nonconvex_sgd (the randomized stochastic gradient method).

The bad-input cases of the public functions are listed for tests/conventions/optimization.py.
"""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from dlmath.optimization.nonconvex_sgd import (
    nonconvex_sgd_demo,
    rsg_bound,
    rsg_constant_step,
    rsg_corollary_bound,
    rsg_output_probabilities,
)
from dlmath.results import verify


@pytest.mark.theorem("optimization.nonconvex_sgd")
def test_nonconvex_sgd_bound_corollary_and_rate():
    res = nonconvex_sgd_demo(Ks=(100, 316, 1000, 3162, 10000), n_runs=2000, seed=1)
    for label in ("bound", "corollary", "rate"):
        verify("optimization.nonconvex_sgd", res, label=label)
    # the bound holds at every K (up to 3 standard errors), not only at the largest ratio
    assert np.all(res.grad_sq <= res.bound + 3 * res.grad_sq_se)
    # the corollary relaxes Theorem 2.1 (a): its bound is the larger one
    assert np.all(res.corollary_bound >= res.bound)
    # in the regime K >> L Delta / sigma^2 the step is D_f / (sigma sqrt K) < 1/L
    assert np.all(res.Ks > 10 * res.L * res.gap / res.sigma**2)
    assert np.allclose(res.steps, res.D_f / (res.sigma * np.sqrt(res.Ks)))


def _quadratic_exact(gammas, L, sigma, x1):
    """E|f'(x_R)|^2 for f = L x^2 / 2, G = L x + sigma xi, by the exact recursion of E x_k^2."""
    p = rsg_output_probabilities(gammas, L)
    m2, total = x1**2, 0.0
    for k, g in enumerate(gammas):
        total += p[k] * L**2 * m2
        m2 = (1 - g * L) ** 2 * m2 + g**2 * sigma**2
    return total


@pytest.mark.parametrize("profile", ["constant", "decreasing", "large"])
def test_rsg_bound_holds_exactly_on_quadratics(profile):
    # exact expectations (no Monte Carlo) on L-smooth quadratics, f(x_1) - inf f = L x1^2 / 2
    L, sigma, x1, K = 2.0, 0.7, 1.5, 200
    k = np.arange(1, K + 1)
    gammas = {
        "constant": np.full(K, 0.1),
        "decreasing": 0.5 / np.sqrt(k),
        "large": np.full(K, 1.9 / L),  # close to 2/L, where the weights 2 gamma - L gamma^2 are small
    }[profile]
    exact = _quadratic_exact(gammas, L, sigma, x1)
    bound = rsg_bound(gammas, L, sigma, L * x1**2 / 2)
    assert exact <= bound * (1 + 1e-12)


def test_rsg_bound_slack_is_the_final_gap_on_quadratics():
    # on f = L x^2 / 2 the descent lemma is an identity, so the only slack of Theorem 2.1 (a) is
    # the final gap: bound - E|f'(x_R)|^2 = 2 E f(x_{K+1}) / sum (2 gamma_k - L gamma_k^2)
    L, sigma, x1 = 1.5, 0.4, 2.0
    gammas = 0.3 / np.sqrt(np.arange(1, 301))
    m2 = x1**2
    for g in gammas:
        m2 = (1 - g * L) ** 2 * m2 + g**2 * sigma**2
    slack = 2 * (L * m2 / 2) / np.sum(2 * gammas - L * gammas**2)
    exact = _quadratic_exact(gammas, L, sigma, x1)
    assert rsg_bound(gammas, L, sigma, L * x1**2 / 2) - exact == pytest.approx(slack, rel=1e-10)


def test_rsg_bound_without_noise_is_the_gradient_descent_bound():
    L, gap, K = 3.0, 5.0, 40
    assert rsg_bound(np.full(K, 1 / L), L, 0.0, gap) == pytest.approx(2 * L * gap / K, rel=1e-14)


def test_output_probabilities():
    g = np.array([0.1, 0.5, 1.0, 1.5])
    p = rsg_output_probabilities(g, 1.0)
    assert p.sum() == pytest.approx(1.0, abs=1e-15) and np.all(p > 0)
    assert np.allclose(p, (2 * g - g**2) / np.sum(2 * g - g**2), rtol=1e-15)
    assert np.allclose(rsg_output_probabilities(np.full(7, 0.3), 2.0), np.full(7, 1 / 7), rtol=1e-14)
    t = rsg_output_probabilities(torch.tensor(g, dtype=torch.float32), 1.0)
    assert isinstance(t, torch.Tensor) and t.dtype == torch.float32
    with pytest.raises(ValueError, match="gammas"):
        rsg_output_probabilities([0.5, 2.0], 1.0)


def test_constant_step_and_corollary():
    L, sigma, gap = 2.0, 3.0, 0.8
    d_f = math.sqrt(2 * gap / L)
    for K in (1, 10, 1000, 10**6):
        gam = rsg_constant_step(L, sigma, K, d_f)
        assert gam == pytest.approx(min(1 / L, d_f / (sigma * math.sqrt(K))), rel=1e-15)
        cor = rsg_corollary_bound(L, sigma, K, gap)
        # the corollary bounds Theorem 2.1 (a) for its step
        assert rsg_bound(np.full(K, gam), L, sigma, gap) <= cor * (1 + 1e-12)
        assert cor == pytest.approx(L**2 * d_f**2 / K + 2 * L * d_f * sigma / math.sqrt(K), rel=1e-14)
        # D~ = D_f minimises D~ + D_f^2 / D~
        for D in (0.3 * d_f, 3 * d_f):
            assert rsg_corollary_bound(L, sigma, K, gap, D) > cor
    assert rsg_constant_step(L, 0.0, 10, 1.0) == 1 / L


def test_bad_inputs():
    for call, exc, word in [
        (lambda: rsg_output_probabilities([0.1], 0.0), ValueError, "L"),
        (lambda: rsg_output_probabilities("a", 1.0), TypeError, "gammas"),
        (lambda: rsg_bound([0.1], 1.0, -1.0, 1.0), ValueError, "sigma"),
        (lambda: rsg_bound([0.1], 1.0, 1.0, -1.0), ValueError, "gap"),
        (lambda: rsg_constant_step(1.0, 1.0, 0, 1.0), ValueError, "K"),
        (lambda: rsg_constant_step(1.0, 1.0, 10, 0.0), ValueError, "D"),
        (lambda: rsg_corollary_bound(1.0, 1.0, 10, 0.0), ValueError, "gap"),
        (lambda: nonconvex_sgd_demo(Ks=(10,)), ValueError, "Ks"),
        (lambda: nonconvex_sgd_demo(n_runs=2), ValueError, "n_runs"),
        (lambda: nonconvex_sgd_demo(sigma=0.0), ValueError, "sigma"),
        (lambda: nonconvex_sgd_demo(x1=4.0), ValueError, "x1"),
        (lambda: nonconvex_sgd_demo(seed=-1), ValueError, "seed"),
    ]:
        with pytest.raises(exc, match=word):
            call()


def test_demo_is_deterministic_and_plots():
    a = nonconvex_sgd_demo(Ks=(10, 20), n_runs=20, seed=3)
    b = nonconvex_sgd_demo(Ks=(10, 20), n_runs=20, seed=3)
    assert np.array_equal(a.grad_sq, b.grad_sq)
    fig = a.plot()
    assert isinstance(fig, Figure) and fig.axes
    fig.savefig(io.BytesIO(), format="png")
    plt.close("all")
