"""Sphinx extension of the book: the theorem index and the links between chapters and API.

* Every chapter displays, under a demo, a :class:`dlmath.results.TheoremCheck` (the measured
  figure against the theorem's prediction) and glues it under the key ``check-<theorem id>``.
  On ``doctree-read`` the checks of the executed notebook are collected into the environment;
  a check that failed is a build warning (so, under ``-W``, a build error).
* The directive ``{theorem-index}`` becomes, at resolve time, one table of every check of this
  build: result (linked to its statement), chapter, demo (linked to its API entry), the tests
  marked with ``@pytest.mark.theorem(<id>)``, measured figure, prediction and verdict. A result
  that has a marked test but no check in the book is a build warning.
* Each chapter ends with the list of the ``dlmath`` functions its code cells call (linked to the
  API reference), found by reading the cells with :mod:`ast`; each API entry gets the chapters
  and theorems that use it.
* Each API entry links to its source (``sphinx.ext.viewcode``): the facades of ``dlmath`` set
  ``__module__`` of what they re-export to the facade (``dlmath.kernels``), so viewcode is told
  on ``viewcode-follow-imported`` where the object is defined (``__source_module__``, see
  :mod:`dlmath._export`).
"""

from __future__ import annotations

import ast
import copy
import importlib
import json
import pathlib
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.addnodes import desc, desc_signature, pending_xref
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from dlmath._export import source_module
from dlmath.results import CHECK_METADATA_KEY as CHECK_KEY
from dlmath.results import TheoremCheck, format_number

logger = logging.getLogger(__name__)

_THEOREM_MARK = "theorem"
# called by every chapter to glue and check figures: not listed under "dlmath in this chapter"
_INFRASTRUCTURE = {
    "dlmath.results.glue",
    "dlmath.results.theorem_check",
    "dlmath.results.check",
    "dlmath.results.verify",
    "dlmath.plotting.use_book_style",
}


class theorem_index(nodes.General, nodes.Element):
    """Placeholder for the theorem index, filled in after every document was read."""


class dlmath_used(nodes.General, nodes.Element):
    """Placeholder for the chapter's list of ``dlmath`` functions."""


class verified_count(nodes.Inline, nodes.TextElement):
    """Placeholder for a count taken from the theorem index (``{verified-count}`results```)."""


_COUNTS = ("results", "checks", "illustrations")


