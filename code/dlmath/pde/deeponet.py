r"""DeepONets for the Poisson solution operator and the reconstruction lower bound.

The operator is :math:`G : f \mapsto u`, :math:`-u'' = f` on :math:`(0,1)`, :math:`u(0) = u(1) = 0`,
and the input measure :math:`\mu` is the law of the Gaussian random field
:math:`f = \sum_{k\le n} k^{-\alpha}\xi_k\sqrt2\sin(k\pi x)` (:func:`poisson_random_field`). A
DeepONet :math:`\sum_{k\le p}\beta_k(f)\tau_k(x)` (:class:`DeepONet`) has its output in the span
of :math:`p` functions, so its :math:`L^2(\mu)` error is at least
:math:`(\sum_{k>p}\lambda_k)^{1/2}` (:func:`reconstruction_lower_bound`), with :math:`\lambda_k`
the eigenvalues of the covariance of :math:`G_\#\mu` (:func:`sine_field_spectrum` in closed form,
:func:`pushforward_eigenvalues` by quadrature for any input covariance). :func:`deeponet_demo`
checks the bound on trained DeepONets and its attainment by principal components (chapter
*Learning operators and variational solvers*, theorem ``pde-deeponet_reconstruction``).

References
----------
Chen and Chen (1995); Lu, Jin, Pang, Zhang, Karniadakis (2021); Lanthaler, Mishra, Karniadakis
(2022), Section 3.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np
import torch

from ..nets import feedforward, module_dtype_device, network_input
from ..plotting import COLORS, axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import (
    NETWORK_DTYPE,
    check_array,
    check_choice,
    check_device,
    check_float_dtype,
    check_int,
    check_int_sequence,
    check_real,
    rng,
    small_network_threads,
)
from ._common import _PI, _float64_array, _gauss_nodes

__all__ = [
    "sine_field_spectrum",
    "poisson_random_field",
    "pushforward_eigenvalues",
    "reconstruction_lower_bound",
    "DeepONet",
    "DeepONetResult",
    "deeponet_demo",
]


def sine_field_spectrum(alpha: float, n_modes: int) -> tuple[np.ndarray, np.ndarray]:
    r"""Covariance eigenvalues of the sine field :math:`f` and of :math:`u = Gf` (closed form).

    For :math:`f = \sum_{k\le n}\sigma_k\xi_k e_k`, :math:`e_k = \sqrt2\sin(k\pi x)`,
    :math:`\sigma_k = k^{-\alpha}`, :math:`\xi_k` i.i.d. :math:`N(0,1)`, the covariance of
    :math:`f` has eigenpairs :math:`(\sigma_k^2, e_k)`; since :math:`Ge_k = e_k/(k\pi)^2`, the
    covariance of the push-forward :math:`G_\#\mu` has eigenpairs :math:`(\lambda_k, e_k)` with
    :math:`\lambda_k = \sigma_k^2/(k\pi)^4` (chapter *Learning operators and variational solvers*).

    Parameters
    ----------
    alpha : float
        Decay exponent :math:`\alpha \ge 0` of :math:`\sigma_k`.
    n_modes : int
        Number :math:`n \ge 1` of modes.

    Returns
    -------
    lam_f, lam_u : numpy.ndarray
        :math:`\sigma_k^2` and :math:`\lambda_k`, :math:`k = 1,\dots,n`, shape ``(n_modes,)``
        (both decreasing).

    Examples
    --------
    >>> import math
    >>> lam_f, lam_u = sine_field_spectrum(1.0, 2)
    >>> bool(abs(lam_u[0] - math.pi**-4) < 1e-15), lam_f.tolist()
    (True, [1.0, 0.25])

    References
    ----------
    Lanthaler, Mishra, Karniadakis (2022), Section 3.
    """
    alpha = check_real(alpha, "alpha", minimum=0.0)
    n = check_int(n_modes, "n_modes", minimum=1)
    k = np.arange(1, n + 1, dtype=np.float64)
    lam_f = k ** (-2 * alpha)
    return lam_f, lam_f / (k * _PI) ** 4


def poisson_random_field(
    n_samples: int, x: Any, *, alpha: float = 0.5, n_modes: int = 32, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    r"""Samples of :math:`f = \sum_{k\le n}k^{-\alpha}\xi_k\sqrt2\sin(k\pi x)` and of :math:`u = Gf`.

    :math:`u = \sum_k k^{-\alpha}(k\pi)^{-2}\xi_k\sqrt2\sin(k\pi x)` solves :math:`-u'' = f`,
    :math:`u(0) = u(1) = 0`, exactly (chapter *Learning operators and variational solvers*).

    Parameters
    ----------
    n_samples : int
        Number of independent draws, >= 1.
    x : array_like
        Points of :math:`[0,1]`, one-dimensional.
    alpha : float, default 0.5
        Decay exponent, >= 0.
    n_modes : int, default 32
        Number of modes, >= 1.
    seed : int, default 0
        Seed of the Gaussian coefficients :math:`\xi` (:func:`dlmath.utils.rng`).

    Returns
    -------
    f, u : numpy.ndarray
        Values at ``x``, shape ``(n_samples, len(x))``.

    Examples
    --------
    >>> import numpy as np
    >>> f, u = poisson_random_field(3, np.linspace(0, 1, 5))
    >>> f.shape, bool(np.all(u[:, [0, -1]] == 0))
    ((3, 5), True)
    """
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    xa = _float64_array(x, "x", ndim=1)
    if xa.size and (xa.min() < 0 or xa.max() > 1):
        raise ValueError("x must lie in [0, 1]")
    lam_f, lam_u = sine_field_spectrum(alpha, n_modes)
    xi = rng(check_int(seed, "seed", minimum=0)).standard_normal((n_samples, lam_f.size))
    k = np.arange(1, lam_f.size + 1)
    basis = math.sqrt(2.0) * np.sin(_PI * k[:, None] * xa[None, :])
    basis[:, (xa == 0) | (xa == 1)] = 0.0  # exact zeros on the boundary
    return (xi * np.sqrt(lam_f)) @ basis, (xi * np.sqrt(lam_u)) @ basis


def _green(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The Green function min(x, y) (1 - max(x, y)) of -d^2/dx^2 with Dirichlet conditions."""
    return np.minimum(x, y) * (1.0 - np.maximum(x, y))


