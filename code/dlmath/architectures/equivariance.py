"""Group equivariance for the rotations by 90 degrees: the p4 action, lifting and group convolutions, the p4-CNN."""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as TF

from ..nets import network_input, seeded_normal
from ..plotting import figure_grid
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    as_tensor,
    check_array,
    check_choice,
    check_device,
    check_float_dtype,
    check_int,
    check_int_sequence,
    like_input,
    torch_generator,
)
from ._common import _rel


def rotate90(x: Any, k: int = 1) -> Any:
    r"""Rotate images (or p4 feature maps) by :math:`k \cdot 90°` about the centre of the grid.

    On an array of shape ``(..., N, N)`` this is ``rot90`` in the last two axes: the action
    :math:`(L_r f)(y) = f(r^{-1}y)` of the rotation :math:`r` about the grid centre, which maps
    the grid to itself (on the torus :math:`\Z_N^2` it is a rotation about the origin followed
    by a translation). Feature maps on p4 transform by :func:`p4_act`.

    Parameters
    ----------
    x : numpy.ndarray or torch.Tensor, shape (..., N, N)
    k : int, default 1

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Same type and shape.

    Examples
    --------
    >>> import numpy as np
    >>> rotate90(np.array([[1.0, 2.0], [3.0, 4.0]]))
    array([[2., 4.],
           [1., 3.]])

    References
    ----------
    Book, chapter *Equivariant networks*.
    """
    k = check_int(k, "k")
    if isinstance(x, torch.Tensor):
        if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
            raise ValueError(f"x must have shape (..., N, N), got {tuple(x.shape)}")
        return torch.rot90(x, k, dims=(-2, -1))
    x = check_array(x, "x", dtype=None)
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"x must have shape (..., N, N), got {x.shape}")
    return np.rot90(x, k, axes=(-2, -1)).copy()


def p4_act(F: Any, k: int = 1) -> Any:
    r"""The action of the rotation :math:`r^k` on p4 feature maps.

    :math:`(L_{r^k}F)(t, s) = F(r^{-k}t, s - k)`: each map is rotated by :func:`rotate90` and the
    rotation index is shifted cyclically by :math:`k`.

    Parameters
    ----------
    F : numpy.ndarray or torch.Tensor, shape (..., 4, N, N)
    k : int, default 1

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Same type and shape.

    References
    ----------
    Book, chapter *Equivariant networks*; Cohen and Welling (2016), Sec. 6.
    """
    k = check_int(k, "k")
    if not isinstance(F, torch.Tensor):
        F = check_array(F, "F", dtype=None)
    shape = tuple(F.shape)
    if shape is None or len(shape) < 3 or shape[-3] != 4 or shape[-1] != shape[-2]:
        raise ValueError(f"F must have shape (..., 4, N, N), got {shape}")
    if isinstance(F, torch.Tensor):
        return torch.roll(torch.rot90(F, k, dims=(-2, -1)), k, dims=-3)
    return np.roll(np.rot90(F, k, axes=(-2, -1)), k, axis=-3).copy()


def _pad(x: torch.Tensor, p: int, mode: str) -> torch.Tensor:
    if p == 0:
        return x
    return TF.pad(x, (p, p, p, p), mode="circular" if mode == "circular" else "constant")


def _lift_weights(w: torch.Tensor) -> torch.Tensor:
    # w (C_out, C_in, k, k) -> (C_out * 4, C_in, k, k): the four rotated copies
    W = torch.stack([torch.rot90(w, s, dims=(-2, -1)) for s in range(4)], dim=1)
    return W.reshape(-1, *w.shape[1:])


def _group_weights(w: torch.Tensor) -> torch.Tensor:
    # w (C_out, C_in, 4, k, k) -> (C_out * 4, C_in * 4, k, k):
    # Psi_s(z, s') = psi(r^{-s} z, s' - s)
    W = torch.stack([torch.rot90(torch.roll(w, s, dims=2), s, dims=(-2, -1)) for s in range(4)], dim=1)
    co, _, ci, g, k, _ = W.shape
    return W.reshape(co * 4, ci * g, k, k)


