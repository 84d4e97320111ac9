r"""A trained PINN for the Poisson problem: a tanh network, the strong-form loss, Adam then L-BFGS.

:class:`PoissonPINN` is a tanh network :math:`v_\theta : [0,1] \to \R` whose boundary values
are penalised in the loss; :func:`train_pinn_poisson` trains it on midpoints and evaluates the
a-posteriori bound of theorem ``pde-poisson_stability`` (:func:`dlmath.pde.poisson_error_bound`)
on the trained network, with the second derivative by automatic differentiation.

References
----------
Raissi, Perdikaris, Karniadakis (2019).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..nets import module_dtype_device, network_input
from ..results import DemoResult, demo_result
from ..utils import NETWORK_DTYPE, check_device, check_int, small_network_threads
from ._common import _check_training, _gauss_nodes, _tanh_mlp, _train, _two_axes
from .poisson import poisson_error_bound, poisson_exact, poisson_rhs

__all__ = ["PoissonPINN", "PINNPoissonResult", "train_pinn_poisson"]


class PoissonPINN(torch.nn.Module):
    r"""A tanh network :math:`v_\theta : [0,1] \to \R` for the Poisson problem.

    Parameters
    ----------
    width, depth : int, default 32 and 3
        Hidden width and number of hidden layers, >= 1.
    seed : int, default 0
        Seed of the Glorot-normal initial weights (drawn in float64 on the CPU by
        :func:`dlmath.nets.seeded_normal`, then cast).
    device : str or torch.device, default "cpu"
    dtype : torch.dtype or str, default "float32"
        The network's dtype (float32, the default of every network of ``dlmath``);
        :func:`train_pinn_poisson` builds it in float64.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.

    Notes
    -----
    ``forward`` maps a batch ``x`` of shape ``(N, 1)`` (a tensor of the network's dtype or a NumPy
    array) to a tensor of shape ``(N, 1)``. Boundary conditions are *not* built in; they enter
    the loss as a penalty, so :math:`v(0), v(1) \ne 0` in general.

    Examples
    --------
    >>> import numpy as np
    >>> PoissonPINN(8, 2)(np.linspace(0, 1, 5)[:, None]).shape
    torch.Size([5, 1])

    References
    ----------
    Book: chapter *Physics-informed neural networks*. Raissi et al. (2019).
    """

    def __init__(
        self, width: int = 32, depth: int = 3, seed: int = 0, device: Any = "cpu", *, dtype: Any = NETWORK_DTYPE
    ):
        super().__init__()
        self.net = _tanh_mlp(1, width, depth, seed, device, dtype)

    def forward(self, x: Any) -> torch.Tensor:
        """The network's values at the points ``x`` of shape ``(N, 1)``."""
        dtype, device = module_dtype_device(self)
        x = network_input(x, dtype=dtype, device=device, min_ndim=1, last_dim=1)
        return self.net(x)


