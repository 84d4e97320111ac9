r"""Tweedie's formula: the posterior mean of a Gaussian denoising problem is a score.

For :math:`y = x + \sigma z`, :math:`z \sim N(0, I_d)` independent of :math:`x \sim P`, the noisy
density :math:`p_\sigma = P * N(0, \sigma^2 I_d)` is smooth and positive and
:math:`\E[x \mid y] = y + \sigma^2 \nabla \log p_\sigma(y)`. For a Gaussian mixture
:math:`P = \sum_k \pi_k N(\mu_k, \Sigma_k)` everything is explicit: :func:`gmm_log_density`,
:func:`gmm_score` and :func:`gmm_posterior_mean` (the posterior mean computed directly, without
the score). :func:`tweedie_demo` checks the identity at float precision, the denoising
score-matching identity of Vincent (2011) for a trained network, and that the score of a
network denoiser trained on :math:`n` samples approaches the true score as :math:`n` grows
(chapter *Generative priors and image analysis*, theorem ``inverse-tweedie``).

References
----------
Robbins (1956); Miyasawa (1961); Efron (2011); Vincent (2011).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import numpy as np
import torch

from ..nets import mlp
from ..plotting import COLORS, figure_grid
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    as_array,
    check_int,
    check_int_sequence,
    check_real,
    like_input,
    rng,
    small_network_threads,
    torch_generator,
)

__all__ = [
    "gmm_log_density",
    "gmm_score",
    "gmm_posterior_mean",
    "TweedieResult",
    "tweedie_demo",
]


def _mixture(weights: Any, means: Any, covs: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Validated float64 copies of a mixture's weights (K,), means (K, d) and covariances (K, d, d)."""
    w = as_array(weights, "weights", ndim=1, min_size=1)
    mu = as_array(means, "means", ndim=2)
    cov = as_array(covs, "covs", ndim=3)
    K = w.shape[0]
    if np.any(w <= 0) or abs(w.sum() - 1.0) > 1e-10:
        raise ValueError("weights must be positive and sum to 1")
    if mu.shape[0] != K or mu.shape[1] < 1:
        raise ValueError(f"means must have shape ({K}, d), got {mu.shape}")
    d = mu.shape[1]
    if cov.shape != (K, d, d):
        raise ValueError(f"covs must have shape ({K}, {d}, {d}), got {cov.shape}")
    if not np.allclose(cov, np.swapaxes(cov, 1, 2), rtol=0.0, atol=1e-12 * max(1.0, float(np.abs(cov).max()))):
        raise ValueError("covs must be symmetric")
    if np.any(np.linalg.eigvalsh(cov) <= 0):
        raise ValueError("covs must be positive definite")
    return w, mu, cov


def _points(y: Any, d: int) -> np.ndarray:
    y_ = as_array(y, "y", min_size=1)
    if y_.ndim not in (1, 2) or y_.shape[-1] != d:
        raise ValueError(f"y must have shape (n, {d}) or ({d},), got {y_.shape}")
    return y_.reshape(-1, d)


def _components(y: np.ndarray, w: np.ndarray, mu: np.ndarray, cov: np.ndarray, sigma: float):
    """Log-density, responsibilities (n, K) and v_k = (Sigma_k + s^2 I)^(-1)(y - mu_k), shape (n, K, d)."""
    n, d = y.shape
    C = cov + sigma**2 * np.eye(d)
    L = np.linalg.cholesky(C)  # (K, d, d)
    r = y[:, None, :] - mu[None]  # (n, K, d)
    u = np.linalg.solve(L[None], r[..., None])[..., 0]  # L_k^{-1} r
    v = np.linalg.solve(np.swapaxes(L, 1, 2)[None], u[..., None])[..., 0]  # C_k^{-1} r
    logdet = 2 * np.log(np.diagonal(L, axis1=1, axis2=2)).sum(axis=1)
    logc = np.log(w)[None] - 0.5 * (d * math.log(2 * math.pi) + logdet)[None] - 0.5 * (u**2).sum(axis=2)
    top = logc.max(axis=1, keepdims=True)
    logp = top[:, 0] + np.log(np.exp(logc - top).sum(axis=1))
    resp = np.exp(logc - logp[:, None])
    return logp, resp, v


def _shape_out(out: np.ndarray, y: Any) -> Any:
    shape = tuple(np.shape(y))
    return like_input(out.reshape(shape[:-1] + out.shape[1:]), y)


