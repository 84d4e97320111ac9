"""Theorem checks: declared once beside a demo, evaluated by the chapter and by the test."""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any, Callable

import numpy as np

__all__ = [
    "TheoremCheck",
    "theorem_check",
    "CheckDeclaration",
    "declare_check",
    "declaration",
    "declarations",
    "check",
    "verify",
    "glue",
    "format_number",
    "CHECK_METADATA_KEY",
    "PART_MODULES",
]

# ----------------------------------------------------------------------------------------------
# Theorem checks: the measured figure of a demo against the theorem's prediction.
#
# A check is *declared once*, in the package beside its demo, with :func:`declare_check`: what
# is measured, what is predicted, how they are compared, the tolerance and its reason, the
# hypotheses of the theorem that the demo satisfies and the nearest wrong answer that the check
# must reject. The chapter cell calls ``check(theorem_id, result).glue()``; the pytest test calls
# ``verify(theorem_id, result)``; both evaluate the same declaration on a demo result.
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
#: What kind of statement a check verifies.
CLAIMS = ("identity", "equality", "upper bound", "lower bound", "rate", "illustration")
_RELATION_TEXT = {"approx": "≈", "rel": "≈", "<=": "≤", ">=": "≥"}
_THEOREM_ID = re.compile(r"^[a-z_]+\.[a-z0-9_]+$")
_NAN = float("nan")


def _holds(relation: str, m: float, p: float, t: float) -> bool:
    if math.isnan(m) or math.isnan(p):
        return False
    if relation == "approx":
        return abs(m - p) <= t
    if relation == "rel":
        return abs(m - p) <= t * abs(p)
    if relation == "<=":
        return m <= p + t
    return m >= p - t


