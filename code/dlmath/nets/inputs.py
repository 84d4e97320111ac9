"""What a network of ``dlmath`` accepts: a tensor or a NumPy batch, in the network's dtype."""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torch import nn

from ..utils import is_tensor

__all__ = ["network_input", "module_dtype_device"]


def module_dtype_device(module: nn.Module, default: torch.dtype = torch.float32) -> tuple[torch.dtype, torch.device]:
    """The floating dtype and the device of ``module``'s first floating parameter or buffer."""
    for t in list(module.parameters()) + list(module.buffers()):
        if t.is_floating_point():
            return t.dtype, t.device
    return default, torch.device("cpu")


def network_input(
    x: Any,
    name: str = "x",
    *,
    dtype: torch.dtype,
    device: torch.device | str,
    min_ndim: int | None = None,
    ndim: int | None = None,
    last_dim: int | None = None,
) -> torch.Tensor:
    """``x`` as the input tensor of a network of dtype ``dtype`` on ``device``.

    A NumPy array or a list is converted (its values cast to ``dtype``); a tensor must already
    have the network's dtype and device, as in PyTorch itself, but a mismatch is reported
    naming ``name`` and the remedy.

    Raises
    ------
    TypeError
        If ``x`` is not numeric, is complex, or is a tensor of another floating dtype.
    ValueError
        If ``x`` is on another device, or its shape does not match ``ndim``/``min_ndim``/``last_dim``.
    """
    if is_tensor(x):
        if x.is_complex():
            raise TypeError(f"{name} must be real, got a complex tensor")
        if x.is_floating_point() and x.dtype != dtype:
            raise TypeError(
                f"{name} has dtype {x.dtype} but the network's is {dtype}: pass {name}.to({dtype}) "
                f"or build the network with dtype={dtype}"
            )
        if x.device != torch.device(device) and not (x.device.type == torch.device(device).type == "cpu"):
            raise ValueError(f"{name} is on {x.device} but the network is on {device}: pass {name}.to({str(device)!r})")
        t = x if x.is_floating_point() else x.to(dtype)
    else:
        if isinstance(x, (str, bytes)) or x is None or isinstance(x, (dict, set)):
            raise TypeError(f"{name} must be a tensor or a NumPy array, got {type(x).__name__}")
        try:
            arr = np.asarray(x)
        except (TypeError, ValueError) as exc:
            raise TypeError(f"{name} must be a tensor or a NumPy array: {exc}") from None
        if arr.dtype.kind == "c":
            raise TypeError(f"{name} must be real, got a complex array")
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name} must be a tensor or a NumPy array of numbers, got dtype {arr.dtype}")
        t = torch.as_tensor(arr.astype(np.float64, copy=False)).to(dtype=dtype, device=device)
    if ndim is not None and t.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {tuple(t.shape)}")
    if min_ndim is not None and t.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} dimensions, got shape {tuple(t.shape)}")
    if last_dim is not None and (t.ndim == 0 or t.shape[-1] != last_dim):
        raise ValueError(f"{name} must have last dimension {last_dim}, got shape {tuple(t.shape)}")
    return t
