"""``jupyter-book`` with one Sphinx environment per builder.

Jupyter Book 1 keeps the pickled Sphinx environment of every builder in the same folder
(``_build/.doctrees``). The HTML and LaTeX builders configure the environment differently, so
each build after the other finds it outdated and reads every page again (60-80 s instead of
20 s for a no-change ``make book`` right after ``make pdf``). Here each builder gets its own
folder, ``_build/.doctrees-<builder>``, and the LaTeX builder gets from the start the one
setting that sphinx-jupyterbook-latex would change during the build; everything else is the
``jupyter-book`` command line.

    python tools/jupyter_book_build.py build . --builder pdflatex ...
"""

from __future__ import annotations

import functools
import sys
from pathlib import Path


def _per_builder(build_sphinx):
    @functools.wraps(build_sphinx)
    def build(sourcedir, outputdir, *args, doctreedir=None, builder="html", **kwargs):
        if doctreedir is None:
            doctreedir = Path(outputdir).parent / f".doctrees-{builder}"
        if builder == "latex":
            # sphinx-jupyterbook-latex sets numfig_secnum_depth = 2 for a book with parts once the
            # builder exists, after Sphinx has compared the configuration with the pickled one;
            # set from the start, the next PDF build does not find "config changed" and read
            # every page again
            kwargs["confoverrides"] = {"numfig_secnum_depth": 2, **(kwargs.get("confoverrides") or {})}
        return build_sphinx(sourcedir, outputdir, *args, doctreedir=doctreedir, builder=builder, **kwargs)

    return build


def main() -> None:
    import jupyter_book.sphinx
    from jupyter_book.cli.main import main as cli

    jupyter_book.sphinx.build_sphinx = _per_builder(jupyter_book.sphinx.build_sphinx)
    cli(prog_name="jupyter-book")


if __name__ == "__main__":
    sys.exit(main())
