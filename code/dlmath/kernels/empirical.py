"""The empirical neural tangent kernel of a network (the package's only implementation)."""

from __future__ import annotations

from typing import Any

import torch
from torch.func import functional_call, jacrev, vmap

from ..utils import like_input
from ._common import _pair

__all__ = ["empirical_ntk"]


def empirical_ntk(model: Any, X1: Any, X2: Any = None):
    r"""The empirical neural tangent kernel of a scalar-output network.

    .. math::

        \hat\Theta(x, x') = \sum_{p} \frac{\partial f_\theta(x)}{\partial\theta_p}
        \frac{\partial f_\theta(x')}{\partial\theta_p},

    the sum running over all trainable parameters. Per-example Jacobians are computed with
    :func:`torch.func.jacrev` vectorised by :func:`torch.func.vmap` (no loop over examples).

    Parameters
    ----------
    model : torch.nn.Module
        Maps a batch ``(b, d)`` to ``(b,)`` or ``(b, 1)``.
    X1 : array_like or torch.Tensor, shape (n1, d)
    X2 : array_like or torch.Tensor, shape (n2, d), optional
        Defaults to ``X1``.

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
        If the inputs are malformed or the output is not scalar.

    References
    ----------
    Book, chapter *Infinite width and depth: NNGP and NTK*. Jacot, Gabriel, Hongler (2018).
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    params = {k: v.detach() for k, v in model.named_parameters() if v.requires_grad}
    if not params:
        raise TypeError("model must have trainable parameters")
    p0 = next(iter(params.values()))
    A, B = _pair(X1, X2)
    A = A.to(dtype=p0.dtype, device=p0.device)
    B = A if X2 is None else B.to(dtype=p0.dtype, device=p0.device)
    buffers = dict(model.named_buffers())

    with torch.no_grad():
        out = functional_call(model, (params, buffers), (A[:1],))
    if out.numel() != 1:
        raise ValueError(f"model must have a scalar output per example, got output shape {tuple(out.shape)}")

    def f(p, x):
        return functional_call(model, (p, buffers), (x.unsqueeze(0),)).reshape(())

    jac = vmap(jacrev(f), in_dims=(None, 0))
    J1 = jac(params, A)
    J2 = J1 if X2 is None else jac(params, B)
    n1, n2 = A.shape[0], B.shape[0]
    result = torch.zeros(n1, n2, dtype=p0.dtype, device=p0.device)
    for key in J1:
        result += J1[key].reshape(n1, -1) @ J2[key].reshape(n2, -1).T
    return like_input(result, X1)