def pushforward_eigenvalues(
    kernel: Callable[[np.ndarray, np.ndarray], np.ndarray], n_eig: int, *, n_panels: int = 64, order: int = 8
) -> np.ndarray:
    r"""The largest eigenvalues of the covariance :math:`C_u = GC_fG^*` of :math:`u = Gf`, by quadrature.

    ``kernel`` is the covariance function :math:`c_f(x,y)` of a centred field :math:`f` on
    :math:`(0,1)` and :math:`G` has the kernel :math:`g(x,y) = \min(x,y)(1-\max(x,y))`; with
    composite Gauss-Legendre nodes :math:`x_i` and weights :math:`w_i`, the returned values are the
    eigenvalues of :math:`W^{1/2}(\mathsf G W\mathsf C W\mathsf G)W^{1/2}`
    (:math:`\mathsf G_{ij} = g(x_i,x_j)`, :math:`\mathsf C_{ij} = c_f(x_i,x_j)`). The kink of
    :math:`g` on the diagonal limits the accuracy to :math:`O(h^2)`, :math:`h = 1/` ``n_panels``
    (chapter *Learning operators and variational solvers*).

    Parameters
    ----------
    kernel : callable
        ``kernel(x, y)`` with broadcasting arrays ``x`` of shape ``(n, 1)`` and ``y`` of shape
        ``(1, n)``, returning the ``(n, n)`` covariance matrix.
    n_eig : int
        Number of eigenvalues, between 1 and the number of nodes.
    n_panels, order : int, default 64 and 8
        Quadrature panels and Gauss points per panel.

    Returns
    -------
    numpy.ndarray
        :math:`\lambda_1\ge\dots\ge\lambda_{n_{\rm eig}}`, shape ``(n_eig,)``.

    Examples
    --------
    >>> import numpy as np
    >>> bridge = lambda x, y: np.minimum(x, y) - x * y  # eigenvalues 1/(k pi)^2
    >>> lam = pushforward_eigenvalues(bridge, 2)
    >>> bool(np.allclose(lam, 1 / (np.pi * np.arange(1, 3)) ** 6, rtol=1e-3))
    True
    """
    if not callable(kernel):
        raise TypeError(f"kernel must be callable, got {type(kernel).__name__}")
    n_panels = check_int(n_panels, "n_panels", minimum=1)
    order = check_int(order, "order", minimum=1, maximum=200)
    n_eig = check_int(n_eig, "n_eig", minimum=1, maximum=n_panels * order)
    x, w = _gauss_nodes(n_panels, order)
    c = np.asarray(kernel(x[:, None], x[None, :]), dtype=np.float64)
    if c.shape != (x.size, x.size):
        raise ValueError(f"kernel must return an array of shape {(x.size, x.size)}, got {c.shape}")
    g = _green(x[:, None], x[None, :])
    gw = g * w[None, :]
    cu = gw @ c @ gw.T
    s = np.sqrt(w)
    lam = np.linalg.eigvalsh(s[:, None] * cu * s[None, :])[::-1]
    return lam[:n_eig].copy()


