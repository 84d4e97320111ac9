"""Convention cases of dlmath.pde."""

import numpy as np
import torch

from dlmath import pde

DATA_FUNCTIONS = {
    "poisson_exact": lambda to: ((to([0.0, 0.25, 0.5]),), {}),
    "poisson_rhs": lambda to: ((to([[0.1, 0.2], [0.3, 0.4]]),), {}),
    "heat_exact": lambda to: ((to([0.25, 0.5]), to([0.0, 0.1])), {}),
    "rf_pinn_poisson": lambda to: ((3,), {"points": to([0.2, 0.5, 0.8])}),
}

NETWORKS = {
    "PoissonPINN": lambda: (pde.PoissonPINN(8, 2), np.linspace(0.0, 1.0, 5)[:, None]),
    "HeatPINN": lambda: (pde.HeatPINN(8, 2), np.array([[0.25, 0.0], [0.5, 0.1], [0.75, 0.2]])),
}

OTHER = {
    "l2_norm": "returns a float: the L2(0, 1) norm of a callable",
    "poisson_error_bound": "returns a float: the a-posteriori bound from scalar norms",
    "train_pinn_poisson": "trains a PoissonPINN (float64) and returns its result, like a demo",
    "train_pinn_heat": "trains a HeatPINN (float64) and returns its result, like a demo",
}


def _rf_eval(x):
    """The evaluation function of a small random-feature PINN, at ``x``."""
    return pde.rf_pinn_poisson(3, 10)[1](x)


BAD_INPUTS = [
    # the closed forms
    ("poisson_exact-nan", lambda: pde.poisson_exact([np.nan]), ValueError, "x"),
    ("poisson_exact-string", lambda: pde.poisson_exact("0.5"), TypeError, "x"),
    ("poisson_exact-complex", lambda: pde.poisson_exact(np.array([0.5 + 1j])), TypeError, "x"),
    ("poisson_exact-complex-tensor", lambda: pde.poisson_exact(torch.tensor([0.5 + 1j])), TypeError, "x"),
    ("poisson_rhs-nan", lambda: pde.poisson_rhs([np.nan]), ValueError, "x"),
    ("heat_exact-t", lambda: pde.heat_exact([0.5], [np.inf]), ValueError, "t"),
    ("heat_exact-x-string", lambda: pde.heat_exact("x", [0.1]), TypeError, "x"),
    # norms and the bound
    ("l2_norm-fn", lambda: pde.l2_norm(3.0), TypeError, "fn"),
    ("l2_norm-n_panels", lambda: pde.l2_norm(np.sin, n_panels=0), ValueError, "n_panels"),
    ("l2_norm-order", lambda: pde.l2_norm(np.sin, order=201), ValueError, "order"),
    ("poisson_error_bound-resid_l2", lambda: pde.poisson_error_bound(-1.0), ValueError, "resid_l2"),
    ("poisson_error_bound-e0", lambda: pde.poisson_error_bound(1.0, "a"), TypeError, "e0"),
    # the random-feature PINN
    ("rf_pinn_poisson-m", lambda: pde.rf_pinn_poisson(0), ValueError, "m"),
    ("rf_pinn_poisson-m-type", lambda: pde.rf_pinn_poisson(2.5), TypeError, "m"),
    ("rf_pinn_poisson-n_colloc", lambda: pde.rf_pinn_poisson(3, 0), ValueError, "n_colloc"),
    ("rf_pinn_poisson-points", lambda: pde.rf_pinn_poisson(3, points=[0.5, 2.0]), ValueError, "points"),
    ("rf_pinn_poisson-points-ndim", lambda: pde.rf_pinn_poisson(3, points=[[0.5]]), ValueError, "points"),
    ("rf_pinn_poisson-points-empty", lambda: pde.rf_pinn_poisson(3, points=[]), ValueError, "points"),
    ("rf_pinn_poisson-points-complex", lambda: pde.rf_pinn_poisson(3, points=np.array([0.5j])), TypeError, "points"),
    ("rf_pinn_poisson-eval-deriv", lambda: pde.rf_pinn_poisson(3, 10)[1]([0.5], deriv=5), ValueError, "deriv"),
    ("rf_pinn_poisson-eval-x", lambda: _rf_eval([[0.5]]), ValueError, "x"),
    # the networks
    ("PoissonPINN-width", lambda: pde.PoissonPINN(0), ValueError, "width"),
    ("PoissonPINN-depth", lambda: pde.PoissonPINN(4, 1.5), TypeError, "depth"),
    ("PoissonPINN-seed", lambda: pde.PoissonPINN(4, 1, -1), ValueError, "seed"),
    ("PoissonPINN-device", lambda: pde.PoissonPINN(device="nonsense"), ValueError, "device"),
    ("PoissonPINN-dtype", lambda: pde.PoissonPINN(dtype="int64"), TypeError, "dtype"),
    (
        "PoissonPINN-input-width",
        lambda: pde.PoissonPINN(4, 1)(np.ones((3, 2))),
        ValueError,
        r"x must have last dimension 1, got shape \(3, 2\)",
    ),
    ("HeatPINN-T", lambda: pde.HeatPINN(T=0.0), ValueError, "T"),
    ("HeatPINN-width", lambda: pde.HeatPINN(-1), ValueError, "width"),
    ("HeatPINN-dtype", lambda: pde.HeatPINN(dtype=torch.int32), TypeError, "dtype"),
    (
        "HeatPINN-input-width",
        lambda: pde.HeatPINN(4, 1)(np.ones((3, 3))),
        ValueError,
        r"x must have last dimension 2, got shape \(3, 3\)",
    ),
    ("HeatPINN-input-ndim", lambda: pde.HeatPINN(4, 1)(np.ones(2)), ValueError, "x must have 2 dimensions"),
    # the training functions (they validate before building anything)
    ("train_pinn_poisson-width", lambda: pde.train_pinn_poisson(width=0), ValueError, "width"),
    ("train_pinn_poisson-device", lambda: pde.train_pinn_poisson(device="nonsense"), ValueError, "device"),
    ("train_pinn_poisson-lr", lambda: pde.train_pinn_poisson(lr=0.0), ValueError, "lr"),
    ("train_pinn_poisson-adam_steps", lambda: pde.train_pinn_poisson(adam_steps=-1), ValueError, "adam_steps"),
    ("train_pinn_heat-T", lambda: pde.train_pinn_heat(T=0.0), ValueError, "T"),
    ("train_pinn_heat-n_x", lambda: pde.train_pinn_heat(n_x=0), ValueError, "n_x"),
    # the demos
    ("poisson_stability_demo-ms", lambda: pde.poisson_stability_demo(ms=(0, 5)), ValueError, "ms"),
    ("poisson_stability_demo-ms-type", lambda: pde.poisson_stability_demo(ms=(5.5,)), TypeError, "ms"),
    ("poisson_stability_demo-seed", lambda: pde.poisson_stability_demo(seed=-1), ValueError, "seed"),
    ("pinn_generalization_demo-Ns", lambda: pde.pinn_generalization_demo(Ns=(10, 10)), ValueError, "Ns"),
    ("pinn_generalization_demo-Ns-short", lambda: pde.pinn_generalization_demo(Ns=(10,)), ValueError, "Ns"),
    ("pinn_generalization_demo-m", lambda: pde.pinn_generalization_demo(m=0), ValueError, "m"),
]
