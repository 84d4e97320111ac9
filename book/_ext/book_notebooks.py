"""Sphinx extension of the book: every chapter's download is a notebook that reads like the page.

The ``.ipynb`` offered in a chapter's download menu (``_sources/<page>.ipynb``) is written from
the executed chapter when the page is written:

* **executed**: the outputs are those of this build (merged from the execution cache), without
  the invisible records of ``glue`` (whose values are written into the text instead);
* **plain Markdown**: MyST directives and roles become what Jupyter, JupyterLab and Colab
  render. Theorems, definitions, remarks, exercises and solutions become headed blocks with the
  page's numbers ("Theorem 1.1 (Bayes predictors and excess risk)"), proofs end with ∎,
  ``{glue:text}`` becomes the glued number, ``{eq}``, ``{prf:ref}``, ``{ref}`` and ``{doc}``
  become the text the page shows ("(1.3)", "Theorem 3.2"), citations become "[Author, year]",
  and a labelled display equation carries its number as ``\\tag``;
* **the book's macros**: the first Markdown cell defines the macros of
  :data:`book_macros.MACROS` for MathJax;
* **an install cell**: it installs this build's ``dlmath`` where the kernel lacks it: the wheel
  that the book ships (``_static/dlmath/``, see :func:`build_wheel`) or, when ``repository.url``
  is set, the repository at the build's commit.

:func:`plain_markdown` is the converter, a pure function of the MyST text and a
:class:`Resolver`; the tests run it on every chapter.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys
from dataclasses import dataclass, field

from docutils import nodes
from sphinx.util import logging

from book_macros import mathjax_macros

logger = logging.getLogger(__name__)

#: where the HTML build keeps the wheel of dlmath (relative to the output folder)
WHEEL_DIR = "_static/dlmath"
#: the mime prefix of glue's invisible records (myst_nb.ext.glue)
GLUE_PREFIX = "application/papermill.record/"

# ---------------------------------------------------------------------------------------------
# the converter

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*?)\s*$")
_OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")
_ROLE = re.compile(r"\{(?P<name>[\w:+-]+)\}`(?P<text>[^`]*)`")
_TARGET = re.compile(r"^\s*\((?P<label>[^()\s]+)\)=\s*$")
_EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
_EQ_LABEL = re.compile(r"\$\$[ \t]*\((?P<label>[^()\s]+)\)[ \t]*$", re.M)

#: directive name -> the word of its heading
_ENUMERATED = {
    "prf:theorem": "Theorem",
    "prf:lemma": "Lemma",
    "prf:proposition": "Proposition",
    "prf:corollary": "Corollary",
    "prf:definition": "Definition",
    "prf:remark": "Remark",
    "prf:example": "Example",
    "prf:conjecture": "Conjecture",
    "prf:assumption": "Assumption",
    "prf:axiom": "Axiom",
    "prf:algorithm": "Algorithm",
    "prf:criterion": "Criterion",
    "prf:observation": "Observation",
    "prf:property": "Property",
    "exercise": "Exercise",
}


@dataclass
class Resolver:
    """What the converter needs to know of the built page.

    Attributes
    ----------
    glue : dict
        glue key -> its ``text/plain`` value.
    numbers : dict
        (kind, label) -> number as on the page ("1.3"); kinds are the sphinx-proof and
        sphinx-exercise node types and ``"displaymath"`` (label ``equation-<label>``).
    links : dict
        anchor -> the text of a resolved reference to it on this page ("(1.3)", "Theorem 1.1").
    citations : dict
        citation key -> ``(authors, year)`` as the page writes them ("Györfi et al.", "2002").
    titles : dict
        document name -> its title.
    docname : str
        the page's document name (for relative ``{doc}`` targets).
    """

    glue: dict = field(default_factory=dict)
    numbers: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)
    citations: dict = field(default_factory=dict)
    titles: dict = field(default_factory=dict)
    docname: str = ""

    def glued(self, spec: str) -> str:
        from myst_nb.core.variables import format_plain_text

        key, _, fmt = spec.partition(":")
        if key not in self.glue:
            raise KeyError(f"{self.docname}: no glued value {key!r}")
        return format_plain_text(self.glue[key], fmt)

    def number(self, kind: str, label: str) -> str:
        return self.numbers.get((kind, label), "")

    def link_text(self, label: str, default: str) -> str:
        for anchor in (label, nodes.make_id(label)):
            if anchor in self.links:
                return self.links[anchor]
        return default

    def doc_title(self, target: str) -> str:
        target = target.strip()
        if target.startswith("/"):
            name = target.lstrip("/")
        else:
            name = os.path.normpath(os.path.join(os.path.dirname(self.docname), target)).replace(os.sep, "/")
        name = re.sub(r"\.(md|ipynb|rst)$", "", name)
        return self.titles.get(name, target)

    def cite(self, keys: str, textual: bool) -> str:
        parts = []
        for key in (k.strip() for k in keys.split(",") if k.strip()):
            authors, year = self.citations.get(key, (key, ""))
            if textual:
                parts.append(f"{authors} [{year}]" if year else authors)
            else:
                parts.append(f"{authors}, {year}" if year else authors)
        return ", ".join(parts) if textual else "[" + "; ".join(parts) + "]"


def _split_explicit(text: str) -> tuple[str | None, str]:
    match = _EXPLICIT.match(text)
    if match and match.group("text"):
        return match.group("text"), match.group("target").strip()
    return None, text.strip()


def _role(match: re.Match, res: Resolver) -> str:
    name, text = match.group("name"), match.group("text")
    if name in ("glue:text", "glue", "glue:"):
        return res.glued(text)
    if name in ("cite", "cite:p", "cite:ps", "cite:alp"):
        return res.cite(text, textual=False)
    if name in ("cite:t", "cite:ts", "cite:ct", "cite:author"):
        return res.cite(text, textual=True)
    if name == "math":
        return f"${text}$"
    explicit, target = _split_explicit(text)
    if name == "eq":
        number = res.number("displaymath", nodes.make_id("equation-" + target))
        return f"({number})" if number else res.link_text("equation-" + target, f"({target})")
    if explicit is not None:
        return explicit
    if name == "doc":
        return res.doc_title(target)
    if name in ("prf:ref", "ref", "numref", "prf:proof"):
        return res.link_text(target, target)
    # any other role: its text, as the page shows it
    return target


def _heading(name: str, arg: str, options: dict, res: Resolver) -> str:
    word = _ENUMERATED[name]
    kind = name.split(":")[-1]
    number = res.number(kind, options.get("label", ""))
    head = f"{word} {number}" if number else word
    return f"#### {head} ({arg})" if arg else f"#### {head}"


def _directive(name: str, arg: str, options: dict, body: str, res: Resolver) -> str:
    body = body.strip("\n")
    if name in _ENUMERATED:
        return _heading(name, arg, options, res) + "\n\n" + body
    if name == "prf:proof":
        return "*Proof.* " + body + " $\\blacksquare$"
    if name == "solution":
        number = res.number("exercise", arg)
        return f"#### Solution to Exercise {number}" + "\n\n" + body if number else "#### Solution\n\n" + body
    if name in ("admonition", "note", "important", "tip", "warning", "seealso"):
        title = arg or name.capitalize()
        return f"**{title}.** " + body
    if name == "demo-source":
        from book_source import demo_source

        code, module = demo_source(arg.strip())
        short = arg.strip().rpartition(".")[2]
        return f"<details><summary>Source of {short} (in {module})</summary>\n\n```python\n{code}\n```\n\n</details>"
    if name in ("math",):
        return "$$\n" + body + "\n$$"
    if name == "raw":
        return body if arg.strip() == "html" else ""
    # an unknown directive: its argument as a heading, then its content
    return (f"**{arg}**\n\n" if arg else "") + body


_CODE_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?!\{)[\w+-]*\s*$")


def plain_markdown(text: str, res: Resolver) -> str:
    """The MyST Markdown ``text`` of one cell as plain Markdown (see the module docstring)."""
    code: list[str] = []  # code blocks, kept out of the role and equation rewriting
    text = _markdown_blocks(text, res, code)
    text = _ROLE.sub(lambda m: _role(m, res), text)

    def tag(match: re.Match) -> str:
        number = res.number("displaymath", nodes.make_id("equation-" + match.group("label")))
        return f"\\tag{{{number}}} $$" if number else "$$"

    text = _EQ_LABEL.sub(tag, text)
    for k, block in enumerate(code):
        text = text.replace(f"\x00code{k}\x00", block)
    return text


def _markdown_blocks(text: str, res: Resolver, code: list[str]) -> str:
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        plain = _CODE_FENCE.match(lines[i])
        if plain is not None:  # a code block: verbatim
            closing = re.compile(rf"^ *{re.escape(plain.group('fence'))}\s*$")
            j = i + 1
            while j < len(lines) and not closing.match(lines[j]):
                j += 1
            code.append("\n".join(lines[i : j + 1]))
            out.append(f"\x00code{len(code) - 1}\x00")
            i = j + 1
            continue
        match = _FENCE.match(lines[i])
        if match is None:
            if not _TARGET.match(lines[i]):
                out.append(lines[i])
            i += 1
            continue
        indent, fence = match.group("indent"), match.group("fence")
        closing = re.compile(rf"^{indent}{re.escape(fence)}{re.escape(fence[0])}*\s*$")
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            j += 1
        body = [line[len(indent) :] if line.startswith(indent) else line for line in lines[i + 1 : j]]
        options: dict[str, str] = {}
        while body and _OPTION.match(body[0]):
            opt = _OPTION.match(body[0])
            options[opt.group("key")] = opt.group("value")
            body.pop(0)
        name = match.group("name")
        if name == "demo-source":
            code.append(_directive(name, match.group("arg"), options, "", res))
            out.append(f"\x00code{len(code) - 1}\x00")
        else:
            inner = _markdown_blocks("\n".join(body), res, code)
            rendered = _directive(name, match.group("arg"), options, inner, res)
            out.extend(indent + line if line else line for line in rendered.split("\n"))
        i = j + 1
    return "\n".join(out)


def macro_definitions() -> str:
    """The book's macros (:func:`book_macros.mathjax_macros`, as the HTML pages define them) as
    MathJax ``\\newcommand`` definitions, in one inline formula."""
    parts = []
    for name, value in mathjax_macros().items():
        body, nargs = value if isinstance(value, list) else (value, 0)
        args = f"[{nargs}]" if nargs else ""
        parts.append(rf"\newcommand{{\{name}}}{args}{{{body}}}")
    return "$" + "".join(parts) + "$"


# ---------------------------------------------------------------------------------------------
# the wheel and the install cell


def build_wheel(outdir: pathlib.Path, project: pathlib.Path, fingerprint: str) -> pathlib.Path | None:
    """The wheel of ``dlmath`` in ``outdir/_static/dlmath``; the path of the wheel, or ``None``
    when it cannot be built.

    Wheels are built once per package fingerprint into ``project/_build/.wheels/<fingerprint>``
    and copied from there (the tests build several small books).
    """
    import shutil

    store = project / "_build" / ".wheels" / fingerprint
    wheels = sorted(store.glob("dlmath-*.whl"))
    if not wheels:
        store.mkdir(parents=True, exist_ok=True)
        had_build = (project / "build").exists()
        cmd = [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(store), "."]
        try:
            subprocess.run(cmd, cwd=project, check=True, capture_output=True, text=True, timeout=300)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            logger.warning(f"book_notebooks: cannot build the wheel of dlmath: {exc}")
            return None
        finally:
            if not had_build:  # pip builds in the tree: leave the source folder as it was
                shutil.rmtree(project / "build", ignore_errors=True)
        for old in store.parent.iterdir():
            if old != store:
                shutil.rmtree(old, ignore_errors=True)
        wheels = sorted(store.glob("dlmath-*.whl"))
        if not wheels:
            return None
    folder = pathlib.Path(outdir) / WHEEL_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("dlmath-*.whl"):
        if old.name != wheels[-1].name:
            old.unlink()
    target = folder / wheels[-1].name
    shutil.copyfile(wheels[-1], target)
    return target


@functools.cache
def git_commit(folder: pathlib.Path) -> str | None:
    """The commit checked out in ``folder`` (once per build: every page's install cell names it)."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=folder, check=True, capture_output=True, text=True, timeout=10
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
        return None
    return out.stdout.strip() or None


def install_source(repository_url: str, commit: str | None, wheel_url: str | None) -> str:
    """What ``pip install`` gets in the install cell: the repository at ``commit`` when a
    repository is set, else the wheel of the book."""
    if repository_url:
        ref = f"@{commit}" if commit else ""
        return f"dlmath @ git+{repository_url.rstrip('/')}{'' if repository_url.endswith('.git') else '.git'}{ref}"
    return wheel_url or "dlmath"


def install_cell(source: str, wheel_name: str | None) -> dict:
    where = (
        f"# This is the dlmath of the build that wrote this notebook. {wheel_name} is offered on the\n"
        "# book's front page: download it beside this notebook, or change the path below.\n"
        if wheel_name and not source.startswith("dlmath @")
        else "# This is the dlmath of the build that wrote this notebook.\n"
    )
    code = (
        "# Install dlmath where the kernel does not have it (Colab, a fresh environment).\n"
        + where
        + "import importlib.util, subprocess, sys\n"
        + "if importlib.util.find_spec('dlmath') is None:\n"
        + f"    subprocess.check_call([sys.executable, '-m', 'pip', 'install', '-q', {source!r}])"
    )
    return {
        "cell_type": "code",
        "execution_count": None,
        "id": "install-dlmath",
        "metadata": {"tags": ["install"]},
        "outputs": [],
        "source": code,
    }


# ---------------------------------------------------------------------------------------------
# the page's notebook


def _is_glue_record(output: dict) -> bool:
    data = output.get("data", {})
    return bool(data) and all(k.startswith(GLUE_PREFIX) for k in data)


def glue_values(nb: dict) -> dict[str, str]:
    """glue key -> ``text/plain`` of every value glued in an executed notebook."""
    values = {}
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            name = output.get("metadata", {}).get("scrapbook", {}).get("name")
            if not name:
                continue
            data = output.get("data", {})
            prefix = output["metadata"]["scrapbook"].get("mime_prefix", "")
            text = data.get(prefix + "text/plain", data.get("text/plain"))
            if text is not None:
                values[name] = "".join(text) if isinstance(text, list) else text
    return values


def executed_notebook(app, pagename: str) -> dict | None:
    """The page's notebook with the outputs of this build (from the execution cache)."""
    folder = pathlib.Path(app.outdir).parent / "jupyter_execute"
    path = folder.joinpath(*(pagename + ".ipynb").split("/"))
    if not path.is_file():
        return None
    nb = json.loads(path.read_text(encoding="utf8"))
    import nbformat
    from jupyter_cache import get_cache

    # the cache holds every output, glue records included (MyST-NB drops those from the copy)
    cache = get_cache(app.config.nb_execution_cache_path)
    try:
        _, merged = cache.merge_match_into_notebook(nbformat.reads(json.dumps(nb), as_version=4))
    except Exception as exc:  # no match (KeyError) or an unreadable cache entry
        logger.warning(f"book_notebooks: {pagename} has no executed notebook in the cache: {exc}")
        return nb
    return json.loads(nbformat.writes(merged))


def _resolver(app, pagename: str, doctree, nb: dict) -> Resolver:
    env = app.env
    numbers = {}
    for kind, table in env.toc_fignumbers.get(pagename, {}).items():
        for label, number in table.items():
            numbers[(kind, label)] = ".".join(map(str, number))
    cite_domain = env.get_domain("cite")
    citation_ids = {c.citation_id: c.key for c in getattr(cite_domain, "citations", [])}
    links: dict[str, str] = {}
    citations: dict[str, tuple[str, str]] = {}
    for ref in doctree.findall(nodes.reference):
        uri = ref.get("refuri") or ""
        anchor = uri.partition("#")[2] if "#" in uri else ref.get("refid", "")
        if not anchor:
            continue
        text = ref.astext().strip()
        key = citation_ids.get(anchor)
        if key is not None:
            parsed = re.match(r"^(?P<a>.*?)(?:,\s*|\s*\[)(?P<y>\d{4}[a-z]?)\]?$", text)
            if parsed and key not in citations:
                citations[key] = (parsed.group("a"), parsed.group("y"))
            continue
        links.setdefault(anchor, text)
    titles = {name: title.astext() for name, title in env.titles.items()}
    return Resolver(
        glue=glue_values(nb), numbers=numbers, links=links, citations=citations, titles=titles, docname=pagename
    )


def reader_notebook(nb: dict, res: Resolver, cell: dict) -> dict:
    """The notebook a reader downloads: plain Markdown, the book's macros, the install ``cell``,
    no glue records; code cells hidden on the page are collapsed."""
    nb = copy.deepcopy(nb)
    cells = []
    first_markdown = True
    for c in nb["cells"]:
        if c["cell_type"] == "markdown":
            source = plain_markdown("".join(c["source"]) if isinstance(c["source"], list) else c["source"], res)
            if first_markdown:
                head, _, rest = source.partition("\n")
                source = head + "\n\n" + macro_definitions() + "\n" + rest
            c["source"] = source
            cells.append(c)
            if first_markdown:
                cells.append(cell)
                first_markdown = False
            continue
        if c["cell_type"] == "code":
            c["outputs"] = [o for o in c.get("outputs", []) if not _is_glue_record(o)]
            tags = set(c.get("metadata", {}).get("tags", []))
            if tags & {"hide-input", "remove-input"}:
                c.setdefault("metadata", {}).setdefault("jupyter", {})["source_hidden"] = True
            if "remove-output" in tags:  # widgets: their views need the kernel that made them
                c["outputs"] = []
            if "remove-cell" in tags:
                c["metadata"].setdefault("jupyter", {})["source_hidden"] = True
                c["metadata"]["jupyter"]["outputs_hidden"] = True
        cells.append(c)
    nb["cells"] = cells
    nb.get("metadata", {}).pop("source_map", None)
    return nb


def _page_context(app, pagename, templatename, context, doctree) -> None:
    """Write the reader's notebook of a chapter and offer it in the download menu."""
    if app.builder.format != "html" or doctree is None:
        return
    nb = executed_notebook(app, pagename)
    if nb is None:
        return
    url = (app.config.html_theme_options.get("repository_url") or "").strip()
    wheel = getattr(app, "dlmath_wheel", None)
    base = (app.config.html_baseurl or "").rstrip("/")
    wheel_url = None
    if wheel is not None:
        wheel_url = f"{base}/{WHEEL_DIR}/{wheel.name}" if base else wheel.name
    source = install_source(url, git_commit(pathlib.Path(app.srcdir)), wheel_url)
    cell = install_cell(source, wheel.name if wheel is not None else None)
    out = reader_notebook(nb, _resolver(app, pagename, doctree, nb), cell)
    target = pathlib.Path(app.outdir) / "_sources" / (pagename + ".ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf8")
    context["ipynb_source"] = pagename + ".ipynb"


def _builder_inited(app) -> None:
    app.dlmath_wheel = None
    if app.builder.format != "html":
        return
    from book_pages import find_pyproject

    pyproject = find_pyproject()
    if pyproject is None:
        return
    # the package fingerprint that keys the execution cache (book_pages, at config-inited)
    cache = pathlib.Path(app.config.nb_execution_cache_path).name
    if not cache.startswith("dlmath-"):
        raise RuntimeError(f"book_notebooks needs book_pages (the keyed execution cache), got {cache}")
    fingerprint = cache.removeprefix("dlmath-")
    app.dlmath_wheel = build_wheel(pathlib.Path(app.outdir), pyproject.parent, fingerprint)


def wheel_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{dlmath-wheel}`link text```: a link to the wheel of ``dlmath`` that this build ships."""
    env = inliner.document.settings.env
    depth = env.docname.count("/")
    folder = pathlib.Path(env.app.outdir) / WHEEL_DIR
    wheels = sorted(folder.glob("dlmath-*.whl"))
    if not wheels:
        return [nodes.Text(text)], []
    uri = "../" * depth + f"{WHEEL_DIR}/{wheels[-1].name}"
    return [nodes.reference(rawtext, f"{text} ({wheels[-1].name})", refuri=uri, classes=["dlmath-wheel"])], []


def repository_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{dlmath-repository}`link text```: a link to ``repository.url`` when it is set, else the
    text followed by "(the folder that holds ``pyproject.toml``)"."""
    env = inliner.document.settings.env
    url = (env.config.html_theme_options.get("repository_url") or "").strip()
    if url:
        return [nodes.reference(rawtext, text, refuri=url, classes=["dlmath-repository"])], []
    return [nodes.Text(f"{text} (the folder that holds pyproject.toml)")], []


def _source_hash() -> int:
    return int(hashlib.sha256(pathlib.Path(__file__).read_bytes()).hexdigest()[:7], 16)


def setup(app):
    app.add_role("dlmath-wheel", wheel_role)
    app.add_role("dlmath-repository", repository_role)
    app.connect("builder-inited", _builder_inited)
    # before the theme's header buttons (priority 501), which read ``ipynb_source``
    app.connect("html-page-context", _page_context, priority=500)
    # the notebooks are written with the pages: a change of the converter rewrites every page
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1", "env_version": _source_hash()}
