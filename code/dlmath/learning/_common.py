"""Private helpers shared by the topic modules of :mod:`dlmath.learning`."""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


def _unit_quadrature(m: int = 80) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of the ``m``-point Gauss-Legendre rule on [0, 1] (weights sum to 1)."""
    nodes, weights = np.polynomial.legendre.leggauss(m)
    return (nodes + 1) / 2, weights / 2


def _safe_ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` where ``den > 0``; elsewhere ``inf`` if ``num > den`` and 0 otherwise.

    The deviations of the checks in units of a scale that may vanish: a zero standard error
    (a difference that vanishes identically) or a non-positive right-hand side of a bound.
    """
    return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.where(num > den, np.inf, 0.0))
