r"""Benign overfitting of the minimum-norm interpolator under a general covariance.

The minimum-norm interpolator :math:`\hat\theta = X^\top(XX^\top)^{-1}y` of :math:`n` Gaussian
samples :math:`x\sim\Normal(0,\Sigma)` in :math:`\R^p`, :math:`p>n`, fits noisy labels exactly.
Its excess risk is small (the overfitting is *benign*) when the covariance has a few large
eigenvalues and a tail of many small ones whose effective ranks
:math:`r_k = \sum_{i>k}\lambda_i/\lambda_{k+1}` and
:math:`R_k = (\sum_{i>k}\lambda_i)^2/\sum_{i>k}\lambda_i^2` are large compared with :math:`n`
(Bartlett, Long, Lugosi, Tsigler 2020). :func:`benign_overfitting_demo` measures the excess
risk for a benign spectrum and for one that is not, against the deterministic equivalent of
:func:`dlmath.kernels.ridge_equivalent` (chapter *Beyond uniform convergence*, theorem
``kernels-benign_overfitting``).

References
----------
Bartlett, Long, Lugosi, Tsigler (2020); Hastie, Montanari, Rosset, Tibshirani (2022);
Cheng, Montanari (2022); Tsigler, Bartlett (2023).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_array, check_int, check_int_sequence, check_real, like_input, loglog_slope, rng
from .ridge_equivalent import ridge_equivalent

__all__ = [
    "effective_ranks",
    "min_norm_excess_risk",
    "spiked_spectrum",
    "BenignOverfittingResult",
    "benign_overfitting_demo",
]


def effective_ranks(eigenvalues: Any) -> tuple[np.ndarray, np.ndarray]:
    r"""The effective ranks :math:`r_k(\Sigma)` and :math:`R_k(\Sigma)` of Bartlett et al. (2020).

    For eigenvalues :math:`\lambda_1\ge\lambda_2\ge\dots` (sorted here),

    .. math::

        r_k = \frac{\sum_{i>k}\lambda_i}{\lambda_{k+1}},\qquad
        R_k = \frac{\bigl(\sum_{i>k}\lambda_i\bigr)^2}{\sum_{i>k}\lambda_i^2},\qquad
        k = 0, \dots, p-1,

    with :math:`1\le r_k\le R_k\le p-k` (Cauchy-Schwarz and :math:`\lambda_i\le\lambda_{k+1}`).

    Parameters
    ----------
    eigenvalues : array_like or torch.Tensor
        Positive eigenvalues of :math:`\Sigma`, shape ``(p,)``.

    Returns
    -------
    r, R : numpy.ndarray or torch.Tensor
        Shape ``(p,)`` each, indexed by :math:`k` (tensors for a tensor input).

    Examples
    --------
    >>> import numpy as np
    >>> r, R = effective_ranks(np.ones(4))
    >>> r.tolist(), R.tolist()
    ([4.0, 3.0, 2.0, 1.0], [4.0, 3.0, 2.0, 1.0])

    References
    ----------
    Bartlett, Long, Lugosi, Tsigler (2020), Definition 3.
    """
    lam = np.sort(as_array(eigenvalues, "eigenvalues", ndim=1, min_size=1))[::-1]
    if lam[-1] <= 0:
        raise ValueError("eigenvalues must be positive")
    tail = np.cumsum(lam[::-1])[::-1]
    tail2 = np.cumsum((lam**2)[::-1])[::-1]
    return like_input((tail / lam, tail**2 / tail2), eigenvalues)


def spiked_spectrum(n: int, *, spike: int, tail: int, tail_energy: float) -> np.ndarray:
    r"""Eigenvalues :math:`(1,\dots,1,\varepsilon,\dots,\varepsilon)`: ``spike`` ones, ``tail`` copies of :math:`\varepsilon`.

    With :math:`s` = ``spike``, :math:`p_t` = ``tail`` and :math:`E` = ``tail_energy``, the small
    eigenvalue is :math:`\varepsilon = E/p_t`, so the tail carries the total variance :math:`E`.
    Then :math:`r_s = R_s = p_t`, and the spectrum is benign along a sequence :math:`n\to\infty`
    when :math:`p_t/n\to\infty`, :math:`s/n\to0` and :math:`E/n\to0`.

    Parameters
    ----------
    n : int
        Number of samples (only validated: the spectrum is chosen for it by the caller).
    spike : int
        Number :math:`s\ge1` of unit eigenvalues.
    tail : int
        Number of small eigenvalues, at least 1.
    tail_energy : float
        Their sum, positive.

    Returns
    -------
    numpy.ndarray
        Shape ``(spike + tail,)``, non-increasing.

    Examples
    --------
    >>> spiked_spectrum(10, spike=2, tail=4, tail_energy=2.0).tolist()
    [1.0, 1.0, 0.5, 0.5, 0.5, 0.5]
    """
    check_int(n, "n", minimum=1)
    spike = check_int(spike, "spike", minimum=1)
    tail = check_int(tail, "tail", minimum=1)
    tail_energy = check_real(tail_energy, "tail_energy", minimum=0.0, strict_min=True)
    return np.concatenate([np.ones(spike), np.full(tail, tail_energy / tail)])


def min_norm_excess_risk(X: Any, eigenvalues: Any, theta: Any, noise: float) -> tuple[float, float]:
    r"""Bias and variance of the minimum-norm interpolator for a fixed design, noise averaged exactly.

    For :math:`\Sigma = \diag(\lambda)`, design :math:`X\in\R^{n\times p}` of rank :math:`n`,
    :math:`A = XX^\top`, :math:`B = X\Sigma X^\top` and :math:`\hat\theta = X^\top A^{-1}y`,
    :math:`y = X\theta + \xi`, :math:`\E\xi\xi^\top = \sigma^2I`:

    .. math::

        \E_\xi\,\norm{\Sigma^{1/2}(\hat\theta-\theta)}^2
        = \underbrace{\norm{\Sigma^{1/2}(I - X^\top A^{-1}X)\theta}^2}_{\text{bias}}
        + \underbrace{\sigma^2\tr\bigl(A^{-1}BA^{-1}\bigr)}_{\text{variance}} .

    Parameters
    ----------
    X : array_like
        Design, shape ``(n, p)`` with ``n <= p`` and full row rank.
    eigenvalues : array_like
        Diagonal of :math:`\Sigma`, shape ``(p,)``, positive.
    theta : array_like
        Parameter :math:`\theta`, shape ``(p,)``.
    noise : float
        Noise standard deviation :math:`\sigma\ge0`.

    Returns
    -------
    bias, variance : float

    Examples
    --------
    >>> import numpy as np
    >>> X = np.eye(2, 3)  # interpolates the first two coordinates exactly
    >>> min_norm_excess_risk(X, np.ones(3), np.array([1.0, 2.0, 3.0]), 0.5)
    (9.0, 0.5)
    """
    X = check_array(X, "X", ndim=2, min_size=1)
    n, p = X.shape
    if n > p:
        raise ValueError(f"X must have at most as many rows as columns (an interpolating design), got shape {X.shape}")
    lam = check_array(eigenvalues, "eigenvalues", ndim=1)
    if lam.shape != (p,):
        raise ValueError(f"eigenvalues must have shape ({p},), got {lam.shape}")
    if np.any(lam <= 0):
        raise ValueError("eigenvalues must be positive")
    theta = check_array(theta, "theta", ndim=1)
    if theta.shape != (p,):
        raise ValueError(f"theta must have shape ({p},), got {theta.shape}")
    noise = check_real(noise, "noise", minimum=0.0)
    A = X @ X.T
    B = (X * lam) @ X.T
    v = X @ theta
    Ainv_v = np.linalg.solve(A, v)
    # Sigma^(1/2)(I - P) theta: the bias is theta' S theta - 2 v' A^-1 X S theta + v' A^-1 B A^-1 v
    bias = float(theta @ (lam * theta) - 2 * Ainv_v @ (X @ (lam * theta)) + Ainv_v @ B @ Ainv_v)
    Ainv = np.linalg.inv(A)
    variance = noise**2 * float(np.sum(Ainv * (B @ Ainv)))
    return max(bias, 0.0), variance


@demo_result
class BenignOverfittingResult(DemoResult):
    r"""Result of :func:`benign_overfitting_demo`; arrays of shape ``(2, len(ns))``, row 0 the benign spectrum.

    Attributes
    ----------
    ns : numpy.ndarray
        Sample sizes, shape ``(len(ns),)``.
    dims : numpy.ndarray
        Dimensions :math:`p` of the two spectra at each :math:`n`.
    risk : numpy.ndarray
        Mean over the designs of the excess risk (bias plus variance, the noise averaged exactly).
    risk_se : numpy.ndarray
        Its standard error over the designs.
    variance : numpy.ndarray
        Mean variance term.
    equivalent : numpy.ndarray
        Deterministic equivalent of the excess risk (:func:`dlmath.kernels.ridge_equivalent`).
    equivalent_no_inflation : numpy.ndarray
        The equivalent without the factor :math:`1/(1-\mathrm{df}_2/n)` (the wrong answer).
    kstar_over_n, n_over_R, r0_over_n : numpy.ndarray
        Bartlett et al.'s quantities :math:`k^*/n`, :math:`n/R_{k^*}`, :math:`r_0/n` (with
        :math:`b = 1`).
    max_rel_dev : float
        :math:`\max\abs{\text{risk}/\text{equivalent}-1}` over both spectra and all :math:`n`.
    max_rel_dev_wrong : float
        The same against ``equivalent_no_inflation``.
    rel_se : float
        Largest relative standard error ``risk_se / risk``.
    scaled_dev, scaled_dev_wrong : float
        :math:`\max\abs{\text{risk}/\text{equivalent}-1}/(3\,\text{risk\_se}/\text{risk} + 2/n)` over
        both spectra and all :math:`n`, against the equivalent and against the one without the
        inflation factor: each point compared at its own precision.
    slope : float
        Fitted log-log slope of the benign spectrum's risk against :math:`n`.
    slope_se : float
        Its bootstrap standard error over the designs.
    predicted_slope : float
        Fitted slope of the equivalent on the same grid.
    noise : float
        Noise standard deviation :math:`\sigma`.
    n_seeds : int
        Designs per point.
    """

    ns: np.ndarray
    dims: np.ndarray
    risk: np.ndarray
    risk_se: np.ndarray
    variance: np.ndarray
    equivalent: np.ndarray
    equivalent_no_inflation: np.ndarray
    kstar_over_n: np.ndarray
    n_over_R: np.ndarray
    r0_over_n: np.ndarray
    max_rel_dev: float
    max_rel_dev_wrong: float
    rel_se: float
    scaled_dev: float
    scaled_dev_wrong: float
    slope: float
    slope_se: float
    predicted_slope: float
    noise: float
    n_seeds: int

    def plot(self, ax=None):
        ax = axes(ax)
        names = (r"benign: tail $p-s\approx n^{3/2}$", r"not benign: tail $p-s = 2n$")
        for row, (name, color) in enumerate(zip(names, (COLORS[0], COLORS[1]))):
            ax.errorbar(self.ns, self.risk[row], yerr=2 * self.risk_se[row], fmt="o", color=color, label=name)
            ax.plot(self.ns, self.equivalent[row], "-", color=color, lw=1)
            ax.plot(self.ns, self.equivalent_no_inflation[row], ":", color=color, lw=1)
        ax.axhline(self.noise**2, color="0.5", lw=0.8, ls="--", label=r"noise level $\sigma^2$")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("sample size $n$")
        ax.set_ylabel("excess risk of the minimum-norm interpolator")
        ax.legend(fontsize=8)
        return ax


def _spectra(n: int, spike: int) -> tuple[np.ndarray, np.ndarray]:
    """The benign spectrum (tail n^1.5, tail energy sqrt n) and the non-benign one (tail 2n, same energy)."""
    benign = spiked_spectrum(n, spike=spike, tail=int(round(n**1.5)), tail_energy=np.sqrt(n))
    harmful = spiked_spectrum(n, spike=spike, tail=2 * n, tail_energy=np.sqrt(n))
    return benign, harmful


def benign_overfitting_demo(
    *,
    ns: Any = (50, 100, 200, 400),
    spike: int = 5,
    noise: float = 0.5,
    n_seeds: int = 12,
    seed: int = 0,
) -> BenignOverfittingResult:
    r"""Excess risk of the minimum-norm interpolator: a benign spectrum and one that is not.

    Gaussian design :math:`x\sim\Normal(0,\Sigma)`, :math:`\Sigma` diagonal with ``spike`` unit
    eigenvalues and a flat tail of total variance :math:`\sqrt n`: either :math:`\approx n^{3/2}`
    tail eigenvalues (benign: :math:`r_s = R_s = n^{3/2}\gg n`, :math:`s/n\to0`,
    :math:`r_0/n\to0`) or :math:`2n` of them (:math:`n/R_s = 1/2`, not benign). The target
    :math:`\theta` is spread evenly over the spike, :math:`\norm\theta = 1`, noise
    :math:`\Normal(0,\sigma^2)`. For each :math:`n` and ``n_seeds`` designs the excess risk is
    computed exactly given the design (:func:`min_norm_excess_risk`) and averaged; it is compared
    with the deterministic equivalent :func:`dlmath.kernels.ridge_equivalent` (ridge 0).

    Parameters
    ----------
    ns : sequence of int, default (50, 100, 200, 400)
        Sample sizes, at least 2 of them, each at least 10.
    spike : int, default 5
        Number :math:`s` of large eigenvalues (at most ``min(ns) / 2``).
    noise : float, default 0.5
        Noise standard deviation :math:`\sigma>0`.
    n_seeds : int, default 12
        Designs per sample size, at least 3.
    seed : int, default 0

    Returns
    -------
    BenignOverfittingResult

    References
    ----------
    Bartlett, Long, Lugosi, Tsigler (2020), Theorem 4 and Section 6; Hastie, Montanari, Rosset,
    Tibshirani (2022), Theorem 2; Cheng, Montanari (2022).
    """
    ns = np.array(check_int_sequence(ns, "ns", minimum=10, min_len=2, increasing=True))
    spike = check_int(spike, "spike", minimum=1, maximum=int(ns[0]) // 2)
    noise = check_real(noise, "noise", minimum=0.0, strict_min=True)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=3)
    gen = rng(seed)
    shape = (2, len(ns))
    risk, risk_se, var, eq, eq_wrong = (np.zeros(shape) for _ in range(5))
    kstar, n_over_R, r0, dims = (np.zeros(shape) for _ in range(4))
    per_design = np.zeros((len(ns), n_seeds))
    for j, n in enumerate(ns):
        for row, lam in enumerate(_spectra(int(n), spike)):
            p = lam.size
            theta = np.zeros(p)
            theta[:spike] = 1 / np.sqrt(spike)
            values = np.array(
                [
                    min_norm_excess_risk(gen.standard_normal((n, p)) * np.sqrt(lam), lam, theta, noise)
                    for _ in range(n_seeds)
                ]
            )
            total = values.sum(axis=1)
            if row == 0:
                per_design[j] = total
            risk[row, j], risk_se[row, j] = total.mean(), total.std(ddof=1) / np.sqrt(n_seeds)
            var[row, j] = values[:, 1].mean()
            e = ridge_equivalent(lam, lam * theta**2, n, noise=noise)
            eq[row, j] = e.risk
            eq_wrong[row, j] = e.risk * (1 - e.df2 / n)
            r, R = effective_ranks(lam)
            k = int(np.argmax(r >= n)) if np.any(r >= n) else p
            kstar[row, j], n_over_R[row, j], r0[row, j] = k / n, n / R[min(k, p - 1)], r[0] / n
            dims[row, j] = p
    allowance = 3 * risk_se / risk + 2 / ns  # 3 relative standard errors plus 2/n, per point
    slope = loglog_slope(ns, risk[0])
    boot_gen = rng(seed + 1)
    boot = []
    for _ in range(400):
        idx = boot_gen.integers(0, n_seeds, size=(len(ns), n_seeds))
        boot.append(loglog_slope(ns, np.take_along_axis(per_design, idx, axis=1).mean(axis=1)))
    return BenignOverfittingResult(
        ns=ns.astype(float),
        dims=dims,
        risk=risk,
        risk_se=risk_se,
        variance=var,
        equivalent=eq,
        equivalent_no_inflation=eq_wrong,
        kstar_over_n=kstar,
        n_over_R=n_over_R,
        r0_over_n=r0,
        max_rel_dev=float(np.max(np.abs(risk / eq - 1))),
        max_rel_dev_wrong=float(np.max(np.abs(risk / eq_wrong - 1))),
        rel_se=float(np.max(risk_se / risk)),
        scaled_dev=float(np.max(np.abs(risk / eq - 1) / allowance)),
        scaled_dev_wrong=float(np.max(np.abs(risk / eq_wrong - 1) / allowance)),
        slope=float(slope),
        slope_se=float(np.std(boot)),
        predicted_slope=float(loglog_slope(ns, eq[0])),
        noise=noise,
        n_seeds=n_seeds,
    )


declare_check(
    "kernels.benign_overfitting",
    label="equivalent",
    quantity="largest deviation, relative to its allowance, of the mean excess risk of the minimum-norm "
    "interpolator from its deterministic equivalent, over a benign and a non-benign spectrum and all n",
    claim="equality",
    relation="approx",
    measure="scaled_dev",
    predict=0.0,
    tolerance=1.0,
    reason="the allowance of each point is 3 relative standard errors over the designs plus 2/n for the "
    "finite-sample correction of the equivalent (in the isotropic case the exact variance is n/(p-n-1), "
    "the equivalent n/(p-n))",
    hypotheses="Gaussian design with a diagonal covariance, p > n, Gaussian noise, minimum-norm interpolation",
    wrong="the equivalent without the variance inflation 1/(1 - df2/n)",
    wrong_measure="scaled_dev_wrong",
    demo=benign_overfitting_demo,
)

declare_check(
    "kernels.benign_overfitting",
    label="benign",
    quantity="fitted log-log slope in n of the excess risk for the benign spectrum",
    claim="rate",
    relation="approx",
    measure="slope",
    predict="predicted_slope",
    tolerance=lambda r: 3 * r.slope_se + (2 / float(r.ns[0])) / float(np.log(r.ns[-1] / r.ns[0])),
    reason="3 bootstrap standard errors of the fitted slope, plus the slope that the finite-sample allowance "
    "2/n of the equivalent can tilt over the grid",
    hypotheses="as for the equivalent; the spectrum satisfies r_0/n, k*/n, n/R_k* -> 0 along the grid",
    wrong="no consistency: an excess risk that does not decay (slope 0), as for the non-benign spectrum",
    wrong_predict=0.0,
    demo=benign_overfitting_demo,
)
