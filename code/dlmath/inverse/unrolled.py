r"""Unrolled, learned ISTA: LISTA with coupled weights and its linear convergence.

:func:`unrolled_ista_cp` runs :math:`K` layers
:math:`x^{k+1} = \eta_{\theta_k}(x^k + \gamma_k W^\top(y - Ax^k))`; the demos check theorem
``inverse-lista_linear_convergence`` inside its coherence condition
(:func:`lista_theorem_demo`), illustrate it outside (:func:`lista_demo`, three parameters
learned by grid search) and train the full network :class:`~dlmath.inverse.LISTACP`
(:func:`train_lista_cp`).

References
----------
Gregor and LeCun (2010); Chen, Liu, Wang, Yin (2018); Liu, Chen, Wang, Yin (2019).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ..plotting import axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_device, check_int, check_real, like_input, rng
from ._common import (
    _axes_pair,
    _check_matrix,
    _geometric_rate,
    _lipschitz,
    _median_rel_err,
    _reference,
    _shrink,
    _sparse_signals,
)
from .learned import LISTACP

__all__ = [
    "unrolled_ista_cp",
    "LISTAResult",
    "lista_demo",
    "LISTATheoremResult",
    "lista_theorem_demo",
    "LISTATrainResult",
    "train_lista_cp",
]


def _integer_ticks(ax: Any) -> None:
    """Ticks at integers only on the x-axis (layers are counted)."""
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def unrolled_ista_cp(Y: Any, A: Any, gammas: Any, thetas: Any, *, W: Any = None) -> list:
    r"""Unrolled ISTA with coupled weights (LISTA-CP with :math:`W^k = \gamma_k A`).

    :math:`x^0 = 0`, :math:`x^{k+1} = \eta_{\theta_k}\big(x^k + \gamma_k A^\top(y - Ax^k)\big)`,
    :math:`k = 0, \dots, K-1`, applied to every column of ``Y``.

    Parameters
    ----------
    Y : array_like or torch.Tensor, shape (m, p)
        ``p`` measurement vectors as columns.
    A : array_like or torch.Tensor, shape (m, n)
    gammas, thetas : array_like, shape (K,)
        Step sizes (> 0) and thresholds (>= 0) of the ``K`` layers.
    W : array_like, shape (m, n), optional
        The weight matrix of the theorem: the layers use :math:`\gamma_k W^\top` in place of
        :math:`\gamma_k A^\top` (default ``W = A``).

    Returns
    -------
    list of numpy.ndarray or of torch.Tensor
        The iterates :math:`x^1, \dots, x^K`, each of shape (n, p): NumPy for NumPy input, tensors
        of the dtype and on the device of ``Y`` (or ``A``) for a tensor (computed in float64).

    Examples
    --------
    >>> import numpy as np
    >>> its = unrolled_ista_cp(np.array([[2.0], [0.5]]), np.eye(2), [1.0, 1.0], [1.0, 0.5])
    >>> len(its), its[-1].ravel()
    (2, array([1.5, 0. ]))

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Chen, Liu, Wang, Yin (2018),
    Sec. 2 (LISTA-CP); Liu, Chen, Wang, Yin (2019) (ALISTA).
    """
    ref = _reference(Y, A)
    A = _check_matrix(A)
    Y = as_array(Y, "Y", ndim=2)
    if Y.shape[0] != A.shape[0]:
        raise ValueError(f"Y must have {A.shape[0]} rows (rows of A), got {Y.shape[0]}")
    gammas = as_array(gammas, "gammas", ndim=1, min_size=1)
    thetas = as_array(thetas, "thetas", ndim=1, min_size=1)
    if gammas.shape != thetas.shape:
        raise ValueError("gammas and thetas must have the same length")
    if np.any(gammas <= 0):
        raise ValueError("gammas must be positive")
    if np.any(thetas < 0):
        raise ValueError("thetas must be non-negative")
    if W is None:
        W = A
    else:
        W = _check_matrix(W, "W")
        if W.shape != A.shape:
            raise ValueError(f"W must have the shape {A.shape} of A, got {W.shape}")
    x = np.zeros((A.shape[1], Y.shape[1]))
    out = []
    for gam, th in zip(gammas, thetas):
        z = x + gam * (W.T @ (Y - A @ x))
        x = _shrink(z, th)
        out.append(x)
    return like_input(out, ref)


# demos


@demo_result
class LISTAResult(DemoResult):
    """Result of :func:`lista_demo`.

    Attributes
    ----------
    layers : numpy.ndarray
        Layer indices :math:`1, \\dots, K`.
    err_lista, err_ista : numpy.ndarray
        Median relative error :math:`\\|x^k - x^*\\|/\\|x^*\\|` over the test signals.
    rate : float
        Fitted per-layer contraction factor of the learned scheme (layers 4 to K).
    rate_ista : float
        The same for ISTA.
    params : tuple
        The learned :math:`(\\gamma, \\theta_0, \\rho)`.
    """

    layers: np.ndarray
    err_lista: np.ndarray
    err_ista: np.ndarray
    rate: float
    rate_ista: float
    params: tuple

    def plot(self, ax=None):
        ax = axes(ax)
        ax.semilogy(
            self.layers,
            self.err_lista,
            "o-",
            label=r"learned ($\gamma,\theta_0,\rho$) = " + "({:.1f}, {:.2f}, {:.1f})".format(*self.params),
        )
        ax.semilogy(self.layers, self.err_ista, "s-", label=r"ISTA, $\lambda = 0.01$")
        ax.set_xlabel("layer / iteration $k$")
        _integer_ticks(ax)
        ax.set_ylabel("median relative error")
        ax.legend()
        return ax


def _fit_factor(layers, err, start=4):
    """Fitted per-layer contraction factor of ``err`` over the layers from ``start`` on."""
    mask = layers >= start
    return _geometric_rate(layers[mask], err[mask])


def lista_demo(*, m: int = 64, n: int = 128, s: int = 6, K: int = 20, seed: int = 0) -> LISTAResult:
    r"""A three-parameter LISTA-CP learned by grid search converges linearly; ISTA does not.

    :math:`A\in\R^{m\times n}` Gaussian :math:`/\sqrt m`, :math:`s`-sparse signals with
    standard normal non-zeros, noiseless. The layers
    :math:`x^{k+1} = \eta_{\theta_0\rho^k}(x^k + \gamma A^\top(y - Ax^k))` have three parameters,
    chosen on 200 training signals (grid :math:`\gamma\in\{.4,.6,.8,1\}`,
    :math:`\theta_0\in\{.05,.1,.2,.4\}`, :math:`\rho\in\{.6,.7,.8,.9\}`) to minimise the median
    error at layer ``K``; the test uses 200 new signals. Baseline: ISTA with :math:`\lambda = 0.01`
    and step :math:`1/L`.

    Parameters
    ----------
    m, n, s : int, default 64, 128, 6
        Measurements, dimension and sparsity (:math:`1 \le s \le n`).
    K : int, default 20
        Number of layers, >= 5.
    seed : int, default 0

    Returns
    -------
    LISTAResult

    References
    ----------
    Book: chapter *Deep learning for inverse problems*, theorem
    ``inverse-lista_linear_convergence``. Chen, Liu, Wang, Yin (2018), Thms 1-2.
    """
    m = check_int(m, "m", minimum=1)
    n = check_int(n, "n", minimum=1)
    s = check_int(s, "s", minimum=1, maximum=n)
    K = check_int(K, "K", minimum=5)
    g = rng(seed)
    A = g.standard_normal((m, n)) / math.sqrt(m)
    Xtr, Xte = _sparse_signals(g, n, s, 200), _sparse_signals(g, n, s, 200)
    Ytr, Yte = A @ Xtr, A @ Xte
    ks = np.arange(K)
    best, params = np.inf, None
    for gam in (0.4, 0.6, 0.8, 1.0):
        for th0 in (0.05, 0.1, 0.2, 0.4):
            for rho in (0.6, 0.7, 0.8, 0.9):
                xK = unrolled_ista_cp(Ytr, A, np.full(K, gam), th0 * rho**ks)[-1]
                e = _median_rel_err([xK], Xtr)[0]
                if e < best:
                    best, params = e, (gam, th0, rho)
    gam, th0, rho = params
    e_l = _median_rel_err(unrolled_ista_cp(Yte, A, np.full(K, gam), th0 * rho**ks), Xte)
    L = _lipschitz(A)
    e_i = _median_rel_err(unrolled_ista_cp(Yte, A, np.full(K, 1.0 / L), np.full(K, 0.01 / L)), Xte)
    layers = np.arange(1, K + 1, dtype=np.float64)
    return LISTAResult(
        layers=layers,
        err_lista=e_l,
        err_ista=e_i,
        rate=_fit_factor(layers, e_l),
        rate_ista=_fit_factor(layers, e_i),
        params=(float(gam), float(th0), float(rho)),
    )


declare_check(
    "inverse.lista_linear_convergence",
    quantity="fitted per-layer contraction factor of the learned scheme (s = 6, outside the coherence bound)",
    claim="illustration",
    relation="<=",
    measure="rate",
    predict=0.9,
    tolerance=0.0,
    reason="linear convergence read as a factor clearly below 1 (at most 0.9)",
    hypotheses="NOT satisfied: the coherence bound of the theorem allows s = 1 only; shown as an illustration",
    wrong="sublinear convergence (the factor of plain ISTA, close to 1)",
    wrong_measure="rate_ista",
    demo=lista_demo,
)


@demo_result
class LISTATheoremResult(DemoResult):
    """Result of :func:`lista_theorem_demo`.

    Attributes
    ----------
    layers : numpy.ndarray
        Layer indices :math:`1, \\dots, K`.
    mu_w : float
        :math:`\\mu(W)` of the normalised matrix :math:`W_i = A_i/\\|A_i\\|^2`.
    q : float
        :math:`(2s-1)\\mu(W)` (< 1 is the theorem's hypothesis).
    s : int
        Sparsity.
    ratio : numpy.ndarray
        :math:`\\max` over the signals of :math:`\\|x^k - x^*\\|_1/(sBq^k)`, per layer.
    max_ratio : float
        Its largest value (theory: at most 1), ``inf`` if a support left :math:`\\operatorname{supp}(x^*)`.
    min_layer_ratio : float
        Its smallest value over the layers (1 when the bound is attained at every layer).
    support_ok : bool
        Whether :math:`\\operatorname{supp}(x^k) \\subseteq \\operatorname{supp}(x^*)` for all layers and signals.
    """

    layers: np.ndarray
    mu_w: float
    q: float
    s: int
    ratio: np.ndarray
    max_ratio: float
    min_layer_ratio: float
    support_ok: bool

    def plot(self, ax=None):
        ax = axes(ax)
        ax.plot(self.layers, self.ratio, "o-", label=r"$\max\|x^k - x^*\|_1 / (sBq^k)$")
        ax.axhline(1.0, color="0.5", ls="--", label="bound")
        ax.set_ylim(0, 1.2)
        ax.set_xlabel("layer $k$")
        _integer_ticks(ax)
        ax.legend()
        return ax


def lista_theorem_demo(
    *, m: int = 64, n: int = 128, K: int = 25, n_signals: int = 200, B: float = 1.0, seed: int = 0
) -> LISTATheoremResult:
    r"""Unrolled ISTA with the theorem's weights and thresholds, inside its coherence condition.

    :math:`A\in\R^{m\times n}` Gaussian :math:`/\sqrt m`, :math:`W_i = A_i/\|A_i\|^2` (so
    :math:`W_i^\top A_i = 1`), :math:`\mu = \mu(W)`, :math:`s = 1` (the largest sparsity with
    :math:`q = (2s-1)\mu < 1` for this coherence, checked), thresholds :math:`\theta_k = \mu sBq^k`.
    The signals are 1-sparse with non-zero :math:`\pm B\,U[1/2, 1]` (the first with modulus exactly
    :math:`B`), noiseless. For :math:`s = 1`, :math:`z_i = x^*_i` on the support, so
    :math:`\|x^{k+1} - x^*\|_1 = \theta_k = sBq^{k+1}` whenever :math:`|x^*_i| > \theta_k`: the bound is attained
    at every layer.

    Parameters
    ----------
    m, n : int, default 64, 128
        Size of :math:`A`.
    K : int, default 25
        Number of layers, >= 1.
    n_signals : int, default 200
        Number of test signals, >= 1.
    B : float, default 1
        Bound :math:`\|x^*\|_\infty \le B`, > 0.
    seed : int, default 0

    Returns
    -------
    LISTATheoremResult

    Raises
    ------
    ValueError
        If :math:`\mu(W) \ge 1` (no sparsity satisfies the hypothesis), or for a bad argument.

    References
    ----------
    Book: chapter *Deep learning for inverse problems*, theorem
    ``inverse-lista_linear_convergence``. Chen, Liu, Wang, Yin (2018), Thm 2.
    """
    m = check_int(m, "m", minimum=1)
    n = check_int(n, "n", minimum=2)
    K = check_int(K, "K", minimum=1)
    n_signals = check_int(n_signals, "n_signals", minimum=1)
    B = check_real(B, "B", minimum=0.0, strict_min=True)
    g = rng(seed)
    A = g.standard_normal((m, n)) / math.sqrt(m)
    W = A / np.sum(A * A, axis=0)
    G = np.abs(W.T @ A)
    np.fill_diagonal(G, 0.0)
    mu = float(G.max())
    s = 1
    q = (2 * s - 1) * mu
    if q >= 1:
        raise ValueError(f"the coherence mu(W) = {mu:.3f} of A (from m, n, seed) allows no sparsity s >= 1")
    X = np.zeros((n, n_signals))
    pos = g.integers(0, n, n_signals)
    vals = g.choice([-1.0, 1.0], n_signals) * B * g.uniform(0.5, 1.0, n_signals)
    vals[0] = B
    X[pos, np.arange(n_signals)] = vals
    thetas = mu * s * B * q ** np.arange(K)
    its = unrolled_ista_cp(A @ X, A, np.ones(K), thetas, W=W)
    off = X == 0
    support_ok = bool(all(np.all(x[off] == 0) for x in its))
    d = np.array([np.max(np.sum(np.abs(x - X), axis=0)) for x in its])
    layers = np.arange(1, K + 1, dtype=np.float64)
    ratio = d / (s * B * q**layers)
    return LISTATheoremResult(
        layers=layers,
        mu_w=mu,
        q=float(q),
        s=s,
        ratio=ratio,
        max_ratio=float(np.max(ratio)) if support_ok else float("inf"),
        min_layer_ratio=float(np.min(ratio)),
        support_ok=support_ok,
    )


declare_check(
    "inverse.lista_linear_convergence",
    label="coherence",
    quantity="largest ||x^k - x*||_1/(sBq^k) over layers and signals (inf if a support is left)",
    claim="upper bound",
    relation="<=",
    measure="max_ratio",
    predict=1.0,
    tolerance=1e-9,
    reason="float64 rounding of the iterates, far below 1e-9; a signal of modulus B attains the bound",
    hypotheses="W_i^T A_i = 1, q = (2s - 1) mu(W) < 1 with s = 1, thresholds mu s B q^k, ||x*||_0 <= s, "
    "||x*||_inf <= B, noiseless data",
    wrong="the bound sBq^(k+1), one layer faster",
    wrong_measure=lambda r: float(r.max_ratio / r.q),
    min_tightness=1 - 1e-6,
    demo=lista_theorem_demo,
)


@demo_result
class LISTATrainResult(DemoResult):
    """Result of :func:`train_lista_cp`.

    Attributes
    ----------
    layers, err_lista, err_ista : numpy.ndarray
        Layer indices and median relative test errors.
    thetas : numpy.ndarray
        The learned thresholds :math:`\\theta_k`.
    rate : float
        Fitted per-layer factor of the trained network (layers 4 to K).
    coupling : numpy.ndarray
        :math:`\\|W^k - W^{k}_{\\rm init}\\|_F` per layer (how far training moved the weights).
    """

    layers: np.ndarray
    err_lista: np.ndarray
    err_ista: np.ndarray
    thetas: np.ndarray
    rate: float
    coupling: np.ndarray

    def plot(self, ax=None):
        ax1, ax2 = _axes_pair(ax)
        ax1.semilogy(self.layers, self.err_lista, "o-", label="trained LISTA-CP")
        ax1.semilogy(self.layers, self.err_ista, "s-", label="ISTA")
        ax1.set_xlabel("layer $k$")
        _integer_ticks(ax1)
        ax1.set_ylabel("median relative error")
        ax1.legend()
        ax2.semilogy(self.layers, self.thetas, "o-")
        ax2.set_xlabel("layer $k$")
        _integer_ticks(ax2)
        ax2.set_title(r"learned thresholds $\theta_k$")
        return ax1, ax2


def train_lista_cp(
    *,
    m: int = 64,
    n: int = 128,
    s: int = 6,
    K: int = 12,
    steps: int = 400,
    batch: int = 128,
    lr: float = 1e-3,
    seed: int = 0,
    device: Any = "cpu",
) -> LISTATrainResult:
    r"""Train a full LISTA-CP (one matrix and one threshold per layer) by backpropagation.

    Loss: mean over a fresh batch of sparse signals of :math:`\|x^K - x^*\|^2` (Adam). The
    thresholds start at 0.1 and the matrices at :math:`A/\|A\|^2`. Test on 200 new signals.

    Parameters
    ----------
    m, n, s : int, default 64, 128, 6
    K : int, default 12
        Layers, >= 5.
    steps, batch : int, default 400 and 128
    lr : float, default 1e-3
    seed : int, default 0
    device : str or torch.device, default "cpu"

    Returns
    -------
    LISTATrainResult

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Gregor and LeCun (2010); Chen et al.
    (2018).
    """
    m = check_int(m, "m", minimum=1)
    n = check_int(n, "n", minimum=1)
    s = check_int(s, "s", minimum=1, maximum=n)
    K = check_int(K, "K", minimum=5)
    steps = check_int(steps, "steps", minimum=0)
    batch = check_int(batch, "batch", minimum=1)
    lr = check_real(lr, "lr", minimum=0.0, strict_min=True)
    dev = check_device(device)
    g = rng(seed)
    A = g.standard_normal((m, n)) / math.sqrt(m)
    model = LISTACP(A, K, 0.1, dtype=torch.float32, device=dev)
    W0 = model.W.detach().clone()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    At = torch.as_tensor(A, dtype=torch.float32, device=dev)
    for _ in range(steps):
        X = torch.as_tensor(_sparse_signals(g, n, s, batch).T, dtype=torch.float32, device=dev)
        out = model(X @ At.T)
        loss = torch.mean(torch.sum((out[-1] - X) ** 2, dim=1))
        opt.zero_grad()
        loss.backward()
        opt.step()
    Xte = _sparse_signals(g, n, s, 200)
    with torch.no_grad():
        its = model(torch.as_tensor((A @ Xte).T, dtype=torch.float32, device=dev))
    e_l = _median_rel_err([x.cpu().numpy().T for x in its], Xte)
    L = _lipschitz(A)
    e_i = _median_rel_err(unrolled_ista_cp(A @ Xte, A, np.full(K, 1.0 / L), np.full(K, 0.01 / L)), Xte)
    layers = np.arange(1, K + 1, dtype=np.float64)
    coupling = torch.linalg.matrix_norm(model.W.detach() - W0).cpu().numpy().astype(np.float64)
    return LISTATrainResult(
        layers=layers,
        err_lista=e_l,
        err_ista=e_i,
        thetas=model.theta.detach().cpu().numpy().astype(np.float64),
        rate=_fit_factor(layers, e_l),
        coupling=coupling,
    )
