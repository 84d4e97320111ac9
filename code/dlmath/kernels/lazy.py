r"""Lazy training: wide networks trained by gradient descent follow their linearisation, and on
real data (the diabetes data) approach the NTK predictor."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..plotting import slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    check_device,
    check_int,
    check_int_sequence,
    loglog_slope,
    progress_bar,
    rng,
    small_network_threads,
    torch_generator,
)
from ._common import _slope_se
from .empirical import empirical_ntk
from .gaussian import gaussian_map
from .krr import gp_posterior
from .nngp_ntk import nngp_kernel, ntk_kernel

__all__ = ["lazy_training_demo", "diabetes_ntk_demo", "LazyTrainingResult", "DiabetesNTKResult"]


def _linearised_gd(theta_train, theta_test, r0, eta, steps):
    r"""Test-set change of the linearised model after ``steps`` GD steps on 1/2||f - y||^2.

    ``r0 = y - f_0(X)``; returns Theta(X*,X) Theta^{-1} [I - (I - eta Theta)^t] r0 (spectral form)."""
    mu, V = np.linalg.eigh(theta_train)
    mu = np.maximum(mu, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        base = 1.0 - eta * mu
        one_minus_pow = np.where(base > 0, -np.expm1(steps * np.log(np.where(base > 0, base, 1.0))), 1.0 - base**steps)
        g = np.where(mu > 1e-14 * mu.max(), one_minus_pow / mu, eta * steps)
    return theta_test @ (V @ (g * (V.T @ r0)))


@demo_result
class LazyTrainingResult(DemoResult):
    """Result of :func:`lazy_training_demo`.

    Attributes
    ----------
    widths : numpy.ndarray
        Hidden-layer widths ``n`` of the networks, as floats; one entry per width in `widths`.
    rel_dev : numpy.ndarray
        Relative gap ``|f_T(X*) - f_lin_T(X*)| / |f_lin_T(X*) - f_0(X*)|`` between trained network
        and its linearisation on the `n_test` test points, median over seeds; one per width.
    rate : float
        Fitted log-log slope of `rel_dev` against width; lazy training bounds it above by -1/2.
    predicted : float
        The predicted rate -1/2, from ``sup_t |f_t - f_lin_t| = O(n^(-1/2))``.
    x_slice : numpy.ndarray
        Positions ``t``, 101 points in [-2.5, 2.5], on the line ``x = t (1, 1, 1) / sqrt(3)``.
    f_net_slice : numpy.ndarray
        Trained network ``f_T`` on the line (first seed, smallest width); one entry per `x_slice`.
    f_lin_slice : numpy.ndarray
        Linearised model ``f_lin_T`` of that same network on the line; one entry per `x_slice`.
    weight_change : numpy.ndarray
        Relative parameter movement ``|theta_T - theta_0| / |theta_0|``, median over seeds;
        one entry per width in `widths`.
    rate_se : float
        Standard error of `rate` from the spread of the per-seed slopes.
    rate_wrong : float
        Fitted log-log slope of the same relative gap, but to the wrong prediction: the linearised
        model with the initial function ``f_0`` left out (its gap does not decay).
    move_rate : float
        Fitted log-log slope of `weight_change` against width; lazy training predicts -1/2.
    move_rate_se : float
        Standard error of `move_rate` from the spread of the per-seed slopes.
    activation : str
        Hidden-layer activation of the networks (passed to :func:`dlmath.nets.mlp`).
    lin_identity_err : float
        Largest gap between the closed form of ``f_lin_T`` and `steps` GD iterations on the
        linearised model (test and line points, first network), over ``max |f_lin_T - f_0|``.
    lin_identity_wrong : float
        The same gap to the wrong closed form with the power ``(I - eta Theta_0)^(t+1)``
        (one step too many).
    """

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
            from ..plotting import figure_grid

            _, grid = figure_grid(2, width=8.0, height=3.2)
            ax = grid[0]
        a, b = ax[0], ax[1]
        a.loglog(self.widths, self.rel_dev, "o-", label="trained vs linearised")
        a.loglog(self.widths, self.weight_change, "s-", label=r"$\|\theta_T-\theta_0\|/\|\theta_0\|$")
        slope_guide(a, self.widths, -0.5, anchor=(self.widths[0], self.rel_dev[0]), label="slope $-1/2$")
        a.set_xlabel("width $n$")
        a.set_xticks(self.widths)
        a.set_xticklabels([f"{int(w)}" for w in self.widths])
        a.minorticks_off()  # the widths are the ticks; minor log labels would overlap
        a.legend()
        b.plot(self.x_slice, self.f_lin_slice, label="linearised model")
        b.plot(self.x_slice, self.f_net_slice, "--", label=f"network, width {int(self.widths[0])}")
        b.set_xlabel("position along a line in $\\mathbb{R}^3$")
        b.legend()
        return ax


@small_network_threads
def lazy_training_demo(
    *,
    widths: Any = (128, 512, 2048, 4096),
    steps: int = 300,
    n_train: int = 30,
    n_test: int = 500,
    n_seeds: int = 3,
    activation: str = "erf",
    seed: int = 0,
    progress: bool = False,
    device: str = "cpu",
) -> LazyTrainingResult:
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

    Parameters
    ----------
    widths : sequence, default (128, 512, 2048, 4096)
    steps : int, default 300
    n_train : int, default 30
    n_test : int, default 500
    n_seeds : int, default 3
    activation : str, default 'erf'
    seed : int, default 0
    device : str, default 'cpu'

    progress : bool, default False
        A progress bar (tqdm) over the widths of each seed; silent by default.

    Returns
    -------
    LazyTrainingResult

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Lee et al. (2019), Theorem 2.1;
    Chizat, Oyallon, Bach (2019).
    """
    device = check_device(device)
    from ..nets import mlp

    widths = np.asarray(check_int_sequence(widths, "widths", minimum=1, min_len=2, increasing=True), dtype=np.int64)
    steps = check_int(steps, "steps", minimum=1)
    n_train = check_int(n_train, "n_train", minimum=2)
    n_test = check_int(n_test, "n_test", minimum=1)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=1)
    gaussian_map(activation)
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
        for i, w in progress_bar(enumerate(widths), progress, total=len(widths), desc=f"seed {s + 1}/{n_seeds}"):
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
            dev_wrong[s, i] = np.linalg.norm(fT_all[:nt] - lin_wrong[:nt]) / np.linalg.norm(lin_all[:nt] - f0_all[:nt])
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
        widths=widths.astype(float),
        rel_dev=med,
        rate=loglog_slope(widths, med),
        predicted=-0.5,
        x_slice=ts.numpy(),
        f_net_slice=f_slice,
        f_lin_slice=lin_slice,
        weight_change=mv,
        rate_se=_slope_se(widths, dev),
        rate_wrong=loglog_slope(widths, np.median(dev_wrong, axis=0)),
        move_rate=loglog_slope(widths, mv),
        move_rate_se=_slope_se(widths, move),
        activation=activation,
        lin_identity_err=lin_err,
        lin_identity_wrong=lin_next_err,
    )


