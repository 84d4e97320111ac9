r"""Fourier neural operators: one Fourier layer across resolutions, and the mode-truncation bound.

A Fourier layer on the torus :math:`\mathbb T = [0,1)` sampled at :math:`N` points is
:math:`v \mapsto \sigma(Wv + b + \mathcal F^{-1}[R_k(\mathcal Fv)_k\ (|k|\le K),\ 0\ \text{else}])`
(:func:`fourier_layer`, :class:`FourierLayer`, :class:`FNO1d`). On a band-limited input it computes
the same function at every resolution :math:`N > 2\max(K, K')`; after a nonlinearity the signal is
no longer band-limited and a second layer aliases. An FNO whose output is a trigonometric
polynomial of degree :math:`K` has :math:`L^2(\mu)` error at least the spectral tail of the target
beyond :math:`K` (:func:`spectral_tail_bound`), here for :math:`-u''+u = f` with a Gaussian
:math:`f` (:func:`periodic_poisson_field`). :func:`fno_demo` measures both (chapter *Learning
operators and variational solvers*, theorem ``pde-fno_discretization``).

References
----------
Li et al. (2021); Kovachki, Lanthaler, Mishra (2021).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import torch

from ..nets import activation_function, module_dtype_device, network_input, seeded_normal
from ..plotting import COLORS
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    NETWORK_DTYPE,
    as_tensor,
    check_bool,
    check_choice,
    check_device,
    check_float_dtype,
    check_int,
    check_int_sequence,
    check_real,
    is_tensor,
    rng,
    small_network_threads,
    torch_generator,
)
from ._common import _PI, _train, _two_axes

__all__ = [
    "fourier_layer",
    "FourierLayer",
    "FNO1d",
    "periodic_poisson_field",
    "spectral_tail_bound",
    "FNOResult",
    "fno_demo",
]

_ACTS = ("relu", "tanh", "erf", "identity")


def _spectral(v: torch.Tensor, weights: torch.Tensor, modes: int) -> torch.Tensor:
    """irfft of R_k rfft(v)_k for 0 <= k <= modes (zero elsewhere); v (..., c_in, N), weights (modes+1, c_out, c_in)."""
    n = v.shape[-1]
    vh = torch.fft.rfft(v, dim=-1)[..., : modes + 1]  # (..., c_in, modes+1)
    out = torch.einsum("...ik,koi->...ok", vh, weights)
    full = torch.zeros(*out.shape[:-1], n // 2 + 1, dtype=out.dtype, device=out.device)
    full[..., : modes + 1] = out
    return torch.fft.irfft(full, n=n, dim=-1)


def fourier_layer(
    v: Any, weights: Any, modes: int, *, pointwise: Any = None, bias: Any = None, activation: str = "identity"
) -> Any:
    r"""One Fourier layer :math:`\sigma(Wv + b + \mathcal F^{-1}[R_k\hat v_k\,\ind{|k|\le K}])` on a periodic grid.

    ``v`` holds :math:`c_{\rm in}` channels sampled at :math:`x_j = j/N`. With
    :math:`\hat v_k = \frac1N\sum_jv(x_j)e^{-2\pi ikx_j}`, the spectral part is
    :math:`\sum_{|k|\le K}R_k\hat v_ke^{2\pi ikx}` with :math:`R_{-k} = \overline{R_k}` (a real
    output; only the real part of :math:`R_0` acts), evaluated at the grid (chapter *Learning
    operators and variational solvers*; Li et al. 2021).

    Parameters
    ----------
    v : array_like or torch.Tensor
        Real samples, shape ``(..., c_in, N)``.
    weights : array_like or torch.Tensor
        Complex :math:`R_0,\dots,R_K`, shape ``(modes + 1, c_out, c_in)``.
    modes : int
        :math:`K \ge 0`, with :math:`2K < N`.
    pointwise : array_like, optional
        :math:`W`, shape ``(c_out, c_in)`` (default: no pointwise term).
    bias : array_like, optional
        :math:`b`, shape ``(c_out,)``.
    activation : {"relu", "tanh", "erf", "identity"}, default "identity"

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Shape ``(..., c_out, N)``, float64 (a tensor of the dtype and device of a tensor ``v``).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(8) / 8
    >>> w = np.zeros((2, 1, 1), complex); w[1] = 2.0
    >>> out = fourier_layer(np.cos(2 * np.pi * x)[None], w, 1)
    >>> bool(np.allclose(out[0], 2 * np.cos(2 * np.pi * x)))
    True
    """
    vt = as_tensor(v, "v", dtype=torch.float64)
    if vt.ndim < 2:
        raise ValueError(f"v must have shape (..., c_in, N), got shape {tuple(vt.shape)}")
    c_in, n = vt.shape[-2], vt.shape[-1]
    modes = check_int(modes, "modes", minimum=0)
    if 2 * modes >= n:
        raise ValueError(f"modes must satisfy 2 * modes < N = {n}, got {modes}")
    if is_tensor(weights):
        wt = weights.detach().cpu().to(torch.complex128)
    else:
        try:
            wt = torch.as_tensor(np.asarray(weights, dtype=np.complex128))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"weights must be an array of complex numbers: {exc}") from None
    if wt.ndim != 3 or wt.shape[0] != modes + 1 or wt.shape[2] != c_in:
        raise ValueError(f"weights must have shape ({modes + 1}, c_out, {c_in}), got {tuple(wt.shape)}")
    if not torch.all(torch.isfinite(torch.view_as_real(wt))):
        raise ValueError("weights must be finite")
    act = activation_function(check_choice(activation, "activation", _ACTS))
    vc = vt.detach().cpu()
    out = _spectral(vc, wt, modes)
    if pointwise is not None:
        wp = as_tensor(pointwise, "pointwise", dtype=torch.float64, ndim=2).cpu()
        if wp.shape != (wt.shape[1], c_in):
            raise ValueError(f"pointwise must have shape {(wt.shape[1], c_in)}, got {tuple(wp.shape)}")
        out = out + torch.einsum("oi,...in->...on", wp, vc)
    if bias is not None:
        bt = as_tensor(bias, "bias", dtype=torch.float64, ndim=1).cpu()
        if bt.shape != (wt.shape[1],):
            raise ValueError(f"bias must have shape {(wt.shape[1],)}, got {tuple(bt.shape)}")
        out = out + bt[:, None]
    out = act(out)
    if is_tensor(v):
        return out.to(dtype=v.dtype if v.is_floating_point() else torch.float64, device=v.device)
    return out.numpy()


class FourierLayer(torch.nn.Module):
    r"""A Fourier layer :math:`\sigma(Wv + b + \mathcal F^{-1}[R_k\hat v_k\,\ind{k\le K}])` with learned weights.

    Parameters
    ----------
    channels : int
        Number :math:`c \ge 1` of input and output channels.
    modes : int
        :math:`K \ge 0` Fourier modes kept.
    activation : {"relu", "tanh", "erf", "identity"}, default "relu"
    pointwise : bool, default True
        Whether the layer has the pointwise term :math:`Wv + b`.
    seed : int, default 0
    device : str or torch.device, default "cpu"
    dtype : torch.dtype or str, default "float32"

    Notes
    -----
    ``forward`` maps ``(B, c, N)`` to ``(B, c, N)`` for any :math:`N > 2K`; :math:`R_k` has
    i.i.d. complex Gaussian entries of standard deviation :math:`1/c`, :math:`W` entries of
    standard deviation :math:`1/\sqrt c`, :math:`b = 0` (chapter *Learning operators and
    variational solvers*).

    Examples
    --------
    >>> import numpy as np
    >>> FourierLayer(2, 3)(np.ones((4, 2, 16))).shape
    torch.Size([4, 2, 16])
    """

    def __init__(
        self,
        channels: int,
        modes: int,
        *,
        activation: str = "relu",
        pointwise: bool = True,
        seed: int = 0,
        device: Any = "cpu",
        dtype: Any = NETWORK_DTYPE,
    ):
        super().__init__()
        c = check_int(channels, "channels", minimum=1)
        self.modes = check_int(modes, "modes", minimum=0)
        self.activation = check_choice(activation, "activation", _ACTS)
        self.pointwise = check_bool(pointwise, "pointwise")
        gen = torch_generator(check_int(seed, "seed", minimum=0))
        device, dtype = check_device(device), check_float_dtype(dtype)
        shape = (self.modes + 1, c, c)
        self.weight_re = torch.nn.Parameter(seeded_normal(gen, shape, 1 / c, dtype=dtype, device=device))
        self.weight_im = torch.nn.Parameter(seeded_normal(gen, shape, 1 / c, dtype=dtype, device=device))
        if self.pointwise:
            self.w = torch.nn.Parameter(seeded_normal(gen, (c, c), 1 / math.sqrt(c), dtype=dtype, device=device))
            self.b = torch.nn.Parameter(torch.zeros(c, dtype=dtype, device=device))
        self.channels = c

    def forward(self, v: Any) -> torch.Tensor:
        """The layer's output, shape ``(B, c, N)``, for ``v`` of shape ``(B, c, N)``."""
        dtype, device = module_dtype_device(self)
        v = network_input(v, "v", dtype=dtype, device=device, ndim=3)
        if v.shape[1] != self.channels or 2 * self.modes >= v.shape[2]:
            raise ValueError(
                f"v must have shape (B, {self.channels}, N) with N > {2 * self.modes}, got {tuple(v.shape)}"
            )
        out = _spectral(v, torch.complex(self.weight_re, self.weight_im), self.modes)
        if self.pointwise:
            out = out + torch.einsum("oi,bin->bon", self.w, v) + self.b[:, None]
        return activation_function(self.activation)(out)


