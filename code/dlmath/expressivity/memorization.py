r"""Memorisation: ReLU networks that interpolate n arbitrary labelled points, and how small they can be.

:func:`shallow_memorizer` (width :math:`n - 1`, one hidden layer) and :func:`two_layer_memorizer`
(widths of order :math:`\sqrt n`, two hidden layers, still order :math:`n` parameters) interpolate
any :math:`n` labelled points with distinct inputs; :func:`memorization_demo` checks them in float64,
fits their sizes against :math:`n` and counts the pieces of the zig-zag interpolant (chapter *What
networks cannot do*, theorem ``expressivity-memorization``).

References
----------
Zhang, Bengio, Hardt, Recht, Vinyals (2017), Theorem 1; Yun, Sra, Jadbabaie (2019);
Vardi, Yehudai, Shamir (2022); Bartlett, Harvey, Liaw, Mehrabian (2019).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import torch

from ..plotting import COLORS
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    as_array,
    check_bool,
    check_int,
    check_int_sequence,
    like_input,
    loglog_slope,
    rng,
    small_network_threads,
)
from ._common import _two_panels
from .relu_nets import ReLUNet, count_linear_pieces

__all__ = [
    "separating_direction",
    "shallow_memorizer",
    "two_layer_memorizer",
    "MemorizationResult",
    "memorization_demo",
]


def _check_data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    """``X`` of shape (n, d) with n >= 2 distinct rows and ``y`` of shape (n,), as float64."""
    X = as_array(X, "X", ndim=2)
    if X.shape[0] < 2:
        raise ValueError(f"X must contain at least 2 points (rows), got shape {X.shape}")
    if np.unique(X, axis=0).shape[0] != X.shape[0]:
        raise ValueError("X must have distinct rows (a function cannot take two values at one point)")
    y = as_array(y, "y", ndim=1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have shape ({X.shape[0]},) (one label per row of X), got {y.shape}")
    return X, y


def separating_direction(X: Any, *, seed: int = 0) -> Any:
    r"""A unit vector :math:`u` with pairwise distinct projections :math:`u \cdot x_i`.

    The directions :math:`u` with :math:`u\cdot x_i = u\cdot x_j` for some :math:`i \ne j` form
    the finite union of the hyperplanes :math:`(x_i - x_j)^\perp`, a null set; a Gaussian
    direction avoids it almost surely. Eight Gaussian directions are drawn from
    ``dlmath.utils.rng(seed)`` and the one with the largest smallest gap between sorted
    projections is returned (the gap sets the size of the interpolating weights).

    Parameters
    ----------
    X : array_like or torch.Tensor, shape (n, d)
        Points with pairwise distinct rows, n >= 2.
    seed : int, default 0

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (d,)
        The unit vector (a tensor of the dtype and device of ``X`` for a tensor).

    Raises
    ------
    ValueError
        If ``X`` is not 2-D with at least two distinct rows.

    References
    ----------
    Book: chapter *What networks cannot do*, theorem ``expressivity-memorization`` (a).
    Zhang et al. (2017), proof of Theorem 1.
    """
    Xa, _ = _check_data(X, np.zeros(as_array(X, "X", ndim=2).shape[0]))
    g = rng(check_int(seed, "seed", minimum=0))
    U = g.standard_normal((8, Xa.shape[1]))
    U /= np.linalg.norm(U, axis=1, keepdims=True)
    gaps = np.min(np.diff(np.sort(Xa @ U.T, axis=0), axis=0), axis=0)  # smallest gap for each direction
    return like_input(U[int(np.argmax(gaps))], X)


def _projections(X: np.ndarray, u: Any) -> tuple[np.ndarray, np.ndarray]:
    """The direction ``u`` (validated, or drawn) and the projections t = X u (pairwise distinct)."""
    if u is None:
        u = separating_direction(X)
    u = as_array(u, "u", ndim=1)
    if u.shape[0] != X.shape[1]:
        raise ValueError(f"u must have shape ({X.shape[1]},) (the dimension of X), got {u.shape}")
    t = X @ u
    if np.unique(t).size != t.size:
        raise ValueError("u must separate the points: the projections u . x_i must be pairwise distinct")
    return u, t


def _pwl_coefficients(t: np.ndarray, v: np.ndarray) -> tuple[float, np.ndarray]:
    r"""Coefficients of :math:`v_1 + \sum_k c_k \sigma(t - t_k)`, k < n, through sorted ``(t, v)``."""
    s = np.diff(v) / np.diff(t)  # slopes of the n - 1 segments
    return float(v[0]), np.concatenate([s[:1], np.diff(s)])


def shallow_memorizer(
    X: Any, y: Any, *, u: Any = None, drop_last: bool = False, dtype: Any = torch.float32, device: Any = "cpu"
) -> ReLUNet:
    r"""A one-hidden-layer ReLU network of width :math:`n - 1` with :math:`\Phi(x_i) = y_i`.

    With :math:`t_i = u \cdot x_i` pairwise distinct and sorted, :math:`t_1 < \dots < t_n`,
    the slopes :math:`s_k = (y_{k+1} - y_k)/(t_{k+1} - t_k)` and :math:`s_0 = 0`,

    .. math::

        \Phi(x) = y_1 + \sum_{k=1}^{n-1} (s_k - s_{k-1})\, \sigma(u\cdot x - t_k)

    is affine in :math:`u \cdot x` between consecutive :math:`t_k` and equals :math:`y_k` at
    :math:`t_k`: the continuous piecewise-linear interpolant of the sorted data (extended by the
    constant :math:`y_1` to the left). Size :math:`(d + 1)(n - 1) + n`.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Points with pairwise distinct rows, n >= 2.
    y : array_like, shape (n,)
        Labels (any reals).
    u : array_like, shape (d,), optional
        A direction with pairwise distinct projections (default :func:`separating_direction`).
    drop_last : bool, default False
        Leave out the last neuron (width :math:`n - 2`); the result interpolates all points but
        the last one. The demo uses it as a control.
    dtype : torch.dtype or str, default torch.float32
        Dtype of the network (the demo passes ``torch.float64``).
    device : str or torch.device, default "cpu"

    Returns
    -------
    ReLUNet
        Widths ``(d, n - 1, 1)`` (``(d, n - 2, 1)`` with ``drop_last``).

    Examples
    --------
    >>> import numpy as np
    >>> net = shallow_memorizer(np.array([[0.0], [1.0], [3.0]]), np.array([1.0, -1.0, 2.0]), u=[1.0])
    >>> net.widths, net.evaluate(np.array([[0.0], [1.0], [3.0]])).round(12).tolist()
    ((1, 2, 1), [1.0, -1.0, 2.0])

    References
    ----------
    Book: chapter *What networks cannot do*, theorem ``expressivity-memorization`` (a).
    Zhang et al. (2017), Theorem 1.
    """
    X, y = _check_data(X, y)
    check_bool(drop_last, "drop_last")
    if drop_last and X.shape[0] < 3:
        raise ValueError("drop_last needs at least 3 points (a width >= 1)")
    u, t = _projections(X, u)
    order = np.argsort(t)
    ts, ys = t[order], y[order]
    y0, c = _pwl_coefficients(ts, ys)
    kinks = ts[:-1]
    if drop_last:
        kinks, c = kinks[:-1], c[:-1]
    ws = [np.tile(u, (kinks.size, 1)), c[None, :]]
    bs = [-kinks, np.array([y0])]
    return ReLUNet(ws, bs, dtype=dtype, device=device)


def _two_layer_layers(t: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The hidden layers of the two-hidden-layer construction on sorted 1-D data (t, y), blocks of k."""
    n = t.size
    m = -(-n // k)  # number of blocks
    q = k - 1  # slots of each sign in the second layer
    d2 = 2 * q
    alpha = np.zeros((d2, m))  # second-layer pre-activation = alpha[l, j] t + beta[l, j] on block j
    beta = np.zeros((d2, m))
    for j in range(m):
        tb, yb = t[j * k : (j + 1) * k], y[j * k : (j + 1) * k]
        if tb.size >= 2:
            v0, c = _pwl_coefficients(tb, yb)
            s1, kinks, cks = c[0], tb[1:-1], c[1:]
        else:
            v0, s1, kinks, cks = float(yb[0]), 0.0, tb[:0], np.zeros(0)
        # the affine part A(t) = v0 + s1 (t - tb[0]) = relu(A + M) - relu(M) on the block
        M = max(abs(v0), abs(v0 + s1 * (tb[-1] - tb[0])))
        alpha[0, j], beta[0, j] = s1, v0 - s1 * tb[0] + M
        alpha[q, j], beta[q, j] = 0.0, M
        pos, neg = 1, q + 1
        for tk, ck in zip(kinks, cks):
            if ck == 0:
                continue
            slot = pos if ck > 0 else neg
            pos, neg = (pos + 1, neg) if ck > 0 else (pos, neg + 1)
            alpha[slot, j], beta[slot, j] = abs(ck), -abs(ck) * tk
    # first layer: relu(t - t_1) and two kinks in each gap between blocks
    taus = [t[0]]
    for j in range(m - 1):
        e, s = t[(j + 1) * k - 1], t[(j + 1) * k]
        taus += [e + (s - e) / 3.0, e + 2.0 * (s - e) / 3.0]
    taus = np.array(taus)
    W2 = np.zeros((d2, taus.size))
    W2[:, 0] = alpha[:, 0]
    b2 = beta[:, 0] + alpha[:, 0] * t[0]
    for j in range(m - 1):
        t1, t2 = taus[2 * j + 1], taus[2 * j + 2]
        da, db = alpha[:, j + 1] - alpha[:, j], beta[:, j + 1] - beta[:, j]
        w1 = (-db - da * t2) / (t1 - t2)
        W2[:, 2 * j + 1], W2[:, 2 * j + 2] = w1, da - w1
    return taus, W2, b2, np.concatenate([np.ones(q), -np.ones(q)])


def two_layer_memorizer(
    X: Any,
    y: Any,
    *,
    k: int | None = None,
    u: Any = None,
    drop_last: bool = False,
    dtype: Any = torch.float32,
    device: Any = "cpu",
) -> ReLUNet:
    r"""A two-hidden-layer ReLU network with widths :math:`2m - 1` and :math:`2(k - 1)` that interpolates.

    The sorted projections :math:`t_1 < \dots < t_n` (:math:`t_i = u\cdot x_i`) are cut into
    :math:`m = \lceil n/k \rceil` blocks of :math:`k` consecutive points (the last one may be
    shorter). The first layer computes :math:`\sigma(t - t_1)` and :math:`\sigma(t - \tau)` for
    two points :math:`\tau` in each of the :math:`m - 1` gaps between blocks, so the
    pre-activation of each second-layer neuron can be any continuous piecewise-linear function
    of :math:`t` that is affine on each block, with the affine pieces chosen independently. On a
    block with points :math:`t_1' < \dots < t_r'` and labels :math:`v_i`, the interpolant is
    :math:`A(t) + \sum_{i=2}^{r-1} c_i\sigma(t - t_i')` with :math:`A` affine; the second layer
    writes :math:`A = \sigma(A + M) - \sigma(M)` (:math:`M = \max_{\text{block}}|A|`) and
    :math:`c_i\sigma(t - t_i') = \operatorname{sign}(c_i)\,\sigma(|c_i|(t - t_i'))`. Its
    :math:`k - 1` neurons with output weight :math:`+1` and :math:`k - 1` with :math:`-1`
    suffice on every block. With :math:`k = \lceil\sqrt n\rceil` both widths are at most
    :math:`2\lceil\sqrt n\rceil` and the size is :math:`4n + O(d\sqrt n)`.

    Parameters
    ----------
    X : array_like, shape (n, d)
        Points with pairwise distinct rows, n >= 2.
    y : array_like, shape (n,)
        Labels.
    k : int, optional
        Block size, between 2 and n (default :math:`\lceil\sqrt n\rceil`, at least 2).
    u : array_like, shape (d,), optional
        A direction with pairwise distinct projections (default :func:`separating_direction`).
    drop_last : bool, default False
        Leave out the last first-layer neuron (a control: the last block is then not fitted);
        needs at least two blocks.
    dtype : torch.dtype or str, default torch.float32
    device : str or torch.device, default "cpu"

    Returns
    -------
    ReLUNet
        Widths ``(d, 2m - 1, 2(k - 1), 1)``.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(9.0)[:, None]
    >>> y = np.array([0.0, 1, -1, 2, 0, 3, 1, -2, 5])
    >>> net = two_layer_memorizer(x, y, u=[1.0], dtype="float64")
    >>> net.widths, bool(np.allclose(net.evaluate(x), y, atol=1e-12))
    ((1, 5, 4, 1), True)

    References
    ----------
    Book: chapter *What networks cannot do*, theorem ``expressivity-memorization`` (b).
    Yun, Sra, Jadbabaie (2019) (widths of order :math:`\sqrt n`).
    """
    X, y = _check_data(X, y)
    n = X.shape[0]
    k = max(2, math.isqrt(n - 1) + 1) if k is None else check_int(k, "k", minimum=2, maximum=max(2, n))
    check_bool(drop_last, "drop_last")
    if drop_last and n <= k:
        raise ValueError("drop_last needs at least two blocks (n > k)")
    u, t = _projections(X, u)
    order = np.argsort(t)
    taus, W2, b2, a = _two_layer_layers(t[order], y[order], k)
    if drop_last:
        taus, W2 = taus[:-1], W2[:, :-1]
    ws = [np.tile(u, (taus.size, 1)), W2, a[None, :]]
    bs = [-taus, b2, np.zeros(1)]
    return ReLUNet(ws, bs, dtype=dtype, device=device)


def _rounding_bound(net: ReLUNet, X: np.ndarray) -> np.ndarray:
    r"""First-order float64 error bound :math:`\varepsilon\sum_\ell(m_{\ell-1}+2)\,a(x)` at each row of ``X``.

    :math:`a` is the network with weights :math:`|W_\ell|, |b_\ell|` and no activation at :math:`|x|`,
    which dominates every intermediate value; :math:`m_{\ell-1}` is the fan-in of layer :math:`\ell`.
    """
    ws, bs = net.numpy_layers()
    factor = float(np.finfo(np.float64).eps) * sum(w.shape[1] + 2 for w in ws)
    out = np.empty(X.shape[0])
    for start in range(0, X.shape[0], 256):
        h = np.abs(X[start : start + 256])
        for w, b in zip(ws, bs):
            h = h @ np.abs(w).T + np.abs(b)
        out[start : start + 256] = h[:, 0]
    return factor * out


def _error_ratio(net: ReLUNet, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(max_i |net(x_i) - y_i|, max_i |net(x_i) - y_i| / bound_i)."""
    err = np.abs(net.evaluate(X) - y)
    return float(err.max()), float(np.max(err / _rounding_bound(net, X)))


# demos


@demo_result
class MemorizationResult(DemoResult):
    r"""Result of :func:`memorization_demo`.

    Attributes
    ----------
    ns : numpy.ndarray
        Numbers of points :math:`n`.
    d : int
        Input dimension.
    shallow_widths, shallow_params : numpy.ndarray
        Width (:math:`n-1`) and size of the one-hidden-layer interpolant.
    d1, d2, two_params : numpy.ndarray
        Widths and size of the two-hidden-layer interpolant.
    shallow_err, two_err : numpy.ndarray
        Largest interpolation error :math:`\max_i|\Phi(x_i) - y_i|` in float64, per :math:`n`.
    shallow_ratio, two_ratio : float
        Largest ratio of the error to the rounding bound, over all points and all :math:`n`.
    shallow_ratio_wrong, two_ratio_wrong : float
        The same for the constructions with their last neuron left out.
    params_slope, params_slope_predicted : float
        Fitted slope of log(size of the two-hidden-layer network) against log n, and the fitted
        slope on the same :math:`n` of the size predicted by (b),
        :math:`(d+1)d_1 + (d_1+1)d_2 + d_2 + 1` with :math:`d_1 = 2\lceil n/k\rceil - 1`,
        :math:`d_2 = 2(k-1)`, :math:`k = \lceil\sqrt n\rceil` (:math:`4n + 2d\sqrt n - (d+2)` at square
        :math:`n`).
    widths_slope, widths_slope_tol : float
        Fitted slope of log(max(d1, d2)) against log n, and its tolerance
        :math:`1/(2\sqrt{n_{\min}})`.
    zig_ns, zig_pieces : numpy.ndarray
        Numbers of zig-zag points and the exact affine pieces of their interpolant on
        :math:`[x_1, x_n]`.
    zig_dev, zig_dev_wrong : float
        :math:`\max|\text{pieces} - (n - 1)|` and :math:`\max|\text{pieces} - (n - 2)|`, the
        latter the most pieces a width-:math:`(n-3)` network has.
    zig_x, zig_y, zig_curve : numpy.ndarray
        The smallest zig-zag data set and its interpolant on 801 equispaced points of
        :math:`[x_1, x_n]` (for the figure).
    """

    ns: np.ndarray
    d: int
    shallow_widths: np.ndarray
    shallow_params: np.ndarray
    d1: np.ndarray
    d2: np.ndarray
    two_params: np.ndarray
    shallow_err: np.ndarray
    two_err: np.ndarray
    shallow_ratio: float
    two_ratio: float
    shallow_ratio_wrong: float
    two_ratio_wrong: float
    params_slope: float
    params_slope_predicted: float
    widths_slope: float
    widths_slope_tol: float
    zig_ns: np.ndarray
    zig_pieces: np.ndarray
    zig_dev: float
    zig_dev_wrong: float
    zig_x: np.ndarray
    zig_y: np.ndarray
    zig_curve: np.ndarray

    def plot(self, ax=None):
        ax0, ax1 = _two_panels(ax, height=3.2)
        n = self.ns.astype(float)
        ax0.loglog(n, self.shallow_params, "o-", color=COLORS[1], label="size, one hidden layer")
        ax0.loglog(n, self.two_params, "s-", color=COLORS[0], label=f"size, two hidden (slope {self.params_slope:.2f})")
        ax0.loglog(n, self.shallow_widths, "o--", color=COLORS[1], alpha=0.7, label="width $n-1$, one hidden")
        wmax = np.maximum(self.d1, self.d2)
        ax0.loglog(
            n, wmax, "s--", color=COLORS[0], alpha=0.7, label=f"max width, two hidden (slope {self.widths_slope:.2f})"
        )
        ax0.set_xlabel("number of points $n$")
        ax0.set_ylabel("parameters / neurons")
        ax0.legend(fontsize=7)
        ax1.plot(
            np.linspace(self.zig_x[0], self.zig_x[-1], self.zig_curve.size),
            self.zig_curve,
            color=COLORS[0],
            lw=1.2,
            label="interpolant",
        )
        ax1.plot(self.zig_x, self.zig_y, "o", color=COLORS[1], ms=4, label="$y_i = (-1)^i$")
        n0, p0 = int(self.zig_ns[0]), int(self.zig_pieces[0])
        ax1.set_title(f"$n = {n0}$: {p0} pieces on $[x_1, x_n]$", fontsize=9)
        ax1.set_xlabel("$x$")
        ax1.set_ylim(-1.7, 1.3)
        ax1.legend(fontsize=7, loc="lower center", ncol=2)
        return ax0, ax1


@small_network_threads
def _predicted_size(n: np.ndarray, d: int) -> np.ndarray:
    """Dense parameter count of the two-hidden-layer construction of (b), from its widths."""
    k = np.ceil(np.sqrt(n))
    d1, d2 = 2 * np.ceil(n / k) - 1, 2 * (k - 1)
    return (d + 1) * d1 + (d1 + 1) * d2 + d2 + 1


def memorization_demo(
    *,
    ns: Sequence[int] = (64, 256, 1024, 4096),
    d: int = 10,
    zig_ns: Sequence[int] = (8, 32, 128, 512),
    seed: int = 0,
) -> MemorizationResult:
    r"""Memorisation of random data by one- and two-hidden-layer ReLU networks, and the zig-zag.

    For each :math:`n`: :math:`x_i \sim N(0, I_d)` i.i.d., labels :math:`y_i \sim U[-1, 1]`;
    :func:`shallow_memorizer` and :func:`two_layer_memorizer` (block size
    :math:`\lceil\sqrt n\rceil`) are built in float64 and the largest error
    :math:`|\Phi(x_i) - y_i|` is compared with the first-order rounding bound
    :math:`\varepsilon\sum_\ell(m_{\ell-1}+2)\,a(x_i)` (:math:`a` the network with absolute
    weights at :math:`|x_i|`, which grows with the ratio of label differences to gaps between
    projections). The controls leave out the last neuron. The sizes are fitted against
    :math:`n`. For the zig-zag, :math:`x_1 < \dots < x_n` sorted uniform on :math:`[0, 1]` and
    :math:`y_i = (-1)^i`; :func:`~dlmath.expressivity.count_linear_pieces` counts the exact
    pieces of the one-hidden-layer interpolant on :math:`[x_1, x_n]`.

    Parameters
    ----------
    ns : sequence of int, default (64, 256, 1024, 4096)
        Numbers of points, at least two distinct values between 4 and 8192.
    d : int, default 10
        Input dimension, between 1 and 100.
    zig_ns : sequence of int, default (8, 32, 128, 512)
        Numbers of zig-zag points, distinct values between 4 and 1024.
    seed : int, default 0

    Returns
    -------
    MemorizationResult
        Errors, ratios to the rounding bound (and for the controls), sizes and their fitted
        slopes with pre-asymptotic tolerances, zig-zag piece counts.

    References
    ----------
    Book: chapter *What networks cannot do*, theorem ``expressivity-memorization``.
    Zhang et al. (2017), Theorem 1; Yun, Sra, Jadbabaie (2019).
    """
    ns = np.sort(check_int_sequence(ns, "ns", minimum=4, maximum=8192, min_len=2, distinct=True))
    d = check_int(d, "d", minimum=1, maximum=100)
    zig_ns = np.sort(check_int_sequence(zig_ns, "zig_ns", minimum=4, maximum=1024, min_len=1, distinct=True))
    seed = check_int(seed, "seed", minimum=0)
    g = rng(seed)
    f64 = torch.float64
    rows = []
    for n in ns:
        X, y = g.standard_normal((int(n), d)), g.uniform(-1.0, 1.0, int(n))
        u = separating_direction(X, seed=seed)
        net1, net2 = shallow_memorizer(X, y, u=u, dtype=f64), two_layer_memorizer(X, y, u=u, dtype=f64)
        wrong1 = shallow_memorizer(X, y, u=u, drop_last=True, dtype=f64)
        wrong2 = two_layer_memorizer(X, y, u=u, drop_last=True, dtype=f64)
        sizes = (net1.widths[1], net1.n_params, net2.widths[1], net2.widths[2], net2.n_params)
        rows.append(sizes + tuple(_error_ratio(net, X, y)[i] for net in (net1, net2, wrong1, wrong2) for i in (0, 1)))
    sw, sp, d1, d2, tp, se, sr, te, tr, _, srw, _, trw = map(np.array, zip(*rows))
    nmin = float(ns[0])
    pieces, zig = [], None
    for n in zig_ns:
        n = int(n)
        x = np.sort(g.uniform(0.0, 1.0, n))
        yz = (-1.0) ** np.arange(1, n + 1)
        net = shallow_memorizer(x[:, None], yz, u=np.ones(1), dtype=f64)
        pieces.append(count_linear_pieces(*net.numpy_layers(), float(x[0]), float(x[-1])))
        if zig is None:
            zig = (x, yz, net.evaluate(np.linspace(x[0], x[-1], 801)[:, None]))
    pieces = np.array(pieces)
    return MemorizationResult(
        ns=ns,
        d=d,
        shallow_widths=sw,
        shallow_params=sp,
        d1=d1,
        d2=d2,
        two_params=tp,
        shallow_err=se,
        two_err=te,
        shallow_ratio=float(sr.max()),
        two_ratio=float(tr.max()),
        shallow_ratio_wrong=float(srw.max()),
        two_ratio_wrong=float(trw.max()),
        params_slope=loglog_slope(ns, tp),
        params_slope_predicted=loglog_slope(ns, _predicted_size(np.asarray(ns), d)),
        widths_slope=loglog_slope(ns, np.maximum(d1, d2)),
        widths_slope_tol=1.0 / (2.0 * math.sqrt(nmin)),
        zig_ns=zig_ns,
        zig_pieces=pieces,
        zig_dev=float(np.max(np.abs(pieces - (zig_ns - 1)))),
        zig_dev_wrong=float(np.max(np.abs(pieces - (zig_ns - 2)))),
        zig_x=zig[0],
        zig_y=zig[1],
        zig_curve=zig[2],
    )


_HYP = (
    "n points x_i ~ N(0, I_d) i.i.d. (distinct almost surely), labels y_i ~ U[-1, 1]; a direction u with "
    "pairwise distinct projections; networks built and evaluated in float64"
)


_BOUND_REASON = (
    "first-order float64 rounding bound eps * sum_l (fan-in_l + 2) * a(x_i), a = the network with absolute "
    "weights at |x_i| (it dominates every intermediate value): (m + 1) roundings per dot product with bias and "
    "a few units in the last place for each constructed weight; a ratio <= 1 at every point is exact interpolation "
    "up to rounding"
)
declare_check(
    "expressivity.memorization",
    label="shallow",
    quantity="largest ratio of |Phi(x_i) - y_i| to its float64 rounding bound, one hidden layer of width n - 1, "
    "over all points and all n",
    claim="identity",
    relation="approx",
    measure="shallow_ratio",
    predict=0.0,
    tolerance=1.0,
    reason=_BOUND_REASON,
    wrong="width n - 2 suffices for the same construction (its last neuron left out)",
    wrong_measure="shallow_ratio_wrong",
    hypotheses=_HYP,
    demo=memorization_demo,
)
declare_check(
    "expressivity.memorization",
    label="two_layer",
    quantity="largest ratio of |Phi(x_i) - y_i| to its float64 rounding bound, two hidden layers of widths "
    "2 ceil(n/k) - 1 and 2(k - 1), k = ceil(sqrt n), over all points and all n",
    claim="identity",
    relation="approx",
    measure="two_ratio",
    predict=0.0,
    tolerance=1.0,
    reason=_BOUND_REASON,
    wrong="one neuron fewer in the first layer (one kink in the last gap between blocks left out)",
    wrong_measure="two_ratio_wrong",
    hypotheses=_HYP,
    demo=memorization_demo,
)
declare_check(
    "expressivity.memorization",
    label="params",
    quantity="fitted slope of log(number of parameters) of the two-hidden-layer interpolant against log n",
    claim="rate",
    relation="approx",
    measure="params_slope",
    predict="params_slope_predicted",
    tolerance=1e-9,
    reason="the size is a deterministic function of n: its fitted slope is compared with that of the size "
    "4n + 2d sqrt(n) - (d + 2) of (b) on the same n (float rounding only); both tend to 1, from below",
    wrong="sqrt(n) parameters (the order of the widths)",
    wrong_predict=0.5,
    hypotheses=_HYP,
    demo=memorization_demo,
)
declare_check(
    "expressivity.memorization",
    label="widths",
    quantity="fitted slope of log(max(d1, d2)) of the two-hidden-layer interpolant against log n",
    claim="rate",
    relation="approx",
    measure="widths_slope",
    predict=0.5,
    tolerance="widths_slope_tol",
    reason="max(d1, d2) = 2 sqrt(n) - 1 at square n, whose local exponent lies in [1/2, 1/2 + 1/(2(2 sqrt n - 1))]; "
    "the tolerance 1/(2 sqrt(n_min)) contains that range",
    wrong="width of order n (the one-hidden-layer interpolant)",
    wrong_predict=1.0,
    hypotheses=_HYP,
    demo=memorization_demo,
)
declare_check(
    "expressivity.memorization",
    label="zigzag",
    quantity="largest deviation over n of the exact number of affine pieces on [x_1, x_n] of the interpolant of "
    "the zig-zag labels (-1)^i from n - 1",
    claim="equality",
    relation="approx",
    measure="zig_dev",
    predict=0.0,
    tolerance=0.0,
    reason="exact: the pieces are counted in rational arithmetic",
    hypotheses="x_1 < ... < x_n sorted uniform on [0, 1], y_i = (-1)^i, the width-(n - 1) interpolant of (a)",
    wrong="n - 2 pieces, the most that a one-hidden-layer network of width n - 3 has (w + 1)",
    wrong_measure="zig_dev_wrong",
    demo=memorization_demo,
)
