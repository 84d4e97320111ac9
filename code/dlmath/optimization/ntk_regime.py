r"""The NTK regime of wide two-layer networks: linear convergence with the Gram matrix H-infinity.

Chapter *Overparametrised training: NTK and mean field*: the Gram matrix :math:`H^\infty` of a
two-layer ReLU network trained in its first layer (:func:`ntk_gram_matrix`, through the ReLU
derivative formula :func:`dlmath.kernels.step_expectation`) and gradient descent on Du et al.'s
network following the linear dynamics of :math:`H^\infty` (:func:`ntk_training_demo`, theorem
``optimization-ntk_global_convergence``; empirical kernels by :func:`dlmath.kernels.empirical_ntk`).

References
----------
Jacot, Gabriel, Hongler (2018); Du, Zhai, Poczos, Singh (2019); Arora, Du, Hu, Li, Wang (2019).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import torch

from ..kernels import empirical_ntk, step_expectation
from ..nets import mlp
from ..plotting import COLORS, slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    as_array,
    check_device,
    check_int,
    check_int_sequence,
    like_input,
    loglog_slope,
    rng,
    torch_generator,
)
from ._common import _axes_pair

__all__ = ["ntk_gram_matrix", "NTKTrainingResult", "ntk_training_demo"]


def ntk_gram_matrix(X: Any) -> np.ndarray:
    r"""The Gram matrix :math:`H^\infty` of a two-layer ReLU network trained in its first layer.

    For unit vectors :math:`x_i`,

    .. math::

        H^\infty_{ij} = \mathbb{E}_{w\sim N(0,I)}\bigl[x_i\cdot x_j\,\mathbb{1}\{w\cdot x_i\ge0,\ w\cdot x_j\ge0\}\bigr]
        = \frac{x_i\cdot x_j\,(\pi - \arccos(x_i\cdot x_j))}{2\pi},

    since the probability that a Gaussian vector has non-negative inner product with two unit
    vectors at angle :math:`\theta` is :math:`(\pi-\theta)/(2\pi)`. (The same formula with
    :math:`\|x_i\|\|x_j\|` and the cosine of the angle holds for any non-zero inputs.)

    Parameters
    ----------
    X : array_like, shape (n, d)
        Non-zero inputs (rows).

    Returns
    -------
    ndarray or torch.Tensor, shape (n, n)
        Symmetric positive semi-definite; positive definite when no two rows are parallel.
        NumPy, or a tensor of the dtype and on the device of ``X`` if ``X`` is one (computed in
        float64). The factor :math:`(\pi-\theta)/(2\pi)` is
        :func:`dlmath.kernels.step_expectation` of the Gram matrix.

    References
    ----------
    Book, chapter *Overparametrised training: NTK and mean field*, theorem
    ``optimization-ntk_global_convergence``. Du, Zhai, Poczos, Singh (2019), Sec. 3;
    Jacot, Gabriel, Hongler (2018).

    Examples
    --------
    Orthogonal unit inputs: each shares its half-space with itself only.

    >>> import numpy as np
    >>> ntk_gram_matrix(np.eye(2)).round(12).tolist()
    [[0.5, 0.0], [0.0, 0.5]]
    """
    X_in = X
    X = as_array(X, "X", ndim=2, min_size=1)
    nrm = np.linalg.norm(X, axis=1)
    if np.any(nrm == 0):
        raise ValueError("X must not contain zero rows")
    G = X @ X.T
    sq = nrm * nrm
    return like_input(G * step_expectation(sq[:, None], G, sq[None, :]), X_in)


def _du_network(d, m, gen_seed, dev):
    """Du et al.'s network m^{-1/2} sum_r a_r relu(w_r . x) as dlmath.nets.mlp (NTK form, sw2 = 1).

    mlp gives f = m^{-1/2} W2 relu(d^{-1/2} W1 x); the effective neurons are w_r = W1_r / sqrt(d)
    (which have the same directions as N(0, I) vectors, all that matters for ReLU indicators).
    Antisymmetric initialisation: rows r and r + m/2 share W1 and have opposite a, so f(0) = 0.
    Only W1 is trained.
    """
    net = mlp(d, m, 1, parameterization="ntk", sw2=1.0, sb2=0.0, dtype=torch.float64, device=dev, seed=gen_seed)
    gen = torch_generator(gen_seed + 7919)
    half = m // 2
    with torch.no_grad():
        W1 = net.layers[0].weight
        W1[half:] = W1[:half].clone()
        a = torch.where(torch.rand(half, generator=gen, dtype=torch.float64) < 0.5, -1.0, 1.0).to(dev)
        net.layers[1].weight.copy_(torch.cat([a, -a]).reshape(1, m))
    for name, p in net.named_parameters():
        p.requires_grad_(name == "layers.0.weight")
    return net


# ---------------------------------------------------------------------------------------------
# demos
# ---------------------------------------------------------------------------------------------


@demo_result
class NTKTrainingResult(DemoResult):
    """Wide two-layer networks trained by GD against the linear prediction of :math:`H^\\infty`.

    Attributes
    ----------
    widths : ndarray, shape (w,)
    traj_dev : ndarray, shape (w,)
        Median over seeds of :math:`\\max_k |\\|u(k)-y\\| - \\|(I-\\eta H^\\infty)^k y\\||/\\|y\\|`.
    weight_move : ndarray, shape (w,)
        Median over seeds of :math:`\\max_r\\|w_r(K) - w_r(0)\\|`.
    kernel_drift : ndarray, shape (w,)
        Median over seeds of :math:`\\|H(K) - H(0)\\|_F/\\|H(0)\\|_F` (empirical NTK).
    init_kernel_dev : ndarray, shape (w,)
        Median over seeds of :math:`\\|H(0) - H^\\infty\\|_F/\\|H^\\infty\\|_F`.
    rate : float
        Log-log slope of ``traj_dev`` against the width (theory: :math:`-1/2`).
    move_rate : float
        Log-log slope of ``weight_move`` (theory: :math:`-1/2`).
    predicted : float
        :math:`-1/2`.
    loss_curves : ndarray, shape (w, steps + 1)
        :math:`\\|u(k) - y\\|` for the first seed at each width.
    predicted_curve : ndarray, shape (steps + 1,)
        :math:`\\|(I - \\eta H^\\infty)^k y\\|`.
    lambda0 : float
        :math:`\\lambda_{\\min}(H^\\infty)`.
    eta : float
    """

    widths: np.ndarray
    traj_dev: np.ndarray
    weight_move: np.ndarray
    kernel_drift: np.ndarray
    init_kernel_dev: np.ndarray
    rate: float
    move_rate: float
    predicted: float
    loss_curves: np.ndarray
    predicted_curve: np.ndarray
    lambda0: float
    eta: float

    def plot(self, ax=None):
        a0, a1 = _axes_pair(ax)
        k = np.arange(self.predicted_curve.size)
        for i, m in enumerate(self.widths):
            a0.semilogy(k, self.loss_curves[i], color=COLORS[i % 7], label=f"$m={int(m)}$")
        a0.semilogy(k, self.predicted_curve, "k--", linewidth=1.0, label=r"$\|(I-\eta H^\infty)^k y\|$")
        a0.semilogy(
            k,
            self.predicted_curve[0] * (1 - self.eta * self.lambda0 / 2) ** k,
            ":",
            color="0.5",
            label=r"$(1-\eta\lambda_0/2)^k\|y\|$",
        )
        a0.set_xlabel("GD step $k$")
        a0.set_ylabel(r"$\|u(k)-y\|$")
        a0.legend(fontsize=7)
        a1.loglog(self.widths, self.traj_dev, "o-", color=COLORS[0], label="trajectory deviation")
        a1.loglog(self.widths, self.weight_move, "s-", color=COLORS[1], label=r"$\max_r\|w_r(K)-w_r(0)\|$")
        a1.loglog(self.widths, self.kernel_drift, "^-", color=COLORS[2], label=r"kernel drift $\|H(K)-H(0)\|/\|H(0)\|$")
        slope_guide(a1, self.widths, -0.5, anchor=(self.widths[0], 1.5 * self.weight_move[0]), label="slope $-1/2$")
        a1.set_xlabel("width $m$")
        a1.legend(fontsize=7)
        return (a0, a1)


def ntk_training_demo(
    *,
    widths: Sequence[int] = (200, 800, 3200, 12800),
    n: int = 20,
    d: int = 5,
    steps: int = 200,
    n_seeds: int = 3,
    seed: int = 0,
    device: str = "cpu",
) -> NTKTrainingResult:
    r"""Gradient descent on wide two-layer ReLU networks follows the linear dynamics of :math:`H^\infty`.

    :math:`n` inputs uniform on the unit sphere of :math:`\mathbb{R}^d`, labels
    :math:`y_i \sim U[-1,1]`, network :math:`u(x) = m^{-1/2}\sum_r a_r\,\mathrm{relu}(w_r\cdot x)`
    built with :func:`dlmath.nets.mlp` (see the chapter), :math:`a_r = \pm1` fixed, antisymmetric
    initialisation so that :math:`u(0) = 0`, loss :math:`\frac12\sum_i(u(x_i)-y_i)^2`, GD on the
    first layer with step :math:`\eta = 1/\lambda_{\max}(H^\infty)` in the units of :math:`w_r`
    (the linearised dynamics is stable for :math:`\eta < 2/\lambda_{\max}(H^\infty)`; a fixed
    :math:`\eta = 1` is not, for some data sets, since :math:`\lambda_{\max}(H^\infty)` grows with
    :math:`n/d` and is close to 2 for the defaults). The prediction is :math:`\|u(k)-y\| \approx \|(I-\eta H^\infty)^k y\|` with
    :func:`ntk_gram_matrix`; the deviation and the largest neuron movement decay like :math:`m^{-1/2}`, and the
    drift of the empirical kernel at least as fast.

    Parameters
    ----------
    widths : sequence of int, default (200, 800, 3200, 12800)
        Even widths, at least two.
    n, d : int, default 20 and 5
    steps : int, default 200
    n_seeds : int, default 3
    seed : int, default 0
    device : str, default "cpu"

    Returns
    -------
    NTKTrainingResult

    References
    ----------
    Book, chapter *Overparametrised training: NTK and mean field*,
    theorem ``optimization-ntk_global_convergence``.
    Du, Zhai, Poczos, Singh (2019),
    Thm 4.1; Arora, Du, Hu, Li, Wang (2019), Thm 4.1.
    """
    ws = check_int_sequence(widths, "widths", minimum=2, min_len=2)
    if any(m % 2 for m in ws):
        raise ValueError(f"widths must be even (antisymmetric initialisation), got {ws}")
    n = check_int(n, "n", minimum=2)
    d = check_int(d, "d", minimum=2)
    steps = check_int(steps, "steps", minimum=1)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    dev = check_device(device)
    gen = rng(seed)
    Xn = gen.standard_normal((n, d))
    Xn /= np.linalg.norm(Xn, axis=1, keepdims=True)
    yn = gen.uniform(-1.0, 1.0, n)
    H = ntk_gram_matrix(Xn)
    ev, V = np.linalg.eigh(H)
    lam0 = float(ev[0])
    eta = 1.0 / float(ev[-1])
    ks = np.arange(steps + 1)
    pred_curve = np.sqrt(((1.0 - eta * ev)[None, :] ** (2 * ks[:, None]) * (V.T @ yn)[None, :] ** 2).sum(axis=1))
    X = torch.as_tensor(Xn, device=dev)
    y = torch.as_tensor(yn, device=dev)
    ny = float(np.linalg.norm(yn))
    dev_all, move_all, drift_all, init_all = [], [], [], []
    curves = np.empty((len(ws), steps + 1))
    for wi, m in enumerate(ws):
        dv, mv, dr, ini = [], [], [], []
        for s in range(n_seeds):
            net = _du_network(d, m, seed * 1000 + 17 * s + wi, dev)
            W1 = net.layers[0].weight
            W0 = W1.detach().clone()
            K0 = d * empirical_ntk(net, X)
            res = np.empty(steps + 1)
            for k in range(steps + 1):
                u = net(X).reshape(-1)
                res[k] = float(torch.linalg.norm(u.detach() - y))
                if k == steps:
                    break
                loss = 0.5 * torch.sum((u - y) ** 2)
                (g,) = torch.autograd.grad(loss, [W1])
                with torch.no_grad():
                    W1.sub_(eta * d * g)  # step eta on w_r = W1_r / sqrt(d)
            KT = d * empirical_ntk(net, X)
            with torch.no_grad():
                move = float(torch.max(torch.linalg.norm(W1 - W0, dim=1))) / math.sqrt(d)
            dv.append(float(np.max(np.abs(res - pred_curve))) / ny)
            mv.append(move)
            dr.append(float(torch.linalg.norm(KT - K0) / torch.linalg.norm(K0)))
            ini.append(float(np.linalg.norm(K0.cpu().numpy() - H) / np.linalg.norm(H)))
            if s == 0:
                curves[wi] = res
        dev_all.append(np.median(dv))
        move_all.append(np.median(mv))
        drift_all.append(np.median(dr))
        init_all.append(np.median(ini))
    wa = np.array(ws, dtype=float)
    return NTKTrainingResult(
        widths=wa,
        traj_dev=np.array(dev_all),
        weight_move=np.array(move_all),
        kernel_drift=np.array(drift_all),
        init_kernel_dev=np.array(init_all),
        rate=loglog_slope(wa, np.array(dev_all)),
        move_rate=loglog_slope(wa, np.array(move_all)),
        predicted=-0.5,
        loss_curves=curves,
        predicted_curve=pred_curve,
        lambda0=lam0,
        eta=eta,
    )


declare_check(
    "optimization.ntk_global_convergence",
    quantity="fitted log-log slope, widths 200..12800, of the largest deviation of the residual from "
    "the H-infinity dynamics (1 - eta H^inf)^k (y - u(0)), median over seeds",
    claim="rate",
    relation="<=",
    measure="rate",
    predict=-0.5,
    tolerance=0.15,
    reason="one-sided, since the theorem bounds the deviation by O(m^{-1/2}); 0.15 for the pre-asymptotic "
    "range m <= 12800, where the activation-flip term of order R m^{-1/2} log m still bends the slope",
    hypotheses="unit-norm inputs in general position (lambda_0 > 0), first layer trained, a_r = +-1 fixed, "
    "antisymmetric initialisation u(0) = 0; the step 1/lambda_max(H^inf) is larger than the theorem's "
    "O(lambda_0/n^2) by a constant factor",
    wrong="the deviation decaying as 1/m (the rate of the kernel drift with both layers trained)",
    wrong_predict=-1.0,
    demo=ntk_training_demo,
)
