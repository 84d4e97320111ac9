r"""
Gaussian-process regression with the NNGP kernel
================================================

Bayesian regression with infinitely wide ReLU networks, and why their depth matters in both
directions.

A random ReLU network with :math:`L` hidden layers becomes, as its width grows, a centred
Gaussian process with the NNGP kernel :math:`K^{L+1}` (:doc:`/book/part4/ch10_infinite_width_depth`),
so Bayesian regression with it is GP regression with this kernel. With
:func:`dlmath.kernels.nngp_kernel` and :func:`dlmath.kernels.gp_posterior` on data on the circle
we find that one hidden layer cannot represent some frequencies at all, while many hidden layers
make the kernel nearly constant.
"""

# %%
# Data on the circle
# ------------------
# Inputs :math:`x = (\cos\vartheta, \sin\vartheta)`, target
# :math:`f(\vartheta) = \sin 3\vartheta + \tfrac12\cos\vartheta`, twenty observations with noise of
# standard deviation :math:`0.1`. Without biases (:math:`\sigma_b^2 = 0`) the kernel of unit
# vectors depends only on the angle between them.
import matplotlib.pyplot as plt
import numpy as np

from dlmath.kernels import gp_posterior, krr_fit, nngp_kernel
from dlmath.plotting import use_book_style
from dlmath.utils import rng

use_book_style()
gen = rng(0)
circle = lambda t: np.column_stack([np.cos(t), np.sin(t)])  # noqa: E731
target = lambda t: np.sin(3 * t) + 0.5 * np.cos(t)  # noqa: E731
t_train = np.sort(gen.uniform(-np.pi, np.pi, 20))
y_train = target(t_train) + 0.1 * gen.standard_normal(t_train.size)
t_test = np.linspace(-np.pi, np.pi, 361)
noise = 0.01


def posterior(depth):
    """Posterior mean and standard deviation on the test angles for the depth-L NNGP prior."""
    Xtr, Xte = circle(t_train), circle(t_test)
    K = nngp_kernel(Xtr, depth=depth)
    K_cross = nngp_kernel(Xtr, Xte, depth=depth)
    K_test = nngp_kernel(Xte, depth=depth)
    mean, cov = gp_posterior(K, K_cross, K_test, y_train, noise)
    return mean, np.sqrt(np.clip(np.diag(cov), 0.0, None)), K, K_cross


# %%
# The posterior mean is kernel ridge regression
# ---------------------------------------------
# :func:`dlmath.kernels.krr_fit` solves :math:`(K + n\lambda I)\alpha = y`; with
# :math:`n\lambda` equal to the noise variance, :math:`\sum_i\alpha_i k(\cdot, x_i)` is the
# posterior mean.
mean, sd, K, K_cross = posterior(2)
alpha = krr_fit(K, y_train, noise / t_train.size)
print("max |GP mean - KRR|:", np.max(np.abs(K_cross.T @ alpha - mean)))

# %%
# Mercer eigenvalues
# ------------------
# A kernel on the circle that depends only on the angle is diagonalised by the Fourier basis,
# and its eigenvalues are the Fourier coefficients of :math:`\vartheta \mapsto K(x_0, x_\vartheta)`.
# For one hidden layer (the arc-cosine kernel) the coefficients of the odd frequencies
# :math:`k \ge 3` vanish: :math:`\sin 3\vartheta` lies outside the RKHS, and no amount of data
# helps. With more layers every frequency is present, but the spectrum concentrates on
# :math:`k = 0` (the correlation of any two inputs tends to one with the depth), and the fit
# degrades again.
grid = 2 * np.pi * np.arange(256) / 256
depths_shown = (1, 3, 30)
spectra = {L: np.abs(np.fft.rfft(nngp_kernel(circle(grid[:1]), circle(grid), depth=L)[0])) / 256 for L in depths_shown}

depths = np.array([1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64])
test_mse = np.array([np.mean((posterior(int(L))[0] - target(t_test)) ** 2) for L in depths])
print("test MSE of the posterior mean:", dict(zip(depths.tolist(), test_mse.round(4).tolist())))

# %%
# The figure
# ----------
fig, (ax0, ax1, ax2) = plt.subplots(1, 3, figsize=(10.0, 3.2))
ax0.plot(t_test, target(t_test), "k--", lw=1.0, label="target")
for L, color in zip(depths_shown, ("C1", "C0", "C2")):
    m, s, _, _ = posterior(L)
    ax0.plot(t_test, m, color=color, label=f"$L = {L}$")
    ax0.fill_between(t_test, m - 2 * s, m + 2 * s, color=color, alpha=0.15, lw=0)
ax0.plot(t_train, y_train, "k.", ms=6)
ax0.set_xlabel(r"angle $\vartheta$")
ax0.set_title(r"posterior mean $\pm 2$ sd")
ax0.set_ylim(-2.3, 1.7)
ax0.legend(fontsize=7, loc="lower center", ncol=4)

freqs = np.arange(11)
for L, color in zip(depths_shown, ("C1", "C0", "C2")):
    eig = spectra[L][:11]
    zero = eig < 1e-12  # zero up to rounding
    ax1.semilogy(freqs[~zero], eig[~zero], "o", color=color, ms=4, label=f"$L = {L}$")
    if zero.any():
        ax1.semilogy(freqs[zero], np.full(zero.sum(), 1e-6), "x", color=color, ms=6, label=f"$L = {L}$: exactly 0")
ax1.set_ylim(3e-7, 2.0)
ax1.set_xlabel("frequency $k$")
ax1.set_title("Mercer eigenvalues of $K^{L+1}$")
ax1.legend(fontsize=7)

ax2.loglog(depths, test_mse, "o-")
ax2.set_xlabel("number of hidden layers $L$")
ax2.set_ylabel("mean squared error")
ax2.set_title("test error of the posterior mean")
plt.show()
