"""Frozen demo results: :class:`DemoResult`, the :func:`demo_result` decorator, :func:`checks_of`."""

from __future__ import annotations

import dataclasses
from typing import Any, Callable, TypeVar

import numpy as np

from . import checks
from .checks import CheckDeclaration

__all__ = ["DemoResult", "demo_result", "checks_of"]

T = TypeVar("T")


def demo_result(cls: type[T]) -> type[T]:
    """Make ``cls`` a frozen dataclass with identity comparison (arrays have no ``==``).

    Array-valued fields are made read-only, so a result cannot be changed after the demo
    returned it. The class's ``plot`` is wrapped so that it draws in the book's style inside
    :func:`matplotlib.rc_context` (the caller's settings are left as they were) and returns the
    :class:`matplotlib.figure.Figure` it drew on.
    """
    if "plot" in vars(cls):
        cls.plot = _figure_plot(vars(cls)["plot"])  # type: ignore[attr-defined]
    return dataclasses.dataclass(frozen=True, eq=False, repr=False)(cls)


def _figure_of(drawn: Any) -> Any:
    """The figure of what a ``plot`` drew on: a Figure, an Axes, an array or tuple of them."""
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure, SubFigure

    items = [drawn]
    while items:
        item = items.pop(0)
        if isinstance(item, Figure):
            return item
        if isinstance(item, SubFigure):
            return item.get_figure(root=True) if hasattr(item, "get_figure") else item.figure
        if isinstance(item, Axes):
            return item.get_figure(root=True) if hasattr(item, "get_figure") else item.figure
        if isinstance(item, np.ndarray):
            items.extend(item.ravel().tolist())
        elif isinstance(item, (tuple, list)):
            items.extend(item)
    raise TypeError(f"plot drew on no figure (it returned {type(drawn).__name__})")


def _figure_plot(plot: Callable[..., Any]) -> Callable[..., Any]:
    import functools

    @functools.wraps(plot)
    def wrapped(self: Any, *args: Any, **kwargs: Any) -> Any:
        from ..plotting import book_style

        with book_style():
            fig = _figure_of(plot(self, *args, **kwargs))
            # ticks and grid lines are made lazily: make them now, in the book's style
            fig.draw_without_rendering()
        return fig

    wrapped.__doc__ = (plot.__doc__ or "Draw the book's figure of this result.").rstrip() + (
        "\n\n        Returns the :class:`matplotlib.figure.Figure` drawn on; the book's style applies "
        "only inside this call.\n"
    )
    return wrapped


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
        """The measured and predicted figures, then the scalar fields, as a dict.

        For every check declared for this kind of result (:func:`checks_of`) the key
        ``"<theorem>"`` (``"<theorem>[<label>]"`` for a labelled one) holds the quantity, the
        measured figure, the prediction and whether the check passes; then come the fields that
        are scalars (ints, floats, bools, strings) and the small arrays (at most 16 entries, as
        lists), in field order.
        """
        out: dict[str, Any] = {}
        for decl in checks_of(self):
            c = decl.check(self)
            key = c.theorem + (f"[{c.label}]" if c.label else "")
            out[key] = {
                "quantity": c.quantity,
                "measured": c.measured,
                "predicted": c.predicted,
                "relation": c.relation,
                "passed": c.passed,
            }
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if isinstance(value, (bool, int, float, str, np.floating, np.integer, np.bool_)):
                out[field.name] = value.item() if isinstance(value, np.generic) else value
            elif isinstance(value, np.ndarray) and value.size <= 16 and value.dtype.kind in "biuf":
                out[field.name] = value.tolist()
        return out

    def plot(self, ax: Any = None) -> Any:
        """Draw the book's figure of this result and return the Figure."""
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


def checks_of(result: Any) -> list[CheckDeclaration]:
    """The declared checks evaluated on results of ``result``'s kind (by the demo's return type).

    Parameters
    ----------
    result : DemoResult
        A demo's result (or its class).
    """
    cls = result if isinstance(result, type) else type(result)
    if not issubclass(cls, DemoResult):
        raise TypeError(f"result must be a DemoResult, got {cls.__name__}")
    return [
        d
        for d in checks._REGISTRY.values()
        if d.result_type == cls.__name__
        and callable(d.demo_ref)
        and getattr(d.demo_ref, "__module__", "").split(".")[:2] == cls.__module__.split(".")[:2]
    ]
