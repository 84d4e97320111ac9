"""The activations of ``dlmath``'s networks: one registry, name -> function and module.

Adding an activation means one entry here; if its Gaussian expectations have a closed form,
one entry in :data:`dlmath.kernels.gaussian.GAUSSIAN_MAPS` gives it an NNGP and an NTK.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import torch
from torch import nn

from ..utils import check_choice

__all__ = ["Activation", "ACTIVATIONS", "activation", "activation_function", "activation_module"]


class Erf(nn.Module):
    """The error function :math:`\\operatorname{erf}` as a module."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.erf(x)


def _identity(t: torch.Tensor) -> torch.Tensor:
    return t


@dataclasses.dataclass(frozen=True)
class Activation:
    """An elementwise activation :math:`\\phi`.

    Attributes
    ----------
    name : str
        Its name in ``dlmath`` (``activation="relu"``).
    function : callable
        :math:`\\phi` on tensors.
    module : type
        The :class:`torch.nn.Module` applying :math:`\\phi` (for ``nn.Sequential`` networks).
    """

    name: str
    function: Callable[[torch.Tensor], torch.Tensor]
    module: type


#: The activations understood by the network builders, by name.
ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("relu", torch.relu, nn.ReLU),
        Activation("erf", torch.erf, Erf),
        Activation("tanh", torch.tanh, nn.Tanh),
        Activation("identity", _identity, nn.Identity),
    )
}


def activation(name: str) -> Activation:
    """The registered activation ``name``.

    Raises
    ------
    TypeError, ValueError
        If ``name`` is not a string or not registered; the message lists the registered ones.
    """
    return ACTIVATIONS[check_choice(name, "activation", tuple(ACTIVATIONS))]


def activation_function(name: str) -> Callable[[torch.Tensor], torch.Tensor]:
    """The elementwise activation ``name`` as a callable on tensors.

    Parameters
    ----------
    name : {"relu", "erf", "tanh", "identity"}

    Raises
    ------
    ValueError
        If ``name`` is not supported; the message lists the supported ones.

    Examples
    --------
    >>> import torch
    >>> activation_function("relu")(torch.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """
    return activation(name).function


def activation_module(name: str) -> nn.Module:
    """A new :class:`torch.nn.Module` applying the activation ``name``."""
    return activation(name).module()
