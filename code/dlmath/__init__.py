"""dlmath: the companion library of *Topics in Mathematics for Deep Learning*.

Each part of the book has a facade subpackage; its topic modules hold the mathematics, the
demonstrations beside it and their result classes, and the facade re-exports their public
names (with ``__module__`` set to the facade, as the API reference shows them):

==========================  ===============================================  =========
facade                      content                                          book part
==========================  ===============================================  =========
:mod:`dlmath.learning`      risk, Bayes predictors, ERM, error decomposition I
:mod:`dlmath.expressivity`  universal approximation, Barron, depth           II
:mod:`dlmath.optimization`  gradient methods, landscapes, implicit bias      III
:mod:`dlmath.kernels`       RKHS, random features, NNGP, NTK, generalisation IV
:mod:`dlmath.architectures` ResNets, convolutions, scattering, equivariance  V
:mod:`dlmath.pde`           physics-informed neural networks                 VI
:mod:`dlmath.inverse`       variational and learned inverse problems         VI
==========================  ===============================================  =========

Shared pieces: :mod:`dlmath.nets` (network builders, activations, seeded initialisation, what
networks accept), :mod:`dlmath.utils` (argument checks, NumPy/tensor conversion, seeding,
slopes), :mod:`dlmath.plotting` (the book's figure style and interactive figures) and
:mod:`dlmath.results` (the frozen results of every ``*_demo`` function and the declared checks of
the theorems).

Subpackages are imported lazily, so ``import dlmath`` is cheap (it does not import torch);
``dlmath.kernels`` (say) is loaded on first attribute access.
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
