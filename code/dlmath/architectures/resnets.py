"""Residual networks as ODEs: the Euler view, invertible blocks, stability (chapter *Residual networks as ODEs*)."""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np
import torch
from torch import nn

from ..nets import network_input, seeded_normal
from ..plotting import axes, figure_grid, slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    check_array,
    check_bool,
    check_device,
    check_float_dtype,
    check_int,
    check_int_sequence,
    check_real,
    like_input,
    loglog_slope,
    rng,
    torch_generator,
)
from ._common import _rel


def resnet_euler(x0: Any, F: Callable[[np.ndarray, float], Any], T: float, L: int) -> np.ndarray:
    r"""Run the residual network :math:`x_{k+1} = x_k + h F(x_k, t_k)`, :math:`h = T/L`, :math:`t_k = kh`.

    This is the forward Euler scheme for :math:`x'(t) = F(x(t), t)`, :math:`x(0) = x_0`, and also
    a residual network of depth ``L`` whose ``k``-th block is :math:`x \mapsto x + hF(x, t_k)`.

    Parameters
    ----------
    x0 : array_like, shape (...)
        Initial state (any shape; ``F`` acts on arrays of this shape).
    F : callable
        ``F(x, t)`` returning an array of the shape of ``x``.
    T : float
        Final time, > 0.
    L : int
        Depth (number of Euler steps), >= 1.

    Returns
    -------
    numpy.ndarray
        :math:`x_L`, of the shape of ``x0``; :math:`\|x_L - x(T)\| = O(1/L)` for a
        Lipschitz :math:`F` and a :math:`C^2` solution.

    Raises
    ------
    TypeError, ValueError
        If an argument has the wrong type or range (the message names it).

    References
    ----------
    Book, chapter *Residual networks as ODEs*; Hairer, Nørsett and Wanner (1993), Thm II.3.4;
    E (2017); Haber and Ruthotto (2017).
    """
    x = check_array(x0, "x0").copy()  # NumPy mirror: F acts on NumPy arrays
    if not callable(F):
        raise TypeError(f"F must be callable, got {type(F).__name__}")
    T = check_real(T, "T", minimum=0.0, strict_min=True)
    L = check_int(L, "L", minimum=1)
    h = T / L
    for k in range(L):
        step = np.asarray(F(x, k * h), dtype=np.float64)
        if step.shape != x.shape:
            raise ValueError(f"F must return an array of shape {x.shape}, got {step.shape}")
        x = x + h * step
    return like_input(x, x0)


