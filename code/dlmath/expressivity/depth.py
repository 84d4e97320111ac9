r"""Depth separation by the sawtooth: Telgarsky's construction, exact piece counts, training.

:func:`sawtooth_network` realises the :math:`k`-fold tent map :math:`\Delta^{\circ k}` with
:math:`2^k` affine pieces at depth :math:`k` and width 2 (:func:`sawtooth` evaluates it); the
demos of chapter *Depth: sawtooth, squaring and the curse of dimensionality* count pieces
exactly (:func:`~dlmath.expressivity.count_linear_pieces`), measure the :math:`L^1` lower bound
for networks with few pieces (theorem ``expressivity-telgarsky_sawtooth``) and train a deep
narrow against a shallow wide network.

References
----------
Telgarsky (2016); Berner, Grohs, Kutyniok, Petersen (2022), Section 3.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import torch

from ..nets import count_parameters, feedforward
from ..plotting import COLORS
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    check_device,
    check_int,
    check_int_sequence,
    check_real,
    like_input,
    progress_bar,
    rng,
    small_network_threads,
)
from ._common import _two_panels, _unit_interval
from .relu_nets import ReLUNet, count_linear_pieces


def sawtooth_network(k: int, *, dtype: Any = torch.float32, device: Any = "cpu") -> ReLUNet:
    r"""The :math:`k`-fold composition of the tent map as a ReLU network of depth :math:`k`, width 2.

    The tent map :math:`\Delta(x) = 2\sigma(x) - 4\sigma(x - 1/2) + 2\sigma(x - 1)` equals
    :math:`2\sigma(x) - 4\sigma(x - 1/2)` on :math:`[0, 1]` and maps :math:`[0, 1]` onto itself, so
    hidden layer :math:`\ell` computes :math:`(\sigma(y), \sigma(y - 1/2))` with
    :math:`y = \Delta^{\circ(\ell-1)}(x)` and the network equals :math:`\Delta^{\circ k}` on
    :math:`[0, 1]`. Size :math:`6k + 1`.

    Parameters
    ----------
    k : int
        Number of compositions, >= 1.
    dtype : torch.dtype or str, default torch.float32
        Dtype of the network (the demos pass ``torch.float64``).
    device : str or torch.device, default "cpu"

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*, theorem
    ``expressivity-telgarsky_sawtooth``. Telgarsky (2016), Section 2.
    """
    k = check_int(k, "k", minimum=1)
    inner = np.array([[2.0, -4.0], [2.0, -4.0]])
    shift = np.array([0.0, -0.5])
    ws = [np.array([[1.0], [1.0]])] + [inner] * (k - 1) + [np.array([[2.0, -4.0]])]
    bs = [shift] * k + [np.array([0.0])]
    return ReLUNet(ws, bs, dtype=dtype, device=device)


def sawtooth(x: Any, k: int) -> np.ndarray:
    r"""The sawtooth :math:`\Delta^{\circ k}(x)` on :math:`[0, 1]`, evaluated through :func:`sawtooth_network`.

    :math:`\Delta^{\circ k}` is continuous piecewise linear with the :math:`2^k` pieces
    :math:`[j 2^{-k}, (j+1) 2^{-k}]`, equal to 0 at even and 1 at odd multiples of :math:`2^{-k}`.

    Parameters
    ----------
    x : array_like or torch.Tensor
        Points of :math:`[0, 1]`, any shape.
    k : int
        Number of compositions, >= 0 (:math:`k = 0` is the identity).

    Returns
    -------
    numpy.ndarray or torch.Tensor
        Same shape as ``x``; a tensor (of the dtype and device of ``x``) for a tensor. The
        network is evaluated in float64.

    Examples
    --------
    >>> sawtooth([0.0, 0.125, 0.25, 0.5], 2)
    array([0. , 0.5, 1. , 0. ])

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*. Telgarsky (2016).
    """
    arr = _unit_interval(x, "x")
    k = check_int(k, "k", minimum=0)
    if k == 0:
        return like_input(arr.copy(), x)
    out = sawtooth_network(k, dtype=torch.float64).evaluate(arr.reshape(-1)).reshape(arr.shape)
    return like_input(out, x)


# demos


def _l1_pwl(x1: np.ndarray, y1: np.ndarray, x2: np.ndarray, y2: np.ndarray) -> float:
    """Exact integral of |u - v| for two piecewise-linear interpolants on the same interval."""
    xs = np.union1d(x1, x2)
    dlt = np.interp(xs, x1, y1) - np.interp(xs, x2, y2)
    d0, d1, h = dlt[:-1], dlt[1:], np.diff(xs)
    same = d0 * d1 >= 0
    out = np.where(
        same,
        0.5 * (np.abs(d0) + np.abs(d1)) * h,
        0.5 * (d0**2 + d1**2) / np.maximum(np.abs(d0) + np.abs(d1), 1e-300) * h,
    )
    return float(out.sum())


def _pwl_least_squares(knots: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Nodal values of the least-squares continuous piecewise-linear fit (normal equations, hat basis)."""
    n = knots.size
    j = np.clip(np.searchsorted(knots, x, side="right") - 1, 0, n - 2)
    lam = (x - knots[j]) / (knots[j + 1] - knots[j])
    G = np.zeros((n, n))
    rhs = np.zeros(n)
    np.add.at(G, (j, j), (1 - lam) ** 2)
    np.add.at(G, (j + 1, j + 1), lam**2)
    np.add.at(G, (j, j + 1), (1 - lam) * lam)
    np.add.at(G, (j + 1, j), (1 - lam) * lam)
    np.add.at(rhs, j, (1 - lam) * y)
    np.add.at(rhs, j + 1, lam * y)
    return np.linalg.solve(G + 1e-12 * np.eye(n), rhs)


