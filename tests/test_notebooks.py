"""Every chapter, downloaded as a notebook, runs for a reader who has only ``dlmath`` installed.

The notebooks are the ``.ipynb`` files that the book offers for download
(``_sources/<page>.ipynb`` of the HTML build). They are executed, outputs cleared, in fresh
kernels of a separate virtual environment ``.venv-runtime`` that holds only the package and its
runtime dependencies (plus ``ipykernel``, which any Jupyter installation has), in an empty
working directory: no MyST-NB, no Sphinx, no source tree on the path. Every theorem check that a
chapter displays must pass there too.
"""

from __future__ import annotations

import concurrent.futures as cf
import copy
import hashlib
import json
import os
import pathlib
import subprocess

import pytest

from book_config import ROOT, chapter_files
from dlmath.results import CHECK_METADATA_KEY as CHECK_KEY

pytestmark = [pytest.mark.notebooks, pytest.mark.book]

RUNTIME_VENV = ROOT / ".venv-runtime"
KERNEL = "dlmath-runtime"


def _pip(python: pathlib.Path, *args: str) -> None:
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args],
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="session")
def runtime_kernel(tmp_path_factory) -> pathlib.Path:
    """A Jupyter data folder with the kernel ``dlmath-runtime`` of ``.venv-runtime``."""
    python = RUNTIME_VENV / "bin" / "python"
    inputs = b"".join(
        (ROOT / f).read_bytes() for f in ("pyproject.toml", "requirements/lock.txt", "requirements/torch-cpu.txt")
    )
    stamp = RUNTIME_VENV / ".installed"
    key = hashlib.sha256(inputs).hexdigest()
    if not (python.is_file() and stamp.is_file() and stamp.read_text() == key):
        base = os.environ.get("PYTHON", "python3")
        subprocess.run([base, "-m", "venv", "--clear", str(RUNTIME_VENV)], check=True)
        # the CPU wheel of torch first (a loose torch requirement pulls a CUDA build)
        _pip(python, "-r", "requirements/torch-cpu.txt")
        _pip(python, "-c", "requirements/lock.txt", ".", "ipykernel")
        stamp.write_text(key)
    # the package as it is now (a non-editable install, like a reader's)
    _pip(python, "--no-deps", "--force-reinstall", ".")
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import importlib.util as u; print(u.find_spec('myst_nb') is None, u.find_spec('sphinx') is None)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.split() == ["True", "True"], "the runtime environment must not hold the book's toolchain"
    prefix = tmp_path_factory.mktemp("jupyter")
    subprocess.run(
        [str(python), "-m", "ipykernel", "install", "--prefix", str(prefix), "--name", KERNEL],
        check=True,
        capture_output=True,
    )
    return prefix / "share" / "jupyter"


def _execute(path: str, jupyter_path: str, workdir: str, timeout: int) -> tuple[str, str | None, list[dict]]:
    import nbformat
    from nbclient import NotebookClient

    os.environ["JUPYTER_PATH"] = jupyter_path
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[var] = "1"
    os.environ.pop("PYTHONPATH", None)
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    client = NotebookClient(nb, kernel_name=KERNEL, timeout=timeout, resources={"metadata": {"path": workdir}})
    try:
        client.execute()
    except Exception as exc:  # the cell's error with its traceback
        return path, f"{type(exc).__name__}: {str(exc)[-3000:]}", []
    checks = [
        copy.deepcopy(out["metadata"][CHECK_KEY])
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.get("outputs", [])
        if CHECK_KEY in out.get("metadata", {})
    ]
    return path, None, checks


def test_downloads_exist(book_html):
    for page in chapter_files():
        nb = book_html / "_sources" / f"{page}.ipynb"
        assert nb.is_file(), f"{page} offers no notebook download"
        data = json.loads(nb.read_text())
        assert any(c["cell_type"] == "code" for c in data["cells"]), f"{nb} has no code cell"


