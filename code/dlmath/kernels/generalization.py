r"""Generalisation: the exact double-descent risk of minimum-norm least squares, Rademacher
complexity of linear classes, and norm-based bounds for trained two-layer networks."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..plotting import axes, slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    check_array,
    check_device,
    check_int,
    check_int_sequence,
    check_real,
    loglog_slope,
    rng,
    torch_generator,
)

__all__ = [
    "double_descent_closed_form",
    "weak_features_risk",
    "rademacher_linear",
    "double_descent_demo",
    "rademacher_demo",
    "norm_bound_demo",
    "DoubleDescentResult",
    "RademacherResult",
    "NormBoundResult",
]


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
    """Result of :func:`double_descent_demo`.

    Attributes
    ----------
    n : int
        Sample size `n` of each training design.
    ps : numpy.ndarray
        Numbers `p` of fitted features (the first `p` of the `N` coordinates), as floats.
    mc_risk : numpy.ndarray
        Monte Carlo estimate of the test risk of the minimum-norm fit: mean over `n_rep`
        designs of the exact conditional risk; one entry per value in `ps`.
    mc_se : numpy.ndarray
        Standard error of `mc_risk` (sample standard deviation over the `n_rep` draws
        divided by `sqrt(n_rep)`); one entry per value in `ps`.
    predicted : numpy.ndarray
        Exact test risk :func:`weak_features_risk`; one entry per value in `ps`.
    max_rel_err : float
        Largest relative error `|mc_risk / predicted - 1|` over `ps`.
    sigma : float
        Noise level `sigma`.
    beta : numpy.ndarray
        The fixed signal, shape (N,), with `beta_j` proportional to `1/j + offset` and unit norm.
    max_z : float
        Largest z-score `|mc_risk - predicted| / mc_se` of the Monte Carlo means against the
        exact risk, over `ps`.
    max_z_wrong : float
        Largest z-score of the Monte Carlo means against the wrong formula with `n - p` and
        `p - n` in place of `n - p - 1` and `p - n - 1` in the denominators.
    best_under : float
        Smallest exact risk over the underparameterised range `1 <= p <= n - 2` (inf if empty).
    best_over : float
        Smallest exact risk over the overparameterised range `n + 2 <= p <= N` (inf if empty).
    """

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


def double_descent_demo(
    *,
    n: int = 40,
    N: int = 100,
    ps: Any = (2, 6, 15, 30, 50, 60, 80, 100),
    sigma: float = 0.1,
    offset: float = 0.15,
    n_rep: int = 2000,
    seed: int = 0,
) -> DoubleDescentResult:
    r"""Monte Carlo check of the exact double-descent curve of minimum-norm least squares on weak features.

    A fixed signal :math:`\beta\in\mathbb R^N` with :math:`\beta_j\propto 1/j+` ``offset``,
    :math:`\|\beta\| = 1` (a few strong and many weak features); for each ``p``, ``n_rep`` draws of
    the design :math:`X\in\mathbb R^{n\times N}` (all :math:`N` features drawn) and noise, the
    minimum-norm fit on the first ``p`` columns, and the exact conditional test risk
    :math:`\|\hat\beta-\beta_T\|^2+\|\beta_{T^c}\|^2+\sigma^2`; the mean against
    :func:`weak_features_risk`. Values of ``p`` with :math:`|p-n|\le 1` are rejected (infinite risk).

    Parameters
    ----------
    n : int, default 40
    N : int, default 100
    ps : sequence, default (2, 6, 15, 30, 50, 60, 80, 100)
    sigma : float, default 0.1
    offset : float, default 0.15
    n_rep : int, default 2000
    seed : int, default 0

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
    ps = np.asarray(check_int_sequence(ps, "ps", minimum=1, min_len=2, increasing=True), dtype=np.int64)
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
        n=n,
        ps=ps.astype(float),
        mc_risk=mc,
        mc_se=se,
        predicted=pred,
        max_rel_err=float(np.max(np.abs(mc / pred - 1))),
        sigma=sigma,
        beta=beta,
        max_z=float(np.max(np.abs(mc - pred) / se)),
        max_z_wrong=float(np.max(np.abs(mc - wrong) / se)),
        best_under=float(min(under)) if under else math.inf,
        best_over=float(min(over)) if over else math.inf,
    )


