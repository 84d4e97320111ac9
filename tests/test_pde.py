"""Tests of dlmath.pde (Part VI, chapter *Physics-informed neural networks*).

The bad-argument cases are in tests/conventions/pde.py (run by tests/test_conventions.py).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from conftest import tolerance
from dlmath import pde
from dlmath.nets import glorot_std
from dlmath.pde.generalization import _midpoint_constant
from dlmath.results import verify
from dlmath.utils import torch_generator


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

    assert _midpoint_constant(v) <= 1e-6


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


def test_plots_run():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    assert isinstance(pde.poisson_stability_demo(ms=(5, 10)).plot(), Figure)
    assert isinstance(pde.pinn_generalization_demo(Ns=(10, 20, 40)).plot(), Figure)
    res = pde.train_pinn_poisson(width=4, depth=1, n_colloc=8, adam_steps=2, lbfgs_steps=0)
    assert isinstance(res.plot(), Figure)
    heat = pde.train_pinn_heat(width=4, depth=1, n_x=4, n_t=4, adam_steps=2, lbfgs_steps=0)
    assert isinstance(heat.plot(), Figure)


# ---------------------------------------------------------------------------------------------
# conventions: closed forms in both precisions, networks in float32 by default


def test_closed_forms_in_both_precisions(dtype, device):
    x = np.linspace(0.0, 1.0, 7)
    t = np.linspace(0.0, 0.2, 7)
    xt = torch.as_tensor(x, dtype=dtype, device=device)
    tt = torch.as_tensor(t, dtype=dtype, device=device)
    for fn, args, targs in (
        (pde.poisson_exact, (x,), (xt,)),
        (pde.poisson_rhs, (x,), (xt,)),
        (pde.heat_exact, (x, t), (xt, tt)),
    ):
        ref = fn(*args)
        out = fn(*targs)
        assert out.dtype == dtype and out.device.type == torch.device(device).type
        np.testing.assert_allclose(out.cpu().double().numpy(), ref, rtol=tolerance(dtype), atol=tolerance(dtype) * 50)


def test_closed_forms_solve_the_equations():
    # -u'' = f and u_t = u_xx, by central differences (an error in a coefficient shows at 1e-4)
    x = np.linspace(0.1, 0.9, 9)
    h = 1e-4
    d2u = (pde.poisson_exact(x + h) - 2 * pde.poisson_exact(x) + pde.poisson_exact(x - h)) / h**2
    np.testing.assert_allclose(-d2u, pde.poisson_rhs(x), rtol=1e-5)
    t = 0.05
    ut = (pde.heat_exact(x, t + h) - pde.heat_exact(x, t - h)) / (2 * h)
    uxx = (pde.heat_exact(x + h, t) - 2 * pde.heat_exact(x, t) + pde.heat_exact(x - h, t)) / h**2
    np.testing.assert_allclose(ut, uxx, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(pde.heat_exact(x, 0.0), pde.poisson_exact(x), rtol=1e-14)


def test_rf_pinn_tensor_points_match_numpy(dtype, device):
    points = np.linspace(0.05, 0.95, 30)
    c_np, v_np = pde.rf_pinn_poisson(6, points=points)
    pt = torch.as_tensor(points, dtype=dtype, device=device)
    c_t, v_t = pde.rf_pinn_poisson(6, points=pt)
    assert isinstance(c_t, torch.Tensor) and c_t.dtype == dtype
    x = np.linspace(0.0, 1.0, 11)
    out = v_t(torch.as_tensor(x, dtype=dtype, device=device), 2)
    assert isinstance(out, torch.Tensor) and out.dtype == dtype and out.device.type == torch.device(device).type
    assert isinstance(v_np(x, 2), np.ndarray)
    # in float64 the fit is the same; in float32 the points are rounded, the fit moves a little
    rel = np.max(np.abs(out.cpu().double().numpy() - v_np(x, 2))) / np.max(np.abs(v_np(x, 2)))
    assert rel < (1e-10 if dtype == torch.float64 else 1e-2)


def _old_glorot_weights(d_in, width, depth, seed):
    """The initial weights of the hand-written Glorot initialisation that the PINNs had before."""
    gen = torch_generator(seed)
    out, fan = [], d_in
    for _ in range(depth):
        out.append(torch.randn(width, fan, generator=gen, dtype=torch.float64) * math.sqrt(2.0 / (fan + width)))
        fan = width
    out.append(torch.randn(1, fan, generator=gen, dtype=torch.float64) * math.sqrt(2.0 / (fan + 1)))
    return out


@pytest.mark.parametrize("cls, d_in", [(pde.PoissonPINN, 1), (pde.HeatPINN, 2)])
def test_pinn_initialisation_is_the_seeded_glorot_draw(cls, d_in, dtype):
    net = cls(6, 2, 3, dtype=dtype)
    weights = [p for name, p in net.named_parameters() if name.endswith("weight")]
    biases = [p for name, p in net.named_parameters() if name.endswith("bias")]
    expected = _old_glorot_weights(d_in, 6, 2, 3)
    assert len(weights) == len(expected) == 3
    for w, e in zip(weights, expected):
        assert w.dtype == dtype
        torch.testing.assert_close(w.detach(), e.to(dtype), rtol=0, atol=0)
    assert all(float(b.detach().abs().max()) == 0.0 for b in biases)
    assert glorot_std(1, 6) == pytest.approx(math.sqrt(2 / 7))


def test_pinn_dtype_default_and_explicit():
    assert pde.PoissonPINN(4, 1).net[0].weight.dtype == torch.float32
    assert pde.HeatPINN(4, 1).net[0].weight.dtype == torch.float32
    assert pde.PoissonPINN(4, 1, dtype="float64").net[0].weight.dtype == torch.float64
    assert pde.HeatPINN(4, 1, dtype=np.float64).net[0].weight.dtype == torch.float64
    # the training functions keep the chapter's float64
    res = pde.train_pinn_poisson(width=4, depth=1, n_colloc=8, adam_steps=1, lbfgs_steps=0)
    assert res.model.net[0].weight.dtype == torch.float64


def test_pinn_numpy_and_tensor_inputs_agree(dtype, device):
    net = pde.PoissonPINN(8, 2, device=device, dtype=dtype)
    x = np.linspace(0.0, 1.0, 5)[:, None]
    out = net(x)
    assert out.dtype == dtype and out.shape == (5, 1)
    torch.testing.assert_close(out, net(torch.as_tensor(x, dtype=dtype, device=device)))
    other = torch.float64 if dtype == torch.float32 else torch.float32
    with pytest.raises(TypeError, match="dtype"):
        net(torch.as_tensor(x, dtype=other, device=device))


def test_heat_pinn_has_the_data_built_in(dtype, device):
    net = pde.HeatPINN(8, 2, device=device, T=0.2, dtype=dtype)
    x = np.linspace(0.0, 1.0, 9)
    initial = net(np.stack([x, np.zeros_like(x)], 1)).detach().cpu().double().numpy().ravel()
    np.testing.assert_allclose(initial, pde.poisson_exact(x), atol=10 * tolerance(dtype))
    t = np.linspace(0.0, 0.2, 5)
    for edge in (0.0, 1.0):
        boundary = net(np.stack([np.full_like(t, edge), t], 1)).detach().cpu().double().numpy()
        np.testing.assert_allclose(boundary, 0.0, atol=10 * tolerance(dtype))
