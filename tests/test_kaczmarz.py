"""Tests of dlmath.optimization.kaczmarz (randomized Kaczmarz, SGD under interpolation).

The bad-input cases of the public functions are listed for tests/conventions/optimization.py.
"""

from __future__ import annotations

import io
import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from dlmath.optimization.kaczmarz import (
    _kaczmarz_runs,
    _second_moment_operator,
    _tight_frame,
    kaczmarz_demo,
    kaczmarz_expected_error,
    kaczmarz_rate,
)
from dlmath.results import verify


@pytest.mark.theorem("optimization.randomized_kaczmarz")
def test_randomized_kaczmarz_exact_bound_and_tight_frame():
    res = kaczmarz_demo(steps=1500, frame_steps=60, n_runs=1000, seed=1)
    for label in ("exact", "bound", "tight_frame"):
        verify("optimization.randomized_kaczmarz", res, label=label)
    # the bound holds at every k, and is attained at every k on the tight frame
    assert res.max_ratio <= 1 + 1e-12
    assert res.frame_dev < 1e-12
    assert res.frame_rate == pytest.approx(1 - 1 / res.d, abs=1e-14)
    assert res.rate > res.frame_rate  # anisotropy: 1 - sigma_min^2/||A||_F^2 > 1 - 1/d
    # the exact asymptotic factor per step is below the bound's (and far above the tight frame's)
    assert res.frame_rate < res.asymptotic_rate <= res.rate


def _expected_error_by_enumeration(A, e0, steps):
    """E||e_k||^2 by summing over all row sequences i_1, ..., i_k (independent of the recursion)."""
    rn2 = np.sum(A * A, axis=1)
    p = rn2 / rn2.sum()
    out = [float(e0 @ e0)]
    for k in range(1, steps + 1):
        total = 0.0
        for seq in itertools.product(range(A.shape[0]), repeat=k):
            e, w = e0.copy(), 1.0
            for i in seq:
                e = e - (A[i] @ e) / rn2[i] * A[i]
                w *= p[i]
            total += w * (e @ e)
        out.append(total)
    return np.array(out)


def test_expected_error_against_enumeration():
    g = np.random.default_rng(5)
    A = g.standard_normal((4, 3)) * np.array([1.0, 0.5, 0.2])
    e0 = g.standard_normal(3)
    exact = kaczmarz_expected_error(A, e0, 4)
    assert np.allclose(exact, _expected_error_by_enumeration(A, e0, 4), rtol=1e-12, atol=0)


def test_one_step_is_the_sgd_identity_and_the_bound_holds():
    # E||e_1||^2 = ||e_0||^2 - ||A e_0||^2 / ||A||_F^2, and the bound q^k at every k
    g = np.random.default_rng(2)
    A = g.standard_normal((30, 6)) * np.geomspace(1, 0.05, 6)
    e0 = g.standard_normal(6)
    ex = kaczmarz_expected_error(A, e0, 200)
    fro = np.sum(A * A)
    assert ex[1] == pytest.approx(e0 @ e0 - np.sum((A @ e0) ** 2) / fro, rel=1e-13)
    q = kaczmarz_rate(A)
    assert q == pytest.approx(1 - np.linalg.svd(A, compute_uv=False)[-1] ** 2 / fro, rel=1e-14)
    assert np.all(ex <= (e0 @ e0) * q ** np.arange(201) * (1 + 1e-10))
    # along the smallest right singular vector the first step contracts exactly by q
    v = np.linalg.svd(A)[2][-1]
    assert kaczmarz_expected_error(A, v, 1)[1] == pytest.approx(q, rel=1e-12)


def test_operator_is_the_recursion():
    g = np.random.default_rng(4)
    A = g.standard_normal((9, 3)) * np.array([2.0, 1.0, 0.3])
    e0 = g.standard_normal(3)
    S = _second_moment_operator(A)
    assert np.allclose(S, S.T, atol=1e-14)
    vec = np.outer(e0, e0).ravel()
    traces = [float(e0 @ e0)]
    for _ in range(5):
        vec = S @ vec
        traces.append(float(np.trace(vec.reshape(3, 3))))
    assert np.allclose(kaczmarz_expected_error(A, e0, 5), traces, rtol=1e-12)