@demo_result
class SawtoothResult(DemoResult):
    r"""Result of :func:`telgarsky_demo`.

    Attributes
    ----------
    ks, pieces : numpy.ndarray
        Values of :math:`k` and the exact number of pieces of :math:`\Delta^{\circ k}` on
        :math:`[0, 1]`.
    configs : numpy.ndarray
        Pairs (depth, width) of the random networks, shape ``(12, 2)``.
    random_max_pieces, piece_bounds : numpy.ndarray
        Largest piece count on :math:`\R` over 20 random networks and the bound
        :math:`\prod_\ell(m_\ell+1)`.
    l1_ks, l1_Ns : numpy.ndarray
        The pairs :math:`(k, N)` of part (c).
    l1_errors, l1_lower_bounds, l1_prefix_errors : numpy.ndarray
        Best exact :math:`L^1` error found, the bound :math:`\frac18 - (N+1)2^{-k-2}` and the
        error of the prefix construction.
    pieces_dev, pieces_dev_wrong : float
        :math:`\max_k |\text{pieces}/2^k - 1|` and the same against :math:`2^{k-1}`.
    max_piece_ratio : float
        Largest ratio of pieces to the bound over the random networks.
    l1_tight_error, l1_tight_bound : float
        Best error and bound at the pair where bound/error is largest.
    """

    ks: np.ndarray
    pieces: np.ndarray
    configs: np.ndarray
    random_max_pieces: np.ndarray
    piece_bounds: np.ndarray
    l1_ks: np.ndarray
    l1_Ns: np.ndarray
    l1_errors: np.ndarray
    l1_lower_bounds: np.ndarray
    l1_prefix_errors: np.ndarray
    pieces_dev: float
    pieces_dev_wrong: float
    max_piece_ratio: float
    l1_tight_error: float
    l1_tight_bound: float

    def plot(self, ax=None):
        ax0, ax1 = _two_panels(ax, height=3.4)
        ax0.semilogy(self.ks, self.pieces, "o", label=r"sawtooth $\Delta^{\circ k}$ (width 2, depth $k$)")
        ax0.semilogy(self.ks, 2.0**self.ks, "-", color="0.4", label="$2^k$")
        depth = self.configs[:, 0]
        ax0.semilogy(depth, self.random_max_pieces, "x", color=COLORS[1], label="random nets: max pieces")
        ax0.semilogy(
            depth, self.piece_bounds, "_", color=COLORS[2], markersize=10, label=r"bound $\prod_\ell (m_\ell + 1)$"
        )
        ax0.set_xlabel("depth")
        ax0.set_ylabel("affine pieces")
        ax0.set_ylim(1, 3e5)
        # below the axes: the counts and the bounds fill the panel
        ax0.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)
        for j, k in enumerate(np.unique(self.l1_ks)):
            sel = self.l1_ks == k
            ax1.loglog(self.l1_Ns[sel], self.l1_errors[sel], "o", color=COLORS[j], label=f"best fit, $k={k}$")
            ax1.loglog(self.l1_Ns[sel], np.maximum(self.l1_lower_bounds[sel], 1e-3), "v--", color=COLORS[j], alpha=0.7)
        ax1.set_xlabel("pieces $N$ of $g$")
        ax1.set_ylabel(r"$\|\Delta^{\circ k} - g\|_{L^1}$")
        ax1.set_title(r"dashed: $\frac{1}{8} - (N+1)2^{-k-2}$", fontsize=9)
        ax1.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)
        return ax0, ax1


