r"""Self-attention: permutation equivariance, and the Lipschitz constants of two attention maps.

:func:`dot_product_attention` is the attention of Vaswani et al. (2017),
:math:`\operatorname{softmax}(XW^Q(XW^K)^\top/\sqrt{d_k})XW^V` with the softmax taken over each row;
:func:`l2_attention` is the L2 self-attention of Kim, Papamakarios and Mnih (2021), whose logits
are minus squared distances :math:`-\|x_i^\top W^Q - x_j^\top W^Q\|^2/\sqrt{D}` with tied query
and key weights, and whose values are :math:`XW^Q(W^Q)^\top W^V/\sqrt{D}`. :func:`local_lipschitz` is the spectral norm of the Jacobian of a map of token
matrices, :func:`l2_attention_lipschitz_bound` Kim et al.'s bound (one head), and
:func:`attention_lipschitz_demo` checks theorem ``architectures-attention_lipschitz``.

References
----------
Vaswani et al. (2017); Kim, Papamakarios, Mnih (2021); Yun et al. (2020).
"""

from __future__ import annotations

import math
from typing import Any, Callable

import numpy as np
import torch

from ..plotting import axes
from ..results import DemoResult, declare_check, demo_result
from ..utils import as_tensor, check_int, check_real_sequence, like_input, rng

__all__ = [
    "dot_product_attention",
    "l2_attention",
    "l2_attention_lipschitz_bound",
    "local_lipschitz",
    "AttentionLipschitzResult",
    "attention_lipschitz_demo",
]


def _tokens(X: Any, name: str = "X") -> torch.Tensor:
    t = as_tensor(X, name, ndim=2)
    return t if t.is_floating_point() else t.to(torch.float64)


def _weight(W: Any, name: str, rows: int, like: torch.Tensor) -> torch.Tensor:
    w = as_tensor(W, name, ndim=2).to(dtype=like.dtype, device=like.device)
    if w.shape[0] != rows:
        raise ValueError(f"{name} must have {rows} rows (the token dimension), got shape {tuple(w.shape)}")
    return w


def dot_product_attention(X: Any, Wq: Any, Wk: Any, Wv: Any) -> Any:
    r"""Dot-product self-attention :math:`\operatorname{softmax}(XW^Q (XW^K)^\top/\sqrt{d_k})\,XW^V`.

    Row :math:`i` of the output is :math:`\sum_j P_{ij} x_j^\top W^V` with
    :math:`P_{ij} \propto \exp(x_i^\top W^Q (W^K)^\top x_j/\sqrt{d_k})`, :math:`\sum_j P_{ij} = 1`.

    Parameters
    ----------
    X : array_like or torch.Tensor, shape (N, D)
        The tokens, one per row.
    Wq, Wk : array_like, shape (D, d_k)
        Query and key weights.
    Wv : array_like, shape (D, d_v)
        Value weights.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (N, d_v)
        NumPy for NumPy input; a tensor of the input's dtype and device for a tensor.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> dot_product_attention(X, np.zeros((2, 2)), np.zeros((2, 2)), np.eye(2))  # uniform weights
    array([[0.5, 0.5],
           [0.5, 0.5]])

    References
    ----------
    Book: chapter *Graphs and attention*. Vaswani et al. (2017), Section 3.2.
    """
    t = _tokens(X)
    D = t.shape[1]
    q, k, v = (_weight(W, n, D, t) for W, n in ((Wq, "Wq"), (Wk, "Wk"), (Wv, "Wv")))
    if k.shape[1] != q.shape[1]:
        raise ValueError(f"Wk must have the shape of Wq {tuple(q.shape)}, got {tuple(k.shape)}")
    logits = (t @ q) @ (t @ k).T / math.sqrt(q.shape[1])
    return like_input(torch.softmax(logits, dim=1) @ (t @ v), X)