def verified_count_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{verified-count}`results``` (or ``checks``, ``illustrations``): the number of verified
    results, of verified checks, or of illustrations in this build's theorem index."""
    what = text.strip()
    if what not in _COUNTS:
        msg = inliner.reporter.error(f"verified-count takes one of {_COUNTS}, not {what!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    env = inliner.document.settings.env
    env.dlmath_index_docs = getattr(env, "dlmath_index_docs", set()) | {env.docname}
    return [verified_count(what=what)], []


class TheoremIndexDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        self.env.dlmath_index_docs = getattr(self.env, "dlmath_index_docs", set()) | {self.env.docname}
        return [theorem_index()]


# ----------------------------------------------------------------------------------------------
# collection (doctree-read)
# ----------------------------------------------------------------------------------------------


def _env_data(env) -> dict[str, dict[str, Any]]:
    if not hasattr(env, "dlmath_docs"):
        env.dlmath_docs = {}
    return env.dlmath_docs


def _read_checks(app, docname: str) -> list[dict[str, Any]]:
    meta = getattr(app.env, "nb_metadata", {}).get(docname, {})
    keys = [k for k in meta.get("glue", []) if k.startswith("check-")]
    if not keys:
        return []
    folder = pathlib.Path(app.env.mystnb_config.output_folder)
    path = folder.joinpath(*(docname + ".glue.json").split("/"))
    data = json.loads(path.read_text(encoding="utf8"))
    checks = []
    for key in keys:
        metadata = data.get(key, {}).get("metadata", {})
        if CHECK_KEY in metadata:
            # the verdicts are recomputed from the fields by the package's rules, not read
            checks.append(TheoremCheck.from_dict(metadata[CHECK_KEY]).as_dict())
    return checks


def _dlmath_names(sources: list[str]) -> list[str]:
    """Fully qualified ``dlmath`` names (``dlmath.kernels.ntk_kernel``) used in code cells."""
    aliases: dict[str, str] = {}
    used: list[str] = []

    def dotted(node: ast.AST) -> str | None:
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in aliases:
            return ".".join([aliases[node.id], *reversed(parts)])
        return None

    for source in sources:
        # IPython magics are not Python
        source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name.split(".")[0] == "dlmath":
                        aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else "dlmath"
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "dlmath":
                for a in node.names:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
                    used.append(f"{node.module}.{a.name}")
        for node in ast.walk(tree):
            if isinstance(node, (ast.Attribute, ast.Name)):
                name = dotted(node)
                if name:
                    used.append(name)
    seen: dict[str, None] = {}
    for name in used:
        seen.setdefault(name, None)
    return list(seen)


def _plain_copy(node: nodes.Node) -> nodes.Node:
    """A copy of an inline node that can be pickled with the environment (no document link)."""
    new = node.deepcopy()
    for sub in new.findall(nodes.Element):
        sub.document = None
        for key in list(sub.attributes):
            if not isinstance(sub.attributes[key], (str, int, float, bool, list, type(None))):
                del sub.attributes[key]
    return new


def _collect(app, doctree: nodes.document) -> None:
    env = app.env
    docname = env.docname
    data = {"checks": _read_checks(app, docname), "titles": {}, "used": []}
    for check in data["checks"]:
        name = check["theorem"] + (f" [{check['label']}]" if check.get("label") else "")
        if not check.get("passed"):
            logger.warning(
                f"theorem check failed: {name}: {check['quantity']} = {check['measured']}, "
                f"predicted {check['prediction_text']}",
                location=docname,
                type="dlmath",
                subtype="check",
            )
        if not check.get("wrong"):
            logger.warning(
                f"theorem check {name} is not declared with a wrong answer (dlmath.results.declare_check)",
                location=docname,
                type="dlmath",
                subtype="check",
            )
        elif check.get("claim") != "illustration" and not check.get("rejects_wrong"):
            logger.warning(
                f"theorem check {name} does not reject its wrong answer: {check['wrong_text']}",
                location=docname,
                type="dlmath",
                subtype="check",
            )
    for node in doctree.findall(nodes.Element):
        label = node.get("label") if node.get("realtype") else None
        if label and node.children and isinstance(node.children[0], nodes.title):
            data["titles"][label] = [_plain_copy(c) for c in node.children[0].children]
    sources = [
        lb.astext()
        for lb in doctree.findall(nodes.literal_block)
        if lb.parent is not None and "cell_input" in lb.parent.get("classes", [])
    ]
    data["used"] = _dlmath_names(sources)
    _env_data(env)[docname] = data
    if data["used"] and app.config.dlmath_list_functions:
        sections = [s for s in doctree.children if isinstance(s, nodes.section)]
        if sections:
            sections[-1] += dlmath_used()


def _purge(app, env, docname: str) -> None:
    _env_data(env).pop(docname, None)
    if hasattr(env, "dlmath_index_docs"):
        env.dlmath_index_docs.discard(docname)


def _merge(app, env, docnames, other) -> None:
    _env_data(env).update({d: v for d, v in _env_data(other).items() if d in docnames})
    env.dlmath_index_docs = getattr(env, "dlmath_index_docs", set()) | (
        getattr(other, "dlmath_index_docs", set()) & set(docnames)
    )


def _always_update(app, env) -> list[str]:
    """The index and the API pages depend on every chapter: rewrite them at every build."""
    docs = set(getattr(env, "dlmath_index_docs", set()))
    docs |= {d for d in env.found_docs if d.startswith(app.config.dlmath_api_prefix)}
    return sorted(docs)


# ----------------------------------------------------------------------------------------------
# tests marked with @pytest.mark.theorem(<id>)
# ----------------------------------------------------------------------------------------------


def _marked_tests(root: pathlib.Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for path in sorted((root / "tests").glob("test_*.py")):
        try:
            tree = ast.parse(path.read_text(encoding="utf8"))
        except (OSError, SyntaxError):
            continue
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef):
                continue
            for dec in node.decorator_list:
                if (
                    isinstance(dec, ast.Call)
                    and isinstance(dec.func, ast.Attribute)
                    and dec.func.attr == _THEOREM_MARK
                    and dec.args
                    and isinstance(dec.args[0], ast.Constant)
                ):
                    out.setdefault(dec.args[0].value, []).append(f"{path.relative_to(root).as_posix()}::{node.name}")
    return out


# ----------------------------------------------------------------------------------------------
# resolve: fill the placeholders with nodes holding pending cross-references
# ----------------------------------------------------------------------------------------------


def _xref(domain: str, role: str, target: str, docname: str, content: nodes.Node) -> pending_xref:
    ref = pending_xref(
        "", refdomain=domain, reftype=role, reftarget=target, refexplicit=domain == "py", refwarn=True, refdoc=docname
    )
    ref += content
    return ref


def _doc_order(env, root_doc: str) -> list[str]:
    order: list[str] = []

    def visit(doc: str) -> None:
        if doc in order:
            return
        order.append(doc)
        for child in env.toctree_includes.get(doc, []):
            visit(child)

    visit(root_doc)
    return order


def _status(check: dict[str, Any]) -> str:
    """verified, illustration or FAILED (a check that fails, or keeps its wrong answer)."""
    if not check.get("passed"):
        return "FAILED"
    if check.get("claim") == "illustration":
        return "illustration"
    return "verified" if check.get("rejects_wrong") else "FAILED"


def _closeness(check: dict[str, Any]) -> str:
    """The tightness of a bound (measured/bound) or the relative error of an equality."""
    if check.get("tightness") is not None:
        text = f"tightness {format_number(check['tightness'])}"
        if check.get("min_tightness") is not None:
            text += f" (≥ {format_number(check['min_tightness'])} required)"
        return text
    if check.get("rel_error") is not None:
        return f"rel. error {check['rel_error']:.2g}"
    return "–"


def _tally(env) -> dict[str, int]:
    """Verified results, verified checks and illustrations over the whole build."""
    status: dict[str, list[str]] = {}
    for data in _env_data(env).values():
        for check in data.get("checks", []):
            status.setdefault(check["theorem"], []).append(_status(check))
    flat = [s for v in status.values() for s in v]
    return {
        "results": sum(1 for v in status.values() if "verified" in v and "FAILED" not in v),
        "checks": flat.count("verified"),
        "illustrations": flat.count("illustration"),
    }


def _cell(*children: nodes.Node) -> nodes.entry:
    entry = nodes.entry()
    para = nodes.paragraph()
    for child in children:
        para += child
    entry += para
    return entry


class FillPlaceholders(SphinxPostTransform):
    # before the references are resolved (ReferencesResolver has priority 10)
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        env = self.env
        docname = env.docname
        for node in list(self.document.findall(theorem_index)):
            node.replace_self(self._index(docname))
        for node in list(self.document.findall(verified_count)):
            node.replace_self(nodes.Text(str(_tally(self.env)[node["what"]])))
        for node in list(self.document.findall(dlmath_used)):
            node.replace_self(self._used(docname))
        if docname.startswith(self.config.dlmath_api_prefix):
            self._api_backlinks(docname)
        # math copied in here (theorem titles) must load MathJax on this page too
        if any(self.document.findall(nodes.math)):
            self.env.get_domain("math").data["has_equations"][docname] = True

    # -- the chapter's functions -----------------------------------------------------------
    def _used(self, docname: str) -> list[nodes.Node]:
        py = self.env.get_domain("py")
        names = [
            n
            for n in _env_data(self.env).get(docname, {}).get("used", [])
            if n in py.objects and py.objects[n].objtype in ("function", "class") and n not in _INFRASTRUCTURE
        ]
        if not names:
            return []
        rubric = nodes.rubric(text="dlmath in this chapter")
        para = nodes.paragraph(classes=["dlmath-used"])
        para += nodes.Text("The code cells of this chapter call ")
        for i, name in enumerate(names):
            if i:
                para += nodes.Text(", " if i < len(names) - 1 else " and ")
            para += _xref("py", "obj", name, docname, nodes.literal(text=name))
        para += nodes.Text(".")
        return [rubric, para]

    # -- the API pages ---------------------------------------------------------------------
    def _api_backlinks(self, docname: str) -> None:
        docs = _env_data(self.env)
        uses: dict[str, list[str]] = {}
        demos: dict[str, list[str]] = {}
        for doc in _doc_order(self.env, self.config.root_doc):
            for name in docs.get(doc, {}).get("used", []):
                uses.setdefault(name, []).append(doc)
            for check in docs.get(doc, {}).get("checks", []):
                demos.setdefault(check["demo"], [])
                label = check["theorem"].replace(".", "-")
                if label not in demos[check["demo"]]:
                    demos[check["demo"]].append(label)
        for node in self.document.findall(desc):
            if node.get("domain") != "py" or node.get("objtype") not in ("function", "class"):
                continue
            sigs = [s for s in node.children if isinstance(s, desc_signature)]
            if not sigs:
                continue
            fullname = f"{sigs[0].get('module')}.{sigs[0].get('fullname')}"
            chapters = uses.get(fullname, [])
            theorems = demos.get(fullname, [])
            if not chapters and not theorems:
                continue
            para = nodes.paragraph(classes=["dlmath-backlinks"])
            if theorems:
                para += nodes.strong(text="Demo of ")
                for i, label in enumerate(theorems):
                    if i:
                        para += nodes.Text(", ")
                    para += _xref("prf", "ref", label, docname, nodes.inline(text=label))
                para += nodes.Text(". ")
            if chapters:
                para += nodes.strong(text="Used in ")
                for i, doc in enumerate(chapters):
                    if i:
                        para += nodes.Text(", ")
                    para += _xref("std", "doc", "/" + doc, docname, nodes.inline(text=doc))
                para += nodes.Text(".")
            content = node.children[-1]
            content.insert(0, para)

    # -- the theorem index -----------------------------------------------------------------
    def _index(self, docname: str) -> list[nodes.Node]:
        docs = _env_data(self.env)
        tests = _marked_tests(pathlib.Path(self.env.srcdir))
        rows = []
        checked: set[str] = set()
        for doc in _doc_order(self.env, self.config.root_doc):
            for check in docs.get(doc, {}).get("checks", []):
                rows.append((doc, check))
                checked.add(check["theorem"])
        for theorem in sorted(set(tests) - checked):
            logger.warning(
                f"theorem {theorem} has a marked test but no check in the book",
                location=docname,
                type="dlmath",
                subtype="index",
            )
        titles: dict[str, list[nodes.Node]] = {}
        for data in docs.values():
            titles.update(data.get("titles", {}))

        tally = _tally(self.env)
        n_failed = sum(1 for _, c in rows if _status(c) == "FAILED")
        summary = nodes.paragraph()
        summary += nodes.Text(
            f"This build checked {len(rows)} predictions of {len(checked)} results. "
            f"{tally['checks']} checks are verified (they passed and rejected their wrong answer), "
            f"{tally['illustrations']} are illustrations (shown, not counted), {n_failed} failed; "
            f"{tally['results']} results are verified (at least one verified check and none failed)."
        )

        # the PDF page is narrower: there the tests are left out and the columns wrap
        latex = self.app.builder.format == "latex"
        headers = [
            "Status",
            "Result",
            "Demo" if latex else "Demo and tests",
            "Measured quantity",
            "Measured (predicted)",
            "Tightness or rel. error",
            "Wrong answer",
        ]
        widths = [8, 17, 16, 22, 12, 9, 16]
        table = nodes.table(classes=["dlmath-theorem-index", "longtable"])
        group = nodes.tgroup(cols=len(headers))
        table += group
        for w in widths:
            group += nodes.colspec(colwidth=w)
        head = nodes.thead()
        row = nodes.row()
        for h in headers:
            row += _cell(nodes.Text(h))
        head += row
        group += head
        body = nodes.tbody()
        chapter = None
        for doc, check in rows:
            if doc != chapter:  # one group of rows per chapter, headed by its title
                chapter = doc
                title = self.env.titles[doc].astext() if doc in self.env.titles else doc
                link = _xref("std", "doc", "/" + doc, docname, nodes.strong(text=title))
                head_row = nodes.row(classes=["dlmath-index-chapter"])
                entry = nodes.entry(morecols=len(headers) - 1)
                entry += nodes.paragraph("", "", link)
                head_row += entry
                body += head_row
            label = check["theorem"].replace(".", "-")
            row = nodes.row(ids=[f"index-{label}" + (f"-{check['label']}" if check.get("label") else "")])
            row += _cell(nodes.Text(_status(check)))
            result = [_xref("prf", "ref", label, docname, nodes.inline(text=label))]
            if label in titles:
                # sphinx-proof's title already reads " (<name>)"
                result += [copy.deepcopy(t) for t in titles[label]]
            if check.get("label"):
                result.append(nodes.Text(f" [{check['label']}]"))
            row += _cell(*result)
            name = check["demo"].split(".")[-1] + ("" if latex else "()")
            demo = [_xref("py", "func", check["demo"], docname, nodes.literal(text=name))]
            for test in [] if latex else tests.get(check["theorem"], []):
                demo += [nodes.Text("; "), nodes.literal(text=test.split("::")[-1])]
            row += _cell(*demo)
            quantity = check["quantity"] + (f" ({check['claim']})" if check.get("claim") else "")
            row += _cell(nodes.Text(quantity))
            row += _cell(nodes.Text(f"{format_number(check['measured'])} ({check['prediction_text']})"))
            row += _cell(nodes.Text(_closeness(check)))
            wrong = check.get("wrong_text") or "none declared"
            if check.get("wrong"):
                wrong += " (rejected)" if check.get("rejects_wrong") else " (NOT rejected)"
            row += _cell(nodes.Text(wrong))
            body += row
        group += body
        # long identifiers wrap instead of widening the table beyond the page
        style = nodes.raw(
            "",
            "<style>table.dlmath-theorem-index {font-size: 0.8em; display: block; "
            "overflow-x: auto;} "
            "table.dlmath-theorem-index code {white-space: normal; overflow-wrap: anywhere;}"
            "</style>",
            format="html",
        )
        spec = addnodes.tabular_col_spec(spec=r"\Y{0.09}\Y{0.15}\Y{0.14}\Y{0.19}\Y{0.12}\Y{0.1}\Y{0.19}")
        return [style, summary, spec, table]


# ----------------------------------------------------------------------------------------------
# viewcode: the source of an object re-exported by a facade
# ----------------------------------------------------------------------------------------------


def _follow_imported(app, modname: str | None, fullname: str | None) -> str | None:
    """The module that defines ``modname.fullname`` (for ``Class.method``, the class's).

    ``None`` (viewcode then asks ``__module__`` itself) when the object cannot be imported.
    """
    if not modname or not fullname:
        return None
    try:
        obj = getattr(importlib.import_module(modname), fullname.split(".")[0])
    except Exception:  # noqa: BLE001 - viewcode only skips the link, as it does itself
        return None
    module = source_module(obj)
    return module if isinstance(module, str) else None


def setup(app):
    # the event is viewcode's: load it first, whatever the order of the extensions in _config.yml
    app.setup_extension("sphinx.ext.viewcode")
    app.connect("viewcode-follow-imported", _follow_imported)
    app.add_config_value("dlmath_api_prefix", "book/api/", "env")
    app.add_config_value("dlmath_list_functions", True, "env")
    app.add_node(theorem_index)
    app.add_node(dlmath_used)
    app.add_node(verified_count)
    app.add_role("verified-count", verified_count_role)
    app.add_directive("theorem-index", TheoremIndexDirective)
    app.connect("doctree-read", _collect)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-updated", _always_update)
    app.add_post_transform(FillPlaceholders)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
