r"""The VC dimension of ReLU networks: bit extraction shatters more points than there are parameters.

:func:`shattering_network` realises every labelling of the grid :math:`[m] \times [n]` with one
architecture: a piecewise-linear lookup (:func:`row_lookup_network`) maps row :math:`i` to the
number :math:`a_i` whose binary digits are the labels of the row, and :func:`bit_extraction_network`
returns digit :math:`j` of :math:`a_i`; :math:`W = 5m + 72n - 25` parameters, :math:`n + 3` hidden
layers. :func:`vc_upper_bound` is the bound of Bartlett et al. (2019, Theorem 7);
:func:`vc_dimension_demo` checks theorem ``expressivity-vc_dimension`` (chapter *What networks
cannot do*).

References
----------
Bartlett, Maiorov, Meir (1998), Theorem 2; Bartlett, Harvey, Liaw, Mehrabian (2019), Theorems 3, 7, 11.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import torch

from ..plotting import COLORS
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_int, check_int_sequence, like_input, rng, small_network_threads
from ._common import _two_panels
from .relu_nets import ReLUNet

__all__ = ["row_numbers", "binary_digits", "vc_upper_bound", "row_lookup_network", "bit_extraction_network"]
__all__ += ["shattering_network", "VCDimensionResult", "vc_dimension_demo"]

#: Largest number of binary digits, so that every value of the networks is exact in float64.
MAX_BITS = 24
MAX_ROWS = 8192  # with MAX_BITS the partial sums of the lookup stay below 2^50 units of 2^-n
_WIDTH = 8  # slots of a bit-extraction layer: r, j, u1, u2, g1, g2, z, acc
_R, _J, _U1, _U2, _G1, _G2, _Z, _A = range(_WIDTH)


def _labels(labels: Any) -> np.ndarray:
    arr = as_array(labels, "labels", ndim=2)
    if not (1 <= arr.shape[0] and 1 <= arr.shape[1] <= MAX_BITS):
        raise ValueError(f"labels must have >= 1 rows and 1 to {MAX_BITS} columns, got shape {arr.shape}")
    if not np.all((arr == 0.0) | (arr == 1.0)):
        raise ValueError("labels must contain only 0 and 1")
    return arr


def row_numbers(labels: Any) -> Any:
    r"""The numbers :math:`a_i = \sum_{k=1}^n \ell_{ik} 2^{-k}` whose binary digits are the rows of ``labels``.

    Parameters
    ----------
    labels : array_like or torch.Tensor, shape ``(m, n)``
        Entries 0 or 1; :math:`1 \le n \le 24`.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape ``(m,)``
        The dyadic numbers :math:`a_i \in [0, 1 - 2^{-n}]` (exact in float64); a tensor for a tensor.

    References
    ----------
    Book: chapter *What networks cannot do*, theorem ``expressivity-vc_dimension`` (c).
    Bartlett, Harvey, Liaw, Mehrabian (2019), Section 2.
    """
    arr = _labels(labels)
    return like_input(arr @ 2.0 ** -np.arange(1, arr.shape[1] + 1), labels)


def binary_digits(a: Any, n: int) -> Any:
    r"""The first ``n`` binary digits :math:`b_k = \lfloor 2^k a\rfloor - 2\lfloor 2^{k-1} a\rfloor` of each entry.

    Parameters
    ----------
    a : array_like or torch.Tensor, shape ``(...)``
        Numbers in :math:`[0, 1)`.
    n : int
        Number of digits, :math:`1 \le n \le 24`.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape ``(..., n)``
        Digits 0.0 or 1.0 (the inverse of :func:`row_numbers` on :math:`2^{-n}\Z \cap [0, 1)`).

    References
    ----------
    Book: chapter *What networks cannot do*, theorem ``expressivity-vc_dimension`` (c).
    """
    arr = as_array(a, "a")
    n = check_int(n, "n", minimum=1, maximum=MAX_BITS)
    if np.any(arr < 0.0) or np.any(arr >= 1.0):
        raise ValueError("a must lie in [0, 1)")
    scaled = np.floor(arr[..., None] * 2.0 ** np.arange(0, n + 1))
    return like_input(scaled[..., 1:] - 2.0 * scaled[..., :-1], a)


def vc_upper_bound(widths: Sequence[int], *, n_breakpoints: int = 1) -> float:
    r"""Upper bound on the VC dimension of a layered piecewise-linear architecture (BHLM 2019, Theorem 7).

    For widths :math:`(k_0, k_1, \dots, k_L)` (input dimension :math:`k_0`, :math:`L - 1` hidden
    layers, one output unit :math:`k_L = 1` with the identity), every unit of layer :math:`i`
    connected to all units of layer :math:`i - 1`, activations piecewise linear with
    :math:`p` breakpoints (:math:`p + 1` pieces; :math:`p = 1` for the ReLU), let
    :math:`W_i = \sum_{l \le i}(k_{l-1} + 1)k_l` be the number of parameters up to layer
    :math:`i`, :math:`R = \sum_{i=1}^L i\,k_i` and :math:`U = \sum_{i\ge1} k_i`. If :math:`U > 2`,

    .. math::

        \operatorname{VCdim} \le L + \Bigl(\sum_{i=1}^L W_i\Bigr)\log_2\bigl(4epR\log_2(2epR)\bigr).

    Parameters
    ----------
    widths : sequence of int
        :math:`(k_0, \dots, k_L)`, at least two entries, all >= 1, the last equal to 1 (the
        convention of :attr:`ReLUNet.widths`; ``L`` is the depth plus one).
    n_breakpoints : int, default 1
        :math:`p`, the number of breakpoints of the activation, >= 1.

    Returns
    -------
    float
        The bound (a ``ValueError`` if the last width is not 1 or :math:`U \le 2`).

    Examples
    --------
    >>> round(vc_upper_bound((1, 2, 2, 1)), 2)
    248.73

    References
    ----------
    Book: chapter *What networks cannot do*, theorem ``expressivity-vc_dimension`` (a).
    Bartlett, Harvey, Liaw, Mehrabian (2019), Theorem 7 (case :math:`d = 1`).
    """
    k = np.array(check_int_sequence(widths, "widths", minimum=1, min_len=2), dtype=float)
    p = check_int(n_breakpoints, "n_breakpoints", minimum=1)
    if k[-1] != 1:
        raise ValueError(f"widths must end with 1 (one output unit), got {tuple(int(v) for v in k)}")
    units = float(k[1:].sum())
    if units <= 2:
        raise ValueError(f"widths must have more than 2 computation units (U > 2), got U = {int(units)}")
    cumulative = np.cumsum((k[:-1] + 1.0) * k[1:])  # W_1, ..., W_L
    R = float(np.sum(np.arange(1, k.size) * k[1:]))
    return float(k.size - 1 + cumulative.sum() * math.log2(4 * math.e * p * R * math.log2(2 * math.e * p * R)))


# ----------------------------------------------------------------------------------------------


def _lookup_output(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Output weights and bias of the lookup for values of shape (..., m): g(i) = a_1 + sum_t c_t relu(i - t)."""
    slopes = np.diff(values, axis=-1)  # s_{t+1} = a_{t+1} - a_t, t = 1..m-1
    coeffs = np.concatenate([slopes[..., :1], np.diff(slopes, axis=-1)], axis=-1)  # c_1 = s_2, c_t = s_{t+1} - s_t
    return coeffs, values[..., 0]