def telgarsky_demo(*, ks: Sequence[int] = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10), seed: int = 0) -> SawtoothResult:
    r"""Depth separation by the sawtooth: exact piece counts and the :math:`L^1` lower bound.

    (a) :func:`count_linear_pieces` of :func:`sawtooth_network` on :math:`[0,1]` for each
    :math:`k` (predicted :math:`2^k`). (b) For depth :math:`L \in \{1,..,4\}` and width
    :math:`m \in \{2,4,8\}`, 20 networks with i.i.d. :math:`N(0,1)` weights and biases: the
    maximal number of pieces on :math:`\R` against :math:`(m+1)^L`. (c) For
    :math:`k \in \{4,6,8,10\}` and :math:`N \in \{2^{k-3}, 2^{k-2}\}`, the smallest exact
    :math:`L^1(0,1)` error of continuous piecewise-linear :math:`g` with :math:`N` pieces found
    among interpolants at uniform and random knots, least-squares fits on random knots, and the
    *prefix* construction (``l1_prefix_errors``): :math:`g = \Delta^{\circ k}` on
    :math:`[0, (N - \frac32)2^{-k}]`, where it reaches the value :math:`\frac12`, and
    :math:`g = \frac12` after, with :math:`N` pieces and error
    :math:`\frac14(1 - (N - \frac32)2^{-k})`, about twice the bound
    :math:`\frac18 - (N+1)2^{-k-2}` when :math:`N \ll 2^k`.

    Parameters
    ----------
    ks : sequence of int, default (1, ..., 10)
        Values of :math:`k` for (a), between 1 and 14.
    seed : int, default 0

    Returns
    -------
    SawtoothResult
        Besides the raw counts and errors: ``pieces_dev`` :math:`= \max_k |\text{pieces}/2^k - 1|`
        (0) and ``pieces_dev_wrong`` (the same against :math:`2^{k-1}`, the number of teeth);
        ``max_piece_ratio``, the largest ratio of pieces to :math:`\prod_\ell(m_\ell+1)` over
        the random networks; ``l1_tight_error`` and ``l1_tight_bound``, the best error and the
        bound at the pair :math:`(k, N)` where bound/error is largest.

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*, theorem
    ``expressivity-telgarsky_sawtooth``. Telgarsky (2016).
    """
    ks = np.array(check_int_sequence(ks, "ks", minimum=1, maximum=14))
    g = rng(seed)
    pieces = np.array(
        [count_linear_pieces(*sawtooth_network(int(k), dtype=torch.float64).numpy_layers(), 0.0, 1.0) for k in ks]
    )
    configs, rmax, bounds = [], [], []
    for L in range(1, 5):
        for m in (2, 4, 8):
            best = 0
            for _ in range(20):
                widths = [1] + [m] * L + [1]
                ws = [g.standard_normal((widths[i + 1], widths[i])) for i in range(L + 1)]
                bs = [g.standard_normal(widths[i + 1]) for i in range(L + 1)]
                best = max(best, count_linear_pieces(ws, bs, -math.inf, math.inf))
            configs.append((L, m))
            rmax.append(best)
            bounds.append((m + 1) ** L)
    l1k, l1n, l1e, l1b, l1p = [], [], [], [], []
    for k in (4, 6, 8, 10):
        xs = np.arange(2**k + 1) / 2**k
        ys = sawtooth(xs, k)
        fine = np.linspace(0, 1, 2 ** (k + 3) + 1)
        yfine = sawtooth(fine, k)
        for N in (2 ** (k - 3), 2 ** (k - 2)):
            cands = [np.linspace(0, 1, N + 1)]
            for _ in range(10):
                cands.append(np.concatenate([[0.0], np.sort(g.uniform(0, 1, N - 1)), [1.0]]))
            best = _l1_pwl(xs, ys, np.array([0.0, 1.0]), np.array([0.5, 0.5]))
            for knots in cands:
                best = min(best, _l1_pwl(xs, ys, knots, sawtooth(knots, k)))
                best = min(best, _l1_pwl(xs, ys, knots, _pwl_least_squares(knots, fine, yfine)))
            # the prefix construction: follow the sawtooth until it reaches 1/2, then stay at 1/2
            pk = np.r_[np.arange(N - 1), N - 1.5, 2**k] / 2**k
            pv = np.r_[sawtooth(pk[:-1], k), 0.5]
            prefix = _l1_pwl(xs, ys, pk, pv)
            best = min(best, prefix)
            l1p.append(prefix)
            l1k.append(k)
            l1n.append(N)
            l1e.append(best)
            l1b.append(0.125 - (N + 1) * 2.0 ** (-k - 2))
    rmax, bounds, l1e, l1b = np.array(rmax), np.array(bounds), np.array(l1e), np.array(l1b)
    tight = int(np.argmax(l1b / l1e))
    return SawtoothResult(
        ks=ks,
        pieces=pieces,
        configs=np.array(configs),
        random_max_pieces=rmax,
        piece_bounds=bounds,
        l1_ks=np.array(l1k),
        l1_Ns=np.array(l1n),
        l1_errors=l1e,
        l1_lower_bounds=l1b,
        l1_prefix_errors=np.array(l1p),
        pieces_dev=float(np.max(np.abs(pieces / 2.0**ks - 1))),
        pieces_dev_wrong=float(np.max(np.abs(pieces / 2.0 ** (ks - 1) - 1))),
        max_piece_ratio=float(np.max(rmax / bounds)),
        l1_tight_error=float(l1e[tight]),
        l1_tight_bound=float(l1b[tight]),
    )


