"""Real data (scikit-learn's digits): scattering and p4-CNNs against a plain CNN."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch
from torch import nn
from torch.nn import functional as TF

from ..nets import count_parameters, he_init_, module_dtype_device, network_input
from ..plotting import COLORS, axes, figure_grid
from ..results import DemoResult, demo_result
from ..utils import (
    check_choice,
    check_device,
    check_float_dtype,
    check_int,
    check_int_sequence,
    rng,
    torch_generator,
)
from .equivariance import P4CNN
from .scattering import Scattering2D


def _load_digits_split(seed: int, n_train: int = 1200):
    from sklearn.datasets import load_digits

    data = load_digits()
    X = (data.images / 16.0).astype(np.float64)
    y = data.target.astype(np.int64)
    perm = rng(seed).permutation(len(y))
    tr, te = perm[:n_train], perm[n_train:]
    return X[tr], y[tr], X[te], y[te]


def _train_classifier(
    model: nn.Module,
    X: torch.Tensor,
    y: torch.Tensor,
    *,
    epochs: int,
    lr: float,
    gen: torch.Generator,
    batch_size: int = 64,
) -> None:
    # The models are tiny (8x8 images, a few channels): intra-op threads cost more in
    # synchronisation than they gain, badly so on a busy machine, so train on one CPU thread.
    threads = torch.get_num_threads()
    if X.device.type == "cpu":
        torch.set_num_threads(1)
    try:
        opt = torch.optim.Adam(model.parameters(), lr=lr)
        n = X.shape[0]
        for _ in range(epochs):
            perm = torch.randperm(n, generator=gen).to(X.device)
            for i in range(0, n, batch_size):
                idx = perm[i : i + batch_size]
                opt.zero_grad()
                loss = TF.cross_entropy(model(X[idx]), y[idx])
                loss.backward()
                opt.step()
    finally:
        torch.set_num_threads(threads)


def _accuracy(model: nn.Module, X: torch.Tensor, y: torch.Tensor) -> float:
    with torch.no_grad():
        return float((model(X).argmax(-1) == y).double().mean())


class PlainCNN(nn.Module):
    r"""A small CNN for images: convolutions + ReLU, then global average pooling and a linear layer.

    Parameters
    ----------
    in_channels : int, default 1
    channels : sequence of int, default (16, 16)
        Channels of the convolutional layers.
    n_classes : int, default 10
    kernel_size : int, default 3
        Odd filter size; zero padding keeps the image size.
    pool : {"mean", "flatten"}, default "mean"
        Global average pooling (translation invariant) or, with ``"flatten"``, 2x2 max
        pooling after each of the first ``downsample`` layers followed by flattening.
    downsample : int, default 2
        Number of 2x2 max-pooling steps (only with ``pool="flatten"``).
    image_size : int, default 8
        Side of the input images (only used with ``pool="flatten"``).
    dtype : torch.dtype, default torch.float32
    device : str or torch.device, default "cpu"
    seed : int, default 0

    Notes
    -----
    Input ``(batch, in_channels, H, W)``; output ``(batch, n_classes)`` (logits).

    References
    ----------
    Book, chapters *Convolutions and the scattering transform* and *Equivariant networks*.
    """

    def __init__(
        self,
        in_channels: int = 1,
        channels: Sequence[int] = (16, 16),
        n_classes: int = 10,
        kernel_size: int = 3,
        *,
        pool: str = "mean",
        downsample: int = 2,
        image_size: int = 8,
        dtype: torch.dtype | str = torch.float32,
        device: str | torch.device = "cpu",
        seed: int = 0,
    ):
        super().__init__()
        in_channels = check_int(in_channels, "in_channels", minimum=1)
        seed = check_int(seed, "seed")
        channels = check_int_sequence(channels, "channels", minimum=1)
        n_classes = check_int(n_classes, "n_classes", minimum=1)
        kernel_size = check_int(kernel_size, "kernel_size", minimum=1)
        if kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd, got {kernel_size}")
        self.pool = check_choice(pool, "pool", ("mean", "flatten"))
        self.downsample = check_int(downsample, "downsample", minimum=0, maximum=len(channels))
        image_size = check_int(image_size, "image_size", minimum=1)
        if pool == "flatten" and image_size % 2**self.downsample:
            raise ValueError(f"image_size must be divisible by 2**downsample, got {image_size}")
        dtype, device = check_float_dtype(dtype), check_device(device)
        cs = (in_channels,) + channels
        self.convs = nn.ModuleList(
            nn.Conv2d(a, b, kernel_size, padding=kernel_size // 2) for a, b in zip(cs[:-1], cs[1:])
        )
        self.in_channels, self.image_size = in_channels, image_size
        side = image_size // 2**self.downsample
        n_feat = channels[-1] * (side * side if pool == "flatten" else 1)
        self.head = nn.Linear(n_feat, n_classes)
        he_init_(self, torch_generator(seed))
        self.to(dtype=dtype, device=device)

    def forward(self, x: Any) -> torch.Tensor:
        dtype, device = module_dtype_device(self)
        x = network_input(x, "x", dtype=dtype, device=device, ndim=4)
        if x.shape[1] != self.in_channels or (self.pool == "flatten" and tuple(x.shape[-2:]) != (self.image_size,) * 2):
            side = self.image_size if self.pool == "flatten" else "N"
            raise ValueError(f"x must have shape (B, {self.in_channels}, {side}, {side}), got shape {tuple(x.shape)}")
        for i, conv in enumerate(self.convs):
            x = torch.relu(conv(x))
            if self.pool == "flatten" and i < self.downsample:
                x = TF.max_pool2d(x, 2)
        x = x.flatten(1) if self.pool == "flatten" else x.mean(dim=(-2, -1))
        return self.head(x)


@demo_result
class DigitsScatteringResult(DemoResult):
    """Result of :func:`digits_scattering_demo`.

    Attributes
    ----------
    scat_acc : float
        Test accuracy of scattering + logistic regression.
    cnn_acc : float
        Test accuracy of the small CNN.
    n_features : int
        Number of scattering features.
    n_params_cnn : int
        Number of parameters of the CNN.
    n_train, n_test : int
        Sizes of the training and test sets.
    example : numpy.ndarray
        A test image.
    example_coeffs : numpy.ndarray
        Its scattering coefficients.
    """

    scat_acc: float
    cnn_acc: float
    n_features: int
    n_params_cnn: int
    n_train: int
    n_test: int
    example: np.ndarray
    example_coeffs: np.ndarray

    def plot(self, ax=None):
        fig, axs = figure_grid(2, width=6.6, height=2.8) if ax is None else (None, ax)
        a1, a2 = axs[0, 0], axs[0, 1]
        a1.imshow(self.example, cmap="gray_r")
        a1.set_title("a test digit (8x8)")
        a1.axis("off")
        a2.bar(["scattering\n+ logistic", "trained CNN"], [self.scat_acc, self.cnn_acc], color=COLORS[:2])
        a2.set_ylim(0.8, 1.0)
        a2.set_ylabel("test accuracy")
        for i, v in enumerate((self.scat_acc, self.cnn_acc)):
            a2.text(i, v + 0.005, f"{v:.3f}", ha="center")
        return axs


def digits_scattering_demo(
    *, J: int = 2, n_angles: int = 4, epochs: int = 10, seed: int = 0, device: str | torch.device = "cpu"
) -> DigitsScatteringResult:
    r"""Scattering coefficients plus a linear classifier against a small trained CNN, on 8x8 digits.

    The 1797 digits of :func:`sklearn.datasets.load_digits` (bundled, no download) are split
    into 1200 training and 597 test images. The images are zero-padded to 16x16 and mapped by
    :class:`Scattering2D` (``J``, ``n_angles``, order 2, frequency-decreasing paths, sampled every
    :math:`2^{J-1}` pixels, the Nyquist step of the low-pass :math:`\phi_J`); a multinomial logistic regression is fitted on the standardised
    coefficients. The comparison is a :class:`PlainCNN` with two 3x3 layers (16 and 32
    channels), max-pooling and a linear layer, trained with Adam for ``epochs`` epochs.

    Parameters
    ----------
    J : int, default 2
        Scattering scales, 1 <= J <= 3.
    n_angles : int, default 4
        Orientations, >= 3.
    epochs : int, default 10
        Training epochs of the CNN, >= 1.
    seed : int, default 0
        Seed of the split, of the CNN's initial weights and of the mini-batches.
    device : str or torch.device, default "cpu"
        Where the networks run (results are returned on the CPU).

    Returns
    -------
    DigitsScatteringResult
        ``scat_acc``, ``cnn_acc`` (test accuracies), ``n_features``, ``n_params_cnn``,
        ``n_train``, ``n_test``, an example digit and its coefficients.

    References
    ----------
    Book, chapter *Convolutions and the scattering transform*; Bruna and Mallat (2013).
    """
    J = check_int(J, "J", minimum=1, maximum=3)
    n_angles = check_int(n_angles, "n_angles", minimum=3)
    epochs = check_int(epochs, "epochs", minimum=1)
    device = check_device(device)
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    Xtr, ytr, Xte, yte = _load_digits_split(seed)
    sc = Scattering2D(16, J, n_angles, 2, device=device)
    # phi_J^ vanishes for |w| >= 2^{1-J} pi, so sampling every 2^{J-1} pixels does not alias
    step = 2 ** (J - 1)

    def feats(X):
        padded = np.zeros((X.shape[0], 16, 16))
        padded[:, 4:12, 4:12] = X
        with torch.no_grad():
            return sc(torch.as_tensor(padded).to(device))[..., ::step, ::step].reshape(X.shape[0], -1).cpu().numpy()

    Ftr, Fte = feats(Xtr), feats(Xte)
    scaler = StandardScaler().fit(Ftr)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):  # a small problem: BLAS threads only add contention
        clf = LogisticRegression(C=0.1, max_iter=3000).fit(scaler.transform(Ftr), ytr)
    scat_acc = float(clf.score(scaler.transform(Fte), yte))

    gen = torch_generator(seed)
    cnn = PlainCNN(1, (16, 32), 10, pool="flatten", downsample=2, seed=seed, device=device)
    Xt = torch.as_tensor(Xtr[:, None], dtype=torch.float32, device=device)
    _train_classifier(cnn, Xt, torch.as_tensor(ytr, device=device), epochs=epochs, lr=3e-3, gen=gen)
    cnn_acc = _accuracy(
        cnn, torch.as_tensor(Xte[:, None], dtype=torch.float32, device=device), torch.as_tensor(yte, device=device)
    )

    return DigitsScatteringResult(
        scat_acc=scat_acc,
        cnn_acc=cnn_acc,
        n_features=int(Ftr.shape[1]),
        n_params_cnn=count_parameters(cnn),
        n_train=int(len(ytr)),
        n_test=int(len(yte)),
        example=Xte[0].copy(),
        example_coeffs=Fte[0].copy(),
    )


# ---------------------------------------------------------------------------------------------
# real data: a p4-CNN against a plain CNN on rotated digits
# ---------------------------------------------------------------------------------------------
@demo_result
class DigitsRotationResult(DemoResult):
    """Result of :func:`digits_rotation_demo`.

    Attributes
    ----------
    angles : numpy.ndarray
        The rotations of the test set, in degrees.
    acc_p4, acc_cnn : numpy.ndarray
        Test accuracies of the p4-CNN and of the plain CNN per rotation.
    n_params_p4, n_params_cnn : int
        Their numbers of parameters.
    p4_spread : float
        Largest difference of the p4-CNN's predictions between rotations (0: exactly invariant).
    """

    angles: np.ndarray
    acc_p4: np.ndarray
    acc_cnn: np.ndarray
    n_params_p4: int
    n_params_cnn: int
    p4_spread: float

    def plot(self, ax=None):
        ax = axes(ax)
        k = np.arange(len(self.angles))
        ax.bar(k - 0.2, self.acc_p4, width=0.4, label=f"p4-CNN ({self.n_params_p4} parameters)")
        ax.bar(k + 0.2, self.acc_cnn, width=0.4, label=f"plain CNN ({self.n_params_cnn} parameters)")
        ax.set_xticks(k)
        ax.set_xticklabels([f"{int(a)}°" for a in self.angles])
        ax.set_xlabel("rotation of the test digits")
        ax.set_ylabel("test accuracy")
        ax.set_ylim(0, 1.3)
        ax.set_yticks(np.linspace(0, 1, 6))
        ax.legend(loc="upper center", ncol=2)
        return ax


def digits_rotation_demo(
    *, channels: int = 8, epochs: int = 10, seed: int = 0, device: str | torch.device = "cpu"
) -> DigitsRotationResult:
    r"""A p4-CNN keeps its accuracy on rotated digits; a plain CNN of similar size does not.

    Both models are trained on upright digits (:func:`sklearn.datasets.load_digits`, 1200
    training images, Adam, ``epochs`` epochs) and tested on the 597 test digits rotated by
    0°, 90°, 180° and 270°. :class:`P4CNN` has ``(channels, channels)`` p4 channels and is exactly
    invariant to these rotations; :class:`PlainCNN` has two layers of ``3 * channels // 2``
    ordinary channels, one 2x2 max-pooling and a linear layer on the flattened maps (a similar number of
    parameters).

    Parameters
    ----------
    channels : int, default 8
    epochs : int, default 10
    seed : int, default 0
    device : str or torch.device, default "cpu"
        Where the networks run (results are returned on the CPU).

    Returns
    -------
    DigitsRotationResult
        ``angles``, ``acc_p4``, ``acc_cnn``, ``n_params_p4``, ``n_params_cnn`` and
        ``p4_spread`` (max minus min accuracy of the p4-CNN over the rotations).

    References
    ----------
    Book, chapter *Equivariant networks*; Cohen and Welling (2016).
    """
    c = check_int(channels, "channels", minimum=1)
    epochs = check_int(epochs, "epochs", minimum=1)
    device = check_device(device)

    Xtr, ytr, Xte, yte = _load_digits_split(seed)
    Xt = torch.as_tensor(Xtr[:, None], dtype=torch.float32, device=device)
    yt = torch.as_tensor(ytr, device=device)
    models = {
        "p4": P4CNN(1, (c, c), 10, seed=seed, device=device),
        "cnn": PlainCNN(1, ((3 * c) // 2,) * 2, 10, pool="flatten", downsample=1, seed=seed, device=device),
    }
    acc = {}
    for name, model in models.items():
        _train_classifier(model, Xt, yt, epochs=epochs, lr=1e-2, gen=torch_generator(seed + 7))
        Xe = torch.as_tensor(Xte[:, None], dtype=torch.float32, device=device)
        ye = torch.as_tensor(yte, device=device)
        acc[name] = np.array([_accuracy(model, torch.rot90(Xe, k, dims=(-2, -1)), ye) for k in range(4)])
    return DigitsRotationResult(
        angles=np.array([0.0, 90.0, 180.0, 270.0]),
        acc_p4=acc["p4"],
        acc_cnn=acc["cnn"],
        n_params_p4=count_parameters(models["p4"]),
        n_params_cnn=count_parameters(models["cnn"]),
        p4_spread=float(acc["p4"].max() - acc["p4"].min()),
    )