def gmm_log_density(y: Any, weights: Any, means: Any, covs: Any, sigma: float = 0.0) -> Any:
    r"""Log-density of the noisy mixture :math:`p_\sigma = \sum_k \pi_k N(\mu_k, \Sigma_k + \sigma^2 I_d)`.

    :math:`p_\sigma` is the law of :math:`y = x + \sigma z` for :math:`x \sim \sum_k \pi_k
    N(\mu_k, \Sigma_k)` and :math:`z \sim N(0, I_d)` independent; it is evaluated by Cholesky
    factors and a log-sum-exp over the components (float64), so it stays finite far from the
    means (chapter *Generative priors and image analysis*).

    Parameters
    ----------
    y : array_like or torch.Tensor, shape (n, d) or (d,)
        Points.
    weights : array_like, shape (K,)
        Positive mixture weights summing to 1.
    means : array_like, shape (K, d)
    covs : array_like, shape (K, d, d)
        Symmetric positive definite covariances.
    sigma : float, default 0.0
        Noise level :math:`\sigma \ge 0` (0 gives the prior's density).

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (n,) (a 0-d array for ``y`` of shape ``(d,)``)
        :math:`\log p_\sigma(y)`.

    Examples
    --------
    >>> import numpy as np
    >>> lp = gmm_log_density(np.zeros(1), [1.0], [[0.0]], [[[1.0]]], sigma=0.0)
    >>> bool(abs(lp + 0.5 * np.log(2 * np.pi)) < 1e-15)
    True

    References
    ----------
    Efron (2011), Section 2.
    """
    w, mu, cov = _mixture(weights, means, covs)
    sigma = check_real(sigma, "sigma", minimum=0.0)
    logp, _, _ = _components(_points(y, mu.shape[1]), w, mu, cov, sigma)
    return _shape_out(logp, y)


def gmm_score(y: Any, weights: Any, means: Any, covs: Any, sigma: float = 0.0) -> Any:
    r"""Score :math:`\nabla \log p_\sigma(y) = -\sum_k w_k(y)(\Sigma_k + \sigma^2 I)^{-1}(y - \mu_k)`.

    :math:`w_k(y) = \pi_k N(y; \mu_k, \Sigma_k + \sigma^2 I) / p_\sigma(y)` are the posterior
    probabilities of the components (the responsibilities), computed in the log domain (chapter
    *Generative priors and image analysis*).

    Parameters
    ----------
    y : array_like or torch.Tensor, shape (n, d) or (d,)
    weights, means, covs : array_like
        The mixture, as in :func:`gmm_log_density`.
    sigma : float, default 0.0
        Noise level :math:`\sigma \ge 0`.

    Returns
    -------
    numpy.ndarray or torch.Tensor, the shape of ``y``
        :math:`\nabla \log p_\sigma(y)`.

    Examples
    --------
    >>> import numpy as np
    >>> gmm_score(np.array([[2.0]]), [1.0], [[0.0]], [[[1.0]]], sigma=1.0)  # -y/(1 + 1)
    array([[-1.]])

    References
    ----------
    Efron (2011), Section 2; Vincent (2011).
    """
    w, mu, cov = _mixture(weights, means, covs)
    sigma = check_real(sigma, "sigma", minimum=0.0)
    _, resp, v = _components(_points(y, mu.shape[1]), w, mu, cov, sigma)
    return _shape_out(-np.einsum("nk,nkd->nd", resp, v), y)


