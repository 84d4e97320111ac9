"""Private helpers shared by the topic modules of :mod:`dlmath.optimization`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..plotting import figure_grid
from ..utils import as_array, check_real

__all__: list[str] = []


def _axes_pair(ax: Any) -> tuple[Any, Any]:
    """The two axes of a two-panel plot: ``ax`` if given, else those of a new 7 x 3.2 figure."""
    if ax is not None:
        return ax
    _, grid = figure_grid(2, width=7.0, height=3.2)
    return grid[0, 0], grid[0, 1]


def _check_horizon(T: Any, dt: Any) -> tuple[float, float]:
    """Validate the time horizon ``T > 0`` and the time step ``0 < dt <= T`` of a gradient flow."""
    T = check_real(T, "T", minimum=0.0, strict_min=True)
    dt = check_real(dt, "dt", minimum=0.0, strict_min=True)
    if dt > T:
        raise ValueError(f"dt must not exceed T, got dt={dt}, T={T}")
    return T, dt


def _linear_system(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (n, p) and ``y`` (n,) of a linear system or a labelled sample, as float64 arrays."""
    Xa = as_array(X, "X", ndim=2)
    ya = as_array(y, "y", ndim=1)
    if ya.shape[0] != Xa.shape[0]:
        raise ValueError(f"y must have one entry per row of X, shape ({Xa.shape[0]},), got shape {ya.shape}")
    return Xa, ya
