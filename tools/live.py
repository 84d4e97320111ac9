"""`make live`: the built book and a Jupyter server, on 127.0.0.1, behind one token.

The server is a Jupyter server (``jupyter_server``) bound to the loopback interface only; every
request needs its token, the book's pages included (``/book/...``, served by the server's
authenticated file handler). The "Run live" button of a page (``book/_static/live.js``) starts a
kernel of this server (the interpreter that runs this script, so one with ``dlmath``) and turns
the page's cells into editable cells (Thebe, served from the book).

    python tools/live.py --port 8899 --book _build/html [--token TOKEN]

prints the address to open, ``http://127.0.0.1:<port>/book/index.html?token=<token>``; the
token is random unless given (``--token`` or ``$DLMATH_LIVE_TOKEN``).
"""

from __future__ import annotations

import argparse
import os
import pathlib
import secrets
import sys

HOST = "127.0.0.1"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8899)
    parser.add_argument("--book", type=pathlib.Path, default=pathlib.Path("_build/html"))
    parser.add_argument("--token", default=os.environ.get("DLMATH_LIVE_TOKEN") or None)
    args = parser.parse_args(argv)
    book = args.book.resolve()
    if not (book / "index.html").is_file():
        print(f"{book} holds no built book: run `make book` first", file=sys.stderr)
        return 2
    token = args.token or secrets.token_hex(24)
    if len(token) < 16:
        print("the token must have at least 16 characters", file=sys.stderr)
        return 2

    from jupyter_server.base.handlers import AuthenticatedFileHandler, JupyterHandler
    from jupyter_server.serverapp import ServerApp
    from jupyter_server.utils import url_path_join

    class BookHandler(AuthenticatedFileHandler):
        """The book's pages, behind the token, without the ``sandbox`` policy that the file
        handler puts on user files (the pages must run their own scripts and storage)."""

        @property
        def content_security_policy(self) -> str:
            return JupyterHandler.content_security_policy.fget(self)

    app = ServerApp()
    app.initialize(
        argv=[
            f"--ServerApp.ip={HOST}",
            f"--ServerApp.port={args.port}",
            "--ServerApp.port_retries=0",
            "--ServerApp.open_browser=False",
            f"--ServerApp.root_dir={book}",
            f"--IdentityProvider.token={token}",
            # no terminals and no file browser: a kernel and the book
            "--ServerApp.terminals_enabled=False",
            "--ServerApp.allow_remote_access=False",
        ]
        # containers and CI run as root
        + (["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []),
        find_extensions=False,
        new_httpserver=True,
    )
    app.web_app.add_handlers(
        ".*$",
        [
            (
                url_path_join(app.base_url, r"book/(.*)"),
                BookHandler,
                {"path": str(book), "default_filename": "index.html"},
            )
        ],
    )
    url = f"http://{HOST}:{args.port}{url_path_join(app.base_url, 'book/index.html')}?token={token}"
    print(f"The book with a live kernel: {url}", flush=True)
    app.start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