def reconstruction_lower_bound(eigenvalues: Any, p: int) -> float:
    r"""The bound :math:`(\sum_{k>p}\lambda_k)^{1/2}` on the :math:`L^2(\mu)` error of a rank-:math:`p` DeepONet.

    The eigenvalues are sorted in decreasing order first; :math:`\lambda_k` are those of the
    covariance of the push-forward :math:`G_\#\mu` (chapter *Learning operators and variational
    solvers*, theorem ``pde-deeponet_reconstruction``).

    Parameters
    ----------
    eigenvalues : array_like
        Non-negative eigenvalues, one-dimensional (a finite list: the remaining ones are zero).
    p : int
        Number :math:`p \ge 0` of basis functions of the trunk.

    Returns
    -------
    float

    Examples
    --------
    >>> reconstruction_lower_bound([4.0, 3.0, 1.0, 0.0], 1)
    2.0
    """
    lam = check_array(eigenvalues, "eigenvalues", ndim=1)
    if np.any(lam < 0):
        raise ValueError("eigenvalues must be >= 0")
    p = check_int(p, "p", minimum=0)
    lam = np.sort(lam)[::-1]
    return float(math.sqrt(float(np.sum(lam[p:]))))


class DeepONet(torch.nn.Module):
    r"""An unstacked DeepONet :math:`\sum_{k\le p}\beta_k(f(s_1),\dots,f(s_m))\,\tau_k(x)`.

    The branch :math:`\beta : \R^m\to\R^p` and the trunk :math:`\tau : \R\to\R^p` are tanh
    networks (:func:`dlmath.nets.feedforward`, ``depth`` hidden layers of width ``width``)
    (chapter *Learning operators and variational solvers*; Lu et al. 2021).

    Parameters
    ----------
    n_sensors : int
        Number :math:`m \ge 1` of sensor values of the input function.
    p : int
        Number of basis functions, >= 1.
    width, depth : int, default 64 and 2
        Hidden width (>= 1) and number of hidden layers (>= 1) of branch and trunk.
    seed : int, default 0
        Seed of the initial weights.
    device : str or torch.device, default "cpu"
    branch_activation : {"tanh", "identity"}, default "tanh"
        ``"identity"`` makes the branch linear in the sensor values (enough for a linear operator).
    dtype : torch.dtype or str, default "float32"

    Notes
    -----
    ``forward(f, x)`` maps sensor values ``f`` of shape ``(B, m)`` and points ``x`` of shape
    ``(n, 1)`` (tensors of the network's dtype or NumPy arrays) to a tensor of shape ``(B, n)``.

    Examples
    --------
    >>> import numpy as np
    >>> net = DeepONet(5, 3, width=8, depth=1)
    >>> net(np.ones((2, 5)), np.linspace(0, 1, 4)[:, None]).shape
    torch.Size([2, 4])
    """

    def __init__(
        self,
        n_sensors: int,
        p: int,
        width: int = 64,
        depth: int = 2,
        seed: int = 0,
        device: Any = "cpu",
        *,
        branch_activation: str = "tanh",
        dtype: Any = NETWORK_DTYPE,
    ):
        super().__init__()
        branch_activation = check_choice(branch_activation, "branch_activation", ("tanh", "identity"))
        m = check_int(n_sensors, "n_sensors", minimum=1)
        p = check_int(p, "p", minimum=1)
        width = check_int(width, "width", minimum=1)
        depth = check_int(depth, "depth", minimum=1)
        seed = check_int(seed, "seed", minimum=0)
        device = check_device(device)
        dtype = check_float_dtype(dtype)
        hidden = [width] * depth
        kw = dict(activation="tanh", bias_std=0.0, dtype=dtype, device=device)
        self.n_sensors, self.p = m, p
        self.branch = feedforward([m, *hidden, p], seed=seed, **{**kw, "activation": branch_activation})
        self.trunk = feedforward([1, *hidden, p], seed=seed + 1, **kw)

    def forward(self, f: Any, x: Any) -> torch.Tensor:
        """The DeepONet's values, shape ``(B, n)``, at the points ``x`` for the sensor values ``f``."""
        dtype, device = module_dtype_device(self)
        f = network_input(f, "f", dtype=dtype, device=device, ndim=2, last_dim=self.n_sensors)
        x = network_input(x, "x", dtype=dtype, device=device, ndim=2, last_dim=1)
        return self.branch(f) @ self.trunk(x).T / self.p


