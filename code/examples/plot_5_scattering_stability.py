r"""
Scattering is stable to deformations, the Fourier modulus is not
================================================================

Under a small deformation the scattering coefficients of a signal change little at every
frequency; the modulus of its Fourier transform does not.

A dilation moves a high-frequency peak of :math:`\hat x` by more than its width, so
:math:`|\hat x|` changes by an amount that grows with the frequency, while the scattering
transform, a cascade of wavelet convolutions and moduli followed by a local average, changes by
:math:`O(\|\tau'\|_\infty)` uniformly (:doc:`/book/part5/ch13_scattering`). We measure both, the
scattering transform with the module :class:`dlmath.architectures.Scattering1D`.
"""

# %%
# Signals and the deformation
# ---------------------------
# Gabor atoms :math:`x_\xi(u) = e^{-((u - u_0)/50)^2}\cos(\xi u)` on :math:`\mathbb Z_N`,
# :math:`N = 1024`, for frequencies :math:`\xi` up to :math:`2.8` (the Nyquist frequency is
# :math:`\pi`), and the periodic displacement field
# :math:`\tau(u) = \varepsilon\frac{N}{2\pi}\sin(2\pi u/N)` with :math:`\|\tau'\|_\infty = \varepsilon`,
# which near :math:`u_0 = 0.4N` is a translation by about one sample combined with a dilation.
import matplotlib.pyplot as plt
import numpy as np
import torch

from dlmath.architectures import Scattering1D
from dlmath.plotting import use_book_style

use_book_style()
N, u0, eps = 1024, 0.4 * 1024, 0.01
u = np.arange(N, dtype=float)
tau = eps * N / (2 * np.pi) * np.sin(2 * np.pi * u / N)
xis = np.linspace(0.2, 2.8, 27)


def atom(v, xi):
    return np.exp(-(((v - u0) / 50.0) ** 2)) * np.cos(xi * v)


x = np.stack([atom(u, xi) for xi in xis])
x_tau = np.stack([atom(u - tau, xi) for xi in xis])  # (L_tau x)(u) = x(u - tau(u))

# %%
# Three representations
# ---------------------
# The scattering transform with :math:`J = 7` scales and paths of order at most 2 acts on a batch
# of signals of shape ``(B, N)`` and returns ``(B, P, N)``, one row per path. We compare the
# relative changes :math:`\|\Phi(L_\tau x) - \Phi(x)\|/\|x\|` of the scattering transform, of the
# normalised Fourier modulus and of the signal itself.
scattering = Scattering1D(N, 7, M=2)
print(f"{len(scattering.paths)} paths of order <= 2, e.g. {scattering.paths[:3]} ... {scattering.paths[-1]}")
with torch.no_grad():
    S, S_tau = (scattering(torch.as_tensor(s)).numpy() for s in (x, x_tau))
norm = np.linalg.norm(x, axis=1)
err_scattering = np.linalg.norm(S_tau - S, axis=(1, 2)) / norm


def fourier(s):
    """Modulus of the unitary DFT, so that its norm is that of the signal."""
    return np.abs(np.fft.fft(s, axis=-1)) / np.sqrt(N)


err_fourier = np.linalg.norm(fourier(x_tau) - fourier(x), axis=1) / norm
err_signal = np.linalg.norm(x_tau - x, axis=1) / norm

with torch.no_grad():  # translation invariance, for comparison: a shift by 3 samples
    shift = scattering(torch.as_tensor(np.roll(x, 3, axis=1))).numpy()
print(
    "largest relative change of S under a shift by 3 samples:",
    f"{np.max(np.linalg.norm(shift - S, axis=(1, 2)) / norm):.4f}",
)

# %%
# The figure
# ----------
# Left: the centre of an atom of frequency :math:`\xi = 1.2` and of its deformation, out of phase.
# Right: the relative changes against :math:`\xi` for :math:`\varepsilon = 0.01`. The signal and
# its Fourier modulus change by an amount proportional to :math:`\xi`; the scattering
# coefficients change by at most a few per cent at every frequency.
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(8.0, 3.3))
window = slice(int(u0) - 30, int(u0) + 31)
k = int(np.argmin(np.abs(xis - 1.2)))
ax0.plot(u[window], x[k, window], ".-", label=r"$x_\xi$")
ax0.plot(u[window], x_tau[k, window], ".-", label=r"$L_\tau x_\xi$")
ax0.set_xlabel("$u$")
ax0.set_title(rf"$\xi = {xis[k]:.1f}$, $\varepsilon = {eps}$")
ax0.legend(loc="lower right", ncol=2)
ax0.set_ylim(-1.4, 1.1)

ax1.plot(xis, err_signal, "^-", ms=3, label=r"signal $x$")
ax1.plot(xis, err_fourier, "s-", ms=3, label=r"Fourier modulus $|\hat x|$")
ax1.plot(xis, err_scattering, "o-", ms=3, label=r"scattering $S_J x$, $J = 7$")
ax1.set_xlabel(r"frequency $\xi$")
ax1.set_ylabel(r"$\|\Phi(L_\tau x) - \Phi(x)\| / \|x\|$")
ax1.legend()
plt.show()
