r"""Networks shared by every part of the book.

==============================  ==============================================================
module                          content
==============================  ==============================================================
``dlmath.nets.mlp``             :class:`ScaledLinear`, :class:`MLP` and :func:`mlp` (NTK,
                                standard and mean-field parameterisations), :func:`feedforward`
``dlmath.nets.activations``     the registry :data:`~dlmath.nets.ACTIVATIONS`: name -> function and module
``dlmath.nets.init``            seeded initialisation (float64 draws on the CPU, then cast)
``dlmath.nets.inputs``          what a network accepts: a tensor or a NumPy batch
==============================  ==============================================================

Every network of ``dlmath`` (an :class:`torch.nn.Module`) takes a tensor or a NumPy batch and
returns a tensor, and defaults to float32 (:data:`dlmath.utils.NETWORK_DTYPE`).
"""

from __future__ import annotations

from .._export import publish
from .activations import ACTIVATIONS, Activation, activation, activation_function, activation_module
from .init import glorot_std, he_init_, he_std, seeded_normal
from .inputs import module_dtype_device, network_input
from .mlp import MLP, PARAMETERIZATIONS, FeedForward, ScaledLinear, count_parameters, feedforward, mlp

__all__ = [
    "ACTIVATIONS",
    "PARAMETERIZATIONS",
    "Activation",
    "ScaledLinear",
    "MLP",
    "FeedForward",
    "mlp",
    "feedforward",
    "activation",
    "activation_function",
    "activation_module",
    "count_parameters",
    "seeded_normal",
    "he_std",
    "glorot_std",
    "he_init_",
    "network_input",
    "module_dtype_device",
]

publish(__name__, globals(), __all__)
