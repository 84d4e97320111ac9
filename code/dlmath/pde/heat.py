r"""A PINN for the heat equation with the initial and boundary data built in, and its energy bound.

The heat equation :math:`u_t = u_{xx}` on :math:`(0,1)\times(0,T)` with :math:`u(0,t)=u(1,t)=0`
and :math:`u(x,0) = \sin(\pi x) + \tfrac12\sin(3\pi x)` has the exact solution
:func:`heat_exact`. :class:`HeatPINN` satisfies the initial and boundary conditions exactly
(hard constraints), and :func:`train_pinn_heat` trains it on the residual alone and compares its
error with the a-posteriori energy bound
:math:`\|u(t)-v(t)\| \le \int_0^t e^{-\pi^2(t-s)}\|r(s)\|\,ds`.

References
----------
Raissi, Perdikaris, Karniadakis (2019); Mishra and Molinaro (2023), Sec. 3 (energy-type
stability estimates); Lagaris, Likas, Fotiadis (1998) for the hard-constraint ansatz; Evans,
*Partial Differential Equations*, Sec. 7.1.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from ..nets import module_dtype_device, network_input
from ..results import DemoResult, demo_result
from ..utils import NETWORK_DTYPE, check_device, check_int, check_real, is_tensor, like_input, small_network_threads
from ._common import _PI, _check_training, _float64_array, _gauss_nodes, _tanh_mlp, _train, _two_axes

__all__ = ["heat_exact", "HeatPINN", "PINNHeatResult", "train_pinn_heat"]


def heat_exact(x: Any, t: Any) -> Any:
    r"""Exact solution :math:`u = e^{-\pi^2 t}\sin(\pi x) + \tfrac12 e^{-9\pi^2 t}\sin(3\pi x)` of the heat equation.

    It solves :math:`u_t = u_{xx}` on :math:`(0,1)\times(0,T)` with :math:`u(0,t)=u(1,t)=0`
    and :math:`u(x,0) = \sin(\pi x) + \tfrac12\sin(3\pi x)`.

    Parameters
    ----------
    x, t : array_like or torch.Tensor
        Broadcastable arrays of points.

    Returns
    -------
    numpy.ndarray or torch.Tensor
        NumPy, or a tensor of the dtype and device of ``x`` (of ``t`` if only ``t`` is a tensor);
        computed in float64.

    Examples
    --------
    >>> heat_exact([0.5], [0.0])
    array([0.5])

    References
    ----------
    Book: chapter *Physics-informed neural networks*.
    """
    reference = x if is_tensor(x) or not is_tensor(t) else t
    x = _float64_array(x, "x")
    t = _float64_array(t, "t")
    out = np.exp(-(_PI**2) * t) * np.sin(_PI * x) + 0.5 * np.exp(-9 * _PI**2 * t) * np.sin(3 * _PI * x)
    return like_input(out, reference)


class HeatPINN(torch.nn.Module):
    r"""A PINN for the heat equation with the initial and boundary data built in.

    :math:`v_\theta(x,t) = u_0(x) + 10\,t\,x(1-x)\,N_\theta(x,t/T)` with a tanh network
    :math:`N_\theta : \R^2 \to \R` (inputs scaled to :math:`[0,1]^2`, output scaled by 10
    because :math:`(u - u_0)/(t x (1-x)) \to u_{xx}(x,0)/(x(1-x))` as :math:`t \to 0`, of size up to
    :math:`14.5\pi^3 \approx 450`) and :math:`u_0(x) = \sin(\pi x) + \frac12\sin(3\pi x)`, so that
    :math:`v_\theta(\cdot,0) = u_0` and :math:`v_\theta(0,t) = v_\theta(1,t) = 0` exactly.

    Parameters
    ----------
    width, depth : int, default 32 and 3
        Hidden width and number of hidden layers of :math:`N_\theta`, >= 1.
    seed : int, default 0
        Seed of the Glorot-normal initial weights (drawn in float64 on the CPU, then cast).
    device : str or torch.device, default "cpu"
    T : float, default 0.2
        Final time, > 0.
    dtype : torch.dtype or str, default "float32"
        The network's dtype (float32, the default of every network of ``dlmath``);
        :func:`train_pinn_heat` builds it in float64.

    Raises
    ------
    TypeError, ValueError
        For a bad argument; the message names it.

    Notes
    -----
    ``forward`` maps a batch ``x`` of shape ``(N, 2)`` (columns :math:`x, t`; a tensor of the
    network's dtype or a NumPy array) to a tensor of shape ``(N, 1)``.

    Examples
    --------
    >>> import numpy as np
    >>> HeatPINN(8, 2)(np.array([[0.5, 0.0], [0.0, 0.1]])).shape
    torch.Size([2, 1])

    References
    ----------
    Book: chapter *Physics-informed neural networks*. Lagaris, Likas, Fotiadis (1998) for
    the hard-constraint ansatz.
    """

    def __init__(
        self,
        width: int = 32,
        depth: int = 3,
        seed: int = 0,
        device: Any = "cpu",
        T: float = 0.2,
        *,
        dtype: Any = NETWORK_DTYPE,
    ):
        super().__init__()
        self.T = check_real(T, "T", minimum=0.0, strict_min=True)
        self.net = _tanh_mlp(2, width, depth, seed, device, dtype)

    def forward(self, x: Any) -> torch.Tensor:
        """The network's values at the points ``x`` of shape ``(N, 2)`` (columns :math:`x, t`)."""
        dtype, device = module_dtype_device(self)
        xt = network_input(x, "x", dtype=dtype, device=device, ndim=2, last_dim=2)
        x, t = xt[:, :1], xt[:, 1:2]
        u0 = torch.sin(_PI * x) + 0.5 * torch.sin(3 * _PI * x)
        return u0 + 10.0 * t * x * (1 - x) * self.net(torch.cat([x, t / self.T], 1))


def _heat_residual(model, xt):
    """v and the residual v_t - v_xx at the points xt of shape (N, 2), by autograd."""
    xt = xt.detach().requires_grad_(True)
    v = model(xt)
    (g,) = torch.autograd.grad(v.sum(), xt, create_graph=True)
    (gx,) = torch.autograd.grad(g[:, 0].sum(), xt, create_graph=True)
    return v, g[:, 1:2] - gx[:, 0:1]


# ---------------------------------------------------------------------------------------------
# demos: a trained heat PINN and its energy bound
# ---------------------------------------------------------------------------------------------


@demo_result
class PINNHeatResult(DemoResult):
    """Result of :func:`train_pinn_heat`.

    Attributes
    ----------
    times : numpy.ndarray
        Times :math:`t_j` of the error curve.
    err_l2 : numpy.ndarray
        :math:`\\|u(\\cdot,t_j) - v(\\cdot,t_j)\\|_{L^2(0,1)}`.
    energy_bound : numpy.ndarray
        :math:`\\int_0^{t_j} e^{-\\pi^2(t_j-s)}\\|r(\\cdot,s)\\|_{L^2}\\,ds` (the initial error is 0).
    loss_history : numpy.ndarray
    rel_l2 : float
        Relative :math:`L^2` error over :math:`(0,1)\\times(0,T)`.
    max_ratio : float
        :math:`\\max_j` err_l2 / energy_bound (theory: at most 1).
    x, t_grid, v_grid, u_grid : numpy.ndarray
        A grid and the two solutions on it (for the figure).
    model : HeatPINN
    """

    times: np.ndarray
    err_l2: np.ndarray
    energy_bound: np.ndarray
    loss_history: np.ndarray
    rel_l2: float
    max_ratio: float
    x: np.ndarray
    t_grid: np.ndarray
    v_grid: np.ndarray
    u_grid: np.ndarray
    model: Any

    def plot(self, ax=None):
        ax1, ax2 = _two_axes(ax, height=3.0)
        for j in range(0, len(self.t_grid), max(1, len(self.t_grid) // 4)):
            (line,) = ax1.plot(self.x, self.u_grid[j], lw=1.0)
            ax1.plot(self.x, self.v_grid[j], "--", color=line.get_color(), lw=1.6, label=f"$t={self.t_grid[j]:.2f}$")
        ax1.set_xlabel("$x$")
        ax1.set_title("exact (solid) and PINN (dashed)")
        ax1.legend(fontsize=7)
        ax2.semilogy(self.times[1:], self.err_l2[1:], label=r"$\|u(t)-v(t)\|_{L^2}$")
        ax2.semilogy(self.times[1:], self.energy_bound[1:], "--", label="energy bound")
        ax2.set_xlabel("$t$")
        ax2.set_title("error and a-posteriori bound")
        ax2.legend()
        return ax1, ax2


@small_network_threads
def train_pinn_heat(
    *,
    T: float = 0.2,
    width: int = 32,
    depth: int = 3,
    n_x: int = 24,
    n_t: int = 24,
    adam_steps: int = 300,
    lbfgs_steps: int = 200,
    lr: float = 1e-2,
    seed: int = 0,
    progress: bool = False,
    device: Any = "cpu",
) -> PINNHeatResult:
    r"""Train a PINN for the heat equation :math:`u_t = u_{xx}` and check the energy bound.

    The ansatz :class:`HeatPINN` satisfies the initial and boundary conditions exactly, so the
    loss is the mean squared residual :math:`r = v_t - v_{xx}` on an ``n_x`` by ``n_t`` tensor
    grid of midpoints of :math:`(0,1)\times(0,T)`; Adam then L-BFGS. The error is compared with
    the a-posteriori energy bound
    :math:`\|u(t)-v(t)\| \le \int_0^t e^{-\pi^2(t-s)}\|r(s)\|\,ds` (Gauss-Legendre quadrature in
    :math:`x`, the trapezoidal rule on 401 equispaced times in :math:`s`).

    Parameters
    ----------
    T : float, default 0.2
        Final time, > 0.
    width, depth : int, default 32 and 3
    n_x, n_t : int, default 24 and 24
        Collocation grid.
    adam_steps, lbfgs_steps : int, default 300 and 200
    lr : float, default 1e-2
    seed : int, default 0
    device : str or torch.device, default "cpu"

    progress : bool, default False
        A progress bar (tqdm) over the Adam steps and the L-BFGS evaluations; silent by default.

    Returns
    -------
    PINNHeatResult

    References
    ----------
    Book: chapter *Physics-informed neural networks*. Raissi et al. (2019); Mishra and
    Molinaro (2023), Sec. 3 for the energy-type stability estimates.
    """
    T = check_real(T, "T", minimum=0.0, strict_min=True)
    n_x = check_int(n_x, "n_x", minimum=1)
    n_t = check_int(n_t, "n_t", minimum=1)
    adam_steps, lbfgs_steps, lr = _check_training(adam_steps, lbfgs_steps, lr)
    dev = check_device(device)
    model = HeatPINN(width, depth, seed, dev, T, dtype=torch.float64)  # float64: the bound's digits
    gx = (np.arange(n_x) + 0.5) / n_x
    gt = T * (np.arange(n_t) + 0.5) / n_t
    X, Tt = np.meshgrid(gx, gt, indexing="ij")
    pts = torch.as_tensor(np.stack([X.ravel(), Tt.ravel()], 1), dtype=torch.float64, device=dev)

    def loss_fn():
        _, r = _heat_residual(model, pts)
        return torch.mean(r**2)

    hist = _train(model, loss_fn, adam_steps, lbfgs_steps, lr, progress=progress)

    # error and residual norms: Gauss-Legendre nodes in x, a fine uniform grid in time
    xq, wq = _gauss_nodes(16, 16)
    s_grid = np.linspace(0.0, T, 401)
    XX, TT = np.meshgrid(xq, s_grid, indexing="ij")
    q = torch.as_tensor(np.stack([XX.ravel(), TT.ravel()], 1), dtype=torch.float64, device=dev)
    v, r = _heat_residual(model, q)
    v = v.detach().cpu().numpy().reshape(XX.shape)
    r = r.detach().cpu().numpy().reshape(XX.shape)
    u = heat_exact(XX, TT)
    err_all = np.sqrt(wq @ (u - v) ** 2)  # per time
    rn = np.sqrt(wq @ r**2)
    unorm = np.sqrt(wq @ u**2)
    # energy bound at t_j: trapezoidal rule for int_0^{t_j} e^{-pi^2 (t_j - s)} ||r(s)|| ds
    idx = np.arange(0, len(s_grid), 10)
    ts_all = s_grid[idx]
    err = err_all[idx]
    bound = np.array(
        [
            np.trapezoid(rn[: j + 1] * np.exp(-(_PI**2) * (s_grid[j] - s_grid[: j + 1])), s_grid[: j + 1]) if j else 0.0
            for j in idx
        ]
    )
    rel = float(np.sqrt(np.trapezoid(err_all**2, s_grid) / np.trapezoid(unorm**2, s_grid)))
    ratio = float(np.max(err[1:] / bound[1:]))
    xp = np.linspace(0, 1, 101)
    tp = np.linspace(0, T, 5)
    XP, TP = np.meshgrid(xp, tp, indexing="ij")
    with torch.no_grad():
        vp = model(torch.as_tensor(np.stack([XP.ravel(), TP.ravel()], 1), dtype=torch.float64, device=dev))
    vp = vp.cpu().numpy().reshape(XP.shape).T
    return PINNHeatResult(
        times=ts_all,
        err_l2=err,
        energy_bound=bound,
        loss_history=hist,
        rel_l2=rel,
        max_ratio=ratio,
        x=xp,
        t_grid=tp,
        v_grid=vp,
        u_grid=heat_exact(XP, TP).T,
        model=model,
    )
