"""Re-export of a subpackage's public names under the facade's module name.

Each part of :mod:`dlmath` is a subpackage whose topic modules hold the code and whose
``__init__`` (the facade) re-exports the public names. :func:`publish` sets ``__module__`` of
every re-exported function and class to the facade, so that ``dlmath.kernels.ntk_kernel`` is
documented, pickled and referred to by that one name wherever it is defined; the defining
module stays in ``__source_module__`` (the book's API reference follows it to link the source).
"""

from __future__ import annotations

from typing import Any, Iterable

__all__ = ["publish", "source_module"]


def publish(facade: str, namespace: dict[str, Any], names: Iterable[str]) -> None:
    """Set ``__module__`` of the objects ``namespace[name]`` defined below ``facade`` to ``facade``.

    Parameters
    ----------
    facade : str
        The facade's module name, e.g. ``"dlmath.kernels"``.
    namespace : dict
        The facade's ``globals()``.
    names : iterable of str
        The facade's ``__all__``.

    Raises
    ------
    ValueError
        If a name of ``names`` is missing from ``namespace``.
    """
    prefix = facade + "."
    for name in names:
        if name not in namespace:
            raise ValueError(f"{facade}.__all__ names {name!r}, which the facade does not define")
        obj = namespace[name]
        module = getattr(obj, "__module__", None)
        if not (callable(obj) and isinstance(module, str) and module.startswith(prefix)):
            continue
        try:
            obj.__source_module__ = module
            obj.__module__ = facade
        except (AttributeError, TypeError):  # objects without a writable namespace
            continue


def source_module(obj: Any) -> str | None:
    """The module that defines ``obj`` (its ``__module__`` before :func:`publish`)."""
    own = getattr(obj, "__dict__", {})  # a class's own entry, not one inherited from a base
    return own.get("__source_module__", getattr(obj, "__module__", None))
