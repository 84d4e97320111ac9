"""Tests of dlmath.inverse.sure (Stein's unbiased risk estimate on photographs).

The bad-input cases of the public functions are listed in tests/conventions/inverse.py.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from dlmath.inverse.sure import (
    gaussian_denoise,
    haar2d,
    haar_denoise,
    ihaar2d,
    mc_divergence,
    photographs,
    sure,
    sure_demo,
)
from dlmath.results import verify


@pytest.mark.theorem("inverse.sure")
def test_sure_unbiased_and_selects_the_oracle():
    res = sure_demo(images=("camera", "coffee"), size=64, n_noise=30, seed=3)
    verify("inverse.sure", res)
    verify("inverse.sure", res, label="selection")
    assert res.max_abs_z_half > 20  # the factor 2 of the divergence term is visible
    assert isinstance(res.plot(), Figure)


def test_haar_is_orthogonal():
    g = np.random.default_rng(0)
    x = g.standard_normal((32, 16))
    c = haar2d(x, 3)
    assert np.sum(c**2) == pytest.approx(np.sum(x**2), rel=1e-13)
    assert np.allclose(ihaar2d(c, 3), x, atol=1e-13)
    # the matrix of the transform is orthogonal (columns of the identity's images)
    W = np.stack([np.asarray(haar2d(e.reshape(8, 8), 2)).ravel() for e in np.eye(64)], axis=1)
    assert np.allclose(W.T @ W, np.eye(64), atol=1e-13)
    # the coarse block holds the 2^L x 2^L block means times 2^L
    assert np.allclose(c[:4, :2], x.reshape(4, 8, 2, 8).mean(axis=(1, 3)) * 8, atol=1e-13)


def _jacobian_trace(f, y, h=1e-6):
    """Trace of the Jacobian by central differences along every coordinate (independent of SURE)."""
    tr = 0.0
    for i in range(y.size):
        e = np.zeros(y.size)
        e[i] = h
        tr += (f(y + e.reshape(y.shape)).ravel()[i] - f(y - e.reshape(y.shape)).ravel()[i]) / (2 * h)
    return tr


def test_exact_divergences_are_jacobian_traces():
    g = np.random.default_rng(1)
    y = g.standard_normal((8, 8))
    f, div = haar_denoise(y, 0.7, levels=2)
    assert div == pytest.approx(_jacobian_trace(lambda v: haar_denoise(v, 0.7, levels=2)[0], y), abs=1e-6)
    f, div = gaussian_denoise(y, 1.3)
    assert div == pytest.approx(_jacobian_trace(lambda v: gaussian_denoise(v, 1.3)[0], y), rel=1e-8)
    # the Monte Carlo divergence is unbiased: average over many probes
    mc = mc_divergence(lambda v: gaussian_denoise(v, 1.3)[0], y, eps=1e-6, n_probes=4000, seed=2)
    assert mc == pytest.approx(div, rel=0.05)


def test_sure_is_the_risk_of_a_linear_denoiser_exactly_in_expectation():
    # f(y) = c y: E||cy - x||^2 = (c-1)^2||x||^2 + c^2 n s^2, and E SURE equals it in closed form
    g = np.random.default_rng(4)
    x = g.standard_normal(50)
    s, c, n = 0.3, 0.6, 50
    risk = (c - 1) ** 2 * x @ x + c**2 * n * s**2
    draws = [sure(y, c * y, c * n, s) for y in (x + s * g.standard_normal((20000, 50)))]
    se = np.std(draws) / np.sqrt(len(draws))
    assert abs(np.mean(draws) - risk) < 4 * se


def test_photographs_offline_and_in_range():
    ph = photographs(("camera", "astronaut"), size=32)
    assert set(ph) == {"camera", "astronaut"}
    for img in ph.values():
        assert img.shape == (32, 32) and img.dtype == np.float64
        assert 0.0 <= img.min() and img.max() <= 1.0


def test_tensor_in_tensor_out():
    x = torch.arange(16.0, dtype=torch.float32).reshape(4, 4)
    c = haar2d(x, 1)
    assert isinstance(c, torch.Tensor) and c.dtype == torch.float32
    assert torch.allclose(ihaar2d(c, 1), x, atol=1e-5)


def test_bad_inputs():
    y = np.ones((8, 8))
    for call, exc, word in [
        (lambda: sure(y, np.ones((4, 4)), 1.0, 0.1), ValueError, "denoised"),
        (lambda: sure(y, y, 1.0, 0.0), ValueError, "sigma"),
        (lambda: sure(y, y, "1", 0.1), TypeError, "divergence"),
        (lambda: mc_divergence("f", y, eps=0.1), TypeError, "denoiser"),
        (lambda: mc_divergence(lambda v: v, y, eps=0.0), ValueError, "eps"),
        (lambda: mc_divergence(lambda v: v, y, eps=0.1, n_probes=0), ValueError, "n_probes"),
        (lambda: haar2d(np.ones((6, 8)), 2), ValueError, "x"),
        (lambda: haar2d(y, 0), ValueError, "levels"),
        (lambda: ihaar2d(np.ones(8), 1), ValueError, "c"),
        (lambda: haar_denoise(y, -1.0), ValueError, "threshold"),
        (lambda: gaussian_denoise(y, -1.0), ValueError, "width"),
        (lambda: photographs(("lena",)), ValueError, "names"),
        (lambda: photographs("camera"), TypeError, "names"),
        (lambda: photographs(size=8), ValueError, "size"),
        (lambda: sure_demo(sigma=0.0), ValueError, "sigma"),
        (lambda: sure_demo(size=40), ValueError, "size"),
        (lambda: sure_demo(thresholds=(1.0,)), ValueError, "thresholds"),
        (lambda: sure_demo(widths=(-1.0, 1.0)), ValueError, "widths"),
        (lambda: sure_demo(n_noise=1), ValueError, "n_noise"),
    ]:
        with pytest.raises(exc, match=word):
            call()
