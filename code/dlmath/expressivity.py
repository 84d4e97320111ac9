r"""Part II of the book: expressivity of neural networks.

Chapters *Universal approximation* (ch. 3), *Dimension-free rates: Barron and variation
spaces* (ch. 4) and *Depth: sawtooth, squaring and the curse of dimensionality* (ch. 5).

The constructions of these chapters are real ReLU networks built from explicit weights: every
one of them is a :class:`ReLUNet` (a :class:`torch.nn.Module` in float64), and the functions of
the chapters (:func:`sawtooth`, :func:`yarotsky_square`, ...) evaluate through those networks.

Layer convention. A network with input dimension :math:`d`, hidden widths
:math:`m_1, \dots, m_L` and output dimension :math:`d'` is given by matrices
:math:`W_1 \in \R^{m_1 \times d}, \dots, W_{L+1} \in \R^{d' \times m_L}` and vectors
:math:`b_\ell \in \R^{m_\ell}`; it computes

.. math::

    x^{0} = x, \qquad x^{\ell} = \sigma(W_\ell x^{\ell-1} + b_\ell) \ (1 \le \ell \le L), \qquad
    \Phi(x) = W_{L+1} x^{L} + b_{L+1},

with :math:`\sigma(t) = \max(t, 0)` applied entrywise. Its *depth* is :math:`L` (the number of
hidden layers). Two sizes are reported: ``n_params``, the number of entries of all
:math:`W_\ell, b_\ell` (the dense count), and ``n_nonzero``, the number of non-zero entries,
which is the size of approximation theory and the one the rates of chapter 5 refer to.

References
----------
Berner, Grohs, Kutyniok, Petersen (2022), Sections 3 (depth) and 4 (curse of dimensionality); Yarotsky (2017); Telgarsky (2016).
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Callable, Sequence

import numpy as np
import torch
from torch import nn

from .plotting import COLORS, axes, slope_guide
from .results import DemoResult, declare_check, demo_result
from .utils import check_array, check_choice, check_device, check_int, check_real, loglog_slope, rng, torch_generator

__all__ = [
    "ReLUNet",
    "shallow_relu_interpolant",
    "heaviside_ramp_network",
    "sawtooth_network",
    "sawtooth",
    "count_linear_pieces",
    "yarotsky_square_network",
    "yarotsky_product_network",
    "yarotsky_square",
    "yarotsky_product",
    "hat_function_network",
    "simplex_interpolant_network",
    "simplex_interpolate",
    "uat_1d_rate_demo",
    "heaviside_lp_demo",
    "sobolev_rate_demo",
    "polynomial_activation_demo",
    "maurey_demo",
    "telgarsky_demo",
    "depth_separation_training_demo",
    "yarotsky_demo",
    "curse_demo",
    "UATRateResult",
    "HeavisideLpResult",
    "SobolevRateResult",
    "PolynomialActivationResult",
    "MaureyResult",
    "SawtoothResult",
    "DepthTrainingResult",
    "YarotskyResult",
    "CurseResult",
]


# ---------------------------------------------------------------------------------------------
# Networks from explicit weights
# ---------------------------------------------------------------------------------------------




class ReLUNet(nn.Module):
    r"""A ReLU network :math:`\Phi(x) = W_{L+1}\sigma(W_L \cdots \sigma(W_1 x + b_1) \cdots + b_L) + b_{L+1}`.

    Built from explicit weights (the constructions of Part II), stored as float64 parameters so
    that gradients come from :mod:`torch.autograd` and the network can be trained.

    Parameters
    ----------
    weights : sequence of array_like
        Matrices :math:`W_1, \dots, W_{L+1}`; :math:`W_\ell` has shape
        ``(m_ell, m_{ell-1})`` with :math:`m_0 = d` the input dimension.
    biases : sequence of array_like
        Vectors :math:`b_1, \dots, b_{L+1}` of lengths :math:`m_1, \dots, m_{L+1}`.
    dtype : torch.dtype, default torch.float64
    device : str or torch.device, default "cpu"

    Attributes
    ----------
    depth : int
        Number :math:`L` of hidden layers.
    widths : tuple of int
        :math:`(m_0, m_1, \dots, m_{L+1})`.
    n_params : int
        Number of entries of all weights and biases, :math:`\sum_\ell (m_{\ell-1}+1) m_\ell`
        (dense count, structural zeros included).
    n_nonzero : int
        Number of non-zero entries of all weights and biases, the size that approximation
        theory counts (Yarotsky 2017; Petersen and Voigtlaender 2018).

    Examples
    --------
    >>> net = ReLUNet([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]])
    >>> net.depth, net.widths, net.n_params
    (1, (1, 2, 1), 7)

    References
    ----------
    Book: Part II (chapters 3-5). Berner et al. (2022).
    """

    def __init__(self, weights: Sequence[Any], biases: Sequence[Any], *, dtype: torch.dtype = torch.float64,
                 device: Any = "cpu"):
        super().__init__()
        if isinstance(weights, (str, bytes)) or not hasattr(weights, "__len__"):
            raise TypeError(f"weights must be a sequence of matrices, got {type(weights).__name__}")
        if isinstance(biases, (str, bytes)) or not hasattr(biases, "__len__"):
            raise TypeError(f"biases must be a sequence of vectors, got {type(biases).__name__}")
        if len(weights) < 1:
            raise ValueError("weights must contain at least one matrix")
        if len(biases) != len(weights):
            raise ValueError(f"biases must have one vector per weight matrix, got {len(biases)} for {len(weights)}")
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise TypeError(f"dtype must be a floating torch.dtype, got {dtype!r}")
        device = check_device(device)
        ws, bs = [], []
        prev = None
        for i, (w, b) in enumerate(zip(weights, biases)):
            w = check_array(w, f"weights[{i}]", ndim=2)
            b = check_array(b, f"biases[{i}]", ndim=1)
            if prev is not None and w.shape[1] != prev:
                raise ValueError(f"weights[{i}] must have {prev} columns, got shape {w.shape}")
            if b.shape[0] != w.shape[0]:
                raise ValueError(f"biases[{i}] must have length {w.shape[0]}, got {b.shape[0]}")
            prev = w.shape[0]
            ws.append(nn.Parameter(torch.tensor(w, dtype=dtype, device=device)))
            bs.append(nn.Parameter(torch.tensor(b, dtype=dtype, device=device)))
        self.weights = nn.ParameterList(ws)
        self.biases = nn.ParameterList(bs)

    @property
    def depth(self) -> int:
        return len(self.weights) - 1

    @property
    def widths(self) -> tuple[int, ...]:
        return (int(self.weights[0].shape[1]),) + tuple(int(w.shape[0]) for w in self.weights)

    @property
    def n_params(self) -> int:
        return int(sum(w.numel() + b.numel() for w, b in zip(self.weights, self.biases)))

    @property
    def n_nonzero(self) -> int:
        return int(sum(int(torch.count_nonzero(w)) + int(torch.count_nonzero(b))
                       for w, b in zip(self.weights, self.biases)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Evaluate on a batch ``x`` of shape ``(batch, d)``; returns shape ``(batch, d_out)``."""
        h = x
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            h = torch.relu(torch.addmm(b, h, w.T))
        return torch.addmm(self.biases[-1], h, self.weights[-1].T)

    def evaluate(self, x: Any) -> np.ndarray:
        """Evaluate on NumPy input without gradients.

        ``x`` of shape ``(batch, d)``, or ``(batch,)`` when ``d = 1``; returns a float64 array of
        shape ``(batch,)`` for scalar output and ``(batch, d_out)`` otherwise.
        """
        arr = check_array(x, "x")
        d = self.widths[0]
        if arr.ndim == 1 and d == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[1] != d:
            raise ValueError(f"x must have shape (batch, {d}), got {arr.shape}")
        w0 = self.weights[0]
        chunk = max(1, 2 ** 19 // max(self.widths))  # bound the memory of the hidden activations
        outs = []
        with torch.no_grad():
            for start in range(0, arr.shape[0], chunk):
                xt = torch.as_tensor(arr[start:start + chunk], dtype=w0.dtype, device=w0.device)
                outs.append(self(xt).cpu().numpy().astype(np.float64))
        out = np.concatenate(outs, axis=0) if outs else np.zeros((0, self.widths[-1]))
        return out[:, 0] if out.shape[1] == 1 else out

    def numpy_layers(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The weights and biases as float64 NumPy arrays ``(weights, biases)``."""
        ws = [w.detach().cpu().numpy().astype(np.float64) for w in self.weights]
        bs = [b.detach().cpu().numpy().astype(np.float64) for b in self.biases]
        return ws, bs

    def extra_repr(self) -> str:
        return (f"widths={self.widths}, depth={self.depth}, n_params={self.n_params}, "
                f"n_nonzero={self.n_nonzero}")


def _layers(net: ReLUNet) -> tuple[list[np.ndarray], list[np.ndarray]]:
    return net.numpy_layers()


def _compose_affine(ws: list[np.ndarray], bs: list[np.ndarray], A: np.ndarray, c: np.ndarray):
    """Layers of x -> Phi(A x + c)."""
    ws, bs = list(ws), list(bs)
    bs[0] = ws[0] @ c + bs[0]
    ws[0] = ws[0] @ A
    return ws, bs


def _compose(outer: tuple, inner: tuple):
    """Layers of Phi_outer o Phi_inner (the inner output layer is merged into the outer input layer)."""
    wo, bo = outer
    wi, bi = inner
    first_w = wo[0] @ wi[-1]
    first_b = wo[0] @ bi[-1] + bo[0]
    return wi[:-1] + [first_w] + wo[1:], bi[:-1] + [first_b] + bo[1:]


def _parallel(nets: list[tuple], coeffs: Sequence[float], const: float = 0.0):
    """Layers of x -> const + sum_j coeffs[j] Phi_j(x) for networks of equal depth and scalar output."""
    depth = len(nets[0][0]) - 1
    if any(len(n[0]) - 1 != depth for n in nets):
        raise ValueError("networks must have the same depth")
    ws, bs = [], []
    ws.append(np.vstack([n[0][0] for n in nets]))
    bs.append(np.concatenate([n[1][0] for n in nets]))
    for layer in range(1, depth):
        blocks = [n[0][layer] for n in nets]
        rows = sum(b.shape[0] for b in blocks)
        cols = sum(b.shape[1] for b in blocks)
        w = np.zeros((rows, cols))
        r = c = 0
        for b in blocks:
            w[r:r + b.shape[0], c:c + b.shape[1]] = b
            r += b.shape[0]
            c += b.shape[1]
        ws.append(w)
        bs.append(np.concatenate([n[1][layer] for n in nets]))
    ws.append(np.hstack([cf * n[0][-1] for cf, n in zip(coeffs, nets)]))
    bs.append(np.array([const + sum(cf * float(n[1][-1][0]) for cf, n in zip(coeffs, nets))]))
    return ws, bs


def shallow_relu_interpolant(f: Callable[[np.ndarray], Any], n: int, *, device: Any = "cpu") -> ReLUNet:
    r"""The width-:math:`n` ReLU network interpolating ``f`` on the grid :math:`i/n`.

    .. math::

        I_n f(x) = f(0) + s_1 \sigma(x) + \sum_{i=1}^{n-1} (s_{i+1} - s_i)\, \sigma(x - i/n),
        \qquad s_i = n\bigl(f(i/n) - f((i-1)/n)\bigr),

    equals on :math:`[0, 1]` the continuous piecewise-linear interpolant of ``f`` at the nodes
    :math:`0, 1/n, \dots, 1`. It has one hidden layer of width :math:`n` and
    :math:`3n + 1` parameters.

    Parameters
    ----------
    f : callable
        Vectorised function, ``f(x)`` for an array ``x`` of shape ``(n+1,)`` returns the values.
    n : int
        Width (number of cells), >= 1.
    device : str or torch.device, default "cpu"

    Returns
    -------
    ReLUNet
        Maps tensors of shape ``(batch, 1)`` to ``(batch, 1)``; use ``.evaluate(x)`` on arrays.

    References
    ----------
    Book: chapter 3 (*Universal approximation*), theorem ``expressivity-uat_ck``.
    Berner et al. (2022).
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    n = check_int(n, "n", minimum=1)
    nodes = np.arange(n + 1) / n
    vals = check_array(np.asarray(f(nodes), dtype=float), "f(nodes)", ndim=1)
    if vals.shape != (n + 1,):
        raise ValueError(f"f must return an array of shape ({n + 1},), got {vals.shape}")
    s = n * np.diff(vals)
    out = np.concatenate([[s[0]], np.diff(s)])
    return ReLUNet([np.ones((n, 1)), out[None, :]], [-nodes[:-1], np.array([vals[0]])], device=device)


def heaviside_ramp_network(h: float, *, device: Any = "cpu") -> ReLUNet:
    r"""The ramp :math:`r_h(x) = \sigma(x/h) - \sigma(x/h - 1)` as a width-2 ReLU network.

    :math:`r_h = 0` on :math:`(-\infty, 0]`, :math:`x/h` on :math:`[0, h]` and :math:`1` on
    :math:`[h, \infty)`; it approximates the Heaviside function in :math:`L^p`.

    Parameters
    ----------
    h : float
        Ramp width, > 0.

    References
    ----------
    Book: chapter 3, theorem ``expressivity-uat_lp``.
    """
    h = check_real(h, "h", minimum=0.0, strict_min=True)
    return ReLUNet([np.array([[1.0 / h], [1.0 / h]]), np.array([[1.0, -1.0]])],
                   [np.array([0.0, -1.0]), np.array([0.0])], device=device)


def sawtooth_network(k: int, *, device: Any = "cpu") -> ReLUNet:
    r"""The :math:`k`-fold composition of the tent map as a ReLU network of depth :math:`k`, width 2.

    The tent map :math:`\Delta(x) = 2\sigma(x) - 4\sigma(x - 1/2) + 2\sigma(x - 1)` equals
    :math:`2\sigma(x) - 4\sigma(x - 1/2)` on :math:`[0, 1]` and maps :math:`[0, 1]` onto itself, so
    hidden layer :math:`\ell` computes :math:`(\sigma(y), \sigma(y - 1/2))` with
    :math:`y = \Delta^{\circ(\ell-1)}(x)` and the network equals :math:`\Delta^{\circ k}` on
    :math:`[0, 1]`. Size :math:`6k + 1`.

    Parameters
    ----------
    k : int
        Number of compositions, >= 1.

    References
    ----------
    Book: chapter 5, theorem ``expressivity-telgarsky_sawtooth``. Telgarsky (2016), Section 2.
    """
    k = check_int(k, "k", minimum=1)
    inner = np.array([[2.0, -4.0], [2.0, -4.0]])
    shift = np.array([0.0, -0.5])
    ws = [np.array([[1.0], [1.0]])] + [inner] * (k - 1) + [np.array([[2.0, -4.0]])]
    bs = [shift] * k + [np.array([0.0])]
    return ReLUNet(ws, bs, device=device)


def _unit_interval(x: Any, name: str) -> np.ndarray:
    arr = check_array(x, name)
    if np.any(arr < 0.0) or np.any(arr > 1.0):
        raise ValueError(f"{name} must lie in [0, 1]")
    return arr


def sawtooth(x: Any, k: int) -> np.ndarray:
    r"""The sawtooth :math:`\Delta^{\circ k}(x)` on :math:`[0, 1]`, evaluated through :func:`sawtooth_network`.

    :math:`\Delta^{\circ k}` is continuous piecewise linear with the :math:`2^k` pieces
    :math:`[j 2^{-k}, (j+1) 2^{-k}]`, equal to 0 at even and 1 at odd multiples of :math:`2^{-k}`.

    Parameters
    ----------
    x : array_like
        Points of :math:`[0, 1]`, any shape.
    k : int
        Number of compositions, >= 0 (:math:`k = 0` is the identity).

    Returns
    -------
    numpy.ndarray
        Same shape as ``x``.

    References
    ----------
    Book: chapter 5. Telgarsky (2016).
    """
    arr = _unit_interval(x, "x")
    k = check_int(k, "k", minimum=0)
    if k == 0:
        return arr.copy()
    return sawtooth_network(k).evaluate(arr.reshape(-1)).reshape(arr.shape)


def count_linear_pieces(weights: Sequence[Any], biases: Sequence[Any], a: float = 0.0, b: float = 1.0) -> int:
    r"""Exact number of affine pieces of a ReLU network :math:`\R \to \R` on :math:`[a, b]`.

    Breakpoint propagation in exact rational arithmetic (every float is a rational number):
    on each interval of the current partition every pre-activation of the next layer is affine,
    so it has at most one zero there; the zeros refine the partition, the activation pattern is
    constant on each new interval, and the next layer's affine functions follow. At the end,
    adjacent intervals on which the output is the same affine function are merged. No sampling
    is involved, so the count is exact for the given float weights.

    Parameters
    ----------
    weights, biases : sequence of array_like
        The layers of the network in the convention of :class:`ReLUNet`; the first matrix must
        have one column and the last one row.
    a, b : float
        The interval; ``a = -inf`` and/or ``b = inf`` count the pieces on the whole line.

    Returns
    -------
    int
        The minimal number of intervals covering :math:`[a, b]` on each of which the network is
        affine.

    References
    ----------
    Book: chapter 5, theorem ``expressivity-telgarsky_sawtooth`` (b). Montúfar et al. (2014);
    Telgarsky (2016).
    """
    if isinstance(weights, ReLUNet):
        raise TypeError("weights must be a sequence of matrices; use count_linear_pieces(*net.numpy_layers())")
    if isinstance(weights, (str, bytes)) or not hasattr(weights, "__len__") or len(weights) < 1:
        raise TypeError("weights must be a non-empty sequence of matrices")
    if isinstance(biases, (str, bytes)) or not hasattr(biases, "__len__"):
        raise TypeError("biases must be a sequence of vectors")
    if len(biases) != len(weights):
        raise ValueError(f"biases must have one vector per weight matrix, got {len(biases)} for {len(weights)}")
    a = float(a) if not isinstance(a, (bool, np.bool_)) and isinstance(a, (int, float, np.floating, np.integer)) else a
    b = float(b) if not isinstance(b, (bool, np.bool_)) and isinstance(b, (int, float, np.floating, np.integer)) else b
    if not isinstance(a, float):
        raise TypeError(f"a must be a real number, got {type(a).__name__}")
    if not isinstance(b, float):
        raise TypeError(f"b must be a real number, got {type(b).__name__}")
    if math.isnan(a) or a == math.inf:
        raise ValueError(f"a must be a number < inf, got {a}")
    if math.isnan(b) or b == -math.inf:
        raise ValueError(f"b must be a number > -inf, got {b}")
    if not a < b:
        raise ValueError(f"a must be smaller than b, got a={a}, b={b}")
    layers = []
    prev = 1
    for i, (w, bb) in enumerate(zip(weights, biases)):
        w = check_array(w, f"weights[{i}]", ndim=2)
        bb = check_array(bb, f"biases[{i}]", ndim=1)
        if w.shape[1] != prev:
            raise ValueError(f"weights[{i}] must have {prev} columns, got shape {w.shape}")
        if bb.shape[0] != w.shape[0]:
            raise ValueError(f"biases[{i}] must have length {w.shape[0]}, got {bb.shape[0]}")
        prev = w.shape[0]
        layers.append((_dyadic(w), _dyadic(bb[None, :])))
    if prev != 1:
        raise ValueError(f"weights[-1] must have one row (scalar output), got {prev}")

    # Every float is a dyadic rational n / 2^e. Slopes and intercepts of all pre-activations are
    # kept as Python integers over one common denominator 2^E (exact); a zero -C/S of an affine
    # function is then the exact rational -C_int/S_int, and breakpoints are Fractions.
    lo0 = None if a == -math.inf else Fraction(a)
    hi0 = None if b == math.inf else Fraction(b)
    exp = 0  # current common denominator 2^exp of the layer outputs
    intervals = [(lo0, hi0, [1], [0])]

    def rep(lo, hi):
        if lo is None and hi is None:
            return Fraction(0)
        if lo is None:
            return hi - 1
        if hi is None:
            return lo + 1
        return (lo + hi) / 2

    for layer, ((W, ew), (B, eb)) in enumerate(layers):
        last = layer == len(layers) - 1
        B = B[0]
        e_new = max(exp + ew, eb)
        sh_w, sh_b = e_new - exp - ew, e_new - eb
        new = []
        for lo, hi, s, c in intervals:
            S = [sum(wij * sj for wij, sj in zip(row, s)) << sh_w for row in W]
            C = [(sum(wij * cj for wij, cj in zip(row, c)) << sh_w) + (bj << sh_b) for row, bj in zip(W, B)]
            if last:
                new.append((lo, hi, S, C))
                continue
            roots = set()
            for Sj, Cj in zip(S, C):
                if Sj != 0:
                    r = Fraction(-Cj, Sj)
                    if (lo is None or r > lo) and (hi is None or r < hi):
                        roots.add(r)
            pts = [lo] + sorted(roots) + [hi]
            for p, q in zip(pts[:-1], pts[1:]):
                t = rep(p, q)
                mask = [Cj * t.denominator + Sj * t.numerator > 0 for Sj, Cj in zip(S, C)]
                new.append((p, q, [Sj if mk else 0 for Sj, mk in zip(S, mask)],
                            [Cj if mk else 0 for Cj, mk in zip(C, mask)]))
        intervals = new
        exp = e_new
    pieces = 1
    for prev_iv, iv in zip(intervals[:-1], intervals[1:]):
        if prev_iv[2] != iv[2] or prev_iv[3] != iv[3]:
            pieces += 1
    return pieces


def _dyadic(arr: np.ndarray) -> tuple[list[list[int]], int]:
    """Write a float array as integers over a common denominator 2^e: returns (rows of ints, e)."""
    ratios = [[float(v).as_integer_ratio() for v in row] for row in arr]
    e = max((d.bit_length() - 1 for row in ratios for _, d in row), default=0)
    return [[n << (e - (d.bit_length() - 1)) for n, d in row] for row in ratios], e


def yarotsky_square_network(m: int, *, device: Any = "cpu") -> ReLUNet:
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

    References
    ----------
    Book: chapter 5, theorem ``expressivity-yarotsky_square``. Yarotsky (2017), Proposition 2.
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
    return ReLUNet(ws, bs, device=device)


def _abs_then(net_layers: tuple, direction: np.ndarray, scale: float):
    """Layers of x -> Phi(|direction . x| * scale): a ReLU layer for |.| merged into Phi."""
    d = direction.shape[0]
    w_abs = np.vstack([direction, -direction])
    inner = ([w_abs, scale * np.array([[1.0, 1.0]])], [np.zeros(2), np.zeros(1)])
    assert w_abs.shape == (2, d)
    return _compose(net_layers, inner)


def yarotsky_product_network(m: int, M: float, *, device: Any = "cpu") -> ReLUNet:
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

    References
    ----------
    Book: chapter 5. Yarotsky (2017), Proposition 3.
    """
    m = check_int(m, "m", minimum=1)
    M = check_real(M, "M", minimum=0.0, strict_min=True)
    fm = _layers(yarotsky_square_network(m))
    parts = [_abs_then(fm, np.array([1.0, 1.0]), 1 / (2 * M)),
             _abs_then(fm, np.array([1.0, 0.0]), 1 / (2 * M)),
             _abs_then(fm, np.array([0.0, 1.0]), 1 / (2 * M))]
    ws, bs = _parallel(parts, [2 * M * M, -2 * M * M, -2 * M * M])
    return ReLUNet(ws, bs, device=device)


def yarotsky_square(x: Any, m: int) -> np.ndarray:
    r"""Yarotsky's approximation :math:`f_m(x)` of :math:`x^2` on :math:`[0, 1]`, through the network.

    :math:`\|f_m - x^2\|_{L^\infty[0,1]} = 2^{-2m-2}`.

    Parameters
    ----------
    x : array_like
        Points of :math:`[0, 1]`, any shape.
    m : int
        >= 1.

    Returns
    -------
    numpy.ndarray, same shape as ``x``.

    References
    ----------
    Book: chapter 5. Yarotsky (2017), Proposition 2.
    """
    arr = _unit_interval(x, "x")
    m = check_int(m, "m", minimum=1)
    return yarotsky_square_network(m).evaluate(arr.reshape(-1)).reshape(arr.shape)


def yarotsky_product(x: Any, y: Any, m: int, M: float) -> np.ndarray:
    r"""Yarotsky's approximate product :math:`\tilde\times(x, y)` for :math:`|x|, |y| \le M`.

    :math:`\sup_{|x|,|y| \le M} |\tilde\times(x, y) - xy| \le M^2 2^{-2m}`.

    Parameters
    ----------
    x, y : array_like
        Same shape, entries in :math:`[-M, M]`.
    m : int
        >= 1.
    M : float
        > 0.

    Returns
    -------
    numpy.ndarray, same shape as ``x``.

    References
    ----------
    Book: chapter 5. Yarotsky (2017), Proposition 3.
    """
    M = check_real(M, "M", minimum=0.0, strict_min=True)
    m = check_int(m, "m", minimum=1)
    xa = check_array(x, "x")
    ya = check_array(y, "y")
    if xa.shape != ya.shape:
        raise ValueError(f"x and y must have the same shape, got {xa.shape} and {ya.shape}")
    if np.any(np.abs(xa) > M):
        raise ValueError("x must lie in [-M, M]")
    if np.any(np.abs(ya) > M):
        raise ValueError("y must lie in [-M, M]")
    pts = np.stack([xa.reshape(-1), ya.reshape(-1)], axis=1)
    return yarotsky_product_network(m, M).evaluate(pts).reshape(xa.shape)


def hat_function_network(d: int, *, device: Any = "cpu") -> ReLUNet:
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

    References
    ----------
    Book: chapter 5, proposition ``ch05-prop-kuhn``. He, Li, Xu, Zheng (2020).
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
    return ReLUNet(ws, bs, device=device)


def _grid_values(values: Any, m: int) -> tuple[np.ndarray, int]:
    m = check_int(m, "m", minimum=1)
    vals = check_array(values, "values")
    if vals.ndim < 1 or any(s != m + 1 for s in vals.shape):
        raise ValueError(f"values must have shape (m+1,)*d = ({m + 1}, ...), got {vals.shape}")
    return vals, m


def simplex_interpolant_network(values: Any, m: int, *, device: Any = "cpu") -> ReLUNet:
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

    References
    ----------
    Book: chapter 5, proposition ``ch05-prop-kuhn``. He, Li, Xu, Zheng (2020), Section 3.
    """
    vals, m = _grid_values(values, m)
    d = vals.ndim
    hat = _layers(hat_function_network(d))
    parts, coeffs = [], []
    for idx in np.ndindex(*vals.shape):
        parts.append(_compose_affine(hat[0], hat[1], m * np.eye(d), -np.array(idx, dtype=float)))
        coeffs.append(float(vals[idx]))
    ws, bs = _parallel(parts, coeffs)
    return ReLUNet(ws, bs, device=device)


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
    values : array_like, shape (m+1,)*d
        Nodal values :math:`u_v = f(v/m)`.
    m : int
        Grid size, >= 1.
    X : array_like, shape (n, d)
        Points of :math:`[0,1]^d`.

    Returns
    -------
    numpy.ndarray, shape (n,)

    References
    ----------
    Book: chapter 5, proposition ``ch05-prop-kuhn``. Kuhn (1960);
    He, Li, Xu, Zheng (2020).
    """
    vals, m = _grid_values(values, m)
    d = vals.ndim
    X = check_array(X, "X", ndim=2)
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
    return out


# ---------------------------------------------------------------------------------------------
# Chapter 3: universal approximation
# ---------------------------------------------------------------------------------------------

_TARGETS_1D = {
    # name: (f, f', sup|f''| on [0,1], ||f''||_{L^2(0,1)})
    "sin2pi": (lambda x: np.sin(2 * np.pi * x), lambda x: 2 * np.pi * np.cos(2 * np.pi * x),
               (2 * np.pi) ** 2, (2 * np.pi) ** 2 / math.sqrt(2.0)),
    "exp": (np.exp, np.exp, math.e, math.sqrt((math.e ** 2 - 1) / 2)),
}


def _check_widths(widths: Any, name: str = "widths", minimum: int = 1) -> np.ndarray:
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
        raise TypeError(f"{name} must be a sequence of integers, got {type(widths).__name__}")
    out = [check_int(w, f"{name}[{i}]", minimum=minimum) for i, w in enumerate(widths)]
    if len(out) < 2:
        raise ValueError(f"{name} must contain at least two values, got {len(out)}")
    if len(set(out)) != len(out):
        raise ValueError(f"{name} must contain distinct values")
    return np.array(sorted(out), dtype=np.int64)


@demo_result
class UATRateResult(DemoResult):
    """Result of :func:`uat_1d_rate_demo`."""

    widths: np.ndarray
    sup_err: np.ndarray
    predicted: np.ndarray
    rate: float
    max_ratio: float
    asymptotic_ratio: float
    rate_fit: float
    fit_min_width: int

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.widths, self.sup_err, "o-", label=r"$\|f - I_n f\|_\infty$ (network)")
        ax.loglog(self.widths, self.predicted, "--", color="0.4", label=r"$\|f''\|_\infty / (8 n^2)$")
        ax.set_xlabel("width $n$")
        ax.set_ylabel("sup error")
        ax.set_title(f"shallow ReLU interpolant: slope {self.rate:.3f}")
        ax.legend()
        return ax


def uat_1d_rate_demo(*, widths: Any = 2 ** np.arange(3, 10), f: str = "sin2pi", seed: int = 0,
                     device: Any = "cpu") -> UATRateResult:
    r"""Sup error of the width-:math:`n` shallow ReLU interpolant against the bound :math:`\|f''\|_\infty/(8n^2)`.

    For each width :math:`n` the network :func:`shallow_relu_interpolant` is built and evaluated
    on the grid :math:`j 2^{-16}`, :math:`0 \le j \le 2^{16}` (which contains all cell midpoints).
    The error satisfies :math:`\|f - I_n f\|_{C[0,1]} \le \|f''\|_\infty/(8n^2)`, with equality
    asymptotically for :math:`f = \sin 2\pi x` (constant :math:`\pi^2/2`).

    Parameters
    ----------
    widths : sequence of int, default (8, 16, ..., 512)
        Distinct widths >= 1.
    f : {"sin2pi", "exp"}, default "sin2pi"
        Target :math:`\sin(2\pi x)` or :math:`e^x`.
    seed : int, default 0
        Unused (the demo is deterministic); accepted for a uniform interface.
    device : str or torch.device, default "cpu"

    Returns
    -------
    UATRateResult
        ``widths``, ``sup_err``, ``predicted`` (the bound, per width), ``rate`` (fitted slope
        over all widths), ``rate_fit`` (fitted slope over the widths ``>= fit_min_width`` = 32,
        where the error is within 1% of its asymptotic form; predicted -2), ``max_ratio`` (max
        of error/bound, <= 1, the tightness of the bound) and ``asymptotic_ratio`` (error/bound
        at the largest width).

    References
    ----------
    Book: chapter 3, theorem ``expressivity-uat_ck``. Berner et al. (2022).
    """
    widths = _check_widths(widths)
    check_choice(f, "f", tuple(_TARGETS_1D))
    check_int(seed, "seed", minimum=0)
    device = check_device(device)
    func, _, sup2, _ = _TARGETS_1D[f]
    x = np.arange(2 ** 16 + 1) / 2 ** 16
    fx = func(x)
    errs = []
    for n in widths:
        net = shallow_relu_interpolant(func, int(n), device=device)
        errs.append(np.max(np.abs(fx - net.evaluate(x))))
    errs = np.array(errs)
    pred = sup2 / (8.0 * widths.astype(float) ** 2)
    ratio = errs / pred
    fit_min = 32
    win = widths >= fit_min
    if win.sum() < 2:
        raise ValueError(f"widths must contain at least two values >= {fit_min} for the fitted rate")
    return UATRateResult(widths=widths, sup_err=errs, predicted=pred, rate=loglog_slope(widths, errs),
                         max_ratio=float(ratio.max()), asymptotic_ratio=float(ratio[-1]),
                         rate_fit=loglog_slope(widths[win], errs[win]), fit_min_width=fit_min)


declare_check(
    "expressivity.uat_ck", label="interpolant",
    quantity="largest ratio of the sup error of the width-n interpolant of sin(2 pi x) to the bound "
             "||f''||/(8 n^2), over the widths",
    claim="upper bound", relation="<=", measure="max_ratio", predict=1.0, tolerance=1e-9,
    reason="float64 rounding of the network's output (errors ~1e-13 against values ~1e-5)",
    hypotheses="f = sin(2 pi x) in C^2[0,1], nodes i/n, sup over a grid containing every cell midpoint "
               "(where |f - I_n f| is maximal to O(h^3))",
    wrong="0.9 x the bound, i.e. ||f''||/(8.9 n^2) (the bound is attained as n -> infinity)",
    wrong_predict=0.9, min_tightness=0.99, demo=uat_1d_rate_demo)

declare_check(
    "expressivity.uat_ck", label="rate",
    quantity="fitted slope of log sup error against log n, widths n >= 32",
    claim="rate", relation="approx", measure="rate_fit", predict=-2.0, tolerance=0.02,
    reason="pre-asymptotic range: for n >= 32 the ratio error/bound lies within 1% of its limit 1, "
           "which moves the slope by less than 0.01",
    hypotheses="f = sin(2 pi x) in C^2[0,1]; deterministic, no statistical error",
    wrong="the rate n^(-1) (the rate of the derivative, or of a merely Lipschitz target)",
    wrong_predict=-1.0, demo=uat_1d_rate_demo)


@demo_result
class HeavisideLpResult(DemoResult):
    """Result of :func:`heaviside_lp_demo`; ``lp_err`` and ``predicted`` have shape ``(len(hs), len(ps))``."""

    hs: np.ndarray
    ps: np.ndarray
    lp_err: np.ndarray
    predicted: np.ndarray
    sup_err: np.ndarray
    max_rel_err: float
    quad_tol: float
    wrong_rel_err: float

    def plot(self, ax=None):
        ax = axes(ax)
        for j, p in enumerate(self.ps):
            ax.loglog(self.hs, self.lp_err[:, j], "o", color=COLORS[j], label=f"$L^{{{p:g}}}$ error")
            ax.loglog(self.hs, self.predicted[:, j], "-", color=COLORS[j], alpha=0.6,
                      label=f"$(h/{p + 1:g})^{{1/{p:g}}}$")
        ax.loglog(self.hs, self.sup_err, "s--", color="0.3", label="sup error")
        ax.axhline(0.5, color="0.5", linestyle=":", label=r"$1/2$ (any continuous $g$)")
        ax.set_xlabel("ramp width $h$")
        ax.set_ylabel(r"$\|H - r_h\|$")
        ax.invert_xaxis()
        ax.legend(ncol=2)
        return ax


def heaviside_lp_demo(*, hs: Any = (1e-1, 1e-2, 1e-3), ps: Any = (1, 2, 4), seed: int = 0,
                      device: Any = "cpu") -> HeavisideLpResult:
    r"""The ReLU ramp approximates the Heaviside function in :math:`L^p` but not uniformly.

    :math:`\|H - r_h\|_{L^p(-1,1)} = (h/(p+1))^{1/p}` exactly, while
    :math:`\sup_{[-1,1]} |H - r_h| = 1` for every :math:`h`. The demo evaluates the network
    :func:`heaviside_ramp_network` on the uniform grid of :math:`2\cdot 10^6 + 1` points of
    :math:`[-1, 1]`, with :math:`H = \mathbf 1_{[0, \infty)}`, and integrates with the trapezoidal
    rule on :math:`[-1, 0]` and :math:`[0, 1]` separately (using one-sided limits at the jump).

    Parameters
    ----------
    hs : sequence of float, default (0.1, 0.01, 0.001)
        Ramp widths in :math:`[10^{-4}, 1]`.
    ps : sequence of float, default (1, 2, 4)
        Exponents :math:`p \ge 1`.
    seed : int, default 0
        Unused (deterministic demo).
    device : str or torch.device, default "cpu"

    Returns
    -------
    HeavisideLpResult
        ``lp_err`` and ``predicted`` (closed form), ``sup_err`` (max over the grid),
        ``max_rel_err`` (max relative deviation from the closed form), ``quad_tol`` (twice the
        relative error bound :math:`(p+1)p(p-1)\delta^2/(12 h^2)` of the trapezoidal rule for
        the integral, divided by :math:`p` for its :math:`p`-th root, maximised over the pairs,
        with :math:`\delta` the grid step, plus :math:`10^{-9}`) and ``wrong_rel_err`` (the same
        deviation from the wrong closed form :math:`(h/p)^{1/p}`).

    References
    ----------
    Book: chapter 3, theorem ``expressivity-uat_lp``. Hornik (1991).
    """
    if isinstance(hs, (str, bytes)) or not hasattr(hs, "__len__") or len(hs) < 1:
        raise TypeError("hs must be a non-empty sequence of numbers")
    if isinstance(ps, (str, bytes)) or not hasattr(ps, "__len__") or len(ps) < 1:
        raise TypeError("ps must be a non-empty sequence of numbers")
    hs_a = np.array([check_real(h, f"hs[{i}]", minimum=1e-4, maximum=1.0) for i, h in enumerate(hs)])
    ps_a = np.array([check_real(p, f"ps[{i}]", minimum=1.0) for i, p in enumerate(ps)])
    check_int(seed, "seed", minimum=0)
    device = check_device(device)
    x = np.linspace(-1.0, 1.0, 2 * 10 ** 6 + 1)
    step = x[1] - x[0]
    left, right = x <= 0, x >= 0
    lp = np.empty((hs_a.size, ps_a.size))
    sup = np.empty(hs_a.size)

    def trap(g):
        return step * (g.sum() - 0.5 * (g[0] + g[-1]))

    for i, h in enumerate(hs_a):
        r = heaviside_ramp_network(h, device=device).evaluate(x)
        e_left = np.abs(0.0 - r[left])     # H = 0 on [-1, 0) (left limit at 0)
        e_right = np.abs(1.0 - r[right])   # H = 1 on [0, 1]
        sup[i] = max(e_left.max(), e_right.max())
        for j, p in enumerate(ps_a):
            lp[i, j] = (trap(e_left ** p) + trap(e_right ** p)) ** (1 / p)
    pred = (hs_a[:, None] / (ps_a[None, :] + 1)) ** (1 / ps_a[None, :])
    wrong = (hs_a[:, None] / ps_a[None, :]) ** (1 / ps_a[None, :])
    # composite trapezoid on [0, h] for (1 - x/h)^p: |error| <= h delta^2 p (p-1) / (12 h^2), relative
    # to the integral h/(p+1); the p-th root divides the relative error by p
    qt = (ps_a[None, :] + 1) * (ps_a[None, :] - 1) * step ** 2 / (12 * hs_a[:, None] ** 2)
    return HeavisideLpResult(hs=hs_a, ps=ps_a, lp_err=lp, predicted=pred, sup_err=sup,
                             max_rel_err=float(np.max(np.abs(lp / pred - 1))),
                             quad_tol=float(2 * qt.max() + 1e-9),
                             wrong_rel_err=float(np.max(np.abs(lp / wrong - 1))))


declare_check(
    "expressivity.uat_lp", label="lp",
    quantity="largest relative deviation of the L^p errors ||H - r_h||_p from (h/(p+1))^(1/p), over (h, p)",
    claim="identity", relation="approx", measure="max_rel_err", predict=0.0, tolerance="quad_tol",
    reason="twice the error bound of the composite trapezoidal rule for the norm, (p+1)(p-1) delta^2/(12 h^2) "
           "relative, "
           "at grid step delta = 1e-6 (the integrand is smooth on each side of the jump, integrated separately)",
    hypotheses="H = 1_[0, inf), the width-2 ReLU ramp r_h with 1e-4 <= h <= 1, exponents p >= 1, interval [-1, 1]",
    wrong="(h/p)^(1/p) (p instead of p + 1 in the closed form)",
    wrong_measure="wrong_rel_err", demo=heaviside_lp_demo)

declare_check(
    "expressivity.uat_lp", label="sup",
    quantity="smallest sup error of the ramp r_h to H over the widths h",
    claim="equality", relation="approx", measure=lambda r: float(np.min(r.sup_err)), predict=1.0,
    tolerance=1e-12,
    reason="float64 rounding; the sup is attained at x = 0, a grid point, where r_h(0) = 0 exactly",
    hypotheses="H = 1_[0, inf) with H(0) = 1, the ramp r_h, 1e-4 <= h <= 1",
    wrong="1/2, the lower bound (b) for every continuous g (which the ramp does not attain)",
    wrong_predict=0.5, demo=heaviside_lp_demo)


@demo_result
class SobolevRateResult(DemoResult):
    """Result of :func:`sobolev_rate_demo`."""

    widths: np.ndarray
    l2_err: np.ndarray
    h1_err: np.ndarray
    sup_err: np.ndarray
    rate_l2: float
    rate_h1: float
    const_l2: float
    const_h1: float
    predicted_const_l2: float
    predicted_const_h1: float
    richardson_h1: float
    richardson_l2: float
    bound_ratio_h1: float
    bound_ratio_l2: float

    def plot(self, ax=None):
        ax = axes(ax)
        n = self.widths.astype(float)
        ax.loglog(n, self.h1_err, "o-", label=r"$|f - I_n f|_{H^1}$")
        ax.loglog(n, self.sup_err, "^-", label=r"$\|f - I_n f\|_{\infty}$")
        ax.loglog(n, self.l2_err, "s-", label=r"$\|f - I_n f\|_{L^2}$")
        ax.loglog(n, self.predicted_const_h1 / n, ":", color="0.4", label=r"$\|f''\|_{L^2}/(\sqrt{12}\,n)$")
        ax.loglog(n, self.predicted_const_l2 / n ** 2, "--", color="0.4",
                  label=r"$\|f''\|_{L^2}/(\sqrt{120}\,n^2)$")
        ax.set_xlabel("width $n$")
        ax.set_ylabel("error")
        ax.legend()
        return ax


def sobolev_rate_demo(*, widths: Any = 2 ** np.arange(3, 9), seed: int = 0, device: Any = "cpu") -> SobolevRateResult:
    r""":math:`L^2`, :math:`H^1`-seminorm and sup errors of the shallow ReLU interpolant of :math:`\sin 2\pi x`.

    The errors are integrated with 12-point Gauss-Legendre quadrature on every cell; the
    derivative of the network comes from :mod:`torch.autograd`. Predicted:
    :math:`n |f - I_nf|_{H^1} \to \|f''\|_{L^2}/\sqrt{12} = (2\pi)^2/\sqrt{24}` and
    :math:`n^2 \|f - I_nf\|_{L^2} \to \|f''\|_{L^2}/\sqrt{120} = (2\pi)^2/\sqrt{240}`.

    The non-asymptotic bounds :math:`\|f''\|_{L^2}/(\pi n)` and :math:`\|f''\|_{L^2}/(\pi^2n^2)`
    are attained, for each width :math:`n`, by :math:`f_n(x) = \sin(n\pi x)`, whose interpolant
    vanishes and whose error is a first Dirichlet eigenfunction on every cell; the demo measures
    both targets against the bounds.

    Parameters
    ----------
    widths : sequence of int, default (8, 16, ..., 256)
    seed : int, default 0
        Unused (deterministic demo).
    device : str or torch.device, default "cpu"

    Returns
    -------
    SobolevRateResult
        Errors per width, fitted slopes ``rate_l2`` (predicted -2) and ``rate_h1`` (-1), and the
        scaled errors at the largest width ``const_l2``, ``const_h1`` next to
        ``predicted_const_l2``, ``predicted_const_h1``; ``richardson_h1``, ``richardson_l2``, the
        change of the scaled errors between the last two widths (the corrections are
        :math:`O(n^{-2})`, so the remaining deviation from the limit is about a third of it);
        ``bound_ratio_h1``, ``bound_ratio_l2``, the largest ratio of the error to the
        non-asymptotic bound over the widths and over the two targets :math:`\sin 2\pi x`
        and :math:`\sin n\pi x`.

    References
    ----------
    Book: chapter 3, theorem ``expressivity-uat_sobolev``. Hornik (1991); Gühring, Kutyniok,
    Petersen (2020).
    """
    widths = _check_widths(widths)
    check_int(seed, "seed", minimum=0)
    device = check_device(device)
    f, df, _, l2f2 = _TARGETS_1D["sin2pi"]
    t, wq = np.polynomial.legendre.leggauss(12)
    l2, h1, sup = [], [], []
    ratios_h1, ratios_l2 = [], []
    xs = np.arange(2 ** 16 + 1) / 2 ** 16

    def h1_bound(f2: float, n: int) -> float:      # ||f''||_{L^2} / (pi n)
        return f2 / (math.pi * n)

    def l2_bound(f2: float, n: int) -> float:      # ||f''||_{L^2} / (pi^2 n^2)
        return f2 / (math.pi ** 2 * n ** 2)

    def errors(func, dfunc, n):
        net = shallow_relu_interpolant(func, n, device=device)
        left = np.arange(n) / n
        xq = (left[:, None] + (t[None, :] + 1) / (2 * n)).reshape(-1)
        wts = np.tile(wq / (2 * n), n)
        xt = torch.tensor(xq[:, None], dtype=torch.float64, device=device, requires_grad=True)
        out = net(xt)
        (grad,) = torch.autograd.grad(out.sum(), xt)
        e = func(xq) - out.detach().cpu().numpy()[:, 0]
        de = dfunc(xq) - grad.detach().cpu().numpy()[:, 0]
        return net, math.sqrt(float(wts @ e ** 2)), math.sqrt(float(wts @ de ** 2))

    for n in widths:
        n = int(n)
        net, e2, e1 = errors(f, df, n)
        l2.append(e2)
        h1.append(e1)
        sup.append(float(np.max(np.abs(f(xs) - net.evaluate(xs)))))
        ratios_h1.append(e1 / h1_bound(l2f2, n))
        ratios_l2.append(e2 / l2_bound(l2f2, n))
        # the extremal target sin(n pi x): ||f''||_{L^2} = (n pi)^2 / sqrt(2)
        _, e2s, e1s = errors(lambda x, n=n: np.sin(n * np.pi * x), lambda x, n=n: n * np.pi * np.cos(n * np.pi * x), n)
        f2s = (n * math.pi) ** 2 / math.sqrt(2.0)
        ratios_h1.append(e1s / h1_bound(f2s, n))
        ratios_l2.append(e2s / l2_bound(f2s, n))
    l2, h1, sup = np.array(l2), np.array(h1), np.array(sup)
    nmax = float(widths[-1])
    nprev = float(widths[-2])
    return SobolevRateResult(
        widths=widths, l2_err=l2, h1_err=h1, sup_err=sup,
        rate_l2=loglog_slope(widths, l2), rate_h1=loglog_slope(widths, h1),
        const_l2=float(nmax ** 2 * l2[-1]), const_h1=float(nmax * h1[-1]),
        predicted_const_l2=l2f2 / math.sqrt(120.0), predicted_const_h1=l2f2 / math.sqrt(12.0),
        richardson_h1=float(abs(nmax * h1[-1] - nprev * h1[-2])),
        richardson_l2=float(abs(nmax ** 2 * l2[-1] - nprev ** 2 * l2[-2])),
        bound_ratio_h1=float(max(ratios_h1)), bound_ratio_l2=float(max(ratios_l2)))


_SOB_HYP = ("f = sin(2 pi x) in C^2[0,1] (the limit) and, for the bounds, also sin(n pi x); interpolant at the "
            "nodes i/n; 12-point Gauss-Legendre quadrature on every cell, derivative by autograd")
declare_check(
    "expressivity.uat_sobolev", label="h1",
    quantity="n times the H^1 seminorm error of the interpolant of sin(2 pi x) at the largest width",
    claim="equality", relation="approx", measure="const_h1", predict="predicted_const_h1",
    tolerance="richardson_h1",
    reason="pre-asymptotic range: the change of n|e|_H1 between the last two widths (O(n^-2) corrections, "
           "about three times the remaining deviation from the limit)",
    hypotheses=_SOB_HYP,
    wrong="||f''||/pi (the constant of the non-asymptotic Poincare bound instead of 1/sqrt(12))",
    wrong_predict=lambda r: float(r.predicted_const_h1) * math.sqrt(12.0) / math.pi, demo=sobolev_rate_demo)
declare_check(
    "expressivity.uat_sobolev", label="l2",
    quantity="n^2 times the L^2 error of the interpolant of sin(2 pi x) at the largest width",
    claim="equality", relation="approx", measure="const_l2", predict="predicted_const_l2",
    tolerance="richardson_l2",
    reason="pre-asymptotic range: the change of n^2||e||_L2 between the last two widths (O(n^-2) corrections)",
    hypotheses=_SOB_HYP,
    wrong="||f''||/pi^2 (the constant of the non-asymptotic bound instead of 1/sqrt(120))",
    wrong_predict=lambda r: float(r.predicted_const_l2) * math.sqrt(120.0) / math.pi ** 2, demo=sobolev_rate_demo)
declare_check(
    "expressivity.uat_sobolev", label="h1_bound",
    quantity="largest ratio of |f - I_n f|_H1 to ||f''||_L2/(pi n), over the widths and the targets "
             "sin(2 pi x), sin(n pi x)",
    claim="upper bound", relation="<=", measure="bound_ratio_h1", predict=1.0, tolerance=1e-9,
    reason="quadrature and float64 rounding (Gauss-Legendre with 12 nodes on sin over a cell: error < 1e-12)",
    hypotheses=_SOB_HYP, wrong="0.9 x the bound (the bound is attained by sin(n pi x))",
    wrong_predict=0.9, min_tightness=0.999, demo=sobolev_rate_demo)
declare_check(
    "expressivity.uat_sobolev", label="l2_bound",
    quantity="largest ratio of ||f - I_n f||_L2 to ||f''||_L2/(pi^2 n^2), over the widths and the targets "
             "sin(2 pi x), sin(n pi x)",
    claim="upper bound", relation="<=", measure="bound_ratio_l2", predict=1.0, tolerance=1e-9,
    reason="quadrature and float64 rounding (Gauss-Legendre with 12 nodes on sin over a cell: error < 1e-12)",
    hypotheses=_SOB_HYP, wrong="0.9 x the bound (the bound is attained by sin(n pi x))",
    wrong_predict=0.9, min_tightness=0.999, demo=sobolev_rate_demo)


@demo_result
class PolynomialActivationResult(DemoResult):
    """Result of :func:`polynomial_activation_demo`."""

    widths: np.ndarray
    poly_err: np.ndarray
    relu_err: np.ndarray
    poly_rank: np.ndarray
    degree: int
    predicted: float
    poly_minimax: np.ndarray
    minimax_worst: float

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.widths, self.poly_err, "o-", label=fr"$\sigma(t) = t^{{{self.degree}}}$, least squares")
        ax.loglog(self.widths, self.poly_minimax, "^", color=COLORS[2],
                  label=fr"$\sigma(t) = t^{{{self.degree}}}$, best uniform")
        ax.loglog(self.widths, self.relu_err, "s-", label=r"$\sigma = $ ReLU")
        ax.axhline(self.predicted, color="0.4", linestyle="--",
                   label=fr"$2^{{-{self.degree}}}$ = dist$(x^{{{self.degree + 1}}}, \mathcal{{P}}_{{{self.degree}}})$")
        ax.set_xticks(self.widths)
        ax.set_xticklabels([str(int(w)) for w in self.widths])
        ax.xaxis.set_minor_formatter(_null_formatter())
        ax.set_xlabel("width $n$")
        ax.set_ylabel(r"sup error on $[-1, 1]$")
        ax.legend()
        return ax


def _null_formatter():
    from matplotlib.ticker import NullFormatter

    return NullFormatter()


def polynomial_activation_demo(*, degree: int = 2, widths: Any = (2, 4, 8, 16, 32, 64), seed: int = 0
                               ) -> PolynomialActivationResult:
    r"""A polynomial activation is not universal: the width does not help.

    With :math:`\sigma(t) = t^p`, every network :math:`c_0 + \sum_{i\le n} c_i \sigma(w_i x + b_i)`
    is a polynomial of degree :math:`\le p`, so its sup distance to :math:`x^{p+1}` on
    :math:`[-1, 1]` is at least :math:`2^{-p}` (Chebyshev), whatever :math:`n`. The demo draws
    :math:`w_i \sim N(0, 1)`, :math:`b_i \sim U[-1, 1]`, fits the outer weights by least squares
    on 2001 points plus the Chebyshev extremal points :math:`\cos(j\pi/(p+1))`, and reports the
    sup error on those points for :math:`t^p` and for ReLU with the same inner weights, and the
    numerical rank of the polynomial feature matrix (at most :math:`p + 1`).

    The best uniform error over the span of the polynomial features (``poly_minimax``) is
    computed exactly, as the linear programme
    :math:`\min\{t : |(Uc)_j - x_j^{p+1}| \le t \ \forall j\}` over an orthonormal basis
    :math:`U` of the feature span (SciPy's HiGHS solver). The points contain the extremal points
    of :math:`T_{p+1}`, so by de la Vallée Poussin's theorem the discrete minimax equals the
    continuous one, :math:`2^{-p}`, as soon as the span is all of :math:`\mathcal P_p`.

    Parameters
    ----------
    degree : int, default 2
        :math:`p`, between 1 and 6.
    widths : sequence of int, default (2, 4, ..., 64)
    seed : int, default 0

    Returns
    -------
    PolynomialActivationResult
        ``poly_err`` (least squares), ``poly_minimax`` (best uniform error over the span),
        ``relu_err``, ``poly_rank`` per width; ``predicted`` :math:`= 2^{-p}`, and
        ``minimax_worst``, the value of ``poly_minimax`` farthest from ``predicted``.

    References
    ----------
    Book: chapter 3, theorem ``expressivity-uat_ck`` (the "only if"). Leshno et al. (1993).
    """
    p = check_int(degree, "degree", minimum=1, maximum=6)
    widths = _check_widths(widths)
    g = rng(seed)
    cheb = np.cos(np.arange(p + 2) * np.pi / (p + 1))
    x = np.unique(np.concatenate([np.linspace(-1, 1, 2001), cheb]))
    target = x ** (p + 1)
    from scipy.optimize import linprog

    poly_err, relu_err, ranks, minimax = [], [], [], []
    for n in widths:
        w = g.standard_normal(int(n))
        b = g.uniform(-1, 1, int(n))
        pre = np.outer(x, w) + b
        for feats, store in (((pre ** p), poly_err), (np.maximum(pre, 0.0), relu_err)):
            A = np.hstack([np.ones((x.size, 1)), feats])
            coef, *_ = np.linalg.lstsq(A, target, rcond=None)
            store.append(float(np.max(np.abs(A @ coef - target))))
        U, s, _ = np.linalg.svd(np.hstack([np.ones((x.size, 1)), pre ** p]), full_matrices=False)
        r = int(np.sum(s > 1e-9 * s[0]))
        ranks.append(r)
        U = U[:, :r]
        ones = np.ones((x.size, 1))
        lp = linprog(np.r_[np.zeros(r), 1.0], A_ub=np.vstack([np.hstack([U, -ones]), np.hstack([-U, -ones])]),
                     b_ub=np.r_[target, -target], bounds=[(None, None)] * (r + 1), method="highs",
                     options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
        if not lp.success:  # pragma: no cover - the programme is always feasible and bounded
            raise RuntimeError(f"minimax linear programme failed: {lp.message}")
        minimax.append(float(np.max(np.abs(U @ lp.x[:r] - target))))
    minimax = np.array(minimax)
    pred = 2.0 ** (-p)
    return PolynomialActivationResult(widths=widths, poly_err=np.array(poly_err), relu_err=np.array(relu_err),
                                      poly_rank=np.array(ranks), degree=p, predicted=pred, poly_minimax=minimax,
                                      minimax_worst=float(minimax[np.argmax(np.abs(minimax / pred - 1))]))


declare_check(
    "expressivity.uat_ck", label="polynomial",
    quantity="best uniform error to x^(p+1) on [-1, 1] over the span of the features (w x + b)^p, "
             "the width farthest from the prediction (p = degree)",
    claim="equality", relation="rel", measure="minimax_worst", predict="predicted", tolerance=1e-7,
    reason="feasibility tolerances of the HiGHS linear programme (set to 1e-10) and the SVD cut-off of the "
           "feature span; the deviation measured is below 1e-9",
    hypotheses="sigma(t) = t^p, a polynomial: the 'only if' of (a); random inner weights of full rank p + 1; "
               "the points contain the p + 2 extremal points of T_(p+1)",
    wrong="2^(-p-1) (the Chebyshev constant of degree p + 2, one degree off)",
    wrong_predict=lambda r: float(r.predicted) / 2, demo=polynomial_activation_demo)


# ---------------------------------------------------------------------------------------------
# Chapter 4: Maurey and Barron
# ---------------------------------------------------------------------------------------------


@demo_result
class MaureyResult(DemoResult):
    """Result of :func:`maurey_demo`; ``mse`` has shape ``(len(dims), len(widths))``."""

    dims: np.ndarray
    widths: np.ndarray
    mse: np.ndarray
    mse_se: np.ndarray
    predicted: float
    predicted_wrong: float
    rates: np.ndarray
    rates_se: np.ndarray
    ratio: np.ndarray
    ratio_se: np.ndarray
    max_z: float
    max_z_wrong: float
    worst_rate: float
    worst_rate_se: float
    n_seeds: int
    n_test: int

    def plot(self, ax=None):
        ax = axes(ax)
        n = self.widths.astype(float)
        for i, d in enumerate(self.dims):
            ax.errorbar(n * (1 + 0.04 * (i - 1)), n * self.mse[i], yerr=2 * n * self.mse_se[i], fmt="o-",
                        color=COLORS[i % len(COLORS)], capsize=2,
                        label=f"$d = {d}$ (slope of RMS {self.rates[i]:.3f})")
        ax.set_xscale("log")
        ax.axhline(self.predicted, color="0.3", linestyle="--",
                   label=r"$\mathbb{E}\|g_w\|^2 - \|f\|^2 = \frac{1}{2} - \frac{1}{2\pi}$")
        ax.axhline(self.predicted_wrong, color="0.6", linestyle=":", label=r"$\mathbb{E}\|g_w\|^2 = \frac{1}{2}$")
        ax.set_ylim(0, 1.8 * self.predicted)
        ax.set_xlabel("width $n$")
        ax.set_ylabel(r"$n \cdot \mathbb{E}\,\|f - f_n\|^2_{L^2(\mu)}$")
        ax.legend(fontsize=8)
        return ax


def _maurey_scales(d: int) -> np.ndarray:
    """Variances of the anisotropic law of the inner weights, lambda_i proportional to 1/i, sum 3."""
    lam = 1.0 / np.arange(1, d + 1)
    return 3.0 * lam / lam.sum()


def maurey_demo(*, dims: Any = (1, 10, 100), widths: Any = (16, 64, 256, 1024), n_seeds: int = 100,
                n_test: int = 1000, seed: int = 0, device: Any = "cpu") -> MaureyResult:
    r"""Maurey's identity, with its exact constant, for a genuinely :math:`d`-dimensional target.

    Inner weights :math:`w \sim N(0, \Lambda)` with :math:`\Lambda = \operatorname{diag}(\lambda_i)`,
    :math:`\lambda_i \propto 1/i`, :math:`\sum_i \lambda_i = 3`; neurons
    :math:`g_w(x) = \sigma(w \cdot x)`, :math:`\sigma` the ReLU; target
    :math:`f(x) = \E_w g_w(x) = |\Lambda^{1/2} x| / \sqrt{2\pi}` and :math:`\mu` the uniform
    measure on the cube :math:`[-1, 1]^d`, on which :math:`f` is not constant and the law of the
    pointwise error :math:`f_n(x) - f(x)` depends on :math:`x` and on :math:`d`. Since
    :math:`w \cdot x \sim N(0, |\Lambda^{1/2}x|^2)`,
    :math:`\E_w\|g_w\|^2_{L^2(\mu)} = \frac12 \E_\mu|\Lambda^{1/2}x|^2 = \frac12` and
    :math:`\|f\|^2_{L^2(\mu)} = \frac1{2\pi}`, so Maurey's identity predicts
    :math:`n\,\E\|f - f_n\|^2_{L^2(\mu)} = \frac12 - \frac1{2\pi}` for every :math:`n` and
    :math:`d`, with :math:`f_n = \frac1n\sum_{i\le n} g_{w_i}`. For each seed, the first
    :math:`n` of ``max(widths)`` features define :math:`f_n` (nested widths) and the squared
    error is averaged over ``n_test`` fresh points of :math:`\mu`: an unbiased estimate of
    :math:`\E\|f - f_n\|^2`, whose standard error comes from the independent seeds.

    Parameters
    ----------
    dims : sequence of int, default (1, 10, 100)
        Input dimensions, at least two distinct values >= 1.
    widths : sequence of int, default (16, 64, 256, 1024)
        Widths, at least two distinct values >= 1.
    n_seeds : int, default 100
        Independent draws of the network and the test points, >= 10.
    n_test : int, default 1000
        Test points per draw, >= 10.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    MaureyResult
        ``mse[i, j]`` (mean over seeds) and its standard error ``mse_se[i, j]``; ``predicted``
        :math:`= \frac12 - \frac1{2\pi}` (the value of :math:`n \cdot` ``mse``) and
        ``predicted_wrong`` :math:`= \frac12` (the identity without :math:`\|f\|^2`);
        ``ratio[i]`` (:math:`n \cdot` mse / predicted, averaged over the widths, per seed and
        then over the seeds) with its standard error ``ratio_se[i]``; ``max_z``, the largest
        :math:`|` ratio :math:`- 1|/` ratio_se over the dimensions, and ``max_z_wrong`` the same
        under ``predicted_wrong``; ``rates[i]``, the fitted slope of the RMS error against
        :math:`n` over all widths (predicted :math:`-1/2`), with bootstrap standard errors
        ``rates_se`` (200 resamplings of the seeds); ``worst_rate`` the rate farthest from
        :math:`-1/2` and ``worst_rate_se`` the largest standard error.

    References
    ----------
    Book: chapter 4, theorem ``expressivity-barron_maurey`` (a). Pisier (1981); Barron (1993);
    Bach (2017).
    """
    dims = _check_widths(dims, "dims")
    widths = _check_widths(widths)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=10)
    n_test = check_int(n_test, "n_test", minimum=10)
    check_int(seed, "seed", minimum=0)
    device = check_device(device)
    gen = torch_generator(seed)
    nmax = int(widths[-1])
    per_seed = np.zeros((dims.size, n_seeds, widths.size))
    for i, d in enumerate(dims):
        d = int(d)
        scale = torch.tensor(np.sqrt(_maurey_scales(d)), dtype=torch.float64)
        for r in range(n_seeds):
            X = 2 * torch.rand(n_test, d, generator=gen, dtype=torch.float64) - 1
            W = torch.randn(nmax, d, generator=gen, dtype=torch.float64) * scale
            f_val = (X * scale).norm(dim=1) / math.sqrt(2 * math.pi)
            feats = torch.relu(X.to(device) @ W.to(device).T)          # (n_test, nmax)
            partial = torch.cumsum(feats, dim=1).cpu()                 # sum of the first n features
            idx = torch.as_tensor(widths - 1)
            fn = partial[:, idx] / torch.as_tensor(widths, dtype=torch.float64)
            per_seed[i, r] = ((fn - f_val[:, None]) ** 2).mean(dim=0).numpy()
    pred = 0.5 - 1 / (2 * math.pi)
    mse = per_seed.mean(axis=1)
    mse_se = per_seed.std(axis=1, ddof=1) / math.sqrt(n_seeds)
    scaled = per_seed * widths[None, None, :] / pred                   # (dims, seeds, widths)
    ratio_seed = scaled.mean(axis=2)
    ratio = ratio_seed.mean(axis=1)
    ratio_se = ratio_seed.std(axis=1, ddof=1) / math.sqrt(n_seeds)
    wrong = pred / 0.5
    max_z = float(np.max(np.abs(ratio - 1) / ratio_se))
    max_z_wrong = float(np.max(np.abs(ratio * wrong - 1) / (ratio_se * wrong)))
    rates = np.array([loglog_slope(widths, np.sqrt(mse[i])) for i in range(dims.size)])
    boot = rng(seed + 7919)
    rates_se = np.zeros(dims.size)
    for i in range(dims.size):
        reps = []
        for _ in range(200):
            pick = boot.integers(0, n_seeds, n_seeds)
            reps.append(loglog_slope(widths, np.sqrt(per_seed[i, pick].mean(axis=0))))
        rates_se[i] = float(np.std(reps, ddof=1))
    worst = int(np.argmax(np.abs(rates + 0.5)))
    return MaureyResult(dims=dims, widths=widths, mse=mse, mse_se=mse_se, predicted=pred, predicted_wrong=0.5,
                        rates=rates, rates_se=rates_se, ratio=ratio, ratio_se=ratio_se, max_z=max_z,
                        max_z_wrong=max_z_wrong, worst_rate=float(rates[worst]),
                        worst_rate_se=float(rates_se.max()), n_seeds=n_seeds, n_test=n_test)


_MAUREY_HYP = ("H = L^2(mu), mu uniform on [-1,1]^d; theta = w ~ N(0, diag(lambda)) i.i.d., g_w = relu(w.x) "
               "with E||g_w||^2 = 1/2 < infinity; f = E g_w; the estimate of E||f - f_n||^2 is unbiased")
declare_check(
    "expressivity.barron_maurey", label="constant",
    quantity="largest deviation over the dimensions of n E||f - f_n||^2 (averaged over the widths) from "
             "E||g||^2 - ||f||^2 = 1/2 - 1/(2 pi), in standard errors",
    claim="identity", relation="approx", measure="max_z", predict=0.0, tolerance=3.5,
    reason="3.5 Monte Carlo standard errors over the independent seeds (for 3 nearly Gaussian z-scores the "
           "chance that one exceeds 3.5 is below 2e-3)",
    hypotheses=_MAUREY_HYP,
    wrong="E||g||^2 / n = 1/(2n) (the term ||f||^2 left out of the identity)",
    wrong_measure="max_z_wrong", demo=maurey_demo)
declare_check(
    "expressivity.barron_maurey", label="rate",
    quantity="fitted slope of the RMS error against n, the dimension farthest from -1/2",
    claim="rate", relation="approx", measure="worst_rate", predict=-0.5,
    tolerance=lambda r: 4 * float(r.worst_rate_se),
    reason="4 bootstrap standard errors of the fitted slope (resampling the seeds); the identity holds at "
           "every n, so there is no pre-asymptotic range (fitting window: all widths)",
    hypotheses=_MAUREY_HYP,
    wrong="the rate n^(-1/4) (e.g. a bound on the squared error by the error itself)",
    wrong_predict=-0.25, demo=maurey_demo)


# ---------------------------------------------------------------------------------------------
# Chapter 5: depth
# ---------------------------------------------------------------------------------------------


def _l1_pwl(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray) -> float:
    """Exact integral of |u - v| for two piecewise-linear interpolants on the same interval."""
    xs = np.union1d(x1, x2)
    dlt = np.interp(xs, x1, y1) - np.interp(xs, x2, y2)
    d0, d1, h = dlt[:-1], dlt[1:], np.diff(xs)
    same = d0 * d1 >= 0
    out = np.where(same, 0.5 * (np.abs(d0) + np.abs(d1)) * h,
                   0.5 * (d0 ** 2 + d1 ** 2) / np.maximum(np.abs(d0) + np.abs(d1), 1e-300) * h)
    return float(out.sum())


def _pwl_least_squares(knots: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Nodal values of the least-squares continuous piecewise-linear fit (normal equations, hat basis)."""
    n = knots.size
    j = np.clip(np.searchsorted(knots, x, side="right") - 1, 0, n - 2)
    lam = (x - knots[j]) / (knots[j + 1] - knots[j])
    G = np.zeros((n, n))
    rhs = np.zeros(n)
    np.add.at(G, (j, j), (1 - lam) ** 2)
    np.add.at(G, (j + 1, j + 1), lam ** 2)
    np.add.at(G, (j, j + 1), (1 - lam) * lam)
    np.add.at(G, (j + 1, j), (1 - lam) * lam)
    np.add.at(rhs, j, (1 - lam) * y)
    np.add.at(rhs, j + 1, lam * y)
    return np.linalg.solve(G + 1e-12 * np.eye(n), rhs)


@demo_result
class SawtoothResult(DemoResult):
    """Result of :func:`telgarsky_demo`."""

    ks: np.ndarray
    pieces: np.ndarray
    configs: np.ndarray
    random_max_pieces: np.ndarray
    piece_bounds: np.ndarray
    l1_ks: np.ndarray
    l1_Ns: np.ndarray
    l1_errors: np.ndarray
    l1_lower_bounds: np.ndarray
    l1_prefix_errors: np.ndarray
    pieces_dev: float
    pieces_dev_wrong: float
    max_piece_ratio: float
    l1_tight_error: float
    l1_tight_bound: float

    def plot(self, ax=None):
        if ax is None:
            from .plotting import figure_grid

            _, grid = figure_grid(2, width=7.0, height=3.4)
            ax = grid[0]
        ax0, ax1 = ax[0], ax[1]
        ax0.semilogy(self.ks, self.pieces, "o", label=r"sawtooth $\Delta^{\circ k}$ (width 2, depth $k$)")
        ax0.semilogy(self.ks, 2.0 ** self.ks, "-", color="0.4", label="$2^k$")
        depth = self.configs[:, 0]
        ax0.semilogy(depth, self.random_max_pieces, "x", color=COLORS[1], label="random nets: max pieces")
        ax0.semilogy(depth, self.piece_bounds, "_", color=COLORS[2], markersize=10,
                     label=r"bound $\prod_\ell (m_\ell + 1)$")
        ax0.set_xlabel("depth")
        ax0.set_ylabel("affine pieces")
        ax0.set_ylim(1, 3e5)
        ax0.legend(fontsize=7, loc="upper left")
        for j, k in enumerate(np.unique(self.l1_ks)):
            sel = self.l1_ks == k
            ax1.loglog(self.l1_Ns[sel], self.l1_errors[sel], "o", color=COLORS[j], label=f"best fit, $k={k}$")
            ax1.loglog(self.l1_Ns[sel], np.maximum(self.l1_lower_bounds[sel], 1e-3), "v--", color=COLORS[j],
                       alpha=0.7)
        ax1.set_xlabel("pieces $N$ of $g$")
        ax1.set_ylabel(r"$\|\Delta^{\circ k} - g\|_{L^1}$")
        ax1.set_title(r"dashed: $\frac{1}{8} - (N+1)2^{-k-2}$", fontsize=9)
        ax1.legend(fontsize=7)
        return ax


def telgarsky_demo(*, ks: Any = range(1, 11), seed: int = 0) -> SawtoothResult:
    r"""Depth separation by the sawtooth: exact piece counts and the :math:`L^1` lower bound.

    (a) :func:`count_linear_pieces` of :func:`sawtooth_network` on :math:`[0,1]` for each
    :math:`k` (predicted :math:`2^k`). (b) For depth :math:`L \in \{1,..,4\}` and width
    :math:`m \in \{2,4,8\}`, 20 networks with i.i.d. :math:`N(0,1)` weights and biases: the
    maximal number of pieces on :math:`\R` against :math:`(m+1)^L`. (c) For
    :math:`k \in \{4,6,8,10\}` and :math:`N \in \{2^{k-3}, 2^{k-2}\}`, the smallest exact
    :math:`L^1(0,1)` error of continuous piecewise-linear :math:`g` with :math:`N` pieces found
    among interpolants at uniform and random knots, least-squares fits on random knots, and the
    *prefix* construction (``l1_prefix_errors``): :math:`g = \Delta^{\circ k}` on
    :math:`[0, (N - \frac32)2^{-k}]`, where it reaches the value :math:`\frac12`, and
    :math:`g = \frac12` after, with :math:`N` pieces and error
    :math:`\frac14(1 - (N - \frac32)2^{-k})`, about twice the bound
    :math:`\frac18 - (N+1)2^{-k-2}` when :math:`N \ll 2^k`.

    Parameters
    ----------
    ks : sequence of int, default range(1, 11)
        Values of :math:`k` for (a), between 1 and 14.
    seed : int, default 0

    Returns
    -------
    SawtoothResult
        Besides the raw counts and errors: ``pieces_dev`` :math:`= \max_k |\text{pieces}/2^k - 1|`
        (0) and ``pieces_dev_wrong`` (the same against :math:`2^{k-1}`, the number of teeth);
        ``max_piece_ratio``, the largest ratio of pieces to :math:`\prod_\ell(m_\ell+1)` over
        the random networks; ``l1_tight_error`` and ``l1_tight_bound``, the best error and the
        bound at the pair :math:`(k, N)` where bound/error is largest.

    References
    ----------
    Book: chapter 5, theorem ``expressivity-telgarsky_sawtooth``. Telgarsky (2016).
    """
    if isinstance(ks, (str, bytes)) or not hasattr(ks, "__len__") or len(ks) < 1:
        raise TypeError("ks must be a non-empty sequence of integers")
    ks = np.array([check_int(k, f"ks[{i}]", minimum=1, maximum=14) for i, k in enumerate(ks)])
    g = rng(seed)
    pieces = np.array([count_linear_pieces(*sawtooth_network(int(k)).numpy_layers(), 0.0, 1.0) for k in ks])
    configs, rmax, bounds = [], [], []
    for L in range(1, 5):
        for m in (2, 4, 8):
            best = 0
            for _ in range(20):
                widths = [1] + [m] * L + [1]
                ws = [g.standard_normal((widths[i + 1], widths[i])) for i in range(L + 1)]
                bs = [g.standard_normal(widths[i + 1]) for i in range(L + 1)]
                best = max(best, count_linear_pieces(ws, bs, -math.inf, math.inf))
            configs.append((L, m))
            rmax.append(best)
            bounds.append((m + 1) ** L)
    l1k, l1n, l1e, l1b, l1p = [], [], [], [], []
    for k in (4, 6, 8, 10):
        xs = np.arange(2 ** k + 1) / 2 ** k
        ys = sawtooth(xs, k)
        fine = np.linspace(0, 1, 2 ** (k + 3) + 1)
        yfine = sawtooth(fine, k)
        for N in (2 ** (k - 3), 2 ** (k - 2)):
            cands = [np.linspace(0, 1, N + 1)]
            for _ in range(10):
                cands.append(np.concatenate([[0.0], np.sort(g.uniform(0, 1, N - 1)), [1.0]]))
            best = _l1_pwl(xs, ys, np.array([0.0, 1.0]), np.array([0.5, 0.5]))
            for knots in cands:
                best = min(best, _l1_pwl(xs, ys, knots, sawtooth(knots, k)))
                best = min(best, _l1_pwl(xs, ys, knots, _pwl_least_squares(knots, fine, yfine)))
            # the prefix construction: follow the sawtooth until it reaches 1/2, then stay at 1/2
            pk = np.r_[np.arange(N - 1), N - 1.5, 2 ** k] / 2 ** k
            pv = np.r_[sawtooth(pk[:-1], k), 0.5]
            prefix = _l1_pwl(xs, ys, pk, pv)
            best = min(best, prefix)
            l1p.append(prefix)
            l1k.append(k)
            l1n.append(N)
            l1e.append(best)
            l1b.append(0.125 - (N + 1) * 2.0 ** (-k - 2))
    rmax, bounds, l1e, l1b = np.array(rmax), np.array(bounds), np.array(l1e), np.array(l1b)
    tight = int(np.argmax(l1b / l1e))
    return SawtoothResult(ks=ks, pieces=pieces, configs=np.array(configs), random_max_pieces=rmax,
                          piece_bounds=bounds, l1_ks=np.array(l1k), l1_Ns=np.array(l1n),
                          l1_errors=l1e, l1_lower_bounds=l1b, l1_prefix_errors=np.array(l1p),
                          pieces_dev=float(np.max(np.abs(pieces / 2.0 ** ks - 1))),
                          pieces_dev_wrong=float(np.max(np.abs(pieces / 2.0 ** (ks - 1) - 1))),
                          max_piece_ratio=float(np.max(rmax / bounds)),
                          l1_tight_error=float(l1e[tight]), l1_tight_bound=float(l1b[tight]))


declare_check(
    "expressivity.telgarsky_sawtooth", label="pieces",
    quantity="largest relative deviation of the exact number of affine pieces of the sawtooth network "
             "on [0, 1] from 2^k, over k",
    claim="identity", relation="approx", measure="pieces_dev", predict=0.0, tolerance=0.0,
    reason="exact: pieces are counted in rational arithmetic (every weight is a dyadic rational)",
    hypotheses="the width-2, depth-k network of (a), counted on [0, 1]",
    wrong="2^(k-1) pieces (the number of teeth)", wrong_measure="pieces_dev_wrong", demo=telgarsky_demo)
declare_check(
    "expressivity.telgarsky_sawtooth", label="bound",
    quantity="largest ratio of the exact number of pieces on R to prod (m_l + 1), over 20 random networks "
             "for each depth L <= 4 and width m in {2, 4, 8}",
    claim="upper bound", relation="<=", measure="max_piece_ratio", predict=1.0, tolerance=0.0,
    reason="exact rational piece counts",
    hypotheses="ReLU networks R -> R with i.i.d. N(0, 1) weights and biases; one hidden layer attains the "
               "bound (m distinct kinks with non-zero outer weights, almost surely)",
    wrong="0.9 x the bound", wrong_predict=0.9, min_tightness=0.999, demo=telgarsky_demo)
declare_check(
    "expressivity.telgarsky_sawtooth", label="l1",
    quantity="best exact L^1 error found for N-piece g (interpolants, least squares, prefix construction) "
             "at the pair (k, N) where the bound 1/8 - (N+1) 2^(-k-2) is tightest",
    claim="lower bound", relation=">=", measure="l1_tight_error", predict="l1_tight_bound", tolerance=0.0,
    reason="exact integrals of piecewise-linear functions; the bound is not sharp (the prefix construction "
           "shows it is within a factor of about 2), so its tightness is reported, not required",
    hypotheses="continuous piecewise-linear g with at most N pieces on [0, 1], k in {4, 6, 8, 10}, "
               "N in {2^(k-3), 2^(k-2)}",
    wrong="1/4, the error of the constant 1/2 (that N pieces cannot beat the best constant)",
    wrong_predict=0.25, demo=telgarsky_demo)


@demo_result
class DepthTrainingResult(DemoResult):
    """Result of :func:`depth_separation_training_demo`."""

    x: np.ndarray
    target: np.ndarray
    shallow_pred: np.ndarray
    deep_pred: np.ndarray
    shallow_loss: np.ndarray
    deep_loss: np.ndarray
    shallow_params: int
    deep_params: int
    shallow_l1: float
    deep_l1: float
    shallow_l1_lower_bound: float

    def plot(self, ax=None):
        if ax is None:
            from .plotting import figure_grid

            _, grid = figure_grid(2, width=7.0, height=3.2)
            ax = grid[0]
        ax0, ax1 = ax[0], ax[1]
        ax0.plot(self.x, self.target, color="0.7", lw=0.8, label=r"target $\Delta^{\circ k}$")
        ax0.plot(self.x, self.shallow_pred, color=COLORS[1], lw=1.8, label=f"shallow ({self.shallow_params} par.)")
        ax0.plot(self.x, self.deep_pred, color=COLORS[0], lw=1.8, label=f"deep ({self.deep_params} par.)")
        ax0.set_xlabel("$x$")
        ys = np.concatenate([self.target, self.shallow_pred, self.deep_pred])
        ax0.set_ylim(min(0.0, float(ys.min())) - 0.05, max(1.0, float(ys.max())) + 0.05)
        ax0.legend(fontsize=7, loc="lower right")
        steps = np.arange(1, self.shallow_loss.size + 1)
        ax1.loglog(steps, self.shallow_loss, color=COLORS[1], label="shallow, wide")
        ax1.loglog(steps, self.deep_loss, color=COLORS[0], label="deep, narrow")
        ax1.set_xlabel("Adam step")
        ax1.set_ylabel("training MSE")
        ax1.legend(fontsize=7)
        return ax


def depth_separation_training_demo(*, k: int = 6, deep_width: int = 2, steps: int = 1000, n_restarts: int = 2,
                                   lr: float = 1e-2, seed: int = 0, device: Any = "cpu") -> DepthTrainingResult:
    r"""Train a deep narrow and a shallow wide ReLU network, same parameter budget, on :math:`\Delta^{\circ k}`.

    The deep network has :math:`k` hidden layers of width ``deep_width``; the shallow one a
    single hidden layer whose width gives (at most) the same number of parameters. Both are
    :func:`dlmath.nets.feedforward` networks in float64, trained with Adam on the mean squared
    error over the 1025 equispaced points :math:`j/1024` of :math:`[0, 1]`; the best of ``n_restarts`` initialisations
    is kept for each. The shallow network has at most its width plus one pieces, so the bound of
    theorem ``expressivity-telgarsky_sawtooth`` (c) applies to it; the deep one contains an exact
    representation of the target. Training succeeds or fails by optimisation, not by
    expressivity, so this figure illustrates and proves nothing.

    Parameters
    ----------
    k : int, default 6
        Number of compositions (1 to 8).
    deep_width : int, default 2
        Width of the deep network, >= 2. With width 2 the deep architecture is exactly that of
        :func:`sawtooth_network`, which represents the target with zero error.
    steps : int, default 1000
        Adam steps.
    n_restarts : int, default 2
        Initialisations per network.
    lr : float, default 1e-2
        Adam learning rate.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    DepthTrainingResult
        Predictions, training curves, parameter counts, :math:`L^1` errors of the trained
        networks (trapezoidal rule on the 1025-point grid) and the lower bound for the shallow one.

    References
    ----------
    Book: chapter 5. Telgarsky (2016); Berner et al. (2022).
    """
    from .nets import count_parameters, feedforward

    k = check_int(k, "k", minimum=1, maximum=8)
    deep_width = check_int(deep_width, "deep_width", minimum=2)
    steps = check_int(steps, "steps", minimum=1)
    n_restarts = check_int(n_restarts, "n_restarts", minimum=1)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    check_int(seed, "seed", minimum=0)
    device = check_device(device)
    x = np.linspace(0, 1, 1025)
    y = sawtooth(x, k)
    xt = torch.tensor(x[:, None], dtype=torch.float64, device=device)
    yt = torch.tensor(y[:, None], dtype=torch.float64, device=device)
    deep_sizes = [1] + [deep_width] * k + [1]
    deep_params = sum((a + 1) * b for a, b in zip(deep_sizes[:-1], deep_sizes[1:]))
    shallow_width = (deep_params - 1) // 3
    runs = {}
    for name, sizes in (("deep", deep_sizes), ("shallow", [1, shallow_width, 1])):
        best = None
        for r in range(n_restarts):
            net = feedforward(sizes, dtype=torch.float64, device=device, seed=seed * 1000 + r)
            opt = torch.optim.Adam(net.parameters(), lr=lr)
            losses = np.empty(steps)
            for s in range(steps):
                opt.zero_grad()
                loss = torch.mean((net(xt) - yt) ** 2)
                loss.backward()
                opt.step()
                losses[s] = loss.item()
            with torch.no_grad():
                pred = net(xt).cpu().numpy()[:, 0]
            if best is None or losses[-1] < best[1][-1]:
                best = (pred, losses, count_parameters(net))
        runs[name] = best
    l1 = {n: float(np.trapezoid(np.abs(runs[n][0] - y), x)) for n in runs}
    return DepthTrainingResult(
        x=x, target=y, shallow_pred=runs["shallow"][0], deep_pred=runs["deep"][0],
        shallow_loss=runs["shallow"][1], deep_loss=runs["deep"][1], shallow_params=runs["shallow"][2],
        deep_params=runs["deep"][2], shallow_l1=l1["shallow"], deep_l1=l1["deep"],
        shallow_l1_lower_bound=0.125 - (shallow_width + 2) * 2.0 ** (-k - 2))


@demo_result
class YarotskyResult(DemoResult):
    """Result of :func:`yarotsky_demo`."""

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
        ax.semilogy(self.ms, self.prod_bound, "--", color=COLORS[1], label=fr"$M^2 2^{{-2m}}$, $M = {self.M:g}$")
        ax.set_xlabel("depth parameter $m$")
        ax.set_ylabel("sup error")
        ax.legend()
        return ax


def yarotsky_demo(*, ms: Any = range(1, 11), M: float = 3.0, n_pairs: int = 100_000, seed: int = 0,
                  device: Any = "cpu") -> YarotskyResult:
    r"""Exponential accuracy of Yarotsky's squaring and multiplication networks in the depth.

    :math:`\|f_m - x^2\|_{L^\infty[0,1]} = 2^{-2m-2}` is measured on the grid :math:`j 2^{-16}`
    (which contains the maximisers :math:`(2j+1)2^{-m-1}` for :math:`m \le 15`), and
    :math:`\sup |\tilde\times(x,y) - xy| \le M^2 2^{-2m}` on ``n_pairs`` uniform random pairs of
    :math:`[-M, M]^2` together with the corners :math:`(\pm M, \pm M)` and the pair
    :math:`x = y = M 2^{-m}`, where the bound is attained.

    Parameters
    ----------
    ms : sequence of int, default range(1, 11)
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
    Book: chapter 5, theorem ``expressivity-yarotsky_square``. Yarotsky (2017), Propositions 2-3.
    """
    if isinstance(ms, (str, bytes)) or not hasattr(ms, "__len__") or len(ms) < 1:
        raise TypeError("ms must be a non-empty sequence of integers")
    ms = np.array([check_int(m, f"ms[{i}]", minimum=1, maximum=15) for i, m in enumerate(ms)])
    M = check_real(M, "M", minimum=0.0, strict_min=True)
    n_pairs = check_int(n_pairs, "n_pairs", minimum=1)
    device = check_device(device)
    g = rng(seed)
    x = np.arange(2 ** 16 + 1) / 2 ** 16
    P = np.vstack([g.uniform(-M, M, (n_pairs, 2)), M * np.array([[1, 1], [1, -1], [-1, 1], [-1, -1]])])
    sup, pe = [], []
    for m in ms:
        sup.append(float(np.max(np.abs(yarotsky_square_network(int(m), device=device).evaluate(x) - x ** 2))))
        net = yarotsky_product_network(int(m), M, device=device)
        # x = y = M 2^{-m}: |x|/(2M) is a cell midpoint and |x+y|/(2M) a node, so the bound is attained
        Pm = np.vstack([P, [[M * 2.0 ** (-int(m)), M * 2.0 ** (-int(m))]]])
        pe.append(float(np.max(np.abs(net.evaluate(Pm) - Pm[:, 0] * Pm[:, 1]))))
    sup, pe = np.array(sup), np.array(pe)
    pred = 2.0 ** (-2 * ms - 2)
    pb = M ** 2 * 2.0 ** (-2 * ms)
    return YarotskyResult(ms=ms, sup_err=sup, predicted=pred, prod_err=pe, prod_bound=pb,
                          max_rel_dev=float(np.max(np.abs(sup / pred - 1))), M=M,
                          max_rel_dev_wrong=float(np.max(np.abs(sup / (4 * pred) - 1))),
                          max_prod_ratio=float(np.max(pe / pb)))


declare_check(
    "expressivity.yarotsky_square", label="square",
    quantity="largest relative deviation of the sup error of the network f_m from 2^(-2m-2), over m",
    claim="identity", relation="approx", measure="max_rel_dev", predict=0.0, tolerance=1e-12,
    reason="float64 rounding; dyadic weights on dyadic points make the computation exact in practice",
    hypotheses="the explicit depth-m, width-3 network on [0, 1]; the grid j 2^-16 contains the maximisers "
               "(2j+1) 2^(-m-1) for m <= 15",
    wrong="2^(-2m) (the error of f_(m-1): the index off by one)",
    wrong_measure="max_rel_dev_wrong", demo=yarotsky_demo)
declare_check(
    "expressivity.yarotsky_square", label="product",
    quantity="largest ratio of the sup error of the product network to M^2 2^(-2m), over m (random pairs, "
             "the corners and the pair x = y = M 2^-m)",
    claim="upper bound", relation="<=", measure="max_prod_ratio", predict=1.0, tolerance=1e-12,
    reason="float64 rounding of the network's output",
    hypotheses="|x|, |y| <= M; the explicit depth-(m+1), width-9 network; the bound is attained at x = y = M 2^-m",
    wrong="M^2 2^(-2m-2) (the squaring error, without the factor 4 of the polarisation)",
    wrong_predict=0.25, min_tightness=0.999, demo=yarotsky_demo)


def _curse_target(X: np.ndarray) -> np.ndarray:
    return np.exp(0.5 * np.sin(np.pi * X).sum(axis=1)) * np.cos(X.sum(axis=1))


@demo_result
class CurseResult(DemoResult):
    """Result of :func:`curse_demo`; ``n_nodes`` and ``sup_err`` have shape ``(len(dims), 4)``."""

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
            slope_guide(ax, N, float(self.predicted[i]), anchor=(N[0], self.sup_err[i][0] * 1.6),
                        label=f"slope {guide}", color=COLORS[i], alpha=0.6)
        ax.set_xlabel("number of nodes $N = (m+1)^d$ (non-zero weights $\\asymp N$ for fixed $d$)")
        ax.set_ylabel("sup error")
        ax.legend(ncol=2)
        return ax


def curse_demo(*, dims: Any = (1, 2, 3), seed: int = 0) -> CurseResult:
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
    Book: chapter 5, theorems ``expressivity-curse_of_dimensionality`` (illustrated) and
    ``expressivity-simplex_interpolation`` (verified). Yarotsky (2017); He, Li, Xu, Zheng (2020);
    Waldron (1998) for the sharp constant of linear interpolation.
    """
    if isinstance(dims, (str, bytes)) or not hasattr(dims, "__len__") or len(dims) < 1:
        raise TypeError("dims must be a non-empty sequence of integers")
    dims = np.array([check_int(d, f"dims[{i}]", minimum=1, maximum=4) for i, d in enumerate(dims)])
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
            qvals = (0.5 * (grid ** 2).sum(axis=1)).reshape((m + 1,) * d)
            qerr = np.max(np.abs(simplex_interpolate(qvals, m, P) - 0.5 * (P ** 2).sum(axis=1)))
            q.append(float(qerr / (d / (8.0 * m ** 2))))
        errs.append(e)
        nodes.append(nn_)
        ms_all.append(ms)
        qr.append(q)
    errs, nodes, ms_all, qr = np.array(errs), np.array(nodes), np.array(ms_all), np.array(qr)
    rm = np.array([loglog_slope(ms_all[i, -3:], errs[i, -3:]) for i in range(dims.size)])
    rN = np.array([loglog_slope(nodes[i, -3:], errs[i, -3:]) for i in range(dims.size)])
    scaled = rN * dims / 2
    wrong = rN / 2
    return CurseResult(dims=dims, ms=ms_all, n_nodes=nodes, sup_err=errs, rates_vs_m=rm, rates_vs_N=rN,
                       predicted=-2.0 / dims, worst_scaled_rate=float(scaled[np.argmax(np.abs(scaled + 1))]),
                       worst_scaled_rate_wrong=float(wrong[np.argmax(np.abs(wrong + 1))]),
                       quad_ratio=qr, max_quad_ratio=float(qr.max()))


declare_check(
    "expressivity.curse_of_dimensionality", label="rate",
    quantity="slope of the sup error of P1 interpolation against the number of nodes N, times d/2, the "
             "dimension (1, 2, 3) farthest from -1 (fitting window: the last three grids)",
    claim="illustration", relation="approx", measure="worst_scaled_rate", predict=-1.0, tolerance=0.12,
    reason="pre-asymptotic range: N = (m+1)^d, not m^d, on the coarse grids of d = 3 (m = 8 to 32) bends the "
           "slope against N by up to 10%",
    hypotheses="illustrates (a) for s = 2 with one C^infinity target (upper rate N^(-2/d)); the lower bounds (b) "
               "are worst-case statements over the class and are not tested",
    wrong="the dimension-free rate N^(-2) (no curse)",
    wrong_measure="worst_scaled_rate_wrong", demo=curse_demo)
declare_check(
    "expressivity.simplex_interpolation",
    quantity="largest ratio of the sup error of P1 interpolation of |x|^2/2 on the Kuhn triangulation to "
             "d/(8 m^2) sup||Hess||, over d and m",
    claim="upper bound", relation="<=", measure="max_quad_ratio", predict=1.0, tolerance=1e-9,
    reason="float64 rounding of the barycentric formula",
    hypotheses="q(x) = |x|^2/2 in C^2 with sup||Hess q||_op = 1, Kuhn triangulation of [0,1]^d with m^d cubes; the "
               "sup is taken over random points and the cube centres, where it is attained",
    wrong="0.9 x the bound (the bound is attained at the cube centres)",
    wrong_predict=0.9, min_tightness=0.999, demo=curse_demo)