@dataclasses.dataclass(frozen=True)
class TheoremCheck:
    """A theorem's prediction checked against the figure its demo measured.

    Built by :meth:`CheckDeclaration.check` (or, for a one-off comparison that is not part of
    the book's verified results, by :func:`theorem_check`). ``passed`` is computed from the
    other fields by the rule ``RELATIONS[relation]``; a NaN measurement never passes.

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
    claim : str
        The kind of statement (``CLAIMS``): ``"illustration"`` is shown but not counted as a
        verification of the theorem.
    reason : str
        Why the tolerance is what it is (float precision, standard errors, pre-asymptotics).
    hypotheses : str
        The theorem's hypotheses that the demo satisfies.
    wrong : str
        The nearest wrong answer, in words (``"sigma^2 d/(n-d)"``, ``"0.9 x the bound"``).
    wrong_measured, wrong_predicted : float
        The comparison under the wrong answer: the same relation and tolerance applied to these
        two numbers must fail (``rejects_wrong``).
    min_tightness : float
        For a bound attained by the demo's instance: the least ``tightness`` accepted (NaN if
        none is required).
    """

    theorem: str
    quantity: str
    measured: float
    predicted: float
    relation: str
    tolerance: float
    demo: str
    label: str = ""
    claim: str = "equality"
    reason: str = ""
    hypotheses: str = ""
    wrong: str = ""
    wrong_measured: float = _NAN
    wrong_predicted: float = _NAN
    min_tightness: float = _NAN

    @property
    def declared(self) -> bool:
        """Whether the check names a wrong answer (a check made by :func:`theorem_check` does not)."""
        return bool(self.wrong)

    @property
    def tightness(self) -> float:
        """measured/bound for an upper bound, bound/measured for a lower bound; NaN otherwise."""
        m, p = self.measured, self.predicted
        if self.relation == "<=" and p != 0:
            return m / p
        if self.relation == ">=" and m != 0:
            return p / m
        return _NAN

    @property
    def rel_error(self) -> float:
        """The relative error ``abs(measured - predicted) / abs(predicted)`` of an equality (NaN for a bound or p = 0)."""
        if self.relation in ("approx", "rel") and self.predicted != 0:
            return abs(self.measured - self.predicted) / abs(self.predicted)
        return _NAN

    @property
    def passed(self) -> bool:
        """Whether the measured figure satisfies the prediction (and the required tightness)."""
        ok = _holds(self.relation, self.measured, self.predicted, self.tolerance)
        if ok and not math.isnan(self.min_tightness):
            ok = self.tightness >= self.min_tightness
        return ok

    @property
    def rejects_wrong(self) -> bool:
        """Whether the same comparison fails under the wrong answer (False if none is declared)."""
        if not self.declared:
            return False
        return not _holds(self.relation, self.wrong_measured, self.wrong_predicted, self.tolerance)

    @property
    def verified(self) -> bool:
        """Counted as a verification: passed, rejects its wrong answer, and not an illustration."""
        return self.claim != "illustration" and self.passed and self.rejects_wrong

    @property
    def prediction_text(self) -> str:
        """The prediction as a short string, e.g. ``"≈ -0.5 ± 0.2"`` or ``"≤ 1"``."""
        return _prediction_text(self.relation, self.predicted, self.tolerance)

    @property
    def wrong_text(self) -> str:
        """The wrong answer and the figure the check compared under it."""
        if not self.declared:
            return ""
        if self.wrong_measured != self.measured:
            return f"{self.wrong}: measured {_fmt(self.wrong_measured)}"
        return f"{self.wrong}: {_prediction_text(self.relation, self.wrong_predicted, self.tolerance)}"

    def as_dict(self) -> dict[str, Any]:
        """The fields and the derived verdicts as a JSON-compatible dict."""
        out = dataclasses.asdict(self)
        for key, value in out.items():
            if isinstance(value, float) and math.isnan(value):
                out[key] = None
        for key in ("passed", "rejects_wrong", "verified", "prediction_text", "wrong_text"):
            out[key] = getattr(self, key)
        for key in ("tightness", "rel_error"):
            value = getattr(self, key)
            out[key] = None if math.isnan(value) else value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TheoremCheck:
        """The check back from :meth:`as_dict` (verdicts are recomputed, not read)."""
        names = {f.name for f in dataclasses.fields(cls)}
        kw = {k: (_NAN if v is None and k in _FLOAT_FIELDS else v) for k, v in data.items() if k in names}
        return cls(**kw)

    def glue(self) -> None:
        """Show the check in the cell's output and record it for the book's theorem index.

        The glue key is ``"check-<theorem>"``, or ``"check-<theorem>-<label>"`` with a label.
        """
        key = f"check-{self.theorem}" + (f"-{self.label}" if self.label else "")
        glue(key, self, display=True)

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        text = (
            f"Check of {self.theorem}: {self.quantity} = {_fmt(self.measured)}, "
            f"predicted {self.prediction_text}: {verdict}"
        )
        if self.declared:
            text += f"; wrong answer {self.wrong_text}: {'rejected' if self.rejects_wrong else 'NOT rejected'}"
        if self.claim == "illustration":
            text += " (illustration, not counted as a verification)"
        return text

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        import html

        ok = self.passed and (self.rejects_wrong or not self.declared)
        verdict = "passed" if self.passed else "FAILED"
        colour = "#117733" if ok else "#cc3311"
        mark = "&#10003;" if ok else "&#10007;"
        head = "Illustration" if self.claim == "illustration" else "Check"
        extra = ""
        if not math.isnan(self.tightness):
            extra += f"; tightness {html.escape(_fmt(self.tightness))}"
        if self.declared:
            extra += (
                f"; wrong answer {html.escape(self.wrong_text)}: "
                f"{'rejected' if self.rejects_wrong else '<b>not rejected</b>'}"
            )
        body = (
            f'<div class="dlmath-check" style="border-left:4px solid {colour};padding:0.3em 0.8em;'
            f'margin:0.4em 0;">'
            f'<span style="color:{colour};font-weight:bold">{mark} {head}</span> '
            f"<code>{html.escape(self.theorem)}</code>"
            f"{' (' + html.escape(self.label) + ')' if self.label else ''}: {html.escape(self.quantity)} = "
            f"<b>{html.escape(_fmt(self.measured))}</b>, predicted "
            f"{html.escape(self.prediction_text)}: {verdict}{extra}</div>"
        )
        return {"text/plain": str(self), "text/html": body}, {CHECK_METADATA_KEY: self.as_dict()}


_FLOAT_FIELDS = ("measured", "predicted", "tolerance", "wrong_measured", "wrong_predicted", "min_tightness")


def _prediction_text(relation: str, predicted: float, tolerance: float) -> str:
    sym = _RELATION_TEXT[relation]
    p = _fmt(predicted)
    if relation == "approx":
        return f"{sym} {p} ± {_fmt(tolerance)}" if tolerance else f"= {p}"
    if relation == "rel":
        return f"{sym} {p} (rel. {_fmt(tolerance)})"
    return f"{sym} {_fmt(predicted + (tolerance if sym == '≤' else -tolerance))}"


