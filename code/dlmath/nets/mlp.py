r"""The fully connected networks of the book: :class:`ScaledLinear`, :class:`MLP`, :func:`mlp`, :func:`feedforward`.

The fully connected network of the book (chapter *Neural networks and the error
decomposition*, and the conventions of Part IV) with ``depth`` hidden layers of width ``width``
is, in the **NTK parameterisation**,

.. math::

    h^{1} = \sqrt{\sigma_w^2 / d_{\rm in}}\, W^{1} x + \sigma_b b^{1}, \qquad
    h^{\ell+1} = \sqrt{\sigma_w^2 / n}\, W^{\ell+1} \phi(h^{\ell}) + \sigma_b b^{\ell+1}, \qquad
    f(x) = h^{L+1}(x),

with all entries of :math:`W^\ell, b^\ell` i.i.d. :math:`N(0,1)` at initialisation
(``sw2`` :math:`=\sigma_w^2`, ``sb2`` :math:`=\sigma_b^2`). The **standard** parameterisation
puts the same scales into the initial weights (same function at initialisation, different
gradient scales); the **mean-field** parameterisation scales the output layer by
:math:`\sqrt{\sigma_w^2}/n` instead of :math:`\sqrt{\sigma_w^2/n}`.

References
----------
Jacot, Gabriel, Hongler (2018); Lee et al. (2018); Mei, Montanari, Nguyen (2018).
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn

from ..utils import (
    check_choice,
    check_device,
    check_float_dtype,
    check_int,
    check_int_sequence,
    check_real,
    torch_generator,
)
from .activations import ACTIVATIONS, activation_function, activation_module
from .init import he_std, seeded_normal
from .inputs import module_dtype_device, network_input

__all__ = ["PARAMETERIZATIONS", "ScaledLinear", "MLP", "FeedForward", "mlp", "feedforward", "count_parameters"]

#: Parameterisations understood by :func:`mlp`.
PARAMETERIZATIONS = ("ntk", "standard", "mean_field")


class ScaledLinear(nn.Module):
    r"""Affine map :math:`x \mapsto w_{\rm mult}\, W x + b_{\rm mult}\, b`.

    ``W`` has shape ``(out_features, in_features)``; the multipliers are fixed numbers (not
    parameters), which is how the NTK and mean-field parameterisations are written.

    Parameters
    ----------
    weight, bias : torch.Tensor
        Initial values (copied into parameters); ``bias`` may be None.
    weight_mult, bias_mult : float
        The fixed multipliers.
    """

    def __init__(self, weight: torch.Tensor, bias: torch.Tensor | None, weight_mult: float, bias_mult: float):
        super().__init__()
        if not isinstance(weight, torch.Tensor) or weight.ndim != 2 or not weight.is_floating_point():
            raise TypeError("weight must be a floating torch.Tensor of shape (out_features, in_features)")
        if bias is not None and (not isinstance(bias, torch.Tensor) or bias.shape != weight.shape[:1]):
            raise ValueError(f"bias must be None or a tensor of shape ({weight.shape[0]},)")
        weight_mult = check_real(weight_mult, "weight_mult")
        bias_mult = check_real(bias_mult, "bias_mult")
        self.weight = nn.Parameter(weight)
        self.bias = nn.Parameter(bias) if bias is not None else None
        self.weight_mult = float(weight_mult)
        self.bias_mult = float(bias_mult)

    @property
    def effective_weight(self) -> torch.Tensor:
        """The matrix :math:`w_{\\rm mult} W` that the layer applies."""
        return self.weight_mult * self.weight

    @property
    def effective_bias(self) -> torch.Tensor | None:
        """The vector :math:`b_{\\rm mult} b` that the layer adds (None without bias)."""
        return None if self.bias is None else self.bias_mult * self.bias

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the layer to ``x`` of shape ``(..., in_features)`` (a tensor or a NumPy array)."""
        x = network_input(
            x, dtype=self.weight.dtype, device=self.weight.device, min_ndim=1, last_dim=self.weight.shape[1]
        )
        out = self.weight_mult * (x @ self.weight.T)
        if self.bias is not None:
            out = out + self.bias_mult * self.bias
        return out

    def extra_repr(self) -> str:
        return (
            f"in_features={self.weight.shape[1]}, out_features={self.weight.shape[0]}, "
            f"weight_mult={self.weight_mult:.4g}, bias_mult={self.bias_mult:.4g}"
        )


