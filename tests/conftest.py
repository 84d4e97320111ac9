"""Shared test configuration.

The marker ``theorem(id)`` (registered in pyproject.toml) ties a test to a result of the
book; ``book`` marks the tests that build (a part of) the book.
"""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
JB = pathlib.Path(sys.executable).parent / "jupyter-book"
BUILD_FLAGS = ["-W", "-n", "--keep-going"]

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def project_root() -> pathlib.Path:
    return ROOT


def pytest_collection_modifyitems(config, items):
    for item in items:
        for mark in item.iter_markers("theorem"):
            if len(mark.args) != 1 or not isinstance(mark.args[0], str) or "." not in mark.args[0]:
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.theorem needs one id like 'part.name'")


def toc_files() -> list[str]:
    """The pages of ``_toc.yml`` in order (paths without suffix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
            files.extend(section["file"] for section in chapter.get("sections", []))
    return files


def chapter_files() -> list[str]:
    """The pages of ``_toc.yml`` that are notebooks (they hold code cells)."""
    pages = []
    for page in toc_files():
        source = (ROOT / page).with_suffix(".md")
        if source.is_file() and "```{code-cell}" in source.read_text():
            pages.append(page)
    return pages


def markdown_pages() -> list[str]:
    """The pages of ``_toc.yml`` written in MyST Markdown (not generated, like the gallery)."""
    return [p for p in toc_files() if (ROOT / p).with_suffix(".md").is_file()]


def build_book(source: pathlib.Path, out: pathlib.Path, toc: pathlib.Path | None = None) -> subprocess.CompletedProcess:
    """Build the book at ``source`` into ``out/_build`` with the flags of ``make book``."""
    cmd = [str(JB), "build", str(source), "--path-output", str(out), *BUILD_FLAGS]
    if toc is not None:
        cmd += ["--toc", str(toc)]
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    return subprocess.run(cmd, cwd=source, env=env, capture_output=True, text=True, timeout=3000)


@pytest.fixture(scope="session")
def book_html(tmp_path_factory) -> pathlib.Path:
    """The HTML of a complete build of this checkout.

    ``DLMATH_BOOK_BUILD=<_build folder>`` reuses a finished build (as ``.ci/run`` does after
    ``make book``); otherwise the book is built once per session into a temporary folder.
    """
    prebuilt = os.environ.get("DLMATH_BOOK_BUILD")
    if prebuilt:
        html = pathlib.Path(prebuilt).resolve() / "html"
        assert (html / "index.html").is_file(), f"DLMATH_BOOK_BUILD={prebuilt} holds no finished HTML build"
        return html
    out = tmp_path_factory.mktemp("book")
    proc = build_book(ROOT, out)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return out / "_build" / "html"