declare_check(
    "kernels.double_descent",
    quantity="largest deviation over p of the Monte Carlo test risk of the minimum-norm fit from the exact "
    "formula, in standard errors",
    claim="identity",
    relation="approx",
    measure="max_z",
    predict=0.0,
    tolerance=4.0,
    reason="4 Monte Carlo standard errors of the mean over n_rep designs (8 values of p kept at distance >= 10 "
    "from n, where the inverse-Wishart moments needed for the standard error are finite)",
    hypotheses="i.i.d. N(0, I_N) features, Gaussian noise independent of them, fixed signal, minimum-norm least "
    "squares on the first p features, |p - n| >= 2",
    wrong="n - p and p - n for n - p - 1 and p - n - 1 (the means of inverse Wishart matrices off by one)",
    wrong_measure="max_z_wrong",
    demo=double_descent_demo,
)


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
    """Result of :func:`rademacher_demo`.

    Attributes
    ----------
    ns : numpy.ndarray
        Sample sizes `n`, as floats.
    rad : numpy.ndarray
        Monte Carlo estimate (over `n_signs` sign draws) of the empirical Rademacher complexity
        of the ball of radius `B`, on `x_i ~ N(0, I_d)`; one entry per value in `ns`.
    bound : numpy.ndarray
        Jensen bound `B (sum_i |x_i|^2)^(1/2) / n` on the same sample; one entry per value in `ns`.
    ratio : numpy.ndarray
        Quotient `rad / bound`; one entry per value in `ns`.
    rate : float
        Fitted log-log slope of `rad` against `ns`.
    predicted : float
        Predicted slope, -1/2.
    ratio_se : float
        Monte Carlo standard error (over the sign draws) of `ratio` at the `n` where `ratio` is
        largest.
    rate_se : float
        Standard error of `rate`, from the sign Monte Carlo and the relative fluctuation
        `(2 d n)^(-1/2)` of `(sum_i |x_i|^2)^(1/2)` at each `n`.
    dev_n : int
        Sample size `n` of the part (1) deviation simulation.
    dev_delta : float
        Failure probability `delta` of the deviation bound (held with probability `1 - delta`).
    dev_bound : float
        Deviation bound `2 Rad_n + sqrt(log(1/delta) / (2 n))` for the loss class, with `Rad_n`
        estimated on independent draws and `n = dev_n`.
    dev_quantile : float
        Empirical `(1 - delta)`-quantile of the uniform deviation `sup_w (R - R_hat_n)` over the
        `dev_samples` simulated samples.
    dev_freq : float
        Frequency over the `dev_samples` samples of `sup_w (R - R_hat_n) > dev_bound`.
    dev_freq_wrong : float
        Frequency of `sup_w (R - R_hat_n)` exceeding the wrong bound `Rad_n` alone (no
        symmetrisation factor 2, no McDiarmid term).
    dev_freq_se : float
        Binomial standard error `sqrt(delta (1 - delta) / dev_samples)` of a frequency with
        mean `delta`.
    """

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


