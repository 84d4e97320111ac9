"""One figure style for the whole book.

A result's ``plot`` draws inside :func:`book_style` (a :func:`matplotlib.rc_context`), so it
has the book's look without changing the caller's Matplotlib settings, and returns its Figure;
it uses :func:`axes` or :func:`figure_grid`, so that it works both on its own and inside a grid
of subplots supplied by the caller. The chapters call :func:`use_book_style` once, which sets
the style for the whole session (their own figures included), with figures drawn at twice
their pixel density for sharp display on high-resolution screens.

:func:`explore` redraws a demonstration's figure from sliders (``ipywidgets``): in JupyterLab,
in Jupyter, and on a chapter page in live mode.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Sequence

import numpy as np

__all__ = [
    "BOOK_STYLE",
    "COLORS",
    "use_book_style",
    "book_style",
    "axes",
    "slope_guide",
    "figure_grid",
    "explore",
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
    try:  # inline figures at twice their pixel density (sharp on HiDPI screens)
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina")
    except ImportError:  # no IPython: nothing to configure
        pass


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


def _slider(name: str, spec: Any, default: Any) -> Any:
    import ipywidgets as widgets

    common = {"description": name, "continuous_update": False, "style": {"description_width": "initial"}}
    if isinstance(spec, (list, tuple)) and len(spec) == 4 and spec[0] == "log":
        _, lo, hi, _n = spec
        if not (isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and 0 < lo < hi):
            raise ValueError(f"sliders[{name!r}] must be ('log', low, high, steps) with 0 < low < high, got {spec!r}")
        value = float(default) if isinstance(default, (int, float)) and lo <= default <= hi else lo
        return widgets.FloatLogSlider(
            value=value,
            base=10,
            min=np.log10(lo),
            max=np.log10(hi),
            step=(np.log10(hi) - np.log10(lo)) / max(int(_n), 1),
            **common,
        )
    if (
        isinstance(spec, (list, tuple))
        and len(spec) == 3
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in spec)
    ):
        lo, hi, step = spec
        if not lo < hi or step <= 0:
            raise ValueError(f"sliders[{name!r}] must be (low, high, step) with low < high and step > 0, got {spec!r}")
        integral = all(isinstance(v, int) for v in spec)
        value = default if isinstance(default, (int, float)) and lo <= default <= hi else lo
        if integral:
            return widgets.IntSlider(value=int(value), min=lo, max=hi, step=step, **common)
        return widgets.FloatSlider(value=float(value), min=lo, max=hi, step=step, **common)
    if isinstance(spec, (list, tuple)) and len(spec) >= 2:
        options = list(spec)
        return widgets.SelectionSlider(options=options, value=default if default in options else options[0], **common)
    raise TypeError(
        f"sliders[{name!r}] must be (low, high, step), ('log', low, high, steps) or a list of at least two values, "
        f"got {type(spec).__name__}"
    )


def explore(demo: Callable[..., Any], sliders: dict[str, Any], *, fixed: dict[str, Any] | None = None) -> Any:
    """Sliders for the keyword arguments of a demonstration; its figure is redrawn on release.

    Each slider sets one keyword argument of ``demo``; when a slider is released, ``demo`` runs
    again with the sliders' values (and ``fixed``) and its result's ``plot()`` is shown. It starts
    at ``demo``'s defaults where they lie in the slider's range. Needs a front end that draws
    widgets: JupyterLab, Jupyter Notebook, or a chapter page in live mode (``make live``).

    Parameters
    ----------
    demo : callable
        A ``*_demo`` (or ``train_*``) function of ``dlmath``: keyword arguments in, a result
        with a ``plot()`` method out.
    sliders : dict
        keyword argument -> ``(low, high, step)`` (an integer slider when all three are
        integers, else a real one), ``("log", low, high, steps)`` (a logarithmic slider), or a
        list of values (a selection slider).
    fixed : dict, optional
        Further keyword arguments passed on every call (a smaller sample for speed, say).

    Returns
    -------
    ipywidgets.VBox
        The sliders above the figure.

    Raises
    ------
    TypeError
        If ``demo`` is not callable, or a slider specification has the wrong form.
    ValueError
        If a slider or fixed argument is not a keyword argument of ``demo``, or a range is empty.

    References
    ----------
    Book: the interactive figures of each part (a slider cell after the demonstration, run in
    live mode).
    """
    if not callable(demo):
        raise TypeError(f"demo must be callable, got {type(demo).__name__}")
    if not isinstance(sliders, dict) or not sliders:
        raise TypeError("sliders must be a non-empty dict of keyword argument -> slider specification")
    fixed = {} if fixed is None else fixed
    if not isinstance(fixed, dict):
        raise TypeError(f"fixed must be a dict, got {type(fixed).__name__}")
    params = inspect.signature(demo).parameters
    for name in [*sliders, *fixed]:
        if name not in params:
            raise ValueError(f"{name!r} is not a keyword argument of {getattr(demo, '__name__', demo)}")
    overlap = set(sliders) & set(fixed)
    if overlap:
        raise ValueError(f"arguments both in sliders and fixed: {sorted(overlap)}")
    import ipywidgets as widgets
    from IPython.display import clear_output, display

    controls = {name: _slider(name, spec, params[name].default) for name, spec in sliders.items()}
    out = widgets.Output()

    def redraw(**values: Any) -> None:
        import matplotlib.pyplot as plt

        with out:
            clear_output(wait=True)
            fig = demo(**fixed, **values).plot()
            display(fig)
            plt.close(fig)

    widgets.interactive_output(redraw, controls)
    return widgets.VBox([widgets.HBox(list(controls.values()), layout={"flex_flow": "row wrap"}), out])