class ResidualBlock(nn.Module):
    r"""One residual block :math:`x \mapsto x + h \tanh(Wx + b)`.

    The residual map :math:`F(x) = \tanh(Wx+b)` is :math:`K`-Lipschitz with
    :math:`K = \|W\|_2`; if :math:`hK < 1` the block is invertible with
    :math:`\Lip(\text{block}^{-1}) \le 1/(1-hK)` (Behrmann et al., 2019), and :meth:`inverse`
    computes the inverse by the contracting fixed-point iteration :math:`x \mapsto y - hF(x)`.

    Parameters
    ----------
    weight : torch.Tensor, shape (d, d)
    bias : torch.Tensor, shape (d,)
    h : float
        Step size, > 0.

    References
    ----------
    Book, chapter *Residual networks as ODEs*; Behrmann et al. (2019), Sec. 2 (Thm 1, Lemma 2,
    Algorithm 1).
    """

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor, h: float):
        super().__init__()
        if not isinstance(weight, torch.Tensor) or not weight.is_floating_point():
            raise TypeError(f"weight must be a floating torch.Tensor, got {type(weight).__name__}")
        if weight.ndim != 2 or weight.shape[0] != weight.shape[1]:
            raise ValueError(f"weight must be a square 2-D tensor, got shape {tuple(weight.shape)}")
        if not isinstance(bias, torch.Tensor) or not bias.is_floating_point():
            raise TypeError(f"bias must be a floating torch.Tensor, got {type(bias).__name__}")
        if bias.shape != weight.shape[:1]:
            raise ValueError(f"bias must have shape ({weight.shape[0]},), got shape {tuple(bias.shape)}")
        if bias.dtype != weight.dtype or bias.device != weight.device:
            raise ValueError(
                f"bias must have the dtype and device of weight ({weight.dtype}, {weight.device}), "
                f"got {bias.dtype}, {bias.device}"
            )
        self.weight = nn.Parameter(weight)
        self.bias = nn.Parameter(bias)
        self.h = check_real(h, "h", minimum=0.0, strict_min=True)

    def residual(self, x: torch.Tensor) -> torch.Tensor:
        """The residual map :math:`F(x) = \\tanh(Wx + b)`, shape ``(..., d)``."""
        return torch.tanh(x @ self.weight.T + self.bias)

    def _input(self, x: Any, name: str) -> torch.Tensor:
        return network_input(x, name, dtype=self.weight.dtype, device=self.weight.device, last_dim=self.weight.shape[0])

    def forward(self, x: Any) -> torch.Tensor:
        x = self._input(x, "x")
        return x + self.h * self.residual(x)

    def lipschitz_constant(self) -> float:
        r"""The Lipschitz constant :math:`K = \|W\|_2` of the residual map."""
        return float(torch.linalg.matrix_norm(self.weight.detach(), ord=2))

    def inverse(self, y: torch.Tensor, n_iter: int = 100, *, return_iterates: bool = False):
        r"""Solve :math:`x + hF(x) = y` by :math:`x^{j+1} = y - hF(x^j)`, :math:`x^0 = y`.

        Converges when :math:`hK < 1`, with :math:`\|x^j - x\| \le (hK)^j \|x^0 - x\|`.

        Parameters
        ----------
        y : torch.Tensor, shape (..., d)
        n_iter : int, default 100
            Number of iterations, >= 0.
        return_iterates : bool, default False
            Also return the list of all iterates :math:`x^0, \dots, x^{n}`.
        """
        n_iter = check_int(n_iter, "n_iter", minimum=0)
        return_iterates = check_bool(return_iterates, "return_iterates")
        y = self._input(y, "y")
        x = y.clone()
        its = [x]
        with torch.no_grad():
            for _ in range(n_iter):
                x = y - self.h * self.residual(x)
                its.append(x)
        return (x, its) if return_iterates else x


