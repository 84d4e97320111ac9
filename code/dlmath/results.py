"""The result convention shared by every ``*_demo`` function.

A demo returns an instance of a frozen dataclass derived from :class:`DemoResult`. It carries
the arrays the book plots and the scalars the book quotes (``rate``, ``max_ratio``, ...), and a
field ``predicted`` where the theorem predicts a value. ``result.plot()`` draws the book's
figure, ``result.summary()`` returns the scalar fields, so that a reader reproduces a figure or a
number of the book in one line.

Define a result with the :func:`demo_result` decorator::

    @demo_result
    class SlopeResult(DemoResult):
        widths: np.ndarray
        error: np.ndarray
        rate: float
        predicted: float

        def plot(self, ax=None):
            ...
"""
from __future__ import annotations

import dataclasses
from typing import Any, Callable, TypeVar

import numpy as np

__all__ = ["DemoResult", "demo_result"]

T = TypeVar("T")


def demo_result(cls: type[T]) -> type[T]:
    """Make ``cls`` a frozen dataclass with identity comparison (arrays have no ``==``).

    Array-valued fields are made read-only, so a result cannot be changed after the demo
    returned it.
    """
    return dataclasses.dataclass(frozen=True, eq=False, repr=False)(cls)


class DemoResult:
    """Base class of demo results: frozen fields, a scalar summary and a figure.

    Subclasses are decorated with :func:`demo_result` and override :meth:`plot`.
    """

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                value.setflags(write=False)

    def summary(self) -> dict[str, Any]:
        """The scalar fields (ints, floats, bools, strings) as a dict, in field order."""
        out: dict[str, Any] = {}
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if isinstance(value, (bool, int, float, str, np.floating, np.integer, np.bool_)):
                out[field.name] = value.item() if isinstance(value, np.generic) else value
        return out

    def plot(self, ax: Any = None) -> Any:
        """Draw the book's figure of this result and return the axes (or figure)."""
        raise NotImplementedError(f"{type(self).__name__} has no figure")

    def __repr__(self) -> str:
        parts = []
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                parts.append(f"{field.name}=<array {value.shape}>")
            elif isinstance(value, float):
                parts.append(f"{field.name}={value:.6g}")
            elif isinstance(value, (int, bool, str, np.generic)):
                parts.append(f"{field.name}={value!r}")
            else:
                parts.append(f"{field.name}=<{type(value).__name__}>")
        return f"{type(self).__name__}({', '.join(parts)})"


def as_float_array(values: Any) -> np.ndarray:
    """A float64 copy of ``values`` (helper for building results)."""
    return np.array(values, dtype=np.float64)


Plotter = Callable[..., Any]
