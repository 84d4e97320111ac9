r"""Theorem ``pde-pinn_generalization``: the generalisation error of a PINN is bounded by its training
residual plus a quadrature error.

The demo :func:`pinn_generalization_demo` trains random-feature PINNs (``dlmath.pde.rf_pinn``)
on midpoints and on Monte Carlo points, measures the training residual, the true residual and the
error, the quadrature errors of the midpoint rule (order :math:`N^{-2}`) and of Monte Carlo (order
:math:`N^{-1/2}`), and evaluates the conclusion of the theorem with the midpoint-rule constant
:math:`C_v = \|(r_v^2)''\|_\infty/24` of each trained network.

References
----------
Mishra and Molinaro (2023), Sec. 2 (abstract framework).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..plotting import slope_guide
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_int, check_int_sequence, loglog_slope, rng
from ._common import _PI, _two_axes
from .poisson import _residual_fn, l2_norm, poisson_exact, poisson_rhs
from .rf_pinn import rf_pinn_poisson

__all__ = ["PINNGeneralizationResult", "pinn_generalization_demo"]


def _midpoint_constant(eval_fn, n_grid: int = 801) -> float:
    """max |(r^2)^(2)|/24 on a fine grid, r = -v^(2) - f: the midpoint-rule constant of one trial function.

    (r^2)^(2) = 2((r^(1))^2 + r r^(2)), r^(k) = -v^(k+2) - f^(k).
    """
    x = np.linspace(0.0, 1.0, n_grid)
    r = -eval_fn(x, 2) - poisson_rhs(x)
    f1 = _PI**3 * np.cos(_PI * x) + 13.5 * _PI**3 * np.cos(3 * _PI * x)
    f2 = -(_PI**4) * np.sin(_PI * x) - 40.5 * _PI**4 * np.sin(3 * _PI * x)
    r1 = -eval_fn(x, 3) - f1
    r2 = -eval_fn(x, 4) - f2
    return float(np.max(np.abs(2.0 * (r1**2 + r * r2))) / 24.0)


# ---------------------------------------------------------------------------------------------
# demos: pde.pinn_generalization
# ---------------------------------------------------------------------------------------------


@demo_result
class PINNGeneralizationResult(DemoResult):
    """Result of :func:`pinn_generalization_demo`.

    Attributes
    ----------
    Ns : numpy.ndarray
        Numbers of collocation points.
    train_resid, true_resid, gen_err : numpy.ndarray
        Training residual :math:`\\mathcal E_T` (root of the midpoint-rule loss), true residual
        :math:`\\|r\\|_{L^2}` and generalisation error :math:`\\|u-v\\|_{L^2}` of the PINN
        trained on ``N`` midpoints.
    train_resid_mc, true_resid_mc, gen_err_mc : numpy.ndarray
        The same for Monte Carlo collocation, medians over 5 seeds.
    quad_err_mid, quad_err_mc : numpy.ndarray
        For one fixed trial function: :math:`|Q_N(r^2) - \\|r\\|^2|` for the midpoint rule, and
        its root-mean-square over 400 independent Monte Carlo rules.
    rate_mid, rate_mc : float
        Fitted log-log slopes of the two quadrature errors over the three largest ``N`` (the
        rates are asymptotic statements).
    predicted_mid, predicted_mc : float
        -2 and -1/2.
    max_stability_ratio : float
        :math:`\\max \\pi^2\\|u-v\\| / \\|r\\|` over all trained networks (at most 1).
    overfit_train, overfit_true : float
        :math:`\\mathcal E_T` and :math:`\\|r\\|` of the over-parametrised fit ``m = 40 > N = 20``.
    c_quad : numpy.ndarray
        For the network trained on ``N`` midpoints: :math:`C_v = \\|(r_v^2)''\\|_\\infty/24` (maximum on
        801 points), the constant of (a) for the class :math:`\\mathcal V = \\{v\\}`.
    gen_bound : numpy.ndarray
        The conclusion :math:`\\pi^{-2}(\\mathcal E_T + C_v^{1/2}N^{-1})` of the theorem for that network.
    gen_ratio_max : float
        :math:`\\max_N \\|u-v\\|/` ``gen_bound`` (theory: at most 1).
    gen_ratio_no_quad : float
        :math:`\\max_N \\pi^2\\|u-v\\|/\\mathcal E_T`, the ratio under the bound without the quadrature term.
    """

    Ns: np.ndarray
    train_resid: np.ndarray
    true_resid: np.ndarray
    gen_err: np.ndarray
    train_resid_mc: np.ndarray
    true_resid_mc: np.ndarray
    gen_err_mc: np.ndarray
    quad_err_mid: np.ndarray
    quad_err_mc: np.ndarray
    rate_mid: float
    rate_mc: float
    predicted_mid: float
    predicted_mc: float
    max_stability_ratio: float
    overfit_train: float
    overfit_true: float
    c_quad: np.ndarray
    gen_bound: np.ndarray
    gen_ratio_max: float
    gen_ratio_no_quad: float

    def plot(self, ax=None):
        ax1, ax2 = _two_axes(ax, height=3.4)
        ax1.loglog(self.Ns, self.train_resid, "o-", label=r"training $\mathcal{E}_T$ (midpoints)")
        ax1.loglog(self.Ns, self.true_resid, "s-", label=r"true $\|r\|_{L^2}$ (midpoints)")
        ax1.loglog(self.Ns, _PI**2 * self.gen_err, "^--", label=r"$\pi^2\|u-v\|$ (midpoints)")
        ax1.loglog(self.Ns, self.true_resid_mc, "s:", label=r"true $\|r\|_{L^2}$ (Monte Carlo)")
        ax1.set_xlabel("collocation points $N$")
        ax1.set_title("training vs generalisation")
        ax1.legend(fontsize=7)
        ax2.loglog(self.Ns, self.quad_err_mid, "o-", label=f"midpoint, slope {self.rate_mid:.2f}")
        ax2.loglog(self.Ns, self.quad_err_mc, "s-", label=f"Monte Carlo (RMS), slope {self.rate_mc:.2f}")
        slope_guide(ax2, self.Ns, -2.0, anchor=(self.Ns[0], self.quad_err_mid[0]))
        slope_guide(ax2, self.Ns, -0.5, anchor=(self.Ns[0], self.quad_err_mc[0]), color="0.6")
        ax2.set_xlabel("quadrature points $N$")
        ax2.set_title(r"quadrature error of $\|r\|^2$")
        ax2.legend(fontsize=7)
        return ax1, ax2


def pinn_generalization_demo(
    *, Ns: Any = (10, 20, 40, 80, 160), m: int = 20, seed: int = 0
) -> PINNGeneralizationResult:
    r"""Generalisation of random-feature PINNs: training residual plus quadrature error.

    For each :math:`N` in ``Ns`` the random-feature PINN with ``m`` features is trained on
    :math:`N` midpoints and on :math:`N` uniform random points (5 seeds). Reported are the
    training residual :math:`\mathcal E_T = (\frac1N\sum_i r(x_i)^2)^{1/2}`, the true residual
    :math:`\|r\|_{L^2}` and the error :math:`\|u - v\|_{L^2}`. Separately, for the fixed trial
    function trained with ``m = 5`` features on 200 midpoints, the quadrature error
    :math:`|Q_N(r^2) - \|r\|^2_{L^2}|` is measured for the midpoint rule (theory: order
    :math:`N^{-2}`) and, as a root mean square over 400 draws, for Monte Carlo (theory:
    exactly :math:`\operatorname{sd}(r^2(X))\,N^{-1/2}`).

    Parameters
    ----------
    Ns : sequence of int, default (10, 20, 40, 80, 160)
        Numbers of collocation points, at least two distinct values >= 1.
    m : int, default 20
        Number of random features of the trained PINNs.
    seed : int, default 0
        Seed of the random features and of the Monte Carlo points.

    Returns
    -------
    PINNGeneralizationResult

    References
    ----------
    Book: chapter *Physics-informed neural networks*, theorem ``pde-pinn_generalization``.
    Mishra and Molinaro (2023), Sec. 2 (abstract framework).
    """
    Ns_arr = np.array(check_int_sequence(Ns, "Ns", minimum=1, min_len=2), dtype=np.int64)
    if len(np.unique(Ns_arr)) < 2:
        raise ValueError("Ns must contain positive integers, at least two distinct")
    m = check_int(m, "m", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    g = rng(seed)

    def stats(v, pts):
        """Training residual E_T on ``pts``, true residual ||r|| and error ||u - v|| of ``v``."""
        r = _residual_fn(v)
        return (
            float(np.sqrt(np.mean(r(pts) ** 2))),
            l2_norm(r),
            l2_norm(lambda x: poisson_exact(x) - v(x)),
        )

    # per N: the PINN trained on N midpoints, and the medians over 5 Monte Carlo point sets
    train_mid, true_mid, err_mid, c_quad = [], [], [], []
    train_mc, true_mc, err_mc = [], [], []
    for N in Ns_arr:
        pts = (np.arange(N) + 0.5) / N
        _, v = rf_pinn_poisson(m, int(N), seed)
        train_resid, true_resid, gen_err = stats(v, pts)
        train_mid.append(train_resid), true_mid.append(true_resid), err_mid.append(gen_err)
        c_quad.append(_midpoint_constant(v))
        mc_stats = []
        for _ in range(5):
            p = g.uniform(0.0, 1.0, size=int(N))
            _, v = rf_pinn_poisson(m, seed=seed, points=p)
            mc_stats.append(stats(v, p))
        median = np.median(np.array(mc_stats), axis=0)
        train_mc.append(median[0]), true_mc.append(median[1]), err_mc.append(median[2])
    train_mid, true_mid, err_mid, train_mc, true_mc, err_mc = map(
        np.array, (train_mid, true_mid, err_mid, train_mc, true_mc, err_mc)
    )

    # quadrature error for one fixed trial function
    _, v = rf_pinn_poisson(5, 200, seed)
    r = _residual_fn(v)
    exact = l2_norm(r) ** 2
    quad_err_mid, quad_err_mc = [], []
    for N in Ns_arr:
        pts = (np.arange(N) + 0.5) / N
        quad_err_mid.append(abs(np.mean(r(pts) ** 2) - exact))
        draws = g.uniform(0.0, 1.0, size=(400, int(N)))
        est = np.mean(r(draws.ravel()).reshape(draws.shape) ** 2, axis=1)
        quad_err_mc.append(float(np.sqrt(np.mean((est - exact) ** 2))))
    quad_err_mid, quad_err_mc = np.array(quad_err_mid), np.array(quad_err_mc)
    # the rates are asymptotic statements: fit them on the three largest N
    tail = Ns_arr >= np.sort(np.unique(Ns_arr))[-min(3, len(np.unique(Ns_arr)))]

    _, v = rf_pinn_poisson(40, 20, seed)
    of_train, of_true, _ = stats(v, (np.arange(20) + 0.5) / 20)
    stability_ratio = max(np.max(_PI**2 * err_mid / true_mid), np.max(_PI**2 * err_mc / true_mc))
    c_quad = np.array(c_quad)
    gen_bound = (train_mid + np.sqrt(c_quad) / Ns_arr) / _PI**2
    return PINNGeneralizationResult(
        Ns=Ns_arr.astype(np.float64),
        train_resid=train_mid,
        true_resid=true_mid,
        gen_err=err_mid,
        train_resid_mc=train_mc,
        true_resid_mc=true_mc,
        gen_err_mc=err_mc,
        quad_err_mid=quad_err_mid,
        quad_err_mc=quad_err_mc,
        rate_mid=loglog_slope(Ns_arr[tail], quad_err_mid[tail]),
        rate_mc=loglog_slope(Ns_arr[tail], quad_err_mc[tail]),
        predicted_mid=-2.0,
        predicted_mc=-0.5,
        max_stability_ratio=float(stability_ratio),
        overfit_train=of_train,
        overfit_true=of_true,
        c_quad=c_quad,
        gen_bound=gen_bound,
        gen_ratio_max=float(np.max(err_mid / gen_bound)),
        gen_ratio_no_quad=float(np.max(_PI**2 * err_mid / train_mid)),
    )


declare_check(
    "pde.pinn_generalization",
    label="conclusion",
    quantity="largest ratio of ||u - v|| to pi^-2 (E_T + C_v^(1/2)/N) over the networks trained on N midpoints, "
    "C_v = ||(r_v^2)''||_inf/24 computed for each network",
    claim="upper bound",
    relation="<=",
    measure="gen_ratio_max",
    predict=1.0,
    tolerance=0.0,
    reason="a bound: no slack (norms by Gauss-Legendre quadrature, C_v from 801 points, derivatives by "
    "autograd); not sharp, tightness reported",
    hypotheses="V = {v} for each trained network: v(0) = v(1) = 0, r_v^2 smooth, midpoint rule with alpha = 2 "
    "and C_quad = C_v (part (a))",
    wrong="the bound without the quadrature term, pi^-2 E_T (training residual alone)",
    wrong_measure="gen_ratio_no_quad",
    demo=pinn_generalization_demo,
)
declare_check(
    "pde.pinn_generalization",
    label="midpoint",
    quantity="fitted slope of the midpoint quadrature error against N (part (a), one fixed trial function)",
    claim="rate",
    relation="approx",
    measure="rate_mid",
    predict="predicted_mid",
    tolerance=0.2,
    reason="pre-asymptotic range of the log-log fit over the demo's N",
    hypotheses="the squared residual is C^2 on [0, 1]; midpoint rule error O(N^-2)",
    wrong="rate N^-1 (the rectangle rule's)",
    wrong_predict=-1.0,
    demo=pinn_generalization_demo,
)
declare_check(
    "pde.pinn_generalization",
    label="monte_carlo",
    quantity="fitted slope of the RMS Monte Carlo quadrature error against N (part (b), one fixed trial function)",
    claim="rate",
    relation="approx",
    measure="rate_mc",
    predict="predicted_mc",
    tolerance=0.2,
    reason="Monte Carlo fluctuation of the RMS over repetitions and the fit over the demo's N",
    hypotheses="i.i.d. uniform collocation points, squared residual of finite variance",
    wrong="rate N^-1 (the quasi-Monte Carlo rate)",
    wrong_predict=-1.0,
    demo=pinn_generalization_demo,
)