def test_bound_is_attained_for_axis_aligned_rows():
    # rows along the coordinate axes, e_0 along the weakest axis: E||e_k||^2 = q^k exactly, for any kappa
    c = np.array([3.0, 1.0, 0.5, 0.1])
    A = np.vstack([np.diag(np.sqrt(c)), np.diag(np.sqrt(2 * c))])
    q = kaczmarz_rate(A)
    assert q == pytest.approx(1 - 3 * 0.1 / (3 * c.sum()), rel=1e-14)
    ex = kaczmarz_expected_error(A, np.array([0.0, 0.0, 0.0, 1.0]), 50)
    assert np.allclose(ex, q ** np.arange(51), rtol=1e-12)


def test_tight_frame_is_attained_and_monte_carlo_agrees():
    g = np.random.default_rng(0)
    T = _tight_frame(12, 4, g)
    assert np.allclose(T.T @ T, 3 * np.eye(4), atol=1e-12)
    e0 = g.standard_normal(4)
    ex = kaczmarz_expected_error(T, e0, 30)
    assert np.allclose(ex, (e0 @ e0) * 0.75 ** np.arange(31), rtol=1e-12)
    runs = _kaczmarz_runs(T, e0, 30, 4000, g)
    se = runs.std(axis=1, ddof=1)[1:] / np.sqrt(4000)
    assert np.max(np.abs(runs.mean(axis=1)[1:] - ex[1:]) / se) < 4.5


def test_tensor_in_tensor_out():
    A = torch.tensor([[1.0, 0.0], [1.0, 1.0], [0.0, 2.0]], dtype=torch.float32)
    out = kaczmarz_expected_error(A, torch.tensor([1.0, -1.0]), 3)
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32 and out.shape == (4,)
    ref = kaczmarz_expected_error(A.numpy().astype(float), np.array([1.0, -1.0]), 3)
    assert np.allclose(out.numpy(), ref, rtol=1e-6)


def test_bad_inputs():
    A = np.eye(3)
    for call, exc, word in [
        (lambda: kaczmarz_rate(np.ones((2, 3))), ValueError, "A"),
        (lambda: kaczmarz_rate(np.ones((3, 2))), ValueError, "full column rank"),
        (lambda: kaczmarz_rate("A"), TypeError, "A"),
        (lambda: kaczmarz_expected_error(A, np.ones(2), 3), ValueError, "e0"),
        (lambda: kaczmarz_expected_error(A, np.ones(3), -1), ValueError, "steps"),
        (lambda: kaczmarz_expected_error(np.array([[1.0, 0.0], [0.0, 0.0]]), np.ones(2), 1), ValueError, "zero row"),
        (lambda: kaczmarz_demo(d=1), ValueError, "d"),
        (lambda: kaczmarz_demo(m=10, d=20), ValueError, "m"),
        (lambda: kaczmarz_demo(steps=0), ValueError, "steps"),
        (lambda: kaczmarz_demo(frame_steps=0), ValueError, "frame_steps"),
        (lambda: kaczmarz_demo(n_runs=5), ValueError, "n_runs"),
        (lambda: kaczmarz_demo(seed=-1), ValueError, "seed"),
    ]:
        with pytest.raises(exc, match=word):
            call()


def test_demo_is_deterministic_and_plots():
    a = kaczmarz_demo(m=20, d=4, steps=30, frame_steps=10, n_runs=20, seed=3)
    b = kaczmarz_demo(m=20, d=4, steps=30, frame_steps=10, n_runs=20, seed=3)
    assert np.array_equal(a.mc, b.mc)
    fig = a.plot()
    assert isinstance(fig, Figure) and fig.axes
    fig.savefig(io.BytesIO(), format="png")
    plt.close("all")
