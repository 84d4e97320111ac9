"""One figure style for the whole book.

A result's ``plot`` draws inside :func:`book_style` (a :func:`matplotlib.rc_context`), so it
has the book's look without changing the caller's Matplotlib settings, and returns its Figure;
it uses :func:`axes` or :func:`figure_grid`, so that it works both on its own and inside a grid
of subplots supplied by the caller. The chapters call :func:`use_book_style` once, which sets
the style for the whole session (their own figures included).
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

__all__ = [
    "BOOK_STYLE",
    "COLORS",
    "use_book_style",
    "book_style",
    "axes",
    "slope_guide",
    "figure_grid",
]

#: Colour cycle (Okabe-Ito, readable for colour-blind readers and in greyscale print).
COLORS: tuple[str, ...] = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#000000",
)

#: Matplotlib rc parameters of the book's figures.
BOOK_STYLE: dict[str, Any] = {
    "figure.figsize": (6.0, 3.6),
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "savefig.bbox": "tight",
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "legend.fontsize": 8.5,
    "legend.frameon": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "grid.linewidth": 0.6,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 1.6,
    "lines.markersize": 4.5,
    "figure.constrained_layout.use": True,
}


def _style() -> dict[str, Any]:
    from cycler import cycler

    return {**BOOK_STYLE, "axes.prop_cycle": cycler(color=list(COLORS))}


def use_book_style() -> None:
    """Apply :data:`BOOK_STYLE` and the colour cycle :data:`COLORS` to Matplotlib, for the session."""
    import matplotlib as mpl

    mpl.rcParams.update(_style())


def book_style():
    """A context manager drawing in the book's style, restoring the caller's settings on exit.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> before = mpl.rcParams["font.size"]
    >>> with book_style():
    ...     mpl.rcParams["axes.spines.top"]
    False
    >>> mpl.rcParams["font.size"] == before
    True
    """
    import matplotlib as mpl

    return mpl.rc_context(_style())


def axes(ax: Any = None, *, figsize: Sequence[float] | None = None) -> Any:
    """Return ``ax`` or, if it is None, the axes of a new figure in the book's style."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    with book_style():
        _, new_ax = plt.subplots(figsize=figsize)
    return new_ax


def figure_grid(ncols: int, nrows: int = 1, *, width: float = 6.0, height: float = 3.2) -> tuple[Any, np.ndarray]:
    """A new figure with an ``nrows x ncols`` grid of axes, returned as ``(fig, axes_array)``."""
    import matplotlib.pyplot as plt

    with book_style():
        fig, ax = plt.subplots(nrows, ncols, figsize=(width, height * nrows), squeeze=False)
    return fig, ax


def slope_guide(
    ax: Any, x: Any, slope: float, *, anchor: tuple[float, float], label: str | None = None, **kwargs: Any
) -> Any:
    r"""Draw the line :math:`y = y_0 (x/x_0)^{s}` through ``anchor = (x0, y0)`` on log-log axes.

    Parameters
    ----------
    ax : matplotlib axes
    x : array_like
        Abscissae at which to draw the guide.
    slope : float
        The exponent :math:`s`.
    anchor : (float, float)
        A point :math:`(x_0, y_0)` on the line.
    label : str, optional
        Legend label; defaults to ``"slope s"``.
    """
    xs = np.asarray(x, dtype=float)
    x0, y0 = anchor
    kwargs.setdefault("color", "0.4")
    kwargs.setdefault("linestyle", "--")
    kwargs.setdefault("linewidth", 1.0)
    (line,) = ax.plot(xs, y0 * (xs / x0) ** slope, label=label if label is not None else f"slope {slope:g}", **kwargs)
    return line