declare_check(
    "expressivity.telgarsky_sawtooth",
    label="pieces",
    quantity="largest relative deviation of the exact number of affine pieces of the sawtooth network "
    "on [0, 1] from 2^k, over k",
    claim="identity",
    relation="approx",
    measure="pieces_dev",
    predict=0.0,
    tolerance=0.0,
    reason="exact: pieces are counted in rational arithmetic (every weight is a dyadic rational)",
    hypotheses="the width-2, depth-k network of (a), counted on [0, 1]",
    wrong="2^(k-1) pieces (the number of teeth)",
    wrong_measure="pieces_dev_wrong",
    demo=telgarsky_demo,
)
declare_check(
    "expressivity.telgarsky_sawtooth",
    label="bound",
    quantity="largest ratio of the exact number of pieces on R to prod (m_l + 1), over 20 random networks "
    "for each depth L <= 4 and width m in {2, 4, 8}",
    claim="upper bound",
    relation="<=",
    measure="max_piece_ratio",
    predict=1.0,
    tolerance=0.0,
    reason="exact rational piece counts",
    hypotheses="ReLU networks R -> R with i.i.d. N(0, 1) weights and biases; one hidden layer attains the "
    "bound (m distinct kinks with non-zero outer weights, almost surely)",
    wrong="0.9 x the bound",
    wrong_predict=0.9,
    min_tightness=0.999,
    demo=telgarsky_demo,
)
declare_check(
    "expressivity.telgarsky_sawtooth",
    label="l1",
    quantity="best exact L^1 error found for N-piece g (interpolants, least squares, prefix construction) "
    "at the pair (k, N) where the bound 1/8 - (N+1) 2^(-k-2) is tightest",
    claim="lower bound",
    relation=">=",
    measure="l1_tight_error",
    predict="l1_tight_bound",
    tolerance=0.0,
    reason="exact integrals of piecewise-linear functions; the bound is not sharp (the prefix construction "
    "shows it is within a factor of about 2), so its tightness is reported, not required",
    hypotheses="continuous piecewise-linear g with at most N pieces on [0, 1], k in {4, 6, 8, 10}, "
    "N in {2^(k-3), 2^(k-2)}",
    wrong="1/4, the error of the constant 1/2 (that N pieces cannot beat the best constant)",
    wrong_predict=0.25,
    demo=telgarsky_demo,
)


