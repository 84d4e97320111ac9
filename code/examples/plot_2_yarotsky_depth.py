r"""
Depth buys accuracy: squaring with the sawtooth
===============================================

A deep and a shallow ReLU network that compute the same approximation of the square function;
the deep one is exponentially smaller.

Yarotsky's network :math:`f_m(x) = x - \sum_{s=1}^m 4^{-s}\Delta^{\circ s}(x)`, built from the
sawtooth :math:`\Delta^{\circ s}`, is the piecewise-linear interpolant of :math:`x^2` at the nodes
:math:`j2^{-m}`, with sup error :math:`2^{-2m-2}` on :math:`[0,1]` (:doc:`/book/part2/ch05_depth`).
A network with one hidden layer computes the same interpolant with :math:`2^m` neurons; we build
both, with :func:`dlmath.expressivity.yarotsky_square_network` and
:func:`dlmath.expressivity.shallow_relu_interpolant`, and compare their sizes.
"""

# %%
# The sawtooth and its affine pieces
# ----------------------------------
# :func:`dlmath.expressivity.sawtooth_network` computes :math:`\Delta^{\circ k}` with :math:`k`
# hidden layers of width 2; :func:`dlmath.expressivity.count_linear_pieces` counts the affine
# pieces of a ReLU network exactly, in rational arithmetic. The count doubles with every layer.
import matplotlib.pyplot as plt
import numpy as np

from dlmath.expressivity import (
    count_linear_pieces,
    sawtooth_network,
    shallow_relu_interpolant,
    yarotsky_square_network,
)
from dlmath.plotting import use_book_style

use_book_style()
x = np.linspace(0.0, 1.0, 2**12 + 1)  # contains the nodes and midpoints j 2^(-m-1), m <= 10

sawtooths = {k: sawtooth_network(k) for k in (1, 2, 3, 4)}
for k, net in sawtooths.items():
    print(f"k = {k}: {net.n_params} parameters, {count_linear_pieces(*net.numpy_layers())} affine pieces on [0, 1]")

# %%
# Deep and shallow networks for the same interpolant
# --------------------------------------------------
# For each :math:`m` the deep network (depth :math:`m`, width 3) and the shallow one (width
# :math:`2^m`) agree up to rounding; the sup error is exactly :math:`2^{-2m-2}`, attained at the
# midpoints of the cells. The deep network needs :math:`12m-2` parameters, the shallow one
# :math:`3\cdot 2^m + 1`: for accuracy :math:`\varepsilon` that is :math:`O(\log(1/\varepsilon))`
# against :math:`O(\varepsilon^{-1/2})`.
ms = np.arange(1, 11)
err_deep, err_shallow, size_deep, size_shallow, gap = [], [], [], [], []
for m in ms:
    deep = yarotsky_square_network(int(m), dtype="float64")  # double precision, as in the book
    shallow = shallow_relu_interpolant(np.square, 2 ** int(m), dtype="float64")
    fd, fs = deep.evaluate(x), shallow.evaluate(x)
    err_deep.append(np.max(np.abs(fd - x**2)))
    err_shallow.append(np.max(np.abs(fs - x**2)))
    size_deep.append(deep.n_params)
    size_shallow.append(shallow.n_params)
    gap.append(np.max(np.abs(fd - fs)))
print("largest difference between the deep and the shallow network:", max(gap))
print("pieces of the deep network for m = 6:", count_linear_pieces(*yarotsky_square_network(6).numpy_layers()))

# %%
# The figure
# ----------
# Left: the sawtooth functions. Right: sup error against the number of parameters; the deep and
# the shallow network reach the same errors, at exponentially different sizes.
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(8.0, 3.3))
for k, net in sawtooths.items():
    ax0.plot(x, net.evaluate(x), label=f"$k={k}$")
ax0.set_xlabel("$x$")
ax0.set_title(r"sawtooth $\Delta^{\circ k}$, $2^k$ affine pieces")
ax0.legend(loc="lower center", ncol=4, fontsize=7.5)
ax0.set_ylim(-0.3, 1.05)

ax1.loglog(size_deep, err_deep, "o-", label=r"deep: $f_m$, depth $m$, width 3")
ax1.loglog(size_shallow, err_shallow, "s-", label=r"shallow: width $2^m$")
ax1.loglog(size_deep, 2.0 ** (-2 * ms - 2), "k+", ms=9, label=r"$2^{-2m-2}$")
ax1.set_xlabel("number of parameters")
ax1.set_ylabel(r"$\sup_{[0,1]}|f - x^2|$")
ax1.set_title(r"approximating $x^2$, $m = 1, \dots, 10$")
ax1.legend(loc="lower left", fontsize=7.5)
plt.show()