class MLP(nn.Module):
    """A fully connected network built by :func:`mlp`.

    Attributes
    ----------
    layers : torch.nn.ModuleList of ScaledLinear
        ``depth + 1`` affine layers.
    activation : str
        Name of the activation between layers.
    parameterization : str
        ``"ntk"``, ``"standard"`` or ``"mean_field"``.
    """

    def __init__(self, layers: list[ScaledLinear], activation: str, parameterization: str):
        super().__init__()
        if not layers or not all(isinstance(layer, ScaledLinear) for layer in layers):
            raise TypeError("layers must be a non-empty list of ScaledLinear")
        check_choice(activation, "activation", tuple(ACTIVATIONS))
        check_choice(parameterization, "parameterization", PARAMETERIZATIONS)
        self.layers = nn.ModuleList(layers)
        self.activation = activation
        self.parameterization = parameterization
        self._phi = activation_function(activation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The output :math:`f(x)`, shape ``(batch, d_out)``, for ``x`` of shape ``(batch, d_in)``."""
        h = self.layers[0](x)
        for layer in self.layers[1:]:
            h = layer(self._phi(h))
        return h

    def hidden(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Pre-activations :math:`h^1, \\dots, h^{L+1}` of every layer (output last)."""
        out = [self.layers[0](x)]
        for layer in self.layers[1:]:
            out.append(layer(self._phi(out[-1])))
        return out

    def effective_weights(self) -> list[torch.Tensor]:
        """The matrices the layers apply (multipliers included), input layer first."""
        return [layer.effective_weight for layer in self.layers]

    def effective_biases(self) -> list[torch.Tensor | None]:
        """The bias vectors the layers add (multipliers included), input layer first."""
        return [layer.effective_bias for layer in self.layers]


def mlp(
    d_in: int,
    width: int,
    depth: int,
    d_out: int = 1,
    *,
    activation: str = "relu",
    parameterization: str = "ntk",
    sw2: float = 2.0,
    sb2: float = 0.0,
    dtype: torch.dtype | str = torch.float32,
    device: str | torch.device = "cpu",
    seed: int = 0,
) -> MLP:
    r"""A fully connected network with ``depth`` hidden layers of width ``width``.

    In the NTK parameterisation (default),
    :math:`h^{1} = \sqrt{s_w/d_{\rm in}}\, W^{1} x + \sqrt{s_b}\, b^{1}`,
    :math:`h^{\ell+1} = \sqrt{s_w/n}\, W^{\ell+1} \phi(h^{\ell}) + \sqrt{s_b}\, b^{\ell+1}`,
    :math:`f = h^{L+1}`, with all entries of :math:`W, b` i.i.d. :math:`N(0,1)`;
    ``"standard"`` draws :math:`W^{\ell} \sim N(0, s_w/n_{\ell-1})`, :math:`b \sim N(0, s_b)`
    and applies them unscaled; ``"mean_field"`` is the NTK form with output multiplier
    :math:`\sqrt{s_w}/n`. As the width grows the output at initialisation is a Gaussian
    process with the kernel :func:`dlmath.kernels.nngp_kernel` (NTK and standard
    parameterisations alike: they define the same function at initialisation). The empirical
    NTK converges to :func:`dlmath.kernels.ntk_kernel` in the **NTK** parameterisation only: in
    the standard one the gradient with respect to a hidden weight matrix is
    :math:`\sqrt{n/s_w}` times larger, so the tangent kernel grows linearly with the width
    (Sohl-Dickstein, Novak, Schoenholz, Lee 2020), and in the mean-field one it vanishes like
    :math:`1/n`.

    Parameters
    ----------
    d_in : int
        Input dimension, >= 1.
    width : int
        Width :math:`n` of every hidden layer, >= 1.
    depth : int
        Number :math:`L` of hidden layers, >= 0 (``depth=0`` is an affine map).
    d_out : int, default 1
        Output dimension.
    activation : {"relu", "erf", "tanh", "identity"}, default "relu"
    parameterization : {"ntk", "standard", "mean_field"}, default "ntk"
    sw2, sb2 : float, default 2.0 and 0.0
        Weight and bias variances :math:`\sigma_w^2 > 0`, :math:`\sigma_b^2 \ge 0`.
    dtype : torch.dtype or str, default torch.float32
        A floating dtype (``torch.float64`` and ``"float64"`` alike); networks default to
        float32, :data:`dlmath.utils.NETWORK_DTYPE`.
    device : str or torch.device, default "cpu"
    seed : int, default 0
        The weights are drawn on the CPU from this seed and then moved to ``device``, so the
        same seed gives the same network on every device.

    Returns
    -------
    MLP
        A module mapping tensors of shape ``(batch, d_in)`` to ``(batch, d_out)``.

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or out of range; the message names it.

    Examples
    --------
    >>> import torch
    >>> net = mlp(3, 64, 2, dtype=torch.float64)
    >>> net(torch.zeros(5, 3, dtype=torch.float64)).shape
    torch.Size([5, 1])

    References
    ----------
    Book: *Neural networks and the error decomposition* (Part I) and *Infinite width and depth*
    (Part IV). Jacot, Gabriel, Hongler (2018), Sec. 2; Mei, Montanari, Nguyen (2018).
    """
    d_in = check_int(d_in, "d_in", minimum=1)
    width = check_int(width, "width", minimum=1)
    depth = check_int(depth, "depth", minimum=0)
    d_out = check_int(d_out, "d_out", minimum=1)
    check_choice(activation, "activation", tuple(ACTIVATIONS))
    check_choice(parameterization, "parameterization", PARAMETERIZATIONS)
    sw2 = check_real(sw2, "sw2", minimum=0.0, strict_min=True)
    sb2 = check_real(sb2, "sb2", minimum=0.0)
    dtype = check_float_dtype(dtype)
    device = check_device(device)
    gen = torch_generator(seed)

    fans = [d_in] + [width] * depth
    outs = [width] * depth + [d_out]
    layers = []
    for index, (fan_in, fan_out) in enumerate(zip(fans, outs)):
        weight = seeded_normal(gen, (fan_out, fan_in))
        bias = seeded_normal(gen, (fan_out,))
        w_scale = math.sqrt(sw2 / fan_in)
        b_scale = math.sqrt(sb2)
        is_output = index == depth
        if parameterization == "standard":
            weight, bias = weight * w_scale, bias * b_scale
            w_mult, b_mult = 1.0, 1.0
        else:
            w_mult, b_mult = w_scale, b_scale
            if parameterization == "mean_field" and is_output and depth > 0:
                w_mult = math.sqrt(sw2) / fan_in
        layers.append(
            ScaledLinear(weight.to(dtype=dtype, device=device), bias.to(dtype=dtype, device=device), w_mult, b_mult)
        )
    return MLP(layers, activation, parameterization)


class FeedForward(nn.Sequential):
    """The :class:`torch.nn.Sequential` network built by :func:`feedforward`.

    It is an ordinary ``nn.Sequential`` (``net[0]`` is the first :class:`torch.nn.Linear`) whose
    forward also accepts a NumPy batch, like every network of ``dlmath``.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """The output for ``x`` of shape ``(batch, widths[0])`` (a tensor or a NumPy array)."""
        dtype, device = module_dtype_device(self)
        first = self[0]
        x = network_input(x, dtype=dtype, device=device, min_ndim=1, last_dim=first.in_features)
        return super().forward(x)


def feedforward(
    widths: Sequence[int],
    *,
    activation: str = "relu",
    bias_std: float = 0.1,
    dtype: torch.dtype | str = torch.float32,
    device: str | torch.device = "cpu",
    seed: int = 0,
) -> FeedForward:
    r"""A plain feed-forward network with arbitrary layer widths, as an :class:`torch.nn.Sequential`.

    :math:`\Phi(x) = W_{L+1} \phi(W_{L} \cdots \phi(W_1 x + b_1) \cdots) + b_{L+1}` with
    :math:`L` hidden layers, layer widths ``widths = (n_0, n_1, ..., n_{L+1})``, He initialisation
    :math:`(W_\ell)_{ij} \sim N(0, 2/n_{\ell-1})`
    and :math:`(b_\ell)_i \sim N(0, \beta^2)` with :math:`\beta` = ``bias_std``. The layers are ordinary
    :class:`torch.nn.Linear` modules, so ``net[0].weight`` is :math:`W_1`.

    Parameters
    ----------
    widths : sequence of int
        At least two positive integers: input width, hidden widths, output width.
    activation : {"relu", "erf", "tanh", "identity"}, default "relu"
    bias_std : float, default 0.1
        Standard deviation of the initial biases, >= 0.
    dtype : torch.dtype or str, default torch.float32
    device : str or torch.device, default "cpu"
    seed : int, default 0
        Weights are drawn on the CPU from this seed and then moved to ``device``.

    Returns
    -------
    FeedForward
        An ``nn.Sequential`` of ``Linear, Activation, Linear, ..., Linear`` (no activation after
        the last layer).

    Examples
    --------
    >>> import numpy as np
    >>> net = feedforward([2, 8, 1], dtype="float64")
    >>> net(np.zeros((4, 2))).shape
    torch.Size([4, 1])

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or out of range; the message names it.

    References
    ----------
    Book: *Neural networks and the error decomposition* (Part I); Berner et al. (2022), Sec. 1.2.
    """
    widths = check_int_sequence(widths, "widths", minimum=1, min_len=2)
    check_choice(activation, "activation", tuple(ACTIVATIONS))
    bias_std = check_real(bias_std, "bias_std", minimum=0.0)
    dtype = check_float_dtype(dtype)
    device = check_device(device)
    gen = torch_generator(seed)
    modules: list[nn.Module] = []
    for index, (fan_in, fan_out) in enumerate(zip(widths[:-1], widths[1:])):
        layer = nn.Linear(fan_in, fan_out, dtype=dtype)
        with torch.no_grad():
            layer.weight.copy_(seeded_normal(gen, (fan_out, fan_in), he_std(fan_in)))
            layer.bias.copy_(seeded_normal(gen, (fan_out,), bias_std))
        modules.append(layer)
        if index < len(widths) - 2:
            modules.append(activation_module(activation))
    return FeedForward(*modules).to(device)


def count_parameters(model: nn.Module) -> int:
    r"""Number of scalar trainable parameters of ``model``.

    For a fully connected network with layer widths :math:`n_0, \dots, n_{L+1}` this is
    :math:`\sum_{\ell=1}^{L+1} (n_{\ell-1} + 1) n_\ell`.

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`torch.nn.Module`.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return int(sum(p.numel() for p in model.parameters() if p.requires_grad))
