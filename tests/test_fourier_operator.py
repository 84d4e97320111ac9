"""Tests of dlmath.pde.fourier_operator: Fourier layers across resolutions and the mode-truncation bound."""

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch

from dlmath.pde.fourier_operator import (
    FNO1d,
    FourierLayer,
    fno_demo,
    fourier_layer,
    periodic_poisson_field,
    spectral_tail_bound,
)
from dlmath.results import verify


@pytest.mark.theorem("pde.fno_discretization")
def test_fno_discretization_layer_and_modes():
    res = fno_demo(modes=(2, 8), n_train=100, n_test=300)
    verify("pde.fno_discretization", res, label="layer")
    c = verify("pde.fno_discretization", res, label="modes")
    assert c.tightness >= 0.9
    assert np.all(res.trained_err < res.bound_input)


def test_fourier_layer_matches_a_direct_dft():
    gen = np.random.default_rng(0)
    n, K = 16, 3
    v = gen.standard_normal((2, n))
    w = gen.standard_normal((K + 1, 3, 2)) + 1j * gen.standard_normal((K + 1, 3, 2))
    x = np.arange(n) / n
    vh = np.array([[np.mean(v[i] * np.exp(-2j * np.pi * k * x)) for k in range(K + 1)] for i in range(2)])
    out = np.zeros((3, n))
    for k in range(K + 1):
        ck = w[k] @ vh[:, k]
        ck = ck.real if k == 0 else ck
        out += (1 if k == 0 else 2) * np.real(ck[:, None] * np.exp(2j * np.pi * k * x)[None, :])
    assert np.allclose(fourier_layer(v, w, K), out, atol=1e-12)


def test_fourier_layer_tensor_in_tensor_out():
    v = torch.ones(1, 8, dtype=torch.float32)
    out = fourier_layer(v, np.ones((2, 1, 1)), 1, activation="relu")
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32


def test_periodic_field_solves_equation():
    f, u = periodic_poisson_field(3, 64, n_modes=10, seed=1)
    k = np.fft.rfftfreq(64, 1 / 64)
    lhs = np.fft.irfft(np.fft.rfft(u, axis=1) * (1 + 4 * np.pi**2 * k**2), n=64, axis=1)
    assert np.allclose(lhs, f, atol=1e-10)


def test_tail_bound_against_samples():
    f, u = periodic_poisson_field(4000, 64, seed=2)
    uh = np.fft.rfft(u, axis=1) / 64
    tail = 2 * np.mean(np.sum(np.abs(uh[:, 5:]) ** 2, axis=1))
    assert tail == pytest.approx(spectral_tail_bound(4) ** 2, rel=0.05)


def test_networks_and_bad_inputs():
    assert FNO1d(3, width=2, activation="identity", pointwise=False)(np.ones((2, 16))).shape == (2, 16)
    with pytest.raises(ValueError, match="modes"):
        fourier_layer(np.ones((1, 8)), np.ones((5, 1, 1)), 4)
    with pytest.raises(ValueError, match="weights"):
        fourier_layer(np.ones((1, 8)), np.ones((2, 1, 3)), 1)
    with pytest.raises(ValueError, match="v must have shape"):
        FourierLayer(2, 4)(np.ones((1, 2, 8)))
    with pytest.raises(TypeError, match="pointwise"):
        FourierLayer(2, 1, pointwise=1)
    with pytest.raises(ValueError, match="resolution"):
        periodic_poisson_field(2, 10, n_modes=6)
    with pytest.raises(ValueError, match="modes"):
        fno_demo(modes=(30,))


def test_fno_plot():
    res = fno_demo(modes=(1, 2), n_train=10, n_test=10, adam_steps=2, lbfgs_steps=2)
    fig = res.plot()
    fig.savefig(io.BytesIO(), format="png")
    plt.close("all")
