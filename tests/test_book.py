"""The book build: every chapter executes, and any error fails the build.

``test_book_executes_every_chapter`` builds the whole book with the flags of ``make book``
(``tools/book_config.py``) into a temporary folder and checks every page of the table of
contents. If the environment variable ``DLMATH_BOOK_BUILD`` names a folder that holds a
completed build of this checkout (``_build`` after ``make book``, as in ``.ci/run``), that build
is inspected instead of building a second time. The tests marked ``book`` build the book or a
tiny book with its configuration; the others read the configuration only.
"""

from __future__ import annotations

import html as html_lib
import importlib.metadata
import json
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
import tomllib

# tools/ and book/_ext are on sys.path (pytest's ``pythonpath`` in pyproject.toml)
import book_pages
from book_config import ROOT, build_book, chapter_files, load_config, markdown_pages, write_config

book = pytest.mark.book


@book
def test_book_executes_every_chapter(book_html):
    for page in markdown_pages():
        source = (ROOT / page).with_suffix(".md").read_text()
        html_path = book_html / f"{page}.html"
        assert html_path.is_file(), f"{page} was not built"
        html = html_path.read_text()
        n_cells = len(re.findall(r"^```\{code-cell\}", source, flags=re.M))
        # folded cells carry their tags as classes: "cell tag_hide-input docutils container"
        n_executed = len(re.findall(r'class="cell(?: [\w-]+)*? docutils container"', html))
        assert n_executed == n_cells, f"{page}: {n_cells} code cells in the source, {n_executed} in the page"
        assert "Traceback (most recent call last)" not in html, f"{page} shows a traceback"
        # every glued number was replaced by its value (pages without cells may show the syntax)
        if n_cells:
            assert "{glue" not in html, f"{page} has an unresolved glue reference"


@book
def test_theorem_labels_are_rendered(book_html):
    labels = []
    for page in markdown_pages():
        text = (ROOT / page).with_suffix(".md").read_text()
        labels += [(page, m) for m in re.findall(r"^:label:\s*([a-z_]+-[a-z0-9_]+)\s*$", text, flags=re.M)]
    for page, label in labels:
        html = (book_html / f"{page}.html").read_text()
        assert f'id="{label}"' in html, f"{label} is not an anchor of {page}"