class FNO1d(torch.nn.Module):
    r"""A Fourier neural operator :math:`Q\circ L_d\circ\dots\circ L_1\circ P` on the periodic grid.

    :math:`P` lifts the input to ``width`` channels pointwise, :math:`L_1,\dots,L_{d-1}` are
    :class:`FourierLayer` s with the activation, :math:`L_d` has none, and :math:`Q` projects
    pointwise to one channel. With ``activation="identity"`` and ``pointwise=False`` the output
    is a trigonometric polynomial of degree ``modes`` (chapter *Learning operators and
    variational solvers*; Li et al. 2021).

    Parameters
    ----------
    modes : int
        Modes :math:`K \ge 0` of every layer.
    width, depth : int, default 8 and 2
        Channels and number of Fourier layers, >= 1.
    activation : {"relu", "tanh", "erf", "identity"}, default "relu"
    pointwise : bool, default True
    seed : int, default 0
    device : str or torch.device, default "cpu"
    dtype : torch.dtype or str, default "float32"

    Notes
    -----
    ``forward`` maps samples of shape ``(B, N)`` to a tensor of shape ``(B, N)``.

    Examples
    --------
    >>> import numpy as np
    >>> FNO1d(4, width=3)(np.ones((2, 16))).shape
    torch.Size([2, 16])
    """

    def __init__(
        self,
        modes: int,
        width: int = 8,
        depth: int = 2,
        *,
        activation: str = "relu",
        pointwise: bool = True,
        seed: int = 0,
        device: Any = "cpu",
        dtype: Any = NETWORK_DTYPE,
    ):
        super().__init__()
        c = check_int(width, "width", minimum=1)
        depth = check_int(depth, "depth", minimum=1)
        seed = check_int(seed, "seed", minimum=0)
        act = check_choice(activation, "activation", _ACTS)
        kw = dict(pointwise=pointwise, device=device, dtype=dtype)
        self.layers = torch.nn.ModuleList(
            FourierLayer(c, modes, activation=act if i < depth - 1 else "identity", seed=seed + i + 1, **kw)
            for i in range(depth)
        )
        gen = torch_generator(seed)
        device, dtype = check_device(device), check_float_dtype(dtype)
        self.lift = torch.nn.Parameter(seeded_normal(gen, (c, 1), 1.0, dtype=dtype, device=device))
        self.proj = torch.nn.Parameter(seeded_normal(gen, (1, c), 1 / math.sqrt(c), dtype=dtype, device=device))
        self.modes = self.layers[0].modes

    def forward(self, f: Any) -> torch.Tensor:
        """The operator's output, shape ``(B, N)``, for input samples ``f`` of shape ``(B, N)``."""
        dtype, device = module_dtype_device(self)
        f = network_input(f, "f", dtype=dtype, device=device, ndim=2)
        v = self.lift[None, :, :] * f[:, None, :]
        for layer in self.layers:
            v = layer(v)
        return torch.einsum("oc,bcn->bon", self.proj, v)[:, 0]


