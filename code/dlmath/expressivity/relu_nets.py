r"""ReLU networks from explicit weights: :class:`ReLUNet`, layer algebra, exact piece counts.

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
which is the size of approximation theory and the one the rates of chapter *Depth: sawtooth,
squaring and the curse of dimensionality* refer to.

The private layer algebra (:func:`_compose`, :func:`_compose_affine`, :func:`_parallel`) acts on
``(weights, biases)`` lists of NumPy arrays and builds the composite networks of the other topic
modules.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from ..nets import network_input
from ..utils import as_array, check_device, check_float_dtype


def _check_layers(
    weights: Any, biases: Any, *, in_features: int | None = None
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``weights`` and ``biases`` as float64 arrays, with the shapes of consecutive layers checked."""
    if isinstance(weights, (str, bytes)) or not hasattr(weights, "__len__"):
        raise TypeError(f"weights must be a sequence of matrices, got {type(weights).__name__}")
    if isinstance(biases, (str, bytes)) or not hasattr(biases, "__len__"):
        raise TypeError(f"biases must be a sequence of vectors, got {type(biases).__name__}")
    if len(weights) < 1:
        raise ValueError("weights must contain at least one matrix")
    if len(biases) != len(weights):
        raise ValueError(f"biases must have one vector per weight matrix, got {len(biases)} for {len(weights)}")
    ws, bs = [], []
    prev = in_features
    for i, (w, b) in enumerate(zip(weights, biases)):
        w = as_array(w, f"weights[{i}]", ndim=2)
        b = as_array(b, f"biases[{i}]", ndim=1)
        if prev is not None and w.shape[1] != prev:
            source = f"the rows of weights[{i - 1}]" if i else "the input dimension"
            raise ValueError(f"weights[{i}] must have {prev} columns ({source}), got shape {w.shape}")
        if b.shape[0] != w.shape[0]:
            raise ValueError(f"biases[{i}] must have length {w.shape[0]} (the rows of weights[{i}]), got {b.shape[0]}")
        prev = w.shape[0]
        ws.append(w)
        bs.append(b)
    return ws, bs