def format_number(x: float | None) -> str:
    """A figure as the book prints it: integers exactly (below 10^6), others to 4 significant digits.

    ``None`` and NaN print as ``"nan"`` (the theorem index stores a missing figure as None).

    Examples
    --------
    >>> format_number(3.0), format_number(0.123456), format_number(float("inf"))
    ('3', '0.1235', 'inf')
    """
    if x is None or math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) < 1e6:
        return str(int(x))
    return f"{x:.4g}"


_fmt = format_number


def _real(name: str, value: Any) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def _demo_name(demo: Any) -> str:
    if callable(demo):  # read when asked: a facade may have set __module__ since the declaration
        return f"{demo.__module__}.{demo.__qualname__}"
    if isinstance(demo, str) and demo.strip():
        return demo
    raise TypeError(f"demo must be a function or its qualified name, got {type(demo).__name__}")


def theorem_check(
    theorem: str,
    *,
    measured: float,
    predicted: float,
    relation: str = "approx",
    tolerance: float = 0.0,
    quantity: str,
    demo: Callable[..., Any] | str,
    label: str = "",
) -> TheoremCheck:
    r"""A one-off comparison of a measured figure with a predicted one (no declaration).

    The book's verified results use :func:`declare_check` instead: a check built here names no
    wrong answer, so the theorem index does not count it as a verification. With ``m``
    measured, ``p`` predicted and ``t`` the tolerance, the check passes when

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
    values = {
        name: _real(name, value)
        for name, value in (("measured", measured), ("predicted", predicted), ("tolerance", tolerance))
    }
    if math.isnan(values["predicted"]) or math.isinf(values["predicted"]):
        raise ValueError(f"predicted must be finite, got {predicted!r}")
    if not (values["tolerance"] >= 0 and math.isfinite(values["tolerance"])):
        raise ValueError(f"tolerance must be finite and >= 0, got {tolerance!r}")
    if not isinstance(quantity, str) or not quantity.strip():
        raise ValueError("quantity must be a non-empty string")
    if not isinstance(label, str) or (label and not re.fullmatch(r"[A-Za-z0-9_]+", label)):
        raise ValueError(f"label must be letters, digits or '_', got {label!r}")
    return TheoremCheck(
        theorem=theorem, quantity=quantity.strip(), relation=relation, demo=_demo_name(demo), label=label, **values
    )


# -- declarations ------------------------------------------------------------------------------

Getter = Callable[[Any], float]


def _getter(name: str, spec: Any, *, optional: bool = False) -> Getter | None:
    """A function of the result: a callable, a field name of the result, or a constant."""
    if spec is None:
        if optional:
            return None
        raise TypeError(f"{name} must be given")
    if callable(spec):
        return spec
    if isinstance(spec, str):
        return lambda result: getattr(result, spec)
    if isinstance(spec, (int, float, np.integer, np.floating)) and not isinstance(spec, (bool, np.bool_)):
        value = float(spec)
        return lambda result: value
    raise TypeError(f"{name} must be a callable of the result, a field name or a number, got {type(spec).__name__}")


@dataclasses.dataclass(frozen=True)
class CheckDeclaration:
    """The one declaration of a theorem check, made in the package beside its demo.

    Made by :func:`declare_check`; evaluated on a demo result by :meth:`check` (the chapter)
    and :meth:`verify` (the test). The getters (``measure``, ``predict``, ``tolerance``,
    ``wrong_measure``, ``wrong_predict``) are functions of the demo's result, so the tolerance
    may follow the result's own standard errors.
    """

    theorem: str
    label: str
    quantity: str
    claim: str
    relation: str
    reason: str
    hypotheses: str
    wrong: str
    demo_ref: Any = dataclasses.field(repr=False)
    measure: Getter = dataclasses.field(repr=False)
    predict: Getter = dataclasses.field(repr=False)
    tolerance: Getter = dataclasses.field(repr=False)
    wrong_measure: Getter | None = dataclasses.field(repr=False, default=None)
    wrong_predict: Getter | None = dataclasses.field(repr=False, default=None)
    min_tightness: float = _NAN

    @property
    def key(self) -> tuple[str, str]:
        """``(theorem, label)``, unique over the package."""
        return self.theorem, self.label

    @property
    def demo(self) -> str:
        """Fully qualified public name of the demo (``dlmath.kernels.ntk_limit_demo``)."""
        return _demo_name(self.demo_ref)

    @property
    def result_type(self) -> str | None:
        """The name of the result class the demo returns (its return annotation), if known."""
        ann = getattr(self.demo_ref, "__annotations__", {}).get("return")
        return ann if isinstance(ann, str) else getattr(ann, "__name__", None)

    def check(self, result: Any) -> TheoremCheck:
        """Evaluate the declaration on a demo result.

        Parameters
        ----------
        result : DemoResult
            What the declared demo returned.

        Returns
        -------
        TheoremCheck
            With the measured figure, the prediction, and the same comparison under the wrong
            answer.
        """
        measured = _real("measured", self.measure(result))
        predicted = _real("predicted", self.predict(result))
        tolerance = _real("tolerance", self.tolerance(result))
        if not math.isfinite(predicted):
            raise ValueError(f"{self.theorem}: predicted must be finite, got {predicted!r}")
        if not (tolerance >= 0 and math.isfinite(tolerance)):
            raise ValueError(f"{self.theorem}: tolerance must be finite and >= 0, got {tolerance!r}")
        wrong_m = measured if self.wrong_measure is None else _real("wrong measured", self.wrong_measure(result))
        wrong_p = predicted if self.wrong_predict is None else _real("wrong predicted", self.wrong_predict(result))
        return TheoremCheck(
            theorem=self.theorem,
            quantity=self.quantity,
            measured=measured,
            predicted=predicted,
            relation=self.relation,
            tolerance=tolerance,
            demo=self.demo,
            label=self.label,
            claim=self.claim,
            reason=self.reason,
            hypotheses=self.hypotheses,
            wrong=self.wrong,
            wrong_measured=wrong_m,
            wrong_predicted=wrong_p,
            min_tightness=self.min_tightness,
        )

    def verify(self, result: Any) -> TheoremCheck:
        """:meth:`check`, raising ``AssertionError`` unless it passes and rejects the wrong answer."""
        c = self.check(result)
        if not c.passed:
            raise AssertionError(f"{c}\n  tolerance: {self.reason}")
        if self.claim != "illustration" and not c.rejects_wrong:
            raise AssertionError(f"{c}\n  the wrong answer '{self.wrong}' is not rejected")
        return c


_REGISTRY: dict[tuple[str, str], CheckDeclaration] = {}


def declare_check(
    theorem: str,
    *,
    label: str = "",
    quantity: str,
    claim: str,
    relation: str,
    measure: Any,
    predict: Any,
    tolerance: Any,
    reason: str,
    hypotheses: str,
    wrong: str,
    wrong_predict: Any = None,
    wrong_measure: Any = None,
    min_tightness: float | None = None,
    demo: Callable[..., Any] | str,
) -> CheckDeclaration:
    r"""Declare, once, how a demo's result checks a theorem.

    With ``m = measure(result)``, ``p = predict(result)``, ``t = tolerance(result)`` the check
    passes when ``RELATIONS[relation]`` holds (and, if ``min_tightness`` is given, when the
    tightness of the bound is at least that). The wrong answer replaces ``p`` by
    ``wrong_predict(result)`` or ``m`` by ``wrong_measure(result)`` (a figure the demo measured
    under the wrong formula, e.g. an identity with one term left out); the same comparison must
    then fail, and the generic test of the suite requires it for every check of the book.

    Parameters
    ----------
    theorem : str
        Catalogue id ``"<module>.<name>"``; the module is the ``dlmath`` module declaring it.
    label : str
        Distinguishes several checks of one theorem.
    quantity : str
        What is measured, in words.
    claim : {"identity", "equality", "upper bound", "lower bound", "rate", "illustration"}
        The kind of statement checked; an illustration is displayed, never counted as verified.
    relation : {"approx", "rel", "<=", ">="}
        The comparison (``RELATIONS``).
    measure, predict, tolerance, wrong_predict, wrong_measure : callable, str or float
        Functions of the demo's result (a field name or a constant are accepted too).
    reason : str
        Why the tolerance is what it is: float precision, k standard errors of this Monte
        Carlo, the pre-asymptotic range.
    hypotheses : str
        The theorem's hypotheses the demo satisfies.
    wrong : str
        The nearest wrong answer, in words; exactly one of ``wrong_predict``, ``wrong_measure``
        says what it is.
    min_tightness : float, optional
        For a bound that the demo's instance attains or nearly attains (sharp theorem).
    demo : callable or str
        The demo function whose result is checked.

    Returns
    -------
    CheckDeclaration
        Registered under ``(theorem, label)``; found again by :func:`declaration`.
    """
    if not isinstance(theorem, str) or not _THEOREM_ID.match(theorem):
        raise ValueError(f"theorem must be a catalogue id like 'kernels.ntk_limit', got {theorem!r}")
    if not isinstance(label, str) or (label and not re.fullmatch(r"[A-Za-z0-9_]+", label)):
        raise ValueError(f"label must be letters, digits or '_', got {label!r}")
    if claim not in CLAIMS:
        raise ValueError(f"claim must be one of {CLAIMS}, got {claim!r}")
    if relation not in RELATIONS:
        raise ValueError(f"relation must be one of {sorted(RELATIONS)}, got {relation!r}")
    for name, text in (("quantity", quantity), ("reason", reason), ("hypotheses", hypotheses), ("wrong", wrong)):
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{name} must be a non-empty string")
    if (wrong_predict is None) == (wrong_measure is None):
        raise ValueError("give exactly one of wrong_predict and wrong_measure")
    _demo_name(demo)  # a function or a qualified name
    if min_tightness is not None:
        min_tightness = _real("min_tightness", min_tightness)
        if relation not in ("<=", ">=") or not 0 < min_tightness <= 1:
            raise ValueError("min_tightness must be in (0, 1] and needs a bound ('<=' or '>=')")
    decl = CheckDeclaration(
        theorem=theorem,
        label=label,
        quantity=quantity.strip(),
        claim=claim,
        relation=relation,
        reason=reason.strip(),
        hypotheses=hypotheses.strip(),
        wrong=wrong.strip(),
        demo_ref=demo,
        measure=_getter("measure", measure),
        predict=_getter("predict", predict),
        tolerance=_getter("tolerance", tolerance),
        wrong_measure=_getter("wrong_measure", wrong_measure, optional=True),
        wrong_predict=_getter("wrong_predict", wrong_predict, optional=True),
        min_tightness=_NAN if min_tightness is None else min_tightness,
    )
    old = _REGISTRY.get(decl.key)
    if old is not None and old.demo != decl.demo:
        raise ValueError(f"check {theorem!r} label {label!r} is already declared for {old.demo}")
    _REGISTRY[decl.key] = decl
    return decl


def _load(theorem: str) -> None:
    import importlib

    module = theorem.split(".")[0]
    try:
        importlib.import_module(f"dlmath.{module}")
    except ImportError as exc:
        raise ValueError(f"theorem {theorem!r}: no module dlmath.{module}") from exc


def declaration(theorem: str, label: str = "") -> CheckDeclaration:
    """The declared check of ``theorem`` (and ``label``), importing its module if needed.

    Raises
    ------
    ValueError
        If no such check is declared.
    """
    if not isinstance(theorem, str) or not _THEOREM_ID.match(theorem):
        raise ValueError(f"theorem must be a catalogue id like 'kernels.ntk_limit', got {theorem!r}")
    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}")
    if (theorem, label) not in _REGISTRY:
        _load(theorem)
    try:
        return _REGISTRY[(theorem, label)]
    except KeyError:
        labels = sorted(lb for th, lb in _REGISTRY if th == theorem)
        raise ValueError(f"no check declared for {theorem!r} with label {label!r}; declared labels: {labels}") from None


def declarations(module: str | None = None) -> list[CheckDeclaration]:
    """Every declared check (of the ``dlmath`` module ``module``, or of all part modules)."""
    import importlib

    modules = [module] if module is not None else list(PART_MODULES)
    for name in modules:
        if not isinstance(name, str):
            raise TypeError(f"module must be a string, got {type(name).__name__}")
        importlib.import_module(f"dlmath.{name}")
    return [d for d in _REGISTRY.values() if d.theorem.split(".")[0] in modules]


#: The modules of the parts, which declare the book's checks.
PART_MODULES = ("learning", "expressivity", "optimization", "kernels", "architectures", "pde", "inverse")


def check(theorem: str, result: Any, *, label: str = "") -> TheoremCheck:
    """Evaluate the declared check of ``theorem`` on a demo result (the chapter's one call).

    ``check("learning.ols_excess_risk", res).glue()`` shows it under the cell and records it
    for the theorem index.
    """
    return declaration(theorem, label).check(result)


def verify(theorem: str, result: Any, *, label: str = "") -> TheoremCheck:
    """Evaluate the declared check and raise ``AssertionError`` unless it passes and rejects
    its wrong answer (the test's one call)."""
    return declaration(theorem, label).verify(result)


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