def gmm_posterior_mean(y: Any, weights: Any, means: Any, covs: Any, sigma: float) -> Any:
    r"""Posterior mean :math:`\E[x \mid y] = \sum_k w_k(y)[\mu_k + \Sigma_k(\Sigma_k + \sigma^2 I)^{-1}(y - \mu_k)]`.

    Given the component :math:`k`, :math:`(x, y)` is jointly Gaussian and
    :math:`\E[x \mid y, k] = \mu_k + \Sigma_k(\Sigma_k + \sigma^2 I)^{-1}(y - \mu_k)`; the
    responsibilities :math:`w_k(y)` average these means. The gain
    :math:`\Sigma_k(\Sigma_k + \sigma^2 I)^{-1}` is formed explicitly, so this does not use the
    score (Tweedie's formula :math:`y + \sigma^2 \nabla\log p_\sigma(y)` gives the same vector;
    chapter *Generative priors and image analysis*, theorem ``inverse-tweedie``).

    Parameters
    ----------
    y : array_like or torch.Tensor, shape (n, d) or (d,)
        Noisy observations :math:`y = x + \sigma z`.
    weights, means, covs : array_like
        The prior mixture, as in :func:`gmm_log_density`.
    sigma : float
        Noise level :math:`\sigma > 0`.

    Returns
    -------
    numpy.ndarray or torch.Tensor, the shape of ``y``
        :math:`\E[x \mid y]`, the minimum mean squared error denoiser.

    Examples
    --------
    >>> import numpy as np
    >>> gmm_posterior_mean(np.array([[2.0]]), [1.0], [[0.0]], [[[3.0]]], sigma=1.0)  # 3/(3 + 1) y
    array([[1.5]])

    References
    ----------
    Robbins (1956); Efron (2011), Section 2.
    """
    w, mu, cov = _mixture(weights, means, covs)
    sigma = check_real(sigma, "sigma", minimum=0.0, strict_min=True)
    yy = _points(y, mu.shape[1])
    d = mu.shape[1]
    _, resp, _ = _components(yy, w, mu, cov, sigma)
    # gain G_k = Sigma_k (Sigma_k + s^2 I)^{-1}, from G_k^T = (Sigma_k + s^2 I)^{-1} Sigma_k
    gain = np.swapaxes(np.linalg.solve(cov + sigma**2 * np.eye(d), cov), 1, 2)
    cond = mu[None] + np.einsum("kij,nkj->nki", gain, yy[:, None, :] - mu[None])
    return _shape_out(np.einsum("nk,nkd->nd", resp, cond), y)


# the demo's mixture and its sampler


