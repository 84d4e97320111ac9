r"""Computed tomography: filtered back-projection, phantoms, PSNR and the sparse-view CT demo.

The forward operator is :class:`~dlmath.inverse.RadonMatrix`; :func:`fbp` inverts it with the
Ram-Lak filter, :func:`random_ellipses` and :func:`shepp_logan` make phantoms and :func:`psnr`
scores reconstructions. :func:`ct_demo` puts FBP, Tikhonov, TV
(:func:`~dlmath.inverse.tv_reconstruct`) and learned gradient descent
(:class:`~dlmath.inverse.LGD`) side by side.

References
----------
Natterer (1986); Kak and Slaney (1988); Adler and Oktem (2017); Mukherjee et al. (2023).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..results import DemoResult, demo_result
from ..utils import as_array, check_device, check_int, check_real, like_input, progress_bar, rng
from ._common import _image_row
from .learned import LGD
from .operators import RadonMatrix, _radon_and_sinogram, adjointness_error, power_method
from .prox import tv_reconstruct

__all__ = ["fbp", "shepp_logan", "random_ellipses", "psnr", "CTResult", "ct_demo"]


def fbp(radon: RadonMatrix, sinogram: Any) -> Any:
    r"""Filtered back-projection :math:`\frac{\pi}{n_\vartheta} A^*(h * p)` with the Ram-Lak filter.

    The ramp filter :math:`|\sigma|` band-limited to the detector spacing 1 has the kernel
    :math:`h_0 = 1/4`, :math:`h_k = -1/(\pi k)^2` (k odd), 0 (k even, :math:`k\ne0`); each
    projection is convolved with it and the result back-projected.

    Parameters
    ----------
    radon : RadonMatrix
    sinogram : array_like or torch.Tensor, shape (n_angles, n_s)

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (n, n)
        NumPy for a NumPy sinogram; a tensor of its dtype on its device for a tensor (computed in
        float64).

    Examples
    --------
    >>> import numpy as np
    >>> A = RadonMatrix(16, 32)
    >>> disc = (np.add.outer(np.arange(16) - 7.5, np.zeros(16)) ** 2
    ...         + np.add.outer(np.zeros(16), np.arange(16) - 7.5) ** 2 <= 25).astype(float)
    >>> bool(np.mean(np.abs(fbp(A, A(disc)) - disc)) < 0.1)
    True

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Natterer (1986), Sec. V.1;
    Kak and Slaney (1988), Ch. 3.
    """
    p = _radon_and_sinogram(radon, sinogram)
    ns = radon.n_det
    k = np.arange(-(ns - 1), ns)
    h = np.zeros(k.shape)
    h[k == 0] = 0.25
    odd = (k % 2) == 1
    h[odd] = -1.0 / (math.pi * k[odd]) ** 2
    q = np.array([np.convolve(row, h)[ns - 1 : 2 * ns - 1] for row in p])
    return like_input(math.pi / radon.n_angles * radon.adjoint(q), sinogram)


def shepp_logan(n: int) -> np.ndarray:
    r"""The Shepp-Logan phantom resized to :math:`n\times n` (anti-aliased), values clipped to [0, 1].

    Parameters
    ----------
    n : int
        Image side, >= 2.

    Returns
    -------
    numpy.ndarray, shape (n, n)

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Shepp and Logan (1974); the phantom of
    :func:`skimage.data.shepp_logan_phantom`.
    """
    from skimage.data import shepp_logan_phantom
    from skimage.transform import resize

    n = check_int(n, "n", minimum=2)
    return np.clip(resize(shepp_logan_phantom(), (n, n), anti_aliasing=True), 0, 1)


def random_ellipses(n: int, n_images: int, *, seed: int = 0) -> np.ndarray:
    r"""Random phantoms: sums of 3 to 8 ellipses with random centres, axes, angles and intensities.

    Parameters
    ----------
    n : int
        Image side.
    n_images : int
    seed : int, default 0

    Returns
    -------
    numpy.ndarray, shape (n_images, n, n), values in [0, 1]

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Adler and Oktem (2017), Sec. 4.
    """
    n = check_int(n, "n", minimum=2)
    n_images = check_int(n_images, "n_images", minimum=1)
    g = rng(seed)
    c = np.linspace(-1, 1, n)
    X, Y = np.meshgrid(c, -c)
    out = np.zeros((n_images, n, n))
    for i in range(n_images):
        img = np.zeros((n, n))
        for _ in range(g.integers(3, 9)):
            x0, y0 = g.uniform(-0.5, 0.5, 2)
            a, b = g.uniform(0.1, 0.6, 2)
            phi = g.uniform(0, math.pi)
            u = (X - x0) * math.cos(phi) + (Y - y0) * math.sin(phi)
            v = -(X - x0) * math.sin(phi) + (Y - y0) * math.cos(phi)
            img += g.uniform(-0.4, 0.6) * ((u / a) ** 2 + (v / b) ** 2 <= 1)
        img *= (X**2 / 0.85**2 + Y**2 / 0.95**2) <= 1
        out[i] = np.clip(img, 0, 1)
    return out


def psnr(x: Any, ref: Any) -> float:
    r"""Peak signal-to-noise ratio :math:`10\log_{10}(\max|{\rm ref}|^2 / \mathrm{MSE})` in dB.

    Parameters
    ----------
    x, ref : array_like or torch.Tensor
        Same shape.

    Returns
    -------
    float

    Examples
    --------
    >>> psnr([0.0, 0.9], [0.0, 1.0])  # MSE 0.005
    23.010299956639813

    References
    ----------
    Book: chapter *Deep learning for inverse problems*.
    """
    x = as_array(x, "x")
    ref = as_array(ref, "ref")
    if x.shape != ref.shape:
        raise ValueError(f"x must have the shape of ref {ref.shape}, got {x.shape}")
    mse = float(np.mean((x - ref) ** 2))
    return float(10 * np.log10(np.max(np.abs(ref)) ** 2 / mse)) if mse > 0 else math.inf


# demos


@demo_result
class CTResult(DemoResult):
    """Result of :func:`ct_demo`.

    Attributes
    ----------
    phantom, sinogram, recon_fbp, recon_tikh, recon_tv, recon_lgd : numpy.ndarray
        Ground truth, noisy data and the four reconstructions (n x n images).
    psnr_fbp, psnr_tikh, psnr_tv, psnr_lgd : float
        Their PSNRs in dB.
    adjoint_err : float
        Relative adjointness defect of the Radon matrix.
    op_norm : float
        :math:`\\|A\\|` by the power method.
    op_norm_svd : float
        :math:`\\|A\\|` by a sparse SVD (independent check).
    """

    phantom: np.ndarray
    sinogram: np.ndarray
    recon_fbp: np.ndarray
    recon_tikh: np.ndarray
    recon_tv: np.ndarray
    recon_lgd: np.ndarray
    psnr_fbp: float
    psnr_tikh: float
    psnr_tv: float
    psnr_lgd: float
    adjoint_err: float
    op_norm: float
    op_norm_svd: float

    def plot(self, ax=None):
        imgs = [
            (self.phantom, "phantom"),
            (self.recon_fbp, f"FBP {self.psnr_fbp:.1f} dB"),
            (self.recon_tikh, f"Tikhonov {self.psnr_tikh:.1f} dB"),
            (self.recon_tv, f"TV {self.psnr_tv:.1f} dB"),
            (self.recon_lgd, f"learned GD {self.psnr_lgd:.1f} dB"),
        ]
        return _image_row(ax, imgs, width=9.0, height=2.2)


def ct_demo(
    *,
    n: int = 64,
    n_angles: int = 30,
    noise: float = 0.01,
    n_train: int = 64,
    K: int = 3,
    width: int = 12,
    steps: int = 150,
    lr: float = 3e-3,
    seed: int = 0,
    progress: bool = False,
    device: Any = "cpu",
) -> CTResult:
    r"""Sparse-view CT of the Shepp-Logan phantom: FBP, Tikhonov, TV and learned gradient descent.

    Data :math:`y = Ax + \text{noise}` with :class:`RadonMatrix` (``n_angles`` angles) and
    Gaussian noise of standard deviation ``noise`` times :math:`\max|Ax|`. Tikhonov (conjugate
    gradients) and TV (:func:`tv_reconstruct`) use the best parameter of a small grid measured
    against the phantom itself (an oracle choice that favours them). The learned scheme has ``K``
    unrolled steps :math:`x \leftarrow x - s_k\nabla f(x) + \mathrm{CNN}_k(x, s_k\nabla f(x))`,
    started at FBP and trained with Adam on ``n_train`` random-ellipse phantoms (:func:`random_ellipses`),
    never on the Shepp-Logan phantom.

    Parameters
    ----------
    n : int, default 64
    n_angles : int, default 30
    noise : float, default 0.01
    n_train : int, default 64
    K : int, default 3
        Unrolled steps of the learned scheme.
    width : int, default 12
        Channels of the hidden convolutional layers.
    steps : int, default 150
        Adam steps (batch 8).
    lr : float, default 3e-3
        Adam learning rate.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    progress : bool, default False
        A progress bar (tqdm) over the training steps of learned gradient descent; silent by default.

    Returns
    -------
    CTResult

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Adler and Oktem (2017);
    Mukherjee et al. (2023).
    """
    import scipy.sparse.linalg as spla

    n = check_int(n, "n", minimum=8)
    n_angles = check_int(n_angles, "n_angles", minimum=1)
    noise = check_real(noise, "noise", minimum=0.0)
    n_train = check_int(n_train, "n_train", minimum=1)
    K = check_int(K, "K", minimum=1)
    width = check_int(width, "width", minimum=1)
    steps = check_int(steps, "steps", minimum=0)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    dev = check_device(device)
    g = rng(seed)
    A = RadonMatrix(n, n_angles)
    x_true = shepp_logan(n)
    y_clean = A(x_true)
    sd = noise * np.max(np.abs(y_clean))
    y = y_clean + sd * g.standard_normal(y_clean.shape)
    adj_err = adjointness_error(A, A.adjoint, (n, n), y.shape, seed=seed)
    nrm = power_method(A, A.adjoint, (n, n), n_iter=100, seed=seed)
    nrm_svd = float(spla.svds(A.matrix, k=1, return_singular_vectors=False, random_state=seed)[0])

    x_fbp = fbp(A, y)
    M = A.matrix
    Aty = M.T @ y.ravel()
    best_t = (-np.inf, None)
    for alpha in nrm**2 * np.array([3e-3, 1e-2, 3e-2]):
        op = spla.LinearOperator((n * n, n * n), matvec=lambda v, a=alpha: M.T @ (M @ v) + a * v)
        xt, _ = spla.cg(op, Aty, maxiter=150)
        p = psnr(xt.reshape(n, n), x_true)
        if p > best_t[0]:
            best_t = (p, xt.reshape(n, n))
    best_v = (-np.inf, None)
    for lam in sd * np.array([3.0, 10.0, 30.0]):
        xv = tv_reconstruct(A, y, float(lam), n_iter=300)
        p = psnr(xv, x_true)
        if p > best_v[0]:
            best_v = (p, xv)

    # learned gradient descent, trained on random ellipses
    dtype = torch.float32
    model = LGD(A, K, width, seed=seed, dtype=dtype, device=dev)
    Xtr = random_ellipses(n, n_train, seed=seed + 1)
    Ytr = np.array([A(x) for x in Xtr])
    Ytr += noise * np.max(np.abs(Ytr.reshape(n_train, -1)), axis=1)[:, None, None] * g.standard_normal(Ytr.shape)
    F0 = np.array([fbp(A, yy) for yy in Ytr])
    tX = torch.as_tensor(Xtr[:, None], dtype=dtype, device=dev)
    tY = torch.as_tensor(Ytr.reshape(n_train, -1), dtype=dtype, device=dev)
    tF = torch.as_tensor(F0[:, None], dtype=dtype, device=dev)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in progress_bar(range(steps), progress, desc="learned gradient descent"):
        idx = torch.as_tensor(g.choice(n_train, min(8, n_train), replace=False), device=dev)
        out = model(tY[idx], tF[idx])
        loss = torch.mean((out - tX[idx]) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        x_lgd = model(
            torch.as_tensor(y.ravel()[None], dtype=dtype, device=dev),
            torch.as_tensor(x_fbp[None, None], dtype=dtype, device=dev),
        )
    x_lgd = x_lgd.cpu().numpy()[0, 0].astype(np.float64)
    return CTResult(
        phantom=x_true,
        sinogram=y,
        recon_fbp=x_fbp,
        recon_tikh=best_t[1],
        recon_tv=best_v[1],
        recon_lgd=x_lgd,
        psnr_fbp=psnr(x_fbp, x_true),
        psnr_tikh=best_t[0],
        psnr_tv=best_v[0],
        psnr_lgd=psnr(x_lgd, x_true),
        adjoint_err=adj_err,
        op_norm=nrm,
        op_norm_svd=nrm_svd,
    )
