import dataclasses

import numpy as np
import pytest

import dlmath
from dlmath.results import DemoResult, demo_result


@demo_result
class _Toy(DemoResult):
    xs: np.ndarray
    rate: float
    predicted: float
    label: str


def test_result_is_frozen_and_read_only():
    res = _Toy(xs=np.arange(3.0), rate=-0.5, predicted=-0.5, label="toy")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.rate = 1.0
    with pytest.raises(ValueError):
        res.xs[0] = 7.0
    assert res.summary() == {"rate": -0.5, "predicted": -0.5, "label": "toy"}
    assert "xs=<array (3,)>" in repr(res)
    with pytest.raises(NotImplementedError):
        res.plot()


def test_version_and_lazy_modules():
    assert isinstance(dlmath.__version__, str) and dlmath.__version__.count(".") == 2
    assert "kernels" in dir(dlmath)
    with pytest.raises(AttributeError):
        dlmath.not_a_module


def test_plotting_style_applies():
    import matplotlib as mpl

    from dlmath import plotting

    plotting.use_book_style()
    assert mpl.rcParams["axes.spines.top"] is False
    ax = plotting.axes()
    line = plotting.slope_guide(ax, [1, 10, 100], -0.5, anchor=(1.0, 1.0))
    assert np.allclose(line.get_ydata(), [1.0, 10**-0.5, 0.1])


# -- theorem checks ----------------------------------------------------------------------------
import math

from dlmath.results import CHECK_METADATA_KEY, glue, theorem_check


def _check(**kw):
    args = dict(theorem="kernels.ntk_limit", measured=-0.53, predicted=-0.5, tolerance=0.2,
                quantity="slope", demo="dlmath.kernels.ntk_limit_demo")
    args.update(kw)
    return theorem_check(**args)


@pytest.mark.parametrize("relation, measured, predicted, tolerance, passed", [
    ("approx", -0.53, -0.5, 0.2, True), ("approx", -0.8, -0.5, 0.2, False),
    ("rel", 44.2, 44.41, 0.01, True), ("rel", 40.0, 44.41, 0.01, False),
    ("<=", 0.99, 1.0, 0.0, True), ("<=", 1.01, 1.0, 0.0, False), ("<=", 1.01, 1.0, 0.02, True),
    (">=", 0.3, 0.25, 0.0, True), (">=", 0.2, 0.25, 0.0, False),
])
def test_theorem_check_relations(relation, measured, predicted, tolerance, passed):
    c = _check(relation=relation, measured=measured, predicted=predicted, tolerance=tolerance)
    assert c.passed is passed
    assert ("passed" if passed else "FAILED") in str(c)


def test_theorem_check_nan_never_passes_and_serialises():
    c = _check(measured=float("nan"), relation="<=", predicted=1.0)
    assert not c.passed
    assert c.as_dict()["measured"] is None and c.as_dict()["passed"] is False


def test_theorem_check_validation():
    with pytest.raises(ValueError, match="theorem"):
        _check(theorem="ntk limit")
    with pytest.raises(ValueError, match="relation"):
        _check(relation="<")
    with pytest.raises(ValueError, match="tolerance"):
        _check(tolerance=-1.0)
    with pytest.raises(TypeError, match="measured"):
        _check(measured="0.5")
    with pytest.raises(TypeError, match="measured"):
        _check(measured=True)
    with pytest.raises(ValueError, match="predicted"):
        _check(predicted=math.inf)
    with pytest.raises(ValueError, match="quantity"):
        _check(quantity=" ")
    with pytest.raises(TypeError, match="demo"):
        _check(demo=3)
    with pytest.raises(ValueError, match="label"):
        _check(label="a b")


def test_theorem_check_display_carries_its_fields():
    from IPython.core.formatters import format_display_data

    c = _check(demo=theorem_check, label="rate")
    data, metadata = format_display_data(c)
    assert "dlmath-check" in data["text/html"] and "passed" in data["text/plain"]
    fields = metadata[CHECK_METADATA_KEY]
    assert fields["demo"] == "dlmath.results.theorem_check"
    assert fields["label"] == "rate" and fields["passed"] is True
    assert fields["prediction_text"] == "≈ -0.5 ± 0.2"


def test_glue_without_myst_nb_only_displays(monkeypatch, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import fails as for a reader
    shown = []
    import IPython.display

    monkeypatch.setattr(IPython.display, "display", lambda v: shown.append(v))
    glue("hidden", 1.5, display=False)
    glue("shown", 2.5, display=True)
    assert shown == [2.5]
    with pytest.raises(ValueError, match="name"):
        glue("", 1.0)
