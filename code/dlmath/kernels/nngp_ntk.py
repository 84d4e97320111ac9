r"""The NNGP and NTK kernels of the fully connected network :func:`dlmath.nets.mlp`.

Conventions (fixed for the whole package): the network with ``depth`` :math:`=L` hidden layers is

.. math::

    h^1 = \sqrt{\sigma_w^2/d}\,W^1x + \sigma_b b^1,\quad
    h^{\ell+1} = \sqrt{\sigma_w^2/n}\,W^{\ell+1}\phi(h^\ell) + \sigma_b b^{\ell+1},\quad f = h^{L+1},

and its kernels are :math:`K^1(x,x') = \sigma_b^2 + \sigma_w^2 x\cdot x'/d`,
:math:`K^{\ell+1} = \sigma_b^2 + \sigma_w^2\,\mathbb E[\phi(u)\phi(v)]`,
:math:`\dot K^{\ell+1} = \sigma_w^2\,\mathbb E[\phi'(u)\phi'(v)]` with
:math:`(u,v)\sim N(0, K^\ell|_{\{x,x'\}})`, :math:`\Theta^1 = K^1`,
:math:`\Theta^{\ell+1} = \Theta^\ell \dot K^{\ell+1} + K^{\ell+1}`. The expectations come from
:data:`dlmath.kernels.GAUSSIAN_MAPS`. Also the correlation map of deep ReLU networks and the
demos of the NNGP limit and of the NTK at initialisation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..plotting import axes, slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    check_bool,
    check_choice,
    check_device,
    check_int,
    check_int_sequence,
    check_real,
    like_input,
    loglog_slope,
    rng,
    torch_generator,
)
from ._common import _pair, _real_array, _slope_se
from .empirical import empirical_ntk
from .gaussian import GaussianMap, gaussian_map

__all__ = [
    "nngp_kernel",
    "ntk_kernel",
    "correlation_map",
    "nngp_demo",
    "ntk_limit_demo",
    "NNGPResult",
    "NTKLimitResult",
]


def _layer(
    K: torch.Tensor, q1: torch.Tensor, q2: torch.Tensor, sw2: float, sb2: float, gmap: GaussianMap, ntk: bool
) -> tuple[torch.Tensor, torch.Tensor | None]:
    r"""One step of the recursion on a Gram block :math:`K = K^\ell(X_1, X_2)` with diagonals q1, q2.

    Returns :math:`K^{\ell+1} = \sigma_b^2 + \sigma_w^2\,\mathbb E[\phi(u)\phi(v)]` and, for the NTK,
    :math:`\dot K^{\ell+1} = \sigma_w^2\,\mathbb E[\phi'(u)\phi'(v)]` (else None).
    """
    k11 = q1[:, None]
    k22 = q2[None, :]
    if ntk and gmap.both is not None:
        value, derivative = gmap.both(k11, K, k22)
        return value.mul_(sw2).add_(sb2), derivative.mul_(sw2)
    K_next = gmap.value(k11, K, k22).mul_(sw2).add_(sb2)
    K_dot = sw2 * gmap.derivative(k11, K, k22) if ntk else None
    return K_next, K_dot


def _kernel_recursion(X1, X2, depth, sw2, sb2, activation, ntk: bool):
    """NNGP (and NTK) of the network, in float64 on X1's device; the output in the kind of X1."""
    depth = check_int(depth, "depth", minimum=0)
    sw2 = check_real(sw2, "sw2", minimum=0.0, strict_min=True)
    sb2 = check_real(sb2, "sb2", minimum=0.0)
    gmap = gaussian_map(activation)
    A, B = _pair(X1, X2)
    d = A.shape[1]
    sym = X2 is None
    q1 = sb2 + sw2 * (A * A).sum(1) / d
    q2 = q1 if sym else sb2 + sw2 * (B * B).sum(1) / d
    K = (A @ B.T) * (sw2 / d) + sb2
    if sym:  # exact symmetry and diagonal
        K = 0.5 * (K + K.T)
        K.diagonal().copy_(q1)
    theta = K.clone() if ntk else None
    for _ in range(depth):
        # on the diagonal k11 = k12 = k22 = q exactly, so the maps give the diagonal recursion
        # exactly (cosine 1, angle 0) in float64
        K, K_dot = _layer(K, q1, q2, sw2, sb2, gmap, ntk)
        q1 = sb2 + sw2 * gmap.value(q1, q1, q1)
        q2 = q1 if sym else sb2 + sw2 * gmap.value(q2, q2, q2)
        if sym:
            K.diagonal().copy_(q1)
        if ntk:
            theta = theta * K_dot + K
    outs = [K, theta] if ntk else [K]
    if sym:  # elementwise rounding may differ in the last bit between (i, j) and (j, i)
        outs = [torch.triu(o) + torch.triu(o, 1).T for o in outs]
    outs = [like_input(o, X1) for o in outs]
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
    numpy.ndarray or torch.Tensor, shape (n1, n2)
        Computed in float64; NumPy for NumPy ``X1``, a tensor of ``X1``'s dtype and device for a
        tensor ``X1``.

    Examples
    --------
    >>> nngp_kernel([[1.0, 0.0], [0.0, 1.0]], depth=1)  # orthogonal inputs, ReLU: 1/pi off the diagonal
    array([[1.        , 0.31830989],
           [0.31830989, 1.        ]])

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


