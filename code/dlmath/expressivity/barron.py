r"""Dimension-free rates: Maurey's identity for random ReLU features (Barron spaces).

:func:`maurey_demo` measures :math:`n\,\E\|f - f_n\|^2` for the empirical mean :math:`f_n` of
:math:`n` random neurons against the exact constant of Maurey's identity, in dimensions up to
100 (chapter *Dimension-free rates: Barron and variation spaces*, theorem
``expressivity-barron_maurey``).

References
----------
Pisier (1981); Barron (1993); Bach (2017).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import torch

from ..nets import seeded_normal
from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_device, check_int, check_int_sequence, loglog_slope, rng, torch_generator


def _maurey_scales(d: int) -> np.ndarray:
    """Variances of the anisotropic law of the inner weights, lambda_i proportional to 1/i, sum 3."""
    lam = 1.0 / np.arange(1, d + 1)
    return 3.0 * lam / lam.sum()


# demos


@demo_result
class MaureyResult(DemoResult):
    r"""Result of :func:`maurey_demo`; ``mse`` has shape ``(len(dims), len(widths))``.

    Attributes
    ----------
    dims, widths : numpy.ndarray
        Dimensions :math:`d` and widths :math:`n`.
    mse, mse_se : numpy.ndarray
        Mean over seeds of :math:`\|f - f_n\|^2_{L^2(\mu)}` and its standard error, shape
        ``(len(dims), len(widths))``.
    predicted : float
        :math:`\frac12 - \frac1{2\pi}`, the predicted value of :math:`n \cdot` ``mse``.
    predicted_wrong : float
        :math:`\frac12` (the identity without :math:`\|f\|^2`).
    rates, rates_se : numpy.ndarray
        Fitted slope of the RMS error per dimension and its bootstrap standard error.
    ratio, ratio_se : numpy.ndarray
        :math:`n \cdot` mse / predicted averaged over the widths, and its standard error.
    max_z, max_z_wrong : float
        Largest deviation of ``ratio`` from 1 in standard errors, under ``predicted`` and
        ``predicted_wrong``.
    worst_rate, worst_rate_se : float
        The rate farthest from -1/2 and the largest standard error.
    n_seeds, n_test : int
        Independent draws and test points per draw.
    """

    dims: np.ndarray
    widths: np.ndarray
    mse: np.ndarray
    mse_se: np.ndarray
    predicted: float
    predicted_wrong: float
    rates: np.ndarray
    rates_se: np.ndarray
    ratio: np.ndarray
    ratio_se: np.ndarray
    max_z: float
    max_z_wrong: float
    worst_rate: float
    worst_rate_se: float
    n_seeds: int
    n_test: int

    def plot(self, ax=None):
        ax = axes(ax)
        n = self.widths.astype(float)
        for i, d in enumerate(self.dims):
            ax.errorbar(
                n * (1 + 0.04 * (i - 1)),
                n * self.mse[i],
                yerr=2 * n * self.mse_se[i],
                fmt="o-",
                color=COLORS[i % len(COLORS)],
                capsize=2,
                label=f"$d = {d}$ (slope of RMS {self.rates[i]:.3f})",
            )
        ax.set_xscale("log")
        ax.axhline(
            self.predicted,
            color="0.3",
            linestyle="--",
            label=r"$\mathbb{E}\|g_w\|^2 - \|f\|^2 = \frac{1}{2} - \frac{1}{2\pi}$",
        )
        ax.axhline(self.predicted_wrong, color="0.6", linestyle=":", label=r"$\mathbb{E}\|g_w\|^2 = \frac{1}{2}$")
        ax.set_ylim(0, 1.8 * self.predicted)
        ax.set_xlabel("width $n$")
        ax.set_ylabel(r"$n \cdot \mathbb{E}\,\|f - f_n\|^2_{L^2(\mu)}$")
        ax.legend(fontsize=8)
        return ax


def maurey_demo(
    *,
    dims: Sequence[int] = (1, 10, 100),
    widths: Sequence[int] = (16, 64, 256, 1024),
    n_seeds: int = 100,
    n_test: int = 1000,
    seed: int = 0,
    device: Any = "cpu",
) -> MaureyResult:
    r"""Maurey's identity, with its exact constant, for a genuinely :math:`d`-dimensional target.

    Inner weights :math:`w \sim N(0, \Lambda)` with :math:`\Lambda = \operatorname{diag}(\lambda_i)`,
    :math:`\lambda_i \propto 1/i`, :math:`\sum_i \lambda_i = 3`; neurons
    :math:`g_w(x) = \sigma(w \cdot x)`, :math:`\sigma` the ReLU; target
    :math:`f(x) = \E_w g_w(x) = |\Lambda^{1/2} x| / \sqrt{2\pi}` and :math:`\mu` the uniform
    measure on the cube :math:`[-1, 1]^d`, on which :math:`f` is not constant and the law of the
    pointwise error :math:`f_n(x) - f(x)` depends on :math:`x` and on :math:`d`. Since
    :math:`w \cdot x \sim N(0, |\Lambda^{1/2}x|^2)`,
    :math:`\E_w\|g_w\|^2_{L^2(\mu)} = \frac12 \E_\mu|\Lambda^{1/2}x|^2 = \frac12` and
    :math:`\|f\|^2_{L^2(\mu)} = \frac1{2\pi}`, so Maurey's identity predicts
    :math:`n\,\E\|f - f_n\|^2_{L^2(\mu)} = \frac12 - \frac1{2\pi}` for every :math:`n` and
    :math:`d`, with :math:`f_n = \frac1n\sum_{i\le n} g_{w_i}`. For each seed, the first
    :math:`n` of ``max(widths)`` features define :math:`f_n` (nested widths) and the squared
    error is averaged over ``n_test`` fresh points of :math:`\mu`: an unbiased estimate of
    :math:`\E\|f - f_n\|^2`, whose standard error comes from the independent seeds.

    Parameters
    ----------
    dims : sequence of int, default (1, 10, 100)
        Input dimensions, at least two distinct values >= 1.
    widths : sequence of int, default (16, 64, 256, 1024)
        Widths, at least two distinct values >= 1.
    n_seeds : int, default 100
        Independent draws of the network and the test points, >= 10.
    n_test : int, default 1000
        Test points per draw, >= 10.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    MaureyResult
        ``mse[i, j]`` (mean over seeds) and its standard error ``mse_se[i, j]``; ``predicted``
        :math:`= \frac12 - \frac1{2\pi}` (the value of :math:`n \cdot` ``mse``) and
        ``predicted_wrong`` :math:`= \frac12` (the identity without :math:`\|f\|^2`);
        ``ratio[i]`` (:math:`n \cdot` mse / predicted, averaged over the widths, per seed and
        then over the seeds) with its standard error ``ratio_se[i]``; ``max_z``, the largest
        :math:`|` ratio :math:`- 1|/` ratio_se over the dimensions, and ``max_z_wrong`` the same
        under ``predicted_wrong``; ``rates[i]``, the fitted slope of the RMS error against
        :math:`n` over all widths (predicted :math:`-1/2`), with bootstrap standard errors
        ``rates_se`` (200 resamplings of the seeds); ``worst_rate`` the rate farthest from
        :math:`-1/2` and ``worst_rate_se`` the largest standard error.

    References
    ----------
    Book: chapter *Dimension-free rates: Barron and variation spaces*, theorem
    ``expressivity-barron_maurey`` (a). Pisier (1981); Barron (1993); Bach (2017).
    """
    dims = np.sort(check_int_sequence(dims, "dims", minimum=1, min_len=2, distinct=True))
    widths = np.sort(check_int_sequence(widths, "widths", minimum=1, min_len=2, distinct=True))
    n_seeds = check_int(n_seeds, "n_seeds", minimum=10)
    n_test = check_int(n_test, "n_test", minimum=10)
    check_int(seed, "seed", minimum=0)
    device = check_device(device)
    gen = torch_generator(seed)
    nmax = int(widths[-1])
    per_seed = np.zeros((dims.size, n_seeds, widths.size))
    for i, d in enumerate(dims):
        d = int(d)
        scale = torch.tensor(np.sqrt(_maurey_scales(d)), dtype=torch.float64)
        for r in range(n_seeds):
            X = 2 * torch.rand(n_test, d, generator=gen, dtype=torch.float64) - 1
            W = seeded_normal(gen, (nmax, d)) * scale
            f_val = (X * scale).norm(dim=1) / math.sqrt(2 * math.pi)
            feats = torch.relu(X.to(device) @ W.to(device).T)  # (n_test, nmax)
            partial = torch.cumsum(feats, dim=1).cpu()  # sum of the first n features
            idx = torch.as_tensor(widths - 1)
            fn = partial[:, idx] / torch.as_tensor(widths, dtype=torch.float64)
            per_seed[i, r] = ((fn - f_val[:, None]) ** 2).mean(dim=0).numpy()
    pred = 0.5 - 1 / (2 * math.pi)
    mse = per_seed.mean(axis=1)
    mse_se = per_seed.std(axis=1, ddof=1) / math.sqrt(n_seeds)
    scaled = per_seed * widths[None, None, :] / pred  # (dims, seeds, widths)
    ratio_seed = scaled.mean(axis=2)
    ratio = ratio_seed.mean(axis=1)
    ratio_se = ratio_seed.std(axis=1, ddof=1) / math.sqrt(n_seeds)
    wrong = pred / 0.5
    max_z = float(np.max(np.abs(ratio - 1) / ratio_se))
    max_z_wrong = float(np.max(np.abs(ratio * wrong - 1) / (ratio_se * wrong)))
    rates = np.array([loglog_slope(widths, np.sqrt(mse[i])) for i in range(dims.size)])
    boot = rng(seed + 7919)
    rates_se = np.zeros(dims.size)
    for i in range(dims.size):
        reps = []
        for _ in range(200):
            pick = boot.integers(0, n_seeds, n_seeds)
            reps.append(loglog_slope(widths, np.sqrt(per_seed[i, pick].mean(axis=0))))
        rates_se[i] = float(np.std(reps, ddof=1))
    worst = int(np.argmax(np.abs(rates + 0.5)))
    return MaureyResult(
        dims=dims,
        widths=widths,
        mse=mse,
        mse_se=mse_se,
        predicted=pred,
        predicted_wrong=0.5,
        rates=rates,
        rates_se=rates_se,
        ratio=ratio,
        ratio_se=ratio_se,
        max_z=max_z,
        max_z_wrong=max_z_wrong,
        worst_rate=float(rates[worst]),
        worst_rate_se=float(rates_se.max()),
        n_seeds=n_seeds,
        n_test=n_test,
    )


_MAUREY_HYP = (
    "H = L^2(mu), mu uniform on [-1,1]^d; theta = w ~ N(0, diag(lambda)) i.i.d., g_w = relu(w.x) "
    "with E||g_w||^2 = 1/2 < infinity; f = E g_w; the estimate of E||f - f_n||^2 is unbiased"
)
declare_check(
    "expressivity.barron_maurey",
    label="constant",
    quantity="largest deviation over the dimensions of n E||f - f_n||^2 (averaged over the widths) from "
    "E||g||^2 - ||f||^2 = 1/2 - 1/(2 pi), in standard errors",
    claim="identity",
    relation="approx",
    measure="max_z",
    predict=0.0,
    tolerance=3.5,
    reason="3.5 Monte Carlo standard errors over the independent seeds (for 3 nearly Gaussian z-scores the "
    "chance that one exceeds 3.5 is below 2e-3)",
    hypotheses=_MAUREY_HYP,
    wrong="E||g||^2 / n = 1/(2n) (the term ||f||^2 left out of the identity)",
    wrong_measure="max_z_wrong",
    demo=maurey_demo,
)
declare_check(
    "expressivity.barron_maurey",
    label="rate",
    quantity="fitted slope of the RMS error against n, the dimension farthest from -1/2",
    claim="rate",
    relation="approx",
    measure="worst_rate",
    predict=-0.5,
    tolerance=lambda r: 4 * float(r.worst_rate_se),
    reason="4 bootstrap standard errors of the fitted slope (resampling the seeds); the identity holds at "
    "every n, so there is no pre-asymptotic range (fitting window: all widths)",
    hypotheses=_MAUREY_HYP,
    wrong="the rate n^(-1/4) (e.g. a bound on the squared error by the error itself)",
    wrong_predict=-0.25,
    demo=maurey_demo,
)