def _tiny_book(tmp_path: pathlib.Path, body: str) -> pathlib.Path:
    """A one-page book with the book's configuration, extensions and bibliography."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(ROOT / "references.bib", src / "references.bib")
    # the book's configuration without the example gallery (it needs code/examples)
    config = load_config()
    config["sphinx"]["extra_extensions"].remove("sphinx_gallery.gen_gallery")
    del config["sphinx"]["config"]["sphinx_gallery_conf"]
    write_config(config, src / "_config.yml")
    shutil.copytree(ROOT / "book" / "_ext", src / "book" / "_ext")
    shutil.copytree(ROOT / "book" / "_latex", src / "book" / "_latex")
    shutil.copytree(ROOT / "book" / "_static", src / "book" / "_static")
    (src / "_mathjax").mkdir()
    (src / "_thebe").mkdir()
    (src / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    header = (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n# A page\n\n"
    )
    (src / "page.md").write_text(header + body)
    return src


@book
def test_tiny_book_with_good_cell_builds(tmp_path):
    src = _tiny_book(tmp_path, "```{code-cell} ipython3\nx = 1 + 1\nprint(x)\n```\n")
    proc = build_book(src, tmp_path / "out")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


@book
def test_raising_cell_fails_the_build(tmp_path):
    src = _tiny_book(tmp_path, "```{code-cell} ipython3\nraise RuntimeError('deliberate failure')\n```\n")
    proc = build_book(src, tmp_path / "out")
    assert proc.returncode != 0
    assert "deliberate failure" in proc.stdout + proc.stderr


@book
def test_sphinx_warning_fails_the_build(tmp_path):
    src = _tiny_book(tmp_path, "A reference to {prf:ref}`no-such-theorem`.\n")
    proc = build_book(src, tmp_path / "out")
    assert proc.returncode != 0
    assert "no-such-theorem" in proc.stdout + proc.stderr


@book
def test_warning_in_a_cell_output_fails_the_build(tmp_path):
    cell = "```{code-cell} ipython3\nimport warnings\nwarnings.warn('deliberate warning', UserWarning)\n```\n"
    proc = build_book(_tiny_book(tmp_path, cell), tmp_path / "out")
    assert proc.returncode != 0
    assert "a cell prints a warning" in proc.stdout + proc.stderr


def _visible_text(html: str) -> str:
    """Page text outside code, scripts and typeset math."""
    html = re.sub(r"<(pre|script|code)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(r'<(span|div) class="math[^"]*">.*?</\1>', " MATH ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", "", html)
    return html_lib.unescape(html)


@book
def test_no_untypeset_math(book_html):
    # A dollar sign left in the visible text is math that the parser did not recognise.
    for page in markdown_pages():
        text = _visible_text((book_html / f"{page}.html").read_text())
        leftovers = [m.group(0) for m in re.finditer(r".{0,40}\$.{0,40}", text)]
        assert not leftovers, f"{page}: raw $ in the text: {leftovers[:3]}"


@book
def test_package_change_invalidates_the_execution_cache(tmp_path):
    """Rebuilding after a change to dlmath re-executes the chapter, although its cells are unchanged."""
    pkg = tmp_path / "pkg"
    shutil.copytree(ROOT / "code" / "dlmath", pkg / "dlmath", ignore=shutil.ignore_patterns("__pycache__"))
    body = "```{code-cell} ipython3\nfrom dlmath.utils import loglog_slope\nprint('slope', loglog_slope([1, 2, 4], [1, 4, 16]))\n```\n"
    src = _tiny_book(tmp_path, body)
    out = tmp_path / "out"

    def build() -> str:
        proc = build_book(src, out, env={"PYTHONPATH": str(pkg)}, timeout=600)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        return (out / "_build" / "html" / "page.html").read_text()

    first = build()
    assert "slope 2.0" in first
    caches = sorted(p.name for p in (out / "_build" / ".jupyter_cache").iterdir())
    # an unchanged package reuses the executed notebook
    (src / "page.md").write_text((src / "page.md").read_text() + "\nMore text.\n")
    assert "slope 2.0" in build()
    assert sorted(p.name for p in (out / "_build" / ".jupyter_cache").iterdir()) == caches
    # change a package function only: the chapter must be executed again and show the new value
    utils = pkg / "dlmath" / "utils.py"
    utils.write_text(
        utils.read_text() + "\n\n_original_slope = loglog_slope\n\n"
        "def loglog_slope(x, y):\n    return 2 * _original_slope(x, y)\n"
    )
    changed = build()
    assert "slope 4.0" in changed, "a change to dlmath did not re-execute the chapter (stale cache)"
    assert sorted(p.name for p in (out / "_build" / ".jupyter_cache").iterdir()) != caches


@book
@pytest.mark.parametrize("url", ["", "https://github.com/example-org/dl-notes"])
def test_repository_url_drives_launch_and_edit_links(tmp_path, url):
    src = _tiny_book(tmp_path, "```{code-cell} ipython3\nprint(1 + 1)\n```\n")
    config = load_config(src / "_config.yml")
    config["repository"]["url"] = url
    write_config(config, src / "_config.yml")
    proc = build_book(src, tmp_path / "out")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    html_dir = tmp_path / "out" / "_build" / "html"
    page = (html_dir / "page.html").read_text()
    # the executed notebook is always offered for download
    assert (html_dir / "_sources" / "page.ipynb").is_file() and "page.ipynb" in page
    colab = "https://colab.research.google.com/github/example-org/dl-notes/blob/gh-pages/_sources/page.ipynb"
    edit = "https://github.com/example-org/dl-notes/edit/main/page.md"
    live = json.loads(
        re.search(r'<script id="dlmath-live-config" type="application/json">(.*?)</script>', page).group(1)
    )
    if url:
        assert colab in page and edit in page
        nb = (html_dir / "_sources" / "page.ipynb").read_text()
        assert "dlmath @ git+https://github.com/example-org/dl-notes" in nb
        # "Run live" starts Binder on the book's repository
        assert live["binder"]["repo"] == "example-org/dl-notes" and live["binder"]["ref"]
        assert live["binder"]["binderUrl"] == "https://mybinder.org"
    else:
        assert "colab.research.google.com" not in page and "/edit/" not in page
        assert live == {}
    # no left-over of sphinx-thebe: Thebe 0.8 on a CDN and a Binder repository not the book's
    for gone in ("THEBE_JS_URL", "unpkg.com", "binder-examples", "sphinx-thebe", "text/x-thebe-config"):
        assert gone not in page, f"the page still holds {gone!r}"


# ------------------------------------------------------------------ one place for the build settings


def test_build_flags_are_typed_once():
    """The flags of ``jupyter-book build`` live in tools/book_config.py; the rest reads them."""
    import book_config

    # the Makefile reads them with the system Python before the venv exists: no PyYAML needed
    proc = subprocess.run(
        [sys.executable, "-S", str(ROOT / "tools" / "book_config.py"), "flags"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == list(book_config.BUILD_FLAGS)
    assert "$(shell $(PYTHON) tools/book_config.py flags)" in (ROOT / "Makefile").read_text()
    files = [
        ROOT / "Makefile",
        *sorted((ROOT / "tools").glob("*.py")),
        *sorted((ROOT / "benchmarks").glob("*.py")),
        *sorted((ROOT / "tests").glob("*.py")),
    ]
    # the last flag quoted (an item of a list), or all flags in a row (a command line)
    last = book_config.BUILD_FLAGS[-1]
    typed_flags = re.compile("|".join([f"[\"']{re.escape(last)}[\"']", re.escape(" ".join(book_config.BUILD_FLAGS))]))
    typed = [
        f.relative_to(ROOT).as_posix()
        for f in files
        if f.name != "book_config.py" and typed_flags.search(f.read_text())
    ]
    assert not typed, f"the build flags are typed again in {typed}"


def test_toc_reading_covers_parts_chapters_and_sections(tmp_path):
    import book_config

    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: intro\nparts:\n  - caption: One\n    chapters:\n      - file: a\n"
        "        sections:\n          - file: a1\n            sections:\n              - file: a11\n"
        "chapters:\n  - file: b\n"
    )
    assert book_config.toc_files(tmp_path / "_toc.yml") == ["intro", "a", "a1", "a11", "b"]
    for name, text in {"intro": "# Intro\n", "a": "```{code-cell} ipython3\n1\n```\n", "b": "# B\n"}.items():
        (tmp_path / f"{name}.md").write_text(text)
    assert book_config.markdown_pages(tmp_path / "_toc.yml", tmp_path) == ["intro", "a", "b"]
    assert book_config.chapter_files(tmp_path / "_toc.yml", tmp_path) == ["a"]


# ------------------------------------------------------------------ dependencies from pyproject.toml


def _pyproject_dependencies() -> list[str]:
    requirements = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    return [re.match(r"[A-Za-z0-9._-]+", r).group(0) for r in requirements]


def test_runtime_dependencies_are_read_from_pyproject():
    names = _pyproject_dependencies()
    assert {"scikit-learn", "scikit-image"} <= set(names)
    assert book_pages.runtime_dependencies() == names
    assert book_pages.runtime_dependencies(ROOT / "pyproject.toml") == names


@pytest.mark.parametrize("name", _pyproject_dependencies())
def test_dependency_upgrade_invalidates_the_execution_cache(monkeypatch, name):
    """The cache key holds the installed version of every runtime dependency of pyproject.toml."""
    before = book_pages.package_fingerprint()
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda d: "999.0" if d == name else real(d))
    assert book_pages.package_fingerprint() != before, f"an upgrade of {name} keeps the cached chapters"
    monkeypatch.undo()
    assert book_pages.package_fingerprint() == before


@book
def test_api_page_lists_the_runtime_dependencies_of_pyproject(book_html):
    text = _visible_text((book_html / "book" / "api" / "index.html").read_text())
    assert book_pages._english_list(_pyproject_dependencies()) in " ".join(text.split())


# ------------------------------------------------------------------ [source] links (viewcode)

_SOURCE_LINK = (
    r'href="((?:\.\./)*_modules/{package}/([A-Za-z0-9_]+)\.html)#{name}"[^>]*>\s*<span class="viewcode-link">'
)


@book
def test_api_entries_link_to_the_defining_module(book_html):
    """The facade sets ``__module__ = "dlmath.kernels"``; [source] opens the topic module."""
    page = (book_html / "book" / "api" / "kernels.html").read_text()
    match = re.search(_SOURCE_LINK.format(package="dlmath/kernels", name="ntk_kernel"), page)
    assert match, "the API entry of dlmath.kernels.ntk_kernel has no [source] link into _modules/dlmath/kernels/"
    assert match.group(2) != "__init__"
    source = (book_html / "book" / "api" / match.group(1)).resolve()
    assert source.is_file(), match.group(1)
    html = source.read_text()
    assert "ntk_kernel" in html and "kernels.html#dlmath.kernels.ntk_kernel" in html  # and back to the entry


@book
def test_source_links_of_a_facade_in_html_and_not_in_latex(tmp_path):
    """viewcode follows ``__source_module__``; the LaTeX (PDF) build is built as before, without it."""
    pkg = tmp_path / "pkg" / "facadepkg"
    pkg.mkdir(parents=True)
    (pkg / "topic.py").write_text('def double(x):\n    """Twice ``x``."""\n    return 2 * x\n')
    (pkg / "__init__.py").write_text(
        '"""A facade."""\nfrom dlmath._export import publish\n\nfrom .topic import double\n\n'
        '__all__ = ["double"]\npublish(__name__, globals(), __all__)\n'
    )
    src = _tiny_book(tmp_path, "```{eval-rst}\n.. automodule:: facadepkg\n   :members:\n```\n")
    env = {"PYTHONPATH": str(tmp_path / "pkg")}
    proc = build_book(src, tmp_path / "html", env=env, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    html = tmp_path / "html" / "_build" / "html"
    match = re.search(_SOURCE_LINK.format(package="facadepkg", name="double"), (html / "page.html").read_text())
    assert match and match.group(2) == "topic", "no [source] link into _modules/facadepkg/topic.html"
    assert (html / "_modules" / "facadepkg" / "topic.html").is_file()
    proc = build_book(src, tmp_path / "latex", env=env, builder="latex", timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    (tex,) = (tmp_path / "latex" / "_build" / "latex").glob("*.tex")
    text = tex.read_text()
    assert "Twice" in text and "[source]" not in text and "_modules" not in text
    assert not (tmp_path / "latex" / "_build" / "latex" / "_modules").exists()


@book
def test_runtime_dependencies_role_reads_pyproject(tmp_path):
    """``{runtime-dependencies}`dlmath``` writes what pyproject.toml lists, and nothing typed."""
    src = _tiny_book(tmp_path, "Dependencies: {runtime-dependencies}`dlmath`.\n")
    (src / "pyproject.toml").write_text(
        '[project]\nname = "dlmath"\ndependencies = ["torch>=2.2", "numpy>=1.24", "some-new-dependency>=1"]\n'
    )
    proc = build_book(src, tmp_path / "out", timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    page = (tmp_path / "out" / "_build" / "html" / "page.html").read_text()
    assert "Dependencies: torch, numpy and some-new-dependency." in page


@book
def test_pdf_title_page_does_not_repeat_the_title(book_html):
    """The LaTeX source of ``make pdf`` names no author equal to the title."""
    import re

    tex = book_html.parent / "latex" / "book.tex"
    if not tex.is_file():
        pytest.skip(f"{tex} is made by `make pdf` (CI runs it before the tests)")
    source = tex.read_text(encoding="utf8")
    title = re.search(r"\\title\{(.*?)\}", source).group(1)
    author = re.search(r"\\author\{(.*?)\}", source).group(1)
    assert author.strip() != title.strip(), f"the title page repeats the title {title!r} as its author"


def test_code_on_the_page_is_mostly_mathematics():
    """At most a third of the code lines a chapter page shows are bookkeeping (imports, glue,
    checks, style), counted by tools/count_bookkeeping.py, and every shown line fits the
    code box (88 characters)."""
    from book_config import chapter_files
    from count_bookkeeping import HIDDEN_TAGS, code_cells, count_chapter

    visible = bookkeeping = 0
    for page in chapter_files():
        path = pathlib.Path(__file__).resolve().parents[1] / f"{page}.md"
        v, b = count_chapter(path)
        assert v > 0, f"{page} shows no code"
        visible, bookkeeping = visible + v, bookkeeping + b
        for tags, source in code_cells(path.read_text(encoding="utf8")):
            if not tags & HIDDEN_TAGS:
                long = [line for line in source.split("\n") if len(line) > 88]
                assert not long, f"{page}: code lines wider than the code box: {long}"
    assert bookkeeping <= visible / 3, f"{bookkeeping} of {visible} shown code lines are bookkeeping"


def test_bookkeeping_count_sees_glue_checks_and_imports():
    from count_bookkeeping import count_cell

    cell = (
        "import numpy as np\n%matplotlib inline\nres = demo(width=8)\n# a comment\n\n"
        'glue("k", float(res.x),\n     display=False)\ncheck("id", res).glue()\nres.plot();\n'
    )
    assert count_cell(cell) == (7, 5)


def test_plain_markdown_of_myst_directives_and_roles():
    """The notebook converter: headed blocks with the page's numbers, glued values, references
    and citations as text, equation numbers as tags; nested fences."""
    from book_notebooks import Resolver, plain_markdown

    res = Resolver(
        glue={"k": "0.123456", "n": "40"},
        numbers={("theorem", "thm-a"): "3.2", ("exercise", "ex-a"): "3.1", ("displaymath", "equation-eq-a"): "3.4"},
        links={"thm-a": "Theorem 3.2"},
        citations={"smith2020": ("Smith et al.", "2020")},
        titles={"book/part1/ch01": "Risk"},
        docname="book/part2/ch03",
    )
    source = (
        "(sec-a)=\n## Section\n\n"
        "````{prf:theorem} Title\n:label: thm-a\n\nBody $x$ with {glue:text}`k:.3f` and {glue:text}`n`.\n\n"
        "```{prf:remark}\nInner.\n```\n````\n\n"
        "```{prf:proof}\nBy {eq}`eq-a`, {prf:ref}`thm-a`, {prf:ref}`the theorem <thm-a>` and {cite}`smith2020`;"
        " {cite:t}`smith2020`; see {doc}`../part1/ch01`.\n```\n\n"
        "$$\nx = 1\n$$ (eq-a)\n\n"
        "```{exercise} Ex\n:label: ex-a\n\nDo it.\n```\n\n```{solution} ex-a\nDone.\n```\n"
    )
    out = plain_markdown(source, res)
    assert "(sec-a)=" not in out and "```" not in out and "{" not in out.replace("\\tag{3.4}", "")
    assert "#### Theorem 3.2 (Title)" in out and "#### Remark" in out
    assert "Body $x$ with 0.123 and 40." in out
    assert "*Proof.* By (3.4), Theorem 3.2, the theorem and [Smith et al., 2020]; Smith et al. [2020]; see Risk." in out
    assert "$\\blacksquare$" in out
    assert "x = 1\n\\tag{3.4} $$" in out
    assert "#### Exercise 3.1 (Ex)" in out and "#### Solution to Exercise 3.1" in out


def test_notebook_macros_match_the_book_macros():
    import re

    from book_macros import MACROS, mathjax_macros
    from book_notebooks import macro_definitions

    defs = macro_definitions()
    found = dict(re.findall(r"\\newcommand\{\\([A-Za-z]+)\}(?:\[\d\])?\{(.*?)\}(?=\\newcommand|\$)", defs))
    assert set(found) == set(MACROS)
    for name, value in mathjax_macros().items():
        body = value[0] if isinstance(value, list) else value
        assert found[name] == body, (name, found[name], body)


def test_plain_markdown_keeps_code_blocks_verbatim():
    from book_notebooks import Resolver, plain_markdown

    block = "```python\ns = r':math:`\\sqrt{12}` and {eq}`x`'\n```"
    out = plain_markdown("Text {glue:text}`k`.\n\n" + block + "\n", Resolver(glue={"k": "7"}))
    assert out == "Text 7.\n\n" + block + "\n"


@book
def test_citation_labels_match_the_bibliography(book_html):
    """A citation in the text reads as the label of the entry it links to."""
    refs = (book_html / "book" / "references.html").read_text(encoding="utf8")
    labels = {
        m.group(1): re.sub(r"<[^>]+>", "", m.group(2)).strip()
        for m in re.finditer(
            r'<div class="citation" id="([^"]+)"[^>]*>\s*<span class="label"><span class="fn-bracket">\[</span>(.*?)'
            r'<span class="fn-bracket">\]</span>',
            refs,
            re.S,
        )
    }
    assert labels, "no labelled entry in the bibliography"
    assert not any(label.isdigit() for label in labels.values()), "the bibliography is numbered"
    n = 0
    for page in chapter_files():
        html = (book_html / f"{page}.html").read_text(encoding="utf8")
        for m in re.finditer(
            r'<a class="reference internal" href="[./]*references\.html#([^"]+)"[^>]*>(.*?)</a>', html
        ):
            text = html_lib.unescape(re.sub(r"<[^>]+>", "", m.group(2))).strip()
            text = text.replace("\xa0", " ")
            label = html_lib.unescape(labels[m.group(1)]).replace("\xa0", " ")
            if re.fullmatch(r"\d{4}[a-z]?", text):  # {cite:t}: "Author [year]", the year is the link
                before = re.sub(r"<[^>]+>", "", html[max(0, m.start() - 300) : m.start()]).replace("\xa0", " ")
                assert label.endswith(", " + text), f"{page}: cites {text!r}, the list says {label!r}"
                assert before.rstrip(" [").endswith(label[: -len(text) - 2]), f"{page}: {before[-60:]!r} for {label!r}"
            else:
                assert text == label, f"{page}: cites {text!r}, the list says {label!r}"
            n += 1
    assert n > 100, f"only {n} citations found"


@book
def test_chapter_figures_have_numbered_captions_and_alt_text(book_html):
    """Every figure a chapter draws is a numbered figure with a caption and an alt text that
    describes it (not the image's file name)."""
    n = 0
    for page in chapter_files():
        html = (book_html / f"{page}.html").read_text(encoding="utf8")
        images = re.findall(r'<img [^>]*src="[^"]*_images/[^"]+"[^>]*>', html)
        figures = re.findall(r"<figure[^>]*>(.*?)</figure>", html, re.S)
        in_figures = sum(len(re.findall(r"<img ", f)) for f in figures)
        assert images and in_figures == len(images), f"{page}: {len(images) - in_figures} images outside a figure"
        for fig in figures:
            assert re.search(r'<span class="caption-number">Fig\. \d+\.\d+ </span>', fig), f"{page}: unnumbered figure"
            alt = re.search(r'<img [^>]*alt="([^"]*)"', fig).group(1)
            assert len(alt) > 20 and "/" not in alt and not alt.endswith(".png"), f"{page}: alt text {alt!r}"
        n += len(figures)
    assert n >= 50, f"only {n} figures"


def test_bibliography_labels_are_unique():
    from pybtex.database import parse_file

    from book_bib import author_year_label

    labels = [author_year_label(e) for e in parse_file(str(ROOT / "references.bib")).entries.values()]
    duplicates = sorted({label for label in labels if labels.count(label) > 1})
    assert not duplicates, f"works that share a label (add a letter to the year): {duplicates}"


def test_references_carry_a_doi_or_url():
    """A reader can reach the works cited: a DOI or an official URL (publisher, proceedings,
    arXiv) for nearly every entry, each well formed."""
    from pybtex.database import parse_file

    entries = parse_file(str(ROOT / "references.bib")).entries
    linked = {k for k, e in entries.items() if "doi" in e.fields or "url" in e.fields}
    assert len(linked) >= 0.9 * len(entries), f"{len(linked)} of {len(entries)} entries have a DOI or URL"
    for key, entry in entries.items():
        if "doi" in entry.fields:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", entry.fields["doi"]), f"{key}: doi {entry.fields['doi']!r}"
        if "url" in entry.fields:
            assert re.fullmatch(r"https?://\S+", entry.fields["url"]), f"{key}: url {entry.fields['url']!r}"


def test_build_fingerprint_follows_every_input_and_only_those(tmp_path):
    """``make test`` reuses ``_build`` only while its recorded fingerprint is current."""
    import book_config

    for name in ("book/ch.md", "code/dlmath/m.py", "tools/t.py", "_config.yml", "requirements/lock.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("a")
    first = book_config.build_fingerprint(tmp_path)
    (tmp_path / "book" / "gallery").mkdir()
    (tmp_path / "book" / "gallery" / "generated.md").write_text("made by the build")
    (tmp_path / "notes.txt").write_text("not an input")
    assert book_config.build_fingerprint(tmp_path) == first
    stamp = tmp_path / book_config.FINGERPRINT_FILE
    stamp.parent.mkdir(parents=True)
    stamp.write_text(first + "\n")
    assert book_config.current_build(tmp_path) == tmp_path / "_build"
    for name in ("book/ch.md", "code/dlmath/m.py", "tools/t.py", "_config.yml", "requirements/lock.txt"):
        (tmp_path / name).write_text("b")
        assert book_config.build_fingerprint(tmp_path) != first, name
        assert book_config.current_build(tmp_path) is None, name
        (tmp_path / name).write_text("a")
    assert book_config.current_build(tmp_path) == tmp_path / "_build"
    (tmp_path / "book" / "new.md").write_text("a new page")
    assert book_config.current_build(tmp_path) is None


def test_each_builder_keeps_its_own_sphinx_environment(tmp_path):
    """HTML and PDF builds must not share (and so invalidate) one pickled environment."""
    import jupyter_book_build

    seen = {}

    def fake_build_sphinx(sourcedir, outputdir, *, doctreedir=None, builder="html", **kwargs):
        seen[builder] = doctreedir

    build = jupyter_book_build._per_builder(fake_build_sphinx)
    build(tmp_path, tmp_path / "_build" / "html", builder="html")
    build(tmp_path, tmp_path / "_build" / "latex", builder="latex")
    assert seen == {"html": tmp_path / "_build" / ".doctrees-html", "latex": tmp_path / "_build" / ".doctrees-latex"}
    build(tmp_path, tmp_path / "_build" / "html", doctreedir=tmp_path / "d", builder="html")
    assert seen["html"] == tmp_path / "d"