declare_check(
    "kernels.lazy_training",
    label="linearised",
    quantity="largest relative gap between the closed form of part (1) and the iteration of gradient descent "
    "on the linearised model, on the test points (first network of the demo)",
    claim="identity",
    relation="<=",
    measure="lin_identity_err",
    predict=0.0,
    tolerance=1e-9,
    reason="float64 rounding accumulated over T steps of a contraction (spectral radius < 1)",
    hypotheses="any width: the linearised model is affine in theta; Theta_0 positive definite, "
    "0 < eta < 2/lambda_max(Theta_0)",
    wrong="the closed form with the power (I - eta Theta_0)^(t+1) (one step too many)",
    wrong_measure="lin_identity_wrong",
    demo=lazy_training_demo,
)


declare_check(
    "kernels.lazy_training",
    label="gap",
    quantity="decay exponent (minus the fitted slope) of the relative gap between the trained network and its "
    "linearisation after T steps, against the width (all widths of the demo)",
    claim="lower bound",
    relation=">=",
    measure=lambda r: -float(r.rate),
    predict=0.5,
    tolerance=lambda r: 3 * float(r.rate_se),
    reason="3 standard errors of the slope over the seeds; the theorem bounds the rate, it does not give it "
    "(smooth activations are observed to decay faster, towards n^(-1))",
    hypotheses="erf activation (smooth, Lipschitz derivative), NTK parameterisation, i.i.d. Gaussian init, "
    "squared loss, full-batch GD with eta = 1/lambda_max(Theta_0) < 2/(lambda_min + lambda_max)",
    wrong="the linearised model without its initial function f_0 (the centred model's formula applied to the "
    "uncentred network), whose gap to the network does not decay",
    wrong_measure=lambda r: -float(r.rate_wrong),
    demo=lazy_training_demo,
)

