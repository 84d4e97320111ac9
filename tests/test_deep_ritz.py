"""Tests of dlmath.pde.deep_ritz (Part VI, section *The Deep Ritz method*).

The bad-argument cases are listed for tests/conventions/pde.py; the ones of the new functions are
also run here, since the facade does not export them yet.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from dlmath.pde.deep_ritz import (
    DeepRitzNet,
    DeepRitzResult,
    deep_ritz_demo,
    ritz_energy,
    ritz_error_bound,
    ritz_identity_terms,
    train_deep_ritz,
)
from dlmath.pde.pinn import PoissonPINN
from dlmath.pde.poisson import poisson_exact, poisson_rhs
from dlmath.results import verify

PI = math.pi


@pytest.fixture(scope="module")
def small_run() -> DeepRitzResult:
    return deep_ritz_demo(width=16, depth=2, n_quad=64, adam_steps=200, lbfgs_steps=100, checkpoints=(0, 50))


@pytest.mark.theorem("pde.deep_ritz_energy")
def test_energy_identity_on_trained_networks(small_run):
    res = small_run
    verify("pde.deep_ritz_energy", res)
    verify("pde.deep_ritz_energy", res, label="boundary")
    # the H^1 seminorm error read off the energy gap is the direct one
    assert res.h1_from_gap == pytest.approx(res.h1_direct, rel=1e-6)
    assert res.h1_full <= res.h1_bound * (1 + 1e-9)
    # training lowers the energy: the final gap is far below the initial one
    assert res.gaps[-1] < 1e-3 * res.gaps[0]
    # the penalty network misses the boundary values: its boundary term is far from roundoff
    assert abs(res.pen_boundary) > 1e-3 and abs(res.pen_e0) > 1e-4


def test_ritz_energy_closed_forms():
    # v = sin(pi x), f = pi^2 sin(pi x): E = pi^2/4 - pi^2/2 = -pi^2/4
    e = ritz_energy(lambda x: torch.sin(PI * x), lambda x: PI**2 * np.sin(PI * x))
    assert e == pytest.approx(-(PI**2) / 4, abs=1e-13)
    # v = x(1-x), f = 1: E = 1/6 - 1/6 ... = 1/2 * 1/3 - 1/6 = 0
    assert abs(ritz_energy(lambda x: x * (1 - x), lambda x: np.ones_like(x))) < 1e-14
    # the exact solution of the model problem has E(u) = -13 pi^2 / 16
    e_u = ritz_energy(lambda x: torch.sin(PI * x) + 0.5 * torch.sin(3 * PI * x), poisson_rhs)
    assert e_u == pytest.approx(-13 * PI**2 / 16, abs=1e-12)


def test_identity_terms_for_closed_form_trial_functions():
    # v = u + c sin(2 pi x) is admissible: gap = half = c^2 (2 pi)^2 / 4
    c = 0.1
    gap, half, bdry = ritz_identity_terms(
        lambda x: torch.sin(PI * x) + 0.5 * torch.sin(3 * PI * x) + c * torch.sin(2 * PI * x)
    )
    assert abs(bdry) < 1e-13
    assert gap == pytest.approx(c**2 * PI**2, rel=1e-12)
    assert half == pytest.approx(c**2 * PI**2, rel=1e-12)
    # v = u + a (a constant shift, not admissible): e' = 0 and the gap is all boundary term -5 pi a
    a = 0.2
    gap, half, bdry = ritz_identity_terms(lambda x: torch.sin(PI * x) + 0.5 * torch.sin(3 * PI * x) + a)
    assert half == pytest.approx(0.0, abs=1e-24)
    assert bdry == pytest.approx(-5 * PI * a, rel=1e-14)
    assert gap == pytest.approx(-5 * PI * a, rel=1e-12)


def test_penalty_minimiser_is_a_constant_shift():
    # the minimiser of E + lam (v(0)^2 + v(1)^2) is u + 5 pi / (4 lam): a trained network gets close
    lam = 10.0
    net = PoissonPINN(16, 2, 0, dtype=torch.float64)
    train_deep_ritz(net, penalty=lam, n_quad=64, adam_steps=300, lbfgs_steps=200)
    xs = np.linspace(0.0, 1.0, 11)
    with torch.no_grad():
        v = net(torch.as_tensor(xs)[:, None]).numpy().ravel()
    assert np.max(np.abs(v - poisson_exact(xs) - 5 * PI / (4 * lam))) < 1e-2


def test_error_bound():
    semi, full = ritz_error_bound(0.02)
    assert semi == pytest.approx(0.2)
    assert full == pytest.approx(0.2 * math.sqrt(1 + 1 / PI**2))
    assert ritz_error_bound(0.02, slab_width=2.0)[1] == pytest.approx(0.2 * math.sqrt(1 + 4 / PI**2))


def test_deep_ritz_net_boundary_values_and_checkpoints():
    net = DeepRitzNet(8, 2, 3, g0=-1.0, g1=2.5, dtype=torch.float64)
    out = net(np.array([[0.0], [1.0], [0.5]])).detach().numpy().ravel()
    assert out[0] == -1.0 and out[1] == 2.5
    assert net(np.zeros((4, 1))).dtype == torch.float64
    assert DeepRitzNet(8, 2)(np.zeros((2, 1))).dtype == torch.float32
    hist, snaps = train_deep_ritz(net, n_quad=16, adam_steps=5, lbfgs_steps=0, checkpoints=(0, 3))
    assert hist.shape == (5,) and len(snaps) == 3 and snaps[-1] is net
    # the snapshot at step 0 is the initial network, unchanged by the training
    x = torch.linspace(0, 1, 5, dtype=torch.float64)[:, None]
    assert not torch.allclose(snaps[0](x), net(x))
    # the midpoint rule trains too
    h2, _ = train_deep_ritz(
        DeepRitzNet(4, 1, dtype=torch.float64), quadrature="midpoint", n_quad=8, adam_steps=3, lbfgs_steps=2
    )
    assert h2.size >= 3 and np.all(np.isfinite(h2))


def test_plot(small_run):
    from matplotlib.figure import Figure

    fig = small_run.plot()
    assert isinstance(fig, Figure) and len(fig.axes) == 2


BAD = [
    (lambda: ritz_energy(3.0, poisson_rhs), TypeError, "v"),
    (lambda: ritz_energy(lambda x: x, "f"), TypeError, "f"),
    (lambda: ritz_energy(lambda x: x, poisson_rhs, n_panels=0), ValueError, "n_panels"),
    (lambda: ritz_energy(lambda x: x, poisson_rhs, order=201), ValueError, "order"),
    (lambda: ritz_identity_terms(None), TypeError, "v"),
    (lambda: ritz_identity_terms(lambda x: x, n_panels=1.5), TypeError, "n_panels"),
    (lambda: ritz_identity_terms(lambda x: x, order=0), ValueError, "order"),
    (lambda: ritz_error_bound(-1.0), ValueError, "gap"),
    (lambda: ritz_error_bound(1.0, slab_width=0.0), ValueError, "slab_width"),
    (lambda: DeepRitzNet(0), ValueError, "width"),
    (lambda: DeepRitzNet(4, 1.5), TypeError, "depth"),
    (lambda: DeepRitzNet(4, 1, -1), ValueError, "seed"),
    (lambda: DeepRitzNet(device="nonsense"), ValueError, "device"),
    (lambda: DeepRitzNet(g0=np.nan), ValueError, "g0"),
    (lambda: DeepRitzNet(g1="a"), TypeError, "g1"),
    (lambda: DeepRitzNet(dtype="int64"), TypeError, "dtype"),
    (lambda: DeepRitzNet(4, 1)(np.ones((3, 2))), ValueError, "x must have last dimension 1"),
    (lambda: train_deep_ritz("net"), TypeError, "model"),
    (lambda: train_deep_ritz(DeepRitzNet(4, 1), f=1.0), TypeError, "f"),
    (lambda: train_deep_ritz(DeepRitzNet(4, 1), n_quad=0), ValueError, "n_quad"),
    (lambda: train_deep_ritz(DeepRitzNet(4, 1), quadrature="simpson"), ValueError, "quadrature"),
    (lambda: train_deep_ritz(DeepRitzNet(4, 1), adam_steps=-1), ValueError, "adam_steps"),
    (lambda: train_deep_ritz(DeepRitzNet(4, 1), lbfgs_steps=1.5), TypeError, "lbfgs_steps"),
    (lambda: train_deep_ritz(DeepRitzNet(4, 1), lr=0.0), ValueError, "lr"),
    (lambda: train_deep_ritz(DeepRitzNet(4, 1), penalty=-1.0), ValueError, "penalty"),
    (lambda: train_deep_ritz(DeepRitzNet(4, 1), adam_steps=5, checkpoints=(6,)), ValueError, "checkpoints"),
    (lambda: deep_ritz_demo(width=0), ValueError, "width"),
    (lambda: deep_ritz_demo(depth=0), ValueError, "depth"),
    (lambda: deep_ritz_demo(n_quad=501), ValueError, "n_quad"),
    (lambda: deep_ritz_demo(adam_steps=-1), ValueError, "adam_steps"),
    (lambda: deep_ritz_demo(lbfgs_steps=-1), ValueError, "lbfgs_steps"),
    (lambda: deep_ritz_demo(lr=-1.0), ValueError, "lr"),
    (lambda: deep_ritz_demo(checkpoints=(1, 1)), ValueError, "checkpoints"),
    (lambda: deep_ritz_demo(penalty=0.0), ValueError, "penalty"),
    (lambda: deep_ritz_demo(seed=-1), ValueError, "seed"),
    (lambda: deep_ritz_demo(device="nonsense"), ValueError, "device"),
]


@pytest.mark.parametrize("call, exc, match", BAD)
def test_bad_inputs(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