def l2_attention(X: Any, Wq: Any, Wv: Any) -> Any:
    r"""L2 self-attention with tied query and key weights (one head).

    :math:`P_{ij} \propto \exp(-\|x_i^\top W^Q - x_j^\top W^Q\|^2/\sqrt{D})`, and the output is
    :math:`PXAW^V` with :math:`A = W^Q (W^Q)^\top/\sqrt{D}`: the values go through the same
    projection as the queries, which is what makes the map Lipschitz.

    Parameters
    ----------
    X : array_like or torch.Tensor, shape (N, D)
    Wq : array_like, shape (D, D)
        Query (= key) weights.
    Wv : array_like, shape (D, d_v)

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (N, d_v)

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0, 0.0], [1.0, 0.0]])  # equal tokens attend equally
    >>> l2_attention(X, np.eye(2), np.eye(2))
    array([[0.70710678, 0.        ],
           [0.70710678, 0.        ]])

    References
    ----------
    Book: chapter *Graphs and attention*. Kim, Papamakarios, Mnih (2021), Section 3.
    """
    t = _tokens(X)
    D = t.shape[1]
    q, v = _weight(Wq, "Wq", D, t), _weight(Wv, "Wv", D, t)
    if q.shape[1] != D:
        raise ValueError(f"Wq must have shape ({D}, {D}) (one head), got {tuple(q.shape)}")
    z = t @ q
    sq = (z * z).sum(dim=1)
    logits = -(sq[:, None] - 2 * z @ z.T + sq[None, :]) / math.sqrt(D)
    A = q @ q.T / math.sqrt(D)
    return like_input(torch.softmax(logits, dim=1) @ (t @ A @ v), X)


def l2_attention_lipschitz_bound(n_tokens: int, Wq: Any, Wv: Any) -> float:
    r"""Kim et al.'s bound on the 2-norm Lipschitz constant of :func:`l2_attention` (one head).

    .. math::

        \mathrm{Lip}_2 \le \frac{\sqrt N}{\sqrt D}\bigl(4\phi^{-1}(N - 1) + 1\bigr)\,\|W^Q\|_2^2\,\|W^V\|_2,

    with :math:`\phi(x) = x e^{x + 1}`, so that :math:`\phi^{-1}(N - 1) = W_0((N - 1)/e)` (the
    principal branch of the Lambert function), for :math:`N` tokens in :math:`\R^D` and the
    Frobenius norm on :math:`\R^{N\times D}`. The bound is of degree two in :math:`W^Q`: scaling
    :math:`W^Q` by :math:`c` turns the map into :math:`X \mapsto c f(cX)`.

    Parameters
    ----------
    n_tokens : int
        :math:`N \ge 1`.
    Wq : array_like, shape (D, D)
    Wv : array_like, shape (D, d_v)

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> round(l2_attention_lipschitz_bound(1, np.eye(4), np.eye(4)), 3)  # phi^{-1}(0) = 0
    0.5
    >>> round(l2_attention_lipschitz_bound(1, 2 * np.eye(4), np.eye(4)), 3)  # degree two in W^Q
    2.0

    References
    ----------
    Book: chapter *Graphs and attention*. Kim, Papamakarios, Mnih (2021), Theorem 3.2 (H = 1,
    :math:`W^O = I`), with the power of :math:`\|W^Q\|_2` that this scaling forces.
    """
    from scipy.special import lambertw

    N = check_int(n_tokens, "n_tokens", minimum=1)
    q = np.asarray(as_tensor(Wq, "Wq", ndim=2).detach().cpu(), dtype=np.float64)
    v = np.asarray(as_tensor(Wv, "Wv", ndim=2).detach().cpu(), dtype=np.float64)
    D = q.shape[0]
    if q.shape != (D, D) or v.shape[0] != D:
        raise ValueError(f"Wq must be square and Wv must have {D} rows, got {q.shape} and {v.shape}")
    phi_inv = float(np.real(lambertw((N - 1) / math.e)))
    return float(math.sqrt(N / D) * (4 * phi_inv + 1) * np.linalg.norm(q, 2) ** 2 * np.linalg.norm(v, 2))


