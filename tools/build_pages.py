"""Build a few pages of the book with the book's configuration, fast.

Usage: python tools/build_pages.py book/part1/ch01_risk_and_erm.md [more pages ...]

The pages (and the bibliography page) are built with the same _config.yml and the same
flags as the whole book (``tools/book_config.py``, every cell executed) into
_build/pages/<first page stem>/html. Cross-references must stay within the pages given.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys
import time

from book_config import ROOT, absolute_local_extensions, build_command, load_config, write_config


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
    name = pathlib.Path(stems[0]).name
    out = ROOT / "_build" / "pages" / name
    toc = ROOT / "_build" / "pages" / f"_toc_{name}.yml"
    toc.parent.mkdir(parents=True, exist_ok=True)
    toc.write_text(f"format: jb-book\nroot: {stems[0]}\nchapters:\n{chapters}\n")
    # The book's configuration, restricted to the pages in the temporary table of contents
    # (other pages of the tree are neither executed nor warned about); written beside the
    # build, so the extension folders are named absolutely.
    config = absolute_local_extensions(load_config())
    config["only_build_toc_files"] = True
    cfg = write_config(config, ROOT / "_build" / "pages" / f"_config_{name}.yml")
    start = time.time()
    cmd = build_command(ROOT, out, toc=toc, config=cfg)
    rc = subprocess.call(cmd, cwd=ROOT)
    print(f"built {len(stems)} page(s) in {time.time() - start:.1f} s -> {out / '_build' / 'html'} (exit {rc})")
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
