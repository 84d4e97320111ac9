r"""Kernels, Gaussian processes, infinite width and depth, generalisation (Part IV).

The module serves the three chapters of Part IV of the book:

* *Kernels, RKHS and random features* (chapter 9): random Fourier features
  (:func:`rff_features`, :func:`rff_demo`), arc-cosine kernels (:func:`relu_expectation`,
  :func:`step_expectation`, :func:`arccos_kernel`, :func:`arccos_demo`), kernel ridge
  regression and Gaussian-process regression (:func:`krr_fit`, :func:`gp_posterior`,
  :func:`krr_demo`, :func:`krr_risk_closed_form`, :func:`krr_bias_variance_demo`).
* *Infinite width and depth* (chapter 10): the NNGP and NTK kernels of the fully connected
  network :func:`dlmath.nets.mlp` (:func:`nngp_kernel`, :func:`ntk_kernel`), the empirical
  NTK (:func:`empirical_ntk`), and the demos :func:`nngp_demo`, :func:`ntk_limit_demo`,
  :func:`depth_limit_demo` (with :func:`correlation_map`), :func:`lazy_training_demo` and
  :func:`diabetes_ntk_demo`.
* *Generalisation bounds and double descent* (chapter 11): :func:`double_descent_closed_form`,
  :func:`double_descent_demo`, :func:`rademacher_linear`, :func:`rademacher_demo`.

Conventions (fixed for the whole package): the network with ``depth`` :math:`=L` hidden layers is

.. math::

    h^1 = \sqrt{\sigma_w^2/d}\,W^1x + \sigma_b b^1,\quad
    h^{\ell+1} = \sqrt{\sigma_w^2/n}\,W^{\ell+1}\phi(h^\ell) + \sigma_b b^{\ell+1},\quad f = h^{L+1},

and its kernels are :math:`K^1(x,x') = \sigma_b^2 + \sigma_w^2 x\cdot x'/d`,
:math:`K^{\ell+1} = \sigma_b^2 + \sigma_w^2\,\mathbb E[\phi(u)\phi(v)]`,
:math:`\dot K^{\ell+1} = \sigma_w^2\,\mathbb E[\phi'(u)\phi'(v)]` with
:math:`(u,v)\sim N(0, K^\ell|_{\{x,x'\}})`, :math:`\Theta^1 = K^1`,
:math:`\Theta^{\ell+1} = \Theta^\ell \dot K^{\ell+1} + K^{\ell+1}`.
Nothing heavy happens at import time.
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np

from .plotting import axes, slope_guide
from .results import DemoResult, declare_check, demo_result
from .utils import check_array, check_bool, check_choice, check_int, check_real, loglog_slope, rng, torch_generator

__all__ = [
    "KERNEL_ACTIVATIONS",
    "nngp_kernel",
    "ntk_kernel",
    "empirical_ntk",
    "relu_expectation",
    "step_expectation",
    "arccos_kernel",
    "gaussian_kernel",
    "rff_features",
    "krr_fit",
    "gp_posterior",
    "krr_risk_closed_form",
    "correlation_map",
    "double_descent_closed_form",
    "weak_features_risk",
    "rademacher_linear",
    "rff_demo",
    "arccos_demo",
    "krr_demo",
    "krr_bias_variance_demo",
    "nngp_demo",
    "ntk_limit_demo",
    "depth_limit_demo",
    "lazy_training_demo",
    "diabetes_ntk_demo",
    "double_descent_demo",
    "rademacher_demo",
    "norm_bound_demo",
    "RFFResult",
    "ArccosResult",
    "KRRResult",
    "KRRBiasVarianceResult",
    "NNGPResult",
    "NTKLimitResult",
    "DepthLimitResult",
    "LazyTrainingResult",
    "DiabetesNTKResult",
    "DoubleDescentResult",
    "RademacherResult",
    "NormBoundResult",
]

#: Activations with closed-form Gaussian expectations in :func:`nngp_kernel` / :func:`ntk_kernel`.
KERNEL_ACTIVATIONS = ("relu", "erf")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def _slope_se(x: Any, Y: np.ndarray) -> float:
    r"""Standard error of a fitted log-log slope from its spread over seeds.

    ``Y`` has shape ``(n_seeds, len(x))``; the slope of each seed's curve is fitted and the
    standard error is their standard deviation over :math:`\sqrt{n_{\rm seeds}}`. With one
    seed, the residual standard error of the least-squares fit is returned instead.
    """
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    lx = np.log(np.asarray(x, dtype=float))
    if Y.shape[0] >= 2:
        slopes = np.array([loglog_slope(x, row) for row in Y])
        return float(slopes.std(ddof=1) / math.sqrt(len(slopes)))
    ly = np.log(Y[0])
    A = np.column_stack([lx, np.ones_like(lx)])
    coef, *_ = np.linalg.lstsq(A, ly, rcond=None)
    dof = max(len(lx) - 2, 1)
    s2 = float(np.sum((ly - A @ coef) ** 2)) / dof
    return float(math.sqrt(s2 / np.sum((lx - lx.mean()) ** 2)))


def _torch():
    import torch

    return torch


def _as_input(X: Any, name: str):
    """A float64 CPU tensor of shape (n, d) from a numpy array, list or tensor."""
    torch = _torch()
    if isinstance(X, torch.Tensor):
        t = X.detach().to(dtype=torch.float64)
        if t.ndim != 2:
            raise ValueError(f"{name} must have 2 dimensions (n, d), got shape {tuple(t.shape)}")
        if t.shape[0] < 1 or t.shape[1] < 1:
            raise ValueError(f"{name} must have at least one row and one column, got shape {tuple(t.shape)}")
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f"{name} must contain only finite numbers")
        return t
    arr = check_array(X, name, ndim=2, min_size=1)
    return torch.as_tensor(arr, dtype=torch.float64)


def _pair(X1: Any, X2: Any):
    A = _as_input(X1, "X1")
    B = A if X2 is None else _as_input(X2, "X2")
    if B.shape[1] != A.shape[1]:
        raise ValueError(f"X2 must have as many columns as X1 ({A.shape[1]}), got {B.shape[1]}")
    if X2 is not None:
        B = B.to(A.device)
    return A, B


def _layer(K, q1, q2, sw2, sb2, activation, ntk: bool):
    """One step of the recursion on a Gram block: returns (K_next, Kdot_next or None).

    Written with in-place operations so that Gram matrices of thousands of points stay fast."""
    torch = _torch()
    if activation == "relu":
        pos1, pos2 = q1 > 0, q2 > 0
        s1 = torch.sqrt(q1)
        s2 = torch.sqrt(q2)
        r1 = torch.where(pos1, 1.0 / torch.where(pos1, s1, torch.ones_like(s1)), torch.zeros_like(s1))
        r2 = torch.where(pos2, 1.0 / torch.where(pos2, s2, torch.ones_like(s2)), torch.zeros_like(s2))
        c = K * r1[:, None]
        c.mul_(r2[None, :]).clamp_(-1.0, 1.0)
        pm = torch.arccos(c).neg_().add_(math.pi)  # pi - theta
        J = c * pm
        J.add_(c.mul_(c).neg_().add_(1.0).clamp_(min=0.0).sqrt_())  # sin(theta) + (pi - theta) cos(theta)
        J.mul_(s1[:, None] * (sw2 / (2 * math.pi))).mul_(s2[None, :]).add_(sb2)
        ed = None
        if ntk:
            ed = pm.mul_(sw2 / (2 * math.pi))
            if not (bool(pos1.all()) and bool(pos2.all())):
                ed.mul_((pos1[:, None] & pos2[None, :]).to(ed.dtype))
        return J, ed
    # erf
    ra1 = torch.rsqrt(1.0 + 2.0 * q1)
    ra2 = torch.rsqrt(1.0 + 2.0 * q2)
    ratio = K * (2.0 * ra1)[:, None]
    ratio.mul_(ra2[None, :]).clamp_(-1.0, 1.0)
    ed = None
    if ntk:
        ed = ratio * ratio
        ed.neg_().add_(1.0).clamp_(min=1e-300).rsqrt_().mul_((4.0 / math.pi) * sw2 * ra1[:, None]).mul_(ra2[None, :])
    Kn = torch.arcsin(ratio).mul_(2.0 * sw2 / math.pi).add_(sb2)
    return Kn, ed


def _diag_next(q, sw2, sb2, activation):
    torch = _torch()
    if activation == "relu":
        return sb2 + sw2 * q / 2.0
    return sb2 + sw2 * (2.0 / math.pi) * torch.arcsin(2.0 * q / (1.0 + 2.0 * q))


def _kernel_recursion(X1, X2, depth, sw2, sb2, activation, ntk: bool):
    torch = _torch()
    depth = check_int(depth, "depth", minimum=0)
    sw2 = check_real(sw2, "sw2", minimum=0.0, strict_min=True)
    sb2 = check_real(sb2, "sb2", minimum=0.0)
    activation = check_choice(activation, "activation", KERNEL_ACTIVATIONS)
    A, B = _pair(X1, X2)
    d = A.shape[1]
    sym = X2 is None
    q1 = sb2 + sw2 * (A * A).sum(1) / d
    q2 = q1 if sym else sb2 + sw2 * (B * B).sum(1) / d
    K = (A @ B.T).mul_(sw2 / d).add_(sb2)
    if sym:  # exact symmetry and diagonal
        K = 0.5 * (K + K.T)
        K.diagonal().copy_(q1)
    theta = K.clone() if ntk else None
    for _ in range(depth):
        K, ed = _layer(K, q1, q2, sw2, sb2, activation, ntk)
        if sym and ntk and activation == "relu":
            # on the diagonal the angle is exactly 0: arccos of a cosine rounded to 1 - 1e-16
            # would give 1.5e-8 instead
            ed.diagonal().copy_(torch.where(q1 > 0, sw2 / 2.0, 0.0))
        q1 = _diag_next(q1, sw2, sb2, activation)
        q2 = q1 if sym else _diag_next(q2, sw2, sb2, activation)
        if sym:
            K.diagonal().copy_(q1)
        if ntk:
            theta.mul_(ed).add_(K)
    outs = [K, theta] if ntk else [K]
    if sym:  # elementwise rounding may differ in the last bit between (i, j) and (j, i)
        outs = [torch.triu(o) + torch.triu(o, 1).T for o in outs]
    return tuple(outs) if ntk else outs[0]


def nngp_kernel(X1: Any, X2: Any = None, *, depth: int, sw2: float = 2.0, sb2: float = 0.0, activation: str = "relu"):
    r"""The NNGP kernel: covariance of the output of an infinitely wide random network.

    For the network :func:`dlmath.nets.mlp` with ``depth`` :math:`=L` hidden layers,
    the output at initialisation converges (width :math:`\to\infty`) to a centred Gaussian
    process with covariance :math:`K^{L+1}`, where

    .. math::

        K^1(x,x') = \sigma_b^2 + \sigma_w^2\, x\cdot x'/d,\qquad
        K^{\ell+1}(x,x') = \sigma_b^2 + \sigma_w^2\, \mathbb E_{(u,v)\sim N(0,K^\ell|_{x,x'})}[\phi(u)\phi(v)].

    ReLU uses the arc-cosine formula :func:`relu_expectation`; erf uses
    :math:`\mathbb E[\mathrm{erf}(u)\mathrm{erf}(v)] = \tfrac{2}{\pi}\arcsin\bigl(2k_{12}/\sqrt{(1+2k_{11})(1+2k_{22})}\bigr)`.

    Parameters
    ----------
    X1 : array_like or torch.Tensor, shape (n1, d)
    X2 : array_like or torch.Tensor, shape (n2, d), optional
        Defaults to ``X1`` (then the result is exactly symmetric).
    depth : int
        Number of hidden layers :math:`L \ge 0`.
    sw2, sb2 : float
        :math:`\sigma_w^2 > 0` and :math:`\sigma_b^2 \ge 0`.
    activation : {"relu", "erf"}

    Returns
    -------
    torch.Tensor, shape (n1, n2), float64

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Neal (1996); Lee et al. (2018);
    Matthews et al. (2018).
    """
    return _kernel_recursion(X1, X2, depth, sw2, sb2, activation, ntk=False)


def ntk_kernel(X1: Any, X2: Any = None, *, depth: int, sw2: float = 2.0, sb2: float = 0.0, activation: str = "relu",
               return_nngp: bool = False):
    r"""The infinite-width neural tangent kernel of :func:`dlmath.nets.mlp` (NTK parameterisation).

    .. math::

        \Theta^1 = K^1,\qquad \Theta^{\ell+1} = \Theta^\ell\,\dot K^{\ell+1} + K^{\ell+1},\qquad
        \dot K^{\ell+1}(x,x') = \sigma_w^2\,\mathbb E[\phi'(u)\phi'(v)],

    with :math:`K^\ell` as in :func:`nngp_kernel`; the output kernel is :math:`\Theta^{L+1}`.
    For ReLU, :math:`\mathbb E[\phi'(u)\phi'(v)] = (\pi-\theta)/(2\pi)`
    (:func:`step_expectation`); for erf it is :math:`\tfrac{4}{\pi}\det(I+2K)^{-1/2}`.

    The recursion computes the NNGP kernel on the way; ``return_nngp=True`` returns both at the
    cost of one.

    Parameters
    ----------
    X1, X2, depth, sw2, sb2, activation
        As in :func:`nngp_kernel`.
    return_nngp : bool, default False
        Also return :math:`K^{L+1}` (equal to :func:`nngp_kernel` with the same arguments).

    Returns
    -------
    torch.Tensor, shape (n1, n2), float64
        :math:`\Theta^{L+1}`; with ``return_nngp`` the pair ``(nngp, ntk)``.

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Jacot, Gabriel, Hongler (2018),
    Theorem 1; Arora et al. (2019).
    """
    return_nngp = check_bool(return_nngp, "return_nngp")
    nngp, ntk = _kernel_recursion(X1, X2, depth, sw2, sb2, activation, ntk=True)
    return (nngp, ntk) if return_nngp else ntk


def empirical_ntk(model: Any, X1: Any, X2: Any = None):
    r"""The empirical neural tangent kernel of a scalar-output network.

    .. math::

        \hat\Theta(x, x') = \sum_{p} \frac{\partial f_\theta(x)}{\partial\theta_p}
        \frac{\partial f_\theta(x')}{\partial\theta_p},

    the sum running over all trainable parameters. Per-example Jacobians are computed with
    :func:`torch.func.jacrev` vectorised by :func:`torch.func.vmap` (no loop over examples).

    Parameters
    ----------
    model : torch.nn.Module
        Maps a batch ``(b, d)`` to ``(b,)`` or ``(b, 1)``.
    X1 : array_like or torch.Tensor, shape (n1, d)
    X2 : array_like or torch.Tensor, shape (n2, d), optional
        Defaults to ``X1``.

    Returns
    -------
    torch.Tensor, shape (n1, n2)
        In the dtype and on the device of the model's parameters.

    Raises
    ------
    TypeError
        If ``model`` is not a module with trainable parameters.
    ValueError
        If the inputs are malformed or the output is not scalar.

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Jacot, Gabriel, Hongler (2018).
    """
    torch = _torch()
    from torch.func import functional_call, jacrev, vmap

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    params = {k: v.detach() for k, v in model.named_parameters() if v.requires_grad}
    if not params:
        raise TypeError("model must have trainable parameters")
    p0 = next(iter(params.values()))
    A, B = _pair(X1, X2)
    A = A.to(dtype=p0.dtype, device=p0.device)
    B = A if X2 is None else B.to(dtype=p0.dtype, device=p0.device)
    buffers = dict(model.named_buffers())

    with torch.no_grad():
        out = functional_call(model, (params, buffers), (A[:1],))
    if out.numel() != 1:
        raise ValueError(f"model must have a scalar output per example, got output shape {tuple(out.shape)}")

    def f(p, x):
        return functional_call(model, (p, buffers), (x.unsqueeze(0),)).reshape(())

    jac = vmap(jacrev(f), in_dims=(None, 0))
    J1 = jac(params, A)
    J2 = J1 if X2 is None else jac(params, B)
    n1, n2 = A.shape[0], B.shape[0]
    result = torch.zeros(n1, n2, dtype=p0.dtype, device=p0.device)
    for key in J1:
        result += J1[key].reshape(n1, -1) @ J2[key].reshape(n2, -1).T
    return result


# --------------------------------------------------------------------------------------------
# arc-cosine kernels
# --------------------------------------------------------------------------------------------
def _cov_args(k11, k12, k22):
    a = check_array(k11, "k11")
    b = check_array(k12, "k12")
    c = check_array(k22, "k22")
    try:
        a, b, c = np.broadcast_arrays(a, b, c)
    except ValueError:
        raise ValueError("k11, k12 and k22 must broadcast to a common shape") from None
    if np.any(a <= 0):
        raise ValueError("k11 must be positive")
    if np.any(c <= 0):
        raise ValueError("k22 must be positive")
    if np.any(b * b > a * c * (1 + 1e-12)):
        raise ValueError("k12 must satisfy k12**2 <= k11*k22 (a covariance matrix)")
    cos = np.clip(b / np.sqrt(a * c), -1.0, 1.0)
    return a, c, cos


def relu_expectation(k11: Any, k12: Any, k22: Any) -> np.ndarray:
    r""":math:`\mathbb E[\sigma(u)\sigma(v)]` for :math:`\sigma = \max(\cdot,0)` and a centred Gaussian pair.

    .. math::

        \mathbb E[\sigma(u)\sigma(v)] = \frac{\sqrt{k_{11}k_{22}}}{2\pi}\bigl(\sin\theta + (\pi-\theta)\cos\theta\bigr),
        \qquad \cos\theta = \frac{k_{12}}{\sqrt{k_{11}k_{22}}}.

    Parameters
    ----------
    k11, k12, k22 : array_like (broadcastable)
        Entries of the covariance matrix, :math:`k_{11}, k_{22} > 0`, :math:`k_{12}^2 \le k_{11}k_{22}`.

    Returns
    -------
    numpy.ndarray
        The expectation, with the broadcast shape.

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Cho and Saul (2009), eq. (6).
    """
    a, c, cos = _cov_args(k11, k12, k22)
    th = np.arccos(cos)
    return np.sqrt(a * c) * (np.sqrt(1 - cos**2) + (np.pi - th) * cos) / (2 * np.pi)


def step_expectation(k11: Any, k12: Any, k22: Any) -> np.ndarray:
    r""":math:`\mathbb E[\sigma'(u)\sigma'(v)] = \mathbb P(u>0, v>0) = (\pi-\theta)/(2\pi)`.

    Parameters and conventions as in :func:`relu_expectation` (Sheppard's formula).

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Cho and Saul (2009), eq. (6) with n=0.
    """
    _, _, cos = _cov_args(k11, k12, k22)
    return (np.pi - np.arccos(cos)) / (2 * np.pi)


def _J(n: int, th: np.ndarray) -> np.ndarray:
    if n == 0:
        return np.pi - th
    if n == 1:
        return np.sin(th) + (np.pi - th) * np.cos(th)
    return 3 * np.sin(th) * np.cos(th) + (np.pi - th) * (1 + 2 * np.cos(th) ** 2)


def arccos_kernel(X: Any, Y: Any, n: int = 1) -> np.ndarray:
    r"""The arc-cosine kernel of order ``n`` (Cho and Saul).

    .. math::

        k_n(x,y) = 2\,\mathbb E_{w\sim N(0,I_d)}\bigl[\Theta(w\cdot x)\Theta(w\cdot y)(w\cdot x)^n(w\cdot y)^n\bigr]
        = \frac1\pi \|x\|^n\|y\|^n J_n(\theta),

    :math:`J_0 = \pi-\theta`, :math:`J_1 = \sin\theta+(\pi-\theta)\cos\theta`,
    :math:`J_2 = 3\sin\theta\cos\theta + (\pi-\theta)(1+2\cos^2\theta)`.

    Parameters
    ----------
    X : array_like, shape (n1, d)
    Y : array_like, shape (n2, d)
        Nonzero rows.
    n : {0, 1, 2}, default 1

    Returns
    -------
    numpy.ndarray, shape (n1, n2)

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Cho and Saul (2009), eqs. (6)-(7).
    """
    Xa = check_array(X, "X", ndim=2, min_size=1)
    Ya = check_array(Y, "Y", ndim=2, min_size=1)
    if Xa.shape[1] != Ya.shape[1]:
        raise ValueError(f"Y must have as many columns as X ({Xa.shape[1]}), got {Ya.shape[1]}")
    n = check_int(n, "n", minimum=0, maximum=2)
    nx = np.linalg.norm(Xa, axis=1)
    ny = np.linalg.norm(Ya, axis=1)
    if np.any(nx == 0):
        raise ValueError("X must have nonzero rows")
    if np.any(ny == 0):
        raise ValueError("Y must have nonzero rows")
    cos = np.clip((Xa @ Ya.T) / np.outer(nx, ny), -1.0, 1.0)
    return np.outer(nx**n, ny**n) * _J(n, np.arccos(cos)) / np.pi


# --------------------------------------------------------------------------------------------
# random features, kernel ridge regression, Gaussian processes
# --------------------------------------------------------------------------------------------
def gaussian_kernel(X: Any, Y: Any = None, lengthscale: float = 1.0) -> np.ndarray:
    r"""The Gaussian kernel :math:`k(x,y) = \exp(-\|x-y\|^2/(2\ell^2))`.

    Parameters
    ----------
    X : array_like, shape (n1, d)
    Y : array_like, shape (n2, d), optional
        Defaults to ``X``.
    lengthscale : float, default 1.0
        :math:`\ell > 0`.

    Returns
    -------
    numpy.ndarray, shape (n1, n2)

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Rasmussen and Williams (2006), sec. 4.2.
    """
    Xa = check_array(X, "X", ndim=2, min_size=1)
    Ya = Xa if Y is None else check_array(Y, "Y", ndim=2, min_size=1)
    if Ya.shape[1] != Xa.shape[1]:
        raise ValueError(f"Y must have as many columns as X ({Xa.shape[1]}), got {Ya.shape[1]}")
    ell = check_real(lengthscale, "lengthscale", minimum=0.0, strict_min=True)
    sq = (Xa**2).sum(1)[:, None] + (Ya**2).sum(1)[None, :] - 2 * Xa @ Ya.T
    return np.exp(-np.maximum(sq, 0.0) / (2 * ell**2))


def rff_features(X: Any, D: int, lengthscale: float = 1.0, seed: int = 0) -> np.ndarray:
    r"""Random Fourier features of the Gaussian kernel (Rahimi and Recht).

    :math:`z(x) = \sqrt{2/D}\,\bigl(\cos(w_j\cdot x + b_j)\bigr)_{j\le D}` with
    :math:`w_j \sim N(0, \ell^{-2} I_d)` (the spectral density of
    :math:`\exp(-\|x-y\|^2/(2\ell^2))`) and :math:`b_j \sim U[0, 2\pi]`, so that
    :math:`\mathbb E[z(x)^\top z(y)] = k(x,y)`.

    Parameters
    ----------
    X : array_like, shape (n, d)
    D : int
        Number of features, >= 1.
    lengthscale : float, default 1.0
    seed : int, default 0
        The same seed gives the same frequencies, so features of different inputs can be combined.

    Returns
    -------
    numpy.ndarray, shape (n, D)

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Rahimi and Recht (2007).
    """
    Xa = check_array(X, "X", ndim=2, min_size=1)
    D = check_int(D, "D", minimum=1)
    ell = check_real(lengthscale, "lengthscale", minimum=0.0, strict_min=True)
    g = rng(seed)
    W = g.standard_normal((Xa.shape[1], D)) / ell
    b = g.uniform(0.0, 2 * np.pi, D)
    return np.sqrt(2.0 / D) * np.cos(Xa @ W + b)


def _check_gram(K: Any, name: str) -> np.ndarray:
    Ka = check_array(K, name, ndim=2, min_size=1)
    if Ka.shape[0] != Ka.shape[1]:
        raise ValueError(f"{name} must be square, got shape {Ka.shape}")
    if not np.allclose(Ka, Ka.T, rtol=1e-10, atol=1e-12 * max(1.0, float(np.abs(Ka).max()))):
        raise ValueError(f"{name} must be symmetric")
    return 0.5 * (Ka + Ka.T)


def krr_fit(K: Any, y: Any, lam: float) -> np.ndarray:
    r"""Coefficients of kernel ridge regression.

    The minimiser of :math:`\frac1n\sum_i (f(x_i)-y_i)^2 + \lambda\|f\|_{\mathcal H}^2` is
    :math:`\hat f_\lambda = \sum_i \alpha_i k(\cdot, x_i)` with :math:`\alpha = (K + n\lambda I)^{-1}y`
    (representer theorem); ``lam = 0`` gives the minimum-norm interpolant :math:`\alpha = K^{-1}y`
    (``K`` must then be invertible).

    Parameters
    ----------
    K : array_like, shape (n, n)
        Symmetric positive semi-definite Gram matrix :math:`K_{ij} = k(x_i,x_j)`.
    y : array_like, shape (n,) or (n, m)
    lam : float
        :math:`\lambda \ge 0`.

    Returns
    -------
    numpy.ndarray
        :math:`\alpha`, the shape of ``y``.

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Schölkopf, Herbrich, Smola (2001).
    """
    Ka = _check_gram(K, "K")
    ya = check_array(y, "y")
    if ya.ndim not in (1, 2) or ya.shape[0] != Ka.shape[0]:
        raise ValueError(f"y must have shape (n,) or (n, m) with n = {Ka.shape[0]}, got {ya.shape}")
    lam = check_real(lam, "lam", minimum=0.0)
    n = Ka.shape[0]
    return np.linalg.solve(Ka + n * lam * np.eye(n), ya)


def gp_posterior(Kxx: Any, Kxs: Any, Kss: Any, y: Any, noise: float) -> tuple[np.ndarray, np.ndarray]:
    r"""Posterior of a centred Gaussian process given noisy observations.

    If :math:`f\sim GP(0,k)` and :math:`y = f(X) + \varepsilon`, :math:`\varepsilon\sim N(0, s^2 I)`,
    then :math:`f(X_*)\mid y` is Gaussian with

    .. math::

        m = K_{*x}(K_{xx} + s^2 I)^{-1} y,\qquad
        C = K_{**} - K_{*x}(K_{xx}+s^2I)^{-1}K_{x*}.

    Parameters
    ----------
    Kxx : array_like, shape (n, n)
        Gram matrix of the training inputs.
    Kxs : array_like, shape (n, m)
        Cross-covariances :math:`k(x_i, x_{*j})`.
    Kss : array_like, shape (m, m)
        Gram matrix of the test inputs.
    y : array_like, shape (n,)
    noise : float
        The noise variance :math:`s^2 \ge 0` (``0`` conditions on exact values; then ``Kxx``
        must be invertible).

    Returns
    -------
    mean : numpy.ndarray, shape (m,)
    cov : numpy.ndarray, shape (m, m)

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Rasmussen and Williams (2006), sec. 2.2.
    """
    A = _check_gram(Kxx, "Kxx")
    n = A.shape[0]
    C = check_array(Kxs, "Kxs", ndim=2)
    if C.shape[0] != n:
        raise ValueError(f"Kxs must have {n} rows, got shape {C.shape}")
    S = _check_gram(Kss, "Kss")
    if S.shape[0] != C.shape[1]:
        raise ValueError(f"Kss must be ({C.shape[1]}, {C.shape[1]}), got {S.shape}")
    ya = check_array(y, "y", ndim=1)
    if ya.shape[0] != n:
        raise ValueError(f"y must have length {n}, got {ya.shape[0]}")
    s2 = check_real(noise, "noise", minimum=0.0)
    M = A + s2 * np.eye(n)
    try:
        L = np.linalg.cholesky(M)
        V = np.linalg.solve(L, C)
        w = np.linalg.solve(L, ya)
        mean = V.T @ w
        cov = S - V.T @ V
    except np.linalg.LinAlgError:
        sol = np.linalg.solve(M, np.column_stack([ya, C]))
        mean = C.T @ sol[:, 0]
        cov = S - C.T @ sol[:, 1:]
    return mean, 0.5 * (cov + cov.T)


def krr_risk_closed_form(K: Any, fstar: Any, sigma: float, lam: float) -> tuple[float, float]:
    r"""Exact fixed-design risk of kernel ridge regression, split into bias and variance.

    With :math:`S_\lambda = K(K+n\lambda I)^{-1}` and :math:`y = f^* + \varepsilon`,
    :math:`\mathbb E\varepsilon = 0`, :math:`\mathrm{Cov}\,\varepsilon = \sigma^2 I`,

    .. math::

        \mathbb E\,\tfrac1n\|S_\lambda y - f^*\|^2
        = \underbrace{\tfrac1n\|(I-S_\lambda)f^*\|^2}_{\text{bias}^2}
        + \underbrace{\tfrac{\sigma^2}{n}\operatorname{tr}(S_\lambda^2)}_{\text{variance}}.

    Parameters
    ----------
    K : array_like, shape (n, n)
        Positive semi-definite Gram matrix.
    fstar : array_like, shape (n,)
        Values of the regression function at the design points.
    sigma : float
        Noise standard deviation, >= 0.
    lam : float
        :math:`\lambda > 0`.

    Returns
    -------
    (bias2, var) : tuple of float

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Bach (2024), chapter 7.
    """
    Ka = _check_gram(K, "K")
    f = check_array(fstar, "fstar", ndim=1)
    if f.shape[0] != Ka.shape[0]:
        raise ValueError(f"fstar must have length {Ka.shape[0]}, got {f.shape[0]}")
    sigma = check_real(sigma, "sigma", minimum=0.0)
    lam = check_real(lam, "lam", minimum=0.0, strict_min=True)
    n = Ka.shape[0]
    mu, V = np.linalg.eigh(Ka)
    mu = np.maximum(mu, 0.0)
    shrink = n * lam / (mu + n * lam)  # eigenvalues of I - S
    fc = V.T @ f
    bias2 = float(np.sum((shrink * fc) ** 2) / n)
    var = float(sigma**2 * np.sum((1 - shrink) ** 2) / n)
    return bias2, var


# --------------------------------------------------------------------------------------------
# Demo: random Fourier features
# --------------------------------------------------------------------------------------------
@demo_result
class RFFResult(DemoResult):
    """Result of :func:`rff_demo`: sup error of random Fourier features against ``D``."""

    Ds: np.ndarray
    sup_err: np.ndarray
    rate: float
    var_emp: float
    var_pred: float
    predicted: float
    rate_se: float = float("nan")
    var_se: float = float("nan")
    var_wrong: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.Ds, self.sup_err, "o-", label="median sup error")
        slope_guide(ax, self.Ds, -0.5, anchor=(self.Ds[0], self.sup_err[0]), label="slope $-1/2$")
        ax.set_xlabel("number of features $D$")
        ax.set_ylabel(r"$\sup_{x,y}|z(x)^\top z(y) - k(x,y)|$")
        ax.legend()
        return ax


def rff_demo(
    *, Ds: Any = (64, 256, 1024, 4096, 16384), n_grid: int = 25, n_seeds: int = 5,
    n_var: int = 2_000_000, seed: int = 0,
) -> RFFResult:
    r"""Uniform convergence of random Fourier features for the Gaussian kernel.

    The kernel :math:`k(x,y) = e^{-\|x-y\|^2/2}` on an ``n_grid`` x ``n_grid`` grid of
    :math:`[-1,1]^2`; for each ``D`` the sup over all pairs of grid points of
    :math:`|z(x)^\top z(y) - k(x,y)|`, median over ``n_seeds`` seeds (features nested in ``D``).
    The fitted log-log slope is compared with :math:`-1/2`. Also the exact pointwise identity
    :math:`D\,\mathrm{Var}[z(x)^\top z(y)] = 1 + \kappa(2\delta)/2 - \kappa(\delta)^2` at
    :math:`\delta = x-y = (0.6, -0.3)`, estimated with ``n_var`` features.

    Parameters
    ----------
    Ds : sequence of int
        Increasing feature counts (at least two).
    n_grid, n_seeds, n_var : int
    seed : int, default 0

    Returns
    -------
    RFFResult
        ``Ds``, ``sup_err`` (median), ``rate`` (slope), ``predicted`` (-1/2), ``var_emp``, ``var_pred``.

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Rahimi and Recht (2007), Claim 1.
    """
    Ds = _check_int_grid(Ds, "Ds", minimum=1)
    n_grid = check_int(n_grid, "n_grid", minimum=2)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    n_var = check_int(n_var, "n_var", minimum=100)
    g = rng(seed)
    t = np.linspace(-1, 1, n_grid)
    X = np.stack(np.meshgrid(t, t), -1).reshape(-1, 2)
    K = gaussian_kernel(X)
    errs = np.empty((n_seeds, len(Ds)))
    Dmax = int(Ds[-1])
    for s in range(n_seeds):
        W = g.standard_normal((2, Dmax))
        b = g.uniform(0, 2 * np.pi, Dmax)
        acc = np.zeros_like(K)
        prev = 0
        for i, D in enumerate(Ds):
            Z = np.cos(X @ W[:, prev:D] + b[prev:D])
            acc += Z @ Z.T
            prev = int(D)
            errs[s, i] = np.abs(2.0 * acc / D - K).max()
    sup_err = np.median(errs, axis=0)
    # pointwise variance identity, one feature at a time
    delta = np.array([0.6, -0.3])
    x = np.array([0.2, 0.1])
    y = x - delta
    w = g.standard_normal((n_var, 2))
    bb = g.uniform(0, 2 * np.pi, n_var)
    terms = 2 * np.cos(w @ x + bb) * np.cos(w @ y + bb)
    kap = lambda v: float(np.exp(-0.5 * v @ v))  # noqa: E731
    var_pred = 1 + kap(2 * delta) / 2 - kap(delta) ** 2
    # standard error of the sample variance: sqrt((m4 - s^4)/N)
    cen = terms - terms.mean()
    s2 = float(np.mean(cen**2))
    var_se = math.sqrt(max(float(np.mean(cen**4)) - s2**2, 0.0) / n_var)
    return RFFResult(
        Ds=np.asarray(Ds, float), sup_err=sup_err, rate=loglog_slope(Ds, sup_err),
        var_emp=float(terms.var(ddof=1)), var_pred=float(var_pred), predicted=-0.5,
        rate_se=_slope_se(Ds, errs), var_se=float(var_se), var_wrong=float(1 - kap(delta) ** 2),
    )


declare_check(
    "kernels.random_fourier_features", label="rate",
    quantity="fitted slope of the median uniform random-feature error against D (D = 64 to the largest D)",
    claim="rate", relation="approx", measure="rate", predict=-0.5,
    tolerance=lambda r: 3 * float(r.rate_se) + 0.1,
    reason="3 standard errors of the slope over the seeds, plus 0.1 for the factor sqrt(log D) of the "
           "uniform bound, whose local slope is 1/(2 log D) <= 0.09 on this range",
    hypotheses="Gaussian kernel (shift invariant, spectral measure N(0, I)), compact grid of [-1, 1]^2, "
               "i.i.d. frequencies and uniform phases",
    wrong="the rate D^(-1/4) (a square root too many, e.g. bounding the sup by the root of the mean error)",
    wrong_predict=-0.25, demo=rff_demo)

declare_check(
    "kernels.random_fourier_features", label="variance",
    quantity="D times the variance of one random-feature product, Monte Carlo over n_var features",
    claim="identity", relation="approx", measure="var_emp", predict="var_pred",
    tolerance=lambda r: 4 * float(r.var_se),
    reason="4 Monte Carlo standard errors of a sample variance, sqrt((m4 - s^4)/N)",
    hypotheses="phase features sqrt(2) cos(w.x + b), w ~ N(0, I), b ~ U[0, 2 pi], independent",
    wrong="1 - kappa(delta)^2 (the phase term kappa(2 delta)/2 left out)",
    wrong_predict="var_wrong", demo=rff_demo)


def _check_int_grid(values: Any, name: str, minimum: int = 1) -> np.ndarray:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"{name} must be a sequence of integers, got {type(values).__name__}")
    vals = [check_int(v, f"{name}[{i}]", minimum=minimum) for i, v in enumerate(values)]
    if len(vals) < 2:
        raise ValueError(f"{name} must contain at least two values")
    if any(b <= a for a, b in zip(vals[:-1], vals[1:])):
        raise ValueError(f"{name} must be strictly increasing")
    return np.asarray(vals, dtype=np.int64)


# --------------------------------------------------------------------------------------------
# Demo: arc-cosine kernels
# --------------------------------------------------------------------------------------------
@demo_result
class ArccosResult(DemoResult):
    """Result of :func:`arccos_demo`: Monte Carlo vs closed form of the ReLU and step expectations."""

    thetas: np.ndarray
    mc: np.ndarray        # (2, m): E[relu relu], E[step step]
    mc_se: np.ndarray     # (2, m) standard errors
    closed: np.ndarray    # (2, m)
    max_z_score: float
    max_z_wrong: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        th = np.linspace(0, np.pi, 200)
        k11, k22 = 1.3, 0.7
        c = np.sqrt(k11 * k22) * np.cos(th)
        ax.plot(th, relu_expectation(k11, c, k22), label=r"$\mathbb{E}[\sigma(u)\sigma(v)]$ closed form")
        ax.plot(th, step_expectation(k11, c, k22), label=r"$\mathbb{E}[\sigma'(u)\sigma'(v)]$ closed form")
        ax.plot(self.thetas, self.mc[0], "o", color="C0", label="Monte Carlo")
        ax.plot(self.thetas, self.mc[1], "s", color="C1", label="Monte Carlo")
        ax.set_xlabel(r"angle $\theta$")
        ax.set_ylabel("expectation")
        ax.legend()
        return ax


def arccos_demo(*, n_samples: int = 4_000_000, n_thetas: int = 9, seed: int = 0) -> ArccosResult:
    r"""Monte Carlo check of the arc-cosine formulas for a centred Gaussian pair.

    For :math:`k_{11} = 1.3`, :math:`k_{22} = 0.7` and angles :math:`\theta` on a uniform grid of
    :math:`[0,\pi]` (``n_thetas`` points, including :math:`0, \pi/2, \pi` for odd counts), samples
    :math:`u = \sqrt{k_{11}}g_1`, :math:`v = \sqrt{k_{22}}(\cos\theta\, g_1 + \sin\theta\, g_2)` and
    compares sample means of :math:`\sigma(u)\sigma(v)` and :math:`\sigma'(u)\sigma'(v)` with
    :func:`relu_expectation` and :func:`step_expectation`. ``max_z_score`` is the largest
    :math:`|{\rm MC} - {\rm closed}|/{\rm SE}`.

    Parameters
    ----------
    n_samples : int, default 4_000_000
    n_thetas : int, default 9
    seed : int, default 0

    Returns
    -------
    ArccosResult

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Cho and Saul (2009).
    """
    n_samples = check_int(n_samples, "n_samples", minimum=100)
    n_thetas = check_int(n_thetas, "n_thetas", minimum=2)
    g = rng(seed)
    k11, k22 = 1.3, 0.7
    thetas = np.linspace(0, np.pi, n_thetas)
    mc = np.empty((2, n_thetas))
    se = np.empty((2, n_thetas))
    g1 = g.standard_normal(n_samples)
    g2 = g.standard_normal(n_samples)
    u = np.sqrt(k11) * g1
    ru = np.maximum(u, 0)
    su = (u > 0).astype(float)
    for i, th in enumerate(thetas):
        v = np.sqrt(k22) * (np.cos(th) * g1 + np.sin(th) * g2)
        a = ru * np.maximum(v, 0)
        b = su * (v > 0)
        mc[0, i], se[0, i] = a.mean(), a.std(ddof=1) / np.sqrt(n_samples)
        mc[1, i], se[1, i] = b.mean(), b.std(ddof=1) / np.sqrt(n_samples)
    k12 = np.sqrt(k11 * k22) * np.cos(thetas)
    closed = np.stack([relu_expectation(k11, k12, k22), step_expectation(k11, k12, k22)])
    diff = np.abs(mc - closed)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(se > 0, diff / np.where(se > 0, se, 1.0), np.where(diff > 1e-12, np.inf, 0.0))
        dw = np.abs(mc - 1.01 * closed)
        zw = np.where(se > 0, dw / np.where(se > 0, se, 1.0), np.where(dw > 1e-12, np.inf, 0.0))
    return ArccosResult(thetas=thetas, mc=mc, mc_se=se, closed=closed, max_z_score=float(z.max()),
                        max_z_wrong=float(zw.max()))


declare_check(
    "kernels.arccos_kernel", quantity="largest deviation of the Monte Carlo means from the closed forms "
    "J_1 (ReLU) and J_0 (step), in standard errors, over the angles",
    claim="identity", relation="approx", measure="max_z_score", predict=0.0, tolerance=4.0,
    reason="4 Monte Carlo standard errors: for 2 x n_thetas nearly Gaussian z-scores the chance of one above 4 is "
           "below 2e-3",
    hypotheses="centred Gaussian pair with variances k11, k22 and correlation cos(theta); sample means of "
               "relu(u)relu(v) and 1{u>0}1{v>0}",
    wrong="the closed forms with their constants 1/(2 pi) off by 1% (the same z-score against 1.01 x closed form)",
    wrong_measure="max_z_wrong", demo=arccos_demo)


# --------------------------------------------------------------------------------------------
# Demo: representer theorem, KRR = GP posterior mean, RFF ridge -> KRR
# --------------------------------------------------------------------------------------------
@demo_result
class KRRResult(DemoResult):
    """Result of :func:`krr_demo`."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    krr_pred: np.ndarray
    gp_mean: np.ndarray
    gp_sd: np.ndarray
    Ds: np.ndarray
    rff_err: np.ndarray
    rate: float
    gp_krr_gap: float
    predicted: float
    rep_gap: float = float("nan")
    rep_gap_wrong: float = float("nan")
    gp_gap: float = float("nan")
    gp_gap_wrong: float = float("nan")

    def plot(self, ax=None):
        if ax is None:
            from .plotting import figure_grid

            _, grid = figure_grid(2, width=8.0, height=3.2)
            ax = grid[0]
        else:
            ax = np.atleast_1d(ax)
        a, b = ax[0], ax[1]
        a.fill_between(self.x_test, self.gp_mean - 2 * self.gp_sd, self.gp_mean + 2 * self.gp_sd,
                       color="C0", alpha=0.2, label=r"GP mean $\pm 2$ sd")
        a.plot(self.x_test, self.krr_pred, color="C0", label="KRR = GP mean")
        a.plot(self.x_train, self.y_train, "k.", label="data")
        a.set_xlabel("$x$")
        a.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=3)
        b.loglog(self.Ds, self.rff_err, "o-", label="RFF ridge vs KRR")
        slope_guide(b, self.Ds, -0.5, anchor=(self.Ds[0], self.rff_err[0]), label="slope $-1/2$")
        b.set_xlabel("number of features $D$")
        b.set_ylabel("RMS prediction difference")
        b.legend()
        return ax


def krr_demo(*, n: int = 40, Ds: Any = 2 ** np.arange(6, 15), lam: float = 1e-3, lengthscale: float = 0.3,
             noise: float = 0.2, n_seeds: int = 5, seed: int = 0) -> KRRResult:
    r"""Kernel ridge regression, its Gaussian-process reading and its random-feature approximation.

    Data :math:`x_i\sim U[-1,1]`, :math:`y_i = \sin(3x_i) + \text{noise}\cdot N(0,1)`, Gaussian
    kernel of lengthscale ``lengthscale``. Computes the KRR predictor with
    :math:`\alpha = (K+n\lambda I)^{-1}y`, the GP posterior mean and sd with noise variance
    :math:`s^2 = n\lambda` (``gp_krr_gap`` is the largest difference of the two, zero up to
    rounding), and random-feature ridge regression with ``D`` features (median over ``n_seeds``
    of the RMS difference to KRR on a test grid; the slope in ``D`` is predicted to be
    :math:`-1/2`).

    Returns
    -------
    KRRResult

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Schölkopf, Herbrich, Smola (2001);
    Rasmussen and Williams (2006), sec. 2.2; Rahimi and Recht (2007).
    """
    n = check_int(n, "n", minimum=2)
    Ds = _check_int_grid(Ds, "Ds")
    lam = check_real(lam, "lam", minimum=0.0, strict_min=True)
    ell = check_real(lengthscale, "lengthscale", minimum=0.0, strict_min=True)
    noise = check_real(noise, "noise", minimum=0.0)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    g = rng(seed)
    x = np.sort(g.uniform(-1, 1, n))
    y = np.sin(3 * x) + noise * g.standard_normal(n)
    xt = np.linspace(-1.2, 1.2, 200)
    X, XT = x[:, None], xt[:, None]
    K = gaussian_kernel(X, lengthscale=ell)
    Kt = gaussian_kernel(XT, X, lengthscale=ell)
    Ktt = gaussian_kernel(XT, lengthscale=ell)
    alpha = krr_fit(K, y, lam)
    krr = Kt @ alpha
    mean, cov = gp_posterior(K, Kt.T, Ktt, y, n * lam)
    sd = np.sqrt(np.maximum(np.diag(cov), 0.0))
    errs = np.empty((n_seeds, len(Ds)))
    seeds = g.integers(0, 2**31, n_seeds)
    both = np.concatenate([X, XT])
    for s in range(n_seeds):
        for i, D in enumerate(Ds):
            Z = rff_features(both, int(D), lengthscale=ell, seed=int(seeds[s]) + i)
            Zx, Zt = Z[:n], Z[n:]
            a = np.linalg.solve(Zx @ Zx.T + n * lam * np.eye(n), y)
            pred = Zt @ (Zx.T @ a)
            errs[s, i] = np.sqrt(np.mean((pred - krr) ** 2))
    rff_err = np.median(errs, axis=0)
    # Representer theorem in the finite-dimensional RKHS {w . z(x)} of D_rep random features:
    # the minimiser over the whole space (primal, D_rep unknowns) against the span of the data
    # (dual, n unknowns, krr_fit); and the weight-space Bayesian posterior against gp_posterior.
    D_rep = 256
    Z = rff_features(both, D_rep, lengthscale=ell, seed=int(g.integers(0, 2**31)))
    Zx, Zt = Z[:n], Z[n:]
    w = np.linalg.solve(Zx.T @ Zx + n * lam * np.eye(D_rep), Zx.T @ y)
    f_primal = Zt @ w
    scale = float(np.abs(f_primal).max())
    f_dual = Zt @ (Zx.T @ krr_fit(Zx @ Zx.T, y, lam))
    f_dual_wrong = Zt @ (Zx.T @ krr_fit(Zx @ Zx.T, y, lam / n))
    rep_gap = float(np.abs(f_primal - f_dual).max()) / scale
    rep_gap_wrong = float(np.abs(f_primal - f_dual_wrong).max()) / scale
    s2 = n * lam
    A = Zx.T @ Zx / s2 + np.eye(D_rep)
    mean_w = Zt @ np.linalg.solve(A, Zx.T @ y) / s2
    cov_w = Zt @ np.linalg.solve(A, Zt.T)

    def _gp_gap(noise):
        m_fn, C_fn = gp_posterior(Zx @ Zx.T, Zx @ Zt.T, Zt @ Zt.T, y, noise)
        return max(float(np.abs(mean_w - m_fn).max()) / scale, float(np.abs(cov_w - C_fn).max()) /
                   float(np.abs(cov_w).max()), float(np.abs(f_dual - m_fn).max()) / scale)

    return KRRResult(
        x_train=x, y_train=y, x_test=xt, krr_pred=krr, gp_mean=mean, gp_sd=sd, Ds=Ds.astype(float),
        rff_err=rff_err, rate=loglog_slope(Ds, rff_err), gp_krr_gap=float(np.abs(mean - krr).max()), predicted=-0.5,
        rep_gap=rep_gap, rep_gap_wrong=rep_gap_wrong, gp_gap=_gp_gap(s2), gp_gap_wrong=_gp_gap(lam),
    )


declare_check(
    "kernels.krr_representer", label="representer",
    quantity="relative gap between the ridge minimiser over the whole random-feature RKHS (256 weights) and "
             "the representer solution sum_i alpha_i k(., x_i), alpha = (K + n lambda I)^(-1) y",
    claim="identity", relation="<=", measure="rep_gap", predict=0.0, tolerance=1e-8,
    reason="float64 rounding: both linear systems have condition number below 1e4 (n lambda = 0.04)",
    hypotheses="finite-dimensional RKHS of the kernel z(x).z(x') (random Fourier features), squared loss, "
               "lambda > 0",
    wrong="alpha = (K + lambda I)^(-1) y (lambda for n lambda, the objective without its 1/n)",
    wrong_measure="rep_gap_wrong", demo=krr_demo)

declare_check(
    "kernels.krr_representer", label="gp",
    quantity="largest relative gap between the weight-space Bayesian posterior (mean and covariance), the GP "
             "posterior of gp_posterior with noise n lambda, and the KRR predictor",
    claim="identity", relation="<=", measure="gp_gap", predict=0.0, tolerance=1e-8,
    reason="float64 rounding: systems of condition number below 1e4",
    hypotheses="prior w ~ N(0, I) on 256 random-feature weights (kernel z(x).z(x')), Gaussian noise of "
               "variance s^2 = n lambda",
    wrong="the GP posterior with noise variance lambda instead of n lambda",
    wrong_measure="gp_gap_wrong", demo=krr_demo)


# --------------------------------------------------------------------------------------------
# Demo: bias-variance of KRR
# --------------------------------------------------------------------------------------------
@demo_result
class KRRBiasVarianceResult(DemoResult):
    """Result of :func:`krr_bias_variance_demo`."""

    lams: np.ndarray
    bias2: np.ndarray
    var: np.ndarray
    mc_risk: np.ndarray
    max_rel_err: float
    lam_star_closed: float
    lam_star_mc: float
    mc_se: np.ndarray = None
    max_z: float = float("nan")
    max_z_wrong: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.lams, self.bias2, "--", label=r"bias$^2$")
        ax.loglog(self.lams, self.var, ":", label="variance")
        ax.loglog(self.lams, self.bias2 + self.var, "-", label="risk (closed form)")
        ax.loglog(self.lams, self.mc_risk, "ko", mfc="none", label="risk (Monte Carlo)")
        ax.set_xlabel(r"regularisation $\lambda$")
        ax.set_ylabel("fixed-design risk")
        ax.legend()
        return ax


def krr_bias_variance_demo(*, n: int = 60, lams: Any = np.logspace(-6, 0, 13), sigma: float = 0.3,
                           n_rep: int = 40000, seed: int = 0) -> KRRBiasVarianceResult:
    r"""Exact bias-variance decomposition of kernel ridge regression, checked by Monte Carlo.

    Fixed design :math:`x_1<\dots<x_n` drawn from :math:`U[-1,1]`, Gaussian kernel
    :math:`e^{-(x-x')^2/(2\cdot 0.1)}`, :math:`f^* = \sin 3x`, noise :math:`\sigma`; for each
    :math:`\lambda`, the closed form :func:`krr_risk_closed_form` against the mean over ``n_rep``
    noise draws of :math:`\frac1n\|S_\lambda y - f^*\|^2`.

    Returns
    -------
    KRRBiasVarianceResult
        ``max_rel_err`` is :math:`\max_\lambda |{\rm MC}/{\rm closed} - 1|`; ``lam_star_*`` are the
        grid minimisers of both curves.

    References
    ----------
    Book, chapter *Kernels, RKHS and random features*. Bach (2024), chapter 7.
    """
    n = check_int(n, "n", minimum=2)
    lams = check_array(lams, "lams", ndim=1, min_size=1)
    if np.any(lams <= 0):
        raise ValueError("lams must be positive")
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    n_rep = check_int(n_rep, "n_rep", minimum=10)
    g = rng(seed)
    x = np.sort(g.uniform(-1, 1, n))
    K = gaussian_kernel(x[:, None], lengthscale=np.sqrt(0.1))
    f = np.sin(3 * x)
    mu, V = np.linalg.eigh(K)
    mu = np.maximum(mu, 0)
    E = sigma * g.standard_normal((n, n_rep))
    Yc = V.T @ (f[:, None] + E)
    fc = V.T @ f
    bias2, var, mc, se, df = [], [], [], [], []
    for lam in lams:
        b, v = krr_risk_closed_form(K, f, sigma, float(lam))
        bias2.append(b)
        var.append(v)
        s = mu / (mu + n * lam)
        losses = np.sum((s[:, None] * Yc - fc[:, None]) ** 2, axis=0) / n
        mc.append(float(losses.mean()))
        se.append(float(losses.std(ddof=1)) / math.sqrt(n_rep))
        df.append(float(s.sum()))
    bias2, var, mc, se = np.array(bias2), np.array(var), np.array(mc), np.array(se)
    tot = bias2 + var
    wrong = bias2 + sigma**2 * np.array(df) / n   # variance sigma^2 tr(S)/n instead of sigma^2 tr(S^2)/n
    return KRRBiasVarianceResult(
        lams=lams.copy(), bias2=bias2, var=var, mc_risk=mc, max_rel_err=float(np.max(np.abs(mc / tot - 1))),
        lam_star_closed=float(lams[np.argmin(tot)]), lam_star_mc=float(lams[np.argmin(mc)]),
        mc_se=se, max_z=float(np.max(np.abs(mc - tot) / se)), max_z_wrong=float(np.max(np.abs(mc - wrong) / se)),
    )


declare_check(
    "kernels.krr_bias_variance",
    quantity="largest deviation over the lambda grid of the Monte Carlo risk from bias^2 + variance, in "
             "standard errors of the Monte Carlo mean",
    claim="identity", relation="approx", measure="max_z", predict=0.0, tolerance=4.0,
    reason="4 Monte Carlo standard errors (n_rep noise draws; the chance of one of 13 nearly Gaussian "
           "z-scores above 4 is below 1e-3)",
    hypotheses="fixed design, f* evaluated on it, i.i.d. N(0, sigma^2) noise, lambda > 0",
    wrong="variance sigma^2 tr(S_lambda)/n (degrees of freedom) instead of sigma^2 tr(S_lambda^2)/n",
    wrong_measure="max_z_wrong", demo=krr_bias_variance_demo)


# --------------------------------------------------------------------------------------------
# Demo: NNGP limit
# --------------------------------------------------------------------------------------------
@demo_result
class NNGPResult(DemoResult):
    """Result of :func:`nngp_demo`."""

    K_analytic: np.ndarray
    K_empirical: np.ndarray
    max_rel_err: float
    widths: np.ndarray
    excess_kurtosis: np.ndarray
    predicted: np.ndarray
    cov_z: float = float("nan")
    cov_z_wrong: float = float("nan")
    kurt_se: np.ndarray = None
    kurt_z: float = float("nan")
    kurt_z_wrong: float = float("nan")

    def plot(self, ax=None):
        if ax is None:
            from .plotting import figure_grid

            _, grid = figure_grid(2, width=8.0, height=3.2)
            ax = grid[0]
        a, b = ax[0], ax[1]
        m = len(self.K_analytic)
        idx = np.triu_indices(m)
        a.plot(self.K_analytic[idx], self.K_empirical[idx], "o", label="entries $K(x_i,x_j)$")
        lim = [0, 1.05 * float(self.K_analytic.max())]
        a.plot(lim, lim, "--", color="0.4", lw=1, label="equality")
        a.set_xlabel("NNGP kernel (recursion)")
        a.set_ylabel("empirical covariance")
        a.legend()
        b.semilogx(self.widths, self.widths * self.excess_kurtosis, "o-", label="$n\\,\\times$ excess kurtosis")
        b.axhline(15.0, color="0.4", ls="--", lw=1, label="15")
        from matplotlib.ticker import NullFormatter

        b.set_xticks(self.widths)
        b.set_xticklabels([str(int(v)) for v in self.widths])
        b.xaxis.set_minor_formatter(NullFormatter())
        b.set_ylim(0, 20)
        b.set_xlabel("width $n$")
        b.legend()
        return ax


def nngp_demo(*, width: int = 256, n_nets: int = 16000, depth: int = 3, sw2: float = 2.0, sb2: float = 0.1,
              widths: Any = (4, 8, 16, 32), n_nets_kurtosis: int = 400_000, seed: int = 0,
              device: str = "cpu") -> NNGPResult:
    r"""Wide random networks are Gaussian processes; the first finite-width correction.

    (i) Four inputs in :math:`\mathbb R^5`, ``n_nets`` independent ReLU networks of ``depth``
    hidden layers of width ``width`` (NTK parameterisation, ``sw2``, ``sb2``): the empirical
    covariance of the outputs against :func:`nngp_kernel`; ``max_rel_err`` is the largest entry
    of :math:`|\hat K - K|` divided by :math:`\max_i K(x_i,x_i)`. The networks are sampled layer
    by layer: given the post-activations :math:`\Phi\in\mathbb R^{n\times 4}` of layer
    :math:`\ell`, the rows of :math:`h^{\ell+1}` are i.i.d. :math:`N(0, \sigma_w^2\Phi^\top\Phi/n +
    \sigma_b^2)`, which is exactly the law of :math:`h^{\ell+1}` for independent Gaussian weights.
    (ii) One input, one hidden layer, :math:`\sigma_b = 0`: the excess kurtosis of the output over
    ``n_nets_kurtosis`` networks for each width in ``widths``, predicted exactly as :math:`15/n`.

    Returns
    -------
    NNGPResult

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Neal (1996); Matthews et al. (2018).
    """
    torch = _torch()
    width = check_int(width, "width", minimum=1)
    n_nets = check_int(n_nets, "n_nets", minimum=10)
    depth = check_int(depth, "depth", minimum=1)
    sw2 = check_real(sw2, "sw2", minimum=0.0, strict_min=True)
    sb2 = check_real(sb2, "sb2", minimum=0.0)
    widths = _check_int_grid(widths, "widths")
    n_k = check_int(n_nets_kurtosis, "n_nets_kurtosis", minimum=100)
    dev = torch.device(device)
    gen = torch_generator(seed)
    X = torch.randn(4, 5, generator=gen, dtype=torch.float64)
    X[3] = 0.5 * X[0] + 0.5 * X[1]
    K_an = nngp_kernel(X, depth=depth, sw2=sw2, sb2=sb2).numpy()
    outs = []
    chunk = 1000
    done = 0
    while done < n_nets:
        m = min(chunk, n_nets - done)
        W1 = torch.randn(m, width, 5, generator=gen, dtype=torch.float64).to(dev)
        b = torch.randn(m, width, 1, generator=gen, dtype=torch.float64).to(dev)
        h = math.sqrt(sw2 / 5) * W1 @ X.T.to(dev) + math.sqrt(sb2) * b  # (m, width, 4)
        for layer in range(depth):
            phi = torch.relu(h)
            cov = sw2 * phi.transpose(1, 2) @ phi / width + sb2  # (m, 4, 4)
            L = torch.linalg.cholesky(cov + 1e-12 * torch.eye(4, dtype=cov.dtype, device=dev))
            rows = width if layer < depth - 1 else 1
            z = torch.randn(m, rows, 4, generator=gen, dtype=torch.float64).to(dev)
            h = z @ L.transpose(1, 2)
        outs.append(h[:, 0, :].cpu())
        done += m
    F = torch.cat(outs).numpy()
    K_emp = F.T @ F / n_nets
    max_rel = float(np.abs(K_emp - K_an).max() / np.diag(K_an).max())
    prods = F[:, :, None] * F[:, None, :]
    cov_se = prods.std(axis=0, ddof=1) / math.sqrt(n_nets)
    cov_z = float(np.max(np.abs(K_emp - K_an) / cov_se))
    K_wrong = K_an - sb2  # the last layer's bias variance left out
    cov_z_wrong = float(np.max(np.abs(K_emp - K_wrong) / cov_se))
    kurt, kurt_se = [], []
    n_batch = 20
    for n in widths:
        vals = []
        left = n_k
        while left > 0:
            m = min(left, 200_000)
            h = torch.randn(m, int(n), generator=gen, dtype=torch.float64).to(dev)
            a = torch.randn(m, int(n), generator=gen, dtype=torch.float64).to(dev)
            vals.append((math.sqrt(sw2 / n) * (a * torch.relu(math.sqrt(sw2) * h)).sum(1)).cpu())
            left -= m
        f = torch.cat(vals).numpy()
        f = f - f.mean()
        kurt.append(float(np.mean(f**4) / np.mean(f**2) ** 2 - 3.0))
        # standard error by batch means over n_batch disjoint batches
        fb = f[: (len(f) // n_batch) * n_batch].reshape(n_batch, -1)
        fb = fb - fb.mean(axis=1, keepdims=True)
        kb = np.mean(fb**4, axis=1) / np.mean(fb**2, axis=1) ** 2 - 3.0
        kurt_se.append(float(kb.std(ddof=1) / math.sqrt(n_batch)))
    wd = widths.astype(float)
    kurt, kurt_se = np.array(kurt), np.array(kurt_se)
    return NNGPResult(
        K_analytic=K_an, K_empirical=K_emp, max_rel_err=max_rel, widths=wd,
        excess_kurtosis=kurt, predicted=15.0 / wd, cov_z=cov_z, cov_z_wrong=cov_z_wrong, kurt_se=kurt_se,
        kurt_z=float(np.max(np.abs(kurt - 15.0 / wd) / kurt_se)),
        kurt_z_wrong=float(np.max(np.abs(kurt - 12.0 / wd) / kurt_se)),
    )


declare_check(
    "kernels.nngp_limit", label="covariance",
    quantity="largest deviation of the empirical output covariance of the random networks from the NNGP kernel, "
             "in Monte Carlo standard errors of each entry",
    claim="equality", relation="approx", measure="cov_z", predict=0.0, tolerance=4.0,
    reason="4 Monte Carlo standard errors over n_nets networks (10 entries); the O(1/width) finite-width bias "
           "is below 0.3 standard error at width 256 (sampled from the exact finite-width law)",
    hypotheses="i.i.d. Gaussian weights and biases, NTK parameterisation, ReLU (linear envelope), all hidden "
               "widths equal and large",
    wrong="the recursion with the output layer's bias variance sigma_b^2 left out",
    wrong_measure="cov_z_wrong", demo=nngp_demo)

declare_check(
    "kernels.nngp_limit", label="kurtosis",
    quantity="largest deviation of the excess kurtosis of the output from 15/n over the widths, in standard "
             "errors (batch means)",
    claim="identity", relation="approx", measure="kurt_z", predict=0.0, tolerance=4.0,
    reason="4 Monte Carlo standard errors of the sample kurtosis, estimated by 20 batch means",
    hypotheses="one hidden ReLU layer, sigma_b = 0, i.i.d. N(0, 1) weights: the output is a sum of n i.i.d. terms",
    wrong="12/n (the kurtosis 3 E r^4/(E r^2)^2 - 3 computed with E r^4/(E r^2)^2 = 5 instead of 6)",
    wrong_measure="kurt_z_wrong", demo=nngp_demo)


# --------------------------------------------------------------------------------------------
# Demo: NTK at initialisation
# --------------------------------------------------------------------------------------------
@demo_result
class NTKLimitResult(DemoResult):
    """Result of :func:`ntk_limit_demo`."""

    widths: np.ndarray
    rel_dev: np.ndarray
    rel_dev_all: np.ndarray
    rate: float
    theta_analytic: np.ndarray
    predicted: float
    rate_se: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        for row in self.rel_dev_all:
            ax.loglog(self.widths, row, ".", color="0.7")
        ax.loglog(self.widths, self.rel_dev, "o-", label="median over seeds")
        slope_guide(ax, self.widths, -0.5, anchor=(self.widths[0], self.rel_dev[0]), label="slope $-1/2$")
        ax.set_xlabel("width $n$")
        ax.set_ylabel(r"$\|\hat\Theta - \Theta\|_F / \|\Theta\|_F$")
        ax.legend()
        return ax


def ntk_limit_demo(*, widths: Any = (64, 128, 256, 512, 1024, 2048), depth: int = 2, n_seeds: int = 7,
                   sw2: float = 2.0, sb2: float = 0.1, activation: str = "relu", seed: int = 0,
                   device: str = "cpu") -> NTKLimitResult:
    r"""The empirical NTK of a wide network approaches the analytic NTK at rate :math:`n^{-1/2}`.

    Six inputs in :math:`\mathbb R^8`; for each width, ``n_seeds`` networks
    :func:`dlmath.nets.mlp` (float64, NTK parameterisation); the relative Frobenius deviation
    :math:`\|\hat\Theta-\Theta^{L+1}\|_F/\|\Theta^{L+1}\|_F` of :func:`empirical_ntk` from
    :func:`ntk_kernel`, median over seeds; ``rate`` is the log-log slope, predicted :math:`-1/2`.

    Returns
    -------
    NTKLimitResult

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Jacot, Gabriel, Hongler (2018), Theorem 1;
    Hanin and Nica (2020).
    """
    torch = _torch()
    from .nets import mlp

    widths = _check_int_grid(widths, "widths")
    depth = check_int(depth, "depth", minimum=1)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    sw2 = check_real(sw2, "sw2", minimum=0.0, strict_min=True)
    sb2 = check_real(sb2, "sb2", minimum=0.0)
    activation = check_choice(activation, "activation", KERNEL_ACTIVATIONS)
    gen = torch_generator(seed)
    X = torch.randn(6, 8, generator=gen, dtype=torch.float64)
    theta = ntk_kernel(X, depth=depth, sw2=sw2, sb2=sb2, activation=activation)
    seeds = rng(seed).integers(0, 2**31, size=(n_seeds, len(widths)))
    dev = np.empty((n_seeds, len(widths)))
    for s in range(n_seeds):
        for i, w in enumerate(widths):
            net = mlp(8, int(w), depth, activation=activation, sw2=sw2, sb2=sb2, dtype=torch.float64,
                      device=device, seed=int(seeds[s, i]))
            emp = empirical_ntk(net, X.to(device)).cpu()
            dev[s, i] = float(torch.linalg.norm(emp - theta) / torch.linalg.norm(theta))
    med = np.median(dev, axis=0)
    return NTKLimitResult(widths=widths.astype(float), rel_dev=med, rel_dev_all=dev, rate=loglog_slope(widths, med),
                          theta_analytic=theta.numpy(), predicted=-0.5, rate_se=_slope_se(widths, dev))


declare_check(
    "kernels.ntk_limit",
    quantity="fitted slope of the median relative Frobenius deviation of the empirical NTK from the analytic NTK "
             "against the width (all widths of the demo)",
    claim="rate", relation="approx", measure="rate", predict=-0.5, tolerance=lambda r: 3 * float(r.rate_se),
    reason="3 standard errors of the slope over the seeds",
    hypotheses="i.i.d. Gaussian weights, NTK parameterisation, Lipschitz activation (ReLU or erf), fixed depth, "
               "equal widths",
    wrong="the rate n^(-1) of the bias E[Theta_hat] - Theta (instead of the n^(-1/2) fluctuations)",
    wrong_predict=-1.0, demo=ntk_limit_demo)


# --------------------------------------------------------------------------------------------
# Demo: infinite depth
# --------------------------------------------------------------------------------------------
def _one_minus_cos_next(th: np.ndarray) -> np.ndarray:
    """1 - c' for the ReLU correlation map, c = cos(th), computed without cancellation."""
    small = th < 1e-2
    t = np.where(small, th, 0.0)
    series = t**3 / 3 - t**5 / 30 + t**7 / 840
    direct = np.sin(th) - th * np.cos(th)
    s_minus = np.where(small, series, direct)
    return (2 * np.pi * np.sin(th / 2) ** 2 - s_minus) / np.pi


def correlation_map(c: Any, activation: str = "relu") -> np.ndarray:
    r"""The correlation map of the NNGP recursion of ReLU networks without biases.

    For ReLU with :math:`\sigma_b = 0` the recursion is positively homogeneous, so the
    correlation :math:`c_\ell = K^\ell(x,x')/\sqrt{K^\ell(x,x)K^\ell(x',x')}` evolves by a map
    that does not depend on :math:`\sigma_w^2` or the variances:

    .. math::

        c \mapsto \frac{\sqrt{1-c^2} + (\pi - \arccos c)\,c}{\pi}.

    Parameters
    ----------
    c : array_like
        Correlations in :math:`[-1, 1]`.
    activation : {"relu"}
        Only positively homogeneous activations have a variance-free correlation map; ReLU is
        the one supported.

    Returns
    -------
    numpy.ndarray
        The image, same shape as ``c``.

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Cho and Saul (2009); Hayou, Doucet,
    Rousseau (2019).
    """
    ca = check_array(c, "c")
    if np.any(np.abs(ca) > 1):
        raise ValueError("c must lie in [-1, 1]")
    check_choice(activation, "activation", ("relu",))
    return (np.sqrt(1 - ca**2) + (np.pi - np.arccos(ca)) * ca) / np.pi


@demo_result
class DepthLimitResult(DemoResult):
    """Result of :func:`depth_limit_demo`."""

    depths: np.ndarray
    sw2s: np.ndarray
    q: np.ndarray                 # (len(sw2s), len(depths))
    q_rel_err: float
    c1s: np.ndarray
    map_depths: np.ndarray
    corr: np.ndarray              # (len(c1s), len(map_depths)) 1 - c_L, angle iteration
    scaled: np.ndarray            # L^2 (1 - c_L)
    corr_predicted: np.ndarray    # (len(c1s), len(depths)) c_L from the map
    corr_empirical: np.ndarray    # (len(c1s), len(depths)) mean over seeds
    corr_emp_max_dev: float
    ntk_rel_err: float
    asymptote: float
    max_rel_dev: float
    preasym_rel: float = float("nan")
    q_wrong_err: float = float("nan")
    ntk_wrong_err: float = float("nan")

    def plot(self, ax=None):
        if ax is None:
            from .plotting import figure_grid

            _, grid = figure_grid(3, width=9.0, height=3.0)
            ax = grid[0]
        a, b, c = ax[0], ax[1], ax[2]
        for k, s in enumerate(self.sw2s):
            a.semilogy(self.depths, self.q[k], label=rf"$\sigma_w^2={s:g}$")
        a.set_xlabel("layer $\\ell$")
        a.set_ylabel("$q^\\ell(x)$")
        a.legend()
        for k, c1 in enumerate(self.c1s):
            b.semilogx(self.map_depths, self.scaled[k], label=f"$c_1={c1:g}$")
        b.axhline(self.asymptote, color="0.3", ls="--", lw=1, label=r"$9\pi^2/2$")
        b.set_xlabel("depth $L$")
        b.set_ylabel("$L^2(1-c_L)$")
        b.legend()
        for k, c1 in enumerate(self.c1s):
            c.plot(self.depths, self.corr_predicted[k], color=f"C{k}")
            c.plot(self.depths, self.corr_empirical[k], ".", color=f"C{k}")
        c.set_xlabel("layer $\\ell$")
        c.set_ylabel("correlation $c_\\ell$ (map: lines, networks: dots)")
        return ax


def depth_limit_demo(*, sw2s: Any = (1.5, 2.0, 2.5), depths: Any = np.arange(1, 51), width: int = 1024,
                     c1s: Any = (-0.9, 0.0, 0.9), max_map_depth: int = 10_000, n_seeds: int = 5,
                     seed: int = 0, device: str = "cpu") -> DepthLimitResult:
    r"""Degeneration of deep ReLU kernels and the edge of chaos (ReLU has no chaotic correlation phase).

    (a) The NNGP diagonal :math:`q^\ell(x)` from :func:`nngp_kernel` against the exact
    :math:`(\sigma_w^2/2)^{\ell-1}q^1(x)` (``q_rel_err``). (b) The correlation map iterated in the
    angle variable up to ``max_map_depth``; :math:`L^2(1-c_L)` against :math:`9\pi^2/2`
    (``max_rel_dev`` at the last depth, over the starting correlations ``c1s``); the empirical
    correlations of pre-activations in random ReLU networks of width ``width`` (mean over
    ``n_seeds``) against the map (``corr_emp_max_dev`` over layers :math:`\le 20`). (c) The NTK
    diagonal at :math:`\sigma_w^2=2` against :math:`(L+1)q^1(x)` (``ntk_rel_err``). ``preasym_rel`` is the relative change of
    :math:`L^2(1-c_L)` between ``max_map_depth // 2`` and ``max_map_depth`` (the size of the
    :math:`O(\log L/L)` correction); ``q_wrong_err`` and ``ntk_wrong_err`` are the deviations from
    the wrong formulas :math:`(\sigma_w^2/2)^\ell q^1` and :math:`Lq^1`.

    Returns
    -------
    DepthLimitResult

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Poole et al. (2016); Schoenholz et al.
    (2017); Hayou, Doucet, Rousseau (2019).
    """
    torch = _torch()
    from .nets import mlp

    sw2s_a = check_array(sw2s, "sw2s", ndim=1, min_size=1)
    if np.any(sw2s_a <= 0):
        raise ValueError("sw2s must be positive")
    depths = _check_int_grid(depths, "depths")
    width = check_int(width, "width", minimum=1)
    c1 = check_array(c1s, "c1s", ndim=1, min_size=1)
    if np.any(np.abs(c1) >= 1):
        raise ValueError("c1s must lie in (-1, 1)")
    max_map_depth = check_int(max_map_depth, "max_map_depth", minimum=2)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    Lmax = int(depths[-1])
    x = torch.tensor([[1.0, 0.5, -0.3]], dtype=torch.float64)
    q1 = float(nngp_kernel(x, depth=0)[0, 0])
    q = np.empty((len(sw2s_a), len(depths)))
    errs, errs_wrong = [], []
    for k, s in enumerate(sw2s_a):
        vals = [float(nngp_kernel(x, depth=int(L) - 1, sw2=float(s))[0, 0]) for L in depths]
        q1s = float(nngp_kernel(x, depth=0, sw2=float(s))[0, 0])
        exact = (s / 2.0) ** (depths - 1) * q1s
        q[k] = vals
        errs.append(np.max(np.abs(np.array(vals) / exact - 1)))
        errs_wrong.append(np.max(np.abs(np.array(vals) / ((s / 2.0) ** depths * q1s) - 1)))
    # (b) angle iteration
    map_depths = np.unique(np.concatenate([np.round(np.logspace(0, np.log10(max_map_depth), 60)).astype(int),
                                           [max_map_depth // 2]]))
    th = np.arccos(c1)
    one_minus = np.empty((len(c1), len(map_depths)))
    j = 0
    for L in range(1, max_map_depth + 1):
        if L == map_depths[j]:
            one_minus[:, j] = 2 * np.sin(th / 2) ** 2
            j += 1
            if j == len(map_depths):
                break
        om = _one_minus_cos_next(th)
        th = 2 * np.arcsin(np.sqrt(np.clip(om / 2, 0, 1)))
    scaled = map_depths.astype(float) ** 2 * one_minus
    asym = 9 * np.pi**2 / 2
    max_rel_dev = float(np.max(np.abs(scaled[:, -1] / asym - 1)))
    # size of the pre-asymptotic O(log L / L) term: the change between L/2 and L
    half = int(np.searchsorted(map_depths, max_map_depth // 2))
    preasym = float(np.max(np.abs(scaled[:, -1] - scaled[:, half])) / asym)
    # predicted correlations for layers 1..Lmax
    cpred = np.empty((len(c1), Lmax))
    c = c1.copy()
    for L in range(Lmax):
        cpred[:, L] = c
        c = correlation_map(np.clip(c, -1, 1))
    cpred = cpred[:, depths - 1]
    # empirical: pairs of inputs with correlation c1, through networks of depth Lmax
    d = 4
    e1, e2 = np.eye(d)[0], np.eye(d)[1]
    inputs = []
    for cc in c1:
        inputs += [e1, cc * e1 + np.sqrt(1 - cc**2) * e2]
    Xin = torch.tensor(np.array(inputs), dtype=torch.float32, device=device)
    seeds = rng(seed).integers(0, 2**31, n_seeds)
    emp = np.zeros((len(c1), Lmax))
    with torch.no_grad():
        for s in seeds:
            net = mlp(d, width, Lmax, activation="relu", sw2=2.0, sb2=0.0, dtype=torch.float32, device=device,
                      seed=int(s))
            hs = net.hidden(Xin)[:Lmax]
            for ell, h in enumerate(hs):
                h = h.double().cpu().numpy()
                for k in range(len(c1)):
                    u, v = h[2 * k], h[2 * k + 1]
                    emp[k, ell] += u @ v / np.sqrt((u @ u) * (v @ v)) / n_seeds
    emp = emp[:, depths - 1]
    mask = depths <= 20
    corr_dev = float(np.max(np.abs(emp[:, mask] - cpred[:, mask]))) if mask.any() else float("nan")
    # (c) NTK diagonal at the edge of chaos
    ntk_diag = np.array([float(ntk_kernel(x, depth=int(L), sw2=2.0)[0, 0]) for L in depths])
    ntk_err = float(np.max(np.abs(ntk_diag / ((depths + 1) * q1) - 1)))
    ntk_wrong = float(np.max(np.abs(ntk_diag / (depths * q1) - 1)))
    return DepthLimitResult(
        depths=depths.astype(float), sw2s=sw2s_a, q=q, q_rel_err=float(max(errs)), c1s=c1, map_depths=map_depths.astype(float),
        corr=one_minus, scaled=scaled, corr_predicted=cpred, corr_empirical=emp, corr_emp_max_dev=corr_dev,
        ntk_rel_err=ntk_err, asymptote=float(asym), max_rel_dev=max_rel_dev, preasym_rel=preasym,
        q_wrong_err=float(max(errs_wrong)), ntk_wrong_err=ntk_wrong,
    )


declare_check(
    "kernels.depth_limit", label="correlation",
    quantity="L^2 (1 - c_L) at the largest depth of the correlation map, starting correlation farthest from the "
             "limit",
    claim="equality", relation="rel",
    measure=lambda r: float(r.scaled[int(np.argmax(np.abs(r.scaled[:, -1] - r.asymptote))), -1]),
    predict="asymptote", tolerance=lambda r: 2 * float(r.preasym_rel),
    reason="twice the pre-asymptotic O(log L / L) term, estimated by the change of L^2 (1 - c_L) between L/2 "
           "and L (exact iteration in the angle, no Monte Carlo)",
    hypotheses="ReLU, sigma_w^2 = 2, sigma_b = 0 (the edge of chaos), infinite width (the deterministic map), "
               "starting correlations in (-1, 1)",
    wrong="9 pi^2/2 x 0.97 (a 3% error in the constant)",
    wrong_predict=0.97 * 9 * np.pi**2 / 2, demo=depth_limit_demo)

declare_check(
    "kernels.depth_limit", label="variance",
    quantity="largest relative deviation of q^l from the NNGP recursion from (sigma_w^2/2)^(l-1) q^1, over the "
             "layers and sigma_w^2",
    claim="identity", relation="<=", measure="q_rel_err", predict=0.0, tolerance=1e-12,
    reason="float64 rounding over at most 50 multiplications",
    hypotheses="ReLU, sigma_b = 0, any sigma_w^2 > 0",
    wrong="(sigma_w^2/2)^l q^1 (one power too many)", wrong_measure="q_wrong_err", demo=depth_limit_demo)

declare_check(
    "kernels.depth_limit", label="ntk_diagonal",
    quantity="largest relative deviation of the NTK diagonal Theta^(L+1)(x, x) from (L+1) q^1(x) over the depths",
    claim="identity", relation="<=", measure="ntk_rel_err", predict=0.0, tolerance=1e-12,
    reason="float64 rounding over at most 50 additions",
    hypotheses="ReLU at the edge of chaos sigma_w^2 = 2, sigma_b = 0",
    wrong="L q^1 (the input layer's term left out)", wrong_measure="ntk_wrong_err", demo=depth_limit_demo)


# --------------------------------------------------------------------------------------------
# Demo: lazy training
# --------------------------------------------------------------------------------------------
def _linearised_gd(theta_train, theta_test, r0, eta, steps):
    r"""Test-set change of the linearised model after ``steps`` GD steps on 1/2||f - y||^2.

    ``r0 = y - f_0(X)``; returns Theta(X*,X) Theta^{-1} [I - (I - eta Theta)^t] r0 (spectral form)."""
    mu, V = np.linalg.eigh(theta_train)
    mu = np.maximum(mu, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = 1.0 - eta * mu
        one_minus_pow = np.where(base > 0, -np.expm1(steps * np.log(np.where(base > 0, base, 1.0))),
                                 1.0 - base**steps)
        g = np.where(mu > 1e-14 * mu.max(), one_minus_pow / mu, eta * steps)
    return theta_test @ (V @ (g * (V.T @ r0)))


@demo_result
class LazyTrainingResult(DemoResult):
    """Result of :func:`lazy_training_demo`."""

    widths: np.ndarray
    rel_dev: np.ndarray
    rate: float
    predicted: float
    x_slice: np.ndarray
    f_net_slice: np.ndarray
    f_lin_slice: np.ndarray
    weight_change: np.ndarray
    rate_se: float = float("nan")
    rate_wrong: float = float("nan")
    move_rate: float = float("nan")
    move_rate_se: float = float("nan")
    activation: str = "erf"
    lin_identity_err: float = float("nan")
    lin_identity_wrong: float = float("nan")

    def plot(self, ax=None):
        if ax is None:
            from .plotting import figure_grid

            _, grid = figure_grid(2, width=8.0, height=3.2)
            ax = grid[0]
        a, b = ax[0], ax[1]
        a.loglog(self.widths, self.rel_dev, "o-", label="trained vs linearised")
        a.loglog(self.widths, self.weight_change, "s-", label=r"$\|\theta_T-\theta_0\|/\|\theta_0\|$")
        slope_guide(a, self.widths, -0.5, anchor=(self.widths[0], self.rel_dev[0]), label="slope $-1/2$")
        a.set_xlabel("width $n$")
        a.legend()
        b.plot(self.x_slice, self.f_lin_slice, label="linearised model")
        b.plot(self.x_slice, self.f_net_slice, "--", label=f"network, width {int(self.widths[0])}")
        b.set_xlabel("position along a line in $\\mathbb{R}^3$")
        b.legend()
        return ax


def lazy_training_demo(*, widths: Any = (128, 512, 2048, 4096), steps: int = 300, n_train: int = 30,
                       n_test: int = 500, n_seeds: int = 3, activation: str = "erf", seed: int = 0,
                       device: str = "cpu") -> LazyTrainingResult:
    r"""Wide networks trained by gradient descent stay close to their linearisation.

    One-hidden-layer networks :func:`dlmath.nets.mlp` with activation ``activation`` (default
    ``"erf"``: smooth with Lipschitz derivative, as Lee et al.'s theorem requires; ``"relu"``
    leaves the hypotheses) (NTK parameterisation, float64, both
    layers trained) on ``n_train`` points :math:`x_i\sim N(0,I_3)` with :math:`y = \sin(x_1+x_2+x_3)`;
    full-batch gradient descent on :math:`\frac12\sum_i(f(x_i)-y_i)^2` with step
    :math:`\eta = 1/\lambda_{\max}(\hat\Theta_0)` for ``steps`` steps. The linearised model
    after the same number of steps is, in closed form,
    :math:`f^{\rm lin}_t(X_*) = f_0(X_*) + \hat\Theta_0(X_*,X)\hat\Theta_0^{-1}[I-(I-\eta\hat\Theta_0)^t](y-f_0(X))`.
    ``rel_dev`` is :math:`\|f_T(X_*)-f^{\rm lin}_T(X_*)\|/\|f^{\rm lin}_T(X_*)-f_0(X_*)\|` on ``n_test``
    test points (median over seeds); ``rate`` its log-log slope, which the theorem bounds above
    by :math:`-1/2` (:math:`\sup_t|f_t-f^{\rm lin}_t| = O(n^{-1/2})`); ``rate_se`` its standard
    error over the seeds. ``rate_wrong`` is the same slope against the linearised model with the
    initial function :math:`f_0` left out (the formula of the centred model, applied to the network);
    ``move_rate`` is the slope of the relative parameter movement (predicted :math:`-1/2`).

    Returns
    -------
    LazyTrainingResult

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Lee et al. (2019), Theorem 2.1;
    Chizat, Oyallon, Bach (2019).
    """
    torch = _torch()
    from .nets import mlp

    widths = _check_int_grid(widths, "widths")
    steps = check_int(steps, "steps", minimum=1)
    n_train = check_int(n_train, "n_train", minimum=2)
    n_test = check_int(n_test, "n_test", minimum=1)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    activation = check_choice(activation, "activation", KERNEL_ACTIVATIONS)
    gen = torch_generator(seed)
    X = torch.randn(n_train, 3, generator=gen, dtype=torch.float64)
    y = torch.sin(X.sum(1))
    Xt = torch.randn(n_test, 3, generator=gen, dtype=torch.float64)
    ts = torch.linspace(-2.5, 2.5, 101, dtype=torch.float64)
    direction = torch.tensor([1.0, 1.0, 1.0], dtype=torch.float64) / math.sqrt(3)
    Xs = ts[:, None] * direction
    Xall = torch.cat([Xt, Xs])
    seeds = rng(seed).integers(0, 2**31, size=(n_seeds, len(widths)))
    dev = np.empty((n_seeds, len(widths)))
    dev_wrong = np.empty((n_seeds, len(widths)))
    move = np.empty((n_seeds, len(widths)))
    f_slice = lin_slice = None
    for s in range(n_seeds):
        for i, w in enumerate(widths):
            net = mlp(3, int(w), 1, activation=activation, dtype=torch.float64, device=device, seed=int(seeds[s, i]))
            Xd, yd, Xa = X.to(device), y.to(device), Xall.to(device)
            with torch.no_grad():
                f0_train = net(Xd)[:, 0].cpu().numpy()
                f0_all = net(Xa)[:, 0].cpu().numpy()
            th_train = empirical_ntk(net, Xd).cpu().numpy()
            th_all = empirical_ntk(net, Xa, Xd).cpu().numpy()
            eta = 1.0 / np.linalg.eigvalsh(th_train).max()
            lin_all = f0_all + _linearised_gd(th_train, th_all, y.numpy() - f0_train, eta, steps)
            lin_wrong = _linearised_gd(th_train, th_all, y.numpy(), eta, steps)  # f_0 left out
            p0 = [p.detach().clone() for p in net.parameters()]
            opt = torch.optim.SGD(net.parameters(), lr=eta)
            for _ in range(steps):
                opt.zero_grad()
                loss = 0.5 * ((net(Xd)[:, 0] - yd) ** 2).sum()
                loss.backward()
                opt.step()
            with torch.no_grad():
                fT_all = net(Xa)[:, 0].cpu().numpy()
                num = sum(float(((p - q) ** 2).sum()) for p, q in zip(net.parameters(), p0))
                den = sum(float((q**2).sum()) for q in p0)
            nt = n_test
            dev[s, i] = np.linalg.norm(fT_all[:nt] - lin_all[:nt]) / np.linalg.norm(lin_all[:nt] - f0_all[:nt])
            dev_wrong[s, i] = (np.linalg.norm(fT_all[:nt] - lin_wrong[:nt])
                               / np.linalg.norm(lin_all[:nt] - f0_all[:nt]))
            move[s, i] = math.sqrt(num / den)
            if s == 0 and i == 0:
                f_slice, lin_slice = fT_all[nt:], lin_all[nt:]
                # part (1): the closed form against the iteration of GD on the linearised model
                r = f0_train - y.numpy()
                it = f0_all.copy()
                for _ in range(steps):
                    it -= eta * th_all @ r
                    r = r - eta * th_train @ r
                sc = float(np.abs(lin_all - f0_all).max())
                lin_err = float(np.abs(it - lin_all).max()) / sc
                lin_next = f0_all + _linearised_gd(th_train, th_all, y.numpy() - f0_train, eta, steps + 1)
                lin_next_err = float(np.abs(it - lin_next).max()) / sc
    med = np.median(dev, axis=0)
    mv = np.median(move, axis=0)
    return LazyTrainingResult(
        widths=widths.astype(float), rel_dev=med, rate=loglog_slope(widths, med), predicted=-0.5,
        x_slice=ts.numpy(), f_net_slice=f_slice, f_lin_slice=lin_slice, weight_change=mv,
        rate_se=_slope_se(widths, dev), rate_wrong=loglog_slope(widths, np.median(dev_wrong, axis=0)),
        move_rate=loglog_slope(widths, mv), move_rate_se=_slope_se(widths, move), activation=activation,
        lin_identity_err=lin_err, lin_identity_wrong=lin_next_err,
    )


declare_check(
    "kernels.lazy_training", label="linearised",
    quantity="largest relative gap between the closed form of part (1) and the iteration of gradient descent "
             "on the linearised model, on the test points (first network of the demo)",
    claim="identity", relation="<=", measure="lin_identity_err", predict=0.0, tolerance=1e-9,
    reason="float64 rounding accumulated over T steps of a contraction (spectral radius < 1)",
    hypotheses="any width: the linearised model is affine in theta; Theta_0 positive definite, "
               "0 < eta < 2/lambda_max(Theta_0)",
    wrong="the closed form with the power (I - eta Theta_0)^(t+1) (one step too many)",
    wrong_measure="lin_identity_wrong", demo=lazy_training_demo)


declare_check(
    "kernels.lazy_training", label="gap",
    quantity="decay exponent (minus the fitted slope) of the relative gap between the trained network and its "
             "linearisation after T steps, against the width (all widths of the demo)",
    claim="lower bound", relation=">=", measure=lambda r: -float(r.rate), predict=0.5,
    tolerance=lambda r: 3 * float(r.rate_se),
    reason="3 standard errors of the slope over the seeds; the theorem bounds the rate, it does not give it "
           "(smooth activations are observed to decay faster, towards n^(-1))",
    hypotheses="erf activation (smooth, Lipschitz derivative), NTK parameterisation, i.i.d. Gaussian init, "
               "squared loss, full-batch GD with eta = 1/lambda_max(Theta_0) < 2/(lambda_min + lambda_max)",
    wrong="the linearised model without its initial function f_0 (the centred model's formula applied to the "
          "uncentred network), whose gap to the network does not decay",
    wrong_measure=lambda r: -float(r.rate_wrong), demo=lazy_training_demo)

declare_check(
    "kernels.lazy_training", label="movement",
    quantity="fitted slope of the relative parameter movement |theta_T - theta_0|/|theta_0| against the width",
    claim="rate", relation="approx", measure="move_rate", predict=-0.5,
    tolerance=lambda r: 3 * float(r.move_rate_se) + 0.05,
    reason="3 standard errors of the slope over the seeds, plus 0.05 for the O(1/n) correction of the norm at "
           "the smallest width",
    hypotheses="as for the gap: erf, NTK parameterisation, GD with eta = 1/lambda_max(Theta_0)",
    wrong="the rate n^(-1/4)", wrong_predict=-0.25, demo=lazy_training_demo)


# --------------------------------------------------------------------------------------------
# Real data: trained networks approach the NTK predictor (diabetes data of scikit-learn)
# --------------------------------------------------------------------------------------------
@demo_result
class DiabetesNTKResult(DemoResult):
    """Result of :func:`diabetes_ntk_demo`."""

    widths: np.ndarray
    dist_to_ntk: np.ndarray
    rate: float
    net_rmse: np.ndarray
    ntk_rmse: float
    nngp_rmse: float
    linear_rmse: float
    y_test: np.ndarray
    ntk_pred: np.ndarray
    net_pred_widest: np.ndarray

    def plot(self, ax=None):
        if ax is None:
            from .plotting import figure_grid

            _, grid = figure_grid(2, width=8.0, height=3.2)
            ax = grid[0]
        a, b = ax[0], ax[1]
        a.loglog(self.widths, self.dist_to_ntk, "o-", label="trained nets vs NTK predictor")
        slope_guide(a, self.widths, -0.5, anchor=(self.widths[0], self.dist_to_ntk[0]), label="slope $-1/2$")
        a.set_xlabel("width $n$")
        a.set_ylabel("relative RMS difference (test)")
        a.legend()
        b.semilogx(self.widths, self.net_rmse, "o-", label="trained networks")
        b.axhline(self.ntk_rmse, color="C1", ls="--", lw=1.2, label="NTK regression")
        b.axhline(self.nngp_rmse, color="C2", ls=":", lw=1.2, label="NNGP regression")
        b.axhline(self.linear_rmse, color="0.4", ls="-.", lw=1.0, label="ridge (linear)")
        b.set_xlabel("width $n$")
        b.set_ylabel("test RMSE (standardised)")
        b.legend()
        return ax


def diabetes_ntk_demo(*, widths: Any = (32, 128, 512, 2048), depth: int = 1, n_train: int = 200, steps: int = 150,
                      n_seeds: int = 2, seed: int = 0, device: str = "cpu") -> DiabetesNTKResult:
    r"""Kernel regression with the NNGP and NTK against trained networks, on real data.

    scikit-learn's bundled diabetes data (442 patients, 10 standardised features, target
    standardised), split at random into ``n_train`` training and the rest test points. Networks
    :func:`dlmath.nets.mlp` with ``depth`` hidden ReLU layers (float64, :math:`\sigma_w^2=2`,
    :math:`\sigma_b^2=0.1`) are trained by full-batch gradient descent on
    :math:`\frac12\|f(X)-y\|^2` with step :math:`\eta = 1/\lambda_{\max}(\Theta(X,X))` for
    ``steps`` steps, in centred form :math:`g_\theta = f_\theta - f_{\theta_0}` (so
    :math:`g_{\theta_0} = 0`). The infinite-width limit of the trained centred network is the
    NTK predictor :math:`\Theta(X_*,X)\Theta^{-1}[I-(I-\eta\Theta)^t]y` with the analytic
    :func:`ntk_kernel`; ``dist_to_ntk`` is the relative RMS difference on the test set (median
    over seeds), ``rate`` its slope in the width. For comparison: test RMSE of the networks,
    of the same NTK predictor, of NNGP regression (GP posterior mean with noise variance
    :math:`s^2 = 0.5`, a fixed illustrative value) and of linear ridge regression.

    Returns
    -------
    DiabetesNTKResult

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Jacot, Gabriel, Hongler (2018);
    Lee et al. (2019); Arora et al. (2019). Data: Efron, Hastie, Johnstone, Tibshirani (2004).
    """
    torch = _torch()
    from sklearn.datasets import load_diabetes

    from .nets import mlp

    widths = _check_int_grid(widths, "widths")
    depth = check_int(depth, "depth", minimum=1)
    n_train = check_int(n_train, "n_train", minimum=10, maximum=432)
    steps = check_int(steps, "steps", minimum=1)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    sw2, sb2 = 2.0, 0.1
    Xraw, yraw = load_diabetes(return_X_y=True)
    g = rng(seed)
    perm = g.permutation(len(yraw))
    tr, te = perm[:n_train], perm[n_train:]
    mu, sd = Xraw[tr].mean(0), Xraw[tr].std(0)
    Xs = (Xraw - mu) / sd
    ym, ys = yraw[tr].mean(), yraw[tr].std()
    y = (yraw - ym) / ys
    X, Xt, ytr, yte = Xs[tr], Xs[te], y[tr], y[te]
    Th = ntk_kernel(X, depth=depth, sw2=sw2, sb2=sb2).numpy()
    Tht = ntk_kernel(Xt, X, depth=depth, sw2=sw2, sb2=sb2).numpy()
    eta = 1.0 / np.linalg.eigvalsh(Th).max()
    ntk_pred = _linearised_gd(Th, Tht, ytr, eta, steps)
    K = nngp_kernel(X, depth=depth, sw2=sw2, sb2=sb2).numpy()
    Kt = nngp_kernel(Xt, X, depth=depth, sw2=sw2, sb2=sb2).numpy()
    Kss = nngp_kernel(Xt, depth=depth, sw2=sw2, sb2=sb2).numpy()
    nngp_pred, _ = gp_posterior(K, Kt.T, Kss, ytr, 0.5)
    Xl = np.column_stack([X, np.ones(len(X))])
    beta = np.linalg.solve(Xl.T @ Xl + 1.0 * np.eye(Xl.shape[1]), Xl.T @ ytr)
    lin_pred = np.column_stack([Xt, np.ones(len(Xt))]) @ beta
    rmse = lambda p: float(np.sqrt(np.mean((p - yte) ** 2)))  # noqa: E731
    seeds = g.integers(0, 2**31, size=(n_seeds, len(widths)))
    dist = np.empty((n_seeds, len(widths)))
    err = np.empty((n_seeds, len(widths)))
    Xd = torch.tensor(X, dtype=torch.float64, device=device)
    Xtd = torch.tensor(Xt, dtype=torch.float64, device=device)
    yd = torch.tensor(ytr, dtype=torch.float64, device=device)
    widest = None
    for s in range(n_seeds):
        for i, w in enumerate(widths):
            net = mlp(X.shape[1], int(w), depth, sw2=sw2, sb2=sb2, dtype=torch.float64, device=device,
                      seed=int(seeds[s, i]))
            with torch.no_grad():
                f0 = net(Xd)[:, 0].clone()
                f0t = net(Xtd)[:, 0].clone()
            opt = torch.optim.SGD(net.parameters(), lr=float(eta))
            for _ in range(steps):
                opt.zero_grad()
                loss = 0.5 * ((net(Xd)[:, 0] - f0 - yd) ** 2).sum()
                loss.backward()
                opt.step()
            with torch.no_grad():
                pred = (net(Xtd)[:, 0] - f0t).cpu().numpy()
            dist[s, i] = np.linalg.norm(pred - ntk_pred) / np.linalg.norm(ntk_pred)
            err[s, i] = rmse(pred)
            if s == 0 and i == len(widths) - 1:
                widest = pred
    med = np.median(dist, axis=0)
    return DiabetesNTKResult(
        widths=widths.astype(float), dist_to_ntk=med, rate=loglog_slope(widths, med), net_rmse=np.median(err, axis=0),
        ntk_rmse=rmse(ntk_pred), nngp_rmse=rmse(nngp_pred), linear_rmse=rmse(lin_pred), y_test=yte,
        ntk_pred=ntk_pred, net_pred_widest=widest,
    )


@demo_result
class NormBoundResult(DemoResult):
    """Result of :func:`norm_bound_demo`."""

    widths: np.ndarray
    train_mse: np.ndarray
    test_mse: np.ndarray
    gap: np.ndarray
    complexity: np.ndarray
    frob_product: np.ndarray
    null_mse: float = float("nan")
    train_trunc: np.ndarray = None
    test_trunc: np.ndarray = None
    test_trunc_se: np.ndarray = None
    bound: np.ndarray = None
    dist_product: np.ndarray = None
    delta: float = 0.05

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.widths, self.test_trunc - self.train_trunc, "o-", label="gap of the truncated loss")
        ax.loglog(self.widths, self.bound - self.train_trunc, "s--",
                  label=r"$4\,$GRS term $+\sqrt{\log(1/\delta)/(2n)}$")
        ax.set_xlabel("width $n_1$")
        ax.legend()
        return ax


def norm_bound_demo(*, widths: Any = (16, 64, 256, 1024), n: int = 200, d: int = 5, steps: int = 400,
                    lr: float = 1.0, delta: float = 0.05, seed: int = 0, device: str = "cpu") -> NormBoundResult:
    r"""Trained two-layer ReLU networks: generalisation gap against the Golowich-Rakhlin-Shamir bound.

    Networks :func:`dlmath.nets.mlp` with one hidden layer (NTK parameterisation, no bias,
    float64) are trained by full-batch gradient descent on the mean squared error for the
    learnable target :math:`y = \sin(\sqrt d\,u\cdot x) + 0.1\,\xi` with :math:`x\sim N(0, I_d/d)`
    (``null_mse`` is the test error of the zero predictor, :math:`\approx\mathbb E y^2`). For each
    width: the train and test errors, the truncated loss :math:`\min(1,(f-y)^2)` (values in
    :math:`[0,1]`, 2-Lipschitz in :math:`f`), the complexity term
    :math:`B(\sqrt{2(L+1)\log 2}+1)\prod_{j=1}^{L+1}\|W_j\|_F/\sqrt n` (``complexity``; :math:`L=1`,
    effective weights including the parameterisation's multipliers, :math:`B = \max_i\|x_i\|`) and
    the bound of parts (1) and (3) for the truncated loss,
    ``bound`` :math:`=\hat R_{\rm trunc} + 2\cdot 2\cdot{\rm complexity} + \sqrt{\log(1/\delta)/(2n)}`,
    evaluated at the trained norms (an a-posteriori use: the class is not fixed before training).
    ``dist_product`` is :math:`\prod_j\|W_j - W_j(0)\|_F`, the distance from initialisation.

    Returns
    -------
    NormBoundResult

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Golowich, Rakhlin, Shamir (2020), Theorem 1.
    """
    torch = _torch()
    from .nets import mlp

    widths = _check_int_grid(widths, "widths")
    n = check_int(n, "n", minimum=2)
    d = check_int(d, "d", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    delta = check_real(delta, "delta", minimum=0.0, maximum=1.0, strict_min=True)
    gen = torch_generator(seed)
    u = torch.randn(d, generator=gen, dtype=torch.float64)
    u /= u.norm()
    X = torch.randn(n, d, generator=gen, dtype=torch.float64) / math.sqrt(d)
    Xt = torch.randn(2000, d, generator=gen, dtype=torch.float64) / math.sqrt(d)
    y = torch.sin(math.sqrt(d) * X @ u) + 0.1 * torch.randn(n, generator=gen, dtype=torch.float64)
    yt = torch.sin(math.sqrt(d) * Xt @ u) + 0.1 * torch.randn(2000, generator=gen, dtype=torch.float64)
    B = float(X.norm(dim=1).max())
    seeds = rng(seed).integers(0, 2**31, len(widths))
    out = {k: [] for k in ("train", "test", "comp", "prod", "trtr", "tetr", "tese", "dist")}
    Xd, yd, Xtd = X.to(device), y.to(device), Xt.to(device)
    for w, s in zip(widths, seeds):
        net = mlp(d, int(w), 1, sw2=2.0, sb2=0.0, dtype=torch.float64, device=device, seed=int(s))
        W0 = [W.detach().clone() for W in net.effective_weights()]
        opt = torch.optim.SGD(net.parameters(), lr=lr)
        for _ in range(steps):
            opt.zero_grad()
            loss = ((net(Xd)[:, 0] - yd) ** 2).mean()
            loss.backward()
            opt.step()
        with torch.no_grad():
            rtr = (net(Xd)[:, 0].cpu() - y) ** 2
            rte = (net(Xtd)[:, 0].cpu() - yt) ** 2
            Ws = net.effective_weights()
            prod = float(np.prod([float(W.norm()) for W in Ws]))
            dist = float(np.prod([float((W - V).norm()) for W, V in zip(Ws, W0)]))
        tte = torch.clamp(rte, max=1.0)
        out["train"].append(float(rtr.mean()))
        out["test"].append(float(rte.mean()))
        out["trtr"].append(float(torch.clamp(rtr, max=1.0).mean()))
        out["tetr"].append(float(tte.mean()))
        out["tese"].append(float(tte.std()) / math.sqrt(len(tte)))
        out["prod"].append(prod)
        out["dist"].append(dist)
        out["comp"].append(B * (math.sqrt(2 * math.log(2) * 2) + 1) * prod / math.sqrt(n))
    A = {k: np.array(v) for k, v in out.items()}
    bound = A["trtr"] + 4 * A["comp"] + math.sqrt(math.log(1 / delta) / (2 * n))
    return NormBoundResult(widths=widths.astype(float), train_mse=A["train"], test_mse=A["test"],
                           gap=A["test"] - A["train"], complexity=A["comp"], frob_product=A["prod"],
                           null_mse=float((yt**2).mean()), train_trunc=A["trtr"], test_trunc=A["tetr"],
                           test_trunc_se=A["tese"], bound=bound, dist_product=A["dist"], delta=delta)


declare_check(
    "kernels.rademacher_bounds", label="networks",
    quantity="largest ratio over the widths of the test risk of the truncated squared loss to the bound of "
             "parts (1) and (3) at the trained Frobenius norms",
    claim="illustration", relation="<=",
    measure=lambda r: float(np.max(r.test_trunc / r.bound)), predict=1.0,
    tolerance=lambda r: 3 * float(np.max(r.test_trunc_se / r.bound)),
    reason="3 standard errors of the test risk on 2000 test points",
    hypotheses="truncated squared loss in [0, 1], 2-Lipschitz; one hidden ReLU layer without biases; bounded "
               "inputs. Outside the theorem: the norm bounds are read off the trained weights, so the class "
               "is not fixed in advance (a union bound over norm levels would be needed)",
    wrong="no generalisation gap: the test risk bounded by the training risk alone",
    wrong_measure=lambda r: float(np.max(r.test_trunc / r.train_trunc)), demo=norm_bound_demo)


# --------------------------------------------------------------------------------------------
# Double descent
# --------------------------------------------------------------------------------------------
def double_descent_closed_form(n: int, p: int, sigma: float, r: float) -> float:
    r"""Exact risk :math:`\mathbb E\|\hat\beta-\beta\|^2` of minimum-norm least squares, Gaussian design.

    For :math:`y = X\beta+\varepsilon`, rows of :math:`X` i.i.d. :math:`N(0,I_p)`,
    :math:`\varepsilon\sim N(0,\sigma^2I_n)`, :math:`\|\beta\| = r`, :math:`\hat\beta = X^+y`:

    .. math::

        \mathbb E\|\hat\beta-\beta\|^2 =
        \begin{cases} \sigma^2\,\dfrac{p}{n-p-1}, & p\le n-2,\\[1ex]
        r^2\Bigl(1-\dfrac np\Bigr) + \sigma^2\,\dfrac{n}{p-n-1}, & p\ge n+2,\end{cases}

    and :math:`+\infty` for :math:`|p-n|\le 1` (when :math:`\sigma>0`). This is also the excess
    test risk :math:`\mathbb E[(x\cdot(\hat\beta-\beta))^2]` for a fresh :math:`x\sim N(0,I_p)`.

    Parameters
    ----------
    n, p : int
        Sample size and dimension, >= 1.
    sigma, r : float
        Noise level and signal norm, >= 0.

    Returns
    -------
    float

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Hastie, Montanari, Rosset,
    Tibshirani (2022); Belkin, Hsu, Xu (2020).
    """
    n = check_int(n, "n", minimum=1)
    p = check_int(p, "p", minimum=1)
    sigma = check_real(sigma, "sigma", minimum=0.0)
    r = check_real(r, "r", minimum=0.0)
    if p <= n - 2:
        return sigma**2 * p / (n - p - 1)
    if p >= n + 2:
        return r**2 * (1 - n / p) + sigma**2 * n / (p - n - 1)
    bias = r**2 * max(0.0, 1 - n / p)
    return math.inf if sigma > 0 else bias


def weak_features_risk(n: int, p: int, beta: Any, sigma: float) -> float:
    r"""Exact test risk of minimum-norm least squares on the first ``p`` of ``N`` Gaussian features.

    For :math:`x\sim N(0,I_N)`, :math:`y = x\cdot\beta+\sigma\xi`, a sample of size :math:`n`, and
    :math:`\hat\beta = X_T^+y` fitted on the coordinates :math:`T = \{1,\dots,p\}` only, with
    :math:`s^2 = \|\beta_{T^c}\|^2+\sigma^2` (the omitted signal acts as noise),

    .. math::

        \mathbb E(y - x_T\cdot\hat\beta)^2 =
        \begin{cases} s^2\Bigl(1+\dfrac{p}{n-p-1}\Bigr), & p\le n-2,\\[1ex]
        \|\beta_T\|^2\Bigl(1-\dfrac np\Bigr) + s^2\Bigl(1+\dfrac{n}{p-n-1}\Bigr), & p\ge n+2,\end{cases}

    and :math:`+\infty` for :math:`|p-n|\le1` when :math:`s>0`. For :math:`p = N` this is
    :math:`\sigma^2` plus :func:`double_descent_closed_form`.

    Parameters
    ----------
    n, p : int
        Sample size and number of fitted features, :math:`1\le p\le N`.
    beta : array_like, shape (N,)
        The signal.
    sigma : float
        Noise level, >= 0.

    Returns
    -------
    float

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Belkin, Hsu, Xu (2020), Theorem 1.
    """
    n = check_int(n, "n", minimum=1)
    b = check_array(beta, "beta", ndim=1, min_size=1)
    p = check_int(p, "p", minimum=1, maximum=len(b))
    sigma = check_real(sigma, "sigma", minimum=0.0)
    bT, s2 = float(b[:p] @ b[:p]), float(b[p:] @ b[p:]) + sigma**2
    if p <= n - 2:
        return s2 * (1 + p / (n - p - 1))
    if p >= n + 2:
        return bT * (1 - n / p) + s2 * (1 + n / (p - n - 1))
    return math.inf if s2 > 0 else bT * max(0.0, 1 - n / p)


def _weak_features_wrong(n: int, p: int, b: np.ndarray, sigma: float) -> float:
    """The risk of :func:`weak_features_risk` with n - p and p - n for n - p - 1 and p - n - 1 (a wrong formula)."""
    bT, s2 = float(b[:p] @ b[:p]), float(b[p:] @ b[p:]) + sigma**2
    if p < n:
        return s2 * (1 + p / (n - p))
    return bT * (1 - n / p) + s2 * (1 + n / (p - n))


@demo_result
class DoubleDescentResult(DemoResult):
    """Result of :func:`double_descent_demo`."""

    n: int
    ps: np.ndarray
    mc_risk: np.ndarray
    mc_se: np.ndarray
    predicted: np.ndarray
    max_rel_err: float
    sigma: float
    beta: np.ndarray
    max_z: float
    max_z_wrong: float
    best_under: float
    best_over: float

    def plot(self, ax=None):
        ax = axes(ax)
        n, N = self.n, len(self.beta)
        pu = np.arange(1, n - 1)
        po = np.arange(n + 2, N + 1)
        ru = [weak_features_risk(n, int(p), self.beta, self.sigma) for p in pu]
        ro = [weak_features_risk(n, int(p), self.beta, self.sigma) for p in po]
        ax.plot(pu, ru, color="C0", label=f"exact risk, $n={n}$")
        ax.plot(po, ro, color="C0")
        ax.errorbar(self.ps, self.mc_risk, yerr=2 * self.mc_se, fmt="o", color="C1", label="Monte Carlo $\\pm 2$ SE")
        ax.axvline(n, color="0.5", lw=0.8)
        ax.axhline(float(self.beta @ self.beta) + self.sigma**2, color="0.5", ls=":", lw=1, label="null risk")
        ax.set_ylim(0, 2.5)
        ax.set_xlabel("number of fitted features $p$")
        ax.set_ylabel(r"test risk $\mathbb{E}(y - x_T\cdot\hat\beta)^2$")
        ax.legend()
        return ax


def double_descent_demo(*, n: int = 40, N: int = 100, ps: Any = (2, 6, 15, 30, 50, 60, 80, 100), sigma: float = 0.1,
                        offset: float = 0.15, n_rep: int = 2000, seed: int = 0) -> DoubleDescentResult:
    r"""Monte Carlo check of the exact double-descent curve of minimum-norm least squares on weak features.

    A fixed signal :math:`\beta\in\mathbb R^N` with :math:`\beta_j\propto 1/j+` ``offset``,
    :math:`\|\beta\| = 1` (a few strong and many weak features); for each ``p``, ``n_rep`` draws of
    the design :math:`X\in\mathbb R^{n\times N}` (all :math:`N` features drawn) and noise, the
    minimum-norm fit on the first ``p`` columns, and the exact conditional test risk
    :math:`\|\hat\beta-\beta_T\|^2+\|\beta_{T^c}\|^2+\sigma^2`; the mean against
    :func:`weak_features_risk`. Values of ``p`` with :math:`|p-n|\le 1` are rejected (infinite risk).

    Returns
    -------
    DoubleDescentResult
        ``max_z`` is :math:`\max_p|{\rm MC}-{\rm exact}|/{\rm SE}`, ``max_z_wrong`` the same against the
        formula with :math:`n-p`, :math:`p-n` in the denominators; ``best_under`` and ``best_over`` the
        exact minima over :math:`p\le n-2` and :math:`n+2\le p\le N`.

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Belkin, Hsu, Xu (2020), Theorem 1;
    Hastie et al. (2022).
    """
    n = check_int(n, "n", minimum=3)
    N = check_int(N, "N", minimum=2)
    ps = _check_int_grid(ps, "ps")
    if np.any(np.abs(ps - n) <= 1):
        raise ValueError("ps must avoid n-1, n, n+1 (infinite risk)")
    if ps[-1] > N:
        raise ValueError("ps must not exceed N")
    sigma = check_real(sigma, "sigma", minimum=0.0)
    offset = check_real(offset, "offset", minimum=0.0)
    n_rep = check_int(n_rep, "n_rep", minimum=10)
    g = rng(seed)
    beta = 1.0 / np.arange(1, N + 1) + offset
    beta /= np.linalg.norm(beta)
    mc, se, pred, wrong = [], [], [], []
    for p in ps:
        p = int(p)
        X = g.standard_normal((n_rep, n, N))
        y = X @ beta + sigma * g.standard_normal((n_rep, n))
        XT = X[:, :, :p]
        if p < n:
            A = np.swapaxes(XT, 1, 2) @ XT
            bh = np.linalg.solve(A, (np.swapaxes(XT, 1, 2) @ y[..., None]))[..., 0]
        else:
            A = XT @ np.swapaxes(XT, 1, 2)
            bh = (np.swapaxes(XT, 1, 2) @ np.linalg.solve(A, y[..., None]))[..., 0]
        e = np.sum((bh - beta[:p]) ** 2, axis=1) + float(beta[p:] @ beta[p:]) + sigma**2
        mc.append(e.mean())
        se.append(e.std(ddof=1) / np.sqrt(n_rep))
        pred.append(weak_features_risk(n, p, beta, sigma))
        wrong.append(_weak_features_wrong(n, p, beta, sigma))
    mc, se, pred, wrong = np.array(mc), np.array(se), np.array(pred), np.array(wrong)
    under = [weak_features_risk(n, p, beta, sigma) for p in range(1, n - 1)]
    over = [weak_features_risk(n, p, beta, sigma) for p in range(n + 2, N + 1)]
    return DoubleDescentResult(
        n=n, ps=ps.astype(float), mc_risk=mc, mc_se=se, predicted=pred, max_rel_err=float(np.max(np.abs(mc / pred - 1))),
        sigma=sigma, beta=beta, max_z=float(np.max(np.abs(mc - pred) / se)),
        max_z_wrong=float(np.max(np.abs(mc - wrong) / se)), best_under=float(min(under)) if under else math.inf,
        best_over=float(min(over)) if over else math.inf)


declare_check(
    "kernels.double_descent",
    quantity="largest deviation over p of the Monte Carlo test risk of the minimum-norm fit from the exact "
             "formula, in standard errors",
    claim="identity", relation="approx", measure="max_z", predict=0.0, tolerance=4.0,
    reason="4 Monte Carlo standard errors of the mean over n_rep designs (8 values of p kept at distance >= 10 "
           "from n, where the inverse-Wishart moments needed for the standard error are finite)",
    hypotheses="i.i.d. N(0, I_N) features, Gaussian noise independent of them, fixed signal, minimum-norm least "
               "squares on the first p features, |p - n| >= 2",
    wrong="n - p and p - n for n - p - 1 and p - n - 1 (the means of inverse Wishart matrices off by one)",
    wrong_measure="max_z_wrong", demo=double_descent_demo)


# --------------------------------------------------------------------------------------------
# Rademacher complexity
# --------------------------------------------------------------------------------------------
def rademacher_linear(X: Any, B: float = 1.0, n_signs: int = 2000, seed: int = 0) -> float:
    r"""Empirical Rademacher complexity of the ball :math:`\{x\mapsto w\cdot x: \|w\|_2\le B\}`.

    .. math::

        \widehat{\mathrm{Rad}}_S(\mathcal F_B) = \mathbb E_\varepsilon \sup_{\|w\|\le B}
        \frac1n\sum_i \varepsilon_i\, w\cdot x_i = \frac Bn\,\mathbb E_\varepsilon\Bigl\|\sum_i\varepsilon_i x_i\Bigr\|,

    the expectation over i.i.d. signs estimated with ``n_signs`` draws (the supremum is exact,
    by Cauchy-Schwarz).

    Parameters
    ----------
    X : array_like, shape (n, d)
        The sample :math:`x_1,\dots,x_n`.
    B : float, default 1.0
        Radius, > 0.
    n_signs : int, default 2000
    seed : int, default 0

    Returns
    -------
    float

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Bartlett and Mendelson (2002).
    """
    Xa = check_array(X, "X", ndim=2, min_size=1)
    B = check_real(B, "B", minimum=0.0, strict_min=True)
    n_signs = check_int(n_signs, "n_signs", minimum=1)
    g = rng(seed)
    n = Xa.shape[0]
    eps = g.choice(np.array([-1.0, 1.0]), size=(n_signs, n))
    return float(B / n * np.linalg.norm(eps @ Xa, axis=1).mean())


@demo_result
class RademacherResult(DemoResult):
    """Result of :func:`rademacher_demo`."""

    ns: np.ndarray
    rad: np.ndarray
    bound: np.ndarray
    ratio: np.ndarray
    rate: float
    predicted: float
    ratio_se: float = float("nan")
    rate_se: float = float("nan")
    dev_n: int = 0
    dev_delta: float = float("nan")
    dev_bound: float = float("nan")
    dev_quantile: float = float("nan")
    dev_freq: float = float("nan")
    dev_freq_wrong: float = float("nan")
    dev_freq_se: float = float("nan")

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.ns, self.rad, "o-", label=r"$\widehat{\mathrm{Rad}}_S$ (Monte Carlo over signs)")
        ax.loglog(self.ns, self.bound, "s--", label=r"$B(\sum_i\|x_i\|^2)^{1/2}/n$")
        slope_guide(ax, self.ns, -0.5, anchor=(self.ns[0], 0.8 * self.rad[0]), label="slope $-1/2$")
        from matplotlib.ticker import NullFormatter

        ax.set_xticks(self.ns)
        ax.set_xticklabels([str(int(v)) for v in self.ns])
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("sample size $n$")
        ax.legend()
        return ax


def rademacher_demo(*, ns: Any = (50, 200, 800), d: int = 10, B: float = 1.0, n_signs: int = 2000,
                    dev_n: int = 200, dev_samples: int = 4000, delta: float = 0.05,
                    seed: int = 0) -> RademacherResult:
    r"""Empirical Rademacher complexity of a Euclidean ball of linear functions against its bound.

    For each ``n``, :math:`x_i\sim N(0,I_d)`; :func:`rademacher_linear` against
    :math:`B(\sum_i\|x_i\|^2)^{1/2}/n` (Jensen); ``ratio`` is their quotient (in :math:`(0,1]`),
    ``rate`` the log-log slope in ``n``, predicted :math:`-1/2`.

    Part (1) of the theorem, by simulation: :math:`x` uniform on the unit sphere of
    :math:`\mathbb R^d`, :math:`y = \pm1` independent, loss :math:`\ell_w(x,y) = (1-y\,w\cdot x)/2\in[0,1]`
    over :math:`\|w\|\le1`. Then :math:`\sup_w(R-\hat R_n) = \|\frac1n\sum_iy_ix_i\|/2` exactly and
    :math:`\mathrm{Rad}_n(\ell\circ\mathcal F) = \frac1{2n}\mathbb E\|\sum_i\varepsilon_ix_i\|`. Over
    ``dev_samples`` samples of size ``dev_n``, ``dev_freq`` is the frequency of
    :math:`\sup_w(R-\hat R_n) > 2\mathrm{Rad}_n + \sqrt{\log(1/\delta)/(2n)}` (``dev_bound``),
    ``dev_freq_wrong`` the frequency of exceeding :math:`\mathrm{Rad}_n` alone, ``dev_quantile`` the
    empirical :math:`(1-\delta)`-quantile of the deviation.

    Returns
    -------
    RademacherResult

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Bartlett and Mendelson (2002), Lemma 22.
    """
    ns = _check_int_grid(ns, "ns")
    d = check_int(d, "d", minimum=1)
    B = check_real(B, "B", minimum=0.0, strict_min=True)
    n_signs = check_int(n_signs, "n_signs", minimum=1)
    g = rng(seed)
    rad, bound, ratio_se = [], [], []
    for n in ns:
        X = g.standard_normal((int(n), d))
        sd = int(g.integers(2**31))
        rad.append(rademacher_linear(X, B=B, n_signs=n_signs, seed=sd))
        bound.append(B * np.sqrt((X**2).sum()) / n)
        # Monte Carlo standard error over the sign draws (same draws as rademacher_linear)
        eps = rng(sd).choice(np.array([-1.0, 1.0]), size=(n_signs, int(n)))
        norms = B / n * np.linalg.norm(eps @ X, axis=1)
        ratio_se.append(float(norms.std(ddof=1) / math.sqrt(n_signs)) / bound[-1])
    rad, bound, ratio_se = np.array(rad), np.array(bound), np.array(ratio_se)
    ratio = rad / bound
    # slope standard error from the relative errors of the points (sign Monte Carlo and the sample)
    lx = np.log(ns.astype(float))
    rel = np.sqrt(ratio_se**2 / ratio**2 + 1.0 / (2.0 * d * ns))
    rate_se = float(np.sqrt(np.sum(((lx - lx.mean()) / np.sum((lx - lx.mean()) ** 2)) ** 2 * rel**2)))
    # part (1): uniform deviation for a bounded linear loss class
    dev_n = check_int(dev_n, "dev_n", minimum=2)
    dev_samples = check_int(dev_samples, "dev_samples", minimum=10)
    delta = check_real(delta, "delta", minimum=0.0, maximum=1.0, strict_min=True)

    def _sphere(m):
        Z = g.standard_normal((m, dev_n, d))
        return Z / np.linalg.norm(Z, axis=2, keepdims=True)

    Xs = _sphere(dev_samples)
    ys = g.choice(np.array([-1.0, 1.0]), size=(dev_samples, dev_n))
    dev = np.linalg.norm(np.einsum("mi,mid->md", ys, Xs), axis=1) / (2 * dev_n)
    Xr = _sphere(dev_samples)
    er = g.choice(np.array([-1.0, 1.0]), size=(dev_samples, dev_n))
    rad_loss = float(np.mean(np.linalg.norm(np.einsum("mi,mid->md", er, Xr), axis=1)) / (2 * dev_n))
    dev_bound = 2 * rad_loss + math.sqrt(math.log(1 / delta) / (2 * dev_n))
    freq = float(np.mean(dev > dev_bound))
    return RademacherResult(ns=ns.astype(float), rad=rad, bound=bound, ratio=ratio, rate=loglog_slope(ns, rad),
                            predicted=-0.5, ratio_se=float(ratio_se[int(np.argmax(ratio))]), rate_se=rate_se,
                            dev_n=dev_n, dev_delta=delta, dev_bound=float(dev_bound),
                            dev_quantile=float(np.quantile(dev, 1 - delta)), dev_freq=freq,
                            dev_freq_wrong=float(np.mean(dev > rad_loss)),
                            dev_freq_se=math.sqrt(delta * (1 - delta) / dev_samples))


declare_check(
    "kernels.rademacher_bounds", label="bound",
    quantity="largest ratio over n of the empirical Rademacher complexity of the unit ball to the Jensen bound "
             "(sum_i |x_i|^2)^(1/2)/n of part 2",
    claim="upper bound", relation="<=", measure=lambda r: float(np.max(r.ratio)), predict=1.0,
    tolerance=lambda r: 3 * float(r.ratio_se),
    reason="3 Monte Carlo standard errors over the sign draws (the supremum over w is exact)",
    hypotheses="Euclidean ball of linear functions, any sample; here x_i ~ N(0, I_10), for which the Jensen step "
               "is nearly tight (|sum eps_i x_i| concentrates)",
    wrong="0.9 x the bound", wrong_predict=0.9, min_tightness=0.9, demo=rademacher_demo)

declare_check(
    "kernels.rademacher_bounds", label="rate",
    quantity="fitted slope of the empirical Rademacher complexity of the unit ball against n (n = 50 to 800)",
    claim="rate", relation="approx", measure="rate", predict=-0.5, tolerance=lambda r: 3 * float(r.rate_se),
    reason="3 standard errors of the slope, from the sign Monte Carlo and the relative fluctuation "
           "(2 d n)^(-1/2) of (sum_i |x_i|^2)^(1/2)",
    hypotheses="x_i i.i.d. N(0, I_d): E|x|^2 = d < infinity, so the complexity is of order B sqrt(d/n)",
    wrong="the rate n^(-1/4)", wrong_predict=-0.25, demo=rademacher_demo)

declare_check(
    "kernels.rademacher_bounds", label="deviation",
    quantity="frequency over simulated samples of sup_f (R - R_hat) exceeding 2 Rad_n + sqrt(log(1/delta)/(2n)), "
             "for a [0, 1]-valued linear loss class",
    claim="upper bound", relation="<=", measure="dev_freq", predict="dev_delta",
    tolerance=lambda r: 3 * float(r.dev_freq_se),
    reason="3 binomial standard errors of a frequency over dev_samples samples; the supremum is exact and "
           "Rad_n is estimated on independent draws",
    hypotheses="loss (1 - y w.x)/2 in [0, 1] on the unit ball, |x| = 1, i.i.d. samples of size dev_n",
    wrong="the deviation bounded by Rad_n alone (no symmetrisation factor 2, no McDiarmid term)",
    wrong_measure="dev_freq_wrong", demo=rademacher_demo)