# ---------------------------------------------------------------------------------------------
# the demo
# ---------------------------------------------------------------------------------------------


@demo_result
class DeepONetResult(DemoResult):
    r"""Result of :func:`deeponet_demo`; per-:math:`p` arrays have length ``len(p_values)``.

    Attributes
    ----------
    p_values : numpy.ndarray
        Numbers :math:`p` of basis functions.
    eigenvalues, input_eigenvalues : numpy.ndarray
        :math:`\lambda_k` of :math:`G_\#\mu` and :math:`\sigma_k^2` of :math:`\mu`, shape ``(n_modes,)``.
    bound, bound_wrong, bound_input : numpy.ndarray
        :math:`(\sum_{k>p}\lambda_k)^{1/2}`, :math:`(\sum_{k\ge p}\lambda_k)^{1/2}` and
        :math:`(\sum_{k>p}\sigma_k^2)^{1/2}`.
    trained_err, trained_se : numpy.ndarray
        Test RMS error of the trained DeepONets and its standard error.
    trained_tightness : numpy.ndarray
        ``bound / trained_err``.
    pod_err : numpy.ndarray
        Exact :math:`L^2(\mu)` error of the POD-DeepONet (empirical principal components of the
        training outputs as trunk, exact coefficients as branch).
    pca_mse, pca_se : numpy.ndarray
        Test mean squared error of the projection on :math:`e_1,\dots,e_p` and its standard error.
    min_ratio, min_ratio_wrong : float
        Smallest ratio to the bound over :math:`p` and over the two DeepONets (POD: its exact
        error; trained: ``trained_err + 3 trained_se``), under the bound and under the off-by-one
        bound.
    pca_z, pca_z_wrong : float
        Largest :math:`|` ``pca_mse`` :math:`- \sum_{k>p}\lambda_k|/` ``pca_se``, and the same with
        the input eigenvalues :math:`\sigma_k^2`.
    n_train, n_test, n_sensors : int
    loss_history : numpy.ndarray
        Training loss of the largest :math:`p`.
    """

    p_values: np.ndarray
    eigenvalues: np.ndarray
    input_eigenvalues: np.ndarray
    bound: np.ndarray
    bound_wrong: np.ndarray
    bound_input: np.ndarray
    trained_err: np.ndarray
    trained_se: np.ndarray
    trained_tightness: np.ndarray
    pod_err: np.ndarray
    pca_mse: np.ndarray
    pca_se: np.ndarray
    min_ratio: float
    min_ratio_wrong: float
    pca_z: float
    pca_z_wrong: float
    n_train: int
    n_test: int
    n_sensors: int
    loss_history: np.ndarray

    def plot(self, ax=None):
        ax = axes(ax)
        p = self.p_values
        ax.semilogy(p, self.bound, "k-", label=r"bound $(\sum_{k>p}\lambda_k)^{1/2}$")
        ax.semilogy(p, self.bound_wrong, ":", color="0.5", label=r"$(\sum_{k\geq p}\lambda_k)^{1/2}$ (wrong)")
        ax.errorbar(p, self.trained_err, yerr=2 * self.trained_se, fmt="o", color=COLORS[0], label="trained DeepONet")
        ax.semilogy(p, self.pod_err, "s", color=COLORS[1], mfc="none", label="POD-DeepONet (exact error)")
        ax.semilogy(p, np.sqrt(self.pca_mse), "x", color=COLORS[2], label="projection on $e_1,\\dots,e_p$ (test)")
        ax.set_xlabel("number $p$ of basis functions")
        ax.set_ylabel(r"$L^2(\mu)$ error")
        ax.legend(fontsize=8)
        return ax


