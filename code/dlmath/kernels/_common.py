"""Private helpers shared by the topic modules of :mod:`dlmath.kernels`."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..utils import as_tensor, check_array, is_tensor, loglog_slope


def _slope_se(x: Any, Y: np.ndarray) -> float:
    r"""Standard error of a fitted log-log slope from its spread over seeds.

    ``Y`` has shape ``(n_seeds, len(x))``; the slope of each seed's curve is fitted and the
    standard error is their standard deviation over :math:`\sqrt{n_{\rm seeds}}`. With one
    seed, the residual standard error of the least-squares fit is returned instead.
    """
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    lx = np.log(np.asarray(x, dtype=float))
    if Y.shape[0] >= 2:
        slopes = np.array([loglog_slope(x, row) for row in Y])
        return float(slopes.std(ddof=1) / math.sqrt(len(slopes)))
    ly = np.log(Y[0])
    A = np.column_stack([lx, np.ones_like(lx)])
    coef, *_ = np.linalg.lstsq(A, ly, rcond=None)
    dof = max(len(lx) - 2, 1)
    s2 = float(np.sum((ly - A @ coef) ** 2)) / dof
    return float(math.sqrt(s2 / np.sum((lx - lx.mean()) ** 2)))


def _matrix(X: Any, name: str) -> torch.Tensor:
    """``X`` as a tensor of shape (n, d), n, d >= 1 (a tensor keeps its dtype and device)."""
    t = as_tensor(X, name, ndim=2)
    if t.shape[0] < 1 or t.shape[1] < 1:
        raise ValueError(f"{name} must have at least one row and one column, got shape {tuple(t.shape)}")
    return t


def _pair(X1: Any, X2: Any, name1: str = "X1", name2: str = "X2") -> tuple[torch.Tensor, torch.Tensor]:
    """Float64 tensors of ``X1`` and ``X2`` (default ``X1``) with equal columns, on ``X1``'s device."""
    A = _matrix(X1, name1).to(torch.float64)
    if X2 is None:
        return A, A
    B = _matrix(X2, name2).to(dtype=torch.float64, device=A.device)
    if B.shape[1] != A.shape[1]:
        raise ValueError(f"{name2} must have as many columns as {name1} ({A.shape[1]}), got {B.shape[1]}")
    return A, B


def _real_array(value: Any, name: str, *, ndim: int | None = None, min_size: int = 0) -> np.ndarray:
    """A float64 NumPy array of ``value`` (a tensor on any device too); complex is a TypeError."""
    complex_input = value.is_complex() if is_tensor(value) else np.iscomplexobj(value)
    if complex_input:
        raise TypeError(f"{name} must be real, got complex values")
    return check_array(value, name, ndim=ndim, min_size=min_size)


def _reference(*values: Any) -> Any:
    """The argument deciding the output type: the first tensor among ``values``, else the first one."""
    return next((v for v in values if is_tensor(v)), values[0])