class ResidualNetwork(nn.Module):
    r"""A residual network :math:`\Phi = (I + hF_L) \circ \dots \circ (I + hF_1)`, :math:`h = T/L`.

    Each :math:`F_k(x) = \tanh(W_k x + b_k)` with :math:`(W_k)_{ij} \sim N(0, \sigma^2/d)`
    and :math:`(b_k)_i \sim N(0, 1/d)` i.i.d. With ``antisymmetric=True`` the weights are
    replaced by :math:`W_k - W_k^\top - \gamma I` (Haber and Ruthotto, 2017), whose forward
    linearisation has spectrum in the closed left half-plane (purely imaginary for
    :math:`\gamma = 0`).

    Parameters
    ----------
    d : int
        State dimension, >= 1.
    L : int
        Depth, >= 1.
    T : float, default 1.0
        Time horizon; the step is :math:`h = T/L`.
    sigma : float, default 1.0
        Weight scale :math:`\sigma > 0`.
    antisymmetric : bool, default False
    gamma : float, default 0.0
        Damping :math:`\gamma \ge 0` of the antisymmetric variant.
    dtype : torch.dtype or str, default torch.float32
    device : str or torch.device, default "cpu"
    seed : int, default 0

    Examples
    --------
    >>> import numpy as np
    >>> net = ResidualNetwork(4, 8, T=1.0)
    >>> net(np.zeros((3, 4))).shape
    torch.Size([3, 4])
    >>> net.lipschitz_bound() >= 1.0
    True

    References
    ----------
    Book, chapter *Residual networks as ODEs*; He et al. (2016); E (2017); Haber and Ruthotto (2017).
    """

    def __init__(
        self,
        d: int,
        L: int,
        *,
        T: float = 1.0,
        sigma: float = 1.0,
        antisymmetric: bool = False,
        gamma: float = 0.0,
        dtype: torch.dtype | str = torch.float32,
        device: str | torch.device = "cpu",
        seed: int = 0,
    ):
        super().__init__()
        d = check_int(d, "d", minimum=1)
        L = check_int(L, "L", minimum=1)
        T = check_real(T, "T", minimum=0.0, strict_min=True)
        sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
        gamma = check_real(gamma, "gamma", minimum=0.0)
        dtype = check_float_dtype(dtype)
        device = check_device(device)
        antisymmetric = check_bool(antisymmetric, "antisymmetric")
        gen = torch_generator(check_int(seed, "seed"))
        self.d, self.L, self.T, self.h = d, L, T, T / L
        blocks = []
        for _ in range(L):
            w = seeded_normal(gen, (d, d), std=sigma / math.sqrt(d))
            b = seeded_normal(gen, (d,), std=1.0 / math.sqrt(d))
            if antisymmetric:
                w = w - w.T - gamma * torch.eye(d, dtype=torch.float64)
            blocks.append(ResidualBlock(w.to(dtype=dtype, device=device), b.to(dtype=dtype, device=device), self.h))
        self.blocks = nn.ModuleList(blocks)

    def forward(self, x: Any) -> torch.Tensor:
        x = self.blocks[0]._input(x, "x")
        for block in self.blocks:
            x = block(x)
        return x

    def lipschitz_constants(self) -> np.ndarray:
        r"""The constants :math:`K_k = \|W_k\|_2`, shape ``(L,)``."""
        return np.array([b.lipschitz_constant() for b in self.blocks])

    def lipschitz_bound(self) -> float:
        r"""The bound :math:`\prod_k (1 + hK_k)` on :math:`\Lip(\Phi)`."""
        return float(np.prod(1.0 + self.h * self.lipschitz_constants()))

    def inverse(self, y: torch.Tensor, n_iter: int = 100) -> torch.Tensor:
        """Invert the network block by block (valid when every :math:`hK_k < 1`)."""
        y = self.blocks[0]._input(y, "y")
        for block in reversed(self.blocks):
            y = block.inverse(y, n_iter)
        return y


@demo_result
class ResNetODEResult(DemoResult):
    """Result of :func:`resnet_ode_demo`.

    Attributes
    ----------
    depths : numpy.ndarray
        The depths L (float).
    err : numpy.ndarray
        Largest ``|x_L - x(T)|`` over the initial points, for ``F = cos(t) tanh(x)``, one per depth.
    bound : numpy.ndarray
        The Euler error bound hM/(2K)(e^{KT} - 1) at each depth.
    err_generic : numpy.ndarray
        The error of the tanh ResNet with smooth random weights (RK4 reference).
    rate, rate_generic : float
        Fitted log-log slopes of ``err`` and ``err_generic``.
    scaled_err_ratio : float
        L err at the largest depth over that at the second largest (close to 1).
    exact : numpy.ndarray
        The exact solution x(T).
    predicted : float
        The predicted slope, -1.
    max_bound_ratio : float
        Largest ratio of the error (over all steps) to the bound.
    attained_ratio : float
        Error over bound for the instance attaining the bound.
    attained_KT : float
        The product KT of that instance.
    growth_factor : float
        The factor e^{KT} - 1 of the first problem.
    """

    depths: np.ndarray
    err: np.ndarray
    bound: np.ndarray
    err_generic: np.ndarray
    rate: float
    rate_generic: float
    scaled_err_ratio: float
    exact: np.ndarray
    predicted: float
    max_bound_ratio: float = float("nan")
    attained_ratio: float = float("nan")
    attained_KT: float = float("nan")
    growth_factor: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.depths, self.err, "o-", label=r"$F=\cos(t)\tanh(x)$ (exact solution)")
        ax.loglog(self.depths, self.err_generic, "s-", label="tanh ResNet with smooth weights (RK4 reference)")
        ax.loglog(self.depths, self.bound, ":", color="0.3", label="error bound of the theorem")
        slope_guide(ax, self.depths, -1.0, anchor=(self.depths[0], self.err[0] * 0.5), label="slope $-1$")
        ax.set_xlabel("depth $L$ (number of residual blocks)")
        ax.set_ylabel(r"$\max |x_L - x(T)|$")
        ax.legend()
        return ax


