"""The result convention shared by every ``*_demo`` function.

A demo returns an instance of a frozen dataclass derived from :class:`DemoResult`. It carries
the arrays the book plots and the scalars the book quotes (``rate``, ``max_ratio``, ...), and a
field ``predicted`` where the theorem predicts a value. ``result.plot()`` draws the book's
figure and returns it, ``result.summary()`` returns the declared checks of the result and its
scalar fields, so that a reader reproduces a figure or a number of the book in one line.

=============================  ==============================================================
module                         content
=============================  ==============================================================
``dlmath.results.demo``        :class:`DemoResult`, the decorator :func:`demo_result` (frozen
                               fields, ``plot`` under the book's style returning the Figure),
                               :func:`checks_of`
``dlmath.results.checks``      the theorem checks: :func:`declare_check` (one declaration beside
                               the demo), :func:`check` (the chapter's call), :func:`verify` (the
                               test's call), :class:`TheoremCheck`, :func:`glue`,
                               :func:`format_number`
=============================  ==============================================================


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

from .checks import (
    CHECK_METADATA_KEY,
    PART_MODULES,
    CheckDeclaration,
    TheoremCheck,
    check,
    declaration,
    declarations,
    declare_check,
    format_number,
    glue,
    theorem_check,
    verify,
)
from .demo import DemoResult, checks_of, demo_result

__all__ = [
    "DemoResult",
    "demo_result",
    "TheoremCheck",
    "theorem_check",
    "CheckDeclaration",
    "declare_check",
    "declaration",
    "declarations",
    "checks_of",
    "check",
    "verify",
    "glue",
    "format_number",
    "CHECK_METADATA_KEY",
    "PART_MODULES",
]

from .._export import publish  # noqa: E402

publish(__name__, globals(), __all__)