def _spectrum(alpha: float, n_modes: int) -> tuple[np.ndarray, np.ndarray]:
    """Energies 2 k^(-2 alpha) of f and 2 k^(-2 alpha) / (1 + 4 pi^2 k^2)^2 of u per frequency |k|, k = 1..n."""
    k = np.arange(1, n_modes + 1, dtype=np.float64)
    ef = 2 * k ** (-2 * alpha)
    return ef, ef / (1 + 4 * _PI**2 * k**2) ** 2


def periodic_poisson_field(
    n_samples: int, resolution: int, *, alpha: float = 0.5, n_modes: int = 24, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    r"""Samples of a Gaussian field :math:`f` on the torus and of the solution :math:`u` of :math:`-u''+u = f`.

    :math:`f = \sum_{k=1}^nk^{-\alpha}\sqrt2(\xi_k\cos 2\pi kx + \eta_k\sin 2\pi kx)`,
    :math:`\xi_k,\eta_k` i.i.d. :math:`N(0,1)`, and
    :math:`u = \sum_k\frac{k^{-\alpha}}{1+4\pi^2k^2}\sqrt2(\xi_k\cos 2\pi kx + \eta_k\sin 2\pi kx)`,
    at :math:`x_j = j/N` (chapter *Learning operators and variational solvers*).

    Parameters
    ----------
    n_samples : int
        Number of draws, >= 1.
    resolution : int
        Grid size :math:`N > 2n`.
    alpha : float, default 0.5
        Decay exponent, >= 0.
    n_modes : int, default 24
        Number :math:`n \ge 1` of frequencies.
    seed : int, default 0

    Returns
    -------
    f, u : numpy.ndarray
        Shape ``(n_samples, resolution)``.

    Examples
    --------
    >>> f, u = periodic_poisson_field(2, 16, n_modes=4)
    >>> f.shape, bool(abs(f.mean()) < 1e-12)
    ((2, 16), True)
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    n = check_int(n_modes, "n_modes", minimum=1)
    N = check_int(resolution, "resolution", minimum=2 * n + 1)
    alpha = check_real(alpha, "alpha", minimum=0.0)
    z = rng(check_int(seed, "seed", minimum=0)).standard_normal((n_samples, n, 2))
    k = np.arange(1, n + 1)
    coef = k ** (-alpha) * (z[..., 0] - 1j * z[..., 1]) / math.sqrt(2)  # the coefficient of e^(2 pi i k x)
    full = np.zeros((n_samples, N // 2 + 1), dtype=np.complex128)
    full[:, 1 : n + 1] = coef * N
    f = np.fft.irfft(full, n=N, axis=1)
    full[:, 1 : n + 1] /= 1 + 4 * _PI**2 * k**2
    return f, np.fft.irfft(full, n=N, axis=1)


def spectral_tail_bound(modes: int, *, alpha: float = 0.5, n_modes: int = 24, of: str = "u") -> float:
    r"""The bound :math:`(\sum_{|k|>K}\E|\hat u_k|^2)^{1/2}` for an operator with outputs of degree :math:`\le K`.

    For the fields of :func:`periodic_poisson_field`,
    :math:`\sum_{|k|>K}\E|\hat u_k|^2 = \sum_{k=K+1}^n\frac{2k^{-2\alpha}}{(1+4\pi^2k^2)^2}` (``of="u"``);
    ``of="f"`` gives the tail :math:`\sum_{k>K}2k^{-2\alpha}` of the input (chapter *Learning
    operators and variational solvers*, theorem ``pde-fno_discretization``).

    Parameters
    ----------
    modes : int
        :math:`K \ge 0`.
    alpha : float, default 0.5
    n_modes : int, default 24
    of : {"u", "f"}, default "u"

    Returns
    -------
    float

    Examples
    --------
    >>> spectral_tail_bound(24), round(spectral_tail_bound(0, n_modes=1, alpha=0, of="f") ** 2, 12)
    (0.0, 2.0)
    """
    K = check_int(modes, "modes", minimum=0)
    ef, eu = _spectrum(check_real(alpha, "alpha", minimum=0.0), check_int(n_modes, "n_modes", minimum=1))
    e = eu if check_choice(of, "of", ("u", "f")) == "u" else ef
    return float(math.sqrt(float(np.sum(e[K:]))))


@demo_result
class FNOResult(DemoResult):
    r"""Result of :func:`fno_demo`; per-:math:`K` arrays have length ``len(modes)``.

    Attributes
    ----------
    modes : numpy.ndarray
        Mode counts :math:`K` of the trained linear FNOs.
    resolution : int
        :math:`N` (the layers are also evaluated at :math:`2N`).
    x, one_layer_gap, two_layer_gap : numpy.ndarray
        Shared grid points and the largest difference over channels between the resolutions
        :math:`N` and :math:`2N` there, for one and two random ReLU Fourier layers.
    one_layer_diff, two_layer_diff : float
        The largest of these differences.
    trained_err, trained_se : numpy.ndarray
        Test RMS error of the trained FNOs and its standard error.
    bound, bound_wrong, bound_input : numpy.ndarray
        :math:`(\sum_{|k|>K}\E|\hat u_k|^2)^{1/2}`, the same from :math:`|k|\ge K`, and the tail of :math:`f`.
    tightness : numpy.ndarray
        ``bound / trained_err``.
    min_ratio, min_ratio_wrong : float
        Smallest ``trained_err / bound`` and ``trained_err / bound_wrong`` over :math:`K`.
    ratio_tol : float
        Three times the largest relative standard error of ``trained_err``.
    n_train, n_test : int
    """

    modes: np.ndarray
    resolution: int
    x: np.ndarray
    one_layer_gap: np.ndarray
    two_layer_gap: np.ndarray
    one_layer_diff: float
    two_layer_diff: float
    trained_err: np.ndarray
    trained_se: np.ndarray
    bound: np.ndarray
    bound_wrong: np.ndarray
    bound_input: np.ndarray
    tightness: np.ndarray
    min_ratio: float
    min_ratio_wrong: float
    ratio_tol: float
    n_train: int
    n_test: int

    def plot(self, ax=None):
        ax1, ax2 = _two_axes(ax, 3.2)
        tiny = 1e-18
        ax1.semilogy(self.x, np.maximum(self.one_layer_gap, tiny), ".", color=COLORS[0], label="one layer")
        ax1.semilogy(self.x, np.maximum(self.two_layer_gap, tiny), ".", color=COLORS[1], label="two layers")
        ax1.set_xlabel("$x$ (points shared by $N$ and $2N$)")
        ax1.set_ylabel("difference between the resolutions")
        ax1.legend(fontsize=8)
        K = self.modes
        ax2.errorbar(K, self.trained_err, yerr=2 * self.trained_se, fmt="o", color=COLORS[0], label="trained FNO")
        ax2.loglog(K, self.bound, "k-", label=r"tail $(\sum_{|k|>K}\mathbb{E}|\hat u_k|^2)^{1/2}$")
        ax2.loglog(K, self.bound_wrong, ":", color="0.5", label=r"tail from $|k|\geq K$ (wrong)")
        ax2.set_xlabel("modes $K$")
        ax2.set_ylabel(r"$L^2(\mu)$ error")
        ax2.legend(fontsize=8)
        return ax1.figure


def _band_limited(gen: np.random.Generator, c: int, degree: int, n: int) -> np.ndarray:
    """A random real trigonometric polynomial of the given degree in c channels, sampled at n points."""
    x = np.arange(n) / n
    k = np.arange(1, degree + 1)
    a, b = gen.standard_normal((2, c, degree)) / k
    return gen.standard_normal((c, 1)) + a @ np.cos(2 * _PI * k[:, None] * x) + b @ np.sin(2 * _PI * k[:, None] * x)


@small_network_threads
def fno_demo(
    *,
    modes: Sequence[int] = (1, 2, 4, 8, 16),
    resolution: int = 64,
    alpha: float = 0.5,
    n_modes: int = 24,
    width: int = 4,
    n_train: int = 200,
    n_test: int = 500,
    adam_steps: int = 100,
    lbfgs_steps: int = 200,
    seed: int = 0,
    device: Any = "cpu",
) -> FNOResult:
    r"""A Fourier layer across resolutions, and trained linear FNOs against the mode-truncation bound.

    (i) A random ReLU :class:`FourierLayer` (4 channels, :math:`K = \max` ``modes``) on a random
    band-limited input of degree 12 is evaluated at :math:`N` and :math:`2N`; the outputs are
    compared at the shared points; then the same with a second random layer applied. (ii) For each
    :math:`K` an :class:`FNO1d` (``activation="identity"``, ``pointwise=False``, 2 layers, float64)
    is trained (Adam, then L-BFGS) on ``n_train`` pairs :math:`(f, u)` of
    :func:`periodic_poisson_field` at resolution :math:`N` and its test RMS error (discrete
    :math:`L^2` norm, exact for trigonometric polynomials of degree :math:`<N/2`) is compared with
    :func:`spectral_tail_bound`.

    Parameters
    ----------
    modes : sequence of int, default (1, 2, 4, 8, 16)
        Distinct :math:`K \ge 1`, each :math:`< n_{\rm modes}` and with :math:`2K < N`.
    resolution : int, default 64
        :math:`N`, larger than ``2 * n_modes`` and than 24.
    alpha : float, default 0.5
        Decay exponent of the input field, >= 0.
    n_modes : int, default 24
        Frequencies of the input field, >= 2.
    width : int, default 4
        Channels of the trained FNOs, >= 1.
    n_train, n_test : int, default 200 and 500
        Training and test pairs, >= 10.
    adam_steps, lbfgs_steps : int, default 100 and 200
        Optimiser steps, >= 0.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    FNOResult

    References
    ----------
    Book: chapter *Learning operators and variational solvers*, theorem ``pde-fno_discretization``.
    Li et al. (2021); Kovachki, Lanthaler, Mishra (2021).
    """
    n_modes = check_int(n_modes, "n_modes", minimum=2)
    N = check_int(resolution, "resolution", minimum=max(2 * n_modes + 1, 25))
    Ks = np.array(sorted(check_int_sequence(modes, "modes", minimum=1, maximum=n_modes - 1, distinct=True)))
    if 2 * Ks.max() >= N:
        raise ValueError(f"modes must satisfy 2 K < resolution = {N}, got {Ks.max()}")
    alpha = check_real(alpha, "alpha", minimum=0.0)
    width = check_int(width, "width", minimum=1)
    n_train = check_int(n_train, "n_train", minimum=10)
    n_test = check_int(n_test, "n_test", minimum=10)
    adam_steps = check_int(adam_steps, "adam_steps", minimum=0)
    lbfgs_steps = check_int(lbfgs_steps, "lbfgs_steps", minimum=0)
    seed = check_int(seed, "seed", minimum=0)
    device = check_device(device)
    dt = torch.float64
    # (i) one and two Fourier layers at resolutions N and 2N
    c, K = 4, int(Ks.max())
    v = [torch.as_tensor(_band_limited(rng(seed), c, 12, n)[None], dtype=dt, device=device) for n in (N, 2 * N)]
    l1 = FourierLayer(c, K, activation="relu", seed=seed, device=device, dtype=dt)
    l2 = FourierLayer(c, K, activation="relu", seed=seed + 1, device=device, dtype=dt)
    with torch.no_grad():
        a1, b1 = (l1(t)[0].cpu().numpy() for t in v)
        a2, b2 = (l2(l1(t))[0].cpu().numpy() for t in v)
    gap1 = np.max(np.abs(a1 - b1[:, ::2]), axis=0)
    gap2 = np.max(np.abs(a2 - b2[:, ::2]), axis=0)
    # (ii) trained linear FNOs against the tail
    f_tr, u_tr = periodic_poisson_field(n_train, N, alpha=alpha, n_modes=n_modes, seed=seed + 1)
    f_te, u_te = periodic_poisson_field(n_test, N, alpha=alpha, n_modes=n_modes, seed=seed + 2)
    scale = float(np.sqrt(np.mean(u_tr**2)))
    ftr = torch.as_tensor(f_tr, dtype=dt, device=device)
    utr = torch.as_tensor(u_tr / scale, dtype=dt, device=device)
    err, se = np.zeros(Ks.size), np.zeros(Ks.size)
    for j, k in enumerate(Ks.tolist()):
        net = FNO1d(k, width, 2, activation="identity", pointwise=False, seed=seed + 7 * j, device=device, dtype=dt)
        _train(net, lambda net=net: ((net(ftr) - utr) ** 2).mean(), adam_steps, lbfgs_steps, 1e-2)
        with torch.no_grad():
            pred = net(torch.as_tensor(f_te, dtype=dt, device=device)).cpu().numpy() * scale
        sq = np.mean((u_te - pred) ** 2, axis=1)
        err[j] = math.sqrt(sq.mean())
        se[j] = sq.std(ddof=1) / math.sqrt(n_test) / (2 * err[j])
    tail = lambda K, of="u": spectral_tail_bound(K, alpha=alpha, n_modes=n_modes, of=of)  # noqa: E731
    bound = np.array([tail(k) for k in Ks.tolist()])
    wrong = np.array([tail(k - 1) for k in Ks.tolist()])
    return FNOResult(
        modes=Ks,
        resolution=N,
        x=np.arange(N) / N,
        one_layer_gap=gap1,
        two_layer_gap=gap2,
        one_layer_diff=float(gap1.max()),
        two_layer_diff=float(gap2.max()),
        trained_err=err,
        trained_se=se,
        bound=bound,
        bound_wrong=wrong,
        bound_input=np.array([tail(k, "f") for k in Ks.tolist()]),
        tightness=bound / err,
        min_ratio=float(np.min(err / bound)),
        min_ratio_wrong=float(np.min(err / wrong)),
        ratio_tol=float(3 * np.max(se / err)),
        n_train=n_train,
        n_test=n_test,
    )


_HYP_LAYER = (
    "one Fourier layer, K = 16 modes, 2K < N = 64; input a real trigonometric polynomial of degree 12 < N/2; "
    "pointwise W, b and ReLU; float64"
)
_HYP_MODES = (
    "f Gaussian on the torus (frequencies 1..24, k^(-1/2) decay), u solves -u'' + u = f; FNO1d with identity "
    "activation and no pointwise term, so every output is a trigonometric polynomial of degree <= K"
)
declare_check(
    "pde.fno_discretization",
    label="layer",
    quantity="largest difference at the shared grid points between one Fourier layer at N = 64 and at 2N",
    claim="identity",
    relation="approx",
    measure="one_layer_diff",
    predict=0.0,
    tolerance=1e-12,
    reason="float64 rounding of two FFTs of length <= 128 on values of order 1",
    hypotheses=_HYP_LAYER,
    wrong="two layers are discretisation invariant too (the ReLU output is not band-limited: it aliases)",
    wrong_measure="two_layer_diff",
    demo=fno_demo,
)
declare_check(
    "pde.fno_discretization",
    label="modes",
    quantity="smallest ratio over K of the trained FNO's L2(mu) test error to (sum_{|k|>K} E|u_k|^2)^(1/2)",
    claim="lower bound",
    relation=">=",
    measure="min_ratio",
    predict=1.0,
    tolerance="ratio_tol",
    reason="3 Monte Carlo standard errors (relative) of the test error over the independent test functions",
    hypotheses=_HYP_MODES,
    wrong="the tail from |k| >= K (off by one)",
    wrong_measure="min_ratio_wrong",
    min_tightness=0.9,
    demo=fno_demo,
)