def ntk_kernel(
    X1: Any,
    X2: Any = None,
    *,
    depth: int,
    sw2: float = 2.0,
    sb2: float = 0.0,
    activation: str = "relu",
    return_nngp: bool = False,
):
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
    numpy.ndarray or torch.Tensor, shape (n1, n2)
        :math:`\Theta^{L+1}`; with ``return_nngp`` the pair ``(nngp, ntk)``. Computed in float64,
        returned in the kind of ``X1`` as in :func:`nngp_kernel`.

    Examples
    --------
    >>> round(float(ntk_kernel([[1.0]], depth=1, sw2=1.69)[0, 0]), 12)  # q^1 sw2/2 + q^2, q^2 = q^1 sw2/2
    2.8561

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Jacot, Gabriel, Hongler (2018),
    Theorem 1; Arora et al. (2019).
    """
    return_nngp = check_bool(return_nngp, "return_nngp")
    nngp, ntk = _kernel_recursion(X1, X2, depth, sw2, sb2, activation, ntk=True)
    return (nngp, ntk) if return_nngp else ntk


def correlation_map(c: Any, activation: str = "relu") -> np.ndarray:
    r"""The correlation map of the NNGP recursion of ReLU networks without biases.

    For ReLU with :math:`\sigma_b = 0` the recursion is positively homogeneous, so the
    correlation :math:`c_\ell = K^\ell(x,x')/\sqrt{K^\ell(x,x)K^\ell(x',x')}` evolves by a map
    that does not depend on :math:`\sigma_w^2` or the variances:

    .. math::

        c \mapsto \frac{\sqrt{1-c^2} + (\pi - \arccos c)\,c}{\pi}.

    Parameters
    ----------
    c : array_like or torch.Tensor
        Correlations in :math:`[-1, 1]`.
    activation : {"relu"}
        Only positively homogeneous activations have a variance-free correlation map; ReLU is
        the one supported.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        The image, same shape as ``c`` (a tensor of ``c``'s dtype and device for a tensor).

    Examples
    --------
    >>> float(correlation_map(1.0))  # the fixed point c = 1
    1.0

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Cho and Saul (2009); Hayou, Doucet,
    Rousseau (2019).
    """
    ca = _real_array(c, "c")
    if np.any(np.abs(ca) > 1):
        raise ValueError("c must lie in [-1, 1]")
    check_choice(activation, "activation", ("relu",))
    return like_input((np.sqrt(1 - ca**2) + (np.pi - np.arccos(ca)) * ca) / np.pi, c)


# --------------------------------------------------------------------------------------------
# demos
# --------------------------------------------------------------------------------------------
@demo_result
class NNGPResult(DemoResult):
    """Result of :func:`nngp_demo`.

    Attributes
    ----------
    K_analytic : numpy.ndarray
        NNGP kernel K^(L+1) from `nngp_kernel` (L = `depth`) on the four inputs, shape (4, 4).
    K_empirical : numpy.ndarray
        Empirical NNGP covariance F^T F / `n_nets` of the outputs F of `n_nets` random
        networks on the four inputs, shape (4, 4).
    max_rel_err : float
        Largest entry of ``|K_empirical - K_analytic|`` divided by the largest diagonal
        entry of `K_analytic`.
    widths : numpy.ndarray
        Hidden widths n of the one-hidden-layer kurtosis experiment (`widths`, as floats).
    excess_kurtosis : numpy.ndarray
        Sample excess kurtosis E[f^4]/E[f^2]^2 - 3 of the centred output f over
        `n_nets_kurtosis` networks, one entry per width in `widths`.
    predicted : numpy.ndarray
        Predicted excess kurtosis 15/n, one entry per width in `widths`.
    cov_z : float
        Largest ``|K_empirical - K_analytic|`` over the entries, in Monte Carlo standard errors
        of each entry (std of the products f_i f_j over the networks / sqrt(`n_nets`)).
    cov_z_wrong : float
        As `cov_z`, against the wrong kernel `K_analytic` - `sb2` (the output layer's bias
        variance left out).
    kurt_se : numpy.ndarray
        Batch-means standard error (20 batches) of `excess_kurtosis`, one entry per width.
    kurt_z : float
        Largest ``|excess_kurtosis - 15/n|`` over the widths, in units of `kurt_se`.
    kurt_z_wrong : float
        Largest ``|excess_kurtosis - 12/n|`` over the widths, in units of `kurt_se` (the wrong
        prediction 12/n).
    """

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
            from ..plotting import figure_grid

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


def nngp_demo(
    *,
    width: int = 256,
    n_nets: int = 16000,
    depth: int = 3,
    sw2: float = 2.0,
    sb2: float = 0.1,
    widths: Any = (4, 8, 16, 32),
    n_nets_kurtosis: int = 400_000,
    seed: int = 0,
    device: str = "cpu",
) -> NNGPResult:
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

    Parameters
    ----------
    width : int, default 256
    n_nets : int, default 16000
    depth : int, default 3
    sw2 : float, default 2.0
    sb2 : float, default 0.1
    widths : sequence, default (4, 8, 16, 32)
    n_nets_kurtosis : int, default 400000
    seed : int, default 0
    device : str, default 'cpu'

    Returns
    -------
    NNGPResult

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Neal (1996); Matthews et al. (2018).
    """
    width = check_int(width, "width", minimum=1)
    n_nets = check_int(n_nets, "n_nets", minimum=10)
    depth = check_int(depth, "depth", minimum=1)
    sw2 = check_real(sw2, "sw2", minimum=0.0, strict_min=True)
    sb2 = check_real(sb2, "sb2", minimum=0.0)
    widths = np.asarray(check_int_sequence(widths, "widths", minimum=1, min_len=2, increasing=True), dtype=np.int64)
    n_k = check_int(n_nets_kurtosis, "n_nets_kurtosis", minimum=100)
    dev = check_device(device)
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
        K_analytic=K_an,
        K_empirical=K_emp,
        max_rel_err=max_rel,
        widths=wd,
        excess_kurtosis=kurt,
        predicted=15.0 / wd,
        cov_z=cov_z,
        cov_z_wrong=cov_z_wrong,
        kurt_se=kurt_se,
        kurt_z=float(np.max(np.abs(kurt - 15.0 / wd) / kurt_se)),
        kurt_z_wrong=float(np.max(np.abs(kurt - 12.0 / wd) / kurt_se)),
    )