def _demo_mixture(d: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Three components on a circle of radius 2, elongated tangentially; weights 0.5, 0.3, 0.2."""
    theta = 2 * math.pi * np.arange(3) / 3
    means = np.zeros((3, d))
    means[:, 0], means[:, 1] = 2 * np.cos(theta), 2 * np.sin(theta)
    covs = np.zeros((3, d, d))
    for k, t in enumerate(theta):
        R = np.eye(d)
        R[:2, :2] = [[-math.sin(t), -math.cos(t)], [math.cos(t), -math.sin(t)]]
        covs[k] = R @ np.diag([0.3, 0.05] + [0.1] * (d - 2)) @ R.T
    return np.array([0.5, 0.3, 0.2]), means, covs


def _gmm_sample(gen: np.random.Generator, n: int, w: np.ndarray, mu: np.ndarray, cov: np.ndarray) -> np.ndarray:
    k = gen.choice(w.size, size=n, p=w)
    z = gen.standard_normal((n, mu.shape[1]))
    return mu[k] + np.einsum("nij,nj->ni", np.linalg.cholesky(cov)[k], z)


def _train_dsm(x: np.ndarray, y: np.ndarray, *, width: int, steps: int, batch: int, seed: int) -> torch.nn.Module:
    """A residual network D(y) = y + f(y) fitted to x by minibatch Adam on sum ||D(y_i) - x_i||^2."""
    d = x.shape[1]
    net = mlp(d, width, 2, d, activation="tanh", parameterization="standard", sb2=1.0, seed=seed)
    opt = torch.optim.Adam(net.parameters(), lr=1e-2)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    X = torch.as_tensor(x, dtype=torch.float32)
    Y = torch.as_tensor(y, dtype=torch.float32)
    gen = torch_generator(seed)
    for _ in range(steps):
        idx = torch.randint(0, X.shape[0], (min(batch, X.shape[0]),), generator=gen)
        opt.zero_grad()
        loss = ((Y[idx] + net(Y[idx]) - X[idx]) ** 2).sum(dim=1).mean()
        loss.backward()
        opt.step()
        sched.step()
    return net


@demo_result
class TweedieResult(DemoResult):
    r"""Result of :func:`tweedie_demo`.

    Attributes
    ----------
    d, sigma : int, float
        Dimension and noise level.
    identity_dev : float
        :math:`\max_i\|\E[x\mid y_i] - y_i - \sigma^2\nabla\log p_\sigma(y_i)\| / \max(1, \max_i\|y_i\|)`
        over the test points, the posterior mean computed directly (:func:`gmm_posterior_mean`).
    wrong_sigma_dev, wrong_prior_dev, wrong_dev : float
        The same deviation for :math:`y + \sigma\nabla\log p_\sigma(y)`, for
        :math:`y + \sigma^2\nabla\log p(y)` (the prior's score), and the smaller of the two.
    n_train : numpy.ndarray
        Training-set sizes :math:`n`.
    score_err : numpy.ndarray, shape (len(n_train), n_seeds)
        :math:`\|s_n - \nabla\log p_\sigma\|_{L^2(p_\sigma)}` (Monte Carlo over the test points) for the
        network score :math:`s_n = (D_n(y) - y)/\sigma^2`.
    slope, slope_se : float
        Mean over the seeds of the fitted log-log slope of ``score_err`` against :math:`n`, and its
        standard error; ``slope_z`` is ``-slope / slope_se``.
    dsm_z, dsm_z_wrong : float
        Mean over fresh pairs of :math:`\|s - (x - y)/\sigma^2\|^2 - \|s - \nabla\log p_\sigma(y)\|^2 - c(y)`,
        :math:`c(y) = d/\sigma^2 - \|\nabla\log p_\sigma(y)\|^2`, in standard errors, for the network of the
        largest :math:`n`; and the same without :math:`c`.
    grid, true_field, net_field : numpy.ndarray
        A grid of the plane of the first two coordinates (shape (m, d)) and the true and network scores there.
    n_seeds, n_test : int
    """

    d: int
    sigma: float
    identity_dev: float
    wrong_sigma_dev: float
    wrong_prior_dev: float
    wrong_dev: float
    n_train: np.ndarray
    score_err: np.ndarray
    slope: float
    slope_se: float
    slope_z: float
    dsm_z: float
    dsm_z_wrong: float
    grid: np.ndarray
    true_field: np.ndarray
    net_field: np.ndarray
    n_seeds: int
    n_test: int

    def plot(self, ax=None):
        fig, grid = figure_grid(2, width=10.0, height=4.0)
        a, b = grid[0]
        g = self.grid
        scale = float(np.linalg.norm(self.true_field, axis=1).max()) / 0.45
        for field, c, lab in ((self.true_field, COLORS[0], "true score"), (self.net_field, COLORS[1], "network")):
            a.quiver(*g[:, :2].T, *field[:, :2].T, color=c, label=lab, angles="xy", scale_units="xy", scale=scale)
        a.set_aspect("equal")
        a.set_title(rf"$\nabla\log p_\sigma$, $\sigma = {self.sigma:g}$, $n = {int(self.n_train[-1])}$")
        a.legend(fontsize=8, loc="upper right")
        n = self.n_train.astype(float)
        for j in range(self.score_err.shape[1]):
            b.plot(n, self.score_err[:, j], "o-", color=COLORS[2], alpha=0.4, lw=1)
        b.plot(n, np.exp(np.log(self.score_err).mean(axis=1)), "s-", color=COLORS[3], label="geometric mean")
        b.set_xscale("log")
        b.set_yscale("log")
        b.set_xlabel("training samples $n$")
        b.set_ylabel(r"$\|s_n - \nabla\log p_\sigma\|_{L^2(p_\sigma)}$")
        b.set_title(f"fitted slope {self.slope:.3f} $\\pm$ {self.slope_se:.3f}")
        b.legend(fontsize=8)
        return fig


@small_network_threads
def tweedie_demo(
    *,
    d: int = 2,
    sigma: float = 0.5,
    n_train: Sequence[int] = (256, 1024, 4096, 16384),
    n_seeds: int = 4,
    n_test: int = 4096,
    steps: int = 400,
    width: int = 32,
    seed: int = 0,
) -> TweedieResult:
    r"""Tweedie's formula for a Gaussian mixture, and a denoiser trained by denoising score matching.

    The prior is a mixture of three Gaussians in :math:`\R^d` (means on a circle of radius 2 in
    the first two coordinates). (i) On ``n_test`` points :math:`y\sim p_\sigma` the posterior mean
    :func:`gmm_posterior_mean` is compared with :math:`y + \sigma^2` :func:`gmm_score`, and with
    two wrong formulas (:math:`\sigma` for :math:`\sigma^2`; the prior's score for that of
    :math:`p_\sigma`). (ii) For each :math:`n` in ``n_train`` and each of ``n_seeds`` seeds, a
    residual tanh network :math:`D_n(y) = y + f(y)` (two hidden layers of ``width``, float32) is
    fitted by ``steps`` Adam steps on minibatches of 256 of the :math:`n` pairs
    :math:`(x_i, x_i + \sigma z_i)`, minimising :math:`\sum\|D(y_i) - x_i\|^2`, which is
    :math:`\sigma^4` times the denoising score-matching loss of :math:`s = (D - y)/\sigma^2`.
    The :math:`L^2(p_\sigma)` error of :math:`s_n` against the true score is estimated on the
    test points, and its log-log slope against :math:`n` is fitted per seed (each seed uses
    one initialisation for every :math:`n`). (iii) For the network of the largest :math:`n`
    and fresh pairs :math:`(x, y)`, Vincent's identity says that the pointwise difference of
    the two score-matching losses minus :math:`d/\sigma^2 - \|\nabla\log p_\sigma(y)\|^2` has
    mean zero.

    Parameters
    ----------
    d : int, default 2
        Dimension, >= 2.
    sigma : float, default 0.5
        Noise level, in (0, 1) (at :math:`\sigma = 1` the wrong formula with :math:`\sigma`
        coincides with the right one).
    n_train : sequence of int, default (256, 1024, 4096, 16384)
        Training-set sizes, at least two distinct values >= 16.
    n_seeds : int, default 4
        Independent training sets and initialisations per size, >= 2.
    n_test : int, default 4096
        Test points, >= 100.
    steps : int, default 400
        Adam steps per training, >= 1.
    width : int, default 32
        Hidden width, >= 1.
    seed : int, default 0

    Returns
    -------
    TweedieResult

    References
    ----------
    Book: chapter *Generative priors and image analysis*, theorem ``inverse-tweedie``.
    Efron (2011); Vincent (2011).
    """
    d = check_int(d, "d", minimum=2)
    sigma = check_real(sigma, "sigma", minimum=0.0, maximum=1.0, strict_min=True, strict_max=True)
    ns = np.sort(check_int_sequence(n_train, "n_train", minimum=16, min_len=2, distinct=True))
    n_seeds = check_int(n_seeds, "n_seeds", minimum=2)
    n_test = check_int(n_test, "n_test", minimum=100)
    steps = check_int(steps, "steps", minimum=1)
    width = check_int(width, "width", minimum=1)
    seed = check_int(seed, "seed", minimum=0)
    gen = rng(seed)
    w, mu, cov = _demo_mixture(d)
    s2 = sigma**2

    # (i) Tweedie's identity on test points y ~ p_sigma
    x_te = _gmm_sample(gen, n_test, w, mu, cov)
    y_te = x_te + sigma * gen.standard_normal((n_test, d))
    direct = gmm_posterior_mean(y_te, w, mu, cov, sigma)
    score = gmm_score(y_te, w, mu, cov, sigma)
    scale = max(1.0, float(np.linalg.norm(y_te, axis=1).max()))

    def dev(est):
        return float(np.linalg.norm(direct - est, axis=1).max() / scale)

    identity_dev = dev(y_te + s2 * score)
    wrong_sigma = dev(y_te + sigma * score)
    wrong_prior = dev(y_te + s2 * gmm_score(y_te, w, mu, cov, 0.0))

    # (ii) denoising score matching on n samples
    Yt = torch.as_tensor(y_te, dtype=torch.float32)
    err = np.zeros((ns.size, n_seeds))
    last = None
    for r in range(n_seeds):
        for i, n in enumerate(ns):
            x = _gmm_sample(gen, int(n), w, mu, cov)
            y = x + sigma * gen.standard_normal(x.shape)
            net = _train_dsm(x, y, width=width, steps=steps, batch=256, seed=seed + r)
            with torch.no_grad():
                s_net = net(Yt).double().numpy() / s2
            err[i, r] = math.sqrt(float(((s_net - score) ** 2).sum(axis=1).mean()))
            if r == 0 and i == ns.size - 1:
                last = net
    slopes = np.polyfit(np.log(ns.astype(float)), np.log(err), 1)[0]
    slope, slope_se = float(slopes.mean()), float(slopes.std(ddof=1) / math.sqrt(n_seeds))

    # (iii) Vincent's identity for the trained network on fresh pairs
    x_f = _gmm_sample(gen, n_test, w, mu, cov)
    y_f = x_f + sigma * gen.standard_normal((n_test, d))
    g_f = gmm_score(y_f, w, mu, cov, sigma)
    with torch.no_grad():
        s_f = last(torch.as_tensor(y_f, dtype=torch.float32)).double().numpy() / s2
    t_f = (x_f - y_f) / s2
    diff = ((s_f - t_f) ** 2).sum(axis=1) - ((s_f - g_f) ** 2).sum(axis=1)
    delta = diff - (d / s2 - (g_f**2).sum(axis=1))
    dsm_z = float(delta.mean() / (delta.std(ddof=1) / math.sqrt(n_test)))
    dsm_z_wrong = float(diff.mean() / (diff.std(ddof=1) / math.sqrt(n_test)))

    # the score field on a grid of the first two coordinates
    t = np.linspace(-3.0, 3.0, 13)
    grid = np.zeros((t.size**2, d))
    grid[:, 0], grid[:, 1] = np.repeat(t, t.size), np.tile(t, t.size)
    true_field = gmm_score(grid, w, mu, cov, sigma)
    with torch.no_grad():
        net_field = last(torch.as_tensor(grid, dtype=torch.float32)).double().numpy() / s2
    return TweedieResult(
        d=d,
        sigma=sigma,
        identity_dev=identity_dev,
        wrong_sigma_dev=wrong_sigma,
        wrong_prior_dev=wrong_prior,
        wrong_dev=min(wrong_sigma, wrong_prior),
        n_train=ns,
        score_err=err,
        slope=slope,
        slope_se=slope_se,
        slope_z=-slope / slope_se,
        dsm_z=dsm_z,
        dsm_z_wrong=dsm_z_wrong,
        grid=grid,
        true_field=true_field,
        net_field=net_field,
        n_seeds=n_seeds,
        n_test=n_test,
    )


_TWEEDIE_HYP = (
    "y = x + sigma z, z ~ N(0, I) independent of x; the prior is a Gaussian mixture (finite first moment), "
    "so p_sigma is smooth and positive"
)
declare_check(
    "inverse.tweedie",
    quantity="largest deviation of the directly computed posterior mean from y + sigma^2 grad log p_sigma(y) "
    "over the test points, relative to max(1, max |y|)",
    claim="identity",
    relation="approx",
    measure="identity_dev",
    predict=0.0,
    tolerance=1e-12,
    reason="float64 rounding of the Cholesky solves and the log-sum-exp (about 1e-15 times the condition number "
    "of Sigma_k + sigma^2 I, which is below 100 here)",
    hypotheses=_TWEEDIE_HYP,
    wrong="y + sigma grad log p_sigma(y) (sigma for sigma^2) or y + sigma^2 grad log p(y) (the prior's score), "
    "the nearer of the two",
    wrong_measure="wrong_dev",
    demo=tweedie_demo,
)
declare_check(
    "inverse.tweedie",
    label="dsm",
    quantity="mean over fresh pairs of the denoising minus the explicit score-matching loss of the trained "
    "network, minus d/sigma^2 - |grad log p_sigma(y)|^2, in standard errors",
    claim="identity",
    relation="approx",
    measure="dsm_z",
    predict=0.0,
    tolerance=4.0,
    reason="4 Monte Carlo standard errors over the i.i.d. test pairs (the network is fixed, trained on other data)",
    hypotheses=_TWEEDIE_HYP + "; s is a fixed measurable field with E|s(y)|^2 finite",
    wrong="the two losses equal (the constant d/sigma^2 - E|grad log p_sigma|^2 left out)",
    wrong_measure="dsm_z_wrong",
    demo=tweedie_demo,
)
declare_check(
    "inverse.tweedie",
    label="learning",
    quantity="minus the fitted log-log slope against n of the L^2(p_sigma) error of the network score "
    "(D_n(y) - y)/sigma^2, in standard errors over the seeds",
    claim="lower bound",
    relation=">=",
    measure="slope_z",
    predict=3.0,
    tolerance=0.0,
    reason="a one-sided statement: the mean slope is negative by at least 3 standard errors over the seeds; no "
    "rate is predicted, since the error tends to the approximation and optimisation floor of the fixed network",
    hypotheses=_TWEEDIE_HYP + "; the minimiser of the population denoising loss is the MMSE denoiser",
    wrong="no improvement with n (slope 0)",
    wrong_measure=0.0,
    demo=tweedie_demo,
)