def _train_deeponet(model, f_s, x_t, target, steps, lr):
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps)
    hist = np.zeros(steps)
    for i in range(steps):
        opt.zero_grad()
        loss = ((model(f_s, x_t) - target) ** 2).mean()
        loss.backward()
        opt.step()
        sched.step()
        hist[i] = float(loss.detach())
    return hist


@small_network_threads
def deeponet_demo(
    *,
    p_values: Sequence[int] = (2, 4, 8),
    alpha: float = 0.5,
    n_modes: int = 32,
    n_sensors: int = 32,
    n_train: int = 400,
    n_test: int = 1000,
    n_grid: int = 64,
    width: int = 48,
    steps: int = 1500,
    lr: float = 1e-2,
    seed: int = 0,
    device: Any = "cpu",
) -> DeepONetResult:
    r"""The reconstruction lower bound for DeepONets learning the Poisson solution operator.

    Inputs are draws of :func:`poisson_random_field`, outputs :math:`u = Gf` on the grid
    :math:`x_i = i/N`, :math:`N` = ``n_grid``; errors are measured in the trapezoid norm on that
    grid, which equals the :math:`L^2(0,1)` norm on the span of :math:`\sin(k\pi x)`, :math:`k<N`,
    and for which the covariance of :math:`u` has the same eigenvalues :math:`\lambda_k`. For
    each :math:`p`: (i) the projection of test outputs on :math:`e_1,\dots,e_p` (mean squared error
    against :math:`\sum_{k>p}\lambda_k`, within Monte Carlo standard errors); (ii) the POD-DeepONet
    whose trunk is the top-:math:`p` empirical principal components of the training outputs, its
    expected error computed exactly from the covariance; (iii) a :class:`DeepONet` (float64)
    trained with Adam on the sensor values :math:`f(j/(m+1))`, its test RMS error with a
    standard error (delta method). The bound is :math:`(\sum_{k>p}\lambda_k)^{1/2}`.

    Parameters
    ----------
    p_values : sequence of int, default (2, 4, 8)
        Distinct values of :math:`p`, each in :math:`[1, n_{\rm modes})`.
    alpha : float, default 0.5
        Decay exponent of the input field, >= 0.
    n_modes : int, default 32
        Modes of the input field, >= 2 and < ``n_grid``.
    n_sensors : int, default 32
        Sensors of the branch, >= 1 (with ``n_sensors >= n_modes`` they determine :math:`f`).
    n_train, n_test : int, default 400 and 1000
        Training and test functions, >= 10.
    n_grid : int, default 64
        Grid size :math:`N`, >= 4.
    width : int, default 48
        Width of the hidden layer of branch and trunk, >= 1 (one hidden layer; the branch is
        linear, ``branch_activation="identity"``).
    steps : int, default 1500
        Adam steps (cosine learning-rate schedule), >= 1.
    lr : float, default 1e-2
        Initial learning rate, > 0.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    DeepONetResult

    References
    ----------
    Book: chapter *Learning operators and variational solvers*, theorem
    ``pde-deeponet_reconstruction``. Lu et al. (2021); Lanthaler, Mishra, Karniadakis (2022).
    """
    n_modes = check_int(n_modes, "n_modes", minimum=2)
    ps = np.array(sorted(check_int_sequence(p_values, "p_values", minimum=1, maximum=n_modes - 1, distinct=True)))
    alpha = check_real(alpha, "alpha", minimum=0.0)
    m = check_int(n_sensors, "n_sensors", minimum=1)
    n_train = check_int(n_train, "n_train", minimum=10)
    n_test = check_int(n_test, "n_test", minimum=10)
    n_grid = check_int(n_grid, "n_grid", minimum=4)
    if n_modes >= n_grid:
        raise ValueError(f"n_modes must be < n_grid = {n_grid}, got {n_modes}")
    width = check_int(width, "width", minimum=1)
    steps = check_int(steps, "steps", minimum=1)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    seed = check_int(seed, "seed", minimum=0)
    device = check_device(device)
    lam_f, lam = sine_field_spectrum(alpha, n_modes)
    h = 1.0 / n_grid
    xg = np.arange(1, n_grid) * h  # interior grid; u vanishes at 0 and 1
    xs = np.arange(1, m + 1) / (m + 1)
    pts = np.concatenate([xs, xg])
    f_tr, u_tr = poisson_random_field(n_train, pts, alpha=alpha, n_modes=n_modes, seed=seed)
    f_te, u_te = poisson_random_field(n_test, pts, alpha=alpha, n_modes=n_modes, seed=seed + 1)
    f_tr, u_tr, f_te, u_te = f_tr[:, :m], u_tr[:, m:], f_te[:, :m], u_te[:, m:]
    k = np.arange(1, n_modes + 1)
    e = math.sqrt(2.0) * np.sin(_PI * k[:, None] * xg[None, :])  # (n_modes, n_grid - 1), h-orthonormal
    # POD from the training outputs: the h-orthonormal eigenvectors of the empirical covariance
    _, vecs = np.linalg.eigh(u_tr.T @ u_tr / n_train)
    vecs = vecs[:, ::-1] / math.sqrt(h)
    dt = torch.float64
    x_t = torch.as_tensor(xg[:, None], dtype=dt, device=device)
    scale = float(np.sqrt(np.mean(u_tr**2)))
    ftr_t = torch.as_tensor(f_tr, dtype=dt, device=device)
    utr_t = torch.as_tensor(u_tr / scale, dtype=dt, device=device)
    fte_t = torch.as_tensor(f_te, dtype=dt, device=device)
    rows = {key: np.zeros(ps.size) for key in ("bound", "wrong", "inp", "err", "se", "pod", "pca", "pca_se")}
    hist = np.zeros(0)
    for j, p in enumerate(ps.tolist()):
        rows["bound"][j] = reconstruction_lower_bound(lam, p)
        rows["wrong"][j] = reconstruction_lower_bound(lam, p - 1)
        rows["inp"][j] = reconstruction_lower_bound(lam_f, p)
        coef = h * u_te @ e[:p].T  # <u, e_k> by the exact trapezoid rule
        sq = h * np.sum((u_te - coef @ e[:p]) ** 2, axis=1)
        rows["pca"][j], rows["pca_se"][j] = sq.mean(), sq.std(ddof=1) / math.sqrt(n_test)
        overlap = (h * vecs[:, :p].T @ e.T) ** 2  # <v_j, e_k>_h^2
        rows["pod"][j] = math.sqrt(max(float(lam.sum() - np.sum(overlap @ lam)), 0.0))
        net = DeepONet(m, p, width, 1, seed + 10 * j, device, branch_activation="identity", dtype=dt)
        hist = _train_deeponet(net, ftr_t, x_t, utr_t, steps, lr)
        with torch.no_grad():
            pred = net(fte_t, x_t).cpu().numpy() * scale
        sq = h * np.sum((u_te - pred) ** 2, axis=1)
        rms = math.sqrt(sq.mean())
        rows["err"][j], rows["se"][j] = rms, sq.std(ddof=1) / math.sqrt(n_test) / (2 * rms)
    upper = rows["err"] + 3 * rows["se"]  # upper 3-standard-error limit of the trained error
    ratios = np.minimum(upper, rows["pod"])
    return DeepONetResult(
        p_values=ps,
        eigenvalues=lam,
        input_eigenvalues=lam_f,
        bound=rows["bound"],
        bound_wrong=rows["wrong"],
        bound_input=rows["inp"],
        trained_err=rows["err"],
        trained_se=rows["se"],
        trained_tightness=rows["bound"] / rows["err"],
        pod_err=rows["pod"],
        pca_mse=rows["pca"],
        pca_se=rows["pca_se"],
        min_ratio=float(np.min(ratios / rows["bound"])),
        min_ratio_wrong=float(np.min(ratios / rows["wrong"])),
        pca_z=float(np.max(np.abs(rows["pca"] - rows["bound"] ** 2) / rows["pca_se"])),
        pca_z_wrong=float(np.max(np.abs(rows["pca"] - rows["inp"] ** 2) / rows["pca_se"])),
        n_train=n_train,
        n_test=n_test,
        n_sensors=m,
        loss_history=hist,
    )


