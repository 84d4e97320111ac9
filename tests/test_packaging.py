"""`pip install .` gives an importable dlmath that needs only its runtime dependencies."""
from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (whl,) = out.glob("dlmath-*.whl")
    return whl


def test_wheel_runtime_dependencies(wheel):
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith("METADATA"))
        text = zf.read(meta).decode()
        names = zf.namelist()
    runtime = sorted(
        re.split(r"[<>=!~ ;]", line.split(":", 1)[1].strip())[0].lower()
        for line in text.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    )
    assert runtime == ["matplotlib", "numpy", "scikit-image", "scikit-learn", "scipy", "torch"]
    assert any(n == "dlmath/__init__.py" for n in names)
    assert not any(n.startswith(("code/", "tests/", "book/")) for n in names)


def test_wheel_imports_in_isolation(wheel, tmp_path):
    # Unpack the wheel alone on sys.path (dependencies from the running environment) and import it.
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(tmp_path)
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import dlmath, dlmath.nets; "
        "assert dlmath.__file__.startswith(sys.argv[1]), dlmath.__file__; print(dlmath.__version__)"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    from dlmath import __version__

    assert proc.stdout.strip() == __version__


def test_import_is_light():
    # `import dlmath` must not import torch: the submodules load lazily.
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, dlmath; print('torch' in sys.modules)"], capture_output=True, text=True
    )
    assert proc.stdout.strip() == "False", proc.stderr