@demo_result
class DepthTrainingResult(DemoResult):
    r"""Result of :func:`depth_separation_training_demo`.

    Attributes
    ----------
    x, target : numpy.ndarray
        The 1025 training points and :math:`\Delta^{\circ k}` on them.
    shallow_pred, deep_pred : numpy.ndarray
        Predictions of the trained networks.
    shallow_loss, deep_loss : numpy.ndarray
        Training curves (MSE per Adam step).
    shallow_params, deep_params : int
        Parameter counts.
    shallow_l1, deep_l1 : float
        :math:`L^1` errors of the trained networks.
    shallow_l1_lower_bound : float
        The lower bound of theorem ``expressivity-telgarsky_sawtooth`` (c) for the shallow one.
    """

    x: np.ndarray
    target: np.ndarray
    shallow_pred: np.ndarray
    deep_pred: np.ndarray
    shallow_loss: np.ndarray
    deep_loss: np.ndarray
    shallow_params: int
    deep_params: int
    shallow_l1: float
    deep_l1: float
    shallow_l1_lower_bound: float

    def plot(self, ax=None):
        ax0, ax1 = _two_panels(ax, height=3.2)
        ax0.plot(self.x, self.target, color="0.7", lw=0.8, label=r"target $\Delta^{\circ k}$")
        ax0.plot(self.x, self.shallow_pred, color=COLORS[1], lw=1.8, label=f"shallow ({self.shallow_params} par.)")
        ax0.plot(self.x, self.deep_pred, color=COLORS[0], lw=1.8, label=f"deep ({self.deep_params} par.)")
        ax0.set_xlabel("$x$")
        ys = np.concatenate([self.target, self.shallow_pred, self.deep_pred])
        ax0.set_ylim(min(0.0, float(ys.min())) - 0.05, max(1.0, float(ys.max())) + 0.05)
        ax0.legend(fontsize=7, loc="lower right")
        steps = np.arange(1, self.shallow_loss.size + 1)
        ax1.loglog(steps, self.shallow_loss, color=COLORS[1], label="shallow, wide")
        ax1.loglog(steps, self.deep_loss, color=COLORS[0], label="deep, narrow")
        ax1.set_xlabel("Adam step")
        ax1.set_ylabel("training MSE")
        ax1.legend(fontsize=7)
        return ax0, ax1


