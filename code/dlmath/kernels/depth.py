r"""Infinite depth: degeneration of deep ReLU kernels and the edge of chaos (:func:`depth_limit_demo`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    check_device,
    check_int,
    check_int_sequence,
    check_real_sequence,
    progress_bar,
    rng,
    small_network_threads,
)
from .nngp_ntk import correlation_map, nngp_kernel, ntk_kernel

__all__ = ["depth_limit_demo", "DepthLimitResult"]


def _one_minus_cos_next(th: np.ndarray) -> np.ndarray:
    """1 - c' for the ReLU correlation map, c = cos(th), computed without cancellation."""
    small = th < 1e-2
    t = np.where(small, th, 0.0)
    series = t**3 / 3 - t**5 / 30 + t**7 / 840
    direct = np.sin(th) - th * np.cos(th)
    s_minus = np.where(small, series, direct)
    return (2 * np.pi * np.sin(th / 2) ** 2 - s_minus) / np.pi


# --------------------------------------------------------------------------------------------
# demos
# --------------------------------------------------------------------------------------------
@demo_result
class DepthLimitResult(DemoResult):
    """Result of :func:`depth_limit_demo`.

    Attributes
    ----------
    depths : numpy.ndarray
        The values of `depths`, as floats: the layers l of `q` and `corr_predicted`, and the
        depths L of the NTK check.
    sw2s : numpy.ndarray
        The weight variances sigma_w^2 of the variance part (a), one row of `q` each.
    q : numpy.ndarray
        (len(sw2s), len(depths))
    q_rel_err : float
        Largest ``|q^l / ((sigma_w^2/2)^(l-1) q^1) - 1|`` over `sw2s` and `depths`, q^l the NNGP
        diagonal K^l(x, x) from `nngp_kernel`.
    c1s : numpy.ndarray
        The starting correlations c_1 in (-1, 1), one row of `corr`, `scaled` and
        `corr_predicted` each.
    map_depths : numpy.ndarray
        Depths L at which the angle iteration is recorded: about 60 log-spaced integers
        from 1 to `max_map_depth`, and `max_map_depth` // 2, as floats.
    corr : numpy.ndarray
        (len(c1s), len(map_depths)) 1 - c_L, angle iteration
    scaled : numpy.ndarray
        L^2 (1 - c_L)
    corr_predicted : numpy.ndarray
        (len(c1s), len(depths)) c_L from the map
    corr_empirical : numpy.ndarray
        (len(c1s), len(depths)) mean over seeds
    corr_emp_max_dev : float
        Largest ``|corr_empirical - corr_predicted|`` over `c1s` and the layers l <= 20
        in `depths`.
    ntk_rel_err : float
        Largest ``|Theta^(L+1)(x, x) / ((L+1) q^1(x)) - 1|`` over `depths` at sigma_w^2 = 2.
    asymptote : float
        The predicted limit 9 pi^2 / 2 of L^2 (1 - c_L).
    max_rel_dev : float
        Largest ``|L^2 (1 - c_L) / (9 pi^2 / 2) - 1|`` over `c1s` at L = `max_map_depth`.
    preasym_rel : float
        Largest change of L^2 (1 - c_L) between L = `max_map_depth` // 2 and L =
        `max_map_depth` over `c1s`, divided by 9 pi^2 / 2.
    q_wrong_err : float
        As `q_rel_err`, against the wrong formula (sigma_w^2/2)^l q^1 (one power too many).
    ntk_wrong_err : float
        As `ntk_rel_err`, against the wrong formula L q^1 (the input layer's term left
        out).
    """

    depths: np.ndarray
    sw2s: np.ndarray
    q: np.ndarray  # (len(sw2s), len(depths))
    q_rel_err: float
    c1s: np.ndarray
    map_depths: np.ndarray
    corr: np.ndarray  # (len(c1s), len(map_depths)) 1 - c_L, angle iteration
    scaled: np.ndarray  # L^2 (1 - c_L)
    corr_predicted: np.ndarray  # (len(c1s), len(depths)) c_L from the map
    corr_empirical: np.ndarray  # (len(c1s), len(depths)) mean over seeds
    corr_emp_max_dev: float
    ntk_rel_err: float
    asymptote: float
    max_rel_dev: float
    preasym_rel: float = float("nan")
    q_wrong_err: float = float("nan")
    ntk_wrong_err: float = float("nan")

    def plot(self, ax=None):
        if ax is None:
            from ..plotting import figure_grid

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
        for k in range(len(self.c1s)):
            c.plot(self.depths, self.corr_predicted[k], color=f"C{k}")
            c.plot(self.depths, self.corr_empirical[k], ".", color=f"C{k}")
        c.set_xlabel("layer $\\ell$")
        c.set_ylabel("correlation $c_\\ell$ (map: lines, networks: dots)")
        return ax