def _generic_field(d: int, gen: np.random.Generator):
    A, B, C = gen.standard_normal((3, d, d)) / math.sqrt(d)
    b0, b1 = gen.standard_normal((2, d)) / math.sqrt(d)

    def F(x: np.ndarray, t: float) -> np.ndarray:
        W = A + math.sin(t) * B + math.cos(2 * t) * C
        return np.tanh(x @ W.T + b0 + t * b1 / 3.0)

    return F


def _rk4(x0: np.ndarray, F, T: float, L: int) -> np.ndarray:
    h, x = T / L, x0.copy()
    for k in range(L):
        t = k * h
        k1 = F(x, t)
        k2 = F(x + 0.5 * h * k1, t + 0.5 * h)
        k3 = F(x + 0.5 * h * k2, t + 0.5 * h)
        k4 = F(x + h * k3, t + h)
        x = x + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x


def _euler_bound(h: Any, M: float, K: float, T: float) -> np.ndarray:
    """The right-hand side hM/(2K)(e^{KT} - 1) of the Euler bound (chapter *Residual networks as ODEs*)."""
    return np.asarray(h, dtype=float) * M / (2 * K) * (math.exp(K * T) - 1.0)


def _euler_max_error(x0: np.ndarray, F, T: float, L: int, exact) -> float:
    """max_k |x_k - x(t_k)| (sup norm) of the Euler/ResNet states against the exact solution."""
    h, x = T / L, x0.copy()
    worst = 0.0
    for k in range(L):
        x = x + h * F(x, k * h)
        worst = max(worst, float(np.abs(x - exact((k + 1) * h)).max()))
    return worst


