r"""
NTK of a deep ReLU network in ten lines
=======================================

The empirical neural tangent kernel of wide ReLU networks, compared with its infinite-width
limit.

At initialisation the empirical NTK
:math:`\hat\Theta(x,x') = \langle\nabla_\theta f_\theta(x), \nabla_\theta f_\theta(x')\rangle` of a
network in the NTK parameterisation converges, as the width :math:`n \to \infty`, to a
deterministic kernel :math:`\Theta^{L+1}` given by a layer-by-layer recursion
(:doc:`/book/part4/ch10_infinite_width_depth`). We compare :func:`dlmath.kernels.ntk_kernel` with
:func:`dlmath.kernels.empirical_ntk` of networks built by :func:`dlmath.nets.mlp`, on inputs on
the unit circle.
"""

# %%
# The comparison
# --------------
# Inputs :math:`x_\vartheta = (\cos\vartheta, \sin\vartheta)`; we look at
# :math:`\vartheta \mapsto \Theta(x_0, x_\vartheta)` for a ReLU network with :math:`L = 3` hidden
# layers, :math:`\sigma_w^2 = 2` and no biases. The same arguments ``depth``, ``sw2``, ``sb2``
# describe the network and its kernel.
import matplotlib.pyplot as plt
import numpy as np

from dlmath.kernels import empirical_ntk, ntk_kernel
from dlmath.nets import mlp
from dlmath.plotting import slope_guide, use_book_style
from dlmath.utils import loglog_slope

use_book_style()
depth, sw2, sb2 = 3, 2.0, 0.0
circle = lambda t: np.column_stack([np.cos(t), np.sin(t)])  # noqa: E731
theta = np.linspace(0.0, np.pi, 13)
x0 = circle(np.zeros(1))

analytic = ntk_kernel(x0, circle(theta), depth=depth, sw2=sw2, sb2=sb2)[0]
widths = [32, 64, 128, 256, 512, 1024]
empirical = {
    (width, seed): empirical_ntk(mlp(2, width, depth, sw2=sw2, sb2=sb2, seed=seed), x0, circle(theta))[0]
    for width in widths
    for seed in range(4)
}

# %%
# The rate
# --------
# The relative deviation :math:`\|\hat\Theta - \Theta\|/\|\Theta\|` on these points, median over
# four networks per width, decays like :math:`n^{-1/2}`. The constant is not small: for ReLU
# networks the relative variance of :math:`\hat\Theta(x,x)` grows linearly with the depth, so at
# width 1024 the fluctuations are still of order ten per cent.
deviation = np.array(
    [
        [np.linalg.norm(empirical[width, seed] - analytic) / np.linalg.norm(analytic) for seed in range(4)]
        for width in widths
    ]
)
median = np.median(deviation, axis=1)
print("median relative deviation per width:", dict(zip(widths, median.round(3).tolist())))
print(f"fitted slope: {loglog_slope(widths, median):.2f}")

# %%
# The figure
# ----------
# Left: the analytic kernel and the empirical kernels of a few networks of two widths.
# Right: the deviation against the width.
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(8.0, 3.3))
fine = np.linspace(0.0, np.pi, 200)
ax0.plot(
    fine,
    ntk_kernel(x0, circle(fine), depth=depth, sw2=sw2, sb2=sb2)[0],
    "k-",
    label=rf"analytic $\Theta^{{{depth + 1}}}$",
)
for width, n_nets, color in ((64, 3, "C1"), (1024, 2, "C0")):
    for seed in range(n_nets):
        ax0.plot(
            theta,
            empirical[width, seed],
            "o",
            ms=3,
            color=color,
            alpha=0.8,
            label=f"empirical, width {width}" if seed == 0 else None,
        )
ax0.set_xlabel(r"angle $\vartheta$ between $x_0$ and $x_\vartheta$")
ax0.set_title(rf"NTK of a ReLU network, $L = {depth}$ hidden layers")
ax0.legend()

ax1.loglog(widths, deviation, ".", color="0.6")
ax1.loglog(widths, median, "o-", label="median over 4 networks")
slope_guide(ax1, widths, -0.5, anchor=(widths[0], median[0]), label=r"slope $-1/2$")
ax1.set_xlabel("width $n$")
ax1.set_ylabel(r"$\|\hat\Theta - \Theta\| / \|\Theta\|$")
ax1.legend()
plt.show()
