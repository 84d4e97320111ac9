"""Neural ODEs: fixed-step solvers, backprop against the adjoint method, 1-D flows are increasing."""

import math

import numpy as np
import pytest
import torch

import dlmath.architectures.neural_odes as A
from dlmath.architectures.neural_odes import (
    NeuralODE,
    adjoint_gradient,
    adjoint_method_demo,
    backprop_gradient,
    neural_ode_monotone_demo,
    odeint_fixed,
)
from dlmath.results import verify

F64 = torch.float64

# --------------------------------------------------------------------------------------------
# Theorems
# --------------------------------------------------------------------------------------------


@pytest.mark.theorem("architectures.adjoint_method")
def test_adjoint_and_backprop_agree_to_the_order_of_the_method():
    res = adjoint_method_demo(euler_steps=(8, 16, 32, 64), rk4_steps=(4, 8, 16, 32))
    verify("architectures.adjoint_method", res, label="euler")
    verify("architectures.adjoint_method", res, label="rk4")
    # both gradients converge to the reference gradient at the same order
    assert abs(np.log(res.rk4_err[-2] / res.rk4_err[-1]) / math.log(2) - 4) < 0.3
    assert abs(np.log(res.euler_err[-2] / res.euler_err[-1]) / math.log(2) - 1) < 0.1


@pytest.mark.theorem("architectures.neural_ode_monotone")
def test_one_dimensional_neural_ode_cannot_fit_minus_x():
    res = neural_ode_monotone_demo(n_train=200, n_samples=128)
    c = verify("architectures.neural_ode_monotone", res)
    assert c.tightness >= 0.9
    assert res.min_increment > 0 and res.min_slope > 0
    assert res.max_increment_aug < 0  # the augmented map is decreasing: no 1-D flow is
    assert res.mse_aug < 0.05


# --------------------------------------------------------------------------------------------
# Solvers and gradients against closed forms
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["euler", "rk4"])
def test_odeint_fixed_linear_ode_is_the_stability_polynomial(method):
    lam, T, N = -0.7, 1.3, 9
    z = odeint_fixed(lambda z, t: lam * z, np.array([2.0, -1.0]), T, N, method)
    w = lam * T / N
    R = 1 + w if method == "euler" else 1 + w + w**2 / 2 + w**3 / 6 + w**4 / 24
    assert isinstance(z, np.ndarray)
    np.testing.assert_allclose(z, np.array([2.0, -1.0]) * R**N, rtol=1e-14)


def test_odeint_fixed_time_dependent_order_and_backward():
    # z' = cos(t) z, z(0) = 1: z(T) = exp(sin T); RK4 error O(h^4), and the backward solve returns
    def f(z, t):
        return math.cos(t) * z

    exact = math.exp(math.sin(2.0))
    errs = [abs(float(odeint_fixed(f, torch.ones(1, dtype=F64), 2.0, n)[0]) - exact) for n in (16, 32)]
    assert 15 < errs[0] / errs[1] < 17
    zT = odeint_fixed(f, torch.ones(1, dtype=F64), 2.0, 64)
    back = odeint_fixed(f, zT, 0.0, 64, t0=2.0)
    assert abs(float(back[0]) - 1.0) < 1e-8
    z32 = odeint_fixed(f, torch.ones(1, dtype=torch.float32), 2.0, 8)
    assert z32.dtype == torch.float32


def test_backprop_gradient_is_the_derivative_of_the_euler_map():
    # z' = -k z with Euler: z_N = (1 - hk)^N z0, so d z_N/dk = -N h (1 - hk)^(N-1) z0
    k = torch.tensor(0.8, dtype=F64, requires_grad=True)
    T, N, z0 = 1.5, 12, 1.7
    g = backprop_gradient(lambda z, t: -k * z, [k], torch.tensor([z0], dtype=F64), T, N, lambda z: z.sum(), "euler")
    h = T / N
    assert float(g[0]) == pytest.approx(-N * h * (1 - h * 0.8) ** (N - 1) * z0, rel=1e-13)


