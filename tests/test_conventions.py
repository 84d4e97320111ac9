"""The package's conventions, over every public name of every facade (see tests/conventions).

* data-to-data functions: NumPy in, NumPy out; a tensor in, a tensor out on its device and dtype;
* networks: a tensor or a NumPy batch in, a tensor out; a string or a tensor of the other
  precision is a ``TypeError`` naming the argument;
* bad arguments, classes included: the exception and a message naming the argument;
* ``dtype`` defaults: float64 for closed forms and transforms, float32 for networks;
* demos: keyword-only, returning a result class of the same facade, whose ``plot`` returns a
  Figure and whose ``summary`` shows the measured and predicted figures;
* every public function and class is published under its facade (``__module__``), defined in a
  topic module, and no module of the package is over 800 lines.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pathlib
import re

import numpy as np
import pytest

import dlmath
from dlmath._export import source_module
from dlmath.results import DemoResult, checks_of

FACADES = ("nets", "learning", "expressivity", "optimization", "kernels", "architectures", "pde", "inverse")
PACKAGE = pathlib.Path(dlmath.__file__).parent
MAX_MODULE_LINES = 800


def _facade(name):
    return importlib.import_module(f"dlmath.{name}")


def _cases(name):
    return importlib.import_module(f"conventions.{name}")


def _is_demo(name, obj):
    return name.endswith("_demo") and inspect.isfunction(obj)


def _is_result(obj):
    return isinstance(obj, type) and issubclass(obj, DemoResult)


def _classified(facade):
    mod, cases = _facade(facade), _cases(facade)
    return mod, cases, {n for n in mod.__all__ if not (_is_demo(n, getattr(mod, n)) or _is_result(getattr(mod, n)))}


def _all_cases(kind):
    out = []
    for facade in FACADES:
        for name, case in getattr(_cases(facade), kind).items():
            out.append(pytest.param(facade, name, case, id=f"{facade}.{name}"))
    return out


def _bad_inputs():
    out = []
    for facade in FACADES:
        for ident, call, exc, match in _cases(facade).BAD_INPUTS:
            out.append(pytest.param(call, exc, match, id=f"{facade}.{ident}"))
    return out


# ---------------------------------------------------------------------------------------------
# layout


@pytest.mark.parametrize("facade", FACADES)
def test_every_public_name_is_classified(facade):
    import torch

    mod, cases, names = _classified(facade)
    kinds = {k: set(getattr(cases, k)) for k in ("DATA_FUNCTIONS", "NETWORKS", "OTHER")}
    seen = [n for k in kinds.values() for n in k]
    assert len(seen) == len(set(seen)), f"{facade}: a name is in two categories"
    assert set(seen) == names, (
        f"{facade}: unclassified {sorted(names - set(seen))}, not public {sorted(set(seen) - names)}"
    )
    for name in names:
        obj = getattr(mod, name)
        if isinstance(obj, type) and issubclass(obj, torch.nn.Module):
            assert name in kinds["NETWORKS"], f"{facade}.{name} is an nn.Module without a NETWORKS case"


@pytest.mark.parametrize("facade", FACADES)
def test_public_names_are_published_from_topic_modules(facade):
    mod = _facade(facade)
    assert hasattr(mod, "__path__"), f"dlmath.{facade} must be a subpackage"
    for name in mod.__all__:
        obj = getattr(mod, name)
        if not (inspect.isfunction(obj) or isinstance(obj, type)):
            continue
        if not source_module(obj).startswith(f"dlmath.{facade}."):
            continue  # re-exported from elsewhere
        assert obj.__module__ == f"dlmath.{facade}", f"{name}.__module__ is {obj.__module__}"
        assert getattr(importlib.import_module(f"dlmath.{facade}"), obj.__name__) is obj
        topic = source_module(obj).rsplit(".", 1)[1]
        assert not re.fullmatch(r"(ch|chapter|part)_?\d+.*", topic), f"{topic}: named by a chapter number"


def test_no_module_is_over_800_lines():
    sizes = {str(p.relative_to(PACKAGE)): len(p.read_text().splitlines()) for p in PACKAGE.rglob("*.py")}
    too_long = {p: n for p, n in sizes.items() if n > MAX_MODULE_LINES}
    assert not too_long, f"modules over {MAX_MODULE_LINES} lines: {too_long}"


# ---------------------------------------------------------------------------------------------
# data in, data out


def _arrays(value):
    """Every array (NumPy or torch) in an output: tuples, lists, dicts and dataclasses searched."""
    import torch

    if isinstance(value, (np.ndarray, torch.Tensor)):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _arrays(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _arrays(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _arrays(getattr(value, f.name))


@pytest.mark.parametrize(("facade", "name", "case"), _all_cases("DATA_FUNCTIONS"))
def test_numpy_in_numpy_out(facade, name, case):
    import torch

    fn = getattr(_facade(facade), name)
    args, kwargs = case(lambda a: np.array(a, dtype=np.float64))
    out = list(_arrays(fn(*args, **kwargs)))
    assert out, f"{name} returned no array"
    for a in out:
        assert isinstance(a, np.ndarray) and not isinstance(a, torch.Tensor), f"{name} returned {type(a).__name__}"


@pytest.mark.parametrize(("facade", "name", "case"), _all_cases("DATA_FUNCTIONS"))
def test_tensor_in_tensor_out(facade, name, case, dtype, device):
    import torch

    fn = getattr(_facade(facade), name)
    args, kwargs = case(lambda a: torch.as_tensor(np.array(a, dtype=np.float64), dtype=dtype, device=device))
    out = list(_arrays(fn(*args, **kwargs)))
    assert out, f"{name} returned no array"
    for a in out:
        assert isinstance(a, torch.Tensor), f"{name} returned {type(a).__name__} for a tensor"
        assert a.device.type == torch.device(device).type, f"{name} returned a tensor on {a.device}"
        if a.is_floating_point():
            assert a.dtype == dtype, f"{name} returned {a.dtype} for {dtype}"


# ---------------------------------------------------------------------------------------------
# networks


@pytest.mark.parametrize(("facade", "name", "case"), _all_cases("NETWORKS"))
def test_network_takes_numpy_and_tensor(facade, name, case):
    import torch

    from dlmath.nets import module_dtype_device

    module, x = case()
    assert isinstance(module, torch.nn.Module)
    if isinstance(getattr(_facade(facade), name), type):
        assert isinstance(module, getattr(_facade(facade), name))
    dtype, dev = module_dtype_device(module)
    out_np = module(x)
    assert isinstance(out_np, torch.Tensor), f"{name}(NumPy) returned {type(out_np).__name__}"
    out_t = module(torch.as_tensor(np.asarray(x), dtype=dtype, device=dev))
    torch.testing.assert_close(out_np, out_t)
    with pytest.raises(TypeError, match=r"\b(x|input|inputs|signal|image|images|X|y|Y|f|v)\b"):
        module("not an array")
    other = torch.float64 if dtype == torch.float32 else torch.float32
    with pytest.raises(TypeError, match="dtype"):
        module(torch.as_tensor(np.asarray(x), dtype=other, device=dev))


@pytest.mark.parametrize(("call", "exc", "match"), _bad_inputs())
def test_bad_input_is_named(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.mark.parametrize("facade", FACADES)
def test_dtype_defaults(facade):
    import torch

    mod, cases, names = _classified(facade)
    for name in names:
        obj = getattr(mod, name)
        try:
            sig = inspect.signature(obj)
        except (TypeError, ValueError):
            continue
        if "dtype" not in sig.parameters:
            continue
        default = sig.parameters["dtype"].default
        if default is inspect.Parameter.empty or default is None:
            continue
        from dlmath.utils import check_float_dtype

        # transforms that are nn.Modules (the scattering transforms) keep the closed forms' float64
        is_network = name in cases.NETWORKS and name not in getattr(cases, "FLOAT64_NETWORKS", set())
        expected = torch.float32 if (is_network or "builder" in cases.OTHER.get(name, "")) else torch.float64
        assert check_float_dtype(default) == expected, (
            f"{facade}.{name}: dtype default {default}, the kind's is {expected}"
        )


# ---------------------------------------------------------------------------------------------
# demos and results


@pytest.mark.parametrize("facade", FACADES[1:])
def test_demos_and_results(facade):
    mod = _facade(facade)
    results = {n: getattr(mod, n) for n in mod.__all__ if _is_result(getattr(mod, n))}
    for name in mod.__all__:
        obj = getattr(mod, name)
        if _is_demo(name, obj):
            sig = inspect.signature(obj)
            positional = [p for p in sig.parameters.values() if p.kind is not p.KEYWORD_ONLY]
            assert not positional, f"{name}: demo parameters are keyword-only, got {positional}"
            ret = sig.return_annotation
            ret = ret if isinstance(ret, str) else getattr(ret, "__name__", "")
            assert ret in results, f"{name} must be annotated with a result class of dlmath.{facade}, got {ret!r}"
            assert "Parameters" in (obj.__doc__ or "") or not sig.parameters, f"{name}: no Parameters section"
    for name, cls in results.items():
        doc = cls.__doc__ or ""
        assert "Attributes" in doc, f"{name}: the docstring has no Attributes section"
        assert hasattr(cls.plot, "__wrapped__"), f"{name}.plot is not wrapped by demo_result"
        scalars = [f for f in dataclasses.fields(cls) if str(f.type) in ("float", "int", "bool", "str")]
        assert checks_of(cls) or scalars, f"{name}: summary() would show no figure"


def test_plot_returns_figure_and_keeps_settings():
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from dlmath import learning

    res = learning.ols_risk_demo(n_rep=50)
    before = dict(mpl.rcParams)
    fig = res.plot()
    assert isinstance(fig, Figure)
    changed = {k for k, v in mpl.rcParams.items() if before.get(k) != v and k != "backend"}
    assert not changed, f"plot changed the caller's settings: {sorted(changed)}"
    summary = res.summary()
    assert summary["learning.ols_excess_risk[random]"]["predicted"] == 0.0
    assert len(summary["predicted"]) == len(summary["mc_risk"])