def resnet_ode_demo(
    *, depths: Sequence[int] = (8, 16, 32, 64, 128, 256, 512, 1024, 2048), T: float = 3.0, seed: int = 0
) -> ResNetODEResult:
    r"""Deep residual networks converge to the ODE flow at rate :math:`O(1/L)`.

    Test problem: :math:`F(x,t) = \cos(t)\tanh(x)` elementwise, :math:`x_0 =`
    ``linspace(-2, 2, 11)``, whose exact solution is
    :math:`x(T) = \operatorname{arcsinh}(\sinh(x_0)e^{\sin T})`. The error
    :math:`\max_i |x_L - x(T)|` is compared with the bound
    :math:`\frac{hM}{2K}(e^{KT}-1)` (:math:`K=1`, :math:`M = \sup|x''|` computed on a fine grid).
    A second problem, a tanh ResNet :math:`F(x,t) = \tanh(W(t)x + b(t))` in dimension 8 with
    smooth random weights, is compared with an RK4 reference with :math:`2^{14}` steps.

    Parameters
    ----------
    depths : sequence of int, default ``(8, 16, ..., 2048)`` (the powers 2**3 to 2**11)
        Depths :math:`L` (at least two, distinct, increasing).
    T : float, default 3.0
        Time horizon, > 0.
    seed : int, default 0
        Seed of the random weights of the second problem.

    Returns
    -------
    ResNetODEResult
        ``depths``, ``err`` (first problem), ``bound``, ``err_generic`` (second problem),
        ``rate`` and ``rate_generic`` (fitted log-log slopes), ``scaled_err_ratio``
        (:math:`L\,\mathrm{err}` at the last depth over that at the one before), ``exact``
        (:math:`x(T)`), ``predicted`` :math:`= -1`, ``max_bound_ratio`` (largest
        :math:`\max_k |x_k - x(t_k)|` over the bound, over the depths), ``attained_ratio`` (the
        same for :math:`x' = Kx` with :math:`KT = 0.02`, which nearly attains the bound),
        ``attained_KT`` and ``growth_factor`` :math:`e^{KT} - 1` of the first problem.

    References
    ----------
    Book, chapter *Residual networks as ODEs*, theorem ``architectures-resnet_ode_limit``;
    Hairer, Nørsett and Wanner (1993), Thm II.3.4; E (2017).
    """
    Ls = np.array(check_int_sequence(depths, "depths", minimum=1, min_len=2))
    if np.any(np.diff(Ls) <= 0):
        raise ValueError("depths must be strictly increasing")
    T = check_real(T, "T", minimum=0.0, strict_min=True)
    gen = rng(seed)
    x0 = np.linspace(-2.0, 2.0, 11)
    exact = np.arcsinh(np.sinh(x0) * np.exp(np.sin(T)))

    def F(x, t):
        return np.cos(t) * np.tanh(x)

    # M = sup |x''| along the exact solutions, on a fine time grid
    t = np.linspace(0.0, T, 4001)[:, None]
    x = np.arcsinh(np.sinh(x0)[None, :] * np.exp(np.sin(t)))
    xp = np.cos(t) * np.tanh(x)
    xpp = -np.sin(t) * np.tanh(x) + np.cos(t) * xp / np.cosh(x) ** 2
    M, K = float(np.abs(xpp).max()), 1.0
    err = np.array([np.abs(resnet_euler(x0, F, T, int(L)) - exact).max() for L in Ls])
    bound = _euler_bound(T / Ls, M, K, T)

    def sol(t):
        return np.arcsinh(np.sinh(x0) * np.exp(np.sin(t)))

    max_err = np.array([_euler_max_error(x0, F, T, int(L), sol) for L in Ls])
    # an instance that nearly attains the bound: x' = K x, x(0) = 1, with K T small. Its Euler
    # error is e^{KT} - (1 + Kh)^L ~ h K^2 T e^{KT} / 2 and the bound (M = K^2 e^{KT}) is
    # h K e^{KT}(e^{KT} - 1)/2, so error/bound -> KT/(e^{KT} - 1) = 1 - KT/2 + ... as h -> 0.
    Ka = 0.02 / T

    def Fa(x, t):
        return Ka * x

    Ma = Ka**2 * math.exp(Ka * T)
    one = np.ones(1)
    att = np.array([_euler_max_error(one, Fa, T, int(L), lambda t: np.exp(Ka * t)) for L in Ls])
    att_ratio = float(np.max(att / _euler_bound(T / Ls, Ma, Ka, T)))

    Fg = _generic_field(8, gen)
    z0 = gen.standard_normal(8)
    ref = _rk4(z0, Fg, T, 2**14)
    err_g = np.array([np.abs(resnet_euler(z0, Fg, T, int(L)) - ref).max() for L in Ls])
    return ResNetODEResult(
        depths=Ls.astype(float),
        err=err,
        bound=bound,
        err_generic=err_g,
        rate=loglog_slope(Ls, err),
        rate_generic=loglog_slope(Ls, err_g),
        scaled_err_ratio=float((Ls[-1] * err[-1]) / (Ls[-2] * err[-2])),
        exact=exact,
        predicted=-1.0,
        max_bound_ratio=float(np.max(max_err / bound)),
        attained_ratio=att_ratio,
        attained_KT=float(Ka * T),
        growth_factor=float(math.exp(K * T) - 1.0),
    )


