"""Sphinx extension of the book: the execution cache, notebook downloads, launch and edit links.

* **Cache that cannot go stale.** With ``execute_notebooks: cache``, MyST-NB reuses a chapter's
  outputs while its code cells are unchanged. Outputs also depend on ``dlmath``, so the cache
  folder is keyed on a fingerprint of the package's source and of the installed versions of its
  runtime dependencies (``[project].dependencies`` of ``pyproject.toml``, read, not typed):
  ``_build/.jupyter_cache/dlmath-<fingerprint>``. Any change to ``code/dlmath`` or an upgrade of
  a dependency starts a fresh cache, and every chapter is executed again.
* **The dependencies in the text.** ``{runtime-dependencies}`dlmath``` writes the runtime
  dependencies of ``pyproject.toml`` ("torch, numpy, ... and scikit-image").
* **Notebook downloads** are written by ``book_notebooks``.
* **Launch and edit links.** ``repository.url`` in ``_config.yml`` is the one setting: when it
  names a GitHub repository, pages get "edit this page", repository and issues buttons and an
  "open in Colab" link to the chapter's notebook as published with the site (the built HTML
  pushed to the ``gh-pages`` branch, which holds ``_sources/<page>.ipynb``); when it is empty,
  none of these appear.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import pathlib
import re
import shutil

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from docutils import nodes
from sphinx.util import logging

logger = logging.getLogger(__name__)

COLAB = "https://colab.research.google.com"
PAGES_BRANCH = "gh-pages"


def _package_root() -> pathlib.Path:
    spec = importlib.util.find_spec("dlmath")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("dlmath is not importable: install it with `pip install -e .`")
    return pathlib.Path(list(spec.submodule_search_locations)[0])


def _is_dlmath_project(path: pathlib.Path) -> bool:
    try:
        return tomllib.loads(path.read_text(encoding="utf8")).get("project", {}).get("name") == "dlmath"
    except (OSError, tomllib.TOMLDecodeError):
        return False


def find_pyproject() -> pathlib.Path | None:
    """The ``pyproject.toml`` of ``dlmath``: above the importable package (``code/dlmath`` of a
    checkout), else above this extension; ``None`` for an installed wheel."""
    starts = [pathlib.Path(__file__).resolve().parent]
    try:
        starts.insert(0, _package_root().resolve())
    except RuntimeError:
        pass
    for start in starts:
        for folder in start.parents:
            if _is_dlmath_project(folder / "pyproject.toml"):
                return folder / "pyproject.toml"
    return None


def _requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)", requirement)
    if match is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    return match.group(1)


def runtime_dependencies(pyproject: pathlib.Path | None = None) -> list[str]:
    """The names of ``dlmath``'s runtime dependencies, in the order of ``[project].dependencies``.

    Read from ``pyproject`` (default :func:`find_pyproject`), else from the installed metadata.
    """
    pyproject = pyproject or find_pyproject()
    if pyproject is not None:
        requirements = tomllib.loads(pathlib.Path(pyproject).read_text(encoding="utf8"))["project"]["dependencies"]
    else:
        requirements = [r for r in importlib.metadata.requires("dlmath") or [] if "extra ==" not in r]
    return [_requirement_name(r) for r in requirements]


def package_fingerprint() -> str:
    """Hash of every ``.py`` file of the importable ``dlmath`` and of its dependencies' versions."""
    root = _package_root()
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for name in runtime_dependencies():
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{name}=={version}\0".encode())
    return digest.hexdigest()[:16]


def cache_path(base: pathlib.Path) -> pathlib.Path:
    """The cache folder for the current package under ``base`` (e.g. ``_build/.jupyter_cache``)."""
    return base / f"dlmath-{package_fingerprint()}"