def _p4_lift_t(x: torch.Tensor, w: torch.Tensor, mode: str) -> torch.Tensor:
    B, _, N, _ = x.shape
    out = TF.conv2d(_pad(x, w.shape[-1] // 2, mode), _lift_weights(w))
    return out.reshape(B, w.shape[0], 4, N, N)


def _p4_conv_t(F: torch.Tensor, w: torch.Tensor, mode: str) -> torch.Tensor:
    B, C, G, N, _ = F.shape
    out = TF.conv2d(_pad(F.reshape(B, C * G, N, N), w.shape[-1] // 2, mode), _group_weights(w))
    return out.reshape(B, w.shape[0], 4, N, N)


def _init_p4_layer(
    layer: nn.Module,
    in_channels: Any,
    out_channels: Any,
    kernel_size: Any,
    rotations: tuple[int, ...],
    padding_mode: Any,
    dtype: Any,
    device: Any,
    seed: Any,
) -> None:
    """The checks and the He-normal initialisation shared by :class:`P4LiftingConv` and :class:`P4GroupConv`.

    The weight has shape ``(C_out, C_in, *rotations, k, k)`` (``rotations`` is ``()`` for the
    lifting layer, ``(4,)`` for the group convolution); the bias is zero.
    """
    ci = check_int(in_channels, "in_channels", minimum=1)
    co = check_int(out_channels, "out_channels", minimum=1)
    k = check_int(kernel_size, "kernel_size", minimum=1)
    if k % 2 == 0:
        raise ValueError(f"kernel_size must be odd, got {k}")
    layer.in_channels, layer.out_channels, layer.kernel_size = ci, co, k
    layer.padding_mode = check_choice(padding_mode, "padding_mode", ("zeros", "circular"))
    dtype, device = check_float_dtype(dtype), check_device(device)
    gen = torch_generator(check_int(seed, "seed"))
    fan_in = ci * math.prod(rotations) * k * k
    w = seeded_normal(gen, (co, ci, *rotations, k, k), std=math.sqrt(2.0 / fan_in))
    layer.weight = nn.Parameter(w.to(dtype=dtype, device=device))
    layer.bias = nn.Parameter(torch.zeros(co, dtype=dtype, device=device))


def _p4_input(layer: nn.Module, x: Any, name: str, ndim: int) -> torch.Tensor:
    """The input of a p4 layer: ``(B, C_in, N, N)`` (``ndim=4``) or ``(B, C_in, 4, N, N)`` (``ndim=5``)."""
    x = network_input(x, name, dtype=layer.weight.dtype, device=layer.weight.device, ndim=ndim)
    expected = (layer.in_channels,) + ((4,) if ndim == 5 else ())
    if tuple(x.shape[1 : ndim - 2]) != expected or x.shape[-1] != x.shape[-2]:
        dims = ", ".join(["B", str(layer.in_channels)] + (["4"] if ndim == 5 else []) + ["N", "N"])
        raise ValueError(f"{name} must have shape ({dims}), got shape {tuple(x.shape)}")
    return x


def _check_filter(psi: Any, name: str, ndim: int) -> torch.Tensor:
    t = as_tensor(psi, name, ndim=ndim)
    if t.shape[-1] != t.shape[-2] or t.shape[-1] % 2 == 0:
        raise ValueError(f"{name} must have odd square spatial size, got {tuple(t.shape[-2:])}")
    return t


def p4_lift(f: Any, psi: Any) -> np.ndarray:
    r"""The lifting correlation :math:`[f \star \psi](t, s) = \sum_{y}\sum_k f_k(y)\,\psi_k(r^{-s}(y - t))` on :math:`\Z_N^2`.

    For :math:`g = (t, r^s) \in p4` (translation :math:`t`, rotation by :math:`s \cdot 90°`),
    :math:`g^{-1}y = r^{-s}(y - t)`; so the output at rotation :math:`s` is the periodic
    cross-correlation of :math:`f` with the filter rotated by :math:`r^s`. It satisfies
    :math:`(L_u f) \star \psi = L_u (f \star \psi)` for all :math:`u \in p4`.

    Parameters
    ----------
    f : array_like, shape (C_in, N, N)
        Input image with ``C_in`` channels (periodic boundary).
    psi : array_like, shape (C_out, C_in, k, k)
        Filters, ``k`` odd, centred at offset 0.

    Returns
    -------
    numpy.ndarray, shape (C_out, 4, N, N)
        Float64.

    References
    ----------
    Book, chapter *Equivariant networks*; Cohen and Welling (2016), eq. (10).
    """
    ft = as_tensor(f, "f", ndim=3).to(torch.float64)
    pt = _check_filter(psi, "psi", 4).to(dtype=torch.float64, device=ft.device)
    if pt.shape[1] != ft.shape[0]:
        raise ValueError(f"psi must have {ft.shape[0]} input channels, got {pt.shape[1]}")
    if ft.shape[-1] != ft.shape[-2]:
        raise ValueError(f"f must be square, got shape {tuple(ft.shape)}")
    return like_input(_p4_lift_t(ft[None], pt, "circular")[0], f)


def p4_conv(F: Any, psi: Any) -> np.ndarray:
    r"""The group correlation :math:`[F \star \psi](t, s) = \sum_{h \in p4}\sum_k F_k(h)\,\psi_k(g^{-1}h)` on p4 feature maps.

    With :math:`g = (t, r^s)` and :math:`h = (y, r^{s'})`,
    :math:`g^{-1}h = (r^{-s}(y - t), r^{s'-s})`; so the output at rotation :math:`s` correlates
    :math:`F` with the filter rotated spatially by :math:`r^s` and shifted cyclically by
    :math:`s` in its rotation index. It commutes with the action :func:`p4_act`.

    Parameters
    ----------
    F : array_like, shape (C_in, 4, N, N)
    psi : array_like, shape (C_out, C_in, 4, k, k)

    Returns
    -------
    numpy.ndarray, shape (C_out, 4, N, N)

    References
    ----------
    Book, chapter *Equivariant networks*; Cohen and Welling (2016), eq. (11).
    """
    Ft = as_tensor(F, "F", ndim=4).to(torch.float64)
    pt = _check_filter(psi, "psi", 5).to(dtype=torch.float64, device=Ft.device)
    if Ft.shape[1] != 4:
        raise ValueError(f"F must have 4 rotation channels in axis 1, got shape {tuple(Ft.shape)}")
    if pt.shape[1] != Ft.shape[0] or pt.shape[2] != 4:
        raise ValueError(f"psi must have shape (C_out, {Ft.shape[0]}, 4, k, k), got {tuple(pt.shape)}")
    return like_input(_p4_conv_t(Ft[None], pt, "circular")[0], F)


class P4LiftingConv(nn.Module):
    r"""Lifting layer :math:`\Z^2 \to p4`: :math:`f \mapsto f \star \psi + b` (see :func:`p4_lift`).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int, default 3
        Odd.
    padding_mode : {"zeros", "circular"}, default "zeros"
    dtype, device, seed
        As everywhere in the package.

    Notes
    -----
    Input ``(B, C_in, N, N)``; output ``(B, C_out, 4, N, N)``. Equivariant to translations and
    to :func:`rotate90` (on the input) / :func:`p4_act` (on the output).

    References
    ----------
    Cohen and Welling (2016); book chapter *Equivariant networks*.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 3,
        *,
        padding_mode: str = "zeros",
        dtype: torch.dtype | str = torch.float32,
        device: str | torch.device = "cpu",
        seed: int = 0,
    ):
        super().__init__()
        _init_p4_layer(self, in_channels, out_channels, kernel_size, (), padding_mode, dtype, device, seed)

    def forward(self, x: Any) -> torch.Tensor:
        x = _p4_input(self, x, "x", 4)
        return _p4_lift_t(x, self.weight, self.padding_mode) + self.bias[:, None, None, None]


class P4GroupConv(nn.Module):
    r"""Group convolution layer :math:`p4 \to p4`: :math:`F \mapsto F \star \psi + b` (see :func:`p4_conv`).

    Parameters
    ----------
    in_channels, out_channels : int
    kernel_size : int, default 3
    padding_mode : {"zeros", "circular"}, default "zeros"
    dtype, device, seed

    Notes
    -----
    Input and output ``(B, C, 4, N, N)``; commutes with :func:`p4_act` and translations.

    References
    ----------
    Cohen and Welling (2016); book chapter *Equivariant networks*.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 3,
        *,
        padding_mode: str = "zeros",
        dtype: torch.dtype | str = torch.float32,
        device: str | torch.device = "cpu",
        seed: int = 0,
    ):
        super().__init__()
        _init_p4_layer(self, in_channels, out_channels, kernel_size, (4,), padding_mode, dtype, device, seed)

    def forward(self, x: Any) -> torch.Tensor:
        x = _p4_input(self, x, "x", 5)
        return _p4_conv_t(x, self.weight, self.padding_mode) + self.bias[:, None, None, None]


class P4CNN(nn.Module):
    r"""A p4 group-convolutional network, invariant to 90° rotations of the image about its centre.

    Lifting layer, ``len(channels) - 1`` group convolutions, ReLU after each, then a maximum
    over the rotation index, which leaves maps :math:`m` with :math:`m(L_r x) = r\cdot m(x)`.
    With ``pool="global"`` these are averaged over space; with ``pool="orbit"`` they are
    symmetrised, :math:`\frac14\sum_k r^k m`, and one quadrant is kept (the average over each
    orbit of the rotations acting on pixels). Both are exactly invariant to the rotations about the
    centre of the image; with ``padding_mode="circular"`` and ``pool="global"`` the network is
    also invariant to cyclic translations. A linear layer follows.

    Parameters
    ----------
    in_channels : int, default 1
    channels : sequence of int, default (8, 8)
    n_classes : int, default 10
    kernel_size : int, default 3
    padding_mode : {"zeros", "circular"}, default "zeros"
    pool : {"orbit", "global"}, default "orbit"
    image_size : int, default 8
        Side N of the input images (even; used with ``pool="orbit"``).
    dtype : torch.dtype, default torch.float32
    device : str or torch.device, default "cpu"
    seed : int, default 0

    Notes
    -----
    Input ``(B, in_channels, N, N)``; output ``(B, n_classes)``. :meth:`P4CNN.features` returns the
    p4 feature maps ``(B, C, 4, N, N)`` before pooling.

    References
    ----------
    Cohen and Welling (2016); book chapter *Equivariant networks*.
    """

    def __init__(
        self,
        in_channels: int = 1,
        channels: Sequence[int] = (8, 8),
        n_classes: int = 10,
        kernel_size: int = 3,
        *,
        padding_mode: str = "zeros",
        pool: str = "orbit",
        image_size: int = 8,
        dtype: torch.dtype | str = torch.float32,
        device: str | torch.device = "cpu",
        seed: int = 0,
    ):
        super().__init__()
        channels = check_int_sequence(channels, "channels", minimum=1)
        seed = check_int(seed, "seed")
        n_classes = check_int(n_classes, "n_classes", minimum=1)
        self.pool = check_choice(pool, "pool", ("orbit", "global"))
        image_size = check_int(image_size, "image_size", minimum=2)
        if pool == "orbit" and image_size % 2:
            raise ValueError(f"image_size must be even, got {image_size}")
        self.half = image_size // 2
        n_feat = channels[-1] * (self.half**2 if pool == "orbit" else 1)
        kw = dict(padding_mode=padding_mode, dtype=dtype, device=device)
        self.lift = P4LiftingConv(in_channels, channels[0], kernel_size, seed=seed, **kw)
        self.gconvs = nn.ModuleList(
            P4GroupConv(a, b, kernel_size, seed=seed + 1 + i, **kw)
            for i, (a, b) in enumerate(zip(channels[:-1], channels[1:]))
        )
        gen = torch_generator(seed + 1000)
        self.head = nn.Linear(n_feat, n_classes)
        with torch.no_grad():
            self.head.weight.copy_(seeded_normal(gen, (n_classes, n_feat), std=math.sqrt(1.0 / n_feat)))
            self.head.bias.zero_()
        self.head.to(dtype=self.lift.weight.dtype, device=self.lift.weight.device)

    def features(self, x: Any) -> torch.Tensor:
        """The p4 feature maps before pooling: ``(B, in_channels, N, N) -> (B, C, 4, N, N)``.

        Rotating the input by 90 degrees rotates every map and shifts the rotation axis
        cyclically (the equivariance of the lifting and group convolutions).
        """
        x = _p4_input(self.lift, x, "x", 4)
        if self.pool == "orbit" and x.shape[-1] != 2 * self.half:
            raise ValueError(
                f"x must have shape (B, {self.lift.in_channels}, {2 * self.half}, {2 * self.half}) "
                f"(image_size={2 * self.half}), got shape {tuple(x.shape)}"
            )
        F = torch.relu(self.lift(x))
        for g in self.gconvs:
            F = torch.relu(g(F))
        return F

    def forward(self, x: Any) -> torch.Tensor:
        m = self.features(x).amax(dim=2)
        if self.pool == "global":
            return self.head(m.mean(dim=(-2, -1)))
        sym = sum(torch.rot90(m, k, dims=(-2, -1)) for k in range(4)) / 4.0
        return self.head(sym[..., : self.half, : self.half].flatten(1))


@demo_result
class GroupConvResult(DemoResult):
    """Result of :func:`p4_equivariance_demo`.

    Attributes
    ----------
    equiv_err : float
        Relative rotation-equivariance error of a two-layer p4 network.
    transl_err : float
        Relative translation-equivariance error.
    invariance_err : float
        Relative rotation-invariance error after pooling.
    cnn_rot_err : float
        The rotation error of an ordinary CNN (not small).
    dtype : str
        The precision, ``'float32'`` or ``'float64'``.
    image : numpy.ndarray
        The test image.
    features, features_rot : numpy.ndarray
        The p4 feature maps of the image and of its rotation.
    """

    equiv_err: float
    transl_err: float
    invariance_err: float
    cnn_rot_err: float
    dtype: str
    image: np.ndarray
    features: np.ndarray
    features_rot: np.ndarray

    def plot(self, ax=None):

        fig, axs = figure_grid(5, 2, width=7.0, height=1.55) if ax is None else (None, ax)
        imgs = [self.image, np.rot90(self.image)]
        for row, (img, F) in enumerate(zip(imgs, (self.features, self.features_rot))):
            axs[row, 0].imshow(img, cmap="gray_r")
            axs[row, 0].set_title("input" if row == 0 else "rotated input", fontsize=8)
            vmax = np.abs(self.features).max()
            for s in range(4):
                axs[row, s + 1].imshow(F[s], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
                axs[row, s + 1].set_title(f"orientation $s={s}$", fontsize=8)
        for a in axs.ravel():
            a.set_xticks([])
            a.set_yticks([])
            a.grid(False)
        return axs


def _test_image(N: int, gen: torch.Generator) -> torch.Tensor:
    u = torch.arange(N, dtype=torch.float64)
    Y, X = torch.meshgrid(u, u, indexing="ij")
    img = torch.zeros(N, N, dtype=torch.float64)
    a, b = N // 4, 3 * N // 4
    img[a:b, a : a + N // 8] = 1.0  # the stem of an "F"
    img[a : a + N // 8, a:b] = 1.0  # top bar
    img[N // 2 - N // 16 : N // 2 + N // 16, a : a + N // 3] = 1.0  # middle bar
    img = img + 0.05 * torch.randn(N, N, generator=gen, dtype=torch.float64)
    return img * torch.exp(-((X - N / 2) ** 2 + (Y - N / 2) ** 2) / (N * N))


def p4_equivariance_demo(
    *, N: int = 32, dtype: torch.dtype | str = "float32", seed: int = 0, device: str | torch.device = "cpu"
) -> GroupConvResult:
    r"""Group convolutions are equivariant to rotations by 90° and translations; pooling makes them invariant.

    A lifting layer (1 -> 4 channels, 3x3 filters) and a p4 group convolution (4 -> 4), tanh
    after each, on periodic :math:`N \times N` images: the relative error
    :math:`\|\Phi(L_r f) - L_r\Phi(f)\| / \|\Phi(f)\|` (maximum over the three non-trivial
    rotations; :math:`L_r` acts on p4 features by :func:`p4_act`), the error for a translation,
    the invariance error after pooling over space and rotations, and the rotation-equivariance
    error of a plain CNN with the same (unrotated) filters.

    Parameters
    ----------
    N : int, default 32
        Image size, >= 8.
    dtype : torch.dtype or str, default "float32"
        The precision of the computation (torch.float32 and "float32" alike).
    seed : int, default 0
    device : str or torch.device, default "cpu"
        Where the networks run (results are returned on the CPU).

    Returns
    -------
    GroupConvResult
        ``equiv_err``, ``transl_err``, ``invariance_err``, ``cnn_rot_err``, ``dtype``, the
        image and the four orientation channels of the first feature map for the image and
        for its rotation.

    References
    ----------
    Book, chapter *Equivariant networks*, theorem ``architectures-group_conv_equivariance``;
    Cohen and Welling (2016), Sec. 6.
    """
    N = check_int(N, "N", minimum=8)
    dt = check_float_dtype(dtype)
    device = check_device(device)
    gen = torch_generator(seed)
    img = _test_image(N, gen)
    psi1 = seeded_normal(gen, (4, 1, 3, 3), std=1 / 3).to(dtype=dt, device=device)
    psi2 = seeded_normal(gen, (4, 4, 4, 3, 3), std=1 / 12).to(dtype=dt, device=device)

    def net(x):
        F = torch.tanh(_p4_lift_t(x, psi1, "circular"))
        return torch.tanh(_p4_conv_t(F, psi2, "circular"))

    x = img[None, None].to(dtype=dt, device=device)
    with torch.no_grad():
        Fx = net(x)
        errs = [_rel(net(torch.rot90(x, k, dims=(-2, -1))), p4_act(Fx, k)) for k in (1, 2, 3)]
        transl_err = _rel(net(torch.roll(x, (3, -5), dims=(-2, -1))), torch.roll(Fx, (3, -5), dims=(-2, -1)))
        pool = Fx.mean(dim=(2, 3, 4))
        inv = max(_rel(net(torch.rot90(x, k, dims=(-2, -1))).mean(dim=(2, 3, 4)), pool) for k in (1, 2, 3))
        cnn = torch.tanh(TF.conv2d(_pad(x, 1, "circular"), psi1))
        cnn_r = torch.tanh(TF.conv2d(_pad(torch.rot90(x, 1, dims=(-2, -1)), 1, "circular"), psi1))
        cnn_err = _rel(cnn_r, torch.rot90(cnn, 1, dims=(-2, -1)))
        Fr = net(torch.rot90(x, 1, dims=(-2, -1)))
    return GroupConvResult(
        equiv_err=float(max(errs)),
        transl_err=transl_err,
        invariance_err=inv,
        cnn_rot_err=cnn_err,
        dtype=str(dt).removeprefix("torch."),
        image=img.numpy(),
        features=Fx[0, 0].double().cpu().numpy(),
        features_rot=Fr[0, 0].double().cpu().numpy(),
    )


declare_check(
    "architectures.group_conv_equivariance",
    quantity="relative rotation-equivariance error of the p4 layers (float64)",
    claim="identity",
    relation="<=",
    measure="equiv_err",
    predict=0.0,
    tolerance=1e-12,
    reason="float64 rounding of the correlations",
    hypotheses="square images with circular padding, filters rotated by the four elements of C4, float64",
    wrong="a plain CNN (no rotated filters) is rotation equivariant",
    wrong_measure="cnn_rot_err",
    demo=p4_equivariance_demo,
)