@small_network_threads
def depth_separation_training_demo(
    *,
    k: int = 6,
    deep_width: int = 2,
    steps: int = 1000,
    n_restarts: int = 2,
    lr: float = 1e-2,
    seed: int = 0,
    progress: bool = False,
    device: Any = "cpu",
) -> DepthTrainingResult:
    r"""Train a deep narrow and a shallow wide ReLU network, same parameter budget, on :math:`\Delta^{\circ k}`.

    The deep network has :math:`k` hidden layers of width ``deep_width``; the shallow one a
    single hidden layer whose width gives (at most) the same number of parameters. Both are
    :func:`dlmath.nets.feedforward` networks in float64, trained with Adam on the mean squared
    error over the 1025 equispaced points :math:`j/1024` of :math:`[0, 1]`; the best of ``n_restarts`` initialisations
    is kept for each. The shallow network has at most its width plus one pieces, so the bound of
    theorem ``expressivity-telgarsky_sawtooth`` (c) applies to it; the deep one contains an exact
    representation of the target. Training succeeds or fails by optimisation, not by
    expressivity, so this figure illustrates and proves nothing.

    Parameters
    ----------
    k : int, default 6
        Number of compositions (1 to 8).
    deep_width : int, default 2
        Width of the deep network, >= 2. With width 2 the deep architecture is exactly that of
        :func:`sawtooth_network`, which represents the target with zero error.
    steps : int, default 1000
        Adam steps.
    n_restarts : int, default 2
        Initialisations per network.
    lr : float, default 1e-2
        Adam learning rate.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    progress : bool, default False
        A progress bar (tqdm) over the restarts of each network; silent by default.

    Returns
    -------
    DepthTrainingResult
        Predictions, training curves, parameter counts, :math:`L^1` errors of the trained
        networks (trapezoidal rule on the 1025-point grid) and the lower bound for the shallow one.

    References
    ----------
    Book: chapter *Depth: sawtooth, squaring and the curse of dimensionality*. Telgarsky (2016);
    Berner et al. (2022).
    """
    k = check_int(k, "k", minimum=1, maximum=8)
    deep_width = check_int(deep_width, "deep_width", minimum=2)
    steps = check_int(steps, "steps", minimum=1)
    n_restarts = check_int(n_restarts, "n_restarts", minimum=1)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    check_int(seed, "seed", minimum=0)
    device = check_device(device)
    x = np.linspace(0, 1, 1025)
    y = sawtooth(x, k)
    xt = torch.tensor(x[:, None], dtype=torch.float64, device=device)
    yt = torch.tensor(y[:, None], dtype=torch.float64, device=device)
    deep_sizes = [1] + [deep_width] * k + [1]
    deep_params = sum((a + 1) * b for a, b in zip(deep_sizes[:-1], deep_sizes[1:]))
    shallow_width = (deep_params - 1) // 3
    runs = {}
    for name, sizes in (("deep", deep_sizes), ("shallow", [1, shallow_width, 1])):
        best = None
        for r in progress_bar(range(n_restarts), progress, desc=f"{name} network"):
            net = feedforward(sizes, dtype=torch.float64, device=device, seed=seed * 1000 + r)
            opt = torch.optim.Adam(net.parameters(), lr=lr)
            losses = np.empty(steps)
            for s in range(steps):
                opt.zero_grad()
                loss = torch.mean((net(xt) - yt) ** 2)
                loss.backward()
                opt.step()
                losses[s] = loss.item()
            with torch.no_grad():
                pred = net(xt).cpu().numpy()[:, 0]
            if best is None or losses[-1] < best[1][-1]:
                best = (pred, losses, count_parameters(net))
        runs[name] = best
    l1 = {n: float(np.trapezoid(np.abs(runs[n][0] - y), x)) for n in runs}
    return DepthTrainingResult(
        x=x,
        target=y,
        shallow_pred=runs["shallow"][0],
        deep_pred=runs["deep"][0],
        shallow_loss=runs["shallow"][1],
        deep_loss=runs["deep"][1],
        shallow_params=runs["shallow"][2],
        deep_params=runs["deep"][2],
        shallow_l1=l1["shallow"],
        deep_l1=l1["deep"],
        shallow_l1_lower_bound=0.125 - (shallow_width + 2) * 2.0 ** (-k - 2),
    )
