"""Shared test configuration.

The marker ``theorem(id)`` (registered in pyproject.toml) ties a test to a result of the
book; ``book`` marks the tests that build (a part of) the book.
"""
from __future__ import annotations

import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent

os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session")
def project_root() -> pathlib.Path:
    return ROOT


def pytest_collection_modifyitems(config, items):
    for item in items:
        for mark in item.iter_markers("theorem"):
            if len(mark.args) != 1 or not isinstance(mark.args[0], str) or "." not in mark.args[0]:
                raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.theorem needs one id like 'part.name'")
