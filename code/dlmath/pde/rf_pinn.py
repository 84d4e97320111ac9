r"""The random-feature PINN: a PINN whose training is a linear least-squares problem.

The trial space is :math:`v(x) = x(1-x)\sum_{j\le m} c_j \tanh(a_j x + b_j)` with frozen random
inner weights, so the boundary values are exactly zero and minimising the discrete strong-form
loss over the outer weights :math:`c` is linear least squares (:func:`rf_pinn_poisson`). The
demos of theorems ``pde-poisson_stability`` and ``pde-pinn_generalization`` train such PINNs
because their training is deterministic and exact.

References
----------
Raissi, Perdikaris, Karniadakis (2019) for the strong-form loss; random-feature ("extreme
learning machine") PINNs: Dong and Li (2021).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..utils import as_tensor, check_int, is_tensor, like_input, rng
from ._common import _float64_array
from .poisson import poisson_rhs

__all__ = ["rf_pinn_poisson"]


def _rf_features(a: torch.Tensor, b: torch.Tensor):
    """phi(x) = x(1-x) tanh(a x + b) (vector of m features) and its derivatives of order 0-4 by autograd."""

    def phi(x: torch.Tensor) -> torch.Tensor:  # scalar x -> (m,)
        return x * (1 - x) * torch.tanh(a * x + b)

    derivs = [phi]
    for _ in range(4):
        derivs.append(torch.func.jacfwd(derivs[-1]))
    return [torch.func.vmap(d) for d in derivs]


def rf_pinn_poisson(m: int, n_colloc: int = 200, seed: int = 0, *, points: Any = None):
    r"""A random-feature PINN for :math:`-u''=f`, :math:`u(0)=u(1)=0`, fitted by least squares.

    The trial space is :math:`v(x) = x(1-x)\sum_{j\le m} c_j \tanh(a_j x + b_j)` with frozen
    random inner weights :math:`a_j \sim N(0, 36)`, :math:`b_j \sim U[-6, 6]` (a one-hidden-layer
    tanh network whose boundary values are exactly zero). The outer weights minimise the
    discrete strong-form loss :math:`\sum_i (v''(x_i) + f(x_i))^2`, a linear least-squares
    problem; the second derivatives of the features come from ``torch.func`` (float64).

    Parameters
    ----------
    m : int
        Number of features, >= 1.
    n_colloc : int, default 200
        Number of collocation points; the midpoints :math:`x_i = (i - 1/2)/N` unless
        ``points`` is given.
    seed : int, default 0
        Seed of the random features.
    points : array_like or torch.Tensor, shape (N,), optional
        Collocation points in :math:`[0, 1]` (overrides ``n_colloc``).

    Returns
    -------
    coeffs : numpy.ndarray or torch.Tensor, shape (m,)
        The fitted outer weights :math:`c` (a tensor of the dtype and device of a tensor ``points``).
    eval_fn : callable
        ``eval_fn(x, deriv=0)`` returns the derivative of order ``deriv`` (0 to 4) of :math:`v`
        at a 1-D array of points: NumPy for NumPy (or a list), a tensor of the dtype and device
        of a tensor ``x``; computed in float64.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.

    Examples
    --------
    >>> coeffs, v = rf_pinn_poisson(5, 50)
    >>> coeffs.shape
    (5,)
    >>> v([0.0, 1.0])
    array([0., 0.])

    References
    ----------
    Book: chapter *Physics-informed neural networks*. Raissi et al. (2019) for the strong
    form loss; random-feature ("extreme learning machine") PINNs: Dong and Li (2021).
    """
    m = check_int(m, "m", minimum=1)
    n_colloc = check_int(n_colloc, "n_colloc", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    if points is None:
        xs = (np.arange(n_colloc) + 0.5) / n_colloc
    else:
        xs = _float64_array(points, "points", ndim=1)
        if xs.size < 1:
            raise ValueError("points must have at least 1 entries, got 0")
        if np.any(xs < 0) or np.any(xs > 1):
            raise ValueError("points must lie in [0, 1]")
    g = rng(seed)
    a = torch.as_tensor(g.normal(0.0, 6.0, size=m), dtype=torch.float64)
    b = torch.as_tensor(g.uniform(-6.0, 6.0, size=m), dtype=torch.float64)
    feats = _rf_features(a, b)
    xt = torch.as_tensor(xs, dtype=torch.float64)
    M = feats[2](xt).numpy()  # (N, m): v''(x_i) = M @ c
    coeffs, *_ = np.linalg.lstsq(M, -poisson_rhs(xs), rcond=None)

    def eval_fn(x: Any, deriv: int = 0) -> Any:
        t = as_tensor(x, "x", ndim=1).detach().to(device="cpu", dtype=torch.float64)
        deriv = check_int(deriv, "deriv", minimum=0, maximum=4)
        return like_input(feats[deriv](t).numpy() @ coeffs, x)

    return (like_input(coeffs, points) if is_tensor(points) else coeffs), eval_fn
