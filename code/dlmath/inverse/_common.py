"""Private helpers shared by the topic modules of :mod:`dlmath.inverse`.

Argument conversion (NumPy mirror of the data-to-data convention), the shrinkage of
:math:`\\ell^1` proximal maps, the LASSO solver core shared by ISTA, FISTA and the rate demos,
sparse test signals, fitted geometric rates and the plotting helpers of the image demos.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..plotting import figure_grid
from ..utils import as_array, check_int, check_real, is_tensor

# ---------------------------------------------------------------------------------------------
# argument conversion


def _reference(*values: Any) -> Any:
    """The argument whose kind the result takes: the first tensor among ``values``, else the first."""
    for v in values:
        if is_tensor(v):
            return v
    return values[0]


def _check_matrix(A: Any, name: str = "A") -> np.ndarray:
    return as_array(A, name, ndim=2, min_size=1)


def _check_callable(value: Any, name: str) -> Any:
    if not callable(value):
        raise TypeError(f"{name} must be callable, got {type(value).__name__}")
    return value


def _to_numpy(value: Any) -> np.ndarray:
    """What a user callable returned (NumPy or a tensor on any device) as a float64 array."""
    if is_tensor(value):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=np.float64)


# ---------------------------------------------------------------------------------------------
# shrinkage and the LASSO solver core


def _shrink(z: Any, tau: Any) -> Any:
    r"""Soft thresholding :math:`\operatorname{sign}(z)\max(|z| - \tau, 0)` of an array or a tensor.

    The one implementation of the shrinkage, used by :func:`~dlmath.inverse.soft_threshold`, the
    unrolled iterations and :class:`~dlmath.inverse.LISTACP` (where ``tau`` is a parameter).
    """
    if is_tensor(z):
        return torch.sign(z) * torch.relu(z.abs() - tau)
    return np.sign(z) * np.maximum(np.abs(z) - tau, 0.0)


def _lipschitz(A: np.ndarray) -> float:
    r""":math:`L = \|A\|_2^2`, the Lipschitz constant of :math:`\nabla\frac12\|Ax - y\|^2`."""
    return np.linalg.norm(A, 2) ** 2


def _check_lasso(A, y, lam, n_iter, x0):
    """Validate the arguments of :func:`ista` and :func:`fista` (one validator for both)."""
    A = _check_matrix(A)
    y = as_array(y, "y", ndim=1)
    if y.shape[0] != A.shape[0]:
        raise ValueError(f"y must have length {A.shape[0]} (rows of A), got {y.shape[0]}")
    lam = check_real(lam, "lam", minimum=0.0)
    n_iter = check_int(n_iter, "n_iter", minimum=0)
    if x0 is None:
        x0 = np.zeros(A.shape[1])
    else:
        x0 = as_array(x0, "x0", ndim=1)
        if x0.shape[0] != A.shape[1]:
            raise ValueError(f"x0 must have length {A.shape[1]} (columns of A), got {x0.shape[0]}")
    return A, y, lam, n_iter, x0


def _fista_path(A, y, lam, n_iter, x0, accelerate, L=None, record=True):
    """ISTA (``accelerate=False``) or FISTA from ``x0``: the last iterate and the objective values."""
    if L is None:
        L = _lipschitz(A)
    x = x0.copy()
    z = x.copy()
    t = 1.0
    vals = np.full(n_iter + 1, np.inf)
    F = lambda v: 0.5 * np.sum((A @ v - y) ** 2) + lam * np.sum(np.abs(v))  # noqa: E731
    vals[0] = F(x)
    AtA, Aty = A.T @ A, A.T @ y
    for k in range(n_iter):
        base = z if accelerate else x
        x_new = _shrink(base - (AtA @ base - Aty) / L, lam / L)
        if accelerate:
            t_new = 0.5 * (1 + math.sqrt(1 + 4 * t * t))
            z = x_new + ((t - 1) / t_new) * (x_new - x)
            t = t_new
        x = x_new
        if record:
            vals[k + 1] = F(x)
    if not record:
        vals[-1] = F(x)
    return x, vals


def _lasso_exact(A, y, lam, x):
    """Polish an approximate LASSO solution by solving the KKT system on its support."""
    S = np.abs(x) > 1e-9 * max(1.0, np.max(np.abs(x)))
    if not S.any():
        return x
    sg = np.sign(x[S])
    AS = A[:, S]
    try:
        xs = np.linalg.solve(AS.T @ AS, AS.T @ y - lam * sg)
    except np.linalg.LinAlgError:
        return x
    z = np.zeros_like(x)
    z[S] = xs
    corr = A.T @ (y - A @ z)
    if np.all(np.sign(xs) == sg) and np.all(np.abs(corr[~S]) <= lam * (1 + 1e-12)):
        return z
    return x


# ---------------------------------------------------------------------------------------------
# test signals, rates


def _sparse_signals(g, n, s, p):
    """p columns with s non-zeros each, at uniformly random positions, standard normal values."""
    X = np.zeros((n, p))
    idx = np.argsort(g.random((n, p)), axis=0)[:s]
    X[idx, np.arange(p)[None, :]] = g.standard_normal((s, p))
    return X


def _geometric_rate(k: np.ndarray, values: np.ndarray) -> float:
    """The factor :math:`r` of the least-squares fit :math:`\\log v_k \\approx c + k\\log r`."""
    return float(np.exp(np.polyfit(k, np.log(values), 1)[0]))


def _median_rel_err(iterates, X: np.ndarray) -> np.ndarray:
    """Median over the columns of :math:`\\|x^k - x^*\\|/\\|x^*\\|`, one value per iterate."""
    nx = np.linalg.norm(X, axis=0)
    return np.array([np.median(np.linalg.norm(x - X, axis=0) / nx) for x in iterates])


# ---------------------------------------------------------------------------------------------
# plotting


def _axes_pair(ax):
    """Two side-by-side axes, or the pair ``ax`` the caller passed."""
    if ax is None:
        _, grid = figure_grid(2, width=7.5, height=3.0)
        return grid[0]
    return ax


def _image_row(ax, images, *, width: float, height: float):
    """Grey-level images in [0, 1] side by side, each with its title; returns the axes."""
    if ax is None:
        _, grid = figure_grid(len(images), width=width, height=height)
        ax = grid[0]
    for a, (img, title) in zip(ax, images):
        a.imshow(np.clip(img, 0, 1), cmap="gray", vmin=0, vmax=1)
        a.set_title(title, fontsize=8)
        a.set_axis_off()
    return ax