declare_check(
    "architectures.resnet_ode_limit",
    quantity="fitted slope of log ResNet error against log depth L",
    claim="rate",
    relation="approx",
    measure="rate",
    predict="predicted",
    tolerance=0.1,
    reason="pre-asymptotic range: slope fitted over the stated depths (8..2048), Euler error is C/L + O(1/L^2)",
    hypotheses="Lipschitz, C^1 vector field on [0, T], step h = T/L, forward Euler (one residual block per step)",
    wrong="second-order convergence, slope -2 (the order of a midpoint/Heun scheme)",
    wrong_predict=-2.0,
    demo=resnet_ode_demo,
)
declare_check(
    "architectures.resnet_ode_limit",
    label="bound",
    quantity="largest max_k |x_k - x(t_k)| over the bound hM/(2K)(e^{KT}-1), over the depths (tanh problem)",
    claim="upper bound",
    relation="<=",
    measure="max_bound_ratio",
    predict=1.0,
    tolerance=1e-9,
    reason="float64 rounding of the Euler states and of M = sup|x''| (computed on a 4001-point grid)",
    hypotheses="F(x,t) = cos(t) tanh(x) coordinatewise, 1-Lipschitz in the sup norm (K = 1), C^2 solution",
    wrong="the bound without its factor e^{KT} - 1, i.e. hM/(2K)",
    wrong_measure=lambda r: float(r.max_bound_ratio * r.growth_factor),
    demo=resnet_ode_demo,
)
declare_check(
    "architectures.resnet_ode_limit",
    label="attained",
    quantity="max_k |x_k - x(t_k)| over hM/(2K)(e^{KT}-1) for x' = Kx, KT = 0.02 (largest over the depths)",
    claim="upper bound",
    relation="<=",
    measure="attained_ratio",
    predict=1.0,
    tolerance=1e-9,
    min_tightness=0.9,
    reason="float64 rounding; the instance attains the constant up to KT/(e^{KT}-1) ~ 0.99 and O(h)",
    hypotheses="F(x,t) = Kx, K-Lipschitz, x(t) = e^{Kt} with |x''| <= K^2 e^{KT} = M on [0, T]",
    wrong="0.9 x the bound (a constant 1/(2.2K) instead of 1/(2K))",
    wrong_predict=0.9,
    demo=resnet_ode_demo,
)


@demo_result
class ResNetStabilityResult(DemoResult):
    """Result of :func:`resnet_stability_demo`.

    Attributes
    ----------
    depths : numpy.ndarray
        The depths L (float).
    jac_norm : numpy.ndarray
        Largest spectral norm of the input-output Jacobian over 5 inputs, per depth.
    bound : numpy.ndarray
        The bound prod_k (1 + h K_k), per depth.
    exp_bound : numpy.ndarray
        The cruder bound exp(max_k K_k), per depth.
    inv_errors : numpy.ndarray
        Errors of the fixed-point iterates inverting one block.
    inv_rate : float
        Largest ratio of successive inversion errors.
    predicted : float
        The contraction factor hK of that block (the predicted rate).
    inv_recon_err : float
        Relative error of the inversion of the whole network.
    antisym_max_real : float
        Largest ``|Re lambda| / |lambda|`` of the linearised antisymmetric block.
    attained_ratio : float
        Jacobian norm over the bound for rank-one aligned blocks at x = 0 (1 when attained).
    """

    depths: np.ndarray
    jac_norm: np.ndarray
    bound: np.ndarray
    exp_bound: np.ndarray
    inv_errors: np.ndarray
    inv_rate: float
    predicted: float
    inv_recon_err: float
    antisym_max_real: float
    attained_ratio: float = float("nan")

    def plot(self, ax=None):
        fig, axs = figure_grid(2, width=7.0, height=3.0) if ax is None else (None, ax)
        a1, a2 = axs[0, 0], axs[0, 1]
        a1.semilogx(self.depths, self.jac_norm, "o-", label=r"max $\|D\Phi(x)\|_2$ (5 points)")
        a1.semilogx(self.depths, self.bound, "s--", label=r"$(1+hK_1)\cdots(1+hK_L)$")
        a1.semilogx(self.depths, self.exp_bound, ":", color="0.3", label=r"$\exp(\max_k K_k)$")
        a1.set_xlabel("depth $L$ ($h = 1/L$)")
        a1.set_ylabel("Lipschitz constant")
        a1.set_ylim(0, 1.5 * float(np.max(self.exp_bound)))
        a1.legend(loc="upper center", ncol=1)
        j = np.arange(len(self.inv_errors))
        a2.semilogy(j, self.inv_errors, "o-", label=r"$\|x^j - x\|$")
        a2.semilogy(j, self.inv_errors[0] * self.predicted**j, "--", color="0.4", label=r"$(hK)^j \|x^0 - x\|$")
        a2.set_xlabel("fixed-point iteration $j$")
        a2.set_ylabel("inversion error")
        a2.legend()
        return axs


