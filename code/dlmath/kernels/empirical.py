r"""The empirical neural tangent kernel of a network (the package's only implementation).

Two ways to compute the same matrix :math:`\hat\Theta = J J^{\top}`:

* **structured** (fully connected networks): for an affine layer
  :math:`z = \alpha W a + \beta b` the derivative of the output with respect to :math:`W` at an
  input :math:`x` is the outer product :math:`\alpha\, \delta(x) a(x)^{\top}` of the
  back-propagated signal :math:`\delta = \partial f/\partial z` and the layer input
  :math:`a`, so the layer contributes
  :math:`\alpha^2 (\delta(x)\cdot\delta(x'))(a(x)\cdot a(x')) + \beta^2\, \delta(x)\cdot\delta(x')`,
  a Hadamard product of two Gram matrices. One forward and one backward pass over the batch give
  every :math:`a` and :math:`\delta`; no Jacobian is ever formed (the "structured derivatives"
  of Novak, Sohl-Dickstein, Schoenholz 2022, Sec. 3.3, for dense layers);
* **jacobian** (any module): per-example Jacobians with :func:`torch.func.jacrev` vectorised by
  :func:`torch.func.vmap`, then :math:`\sum_p J_p J_p^{\top}` over the parameter tensors.
"""

from __future__ import annotations

from typing import Any, Callable

import torch
from torch import nn
from torch.func import functional_call, jacrev, jvp, vmap

from ..utils import check_choice, like_input
from ._common import _pair

__all__ = ["NTK_METHODS", "empirical_ntk", "supports_structured_ntk"]

#: The values of ``method`` understood by :func:`empirical_ntk`.
NTK_METHODS = ("auto", "structured", "jacobian")

# Elementwise maps: they mix no coordinates and hold no parameters, so a chain of affine layers
# and these is a fully connected network for the structured formula.
_POINTWISE = (
    nn.ReLU,
    nn.LeakyReLU,
    nn.ELU,
    nn.GELU,
    nn.SiLU,
    nn.Softplus,
    nn.Sigmoid,
    nn.Tanh,
    nn.Hardtanh,
    nn.Mish,
    nn.Identity,
)


# Products X Y^T of float32 CPU matrices at least this large (multiply-adds) go to oneDNN's
# inner-product primitive, which on AMD CPUs runs at about twice the speed of MKL's sgemm that
# torch.matmul calls; smaller ones and other dtypes or devices use torch.matmul.
_ONEDNN_MIN_WORK = 1 << 22
_onednn_linear = getattr(torch._C._nn, "mkldnn_linear", None)


def _use_onednn(X: torch.Tensor, Y: torch.Tensor) -> bool:
    return (
        _onednn_linear is not None
        and X.dtype == torch.float32
        and X.device.type == "cpu"
        and X.shape[0] * X.shape[1] * Y.shape[0] >= _ONEDNN_MIN_WORK
        and torch.backends.mkldnn.is_available()
    )


def _mm_t(X: torch.Tensor, Y: torch.Tensor) -> torch.Tensor:
    """:math:`X Y^\top` for ``X`` of shape (n, k) and ``Y`` of shape (m, k)."""
    global _onednn_linear
    if _use_onednn(X, Y):
        try:
            return _onednn_linear(X.contiguous().to_mkldnn(), Y.contiguous().to_mkldnn()).to_dense()
        except RuntimeError:  # a build without the primitive: never try again
            _onednn_linear = None
    return X @ Y.T


class _Affine:
    """One affine layer :math:`z = \alpha W a + \beta b` of a chain (parameters as tensors)."""

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None, weight_mult: float, bias_mult: float):
        self.weight, self.bias = weight, bias
        self.weight_mult, self.bias_mult = float(weight_mult), float(bias_mult)

    def __call__(self, a: torch.Tensor) -> torch.Tensor:
        z = _mm_t(a, self.weight.detach())
        if self.weight_mult != 1.0:
            z = self.weight_mult * z
        if self.bias is not None:
            z = z + self.bias_mult * self.bias.detach()
        return z

    def pullback(self, delta: torch.Tensor) -> torch.Tensor:
        r""":math:`\alpha\, \delta W`: the signal at the layer input from the one at its output."""
        out = _mm_t(delta, self.weight.detach().T)
        return out if self.weight_mult == 1.0 else self.weight_mult * out


def _affine_chain(model: nn.Module) -> list[_Affine | Callable] | None:
    """The network as a list of affine layers and elementwise maps, or None if it is not one."""
    from ..nets.activations import Erf
    from ..nets.mlp import MLP, FeedForward, ScaledLinear

    def affine(module: nn.Module) -> _Affine | None:
        if type(module) is nn.Linear:
            return _Affine(module.weight, module.bias, 1.0, 1.0)
        if type(module) is ScaledLinear:
            return _Affine(module.weight, module.bias, module.weight_mult, module.bias_mult)
        return None

    if isinstance(model, MLP) and type(model).forward is MLP.forward:
        steps: list[_Affine | Callable] = []
        for index, layer in enumerate(model.layers):
            if index:
                steps.append(model._phi)
            step = affine(layer)
            if step is None:
                return None
            steps.append(step)
        return steps
    if isinstance(model, nn.Sequential) and type(model).forward in (nn.Sequential.forward, FeedForward.forward):
        steps = []
        for module in model:
            step = affine(module)
            if step is not None:
                steps.append(step)
            elif type(module) in _POINTWISE or type(module) is Erf:
                steps.append(module)
            elif isinstance(module, nn.Sequential) and type(module).forward is nn.Sequential.forward:
                inner = _affine_chain(module)
                if inner is None:
                    return None
                steps.extend(inner)
            else:
                return None
        return steps if any(isinstance(s, _Affine) for s in steps) else None
    return None


