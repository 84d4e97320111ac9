r"""Linear forward operators: the protocol, the Radon matrix, circular convolutions, and checks.

Every forward operator :math:`A` of :mod:`dlmath.inverse` follows the :class:`LinearOperator`
protocol: ``apply(x)`` is :math:`Ax`, ``adjoint(y)`` is :math:`A^*y`, ``shape`` is the shape
of its matrix and ``input_shape``, ``output_shape`` are the shapes of :math:`x` and :math:`y`.
``apply`` and ``adjoint`` take NumPy (or a list) and return NumPy, or take a tensor and return a
tensor of its dtype on its device. :func:`power_method` and :func:`adjointness_error` check an
operator through its two maps only.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable, Protocol, runtime_checkable

import numpy as np
import torch

from ..utils import as_array, check_bool, check_device, check_float_dtype, check_int, like_input, rng
from ._common import _check_callable

__all__ = [
    "LinearOperator",
    "RadonMatrix",
    "CircularConvolution",
    "circular_conv_norm",
    "power_method",
    "adjointness_error",
]


@runtime_checkable
class LinearOperator(Protocol):
    """What a forward operator of :mod:`dlmath.inverse` provides.

    Attributes
    ----------
    shape : tuple of int
        ``(m, n)``, the shape of the operator's matrix.
    input_shape, output_shape : tuple of int
        The shapes of :math:`x` and of :math:`Ax`.
    """

    shape: tuple
    input_shape: tuple
    output_shape: tuple

    def apply(self, x: Any) -> Any:
        """:math:`Ax`."""

    def adjoint(self, y: Any) -> Any:
        """:math:`A^* y`."""


def _operand(value: Any, name: str, shape: tuple) -> np.ndarray:
    """``value`` as a float64 array of ``shape``; a flat vector of the right size is accepted too."""
    a = as_array(value, name)
    size = int(np.prod(shape))
    if a.shape != tuple(shape) and a.shape != (size,):
        raise ValueError(f"{name} must have shape {tuple(shape)} or ({size},), got shape {a.shape}")
    return a.reshape(shape)


class RadonMatrix:
    r"""A discrete parallel-beam Radon transform of :math:`n\times n` images as a sparse matrix.

    Pixel :math:`(i, j)` is the unit square centred at
    :math:`(j - (n-1)/2,\ (n-1)/2 - i)`; the image is the bilinear interpolant of its pixel values.
    Ray :math:`(\vartheta, s)` is the line :math:`\{s\omega + t\omega^\perp\}`,
    :math:`\omega = (\cos\vartheta, \sin\vartheta)`, with ``n_angles`` angles in :math:`[0,\pi)`
    and detector positions :math:`s \in \{-(n_s-1)/2, \dots, (n_s-1)/2\}`,
    :math:`n_s = \lceil\sqrt2 n\rceil + 1`; the line integral is approximated by the rectangle rule
    with step 1/2. The adjoint is the transpose, so :math:`\langle Ax, y\rangle = \langle x, A^*y\rangle`
    holds to rounding error.

    Calling the operator (or :meth:`apply`) maps an image of shape (n, n), or a vector of length
    :math:`n^2`, to its sinogram of shape (n_angles, n_s); :meth:`adjoint` maps a sinogram (or a
    vector of length n_angles * n_s) back to an (n, n) image. Both take NumPy and return NumPy, or
    take a tensor and return a tensor of its dtype on its device.

    Parameters
    ----------
    n : int, default 64
        Image side, >= 2.
    n_angles : int, default 30
        Number of projection angles, >= 1.

    Attributes
    ----------
    matrix : scipy.sparse.csr_matrix, shape (n_angles * n_s, n * n)
    shape : tuple
        ``(n_angles * n_s, n * n)``.
    input_shape, output_shape : tuple
        ``(n, n)`` and ``(n_angles, n_s)``.
    n, n_angles, n_det : int
        Image side, number of angles and of detector positions :math:`n_s`.
    angles : numpy.ndarray
        The angles :math:`\vartheta`.

    Examples
    --------
    >>> import numpy as np
    >>> A = RadonMatrix(8, 4)
    >>> A(np.ones((8, 8))).shape
    (4, 13)
    >>> A.adjoint(np.ones((4, 13))).shape
    (8, 8)

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Natterer, *The Mathematics of
    Computerized Tomography* (1986), Ch. II and V.
    """

    def __init__(self, n: int = 64, n_angles: int = 30):
        import scipy.sparse as sp

        self.n = check_int(n, "n", minimum=2)
        self.n_angles = check_int(n_angles, "n_angles", minimum=1)
        n = self.n
        self.n_det = int(math.ceil(math.sqrt(2) * n)) + 1
        self.angles = np.arange(self.n_angles) * math.pi / self.n_angles
        s = np.arange(self.n_det) - (self.n_det - 1) / 2
        dt = 0.5
        t = np.arange(-self.n_det / 2, self.n_det / 2 + dt, dt)
        th = self.angles[:, None, None]
        S, Tt = s[None, :, None], t[None, None, :]
        px = S * np.cos(th) - Tt * np.sin(th)
        py = S * np.sin(th) + Tt * np.cos(th)
        col = px + (n - 1) / 2  # continuous column index
        row = (n - 1) / 2 - py
        ray = np.broadcast_to(np.arange(self.n_angles * self.n_det).reshape(self.n_angles, self.n_det, 1), px.shape)
        c0, r0 = np.floor(col), np.floor(row)
        fc, fr = col - c0, row - r0
        rows, cols, vals = [], [], []
        for dr, dc, wgt in ((0, 0, (1 - fr) * (1 - fc)), (0, 1, (1 - fr) * fc), (1, 0, fr * (1 - fc)), (1, 1, fr * fc)):
            rr, cc = r0 + dr, c0 + dc
            ok = (rr >= 0) & (rr < n) & (cc >= 0) & (cc < n) & (wgt > 0)
            rows.append(ray[ok])
            cols.append((rr[ok] * n + cc[ok]).astype(np.int64))
            vals.append(dt * wgt[ok])
        self.matrix = sp.csr_matrix(
            (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
            shape=(self.n_angles * self.n_det, n * n),
        )
        self.matrix.sum_duplicates()
        self.shape = self.matrix.shape
        self.input_shape = (n, n)
        self.output_shape = (self.n_angles, self.n_det)

    def apply(self, x: Any) -> Any:
        """:math:`Ax` for an image of shape (n, n) or a vector of length n*n; returns the sinogram, shape (n_angles, n_s)."""
        xa = _operand(x, "x", self.input_shape)
        return like_input((self.matrix @ xa.ravel()).reshape(self.output_shape), x)

    __call__ = apply

    def adjoint(self, y: Any) -> Any:
        """:math:`A^* y` (back-projection) for a sinogram of shape (n_angles, n_s); returns an (n, n) image."""
        ya = _operand(y, "y", self.output_shape)
        return like_input((self.matrix.T @ ya.ravel()).reshape(self.input_shape), y)

    def torch_operator(
        self, dtype: Any = torch.float32, device: Any = "cpu", *, transpose: bool = False
    ) -> torch.Tensor:
        """The matrix (or its transpose) as a sparse CSR :class:`torch.Tensor` (for learned reconstructions).

        Parameters
        ----------
        dtype : torch.dtype or str, default torch.float32
        device : str or torch.device, default "cpu"
        transpose : bool, default False
        """
        dtype = check_float_dtype(dtype)
        dev = check_device(device)
        M = (self.matrix.T if check_bool(transpose, "transpose") else self.matrix).tocsr()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            return torch.sparse_csr_tensor(
                torch.as_tensor(M.indptr, dtype=torch.int64),
                torch.as_tensor(M.indices, dtype=torch.int64),
                torch.as_tensor(M.data, dtype=dtype),
                size=M.shape,
                check_invariants=True,
            ).to(dev)


def _radon_and_sinogram(radon: Any, sinogram: Any) -> np.ndarray:
    """Validate the ``(radon, sinogram)`` arguments of a CT reconstruction; the sinogram as float64."""
    if not isinstance(radon, RadonMatrix):
        raise TypeError(f"radon must be a RadonMatrix, got {type(radon).__name__}")
    p = as_array(sinogram, "sinogram", ndim=2)
    if p.shape != radon.output_shape:
        raise ValueError(f"sinogram must have shape {radon.output_shape}, got {p.shape}")
    return p


class CircularConvolution:
    r"""Circular convolution :math:`Ax = k \circledast x` of :math:`n\times n` images (a blur).

    The 2-D DFT diagonalises it: :math:`\widehat{Ax} = \hat k\,\hat x`, so :math:`A^*` multiplies
    by :math:`\overline{\hat k}`, the eigenvalues of :math:`A^*A` are :math:`|\hat k(\omega)|^2`,
    and :math:`A` is invertible iff :math:`\hat k` has no zero (:meth:`inverse`).

    Parameters
    ----------
    kernel : array_like, shape (n, n)
        The convolution kernel, index (0, 0) at the centre (circularly).

    Attributes
    ----------
    kernel : numpy.ndarray, shape (n, n)
    symbol : numpy.ndarray, shape (n, n), complex
        :math:`\hat k`, the eigenvalues of :math:`A`.
    shape : tuple
        ``(n * n, n * n)``.
    input_shape, output_shape : tuple
        ``(n, n)``.

    Examples
    --------
    >>> import numpy as np
    >>> k = np.zeros((4, 4)); k[0, 0] = 0.5; k[0, 1] = 0.5
    >>> A = CircularConvolution(k)
    >>> A(np.eye(4))[0].round(12) + 0.0  # (k * x)[0, j] = (x[0, j] + x[0, j - 1]) / 2
    array([0.5, 0.5, 0. , 0. ])
    >>> round(A.norm(), 12)
    1.0

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Gray, *Toeplitz and Circulant Matrices*
    (2006), Ch. 3.
    """

    def __init__(self, kernel: Any):
        k = as_array(kernel, "kernel", ndim=2, min_size=1)
        if k.shape[0] != k.shape[1]:
            raise ValueError(f"kernel must be square, got shape {k.shape}")
        self.kernel = k
        self.symbol = np.fft.fft2(k)
        n = k.shape[0]
        self.shape = (n * n, n * n)
        self.input_shape = self.output_shape = (n, n)

    def _multiply(self, x: Any, name: str, factor: np.ndarray) -> Any:
        xa = _operand(x, name, self.input_shape)
        return like_input(np.real(np.fft.ifft2(factor * np.fft.fft2(xa))), x)

    def apply(self, x: Any) -> Any:
        """:math:`k \\circledast x` for an (n, n) image."""
        return self._multiply(x, "x", self.symbol)

    __call__ = apply

    def adjoint(self, y: Any) -> Any:
        """:math:`A^* y`, the convolution with the flipped kernel."""
        return self._multiply(y, "y", np.conj(self.symbol))

    def inverse(self, y: Any) -> Any:
        """:math:`A^{-1}y` (unregularised deconvolution).

        Raises
        ------
        ValueError
            If :math:`\\hat k` has a zero (``A`` is singular).
        """
        if np.min(np.abs(self.symbol)) == 0:
            raise ValueError("kernel has a vanishing Fourier coefficient: the convolution is not invertible")
        ya = _operand(y, "y", self.output_shape)
        return like_input(np.real(np.fft.ifft2(np.fft.fft2(ya) / self.symbol)), y)

    def eigenvalue_range(self) -> tuple[float, float]:
        """:math:`(\\mu, L)`, the extreme eigenvalues :math:`\\min|\\hat k|^2` and :math:`\\max|\\hat k|^2` of :math:`A^*A`."""
        return float(np.min(np.abs(self.symbol)) ** 2), float(np.max(np.abs(self.symbol)) ** 2)

    def norm(self) -> float:
        """:math:`\\|A\\| = \\max_\\omega |\\hat k(\\omega)|`."""
        return float(np.max(np.abs(self.symbol)))


def circular_conv_norm(weight: Any, n: int) -> Any:
    r"""Exact operator norm of the multi-channel circular convolution with ``weight`` on :math:`n\times n` images.

    The kernel is zero-padded to :math:`n\times n`; its 2-D DFT gives one
    :math:`c_{\rm out}\times c_{\rm in}` matrix per frequency (circular convolutions are
    block-diagonalised by the DFT), and the operator norm is the largest singular value over all
    of them. Computed in float64.

    Parameters
    ----------
    weight : array_like or torch.Tensor, shape (c_out, c_in, h, w)
        Convolution kernels with :math:`h, w \le n`.
    n : int
        Image side.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape ()
        The norm; a tensor of ``weight``'s dtype on its device for a tensor ``weight``.

    Examples
    --------
    >>> import numpy as np
    >>> float(circular_conv_norm(np.full((1, 1, 3, 3), 1 / 9), 8))
    1.0

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Sedghi, Gupta, Long (2019).
    """
    n = check_int(n, "n", minimum=1)
    if torch.is_tensor(weight):
        if weight.is_complex():
            raise TypeError("weight must be real, got a complex tensor")
        w = weight.detach()
    else:
        w = torch.as_tensor(as_array(weight, "weight"))
    if w.ndim != 4:
        raise ValueError(f"weight must have 4 dimensions (c_out, c_in, h, w), got shape {tuple(w.shape)}")
    if w.shape[2] > n or w.shape[3] > n:
        raise ValueError(f"weight's kernels must be at most {n} x {n}, got shape {tuple(w.shape)}")
    with torch.no_grad():
        co, ci, kh, kw = w.shape
        padded = torch.zeros(co, ci, n, n, dtype=torch.float64, device=w.device)
        padded[:, :, :kh, :kw] = w.to(torch.float64)
        spec = torch.fft.fft2(padded).permute(2, 3, 0, 1).reshape(-1, co, ci)
        out = torch.linalg.svdvals(spec)[:, 0].max()
    return out.to(weight.dtype) if torch.is_tensor(weight) else out.numpy()


def power_method(op: Callable, adj: Callable, shape_in: tuple, *, n_iter: int = 100, seed: int = 0) -> float:
    r"""Operator norm :math:`\|A\| = \lambda_{\max}(A^*A)^{1/2}` by the power method on :math:`A^*A`.

    Parameters
    ----------
    op, adj : callable
        :math:`x \mapsto Ax` and :math:`y \mapsto A^* y` (NumPy in, NumPy out).
    shape_in : tuple of int
        Shape of :math:`x`.
    n_iter : int, default 100
    seed : int, default 0

    Returns
    -------
    float
        The estimate :math:`\|A x_k\|` with :math:`\|x_k\| = 1` (a lower bound converging to :math:`\|A\|`).

    Examples
    --------
    >>> import numpy as np
    >>> A = np.diag([3.0, 1.0])
    >>> round(power_method(lambda x: A @ x, lambda y: A.T @ y, (2,)), 10)
    3.0

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Golub and Van Loan, *Matrix
    Computations*, Sec. 8.2.
    """
    _check_callable(op, "op")
    _check_callable(adj, "adj")
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    x = rng(seed).standard_normal(tuple(shape_in))
    x /= np.linalg.norm(x)
    for _ in range(n_iter):
        x = np.asarray(adj(op(x)))
        x /= np.linalg.norm(x)
    return float(np.linalg.norm(op(x)))


def adjointness_error(op: Callable, adj: Callable, shape_in: tuple, shape_out: tuple, *, seed: int = 0) -> float:
    r"""Relative adjointness defect :math:`\max |\langle Ax, y\rangle - \langle x, A^*y\rangle| / (\|Ax\|\|y\|)` over 10 random pairs :math:`x, y`.

    Parameters
    ----------
    op, adj : callable
        :math:`x \mapsto Ax` and :math:`y \mapsto A^* y` (NumPy in, NumPy out).
    shape_in, shape_out : tuple of int
        Shapes of :math:`x` and :math:`y`.
    seed : int, default 0

    Returns
    -------
    float
        Of the order of the machine precision for a correct adjoint.

    References
    ----------
    Book: chapter *Deep learning for inverse problems*.
    """
    _check_callable(op, "op")
    _check_callable(adj, "adj")
    g = rng(seed)
    worst = 0.0
    for _ in range(10):
        x, y = g.standard_normal(tuple(shape_in)), g.standard_normal(tuple(shape_out))
        Ax = np.asarray(op(x))
        lhs, rhs = float(np.sum(Ax * y)), float(np.sum(x * np.asarray(adj(y))))
        worst = max(worst, abs(lhs - rhs) / (np.linalg.norm(Ax) * np.linalg.norm(y)))
    return float(worst)


class _SparseLinear(torch.autograd.Function):
    """Y = A X for a sparse A, with the adjoint A^T (given, also sparse) as its derivative.

    ``A`` and ``AT`` are constants (no gradient); the backward of ``X -> A X`` is ``G -> A^T G``.
    """

    @staticmethod
    def forward(ctx, X, A, AT):
        ctx.AT = AT
        return A @ X

    @staticmethod
    def backward(ctx, G):
        return ctx.AT @ G, None, None
