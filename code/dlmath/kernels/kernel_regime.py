r"""The limits of the kernel regime on the sphere: the NTK spectrum and the polynomial barrier.

The two-layer ReLU network without biases, both layers trained, has on :math:`S^{d-1}` the neural
tangent kernel :math:`\kappa(\langle x,y\rangle)`, :math:`\kappa(t) = t\kappa_0(t) + \kappa_1(t)`
(:func:`ntk_sphere_profile`). :func:`ntk_sphere_eigenvalues` gives its Funk-Hecke eigenvalues in
closed form (zero at odd degrees :math:`k\ge3`, of order :math:`k^{-d}` otherwise);
:func:`ntk_spectrum_demo` checks them and the learning curve of kernel regression against the
deterministic equivalent; :func:`kernel_low_degree_demo` shows that with :math:`n = d^{1.5}`
samples in high dimension the kernel learns the degree-1 part of a target and only a small,
predicted fraction of its degree-2 part. Chapter *Beyond uniform convergence*.

References
----------
Bietti, Mairal (2019); Ghorbani, Mei, Misiakiewicz, Montanari (2021); Cho, Saul (2009).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np

from ..plotting import COLORS, axes, slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_int, check_int_sequence, check_real, like_input, loglog_slope, rng
from .krr import krr_fit
from .nngp_ntk import correlation_map, ntk_kernel
from .ridge_equivalent import ridge_equivalent
from .spherical import (
    funk_hecke,
    gegenbauer,
    harmonic_dimension,
    relu_harmonic_coefficients,
    uniform_sphere,
)

__all__ = [
    "ntk_sphere_profile",
    "ntk_sphere_eigenvalues",
    "NTKSphereSpectrumResult",
    "ntk_spectrum_demo",
    "KernelLowDegreeResult",
    "kernel_low_degree_demo",
]

# breakpoints graded geometrically towards -1, 0 and 1: the NTK has square-root singularities at
# t = +-1, where the Gauss-Jacobi rule of one piece converges only algebraically
_GRADED = 1.0 - 2.0 ** -np.arange(1, 40)
_BREAKPOINTS = tuple(np.concatenate([-_GRADED[::-1], [0.0], _GRADED]))


def _degrees(degrees: Any) -> list[int]:
    if isinstance(degrees, (int, np.integer)) and not isinstance(degrees, bool):
        return [check_int(degrees, "degrees", minimum=0)]
    return list(check_int_sequence(degrees, "degrees", minimum=0))


def ntk_sphere_profile(t: Any) -> np.ndarray:
    r"""The two-layer ReLU NTK on the sphere, :math:`\kappa(t) = t\kappa_0(t) + \kappa_1(t)`.

    :math:`\kappa_0(t) = 1-\arccos(t)/\pi = 2\,\mathbb P(u>0,v>0)` and :math:`\kappa_1` the
    arc-cosine kernel of order 1 (:func:`dlmath.kernels.correlation_map`), for a standard
    Gaussian pair of correlation :math:`t`. For unit vectors,
    ``ntk_kernel(x, y, depth=1, sw2=2, sb2=0)`` :math:`= \frac2d\kappa(\langle x,y\rangle)`: the
    network :math:`f(x) = \sqrt{2/m}\sum_j v_j\relu(w_j\cdot x/\sqrt d)` of
    :func:`dlmath.nets.mlp` without biases, both layers trained. :math:`\kappa(1) = 2`.

    Parameters
    ----------
    t : array_like
        Inner products in :math:`[-1, 1]`; any shape.

    Returns
    -------
    numpy.ndarray
        :math:`\kappa(t)`, the shape of ``t``, float64.

    Examples
    --------
    >>> float(ntk_sphere_profile(1.0)), round(float(ntk_sphere_profile(0.0)), 12)  # 2 and 1/pi
    (2.0, 0.318309886184)

    References
    ----------
    Book, chapter *Beyond uniform convergence*. Bietti, Mairal (2019), Section 3; Cho, Saul (2009).
    """
    x = as_array(t, "t")
    if np.any(np.abs(x) > 1):
        raise ValueError("t must lie in [-1, 1]")
    return like_input(x * (1.0 - np.arccos(x) / np.pi) + np.asarray(correlation_map(x), dtype=float), t)


def ntk_sphere_eigenvalues(d: int, degrees: Any) -> np.ndarray:
    r"""Funk-Hecke eigenvalues :math:`\mu_k` of the ReLU NTK :func:`ntk_sphere_profile` on :math:`S^{d-1}`, closed form.

    With :math:`\lambda_k^{(p)}` of :func:`relu_harmonic_coefficients` and :math:`w` uniform on
    the sphere, :math:`\kappa_0 = 2\E_w[\sigma_0(\langle w,x\rangle)\sigma_0(\langle w,y\rangle)]`
    and :math:`\kappa_1 = 2d\,\E_w[\sigma_1(\langle w,x\rangle)\sigma_1(\langle w,y\rangle)]`
    (:math:`\E\|g\|^2 = d` for a Gaussian :math:`g`), so by Funk-Hecke
    :math:`\mu_k(\kappa_0) = 2(\lambda^{(0)}_k)^2` and :math:`\mu_k(\kappa_1) = 2d(\lambda^{(1)}_k)^2`.
    Multiplication by :math:`t` couples neighbouring degrees,
    :math:`tP_k = \frac{k}{2k+d-2}P_{k-1} + \frac{k+d-2}{2k+d-2}P_{k+1}`, and with
    :math:`N_k = N(d,k)`,

    .. math::

        \mu_k = \frac{1}{N_k}\Bigl(\frac{k+1}{2k+d}N_{k+1}\mu_{k+1}(\kappa_0)
        + \frac{k+d-3}{2k+d-4}N_{k-1}\mu_{k-1}(\kappa_0)\Bigr) + \mu_k(\kappa_1).

    Hence :math:`\mu_k = 0` for odd :math:`k\ge3` (both terms vanish) and :math:`\mu_k>0` for
    :math:`k\in\{0,1\}` and even :math:`k`; :math:`\sum_kN_k\mu_k = \kappa(1) = 2`.

    Parameters
    ----------
    d : int
        Ambient dimension, at least 2.
    degrees : int or sequence of int
        Degrees :math:`k\ge0`.

    Returns
    -------
    numpy.ndarray
        :math:`\mu_k`, shape ``(len(degrees),)``.

    Examples
    --------
    >>> mu = ntk_sphere_eigenvalues(3, [0, 1, 2, 3])
    >>> [round(float(m), 12) for m in mu]  # 1/2, 1/3, 5/64 and no degree 3
    [0.5, 0.333333333333, 0.078125, 0.0]

    References
    ----------
    Book, chapter *Beyond uniform convergence*, theorem ``kernels-ntk_sphere_spectrum``.
    Bietti, Mairal (2019), Proposition 5.
    """
    d = check_int(d, "d", minimum=2)
    ks = _degrees(degrees)
    top = max(ks) + 1
    grid = np.arange(top + 1)
    N = np.array([float(harmonic_dimension(d, int(k))) for k in grid])
    mu0 = 2.0 * relu_harmonic_coefficients(d, grid.tolist(), power=0) ** 2
    mu1 = 2.0 * d * relu_harmonic_coefficients(d, grid.tolist(), power=1) ** 2
    down = grid / (2 * grid + d - 2)  # t P_k = down_k P_{k-1} + up_k P_{k+1}
    up = (grid + d - 2) / (2 * grid + d - 2)
    mass = N * mu0
    coupled = np.zeros(top + 1)
    coupled[:-1] += mass[1:] * down[1:]
    coupled[1:] += mass[:-1] * up[:-1]
    mu = coupled / N + mu1
    odd = (grid % 2 == 1) & (grid >= 3)
    mu[odd] = 0.0  # both terms vanish identically (only rounding is removed)
    return mu[ks]


def _gram(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    return ntk_sphere_profile(np.clip(A @ B.T, -1.0, 1.0))


def _biased_ntk_profile(d: int, sb2: float):
    """t -> ntk_kernel(x, y, depth=1, sb2=sb2) for unit x, y with <x, y> = t (rotation invariant)."""
    e1 = np.zeros((1, d))
    e1[0, 0] = 1.0

    def profile(t: np.ndarray) -> np.ndarray:
        Y = np.zeros((t.size, d))
        Y[:, 0] = t
        Y[:, 1] = np.sqrt(np.clip(1 - t**2, 0.0, None))
        return ntk_kernel(e1, Y, depth=1, sb2=sb2)[0]

    return profile


def _spectrum_blocks(d: int, max_degree: int, energies: np.ndarray | None = None):
    """Eigenvalues, multiplicities (and energies) of the NTK, degrees <= max_degree plus one tail block.

    The tail (the kernel's trace 2 minus the listed part, spread over 1e15 directions) acts on the
    equivalent only through sum_k m_k lam_k / (lam_k + kappa), its share of the trace over kappa.
    """
    ks = np.arange(max_degree + 1)
    mu = ntk_sphere_eigenvalues(d, ks.tolist())
    N = np.array([float(harmonic_dimension(d, int(k))) for k in ks])
    keep = mu > 0
    spread = 1e15
    tail = max(2.0 - float(np.sum(N * mu)), 1e-300 * spread)
    lam = np.concatenate([mu[keep], [tail / spread]])
    mult = np.concatenate([N[keep], [spread]])
    if energies is None:
        return lam, mult, ks[keep]
    a = np.concatenate([energies[keep], [0.0]])
    return lam, mult, ks[keep], a


# demos


@demo_result
class NTKSphereSpectrumResult(DemoResult):
    r"""Result of :func:`ntk_spectrum_demo`.

    Attributes
    ----------
    d : int
        Ambient dimension (the sphere :math:`S^{d-1}`).
    degrees, mu_closed, mu_quad : numpy.ndarray
        Degrees :math:`0..K`, the closed-form eigenvalues and those of Funk-Hecke quadrature.
    closed_rel_err, closed_rel_err_wrong : float
        Largest relative deviation of the closed form from quadrature over the degrees with
        :math:`\mu_k>0`, and the same for the formula without the coupling by :math:`t`
        (:math:`\mu_k(\kappa_0)+\mu_k(\kappa_1)`).
    odd_ratio, odd_ratio_bias : float
        :math:`\max_{k\ge3\ \text{odd}}|\mu_k|/\mu_{k-1}` by quadrature, for the NTK without biases
        and for the NTK with biases (``sb2 = 1``).
    exponent_degrees, local_exponent : numpy.ndarray
        Even degrees :math:`k` and :math:`\log(\mu_{k+2}/\mu_k)/\log((k+2)/k)`.
    last_exponent : float
        The local exponent at the largest degree of the grid.
    ns, mse, mse_se, equivalent, equivalent_no_inflation : numpy.ndarray
        Sample sizes, the median over seeds of the test MSE of kernel ridge regression with its
        standard error, the deterministic equivalent and the equivalent without the factor
        :math:`1/(1-\mathrm{df}_2/n)`.
    ratio, ratio_se : numpy.ndarray
        ``mse / equivalent`` and its standard error.
    curve_dev, curve_dev_wrong : float
        :math:`\max_n|\text{ratio}_n-1|/(3\,\text{se}_n + a)`, :math:`a` = ``allowance``, and the
        same for ``mse / equivalent_no_inflation``.
    allowance : float
        The relative finite-dimension allowance of the equivalent.
    slope, slope_se, slope_equivalent, predicted_slope : float
        Fitted log-log slope of ``mse`` (bootstrap standard error over seeds), of the equivalent on
        the same grid, and :math:`-3/(d-1)`.
    ridge : float
    n_seeds, n_test : int
    """

    d: int
    degrees: np.ndarray
    mu_closed: np.ndarray
    mu_quad: np.ndarray
    closed_rel_err: float
    closed_rel_err_wrong: float
    odd_ratio: float
    odd_ratio_bias: float
    exponent_degrees: np.ndarray
    local_exponent: np.ndarray
    last_exponent: float
    ns: np.ndarray
    mse: np.ndarray
    mse_se: np.ndarray
    equivalent: np.ndarray
    equivalent_no_inflation: np.ndarray
    ratio: np.ndarray
    ratio_se: np.ndarray
    curve_dev: float
    curve_dev_wrong: float
    allowance: float
    slope: float
    slope_se: float
    slope_equivalent: float
    predicted_slope: float
    ridge: float
    n_seeds: int
    n_test: int

    def plot(self, ax=None):
        if ax is None:
            from ..plotting import figure_grid

            _, grid = figure_grid(2, width=8.0, height=3.2)
            ax = grid[0]
        else:
            ax = np.atleast_1d(ax)
        a, b = ax[0], ax[1]
        pos = self.mu_closed > 0
        a.loglog(
            self.degrees[pos][1:], self.mu_closed[pos][1:], "o", color=COLORS[0], ms=3, label=r"$\mu_k$ (closed form)"
        )
        odd = (self.degrees >= 3) & (self.degrees % 2 == 1)
        a.loglog(
            self.degrees[odd],
            np.abs(self.mu_quad[odd]) + 1e-300,
            "x",
            color=COLORS[1],
            ms=3,
            label=r"$|\mu_k|$, odd $k\geq3$ (quadrature)",
        )
        k = self.degrees[pos][2:]
        slope_guide(a, k, -float(self.d), anchor=(k[0], self.mu_closed[pos][2]), label=f"slope $-{self.d}$")
        a.set_ylim(1e-18, 2)
        a.set_xlabel("degree $k$")
        a.set_ylabel("eigenvalue")
        a.legend(fontsize=7)
        n = self.ns.astype(float)
        b.errorbar(n, self.mse, yerr=2 * self.mse_se, fmt="o", color=COLORS[0], capsize=2, label="KRR, median test MSE")
        b.loglog(n, self.equivalent, "-", color="0.3", label="deterministic equivalent")
        b.loglog(n, self.equivalent_no_inflation, ":", color="0.6", label=r"without $1/(1-\mathrm{df}_2/n)$")
        slope_guide(
            b,
            n,
            self.predicted_slope,
            anchor=(n[0], 0.6 * self.equivalent[0]),
            label=f"slope $-3/(d-1) = {self.predicted_slope:.2f}$",
        )
        b.set_xlabel("$n$")
        b.set_ylabel("excess risk")
        b.legend(fontsize=7)
        return ax


def ntk_spectrum_demo(
    *,
    d: int = 4,
    max_degree: int = 30,
    exponent_degrees: Sequence[int] = (4, 8, 16, 32, 64, 128, 256, 512),
    ns: Sequence[int] = (50, 100, 200, 400, 800),
    n_seeds: int = 10,
    n_test: int = 2000,
    ridge: float = 1e-10,
    allowance: float = 0.15,
    seed: int = 0,
) -> NTKSphereSpectrumResult:
    r"""Spectrum of the two-layer ReLU NTK on :math:`S^{d-1}` and the learning curve it implies.

    (1) The eigenvalues :math:`\mu_k`, :math:`k\le` ``max_degree``, of
    :func:`ntk_sphere_eigenvalues` against :func:`dlmath.kernels.funk_hecke` of
    :func:`ntk_sphere_profile` (composite Gauss-Jacobi, pieces graded towards :math:`\pm1`);
    the odd degrees :math:`k\ge3` by quadrature, against those of
    :func:`dlmath.kernels.ntk_kernel` with biases (``sb2 = 1``); the local exponent
    :math:`\log(\mu_{k+2}/\mu_k)/\log(1+2/k)` on the even ``exponent_degrees``, which tends to
    :math:`-d` like :math:`-d + O(1/k)`. (2) For each seed, a unit vector :math:`w`, the target
    :math:`f(x) = \relu(\langle w,x\rangle)` and nested training sets of ``ns`` uniform points;
    kernel ridge regression (:func:`dlmath.kernels.krr_fit`, penalty ``ridge``, no noise) with
    the kernel :math:`\kappa`; the test MSE on ``n_test`` fresh points. The deterministic
    equivalent (:func:`dlmath.kernels.ridge_equivalent`) has the eigenvalues :math:`\mu_k` with
    multiplicities :math:`N(d,k)` for :math:`k\le 600` plus the rest of the trace, and the
    target energies :math:`N(d,k)\lambda_k^2` (:func:`relu_harmonic_coefficients`). Its
    predicted rate is :math:`n^{-3/(d-1)}`.

    Parameters
    ----------
    d : int, default 4
        Ambient dimension, 3 to 6.
    max_degree : int, default 30
        Largest degree of the quadrature check, 6 to 60.
    exponent_degrees : sequence of int, default (4, 8, ..., 512)
        Even degrees >= 2 for the local exponent, at least two.
    ns : sequence of int, default (50, 100, 200, 400, 800)
        Training sizes, at least three distinct values in [10, 3000].
    n_seeds : int, default 10
        Independent targets and samples, >= 4.
    n_test : int, default 2000
        Test points, >= 100.
    ridge : float, default 1e-10
        Penalty :math:`\lambda>0` of :func:`dlmath.kernels.krr_fit`.
    allowance : float, default 0.15
        Relative allowance for the finite-dimension error of the equivalent, in [0, 1).
    seed : int, default 0

    Returns
    -------
    NTKSphereSpectrumResult

    References
    ----------
    Book: chapter *Beyond uniform convergence*, theorem ``kernels-ntk_sphere_spectrum``.
    Bietti, Mairal (2019), Proposition 5; Cheng, Montanari (2022).
    """
    d = check_int(d, "d", minimum=3, maximum=6)
    max_degree = check_int(max_degree, "max_degree", minimum=6, maximum=60)
    kexp = np.array(check_int_sequence(exponent_degrees, "exponent_degrees", minimum=2, min_len=2, increasing=True))
    if np.any(kexp % 2):
        raise ValueError(f"exponent_degrees must be even, got {tuple(kexp)}")
    ns = np.array(sorted(check_int_sequence(ns, "ns", minimum=10, maximum=3000, min_len=3, distinct=True)))
    n_seeds = check_int(n_seeds, "n_seeds", minimum=4)
    n_test = check_int(n_test, "n_test", minimum=100)
    ridge = check_real(ridge, "ridge", minimum=0.0, strict_min=True)
    allowance = check_real(allowance, "allowance", minimum=0.0, maximum=1.0, strict_max=True)
    check_int(seed, "seed", minimum=0)

    r: dict[str, Any] = {"d": d, "ns": ns, "allowance": allowance, "ridge": ridge, "n_seeds": n_seeds, "n_test": n_test}
    # (1) the spectrum: closed form against quadrature, zeros, local exponents
    r["degrees"] = degrees = np.arange(max_degree + 1)
    r["mu_closed"] = mu = ntk_sphere_eigenvalues(d, degrees.tolist())
    r["mu_quad"] = quad = funk_hecke(ntk_sphere_profile, d, degrees.tolist(), breakpoints=_BREAKPOINTS, n_quad=30)
    grid, pos, odd = list(range(max_degree + 1)), mu > 0, np.arange(3, max_degree + 1, 2)
    uncoupled = 2 * relu_harmonic_coefficients(d, grid, 0) ** 2 + 2 * d * relu_harmonic_coefficients(d, grid, 1) ** 2
    r["closed_rel_err"] = float(np.max(np.abs(mu[pos] / quad[pos] - 1)))
    r["closed_rel_err_wrong"] = float(np.max(np.abs(uncoupled[pos] / quad[pos] - 1)))
    r["odd_ratio"] = float(np.max(np.abs(quad[odd]) / mu[odd - 1]))
    biased = funk_hecke(_biased_ntk_profile(d, 1.0), d, grid, breakpoints=_BREAKPOINTS, n_quad=30)
    r["odd_ratio_bias"] = float(np.max(np.abs(biased[odd]) / np.abs(biased[odd - 1])))
    mu_exp = ntk_sphere_eigenvalues(d, np.concatenate([kexp, kexp + 2]).tolist())
    r["exponent_degrees"] = kexp
    r["local_exponent"] = local = np.log(mu_exp[kexp.size :] / mu_exp[: kexp.size]) / np.log((kexp + 2) / kexp)
    r["last_exponent"] = float(local[-1])
    # (2) the learning curve of KRR against the deterministic equivalent (degrees <= 600 + tail)
    ks = list(range(601))
    energy = np.array([harmonic_dimension(d, k) for k in ks], float) * relu_harmonic_coefficients(d, ks, 1) ** 2
    lam, mult, _, a = _spectrum_blocks(d, 600, energy)
    eqs = [ridge_equivalent(lam, a, float(n), ridge=ridge, multiplicities=mult) for n in ns]
    r["equivalent"] = eq = np.array([e.risk for e in eqs])
    r["equivalent_no_inflation"] = no_infl = np.array([e.risk * (1 - e.df2 / n) for e, n in zip(eqs, ns)])
    gen = rng(seed)
    mse = np.zeros((n_seeds, ns.size))
    for s in range(n_seeds):
        w = uniform_sphere(1, d, seed=int(gen.integers(2**31)))[0]
        X = uniform_sphere(int(ns[-1]), d, seed=int(gen.integers(2**31)))  # nested training sets
        Xt = uniform_sphere(n_test, d, seed=int(gen.integers(2**31)))
        y, yt = np.maximum(X @ w, 0.0), np.maximum(Xt @ w, 0.0)
        G, Gt = _gram(X, X), _gram(Xt, X)
        for j, n in enumerate(ns):
            mse[s, j] = np.mean((Gt[:, :n] @ krr_fit(G[:n, :n], y[:n], ridge) - yt) ** 2)
    r["mse"] = med = np.median(mse, axis=0)
    r["mse_se"] = med_se = 1.2533 * mse.std(axis=0, ddof=1) / math.sqrt(n_seeds)  # asymptotic SE of a median
    r["ratio"], r["ratio_se"] = med / eq, med_se / eq
    r["curve_dev"] = float(np.max(np.abs(med / eq - 1) / (3 * med_se / eq + allowance)))
    r["curve_dev_wrong"] = float(np.max(np.abs(med / no_infl - 1) / (3 * med_se / no_infl + allowance)))
    r["slope"], r["slope_equivalent"] = float(loglog_slope(ns, med)), float(loglog_slope(ns, eq))
    boot = rng(seed + 7919)
    reps = [loglog_slope(ns, np.median(mse[boot.integers(0, n_seeds, n_seeds)], axis=0)) for _ in range(200)]
    r["slope_se"], r["predicted_slope"] = float(np.std(reps, ddof=1)), -3.0 / (d - 1)
    return NTKSphereSpectrumResult(**r)


_SPEC_HYP = (
    "two-layer ReLU network without biases, both layers trained (NTK kappa(t) = t kappa_0(t) + kappa_1(t)), "
    "uniform measure on S^{d-1}, d >= 3"
)
declare_check(
    "kernels.ntk_sphere_spectrum",
    label="closed_form",
    quantity="largest relative deviation of the closed-form eigenvalues mu_k > 0 from Funk-Hecke quadrature, k <= 30",
    claim="identity",
    relation="approx",
    measure="closed_rel_err",
    predict=0.0,
    tolerance=1e-9,
    reason="the composite Gauss-Jacobi rule, graded towards the square-root singularities at t = +-1, is accurate "
    "to about 1e-11 relative for d <= 5 (rounding in the Gegenbauer recurrence)",
    hypotheses=_SPEC_HYP,
    wrong="the eigenvalues mu_k(kappa_0) + mu_k(kappa_1), forgetting that multiplication by t couples degree k "
    "to k - 1 and k + 1",
    wrong_measure="closed_rel_err_wrong",
    demo=ntk_spectrum_demo,
)
declare_check(
    "kernels.ntk_sphere_spectrum",
    label="zeros",
    quantity="max over odd k >= 3 of |mu_k| / mu_{k-1}, eigenvalues by quadrature",
    claim="identity",
    relation="approx",
    measure="odd_ratio",
    predict=0.0,
    tolerance=1e-9,
    reason="the odd eigenvalues vanish exactly; quadrature leaves a rounding residue of order 1e-16 absolute",
    hypotheses=_SPEC_HYP,
    wrong="the NTK of the same network with biases (sb2 = 1), whose odd eigenvalues do not vanish",
    wrong_measure="odd_ratio_bias",
    demo=ntk_spectrum_demo,
)
declare_check(
    "kernels.ntk_sphere_spectrum",
    label="decay",
    quantity="local exponent log(mu_{k+2}/mu_k)/log((k+2)/k) at the largest even k of the grid (512)",
    claim="rate",
    relation="approx",
    measure="last_exponent",
    predict=lambda r: -float(r.d),
    tolerance=0.1,
    reason="the exponent is -d + O(1/k) (a ratio of Gamma functions; about d(d-2)/(2k), 0.008 for d = 4 at "
    "k = 512); 0.1 allows for that and rejects the neighbouring integers",
    hypotheses=_SPEC_HYP,
    wrong="the decay k^{-(d-1)} (the local exponent approaches -d from above, so this is the nearer neighbour; "
    "k^{-(d+1)} is rejected as well)",
    wrong_predict=lambda r: -float(r.d - 1),
    demo=ntk_spectrum_demo,
)
declare_check(
    "kernels.ntk_sphere_spectrum",
    label="curve",
    quantity="max over n of |median test MSE / deterministic equivalent - 1| / (3 SE + allowance)",
    claim="equality",
    relation="approx",
    measure="curve_dev",
    predict=0.0,
    tolerance=1.0,
    reason="3 standard errors of the median over the seeds plus a relative allowance of 15% for the error of the "
    "equivalent at fixed small d (measured about 25% at d = 3, 8% at d = 4, 5% at d = 5)",
    hypotheses=_SPEC_HYP + "; x_i i.i.d. uniform, noiseless target relu(<w, x>), ridge 1e-10",
    wrong="the equivalent without the variance inflation factor 1/(1 - df2/n)",
    wrong_measure="curve_dev_wrong",
    demo=ntk_spectrum_demo,
)
declare_check(
    "kernels.ntk_sphere_spectrum",
    label="rate",
    quantity="fitted log-log slope of the median test MSE against n",
    claim="rate",
    relation="approx",
    measure="slope",
    predict="predicted_slope",
    tolerance=lambda r: 3 * r.slope_se + 0.1,
    reason="3 bootstrap standard errors plus 0.1 for the pre-asymptotic range: on the same grid the "
    "equivalent's own slope differs from -3/(d-1) by 0.07 (d = 4)",
    hypotheses=_SPEC_HYP + "; x_i i.i.d. uniform, noiseless target relu(<w, x>), ridge 1e-10",
    wrong="the rate n^{-4/(d-1)} (one unit of 1/(d-1) off; n^{-2/(d-1)} is rejected as well)",
    wrong_predict=lambda r: -4.0 / (r.d - 1),
    demo=ntk_spectrum_demo,
)


@demo_result
class KernelLowDegreeResult(DemoResult):
    r"""Result of :func:`kernel_low_degree_demo`; arrays have one entry per dimension.

    Attributes
    ----------
    dims, ns : numpy.ndarray
        Dimensions :math:`d` and sample sizes :math:`n = \mathrm{round}(d^{\text{exponent}})`.
    exponent : float
    risk, risk_se : numpy.ndarray
        Mean over seeds of the test MSE and its standard error.
    equivalent : numpy.ndarray
        The deterministic equivalent of the risk.
    plateau : float
        :math:`\|P_{\ge2}f\|^2`, the limit of the risk for :math:`d^{1+\delta}\le n\le d^{2-\delta}`.
    frac1, frac1_se, frac2, frac2_se : numpy.ndarray
        Mean over seeds (and standard errors) of :math:`\langle\hat f, f_k\rangle/\|f_k\|^2`, the
        learned fractions of the degree-1 and degree-2 parts.
    frac1_eq, frac2_eq : numpy.ndarray
        :math:`\mu_k/(\mu_k+\kappa)`, the equivalent's fractions.
    risk_dev, risk_dev_wrong : float
        :math:`\max_d|\text{risk}/\text{equivalent}-1|/(3\,\text{se}/\text{equivalent} + 0.03)`,
        and the same with the plateau in place of the equivalent.
    frac_dev, frac_dev_wrong : float
        :math:`\max_{d,k}|\text{frac}_k-\text{frac}_k^{eq}|/(3\,\text{se}+0.02)`, and the same for
        the degree-2 fraction against 1.
    ridge : float
    n_seeds, n_test : int
    """

    dims: np.ndarray
    ns: np.ndarray
    exponent: float
    risk: np.ndarray
    risk_se: np.ndarray
    equivalent: np.ndarray
    plateau: float
    frac1: np.ndarray
    frac1_se: np.ndarray
    frac2: np.ndarray
    frac2_se: np.ndarray
    frac1_eq: np.ndarray
    frac2_eq: np.ndarray
    risk_dev: float
    risk_dev_wrong: float
    frac_dev: float
    frac_dev_wrong: float
    ridge: float
    n_seeds: int
    n_test: int

    def plot(self, ax=None):
        ax = axes(ax)
        x = np.arange(self.dims.size)
        for off, (val, se, eq, name, c) in zip(
            (-0.25, 0.0, 0.25),
            (
                (self.risk, self.risk_se, self.equivalent, "test MSE", COLORS[0]),
                (self.frac1, self.frac1_se, self.frac1_eq, "learned fraction, degree 1", COLORS[1]),
                (self.frac2, self.frac2_se, self.frac2_eq, "learned fraction, degree 2", COLORS[2]),
            ),
        ):
            ax.bar(x + off, val, width=0.22, color=c, alpha=0.7, yerr=2 * se, capsize=2, label=name)
            ax.plot(x + off, eq, "k_", ms=14, mew=2)
        ax.plot([], [], "k_", ms=10, mew=2, label="deterministic equivalent")
        ax.axhline(self.plateau, color="0.4", linestyle=":", label=r"plateau $\|P_{\geq 2}f\|^2$")
        ax.set_xticks(x, [f"$d={d}$\n$n={n}$" for d, n in zip(self.dims, self.ns)])
        ax.set_ylim(0, 1.3)
        ax.legend(fontsize=7, ncol=2, loc="upper left")
        return ax


def kernel_low_degree_demo(
    *,
    dims: Sequence[int] = (20, 30, 40),
    exponent: float = 1.5,
    n_seeds: int = 20,
    n_test: int = 3000,
    ridge: float = 1e-6,
    max_degree: int = 30,
    seed: int = 0,
) -> KernelLowDegreeResult:
    r"""Kernel ridge regression with the NTK in high dimension learns the degree-1 part, not degree 2.

    For each :math:`d`, :math:`n = \mathrm{round}(d^{\text{exponent}})` uniform points on
    :math:`S^{d-1}` and the noiseless target :math:`f = f_1 + f_2`,
    :math:`f_1(x) = \sqrt d\langle u,x\rangle`, :math:`f_2(x) = \sqrt{N(d,2)}\,P_2^{(d)}(\langle v,x\rangle)`
    (random unit :math:`u, v`; :math:`\|f_1\|^2 = \|f_2\|^2 = 1` exactly, so
    :math:`\|P_{\ge2}f\|^2 = 1`); kernel ridge regression with the NTK :func:`ntk_sphere_profile`
    and penalty ``ridge``. Measured: the test MSE on ``n_test`` fresh points, and the learned
    fractions :math:`\langle\hat f,f_k\rangle/\|f_k\|^2`, computed exactly from the Funk-Hecke
    identity :math:`\langle\kappa(\langle x_i,\cdot\rangle), f_k\rangle = \mu_kf_k(x_i)`. The
    deterministic equivalent (:func:`dlmath.kernels.ridge_equivalent`) uses the eigenvalues
    :math:`\mu_k` (:func:`ntk_sphere_eigenvalues`) of degrees :math:`\le` ``max_degree`` with
    multiplicities :math:`N(d,k)` and the rest of the trace as one block.

    Parameters
    ----------
    dims : sequence of int, default (20, 30, 40)
        Dimensions, at least two distinct values in [5, 60].
    exponent : float, default 1.5
        :math:`n = d^{\text{exponent}}`, in (1, 2).
    n_seeds : int, default 20
        Independent draws, >= 4.
    n_test : int, default 3000
        Test points, >= 100.
    ridge : float, default 1e-6
        Penalty :math:`\lambda>0`.
    max_degree : int, default 30
        Degrees listed in the equivalent, 4 to 60.
    seed : int, default 0

    Returns
    -------
    KernelLowDegreeResult

    References
    ----------
    Book: chapter *Beyond uniform convergence*, theorem ``kernels-kernel_low_degree``.
    Ghorbani, Mei, Misiakiewicz, Montanari (2021); Misiakiewicz (2022).
    """
    dims = np.array(sorted(check_int_sequence(dims, "dims", minimum=5, maximum=60, min_len=2, distinct=True)))
    exponent = check_real(exponent, "exponent", minimum=1.0, maximum=2.0, strict_min=True, strict_max=True)
    n_seeds = check_int(n_seeds, "n_seeds", minimum=4)
    n_test = check_int(n_test, "n_test", minimum=100)
    ridge = check_real(ridge, "ridge", minimum=0.0, strict_min=True)
    max_degree = check_int(max_degree, "max_degree", minimum=4, maximum=60)
    check_int(seed, "seed", minimum=0)
    gen = rng(seed)
    ns = np.array([int(round(d**exponent)) for d in dims])
    per = np.zeros((dims.size, n_seeds, 3))  # test MSE, degree-1 and degree-2 fractions
    eq = np.zeros((dims.size, 3))
    for i, (d, n) in enumerate(zip(dims.tolist(), ns.tolist())):
        mu1, mu2 = ntk_sphere_eigenvalues(d, [1, 2])
        N2 = float(harmonic_dimension(d, 2))
        energy = np.zeros(max_degree + 1)
        energy[1] = energy[2] = 1.0
        lam, mult, kept, a = _spectrum_blocks(d, max_degree, energy)
        e = ridge_equivalent(lam, a, float(n), ridge=ridge, multiplicities=mult)
        eq[i] = e.risk, e.learned_fraction[list(kept).index(1)], e.learned_fraction[list(kept).index(2)]
        for s in range(n_seeds):
            u, v = uniform_sphere(2, d, seed=int(gen.integers(2**31)))
            X = uniform_sphere(n, d, seed=int(gen.integers(2**31)))
            Xt = uniform_sphere(n_test, d, seed=int(gen.integers(2**31)))
            p2, p2t = gegenbauer(2, d, X @ v), gegenbauer(2, d, Xt @ v)
            alpha = krr_fit(_gram(X, X), math.sqrt(d) * (X @ u) + math.sqrt(N2) * p2, ridge)
            yt = math.sqrt(d) * (Xt @ u) + math.sqrt(N2) * p2t
            # <kappa(<x_i, .>), f_k> = mu_k f_k(x_i) (Funk-Hecke): the projections are exact
            fracs = mu1 * math.sqrt(d) * float(alpha @ (X @ u)), mu2 * math.sqrt(N2) * float(alpha @ p2)
            per[i, s] = np.mean((_gram(Xt, X) @ alpha - yt) ** 2), *fracs
    mean, se = per.mean(axis=1), per.std(axis=1, ddof=1) / math.sqrt(n_seeds)
    one = np.ones(dims.size)

    def dev(k: int, ref: np.ndarray, allowance: float, relative: bool) -> float:
        scale = ref if relative else one
        return float(np.max(np.abs(mean[:, k] - ref) / scale / (3 * se[:, k] / scale + allowance)))

    return KernelLowDegreeResult(
        dims=dims, ns=ns, exponent=exponent, risk=mean[:, 0], risk_se=se[:, 0], equivalent=eq[:, 0], plateau=1.0,
        frac1=mean[:, 1], frac1_se=se[:, 1], frac2=mean[:, 2], frac2_se=se[:, 2], frac1_eq=eq[:, 1],
        frac2_eq=eq[:, 2], risk_dev=dev(0, eq[:, 0], 0.03, True), risk_dev_wrong=dev(0, one, 0.03, True),
        frac_dev=max(dev(1, eq[:, 1], 0.02, False), dev(2, eq[:, 2], 0.02, False)),
        frac_dev_wrong=dev(2, one, 0.02, False), ridge=ridge, n_seeds=n_seeds, n_test=n_test,
    )  # fmt: skip


_LOW_HYP = (
    "x_i i.i.d. uniform on S^{d-1}, rotation-invariant kernel (the ReLU NTK) with positive eigenvalues at degrees "
    "0, 1, 2, n = d^1.5 (between d^(1+delta) and d^(2-delta)), noiseless target of degrees 1 and 2, small ridge"
)
declare_check(
    "kernels.kernel_low_degree",
    label="risk",
    quantity="max over d of |test MSE / deterministic equivalent - 1| / (3 SE / equivalent + 0.03)",
    claim="equality",
    relation="approx",
    measure="risk_dev",
    predict=0.0,
    tolerance=1.0,
    reason="3 standard errors of the mean over the seeds plus 3% for the finite-n error of the equivalent",
    hypotheses=_LOW_HYP,
    wrong="the plateau ||P_{>=2} f||^2 = 1, the limit that the risk at finite d has not reached",
    wrong_measure="risk_dev_wrong",
    demo=kernel_low_degree_demo,
)
declare_check(
    "kernels.kernel_low_degree",
    label="fractions",
    quantity="max over d and k in {1, 2} of |learned fraction - mu_k/(mu_k + kappa)| / (3 SE + 0.02)",
    claim="equality",
    relation="approx",
    measure="frac_dev",
    predict=0.0,
    tolerance=1.0,
    reason="3 standard errors of the mean over the seeds plus 0.02 for the finite-n error of the equivalent",
    hypotheses=_LOW_HYP,
    wrong="the degree-2 part is learned (fraction 1)",
    wrong_measure="frac_dev_wrong",
    demo=kernel_low_degree_demo,
)