def test_every_chapter_runs_with_runtime_dependencies_only(book_html, runtime_kernel, tmp_path):
    pages = chapter_files()
    jobs = max(1, min(len(pages), os.cpu_count() or 1))
    failures, n_checks = [], 0
    with cf.ProcessPoolExecutor(max_workers=jobs) as pool:
        futures = {}
        for page in pages:
            workdir = tmp_path / page.replace("/", "_")
            workdir.mkdir()
            path = book_html / "_sources" / f"{page}.ipynb"
            futures[pool.submit(_execute, str(path), str(runtime_kernel), str(workdir), 600)] = page
        for future in cf.as_completed(futures):
            page = futures[future]
            _, error, checks = future.result()
            if error:
                failures.append(f"{page}: {error}")
                continue
            n_checks += len(checks)
            failures += [f"{page}: check failed in the reader's environment: {c}" for c in checks if not c["passed"]]
            failures += [
                f"{page}: check keeps its wrong answer in the reader's environment: {c}"
                for c in checks
                if c.get("claim") != "illustration" and not c.get("rejects_wrong")
            ]
    assert not failures, "\n\n".join(failures)
    assert n_checks >= len(pages) - 1, f"only {n_checks} theorem checks were displayed"


# ------------------------------------------------------------------ the notebook reads like the page

_MYST_LEFT = ("{prf:", "{glue", "{cite", "{eq}", "{doc}", "{ref}", "```{", ":::{")
# commands the converter writes (MathJax defines them)
_CONVERTER_COMMANDS = {"tag", "blacksquare", "newcommand", "operatorname"}


def _markdown(nb: dict) -> list[str]:
    return ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown"]


def test_downloaded_notebooks_are_plain_markdown_with_outputs(book_html):
    import re

    from book_macros import MACROS

    for page in chapter_files():
        nb = json.loads((book_html / "_sources" / f"{page}.ipynb").read_text())
        cells = _markdown(nb)
        for text in cells:
            for token in _MYST_LEFT:
                assert token not in text, (
                    f"{page}: {token!r} left in a Markdown cell: ...{text[text.index(token) - 80 :][:200]}"
                )
        # the book's macros are defined in the first Markdown cell, for MathJax
        defined = set(re.findall(r"\\newcommand\{\\([A-Za-z]+)\}", cells[0]))
        assert defined == set(MACROS), f"{page}: first Markdown cell defines {sorted(defined)}"
        # every other command is one MathJax typesets on the page itself
        html_page = (book_html / f"{page}.html").read_text(encoding="utf8")
        used = set(re.findall(r"\\([A-Za-z]+)", "\n".join(cells[1:])))
        unknown = sorted(c for c in used - set(MACROS) - _CONVERTER_COMMANDS if f"\\{c}" not in html_page)
        assert not unknown, f"{page}: commands the page never typesets: {unknown}"
        # executed: the figures and the checks of this build, no glue records
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        outputs = [o for c in code for o in c.get("outputs", [])]
        assert any("image/png" in o.get("data", {}) for o in outputs), f"{page}: no figure in the notebook"
        assert any(CHECK_KEY in o.get("metadata", {}) for o in outputs), f"{page}: no check output in the notebook"
        assert not any(k.startswith("application/papermill.record/") for o in outputs for k in o.get("data", {}))
        # headed blocks with the page's numbers
        theorems = re.findall(r"^#### (Theorem|Proposition|Lemma|Definition) (\d+\.\d+)", "\n".join(cells), re.M)
        assert theorems, f"{page}: no numbered theorem heading"
        for kind, number in theorems:
            assert f'caption-number">{kind} {number} <' in html_page, f"{page}: {kind} {number} is not on the page"


def test_install_cell_installs_the_wheel_of_the_book(book_html):
    wheels = sorted((book_html / "_static" / "dlmath").glob("dlmath-*.whl"))
    assert len(wheels) == 1, f"the book ships {wheels}"
    front = (book_html / "book" / "intro.html").read_text(encoding="utf8")
    assert f"_static/dlmath/{wheels[0].name}" in front, "the front page does not offer the wheel"
    for page in chapter_files():
        nb = json.loads((book_html / "_sources" / f"{page}.ipynb").read_text())
        first_code = next(c for c in nb["cells"] if c["cell_type"] == "code")
        source = "".join(first_code["source"])
        assert "pip" in source and wheels[0].name in source, f"{page}: the first code cell does not install the wheel"
        assert nb["cells"].index(first_code) == 1, f"{page}: the install cell does not follow the title"