def test_adjoint_gradient_euler_matches_a_hand_written_backward_sweep():
    # the backward Euler sweep of (z, a, q)' = (-k z, k a, z a) from (z_N, 1, 0), written out
    k, T, N, z0 = 0.6, 1.0, 10, 1.3
    kt = torch.tensor(k, dtype=F64, requires_grad=True)
    g = adjoint_gradient(lambda z, t: -kt * z, [kt], torch.tensor([z0], dtype=F64), T, N, lambda z: z.sum(), "euler")
    h = T / N
    z = z0 * (1 - h * k) ** N
    a, q = 1.0, 0.0
    for _ in range(N):
        z, a, q = z + h * k * z, a - h * k * a, q - h * z * a
    assert float(g[0]) == pytest.approx(q, rel=1e-13)


def test_adjoint_gradient_rk4_matches_the_exact_gradient():
    # l = 1/2 |z(T)|^2 for z' = A z: dl/dA = int_0^T a(t) z(t)^T dt = e^{A^T T} z(T) z0^T-type integral;
    # compare with autograd through the matrix exponential
    gen = np.random.default_rng(3)
    A0 = gen.standard_normal((3, 3)) * 0.5
    z0 = torch.as_tensor(gen.standard_normal(3), dtype=F64)
    Am = torch.as_tensor(A0, dtype=F64).requires_grad_(True)
    g = adjoint_gradient(lambda z, t: Am @ z, [Am], z0, 1.0, 200, lambda z: 0.5 * (z**2).sum(), "rk4")
    Ae = torch.as_tensor(A0, dtype=F64).requires_grad_(True)
    (ge,) = torch.autograd.grad(0.5 * ((torch.linalg.matrix_exp(Ae) @ z0) ** 2).sum(), Ae)
    torch.testing.assert_close(g, ge.reshape(-1), rtol=1e-9, atol=1e-11)


def test_gradients_with_unused_parameter_and_batch():
    w = torch.tensor([0.3, -0.2], dtype=F64, requires_grad=True)
    unused = torch.zeros(2, dtype=F64, requires_grad=True)
    z0 = torch.ones(4, 2, dtype=F64)
    args = (lambda z, t: torch.tanh(z * w), [w, unused], z0, 1.0, 20, lambda z: z.sum())
    gb, ga = backprop_gradient(*args), adjoint_gradient(*args)
    assert gb.shape == ga.shape == (4,)
    assert torch.all(gb[2:] == 0) and torch.all(ga[2:] == 0)
    torch.testing.assert_close(gb, ga, rtol=1e-6, atol=1e-9)


# --------------------------------------------------------------------------------------------
# Networks and the lemma on non-decreasing maps
# --------------------------------------------------------------------------------------------


def test_neural_ode_is_increasing_in_one_dimension_at_initialisation():
    net = NeuralODE(1, dtype=F64, seed=4)
    x = torch.linspace(-3, 3, 501, dtype=F64)[:, None]
    with torch.no_grad():
        y = net(x)[:, 0]
        assert torch.all(torch.diff(y) > 0)
        # forward is the solver applied to the padded state, projected
        aug = NeuralODE(2, augment=3, dtype=F64)
        xa = torch.ones(5, 2, dtype=F64)
        full = aug.flow(xa)
        assert full.shape == (5, 5)
        ref = odeint_fixed(aug.vector_field, torch.cat([xa, torch.zeros(5, 3, dtype=F64)], 1), 1.0, 10)
        torch.testing.assert_close(aug(xa), ref[:, :2])
    assert NeuralODE(1)(np.zeros((2, 1))).dtype == torch.float32


