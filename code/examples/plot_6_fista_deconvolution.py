r"""
Sparse deconvolution with ISTA and FISTA
========================================

A spike train recovered from a blurred, noisy signal by l1-regularised least squares, and the
convergence rates of ISTA and FISTA.

Tikhonov regularisation smears the spikes; the LASSO
:math:`\min_x \tfrac12\|Ax - y\|^2 + \lambda\|x\|_1` recovers them. We solve it with
:func:`dlmath.inverse.ista` and :func:`dlmath.inverse.fista` and compare their objective gaps
with the bounds :math:`L\|x_0 - x^*\|^2/(2k)` and :math:`2L\|x_0 - x^*\|^2/(k+1)^2` of Beck and
Teboulle (:doc:`/book/part6/ch16_inverse_problems`).
"""

# %%
# The forward operator
# --------------------
# Periodic convolution with a Gaussian of standard deviation 2.5 samples is the circulant matrix
# :func:`dlmath.architectures.circulant` of the filter. Its singular values are the moduli of the
# DFT of the filter, which decay like :math:`e^{-\omega^2\sigma^2/2}`: the problem is severely
# ill-posed.
import matplotlib.pyplot as plt
import numpy as np

from dlmath.architectures import circulant
from dlmath.inverse import fista, ista, soft_threshold, tikhonov
from dlmath.plotting import use_book_style
from dlmath.utils import rng

use_book_style()
gen = rng(0)
N = 200
offset = np.minimum(np.arange(N), N - np.arange(N))  # periodic distance to 0
kernel = np.exp(-0.5 * (offset / 2.5) ** 2)
A = circulant(kernel / kernel.sum())
print(f"condition number of A: {np.linalg.cond(A):.1e}")

x_true = np.zeros(N)
support = gen.choice(N, 8, replace=False)
x_true[support] = gen.choice([-1.0, 1.0], 8) * gen.uniform(0.5, 1.5, 8)
y = A @ x_true + 0.01 * gen.standard_normal(N)

# %%
# Two reconstructions
# -------------------
# Tikhonov, :math:`(A^\top A + \alpha I)^{-1}A^\top y` (:func:`dlmath.inverse.tikhonov`), and
# the LASSO solution after 5000 FISTA iterations, which serves as :math:`x^*` below.
lam = 0.01
x_tik = tikhonov(A, y, 1e-3)
x_star = fista(A, y, lam, 5000)
objective = lambda x: 0.5 * np.sum((A @ x - y) ** 2) + lam * np.sum(np.abs(x))  # noqa: E731
F_star = objective(x_star)
# optimality: x* is a fixed point of the proximal gradient map
L = np.linalg.norm(A, 2) ** 2
prox_step = soft_threshold(x_star - A.T @ (A @ x_star - y) / L, lam / L)
print("fixed-point residual of x*:", np.max(np.abs(prox_step - x_star)))
for name, x in (("Tikhonov", x_tik), ("LASSO", x_star)):
    print(f"{name:8s}: relative error {np.linalg.norm(x - x_true) / np.linalg.norm(x_true):.3f}")

# %%
# Convergence
# -----------
# ISTA can be restarted from its last iterate, so its path is computed in pieces; FISTA carries
# a momentum state and is rerun from zero for every :math:`k`. Both start at :math:`x_0 = 0`.
ks = np.unique(np.round(np.logspace(0, 3, 16)).astype(int))
gap_fista = np.array([objective(fista(A, y, lam, int(k))) - F_star for k in ks])
gap_ista, x, done = [], np.zeros(N), 0
for k in ks:
    x = ista(A, y, lam, int(k) - done, x0=x)
    done = int(k)
    gap_ista.append(objective(x) - F_star)
R2 = np.sum(x_star**2)

# %%
# The figure
# ----------
# Left: the spikes, the data and the two reconstructions. Right: the objective gaps with the
# two bounds. Both methods stay below their bounds. After about a hundred iterations FISTA
# converges much faster than :math:`O(1/k^2)`: the LASSO solution is sparse, and once its
# support is identified the objective is strongly convex on it.
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(8.5, 3.4))
u = np.arange(N)
ax0.plot(u, y, color="0.6", lw=1.0, label="data $y$")
ax0.plot(u, x_tik, lw=1.0, label=r"Tikhonov, $\alpha = 10^{-3}$")
ax0.plot(u, x_star, lw=1.2, label=rf"LASSO, $\lambda = {lam}$")
ax0.plot(support, x_true[support], "ko", ms=4, mfc="none", label=r"spikes $x^\dagger$")
ax0.set_xlabel("sample")
ax0.legend(fontsize=7, ncol=2, loc="lower left")

ax1.loglog(ks, np.maximum(gap_ista, 1e-16), "o-", ms=3, label="ISTA")
ax1.loglog(ks, np.maximum(gap_fista, 1e-16), "s-", ms=3, label="FISTA")
ax1.loglog(ks, L * R2 / (2 * ks), "--", color="C0", lw=1.0, label=r"$L\|x^*\|^2/(2k)$")
ax1.loglog(ks, 2 * L * R2 / (ks + 1) ** 2, "--", color="C1", lw=1.0, label=r"$2L\|x^*\|^2/(k+1)^2$")
ax1.set_xlabel("iteration $k$")
ax1.set_ylabel(r"$F(x_k) - F^*$")
ax1.legend(fontsize=7.5)
plt.show()
