"""The theorem checks of the book, as declared in the package and as executed in the book.

Each check is declared once (:func:`dlmath.results.declare_check`) beside its demo. Here:

* every declaration is complete and belongs to a result with a marked test, and every marked
  result has a declaration (no build needed);
* **every check that the built book displays passes and rejects its declared wrong answer**,
  re-evaluated from the figures that the build measured with the package's current rules (the
  demos are not run again), and every declaration is displayed in the book from its declaration
  (same quantity, relation and tolerance reason), not by a one-off comparison.
"""

from __future__ import annotations

import ast
import importlib
import json
import math
import pathlib

import pytest

from dlmath.results import CHECK_METADATA_KEY, PART_MODULES, TheoremCheck, declarations

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _marked_theorems() -> set[str]:
    out = set()
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf8"))):
            if isinstance(node, ast.FunctionDef):
                for dec in node.decorator_list:
                    if (
                        isinstance(dec, ast.Call)
                        and isinstance(dec.func, ast.Attribute)
                        and dec.func.attr == "theorem"
                        and dec.args
                        and isinstance(dec.args[0], ast.Constant)
                    ):
                        out.add(dec.args[0].value)
    return out


def test_every_declaration_is_complete_and_tested():
    decls = declarations()
    assert decls, "no check is declared"
    marked = _marked_theorems()
    declared = {d.theorem for d in decls}
    for d in decls:
        module = d.theorem.split(".")[0]
        assert module in PART_MODULES, d.theorem
        # the demo named by the declaration exists in the package
        mod_name, _, func = d.demo.rpartition(".")
        assert mod_name.startswith("dlmath."), d.demo
        assert callable(getattr(importlib.import_module(mod_name), func, None)), f"{d.theorem}: no demo {d.demo}"
        assert d.wrong and d.reason and d.hypotheses, d.theorem
        if not math.isnan(d.min_tightness):
            assert d.relation in ("<=", ">=") and 0 < d.min_tightness <= 1, d.theorem
        assert d.theorem in marked, f"{d.theorem} is declared but no test is marked @pytest.mark.theorem({d.theorem!r})"
    assert not marked - declared, f"marked tests without a declared check: {sorted(marked - declared)}"


def _book_checks(book_html: pathlib.Path) -> list[tuple[str, dict]]:
    folder = book_html.parent / "jupyter_execute"
    out = []
    for path in sorted(folder.rglob("*.glue.json")):
        data = json.loads(path.read_text(encoding="utf8"))
        for key, value in data.items():
            if key.startswith("check-") and CHECK_METADATA_KEY in value.get("metadata", {}):
                out.append((str(path.relative_to(folder)), value["metadata"][CHECK_METADATA_KEY]))
    return out


@pytest.mark.book
def test_every_check_of_the_book_rejects_its_wrong_answer(book_html):
    checks = _book_checks(book_html)
    assert checks, "the build holds no theorem check"
    failures = []
    shown: dict[tuple[str, str], dict] = {}
    for page, fields in checks:
        c = TheoremCheck.from_dict(fields)  # verdicts recomputed from the measured figures
        shown[(c.theorem, c.label)] = fields
        name = f"{page}: {c.theorem}" + (f" [{c.label}]" if c.label else "")
        if not c.declared:
            failures.append(f"{name}: no declared wrong answer")
        elif not c.passed:
            failures.append(f"{name}: fails: {c}")
        elif c.claim != "illustration" and not c.rejects_wrong:
            failures.append(f"{name}: keeps its wrong answer: {c.wrong_text}")
    for d in declarations():
        fields = shown.get(d.key)
        if fields is None:
            failures.append(f"{d.theorem} [{d.label}]: declared but not displayed in the book")
            continue
        for attr in ("quantity", "relation", "claim", "reason", "wrong", "demo"):
            if fields.get(attr) != getattr(d, attr):
                failures.append(f"{d.theorem} [{d.label}]: the book's {attr} is not the declaration's")
    assert not failures, "\n".join(failures)