def resnet_stability_demo(
    *, depths: Any = (8, 64, 512), d: int = 16, seed: int = 0, device: str | torch.device = "cpu"
) -> ResNetStabilityResult:
    r"""Depth-uniform Lipschitz bounds and invertibility of residual networks.

    For :class:`ResidualNetwork` (tanh blocks, :math:`W_k \sim N(0, 1/d)`, :math:`h = 1/L`)
    the spectral norm of the exact Jacobian :math:`D\Phi(x)` (``torch.func.jacrev``) at 5
    random points is compared with :math:`\prod_k (1 + hK_k) \le e^{h\sum_k K_k}`. The block
    with the largest :math:`hK` of the shallowest network is inverted by fixed-point
    iteration; the error after :math:`j` steps is compared with :math:`(hK)^j`. Finally, the
    linearisation :math:`D\,W` (:math:`D` diagonal positive) of an antisymmetric block has
    purely imaginary spectrum.

    Parameters
    ----------
    depths : sequence of int, default (8, 64, 512)
    d : int, default 16
        State dimension, >= 2.
    seed : int, default 0
    device : str or torch.device, default "cpu"
        Where the networks run (results are returned on the CPU).

    Returns
    -------
    ResNetStabilityResult
        ``depths``, ``jac_norm`` (max over 5 points), ``bound``
        (:math:`\prod(1+hK_k)`), ``exp_bound`` (:math:`e^{\max_k K_k}`), ``inv_errors``
        (error of the fixed-point iterates), ``inv_rate`` (largest observed ratio of
        consecutive errors), ``predicted`` (:math:`hK` of the inverted block),
        ``inv_recon_err`` (relative error of inverting the whole shallowest network) and
        ``antisym_max_real`` (largest :math:`|\mathrm{Re}\,\lambda|` for the antisymmetric
        block, relative to the spectral radius).

    References
    ----------
    Book, chapter *Residual networks as ODEs*, theorem ``architectures-resnet_stability``;
    Behrmann et al. (2019); Haber and Ruthotto (2017).
    """
    Ls = check_int_sequence(depths, "depths", minimum=1)
    d = check_int(d, "d", minimum=2)
    device = check_device(device)
    gen = torch_generator(seed)
    jac, bnd, ebnd = [], [], []
    x = torch.randn(5, d, generator=gen, dtype=torch.float64).to(device)
    for i, L in enumerate(Ls):
        net = ResidualNetwork(d, L, T=1.0, seed=seed + 1 + i, dtype=torch.float64, device=device)
        Js = torch.func.vmap(torch.func.jacrev(net))(x)
        jac.append(float(torch.linalg.matrix_norm(Js.detach(), ord=2).max()))
        K = net.lipschitz_constants()
        bnd.append(net.lipschitz_bound())
        ebnd.append(float(np.exp(K.max())))
    # an instance attaining (a): rank-one weights K_k v v^T, zero bias, at x = 0 the Jacobian
    # is prod_k (I + h K_k v v^T), of norm prod_k (1 + h K_k) in the direction v
    v = torch.randn(d, generator=gen, dtype=torch.float64)
    v = v / v.norm()
    L0 = Ls[0]
    blocks = [
        ResidualBlock((0.5 + k / L0) * torch.outer(v, v), torch.zeros(d, dtype=torch.float64), 1.0 / L0)
        for k in range(L0)
    ]

    anet = ResidualNetwork(d, L0, T=1.0, seed=seed, dtype=torch.float64, device="cpu")
    anet.blocks = nn.ModuleList(blocks)
    J0 = torch.func.jacrev(anet)(torch.zeros(d, dtype=torch.float64)).detach()
    att_bound = anet.lipschitz_bound()
    attained = float(torch.linalg.matrix_norm(J0, ord=2)) / att_bound
    # inversion of the block with the largest hK of the shallowest network
    net = ResidualNetwork(d, Ls[0], T=1.0, seed=seed + 1, dtype=torch.float64, device=device)
    hK = net.h * net.lipschitz_constants()
    block = net.blocks[int(np.argmax(hK))]
    x_true = torch.randn(d, generator=gen, dtype=torch.float64).to(device)
    with torch.no_grad():
        y = block(x_true)
    _, its = block.inverse(y, 60, return_iterates=True)
    errs = np.array([float((it - x_true).norm()) for it in its])
    keep = errs > 1e-13 * float(x_true.norm())
    ratios = errs[1:][keep[1:]] / errs[:-1][keep[1:]]
    with torch.no_grad():
        recon = _rel(net.inverse(net(x), 80), x)
    # antisymmetric block: eigenvalues of diag(tanh') W
    anet = ResidualNetwork(d, 1, antisymmetric=True, seed=seed + 99, dtype=torch.float64, device=device)
    W = anet.blocks[0].weight.detach()
    pre = x @ W.T + anet.blocks[0].bias.detach()
    worst = 0.0
    for row in pre:
        D = torch.diag(1.0 - torch.tanh(row) ** 2)
        ev = torch.linalg.eigvals(D @ W)
        worst = max(worst, float(ev.real.abs().max() / ev.abs().max()))
    return ResNetStabilityResult(
        depths=np.array(Ls, dtype=float),
        jac_norm=np.array(jac),
        bound=np.array(bnd),
        exp_bound=np.array(ebnd),
        inv_errors=errs[keep],
        inv_rate=float(ratios.max()),
        predicted=float(hK.max()),
        inv_recon_err=recon,
        antisym_max_real=worst,
        attained_ratio=attained,
    )