class ReLUNet(nn.Module):
    r"""A ReLU network :math:`\Phi(x) = W_{L+1}\sigma(W_L \cdots \sigma(W_1 x + b_1) \cdots + b_L) + b_{L+1}`.

    Built from explicit weights (the constructions of Part II), stored as parameters so that
    gradients come from :mod:`torch.autograd` and the network can be trained. The constructions
    of the chapters are exact in float64 (dyadic weights); their demos pass
    ``dtype=torch.float64``.

    Parameters
    ----------
    weights : sequence of array_like
        Matrices :math:`W_1, \dots, W_{L+1}`; :math:`W_\ell` has shape
        ``(m_ell, m_{ell-1})`` with :math:`m_0 = d` the input dimension.
    biases : sequence of array_like
        Vectors :math:`b_1, \dots, b_{L+1}` of lengths :math:`m_1, \dots, m_{L+1}`.
    dtype : torch.dtype or str, default torch.float32
        Dtype of the parameters (``torch.float64`` and ``"float64"`` alike).
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

    Raises
    ------
    TypeError
        If ``weights`` or ``biases`` is not a sequence of arrays, or ``dtype`` names no
        floating dtype.
    ValueError
        If the shapes of consecutive layers do not match (the message names the layer).

    Examples
    --------
    >>> net = ReLUNet([[[1.0], [1.0]], [[1.0, 1.0]]], [[0.0, -1.0], [0.0]])
    >>> net.depth, net.widths, net.n_params
    (1, (1, 2, 1), 7)
    >>> import numpy as np
    >>> net(np.array([[2.0]]))
    tensor([[3.]], grad_fn=<AddmmBackward0>)

    References
    ----------
    Book: Part II (chapters *Universal approximation* to *Depth: sawtooth, squaring and the
    curse of dimensionality*). Berner et al. (2022).
    """

    def __init__(
        self, weights: Sequence[Any], biases: Sequence[Any], *, dtype: Any = torch.float32, device: Any = "cpu"
    ):
        super().__init__()
        dtype = check_float_dtype(dtype)
        device = check_device(device)
        ws, bs = _check_layers(weights, biases)
        self.weights = nn.ParameterList([nn.Parameter(torch.tensor(w, dtype=dtype, device=device)) for w in ws])
        self.biases = nn.ParameterList([nn.Parameter(torch.tensor(b, dtype=dtype, device=device)) for b in bs])

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
        return int(
            sum(int(torch.count_nonzero(w)) + int(torch.count_nonzero(b)) for w, b in zip(self.weights, self.biases))
        )

    def forward(self, x: Any) -> torch.Tensor:
        """Evaluate on a batch ``x`` (tensor or NumPy) of shape ``(batch, d)``; returns ``(batch, d_out)``."""
        w0 = self.weights[0]
        h = network_input(x, "x", dtype=w0.dtype, device=w0.device, ndim=2, last_dim=self.widths[0])
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            h = torch.relu(torch.addmm(b, h, w.T))
        return torch.addmm(self.biases[-1], h, self.weights[-1].T)

    def evaluate(self, x: Any) -> np.ndarray:
        """Evaluate on NumPy input without gradients.

        ``x`` of shape ``(batch, d)``, or ``(batch,)`` when ``d = 1``; returns a float64 array of
        shape ``(batch,)`` for scalar output and ``(batch, d_out)`` otherwise.
        """
        arr = as_array(x, "x")
        d = self.widths[0]
        if arr.ndim == 1 and d == 1:
            arr = arr[:, None]
        if arr.ndim != 2 or arr.shape[1] != d:
            raise ValueError(f"x must have shape (batch, {d}), got {arr.shape}")
        w0 = self.weights[0]
        chunk = max(1, 2**19 // max(self.widths))  # bound the memory of the hidden activations
        outs = []
        with torch.no_grad():
            for start in range(0, arr.shape[0], chunk):
                xt = torch.as_tensor(arr[start : start + chunk], dtype=w0.dtype, device=w0.device)
                outs.append(self(xt).cpu().numpy().astype(np.float64))
        out = np.concatenate(outs, axis=0) if outs else np.zeros((0, self.widths[-1]))
        return out[:, 0] if out.shape[1] == 1 else out

    def numpy_layers(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The weights and biases as float64 NumPy arrays ``(weights, biases)``."""
        ws = [w.detach().cpu().numpy().astype(np.float64) for w in self.weights]
        bs = [b.detach().cpu().numpy().astype(np.float64) for b in self.biases]
        return ws, bs

    def extra_repr(self) -> str:
        return f"widths={self.widths}, depth={self.depth}, n_params={self.n_params}, n_nonzero={self.n_nonzero}"


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
            w[r : r + b.shape[0], c : c + b.shape[1]] = b
            r += b.shape[0]
            c += b.shape[1]
        ws.append(w)
        bs.append(np.concatenate([n[1][layer] for n in nets]))
    ws.append(np.hstack([cf * n[0][-1] for cf, n in zip(coeffs, nets)]))
    bs.append(np.array([const + sum(cf * float(n[1][-1][0]) for cf, n in zip(coeffs, nets))]))
    return ws, bs


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

    Examples
    --------
    >>> from dlmath.expressivity import sawtooth_network
    >>> count_linear_pieces(*sawtooth_network(3).numpy_layers())
    8

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*, theorem
    ``expressivity-telgarsky_sawtooth`` (b). Montúfar et al. (2014); Telgarsky (2016).
    """
    if isinstance(weights, ReLUNet):
        raise TypeError("weights must be a sequence of matrices; use count_linear_pieces(*net.numpy_layers())")
    ws, bs = _check_layers(weights, biases, in_features=1)
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
    layers = [(_dyadic(w), _dyadic(bb[None, :])) for w, bb in zip(ws, bs)]
    prev = ws[-1].shape[0]
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
                new.append(
                    (p, q, [Sj if mk else 0 for Sj, mk in zip(S, mask)], [Cj if mk else 0 for Cj, mk in zip(C, mask)])
                )
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