declare_check(
    "kernels.nngp_limit",
    label="covariance",
    quantity="largest deviation of the empirical output covariance of the random networks from the NNGP kernel, "
    "in Monte Carlo standard errors of each entry",
    claim="equality",
    relation="approx",
    measure="cov_z",
    predict=0.0,
    tolerance=4.0,
    reason="4 Monte Carlo standard errors over n_nets networks (10 entries); the O(1/width) finite-width bias "
    "is below 0.3 standard error at width 256 (sampled from the exact finite-width law)",
    hypotheses="i.i.d. Gaussian weights and biases, NTK parameterisation, ReLU (linear envelope), all hidden "
    "widths equal and large",
    wrong="the recursion with the output layer's bias variance sigma_b^2 left out",
    wrong_measure="cov_z_wrong",
    demo=nngp_demo,
)

declare_check(
    "kernels.nngp_limit",
    label="kurtosis",
    quantity="largest deviation of the excess kurtosis of the output from 15/n over the widths, in standard "
    "errors (batch means)",
    claim="identity",
    relation="approx",
    measure="kurt_z",
    predict=0.0,
    tolerance=4.0,
    reason="4 Monte Carlo standard errors of the sample kurtosis, estimated by 20 batch means",
    hypotheses="one hidden ReLU layer, sigma_b = 0, i.i.d. N(0, 1) weights: the output is a sum of n i.i.d. terms",
    wrong="12/n (the kurtosis 3 E r^4/(E r^2)^2 - 3 computed with E r^4/(E r^2)^2 = 5 instead of 6)",
    wrong_measure="kurt_z_wrong",
    demo=nngp_demo,
)