declare_check(
    "architectures.resnet_stability",
    quantity="largest Jacobian norm over the bound prod(1 + h K_k)",
    claim="upper bound",
    relation="<=",
    measure=lambda r: float(np.max(r.jac_norm / r.bound)),
    predict=1.0,
    tolerance=1e-12,
    reason="float64 rounding of the products and of the spectral norms",
    hypotheses="each residual block x + h f_k(x) with f_k K_k-Lipschitz (spectral norm of W_k times 1-Lipschitz tanh)",
    wrong="non-expansive blocks (Jacobian norm at most 1), i.e. the product bound replaced by 1",
    wrong_measure=lambda r: float(np.max(r.jac_norm)),
    demo=resnet_stability_demo,
)
declare_check(
    "architectures.resnet_stability",
    label="attained",
    quantity="Jacobian norm over prod(1 + h K_k) for rank-one aligned blocks at x = 0",
    claim="upper bound",
    relation="<=",
    measure="attained_ratio",
    predict=1.0,
    tolerance=1e-12,
    min_tightness=0.9,
    reason="float64 rounding; the instance attains the bound exactly",
    hypotheses="blocks x + h tanh(K_k v v^T x), K_k-Lipschitz, tanh'(0) = 1, evaluated at x = 0",
    wrong="0.9 x the bound prod(1 + h K_k)",
    wrong_predict=0.9,
    demo=resnet_stability_demo,
)
