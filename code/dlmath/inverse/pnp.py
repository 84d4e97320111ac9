r"""Plug-and-play forward-backward splitting and its contraction.

:func:`pnp_fbs` iterates :math:`x_{k+1} = H(x_k - \alpha\nabla f(x_k))` with a denoiser
:math:`H`; for a strongly convex, smooth :math:`f` and an :math:`\varepsilon`-Lipschitz
residual :math:`H - I`, :func:`pnp_lipschitz_bound` bounds :math:`\Lip(T)` and
:func:`pnp_step_range` gives the steps where it is below 1 (theorem
``inverse-pnp_fbs_contraction``). The demos check it with a random residual denoiser
(:func:`pnp_demo`) and with a trained, spectrally normalised CNN on a deblurring problem
(:func:`pnp_deblur_demo`).

References
----------
Ryu et al. (2019).
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import torch

from ..plotting import axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_array, check_device, check_int, check_real, check_real_sequence, like_input, progress_bar, rng
from ._common import _check_callable, _geometric_rate, _image_row, _to_numpy
from .ct import psnr, random_ellipses, shepp_logan
from .learned import ResidualDenoiser, SNResidualDenoiser
from .operators import CircularConvolution

__all__ = [
    "pnp_fbs",
    "pnp_lipschitz_bound",
    "pnp_step_range",
    "PnPResult",
    "pnp_demo",
    "PnPDeblurResult",
    "pnp_deblur_demo",
]


def pnp_fbs(x0: Any, grad_f: Callable, denoiser: Callable, alpha: float, n_iter: int):
    r"""Plug-and-play forward-backward splitting :math:`x_{k+1} = H(x_k - \alpha\nabla f(x_k))`.

    Parameters
    ----------
    x0 : array_like or torch.Tensor, shape (n,)
        Starting point.
    grad_f : callable
        :math:`\nabla f`, maps a NumPy array of shape (n,) to shape (n,).
    denoiser : callable
        :math:`H`, maps a NumPy array of shape (n,) to an array or a tensor of shape (n,) (a
        :class:`~dlmath.inverse.ResidualDenoiser`, say).
    alpha : float
        Step size, > 0.
    n_iter : int
        Number of iterations, >= 1.

    Returns
    -------
    x : numpy.ndarray or torch.Tensor, shape (n,)
        The last iterate.
    residuals : numpy.ndarray or torch.Tensor, shape (n_iter,)
        Fixed-point residuals :math:`\|x_{k+1} - x_k\|`.

    NumPy for a NumPy ``x0``; tensors of its dtype on its device for a tensor (the iteration
    itself runs in float64 NumPy).

    Examples
    --------
    >>> import numpy as np
    >>> x, res = pnp_fbs(np.ones(2), lambda x: x, lambda x: 0.5 * x, 0.5, 3)  # T x = x/4
    >>> x, res
    (array([0.015625, 0.015625]), array([1.06066017, 0.26516504, 0.06629126]))

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Ryu et al. (2019), Sec. 3.
    """
    x = as_array(x0, "x0", ndim=1, min_size=1).copy()
    _check_callable(grad_f, "grad_f")
    _check_callable(denoiser, "denoiser")
    alpha = check_real(alpha, "alpha", minimum=0.0, strict_min=True)
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    res = np.empty(n_iter)
    for k in range(n_iter):
        x_new = _to_numpy(denoiser(x - alpha * _to_numpy(grad_f(x))))
        res[k] = np.linalg.norm(x_new - x)
        x = x_new
    return like_input((x, res), x0)


def pnp_lipschitz_bound(alpha: float, mu: float, L: float, eps: float) -> float:
    r"""The bound :math:`(1+\varepsilon)\max\{|1-\alpha\mu|, |1-\alpha L|\}` on :math:`\Lip(T)`.

    Parameters
    ----------
    alpha : float
        Step, > 0.
    mu, L : float
        Strong convexity and smoothness constants, :math:`0 < \mu \le L`.
    eps : float
        Lipschitz constant of :math:`H - I`, >= 0.

    Returns
    -------
    float

    References
    ----------
    Book: chapter *Deep learning for inverse problems*, theorem ``inverse-pnp_fbs_contraction``.
    Ryu et al. (2019), Thm 1.
    """
    alpha = check_real(alpha, "alpha", minimum=0.0, strict_min=True)
    mu = check_real(mu, "mu", minimum=0.0, strict_min=True)
    L = check_real(L, "L", minimum=mu)
    eps = check_real(eps, "eps", minimum=0.0)
    return (1.0 + eps) * max(abs(1.0 - alpha * mu), abs(1.0 - alpha * L))


def pnp_step_range(mu: float, L: float, eps: float) -> tuple[float, float]:
    r"""The open interval of steps :math:`\alpha` for which the PnP-FBS bound is below 1.

    :math:`\varepsilon/((1+\varepsilon)\mu) < \alpha < (2+\varepsilon)/((1+\varepsilon)L)`; it is
    non-empty iff :math:`\varepsilon < 2\mu/(L-\mu)`.

    Parameters
    ----------
    mu, L : float
        :math:`0 < \mu \le L`.
    eps : float
        Lipschitz constant of :math:`H - I`, >= 0.

    Returns
    -------
    (float, float)
        The ends ``(lo, hi)``.

    Raises
    ------
    ValueError
        If the interval is empty (``eps >= 2 mu/(L - mu)``); the message names ``eps``.

    References
    ----------
    Book: chapter *Deep learning for inverse problems*, theorem ``inverse-pnp_fbs_contraction``.
    Ryu et al. (2019), Thm 1.
    """
    mu = check_real(mu, "mu", minimum=0.0, strict_min=True)
    L = check_real(L, "L", minimum=mu)
    eps = check_real(eps, "eps", minimum=0.0)
    lo, hi = eps / ((1.0 + eps) * mu), (2.0 + eps) / ((1.0 + eps) * L)
    if not lo < hi:
        raise ValueError(f"eps must be below 2 mu/(L - mu) = {2 * mu / (L - mu):.4g} for a non-empty range, got {eps}")
    return lo, hi


# demos


def _lip_linear(T, n):
    """Spectral norm of an affine map T (rows are points) from its action on the standard basis."""
    M = T(np.eye(n)) - T(np.zeros((1, n)))
    return float(np.linalg.norm(M, 2))


@demo_result
class PnPResult(DemoResult):
    """Result of :func:`pnp_demo`.

    Attributes
    ----------
    eps : numpy.ndarray
        Lipschitz constants :math:`\\varepsilon` of :math:`H - I`.
    bound : numpy.ndarray
        :math:`(1+\\varepsilon)\\max(|1-\\alpha\\mu|, |1-\\alpha L|)`.
    emp_lip : numpy.ndarray
        Largest :math:`\\|T x - T x'\\|/\\|x - x'\\|` over 500 random pairs.
    rate : numpy.ndarray
        Fitted geometric rate of the fixed-point residuals.
    residuals : numpy.ndarray, shape (len(eps), 200)
        :math:`\\|x_{k+1} - x_k\\|`.
    mu, L : float
        Extreme eigenvalues of :math:`B^\\top B`.
    lip_extremal : numpy.ndarray
        :math:`\\Lip(T)` (spectral norm of the linear map) for the extremal denoiser
        :math:`H = (1+\\varepsilon)I` at :math:`\\alpha = 2/(\\mu+L)`; theory: equal to ``bound``.
    step_lo, step_hi : numpy.ndarray
        The ends of the contraction range of steps (:func:`pnp_step_range`).
    lip_at_ends : numpy.ndarray, shape (len(eps), 2)
        :math:`\\Lip(T)` for the extremal denoiser at ``step_lo`` and ``step_hi`` (theory: exactly 1).
    lip_outside : numpy.ndarray
        The same at the step ``1.1 * step_hi``, outside the range (theory: above 1).
    lip_at_wrong_ends : numpy.ndarray, shape (len(eps), 2)
        The same at the ends ``0`` and ``2/L`` of the range without the factor :math:`1+\\varepsilon`.
    """

    eps: np.ndarray
    bound: np.ndarray
    emp_lip: np.ndarray
    rate: np.ndarray
    residuals: np.ndarray
    mu: float
    L: float
    lip_extremal: np.ndarray
    step_lo: np.ndarray
    step_hi: np.ndarray
    lip_at_ends: np.ndarray
    lip_outside: np.ndarray
    lip_at_wrong_ends: np.ndarray

    def plot(self, ax=None):
        ax = axes(ax)
        k = np.arange(1, self.residuals.shape[1] + 1)
        for i, e in enumerate(self.eps):
            (line,) = ax.semilogy(k, self.residuals[i], label=rf"$\varepsilon={e:g}$, rate {self.rate[i]:.3f}")
            ax.semilogy(
                k,
                self.residuals[i, 0] * self.bound[i] ** (k - 1),
                "--",
                color=line.get_color(),
                lw=1.0,
                label=f"bound {self.bound[i]:.3f}$^k$",
            )
        ax.set_ylim(bottom=1e-16)
        ax.set_xlabel("iteration $k$")
        ax.set_ylabel(r"$\|x_{k+1} - x_k\|$")
        ax.legend()
        return ax


def pnp_demo(*, eps: Any = (0.05, 0.1), seed: int = 0, device: Any = "cpu") -> PnPResult:
    r"""PnP-FBS with a denoiser whose residual is :math:`\varepsilon`-Lipschitz contracts.

    :math:`f(x) = \frac12\|Bx - y\|^2`, :math:`B\in\R^{200\times 50}` Gaussian :math:`/\sqrt{200}`
    (:math:`\mu, L` = extreme eigenvalues of :math:`B^\top B`), :math:`\alpha = 2/(\mu + L)`,
    :math:`H` = :class:`ResidualDenoiser`. For each :math:`\varepsilon` the bound
    :math:`(1+\varepsilon)(L-\mu)/(L+\mu)`, the empirical Lipschitz constant of
    :math:`T = H\circ(I - \alpha\nabla f)` on 500 random pairs and the rate of 200 iterations.

    Parameters
    ----------
    eps : sequence of float, default (0.05, 0.1)
        Values of :math:`\varepsilon \ge 0`.
    seed : int, default 0
    device : str or torch.device, default "cpu"
        Where the denoiser runs.

    Returns
    -------
    PnPResult

    References
    ----------
    Book: chapter *Deep learning for inverse problems*, theorem
    ``inverse-pnp_fbs_contraction``. Ryu et al. (2019), Thm 1.
    """
    eps_arr = np.array(check_real_sequence(eps, "eps", minimum=0.0))
    g = rng(seed)
    B = g.standard_normal((200, 50)) / math.sqrt(200)
    y = B @ g.standard_normal(50) + 0.1 * g.standard_normal(200)
    ev = np.linalg.eigvalsh(B.T @ B)
    mu, L = float(ev[0]), float(ev[-1])
    alpha = 2.0 / (mu + L)
    grad = lambda x: B.T @ (B @ x - y)  # noqa: E731
    bounds, lips, rates, resids = [], [], [], []
    ext, los, his, ends, outside, wrong_ends = [], [], [], [], [], []
    for i, e in enumerate(eps_arr):
        net = ResidualDenoiser(50, float(e), seed=seed + i, dtype=torch.float64, device=device)
        H = lambda X, net=net: net(X).detach().cpu().numpy()  # noqa: E731  (NumPy in, NumPy out, float64)
        T = lambda X: H(X - alpha * (X @ B.T - y) @ B)  # noqa: E731  (rows are points)
        X1, X2 = g.standard_normal((500, 50)), g.standard_normal((500, 50))
        X2 = X1 + g.uniform(0.01, 3.0, (500, 1)) * X2
        lips.append(np.max(np.linalg.norm(T(X1) - T(X2), axis=1) / np.linalg.norm(X1 - X2, axis=1)))
        bounds.append(pnp_lipschitz_bound(alpha, mu, L, float(e)))
        # extremal denoiser H = (1 + eps) I (its residual eps I is eps-Lipschitz): T is linear and
        # Lip(T) = (1 + eps) max_i |1 - a lambda_i| is the bound, attained on an extreme eigenvector
        Tlin = lambda X, a, e=float(e): (1 + e) * (X - a * (X @ B.T - y) @ B)  # noqa: E731
        ext.append(_lip_linear(lambda X: Tlin(X, alpha), 50))
        lo, hi = pnp_step_range(mu, L, float(e))
        los.append(lo)
        his.append(hi)
        ends.append([_lip_linear(lambda X: Tlin(X, lo), 50), _lip_linear(lambda X: Tlin(X, hi), 50)])
        outside.append(_lip_linear(lambda X: Tlin(X, 1.1 * hi), 50))
        wrong_ends.append([_lip_linear(lambda X: Tlin(X, 0.0), 50), _lip_linear(lambda X: Tlin(X, 2.0 / L), 50)])
        _, res = pnp_fbs(np.zeros(50), grad, H, alpha, 200)
        ok = np.nonzero(res > 1e-13)[0]
        ok = ok[ok >= 5]
        rates.append(_geometric_rate(ok, res[ok]))
        resids.append(res)
    return PnPResult(
        eps=eps_arr.copy(),
        bound=np.array(bounds),
        emp_lip=np.array(lips),
        rate=np.array(rates),
        residuals=np.array(resids),
        mu=mu,
        L=L,
        lip_extremal=np.array(ext),
        step_lo=np.array(los),
        step_hi=np.array(his),
        lip_at_ends=np.array(ends),
        lip_outside=np.array(outside),
        lip_at_wrong_ends=np.array(wrong_ends),
    )


declare_check(
    "inverse.pnp_fbs_contraction",
    label="bound",
    quantity="largest ratio of Lip(T) to (1 + eps) max(|1 - alpha mu|, |1 - alpha L|): random residual "
    "denoisers (sampled pairs) and the extremal denoiser (1 + eps) I (spectral norm)",
    claim="upper bound",
    relation="<=",
    measure=lambda r: float(max(np.max(r.emp_lip / r.bound), np.max(r.lip_extremal / r.bound))),
    predict=1.0,
    tolerance=1e-9,
    reason="float64 rounding of a 50 x 50 spectral norm, far below 1e-9; sampled Lipschitz ratios are "
    "lower estimates, the extremal denoiser attains the bound",
    hypotheses="f = ||Bx - y||^2/2 with mu I <= B^T B <= L I, mu > 0, step 2/(L + mu), H - I eps-Lipschitz "
    "with eps < 2 mu/(L - mu)",
    wrong="0.999 x the bound (a constant off by 0.1 %)",
    wrong_predict=0.999,
    min_tightness=1 - 1e-6,
    demo=pnp_demo,
)
declare_check(
    "inverse.pnp_fbs_contraction",
    label="step_range",
    quantity="largest |Lip(T) - 1| for the extremal denoiser at the two ends of the step range",
    claim="identity",
    relation="approx",
    measure=lambda r: float(np.max(np.abs(r.lip_at_ends - 1.0))),
    predict=0.0,
    tolerance=1e-9,
    reason="float64 rounding of a 50 x 50 spectral norm; the ends of the range are where the bound equals 1",
    hypotheses="as for the bound; the range eps/((1 + eps) mu) < alpha < (2 + eps)/((1 + eps) L) is exact "
    "for the extremal denoiser, whose Lip(T) exceeds 1 outside it",
    wrong="the range 0 < alpha < 2/L of plain gradient descent (the factor 1 + eps left out)",
    wrong_measure=lambda r: float(np.max(np.abs(r.lip_at_wrong_ends - 1.0))),
    demo=pnp_demo,
)


@demo_result
class PnPDeblurResult(DemoResult):
    """Result of :func:`pnp_deblur_demo`.

    Attributes
    ----------
    truth, blurred, deconv, pnp : numpy.ndarray
        Ground truth, data, unregularised deconvolution and the PnP fixed point (n x n).
    psnr_blurred, psnr_deconv, psnr_pnp : float
    bound : float
        :math:`(1+\\varepsilon)(L-\\mu)/(L+\\mu)`.
    emp_lip : float
        Largest :math:`\\|Tx - Tx'\\|/\\|x - x'\\|` over random pairs.
    rate : float
        Fitted geometric rate of the fixed-point residuals.
    residuals : numpy.ndarray
        :math:`\\|x_{k+1} - x_k\\|`.
    mu, L : float
        Extreme eigenvalues of :math:`A^*A` (squared extreme moduli of the blur's DFT).
    """

    truth: np.ndarray
    blurred: np.ndarray
    deconv: np.ndarray
    pnp: np.ndarray
    psnr_blurred: float
    psnr_deconv: float
    psnr_pnp: float
    bound: float
    emp_lip: float
    rate: float
    residuals: np.ndarray
    mu: float
    L: float

    def plot(self, ax=None):
        imgs = [
            (self.truth, "truth"),
            (self.blurred, f"data {self.psnr_blurred:.1f} dB"),
            (self.deconv, f"deconvolution {self.psnr_deconv:.1f} dB"),
            (self.pnp, f"PnP-FBS {self.psnr_pnp:.1f} dB"),
        ]
        return _image_row(ax, imgs, width=9.0, height=2.4)


def _deblur_kernel(n: int) -> np.ndarray:
    """The blur of :func:`pnp_deblur_demo`: 0.4 delta + 0.6 Gaussian (std 1.5 pixels), circular."""
    c = np.minimum(np.arange(n), n - np.arange(n))
    gauss = np.exp(-(c[:, None] ** 2 + c[None, :] ** 2) / (2 * 1.5**2))
    kernel = 0.6 * gauss / gauss.sum()
    kernel[0, 0] += 0.4
    return kernel


def pnp_deblur_demo(
    *,
    n: int = 64,
    eps: float = 0.3,
    noise: float = 0.03,
    steps: int = 150,
    n_iter: int = 100,
    seed: int = 0,
    progress: bool = False,
    device: Any = "cpu",
) -> PnPDeblurResult:
    r"""PnP forward-backward deblurring with a trained :class:`SNResidualDenoiser`.

    Forward operator: the circular convolution (:class:`~dlmath.inverse.CircularConvolution`) with
    :math:`k = 0.4\,\delta + 0.6\,g`, :math:`g` a normalised Gaussian of standard deviation 1.5
    pixels, so that :math:`A^*A` has spectrum in
    :math:`[\mu, L]`, :math:`\mu = \min|\hat k|^2 > 0` and :math:`f = \frac12\|Ax - y\|^2` is
    strongly convex. The denoiser (``eps``, 16 channels) is trained with Adam for ``steps`` steps
    to remove Gaussian noise (standard deviation 0.1) from random-ellipse phantoms; then
    :math:`x_{k+1} = H(x_k - \alpha\nabla f(x_k))` with :math:`\alpha = 2/(\mu+L)` is run on the
    blurred, noisy Shepp-Logan phantom. Theorem ``inverse-pnp_fbs_contraction`` predicts the
    rate :math:`(1+\varepsilon)(L-\mu)/(L+\mu)`.

    Parameters
    ----------
    n : int, default 64
    eps : float, default 0.3
        Lipschitz constant of :math:`H - I`.
    noise : float, default 0.03
        Standard deviation of the measurement noise.
    steps : int, default 150
        Adam steps for the denoiser.
    n_iter : int, default 100
        PnP iterations.
    seed : int, default 0
    device : str or torch.device, default "cpu"

    progress : bool, default False
        A progress bar (tqdm) over the training steps of the denoiser; silent by default.

    Returns
    -------
    PnPDeblurResult

    References
    ----------
    Book: chapter *Deep learning for inverse problems*. Ryu et al. (2019), Sec. 5.
    """
    n = check_int(n, "n", minimum=8)
    eps = check_real(eps, "eps", minimum=0.0)
    noise = check_real(noise, "noise", minimum=0.0)
    steps = check_int(steps, "steps", minimum=0)
    n_iter = check_int(n_iter, "n_iter", minimum=10)
    dev = check_device(device)
    g = rng(seed)
    blur = CircularConvolution(_deblur_kernel(n))
    mu, L = blur.eigenvalue_range()
    x_true = shepp_logan(n)
    y = blur(x_true) + noise * g.standard_normal((n, n))
    deconv = blur.inverse(y)

    H = SNResidualDenoiser(n, eps, 16, seed, dtype=torch.float32, device=dev)
    train = torch.as_tensor(random_ellipses(n, 64, seed=seed + 1)[:, None], dtype=torch.float32, device=dev)
    opt = torch.optim.Adam(H.parameters(), lr=3e-3)
    for _ in progress_bar(range(steps), progress, desc="denoiser"):
        idx = torch.as_tensor(g.choice(64, 8, replace=False), device=dev)
        clean = train[idx]
        noisy = clean + 0.1 * torch.as_tensor(g.standard_normal(clean.shape), dtype=torch.float32, device=dev)
        loss = torch.mean((H(noisy) - clean) ** 2)
        opt.zero_grad()
        loss.backward()
        opt.step()
    H.eval()  # exact spectral normalisation of the trained weights from here on

    def Hnp(x):
        with torch.no_grad():
            t = torch.as_tensor(x.reshape(-1, 1, n, n), dtype=torch.float32, device=dev)
            return H(t).cpu().numpy().astype(np.float64).reshape(x.shape)

    alpha = 2.0 / (mu + L)
    grad = lambda x: blur.adjoint(blur(x) - y)  # noqa: E731
    T = lambda x: Hnp(x - alpha * grad(x))  # noqa: E731
    ratios = []
    for _ in range(40):
        x1 = x_true + 0.3 * g.standard_normal((n, n))
        x2 = x1 + g.uniform(0.01, 0.3) * g.standard_normal((n, n))
        ratios.append(np.linalg.norm(T(x1) - T(x2)) / np.linalg.norm(x1 - x2))
    x = np.zeros((n, n))
    res = []
    for _ in range(n_iter):
        xn = T(x)
        res.append(np.linalg.norm(xn - x))
        x = xn
    res = np.array(res)
    ok = np.nonzero(res > 1e-4 * res[0])[0]  # float32 denoiser: fit above its rounding floor
    ok = ok[ok >= 3]
    rate = _geometric_rate(ok, res[ok]) if len(ok) >= 2 else float("nan")
    return PnPDeblurResult(
        truth=x_true,
        blurred=y,
        deconv=deconv,
        pnp=x,
        psnr_blurred=psnr(y, x_true),
        psnr_deconv=psnr(deconv, x_true),
        psnr_pnp=psnr(x, x_true),
        bound=(1 + eps) * (L - mu) / (L + mu),
        emp_lip=float(np.max(ratios)),
        rate=rate,
        residuals=res,
        mu=mu,
        L=L,
    )
