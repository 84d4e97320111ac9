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
import math
import re
from typing import Any, Callable, TypeVar

import numpy as np

__all__ = ["DemoResult", "demo_result", "TheoremCheck", "theorem_check", "glue", "CHECK_METADATA_KEY"]

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


# ----------------------------------------------------------------------------------------------
# Theorem checks: the measured figure of a demo against the theorem's prediction.
# ----------------------------------------------------------------------------------------------

#: The key of the display metadata under which a :class:`TheoremCheck` stores its fields; the
#: book's theorem index collects the checks of every executed chapter by it.
CHECK_METADATA_KEY = "dlmath_theorem_check"

#: How a measured figure ``m`` is compared with a predicted value ``p`` at tolerance ``t``.
RELATIONS = {
    "approx": "|m - p| <= t",
    "rel": "|m - p| <= t |p|",
    "<=": "m <= p + t",
    ">=": "m >= p - t",
}
_RELATION_TEXT = {"approx": "≈", "rel": "≈", "<=": "≤", ">=": "≥"}
_THEOREM_ID = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")


@dataclasses.dataclass(frozen=True)
class TheoremCheck:
    """A theorem's prediction checked against the figure its demo measured.

    Built by :func:`theorem_check`. ``passed`` is computed from the other fields by the rule
    ``RELATIONS[relation]``; a NaN measurement never passes.

    Attributes
    ----------
    theorem : str
        Catalogue id of the result, ``"<module>.<name>"`` (its label in the book is the id with
        the dot replaced by a hyphen).
    quantity : str
        What was measured, in words (plain text).
    measured, predicted, tolerance : float
        The measured figure, the value or bound the theorem predicts, and the allowed slack.
    relation : str
        One of ``"approx"``, ``"rel"``, ``"<="``, ``">="`` (see ``RELATIONS``).
    demo : str
        Fully qualified name of the demo function that measured the figure.
    label : str
        Distinguishes several checks of one theorem (e.g. ``"convex"``); empty for one check.
    """

    theorem: str
    quantity: str
    measured: float
    predicted: float
    relation: str
    tolerance: float
    demo: str
    label: str = ""

    @property
    def passed(self) -> bool:
        """Whether the measured figure satisfies the prediction."""
        m, p, t = self.measured, self.predicted, self.tolerance
        if math.isnan(m):
            return False
        if self.relation == "approx":
            return abs(m - p) <= t
        if self.relation == "rel":
            return abs(m - p) <= t * abs(p)
        if self.relation == "<=":
            return m <= p + t
        return m >= p - t

    @property
    def prediction_text(self) -> str:
        """The prediction as a short string, e.g. ``"≈ -0.5 ± 0.2"`` or ``"≤ 1"``."""
        sym = _RELATION_TEXT[self.relation]
        p = _fmt(self.predicted)
        if self.relation == "approx":
            return f"{sym} {p} ± {_fmt(self.tolerance)}" if self.tolerance else f"= {p}"
        if self.relation == "rel":
            return f"{sym} {p} (rel. {_fmt(self.tolerance)})"
        return f"{sym} {_fmt(self.predicted + (self.tolerance if sym == '≤' else -self.tolerance))}"

    def as_dict(self) -> dict[str, Any]:
        """The fields and ``passed`` as a JSON-compatible dict."""
        out = dataclasses.asdict(self)
        for key in ("measured", "predicted", "tolerance"):
            out[key] = None if math.isnan(out[key]) else out[key]
        out["passed"] = self.passed
        out["prediction_text"] = self.prediction_text
        return out

    def glue(self) -> None:
        """Show the check in the cell's output and record it for the book's theorem index.

        The glue key is ``"check-<theorem>"``, or ``"check-<theorem>-<label>"`` with a label.
        """
        key = f"check-{self.theorem}" + (f"-{self.label}" if self.label else "")
        glue(key, self, display=True)

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        return (f"Check of {self.theorem}: {self.quantity} = {_fmt(self.measured)}, "
                f"predicted {self.prediction_text}: {verdict}")

    def _repr_mimebundle_(self, include: Any = None,
                          exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        import html

        verdict = "passed" if self.passed else "FAILED"
        colour = "#117733" if self.passed else "#cc3311"
        mark = "&#10003;" if self.passed else "&#10007;"
        body = (
            f'<div class="dlmath-check" style="border-left:4px solid {colour};padding:0.3em 0.8em;'
            f'margin:0.4em 0;">'
            f'<span style="color:{colour};font-weight:bold">{mark} Check</span> '
            f"<code>{html.escape(self.theorem)}</code>"
            f"{' (' + html.escape(self.label) + ')' if self.label else ''}: {html.escape(self.quantity)} = "
            f"<b>{html.escape(_fmt(self.measured))}</b>, predicted "
            f"{html.escape(self.prediction_text)}: {verdict}</div>"
        )
        return {"text/plain": str(self), "text/html": body}, {CHECK_METADATA_KEY: self.as_dict()}


def _fmt(x: float) -> str:
    if math.isnan(x):
        return "nan"
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    return f"{x:.4g}"


def theorem_check(theorem: str, *, measured: float, predicted: float, relation: str = "approx",
                  tolerance: float = 0.0, quantity: str, demo: Callable[..., Any] | str,
                  label: str = "") -> TheoremCheck:
    r"""Compare a demo's measured figure with what the theorem predicts.

    The book displays the returned check under the demo that measured it, and its theorem
    index lists every check of the build. With ``m`` measured, ``p`` predicted and ``t`` the
    tolerance, the check passes when

    - ``relation="approx"``: :math:`|m-p|\le t`;
    - ``relation="rel"``: :math:`|m-p|\le t\,|p|`;
    - ``relation="<="``: :math:`m\le p+t` (a bound);
    - ``relation=">="``: :math:`m\ge p-t`.

    Parameters
    ----------
    theorem : str
        Catalogue id, ``"<module>.<name>"``, e.g. ``"kernels.ntk_limit"``.
    measured, predicted : float
        The measured figure and the predicted value (or bound).
    relation : {"approx", "rel", "<=", ">="}
        How they are compared.
    tolerance : float
        Non-negative slack ``t``.
    quantity : str
        What was measured, in words.
    demo : callable or str
        The demo function (or its fully qualified name).
    label : str
        Optional short tag (letters, digits, ``_``) when one theorem has several checks.

    Returns
    -------
    TheoremCheck

    Examples
    --------
    >>> c = theorem_check("kernels.ntk_limit", measured=-0.53, predicted=-0.5, tolerance=0.2,
    ...                   quantity="slope", demo="dlmath.kernels.ntk_limit_demo")
    >>> c.passed
    True
    """
    if not isinstance(theorem, str) or not _THEOREM_ID.match(theorem):
        raise ValueError(f"theorem must be a catalogue id like 'kernels.ntk_limit', got {theorem!r}")
    if relation not in RELATIONS:
        raise ValueError(f"relation must be one of {sorted(RELATIONS)}, got {relation!r}")
    values = {}
    for name, value in (("measured", measured), ("predicted", predicted), ("tolerance", tolerance)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
            raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
        values[name] = float(value)
    if math.isnan(values["predicted"]) or math.isinf(values["predicted"]):
        raise ValueError(f"predicted must be finite, got {predicted!r}")
    if not (values["tolerance"] >= 0 and math.isfinite(values["tolerance"])):
        raise ValueError(f"tolerance must be finite and >= 0, got {tolerance!r}")
    if not isinstance(quantity, str) or not quantity.strip():
        raise ValueError("quantity must be a non-empty string")
    if callable(demo):
        demo_name = f"{demo.__module__}.{demo.__qualname__}"
    elif isinstance(demo, str) and demo.strip():
        demo_name = demo
    else:
        raise TypeError(f"demo must be a function or its qualified name, got {type(demo).__name__}")
    if not isinstance(label, str) or (label and not re.fullmatch(r"[A-Za-z0-9_]+", label)):
        raise ValueError(f"label must be letters, digits or '_', got {label!r}")
    return TheoremCheck(theorem=theorem, quantity=quantity.strip(), relation=relation,
                        demo=demo_name, label=label, **values)


def glue(name: str, value: Any, display: bool = True) -> None:
    """Record ``value`` under ``name`` for the book's text (MyST-NB's ``glue``), or just show it.

    In the book build this is MyST-NB's ``myst_nb.glue``. Where MyST-NB is not installed (a
    downloaded chapter run in a plain Jupyter kernel) it displays ``value`` when ``display``
    is true and does nothing otherwise, so the chapters run with the runtime dependencies only.

    Parameters
    ----------
    name : str
        Key under which the book's text refers to the value (``{glue:text}`name```).
    value : object
        Anything IPython can display.
    display : bool
        Also show the value in the cell's output.
    """
    if not isinstance(name, str) or not name:
        raise ValueError("name must be a non-empty string")
    try:
        from myst_nb import glue as myst_glue
    except ImportError:
        if display:
            try:
                from IPython.display import display as ipy_display
            except ImportError:
                print(value)
            else:
                ipy_display(value)
        return
    myst_glue(name, value, display=display)
