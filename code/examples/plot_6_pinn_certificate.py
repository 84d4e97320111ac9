r"""
A PINN for the Poisson equation, with an error certificate
==========================================================

A physics-informed network for the one-dimensional Poisson problem, trained while a computable
bound on its error is monitored.

A PINN for :math:`-u'' = f` on :math:`(0,1)`, :math:`u(0) = u(1) = 0`, is trained on the squared
residual at collocation points. Its error is unknown in practice, but the a-posteriori bound
:math:`\|u - v\|_{L^2} \le \pi^{-2}\|r\|_{L^2} + ((e_0^2 + e_0e_1 + e_1^2)/3)^{1/2}`, with the
residual :math:`r = -v'' - f` and :math:`e_0 = v(0)`, :math:`e_1 = v(1)`, involves only computable
quantities (:doc:`/book/part6/ch15_pinns`); we train :class:`dlmath.pde.PoissonPINN` and watch
the bound of :func:`dlmath.pde.poisson_error_bound` follow the error.
"""

# %%
# The network and the loss
# ------------------------
# The model problem has :math:`u(x) = \sin\pi x + \tfrac12\sin 3\pi x`
# (:func:`dlmath.pde.poisson_exact`, right-hand side :func:`dlmath.pde.poisson_rhs`). The network
# is a tanh network with two hidden layers of width 24, in float64; :math:`v''` comes from two
# passes of automatic differentiation. The loss is the mean squared residual at 64 midpoints
# plus :math:`v(0)^2 + v(1)^2`.
import matplotlib.pyplot as plt
import numpy as np
import torch

from dlmath.pde import PoissonPINN, l2_norm, poisson_error_bound, poisson_exact, poisson_rhs
from dlmath.plotting import use_book_style

use_book_style()
model = PoissonPINN(width=24, depth=2, seed=0, dtype="float64")  # the certificate is computed in double precision
x_colloc = (np.arange(64) + 0.5) / 64
x_t = torch.as_tensor(x_colloc)[:, None]
f_t = torch.as_tensor(poisson_rhs(x_colloc))[:, None]
x_bdry = torch.tensor([[0.0], [1.0]], dtype=torch.float64)


def value_and_second_derivative(x):
    x = x.detach().requires_grad_(True)
    v = model(x)
    (dv,) = torch.autograd.grad(v.sum(), x, create_graph=True)
    (d2v,) = torch.autograd.grad(dv.sum(), x, create_graph=True)
    return v, d2v


def loss_fn():
    _, d2v = value_and_second_derivative(x_t)
    return torch.mean((d2v + f_t) ** 2) + torch.sum(model(x_bdry) ** 2)


# %%
# Error and certificate
# ---------------------
# :func:`dlmath.pde.l2_norm` integrates a function given on NumPy points by composite
# Gauss-Legendre quadrature; with it we compute the true error (which needs :math:`u`) and the
# bound (which does not).
def as_numpy(fn):
    return lambda p: fn(torch.as_tensor(p)[:, None]).detach().numpy().ravel()


def error_and_bound():
    error = l2_norm(lambda p: as_numpy(model)(p) - poisson_exact(p))
    residual = l2_norm(lambda p: -as_numpy(lambda x: value_and_second_derivative(x)[1])(p) - poisson_rhs(p))
    e0, e1 = model(x_bdry).detach().numpy().ravel()
    return error, poisson_error_bound(residual, float(e0), float(e1))


# %%
# Training
# --------
# Full-batch L-BFGS with a strong Wolfe line search, recorded every 20 iterations.
optimizer = torch.optim.LBFGS(
    model.parameters(),
    lr=1.0,
    max_iter=20,
    history_size=50,
    line_search_fn="strong_wolfe",
    tolerance_grad=1e-12,
    tolerance_change=1e-16,
)


def closure():
    optimizer.zero_grad()
    loss = loss_fn()
    loss.backward()
    return loss


iterations, history = [0], [(float(loss_fn().detach()), *error_and_bound())]
for step in range(1, 11):
    optimizer.step(closure)
    iterations.append(20 * step)
    history.append((float(loss_fn().detach()), *error_and_bound()))
loss, error, bound = np.array(history).T
print(f"final: loss {loss[-1]:.2e}, L2 error {error[-1]:.2e}, certified bound {bound[-1]:.2e}")
print("bound >= error at every checkpoint:", bool(np.all(bound >= error)))

# %%
# The figure
# ----------
# Left: the exact solution and the trained network. Right: training loss, true error and bound.
# The bound holds at every stage and ends within an order of magnitude of the error. It is sharp
# when the residual lies in the lowest Dirichlet mode :math:`\sin\pi x` and loose when the
# residual is dominated by high frequencies, which :math:`(-\partial_x^2)^{-1}` damps by
# :math:`1/(k\pi)^2` instead of :math:`1/\pi^2`.
fig, (ax0, ax1) = plt.subplots(1, 2, figsize=(8.0, 3.3))
x_plot = np.linspace(0.0, 1.0, 201)
ax0.plot(x_plot, poisson_exact(x_plot), "k-", label="exact $u$")
ax0.plot(x_plot, as_numpy(model)(x_plot), "--", label=r"PINN $v_\theta$")
ax0.plot(x_colloc, np.zeros_like(x_colloc), "|", color="0.5", label="collocation points")
ax0.set_xlabel("$x$")
ax0.set_ylim(-0.35, 1.2)
ax0.legend(loc="lower center", ncol=3, fontsize=7)

ax1.semilogy(iterations, loss, "^-", ms=3, label="training loss")
ax1.semilogy(iterations, bound, "s-", ms=3, label="certified bound")
ax1.semilogy(iterations, error, "o-", ms=3, label=r"true error $\|u - v_\theta\|_{L^2}$")
ax1.set_xlabel("L-BFGS iteration")
ax1.legend()
plt.show()
