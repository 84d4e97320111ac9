r"""The model problem: the Poisson problem on the unit interval, its norms and its a-posteriori bound.

The model problem of chapter *Physics-informed neural networks* is

.. math::

    -u'' = f \quad\text{on } (0,1), \qquad u(0) = u(1) = 0,
    \qquad u(x) = \sin(\pi x) + \tfrac12 \sin(3\pi x),

so that :math:`f(x) = \pi^2 \sin(\pi x) + \tfrac{9\pi^2}{2} \sin(3\pi x)`
(:func:`poisson_exact` and :func:`poisson_rhs`). A trial function :math:`v` (a network) has the
strong-form residual :math:`r = -v'' - f`; the a-posteriori bound (:func:`poisson_error_bound`)
of theorem ``pde-poisson_stability`` is

.. math::

    \|u - v\|_{L^2} \le \pi^{-2} \|r\|_{L^2} + \big((e_0^2 + e_0 e_1 + e_1^2)/3\big)^{1/2},
    \qquad e_0 = v(0),\ e_1 = v(1).

The :math:`L^2(0,1)` norms are computed by composite Gauss-Legendre quadrature (:func:`l2_norm`).
The closed forms take NumPy (or a list) and return NumPy, or take a tensor and return a tensor of
its dtype on its device (computed in float64).

References
----------
Evans, *Partial Differential Equations*, Sec. 6.5 (Dirichlet eigenvalues); Mishra and Molinaro
(2023), the stability assumption.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np

from ..utils import check_int, check_real, like_input
from ._common import _PI, _float64_array, _gauss_nodes

__all__ = ["poisson_exact", "poisson_rhs", "l2_norm", "poisson_error_bound"]


def poisson_exact(x: Any) -> Any:
    r"""The exact solution :math:`u(x) = \sin(\pi x) + \tfrac12\sin(3\pi x)` of the model problem.

    Parameters
    ----------
    x : array_like or torch.Tensor
        Points of :math:`[0,1]` (any shape).

    Returns
    -------
    numpy.ndarray or torch.Tensor
        :math:`u(x)`, same shape as ``x`` (a tensor of the dtype and device of a tensor ``x``).

    Examples
    --------
    >>> poisson_exact([0.0, 0.5]).round(12)
    array([0. , 0.5])

    References
    ----------
    Book: chapter *Physics-informed neural networks*; the model problem of :mod:`dlmath.pde`.
    """
    xa = _float64_array(x, "x")
    return like_input(np.sin(_PI * xa) + 0.5 * np.sin(3 * _PI * xa), x)


def poisson_rhs(x: Any) -> Any:
    r"""The source :math:`f = -u'' = \pi^2\sin(\pi x) + \tfrac{9\pi^2}{2}\sin(3\pi x)` of the model problem.

    The argument and the result are as for :func:`poisson_exact`: points ``x`` of :math:`[0,1]`
    of any shape, and :math:`f(x)` of the same shape (NumPy, or a tensor of the dtype and device
    of a tensor ``x``).

    Examples
    --------
    >>> import math
    >>> bool(abs(poisson_rhs([0.5])[0] - (1 - 4.5) * math.pi**2) < 1e-12)
    True

    References
    ----------
    Book: chapter *Physics-informed neural networks*; the model problem of :mod:`dlmath.pde`.
    """
    xa = _float64_array(x, "x")
    return like_input(_PI**2 * np.sin(_PI * xa) + 4.5 * _PI**2 * np.sin(3 * _PI * xa), x)


def l2_norm(fn: Callable[[np.ndarray], np.ndarray], *, n_panels: int = 64, order: int = 16) -> float:
    r"""The :math:`L^2(0,1)` norm :math:`(\int_0^1 g(x)^2\,dx)^{1/2}` by composite Gauss-Legendre quadrature.

    Parameters
    ----------
    fn : callable
        Maps a 1-D NumPy array of points to the values :math:`g(x)` (same shape).
    n_panels, order : int, default 64 and 16
        Number of panels and Gauss points per panel (exact for polynomials of degree
        ``2*order-1`` on each panel).

    Returns
    -------
    float

    Examples
    --------
    >>> import math
    >>> round(l2_norm(lambda x: math.sqrt(3.0) * x), 12)
    1.0

    References
    ----------
    Book: chapter *Physics-informed neural networks*.
    """
    if not callable(fn):
        raise TypeError(f"fn must be callable, got {type(fn).__name__}")
    n_panels = check_int(n_panels, "n_panels", minimum=1)
    order = check_int(order, "order", minimum=1, maximum=200)
    x, w = _gauss_nodes(n_panels, order)
    g = np.asarray(fn(x), dtype=np.float64)
    return float(np.sqrt(np.sum(w * g**2)))


def poisson_error_bound(resid_l2: float, e0: float = 0.0, e1: float = 0.0) -> float:
    r"""The a-posteriori bound :math:`\pi^{-2}\|r\|_{L^2} + ((e_0^2+e_0e_1+e_1^2)/3)^{1/2}`.

    Parameters
    ----------
    resid_l2 : float
        :math:`\|r\|_{L^2(0,1)} \ge 0` of the residual :math:`r = -v'' - f`.
    e0, e1 : float, default 0
        Boundary values :math:`v(0)` and :math:`v(1)` of the trial function.

    Returns
    -------
    float
        The bound on :math:`\|u - v\|_{L^2(0,1)}` of theorem ``pde-poisson_stability``.

    Examples
    --------
    >>> import math
    >>> poisson_error_bound(math.pi**2)
    1.0

    References
    ----------
    Book: chapter *Physics-informed neural networks*.
    """
    resid_l2 = check_real(resid_l2, "resid_l2", minimum=0.0)
    e0 = check_real(e0, "e0")
    e1 = check_real(e1, "e1")
    return resid_l2 / _PI**2 + math.sqrt((e0 * e0 + e0 * e1 + e1 * e1) / 3.0)


# ---------------------------------------------------------------------------------------------
# private helpers of the demos: the residual of a trial function and its H^1 error
# ---------------------------------------------------------------------------------------------


def _residual_fn(eval_fn):
    """The residual r = -v'' - f of a trial function ``eval_fn(x, deriv)``, as a function of x."""
    return lambda x: -eval_fn(x, 2) - poisson_rhs(x)


def _h1_seminorm_err(v) -> float:
    r"""|u - v|_{H^1} = (\int (u-v)'^2)^{1/2} = (-\int (u-v)(u-v)'')^{1/2} for zero boundary values."""
    x, w = _gauss_nodes()
    e = poisson_exact(x) - v(x)
    e2 = -poisson_rhs(x) - v(x, 2)
    return float(np.sqrt(max(-np.sum(w * e * e2), 0.0)))
