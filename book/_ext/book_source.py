"""Sphinx extension of the book: the source of a demonstration beside its call.

``{demo-source} dlmath.learning.ols_risk_demo`` shows, folded under "Source of ...", the code of
that function as the installed package holds it (read with :func:`inspect.getsource`, never a
copy), with the module it lives in. The HTML pages show it; the PDF leaves it out; the
downloaded notebooks carry it as a ``<details>`` block (``book_notebooks``).
"""

from __future__ import annotations

import importlib
import inspect

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes


def demo_object(name: str):
    """The function or class ``name`` (``dlmath.<module>.<attribute>``)."""
    if not name.startswith("dlmath."):
        raise ValueError(f"demo-source takes a dlmath name, got {name!r}")
    module_name, _, attr = name.rpartition(".")
    return getattr(importlib.import_module(module_name), attr)


def demo_source(name: str) -> tuple[str, str]:
    """(source code, defining module) of the dlmath object ``name``."""
    obj = demo_object(name)
    return inspect.getsource(obj).rstrip("\n"), obj.__module__


class DemoSource(Directive):
    required_arguments = 1
    has_content = False

    def run(self):
        env = self.state.document.settings.env
        name = self.arguments[0]
        try:
            code, module = demo_source(name)
            path = inspect.getsourcefile(demo_object(name))
        except (ValueError, ImportError, AttributeError, TypeError, OSError) as exc:
            raise self.error(f"demo-source: cannot read the source of {name}: {exc}") from exc
        env.note_dependency(path)  # the page is rebuilt when the function changes
        short = name.rpartition(".")[2]
        box = nodes.admonition(classes=["dropdown", "demo-source"])
        box += nodes.title("", f"Source of {short} (in {module})")
        block = nodes.literal_block(code, code, language="python")
        box += block
        only = addnodes.only(expr="html")
        only += box
        return [only]


def setup(app):
    app.add_directive("demo-source", DemoSource)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
