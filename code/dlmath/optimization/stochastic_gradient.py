r"""Stochastic gradient descent and momentum: the stationary error, the O(1/k) rate, explicit updates.

Chapter *Gradient methods*: the stationary mean squared error of constant-step SGD on a noisy
quadratic (:func:`sgd_stationary_mse`, :func:`sgd_demo`, theorem ``optimization-sgd_rates``) and
the explicit GD / SGD / heavy-ball / Nesterov update (:func:`explicit_sgd_step`) checked against
:class:`torch.optim.SGD` (:func:`optimizer_agreement_demo`).

References
----------
Polyak (1964); Nemirovski, Juditsky, Lan, Shapiro (2009); Sutskever et al. (2013);
Bottou, Curtis, Nocedal (2018); Bach (2024), Sec. 5.4.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import torch

from ..nets import feedforward
from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    as_array,
    check_bool,
    check_device,
    check_int,
    check_real,
    check_real_sequence,
    loglog_slope,
    progress_bar,
    rng,
    torch_generator,
)
from ._common import _axes_pair

__all__ = [
    "sgd_stationary_mse",
    "explicit_sgd_step",
    "SGDResult",
    "sgd_demo",
    "OptimizerAgreementResult",
    "optimizer_agreement_demo",
]


def sgd_stationary_mse(eta: float, lambdas: Any, sigma2: float = 1.0) -> float:
    r"""Stationary mean squared error of constant-step SGD on a quadratic with isotropic Gaussian noise.

    For :math:`f(x) = \tfrac12 x^\top \Lambda x`, :math:`\Lambda = \mathrm{diag}(\lambda_1,\dots,\lambda_p)`,
    and :math:`x_{k+1} = x_k - \eta(\Lambda x_k + \xi_k)`, :math:`\xi_k \sim N(0, (\sigma^2/p) I)`
    i.i.d., each coordinate is an AR(1) process and

    .. math::

        \lim_{k\to\infty} \mathbb{E}\|x_k\|^2 = \sum_{i=1}^p \frac{\eta\sigma^2}{p\,\lambda_i(2-\eta\lambda_i)},

    provided :math:`0 < \eta\lambda_i < 2` for all :math:`i`.

    Parameters
    ----------
    eta : float
        Step size, > 0 with :math:`\eta \max_i\lambda_i < 2`.
    lambdas : array_like, shape (p,)
        Positive eigenvalues.
    sigma2 : float, default 1.0
        Total noise variance :math:`\sigma^2 = \mathbb{E}\|\xi\|^2 > 0`.

    Returns
    -------
    float

    References
    ----------
    Book, chapter *Gradient methods*, theorem ``optimization-sgd_rates`` (c).

    Examples
    --------
    One coordinate is an AR(1) process of variance :math:`\eta^2\sigma^2/(1-(1-\eta\lambda)^2)`:

    >>> round(sgd_stationary_mse(0.5, [1.0]), 6)
    0.333333
    """
    eta = check_real(eta, "eta", minimum=0.0, strict_min=True)
    lam = as_array(lambdas, "lambdas", ndim=1, min_size=1)
    if np.any(lam <= 0):
        raise ValueError("lambdas must be positive")
    sigma2 = check_real(sigma2, "sigma2", minimum=0.0, strict_min=True)
    if eta * lam.max() >= 2.0:
        raise ValueError(f"eta must satisfy eta * max(lambdas) < 2, got {eta * lam.max():.3g}")
    p = lam.size
    return float(np.sum(eta * sigma2 / (p * lam * (2.0 - eta * lam))))


def explicit_sgd_step(
    params: Sequence[Any],
    grads: Sequence[Any],
    buffers: list,
    *,
    lr: float,
    momentum: float = 0.0,
    nesterov: bool = False,
) -> None:
    r"""One (stochastic) gradient step with optional heavy-ball or Nesterov momentum, in place.

    With gradient :math:`g_k` (full or mini-batch), step :math:`\eta` and momentum :math:`\beta`:

    .. math::

        b_k = \beta b_{k-1} + g_k \quad (b_0 = g_0), \qquad
        \theta_{k+1} = \theta_k - \eta \,\begin{cases} g_k & \beta = 0,\\
        b_k & \text{heavy ball},\\ g_k + \beta b_k & \text{Nesterov.}\end{cases}

    Heavy ball is the two-step recursion
    :math:`\theta_{k+1} = \theta_k - \eta g_k + \beta(\theta_k - \theta_{k-1})` (Polyak 1964).
    This is the convention of :class:`torch.optim.SGD` (dampening 0, no weight decay), so the
    two produce the same iterates up to rounding.

    Parameters
    ----------
    params : sequence of torch.Tensor
        Parameters, updated in place (under ``torch.no_grad``).
    grads : sequence of torch.Tensor
        Gradients, same shapes as ``params``.
    buffers : list
        Momentum buffers, one per parameter; pass ``[None] * len(params)`` before the first
        step. Updated in place.
    lr : float
        Step size :math:`\eta > 0`.
    momentum : float, default 0.0
        :math:`\beta \in [0, 1)`.
    nesterov : bool, default False

    References
    ----------
    Book, chapter *Gradient methods*. Polyak (1964); Sutskever et al. (2013).

    Examples
    --------
    Two heavy-ball steps with a constant gradient: the second moves by :math:`\eta(1+\beta)`.

    >>> import torch
    >>> p, bufs = [torch.zeros(2, dtype=torch.float64)], [None]
    >>> for _ in range(2):
    ...     explicit_sgd_step(p, [torch.ones(2, dtype=torch.float64)], bufs, lr=0.1, momentum=0.5)
    >>> p[0]
    tensor([-0.2500, -0.2500], dtype=torch.float64)
    """
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    momentum = check_real(momentum, "momentum", minimum=0.0, maximum=1.0, strict_max=True)
    nesterov = check_bool(nesterov, "nesterov")
    if nesterov and momentum == 0.0:
        raise ValueError("nesterov requires momentum > 0")
    for value, name in ((params, "params"), (grads, "grads")):
        if isinstance(value, (torch.Tensor, str, bytes)) or not hasattr(value, "__iter__"):
            raise TypeError(f"{name} must be a sequence of tensors, got {type(value).__name__}")
    if not isinstance(buffers, list):
        raise TypeError(f"buffers must be a list (updated in place), got {type(buffers).__name__}")
    params, grads = list(params), list(grads)
    for i, (p, g) in enumerate(zip(params, grads)):
        if not isinstance(p, torch.Tensor):
            raise TypeError(f"params[{i}] must be a tensor, got {type(p).__name__}")
        if not isinstance(g, torch.Tensor):
            raise TypeError(f"grads[{i}] must be a tensor, got {type(g).__name__}")
        if g.shape != p.shape:
            raise ValueError(f"grads[{i}] must have the shape {tuple(p.shape)} of params[{i}], got {tuple(g.shape)}")
    if len(grads) != len(params) or len(buffers) != len(params):
        raise ValueError("params, grads and buffers must have the same length")
    with torch.no_grad():
        for i, (p, g) in enumerate(zip(params, grads)):
            if momentum > 0.0:
                if buffers[i] is None:
                    buffers[i] = g.detach().clone()
                else:
                    buffers[i].mul_(momentum).add_(g)
                d = g + momentum * buffers[i] if nesterov else buffers[i]
            else:
                d = g
            p.sub_(lr * d)


# ---------------------------------------------------------------------------------------------
# demos
# ---------------------------------------------------------------------------------------------


@demo_result
class SGDResult(DemoResult):
    """SGD on a noisy quadratic: stationary error for constant steps and the O(1/k) rate.

    Attributes
    ----------
    etas : ndarray, shape (m,)
        Constant step sizes.
    stationary_mse : ndarray, shape (m,)
        Measured :math:`\\lim_k \\mathbb{E}\\|x_k - x^*\\|^2` (average over chains and over the
        second half of a long run).
    predicted : ndarray, shape (m,)
        The closed form :func:`sgd_stationary_mse`.
    bound : ndarray, shape (m,)
        The general bound :math:`\\eta\\sigma^2/\\mu`.
    ks : ndarray, shape (q,)
        Iterations at which the decreasing-step error is recorded.
    mse_decreasing : ndarray, shape (q,)
        :math:`\\mathbb{E}\\|x_k - x^*\\|^2` for :math:`\\eta_k = 1/(\\mu k)`.
    rate : float
        Log-log slope of ``mse_decreasing`` over :math:`k \\in [100, k_{\\max}]` (theory: -1).
    max_rel_err : float
        :math:`\\max_\\eta |\\text{measured}/\\text{predicted} - 1|`.
    k_times_mse : float
        :math:`k\\,\\mathbb{E}\\|x_k-x^*\\|^2`, averaged over the last 20% of the run.
    k_times_mse_se : float
        Its Monte Carlo standard error (the chains are independent).
    constant_first_order : float
        The wrong constant :math:`\\sum_i \\sigma^2/(2p\\mu\\lambda_i)` of the small-step law at
        :math:`\\eta = 1/(\\mu k)`.
    G2_max : float
        :math:`\\max_k \\mathbb{E}\\|g_k\\|^2` along the decreasing-step run, the :math:`G^2` of part (b).
    rel_se : float
        Largest Monte Carlo standard error of the stationary error, relative to the closed form.
    max_rel_err_first_order : float
        As ``max_rel_err``, against the first-order formula :math:`\\eta\\sigma^2/(2p)\\sum_i 1/\\lambda_i`.
    predicted_constant : float
        Its limit :math:`\\sum_i \\sigma^2/(p\\,\\mu^2 (2\\lambda_i/\\mu - 1))`.
    """

    etas: np.ndarray
    stationary_mse: np.ndarray
    predicted: np.ndarray
    bound: np.ndarray
    ks: np.ndarray
    mse_decreasing: np.ndarray
    rate: float
    max_rel_err: float
    k_times_mse: float
    predicted_constant: float
    rel_se: float = float("nan")
    max_rel_err_first_order: float = float("nan")
    k_times_mse_se: float = float("nan")
    constant_first_order: float = float("nan")
    G2_max: float = float("nan")

    def plot(self, ax=None):
        a0, a1 = _axes_pair(ax)
        a0.loglog(self.etas, self.stationary_mse, "o", color=COLORS[0], label="SGD, measured")
        a0.loglog(self.etas, self.predicted, "-", color=COLORS[1], label="closed form")
        a0.loglog(self.etas, self.bound, "--", color="0.4", label=r"bound $\eta\sigma^2/\mu$")
        a0.set_xlabel(r"step size $\eta$")
        a0.set_ylabel(r"stationary $\mathbb{E}\|x_k-x^*\|^2$")
        a0.legend()
        a1.loglog(self.ks, self.mse_decreasing, color=COLORS[0], label=r"$\eta_k = 1/(\mu k)$")
        a1.loglog(self.ks, self.predicted_constant / self.ks, "--", color=COLORS[1], label=r"$C/k$ (exact constant)")
        a1.set_xlabel("iteration $k$")
        a1.set_ylabel(r"$\mathbb{E}\|x_k-x^*\|^2$")
        a1.legend()
        return (a0, a1)


def sgd_demo(
    *,
    etas: Sequence[float] = (0.05, 0.1, 0.2, 0.4),
    n_chains: int = 2000,
    seed: int = 0,
    progress: bool = False,
) -> SGDResult:
    r"""SGD on :math:`f(x) = \tfrac12 x^\top\Lambda x` with additive Gaussian gradient noise.

    :math:`p = 10`, :math:`\lambda = (0.1, 0.2, \dots, 1)` (so :math:`\mu = 0.1`, :math:`L = 1`),
    :math:`\xi_k \sim N(0, (\sigma^2/p)I)` with :math:`\sigma^2 = 1`, :math:`x_0 = \mathbb{1}`,
    ``n_chains`` independent chains run in parallel. For each constant step :math:`\eta` the
    chains are started at the minimiser, run for a burn-in of :math:`\lceil 8/(\eta\mu) \rceil`
    steps (the transient is below :math:`e^{-16}` of the limit) and the squared error is then
    averaged over 1000 further steps and all chains. The decreasing-step run uses
    :math:`\eta_k = 1/(\mu k)` up to :math:`k = 5000` with ``2 * n_chains`` chains; for this
    quadratic :math:`k\,\mathbb{E}\|x_k\|^2 \to \sum_i \sigma^2/(p\,\mu^2(2\lambda_i/\mu-1))`.

    Parameters
    ----------
    etas : sequence of float, default (0.05, 0.1, 0.2, 0.4)
        Constant step sizes in :math:`(0, 1/L]`.
    n_chains : int, default 2000
        Number of independent chains, >= 10.
    seed : int, default 0

    progress : bool, default False
        A progress bar (tqdm) over the constant step sizes; silent by default.

    Returns
    -------
    SGDResult

    References
    ----------
    Book, chapter *Gradient methods*, theorem ``optimization-sgd_rates``.
    Nemirovski, Juditsky, Lan, Shapiro (2009),
    Sec. 2.1; Bottou, Curtis, Nocedal (2018), Thm 4.6; Bach (2024), Sec. 5.4.
    """
    etas_t = check_real_sequence(etas, "etas", minimum=0.0, strict_min=True)
    if any(e > 1.0 for e in etas_t):
        raise ValueError(f"etas must lie in (0, 1/L] = (0, 1], got {etas_t}")
    n_chains = check_int(n_chains, "n_chains", minimum=10)
    gen = rng(seed)
    p, sigma2 = 10, 1.0
    lam = np.linspace(0.1, 1.0, p)
    mu = float(lam.min())
    sd = math.sqrt(sigma2 / p)
    stat, stat_se = [], []
    for eta in progress_bar(etas_t, progress, desc="step sizes"):
        x = np.zeros((n_chains, p))
        burn = int(math.ceil(8.0 / (eta * mu)))
        for _ in range(burn):
            x = x - eta * (lam * x + sd * gen.standard_normal((n_chains, p)))
        acc, n_avg = np.zeros(n_chains), 1000
        for _ in range(n_avg):
            x = x - eta * (lam * x + sd * gen.standard_normal((n_chains, p)))
            acc += np.sum(x * x, axis=1)
        per_chain = acc / n_avg  # independent across chains
        stat.append(float(per_chain.mean()))
        stat_se.append(float(per_chain.std(ddof=1) / math.sqrt(n_chains)))
    stat_a = np.array(stat)
    pred = np.array([sgd_stationary_mse(e, lam, sigma2) for e in etas_t])
    # first-order formula eta sigma^2/(2p) sum 1/lambda_i (the eta^2 lambda^2 term left out)
    pred_first = np.array([e * sigma2 / (2.0 * p) * float(np.sum(1.0 / lam)) for e in etas_t])
    bound = np.array([e * sigma2 / mu for e in etas_t])
    # decreasing steps
    kmax = 5000
    nc = 2 * n_chains
    x = np.ones((nc, p))
    ks = np.unique(np.round(np.logspace(0, math.log10(kmax), 40)).astype(int))
    rec = [float(np.mean(np.sum(x * x, axis=1)))]  # rec[k-1] = E||x_k||^2, x_1 = 1
    tail_start = int(0.8 * kmax)
    k_sq_tail = np.zeros(nc)  # per chain: sum over the last 20% of k ||x_k||^2
    g2_max = 0.0  # max_k E||g_k||^2 = E||Lambda x_k||^2 + sigma^2 along the run, the G^2 of (b)
    for k in range(1, kmax):
        g2_max = max(g2_max, float(np.mean(np.sum((lam * x) ** 2, axis=1))) + sigma2)
        x = x - (1.0 / (mu * k)) * (lam * x + sd * gen.standard_normal((nc, p)))
        sq = np.sum(x * x, axis=1)  # ||x_{k+1}||^2
        rec.append(float(np.mean(sq)))
        if k >= tail_start:
            k_sq_tail += (k + 1) * sq
    rec_a = np.array(rec)
    ks_f = ks.astype(float)
    mse_dec = rec_a[ks - 1]
    sel = ks >= 100
    rate = loglog_slope(ks_f[sel], mse_dec[sel])
    const = float(np.sum(sigma2 / (p * mu**2 * (2.0 * lam / mu - 1.0))))
    # k E||x_k||^2 averaged over the last 20% of the run; chains are independent, so the
    # per-chain averages give its standard error
    per_chain_k = k_sq_tail / (kmax - tail_start)
    k_times = float(per_chain_k.mean())
    k_times_se = float(per_chain_k.std(ddof=1) / math.sqrt(nc))
    # the constant of the first-order (small-step) stationary law at eta = 1/(mu k):
    # sum_i sigma^2/(2 p mu lambda_i), i.e. the -1 of 2 lambda_i/mu - 1 left out
    const_first = float(np.sum(sigma2 / (2.0 * p * mu * lam)))
    return SGDResult(
        etas=np.array(etas_t),
        stationary_mse=stat_a,
        predicted=pred,
        bound=bound,
        ks=ks_f,
        mse_decreasing=mse_dec,
        rate=rate,
        max_rel_err=float(np.max(np.abs(stat_a / pred - 1.0))),
        k_times_mse=k_times,
        predicted_constant=const,
        rel_se=float(np.max(np.array(stat_se) / pred)),
        max_rel_err_first_order=float(np.max(np.abs(stat_a / pred_first - 1.0))),
        k_times_mse_se=k_times_se,
        constant_first_order=const_first,
        G2_max=g2_max,
    )


declare_check(
    "optimization.sgd_rates",
    label="stationary",
    quantity="largest relative deviation, over the constant steps, of the stationary E||x||^2 from "
    "the closed form sigma^2 eta/p sum_i 1/(lambda_i(2 - eta lambda_i))",
    claim="equality",
    relation="approx",
    measure="max_rel_err",
    predict=0.0,
    tolerance=lambda r: 4.0 * float(r.rel_se),
    reason="4 Monte Carlo standard errors (largest over the steps) of the chain averages, the chains "
    "being independent; 4 rather than 3 since the maximum over four steps is taken",
    hypotheses="quadratic with spectrum in [0.1, 1], unbiased Gaussian gradient noise of variance sigma^2, "
    "constant steps in (0, 1/L]",
    wrong="the first-order stationary error eta sigma^2/(2p) sum 1/lambda_i (eta^2 term left out)",
    wrong_measure="max_rel_err_first_order",
    demo=sgd_demo,
)
declare_check(
    "optimization.sgd_rates",
    label="decreasing",
    quantity="fitted log-log slope of E||x_k||^2 for steps 1/(mu k), window 100 <= k <= 5000",
    claim="rate",
    relation="approx",
    measure="rate",
    predict=-1.0,
    tolerance=0.15,
    reason="pre-asymptotic range: the fit starts at k = 100, where the k^{-1} term dominates the "
    "transient k^{-(2 lambda_i/mu)} terms; Monte Carlo noise of the slope is below 0.05",
    hypotheses="mu-strongly convex quadratic, unbiased noise of bounded variance, steps 1/(mu k)",
    wrong="the O(k^{-1/2}) rate of SGD on convex non-smooth objectives",
    wrong_predict=-0.5,
    demo=sgd_demo,
)
declare_check(
    "optimization.sgd_rates",
    label="constant",
    quantity="k E||x_k||^2 for steps 1/(mu k), averaged over 4000 <= k < 5000, against its limit "
    "sum_i sigma^2/(p mu^2 (2 lambda_i/mu - 1))",
    claim="equality",
    relation="approx",
    measure="k_times_mse",
    predict="predicted_constant",
    tolerance=lambda r: 3.0 * float(r.k_times_mse_se) + 2e-3 * float(r.predicted_constant),
    reason="3 Monte Carlo standard errors of the per-chain averages (independent chains), plus the "
    "O(1/k) relative bias of k E||x_k||^2 at k >= 4000, below 2e-3",
    hypotheses="mu-strongly convex quadratic, unbiased Gaussian noise of variance sigma^2, steps 1/(mu k) from x_1 = 1",
    wrong="the small-step constant sum_i sigma^2/(2 p mu lambda_i) (the stationary law at eta = 1/(mu k), "
    "the -1 of 2 lambda_i/mu - 1 left out)",
    wrong_predict="constant_first_order",
    demo=sgd_demo,
)


@demo_result
class OptimizerAgreementResult(DemoResult):
    """Explicit GD / SGD / momentum updates against :class:`torch.optim.SGD` on the same problem.

    Attributes
    ----------
    methods : tuple of str
        ``("gd", "sgd", "heavy_ball", "nesterov")``.
    losses_explicit, losses_torch : ndarray, shape (4, steps + 1)
        Full-batch training loss along the two runs of each method.
    max_param_diff : ndarray, shape (4,)
        :math:`\\max_k \\|\\theta_k^{\\rm explicit} - \\theta_k^{\\rm torch}\\|_\\infty`.
    max_diff : float
        The largest entry of ``max_param_diff`` (rounding level, about 1e-15 in float64).
    """

    methods: tuple
    losses_explicit: np.ndarray
    losses_torch: np.ndarray
    max_param_diff: np.ndarray
    max_diff: float

    def plot(self, ax=None):
        ax = axes(ax)
        for i, m in enumerate(self.methods):
            ks = np.arange(self.losses_explicit.shape[1])
            ax.semilogy(ks, self.losses_explicit[i], color=COLORS[i], label=f"{m} (explicit)")
            ax.semilogy(ks[::10], self.losses_torch[i, ::10], "o", color=COLORS[i], markerfacecolor="none")
        ax.set_xlabel("step $k$")
        ax.set_ylabel("training loss")
        ax.set_title("lines: explicit updates; circles: torch.optim.SGD")
        ax.legend()
        return ax


def optimizer_agreement_demo(
    *,
    steps: int = 200,
    lr: float = 0.05,
    momentum: float = 0.9,
    batch_size: int = 16,
    seed: int = 0,
    device: str = "cpu",
) -> OptimizerAgreementResult:
    r"""Run the explicit updates of :func:`explicit_sgd_step` and :class:`torch.optim.SGD` side by side.

    A network ``dlmath.nets.feedforward((2, 32, 32, 1))`` (ReLU, float64) is trained on
    :math:`n = 128` points of :math:`y = \sin(3x_1)\cos(2x_2)` with the mean squared loss, by
    full-batch GD, mini-batch SGD, heavy-ball and Nesterov momentum. Each method is run twice
    from the same initialisation and with the same mini-batches: once with the book's
    explicit update, once with ``torch.optim.SGD``. Gradients come from autograd in both.

    Parameters
    ----------
    steps : int, default 200
    lr : float, default 0.05
    momentum : float, default 0.9
        In :math:`(0, 1)`, used by the two momentum methods.
    batch_size : int, default 16
        Mini-batch size of SGD, in :math:`[1, 128]`.
    seed : int, default 0
    device : str, default "cpu"

    Returns
    -------
    OptimizerAgreementResult

    References
    ----------
    Book, chapter *Gradient methods*. Polyak (1964); Bottou, Curtis, Nocedal (2018), Sec. 7.
    """
    steps = check_int(steps, "steps", minimum=1)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    momentum = check_real(momentum, "momentum", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    batch_size = check_int(batch_size, "batch_size", minimum=1, maximum=128)
    dev = check_device(device)
    gen = torch_generator(seed)
    n = 128
    X = (2 * torch.rand(n, 2, generator=gen, dtype=torch.float64) - 1).to(dev)
    y = (torch.sin(3 * X[:, :1]) * torch.cos(2 * X[:, 1:])).to(dev)
    batches = [torch.randperm(n, generator=gen)[:batch_size].to(dev) for _ in range(steps)]
    methods = ("gd", "sgd", "heavy_ball", "nesterov")
    settings = {
        "gd": (False, 0.0, False),
        "sgd": (True, 0.0, False),
        "heavy_ball": (False, momentum, False),
        "nesterov": (False, momentum, True),
    }
    L_exp = np.empty((4, steps + 1))
    L_tor = np.empty((4, steps + 1))
    diffs = np.zeros(4)

    def full_loss(net):
        with torch.no_grad():
            return float(torch.mean((net(X) - y) ** 2))

    for mi, m in enumerate(methods):
        stochastic, beta, nest = settings[m]
        net_a = feedforward((2, 32, 32, 1), dtype=torch.float64, device=dev, seed=seed + 1)
        net_b = feedforward((2, 32, 32, 1), dtype=torch.float64, device=dev, seed=seed + 1)
        opt = torch.optim.SGD(net_b.parameters(), lr=lr, momentum=beta, nesterov=nest)
        bufs: list = [None] * len(list(net_a.parameters()))
        L_exp[mi, 0] = full_loss(net_a)
        L_tor[mi, 0] = full_loss(net_b)
        for k in range(steps):
            idx = batches[k] if stochastic else slice(None)
            params = list(net_a.parameters())
            loss_a = torch.mean((net_a(X[idx]) - y[idx]) ** 2)
            grads = torch.autograd.grad(loss_a, params)
            explicit_sgd_step(params, grads, bufs, lr=lr, momentum=beta, nesterov=nest)
            opt.zero_grad()
            loss_b = torch.mean((net_b(X[idx]) - y[idx]) ** 2)
            loss_b.backward()
            opt.step()
            L_exp[mi, k + 1] = full_loss(net_a)
            L_tor[mi, k + 1] = full_loss(net_b)
            with torch.no_grad():
                d = max(float(torch.max(torch.abs(pa - pb))) for pa, pb in zip(net_a.parameters(), net_b.parameters()))
            diffs[mi] = max(diffs[mi], d)
    return OptimizerAgreementResult(
        methods=methods, losses_explicit=L_exp, losses_torch=L_tor, max_param_diff=diffs, max_diff=float(diffs.max())
    )
