r"""Harmonic analysis on the sphere: spherical harmonics, Gegenbauer polynomials, Funk-Hecke.

A function :math:`\kappa(\langle x, y\rangle)` of the inner product on the unit sphere
:math:`S^{d-1}\subset\R^d` (a rotation-invariant kernel, or a ridge function) is diagonal in
the spherical harmonics: with :math:`\sigma` the uniform probability measure,

.. math::

    \kappa(\langle x,y\rangle) = \sum_{k\ge0}\mu_k\sum_{j=1}^{N(d,k)}Y_{kj}(x)Y_{kj}(y),\qquad
    \mu_k = \frac{\Gamma(d/2)}{\sqrt\pi\,\Gamma((d-1)/2)}\int_{-1}^1\kappa(t)P_k^{(d)}(t)
    (1-t^2)^{(d-3)/2}\,\dd t

(the Funk-Hecke formula), where :math:`P_k^{(d)}` is the Gegenbauer polynomial normalised by
:math:`P_k^{(d)}(1) = 1` and :math:`N(d,k)` the dimension of the degree-:math:`k` harmonics. The
addition theorem :math:`\sum_j Y_{kj}(x)Y_{kj}(y) = N(d,k)P_k^{(d)}(\langle x,y\rangle)` gives
:math:`\kappa(t) = \sum_k\mu_kN(d,k)P_k^{(d)}(t)`.

Used by the chapters *Dimension-free rates: Barron and variation spaces* (the harmonic
expansion of one ReLU neuron) and *Beyond uniform convergence* (the NTK spectrum on the sphere,
kernel regression in high dimension).

References
----------
Atkinson, Han, *Spherical Harmonics and Approximations on the Unit Sphere* (2012), Chapter 2;
Bach (2017), Appendix D; Bietti, Mairal (2019).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np
from scipy.special import gammaln, roots_jacobi

from ..utils import as_array, check_int, check_int_sequence, check_real_sequence, like_input, rng

__all__ = [
    "harmonic_dimension",
    "gegenbauer",
    "funk_hecke",
    "sphere_measure_ratio",
    "uniform_sphere",
    "relu_harmonic_coefficients",
]


def harmonic_dimension(d: int, k: int) -> int:
    r"""Dimension :math:`N(d,k)` of the spherical harmonics of degree :math:`k` on :math:`S^{d-1}`.

    .. math::

        N(d,0) = 1,\qquad N(d,k) = \frac{2k+d-2}{k}\binom{k+d-3}{k-1}\quad(k\ge1),

    so :math:`N(2,k) = 2`, :math:`N(3,k) = 2k+1`, and :math:`N(d,k)\sim 2k^{d-2}/(d-2)!` as
    :math:`k\to\infty`, :math:`N(d,k)\sim d^k/k!` as :math:`d\to\infty`.

    Parameters
    ----------
    d : int
        Ambient dimension, at least 2.
    k : int
        Degree, at least 0.

    Returns
    -------
    int

    Examples
    --------
    >>> [harmonic_dimension(3, k) for k in range(4)]
    [1, 3, 5, 7]
    >>> harmonic_dimension(10, 2)
    54
    """
    d = check_int(d, "d", minimum=2)
    k = check_int(k, "k", minimum=0)
    if k == 0:
        return 1
    return (2 * k + d - 2) * math.comb(k + d - 3, k - 1) // k


def gegenbauer(k: int, d: int, t: Any) -> np.ndarray:
    r"""Gegenbauer (Legendre) polynomial :math:`P_k^{(d)}(t)` of :math:`S^{d-1}`, with :math:`P_k^{(d)}(1) = 1`.

    Computed by the three-term recurrence :math:`P_0 = 1`, :math:`P_1 = t`,

    .. math::

        (k+d-2)\,P_{k+1}(t) = (2k+d-2)\,t\,P_k(t) - k\,P_{k-1}(t),

    the polynomials being orthogonal for the weight :math:`(1-t^2)^{(d-3)/2}` on :math:`[-1,1]`
    (for :math:`d = 3` the Legendre polynomials, for :math:`d = 2` the Chebyshev polynomials
    :math:`\cos(k\arccos t)`).

    Parameters
    ----------
    k : int
        Degree, at least 0.
    d : int
        Ambient dimension, at least 2.
    t : array_like or torch.Tensor
        Points of :math:`[-1, 1]`; any shape.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        :math:`P_k^{(d)}(t)`, the shape of ``t`` (NumPy float64 for NumPy, a tensor of the
        input's dtype and device for a tensor).

    Examples
    --------
    >>> float(gegenbauer(2, 3, 0.5))  # (3 t^2 - 1) / 2
    -0.125
    """
    k = check_int(k, "k", minimum=0)
    d = check_int(d, "d", minimum=2)
    return like_input(_gegenbauer(k, d, as_array(t, "t")), t)


def _gegenbauer(k: int, d: int, t: np.ndarray) -> np.ndarray:
    """The recurrence of :func:`gegenbauer` on a float64 array, without the checks."""
    p_prev, p = np.ones_like(t), t.copy()
    if k == 0:
        return p_prev
    for j in range(1, k):
        p_prev, p = p, ((2 * j + d - 2) * t * p - j * p_prev) / (j + d - 2)
    return p


def sphere_measure_ratio(d: int) -> float:
    r"""The constant :math:`|S^{d-2}|/|S^{d-1}| = \Gamma(d/2)/(\sqrt\pi\,\Gamma((d-1)/2))`.

    It makes :math:`t\mapsto c_d(1-t^2)^{(d-3)/2}` the density on :math:`[-1,1]` of
    :math:`\langle x, e\rangle` for :math:`x` uniform on :math:`S^{d-1}`.

    Parameters
    ----------
    d : int
        Ambient dimension, at least 2.

    Returns
    -------
    float

    Examples
    --------
    >>> round(sphere_measure_ratio(3), 12)  # uniform density 1/2 on [-1, 1]
    0.5
    """
    d = check_int(d, "d", minimum=2)
    return float(np.exp(gammaln(d / 2) - gammaln((d - 1) / 2) - 0.5 * math.log(math.pi)))


def _jacobi_rule(n_quad: int, a: float, b: float, lo: float, hi: float, left: bool, right: bool):
    """Nodes and weights on [lo, hi] for f(t) (1-t)^a (1+t)^b, singular factors only at +1 / -1."""
    alpha = a if right else 0.0
    beta = b if left else 0.0
    s, w = roots_jacobi(n_quad, alpha, beta)
    half = (hi - lo) / 2
    t = lo + half * (s + 1)
    # (1 - t) = half (1 - s) at the right end hi = 1, (1 + t) = half (1 + s) at the left end lo = -1
    w = w * half ** (1 + alpha + beta)
    if not right:
        w = w * (1 - t) ** a
    if not left:
        w = w * (1 + t) ** b
    return t, w


def funk_hecke(
    func: Callable[[np.ndarray], np.ndarray],
    d: int,
    degrees: Any,
    *,
    breakpoints: Sequence[float] = (),
    n_quad: int = 200,
) -> np.ndarray:
    r"""Funk-Hecke coefficients :math:`\mu_k` of :math:`\kappa(\langle x,y\rangle)` on :math:`S^{d-1}`.

    .. math::

        \mu_k = \frac{\Gamma(d/2)}{\sqrt\pi\,\Gamma((d-1)/2)}\int_{-1}^1\kappa(t)\,P_k^{(d)}(t)
        \,(1-t^2)^{(d-3)/2}\,\dd t ,

    so that :math:`\int\kappa(\langle x,y\rangle)Y(y)\,\dd\sigma(y) = \mu_kY(x)` for every harmonic
    :math:`Y` of degree :math:`k` (:math:`\sigma` the uniform probability measure). The integral is
    computed by Gauss-Jacobi quadrature on each piece of :math:`[-1,1]` cut at ``breakpoints``
    (the kinks of :math:`\kappa`, where the rule would otherwise converge slowly), the Jacobi
    weight carried by the nodes at :math:`\pm1`.

    Parameters
    ----------
    func : callable
        :math:`\kappa`, vectorised over a NumPy array of points of :math:`[-1,1]`.
    d : int
        Ambient dimension, at least 2.
    degrees : int or sequence of int
        The degrees :math:`k\ge0`.
    breakpoints : sequence of float, default ()
        Points of :math:`(-1,1)` where :math:`\kappa` is not smooth.
    n_quad : int, default 200
        Nodes per piece.

    Returns
    -------
    numpy.ndarray
        :math:`\mu_k` for each degree, shape ``(len(degrees),)`` (a scalar array for an int).

    Examples
    --------
    >>> import numpy as np
    >>> mu = funk_hecke(lambda t: t, 3, [0, 1, 2])  # <x, y> is a degree-1 kernel, mu_1 = 1/d
    >>> np.round(mu, 12) + 0.0
    array([0.        , 0.33333333, 0.        ])

    References
    ----------
    Atkinson, Han (2012), Theorem 2.22; Bach (2017), Appendix D.2.
    """
    if not callable(func):
        raise TypeError(f"func must be callable, got {type(func).__name__}")
    d = check_int(d, "d", minimum=2)
    scalar = isinstance(degrees, (int, np.integer))
    ks = [check_int(k, "degrees", minimum=0) for k in np.atleast_1d(np.asarray(degrees, dtype=object)).tolist()]
    cuts = []
    if len(breakpoints):
        cuts = list(check_real_sequence(breakpoints, "breakpoints", increasing=True))
        if not -1 < cuts[0] or not cuts[-1] < 1:
            raise ValueError(f"breakpoints must lie in (-1, 1), got {cuts}")
    n_quad = check_int(n_quad, "n_quad", minimum=2)
    a = (d - 3) / 2
    edges = [-1.0, *cuts, 1.0]
    nodes, weights = [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        t, w = _jacobi_rule(n_quad, a, a, lo, hi, left=lo == -1.0, right=hi == 1.0)
        nodes.append(t)
        weights.append(w)
    t, w = np.concatenate(nodes), np.concatenate(weights)
    values = np.asarray(func(t), dtype=float)
    if values.shape != t.shape:
        raise ValueError(f"func must return one value per point, got shape {values.shape} for {t.shape}")
    c = sphere_measure_ratio(d)
    mu = np.array([c * np.sum(w * values * _gegenbauer(k, d, t)) for k in ks])
    return mu[0] if scalar else mu


def uniform_sphere(n: int, d: int, seed: int = 0) -> np.ndarray:
    r"""``n`` points drawn i.i.d. from the uniform probability measure on :math:`S^{d-1}`.

    Normalised standard Gaussian vectors :math:`g/\norm g` (the law is rotation invariant).

    Parameters
    ----------
    n : int
        Number of points, at least 1.
    d : int
        Ambient dimension, at least 2.
    seed : int, default 0

    Returns
    -------
    numpy.ndarray
        Shape ``(n, d)``, rows of unit norm.

    Examples
    --------
    >>> import numpy as np
    >>> X = uniform_sphere(5, 3)
    >>> X.shape, bool(np.allclose(np.linalg.norm(X, axis=1), 1))
    ((5, 3), True)
    """
    n = check_int(n, "n", minimum=1)
    d = check_int(d, "d", minimum=2)
    g = rng(seed).standard_normal((n, d))
    return g / np.linalg.norm(g, axis=1, keepdims=True)


def relu_harmonic_coefficients(d: int, degrees: Any, power: int = 1) -> np.ndarray:
    r"""Funk-Hecke coefficients of the step (``power=0``) and of the ReLU (``power=1``) on :math:`S^{d-1}`.

    For :math:`\sigma(t) = t_+^{p}`, :math:`p\in\{0,1\}`,
    :math:`\lambda_k = c_d\int_0^1 t^pP_k^{(d)}(t)(1-t^2)^{(d-3)/2}\,\dd t`
    (:func:`dlmath.kernels.funk_hecke`). Rodrigues' formula
    :math:`P_k^{(d)}(t)(1-t^2)^{(d-3)/2} = (-1)^kR_k\,D^k(1-t^2)^{k+(d-3)/2}`,
    :math:`R_k = \Gamma(\frac{d-1}2)/(2^k\Gamma(k+\frac{d-1}2))`, and :math:`p+1` integrations by
    parts give, with :math:`m = k+\frac{d-3}2` and :math:`j = k-1-p`,

    .. math::

        \lambda_k = c_d\,R_k\,j!\binom{m}{j/2}(-1)^{j/2}\quad(j\ge0\ \text{even}),\qquad
        \lambda_k = 0\quad(j\ \text{odd}),

    and :math:`\lambda_0 = \frac12`, resp. :math:`\lambda_0 = c_d/(d-1)`,
    :math:`\lambda_1 = \frac1{2d}`: the step has only odd degrees besides 0, the ReLU only even
    degrees besides 0 and 1. So :math:`t_+^p(\langle w,x\rangle) = \sum_k\lambda_kN(d,k)
    P_k^{(d)}(\langle w,x\rangle)` in :math:`L^2(S^{d-1})`.

    Parameters
    ----------
    d : int
        Ambient dimension, at least 2.
    degrees : int or sequence of int
        Degrees :math:`k\ge0`.
    power : {0, 1}, default 1

    Returns
    -------
    numpy.ndarray
        :math:`\lambda_k`, shape ``(len(degrees),)`` (a scalar array for an int).

    Examples
    --------
    >>> import numpy as np
    >>> np.round(relu_harmonic_coefficients(3, [0, 1, 2, 3]), 12) + 0.0  # 1/4, 1/6, 1/16, 0
    array([0.25      , 0.16666667, 0.0625    , 0.        ])

    References
    ----------
    Book, chapters *Dimension-free rates: Barron and variation spaces* (one ReLU neuron against the
    harmonics) and *Beyond uniform convergence* (the NTK on the sphere). Bach (2017), Appendix D.2; Atkinson, Han (2012),
    Section 2.6 (Rodrigues' formula).
    """
    d = check_int(d, "d", minimum=2)
    scalar = isinstance(degrees, (int, np.integer)) and not isinstance(degrees, bool)
    ks = (
        [check_int(degrees, "degrees", minimum=0)]
        if scalar
        else list(check_int_sequence(degrees, "degrees", minimum=0))
    )
    power = check_int(power, "power", minimum=0, maximum=1)
    c_d = sphere_measure_ratio(d)
    out = np.zeros(len(ks))
    for i, k in enumerate(ks):
        if k == 0:
            out[i] = 0.5 if power == 0 else c_d / (d - 1)
            continue
        if k == 1 and power == 1:
            out[i] = 1.0 / (2 * d)
            continue
        j = k - 1 - power
        if j % 2:
            continue
        m = k + (d - 3) / 2
        log_abs = (
            math.log(c_d)
            + gammaln((d - 1) / 2)
            - k * math.log(2.0)
            - gammaln(k + (d - 1) / 2)
            + gammaln(j + 1)
            + gammaln(m + 1)
            - gammaln(j // 2 + 1)
            - gammaln(m - j // 2 + 1)
        )
        out[i] = (-1) ** (j // 2) * math.exp(log_abs)
    return out[0] if scalar else out