def _second_derivative(model: torch.nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """v(x) and v''(x) for a batch x of shape (N, 1), by two passes of autograd."""
    x = x.detach().requires_grad_(True)
    v = model(x)
    (dv,) = torch.autograd.grad(v.sum(), x, create_graph=True)
    (d2v,) = torch.autograd.grad(dv.sum(), x, create_graph=True)
    return v, d2v


# ---------------------------------------------------------------------------------------------
# demos: a trained PINN and its certificate
# ---------------------------------------------------------------------------------------------


@demo_result
class PINNPoissonResult(DemoResult):
    """Result of :func:`train_pinn_poisson`.

    Attributes
    ----------
    x, u, v : numpy.ndarray
        A plotting grid, the exact solution and the trained network on it.
    loss_history : numpy.ndarray
        The training loss per Adam step and per L-BFGS function evaluation.
    rel_l2 : float
        :math:`\\|u - v\\|_{L^2}/\\|u\\|_{L^2}`.
    l2_err, resid_l2, e0, e1 : float
        :math:`\\|u - v\\|_{L^2}`, :math:`\\|r\\|_{L^2}`, :math:`v(0)`, :math:`v(1)`.
    bound : float
        The a-posteriori bound :func:`poisson_error_bound` (resid_l2, e0, e1).
    ratio : float
        l2_err / bound (theory: at most 1).
    model : PoissonPINN
        The trained network.
    """

    x: np.ndarray
    u: np.ndarray
    v: np.ndarray
    loss_history: np.ndarray
    rel_l2: float
    l2_err: float
    resid_l2: float
    e0: float
    e1: float
    bound: float
    ratio: float
    model: Any

    def plot(self, ax=None):
        ax1, ax2 = _two_axes(ax, height=3.0)
        ax1.plot(self.x, self.u, label="exact $u$")
        ax1.plot(self.x, self.v, "--", label=r"PINN $v_\theta$")
        ax1.set_xlabel("$x$")
        ax1.legend()
        ax1.set_title("solution")
        ax2.semilogy(self.loss_history)
        ax2.set_xlabel("Adam steps, then L-BFGS evaluations")
        ax2.set_title("training loss")
        return ax1, ax2


@small_network_threads
def train_pinn_poisson(
    *,
    width: int = 32,
    depth: int = 3,
    n_colloc: int = 128,
    adam_steps: int = 500,
    lbfgs_steps: int = 300,
    lr: float = 1e-2,
    seed: int = 0,
    progress: bool = False,
    device: Any = "cpu",
) -> PINNPoissonResult:
    r"""Train a PINN for :math:`-u''=f`, :math:`u(0)=u(1)=0` (Adam, then L-BFGS).

    The loss is the strong-form collocation loss
    :math:`\frac1N\sum_i (v_\theta''(x_i) + f(x_i))^2 + v_\theta(0)^2 + v_\theta(1)^2`
    on :math:`N` midpoints, with :math:`v''_\theta` by automatic differentiation. After
    training, :math:`\|u - v_\theta\|_{L^2}`, :math:`\|r\|_{L^2}` (Gauss-Legendre quadrature
    with 1024 nodes) and the boundary values give the a-posteriori bound of theorem
    ``pde-poisson_stability``.

    Parameters
    ----------
    width, depth : int, default 32 and 3
    n_colloc : int, default 128
        Number of collocation midpoints.
    adam_steps, lbfgs_steps : int, default 500 and 300
        Adam steps and maximal L-BFGS iterations (strong Wolfe line search).
    lr : float, default 1e-2
        Adam learning rate.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    progress : bool, default False
        A progress bar (tqdm) over the Adam steps and the L-BFGS evaluations; silent by default.

    Returns
    -------
    PINNPoissonResult

    References
    ----------
    Book: chapter *Physics-informed neural networks*. Raissi et al. (2019).
    """
    n_colloc = check_int(n_colloc, "n_colloc", minimum=1)
    adam_steps, lbfgs_steps, lr = _check_training(adam_steps, lbfgs_steps, lr)
    dev = check_device(device)
    model = PoissonPINN(width, depth, seed, dev, dtype=torch.float64)  # float64: the bound's digits
    xs = (np.arange(n_colloc) + 0.5) / n_colloc
    xt = torch.as_tensor(xs, dtype=torch.float64, device=dev)[:, None]
    ft = torch.as_tensor(poisson_rhs(xs), dtype=torch.float64, device=dev)[:, None]
    xb = torch.tensor([[0.0], [1.0]], dtype=torch.float64, device=dev)

    def loss_fn():
        _, d2v = _second_derivative(model, xt)
        return torch.mean((d2v + ft) ** 2) + torch.sum(model(xb) ** 2)

    hist = _train(model, loss_fn, adam_steps, lbfgs_steps, lr, progress=progress)

    xq, wq = _gauss_nodes()
    v, d2v = _second_derivative(model, torch.as_tensor(xq, dtype=torch.float64, device=dev)[:, None])
    v = v.detach().cpu().numpy().ravel()
    r = -d2v.detach().cpu().numpy().ravel() - poisson_rhs(xq)
    u = poisson_exact(xq)
    l2_err = float(np.sqrt(np.sum(wq * (u - v) ** 2)))
    resid = float(np.sqrt(np.sum(wq * r**2)))
    with torch.no_grad():
        e0, e1 = (float(t) for t in model(xb).cpu().ravel())
    bound = poisson_error_bound(resid, e0, e1)
    xp = np.linspace(0.0, 1.0, 201)
    with torch.no_grad():
        vp = model(torch.as_tensor(xp, dtype=torch.float64, device=dev)[:, None]).cpu().numpy().ravel()
    return PINNPoissonResult(
        x=xp,
        u=poisson_exact(xp),
        v=vp,
        loss_history=hist,
        rel_l2=l2_err / float(np.sqrt(np.sum(wq * u**2))),
        l2_err=l2_err,
        resid_l2=resid,
        e0=e0,
        e1=e1,
        bound=bound,
        ratio=l2_err / bound,
        model=model,
    )
