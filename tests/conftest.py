"""Shared test configuration.

The marker ``theorem(id)`` (registered in pyproject.toml) ties a test to a result of the
book; ``book`` marks the tests that build (a part of) the book.
"""

from __future__ import annotations

import os
import pathlib

import pytest

# tools/ is on sys.path (pytest's ``pythonpath`` in pyproject.toml): the build flags, the table
# of contents and the build itself come from tools/book_config.py, as for the Makefile.
from book_config import ROOT, build_book, current_build

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def project_root() -> pathlib.Path:
    return ROOT


def _devices() -> list[str]:
    import torch

    return ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(params=["float32", "float64"])
def dtype(request):
    """A floating torch dtype: the tests using it run in both precisions."""
    import torch

    return getattr(torch, request.param)


@pytest.fixture(params=_devices() if os.environ.get("DLMATH_TEST_DEVICES", "1") == "1" else ["cpu"])
def device(request):
    """Every device this machine has: the CPU, and CUDA where available."""
    return request.param


def tolerance(dtype) -> float:
    """Relative tolerance of a float computation in ``dtype`` (a few hundred ulps)."""
    import torch

    return 1e-4 if dtype == torch.float32 else 1e-11


@pytest.fixture
def rng():
    """A seeded NumPy generator (seed 0), fresh for each test."""
    import numpy as np

    return np.random.default_rng(0)


def pytest_collection_modifyitems(config, items):
    for item in items:
        for mark in item.iter_markers("theorem"):
            if len(mark.args) != 1 or not isinstance(mark.args[0], str) or "." not in mark.args[0]:
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.theorem needs one id like 'part.name'")


@pytest.fixture(scope="session")
def book_html(tmp_path_factory) -> pathlib.Path:
    """The HTML of a complete build of this checkout.

    ``DLMATH_BOOK_BUILD=<_build folder>`` reuses a finished build (as ``.ci/run`` does after
    ``make book``); so does a build in ``_build`` whose recorded fingerprint is that of the
    current sources, package, tools and configuration (``make book`` writes it). Otherwise the
    book is built once per session into a temporary folder.
    """
    prebuilt = os.environ.get("DLMATH_BOOK_BUILD") or current_build(ROOT)
    if prebuilt:
        html = pathlib.Path(prebuilt).resolve() / "html"
        assert (html / "index.html").is_file(), f"DLMATH_BOOK_BUILD={prebuilt} holds no finished HTML build"
        return html
    out = tmp_path_factory.mktemp("book")
    proc = build_book(ROOT, out)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return out / "_build" / "html"