def local_lipschitz(f: Callable[[torch.Tensor], torch.Tensor], X: Any) -> float:
    r"""The local Lipschitz constant :math:`\|J_f(X)\|_2`: the spectral norm of the Jacobian of :math:`\operatorname{vec} f`.

    Parameters
    ----------
    f : callable
        Torch tensor of shape (N, D) to a tensor (differentiable).
    X : array_like or torch.Tensor, shape (N, D)
        The point (computed in float64).

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> round(local_lipschitz(lambda t: 3.0 * t, np.ones((2, 2))), 12)
    3.0

    References
    ----------
    Book: chapter *Graphs and attention*. Kim, Papamakarios, Mnih (2021), Section 2.
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    t = _tokens(X).detach().to(torch.float64)
    shape = t.shape
    J = torch.autograd.functional.jacobian(lambda v: f(v.reshape(shape)).reshape(-1), t.reshape(-1))
    return float(torch.linalg.matrix_norm(J, ord=2))


# demo


@demo_result
class AttentionLipschitzResult(DemoResult):
    r"""Result of :func:`attention_lipschitz_demo`.

    Attributes
    ----------
    radii : numpy.ndarray
        Scales :math:`r` of the inputs.
    lip_dp, lip_l2 : numpy.ndarray
        Largest local Lipschitz constant found at each radius, for dot-product and L2 attention.
    lip_dp_tied : numpy.ndarray
        Dot-product attention with the L2 map's weights (:math:`W^K = W^Q`, values through
        :math:`AW^V`), at each radius.
    bound : float
        Kim et al.'s bound for the L2 map.
    dp_slope : float
        Log-log slope of ``lip_dp`` over the three largest radii (theory: 2).
    dp_slope_se : float
        Standard error of that slope from its three points (a measure of the curvature).
    l2_max_ratio : float
        :math:`\max_r` ``lip_l2`` / ``bound`` (theory: at most 1); the tightness.
    dp_tied_ratio : float
        ``lip_dp_tied`` at the largest radius over the L2 bound.
    equivariance_error : float
        :math:`\max\|f(\Pi X) - \Pi f(X)\|/\|f(X)\|` over random permutations and both maps.
    equivariance_error_pe : float
        The same with a positional encoding added to the tokens.
    n_tokens, dim : int
    """

    radii: np.ndarray
    lip_dp: np.ndarray
    lip_l2: np.ndarray
    lip_dp_tied: np.ndarray
    bound: float
    dp_slope: float
    dp_slope_se: float
    l2_max_ratio: float
    dp_tied_ratio: float
    equivariance_error: float
    equivariance_error_pe: float
    n_tokens: int
    dim: int

    def plot(self, ax=None):
        ax = axes(ax)
        ax.loglog(self.radii, self.lip_dp, "o-", label="dot-product attention")
        ax.loglog(self.radii, self.lip_l2, "s-", label="L2 attention (tied)")
        ax.axhline(self.bound, ls="--", color="0.5", label="Kim et al.'s bound")
        r = self.radii
        ax.loglog(r, self.lip_dp[-1] * (r / r[-1]) ** 2, ":", color="0.3", label=r"slope 2")
        ax.set_xlabel("input radius $r$")
        ax.set_ylabel("local Lipschitz constant")
        ax.legend(fontsize=8)
        return ax


def attention_lipschitz_demo(
    *,
    n_tokens: int = 4,
    dim: int = 4,
    radii: Any = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0),
    n_restarts: int = 8,
    seed: int = 0,
) -> AttentionLipschitzResult:
    r"""Permutation equivariance and local Lipschitz constants of dot-product and L2 attention.

    Weights :math:`W^Q, W^K, W^V` with i.i.d. :math:`N(0, 1/D)` entries. At each radius :math:`r`
    the local Lipschitz constant (:func:`local_lipschitz`) is maximised over ``n_restarts``
    random token matrices :math:`rZ` (:math:`Z` with unit Frobenius norm) and over the
    configuration of the proof, :math:`r` times a fixed matrix whose first token is :math:`0`.
    Permutation equivariance is measured on random inputs and permutations, without and with a
    sinusoidal positional encoding.

    Parameters
    ----------
    n_tokens : int, default 4
        :math:`N \ge 2`.
    dim : int, default 4
        :math:`D \ge 1`.
    radii : sequence of float, default (1, 2, 4, ..., 128)
        Increasing, at least 3, positive.
    n_restarts : int, default 8
    seed : int, default 0

    Returns
    -------
    AttentionLipschitzResult

    References
    ----------
    Book: chapter *Graphs and attention*, theorem ``architectures-attention_lipschitz``.
    Kim, Papamakarios, Mnih (2021), Theorems 3.1 and 3.2.
    """
    N = check_int(n_tokens, "n_tokens", minimum=2)
    D = check_int(dim, "dim", minimum=1)
    r = np.array(check_real_sequence(radii, "radii", minimum=0.0, strict_min=True, min_len=3, increasing=True))
    n_restarts = check_int(n_restarts, "n_restarts", minimum=1)
    g = rng(seed)

    def gauss(*shape):
        return torch.tensor(g.standard_normal(shape) / math.sqrt(D), dtype=torch.float64)

    Wq, Wk, Wv = gauss(D, D), gauss(D, D), gauss(D, D)
    A = Wq @ Wq.T / math.sqrt(D)
    dp = lambda t: dot_product_attention(t, Wq, Wk, Wv)  # noqa: E731
    dp_tied = lambda t: dot_product_attention(t, Wq, Wq, A @ Wv)  # noqa: E731
    l2 = lambda t: l2_attention(t, Wq, Wv)  # noqa: E731
    base = torch.tensor(g.standard_normal((N, D)), dtype=torch.float64)
    base[0] = 0.0  # the configuration of the proof: one token at the origin
    base = base / torch.linalg.norm(base)
    starts = [base] + [
        (z := torch.tensor(g.standard_normal((N, D)), dtype=torch.float64)) / torch.linalg.norm(z)
        for _ in range(n_restarts)
    ]
    lips = {name: [] for name in ("dp", "dp_tied", "l2")}
    for radius in r:
        for name, f in (("dp", dp), ("dp_tied", dp_tied), ("l2", l2)):
            lips[name].append(max(local_lipschitz(f, radius * z) for z in starts))
    lip = {k: np.array(v) for k, v in lips.items()}
    bound = l2_attention_lipschitz_bound(N, Wq, Wv)
    # fitted slope over the three largest radii, and the standard error of that 3-point fit
    x, y = np.log(r[-3:]), np.log(lip["dp"][-3:])
    coef = np.polyfit(x, y, 1)
    resid = y - np.polyval(coef, x)
    se = float(np.sqrt(np.sum(resid**2) / 1.0 / np.sum((x - x.mean()) ** 2)))
    # permutation equivariance, without and with a positional encoding
    pos = torch.tensor([[math.sin((i + 1) / (1 + j)) for j in range(D)] for i in range(N)], dtype=torch.float64)
    err, err_pe = 0.0, 0.0
    for _ in range(5):
        X = torch.tensor(g.standard_normal((N, D)), dtype=torch.float64)
        perm = torch.as_tensor(g.permutation(N))
        for f in (dp, l2):
            out = f(X)
            err = max(err, float(torch.linalg.norm(f(X[perm]) - out[perm]) / torch.linalg.norm(out)))
            out_pe = f(X + pos)
            diff = f(X[perm] + pos) - out_pe[perm]
            err_pe = max(err_pe, float(torch.linalg.norm(diff) / torch.linalg.norm(out_pe)))
    return AttentionLipschitzResult(
        radii=r,
        lip_dp=lip["dp"],
        lip_l2=lip["l2"],
        lip_dp_tied=lip["dp_tied"],
        bound=float(bound),
        dp_slope=float(coef[0]),
        dp_slope_se=se,
        l2_max_ratio=float(np.max(lip["l2"]) / bound),
        dp_tied_ratio=float(lip["dp_tied"][-1] / bound),
        equivariance_error=err,
        equivariance_error_pe=err_pe,
        n_tokens=N,
        dim=D,
    )


declare_check(
    "architectures.attention_lipschitz",
    label="equivariance",
    quantity="largest relative error of f(PX) = P f(X) over random permutations, dot-product and L2 attention",
    claim="identity",
    relation="<=",
    measure="equivariance_error",
    predict=0.0,
    tolerance=1e-13,
    reason="float64 rounding of a softmax over a few tokens",
    hypotheses="self-attention without positional encoding, any weights",
    wrong="the same maps with a positional encoding added to the tokens",
    wrong_measure="equivariance_error_pe",
    demo=attention_lipschitz_demo,
)
declare_check(
    "architectures.attention_lipschitz",
    quantity="log-log slope of the local Lipschitz constant of dot-product attention against the input "
    "radius, over the three largest radii",
    claim="rate",
    relation="approx",
    measure="dp_slope",
    predict=2.0,
    tolerance=lambda res: 0.1 + 3 * res.dp_slope_se,
    reason="the constant is a r^2 + O(r); at r >= 32 the lower-order term moves the slope by less than 0.1, "
    "plus 3 standard errors of the three-point fit",
    hypotheses="dot-product attention with generic weights; the maximum over the inputs includes the "
    "configuration of the proof (one token at 0)",
    wrong="linear growth (slope 1), as for a map whose derivative is bounded by the input",
    wrong_predict=1.0,
    demo=attention_lipschitz_demo,
)
declare_check(
    "architectures.attention_lipschitz",
    label="l2",
    quantity="largest local Lipschitz constant of L2 attention over all radii and inputs, divided by Kim et "
    "al.'s bound",
    claim="upper bound",
    relation="<=",
    measure="l2_max_ratio",
    predict=1.0,
    tolerance=1e-9,
    reason="Jacobians by automatic differentiation in float64",
    hypotheses="L2 attention with tied query and key weights, one head, N tokens in R^D",
    wrong="the same bound for dot-product attention with the same weights (tied, values through A W^V)",
    wrong_measure="dp_tied_ratio",
    demo=attention_lipschitz_demo,
)
