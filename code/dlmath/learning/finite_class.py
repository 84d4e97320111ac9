r"""Empirical risk minimisation over a finite class: Hoeffding's inequality and the union bound.

Chapter *Risk, Bayes predictors and empirical risk minimisation*, theorem
``learning-finite_class_uniform_bound``: with probability at least :math:`1 - \delta`,
:math:`\sup_{f\in F}|\widehat R_n(f) - R(f)| \le \sqrt{\log(2|F|/\delta)/(2n)}` and the ERM's
excess risk is at most twice that. Two classes: thresholds under a noisy threshold model
(:func:`threshold_risk`, strongly correlated losses) and predictors with independent losses
(:func:`independent_sup_quantile`, exact, nearly attaining the bound).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..plotting import COLORS, axes, slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_int, check_int_sequence, check_real, is_tensor, like_input, loglog_slope, rng

__all__ = ["threshold_risk", "independent_sup_quantile", "FiniteClassResult", "finite_class_demo"]


def threshold_risk(t: Any, *, t0: float = 0.3, flip: float = 0.2) -> Any:
    r"""Exact 0-1 risk of :math:`h_t(x) = \mathbf 1\{x > t\}` under the noisy threshold model.

    :math:`X \sim U[0,1]`, :math:`Y = \mathbf 1\{X > t_0\}` flipped with probability
    :math:`p` = ``flip``. Then :math:`h_t` and :math:`h_{t_0}` disagree on an interval of length
    :math:`|t - t_0|`, where the error probability is :math:`1-p` instead of :math:`p`, so

    .. math:: R(h_t) = p + (1 - 2p)\,|t - t_0| .

    Parameters
    ----------
    t : float, array_like or torch.Tensor
        Thresholds in [0, 1].
    t0 : float, default 0.3
        The true threshold, in [0, 1].
    flip : float, default 0.2
        Label-flip probability, in [0, 1/2].

    Returns
    -------
    float, ndarray or torch.Tensor
        The risks, of the shape of ``t``: a float for a number, NumPy for NumPy (or a list), a
        tensor of the dtype and on the device of ``t`` for a tensor.

    Raises
    ------
    TypeError, ValueError
        If ``t`` is not real, or a threshold, ``t0`` or ``flip`` is out of range; the message
        names it.

    Examples
    --------
    >>> threshold_risk(0.3), threshold_risk(0.8)
    (0.2, 0.5)
    >>> threshold_risk([0.0, 1.0], t0=0.5, flip=0.1)
    array([0.5, 0.5])

    References
    ----------
    Book, chapter *Risk, Bayes predictors and empirical risk minimisation*.
    """
    t0 = check_real(t0, "t0", minimum=0.0, maximum=1.0)
    flip = check_real(flip, "flip", minimum=0.0, maximum=0.5)
    scalar = not is_tensor(t) and np.ndim(t) == 0
    ta = as_array(t, "t")
    if np.any((ta < 0) | (ta > 1)):
        raise ValueError("t must lie in [0, 1]")
    out = flip + (1 - 2 * flip) * np.abs(ta - t0)
    return float(out) if scalar else like_input(out, t)


def _threshold_sup_devs(
    n: int, n_rep: int, grid: np.ndarray, gen: np.random.Generator, t0: float = 0.3, flip: float = 0.2, chunk: int = 500
):
    """Sup deviations and ERM excess risks for ``n_rep`` samples of size ``n`` (vectorised)."""
    m = grid.size
    risk = threshold_risk(grid, t0=t0, flip=flip)
    sup_devs = np.empty(n_rep)
    erm_excess = np.empty(n_rep)
    for start in range(0, n_rep, chunk):
        r = min(chunk, n_rep - start)
        x = gen.random((r, n))
        y = (x > t0) ^ (gen.random((r, n)) < flip)
        # h_{t_j}(x) = 1{x > t_j}; idx = #{j: t_j < x}, so h_{t_j}(x) = 1 iff j < idx.
        idx = np.searchsorted(grid, x, side="left")
        offs = (np.arange(r) * (m + 1))[:, None]
        c1 = np.bincount((idx + offs)[y], minlength=r * (m + 1)).reshape(r, m + 1)
        c0 = np.bincount((idx + offs)[~y], minlength=r * (m + 1)).reshape(r, m + 1)
        # errors of h_{t_j}: y=1 with idx <= j (predicted 0) plus y=0 with idx > j (predicted 1)
        err1 = np.cumsum(c1, axis=1)[:, :m]
        err0 = c0.sum(axis=1, keepdims=True) - np.cumsum(c0, axis=1)[:, :m]
        emp = (err1 + err0) / n
        sup_devs[start : start + r] = np.max(np.abs(emp - risk), axis=1)
        erm_excess[start : start + r] = risk[np.argmin(emp, axis=1)] - risk.min()
    return sup_devs, erm_excess


def independent_sup_quantile(n: int, m: int, delta: float) -> float:
    r"""Exact :math:`(1-\delta)`-quantile of :math:`\max_{j \le m} |B_j/n - 1/2|`, :math:`B_j` i.i.d. Binomial(n, 1/2).

    This is the sup deviation :math:`\sup_{f\in F}|\widehat R_n(f) - R(f)|` of a class of
    :math:`m` predictors whose 0-1 losses are independent fair bits, e.g.
    :math:`X` uniform on :math:`\{0,1\}^m`, :math:`Y = 0`, :math:`f_j(x) = x_j`. With
    :math:`t_k = k/n - 1/2` (:math:`k \ge n/2`) and
    :math:`p_k = \Prob(|B/n - 1/2| > t_k) = 2\Prob(B > k)`,
    :math:`\Prob(\sup > t_k) = 1 - (1 - p_k)^m`, and the quantile is the smallest :math:`t_k`
    with :math:`1 - (1 - p_k)^m \le \delta`.

    Parameters
    ----------
    n : int
        Sample size, >= 1.
    m : int
        Number of predictors, >= 1.
    delta : float
        In (0, 1).

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or out of range; the message names it.

    Examples
    --------
    Ten predictors, a sample of 100: the 0.9-quantile of the sup deviation, below the bound
    :math:`\sqrt{\log(2 \cdot 10/0.1)/200} \approx 0.16`:

    >>> round(independent_sup_quantile(100, 10, 0.1), 4)
    0.13

    References
    ----------
    Book, chapter *Risk, Bayes predictors and empirical risk minimisation*, theorem ``learning-finite_class_uniform_bound``.
    """
    from scipy.stats import binom

    n = check_int(n, "n", minimum=1)
    m = check_int(m, "m", minimum=1)
    delta = check_real(delta, "delta", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    k = np.arange((n + 1) // 2, n + 1)
    p = np.minimum(2.0 * binom.sf(k, n, 0.5), 1.0)
    with np.errstate(divide="ignore"):
        p_sup = -np.expm1(m * np.log1p(-p))
    j = int(np.argmax(p_sup <= delta))  # p_sup = 0 at k = n, so some k qualifies
    return float(k[j] / n - 0.5)


# ---------------------------------------------------------------------------------------------
# demos
# ---------------------------------------------------------------------------------------------


@demo_result
class FiniteClassResult(DemoResult):
    """Result of :func:`finite_class_demo`.

    Attributes
    ----------
    sup_devs : ndarray, shape (n_rep,)
        :math:`\\sup_{f \\in F} |\\widehat R_n(f) - R(f)|` for each repetition at sample size ``n``.
    bound : float
        :math:`\\sqrt{\\log(2|F|/\\delta)/(2n)}`.
    violation_freq : float
        Fraction of repetitions with ``sup_devs > bound`` (the theorem: at most ``delta``).
    erm_excess : ndarray, shape (n_rep,)
        :math:`R(\\hat f_n) - \\min_F R` for each repetition (the theorem: at most ``2 * bound``
        with probability at least :math:`1-\\delta`).
    erm_violation_freq : float
        Fraction of repetitions with ``erm_excess > 2 * bound``.
    ns : ndarray, shape (k,)
        Sample sizes of the rate experiment.
    q90 : ndarray, shape (k,)
        The :math:`(1-\\delta)`-quantile of the sup deviation at each sample size.
    bounds : ndarray, shape (k,)
        The bound at each sample size.
    rate : float
        Fitted log-log slope of ``q90`` against ``ns``.
    predicted : float
        The predicted slope, -1/2.
    delta : float
    n : int
    class_size : int
    indep_n : int
        Sample size of the independent class.
    class_sizes : ndarray, shape (j,)
        Sizes :math:`m` of the independent classes.
    indep_q : ndarray, shape (j,)
        Exact :math:`(1-\\delta)`-quantile of the sup deviation over :math:`m` classifiers with
        independent Bernoulli(1/2) losses, sample size ``indep_n``.
    indep_bounds : ndarray, shape (j,)
        :math:`\\sqrt{\\log(2m/\\delta)/(2\\,\\text{indep\\_n})}`.
    max_ratio : float
        Largest quantile/bound over both classes, all sample sizes and all class sizes (the
        theorem: at most 1; the independent class nearly attains it).
    class_rate : float
        Fitted slope of :math:`2\\,\\text{indep\\_n}\\, q^2` against :math:`\\log(2m/\\delta)` over
        the class sizes :math:`m \\ge` ``rate_min_size`` (the bound: 1).
    rate_min_size : int
        Smallest class size of the fitting window of ``class_rate``.
    """

    sup_devs: np.ndarray
    bound: float
    violation_freq: float
    erm_excess: np.ndarray
    erm_violation_freq: float
    ns: np.ndarray
    q90: np.ndarray
    bounds: np.ndarray
    rate: float
    predicted: float
    delta: float
    n: int
    class_size: int
    indep_n: int
    class_sizes: np.ndarray
    indep_q: np.ndarray
    indep_bounds: np.ndarray
    max_ratio: float
    class_rate: float
    rate_min_size: int

    def plot(self, ax=None):
        """Histogram of the sup deviations with the bound, and the quantile against n.

        With ``ax=None`` a new figure with two panels is drawn; a pair of axes draws both
        panels, a single axes only the histogram. Returns the axes used.
        """
        if ax is None:
            from ..plotting import figure_grid

            _, grid = figure_grid(2, width=7.0, height=3.0)
            ax = grid[0]
        axs = np.atleast_1d(ax)
        a = axs[0]
        a.hist(self.sup_devs, bins=40, color=COLORS[0], alpha=0.8)
        a.axvline(self.bound, color=COLORS[1], label=f"bound, $\\delta={self.delta:g}$")
        a.set_xlim(0, 1.15 * max(self.bound, float(self.sup_devs.max())))
        a.set_xlabel(r"$\sup_{f\in F}|\widehat R_n(f) - R(f)|$" + f"  ($n={self.n}$)")
        a.set_ylabel("repetitions")
        a.legend()
        if axs.size > 1:
            b = axs[1]
            b.loglog(self.ns, self.q90, "o-", color=COLORS[0], label=f"{1 - self.delta:g}-quantile")
            b.loglog(self.ns, self.bounds, "s--", color=COLORS[1], label="bound")
            slope_guide(b, self.ns, -0.5, anchor=(self.ns[0], 0.6 * self.q90[0]), label="slope $-1/2$")
            b.set_xlabel("sample size $n$")
            b.legend()
        return ax

    def plot_class_size(self, ax=None):
        """Independent class: exact quantile of the sup deviation and the bound against log(2m/delta)."""
        ax = axes(ax)
        logs = np.log(2 * self.class_sizes / self.delta)
        ax.plot(logs, self.indep_q, "o-", color=COLORS[0], label=f"exact {1 - self.delta:g}-quantile")
        ax.plot(logs, self.indep_bounds, "s--", color=COLORS[1], label="bound")
        ax.set_xlabel(r"$\log(2|F|/\delta)$" + f"  (independent losses, $n={self.indep_n}$)")
        ax.set_ylabel(r"$\sup_{f\in F}|\widehat R_n(f) - R(f)|$")
        ax.legend()
        return ax


def finite_class_demo(
    *,
    n: int = 200,
    n_rep: int = 2000,
    delta: float = 0.1,
    grid: int = 101,
    indep_n: int = 1000,
    class_sizes=tuple(10**k for k in range(1, 13)),
    rate_min_size: int = 10_000,
    seed: int = 0,
) -> FiniteClassResult:
    r"""Uniform deviation of empirical risks over a finite class: Hoeffding plus the union bound.

    The class is :math:`F = \{h_t(x) = \mathbf 1\{x > t\}: t \in \{0, 1/(m-1), \dots, 1\}\}`
    with :math:`|F| = m =` ``grid``; :math:`X \sim U[0,1]`, :math:`Y = \mathbf 1\{X > 0.3\}`
    flipped with probability 0.2, so :math:`R(h_t) = 0.2 + 0.6|t - 0.3|`
    (:func:`threshold_risk`). For ``n_rep`` independent samples of size ``n`` the demo computes
    :math:`\sup_{f\in F} |\widehat R_n(f) - R(f)|` and the excess risk of the ERM, and compares
    them with

    .. math:: \sqrt{\log(2|F|/\delta)/(2n)}, \qquad 2\sqrt{\log(2|F|/\delta)/(2n)},

    which they exceed with probability at most :math:`\delta`. The
    :math:`(1-\delta)`-quantile of the sup deviation is also computed for
    :math:`n/4, n/2, \dots, 8n` (its log-log slope is reported, not checked: the theorem bounds
    the deviation, it does not claim its rate).

    The threshold class is strongly correlated and the bound is loose there (about 0.64 of it).
    The second class has independent losses (:func:`independent_sup_quantile`): its exact
    quantile nearly attains the bound as :math:`\log(2m/\delta)` grows, and its square grows
    linearly in :math:`\log(2m/\delta)` with the slope :math:`1/(2n)` of the bound.

    Parameters
    ----------
    n : int, default 200
        Sample size, >= 8.
    n_rep : int, default 2000
        Repetitions, >= 10.
    delta : float, default 0.1
        Confidence parameter in (0, 1).
    grid : int, default 101
        Number of thresholds :math:`|F|`, >= 2.
    indep_n : int, default 1000
        Sample size of the independent class, >= 2.
    class_sizes : sequence of int, default (10, 100, ..., 10**12)
        Sizes of the independent classes, at least two, each >= 1.
    rate_min_size : int, default 10_000
        Smallest class size used to fit ``class_rate`` (at least two sizes must qualify).
    seed : int, default 0

    Returns
    -------
    FiniteClassResult

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or out of range; the message names it.

    References
    ----------
    Book, chapter *Risk, Bayes predictors and empirical risk minimisation*, theorem ``learning-finite_class_uniform_bound``.
    Hoeffding (1963), Thm 2; Shalev-Shwartz and Ben-David (2014), Cor. 4.6.
    """
    n = check_int(n, "n", minimum=8)
    n_rep = check_int(n_rep, "n_rep", minimum=10)
    delta = check_real(delta, "delta", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    grid = check_int(grid, "grid", minimum=2)
    indep_n = check_int(indep_n, "indep_n", minimum=2)
    sizes = check_int_sequence(class_sizes, "class_sizes", minimum=1)
    rate_min_size = check_int(rate_min_size, "rate_min_size", minimum=1)
    if sum(m >= rate_min_size for m in sizes) < 2:
        raise ValueError("class_sizes must have at least two entries >= rate_min_size")
    gen = rng(seed)
    ts = np.linspace(0.0, 1.0, grid)

    def bound_at(size):
        return np.sqrt(np.log(2 * grid / delta) / (2 * size))

    sup_devs, erm_excess = _threshold_sup_devs(n, n_rep, ts, gen)
    bound = float(bound_at(n))
    ns = np.array([max(n // 4, 2), max(n // 2, 4), n, 2 * n, 4 * n, 8 * n])
    q90 = np.empty(ns.size)
    for j, size in enumerate(ns):
        devs = sup_devs if size == n else _threshold_sup_devs(int(size), n_rep, ts, gen)[0]
        q90[j] = np.quantile(devs, 1 - delta)
    bounds = bound_at(ns.astype(np.float64))
    # the independent class, exactly
    m_arr = np.array(sizes, dtype=np.float64)
    indep_q = np.array([independent_sup_quantile(indep_n, m, delta) for m in sizes])
    logs = np.log(2 * m_arr / delta)
    indep_bounds = np.sqrt(logs / (2 * indep_n))
    window = m_arr >= rate_min_size
    class_rate = float(np.polyfit(logs[window], 2 * indep_n * indep_q[window] ** 2, 1)[0])
    max_ratio = float(max(np.max(q90 / bounds), np.max(indep_q / indep_bounds)))
    return FiniteClassResult(
        sup_devs=sup_devs,
        bound=bound,
        violation_freq=float(np.mean(sup_devs > bound)),
        erm_excess=erm_excess,
        erm_violation_freq=float(np.mean(erm_excess > 2 * bound)),
        ns=ns.astype(np.float64),
        q90=q90,
        bounds=bounds,
        rate=loglog_slope(ns, q90),
        predicted=-0.5,
        delta=delta,
        n=n,
        class_size=grid,
        indep_n=indep_n,
        class_sizes=m_arr,
        indep_q=indep_q,
        indep_bounds=indep_bounds,
        max_ratio=max_ratio,
        class_rate=class_rate,
        rate_min_size=rate_min_size,
    )


declare_check(
    "learning.finite_class_uniform_bound",
    label="quantile",
    quantity="largest ratio of the (1 - delta)-quantile of the sup deviation to sqrt(log(2|F|/delta)/(2n)): "
    "thresholds (Monte Carlo, all n) and independent losses (exact, |F| up to 10^12)",
    claim="upper bound",
    relation="<=",
    measure="max_ratio",
    predict=1.0,
    tolerance=0.0,
    reason="no slack: the quantiles of the independent class are exact binomial computations, and the Monte "
    "Carlo quantiles of the threshold class lie at about 0.64 of the bound, far from it",
    hypotheses="0-1 loss with values in [0, 1], finite classes, i.i.d. samples",
    wrong="0.9 x the bound",
    wrong_predict=0.9,
    min_tightness=0.9,
    demo=finite_class_demo,
)
declare_check(
    "learning.finite_class_uniform_bound",
    label="rate",
    quantity="fitted slope of 2n q^2 against log(2|F|/delta), q the exact quantile of the sup deviation over "
    "|F| classifiers with independent losses (|F| from 10^4 to 10^12)",
    claim="rate",
    relation="approx",
    measure="class_rate",
    predict=1.0,
    tolerance=0.1,
    reason="pre-asymptotic range: for Gaussian tails the slope is 1 - 1/(2 log(2|F|/delta)) + o(1), about "
    "0.97 here, and the binomial tail is lighter than the Gaussian one far out",
    hypotheses="0-1 loss with values in [0, 1], finite class, i.i.d. sample of size 1000",
    wrong="the dependence log(2|F|/delta)/n (Hoeffding's exponent n t^2 for 2 n t^2), slope 2",
    wrong_predict=2.0,
    demo=finite_class_demo,
)
