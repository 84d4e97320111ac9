"""The book's build settings and table of contents, in one place.

Everything that builds or inspects the book (the Makefile, ``tools/``, ``benchmarks/``, the tests)
takes from here the flags of ``jupyter-book build`` and the pages of ``_toc.yml``:

* :data:`BUILD_FLAGS`: warnings are errors, nitpicky, and every warning is reported;
* :func:`toc_files`, :func:`chapter_files`, :func:`markdown_pages`: the pages of the table of
  contents;
* :func:`build_command` and :func:`build_book`: ``jupyter-book build`` with those flags;
* :func:`load_config` and :func:`write_config`: ``_config.yml`` as a dictionary, with overrides.

Usage: ``python3 tools/book_config.py flags`` prints the flags (the Makefile reads them with the
system Python before ``.venv`` exists: this module needs only the standard library, and PyYAML
only for the functions that read YAML); ``python3 tools/book_config.py pages|chapters`` lists
the pages (needs PyYAML).
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parent.parent
TOC = ROOT / "_toc.yml"
CONFIG = ROOT / "_config.yml"

#: the flags of every ``jupyter-book build`` of the book (``make book``, ``make pdf``, the tests)
BUILD_FLAGS: tuple[str, ...] = ("-W", "-n", "--keep-going")


def _yaml():
    import yaml  # only here: `python3 tools/book_config.py flags` runs before the venv exists

    return yaml


def jupyter_book(python: str | os.PathLike[str] = sys.executable) -> list[str]:
    """The ``jupyter-book`` command line run by ``python`` (the venv's), with one Sphinx
    environment per builder (``tools/jupyter_book_build.py``)."""
    return [str(python), str(ROOT / "tools" / "jupyter_book_build.py")]


# ------------------------------------------------------------------------- table of contents


def _entries(entries: Sequence[Mapping[str, Any]]) -> list[str]:
    files: list[str] = []
    for entry in entries:
        if "file" in entry:
            files.append(entry["file"])
        files += _entries(entry.get("sections", []))
    return files


def toc_files(toc_file: pathlib.Path = TOC) -> list[str]:
    """The pages of the table of contents in order (paths relative to the root, without suffix).

    The root page, then the chapters (of every part, or top-level ``chapters``) and their
    sections, at any depth.
    """
    toc = _yaml().safe_load(pathlib.Path(toc_file).read_text(encoding="utf8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += _entries(part.get("chapters", []))
    files += _entries(toc.get("chapters", []))
    return files


def _source(page: str, root: pathlib.Path) -> pathlib.Path:
    return (root / page).with_suffix(".md")


def markdown_pages(toc_file: pathlib.Path = TOC, root: pathlib.Path = ROOT) -> list[str]:
    """The pages of the table of contents written in MyST Markdown (not generated, like the gallery)."""
    return [p for p in toc_files(toc_file) if _source(p, root).is_file()]


def chapter_files(toc_file: pathlib.Path = TOC, root: pathlib.Path = ROOT) -> list[str]:
    """The pages of the table of contents that are notebooks (they hold code cells)."""
    return [
        p for p in markdown_pages(toc_file, root) if "```{code-cell}" in _source(p, root).read_text(encoding="utf8")
    ]


# ------------------------------------------------------------------------- configuration


def load_config(path: pathlib.Path = CONFIG) -> dict[str, Any]:
    """``_config.yml`` as a dictionary."""
    return _yaml().safe_load(pathlib.Path(path).read_text(encoding="utf8"))


def write_config(config: Mapping[str, Any], path: pathlib.Path) -> pathlib.Path:
    """Write a configuration (e.g. :func:`load_config` with overrides) to ``path``."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_yaml().safe_dump(dict(config), sort_keys=False, allow_unicode=True), encoding="utf8")
    return path


def absolute_local_extensions(config: dict[str, Any], root: pathlib.Path = ROOT) -> dict[str, Any]:
    """``config`` with the folders of ``sphinx.local_extensions`` made absolute (relative to ``root``).

    Jupyter Book resolves them against the folder of the configuration file, so a configuration
    written elsewhere (``_build/pages/``) must name them absolutely.
    """
    local = config.get("sphinx", {}).get("local_extensions") or {}
    for name, folder in local.items():
        local[name] = str((pathlib.Path(root) / folder).resolve())
    return config


# ------------------------------------------------------------------------- building


def build_command(
    source: pathlib.Path,
    out: pathlib.Path | None = None,
    *,
    toc: pathlib.Path | None = None,
    config: pathlib.Path | None = None,
    builder: str | None = None,
    python: str | os.PathLike[str] = sys.executable,
) -> list[str]:
    """``jupyter-book build`` of ``source`` (into ``out/_build``) with :data:`BUILD_FLAGS`."""
    cmd = [*jupyter_book(python), "build", str(source)]
    if out is not None:
        cmd += ["--path-output", str(out)]
    if toc is not None:
        cmd += ["--toc", str(toc)]
    if config is not None:
        cmd += ["--config", str(config)]
    if builder is not None:
        cmd += ["--builder", builder]
    return cmd + list(BUILD_FLAGS)


def build_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment for a build, less ``MPLBACKEND`` (the tests set it to Agg, which
    would override the notebooks' inline backend), with ``extra`` on top."""
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(extra or {})
    return env


def build_book(
    source: pathlib.Path,
    out: pathlib.Path,
    toc: pathlib.Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    builder: str | None = None,
    timeout: float = 3000,
) -> subprocess.CompletedProcess:
    """Build the book at ``source`` into ``out/_build`` as ``make book`` does (output captured)."""
    cmd = build_command(source, out, toc=toc, builder=builder)
    return subprocess.run(cmd, cwd=source, env=build_env(env), capture_output=True, text=True, timeout=timeout)


# ------------------------------------------------------------------------- build fingerprint

#: What a build of the book depends on: its sources, the package, the tools and the pinned
#: toolchain (paths relative to the root; folders taken whole).
BUILD_INPUTS = (
    "book",
    "code/dlmath",
    "tools",
    "_config.yml",
    "_toc.yml",
    "references.bib",
    "pyproject.toml",
    "requirements",
    "Makefile",
)
#: Written by ``make book`` once the HTML build has succeeded (removed when a build starts).
FINGERPRINT_FILE = "_build/html/.build-fingerprint"
_GENERATED = ("book/gallery/",)


def _input_files(root: pathlib.Path) -> list[str]:
    """The files of :data:`BUILD_INPUTS`, tracked or not (git's ignore rules apply)."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", *BUILD_INPUTS],
            cwd=root,
            capture_output=True,
            check=True,
        ).stdout.decode()
        files = [f for f in out.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: walk the folders
        files = []
        for name in BUILD_INPUTS:
            path = root / name
            found = [path] if path.is_file() else sorted(q for q in path.rglob("*") if q.is_file())
            files += [q.relative_to(root).as_posix() for q in found if "__pycache__" not in q.parts]
    return sorted(f for f in set(files) if not f.startswith(_GENERATED) and (root / f).is_file())


def build_fingerprint(root: pathlib.Path = ROOT) -> str:
    """SHA-256 over the paths and contents of every build input, and the build flags."""
    digest = hashlib.sha256(" ".join(BUILD_FLAGS).encode())
    for name in _input_files(root):
        digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
    return digest.hexdigest()


def current_build(root: pathlib.Path = ROOT) -> pathlib.Path | None:
    """``root/_build`` if it holds a finished HTML build of exactly these inputs, else None."""
    stamp = root / FINGERPRINT_FILE
    if stamp.is_file() and stamp.read_text().strip() == build_fingerprint(root):
        return root / "_build"
    return None


def main(argv: Sequence[str]) -> int:
    what = argv[0] if argv else ""
    if what == "flags":
        print(" ".join(BUILD_FLAGS))
    elif what == "pages":
        print("\n".join(toc_files()))
    elif what == "chapters":
        print("\n".join(chapter_files()))
    elif what == "fingerprint":
        print(build_fingerprint())
    else:
        print("usage: python3 tools/book_config.py flags|pages|chapters|fingerprint", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
