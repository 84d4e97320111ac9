"""Circular convolution: the circulant matrix, a circular CNN and its shift equivariance."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import torch
from torch import nn

from ..nets import module_dtype_device, network_input, seeded_normal
from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    check_array,
    check_choice,
    check_device,
    check_float_dtype,
    check_int,
    check_int_sequence,
    like_input,
    rng,
    torch_generator,
)
from ._common import _rel


def circulant(w: Any) -> np.ndarray:
    r"""The circulant matrix :math:`C_w` of circular convolution with ``w``.

    :math:`(C_w x)_n = \sum_{m=0}^{N-1} w_{(n-m) \bmod N}\, x_m`, so
    :math:`(C_w)_{nm} = w_{(n-m) \bmod N}` and :math:`C_w e_0 = w`. It commutes with the cyclic
    shift :math:`(Tx)_n = x_{n-1}` and is diagonalised by the DFT:
    :math:`C_w = F^{-1}\diag(Fw)F`.

    Parameters
    ----------
    w : array_like, shape (N,)
        Filter (real or complex), N >= 1.

    Returns
    -------
    numpy.ndarray, shape (N, N)

    Examples
    --------
    >>> circulant([1.0, 2.0, 3.0])
    array([[1., 3., 2.],
           [2., 1., 3.],
           [3., 2., 1.]])

    References
    ----------
    Book, chapter *Convolutions and the scattering transform*; Gray (2006), Sec. 3.1.
    """
    w_in = w
    dtype = np.complex128 if (w.is_complex() if isinstance(w, torch.Tensor) else np.iscomplexobj(w)) else np.float64
    w = check_array(w, "w", ndim=1, dtype=dtype, min_size=1)
    N = w.size
    idx = (np.arange(N)[:, None] - np.arange(N)[None, :]) % N
    return like_input(w[idx], w_in)


class CircularCNN(nn.Module):
    r"""A 1-D convolutional network on periodic signals :math:`\Z_N \to \R^C`.

    Layers :math:`x \mapsto \phi(w * x + b)` with circular padding (so every convolution is a
    circulant), an optional stride per layer, no activation after the last layer, and
    optional global pooling (``"mean"`` or ``"max"`` over positions), which turns shift
    equivariance into shift invariance.

    Parameters
    ----------
    channels : sequence of int, default (1, 8, 8, 1)
        Channel numbers, input first (at least two entries).
    kernel_size : int, default 5
        Odd filter length.
    strides : sequence of int, optional
        One stride per layer (default all 1).
    activation : {"tanh", "relu"}, default "tanh"
    pool : {None, "mean", "max"}, default None
    dtype : torch.dtype, default torch.float32
    device : str or torch.device, default "cpu"
    seed : int, default 0

    Notes
    -----
    Input shape ``(batch, channels[0], N)``; output ``(batch, channels[-1], N')`` with
    :math:`N' = N / \prod \text{strides}`, or ``(batch, channels[-1])`` with pooling.

    References
    ----------
    Book, chapter *Convolutions and the scattering transform*; Gerken et al. (2023), Sec. 3.
    """

    def __init__(
        self,
        channels: Sequence[int] = (1, 8, 8, 1),
        kernel_size: int = 5,
        *,
        strides: Sequence[int] | None = None,
        activation: str = "tanh",
        pool: str | None = None,
        dtype: torch.dtype | str = torch.float32,
        device: str | torch.device = "cpu",
        seed: int = 0,
    ):
        super().__init__()
        channels = check_int_sequence(channels, "channels", min_len=2, minimum=1)
        kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd, got {kernel_size}")
        n_layers = len(channels) - 1
        strides = (1,) * n_layers if strides is None else check_int_sequence(strides, "strides", minimum=1)
        if len(strides) != n_layers:
            raise ValueError(f"strides must have {n_layers} entries, got {len(strides)}")
        self.activation = check_choice(activation, "activation", ("tanh", "relu"))
        if pool is not None:
            check_choice(pool, "pool", ("mean", "max"))
        self.pool = pool
        dtype = check_float_dtype(dtype)
        device = check_device(device)
        gen = torch_generator(check_int(seed, "seed"))
        self.channels, self.strides = channels, strides
        self.convs = nn.ModuleList()
        for cin, cout, s in zip(channels[:-1], channels[1:], strides):
            conv = nn.Conv1d(cin, cout, kernel_size, stride=s, padding=kernel_size // 2, padding_mode="circular")
            with torch.no_grad():
                conv.weight.copy_(seeded_normal(gen, (cout, cin, kernel_size), std=1.0 / math.sqrt(cin * kernel_size)))
                conv.bias.copy_(seeded_normal(gen, (cout,), std=0.1))
            self.convs.append(conv.to(dtype=dtype, device=device))

    def forward(self, x: Any) -> torch.Tensor:
        dtype, device = module_dtype_device(self)
        x = network_input(x, "x", dtype=dtype, device=device, ndim=3)
        if x.shape[1] != self.channels[0]:
            raise ValueError(f"x must have shape (B, {self.channels[0]}, N), got shape {tuple(x.shape)}")
        phi = torch.tanh if self.activation == "tanh" else torch.relu
        for i, conv in enumerate(self.convs):
            x = conv(x)
            if i < len(self.convs) - 1:
                x = phi(x)
        if self.pool == "mean":
            return x.mean(dim=-1)
        if self.pool == "max":
            return x.amax(dim=-1)
        return x


@demo_result
class ConvEquivarianceResult(DemoResult):
    """Result of :func:`conv_equivariance_demo`.

    Attributes
    ----------
    circulant_err : float
        Relative error between the FFT convolution and the circulant matrix product.
    eig_err : float
        Relative error between the eigenvalues of the circulant and the DFT of the filter.
    projection_err : float
        Distance of the Reynolds average of a matrix over shifts from a circulant.
    projection_orth_err : float
        Orthogonality defect of that projection.
    cnn_err : float
        Shift-equivariance error of a circular CNN.
    pooled_err : float
        Shift-invariance error of the CNN with global pooling.
    stride_odd_err : float
        Equivariance error of a stride-2 CNN for an odd shift (not small).
    stride_even_err : float
        Equivariance error of the stride-2 CNN for an even shift.
    """

    circulant_err: float
    eig_err: float
    projection_err: float
    projection_orth_err: float
    cnn_err: float
    pooled_err: float
    stride_odd_err: float
    stride_even_err: float

    def plot(self, ax=None):
        ax = axes(ax, figsize=(7.2, 3.4))
        names = [
            "FFT conv\n$= C_w x$",
            "eig $C_w$\n$=$ DFT $w$",
            "Reynolds avg\ncirculant",
            "CNN\nshift 3",
            "CNN + pool\nshift 3",
            "stride 2\nshift 4",
            "stride 2\nshift 3",
        ]
        vals = np.array(
            [
                self.circulant_err,
                self.eig_err,
                self.projection_err,
                self.cnn_err,
                self.pooled_err,
                self.stride_even_err,
                self.stride_odd_err,
            ]
        )
        floor = 1e-18
        colors = [COLORS[0]] * 3 + [COLORS[2]] * 3 + [COLORS[1]]
        ax.bar(range(len(vals)), np.maximum(vals, floor), color=colors)
        for i, v in enumerate(vals):
            if v == 0:
                ax.text(i, floor * 3, "0 (exact)", ha="center", fontsize=7.5)
        ax.set_yscale("log")
        ax.set_ylim(floor, 1e2)
        ax.set_xticks(range(len(vals)))
        ax.set_xticklabels(names, fontsize=7.5)
        ax.set_ylabel("relative error")
        eps32 = float(np.finfo(np.float32).eps)
        ax.axhline(eps32, color="0.5", lw=0.8, ls="--")
        ax.text(-0.45, eps32 * 2, "float32 machine epsilon", ha="left", fontsize=7.5, color="0.35")
        return ax


def conv_equivariance_demo(*, N: int = 64, seed: int = 0, device: str | torch.device = "cpu") -> ConvEquivarianceResult:
    r"""Convolutions are exactly the shift-equivariant linear maps.

    In float64: (a) circular convolution computed by the FFT equals :math:`C_w x`, and the
    eigenvalues of :math:`C_w` on the Fourier basis are :math:`\hat w = Fw`; (b) the Reynolds
    average :math:`\frac1N\sum_k T^k A T^{-k}` of a random :math:`A` is circulant and is the
    Frobenius-orthogonal projection (its residual is orthogonal to every circulant).
    In float32: (c) a 3-layer :class:`CircularCNN` (kernel 5, tanh) commutes with the shift by
    3, and is shift invariant after global pooling; (d) with stride 2 in the first layer it
    commutes with shifts by 4 (mapped to shifts by 2) but no output shift matches an input
    shift by 3.

    Parameters
    ----------
    N : int, default 64
        Signal length, even, >= 8.
    seed : int, default 0
    device : str or torch.device, default "cpu"
        Where the networks run (results are returned on the CPU).

    Returns
    -------
    ConvEquivarianceResult
        Relative errors ``circulant_err``, ``eig_err``, ``projection_err`` (distance of the
        average to the circulants), ``projection_orth_err`` (residual orthogonality),
        ``cnn_err``, ``pooled_err``, ``stride_even_err`` and ``stride_odd_err`` (the smallest
        relative mismatch over all output shifts).

    References
    ----------
    Book, chapter *Convolutions and the scattering transform*, theorem
    ``architectures-conv_equivariance``; Gerken et al. (2023), Sec. 3; Azulay and Weiss (2019).
    """
    N = check_int(N, "N", minimum=8)
    if N % 2:
        raise ValueError(f"N must be even, got {N}")
    device = check_device(device)
    g = rng(seed)
    w, x = g.standard_normal((2, N))
    C = circulant(w)
    conv = np.real(np.fft.ifft(np.fft.fft(w) * np.fft.fft(x)))
    circ_err = _rel(conv, C @ x)
    Fm = np.fft.fft(np.eye(N), axis=0)  # DFT matrix
    D = Fm @ C @ np.linalg.inv(Fm)
    eig_err = float(np.linalg.norm(D - np.diag(np.fft.fft(w))) / np.linalg.norm(np.fft.fft(w)))
    A = g.standard_normal((N, N))
    Tm = np.roll(np.eye(N), 1, axis=0)  # (T x)_n = x_{n-1}
    avg = np.zeros_like(A)
    Tk = np.eye(N)
    for _ in range(N):
        avg += Tk @ A @ Tk.T
        Tk = Tm @ Tk
    avg /= N
    proj_err = _rel(avg, circulant(avg[:, 0]))
    # orthogonality of the residual to every circulant C_{e_m}
    orth = max(abs(np.sum((A - avg) * circulant(np.eye(N)[m]))) for m in range(N)) / np.linalg.norm(A)

    gen = torch_generator(seed)
    xt = torch.randn(4, 1, N, generator=gen, dtype=torch.float64).float().to(device)
    net = CircularCNN((1, 8, 8, 1), 5, seed=seed, device=device)
    pooled = CircularCNN((1, 8, 8, 4), 5, pool="mean", seed=seed, device=device)
    stri = CircularCNN((1, 8, 8, 1), 5, strides=(2, 1, 1), seed=seed, device=device)
    with torch.no_grad():
        cnn_err = _rel(net(torch.roll(xt, 3, -1)), torch.roll(net(xt), 3, -1))
        pooled_err = _rel(pooled(torch.roll(xt, 3, -1)), pooled(xt))
        y = stri(xt)
        even = _rel(stri(torch.roll(xt, 4, -1)), torch.roll(y, 2, -1))
        y3 = stri(torch.roll(xt, 3, -1))
        odd = min(_rel(y3, torch.roll(y, k, -1)) for k in range(y.shape[-1]))
    return ConvEquivarianceResult(
        circulant_err=circ_err,
        eig_err=eig_err,
        projection_err=proj_err,
        projection_orth_err=float(orth),
        cnn_err=cnn_err,
        pooled_err=pooled_err,
        stride_odd_err=odd,
        stride_even_err=even,
    )


declare_check(
    "architectures.conv_equivariance",
    quantity="relative shift-equivariance error of the circular CNN (float32)",
    claim="identity",
    relation="<=",
    measure="cnn_err",
    predict=0.0,
    tolerance=1e-5,
    reason="float32 rounding (unit roundoff 6e-8) accumulated over the layers",
    hypotheses="circular convolutions with stride 1 and pointwise nonlinearities on Z/NZ",
    wrong="equivariance also for a stride-2 network under an odd shift",
    wrong_measure="stride_odd_err",
    demo=conv_equivariance_demo,
)
