r"""The bias of the unadjusted Langevin algorithm on a Gaussian posterior, with an exact or a smoothed prior.

For a Gaussian target :math:`\pi = N(m, \Sigma)`, :math:`P = \Sigma^{-1}`, the unadjusted Langevin
algorithm :math:`x_{k+1} = x_k + \eta\nabla\log\pi(x_k) + \sqrt{2\eta}\,\xi_k` is a linear
recursion; for :math:`0 < \eta < 2/\lambda_{\max}(P)` its stationary law is
:math:`N(m, S_\eta)` with :math:`S_\eta = \Sigma(I - \eta P/2)^{-1}`
(:func:`ula_stationary_covariance`), the solution of a discrete Lyapunov equation
(:func:`ula_lyapunov_covariance`). Replacing the prior's score by the Tweedie score of its
Gaussian smoothing at level :math:`\varepsilon` moves the target to the posterior of the prior
covariance :math:`C + \varepsilon^2 I` (:func:`gaussian_posterior`). :func:`langevin_demo`
measures the two biases separately (chapter *Generative priors and image analysis*, theorem
``inverse-langevin_bias``).

References
----------
Roberts and Tweedie (1996); Durmus and Moulines (2017); Laumont et al. (2022).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
from scipy.linalg import solve_discrete_lyapunov

from ..plotting import COLORS, figure_grid
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_int, check_real, check_real_sequence, like_input, rng

__all__ = [
    "gaussian_posterior",
    "ula_stationary_covariance",
    "ula_lyapunov_covariance",
    "LangevinBiasResult",
    "langevin_demo",
]


def _spd(value: Any, name: str) -> np.ndarray:
    M = as_array(value, name, ndim=2, min_size=1)
    if M.shape[0] != M.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {M.shape}")
    if not np.allclose(M, M.T, rtol=0.0, atol=1e-12 * max(1.0, float(np.abs(M).max()))):
        raise ValueError(f"{name} must be symmetric")
    if np.linalg.eigvalsh(M)[0] <= 0:
        raise ValueError(f"{name} must be positive definite")
    return M


def gaussian_posterior(A: Any, noise_std: float, prior_cov: Any, y: Any) -> tuple[Any, Any]:
    r"""Mean and covariance of :math:`x \mid y` for :math:`y = Ax + \tau z`, :math:`x \sim N(0, C)`.

    The posterior is :math:`N(m, \Sigma)` with precision :math:`\Sigma^{-1} = C^{-1} + A^\top A/\tau^2`
    and mean :math:`m = \Sigma A^\top y/\tau^2` (chapter *Generative priors and image analysis*).

    Parameters
    ----------
    A : array_like or torch.Tensor, shape (p, d)
        Forward operator.
    noise_std : float
        :math:`\tau > 0`.
    prior_cov : array_like, shape (d, d)
        Symmetric positive definite prior covariance :math:`C`.
    y : array_like, shape (p,)
        Observation.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray) or (torch.Tensor, torch.Tensor)
        :math:`m`, shape (d,), and :math:`\Sigma`, shape (d, d), in the kind of ``A``.

    Examples
    --------
    >>> import numpy as np
    >>> m, S = gaussian_posterior(np.eye(1), 1.0, np.eye(1), np.array([2.0]))
    >>> float(m[0]), float(S[0, 0])
    (1.0, 0.5)

    References
    ----------
    Laumont et al. (2022), Section 2.
    """
    A_ = as_array(A, "A", ndim=2, min_size=1)
    tau = check_real(noise_std, "noise_std", minimum=0.0, strict_min=True)
    C = _spd(prior_cov, "prior_cov")
    y_ = as_array(y, "y", ndim=1)
    if C.shape[0] != A_.shape[1]:
        raise ValueError(f"prior_cov must have shape ({A_.shape[1]}, {A_.shape[1]}), got {C.shape}")
    if y_.shape != (A_.shape[0],):
        raise ValueError(f"y must have shape ({A_.shape[0]},), got {y_.shape}")
    prec = np.linalg.inv(C) + A_.T @ A_ / tau**2
    Sigma = np.linalg.inv(prec)
    Sigma = (Sigma + Sigma.T) / 2
    return like_input(Sigma @ A_.T @ y_ / tau**2, A), like_input(Sigma, A)


def _step(eta: Any, L: float) -> float:
    eta = check_real(eta, "eta", minimum=0.0, strict_min=True)
    if not eta * L < 2:
        raise ValueError(f"eta must be below 2/L = {2 / L:.6g} (L the largest eigenvalue of the precision), got {eta}")
    return eta


def ula_stationary_covariance(precision: Any, eta: float) -> Any:
    r"""Closed form :math:`S_\eta = \Sigma(I - \eta P/2)^{-1}` of the stationary covariance of ULA.

    For the target :math:`N(m, P^{-1})`, :math:`P` symmetric positive definite with largest
    eigenvalue :math:`L` and :math:`0 < \eta < 2/L`, the chain
    :math:`x_{k+1} = x_k - \eta P(x_k - m) + \sqrt{2\eta}\,\xi_k` has the unique stationary law
    :math:`N(m, S_\eta)`; in the eigenbasis of :math:`P` the variances are
    :math:`1/(p_i(1 - \eta p_i/2))` (chapter *Generative priors and image analysis*, theorem
    ``inverse-langevin_bias``).

    Parameters
    ----------
    precision : array_like or torch.Tensor, shape (d, d)
        :math:`P`, symmetric positive definite.
    eta : float
        Step size in :math:`(0, 2/L)`.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (d, d)
        :math:`S_\eta`.

    Examples
    --------
    >>> import numpy as np
    >>> ula_stationary_covariance(np.array([[2.0]]), 0.5)  # 1/(2 (1 - 1/2))
    array([[1.]])
    """
    P = _spd(precision, "precision")
    p, U = np.linalg.eigh(P)
    eta = _step(eta, float(p[-1]))
    S = (U / (p * (1 - eta * p / 2))) @ U.T
    return like_input((S + S.T) / 2, precision)


def ula_lyapunov_covariance(drift_matrix: Any, eta: float) -> Any:
    r"""Stationary covariance of :math:`x_{k+1} = (I + \eta M)x_k + \eta c + \sqrt{2\eta}\,\xi_k`.

    It is the solution :math:`S` of the discrete Lyapunov equation
    :math:`S = (I + \eta M)S(I + \eta M)^\top + 2\eta I`, which exists and is unique when the
    spectral radius of :math:`I + \eta M` is below 1 (for :math:`M = -P`: :math:`0 < \eta < 2/L`).
    Solved by ``scipy.linalg.solve_discrete_lyapunov``, without the eigenvalues of
    :math:`M` (chapter *Generative priors and image analysis*, theorem ``inverse-langevin_bias``).

    Parameters
    ----------
    drift_matrix : array_like or torch.Tensor, shape (d, d)
        :math:`M`, the linear part of the drift :math:`\nabla\log\pi(x) = Mx + c`.
    eta : float
        Step size, > 0, with :math:`\rho(I + \eta M) < 1`.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (d, d)
        :math:`S`.

    Examples
    --------
    >>> import numpy as np
    >>> ula_lyapunov_covariance(-np.array([[2.0]]), 0.5)  # S = 0 S + 1
    array([[1.]])
    """
    M = as_array(drift_matrix, "drift_matrix", ndim=2, min_size=1)
    if M.shape[0] != M.shape[1]:
        raise ValueError(f"drift_matrix must be a square matrix, got shape {M.shape}")
    eta = check_real(eta, "eta", minimum=0.0, strict_min=True)
    T = np.eye(M.shape[0]) + eta * M
    if np.abs(np.linalg.eigvals(T)).max() >= 1:
        raise ValueError("eta must make the spectral radius of I + eta * drift_matrix below 1")
    S = solve_discrete_lyapunov(T, 2 * eta * np.eye(M.shape[0]))
    return like_input((S + S.T) / 2, drift_matrix)


def _demo_problem(d: int, seed: int):
    """A, tau = 1, C = diag(0.5..1.5), y = A x + noise: a well-conditioned linear-Gaussian problem."""
    gen = rng(seed)
    Q1, _ = np.linalg.qr(gen.standard_normal((d, d)))
    Q2, _ = np.linalg.qr(gen.standard_normal((d, d)))
    A = Q1 @ np.diag(np.linspace(1.0, 2.0, d)) @ Q2.T
    C = np.diag(np.linspace(0.5, 1.5, d))
    x = np.sqrt(np.diag(C)) * gen.standard_normal(d)
    return A, 1.0, C, A @ x + gen.standard_normal(d), gen


def _linear_drift(drift, d: int) -> tuple[np.ndarray, np.ndarray]:
    """(M, c) with drift(x) = M x + c, read off from the drift at 0 and at the basis vectors."""
    c = drift(np.zeros((1, d)))[0]
    return (drift(np.eye(d)) - c).T, c


def _slope_bound(etas: np.ndarray, g_range: float) -> float:
    """Largest change of a least-squares log-log slope from a perturbation of log y of oscillation g_range."""
    t = np.log(etas)
    dt = t - t.mean()
    return float(g_range / 2 * np.abs(dt).sum() / (dt**2).sum())


@demo_result
class LangevinBiasResult(DemoResult):
    r"""Result of :func:`langevin_demo`.

    Attributes
    ----------
    d, eps, L : int, float, float
        Dimension, prior smoothing level :math:`\varepsilon`, :math:`L = \lambda_{\max}(\Sigma^{-1})`.
    etas : numpy.ndarray
        Step sizes.
    bias_fro, bias_fro_eps : numpy.ndarray
        :math:`\|S_\eta - \Sigma\|_F` for the exact chain and for the chain with the smoothed prior
        (both from the Lyapunov equation).
    lyap_dev : float
        :math:`\max_\eta\|S^{\rm Lyap}_\eta - \Sigma(I - \eta P/2)^{-1}\|_F / \|\Sigma\|_F`.
    constant, constant_bound, const_dev : float
        :math:`\operatorname{tr}((S_\eta - \Sigma)/\eta)/d` at the smallest :math:`\eta`, the bound
        :math:`\frac12\frac{\eta L/2}{1 - \eta L/2}` on its distance to :math:`\frac12`, and
        :math:`\|(S_\eta - \Sigma)/\eta - I/2\|_2`.
    rate, rate_bound : float
        Least-squares slope of :math:`\log\|S_\eta - \Sigma\|_F` against :math:`\log\eta`, and the
        bound on its distance to 1.
    eta_mc, n_chains, n_steps : float, int, int
        The Monte Carlo step size (the largest of ``etas``), chains and steps per chain.
    emp_mean, emp_cov, S_mc, Sigma, m : numpy.ndarray
        Empirical mean and covariance over the chains at the last step, :math:`S_{\eta}` at
        ``eta_mc``, the posterior covariance and mean.
    cov_se : numpy.ndarray
        Standard errors of the entries of ``emp_cov``.
    mc_z, mc_z_wrong : float
        Largest absolute z-score of the mean against :math:`m` and of the covariance entries
        against :math:`S_\eta`, and against :math:`\Sigma` (no bias).
    eps_bias_pred, eps_bias_meas : numpy.ndarray
        :math:`\Sigma_\varepsilon - \Sigma` (the posterior of the prior :math:`C + \varepsilon^2 I`
        minus the true one) and the chain's covariance bias as :math:`\eta\to0` (Richardson
        extrapolation :math:`2S_{\eta/2} - S_\eta` at the smallest :math:`\eta`).
    prior_dev, prior_dev_wrong, prior_tol : float
        :math:`\|` ``eps_bias_meas`` :math:`-` ``eps_bias_pred`` :math:`\|_2`, the same against
        :math:`\varepsilon^2 I`, and the bound on the extrapolation error.
    mean_eps_dev, mean_eps_shift : float
        :math:`\|m^{\rm chain}_\varepsilon - m_\varepsilon\|` and :math:`\|m_\varepsilon - m\|`.
    """

    d: int
    eps: float
    L: float
    etas: np.ndarray
    bias_fro: np.ndarray
    bias_fro_eps: np.ndarray
    lyap_dev: float
    constant: float
    constant_bound: float
    const_dev: float
    rate: float
    rate_bound: float
    eta_mc: float
    n_chains: int
    n_steps: int
    emp_mean: np.ndarray
    emp_cov: np.ndarray
    cov_se: np.ndarray
    S_mc: np.ndarray
    Sigma: np.ndarray
    m: np.ndarray
    mc_z: float
    mc_z_wrong: float
    eps_bias_pred: np.ndarray
    eps_bias_meas: np.ndarray
    prior_dev: float
    prior_dev_wrong: float
    prior_tol: float
    mean_eps_dev: float
    mean_eps_shift: float

    def plot(self, ax=None):
        fig, grid = figure_grid(2, width=10.0, height=3.8)
        a, b = grid[0]
        e = self.etas
        a.loglog(e, self.bias_fro, "o-", color=COLORS[0], label=r"exact prior: $\|S_\eta - \Sigma\|_F$")
        a.loglog(e, math.sqrt(self.d) * e / 2, "--", color="0.3", label=r"$\|\eta I/2\|_F$")
        a.loglog(e, math.sqrt(self.d) * e, ":", color="0.6", label=r"$\|\eta I\|_F$ (wrong constant)")
        a.loglog(e, self.bias_fro_eps, "s-", color=COLORS[1], label=rf"smoothed prior, $\varepsilon = {self.eps:g}$")
        a.axhline(
            np.linalg.norm(self.eps_bias_pred),
            color=COLORS[1],
            lw=0.8,
            ls="--",
            label=r"$\|\Sigma_\varepsilon - \Sigma\|_F$",
        )
        from matplotlib.ticker import NullFormatter

        a.xaxis.set_minor_formatter(NullFormatter())
        a.set_xlabel(r"step size $\eta$")
        a.set_ylabel("covariance bias (Frobenius)")
        a.legend(fontsize=7)
        i = np.arange(self.d)
        b.errorbar(
            i,
            np.diag(self.emp_cov),
            yerr=2 * np.diag(self.cov_se),
            fmt="o",
            color=COLORS[0],
            capsize=3,
            label=rf"chains, $\eta = {self.eta_mc:g}$ ($\pm$2 SE)",
        )
        b.plot(i, np.diag(self.S_mc), "_", ms=18, mew=2, color=COLORS[2], label=r"$S_\eta$")
        b.plot(i, np.diag(self.Sigma), "_", ms=18, mew=2, color="0.5", label=r"$\Sigma$")
        b.set_xticks(i, [f"$x_{k + 1}$" for k in i])
        b.set_ylabel("stationary variance")
        b.legend(fontsize=7)
        return fig


def langevin_demo(
    *,
    d: int = 3,
    etas: Sequence[float] = (0.005, 0.01, 0.02, 0.04, 0.08),
    n_chains: int = 50000,
    n_steps: int = 200,
    eps: float = 0.3,
    seed: int = 0,
) -> LangevinBiasResult:
    r"""ULA on a linear-Gaussian posterior: the step-size bias and the bias of a smoothed prior.

    The problem: :math:`y = Ax + z`, :math:`z\sim N(0, I_d)`, prior :math:`x \sim N(0, C)` with
    :math:`C = \operatorname{diag}(0.5, \dots, 1.5)` and :math:`A` with singular values from 1 to 2
    (drawn from ``seed``); the posterior is :math:`N(m, \Sigma)` (:func:`gaussian_posterior`),
    :math:`P = \Sigma^{-1}`, :math:`L = \lambda_{\max}(P)`. (i) For every :math:`\eta` the
    stationary covariance solved from the Lyapunov equation (:func:`ula_lyapunov_covariance`) is
    compared with the closed form (:func:`ula_stationary_covariance`); the leading constant
    :math:`\operatorname{tr}((S_\eta - \Sigma)/\eta)/d` at the smallest :math:`\eta` and the slope of
    :math:`\|S_\eta - \Sigma\|_F` against :math:`\eta` are measured. (ii) ``n_chains`` independent
    chains started at 0 run ``n_steps`` steps at the largest :math:`\eta`; their final states give
    the empirical mean and covariance with standard errors. (iii) The prior score is replaced
    by the Tweedie score :math:`(D_\varepsilon(x) - x)/\varepsilon^2` of the MMSE denoiser
    :math:`D_\varepsilon(x) = C(C + \varepsilon^2 I)^{-1}x` of the prior; the chain's stationary
    law (from its drift, read off by evaluating it) is extrapolated to :math:`\eta\to0` and
    compared with the posterior of the prior :math:`N(0, C + \varepsilon^2 I)`.

    Parameters
    ----------
    d : int, default 3
        Dimension, >= 1.
    etas : sequence of float, default (0.005, 0.01, 0.02, 0.04, 0.08)
        At least two distinct step sizes in :math:`(0, 2/L)`.
    n_chains : int, default 50000
        Independent chains, >= 100.
    n_steps : int, default 200
        Steps per chain, >= 1 (enough for the transient :math:`(I - \eta P)^k` to vanish).
    eps : float, default 0.3
        Smoothing level :math:`\varepsilon > 0` of the prior.
    seed : int, default 0

    Returns
    -------
    LangevinBiasResult

    References
    ----------
    Book: chapter *Generative priors and image analysis*, theorem ``inverse-langevin_bias``.
    Roberts and Tweedie (1996); Durmus and Moulines (2017); Laumont et al. (2022).
    """
    d = check_int(d, "d", minimum=1)
    etas = np.sort(check_real_sequence(etas, "etas", minimum=0.0, strict_min=True, min_len=2))
    if np.unique(etas).size != etas.size:
        raise ValueError("etas must be distinct")
    n_chains = check_int(n_chains, "n_chains", minimum=100)
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    eps = check_real(eps, "eps", minimum=0.0, strict_min=True)
    seed = check_int(seed, "seed", minimum=0)
    A, tau, C, y, gen = _demo_problem(d, seed)
    m, Sigma = gaussian_posterior(A, tau, C, y)
    P = np.linalg.inv(Sigma)
    L = float(np.linalg.eigvalsh(P)[-1])
    _step(etas[-1], L)  # every step size below 2/L
    AtA, Aty = A.T @ A / tau**2, A.T @ y / tau**2

    # (i) the exact chain: Lyapunov solutions against the closed form
    Cinv = np.linalg.inv(C)
    M_exact, _ = _linear_drift(lambda x: -x @ AtA.T + Aty - x @ Cinv.T, d)  # likelihood + prior score
    S_lyap = np.array([ula_lyapunov_covariance(M_exact, e) for e in etas])
    S_closed = np.array([ula_stationary_covariance(P, e) for e in etas])
    lyap_dev = float(np.max(np.linalg.norm(S_lyap - S_closed, axis=(1, 2))) / np.linalg.norm(Sigma))
    bias = S_lyap - Sigma
    bias_fro = np.linalg.norm(bias, axis=(1, 2))
    e0 = float(etas[0])
    constant = float(np.trace(bias[0]) / (d * e0))
    constant_bound = 0.5 * (e0 * L / 2) / (1 - e0 * L / 2)
    const_dev = float(np.linalg.norm(bias[0] / e0 - np.eye(d) / 2, 2))
    rate = float(np.polyfit(np.log(etas), np.log(bias_fro), 1)[0])
    rate_bound = _slope_bound(etas, -math.log(1 - float(etas[-1]) * L / 2))

    # (ii) Monte Carlo: independent chains at the largest step size
    eta = float(etas[-1])
    x = np.zeros((n_chains, d))
    T = np.eye(d) - eta * P
    for _ in range(n_steps):
        x = x @ T.T + eta * Aty + math.sqrt(2 * eta) * gen.standard_normal((n_chains, d))
    emp_mean = x.mean(axis=0)
    xc = x - emp_mean
    prods = xc[:, :, None] * xc[:, None, :]
    emp_cov = prods.mean(axis=0) * n_chains / (n_chains - 1)
    cov_se = prods.std(axis=0, ddof=1) / math.sqrt(n_chains)
    mean_se = x.std(axis=0, ddof=1) / math.sqrt(n_chains)
    iu = np.triu_indices(d)
    S_mc = S_closed[-1]

    def zmax(target_cov):
        z_cov = (emp_cov - target_cov)[iu] / cov_se[iu]
        return float(max(np.abs((emp_mean - m) / mean_se).max(), np.abs(z_cov).max()))

    # (iii) the smoothed prior through its MMSE denoiser and Tweedie's formula
    gain = C @ np.linalg.inv(C + eps**2 * np.eye(d))  # D_eps(x) = gain x

    def drift_eps(x):
        return -x @ AtA.T + Aty + (x @ gain.T - x) / eps**2

    M_eps, c_eps = _linear_drift(drift_eps, d)
    L_eps = float(np.abs(np.linalg.eigvals(M_eps)).max())
    _step(etas[-1], L_eps)
    S_eps = np.array([ula_lyapunov_covariance(M_eps, e) for e in etas])
    S_half = ula_lyapunov_covariance(M_eps, e0 / 2)
    m_eps, Sigma_eps = gaussian_posterior(A, tau, C + eps**2 * np.eye(d), y)
    meas = 2 * S_half - S_eps[0] - Sigma
    pred = Sigma_eps - Sigma
    u = e0 * L_eps / 4
    prior_tol = (e0**2 * L_eps / 8) / ((1 - u) * (1 - 2 * u)) + 1e-10
    mean_chain = -np.linalg.solve(M_eps, c_eps)
    return LangevinBiasResult(
        d=d,
        eps=eps,
        L=L,
        etas=etas,
        bias_fro=bias_fro,
        bias_fro_eps=np.linalg.norm(S_eps - Sigma, axis=(1, 2)),
        lyap_dev=lyap_dev,
        constant=constant,
        constant_bound=constant_bound + 1e-9,
        const_dev=const_dev,
        rate=rate,
        rate_bound=rate_bound + 1e-9,
        eta_mc=eta,
        n_chains=n_chains,
        n_steps=n_steps,
        emp_mean=emp_mean,
        emp_cov=emp_cov,
        cov_se=cov_se,
        S_mc=S_mc,
        Sigma=Sigma,
        m=m,
        mc_z=zmax(S_mc),
        mc_z_wrong=zmax(Sigma),
        eps_bias_pred=pred,
        eps_bias_meas=meas,
        prior_dev=float(np.linalg.norm(meas - pred, 2)),
        prior_dev_wrong=float(np.linalg.norm(meas - eps**2 * np.eye(d), 2)),
        prior_tol=prior_tol,
        mean_eps_dev=float(np.linalg.norm(mean_chain - m_eps)),
        mean_eps_shift=float(np.linalg.norm(m_eps - m)),
    )


_ULA_HYP = (
    "Gaussian target N(m, Sigma) (the posterior of y = Ax + noise with a Gaussian prior), exact gradient, "
    "0 < eta < 2/L with L the largest eigenvalue of Sigma^(-1)"
)
declare_check(
    "inverse.langevin_bias",
    quantity="tr((S_eta - Sigma)/eta)/d at the smallest step size, S_eta from the discrete Lyapunov equation",
    claim="equality",
    relation="approx",
    measure="constant",
    predict=0.5,
    tolerance="constant_bound",
    reason="the exact remainder: (S_eta - Sigma)/eta = (I - eta P/2)^(-1)/2 lies between I/2 and "
    "I/(2(1 - eta L/2)), so the constant is within (eta L/4)/(1 - eta L/2) of 1/2 (plus 1e-9 for rounding)",
    hypotheses=_ULA_HYP,
    wrong="the constant 1 (a bias eta I)",
    wrong_predict=1.0,
    demo=langevin_demo,
)
declare_check(
    "inverse.langevin_bias",
    label="rate",
    quantity="least-squares slope of log ||S_eta - Sigma||_F against log eta (Lyapunov solutions)",
    claim="rate",
    relation="approx",
    measure="rate",
    predict=1.0,
    tolerance="rate_bound",
    reason="log(||S_eta - Sigma||_F / eta) is increasing with oscillation at most -log(1 - eta_max L/2); the "
    "bound is the largest slope such a perturbation can add on this grid of step sizes",
    hypotheses=_ULA_HYP,
    wrong="the rate eta^(1/2) of the general Wasserstein bias bounds",
    wrong_predict=0.5,
    demo=langevin_demo,
)
declare_check(
    "inverse.langevin_bias",
    label="montecarlo",
    quantity="largest |z-score| of the chains' empirical mean against m and of their covariance entries against "
    "S_eta, at the largest step size",
    claim="equality",
    relation="approx",
    measure="mc_z",
    predict=0.0,
    tolerance=4.0,
    reason="4 standard errors over independent chains (9 nearly Gaussian z-scores for d = 3: the chance that one "
    "exceeds 4 is below 6e-4); the transient (I - eta P)^n_steps is below 1e-10",
    hypotheses=_ULA_HYP + "; independent chains, final states after the burn-in",
    wrong="no bias: the covariance Sigma itself",
    wrong_measure="mc_z_wrong",
    demo=langevin_demo,
)
declare_check(
    "inverse.langevin_bias",
    label="prior",
    quantity="spectral norm of the covariance bias of the chain with the smoothed prior, extrapolated to eta -> 0, "
    "minus Sigma_eps - Sigma (posterior with prior covariance C + eps^2 I)",
    claim="identity",
    relation="approx",
    measure="prior_dev",
    predict=0.0,
    tolerance="prior_tol",
    reason="the exact remainder of the Richardson extrapolation 2 S_(eta/2) - S_eta, at most "
    "(eta^2 L/8)/((1 - eta L/4)(1 - eta L/2)) in spectral norm (plus 1e-10 for rounding)",
    hypotheses=_ULA_HYP + "; the prior's score replaced by (D_eps(x) - x)/eps^2, D_eps the MMSE denoiser of the "
    "Gaussian prior at level eps",
    wrong="the posterior smoothed instead of the prior: a bias eps^2 I",
    wrong_measure="prior_dev_wrong",
    demo=langevin_demo,
)
