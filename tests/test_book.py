"""The book build: every chapter executes, and any error fails the build.

``test_book_executes_every_chapter`` builds the whole book with the flags of ``make book``
into a temporary folder and checks every page of the table of contents. If the environment
variable ``DLMATH_BOOK_BUILD`` names a folder that holds a completed build of this checkout
(``_build`` after ``make book``, as in ``.ci/run``), that build is inspected instead of
building a second time.
"""
from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
JB = pathlib.Path(sys.executable).parent / "jupyter-book"
FLAGS = ["-W", "-n", "--keep-going"]

pytestmark = pytest.mark.book


from conftest import build_book as _build, markdown_pages as _toc_files


def test_book_executes_every_chapter(book_html):
    for page in _toc_files():
        source = (ROOT / page).with_suffix(".md").read_text()
        html_path = book_html / f"{page}.html"
        assert html_path.is_file(), f"{page} was not built"
        html = html_path.read_text()
        n_cells = len(re.findall(r"^```\{code-cell\}", source, flags=re.M))
        n_executed = len(re.findall(r'class="cell docutils container"', html))
        assert n_executed == n_cells, f"{page}: {n_cells} code cells in the source, {n_executed} in the page"
        assert "Traceback (most recent call last)" not in html, f"{page} shows a traceback"
        # every glued number was replaced by its value (pages without cells may show the syntax)
        if n_cells:
            assert "{glue" not in html, f"{page} has an unresolved glue reference"


def test_theorem_labels_are_rendered(book_html):
    labels = []
    for page in _toc_files():
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
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["sphinx"]["extra_extensions"].remove("sphinx_gallery.gen_gallery")
    del config["sphinx"]["config"]["sphinx_gallery_conf"]
    (src / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    shutil.copytree(ROOT / "book" / "_ext", src / "book" / "_ext")
    shutil.copytree(ROOT / "book" / "_latex", src / "book" / "_latex")
    shutil.copytree(ROOT / "book" / "_static", src / "book" / "_static")
    (src / "_mathjax").mkdir()
    (src / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    header = (
        "---\njupytext:\n  text_representation:\n    extension: .md\n    format_name: myst\n"
        "kernelspec:\n  display_name: Python 3\n  language: python\n  name: python3\n---\n\n# A page\n\n"
    )
    (src / "page.md").write_text(header + body)
    return src


def test_tiny_book_with_good_cell_builds(tmp_path):
    src = _tiny_book(tmp_path, "```{code-cell} ipython3\nx = 1 + 1\nprint(x)\n```\n")
    proc = _build(src, tmp_path / "out")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_raising_cell_fails_the_build(tmp_path):
    src = _tiny_book(tmp_path, "```{code-cell} ipython3\nraise RuntimeError('deliberate failure')\n```\n")
    proc = _build(src, tmp_path / "out")
    assert proc.returncode != 0
    assert "deliberate failure" in proc.stdout + proc.stderr


def test_sphinx_warning_fails_the_build(tmp_path):
    src = _tiny_book(tmp_path, "A reference to {prf:ref}`no-such-theorem`.\n")
    proc = _build(src, tmp_path / "out")
    assert proc.returncode != 0
    assert "no-such-theorem" in proc.stdout + proc.stderr


def _visible_text(html: str) -> str:
    """Page text outside code, scripts and typeset math."""
    html = re.sub(r"<(pre|script|code)\b.*?</\1>", "", html, flags=re.S)
    html = re.sub(r'<(span|div) class="math[^"]*">.*?</\1>', " MATH ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", "", html)
    import html as html_lib

    return html_lib.unescape(html)


def test_no_untypeset_math(book_html):
    # A dollar sign left in the visible text is math that the parser did not recognise.
    for page in _toc_files():
        text = _visible_text((book_html / f"{page}.html").read_text())
        leftovers = [m.group(0) for m in re.finditer(r".{0,40}\$.{0,40}", text)]
        assert not leftovers, f"{page}: raw $ in the text: {leftovers[:3]}"


def test_package_change_invalidates_the_execution_cache(tmp_path):
    """Rebuilding after a change to dlmath re-executes the chapter, although its cells are unchanged."""
    pkg = tmp_path / "pkg"
    shutil.copytree(ROOT / "code" / "dlmath", pkg / "dlmath", ignore=shutil.ignore_patterns("__pycache__"))
    body = "```{code-cell} ipython3\nfrom dlmath.utils import loglog_slope\nprint('slope', loglog_slope([1, 2, 4], [1, 4, 16]))\n```\n"
    src = _tiny_book(tmp_path, body)
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(pkg)}

    def build() -> str:
        proc = subprocess.run([str(JB), "build", str(src), "--path-output", str(out), *FLAGS],
                              cwd=src, env=env, capture_output=True, text=True, timeout=600)
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
    utils.write_text(utils.read_text() + "\n\n_original_slope = loglog_slope\n\n"
                     "def loglog_slope(x, y):\n    return 2 * _original_slope(x, y)\n")
    changed = build()
    assert "slope 4.0" in changed, "a change to dlmath did not re-execute the chapter (stale cache)"
    assert sorted(p.name for p in (out / "_build" / ".jupyter_cache").iterdir()) != caches


@pytest.mark.parametrize("url", ["", "https://github.com/example-org/dl-notes"])
def test_repository_url_drives_launch_and_edit_links(tmp_path, url):
    src = _tiny_book(tmp_path, "```{code-cell} ipython3\nprint(1 + 1)\n```\n")
    config = yaml.safe_load((src / "_config.yml").read_text())
    config["repository"]["url"] = url
    (src / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    proc = _build(src, tmp_path / "out")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    html_dir = tmp_path / "out" / "_build" / "html"
    page = (html_dir / "page.html").read_text()
    # the executed notebook is always offered for download
    assert (html_dir / "_sources" / "page.ipynb").is_file() and "page.ipynb" in page
    colab = "https://colab.research.google.com/github/example-org/dl-notes/blob/gh-pages/_sources/page.ipynb"
    edit = "https://github.com/example-org/dl-notes/edit/main/page.md"
    if url:
        assert colab in page and edit in page
        nb = (html_dir / "_sources" / "page.ipynb").read_text()
        assert "dlmath @ git+https://github.com/example-org/dl-notes" in nb
    else:
        assert "colab.research.google.com" not in page and "/edit/" not in page
