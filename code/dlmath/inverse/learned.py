r"""Learned components: LISTA-CP, learned gradient descent, residual denoisers, input-convex networks.

Every class here is a network (an :class:`torch.nn.Module`): its ``forward`` takes a tensor of
the network's dtype or a NumPy batch (converted by :func:`dlmath.nets.network_input`) and
returns a tensor; the default dtype is float32. The weights are drawn from ``seed`` by
:func:`dlmath.nets.seeded_normal` (float64 on the CPU, then cast and moved).

* :class:`LISTACP`: LISTA with coupled weights, one matrix and one threshold per layer;
* :class:`LGD`: learned gradient descent for CT, CNN corrections of gradient steps;
* :class:`ResidualDenoiser` and :class:`SNResidualDenoiser`: denoisers :math:`H` whose residual
  :math:`H - I` is :math:`\varepsilon`-Lipschitz (the hypothesis of plug-and-play convergence);
* :class:`ICNN`: an input-convex network, with the demo :func:`icnn_convexity_demo` of theorem
  ``inverse-icnn_convexity``.

References
----------
Chen, Liu, Wang, Yin (2018); Adler and Oktem (2018); Ryu et al. (2019); Sedghi, Gupta, Long
(2019); Amos, Xu, Kolter (2017).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..nets import he_init_, network_input, seeded_normal
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    NETWORK_DTYPE,
    check_device,
    check_float_dtype,
    check_int,
    check_int_sequence,
    check_real,
    rng,
    torch_generator,
)
from ._common import _axes_pair, _check_matrix, _lipschitz, _shrink
from .operators import RadonMatrix, _SparseLinear, circular_conv_norm

__all__ = ["LISTACP", "LGD", "ResidualDenoiser", "SNResidualDenoiser", "ICNN", "ICNNResult", "icnn_convexity_demo"]


def _dtype_device(dtype: Any, device: Any) -> tuple[torch.dtype, torch.device]:
    return check_float_dtype(dtype), check_device(device)


class LISTACP(torch.nn.Module):
    r"""LISTA with coupled weights, :math:`x^{k+1} = \eta_{\theta_k}(x^k + (W^k)^\top(y - Ax^k))`.

    Every layer has its own matrix :math:`W^k \in \R^{m\times n}` (initialised to
    :math:`A/\|A\|_2^2`) and threshold :math:`\theta_k` (initialised to ``theta_init``).

    Parameters
    ----------
    A : array_like or torch.Tensor, shape (m, n)
    K : int
        Number of layers, >= 1.
    theta_init : float, default 0.1
        Initial thresholds, >= 0.
    dtype : torch.dtype or str, default torch.float32
    device : str or torch.device, default "cpu"

    Notes
    -----
    ``forward(Y)`` takes measurements ``Y`` of shape (batch, m), a tensor of the network's dtype
    or a NumPy array, and returns the ``K`` iterates stacked in one tensor of shape
    (K, batch, n) (``out[-1]`` is the output, ``for x in out`` runs over the layers).

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Chen, Liu, Wang, Yin (2018).
    """

    def __init__(self, A: Any, K: int, theta_init: float = 0.1, *, dtype: Any = NETWORK_DTYPE, device: Any = "cpu"):
        super().__init__()
        A = _check_matrix(A)
        K = check_int(K, "K", minimum=1)
        theta_init = check_real(theta_init, "theta_init", minimum=0.0)
        dtype, dev = _dtype_device(dtype, device)
        At = torch.as_tensor(A, dtype=dtype, device=dev)
        self.register_buffer("A", At)
        L = float(_lipschitz(A))
        self.W = torch.nn.Parameter((At / L).unsqueeze(0).repeat(K, 1, 1))
        self.theta = torch.nn.Parameter(torch.full((K,), theta_init, dtype=dtype, device=dev))

    def forward(self, Y: Any) -> torch.Tensor:
        Y = network_input(Y, "input Y", dtype=self.A.dtype, device=self.A.device, ndim=2, last_dim=self.A.shape[0])
        x = torch.zeros(Y.shape[0], self.A.shape[1], dtype=Y.dtype, device=Y.device)
        out = []
        for W, th in zip(self.W, self.theta):
            z = x + (Y - x @ self.A.T) @ W
            x = _shrink(z, th)
            out.append(x)
        return torch.stack(out)


class LGD(torch.nn.Module):
    r"""Learned gradient descent for CT: :math:`x \leftarrow x - s_k\nabla f(x) + \mathrm{CNN}_k(x, s_k\nabla f(x))`.

    :math:`f(x) = \frac12\|Ax - y\|^2` with the :class:`~dlmath.inverse.RadonMatrix` :math:`A`;
    ``K`` unrolled steps, each with its step size :math:`s_k` (initialised to :math:`10^{-3}`)
    and its CNN (conv 3x3, ReLU, conv 3x3, ReLU, conv 3x3 with ``width`` hidden channels;
    He-normal weights by :func:`dlmath.nets.he_init_`, the last layer scaled by 0.1, zero biases).
    The gradient :math:`A^\top(Ax - y)` uses the sparse matrix and its transpose, with the
    transpose as the derivative of the product.

    Parameters
    ----------
    radon : RadonMatrix
        The forward operator.
    K : int, default 3
        Unrolled steps, >= 1.
    width : int, default 12
        Hidden channels, >= 1.
    seed : int, default 0
    dtype : torch.dtype or str, default torch.float32
    device : str or torch.device, default "cpu"

    Notes
    -----
    ``forward(y, x0=None)`` takes sinograms ``y`` of shape (batch, n_angles * n_s) and starting
    images ``x0`` of shape (batch, 1, n, n) (default 0), tensors of the network's dtype or NumPy
    arrays, and returns the reconstructions, shape (batch, 1, n, n).

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Adler and Oktem (2018).
    """

    def __init__(
        self,
        radon: RadonMatrix,
        K: int = 3,
        width: int = 12,
        *,
        seed: int = 0,
        dtype: Any = NETWORK_DTYPE,
        device: Any = "cpu",
    ):
        super().__init__()
        if not isinstance(radon, RadonMatrix):
            raise TypeError(f"radon must be a RadonMatrix, got {type(radon).__name__}")
        K = check_int(K, "K", minimum=1)
        width = check_int(width, "width", minimum=1)
        dtype, dev = _dtype_device(dtype, device)
        gen = torch_generator(seed)
        self.A = radon.torch_operator(dtype, dev)
        self.AT = radon.torch_operator(dtype, dev, transpose=True)
        self.n = radon.n
        self.blocks = torch.nn.ModuleList()
        for _ in range(K):
            blk = torch.nn.Sequential(
                torch.nn.Conv2d(2, width, 3, padding=1, dtype=dtype),
                torch.nn.ReLU(),
                torch.nn.Conv2d(width, width, 3, padding=1, dtype=dtype),
                torch.nn.ReLU(),
                torch.nn.Conv2d(width, 1, 3, padding=1, dtype=dtype),
            )
            he_init_(blk, gen)
            with torch.no_grad():
                blk[-1].weight.mul_(0.1)
            self.blocks.append(blk)
        self.step = torch.nn.Parameter(torch.full((K,), 1e-3, dtype=dtype))
        self.to(dev)

    def grad(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """:math:`A^\\top(Ax - y)` for images ``x`` (B, 1, n, n) and sinograms ``y`` (B, m)."""
        B = x.shape[0]
        r = _SparseLinear.apply(x.reshape(B, -1).T, self.A, self.AT).T - y
        return _SparseLinear.apply(r.T.contiguous(), self.AT, self.A).T.reshape(B, 1, self.n, self.n)

    def forward(self, y: Any, x0: Any = None) -> torch.Tensor:
        dtype, dev = self.step.dtype, self.step.device
        y = network_input(y, "input y", dtype=dtype, device=dev, ndim=2, last_dim=self.A.shape[0])
        if x0 is None:
            x = torch.zeros(y.shape[0], 1, self.n, self.n, dtype=dtype, device=dev)
        else:
            x = network_input(x0, "x0", dtype=dtype, device=dev, ndim=4, last_dim=self.n)
            if tuple(x.shape[1:]) != (1, self.n, self.n) or x.shape[0] != y.shape[0]:
                raise ValueError(
                    f"x0 must have shape ({y.shape[0]}, 1, {self.n}, {self.n}), got shape {tuple(x.shape)}"
                )
        for blk, st in zip(self.blocks, self.step):
            gr = self.grad(x, y)
            x = x - st * gr + blk(torch.cat([x, st * gr], 1))
        return x


class ResidualDenoiser(torch.nn.Module):
    r"""A one-layer residual map :math:`H(x) = x + \varepsilon\tanh(Wx)` with :math:`\|W\|_2 = 1`.

    :math:`W` is a Gaussian matrix divided by its exact spectral norm (both in float64, then cast),
    so :math:`\operatorname{Lip}(H - I) \le \varepsilon` (``tanh`` is 1-Lipschitz): the hypothesis
    of theorem ``inverse-pnp_fbs_contraction``.

    Parameters
    ----------
    dim : int
        Dimension, >= 1.
    eps : float
        :math:`\varepsilon \ge 0`.
    seed : int, default 0
    dtype : torch.dtype or str, default torch.float32
    device : str or torch.device, default "cpu"

    Notes
    -----
    ``forward`` takes a tensor of the network's dtype or a NumPy array of shape (..., dim) and
    returns a tensor of the same shape.

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Ryu et al. (2019).
    """

    def __init__(self, dim: int, eps: float, seed: int = 0, *, dtype: Any = NETWORK_DTYPE, device: Any = "cpu"):
        super().__init__()
        dim = check_int(dim, "dim", minimum=1)
        self.eps = check_real(eps, "eps", minimum=0.0)
        dtype, dev = _dtype_device(dtype, device)
        W = seeded_normal(torch_generator(seed), (dim, dim))
        self.register_buffer("W", (W / torch.linalg.matrix_norm(W, ord=2)).to(dtype=dtype, device=dev))

    def forward(self, x: Any) -> torch.Tensor:
        t = network_input(x, "x", dtype=self.W.dtype, device=self.W.device, min_ndim=1, last_dim=self.W.shape[0])
        return t + self.eps * torch.tanh(t @ self.W.T)


class SNResidualDenoiser(torch.nn.Module):
    r"""A CNN denoiser :math:`H = I - \varepsilon R_\vartheta` with :math:`\operatorname{Lip}(R_\vartheta) \le 1` exactly.

    :math:`R_\vartheta` = conv, ReLU, conv, ReLU, conv (3x3 kernels, circular padding on
    :math:`n\times n` images). Each convolution is divided by its *exact* operator norm
    :math:`\max_\omega \|\hat K(\omega)\|_2` over the :math:`n^2` frequencies of the 2-D DFT
    (:func:`~dlmath.inverse.circular_conv_norm`), so every layer is 1-Lipschitz, ReLU is
    1-Lipschitz, and :math:`H - I` is :math:`\varepsilon`-Lipschitz: the hypothesis of theorem
    ``inverse-pnp_fbs_contraction``. Biases do not change Lipschitz constants.

    Parameters
    ----------
    n : int
        Image side, >= 3.
    eps : float
        :math:`\varepsilon \ge 0`.
    channels : int, default 16
    seed : int, default 0
    dtype : torch.dtype or str, default torch.float32
    device : str or torch.device, default "cpu"

    Notes
    -----
    ``forward`` maps images of shape (batch, 1, n, n), a tensor of the network's dtype or a NumPy
    array, to a tensor of the same shape. The guarantee holds in evaluation mode
    (``model.eval()``); in training mode the norms are refreshed only every 10 calls to save time.

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Ryu et al. (2019); Sedghi, Gupta,
    Long (2019) for the singular values of convolutional layers.
    """

    def __init__(
        self, n: int, eps: float, channels: int = 16, seed: int = 0, *, dtype: Any = NETWORK_DTYPE, device: Any = "cpu"
    ):
        super().__init__()
        self.n = check_int(n, "n", minimum=3)
        self.eps = check_real(eps, "eps", minimum=0.0)
        channels = check_int(channels, "channels", minimum=1)
        dtype, dev = _dtype_device(dtype, device)
        gen = torch_generator(seed)
        shapes = [(channels, 1), (channels, channels), (1, channels)]
        self.weights = torch.nn.ParameterList(
            [
                torch.nn.Parameter(seeded_normal(gen, (co, ci, 3, 3), 1 / math.sqrt(9 * ci), dtype=dtype, device=dev))
                for co, ci in shapes
            ]
        )
        self.biases = torch.nn.ParameterList(
            [torch.nn.Parameter(torch.zeros(co, dtype=dtype, device=dev)) for co, _ in shapes]
        )

    def conv_norm(self, weight: torch.Tensor) -> torch.Tensor:
        """Exact operator norm of the circular convolution with ``weight`` on n x n images (:func:`~dlmath.inverse.circular_conv_norm`)."""
        return circular_conv_norm(weight, self.n)

    def _norm(self, i: int, w: torch.Tensor) -> torch.Tensor:
        # In evaluation mode the exact norm of the current weight is used (recomputed whenever the
        # weight changed). In training mode it is refreshed every 10 calls only, to save time: the
        # guarantee is needed for the trained network, not along the way.
        cache = self.__dict__.setdefault("_norm_cache", {})
        key = (w._version, w.data_ptr())
        entry = cache.get(i)
        stale = entry is None or entry[0] != key
        if stale and self.training and entry is not None and entry[2] < 10:
            cache[i] = (entry[0], entry[1], entry[2] + 1)
            return entry[1]
        if stale:
            cache[i] = (key, self.conv_norm(w), 0)
        return cache[i][1]

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        """:math:`R_\\vartheta(x)`, 1-Lipschitz.

        Each kernel is divided by its exact operator norm (treated as a constant when
        differentiating, as in the usual implementations of spectral normalisation).
        """
        h = x
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            wn = w / self._norm(i, w)
            h = torch.nn.functional.conv2d(torch.nn.functional.pad(h, (1, 1, 1, 1), mode="circular"), wn, b)
            if i < len(self.weights) - 1:
                h = torch.relu(h)
        return h

    def forward(self, x: Any) -> torch.Tensor:
        w = self.weights[0]
        x = network_input(x, "x", dtype=w.dtype, device=w.device, ndim=4, last_dim=self.n)
        if tuple(x.shape[1:]) != (1, self.n, self.n):
            raise ValueError(f"x must have shape (batch, 1, {self.n}, {self.n}), got shape {tuple(x.shape)}")
        return x - self.eps * self.residual(x)


class ICNN(torch.nn.Module):
    r"""An input-convex neural network :math:`R : \R^d \to \R`.

    :math:`z_1 = g(W_0^{(x)}x + b_0)`, :math:`z_{k+1} = g(W_k^{(z)} z_k + W_k^{(x)} x + b_k)`,
    :math:`R(x) = w^\top z_K + \frac\rho2\|x\|^2`, with :math:`g` = softplus (convex,
    non-decreasing) and :math:`W_k^{(z)} = \operatorname{softplus}(V_k)/n_k \ge 0` (:math:`n_k` the width of :math:`z_k`),
    :math:`w = \operatorname{softplus}(v) \ge 0` entrywise through their parameterisation, so
    that :math:`R` is convex for every value of the parameters.

    Parameters
    ----------
    dims : sequence of int
        ``(d, n_1, ..., n_K)``: input dimension and hidden widths (K >= 1), each >= 1.
    seed : int, default 0
    rho : float, default 0.0
        Weight of the strongly convex term, >= 0.
    dtype : torch.dtype or str, default torch.float32
    device : str or torch.device, default "cpu"
        Parameters are drawn in float64 on the CPU from ``seed`` and then cast and moved.

    Notes
    -----
    ``forward`` takes a tensor of the network's dtype or a NumPy array of shape (batch, d) and
    returns the values, a tensor of shape (batch,).

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Amos, Xu, Kolter (2017), Sec. 3.
    """

    def __init__(self, dims: Any, seed: int = 0, rho: float = 0.0, *, dtype: Any = NETWORK_DTYPE, device: Any = "cpu"):
        super().__init__()
        dims = check_int_sequence(dims, "dims", minimum=1, min_len=2)
        self.rho = check_real(rho, "rho", minimum=0.0)
        dtype, dev = _dtype_device(dtype, device)
        gen = torch_generator(seed)
        d = dims[0]
        rand = lambda *shape, scale=1.0: torch.nn.Parameter(  # noqa: E731
            seeded_normal(gen, shape, scale, dtype=dtype, device=dev)
        )
        self.Wx = torch.nn.ParameterList([rand(h, d, scale=1 / math.sqrt(d)) for h in dims[1:]])
        self.b = torch.nn.ParameterList([rand(h, scale=0.5) for h in dims[1:]])
        self.Vz = torch.nn.ParameterList([rand(h, hp, scale=1.0) for hp, h in zip(dims[1:-1], dims[2:])])
        self.v = rand(dims[-1])
        self.dims = dims

    def forward(self, x: Any) -> torch.Tensor:
        t = network_input(x, "x", dtype=self.v.dtype, device=self.v.device, ndim=2, last_dim=self.dims[0])
        sp = torch.nn.functional.softplus
        z = sp(t @ self.Wx[0].T + self.b[0])
        for k in range(1, len(self.Wx)):
            Wz = sp(self.Vz[k - 1]) / self.Vz[k - 1].shape[1]
            z = sp(z @ Wz.T + t @ self.Wx[k].T + self.b[k])
        return z @ sp(self.v) + 0.5 * self.rho * torch.sum(t * t, dim=-1)


# demos


@demo_result
class ICNNResult(DemoResult):
    """Result of :func:`icnn_convexity_demo`.

    Attributes
    ----------
    jensen_gaps : numpy.ndarray
        :math:`R(tx + (1-t)y) - tR(x) - (1-t)R(y)` for each random triple.
    max_violation : float
        Largest gap (theory: at most 0; rounding allows :math:`\\sim 10^{-15}`).
    predicted : float
        0.0.
    grid, slice_values : numpy.ndarray
        A 2-D grid and :math:`R` on the slice :math:`(x_1, x_2, 0, 0)` for the contour plot.
    """

    jensen_gaps: np.ndarray
    max_violation: float
    predicted: float
    grid: np.ndarray
    slice_values: np.ndarray

    def plot(self, ax=None):
        ax1, ax2 = _axes_pair(ax)
        ax1.hist(self.jensen_gaps, bins=60, color="#0072B2")
        ax1.axvline(0.0, color="k", lw=1)
        ax1.set_xlabel(r"$R(tx+(1-t)y) - tR(x) - (1-t)R(y)$")
        ax1.set_title("Jensen gaps (all $\\leq 0$)")
        ax2.contour(self.grid, self.grid, self.slice_values, levels=15)
        ax2.set_xlabel("$x_1$")
        ax2.set_ylabel("$x_2$")
        ax2.set_title("a 2-D slice of $R$")
        ax2.set_aspect("equal")
        return ax1, ax2


def icnn_convexity_demo(*, n_triples: int = 20000, seed: int = 0, device: Any = "cpu") -> ICNNResult:
    r"""Jensen's inequality for a random input-convex network :math:`\R^4 \to \R`.

    :class:`ICNN` with dims (4, 16, 16), random parameters and float64; ``n_triples`` random
    :math:`(x, y, t)`, :math:`x, y \sim N(0, 4I)`, :math:`t \sim U(0,1)`.

    Parameters
    ----------
    n_triples : int, default 20000
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    ICNNResult

    References
    ----------
    Book: chapter *Deep learning for inverse problems*, theorem ``inverse-icnn_convexity``.
    Amos, Xu, Kolter (2017), Prop. 1.
    """
    n_triples = check_int(n_triples, "n_triples", minimum=1)
    g = rng(seed)
    net = ICNN((4, 16, 16), seed=seed, dtype=torch.float64, device=device)
    R = lambda x: net(x).detach().cpu().numpy()  # noqa: E731  (NumPy in, NumPy out, float64)
    X, Y = 2 * g.standard_normal((n_triples, 4)), 2 * g.standard_normal((n_triples, 4))
    t = g.uniform(0, 1, (n_triples, 1))
    gaps = R(t * X + (1 - t) * Y) - t[:, 0] * R(X) - (1 - t[:, 0]) * R(Y)
    grid = np.linspace(-4, 4, 81)
    G1, G2 = np.meshgrid(grid, grid)
    P = np.stack([G1.ravel(), G2.ravel(), np.zeros(G1.size), np.zeros(G1.size)], 1)
    return ICNNResult(
        jensen_gaps=gaps,
        max_violation=float(np.max(gaps)),
        predicted=0.0,
        grid=grid,
        slice_values=R(P).reshape(G1.shape),
    )


declare_check(
    "inverse.icnn_convexity",
    quantity="largest Jensen gap over the random triples",
    claim="upper bound",
    relation="<=",
    measure="max_violation",
    predict="predicted",
    tolerance=1e-10,
    reason="float64 rounding of the network evaluations",
    hypotheses="non-negative hidden-to-hidden weights, convex non-decreasing activations",
    wrong="the sign constraint w >= 0 dropped (w -> -w: the network -R, whose Jensen gaps are the negatives)",
    wrong_measure=lambda r: float(-np.min(r.jensen_gaps)),
    demo=icnn_convexity_demo,
)
