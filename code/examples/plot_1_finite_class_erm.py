r"""
Empirical risk minimisation over a finite class of thresholds
=============================================================

Empirical risk minimisation over threshold classifiers, simulated and compared with the
distribution-free bound for finite classes.

For a finite class :math:`\mathcal F`, Hoeffding's inequality and a union bound give, with
probability :math:`1-\delta`, a uniform deviation of at most
:math:`\varepsilon_n = \sqrt{\log(2|\mathcal F|/\delta)/(2n)}` between empirical and true risks,
hence an excess risk of ERM of at most :math:`2\varepsilon_n`
(:doc:`/book/part1/ch01_risk_and_erm`). With the exact risks of
:func:`dlmath.learning.threshold_risk` we see the uniform deviation decay like :math:`n^{-1/2}`, as
the bound does, and the excess risk of ERM decay faster.
"""

# %%
# The model and the class
# -----------------------
# :math:`X \sim U[0,1]`, :math:`Y = \mathbf 1\{X > t_0\}` with :math:`t_0 = 0.3`, each label flipped
# independently with probability :math:`p = 0.2`. The class consists of the classifiers
# :math:`h_t(x) = \mathbf 1\{x > t\}` for :math:`t` on a grid of :math:`m = 501` points; their
# risk :math:`R(h_t) = p + (1-2p)|t - t_0|` is known in closed form.
import matplotlib.pyplot as plt
import numpy as np

from dlmath.learning import threshold_risk
from dlmath.plotting import slope_guide, use_book_style
from dlmath.utils import rng

use_book_style()
t0, flip, delta = 0.3, 0.2, 0.1
grid = np.linspace(0.0, 1.0, 501)
risk = threshold_risk(grid, t0=t0, flip=flip)
gen = rng(0)


def empirical_risks(x, y):
    """Empirical 0-1 risks of all h_t on one sample, in O(n log n + m) operations.

    h_t errs on a point with label 1 iff x <= t, and on a point with label 0 iff x > t;
    with k = #{j : grid_j < x} these are the thresholds with index >= k, resp. < k.
    """
    k = np.searchsorted(grid, x, side="left")
    ones = np.bincount(k[y], minlength=grid.size + 1)
    zeros = np.bincount(k[~y], minlength=grid.size + 1)
    errors = np.cumsum(ones)[:-1] + (zeros.sum() - np.cumsum(zeros)[:-1])
    return errors / x.size


# %%
# Monte Carlo over samples
# ------------------------
# For each sample size we draw 400 samples, compute the supremum of
# :math:`|\widehat R_n(h_t) - R(h_t)|` over the class and the excess risk
# :math:`R(\hat h_n) - \min_t R(h_t)` of the empirical risk minimiser (the smallest minimising
# threshold).
ns = np.array([25, 50, 100, 200, 400, 800, 1600, 3200])
n_rep = 400
sup_dev = np.empty((ns.size, n_rep))
excess = np.empty((ns.size, n_rep))
for i, n in enumerate(ns):
    for r in range(n_rep):
        x = gen.random(n)
        y = (x > t0) ^ (gen.random(n) < flip)
        emp = empirical_risks(x, y)
        sup_dev[i, r] = np.max(np.abs(emp - risk))
        excess[i, r] = risk[np.argmin(emp)] - risk.min()

eps_n = np.sqrt(np.log(2 * grid.size / delta) / (2 * ns))
print("fraction of samples with sup deviation > eps_n:", (sup_dev > eps_n[:, None]).mean(axis=1))

# %%
# The figure
# ----------
# The :math:`(1-\delta)`-quantile of the uniform deviation lies below :math:`\varepsilon_n` and
# has the predicted slope :math:`-1/2`. The excess risk of ERM lies far below :math:`2\varepsilon_n`
# and decays like :math:`1/n`: near :math:`t_0` the risk grows linearly in :math:`|t - t_0|`
# (a margin condition), which the distribution-free bound cannot see.
fig, ax = plt.subplots(figsize=(6.0, 3.6))
ax.loglog(ns, np.quantile(sup_dev, 1 - delta, axis=1), "o-", label=r"$(1-\delta)$-quantile of $\max_t|\hat R_n - R|$")
ax.loglog(ns, eps_n, "k--", label=r"$\varepsilon_n = \sqrt{\log(2|\mathcal{F}|/\delta)/(2n)}$")
ax.loglog(ns, excess.mean(axis=1), "s-", label=r"mean excess risk of ERM")
ax.loglog(ns, 2 * eps_n, "k:", label=r"$2\varepsilon_n$")
slope_guide(ax, ns, -1.0, anchor=(ns[0], 1.5 * excess.mean(axis=1)[0]), label="slope $-1$")
ax.set_xlabel("sample size $n$")
ax.set_title(rf"thresholds on a grid, $|\mathcal{{F}}| = {grid.size}$, $\delta = {delta}$")
ax.legend(loc="lower left")
plt.show()
