"""The built HTML book in a real browser (Chromium driven by Playwright), served offline.

The site of a complete build (fixture ``book_html``; ``DLMATH_BOOK_BUILD=<_build>`` reuses one)
is served over http on 127.0.0.1 and opened in one headless Chromium whose host resolver knows
no other host, so a page that needs the network fails here as it would offline.

Every page of the table of contents is opened once (two at a time, each in its own browser
context, with local and session storage emptied before each page, as on a first visit), and the
observations are shared by the tests:

* MathJax typesets every page (no raw TeX delimiters, no MathJax errors, no undefined macros);
* every image loads;
* no console error, page error, failed request or HTTP error;

and further:

* every relative link of every HTML file resolves, fragment included (parsed in Python);
* the search page finds "tangent kernel" in the chapters on the neural tangent kernel;
* the solutions of the exercises are hidden until their toggle is clicked;
* the front page links to ``book.pdf``, which is served as a PDF, and shows no link when the
  build holds no PDF (``make pdf`` makes it);
* the sidebar toggle works at desktop and phone widths, one search box, the check boxes'
  theorem ids readable in dark mode (contrast at least 4.5:1), display equations that scroll
  inside the column on a phone, titles not cut.

Chromium: ``$DLMATH_CHROMIUM``, else ``chromium``/``chromium-browser``/``google-chrome`` on the
PATH, else the browser of ``playwright install``; without any, the module is skipped.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import os
import pathlib
import posixpath
import re
import shutil
import threading
import urllib.parse
from dataclasses import dataclass, field

import pytest

from book_config import chapter_files, toc_files

sync_api = pytest.importorskip("playwright.sync_api")

pytestmark = [pytest.mark.browser, pytest.mark.book]

TOC = toc_files()
NTK_CHAPTERS = {"book/part3/ch08_ntk_mean_field.html", "book/part4/ch10_infinite_width_depth.html"}
# folders of the build that hold no pages of the book, and generated pages not to crawl
SKIP_TREES = ("_static", "_sources", "_images")
SKIP_PAGES = {"genindex.html"}
TIMEOUT_MS = 30_000
PARALLEL = 2  # pages rendered at once (two cores)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # offline: every host but the local server fails to resolve (and shows up as a failed request)
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


@functools.cache
def _chapters() -> frozenset[str]:
    """The toc pages that are notebooks (read when first needed, not at collection)."""
    return frozenset(chapter_files())


# --------------------------------------------------------------------------- server, browser


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        pass


@pytest.fixture(scope="module")
def site(book_html) -> str:
    """Base URL (ending in ``/``) of the HTML build served on 127.0.0.1 at a free port."""
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _chromium_path() -> str | None:
    for candidate in (os.environ.get("DLMATH_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if candidate and (found := shutil.which(candidate)):
            return found
    return None


@pytest.fixture(scope="module")
def browser():
    executable = _chromium_path()
    with sync_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        except sync_api.Error as exc:
            if executable is not None:
                raise
            pytest.skip(f"no Chromium: set DLMATH_CHROMIUM or install chromium ({str(exc).splitlines()[0]})")
        try:
            yield b
        finally:
            b.close()


@dataclass
class Visit:
    """What the first visit of one page showed."""

    url: str
    status: int | None = None
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    failure: str | None = None  # the visit itself failed (timeout, crash)
    report: dict = field(default_factory=dict)  # what _INSPECT returned

    def load_problems(self) -> list[str]:
        problems = []
        if self.status != 200:
            problems.append(f"the page answered HTTP {self.status}")
        if self.failure:
            problems.append(f"the visit failed: {self.failure}")
        return problems

    def problems(self) -> list[str]:
        return (
            self.load_problems()
            + [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"request: {m}" for m in self.failed_requests]
        )


# Run in the page once it has loaded: wait for MathJax, the images and the fonts, then report.
_INSPECT = r"""
async () => {
  const withTimeout = (promise, ms, what) => Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms)),
  ]);
  const out = {mathjax: false, errors: []};
  out.icons = Array.from(document.querySelectorAll("link[rel~='icon']")).map((l) => l.href);
  out.mathjax_script = document.querySelector("script[src*='mathjax']") !== null;
  out.math_elements = document.querySelectorAll(".math").length;
  // images: make lazy images load now, and wait until each one has loaded or failed
  const images = Array.from(document.images);
  for (const img of images) img.loading = "eager";
  try {
    await withTimeout(Promise.all(images.map((img) => img.complete ? null : new Promise((resolve) => {
      img.addEventListener("load", resolve, {once: true});
      img.addEventListener("error", resolve, {once: true});
    }))), 20000, "the images");
  } catch (e) { out.errors.push(String(e)); }
  out.images = images.map((img) => ({
    src: img.getAttribute("src"), complete: img.complete, naturalWidth: img.naturalWidth,
  }));
  // MathJax: the startup promise resolves after the first typesetting of the page
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    try {
      await withTimeout(MathJax.startup.promise, 30000, "MathJax.startup.promise");
      out.mathjax = true;
    } catch (e) { out.errors.push(String(e)); }
  }
  try { await withTimeout(document.fonts.ready, 10000, "the fonts"); } catch (e) { out.errors.push(String(e)); }
  out.containers = document.querySelectorAll("mjx-container").length;
  out.merror = document.querySelectorAll("merror, mjx-merror").length;
  // formulas whose MathML holds an error or an undefined macro (noundefined draws it as red \name)
  out.bad_formulas = [];
  if (out.mathjax && MathJax.startup.document && MathJax.startup.toMML) {
    for (const item of MathJax.startup.document.math) {
      let mml = "";
      try { mml = MathJax.startup.toMML(item.root); } catch (e) { mml = "<merror>" + e + "</merror>"; }
      const error = /<merror[^>]*>/.exec(mml);
      const undefinedMacro = /<mtext[^>]*mathcolor="red"[^>]*>(\\[A-Za-z]+)/.exec(mml);
      if (error || undefinedMacro) {
        const message = error && /data-mjx-error="([^"]*)"/.exec(error[0]);
        const why = error ? `MathJax error "${message ? message[1] : "?"}"` : `undefined macro ${undefinedMacro[1]}`;
        out.bad_formulas.push(`${why}: ${String(item.math).slice(0, 120)}`);
      }
    }
  }
  // the math elements of Sphinx that MathJax left alone
  out.untypeset = Array.from(document.querySelectorAll(".math"))
    .filter((el) => !el.querySelector("mjx-container"))
    .map((el) => el.textContent.trim().slice(0, 120));
  // raw TeX delimiters in the visible text, and in the text of collapsed elements (a closed
  // solution), which innerText leaves out; code and math elements are skipped there
  const delimiters = /\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{/g;
  const snippets = (text) => {
    const found = [];
    let end = -1;
    for (const m of text.matchAll(delimiters)) {
      if (m.index < end) continue;  // one snippet for delimiters close together
      end = m.index + 60;
      found.push(text.slice(Math.max(0, m.index - 30), end).replace(/\s+/g, " "));
    }
    return found;
  };
  out.raw_visible = snippets(document.body.innerText);
  const skip = "script, style, noscript, template, pre, code, textarea, .highlight, mjx-container, .math, .headerlink";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const hidden = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (el && !el.closest(skip) && !el.checkVisibility({visibilityProperty: true})) hidden.push(node.nodeValue);
  }
  out.raw_hidden = snippets(hidden.join(" "));
  return out;
}
"""


class _Visitor:
    """Opens toc pages in a few browser contexts at once (two cores: two pages render in parallel).

    Each context keeps its HTTP cache between pages, but local and session storage are emptied
    before every page, so each page is seen as on a first visit.
    """

    def __init__(self, browser, site: str, order: list[str]):
        self.site = site
        self.contexts = [self._new_context(browser) for _ in range(PARALLEL)]
        self.waiting = list(dict.fromkeys(order))
        self.in_flight: list[tuple[object, object, str, Visit]] = []  # (context, tab, page, visit)
        self.done: dict[str, Visit] = {}

    @staticmethod
    def _new_context(browser):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
        context.add_init_script("try { localStorage.clear(); sessionStorage.clear(); } catch (e) {}")
        context.set_default_timeout(TIMEOUT_MS)
        return context

    def close(self) -> None:
        for context in self.contexts:
            context.close()

    def get(self, page: str) -> Visit:
        if page not in self.done and page not in (p for _, _, p, _ in self.in_flight):
            if page in self.waiting:
                self.waiting.remove(page)
            self.waiting.insert(0, page)
        while page not in self.done:
            self._fill()
            self._finish(*self.in_flight.pop(0))
        return self.done[page]

    def _fill(self) -> None:
        busy = [c for c, _, _, _ in self.in_flight]
        for context in self.contexts:
            if self.waiting and not any(context is b for b in busy):
                self._start(context, self.waiting.pop(0))

    def _start(self, context, page: str) -> None:
        visit = Visit(url=self.site + page + ".html")
        tab = context.new_page()
        tab.on(
            "console",
            lambda m: m.type == "error" and visit.console_errors.append(f"{m.text} [{m.location.get('url', '')}]"),
        )
        tab.on("pageerror", lambda e: visit.page_errors.append(str(e)))
        tab.on("requestfailed", lambda r: visit.failed_requests.append(f"{r.url} failed ({r.failure})"))
        tab.on(
            "response", lambda r: r.status >= 400 and visit.failed_requests.append(f"{r.url} answered HTTP {r.status}")
        )
        try:
            response = tab.goto(visit.url, wait_until="commit")
            visit.status = response.status if response else None
        except sync_api.Error as exc:
            visit.failure = str(exc).splitlines()[0]
        self.in_flight.append((context, tab, page, visit))

    def _finish(self, context, tab, page: str, visit: Visit) -> None:
        try:
            if visit.failure is None:
                tab.wait_for_load_state("load")
                visit.report = tab.evaluate(_INSPECT)
                # a declared icon is fetched by browsers at some point: fetch it now
                for href in visit.report.get("icons", []):
                    status = context.request.get(href).status
                    if status != 200:
                        visit.failed_requests.append(f"{href} (the page icon) answered HTTP {status}")
        except sync_api.Error as exc:
            visit.failure = str(exc).splitlines()[0]
        finally:
            tab.close()
        self.done[page] = visit


@pytest.fixture(scope="module")
def visit(request, browser, site):
    """``visit(page)``: the Visit of a toc page (``book/intro``), made once per module.

    The pages that the selected tests ask for are opened in the order of the tests, a few at once.
    """
    order = [
        item.callspec.params["page"]
        for item in request.session.items
        if "visit" in getattr(item, "fixturenames", ())
        and "page" in getattr(getattr(item, "callspec", None), "params", {})
    ]
    visitor = _Visitor(browser, site, order)
    try:
        yield visitor.get
    finally:
        visitor.close()


# --------------------------------------------------------------------------- 1-3: every toc page


@pytest.mark.parametrize("page", TOC)
def test_mathjax_typesets(visit, page):
    v = visit(page)
    r = v.report
    problems = v.load_problems() + list(r.get("errors", []))
    try:
        is_chapter = page in _chapters()
    except Exception as exc:  # noqa: BLE001 - reported with the other problems of the page
        problems.append(f"book_config.chapter_files() failed, so the page is checked as a non-chapter: {exc!r}")
        is_chapter = False
    if r and (r.get("mathjax_script") or r.get("math_elements") or is_chapter) and not r.get("mathjax"):
        # Sphinx loads MathJax only on pages with math; a chapter always has some
        problems.append("MathJax did not run (no MathJax.startup.promise, or it did not resolve)")
    if r and is_chapter and not r.get("containers"):
        problems.append("no mjx-container: nothing was typeset on a chapter page")
    if r.get("merror"):
        problems.append(f"{r['merror']} merror elements (MathJax errors)")
    problems += [f"bad formula: {f}" for f in r.get("bad_formulas", [])]
    problems += [f"math element not typeset: {t!r}" for t in r.get("untypeset", [])]
    problems += [f"raw TeX in the visible text: ...{s}..." for s in r.get("raw_visible", [])]
    problems += [f"raw TeX in collapsed text: ...{s}..." for s in r.get("raw_hidden", [])]
    assert not problems, f"{v.url}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("page", TOC)
def test_images_load(visit, page):
    v = visit(page)
    broken = [
        f"{img['src']} (complete={img['complete']}, naturalWidth={img['naturalWidth']})"
        for img in v.report.get("images", [])
        if not (img["complete"] and img["naturalWidth"] > 0)
    ]
    problems = v.load_problems() + list(v.report.get("errors", []))
    assert not problems and not broken, f"{v.url}:\n  " + "\n  ".join(
        problems + [f"image did not load: {b}" for b in broken]
    )


@pytest.mark.parametrize("page", TOC)
def test_no_console_errors(visit, book_html, page):
    v = visit(page)
    problems = v.problems()
    # A page that declares no icon makes browsers ask for /favicon.ico; Chromium does so once per
    # profile at a moment of its choosing, so the 404 is checked here for every page.
    if v.report and not v.report.get("icons") and not (book_html / "favicon.ico").is_file():
        if not any("favicon.ico" in p for p in problems):
            problems.append(
                'no page icon: the page declares no <link rel="icon"> and the site has no favicon.ico, so '
                "browsers request /favicon.ico and log 'Failed to load resource: ... 404'"
            )
    assert not problems, f"{v.url}:\n  " + "\n  ".join(problems)


# --------------------------------------------------------------------------- 4: internal links


class _LinkParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.anchors: set[str] = set()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.anchors.add(attrs["id"])
        if tag in ("a", "map") and attrs.get("name"):
            self.anchors.add(attrs["name"])
        if tag == "a" and attrs.get("href") is not None:
            self.hrefs.append(attrs["href"])


def _parse(path: pathlib.Path) -> _LinkParser:
    parser = _LinkParser()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    parser.close()
    return parser


def test_internal_links_resolve(book_html):
    root = book_html.resolve()
    pages = sorted(
        p
        for p in root.rglob("*.html")
        if p.relative_to(root).parts[0] not in SKIP_TREES and p.relative_to(root).as_posix() not in SKIP_PAGES
    )
    assert pages, f"no HTML pages under {root}"
    parsed: dict[pathlib.Path, _LinkParser] = {}

    def parse(path: pathlib.Path) -> _LinkParser:
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    # book.pdf is made by `make pdf`, after `make book`: without it, test_pdf_link skips and says so
    optional = set() if (root / "book.pdf").is_file() else {root / "book.pdf"}
    broken: list[str] = []
    n_links = 0
    for page in pages:
        rel_page = page.relative_to(root).as_posix()
        for href in parse(page).hrefs:
            url = urllib.parse.urlsplit(href.strip())
            if url.scheme or url.netloc:
                continue  # external (http:, mailto:, javascript:, //host)
            n_links += 1
            target = page
            if url.path:
                target_rel = posixpath.normpath(
                    posixpath.join(posixpath.dirname(rel_page), urllib.parse.unquote(url.path))
                )
                if target_rel == ".." or target_rel.startswith("../"):
                    broken.append(f"{rel_page}: {href} points outside the site")
                    continue
                target = root / target_rel
                if url.path.endswith("/") or target.is_dir():
                    target = target / "index.html"
            if not target.is_file():
                if target not in optional:
                    broken.append(f"{rel_page}: {href} -> no file {target.relative_to(root).as_posix()}")
                continue
            fragment = urllib.parse.unquote(url.fragment)
            if fragment and target.suffix == ".html" and fragment not in parse(target).anchors:
                broken.append(f"{rel_page}: {href} -> no id {fragment!r} in {target.relative_to(root).as_posix()}")
    assert n_links > 0, "no relative links found"
    assert not broken, f"{len(broken)} broken internal links (of {n_links}):\n  " + "\n  ".join(sorted(set(broken)))


# --------------------------------------------------------------------------- 5: search


def test_search_finds_tangent_kernel(browser, site):
    context = browser.new_context(service_workers="block")
    try:
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        tab.goto(site + "search.html?q=tangent+kernel")
        # Sphinx's searchtools writes a summary ("Search finished, found ...") when it is done
        tab.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary');"
            " return s && /found|match/i.test(s.textContent) && !/searching/i.test(s.textContent); }"
        )
        summary = tab.locator("#search-results .search-summary").inner_text()
        links = tab.eval_on_selector_all(
            "#search-results ul.search li a", "els => els.map(a => new URL(a.href).pathname)"
        )
    finally:
        context.close()
    assert links, f"search for 'tangent kernel' listed no results ({summary!r})"
    found = {path.lstrip("/") for path in links}
    assert found & NTK_CHAPTERS, f"no result links to {sorted(NTK_CHAPTERS)}; results: {sorted(found)}"


# --------------------------------------------------------------------------- 6: solutions


def _page_with_solutions(book_html) -> str:
    """The smallest toc page (the quickest to typeset) with a dropdown solution."""
    pages = [
        (path.stat().st_size, page)
        for page in TOC
        if (path := book_html / f"{page}.html").is_file()
        and 'class="solution dropdown' in path.read_text(encoding="utf-8")
    ]
    if not pages:
        pytest.fail("no page of the table of contents holds a {solution} with :class: dropdown")
    return min(pages)[1]


def test_solutions_hidden_until_clicked(browser, site, book_html):
    page = _page_with_solutions(book_html)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    try:
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        tab.goto(site + page + ".html")  # waits for "load": sphinx-togglebutton has run by then
        # sphinx-togglebutton turns each `.admonition.dropdown` into a toggle: a button in its title
        solutions = tab.locator("div.solution.dropdown")
        n = solutions.count()
        n_buttons = tab.locator("div.solution.dropdown > .admonition-title > button.toggle-button").count()
        assert n > 0 and n_buttons == n, f"{page}: {n} dropdown solutions, {n_buttons} toggle buttons"
        bodies = [solutions.nth(i).locator(":scope > :not(.admonition-title)").first for i in range(n)]
        visible_before = [i + 1 for i, b in enumerate(bodies) if b.is_visible()]
        first = solutions.first
        body = bodies[0]
        title = first.locator(":scope > .admonition-title")
        assert not visible_before, f"{page}: solutions {visible_before} of {n} are shown before any click"
        assert body.is_hidden(), f"{page}: the first solution is shown before its toggle is clicked"
        first.locator("button.toggle-button").click()
        sync_api.expect(body).to_be_visible(timeout=5000)
        assert body.inner_text().strip(), f"{page}: the opened solution is empty"
        title.click(position={"x": 5, "y": 5})  # the title toggles too (clicked off its link): hidden again
        sync_api.expect(body).to_be_hidden(timeout=5000)
    finally:
        context.close()


# --------------------------------------------------------------------------- 7: PDF


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 720}, {"width": 390, "height": 844}], ids=["desktop", "mobile"]
)
def test_pdf_link(browser, site, book_html, viewport):
    context = browser.new_context(viewport=viewport, service_workers="block")
    try:
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        tab.goto(site + "index.html")
        tab.wait_for_url("**/book/intro.html")  # index.html redirects to the root page
        hrefs = tab.eval_on_selector_all(
            "a[href]", "els => els.filter(a => /(^|\\/)book\\.pdf$/.test(new URL(a.href).pathname)).map(a => a.href)"
        )
        assert hrefs, f"{tab.url} has no link to book.pdf"
        link = tab.locator("a[href$='book.pdf']").first
        if not (book_html / "book.pdf").is_file():
            # a build without the PDF (`make book` alone) shows no link to it
            assert link.is_hidden(), f"{tab.url} shows a link to {hrefs[0]}, which this build lacks"
            return
        assert link.is_visible(), f"{tab.url} hides the link to the PDF that this build has"
        response = tab.request.get(hrefs[0])
        body = response.body()
        content_type = response.headers.get("content-type", "")
    finally:
        context.close()
    assert response.status == 200, f"{hrefs[0]} answered HTTP {response.status}"
    assert content_type.split(";")[0].strip() == "application/pdf", f"{hrefs[0]} has content-type {content_type!r}"
    assert body.startswith(b"%PDF"), f"{hrefs[0]} does not start with %PDF: {body[:16]!r}"


# --------------------------------------------------------------------------- 8: reader-facing defects

CHAPTER_PAGE = "book/part3/ch08_ntk_mean_field.html"
DESKTOP = {"width": 1400, "height": 900}
MOBILE = {"width": 390, "height": 844}

_CONTRAST = """
(el) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let bg = null;
  for (let node = el; node; node = node.parentElement) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { bg = c; break; }
  }
  bg = bg || [255, 255, 255];
  const fg = rgb(getComputedStyle(el).color);
  const [a, b] = [lum(fg) + 0.05, lum(bg) + 0.05];
  return Math.max(a, b) / Math.min(a, b);
}
"""


def _open(browser, site, page, viewport, *, dark=False):
    context = browser.new_context(viewport=viewport, service_workers="block")
    tab = context.new_page()
    tab.set_default_timeout(TIMEOUT_MS)
    if dark:
        tab.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    tab.goto(site + page)
    return context, tab


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_sidebar_toggle_works(browser, site, viewport):
    context, tab = _open(browser, site, CHAPTER_PAGE, viewport)
    try:
        toggle = tab.locator(".primary-toggle:visible").first
        assert toggle.count() == 1, "no visible sidebar toggle"
        if viewport["width"] >= 992:  # the theme collapses the sidebar; below, a drawer opens
            sidebar = tab.locator("#pst-primary-sidebar")
            assert sidebar.is_visible()
            toggle.click()
            sync_api.expect(sidebar).to_have_class(re.compile("pst-sidebar-hidden"), timeout=5000)
        else:
            toggle.click()
            dialog = tab.locator("#pst-primary-sidebar-modal")
            sync_api.expect(dialog).to_have_attribute("open", "", timeout=5000)
            assert tab.locator("#pst-primary-sidebar-modal a.reference").first.is_visible()
            tab.keyboard.press("Escape")
            sync_api.expect(dialog).not_to_have_attribute("open", "", timeout=5000)
            # the "Contents" button opens the page's table of contents
            tab.locator(".secondary-toggle:visible").first.click()
            contents = tab.locator("#pst-secondary-sidebar-modal")
            sync_api.expect(contents).to_have_attribute("open", "", timeout=5000)
    finally:
        context.close()


def test_one_search_box_on_desktop(browser, site):
    context, tab = _open(browser, site, CHAPTER_PAGE, DESKTOP)
    try:
        shown = tab.locator(".search-button-field:visible, .search-button:visible").count()
        header = tab.locator("header.bd-header")
        height = header.evaluate("h => h.getBoundingClientRect().height") if header.count() else 0
        assert shown == 1, f"{shown} search boxes or buttons are shown"
        assert height == 0, f"the theme's top header takes {height} px"
    finally:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_check_boxes_readable_in_dark_mode(browser, site, viewport):
    context, tab = _open(browser, site, CHAPTER_PAGE, viewport, dark=True)
    try:
        assert tab.evaluate("document.documentElement.dataset.theme") == "dark"
        codes = tab.locator(".dlmath-check code")
        assert codes.count() > 0, "no check box on the page"
        ratios = [codes.nth(i).evaluate(_CONTRAST) for i in range(codes.count())]
        verdicts = tab.locator(".dlmath-check > span").first.evaluate(_CONTRAST)
    finally:
        context.close()
    assert min(ratios) >= 4.5, f"theorem ids at contrast {min(ratios):.2f}:1 in dark mode (WCAG asks 4.5:1)"
    assert verdicts >= 4.5, f"the verdict at contrast {verdicts:.2f}:1 in dark mode"


def test_wide_equations_scroll_on_mobile(browser, site):
    context, tab = _open(browser, site, CHAPTER_PAGE, MOBILE)
    try:
        tab.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=TIMEOUT_MS)
        tab.evaluate("() => MathJax.startup.promise")
        report = tab.evaluate(
            """() => {
              const wide = [...document.querySelectorAll('mjx-container[display="true"]')]
                .filter(e => e.scrollWidth > e.clientWidth + 1);
              return {
                wide: wide.length,
                scrollable: wide.filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX)).length,
                page: document.documentElement.scrollWidth, view: window.innerWidth,
                title: (() => { const h = document.querySelector('h1'); return h.scrollWidth - h.clientWidth; })(),
              };
            }"""
        )
    finally:
        context.close()
    assert report["wide"] > 0, "no display equation is wider than a phone: the check measures nothing"
    assert report["scrollable"] == report["wide"], f"wide equations that do not scroll: {report}"
    assert report["page"] <= report["view"] + 1, f"the page scrolls sideways on a phone: {report}"
    assert report["title"] <= 1, f"the chapter title is cut on a phone: {report}"


@pytest.mark.parametrize("viewport", [DESKTOP, MOBILE], ids=["desktop", "mobile"])
def test_theorem_index_shows_verdicts_grouped_by_chapter(browser, site, viewport):
    context, tab = _open(browser, site, "book/theorem_index.html", viewport)
    try:
        table = tab.locator("table.dlmath-theorem-index")
        status = table.locator("thead th").first
        box = status.bounding_box()
        header = status.inner_text().strip()
        groups = table.locator("tr.dlmath-index-chapter").all_inner_texts()
        verdicts = table.locator("tbody tr:not(.dlmath-index-chapter) td:first-child").all_inner_texts()
    finally:
        context.close()
    assert header == "Status" and box["x"] + box["width"] <= viewport["width"], f"the verdict column: {header}, {box}"
    assert len(groups) == len(_chapters()), f"{len(groups)} chapter groups for {len(_chapters())} chapters"
    assert verdicts and set(v.strip() for v in verdicts) <= {"verified", "illustration", "FAILED", "passed"}, verdicts[
        :5
    ]


# --------------------------------------------------------------------------- 9: live code (make live)

LIVE_PAGE = "book/part2/ch05_depth.html"


@pytest.fixture(scope="module")
def live_server(book_html):
    """``tools/live.py`` (what ``make live`` runs) on a free port: (base URL, token)."""
    import secrets
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    from book_config import ROOT

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    token = secrets.token_hex(16)
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tools" / "live.py"),
            "--port",
            str(port),
            "--book",
            str(book_html),
            "--token",
            token,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + f"api/status?token={token}", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail(f"tools/live.py exited: {proc.stdout.read()[-2000:]}")
                time.sleep(0.2)
        yield base, token, port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_live_server_refuses_requests_without_the_token(live_server):
    import urllib.error
    import urllib.request

    base, token, _ = live_server

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    for path in ("book/index.html", f"book/{LIVE_PAGE}", "api/kernels", "api/contents"):
        try:
            status = opener.open(base + path, timeout=10).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        assert status in (302, 401, 403), f"{path} without the token answered HTTP {status}"
        with opener.open(base + path + f"?token={token}", timeout=10) as response:
            assert response.status == 200, f"{path} with the token answered HTTP {response.status}"


def test_live_server_listens_on_loopback_only(live_server):
    _, _, port = live_server
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in pathlib.Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                listening.append(address)
    if not listening:
        pytest.skip("no /proc/net/tcp to read the listening sockets from")
    assert set(listening) == {"0100007F"}, f"port {port} listens on {listening} (0100007F is 127.0.0.1)"


def _start_live(browser, live_server, page: str):
    """Open ``page`` through the live server, press "Run live" and wait for the kernel:
    (context, tab, live cells, their sources)."""
    base, token, _ = live_server
    context = browser.new_context(viewport=DESKTOP, service_workers="block")
    try:
        tab = context.new_page()
        tab.set_default_timeout(120_000)
        tab.goto(f"{base}book/{page}?token={token}")
        tab.locator(".dlmath-live-button").click()
        tab.wait_for_function("document.documentElement.dataset.dlmathLive === 'ready'")
        cells = tab.locator(".thebe-cell")
        # the editors' text (CodeMirror draws only the lines in view)
        sources = [
            cells.nth(i).evaluate("c => c.querySelector('.CodeMirror').CodeMirror.getValue()")
            for i in range(cells.count())
        ]
    except BaseException:
        context.close()
        raise
    return context, tab, cells, sources


def test_live_cell_edited_and_run(browser, live_server):
    context, tab, cells, sources = _start_live(browser, live_server, LIVE_PAGE)
    try:
        assert cells.count() >= 3, f"{cells.count()} live cells"
        found = [i for i, source in enumerate(sources) if "sawtooth_network(3)" in source]
        assert found, "no live cell holds print(ex.sawtooth_network(3))"
        target = cells.nth(found[0])
        # the chapter's set-up (imports) first, then the edited cell
        cells.nth(0).locator("button.thebe-run-button").dispatch_event("click")  # folded: not clickable
        tab.wait_for_timeout(500)
        target.locator("button.thebe-run-button").click()
        output = tab.locator(".cell_output", has_text="widths=(1, 2, 2, 2, 1)")
        sync_api.expect(output.first).to_be_visible(timeout=120_000)
        edited = target.evaluate(
            """cell => {
              const cm = cell.querySelector('.CodeMirror').CodeMirror;
              cm.setValue(cm.getValue().replace('sawtooth_network(3)', 'sawtooth_network(4)'));
              return cm.getValue().includes('sawtooth_network(4)');
            }"""
        )
        assert edited, "the live cell has no editor"
        target.locator("button.thebe-run-button").click()
        changed = tab.locator(".cell_output", has_text="widths=(1, 2, 2, 2, 2, 1)")
        sync_api.expect(changed.first).to_be_visible(timeout=120_000)
    finally:
        context.close()


def test_live_interactive_figure(browser, live_server):
    """The sliders of an interactive figure are drawn in live mode, with the figure under them,
    and moving one redraws it."""
    context, tab, cells, sources = _start_live(browser, live_server, "book/part5/ch14_equivariance.html")
    try:
        target = next(i for i, s in enumerate(sources) if "explore(" in s)
        cells.nth(0).locator("button.thebe-run-button").dispatch_event("click")  # the set-up (folded)
        tab.wait_for_timeout(500)
        cells.nth(target).locator("button.thebe-run-button").click()
        slider = tab.locator(".widget-slider").first
        sync_api.expect(slider).to_be_visible(timeout=120_000)
        figure = tab.locator(".widget-output img").first
        sync_api.expect(figure).to_be_visible(timeout=120_000)
        before = figure.get_attribute("src")
        handle = tab.locator(".widget-slider .noUi-handle, .widget-slider .ui-slider-handle").first
        handle.focus()
        tab.keyboard.press("ArrowRight")
        tab.wait_for_function(
            "src => { const img = document.querySelector('.widget-output img'); return img && img.src !== src; }",
            arg=before,
            timeout=120_000,
        )
    finally:
        context.close()
