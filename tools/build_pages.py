"""Build a few pages of the book with the book's configuration, fast.

Usage: python tools/build_pages.py book/part1/ch01_risk_and_erm.md [more pages ...]

The pages (and the bibliography page) are built with the same _config.yml and the same
flags as the whole book (-W -n --keep-going, every cell executed) into
_build/pages/<first page stem>/html. Cross-references must stay within the pages given.
"""
from __future__ import annotations

import pathlib
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main(pages: list[str]) -> int:
    if not pages:
        print(__doc__)
        return 2
    stems = []
    for page in pages:
        path = (ROOT / page).resolve()
        if not path.is_file():
            print(f"no such page: {page}")
            return 2
        stems.append(path.relative_to(ROOT).with_suffix("").as_posix())
    chapters = "\n".join(f"  - file: {s}" for s in stems[1:] + ["book/references"])
    toc = f"format: jb-book\nroot: {stems[0]}\nchapters:\n{chapters}\n"
    out = ROOT / "_build" / "pages" / pathlib.Path(stems[0]).name
    with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as fh:
        fh.write(toc)
    # The book's configuration, restricted to the pages in the temporary table of contents
    # (other pages of the tree are neither executed nor warned about).
    config = (ROOT / "_config.yml").read_text().replace(
        "only_build_toc_files: false", "only_build_toc_files: true"
    ).replace(": book/_ext\n", f": {ROOT / 'book' / '_ext'}\n")
    cfg = ROOT / "_build" / "pages" / f"_config_{pathlib.Path(stems[0]).name}.yml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(config)
    jb = pathlib.Path(sys.executable).parent / "jupyter-book"
    start = time.time()
    cmd = [
        str(jb), "build", str(ROOT), "--toc", fh.name, "--config", str(cfg),
        "--path-output", str(out), "-W", "-n", "--keep-going",
    ]
    rc = subprocess.call(cmd, cwd=ROOT)
    print(f"built {len(stems)} page(s) in {time.time() - start:.1f} s -> {out / '_build' / 'html'} (exit {rc})")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
