r"""Diagonal linear networks: the initialisation scale interpolates between the l2 and the l1 bias.

Chapter *Loss landscapes and implicit regularisation*: the limit :math:`\beta_\alpha` of gradient
flow on the network :math:`\beta = u_+\odot u_+ - u_-\odot u_-` from :math:`u_\pm = \alpha\mathbb 1`
(:func:`diagonal_net_limit`), the minimum-:math:`\ell_1` interpolant (:func:`min_l1_interpolant`)
and the demo (:func:`diagonal_net_demo`, theorem ``optimization-implicit_diagonal_low_rank``).

References
----------
Woodworth, Gunasekar, Lee, Moroshko, Savarese, Golan, Soudry, Srebro (2020).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch
from scipy.optimize import linprog
from torch import nn

from ..plotting import COLORS
from ..results import DemoResult, declare_check, demo_result
from ..utils import check_int, check_real, check_real_sequence, like_input, progress_bar, rng, small_network_threads
from ._common import _axes_pair, _linear_system

__all__ = ["min_l1_interpolant", "diagonal_net_limit", "DiagonalNetResult", "diagonal_net_demo"]


def min_l1_interpolant(X: Any, y: Any) -> np.ndarray:
    r"""Minimum-:math:`\ell_1`-norm solution of :math:`X\beta = y`, by linear programming.

    Solves :math:`\min \mathbb{1}^\top(\beta_+ + \beta_-)` subject to
    :math:`X(\beta_+ - \beta_-) = y`, :math:`\beta_\pm \ge 0` with ``scipy.optimize.linprog``
    (HiGHS) and returns :math:`\beta_+ - \beta_-`.

    Parameters
    ----------
    X : array_like, shape (n, p)
    y : array_like, shape (n,)

    Returns
    -------
    ndarray or torch.Tensor, shape (p,)
        NumPy, or a tensor of the dtype and on the device of ``X`` if ``X`` is one.

    Raises
    ------
    ValueError
        If the shapes do not match or the system has no solution.

    References
    ----------
    Book, chapter *Loss landscapes and implicit regularisation*, theorem
    ``optimization-implicit_diagonal_low_rank``.

    Examples
    --------
    One equation :math:`\beta_1 + 2\beta_2 = 2`: the sparsest solution uses the larger coefficient.

    >>> min_l1_interpolant([[1.0, 2.0]], [2.0]).round(12).tolist()
    [0.0, 1.0]
    """
    X_in = X
    X, y = _linear_system(X, y)
    p = X.shape[1]
    res = linprog(np.ones(2 * p), A_eq=np.hstack([X, -X]), b_eq=y, bounds=[(0, None)] * (2 * p), method="highs")
    if res.status != 0:
        raise ValueError(f"X beta = y has no solution (linprog: {res.message})")
    return like_input(res.x[:p] - res.x[p:], X_in)


def diagonal_net_limit(X: Any, y: Any, alpha: float, *, tol: float = 1e-13, max_iter: int = 500) -> np.ndarray:
    r"""The limit :math:`\beta_\alpha` of gradient flow on a diagonal linear network, by its convex dual.

    :math:`\beta_\alpha = \arg\min\{Q_\alpha(\beta) : X\beta = y\}` with
    :math:`Q_\alpha(\beta) = \alpha^2\sum_i q(\beta_i/\alpha^2)`,
    :math:`q(z) = 2 - \sqrt{4+z^2} + z\,\mathrm{arcsinh}(z/2)`. Since :math:`q'(z) = \mathrm{arcsinh}(z/2)`,
    the KKT conditions read :math:`\beta = 2\alpha^2\sinh(X^\top\nu)`, :math:`X\beta = y`, i.e.
    :math:`\nu` minimises the smooth strictly convex function
    :math:`\varphi(\nu) = 2\alpha^2\sum_i\cosh((X^\top\nu)_i) - y^\top\nu`; it is found by damped
    Newton steps with Armijo backtracking.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Full row rank.
    y : array_like, shape (n,)
    alpha : float
        Initialisation scale :math:`\alpha > 0`.
    tol : float, default 1e-13
        Stop when :math:`\|X\beta - y\| \le` ``tol`` :math:`\cdot\|y\|`.
    max_iter : int, default 500

    Returns
    -------
    ndarray or torch.Tensor, shape (p,)
        NumPy, or a tensor of the dtype and on the device of ``X`` if ``X`` is one (computed in
        float64).

    References
    ----------
    Book, chapter *Loss landscapes and implicit regularisation*, theorem
    ``optimization-implicit_diagonal_low_rank``. Woodworth et al. (2020), Thm 1.
    """
    X_in = X
    X, y = _linear_system(X, y)
    alpha = check_real(alpha, "alpha", minimum=0.0, strict_min=True)
    tol = check_real(tol, "tol", minimum=0.0, strict_min=True)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    a2 = alpha * alpha
    nu = np.zeros(X.shape[0])
    ny = np.linalg.norm(y)

    def phi(v):
        z = X.T @ v
        with np.errstate(over="ignore"):  # 2 a2 cosh(z) = exp(log a2 + logaddexp(z, -z)); inf is a valid reject
            return float(np.sum(np.exp(np.log(a2) + np.logaddexp(z, -z)))) - float(y @ v)

    for _ in range(max_iter):
        z = X.T @ nu
        beta = 2.0 * a2 * np.sinh(z)
        grad = X @ beta - y
        if np.linalg.norm(grad) <= tol * ny:
            return like_input(beta, X_in)
        H = (X * (2.0 * a2 * np.cosh(z))) @ X.T
        step = -np.linalg.solve(H + 1e-300 * np.eye(H.shape[0]), grad)
        t, f0, slope = 1.0, phi(nu), float(grad @ step)
        gn = np.linalg.norm(grad)

        def grad_norm(v):
            with np.errstate(over="ignore", invalid="ignore"):
                r = np.linalg.norm(X @ (2.0 * a2 * np.sinh(X.T @ v)) - y)
            return r if np.isfinite(r) else np.inf

        # Armijo on phi; near the optimum phi stalls at rounding level, then a decrease of the
        # gradient norm is accepted instead
        while (phi(nu + t * step) > f0 + 1e-4 * t * slope and grad_norm(nu + t * step) >= gn) and t > 1e-12:
            t *= 0.5
        if t <= 1e-12:  # no further decrease at rounding level: converged as far as float64 allows
            break
        nu = nu + t * step
    return like_input(2.0 * a2 * np.sinh(X.T @ nu), X_in)


class _DiagonalLinearNet(nn.Module):
    """The diagonal linear network x -> x . (u+^2 - u-^2), started at u+ = u- = alpha 1 (float64)."""

    def __init__(self, p, alpha):
        super().__init__()
        self.u_plus = nn.Parameter(torch.full((p,), alpha, dtype=torch.float64))
        self.u_minus = nn.Parameter(torch.full((p,), alpha, dtype=torch.float64))

    def beta(self):
        return self.u_plus**2 - self.u_minus**2

    def forward(self, x):
        return x @ self.beta()


def _train_diagonal_net(X, y, alpha, rel_step=2e-3, max_steps=400000):
    """GD with small adaptive steps on the diagonal network beta = u+^2 - u-^2 (a torch module)."""
    Xt = torch.as_tensor(X)
    yt = torch.as_tensor(y)
    n = X.shape[0]
    L = float(np.linalg.norm(X, 2) ** 2 / n)
    net = _DiagonalLinearNet(X.shape[1], alpha)
    params = [net.u_plus, net.u_minus]
    ny = float(np.linalg.norm(y))
    steps = 0
    while steps < max_steps:
        r = net(Xt) - yt
        if float(torch.linalg.norm(r.detach())) <= 1e-10 * ny:
            break
        loss = 0.5 * (r**2).sum() / n
        gp, gm = torch.autograd.grad(loss, params)
        with torch.no_grad():
            s_inf = float(torch.max(torch.abs(Xt.T @ r))) / n  # gradient = +-2 u * (X^T r / n)
            umax = float(torch.max(net.u_plus**2 + net.u_minus**2))
            eta = min(0.5 * rel_step / max(s_inf, 1e-300), 0.25 / (L * umax))
            net.u_plus.sub_(eta * gp)
            net.u_minus.sub_(eta * gm)
        steps += 1
    with torch.no_grad():
        return net.beta().numpy().copy(), steps


# ---------------------------------------------------------------------------------------------
# demos
# ---------------------------------------------------------------------------------------------


@demo_result
class DiagonalNetResult(DemoResult):
    """Diagonal linear networks: the GD limit against :math:`\\beta_\\alpha`, the l1 and the l2 solutions.

    Attributes
    ----------
    alphas : ndarray, shape (m,)
    beta_gd : ndarray, shape (m, p)
        Limits of GD on the network, one row per :math:`\\alpha`.
    beta_theory : ndarray, shape (m, p)
        :math:`\\beta_\\alpha` from :func:`diagonal_net_limit`.
    dist_theory : ndarray, shape (m,)
        :math:`\\|\\beta_{\\rm GD} - \\beta_\\alpha\\|/\\|\\beta_\\alpha\\|`.
    dist_l1 : ndarray, shape (m,)
        Relative distance of :math:`\\beta_{\\rm GD}` to the minimum-l1 interpolant.
    dist_l2 : ndarray, shape (m,)
        Relative distance of :math:`\\beta_{\\rm GD}` to :math:`X^+y`.
    beta_l1, beta_l2, beta_true : ndarray, shape (p,)
    n_steps : ndarray, shape (m,)
        GD steps used for each :math:`\\alpha`.
    alpha_grid : ndarray, shape (q,)
        A fine grid of scales :math:`10^{-6}, \\dots, 10^{2}` on which :math:`\\beta_\\alpha` is computed
        from the dual alone.
    theory_dist_l1, theory_dist_l2 : ndarray, shape (q,)
        Relative distances of :math:`\\beta_\\alpha` to the l1 and l2 solutions on that grid.
    """

    alphas: np.ndarray
    beta_gd: np.ndarray
    beta_theory: np.ndarray
    dist_theory: np.ndarray
    dist_l1: np.ndarray
    dist_l2: np.ndarray
    beta_l1: np.ndarray
    beta_l2: np.ndarray
    beta_true: np.ndarray
    n_steps: np.ndarray
    alpha_grid: np.ndarray
    theory_dist_l1: np.ndarray
    theory_dist_l2: np.ndarray

    def plot(self, ax=None):
        a0, a1 = _axes_pair(ax)
        a0.loglog(self.alpha_grid, self.theory_dist_l1, "-", color=COLORS[0], linewidth=1.0)
        a0.loglog(self.alpha_grid, self.theory_dist_l2, "-", color=COLORS[1], linewidth=1.0)
        a0.loglog(self.alphas, self.dist_l1, "o", color=COLORS[0], label=r"to the $\ell_1$ solution")
        a0.loglog(self.alphas, self.dist_l2, "s", color=COLORS[1], label=r"to $X^+y$ ($\ell_2$)")
        a0.loglog(self.alphas, np.maximum(self.dist_theory, 1e-16), "^", color=COLORS[2], label=r"to $\beta_\alpha$")
        a0.set_xlabel(r"initialisation scale $\alpha$")
        a0.set_ylabel("relative distance")
        a0.set_title(r"markers: GD; lines: $\beta_\alpha$ from the dual")
        a0.legend()
        idx = np.arange(self.beta_true.size)
        a1.stem(idx, self.beta_l1, linefmt="0.6", markerfmt="o", basefmt=" ", label=r"minimum-$\ell_1$ interpolant")
        a1.plot(idx, self.beta_gd[-1], "x", color=COLORS[0], label=rf"GD, $\alpha={self.alphas[-1]:g}$")
        a1.plot(idx, self.beta_gd[0], "+", color=COLORS[1], label=rf"GD, $\alpha={self.alphas[0]:g}$")
        a1.set_xlabel("coordinate $i$")
        a1.set_ylabel(r"$\beta_i$")
        a1.legend()
        return (a0, a1)


@small_network_threads
def diagonal_net_demo(
    *,
    alphas: Sequence[float] = (10, 1, 0.1, 0.01),
    n: int = 10,
    p: int = 30,
    seed: int = 0,
    progress: bool = False,
) -> DiagonalNetResult:
    r"""Small initialisation of a diagonal linear network biases GD towards the sparsest interpolant.

    :math:`X \in \mathbb{R}^{n\times p}` with i.i.d. :math:`N(0,1)` entries, :math:`y = X\beta^\star`
    with a 3-sparse :math:`\beta^\star`. The network :math:`\beta = u_+\odot u_+ - u_-\odot u_-`
    (a :class:`torch.nn.Module`, gradients by autograd) starts at :math:`u_\pm = \alpha\mathbb{1}`
    and is trained on :math:`\frac1{2n}\|X\beta - y\|^2` by GD with small adaptive steps
    :math:`\eta_k = \min(10^{-3}/\|X^\top r_k/n\|_\infty,\ 0.25/(L\max_i(u_{+,i}^2+u_{-,i}^2)))`
    (each coordinate changes by a relative amount at most :math:`2\cdot10^{-3}` per step, so GD
    tracks the gradient flow), until :math:`\|X\beta-y\| \le 10^{-10}\|y\|`. The limits are
    compared with :math:`\beta_\alpha` (:func:`diagonal_net_limit`), the minimum-:math:`\ell_1`
    interpolant (:func:`min_l1_interpolant`) and :math:`X^+y`.

    Parameters
    ----------
    alphas : sequence of float, default (10, 1, 0.1, 0.01)
        Initialisation scales, positive.
    n, p : int, default 10 and 30
        Samples and dimension, :math:`p > n \ge 3`.
    seed : int, default 0

    progress : bool, default False
        A progress bar (tqdm) over the initialisation scales; silent by default.

    Returns
    -------
    DiagonalNetResult

    References
    ----------
    Book, chapter *Loss landscapes and implicit regularisation*,
    theorem ``optimization-implicit_diagonal_low_rank``.
    Woodworth, Gunasekar, Lee,
    Moroshko, Savarese, Golan, Soudry, Srebro (2020), Thm 1.
    """
    al = check_real_sequence(alphas, "alphas", minimum=0.0, strict_min=True)
    n = check_int(n, "n", minimum=3)
    p = check_int(p, "p", minimum=2)
    if p <= n:
        raise ValueError(f"p must exceed n, got p={p}, n={n}")
    gen = rng(seed)
    X = gen.standard_normal((n, p))
    beta_true = np.zeros(p)
    supp = gen.choice(p, 3, replace=False)
    beta_true[supp] = gen.choice([-1.0, 1.0], 3) * (1.0 + gen.random(3))
    y = X @ beta_true
    b1 = min_l1_interpolant(X, y)
    b2 = np.linalg.pinv(X) @ y
    gd, th, steps = [], [], []
    for a in progress_bar(al, progress, desc="alpha"):
        b, s = _train_diagonal_net(X, y, a)
        gd.append(b)
        steps.append(s)
        th.append(diagonal_net_limit(X, y, a))
    gd_a, th_a = np.array(gd), np.array(th)
    rel = lambda A, b: np.linalg.norm(A - b, axis=-1) / np.linalg.norm(b, axis=-1)  # noqa: E731
    grid = np.logspace(-6, 2, 33)
    tg = np.array([diagonal_net_limit(X, y, float(a)) for a in grid])
    return DiagonalNetResult(
        alphas=np.array(al),
        beta_gd=gd_a,
        beta_theory=th_a,
        dist_theory=rel(gd_a, th_a),
        dist_l1=rel(gd_a, b1),
        dist_l2=rel(gd_a, b2),
        beta_l1=b1,
        beta_l2=b2,
        beta_true=beta_true,
        n_steps=np.array(steps, dtype=float),
        alpha_grid=grid,
        theory_dist_l1=rel(tg, b1),
        theory_dist_l2=rel(tg, b2),
    )


declare_check(
    "optimization.implicit_diagonal_low_rank",
    quantity="largest relative distance over alpha of the GD limit to beta_alpha = argmin Q_alpha",
    claim="equality",
    relation="<=",
    measure=lambda r: float(np.max(r.dist_theory)),
    predict=0.0,
    tolerance=1e-3,
    reason="discretisation of the gradient flow by GD with relative step 2e-3 (the theorem is for the "
    "flow); the error is of first order in the step",
    hypotheses="u_0 = v_0 = alpha 1 (beta_0 = 0), squared loss, interpolation possible (p > n)",
    wrong="the minimum-l1 interpolant (the alpha -> 0 limit) for every alpha",
    wrong_measure=lambda r: float(np.max(r.dist_l1)),
    demo=diagonal_net_demo,
)
