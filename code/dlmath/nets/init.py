r"""Seeded initialisation, the one way every network of ``dlmath`` draws its weights.

Every draw is made in float64 on the CPU from a :class:`torch.Generator` and then cast and moved,
so that one seed gives one network, up to the final rounding, on every device and in every dtype.
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from ..utils import check_float_dtype, check_real

__all__ = ["seeded_normal", "he_std", "glorot_std", "he_init_"]


def seeded_normal(
    generator: torch.Generator,
    shape: Sequence[int] | torch.Size,
    std: float = 1.0,
    *,
    dtype: torch.dtype | str = torch.float64,
    device: str | torch.device | None = None,
) -> torch.Tensor:
    r"""A tensor of i.i.d. :math:`N(0, \mathrm{std}^2)` entries drawn from ``generator``.

    Parameters
    ----------
    generator : torch.Generator
        A CPU generator (:func:`dlmath.utils.torch_generator`).
    shape : sequence of int
    std : float, default 1.0
        Standard deviation, >= 0.
    dtype : torch.dtype or str, default torch.float64
        Dtype of the result (the draw itself is float64).
    device : str or torch.device, optional

    Examples
    --------
    >>> from dlmath.utils import torch_generator
    >>> seeded_normal(torch_generator(0), (2, 3), 0.5).shape
    torch.Size([2, 3])
    """
    if not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator, got {type(generator).__name__}")
    std = check_real(std, "std", minimum=0.0)
    out = torch.randn(tuple(shape), generator=generator, dtype=torch.float64) * std
    return out.to(dtype=check_float_dtype(dtype), device=device)


def he_std(fan_in: int) -> float:
    r"""He's standard deviation :math:`\sqrt{2/n_{\rm in}}` (He et al., 2015), for ReLU layers."""
    return math.sqrt(2.0 / fan_in)


def glorot_std(fan_in: int, fan_out: int) -> float:
    r"""Glorot's standard deviation :math:`\sqrt{2/(n_{\rm in} + n_{\rm out})}` (Glorot, Bengio, 2010)."""
    return math.sqrt(2.0 / (fan_in + fan_out))


def he_init_(module: nn.Module, generator: torch.Generator) -> nn.Module:
    """Re-draw every parameter of ``module`` in place: He-normal weights, zero biases.

    A parameter with at least two dimensions is a weight, with fan-in the size of one output
    slice (``weight[0].numel()``, which covers linear and convolutional layers); the others are
    set to zero. Returns ``module``.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    with torch.no_grad():
        for p in module.parameters():
            if p.dim() > 1:
                p.copy_(seeded_normal(generator, p.shape, he_std(p[0].numel()), dtype=p.dtype, device=p.device))
            else:
                p.zero_()
    return module
