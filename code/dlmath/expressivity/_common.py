"""Private helpers shared by the topic modules of :mod:`dlmath.expressivity`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..utils import as_array


def _unit_interval(x: Any, name: str) -> np.ndarray:
    """``x`` (array_like or tensor) as a float64 array with entries in [0, 1]."""
    arr = as_array(x, name)
    if np.any(arr < 0.0) or np.any(arr > 1.0):
        raise ValueError(f"{name} must lie in [0, 1]")
    return arr


def _two_panels(ax: Any, height: float) -> tuple[Any, Any]:
    """The two axes of a two-panel figure: ``ax`` (a pair) if given, else a new 7-inch-wide grid."""
    if ax is None:
        from ..plotting import figure_grid

        _, grid = figure_grid(2, width=7.0, height=height)
        ax = grid[0]
    return ax[0], ax[1]
