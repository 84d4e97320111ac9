r"""Yarotsky's squaring and multiplication networks: exponential accuracy in the depth.

:func:`yarotsky_square_network` approximates :math:`x^2` on :math:`[0, 1]` to
:math:`2^{-2m-2}` at depth :math:`m` and width 3; :func:`yarotsky_product_network` multiplies
by polarisation (chapter *Depth: sawtooth, squaring and the curse of dimensionality*, theorem
``expressivity-yarotsky_square``).

References
----------
Yarotsky (2017), Propositions 2 and 3.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_device, check_int, check_int_sequence, check_real, like_input, rng
from ._common import _unit_interval
from .relu_nets import ReLUNet, _compose, _layers, _parallel


def yarotsky_square_network(m: int, *, dtype: Any = torch.float32, device: Any = "cpu") -> ReLUNet:
    r"""Yarotsky's network :math:`f_m(x) = x - \sum_{s=1}^m 4^{-s} g_s(x)`, :math:`g_s = \Delta^{\circ s}`.

    Hidden layer :math:`s` holds :math:`\sigma(g_{s-1})`, :math:`\sigma(g_{s-1} - 1/2)` and
    :math:`\sigma(f_{s-1}) = f_{s-1}` (since :math:`f_{s-1} \ge x^2 \ge 0`), with
    :math:`g_0 = f_0 = x`; then :math:`g_s = 2\sigma(g_{s-1}) - 4\sigma(g_{s-1} - 1/2)` and
    :math:`f_s = f_{s-1} - 4^{-s} g_s` are affine in the layer. Depth :math:`m`, width 3, size
    :math:`12m - 2`. On :math:`[0, 1]`, :math:`f_m` is the piecewise-linear interpolant of
    :math:`x^2` at the nodes :math:`j 2^{-m}`.

    Parameters
    ----------
    m : int
        Number of layers, >= 1.
    dtype : torch.dtype or str, default torch.float32
        Dtype of the network (the demos pass ``torch.float64``).
    device : str or torch.device, default "cpu"

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*, theorem
    ``expressivity-yarotsky_square``. Yarotsky (2017), Proposition 2.
    """
    m = check_int(m, "m", minimum=1)
    ws = [np.array([[1.0], [1.0], [1.0]])]
    bs = [np.array([0.0, -0.5, 0.0])]
    for s in range(1, m):
        q = 4.0 ** (-s)
        ws.append(np.array([[2.0, -4.0, 0.0], [2.0, -4.0, 0.0], [-2.0 * q, 4.0 * q, 1.0]]))
        bs.append(np.array([0.0, -0.5, 0.0]))
    q = 4.0 ** (-m)
    ws.append(np.array([[-2.0 * q, 4.0 * q, 1.0]]))
    bs.append(np.array([0.0]))
    return ReLUNet(ws, bs, dtype=dtype, device=device)


def _abs_then(net_layers: tuple, direction: np.ndarray, scale: float):
    """Layers of x -> Phi(|direction . x| * scale): a ReLU layer for |.| merged into Phi."""
    d = direction.shape[0]
    w_abs = np.vstack([direction, -direction])
    inner = ([w_abs, scale * np.array([[1.0, 1.0]])], [np.zeros(2), np.zeros(1)])
    assert w_abs.shape == (2, d)
    return _compose(net_layers, inner)


def yarotsky_product_network(m: int, M: float, *, dtype: Any = torch.float32, device: Any = "cpu") -> ReLUNet:
    r"""Yarotsky's approximate multiplication :math:`\tilde\times(x, y)` as a ReLU network.

    .. math::

        \tilde\times(x, y) = 2M^2\Bigl[f_m\Bigl(\frac{|x+y|}{2M}\Bigr) - f_m\Bigl(\frac{|x|}{2M}\Bigr)
        - f_m\Bigl(\frac{|y|}{2M}\Bigr)\Bigr],

    with :math:`|t| = \sigma(t) + \sigma(-t)` computed in a first hidden layer of width 6 and the
    three copies of :func:`yarotsky_square_network` run in parallel. Depth :math:`m + 1`,
    width 9, size :math:`90m + 1`.

    Parameters
    ----------
    m : int
        Depth parameter, >= 1.
    M : float
        Bound on :math:`|x|, |y|`, > 0.
    dtype : torch.dtype or str, default torch.float32
        Dtype of the network (the demos pass ``torch.float64``).
    device : str or torch.device, default "cpu"

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*. Yarotsky (2017),
    Proposition 3.
    """
    m = check_int(m, "m", minimum=1)
    M = check_real(M, "M", minimum=0.0, strict_min=True)
    fm = _layers(yarotsky_square_network(m, dtype=torch.float64))
    parts = [
        _abs_then(fm, np.array([1.0, 1.0]), 1 / (2 * M)),
        _abs_then(fm, np.array([1.0, 0.0]), 1 / (2 * M)),
        _abs_then(fm, np.array([0.0, 1.0]), 1 / (2 * M)),
    ]
    ws, bs = _parallel(parts, [2 * M * M, -2 * M * M, -2 * M * M])
    return ReLUNet(ws, bs, dtype=dtype, device=device)


def yarotsky_square(x: Any, m: int) -> np.ndarray:
    r"""Yarotsky's approximation :math:`f_m(x)` of :math:`x^2` on :math:`[0, 1]`, through the network.

    :math:`\|f_m - x^2\|_{L^\infty[0,1]} = 2^{-2m-2}`.

    Parameters
    ----------
    x : array_like or torch.Tensor
        Points of :math:`[0, 1]`, any shape.
    m : int
        >= 1.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Same shape as ``x``; a tensor (of the dtype and device of ``x``) for a tensor. The
        network is evaluated in float64.

    Examples
    --------
    >>> yarotsky_square([0.0, 0.25, 0.5, 1.0], 1)  # the interpolant of x^2 at 0, 1/2, 1
    array([0.   , 0.125, 0.25 , 1.   ])

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*. Yarotsky (2017),
    Proposition 2.
    """
    arr = _unit_interval(x, "x")
    m = check_int(m, "m", minimum=1)
    out = yarotsky_square_network(m, dtype=torch.float64).evaluate(arr.reshape(-1)).reshape(arr.shape)
    return like_input(out, x)


def yarotsky_product(x: Any, y: Any, m: int, M: float) -> np.ndarray:
    r"""Yarotsky's approximate product :math:`\tilde\times(x, y)` for :math:`|x|, |y| \le M`.

    :math:`\sup_{|x|,|y| \le M} |\tilde\times(x, y) - xy| \le M^2 2^{-2m}`.

    Parameters
    ----------
    x, y : array_like or torch.Tensor
        Same shape, entries in :math:`[-M, M]`.
    m : int
        >= 1.
    M : float
        > 0.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Same shape as ``x``, and a tensor of the dtype and device of ``x`` for a tensor ``x``.
        The network is evaluated in float64.

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*. Yarotsky (2017),
    Proposition 3.
    """
    M = check_real(M, "M", minimum=0.0, strict_min=True)
    m = check_int(m, "m", minimum=1)
    xa = as_array(x, "x")
    ya = as_array(y, "y")
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same shape, got {xa.shape} and {ya.shape}")
    if np.any(np.abs(xa) > M):
        raise ValueError("x must lie in [-M, M]")
    if np.any(np.abs(ya) > M):
        raise ValueError("y must lie in [-M, M]")
    pts = np.stack([xa.reshape(-1), ya.reshape(-1)], axis=1)
    out = yarotsky_product_network(m, M, dtype=torch.float64).evaluate(pts).reshape(xa.shape)
    return like_input(out, x)


# demos


@demo_result
class YarotskyResult(DemoResult):
    r"""Result of :func:`yarotsky_demo`.

    Attributes
    ----------
    ms : numpy.ndarray
        Values of :math:`m`.
    sup_err, predicted : numpy.ndarray
        Measured :math:`\|f_m - x^2\|_\infty` and :math:`2^{-2m-2}`.
    prod_err, prod_bound : numpy.ndarray
        Measured sup error of the product network and :math:`M^2 2^{-2m}`.
    max_rel_dev, max_rel_dev_wrong : float
        :math:`\max_m |` sup_err/predicted :math:`- 1|`, and the same against :math:`2^{-2m}`.
    M : float
        The bound on :math:`|x|, |y|`.
    max_prod_ratio : float
        :math:`\max_m` prod_err/prod_bound.
    """

    ms: np.ndarray
    sup_err: np.ndarray
    predicted: np.ndarray
    prod_err: np.ndarray
    prod_bound: np.ndarray
    max_rel_dev: float
    M: float
    max_rel_dev_wrong: float
    max_prod_ratio: float

    def plot(self, ax=None):
        ax = axes(ax)
        ax.semilogy(self.ms, self.sup_err, "o", label=r"$\|f_m - x^2\|_{\infty}$ (network)")
        ax.semilogy(self.ms, self.predicted, "-", color="0.4", label=r"$2^{-2m-2}$")
        ax.semilogy(self.ms, self.prod_err, "s", color=COLORS[1], label=r"$\sup |\tilde\times(x,y) - xy|$")
        ax.semilogy(self.ms, self.prod_bound, "--", color=COLORS[1], label=rf"$M^2 2^{{-2m}}$, $M = {self.M:g}$")
        ax.set_xlabel("depth parameter $m$")
        ax.set_ylabel("sup error")
        ax.legend()
        return ax


def yarotsky_demo(
    *,
    ms: Sequence[int] = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
    M: float = 3.0,
    n_pairs: int = 100_000,
    seed: int = 0,
    device: Any = "cpu",
) -> YarotskyResult:
    r"""Exponential accuracy of Yarotsky's squaring and multiplication networks in the depth.

    :math:`\|f_m - x^2\|_{L^\infty[0,1]} = 2^{-2m-2}` is measured on the grid :math:`j 2^{-16}`
    (which contains the maximisers :math:`(2j+1)2^{-m-1}` for :math:`m \le 15`), and
    :math:`\sup |\tilde\times(x,y) - xy| \le M^2 2^{-2m}` on ``n_pairs`` uniform random pairs of
    :math:`[-M, M]^2` together with the corners :math:`(\pm M, \pm M)` and the pair
    :math:`x = y = M 2^{-m}`, where the bound is attained.

    Parameters
    ----------
    ms : sequence of int, default (1, ..., 10)
        Values of :math:`m` between 1 and 15.
    M : float, default 3.0
    n_pairs : int, default 100000
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    YarotskyResult
        ``sup_err``, ``predicted`` :math:`= 2^{-2m-2}`, ``prod_err``, ``prod_bound``
        :math:`= M^2 2^{-2m}`, ``max_rel_dev`` :math:`= \max_m |` sup_err/predicted :math:`- 1|`,
        ``max_rel_dev_wrong`` (the same against :math:`2^{-2m}`, the error of :math:`f_{m-1}`)
        and ``max_prod_ratio`` :math:`= \max_m` prod_err/prod_bound.

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*, theorem
    ``expressivity-yarotsky_square``. Yarotsky (2017), Propositions 2-3.
    """
    ms = np.array(check_int_sequence(ms, "ms", minimum=1, maximum=15))
    M = check_real(M, "M", minimum=0.0, strict_min=True)
    n_pairs = check_int(n_pairs, "n_pairs", minimum=1)
    device = check_device(device)
    g = rng(seed)
    x = np.arange(2**16 + 1) / 2**16
    P = np.vstack([g.uniform(-M, M, (n_pairs, 2)), M * np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]])])
    sup, pe = [], []
    for m in ms:
        fm = yarotsky_square_network(int(m), dtype=torch.float64, device=device)
        sup.append(float(np.max(np.abs(fm.evaluate(x) - x**2))))
        net = yarotsky_product_network(int(m), M, dtype=torch.float64, device=device)
        # x = y = M 2^{-m}: |x|/(2M) is a cell midpoint and |x+y|/(2M) a node, so the bound is attained
        Pm = np.vstack([P, [[M * 2.0 ** (-int(m)), M * 2.0 ** (-int(m))]]])
        pe.append(float(np.max(np.abs(net.evaluate(Pm) - Pm[:, 0] * Pm[:, 1]))))
    sup, pe = np.array(sup), np.array(pe)
    pred = 2.0 ** (-2 * ms - 2)
    pb = M**2 * 2.0 ** (-2 * ms)
    return YarotskyResult(
        ms=ms,
        sup_err=sup,
        predicted=pred,
        prod_err=pe,
        prod_bound=pb,
        max_rel_dev=float(np.max(np.abs(sup / pred - 1))),
        M=M,
        max_rel_dev_wrong=float(np.max(np.abs(sup / (4 * pred) - 1))),
        max_prod_ratio=float(np.max(pe / pb)),
    )


declare_check(
    "expressivity.yarotsky_square",
    label="square",
    quantity="largest relative deviation of the sup error of the network f_m from 2^(-2m-2), over m",
    claim="identity",
    relation="approx",
    measure="max_rel_dev",
    predict=0.0,
    tolerance=1e-12,
    reason="float64 rounding; dyadic weights on dyadic points make the computation exact in practice",
    hypotheses="the explicit depth-m, width-3 network on [0, 1]; the grid j 2^-16 contains the maximisers "
    "(2j+1) 2^(-m-1) for m <= 15",
    wrong="2^(-2m) (the error of f_(m-1): the index off by one)",
    wrong_measure="max_rel_dev_wrong",
    demo=yarotsky_demo,
)
declare_check(
    "expressivity.yarotsky_square",
    label="product",
    quantity="largest ratio of the sup error of the product network to M^2 2^(-2m), over m (random pairs, "
    "the corners and the pair x = y = M 2^-m)",
    claim="upper bound",
    relation="<=",
    measure="max_prod_ratio",
    predict=1.0,
    tolerance=1e-12,
    reason="float64 rounding of the network's output",
    hypotheses="|x|, |y| <= M; the explicit depth-(m+1), width-9 network; the bound is attained at x = y = M 2^-m",
    wrong="M^2 2^(-2m-2) (the squaring error, without the factor 4 of the polarisation)",
    wrong_predict=0.25,
    min_tightness=0.999,
    demo=yarotsky_demo,
)