@small_network_threads
def depth_limit_demo(
    *,
    sw2s: Any = (1.5, 2.0, 2.5),
    depths: Any = tuple(range(1, 51)),
    width: int = 1024,
    c1s: Any = (-0.9, 0.0, 0.9),
    max_map_depth: int = 10_000,
    n_seeds: int = 5,
    seed: int = 0,
    progress: bool = False,
    device: str = "cpu",
) -> DepthLimitResult:
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

    Parameters
    ----------
    sw2s : sequence, default (1.5, 2.0, 2.5)
    depths : sequence, default tuple(range(1, 51))
    width : int, default 1024
    c1s : sequence, default (-0.9, 0.0, 0.9)
    max_map_depth : int, default 10000
    n_seeds : int, default 5
    seed : int, default 0
    device : str, default 'cpu'

    progress : bool, default False
        A progress bar (tqdm) over the random networks; silent by default.

    Returns
    -------
    DepthLimitResult

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Poole et al. (2016); Schoenholz et al.
    (2017); Hayou, Doucet, Rousseau (2019).
    """
    device = check_device(device)
    from ..nets import mlp

    sw2s_a = np.asarray(check_real_sequence(sw2s, "sw2s", minimum=0.0, strict_min=True), dtype=float)
    depths = np.asarray(check_int_sequence(depths, "depths", minimum=1, min_len=2, increasing=True), dtype=np.int64)
    width = check_int(width, "width", minimum=1)
    c1 = np.asarray(check_real_sequence(c1s, "c1s"), dtype=float)
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
    map_depths = np.unique(
        np.concatenate([np.round(np.logspace(0, np.log10(max_map_depth), 60)).astype(int), [max_map_depth // 2]])
    )
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
        for s in progress_bar(seeds, progress, desc="networks"):
            net = mlp(
                d, width, Lmax, activation="relu", sw2=2.0, sb2=0.0, dtype=torch.float32, device=device, seed=int(s)
            )
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
        depths=depths.astype(float),
        sw2s=sw2s_a,
        q=q,
        q_rel_err=float(max(errs)),
        c1s=c1,
        map_depths=map_depths.astype(float),
        corr=one_minus,
        scaled=scaled,
        corr_predicted=cpred,
        corr_empirical=emp,
        corr_emp_max_dev=corr_dev,
        ntk_rel_err=ntk_err,
        asymptote=float(asym),
        max_rel_dev=max_rel_dev,
        preasym_rel=preasym,
        q_wrong_err=float(max(errs_wrong)),
        ntk_wrong_err=ntk_wrong,
    )


declare_check(
    "kernels.depth_limit",
    label="correlation",
    quantity="L^2 (1 - c_L) at the largest depth of the correlation map, starting correlation farthest from the limit",
    claim="equality",
    relation="rel",
    measure=lambda r: float(r.scaled[int(np.argmax(np.abs(r.scaled[:, -1] - r.asymptote))), -1]),
    predict="asymptote",
    tolerance=lambda r: 2 * float(r.preasym_rel),
    reason="twice the pre-asymptotic O(log L / L) term, estimated by the change of L^2 (1 - c_L) between L/2 "
    "and L (exact iteration in the angle, no Monte Carlo)",
    hypotheses="ReLU, sigma_w^2 = 2, sigma_b = 0 (the edge of chaos), infinite width (the deterministic map), "
    "starting correlations in (-1, 1)",
    wrong="9 pi^2/2 x 0.97 (a 3% error in the constant)",
    wrong_predict=0.97 * 9 * np.pi**2 / 2,
    demo=depth_limit_demo,
)

declare_check(
    "kernels.depth_limit",
    label="variance",
    quantity="largest relative deviation of q^l from the NNGP recursion from (sigma_w^2/2)^(l-1) q^1, over the "
    "layers and sigma_w^2",
    claim="identity",
    relation="<=",
    measure="q_rel_err",
    predict=0.0,
    tolerance=1e-12,
    reason="float64 rounding over at most 50 multiplications",
    hypotheses="ReLU, sigma_b = 0, any sigma_w^2 > 0",
    wrong="(sigma_w^2/2)^l q^1 (one power too many)",
    wrong_measure="q_wrong_err",
    demo=depth_limit_demo,
)

declare_check(
    "kernels.depth_limit",
    label="ntk_diagonal",
    quantity="largest relative deviation of the NTK diagonal Theta^(L+1)(x, x) from (L+1) q^1(x) over the depths",
    claim="identity",
    relation="<=",
    measure="ntk_rel_err",
    predict=0.0,
    tolerance=1e-12,
    reason="float64 rounding over at most 50 additions",
    hypotheses="ReLU at the edge of chaos sigma_w^2 = 2, sigma_b = 0",
    wrong="L q^1 (the input layer's term left out)",
    wrong_measure="ntk_wrong_err",
    demo=depth_limit_demo,
)
