"""dlmath: the companion library of *Topics in Mathematics for Deep Learning*.

Each module mirrors a part of the book:

==========================  ===============================================  =========
module                      content                                          book part
==========================  ===============================================  =========
:mod:`dlmath.learning`      risk, Bayes predictors, ERM, error decomposition I
:mod:`dlmath.expressivity`  universal approximation, Barron, depth           II
:mod:`dlmath.optimization`  gradient methods, landscapes, implicit bias      III
:mod:`dlmath.kernels`       RKHS, random features, NNGP, NTK, generalisation IV
:mod:`dlmath.architectures` ResNets, convolutions, scattering, equivariance  V
:mod:`dlmath.pde`           physics-informed neural networks                 VI
:mod:`dlmath.inverse`       variational and learned inverse problems         VI
==========================  ===============================================  =========

Shared pieces: :mod:`dlmath.nets` (network builders), :mod:`dlmath.utils` (slopes, seeding,
argument checks), :mod:`dlmath.plotting` (the book's figure style) and :mod:`dlmath.results`
(the frozen result convention of every ``*_demo`` function).

Submodules are imported lazily, so ``import dlmath`` is cheap; ``dlmath.kernels`` (say) is
loaded on first attribute access.
"""
from __future__ import annotations

import importlib
from typing import Any

from ._version import __version__

_SUBMODULES = (
    "architectures",
    "expressivity",
    "inverse",
    "kernels",
    "learning",
    "nets",
    "optimization",
    "pde",
    "plotting",
    "results",
    "utils",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'dlmath' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_SUBMODULES))
