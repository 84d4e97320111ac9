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


def _toc_files() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
            files.extend(section["file"] for section in chapter.get("sections", []))
    return files


def _build(source: pathlib.Path, out: pathlib.Path, toc: pathlib.Path | None = None) -> subprocess.CompletedProcess:
    cmd = [str(JB), "build", str(source), "--path-output", str(out), *FLAGS]
    if toc is not None:
        cmd += ["--toc", str(toc)]
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    return subprocess.run(cmd, cwd=source, env=env, capture_output=True, text=True, timeout=3000)


@pytest.fixture(scope="module")
def book_html(tmp_path_factory) -> pathlib.Path:
    prebuilt = os.environ.get("DLMATH_BOOK_BUILD")
    if prebuilt:
        html = pathlib.Path(prebuilt).resolve() / "html"
        assert (html / "index.html").is_file(), f"DLMATH_BOOK_BUILD={prebuilt} holds no finished HTML build"
        return html
    out = tmp_path_factory.mktemp("book")
    proc = _build(ROOT, out)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return out / "_build" / "html"


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
        # every glued number was replaced by its value
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
    for name in ("_config.yml", "references.bib"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(ROOT / "book" / "_ext", src / "book" / "_ext")
    shutil.copytree(ROOT / "book" / "_latex", src / "book" / "_latex")
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