def rademacher_demo(
    *,
    ns: Any = (50, 200, 800),
    d: int = 10,
    B: float = 1.0,
    n_signs: int = 2000,
    dev_n: int = 200,
    dev_samples: int = 4000,
    delta: float = 0.05,
    seed: int = 0,
) -> RademacherResult:
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

    Parameters
    ----------
    ns : sequence, default (50, 200, 800)
    d : int, default 10
    B : float, default 1.0
    n_signs : int, default 2000
    dev_n : int, default 200
    dev_samples : int, default 4000
    delta : float, default 0.05
    seed : int, default 0

    Returns
    -------
    RademacherResult

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Bartlett and Mendelson (2002), Lemma 22.
    """
    ns = np.asarray(check_int_sequence(ns, "ns", minimum=1, min_len=2, increasing=True), dtype=np.int64)
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
    return RademacherResult(
        ns=ns.astype(float),
        rad=rad,
        bound=bound,
        ratio=ratio,
        rate=loglog_slope(ns, rad),
        predicted=-0.5,
        ratio_se=float(ratio_se[int(np.argmax(ratio))]),
        rate_se=rate_se,
        dev_n=dev_n,
        dev_delta=delta,
        dev_bound=float(dev_bound),
        dev_quantile=float(np.quantile(dev, 1 - delta)),
        dev_freq=freq,
        dev_freq_wrong=float(np.mean(dev > rad_loss)),
        dev_freq_se=math.sqrt(delta * (1 - delta) / dev_samples),
    )


declare_check(
    "kernels.rademacher_bounds",
    label="bound",
    quantity="largest ratio over n of the empirical Rademacher complexity of the unit ball to the Jensen bound "
    "(sum_i |x_i|^2)^(1/2)/n of part 2",
    claim="upper bound",
    relation="<=",
    measure=lambda r: float(np.max(r.ratio)),
    predict=1.0,
    tolerance=lambda r: 3 * float(r.ratio_se),
    reason="3 Monte Carlo standard errors over the sign draws (the supremum over w is exact)",
    hypotheses="Euclidean ball of linear functions, any sample; here x_i ~ N(0, I_10), for which the Jensen step "
    "is nearly tight (|sum eps_i x_i| concentrates)",
    wrong="0.9 x the bound",
    wrong_predict=0.9,
    min_tightness=0.9,
    demo=rademacher_demo,
)

declare_check(
    "kernels.rademacher_bounds",
    label="rate",
    quantity="fitted slope of the empirical Rademacher complexity of the unit ball against n (n = 50 to 800)",
    claim="rate",
    relation="approx",
    measure="rate",
    predict=-0.5,
    tolerance=lambda r: 3 * float(r.rate_se),
    reason="3 standard errors of the slope, from the sign Monte Carlo and the relative fluctuation "
    "(2 d n)^(-1/2) of (sum_i |x_i|^2)^(1/2)",
    hypotheses="x_i i.i.d. N(0, I_d): E|x|^2 = d < infinity, so the complexity is of order B sqrt(d/n)",
    wrong="the rate n^(-1/4)",
    wrong_predict=-0.25,
    demo=rademacher_demo,
)

declare_check(
    "kernels.rademacher_bounds",
    label="deviation",
    quantity="frequency over simulated samples of sup_f (R - R_hat) exceeding 2 Rad_n + sqrt(log(1/delta)/(2n)), "
    "for a [0, 1]-valued linear loss class",
    claim="upper bound",
    relation="<=",
    measure="dev_freq",
    predict="dev_delta",
    tolerance=lambda r: 3 * float(r.dev_freq_se),
    reason="3 binomial standard errors of a frequency over dev_samples samples; the supremum is exact and "
    "Rad_n is estimated on independent draws",
    hypotheses="loss (1 - y w.x)/2 in [0, 1] on the unit ball, |x| = 1, i.i.d. samples of size dev_n",
    wrong="the deviation bounded by Rad_n alone (no symmetrisation factor 2, no McDiarmid term)",
    wrong_measure="dev_freq_wrong",
    demo=rademacher_demo,
)


@demo_result
class NormBoundResult(DemoResult):
    """Result of :func:`norm_bound_demo`.

    Attributes
    ----------
    widths : numpy.ndarray
        Hidden-layer widths `n_1`, as floats.
    train_mse : numpy.ndarray
        Training mean squared error after `steps` gradient-descent steps; one entry per width.
    test_mse : numpy.ndarray
        Test mean squared error on 2000 fresh points; one entry per width.
    gap : numpy.ndarray
        Generalisation gap `test_mse - train_mse`; one entry per width.
    complexity : numpy.ndarray
        Complexity term `B (sqrt(2 (L + 1) log 2) + 1) prod_j |W_j|_F / sqrt(n)` with `L = 1`,
        `B = max_i |x_i|`, at the trained effective weights; one entry per width.
    frob_product : numpy.ndarray
        Product of the Frobenius norms of the trained effective weight matrices; one entry per
        width.
    null_mse : float
        Test mean squared error of the zero predictor (mean of `y^2` over the test points).
    train_trunc : numpy.ndarray
        Training risk of the truncated squared loss `min(1, (f - y)^2)`; one entry per width.
    test_trunc : numpy.ndarray
        Test risk of the truncated squared loss on 2000 fresh points; one entry per width.
    test_trunc_se : numpy.ndarray
        Standard error of `test_trunc` (standard deviation of the truncated test losses over
        `sqrt(2000)`); one entry per width.
    bound : numpy.ndarray
        Bound `train_trunc + 4 complexity + sqrt(log(1/delta) / (2 n))` of parts (1) and (3) on
        the truncated test risk; one entry per width.
    dist_product : numpy.ndarray
        Distance from initialisation `prod_j |W_j - W_j(0)|_F` of the effective weights; one
        entry per width.
    delta : float
        Failure probability `delta` used in `bound`.
    """

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
        ax.loglog(
            self.widths, self.bound - self.train_trunc, "s--", label=r"$4\,$GRS term $+\sqrt{\log(1/\delta)/(2n)}$"
        )
        ax.set_xlabel("width $n_1$")
        ax.legend()
        return ax


def norm_bound_demo(
    *,
    widths: Any = (16, 64, 256, 1024),
    n: int = 200,
    d: int = 5,
    steps: int = 400,
    lr: float = 1.0,
    delta: float = 0.05,
    seed: int = 0,
    device: str = "cpu",
) -> NormBoundResult:
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

    Parameters
    ----------
    widths : sequence, default (16, 64, 256, 1024)
    n : int, default 200
    d : int, default 5
    steps : int, default 400
    lr : float, default 1.0
    delta : float, default 0.05
    seed : int, default 0
    device : str, default 'cpu'

    Returns
    -------
    NormBoundResult

    References
    ----------
    Book, chapter *Generalisation bounds and double descent*. Golowich, Rakhlin, Shamir (2020), Theorem 1.
    """
    device = check_device(device)
    from ..nets import mlp

    widths = np.asarray(check_int_sequence(widths, "widths", minimum=1, min_len=2, increasing=True), dtype=np.int64)
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
    return NormBoundResult(
        widths=widths.astype(float),
        train_mse=A["train"],
        test_mse=A["test"],
        gap=A["test"] - A["train"],
        complexity=A["comp"],
        frob_product=A["prod"],
        null_mse=float((yt**2).mean()),
        train_trunc=A["trtr"],
        test_trunc=A["tetr"],
        test_trunc_se=A["tese"],
        bound=bound,
        dist_product=A["dist"],
        delta=delta,
    )


declare_check(
    "kernels.rademacher_bounds",
    label="networks",
    quantity="largest ratio over the widths of the test risk of the truncated squared loss to the bound of "
    "parts (1) and (3) at the trained Frobenius norms",
    claim="illustration",
    relation="<=",
    measure=lambda r: float(np.max(r.test_trunc / r.bound)),
    predict=1.0,
    tolerance=lambda r: 3 * float(np.max(r.test_trunc_se / r.bound)),
    reason="3 standard errors of the test risk on 2000 test points",
    hypotheses="truncated squared loss in [0, 1], 2-Lipschitz; one hidden ReLU layer without biases; bounded "
    "inputs. Outside the theorem: the norm bounds are read off the trained weights, so the class "
    "is not fixed in advance (a union bound over norm levels would be needed)",
    wrong="no generalisation gap: the test risk bounded by the training risk alone",
    wrong_measure=lambda r: float(np.max(r.test_trunc / r.train_trunc)),
    demo=norm_bound_demo,
)
