r"""
Gradient descent finds the maximum-margin separator
===================================================

Plain gradient descent on the logistic loss of separable data turns, slowly, towards the
hard-margin support vector machine.

On linearly separable data the logistic loss has no minimiser and :math:`\|w_t\| \to \infty`,
but :math:`w_t = \hat w \log t + O(1)` with the SVM solution
:math:`\hat w = \arg\min\{\|w\| : y_i\, w\cdot x_i \ge 1\}`
(:doc:`/book/part3/ch07_landscapes_implicit_bias`). We compare the iterates, for data in the
plane, with the SVM computed by :func:`dlmath.optimization.hard_margin_svm`.
"""

# %%
# Data and the SVM
# ----------------
# Forty points of :math:`\mathbb R^2`: 38 from an elongated Gaussian cloud, labelled by the sign
# of their second coordinate and kept only if it exceeds :math:`0.6` in absolute value, and two
# points closer to the horizontal axis. The data are separable through the origin.
import matplotlib.pyplot as plt
import numpy as np

from dlmath.optimization import hard_margin_svm
from dlmath.plotting import use_book_style
from dlmath.utils import rng

use_book_style()
gen = rng(1)
rotation = np.array([[np.cos(0.6), -np.sin(0.6)], [np.sin(0.6), np.cos(0.6)]])
X = gen.standard_normal((400, 2)) @ np.diag([2.0, 0.5]) @ rotation.T
X = np.vstack([X[np.abs(X[:, 1]) > 0.6][:38], [[0.8, 0.3], [-1.2, -0.3]]])
y = np.sign(X[:, 1])
w_svm, alpha = hard_margin_svm(X, y)
support = alpha > 1e-8
print(f"SVM: w = {w_svm}, margin 1/|w| = {1 / np.linalg.norm(w_svm):.4f}, {support.sum()} support vectors")

# %%
# Gradient descent on the logistic loss
# -------------------------------------
# :math:`L(w) = \frac1n\sum_i \log(1 + e^{-y_i w\cdot x_i})` is :math:`\beta`-smooth with
# :math:`\beta = \sigma_{\max}(X)^2/(4n)`; we take the step :math:`1/\beta` and start at the
# origin. The derivative of :math:`u \mapsto \log(1+e^{-u})` is
# :math:`-\tfrac12(1 - \tanh(u/2))`, which is evaluated without overflow.
Z = y[:, None] * X
n = len(y)
eta = 4 * n / np.linalg.norm(X, 2) ** 2
checkpoints = np.unique(np.round(np.logspace(0, 5, 26)).astype(int))
record = set(checkpoints.tolist())
w = np.zeros(2)
iterates = []
for t in range(1, checkpoints[-1] + 1):
    slope = -0.5 * (1.0 - np.tanh(0.5 * (Z @ w)))
    w = w - eta * (Z.T @ slope) / n
    if t in record:
        iterates.append(w.copy())
iterates = np.array(iterates)

norms = np.linalg.norm(iterates, axis=1)
angle = np.arccos(np.clip(iterates @ w_svm / (norms * np.linalg.norm(w_svm)), -1.0, 1.0))
margin_gap = 1.0 - np.min(Z @ iterates.T, axis=0) / norms * np.linalg.norm(w_svm)
for t in (100, 1000, 10000, 100000):
    k = np.flatnonzero(checkpoints == t)[0]
    growth = norms[k] / (np.linalg.norm(w_svm) * np.log(t))
    print(f"t = {t:6d}: angle {np.degrees(angle[k]):5.2f} degrees, |w_t| / (|w_svm| log t) = {growth:.3f}")

# %%
# The figure
# ----------
# Left: the data, the two support vectors of the SVM (circled), its separator (dashed) and the
# separators :math:`\{x : w_t\cdot x = 0\}` of gradient descent, which rotate towards it. Right:
# the angle between :math:`w_t` and :math:`\hat w` and the relative margin deficit
# :math:`1 - \gamma(w_t)/\gamma(\hat w)`, with :math:`\gamma(w) = \min_i y_i w\cdot x_i/\|w\|`,
# both decay only logarithmically, as the :math:`O(1/\log t)` of the theory allows: the implicit
# bias acts, but slowly.
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(8.0, 3.6))
ax0.scatter(*X[y > 0].T, s=12, label="$y=+1$")
ax0.scatter(*X[y < 0].T, s=12, label="$y=-1$")
ax0.scatter(*X[support].T, s=70, facecolors="none", edgecolors="k", linewidths=0.8)
s = np.linspace(-4.0, 4.0, 2)
for j, t in enumerate((1, 10, 100, 1000, 100000)):
    u = iterates[np.flatnonzero(checkpoints == t)[0]]
    u = u / np.linalg.norm(u)
    ax0.plot(-s * u[1], s * u[0], lw=1.0, color=plt.cm.viridis(0.2 * j), label=f"GD, $t = 10^{j if j < 4 else 5}$")
u = w_svm / np.linalg.norm(w_svm)
ax0.plot(-s * u[1], s * u[0], "r--", lw=1.2, label="SVM")
ax0.set_xlim(-4.0, 4.0)
ax0.set_ylim(-2.5, 2.5)
ax0.set_aspect("equal")
ax0.legend(fontsize=6.5, loc="lower right", ncol=2)

ax1.loglog(checkpoints, angle, "o-", label=r"angle between $w_t$ and $\hat w$")
ax1.loglog(checkpoints[1:], margin_gap[1:], "s-", label=r"$1 - \gamma(w_t)/\gamma(\hat w)$")
ax1.loglog(
    checkpoints[1:], angle[-1] * np.log(checkpoints[-1]) / np.log(checkpoints[1:]), "k:", label=r"$\propto 1/\log t$"
)
ax1.set_xlabel("gradient descent step $t$")
ax1.legend(loc="lower left")
plt.show()
