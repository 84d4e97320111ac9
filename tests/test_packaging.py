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
    assert runtime == ["ipywidgets", "matplotlib", "numpy", "scikit-image", "scikit-learn", "scipy", "torch", "tqdm"]
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


def _pins(lines) -> dict[str, str]:
    out = {}
    for line in lines:
        match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*([^\s;]+)", line)
        if match:
            out[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return out


def test_pinned_extras_match_the_lock_file():
    """Every ``==`` pin of the test and book extras is the version that requirements/lock.txt installs."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = _pins(r for name in ("test", "book") for r in project["optional-dependencies"][name])
    lock = _pins((ROOT / "requirements" / "lock.txt").read_text().splitlines())
    assert "ruff" in extras, "ruff (make lint) belongs to the test extra"
    mismatched = {name: (version, lock.get(name)) for name, version in extras.items() if lock.get(name) != version}
    assert not mismatched, f"pyproject pin != lock.txt: {mismatched}"


def _package_tree() -> dict[str, set[str]]:
    """Each subpackage of dlmath (a part facade or ``nets``) and its public topic modules, read from disk."""
    pkg = ROOT / "code" / "dlmath"
    return {
        d.name: {p.stem for p in d.glob("*.py") if not p.stem.startswith("_")}
        for d in sorted(pkg.iterdir())
        if (d / "__init__.py").is_file()
    }


def test_layout_is_documented_where_the_reader_looks():
    """The README's layout table, the top-level docstring and each facade's table name exactly the modules on disk."""
    import importlib

    import dlmath

    tree = _package_tree()
    assert set(tree) >= {"learning", "expressivity", "optimization", "kernels", "architectures", "pde", "inverse"}
    readme = (ROOT / "README.md").read_text()
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| `dlmath\.(\w+)` \|[^|]*\|([^|]*)\|", readme, re.M)}
    for facade, modules in tree.items():
        assert facade in rows, f"README's package table has no row for dlmath.{facade}"
        listed = set(re.findall(r"`(\w+)`", rows[facade]))
        assert listed == modules, (
            f"README lists {sorted(listed)} for dlmath.{facade}, the package has {sorted(modules)}"
        )
        assert f":mod:`dlmath.{facade}`" in dlmath.__doc__, f"dlmath's docstring does not name dlmath.{facade}"
        doc = importlib.import_module(f"dlmath.{facade}").__doc__
        in_doc = set(re.findall(rf"``dlmath\.{facade}\.(\w+)``", doc))
        assert in_doc == modules, (
            f"dlmath.{facade}'s module table lists {sorted(in_doc)}, the package has {sorted(modules)}"
        )


def test_readme_example_runs(tmp_path, monkeypatch):
    """The README's Python example runs as printed, and its figure is written."""
    import matplotlib

    matplotlib.use("Agg")
    readme = (ROOT / "README.md").read_text()
    (example,) = re.findall(r"```python\n(.*?)```", readme, re.S)
    monkeypatch.chdir(tmp_path)
    before = dict(matplotlib.rcParams)
    exec(compile(example, "README.md", "exec"), {})
    assert (tmp_path / "ols_risk.png").stat().st_size > 0
    assert dict(matplotlib.rcParams) == before
