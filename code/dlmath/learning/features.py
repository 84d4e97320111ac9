r"""Features for least squares on [0, 1]: the orthonormal shifted Legendre basis.

:func:`legendre_features` is the feature map of the polynomial classes :math:`F_k` of chapter
*Neural networks and the error decomposition* and of the regression part of the Bayes predictor
demo of chapter *Risk, Bayes predictors and empirical risk minimisation*.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..utils import as_array, check_int, like_input

__all__ = ["legendre_features"]


def legendre_features(x: Any, degree: int) -> Any:
    r"""Orthonormal shifted Legendre polynomials on [0, 1].

    :math:`\varphi_j(x) = \sqrt{2j+1}\, P_j(2x - 1)`, :math:`j = 0, \dots, k`, where
    :math:`P_j` is the Legendre polynomial of degree :math:`j`; they form an orthonormal basis
    of the polynomials of degree at most :math:`k` in :math:`L^2(0,1)`.

    Parameters
    ----------
    x : array_like or torch.Tensor, shape (m,)
        Points (usually in [0, 1]).
    degree : int
        Largest degree :math:`k \ge 0`.

    Returns
    -------
    ndarray or torch.Tensor, shape (m, degree + 1)
        The matrix :math:`(\varphi_j(x_i))_{ij}`: NumPy for NumPy (or a list), a tensor of the
        dtype and on the device of ``x`` for a tensor (computed in float64).

    Raises
    ------
    TypeError, ValueError
        If ``x`` is not a finite one-dimensional real array or ``degree`` is not a non-negative
        integer.

    Examples
    --------
    >>> legendre_features([0.0, 0.5, 1.0], 2).round(4)
    array([[ 1.    , -1.7321,  2.2361],
           [ 1.    ,  0.    , -1.118 ],
           [ 1.    ,  1.7321,  2.2361]])

    References
    ----------
    Book, chapter *Neural networks and the error decomposition*.
    """
    xa = as_array(x, "x", ndim=1)
    degree = check_int(degree, "degree", minimum=0)
    v = np.polynomial.legendre.legvander(2 * xa - 1, degree)
    return like_input(v * np.sqrt(2 * np.arange(degree + 1) + 1), x)