def _lookup_layers(values: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
    m = values.shape[0]
    w1, w2 = np.zeros((m, 2)), np.zeros((2, m))
    w1[: m - 1, 0], w1[m - 1, 1], w2[1, m - 1] = 1.0, 1.0, 1.0  # units relu(i - t), t < m, and relu(j)
    w2[0, : m - 1], bias = _lookup_output(values)
    return [w1, w2], [np.append(-np.arange(1.0, m), 0.0), np.array([bias, 0.0])]


def _extractor_layers(n: int, n_steps: int, ramp_exponent: int) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Layers of (a, j) -> sum_{k <= n_steps} b_k [j = k], with the ramp sigma(M s + 1) - sigma(M s), M = 2^e."""
    M = 2.0**ramp_exponent
    ws, bs = [], []
    for k in range(1, n_steps + 1):
        fan_in = 2 if k == 1 else _WIDTH
        r, jj = np.zeros(fan_in), np.zeros(fan_in)  # r_k and j as rows over the previous layer
        if k == 1:
            r[0], jj[1] = 1.0, 1.0
        else:
            r[[_R, _U1, _U2]], jj[_J] = (2.0, -1.0, 1.0), 1.0  # r_k = 2 r_{k-1} - b_{k-1}
        w, b = np.zeros((_WIDTH, fan_in)), np.zeros(_WIDTH)
        w[_R], w[_J] = r, jj
        w[_U1], b[_U1] = M * r, 1.0 - M / 2  # u1 = relu(M (r - 1/2) + 1)
        w[_U2], b[_U2] = M * r, -M / 2  # u2 = relu(M (r - 1/2))
        w[_G1], b[_G1] = jj, -float(k)  # relu(j - k)
        w[_G2], b[_G2] = -jj, float(k)  # relu(k - j)
        if k > 1:
            w[_Z, [_U1, _U2, _G1, _G2]] = (1.0, -1.0, -1.0, -1.0)  # z_{k-1} = relu(b_{k-1} - |j - (k-1)|)
            w[_A, [_A, _Z]] = 1.0  # acc = z_1 + ... + z_{k-2}
        ws.append(w)
        bs.append(b)
    last = np.zeros((2, _WIDTH))
    last[0, [_U1, _U2, _G1, _G2]] = (1.0, -1.0, -1.0, -1.0)
    last[1, [_A, _Z]] = 1.0
    ws += [last, np.ones((1, 2))]
    bs += [np.zeros(2), np.zeros(1)]
    return ws, bs


def row_lookup_network(values: Any, *, dtype: Any = torch.float32, device: Any = "cpu") -> ReLUNet:
    r"""A ReLU network :math:`(i, j) \mapsto (g(i), j)` with :math:`g(i) = a_i` at every row :math:`i \in [m]`.

    :math:`g(x) = a_1 + \sum_{t=1}^{m-1} c_t\,\sigma(x - t)` is the piecewise-linear interpolant of
    :math:`(t, a_t)_{t \le m}` (:math:`c_1 = a_2 - a_1`, :math:`c_t = a_{t+1} - 2a_t + a_{t-1}`), and
    :math:`\sigma(j) = j` passes through: one hidden layer of width :math:`m`, :math:`5m + 2`
    parameters. For :math:`a_t \in 2^{-n}\Z \cap [0, 1)` every intermediate value is a multiple of
    :math:`2^{-n}` of modulus at most :math:`m^2`, hence exact in float64 (:math:`m \le 8192`,
    :math:`n \le 24`).

    Parameters
    ----------
    values : array_like, shape ``(m,)``
        The values :math:`a_1, \dots, a_m`, :math:`m \ge 2`.
    dtype, device : torch.dtype or str, str or torch.device, default torch.float32, "cpu"
        Of the network; the demo passes ``torch.float64``, in which it is exact.

    Returns
    -------
    ReLUNet
        Input ``(batch, 2)`` (points :math:`(i, j)`), output ``(batch, 2)``.

    References
    ----------
    Book: chapter *What networks cannot do*, theorem ``expressivity-vc_dimension`` (c).
    """
    vals = as_array(values, "values", ndim=1)
    if not 2 <= vals.size <= MAX_ROWS:
        raise ValueError(f"values must have between 2 and {MAX_ROWS} entries, got {vals.size}")
    return ReLUNet(*_lookup_layers(vals), dtype=dtype, device=device)


def bit_extraction_network(n: int, *, dtype: Any = torch.float32, device: Any = "cpu") -> ReLUNet:
    r"""A ReLU network of depth :math:`n + 1` and width 8 with :math:`\Phi(a, j) = b_j` (digit :math:`j` of :math:`a`).

    For :math:`a = 0.b_1 b_2\dots b_n` (binary) and :math:`j \in [n]`, step :math:`k` holds the
    remainder :math:`r_k = 0.b_k b_{k+1}\dots b_n` (:math:`r_1 = a`) and reads its leading digit
    with the ramp :math:`H(s) = \sigma(2^n s + 1) - \sigma(2^n s)` at :math:`s = r_k - \frac12`:
    :math:`H(s) = 1` for :math:`s \ge 0` and :math:`H(s) = 0` for :math:`s \le -2^{-n}`, and
    :math:`r_k \in 2^{-n}\Z` never lies in between (the margin :math:`2^{-n}`), so
    :math:`b_k = H(r_k - \frac12)` exactly. Then :math:`r_{k+1} = 2r_k - b_k` and the digit of
    position :math:`j` is selected by :math:`z_k = \sigma(b_k - |j - k|) = b_k [j = k]` (integer
    :math:`j`), with :math:`|j - k| = \sigma(j - k) + \sigma(k - j)`; the output is
    :math:`\sum_k z_k = b_j`. Pipelined: hidden layer :math:`k` holds :math:`r_k, j`, the two ramp
    units, :math:`\sigma(\pm(j-k))`, :math:`z_{k-1}` and :math:`\sum_{t<k-1} z_t`; :math:`72n - 27` parameters.

    Parameters
    ----------
    n : int
        Number of binary digits, :math:`1 \le n \le 24`.
    dtype, device : torch.dtype or str, str or torch.device, default torch.float32, "cpu"
        Of the network; the demo passes ``torch.float64``, in which it is exact.

    Returns
    -------
    ReLUNet
        Input ``(batch, 2)`` (pairs :math:`(a, j)`), scalar output.

    Examples
    --------
    >>> net = bit_extraction_network(3, dtype="float64")
    >>> net.evaluate([[0.625, 1.0], [0.625, 2.0], [0.625, 3.0]])
    array([1., 0., 1.])

    References
    ----------
    Book: chapter *What networks cannot do*, theorem ``expressivity-vc_dimension`` (c).
    Bartlett, Maiorov, Meir (1998), Theorem 2; Bartlett, Harvey, Liaw, Mehrabian (2019), Lemma 13.
    """
    n = check_int(n, "n", minimum=1, maximum=MAX_BITS)
    return ReLUNet(*_extractor_layers(n, n, n), dtype=dtype, device=device)


def shattering_network(labels: Any, *, dtype: Any = torch.float32, device: Any = "cpu") -> ReLUNet:
    r"""The ReLU network :math:`\Phi_\ell(i, j) = \ell_{ij}` on the grid :math:`[m] \times [n]`.

    :math:`\Phi_\ell = E \circ \sigma \circ G` with :math:`G` the lookup (:func:`row_lookup_network`)
    of the numbers :func:`row_numbers` and :math:`E` the extractor (:func:`bit_extraction_network`);
    :math:`\sigma \circ G = G` on the grid. Only the output weights of :math:`G` depend on
    :math:`\ell`: one architecture, widths :math:`(2, m, 2, 8, \dots, 8, 2, 1)`, depth
    :math:`n + 3`, :math:`5m + 72n - 25` parameters, realises every labelling.

    Parameters
    ----------
    labels : array_like, shape ``(m, n)``
        Entries 0 or 1; :math:`2 \le m \le 8192`, :math:`1 \le n \le 24`.
    dtype, device : torch.dtype or str, str or torch.device, default torch.float32, "cpu"
        Of the network; the demo passes ``torch.float64``, in which it is exact.

    Returns
    -------
    ReLUNet
        Input ``(batch, 2)`` (points :math:`(i, j)`, :math:`i \in [m]`, :math:`j \in [n]`),
        scalar output :math:`\ell_{ij} \in \{0, 1\}`.

    Examples
    --------
    >>> lab = [[1, 0], [0, 1], [1, 1]]
    >>> shattering_network(lab, dtype="float64").evaluate([[1, 1], [1, 2], [2, 2], [3, 1]])
    array([1., 0., 1., 1.])

    References
    ----------
    Book: chapter *What networks cannot do*, theorem ``expressivity-vc_dimension`` (c).
    Bartlett, Harvey, Liaw, Mehrabian (2019), Section 2.
    """
    arr = _labels(labels)
    m, n = arr.shape
    if not 2 <= m <= MAX_ROWS:
        raise ValueError(f"labels must have between 2 and {MAX_ROWS} rows, got {m}")
    (w_in, b_in), (w_out, b_out) = _lookup_layers(row_numbers(arr)), _extractor_layers(n, n, n)
    return ReLUNet(w_in + w_out, b_in + b_out, dtype=dtype, device=device)  # E o relu o G


# ----------------------------------------------------------------------------------------------


def _grid_points(m: int, n: int) -> np.ndarray:
    """The points (i, j) of [m] x [n], row-major (the label of point i*n + j - 1 - n is labels[i-1, j-1])."""
    ii, jj = np.meshgrid(np.arange(1, m + 1), np.arange(1, n + 1), indexing="ij")
    return np.stack([ii.ravel(), jj.ravel()], axis=1).astype(np.float64)


def _extractor_exact_positions(n: int, n_steps: int, ramp_exponent: int) -> np.ndarray:
    """For each position j, whether the extractor returns digit j of every a in 2^-n Z cap [0, 1)."""
    net = ReLUNet(*_extractor_layers(n, n_steps, ramp_exponent), dtype=torch.float64)
    a = np.arange(2**n, dtype=np.float64) / 2**n
    aa, jj = np.meshgrid(a, np.arange(1, n + 1, dtype=np.float64), indexing="ij")
    out = net.evaluate(np.stack([aa.ravel(), jj.ravel()], axis=1)).reshape(2**n, n)
    return np.all(out == binary_digits(a, n), axis=0)


def _count_labellings(m: int, n: int, n_steps: int) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Sign patterns on [m] x [n] of the networks for all 2^(mn) labellings (one extractor of n_steps).

    The networks share every layer but the lookup's output layer: the first layer is evaluated
    once, the second for every labelling, and the shared tail (a ReLUNet) on all the results.
    Returns (distinct patterns, labellings realised exactly, the labels, the outputs).
    """
    size = m * n
    codes = np.arange(2**size, dtype=np.int64)
    labels = ((codes[:, None] >> np.arange(size)) & 1).astype(np.float64).reshape(-1, m, n)
    values = labels @ 2.0 ** -np.arange(1, n + 1)  # (2^size, m)
    (w1, _), (b1, _) = _lookup_layers(values[0])
    h1 = np.maximum(_grid_points(m, n) @ w1.T + b1, 0.0)  # (size, m), the same for every labelling
    coeffs, bias = _lookup_output(values)
    h2 = np.empty((codes.size, size, 2))
    h2[..., 0] = np.maximum(coeffs @ h1[:, : m - 1].T + bias[:, None], 0.0)
    h2[..., 1] = h1[:, m - 1]
    tail = ReLUNet(*_extractor_layers(n, n_steps, n), dtype=torch.float64)
    out = tail.evaluate(h2.reshape(-1, 2)).reshape(codes.size, size)
    patterns = (out > 0).astype(np.int64) @ (1 << np.arange(size, dtype=np.int64))
    exact = int(np.sum(np.all(out == labels.reshape(codes.size, size), axis=1)))
    return int(np.unique(patterns).size), exact, labels, out


@demo_result
class VCDimensionResult(DemoResult):
    r"""Result of :func:`vc_dimension_demo`.

    Attributes
    ----------
    small_m, small_n, small_params : int
        The grid :math:`[m] \times [n]` of the exhaustive count and ``n_params`` of its architecture.
    n_labellings, n_labellings_total, n_labellings_exact : int
        Distinct sign patterns realised on the small grid over all labellings, :math:`2^{mn}`, and
        the labellings whose output equals the labels exactly (not only in sign).
    n_labellings_truncated : int
        Distinct sign patterns of the same networks with the last extraction step removed.
    direct_gap : float
        Largest difference between the shared-layer evaluation and the ReLUNet of
        :func:`shattering_network`, over 16 sampled labellings.
    m, n, set_size : int
        The large grid and :math:`mn`.
    n_params, n_nonzero, depth, n_layers : int
        :math:`W` (``n_params``), non-zero parameters of one network, hidden layers and
        :math:`L` = depth + 1 (the layer count of Bartlett et al. 2019) of the large architecture.
    ratio_params : float
        :math:`mn / W`.
    rows_exact, n_lookup_labellings : int
        Rows at which the lookup returned :math:`a_i` exactly for each of the tested labellings.
    positions_exact, positions_exact_wrong : numpy.ndarray
        Per position :math:`j`, whether the extractor with ramp slope :math:`2^n` (and
        :math:`2^{n-1}`) returned digit :math:`j` of all :math:`2^n` numbers exactly.
    certified, certified_wrong : int
        ``rows_exact`` times the number of exact positions (the size of a shattered subgrid).
    end_to_end_errors : int
        Points of the large grid at which a full network differs from its labels (two labellings).
    upper_bound, small_upper_bound : float
        The bound of :func:`vc_upper_bound` for the two architectures.
    """

    small_m: int
    small_n: int
    small_params: int
    n_labellings: int
    n_labellings_total: int
    n_labellings_exact: int
    n_labellings_truncated: int
    direct_gap: float
    m: int
    n: int
    set_size: int
    n_params: int
    n_nonzero: int
    depth: int
    n_layers: int
    ratio_params: float
    rows_exact: int
    n_lookup_labellings: int
    positions_exact: np.ndarray
    positions_exact_wrong: np.ndarray
    certified: int
    certified_wrong: int
    end_to_end_errors: int
    upper_bound: float
    small_upper_bound: float

    def plot(self, ax=None):
        from matplotlib.ticker import NullFormatter

        ax0, ax1 = _two_panels(ax, height=3.2)
        grid, t = np.arange(-4, 4), np.linspace(-4.5, 3.5, 321)  # t = 2^n (r - 1/2)
        ramp = np.maximum(t + 1, 0) - np.maximum(t, 0)
        ax0.plot(t, ramp, color=COLORS[0], label=r"$\sigma(2^n s + 1) - \sigma(2^n s)$")
        ax0.plot(t, np.maximum(t / 2 + 1, 0) - np.maximum(t / 2, 0), "--", color=COLORS[1], label=r"slope $2^{n-1}$")
        ax0.plot(grid, (grid >= 0).astype(float), "o", color="0.2", label="digit on the grid")
        ax0.set(xlabel=r"$2^n (r - \frac{1}{2})$", ylabel="extracted digit")
        ax0.legend(fontsize=7, loc="upper left")
        W = np.array([self.small_params, self.n_params], dtype=float)
        sizes = np.array([self.small_m * self.small_n, self.certified], dtype=float)
        bounds = np.array([self.small_upper_bound, self.upper_bound])
        ax1.loglog(W, sizes, "o", color=COLORS[0], label="shattered set (verified)")
        ax1.loglog(W, bounds, "v", color=COLORS[2], label="upper bound (Theorem 7)")
        span = np.array([W.min() / 2, W.max() * 2])
        ax1.loglog(span, span, ":", color="0.4", label="$W$")
        for w, s, text in zip(W, sizes, (f"{self.small_m}x{self.small_n}", f"{self.m}x{self.n}")):
            ax1.annotate(text, (w, s), textcoords="offset points", xytext=(7, 2), fontsize=7)
        ax1.xaxis.set_minor_formatter(NullFormatter())
        ax1.set(xlabel="parameters $W$", ylabel="points")
        ax1.legend(fontsize=7, loc="upper left")
        return ax0, ax1


@small_network_threads
def vc_dimension_demo(
    *,
    exhaustive_grid: Sequence[int] = (4, 4),
    grid: Sequence[int] = (2048, 16),
    n_random_labellings: int = 4,
    seed: int = 0,
) -> VCDimensionResult:
    r"""Shattering by bit extraction: an exhaustive count and a verified set larger than :math:`W`.

    (i) On the small grid (:math:`mn \le 16`) the networks of :func:`shattering_network` for all
    :math:`2^{mn}` labellings are evaluated and their distinct sign patterns
    :math:`(\ind{\Phi(x) > 0})_{x}` counted (predicted :math:`2^{mn}`). They differ only in the
    lookup's output layer, so the other layers are evaluated once and shared; 16 sampled
    labellings are compared with their full ReLUNet. Wrong answer: the count with the last
    extraction step removed (:math:`2^{m(n-1)}`). (ii) On the large grid (:math:`mn > W`),
    :math:`\Phi_\ell = E \circ \sigma \circ G_\ell`: the extractor :math:`E` is evaluated on all
    :math:`2^n n` pairs :math:`(a, j)`, the lookup :math:`G_\ell` at all rows for the all-zero,
    all-one, checkerboard and ``n_random_labellings`` random labellings (the lookup is exact for all
    dyadic values, see :func:`row_lookup_network`); both exact give
    :math:`\operatorname{VCdim} \ge mn`. Wrong answer: the extractor with ramp slope
    :math:`2^{n-1}`. Two full networks are checked at every point. All networks are float64.

    Parameters
    ----------
    exhaustive_grid : sequence of int, default (4, 4)
        :math:`(m, n)` of the exhaustive count, :math:`m, n \ge 2`, :math:`mn \le 16`.
    grid : sequence of int, default (2048, 16)
        :math:`(m, n)` of the large grid, :math:`2 \le m \le 8192`, :math:`2 \le n \le 20`.
    n_random_labellings : int, default 4
        Random labellings (besides three fixed ones) on which the lookup is verified, >= 1.
    seed : int, default 0
        Seed of the random labellings and of the sampled small labellings.

    Returns
    -------
    VCDimensionResult
        The counts of (i), the verified sizes of (ii), the sizes :math:`W`, depth and the upper
        bound of :func:`vc_upper_bound` for both architectures.

    References
    ----------
    Book: chapter *What networks cannot do*, theorem ``expressivity-vc_dimension``. Bartlett,
    Maiorov, Meir (1998), Theorem 2; Bartlett, Harvey, Liaw, Mehrabian (2019), Theorems 3, 7, 11.
    """
    small = check_int_sequence(exhaustive_grid, "exhaustive_grid", minimum=2, min_len=2)
    big = check_int_sequence(grid, "grid", minimum=2, min_len=2)
    if len(small) != 2 or small[0] * small[1] > 16:
        raise ValueError(f"exhaustive_grid must be a pair (m, n) with m n <= 16, got {small}")
    if len(big) != 2 or big[0] > MAX_ROWS or big[1] > 20:
        raise ValueError(f"grid must be a pair (m, n) with m <= {MAX_ROWS} and n <= 20, got {big}")
    n_random = check_int(n_random_labellings, "n_random_labellings", minimum=1)
    gen, (sm, sn), (m, n) = rng(seed), small, big

    # (i) exhaustive count on the small grid
    count, exact, labels, out = _count_labellings(sm, sn, sn)
    count_trunc, _, _, _ = _count_labellings(sm, sn, sn - 1)
    sample = np.concatenate([[0, labels.shape[0] - 1], gen.choice(labels.shape[0], 14, replace=False)])
    points = _grid_points(sm, sn)
    gap = max(
        float(np.max(np.abs(shattering_network(labels[c], dtype=torch.float64).evaluate(points) - out[c])))
        for c in sample
    )
    small_net = shattering_network(labels[0], dtype=torch.float64)

    # (ii) the two factors on the large grid
    fixed = [np.zeros((m, n)), np.ones((m, n)), (np.add.outer(np.arange(m), np.arange(n)) % 2).astype(float)]
    tests = fixed + [gen.integers(0, 2, (m, n)).astype(float) for _ in range(n_random)]
    rows = np.ones(m, dtype=bool)
    probe = np.stack([np.arange(1, m + 1), np.ones(m)], axis=1).astype(np.float64)
    for a in map(row_numbers, tests):
        got = row_lookup_network(a, dtype=torch.float64).evaluate(probe)
        rows &= (got[:, 0] == a) & (got[:, 1] == 1.0)
    positions = _extractor_exact_positions(n, n, n)
    positions_wrong = _extractor_exact_positions(n, n, n - 1)
    pts, nets = _grid_points(m, n), [shattering_network(lab, dtype=torch.float64) for lab in (tests[3], tests[2])]
    errors, net = (
        sum(int(np.sum(nt.evaluate(pts) != lab.ravel())) for nt, lab in zip(nets, (tests[3], tests[2]))),
        nets[0],
    )
    return VCDimensionResult(
        small_m=sm,
        small_n=sn,
        small_params=small_net.n_params,
        n_labellings=count,
        n_labellings_total=2 ** (sm * sn),
        n_labellings_exact=exact,
        n_labellings_truncated=count_trunc,
        direct_gap=gap,
        m=m,
        n=n,
        set_size=m * n,
        n_params=net.n_params,
        depth=net.depth,
        n_layers=net.depth + 1,
        n_nonzero=net.n_nonzero,
        ratio_params=m * n / net.n_params,
        rows_exact=int(rows.sum()),
        positions_exact=positions,
        positions_exact_wrong=positions_wrong,
        certified=int(rows.sum()) * int(positions.sum()),
        certified_wrong=int(rows.sum()) * int(positions_wrong.sum()),
        n_lookup_labellings=len(tests),
        end_to_end_errors=errors,
        upper_bound=vc_upper_bound(net.widths),
        small_upper_bound=vc_upper_bound(small_net.widths),
    )


_HYP = (
    "ReLU networks of one fixed layered architecture (widths 2, m, 2, 8, ..., 8, 2, 1; the labelling "
    "enters only through the lookup's output weights); points (i, j) of [m] x [n]; labels 1[Phi > 0]; "
    "float64 arithmetic, exact on the dyadic values of the construction"
)
_EXACT = dict(tolerance=0.0, demo=vc_dimension_demo)
declare_check(
    "expressivity.vc_dimension",
    label="exhaustive",
    quantity="number of distinct labellings of the small grid [m] x [n] (16 points at the defaults) realised by "
    "the shattering architecture",
    claim="identity",
    relation="approx",
    measure="n_labellings",
    predict="n_labellings_total",
    reason="an exact count over all 2^16 labellings; every network value is a dyadic number computed exactly",
    hypotheses=_HYP,
    wrong="the count of the same networks with one bit-extraction step fewer (2^(m(n-1)))",
    wrong_measure="n_labellings_truncated",
    **_EXACT,
)
declare_check(
    "expressivity.vc_dimension",
    label="product",
    quantity="size of the grid [m] x [n] verified to be shattered (rows with an exact lookup times positions "
    "with an exact extractor), against m n",
    claim="lower bound",
    relation=">=",
    measure="certified",
    predict="set_size",
    reason="exact comparisons of dyadic values: the extractor on all 2^n n inputs, the lookup at all rows",
    hypotheses=_HYP + "; m n > W (more points than parameters)",
    wrong="the extractor with ramp slope 2^(n-1), half the slope the margin 2^(-n) requires",
    wrong_measure="certified_wrong",
    **_EXACT,
)
declare_check(
    "expressivity.vc_dimension",
    label="upper",
    quantity="size m n of the verified shattered set of the large architecture, against the bound of "
    "Theorem 7 of Bartlett et al. (2019)",
    claim="illustration",
    relation="<=",
    measure="certified",
    predict="upper_bound",
    reason="both sides are exact (a count and a closed form); the bound is not sharp for this architecture "
    "(constant and logarithmic factor), so its tightness is reported, not required",
    hypotheses="layered ReLU architecture (p = 1 breakpoint, d = 1), identity output, U > 2 units",
    wrong="W, the number of parameters (the VC dimension of a linear class with W parameters)",
    wrong_predict="n_params",
    **_EXACT,
)
