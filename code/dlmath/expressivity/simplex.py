r"""Piecewise-linear interpolation on the Kuhn triangulation and the curse of dimensionality.

:func:`hat_function_network` realises the hat function of the Kuhn triangulation of
:math:`\Z^d` as a ReLU network, :func:`simplex_interpolant_network` the interpolant of nodal
values on :math:`[0,1]^d` (one hat per node, in parallel) and :func:`simplex_interpolate` the
same interpolant by the barycentric formula; :func:`curse_demo` measures the rate
:math:`N^{-2/d}` in the number of nodes (chapter *Depth: sawtooth, squaring and the curse of
dimensionality*, theorems ``expressivity-curse_of_dimensionality`` and
``expressivity-simplex_interpolation``).

References
----------
Kuhn (1960); He, Li, Xu, Zheng (2020); Yarotsky (2017); Waldron (1998).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

from ..plotting import COLORS, axes, slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_int, check_int_sequence, like_input, loglog_slope, rng
from .relu_nets import ReLUNet, _compose_affine, _layers, _parallel


def hat_function_network(d: int, *, dtype: Any = torch.float32, device: Any = "cpu") -> ReLUNet:
    r"""The hat function of the Kuhn triangulation of :math:`\Z^d` as a ReLU network.

    .. math::

        \phi(y) = \sigma\bigl(1 - \max(0, y_1, \dots, y_d) - \max(0, -y_1, \dots, -y_d)\bigr),

    the continuous function that is affine on every simplex
    :math:`\{v + \sum_{k} t_k e_{\pi(k)}: 1 \ge t_1 \ge \dots \ge t_d \ge 0\}`, equal to 1 at the
    origin and 0 at all other lattice points. The two maxima are computed by a binary tree of
    :math:`\max(p, q) = \sigma(p) + \sigma(q - p)` for :math:`p, q \ge 0`: depth
    :math:`2 + \lceil \log_2 d \rceil`.

    Parameters
    ----------
    d : int
        Dimension, >= 1.
    dtype : torch.dtype or str, default torch.float32
        Dtype of the network (the demos pass ``torch.float64``).
    device : str or torch.device, default "cpu"

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*, proposition
    ``ch05-prop-kuhn``. He, Li, Xu, Zheng (2020).
    """
    d = check_int(d, "d", minimum=1)
    ws, bs = [np.vstack([np.eye(d), -np.eye(d)])], [np.zeros(2 * d)]
    # values: the quantities whose maxima we need, as affine maps of the current neurons
    groups = [np.eye(2 * d)[:d], np.eye(2 * d)[d:]]  # rows: coefficient vectors over neurons
    while max(g.shape[0] for g in groups) > 1:
        rows, new_groups, start = [], [], 0
        for g in groups:
            k = g.shape[0]
            coeff = []
            for i in range(0, k - 1, 2):
                p, q = g[i], g[i + 1]
                rows += [p, q - p]
                coeff.append((start, start + 1))
                start += 2
            if k % 2 == 1:
                rows.append(g[-1])
                coeff.append((start,))
                start += 1
            new_groups.append(coeff)
        w = np.array(rows)
        ws.append(w)
        bs.append(np.zeros(w.shape[0]))
        groups = []
        for coeff in new_groups:
            g = np.zeros((len(coeff), start))
            for r, idx in enumerate(coeff):
                g[r, list(idx)] = 1.0
            groups.append(g)
    ws.append(-(groups[0] + groups[1]))
    bs.append(np.array([1.0]))
    ws.append(np.array([[1.0]]))
    bs.append(np.array([0.0]))
    return ReLUNet(ws, bs, dtype=dtype, device=device)


def _grid_values(values: Any, m: int) -> tuple[np.ndarray, int]:
    m = check_int(m, "m", minimum=1)
    vals = as_array(values, "values")
    if vals.ndim < 1 or any(s != m + 1 for s in vals.shape):
        raise ValueError(f"values must have shape (m+1,)*d = ({m + 1}, ...), got {vals.shape}")
    return vals, m


def simplex_interpolant_network(values: Any, m: int, *, dtype: Any = torch.float32, device: Any = "cpu") -> ReLUNet:
    r"""The piecewise-linear interpolant on the Kuhn triangulation of :math:`[0,1]^d` as a ReLU network.

    :math:`\Phi(x) = \sum_{v \in \{0,\dots,m\}^d} u_v\, \phi(m x - v)` with :math:`\phi` from
    :func:`hat_function_network`: the hat networks run in parallel, one per node, so the network
    has :math:`(m+1)^d` blocks, depth :math:`2 + \lceil\log_2 d\rceil` and
    :math:`O(d\,(m+1)^d)` neurons.

    Parameters
    ----------
    values : array_like, shape (m+1,)*d
        Nodal values :math:`u_v = f(v/m)`.
    m : int
        Grid size, >= 1.
    dtype : torch.dtype or str, default torch.float32
        Dtype of the network (the demos pass ``torch.float64``).
    device : str or torch.device, default "cpu"

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*, proposition
    ``ch05-prop-kuhn``. He, Li, Xu, Zheng (2020), Section 3.
    """
    vals, m = _grid_values(values, m)
    d = vals.ndim
    hat = _layers(hat_function_network(d, dtype=torch.float64))
    parts, coeffs = [], []
    for idx in np.ndindex(*vals.shape):
        parts.append(_compose_affine(hat[0], hat[1], m * np.eye(d), -np.array(idx, dtype=float)))
        coeffs.append(float(vals[idx]))
    ws, bs = _parallel(parts, coeffs)
    return ReLUNet(ws, bs, dtype=dtype, device=device)


def simplex_interpolate(values: Any, m: int, X: Any) -> np.ndarray:
    r"""Evaluate the Kuhn-triangulation interpolant of nodal values on :math:`[0,1]^d`.

    For :math:`x \in [0,1]^d` put :math:`y = m x`, :math:`i = \min(\lfloor y \rfloor, m-1)`,
    :math:`r = y - i \in [0,1]^d` and order :math:`r_{\pi(1)} \ge \dots \ge r_{\pi(d)}`. Then
    :math:`x` lies in the simplex with vertices :math:`v_0 = i`,
    :math:`v_k = v_{k-1} + e_{\pi(k)}`, and the interpolant is
    :math:`\sum_k \lambda_k u_{v_k}` with barycentric weights :math:`\lambda_0 = 1 - r_{\pi(1)}`,
    :math:`\lambda_k = r_{\pi(k)} - r_{\pi(k+1)}`, :math:`\lambda_d = r_{\pi(d)}`. This equals
    :func:`simplex_interpolant_network` (a ReLU network) and costs :math:`O(d \log d)` per point.

    Parameters
    ----------
    values : array_like or torch.Tensor, shape (m+1,)*d
        Nodal values :math:`u_v = f(v/m)`.
    m : int
        Grid size, >= 1.
    X : array_like or torch.Tensor, shape (n, d)
        Points of :math:`[0,1]^d`.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (n,)
        A tensor of the dtype and device of ``X`` for a tensor ``X`` (computed in float64).

    Examples
    --------
    >>> simplex_interpolate([[0.0, 1.0], [1.0, 2.0]], 1, [[0.5, 0.5], [0.25, 0.0]])
    array([1.  , 0.25])

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*, proposition
    ``ch05-prop-kuhn``. Kuhn (1960); He, Li, Xu, Zheng (2020).
    """
    vals, m = _grid_values(values, m)
    d = vals.ndim
    X_in = X
    X = as_array(X, "X", ndim=2)
    if X.shape[1] != d:
        raise ValueError(f"X must have shape (n, {d}), got {X.shape}")
    if np.any(X < 0) or np.any(X > 1):
        raise ValueError("X must lie in [0, 1]^d")
    y = m * X
    i = np.minimum(np.floor(y), m - 1).astype(int)
    r = y - i
    order = np.argsort(-r, axis=1, kind="stable")
    rs = np.take_along_axis(r, order, axis=1)
    lam = np.empty((X.shape[0], d + 1))
    lam[:, 0] = 1 - rs[:, 0]
    lam[:, 1:d] = rs[:, :-1] - rs[:, 1:]
    lam[:, d] = rs[:, -1]
    vertex = i.copy()
    out = lam[:, 0] * vals[tuple(vertex.T)]
    rows = np.arange(X.shape[0])
    for k in range(d):
        vertex[rows, order[:, k]] += 1
        out = out + lam[:, k + 1] * vals[tuple(vertex.T)]
    return like_input(out, X_in)


# demos


def _curse_target(X: np.ndarray) -> np.ndarray:
    return np.exp(0.5 * np.sin(np.pi * X).sum(axis=1)) * np.cos(X.sum(axis=1))


@demo_result
class CurseResult(DemoResult):
    r"""Result of :func:`curse_demo`; ``n_nodes`` and ``sup_err`` have shape ``(len(dims), 4)``.

    Attributes
    ----------
    dims, ms : numpy.ndarray
        Dimensions and the grid sizes per dimension, shape ``(len(dims), 4)``.
    n_nodes, sup_err : numpy.ndarray
        Number of nodes :math:`(m+1)^d` and sup error, shape ``(len(dims), 4)``.
    rates_vs_m, rates_vs_N : numpy.ndarray
        Slopes against :math:`\log m` (predicted -2) and :math:`\log N` (predicted
        :math:`-2/d`).
    predicted : numpy.ndarray
        :math:`-2/d`.
    worst_scaled_rate, worst_scaled_rate_wrong : float
        ``rates_vs_N * d / 2`` and ``rates_vs_N / 2`` farthest from -1.
    quad_ratio, max_quad_ratio : numpy.ndarray, float
        Sup error of the interpolant of :math:`|x|^2/2` over the bound :math:`d/(8m^2)`, and its
        maximum.
    """

    dims: np.ndarray
    ms: np.ndarray
    n_nodes: np.ndarray
    sup_err: np.ndarray
    rates_vs_m: np.ndarray
    rates_vs_N: np.ndarray
    predicted: np.ndarray
    worst_scaled_rate: float
    worst_scaled_rate_wrong: float
    quad_ratio: np.ndarray
    max_quad_ratio: float

    def plot(self, ax=None):
        ax = axes(ax)
        for i, d in enumerate(self.dims):
            N = self.n_nodes[i].astype(float)
            ax.loglog(N, self.sup_err[i], "o-", color=COLORS[i], label=f"$d={d}$: slope {self.rates_vs_N[i]:.2f}")
            guide = {1: "$-2$", 2: "$-1$"}.get(int(d), f"$-2/{d}$")
            slope_guide(
                ax,
                N,
                float(self.predicted[i]),
                anchor=(N[0], self.sup_err[i][0] * 1.6),
                label=f"slope {guide}",
                color=COLORS[i],
                alpha=0.6,
            )
        ax.set_xlabel("number of nodes $N = (m+1)^d$ (non-zero weights $\\asymp N$ for fixed $d$)")
        ax.set_ylabel("sup error")
        ax.legend(ncol=2)
        return ax


def curse_demo(*, dims: Sequence[int] = (1, 2, 3), seed: int = 0) -> CurseResult:
    r"""The curse of dimensionality for piecewise-linear (ReLU-realisable) interpolation.

    :math:`f(x) = \exp(\frac12 \sum_i \sin \pi x_i) \cos(\sum_i x_i)` on :math:`[0,1]^d` is
    interpolated on the Kuhn triangulation with :math:`N = (m+1)^d` nodes
    (:func:`simplex_interpolate`, equal to a ReLU network with :math:`O(N)` non-zero weights for
    fixed :math:`d`);
    :math:`m \in \{8, 16, 32, 64\}` for :math:`d \le 2` and :math:`\{4, 8, 16, 32\}` for
    :math:`d \ge 3`. The sup error over :math:`2\cdot 10^4` random points behaves like
    :math:`m^{-2} = N^{-2/d}`; this illustrates the upper rate of
    ``expressivity-curse_of_dimensionality`` (a) for :math:`s = 2` with one smooth target (the
    lower bounds (b) are worst-case statements and are not tested here).

    The same grids interpolate :math:`q(x) = \frac12|x|^2` (Hessian :math:`I`,
    :math:`\sup\|\nabla^2 q\|_{op} = 1`), whose error is maximal, :math:`d/(8m^2)`, at the
    cube centres; the sup over the random points and the centres, divided by the bound
    :math:`d/(8m^2)` of ``expressivity-simplex_interpolation``, is ``quad_ratio``.

    Parameters
    ----------
    dims : sequence of int, default (1, 2, 3)
        Dimensions between 1 and 4.
    seed : int, default 0

    Returns
    -------
    CurseResult
        ``sup_err[i, j]``, ``rates_vs_m`` (slope of log error against log m over the last three
        grids, predicted -2), ``rates_vs_N`` (same against log N, predicted ``-2/d``),
        ``predicted`` :math:`= -2/d`, ``worst_scaled_rate`` (the value of ``rates_vs_N * d / 2``
        farthest from -1) and ``worst_scaled_rate_wrong`` (the value of ``rates_vs_N / 2``, in
        units of the dimension-free rate :math:`N^{-2}`, farthest from -1), ``quad_ratio[i, j]``
        and its maximum ``max_quad_ratio`` (sharp bound: 1).

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*, theorems
    ``expressivity-curse_of_dimensionality`` (illustrated) and
    ``expressivity-simplex_interpolation`` (verified). Yarotsky (2017); He, Li, Xu, Zheng
    (2020); Waldron (1998) for the sharp constant of linear interpolation.
    """
    dims = np.array(check_int_sequence(dims, "dims", minimum=1, maximum=4))
    g = rng(seed)
    nodes, errs, ms_all, qr = [], [], [], []
    for d in dims:
        d = int(d)
        ms = (8, 16, 32, 64) if d <= 2 else (4, 8, 16, 32)
        X = g.uniform(0, 1, (20_000, d))
        fX = _curse_target(X)
        e, nn_, q = [], [], []
        for m in ms:
            grid = np.stack(np.meshgrid(*[np.arange(m + 1) / m] * d, indexing="ij"), axis=-1).reshape(-1, d)
            vals = _curse_target(grid).reshape((m + 1,) * d)
            e.append(float(np.max(np.abs(simplex_interpolate(vals, m, X) - fX))))
            nn_.append((m + 1) ** d)
            centres = (np.stack(np.meshgrid(*[np.arange(m) + 0.5] * d, indexing="ij"), axis=-1).reshape(-1, d)) / m
            P = np.vstack([X, centres])
            qvals = (0.5 * (grid**2).sum(axis=1)).reshape((m + 1,) * d)
            qerr = np.max(np.abs(simplex_interpolate(qvals, m, P) - 0.5 * (P**2).sum(axis=1)))
            q.append(float(qerr / (d / (8.0 * m**2))))
        errs.append(e)
        nodes.append(nn_)
        ms_all.append(ms)
        qr.append(q)
    errs, nodes, ms_all, qr = np.array(errs), np.array(nodes), np.array(ms_all), np.array(qr)
    rm = np.array([loglog_slope(ms_all[i, -3:], errs[i, -3:]) for i in range(dims.size)])
    rN = np.array([loglog_slope(nodes[i, -3:], errs[i, -3:]) for i in range(dims.size)])
    scaled = rN * dims / 2
    wrong = rN / 2
    return CurseResult(
        dims=dims,
        ms=ms_all,
        n_nodes=nodes,
        sup_err=errs,
        rates_vs_m=rm,
        rates_vs_N=rN,
        predicted=-2.0 / dims,
        worst_scaled_rate=float(scaled[np.argmax(np.abs(scaled + 1))]),
        worst_scaled_rate_wrong=float(wrong[np.argmax(np.abs(wrong + 1))]),
        quad_ratio=qr,
        max_quad_ratio=float(qr.max()),
    )


declare_check(
    "expressivity.curse_of_dimensionality",
    label="rate",
    quantity="slope of the sup error of P1 interpolation against the number of nodes N, times d/2, the "
    "dimension (1, 2, 3) farthest from -1 (fitting window: the last three grids)",
    claim="illustration",
    relation="approx",
    measure="worst_scaled_rate",
    predict=-1.0,
    tolerance=0.12,
    reason="pre-asymptotic range: N = (m+1)^d, not m^d, on the coarse grids of d = 3 (m = 8 to 32) bends the "
    "slope against N by up to 10%",
    hypotheses="illustrates (a) for s = 2 with one C^infinity target (upper rate N^(-2/d)); the lower bounds (b) "
    "are worst-case statements over the class and are not tested",
    wrong="the dimension-free rate N^(-2) (no curse)",
    wrong_measure="worst_scaled_rate_wrong",
    demo=curse_demo,
)
declare_check(
    "expressivity.simplex_interpolation",
    quantity="largest ratio of the sup error of P1 interpolation of |x|^2/2 on the Kuhn triangulation to "
    "d/(8 m^2) sup||Hess||, over d and m",
    claim="upper bound",
    relation="<=",
    measure="max_quad_ratio",
    predict=1.0,
    tolerance=1e-9,
    reason="float64 rounding of the barycentric formula",
    hypotheses="q(x) = |x|^2/2 in C^2 with sup||Hess q||_op = 1, Kuhn triangulation of [0,1]^d with m^d cubes; the "
    "sup is taken over random points and the cube centres, where it is attained",
    wrong="0.9 x the bound (the bound is attained at the cube centres)",
    wrong_predict=0.9,
    min_tightness=0.999,
    demo=curse_demo,
)