_HYP = (
    "mu the law of the Gaussian sine field (alpha = 0.5, 32 modes), G the Dirichlet Poisson solution operator, "
    "E||Gf||^2 < infinity; any branch and trunk (trained DeepONets with a linear branch and a tanh trunk, and the POD-DeepONet); errors in the "
    "trapezoid norm, exact on the span of sin(k pi x), k < n_grid"
)
declare_check(
    "pde.deeponet_reconstruction",
    quantity="smallest ratio over p to (sum_{k>p} lambda_k)^(1/2) of the L2(mu) error of the POD-DeepONet and of the "
    "trained DeepONet (test error + 3 standard errors)",
    claim="lower bound",
    relation=">=",
    measure="min_ratio",
    predict=1.0,
    tolerance=1e-9,
    reason="float rounding: the POD error is computed exactly from the covariance, and the trained networks "
    "enter by the upper limit of their test error plus 3 Monte Carlo standard errors",
    hypotheses=_HYP,
    wrong="the tail from k = p, (sum_{k>=p} lambda_k)^(1/2) (off by one)",
    wrong_measure="min_ratio_wrong",
    min_tightness=0.9,
    demo=deeponet_demo,
)
declare_check(
    "pde.deeponet_reconstruction",
    label="pca",
    quantity="largest deviation over p of the test MSE of the projection on e_1..e_p from sum_{k>p} lambda_k, "
    "in standard errors",
    claim="identity",
    relation="approx",
    measure="pca_z",
    predict=0.0,
    tolerance=3.5,
    reason="3.5 Monte Carlo standard errors over the independent test functions",
    hypotheses=_HYP,
    wrong="the eigenvalues sigma_k^2 of the input field instead of those of the push-forward G#mu",
    wrong_measure="pca_z_wrong",
    demo=deeponet_demo,
)
