"""Tests of dlmath.inverse.learned_regularization (a learned convex regulariser and its rates).

The bad-input cases of the public functions are listed in tests/conventions/inverse.py.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from dlmath.inverse import ICNN
from dlmath.inverse.learned_regularization import (
    bregman_distance,
    integration_operator,
    learned_regularization_demo,
    regularized_solution,
    train_adversarial_regularizer,
)
from dlmath.results import verify


@pytest.mark.theorem("inverse.variational_regularization")
def test_learned_regulariser_obeys_the_bregman_bound():
    res = learned_regularization_demo(n=32, deltas=tuple(np.geomspace(1e-2, 1e-7, 11)), train_size=256)
    verify("inverse.variational_regularization", res, label="learned")
    assert res.source_residual < 1e-10 * res.w_norm
    # D_R <= D_sym, and for a smooth R about half of it
    assert np.all(res.bregman_worst <= res.sym_worst * (1 + 1e-9))
    assert 0.4 < res.bregman_over_sym < 0.6
    assert res.artefact_score > res.clean_score  # the critic separates the two distributions
    assert isinstance(res.plot(), Figure)


def test_integration_operator_is_the_midpoint_rule():
    n = 50
    A = integration_operator(n)
    t = (np.arange(n) + 0.5) / n
    # linear integrand at the midpoints: int_0^t s ds = t^2/2, plus h^2/8 from the half cell
    assert np.allclose(A @ t, t**2 / 2 + 1 / (8 * n**2), atol=1e-12)
    s = np.linalg.svd(A, compute_uv=False)
    assert s[0] == pytest.approx(2 / np.pi, rel=0.02) and s[-1] < 1.5 / (np.pi * n)


def test_regularized_solution_is_tikhonov_for_a_quadratic():
    # an ICNN with its output weight driven to zero is (rho/2)||x||^2 up to a constant
    R = ICNN((4, 3), rho=1.0, dtype=torch.float64)
    with torch.no_grad():
        R.v.fill_(-60.0)  # softplus(-60) ~ 1e-26
    g = np.random.default_rng(0)
    A = g.standard_normal((6, 4))
    y = g.standard_normal(6)
    x = regularized_solution(R, A, y, 0.3)
    assert np.allclose(x, np.linalg.solve(A.T @ A + 0.3 * np.eye(4), A.T @ y), atol=1e-12)
    # Bregman distance of (1/2)||.||^2 is (1/2)||x - x'||^2
    assert bregman_distance(R, x, np.zeros(4)) == pytest.approx(0.5 * x @ x, rel=1e-10)


def test_optimality_and_convexity_of_the_trained_regulariser():
    g = np.random.default_rng(1)
    clean = g.standard_normal((64, 8)) * 0.1
    R = train_adversarial_regularizer(clean, clean + g.standard_normal((64, 8)), steps=20, seed=2)
    A = integration_operator(8)
    y = A @ clean[0]
    x = regularized_solution(R, A, y, 1e-2)
    xt = torch.tensor(x, requires_grad=True)
    (grad,) = torch.autograd.grad(R(xt[None]).sum(), xt)
    assert np.allclose(A.T @ (A @ x - y) + 1e-2 * grad.numpy(), 0.0, atol=1e-12)
    # Bregman distances of a convex function are non-negative
    assert all(bregman_distance(R, g.standard_normal(8), g.standard_normal(8)) >= -1e-12 for _ in range(20))


def test_bad_inputs():
    R = ICNN((3, 4), rho=0.1, dtype=torch.float64)
    A = np.eye(3)
    for call, exc, word in [
        (lambda: integration_operator(1), ValueError, "n"),
        (lambda: train_adversarial_regularizer(np.ones((4, 3)), np.ones((4, 2))), ValueError, "artefacts"),
        (lambda: train_adversarial_regularizer(np.ones(4), np.ones((4, 2))), ValueError, "clean"),
        (lambda: train_adversarial_regularizer(np.ones((4, 3)), np.ones((4, 3)), rho=0.0), ValueError, "rho"),
        (lambda: train_adversarial_regularizer(np.ones((4, 3)), np.ones((4, 3)), steps=0), ValueError, "steps"),
        (lambda: train_adversarial_regularizer(np.ones((4, 3)), np.ones((4, 3)), penalty=-1.0), ValueError, "penalty"),
        (lambda: train_adversarial_regularizer(np.ones((4, 3)), np.ones((4, 3)), lr=0.0), ValueError, "lr"),
        (lambda: bregman_distance("R", np.ones(3), np.ones(3)), TypeError, "R"),
        (lambda: bregman_distance(R, np.ones(2), np.ones(3)), ValueError, "x"),
        (lambda: regularized_solution(R, A, np.ones(3), 0.0), ValueError, "alpha"),
        (lambda: regularized_solution(R, A, np.ones(2), 0.1), ValueError, "y"),
        (lambda: regularized_solution(R, A, np.ones(3), 0.1, x0=np.ones(2)), ValueError, "x0"),
        (lambda: regularized_solution(R, A, np.ones(3), 0.1, tol=0.0), ValueError, "tol"),
        (lambda: regularized_solution(1.0, A, np.ones(3), 0.1), TypeError, "R"),
        (lambda: learned_regularization_demo(n=4), ValueError, "n"),
        (lambda: learned_regularization_demo(deltas=(0.1, 0.01)), ValueError, "deltas"),
        (lambda: learned_regularization_demo(train_size=2), ValueError, "train_size"),
        (lambda: learned_regularization_demo(steps=0), ValueError, "steps"),
    ]:
        with pytest.raises(exc, match=word):
            call()
