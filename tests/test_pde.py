"""Tests of dlmath.pde (Part VI, chapter 15: physics-informed neural networks)."""
from __future__ import annotations

import math

import numpy as np
import pytest

from dlmath import pde
from dlmath.results import verify


@pytest.mark.theorem("pde.poisson_stability")
def test_poisson_stability_bound_and_sharpness():
    res = pde.poisson_stability_demo(ms=(5, 10, 20))
    verify("pde.poisson_stability", res, label="bound")
    verify("pde.poisson_stability", res, label="sharp")
    # the bound holds for every trial function ...
    assert res.max_ratio <= 1.0
    assert res.max_ratio_h1 <= 1.0
    # ... and the constant 1/pi^2 is attained: the eigenfunction case goes through the same residual,
    # norm and bound functions as the networks, so a wrong constant in any of them moves this ratio
    assert abs(res.sharp_ratio - res.predicted) <= 1e-6
    # more features, smaller error (m = 5 -> 20)
    assert res.l2_err[-1] < 1e-3 * res.l2_err[0]


def test_poisson_bound_not_trivially_loose():
    # for v = u + eps sin(3 pi x) the ratio is exactly 1/9: the bound tracks the lowest mode
    eps = 1e-2
    err = pde.l2_norm(lambda x: eps * np.sin(3 * math.pi * x))
    res = pde.l2_norm(lambda x: eps * 9 * math.pi**2 * np.sin(3 * math.pi * x))
    assert err / pde.poisson_error_bound(res) == pytest.approx(1 / 9, rel=1e-10)


def test_boundary_term_of_bound():
    # v = u + l with l linear: r = 0, ||u - v|| = ||l|| = ((e0^2 + e0 e1 + e1^2)/3)^(1/2) exactly
    e0, e1 = 0.3, -0.1
    err = pde.l2_norm(lambda x: e0 * (1 - x) + e1 * x)
    assert err == pytest.approx(pde.poisson_error_bound(0.0, e0, e1), rel=1e-12)


@pytest.mark.theorem("pde.pinn_generalization")
def test_pinn_generalization_rates():
    res = pde.pinn_generalization_demo(Ns=(10, 20, 40, 80, 160), m=20)
    verify("pde.pinn_generalization", res, label="conclusion")
    verify("pde.pinn_generalization", res, label="midpoint")
    verify("pde.pinn_generalization", res, label="monte_carlo")
    # stability: E_G <= pi^-2 ||r|| for every trained network
    assert res.max_stability_ratio <= 1.0
    # quadrature errors: midpoint O(N^-2), Monte Carlo O(N^-1/2) in RMS
    assert -2.3 <= res.rate_mid <= -1.7
    assert -0.7 <= res.rate_mc <= -0.3
    # the decomposition ||r||^2 <= E_T^2 + |quadrature error| is what makes E_T informative:
    # an over-parametrised fit has E_T ~ 0 but a large true residual
    assert res.overfit_train < 1e-6 < 1e-2 < res.overfit_true


def test_midpoint_constant_of_exact_solution_plus_mode():
    # v = u + eps x(1-x): r = 2 eps is constant, so (r^2)'' = 0; the constant must vanish up to rounding,
    # while the midpoint rule is exact for it
    eps = 0.1

    def v(x, deriv=0):
        x = np.asarray(x, dtype=np.float64)
        base = {0: pde.poisson_exact(x) + eps * x * (1 - x), 2: -pde.poisson_rhs(x) - 2 * eps}
        if deriv in base:
            return base[deriv]
        k = deriv
        # derivatives of sin(pi x) + sin(3 pi x)/2 of order 3 and 4
        if k == 3:
            return -(math.pi**3) * np.cos(math.pi * x) - 13.5 * math.pi**3 * np.cos(3 * math.pi * x)
        return math.pi**4 * np.sin(math.pi * x) + 40.5 * math.pi**4 * np.sin(3 * math.pi * x)

    assert pde._midpoint_constant(v) <= 1e-6


def test_rf_pinn_exact_second_derivative():
    c, v = pde.rf_pinn_poisson(7, 50, seed=3)
    x = np.linspace(0.1, 0.9, 9)
    h = 1e-4
    fd = (v(x + h) - 2 * v(x) + v(x - h)) / h**2
    assert np.allclose(v(x, 2), fd, rtol=1e-4, atol=1e-4 * np.max(np.abs(fd)))
    assert c.shape == (7,)
    assert np.allclose(v(np.array([0.0, 1.0])), 0.0, atol=1e-14)


def test_torch_pinn_poisson_small():
    res = pde.train_pinn_poisson(width=16, depth=2, n_colloc=64, adam_steps=200, lbfgs_steps=150)
    assert res.rel_l2 < 1e-2
    assert res.l2_err <= res.bound


def test_torch_pinn_heat_energy_bound():
    res = pde.train_pinn_heat(width=16, depth=2, n_x=12, n_t=12, adam_steps=150, lbfgs_steps=100)
    assert res.max_ratio <= 1.0
    assert res.rel_l2 < 0.2


def test_bad_inputs():
    with pytest.raises(ValueError, match="m"):
        pde.rf_pinn_poisson(0)
    with pytest.raises(ValueError, match="points"):
        pde.rf_pinn_poisson(3, points=[0.5, 2.0])
    with pytest.raises(TypeError, match="m"):
        pde.rf_pinn_poisson(2.5)
    with pytest.raises(ValueError, match="ms"):
        pde.poisson_stability_demo(ms=(0, 5))
    with pytest.raises(ValueError, match="Ns"):
        pde.pinn_generalization_demo(Ns=(10, 10))
    with pytest.raises(ValueError, match="resid_l2"):
        pde.poisson_error_bound(-1.0)
    with pytest.raises(TypeError, match="fn"):
        pde.l2_norm(3.0)
    with pytest.raises(ValueError, match="T"):
        pde.train_pinn_heat(T=0.0)
    with pytest.raises(ValueError, match="width"):
        pde.train_pinn_poisson(width=0)
    with pytest.raises(ValueError, match="device"):
        pde.train_pinn_poisson(device="nonsense")
    with pytest.raises(ValueError, match="x"):
        pde.poisson_exact([np.nan])
    with pytest.raises(ValueError, match="t"):
        pde.heat_exact([0.5], [np.inf])
    with pytest.raises(ValueError, match="x"):
        pde.poisson_rhs([np.nan])


def test_plots_run():
    import matplotlib

    matplotlib.use("Agg")
    pde.poisson_stability_demo(ms=(5, 10)).plot()
    pde.pinn_generalization_demo(Ns=(10, 20, 40)).plot()