# --------------------------------------------------------------------------------------------
# Demo: NTK at initialisation
# --------------------------------------------------------------------------------------------
@demo_result
class NTKLimitResult(DemoResult):
    """Result of :func:`ntk_limit_demo`.

    Attributes
    ----------
    widths : numpy.ndarray
        Hidden widths n of the networks (`widths`, as floats).
    rel_dev : numpy.ndarray
        Median over the `n_seeds` networks of the relative Frobenius deviation
        ``||Theta_hat - Theta^(L+1)||_F / ||Theta^(L+1)||_F``, one entry per width in `widths`.
    rel_dev_all : numpy.ndarray
        The relative Frobenius deviation for each seed and width, shape
        (`n_seeds`, len(`widths`)).
    rate : float
        Least-squares log-log slope of `rel_dev` against `widths`.
    theta_analytic : numpy.ndarray
        Analytic NTK Theta^(L+1) from `ntk_kernel` (L = `depth`) on the six inputs,
        shape (6, 6).
    predicted : float
        Predicted slope -1/2 of the deviation against the width (rate n^(-1/2)).
    rate_se : float
        Standard error of `rate`: std of the per-seed fitted slopes / sqrt(`n_seeds`) (the
        residual standard error of the fit for one seed).
    """

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


def ntk_limit_demo(
    *,
    widths: Any = (64, 128, 256, 512, 1024, 2048),
    depth: int = 2,
    n_seeds: int = 7,
    sw2: float = 2.0,
    sb2: float = 0.1,
    activation: str = "relu",
    seed: int = 0,
    device: str = "cpu",
) -> NTKLimitResult:
    r"""The empirical NTK of a wide network approaches the analytic NTK at rate :math:`n^{-1/2}`.

    Six inputs in :math:`\mathbb R^8`; for each width, ``n_seeds`` networks
    :func:`dlmath.nets.mlp` (float64, NTK parameterisation); the relative Frobenius deviation
    :math:`\|\hat\Theta-\Theta^{L+1}\|_F/\|\Theta^{L+1}\|_F` of :func:`empirical_ntk` from
    :func:`ntk_kernel`, median over seeds; ``rate`` is the log-log slope, predicted :math:`-1/2`.

    Parameters
    ----------
    widths : sequence, default (64, 128, 256, 512, 1024, 2048)
    depth : int, default 2
    n_seeds : int, default 7
    sw2 : float, default 2.0
    sb2 : float, default 0.1
    activation : str, default 'relu'
    seed : int, default 0
    device : str, default 'cpu'

    Returns
    -------
    NTKLimitResult

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Jacot, Gabriel, Hongler (2018), Theorem 1;
    Hanin and Nica (2020).
    """
    device = check_device(device)
    from ..nets import mlp

    widths = np.asarray(check_int_sequence(widths, "widths", minimum=1, min_len=2, increasing=True), dtype=np.int64)
    depth = check_int(depth, "depth", minimum=1)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    sw2 = check_real(sw2, "sw2", minimum=0.0, strict_min=True)
    sb2 = check_real(sb2, "sb2", minimum=0.0)
    gaussian_map(activation)
    gen = torch_generator(seed)
    X = torch.randn(6, 8, generator=gen, dtype=torch.float64)
    theta = ntk_kernel(X, depth=depth, sw2=sw2, sb2=sb2, activation=activation)
    seeds = rng(seed).integers(0, 2**31, size=(n_seeds, len(widths)))
    dev = np.empty((n_seeds, len(widths)))
    for s in range(n_seeds):
        for i, w in enumerate(widths):
            net = mlp(
                8,
                int(w),
                depth,
                activation=activation,
                sw2=sw2,
                sb2=sb2,
                dtype=torch.float64,
                device=device,
                seed=int(seeds[s, i]),
            )
            emp = empirical_ntk(net, X.to(device)).cpu()
            dev[s, i] = float(torch.linalg.norm(emp - theta) / torch.linalg.norm(theta))
    med = np.median(dev, axis=0)
    return NTKLimitResult(
        widths=widths.astype(float),
        rel_dev=med,
        rel_dev_all=dev,
        rate=loglog_slope(widths, med),
        theta_analytic=theta.numpy(),
        predicted=-0.5,
        rate_se=_slope_se(widths, dev),
    )


declare_check(
    "kernels.ntk_limit",
    quantity="fitted slope of the median relative Frobenius deviation of the empirical NTK from the analytic NTK "
    "against the width (all widths of the demo)",
    claim="rate",
    relation="approx",
    measure="rate",
    predict=-0.5,
    tolerance=lambda r: 3 * float(r.rate_se),
    reason="3 standard errors of the slope over the seeds",
    hypotheses="i.i.d. Gaussian weights, NTK parameterisation, Lipschitz activation (ReLU or erf), fixed depth, "
    "equal widths",
    wrong="the rate n^(-1) of the bias E[Theta_hat] - Theta (instead of the n^(-1/2) fluctuations)",
    wrong_predict=-1.0,
    demo=ntk_limit_demo,
)