def test_bound_for_non_decreasing_maps_under_the_quadrature_measure():
    nodes, w = np.polynomial.legendre.leggauss(64)
    assert abs(0.5 * w @ nodes) < 1e-15 and abs(0.5 * w @ nodes**2 - 1 / 3) < 1e-15
    gen = np.random.default_rng(0)
    for _ in range(200):  # random non-decreasing step functions and the near-optimal eps x
        jumps = np.sort(gen.uniform(-1, 1, 5))
        vals = np.cumsum(gen.exponential(size=6)) * gen.uniform(0, 2) + gen.normal()
        phi = vals[np.searchsorted(jumps, nodes)]
        assert 0.5 * w @ (phi + nodes) ** 2 >= 1 / 3 - 1e-14
    eps = 1e-3
    assert 0.5 * w @ ((1 + eps) * nodes) ** 2 == pytest.approx((1 + eps) ** 2 / 3, rel=1e-13)


# --------------------------------------------------------------------------------------------
# Bad inputs (the rows of BAD_INPUTS)
# --------------------------------------------------------------------------------------------

_K = torch.tensor(0.5, dtype=F64, requires_grad=True)
_Z = torch.ones(1, dtype=F64)


def _f(z, t):
    return -_K * z


def _loss(z):
    return z.sum()


