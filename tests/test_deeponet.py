"""Tests of dlmath.pde.deeponet: the push-forward spectrum, the bound, the DeepONet and its demo."""

import io

import matplotlib.pyplot as plt
import numpy as np
import pytest

from dlmath.pde.deeponet import (
    DeepONet,
    deeponet_demo,
    poisson_random_field,
    pushforward_eigenvalues,
    reconstruction_lower_bound,
    sine_field_spectrum,
)
from dlmath.results import verify


@pytest.mark.theorem("pde.deeponet_reconstruction")
def test_deeponet_reconstruction_bound_and_pca_identity():
    res = deeponet_demo(p_values=(2, 4), n_train=200, n_test=500, steps=400)
    c = verify("pde.deeponet_reconstruction", res)
    assert c.tightness >= 0.9
    verify("pde.deeponet_reconstruction", res, label="pca")
    assert np.all(res.trained_err + 3 * res.trained_se >= res.bound)


def test_sine_spectrum_matches_quadrature():
    lam_f, lam_u = sine_field_spectrum(0.5, 8)
    k = np.arange(1, 9)

    def kernel(x, y):
        return sum(lam_f[i] * 2 * np.sin(k[i] * np.pi * x) * np.sin(k[i] * np.pi * y) for i in range(8))

    assert np.allclose(pushforward_eigenvalues(kernel, 4), lam_u[:4], rtol=1e-3)


def test_brownian_bridge_pushforward():
    lam = pushforward_eigenvalues(lambda x, y: np.minimum(x, y) - x * y, 3)
    assert np.allclose(lam, 1 / (np.pi * np.arange(1, 4)) ** 6, rtol=1e-3)


def test_random_field_solves_poisson():
    x = np.linspace(0, 1, 401)
    f, u = poisson_random_field(4, x, alpha=1.0, n_modes=6, seed=3)
    h = x[1] - x[0]
    d2 = (u[:, 2:] - 2 * u[:, 1:-1] + u[:, :-2]) / h**2
    assert np.max(np.abs(-d2 - f[:, 1:-1])) < 1e-3 * np.max(np.abs(f))
    assert np.all(u[:, [0, -1]] == 0)


def test_reconstruction_bound_sorts_and_sums():
    assert reconstruction_lower_bound([1.0, 4.0, 0.0, 3.0], 1) == pytest.approx(2.0)
    assert reconstruction_lower_bound([1.0], 5) == 0.0


def test_deeponet_shape_and_bad_inputs():
    net = DeepONet(4, 2, width=5, depth=1, branch_activation="identity")
    assert net(np.zeros((3, 4)), np.zeros((7, 1))).shape == (3, 7)
    with pytest.raises(ValueError, match="f"):
        net(np.zeros((3, 5)), np.zeros((7, 1)))
    with pytest.raises(ValueError, match="branch_activation"):
        DeepONet(4, 2, branch_activation="relu")
    with pytest.raises(ValueError, match="eigenvalues"):
        reconstruction_lower_bound([-1.0], 0)
    with pytest.raises(ValueError, match="p_values"):
        deeponet_demo(p_values=(40,))
    with pytest.raises(ValueError, match="x"):
        poisson_random_field(2, [1.5])


def test_deeponet_plot():
    res = deeponet_demo(p_values=(2, 3), n_train=20, n_test=20, steps=5, n_modes=8, n_grid=16, n_sensors=8)
    fig = res.plot()
    fig.savefig(io.BytesIO(), format="png")
    plt.close("all")