declare_check(
    "kernels.lazy_training",
    label="movement",
    quantity="fitted slope of the relative parameter movement |theta_T - theta_0|/|theta_0| against the width",
    claim="rate",
    relation="approx",
    measure="move_rate",
    predict=-0.5,
    tolerance=lambda r: 3 * float(r.move_rate_se) + 0.05,
    reason="3 standard errors of the slope over the seeds, plus 0.05 for the O(1/n) correction of the norm at "
    "the smallest width",
    hypotheses="as for the gap: erf, NTK parameterisation, GD with eta = 1/lambda_max(Theta_0)",
    wrong="the rate n^(-1/4)",
    wrong_predict=-0.25,
    demo=lazy_training_demo,
)


# --------------------------------------------------------------------------------------------
# Real data: trained networks approach the NTK predictor (diabetes data of scikit-learn)
# --------------------------------------------------------------------------------------------
@demo_result
class DiabetesNTKResult(DemoResult):
    """Result of :func:`diabetes_ntk_demo`.

    Attributes
    ----------
    widths : numpy.ndarray
        Hidden-layer widths ``n`` of the networks, as floats; one entry per width in `widths`.
    dist_to_ntk : numpy.ndarray
        Relative RMS difference between trained centred networks and the NTK predictor on the test
        set, ``|g_T(X*) - ntk_pred| / |ntk_pred|``, median over seeds; one entry per width.
    rate : float
        Fitted log-log slope of `dist_to_ntk` against width.
    net_rmse : numpy.ndarray
        Test RMSE (standardised target) of the trained centred networks, median over seeds;
        one entry per width in `widths`.
    ntk_rmse : float
        Test RMSE of the analytic NTK predictor after `steps` gradient-descent steps.
    nngp_rmse : float
        Test RMSE of NNGP regression (GP posterior mean, noise variance ``s^2 = 0.5``).
    linear_rmse : float
        Test RMSE of ridge regression (penalty 1) on the standardised features plus a constant.
    y_test : numpy.ndarray
        Standardised test targets; one entry per test point (442 - `n_train` of them).
    ntk_pred : numpy.ndarray
        NTK predictor ``Theta(X*, X) Theta^(-1) [I - (I - eta Theta)^t] y`` on the test points;
        same shape as `y_test`.
    net_pred_widest : numpy.ndarray
        Test predictions ``g_T(X*)`` of the widest trained centred network (first seed);
        same shape as `y_test`.
    """

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
            from ..plotting import figure_grid

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


def diabetes_ntk_demo(
    *,
    widths: Any = (32, 128, 512, 2048),
    depth: int = 1,
    n_train: int = 200,
    steps: int = 150,
    n_seeds: int = 2,
    seed: int = 0,
    device: str = "cpu",
) -> DiabetesNTKResult:
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

    Parameters
    ----------
    widths : sequence, default (32, 128, 512, 2048)
    depth : int, default 1
    n_train : int, default 200
    steps : int, default 150
    n_seeds : int, default 2
    seed : int, default 0
    device : str, default 'cpu'

    Returns
    -------
    DiabetesNTKResult

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Jacot, Gabriel, Hongler (2018);
    Lee et al. (2019); Arora et al. (2019). Data: Efron, Hastie, Johnstone, Tibshirani (2004).
    """
    device = check_device(device)
    from sklearn.datasets import load_diabetes

    from ..nets import mlp

    widths = np.asarray(check_int_sequence(widths, "widths", minimum=1, min_len=2, increasing=True), dtype=np.int64)
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
    Th = ntk_kernel(X, depth=depth, sw2=sw2, sb2=sb2)
    Tht = ntk_kernel(Xt, X, depth=depth, sw2=sw2, sb2=sb2)
    eta = 1.0 / np.linalg.eigvalsh(Th).max()
    ntk_pred = _linearised_gd(Th, Tht, ytr, eta, steps)
    K = nngp_kernel(X, depth=depth, sw2=sw2, sb2=sb2)
    Kt = nngp_kernel(Xt, X, depth=depth, sw2=sw2, sb2=sb2)
    Kss = nngp_kernel(Xt, depth=depth, sw2=sw2, sb2=sb2)
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
            net = mlp(
                X.shape[1], int(w), depth, sw2=sw2, sb2=sb2, dtype=torch.float64, device=device, seed=int(seeds[s, i])
            )
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
        widths=widths.astype(float),
        dist_to_ntk=med,
        rate=loglog_slope(widths, med),
        net_rmse=np.median(err, axis=0),
        ntk_rmse=rmse(ntk_pred),
        nngp_rmse=rmse(nngp_pred),
        linear_rmse=rmse(lin_pred),
        y_test=yte,
        ntk_pred=ntk_pred,
        net_pred_widest=widest,
    )