BAD = [
    ("odeint_fixed-f", lambda: A.odeint_fixed("f", [1.0], 1.0, 4), TypeError, "f"),
    ("odeint_fixed-z0", lambda: A.odeint_fixed(lambda z, t: z, "z", 1.0, 4), TypeError, "z0"),
    ("odeint_fixed-t1", lambda: A.odeint_fixed(lambda z, t: z, [1.0], "1", 4), TypeError, "t1"),
    ("odeint_fixed-t1-t0", lambda: A.odeint_fixed(lambda z, t: z, [1.0], 0.0, 4), ValueError, "t1"),
    ("odeint_fixed-t0", lambda: A.odeint_fixed(lambda z, t: z, [1.0], 1.0, 4, t0=None), TypeError, "t0"),
    ("odeint_fixed-n_steps", lambda: A.odeint_fixed(lambda z, t: z, [1.0], 1.0, 0), ValueError, "n_steps"),
    ("odeint_fixed-method", lambda: A.odeint_fixed(lambda z, t: z, [1.0], 1.0, 4, "rk2"), ValueError, "method"),
    ("odeint_fixed-f-shape", lambda: A.odeint_fixed(lambda z, t: z[:1], [1.0, 2.0], 1.0, 4), ValueError, "f must"),
    ("backprop_gradient-f", lambda: A.backprop_gradient(1, [_K], _Z, 1.0, 4, _loss), TypeError, "f"),
    ("backprop_gradient-params", lambda: A.backprop_gradient(_f, [], _Z, 1.0, 4, _loss), ValueError, "params"),
    (
        "backprop_gradient-params-type",
        lambda: A.backprop_gradient(_f, [1.0], _Z, 1.0, 4, _loss),
        TypeError,
        "params",
    ),
    (
        "backprop_gradient-params-grad",
        lambda: A.backprop_gradient(_f, [torch.ones(1)], _Z, 1.0, 4, _loss),
        ValueError,
        "params",
    ),
    ("backprop_gradient-z0", lambda: A.backprop_gradient(_f, [_K], "z", 1.0, 4, _loss), TypeError, "z0"),
    ("backprop_gradient-loss", lambda: A.backprop_gradient(_f, [_K], _Z, 1.0, 4, "l"), TypeError, "loss"),
    (
        "backprop_gradient-loss-scalar",
        lambda: A.backprop_gradient(_f, [_K], torch.ones(2, dtype=F64), 1.0, 4, lambda z: z),
        ValueError,
        "loss",
    ),
    ("backprop_gradient-n_steps", lambda: A.backprop_gradient(_f, [_K], _Z, 1.0, 0, _loss), ValueError, "n_steps"),
    ("adjoint_gradient-f", lambda: A.adjoint_gradient(None, [_K], _Z, 1.0, 4, _loss), TypeError, "f"),
    ("adjoint_gradient-params", lambda: A.adjoint_gradient(_f, _K.detach(), _Z, 1.0, 4, _loss), ValueError, "params"),
    ("adjoint_gradient-z0", lambda: A.adjoint_gradient(_f, [_K], [1j], 1.0, 4, _loss), TypeError, "z0"),
    ("adjoint_gradient-t1", lambda: A.adjoint_gradient(_f, [_K], _Z, 0.0, 4, _loss), ValueError, "t1"),
    ("adjoint_gradient-method", lambda: A.adjoint_gradient(_f, [_K], _Z, 1.0, 4, _loss, "rk"), ValueError, "method"),
    ("adjoint_gradient-loss", lambda: A.adjoint_gradient(_f, [_K], _Z, 1.0, 4, 3), TypeError, "loss"),
    ("NeuralODE-dim", lambda: A.NeuralODE(0), ValueError, "dim"),
    ("NeuralODE-width", lambda: A.NeuralODE(1, width=0), ValueError, "width"),
    ("NeuralODE-augment", lambda: A.NeuralODE(1, augment=-1), ValueError, "augment"),
    ("NeuralODE-T", lambda: A.NeuralODE(1, T=0.0), ValueError, "T"),
    ("NeuralODE-n_steps", lambda: A.NeuralODE(1, n_steps=0), ValueError, "n_steps"),
    ("NeuralODE-method", lambda: A.NeuralODE(1, method="heun"), ValueError, "method"),
    ("NeuralODE-dtype", lambda: A.NeuralODE(1, dtype="int64"), TypeError, "dtype"),
    ("NeuralODE-device", lambda: A.NeuralODE(1, device=3), TypeError, "device"),
    ("NeuralODE-seed", lambda: A.NeuralODE(1, seed=-1), ValueError, "seed"),
    (
        "NeuralODE-input-width",
        lambda: A.NeuralODE(2)(np.ones((3, 1))),
        ValueError,
        "x must have last dimension 2",
    ),
    ("adjoint_method_demo-euler_steps", lambda: A.adjoint_method_demo(euler_steps=(8, 16)), ValueError, "euler_steps"),
    (
        "adjoint_method_demo-rk4_steps",
        lambda: A.adjoint_method_demo(rk4_steps=(8, 4, 16)),
        ValueError,
        "rk4_steps",
    ),
    ("adjoint_method_demo-d", lambda: A.adjoint_method_demo(d=0), ValueError, "d"),
    ("adjoint_method_demo-width", lambda: A.adjoint_method_demo(width=0), ValueError, "width"),
    ("adjoint_method_demo-T", lambda: A.adjoint_method_demo(T=-1.0), ValueError, "T"),
    ("adjoint_method_demo-n_points", lambda: A.adjoint_method_demo(n_points=0), ValueError, "n_points"),
    ("adjoint_method_demo-seed", lambda: A.adjoint_method_demo(seed=-1), ValueError, "seed"),
    ("neural_ode_monotone_demo-n_train", lambda: A.neural_ode_monotone_demo(n_train=0), ValueError, "n_train"),
    ("neural_ode_monotone_demo-n_samples", lambda: A.neural_ode_monotone_demo(n_samples=1), ValueError, "n_samples"),
    ("neural_ode_monotone_demo-width", lambda: A.neural_ode_monotone_demo(width=0), ValueError, "width"),
    ("neural_ode_monotone_demo-n_steps", lambda: A.neural_ode_monotone_demo(n_steps=0), ValueError, "n_steps"),
    ("neural_ode_monotone_demo-lr", lambda: A.neural_ode_monotone_demo(lr=0.0), ValueError, "lr"),
    ("neural_ode_monotone_demo-n_quad", lambda: A.neural_ode_monotone_demo(n_quad=2), ValueError, "n_quad"),
    ("neural_ode_monotone_demo-seed", lambda: A.neural_ode_monotone_demo(seed=-1), ValueError, "seed"),
]


@pytest.mark.parametrize(("name", "call", "exc", "match"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_named(name, call, exc, match):
    with pytest.raises(exc, match=match):
        call()