def _english_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def runtime_dependencies_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    """``{runtime-dependencies}`dlmath```: "torch, numpy, ... and scikit-image", from ``pyproject.toml``
    (the source folder's, else :func:`find_pyproject`)."""
    if text.strip() != "dlmath":
        msg = inliner.reporter.error(f"runtime-dependencies takes the project dlmath, not {text!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    env = inliner.document.settings.env
    local = pathlib.Path(env.srcdir) / "pyproject.toml"
    pyproject = local if _is_dlmath_project(local) else find_pyproject()
    try:
        names = runtime_dependencies(pyproject)
    except (OSError, KeyError, ValueError, tomllib.TOMLDecodeError) as exc:
        msg = inliner.reporter.error(f"runtime-dependencies: cannot read the dependencies: {exc}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    if not names:
        msg = inliner.reporter.error("runtime-dependencies: pyproject.toml lists none", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    if pyproject is not None:
        env.note_dependency(str(pyproject))  # the page is rebuilt when pyproject.toml changes
    return [nodes.Text(_english_list(names))], []


def _config_inited(app, config) -> None:
    # -- the execution cache, keyed on the package --------------------------------------------
    base = config.nb_execution_cache_path or str(pathlib.Path(app.outdir).parent / ".jupyter_cache")
    base_path = pathlib.Path(base)
    if not base_path.is_absolute():
        base_path = pathlib.Path(app.srcdir) / base_path
    if base_path.name.startswith("dlmath-"):  # already keyed (tools/execute_chapters.py)
        keyed = base_path
    else:
        keyed = cache_path(base_path)
        # caches of other package versions can never match again
        if base_path.is_dir():
            for old in base_path.glob("dlmath-*"):
                if old != keyed and old.is_dir():
                    shutil.rmtree(old, ignore_errors=True)
    config.nb_execution_cache_path = str(keyed)

    # -- repository-driven buttons ----------------------------------------------------------
    opts = dict(config.html_theme_options or {})
    url = (opts.get("repository_url") or "").strip()
    on = bool(url)
    for key in ("use_edit_page_button", "use_repository_button", "use_issues_button"):
        opts[key] = on
    config.html_theme_options = opts


def _github_parts(url: str) -> tuple[str, str] | None:
    match = re.match(r"^https://github\.com/([^/]+)/([^/]+?)(?:\.git)?/?$", url)
    return (match.group(1), match.group(2)) if match else None


def _colab_button(app, pagename, templatename, context, doctree) -> None:
    """Add "open in Colab" after the theme built its header buttons."""
    if not context.get("ipynb_source"):
        return
    url = (app.config.html_theme_options.get("repository_url") or "").strip()
    parts = _github_parts(url)
    if parts is None:
        return
    org, repo = parts
    link = f"{COLAB}/github/{org}/{repo}/blob/{PAGES_BRANCH}/_sources/{pagename}.ipynb"
    context["header_buttons"].append(
        {
            "type": "group",
            "tooltip": "Launch interactive content",
            "icon": "fas fa-rocket",
            "label": "launch-buttons",
            "buttons": [
                {
                    "type": "link",
                    "text": "Colab",
                    "tooltip": "Open this chapter in Colab",
                    "icon": "fas fa-play",
                    "url": link,
                    "label": "colab-button",
                }
            ],
        }
    )


def _unique_scripts(app, pagename, templatename, context, doctree) -> None:
    """Drop repeated script entries.

    Sphinx 7 renders inline scripts registered after the builder started twice (once with
    filename None, once with ''; fixed in Sphinx 8), so sphinx-thebe's ``const THEBE_JS_URL``
    is declared twice: a SyntaxError on every page.
    """
    seen, unique = set(), []
    for js in context.get("script_files", []):
        filename = getattr(js, "filename", js) or ""
        body = getattr(js, "attributes", {}).get("body", "")
        if _is_sphinx_thebe(filename, body):
            continue
        key = (filename, tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique
    context["css_files"] = [
        css for css in context.get("css_files", []) if "sphinx-thebe" not in (getattr(css, "filename", css) or "")
    ]


def _is_sphinx_thebe(filename: str, body: str) -> bool:
    """The scripts of sphinx-thebe, which Jupyter Book loads on every page: a constant naming
    Thebe 0.8 on a CDN and its launcher. The book's own live mode is ``_static/live.js``."""
    return "sphinx-thebe" in filename or "THEBE_JS_URL" in body


def _drop_thebe_config(app, doctree, docname) -> None:
    """Remove sphinx-thebe's page configuration (a Binder repository that is not the book's)."""
    for raw in list(doctree.findall(nodes.raw)):
        text = raw.astext()
        if "text/x-thebe-config" in text or text.strip().startswith("<script>kernelName ="):
            raw.parent.remove(raw)


def live_config(repository_url: str, ref: str | None, binderhub_url: str = "") -> dict:
    """The configuration of the pages' "Run live" button (``book/_static/live.js``): Binder on
    the repository at ``ref`` when a GitHub repository is set, else none (``make live`` gives the
    button its local kernel through the token in the address)."""
    parts = _github_parts(repository_url or "")
    if parts is None:
        return {}
    return {
        "binder": {
            "repo": "/".join(parts),
            "ref": ref or "main",
            "binderUrl": (binderhub_url or "https://mybinder.org").rstrip("/"),
            "repoProvider": "github",
        }
    }


def _add_live_config(app) -> None:
    if app.builder.format != "html":
        return
    from book_notebooks import git_commit

    url = (app.config.html_theme_options.get("repository_url") or "").strip()
    ref = git_commit(pathlib.Path(app.srcdir)) or (app.config.html_theme_options.get("repository_branch") or None)
    binderhub = (app.config.html_theme_options.get("launch_buttons", {}) or {}).get("binderhub_url", "")
    config = live_config(url, ref, binderhub)
    app.add_js_file(None, body=json.dumps(config), type="application/json", id="dlmath-live-config")


_WARNING_TEXT = re.compile(r"\b[A-Z]\w*Warning\b:|\bWARNING\b")


def _warnings_in_outputs(app, doctree) -> None:
    """A cell whose output prints a warning (a torch ``UserWarning``, a NumPy
    ``RuntimeWarning``, ...) is a build warning, which ``-W`` turns into an error."""
    for block in doctree.findall(nodes.literal_block):
        classes = set(block.get("classes", []))
        if "output" in classes and _WARNING_TEXT.search(block.astext()):
            first = next(line for line in block.astext().splitlines() if _WARNING_TEXT.search(line))
            logger.warning(f"a cell prints a warning: {first.strip()[:200]}", location=block)


def _adopt_nodes(app, doctree) -> None:
    """Point every node at the page's own document before Sphinx pickles it.

    Nodes made by a nested parse (MyST's ``{eval-rst}``, used by the API pages) keep a link to
    the nested parser's document, whose settings hold the whole build environment; pickled
    with the page, it made every API doctree weigh as much as the environment (about 4 MB) and
    every rebuild slow to load them.
    """
    for node in doctree.findall():
        if getattr(node, "_document", None) is not None and node._document is not doctree:
            node._document = doctree


_PDF_LINK = re.compile(r'<p class="pdf-download"( hidden)?>')


def show_pdf_link(html_dir: pathlib.Path) -> bool:
    """Show the front page's link to ``book.pdf`` exactly when ``html_dir/book.pdf`` exists.

    The link is written hidden (``book/intro.md``); this runs at the end of every HTML build and
    after ``make pdf`` copied the PDF. Returns whether the link is shown.
    """
    html_dir = pathlib.Path(html_dir)
    shown = (html_dir / "book.pdf").is_file()
    tag = '<p class="pdf-download">' if shown else '<p class="pdf-download" hidden>'
    for page in html_dir.rglob("*.html"):
        text = page.read_text(encoding="utf8")
        if 'class="pdf-download"' in text:
            new = _PDF_LINK.sub(tag, text)
            if new != text:
                page.write_text(new, encoding="utf8")
    return shown


def _build_finished(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        show_pdf_link(pathlib.Path(app.outdir))


def setup(app):
    app.add_role("runtime-dependencies", runtime_dependencies_role)
    # before MyST-NB and the theme read the configuration
    app.connect("config-inited", _config_inited, priority=400)
    # after book_notebooks wrote the page's notebook (priority 500) and the theme its buttons (501)
    app.connect("html-page-context", _colab_button, priority=502)
    app.connect("html-page-context", _unique_scripts, priority=900)
    app.connect("doctree-read", _warnings_in_outputs)
    app.connect("doctree-resolved", _drop_thebe_config, priority=900)
    app.connect("builder-inited", _add_live_config)
    app.connect("doctree-read", _adopt_nodes)
    app.connect("build-finished", _build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}


if __name__ == "__main__":  # `python book/_ext/book_pages.py pdf-link _build/html` (make pdf)
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "pdf-link":
        raise SystemExit("usage: book_pages.py pdf-link HTML_DIR")
    print("PDF link", "shown" if show_pdf_link(pathlib.Path(sys.argv[2])) else "hidden")
