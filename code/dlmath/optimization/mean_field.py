r"""The mean-field limit of two-layer networks, and its contrast with the NTK scaling.

Chapter *Overparametrised training: NTK and mean field*: propagation of chaos, independent
initialisations agreeing up to :math:`m^{-1/2}` (:func:`mean_field_demo`, theorem
``optimization-mean_field_limit``), and the same network trained in the NTK and in the
mean-field scaling (:func:`scaling_contrast_demo`). The batched full-batch gradient descent of
several one-hidden-layer :class:`dlmath.nets.MLP` is the private ``_train_two_layer_ensemble``.

References
----------
Mei, Montanari, Nguyen (2018); Rotskoff, Vanden-Eijnden (2018); Chizat, Bach (2018);
Chizat, Oyallon, Bach (2019); Sirignano, Spiliopoulos (2020).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from ..kernels import empirical_ntk
from ..nets import mlp
from ..plotting import COLORS, slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_choice, check_device, check_int, check_int_sequence, loglog_slope, torch_generator
from ._common import _axes_pair, _check_horizon

__all__ = ["MeanFieldResult", "mean_field_demo", "ScalingContrastResult", "scaling_contrast_demo"]


def _mf_data(seed, n=30, n_test=500):
    gen = torch_generator(seed)
    X = 2 * torch.rand(n, 3, generator=gen, dtype=torch.float64) - 1
    Xt = 2 * torch.rand(n_test, 3, generator=gen, dtype=torch.float64) - 1
    y = torch.sin(X.sum(dim=1, keepdim=True))
    return X, y, Xt


def _train_two_layer_ensemble(nets, X, y, steps, lr, record=()):
    """Full-batch GD on R = (1/2n) sum_i (f(x_i) - y_i)^2 for K independent one-hidden-layer nets.

    ``nets`` are :class:`dlmath.nets.MLP` with ``depth = 1`` and equal widths and multipliers. Their
    weights are stacked and evaluated together with batched matrix products (the same function
    as ``net(X)``, checked in the tests), gradients come from autograd, and the trained weights
    are copied back into the modules. Returns the snapshots of the stacked weights at the steps
    in ``record`` and the risks, shape (K, steps + 1).
    """
    l1, l2 = nets[0].layers[0], nets[0].layers[1]
    W1 = torch.stack([n.layers[0].weight.detach() for n in nets]).clone().requires_grad_(True)  # (K, m, d)
    b1 = torch.stack([n.layers[0].bias.detach() for n in nets]).clone().requires_grad_(True)  # (K, m)
    W2 = torch.stack([n.layers[1].weight.detach() for n in nets]).clone().requires_grad_(True)  # (K, 1, m)
    b2 = torch.stack([n.layers[1].bias.detach() for n in nets]).clone().requires_grad_(True)  # (K, 1)
    params = [W1, b1, W2, b2]
    phi = nets[0]._phi

    def forward(Xin):
        h = l1.weight_mult * torch.einsum("nd,kmd->knm", Xin, W1) + l1.bias_mult * b1[:, None, :]
        return l2.weight_mult * torch.einsum("knm,kom->kno", phi(h), W2) + l2.bias_mult * b2[:, None, :]

    snaps, losses = {}, np.empty((len(nets), steps + 1))
    for k in range(steps + 1):
        per = 0.5 * torch.mean((forward(X) - y[None]) ** 2, dim=(1, 2))
        losses[:, k] = per.detach().cpu().numpy()
        if k in record:
            snaps[k] = [p.detach().clone() for p in params]
        if k == steps:
            break
        grads = torch.autograd.grad(per.sum(), params)
        with torch.no_grad():
            for p, g in zip(params, grads):
                p.sub_(lr * g)
    with torch.no_grad():
        for i, n in enumerate(nets):
            n.layers[0].weight.copy_(W1[i])
            n.layers[0].bias.copy_(b1[i])
            n.layers[1].weight.copy_(W2[i])
            n.layers[1].bias.copy_(b2[i])
    return snaps, losses


# ---------------------------------------------------------------------------------------------
# demos
# ---------------------------------------------------------------------------------------------


@demo_result
class MeanFieldResult(DemoResult):
    """Propagation of chaos for two-layer networks in the mean-field scaling.

    Attributes
    ----------
    widths : ndarray, shape (w,)
    fluctuation : ndarray, shape (w,)
        Root mean square, over test points and over pairs of independent initialisations, of
        the difference of the two trained predictors at time :math:`T`.
    fluctuation_init : ndarray, shape (w,)
        The same at time 0.
    rate : float
        Log-log slope of ``fluctuation`` against the width (theory: :math:`-1/2`).
    predicted : float
        :math:`-1/2`.
    particles : ndarray, shape (3, m_max, 2)
        :math:`(\\|w_j\\|, a_j)` of the widest network at :math:`t = 0, T/2, T` (effective weights,
        multipliers included).
    times : ndarray, shape (3,)
    loss_curves : ndarray, shape (w, steps + 1)
        Training risk of the first network at each width.
    change_fluctuation : ndarray, shape (w,)
        Root mean square of the difference between the changes :math:`f_T - f_0` of the two
        networks of a pair (zero at :math:`T = 0` by construction).
    change_size : ndarray, shape (w,)
        Root mean square of :math:`f_T - f_0` itself (of order 1: training moves the predictor).
    change_rate, change_rate_se : float
        Log-log slope of ``change_fluctuation`` against the width and its standard error.
    activation : str
    """

    widths: np.ndarray
    fluctuation: np.ndarray
    fluctuation_init: np.ndarray
    rate: float
    predicted: float
    particles: np.ndarray
    times: np.ndarray
    loss_curves: np.ndarray
    change_fluctuation: np.ndarray = None
    change_size: np.ndarray = None
    change_rate: float = float("nan")
    change_rate_se: float = float("nan")
    activation: str = "tanh"

    def plot(self, ax=None):
        a0, a1 = _axes_pair(ax)
        a0.loglog(self.widths, self.fluctuation, "o-", color=COLORS[0], label="at time $T$")
        a0.loglog(self.widths, self.fluctuation_init, "s--", color=COLORS[1], label="at time 0")
        if self.change_fluctuation is not None:
            a0.loglog(self.widths, self.change_fluctuation, "^-", color=COLORS[2], label="of $f_T-f_0$")
        slope_guide(a0, self.widths, -0.5, anchor=(self.widths[0], 1.3 * self.fluctuation[0]), label="slope $-1/2$")
        a0.set_xlabel("width $m$")
        a0.set_ylabel("RMS difference of two networks")
        a0.legend()
        show = np.arange(0, self.particles.shape[1], max(1, self.particles.shape[1] // 150))
        P = self.particles[:, show, :]
        for j in range(P.shape[1]):  # trajectory of each shown particle through the three times
            a1.plot(P[:, j, 0], P[:, j, 1], color="0.75", linewidth=0.6, zorder=1)
        for i, t in enumerate(self.times):
            a1.scatter(P[i, :, 0], P[i, :, 1], s=6, color=COLORS[i], label=f"$t={t:g}$", zorder=2)
        a1.set_xlabel(r"$\|w_j\|$")
        a1.set_ylabel(r"$a_j$")
        a1.set_title(f"{P.shape[1]} of the $m={self.particles.shape[1]}$ particles")
        a1.legend(markerscale=2)
        return (a0, a1)


def mean_field_demo(
    *,
    widths: Sequence[int] = (64, 256, 1024, 4096),
    T: float = 2.0,
    dt: float = 0.02,
    n_pairs: int = 10,
    seed: int = 0,
    activation: str = "tanh",
    device: str = "cpu",
) -> MeanFieldResult:
    r"""Two-layer networks in the mean-field scaling: independent initialisations agree up to :math:`m^{-1/2}`.

    The network ``dlmath.nets.mlp(3, m, 1, parameterization="mean_field")`` is
    :math:`f(x;\theta) = \frac1m\sum_{j=1}^m \sigma_*(x;\theta_j)` with
    :math:`\sigma_*(x; (a, w)) = c_a\,a\,\tanh(c_w\,w\cdot x)` (the multipliers of ``mlp``) and i.i.d.
    :math:`N(0,1)` initial :math:`(a_j, w_j)`. It is trained on :math:`n = 30` points
    :math:`x \sim U([-1,1]^3)`, :math:`y = \sin(x_1+x_2+x_3)`, risk
    :math:`R = \frac1{2n}\sum_i (f(x_i)-y_i)^2`, by GD with step :math:`m\,dt` (each particle then
    moves by :math:`-dt\,\nabla_\theta\Psi(\theta_j;\rho^m)`, the explicit Euler scheme of the
    mean-field gradient flow) up to time :math:`T`. For ``n_pairs`` pairs of independent
    initialisations the difference of the two predictors on 500 test points is recorded, and its
    root mean square over the points and the pairs is reported; so is the difference of the two
    changes :math:`f_T - f_0`, which vanishes at :math:`T = 0` and so measures the dynamics only.

    Parameters
    ----------
    widths : sequence of int, default (64, 256, 1024, 4096)
    T : float, default 2.0
    dt : float, default 0.02
    n_pairs : int, default 10
        Pairs of independent initialisations, >= 2.
    activation : {"tanh", "erf", "relu"}, default "tanh"
        ``"relu"`` (unbounded, non-smooth) lies outside the hypotheses of the theorem.
    seed : int, default 0
    device : str, default "cpu"

    Returns
    -------
    MeanFieldResult

    References
    ----------
    Book, chapter *Overparametrised training: NTK and mean field*,
    theorem ``optimization-mean_field_limit``.
    Mei, Montanari, Nguyen (2018), Thm 3;
    Rotskoff, Vanden-Eijnden (2018); Sirignano, Spiliopoulos (2020).
    """
    ws = check_int_sequence(widths, "widths", minimum=1, min_len=2)
    T, dt = _check_horizon(T, dt)
    n_pairs = check_int(n_pairs, "n_pairs", minimum=2)
    activation = check_choice(activation, "activation", ("tanh", "erf", "relu"))
    dev = check_device(device)
    X, y, Xt = (t.to(dev) for t in _mf_data(seed))
    steps = int(round(T / dt))
    half = steps // 2
    flu, flu0, fld, chg = [], [], [], []
    curves = np.empty((len(ws), steps + 1))
    particles = None
    for wi, m in enumerate(ws):
        seeds = [seed * 100003 + wi * 1009 + j + 1 for j in range(2 * n_pairs)]
        nets = [
            mlp(3, m, 1, parameterization="mean_field", activation=activation, dtype=torch.float64, device=dev, seed=s)
            for s in seeds
        ]
        with torch.no_grad():
            p0 = torch.stack([net(Xt).reshape(-1) for net in nets])
        snaps, losses = _train_two_layer_ensemble(nets, X, y, steps, m * dt, record=(0, half, steps))
        with torch.no_grad():
            p1 = torch.stack([net(Xt).reshape(-1) for net in nets])
        # root mean square over the test points and over the pairs
        rms = lambda P: float(torch.sqrt(torch.mean((P[0::2] - P[1::2]) ** 2)))  # noqa: E731
        flu.append(rms(p1))
        flu0.append(rms(p0))
        # the change made by training: its limit f_{rho_T} - f_{rho_0} is deterministic
        fld.append(rms(p1 - p0))
        chg.append(float(torch.sqrt(torch.mean((p1 - p0) ** 2))))
        curves[wi] = losses[0]
        if wi == len(ws) - 1:
            w_mult = nets[0].layers[0].weight_mult
            a_mult = nets[0].layers[1].weight_mult * m  # a_j with the 1/m of the average removed
            particles = np.stack(
                [
                    np.stack(
                        [
                            w_mult * torch.linalg.norm(snaps[k][0][0], dim=1).cpu().numpy(),
                            a_mult * snaps[k][2][0].reshape(-1).cpu().numpy(),
                        ],
                        axis=1,
                    )
                    for k in (0, half, steps)
                ]
            )
    wa = np.array(ws, dtype=float)
    fl = np.array(flu)
    fd = np.array(fld)
    coef, cov = np.polyfit(np.log(wa), np.log(fd), 1, cov=True) if len(ws) > 2 else (None, None)
    rate_se = float(np.sqrt(cov[0, 0])) if cov is not None else float("nan")
    return MeanFieldResult(
        widths=wa,
        fluctuation=fl,
        fluctuation_init=np.array(flu0),
        rate=loglog_slope(wa, fl),
        predicted=-0.5,
        particles=particles,
        times=np.array([0.0, half * dt, steps * dt]),
        loss_curves=curves,
        change_fluctuation=fd,
        change_size=np.array(chg),
        change_rate=loglog_slope(wa, fd),
        change_rate_se=rate_se,
        activation=activation,
    )


declare_check(
    "optimization.mean_field_limit",
    quantity="fitted log-log slope, against the width, of the RMS difference between the changes "
    "f_T - f_0 made by training in two independently initialised networks",
    claim="rate",
    relation="approx",
    measure="change_rate",
    predict=-0.5,
    tolerance=lambda r: max(0.1, 3.0 * float(r.change_rate_se)),
    reason="3 standard errors of the fitted slope (at least 0.1) over widths 64..4096; the change is "
    "identically 0 at initialisation, so the decay is a property of the dynamics, not of the CLT at t = 0",
    hypotheses="bounded smooth activation tanh with bounded derivatives, bounded target sin, fixed horizon "
    "T, i.i.d. initialisation of the particles (the output weights a_j are Gaussian, not bounded: "
    "a simplification of the assumptions of the theorem)",
    wrong="the slower rate m^{-1/4} (the square root of the Monte Carlo rate)",
    wrong_predict=-0.25,
    demo=mean_field_demo,
)


@demo_result
class ScalingContrastResult(DemoResult):
    """Weight movement and kernel drift against width: NTK scaling versus mean-field scaling.

    Attributes
    ----------
    widths : ndarray, shape (w,)
    move_ntk, move_mf : ndarray, shape (w,)
        :math:`\\max_j \\|\\theta_j(T) - \\theta_j(0)\\|` (neuron :math:`j`'s incoming and outgoing
        weights, multipliers included, the output weight counted without the :math:`1/\\sqrt m` or
        :math:`1/m` prefactor).
    drift_ntk, drift_mf : ndarray, shape (w,)
        :math:`\\|\\Theta_T - \\Theta_0\\|_F/\\|\\Theta_0\\|_F` for the empirical NTK.
    loss_ntk, loss_mf : ndarray, shape (w,)
        Final training risk.
    rate_move_ntk, rate_move_mf, rate_drift_ntk, rate_drift_mf : float
        Log-log slopes against the width. Theory: :math:`-1/2` and :math:`0` for the movement;
        for the drift, at most :math:`-1/2` (NTK, an upper bound; the measured drift decays
        faster) and :math:`0` (mean field).
    """

    widths: np.ndarray
    move_ntk: np.ndarray
    move_mf: np.ndarray
    drift_ntk: np.ndarray
    drift_mf: np.ndarray
    loss_ntk: np.ndarray
    loss_mf: np.ndarray
    rate_move_ntk: float
    rate_move_mf: float
    rate_drift_ntk: float
    rate_drift_mf: float

    def plot(self, ax=None):
        a0, a1 = _axes_pair(ax)
        a0.loglog(self.widths, self.move_ntk, "o-", color=COLORS[0], label=r"NTK scaling $1/\sqrt{m}$")
        a0.loglog(self.widths, self.move_mf, "s-", color=COLORS[1], label="mean-field scaling $1/m$")
        slope_guide(a0, self.widths, -0.5, anchor=(self.widths[0], 0.6 * self.move_ntk[0]), label="slope $-1/2$")
        a0.set_xlabel("width $m$")
        a0.set_ylabel(r"$\max_j\|\theta_j(T)-\theta_j(0)\|$")
        a0.legend()
        a1.loglog(self.widths, self.drift_ntk, "o-", color=COLORS[0], label="NTK scaling")
        a1.loglog(self.widths, self.drift_mf, "s-", color=COLORS[1], label="mean-field scaling")
        slope_guide(a1, self.widths, -0.5, anchor=(self.widths[-1], 2.0 * self.drift_ntk[-1]), label="slope $-1/2$")
        slope_guide(
            a1, self.widths, -1.0, anchor=(self.widths[-1], 0.5 * self.drift_ntk[-1]), label="slope $-1$", linestyle=":"
        )
        a1.set_xlabel("width $m$")
        a1.set_ylabel(r"$\|\Theta_T-\Theta_0\|_F/\|\Theta_0\|_F$")
        a1.legend()
        return (a0, a1)


def scaling_contrast_demo(
    *,
    widths: Sequence[int] = (64, 256, 1024, 4096),
    T: float = 2.0,
    dt: float = 0.02,
    seed: int = 0,
    device: str = "cpu",
) -> ScalingContrastResult:
    r"""Train the same two-layer network in the NTK and in the mean-field scaling and compare.

    Both networks are ``dlmath.nets.mlp(3, m, 1, ...)`` with the same initial weights, on the data
    of :func:`mean_field_demo`; the NTK one has output multiplier :math:`\sqrt{2/m}`, the mean-field
    one :math:`\sqrt2/m`. Both are trained on :math:`R = \frac1{2n}\sum_i(f(x_i)-y_i)^2` for the
    time :math:`T` with steps :math:`dt` (NTK) and :math:`m\,dt` (mean field), which makes the
    function-space dynamics of order one per unit time in both. A neuron then moves by
    :math:`O(m^{-1/2})` in the first and by :math:`O(1)` in the second, and the empirical tangent
    kernel changes by a relative amount that vanishes as :math:`m\to\infty` in the first (at most
    :math:`O(m^{-1/2})` by the chapter's proof; close to :math:`m^{-1}` in the experiment) and by
    :math:`O(1)` in the second.

    Parameters
    ----------
    widths : sequence of int, default (64, 256, 1024, 4096)
    T : float, default 2.0
    dt : float, default 0.02
    seed : int, default 0
    device : str, default "cpu"

    Returns
    -------
    ScalingContrastResult

    References
    ----------
    Book, chapter *Overparametrised training: NTK and mean field*.
    Chizat, Oyallon, Bach (2019); Mei, Montanari, Nguyen (2018); Jacot, Gabriel,
    Hongler (2018).
    """
    ws = check_int_sequence(widths, "widths", minimum=1, min_len=2)
    T, dt = _check_horizon(T, dt)
    dev = check_device(device)
    X, y, _ = (t.to(dev) for t in _mf_data(seed))
    steps = int(round(T / dt))
    out = {k: [] for k in ("move_ntk", "move_mf", "drift_ntk", "drift_mf", "loss_ntk", "loss_mf")}
    for wi, m in enumerate(ws):
        s = seed * 100003 + wi + 1
        for kind, lr in (("ntk", dt), ("mf", m * dt)):
            param = "ntk" if kind == "ntk" else "mean_field"
            net = mlp(3, m, 1, parameterization=param, dtype=torch.float64, device=dev, seed=s)
            for name, p in net.named_parameters():
                p.requires_grad_("weight" in name)  # the biases have multiplier 0 (sb2 = 0)
            K0 = empirical_ntk(net, X)
            W1_0 = net.layers[0].weight.detach().clone()
            a_0 = net.layers[1].weight.detach().clone()
            _, losses = _train_two_layer_ensemble([net], X, y, steps, lr)
            KT = empirical_ntk(net, X)
            with torch.no_grad():
                w_mult = net.layers[0].weight_mult
                dW = w_mult * (net.layers[0].weight - W1_0)
                da = (net.layers[1].weight - a_0).reshape(-1)
                move = float(torch.max(torch.sqrt(torch.sum(dW**2, dim=1) + da**2)))
            out[f"move_{kind}"].append(move)
            out[f"drift_{kind}"].append(float(torch.linalg.norm(KT - K0) / torch.linalg.norm(K0)))
            out[f"loss_{kind}"].append(float(losses[0, -1]))
    wa = np.array(ws, dtype=float)
    arr = {k: np.array(v) for k, v in out.items()}
    return ScalingContrastResult(
        widths=wa,
        **arr,
        rate_move_ntk=loglog_slope(wa, arr["move_ntk"]),
        rate_move_mf=loglog_slope(wa, arr["move_mf"]),
        rate_drift_ntk=loglog_slope(wa, arr["drift_ntk"]),
        rate_drift_mf=loglog_slope(wa, arr["drift_mf"]),
    )