def supports_structured_ntk(model: Any) -> bool:
    """Whether :func:`empirical_ntk` can use its structured method on ``model``.

    True for the networks of :func:`dlmath.nets.mlp` and :func:`dlmath.nets.feedforward`, and for
    any :class:`torch.nn.Sequential` (nested ones included) of :class:`torch.nn.Linear` or
    :class:`dlmath.nets.ScaledLinear` layers and elementwise activations (ReLU, LeakyReLU, ELU,
    GELU, SiLU, Softplus, Sigmoid, Tanh, Hardtanh, Mish, Identity, erf). A subclass that
    overrides ``forward`` is not recognised.

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`torch.nn.Module`.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return _affine_chain(model) is not None


def _signals(steps: list, X: torch.Tensor) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    r"""Layer inputs :math:`a` and back-propagated signals :math:`\delta` of every affine step.

    One forward pass stores the inputs of the affine steps and the derivatives
    :math:`\phi'(h)` of the elementwise ones (a forward-mode derivative along the all-ones
    direction, exact for any elementwise map); one backward pass multiplies them out.
    """
    inputs, slopes = [], []
    h = X
    with torch.no_grad():
        for step in steps:
            if isinstance(step, _Affine):
                inputs.append(h)
                h = step(h)
            else:
                h, slope = jvp(step, (h,), (torch.ones_like(h),))
                slopes.append(slope)
        if h.ndim != 2 or h.shape[1] != 1:
            raise ValueError(f"model must have a scalar output per example, got output shape {tuple(h.shape)}")
        delta = torch.ones_like(h)
        deltas = []
        for step in reversed(steps):
            if isinstance(step, _Affine):
                deltas.append(delta)
                if len(deltas) < len(inputs):
                    delta = step.pullback(delta)
            else:
                delta = delta * slopes.pop()
    return inputs, deltas[::-1]


# Rows per block of the symmetric kernel: only the blocks on and above the diagonal are computed
# (about (1 + 256/n)/2 of the products), then mirrored; smaller blocks cost more in calls than
# they save in products.
_SYMMETRIC_BLOCK = 256


def _layer_sum(terms: list, rows: slice, cols: slice) -> torch.Tensor:
    r"""Rows ``rows`` and columns ``cols`` of :math:`\sum_\ell \alpha_\ell^2 G^\delta_\ell \odot G^a_\ell + \beta_\ell^2 G^\delta_\ell`."""
    K = None
    for w2, b2, a1, a2, g1, g2 in terms:
        G = _mm_t(g1[rows], g2[cols])
        term = (w2 * _mm_t(a1[rows], a2[cols]) + b2) * G if w2 else b2 * G
        K = term if K is None else K.add_(term)
    return K


def _structured_ntk(steps: list, A: torch.Tensor, B: torch.Tensor | None) -> torch.Tensor:
    r""":math:`\sum_\ell \alpha_\ell^2 (D_\ell D_\ell'^{\top}) \odot (A_\ell A_\ell'^{\top}) + \beta_\ell^2 D_\ell D_\ell'^{\top}`."""
    in1, d1 = _signals(steps, A)
    in2, d2 = (in1, d1) if B is None else _signals(steps, B)
    affine = [s for s in steps if isinstance(s, _Affine)]
    terms = []
    for layer, a1, a2, g1, g2 in zip(affine, in1, in2, d1, d2):
        w2 = layer.weight_mult**2 if layer.weight.requires_grad else 0.0
        b2 = layer.bias_mult**2 if layer.bias is not None and layer.bias.requires_grad else 0.0
        if w2 or b2:
            terms.append((w2, b2, a1, a2, g1, g2))
    n1, n2 = A.shape[0], (A if B is None else B).shape[0]
    if not terms:
        return torch.zeros(n1, n2, dtype=A.dtype, device=A.device)
    everything = slice(None)
    if B is not None or n1 <= _SYMMETRIC_BLOCK:
        return _layer_sum(terms, everything, everything)
    K = torch.zeros(n1, n1, dtype=A.dtype, device=A.device)
    for i in range(0, n1, _SYMMETRIC_BLOCK):
        K[i : i + _SYMMETRIC_BLOCK, i:] = _layer_sum(terms, slice(i, i + _SYMMETRIC_BLOCK), slice(i, None))
    return torch.triu(K) + torch.triu(K, 1).T


def _jacobian_ntk(model: nn.Module, params: dict, A: torch.Tensor, B: torch.Tensor | None) -> torch.Tensor:
    """:math:`J_1 J_2^{\\top}` from per-example Jacobians (``vmap`` of ``jacrev``)."""
    buffers = dict(model.named_buffers())

    def f(p, x):
        return functional_call(model, (p, buffers), (x.unsqueeze(0),)).reshape(())

    jac = vmap(jacrev(f), in_dims=(None, 0))
    J1 = jac(params, A)
    J2 = J1 if B is None else jac(params, B)
    n1, n2 = A.shape[0], (A if B is None else B).shape[0]
    p0 = next(iter(params.values()))
    result = torch.zeros(n1, n2, dtype=p0.dtype, device=p0.device)
    for key in J1:
        result += J1[key].reshape(n1, -1) @ J2[key].reshape(n2, -1).T
    return result


def empirical_ntk(model: Any, X1: Any, X2: Any = None, *, method: str = "auto"):
    r"""The empirical neural tangent kernel of a scalar-output network.

    .. math::

        \hat\Theta(x, x') = \sum_{p} \frac{\partial f_\theta(x)}{\partial\theta_p}
        \frac{\partial f_\theta(x')}{\partial\theta_p},

    the sum running over all trainable parameters (those with ``requires_grad``). For a fully
    connected network (see :func:`supports_structured_ntk`) each affine layer
    :math:`z^\ell = \alpha_\ell W^\ell a^{\ell-1} + \beta_\ell b^\ell` contributes

    .. math::

        \alpha_\ell^2\, \big(\delta^\ell(x)\cdot\delta^\ell(x')\big)\big(a^{\ell-1}(x)\cdot a^{\ell-1}(x')\big)
        + \beta_\ell^2\, \delta^\ell(x)\cdot\delta^\ell(x'),
        \qquad \delta^\ell = \partial f/\partial z^\ell,

    computed from one forward and one backward pass over the batch, in
    :math:`O(n^2 \sum_\ell (n_{\ell-1} + n_\ell))` operations and :math:`O(n^2 + n \sum_\ell n_\ell)`
    memory instead of the :math:`O(n P)` of the Jacobian (:math:`P` parameters). Any other model
    goes through per-example Jacobians (:func:`torch.func.jacrev` vectorised by
    :func:`torch.func.vmap`). Both give the same matrix to float precision.

    Parameters
    ----------
    model : torch.nn.Module
        Maps a batch ``(b, d)`` to ``(b,)`` or ``(b, 1)``; examples must not interact (no batch
        normalisation in training mode).
    X1 : array_like or torch.Tensor, shape (n1, d)
    X2 : array_like or torch.Tensor, shape (n2, d), optional
        Defaults to ``X1``.
    method : {"auto", "structured", "jacobian"}, default "auto"
        ``"auto"`` is ``"structured"`` where :func:`supports_structured_ntk` holds and
        ``"jacobian"`` otherwise.

    Returns
    -------
    numpy.ndarray or torch.Tensor, shape (n1, n2)
        Computed in the dtype and on the device of the model's parameters; returned as NumPy for
        NumPy ``X1`` and as a tensor of ``X1``'s dtype and device for a tensor ``X1``.

    Raises
    ------
    TypeError
        If ``model`` is not a module with trainable parameters.
    ValueError
        If the inputs are malformed, the output is not scalar, ``method`` is unknown, or
        ``method="structured"`` is asked of a model that is not a fully connected chain.

    Examples
    --------
    >>> import torch
    >>> from dlmath.nets import mlp
    >>> net = mlp(2, 16, 2, dtype="float64")
    >>> X = torch.randn(5, 2, dtype=torch.float64)
    >>> K = empirical_ntk(net, X)
    >>> bool(torch.allclose(K, empirical_ntk(net, X, method="jacobian"), rtol=1e-12))
    True

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Jacot, Gabriel, Hongler (2018);
    Novak, Sohl-Dickstein, Schoenholz (2022), *Fast finite width neural tangent kernel*, Sec. 3.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    method = check_choice(method, "method", NTK_METHODS)
    params = {k: v.detach() for k, v in model.named_parameters() if v.requires_grad}
    if not params:
        raise TypeError("model must have trainable parameters")
    p0 = next(iter(params.values()))
    A, B = _pair(X1, X2)
    A = A.to(dtype=p0.dtype, device=p0.device)
    B = None if X2 is None else B.to(dtype=p0.dtype, device=p0.device)

    steps = _affine_chain(model) if method != "jacobian" else None
    if method == "structured" and steps is None:
        raise ValueError(
            f"model: method='structured' needs a fully connected chain of Linear layers and "
            f"elementwise activations (see supports_structured_ntk), got {type(model).__name__}"
        )
    if steps is not None:
        return like_input(_structured_ntk(steps, A, B), X1)

    with torch.no_grad():
        out = functional_call(model, (params, dict(model.named_buffers())), (A[:1],))
    if out.numel() != 1:
        raise ValueError(f"model must have a scalar output per example, got output shape {tuple(out.shape)}")
    return like_input(_jacobian_ntk(model, params, A, B), X1)
