import dataclasses
import math
from types import SimpleNamespace

import numpy as np
import pytest

import dlmath
from dlmath import results as results_module
from dlmath.results import (
    CHECK_METADATA_KEY,
    DemoResult,
    TheoremCheck,
    declaration,
    declare_check,
    demo_result,
    glue,
    theorem_check,
)


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
    assert res.summary() == {"xs": [0.0, 1.0, 2.0], "rate": -0.5, "predicted": -0.5, "label": "toy"}
    assert "xs=<array (3,)>" in repr(res)
    with pytest.raises(NotImplementedError):
        res.plot()


def test_version_and_lazy_modules():
    assert isinstance(dlmath.__version__, str) and dlmath.__version__.count(".") == 2
    assert "kernels" in dir(dlmath)
    with pytest.raises(AttributeError):
        _ = dlmath.not_a_module


def test_plotting_style_applies():
    import matplotlib as mpl

    from dlmath import plotting

    plotting.use_book_style()
    assert mpl.rcParams["axes.spines.top"] is False
    ax = plotting.axes()
    line = plotting.slope_guide(ax, [1, 10, 100], -0.5, anchor=(1.0, 1.0))
    assert np.allclose(line.get_ydata(), [1.0, 10**-0.5, 0.1])


# -- theorem checks ----------------------------------------------------------------------------


def _check(**kw):
    args = dict(
        theorem="kernels.ntk_limit",
        measured=-0.53,
        predicted=-0.5,
        tolerance=0.2,
        quantity="slope",
        demo="dlmath.kernels.ntk_limit_demo",
    )
    args.update(kw)
    return theorem_check(**args)


@pytest.mark.parametrize(
    "relation, measured, predicted, tolerance, passed",
    [
        ("approx", -0.53, -0.5, 0.2, True),
        ("approx", -0.8, -0.5, 0.2, False),
        ("rel", 44.2, 44.41, 0.01, True),
        ("rel", 40.0, 44.41, 0.01, False),
        ("<=", 0.99, 1.0, 0.0, True),
        ("<=", 1.01, 1.0, 0.0, False),
        ("<=", 1.01, 1.0, 0.02, True),
        (">=", 0.3, 0.25, 0.0, True),
        (">=", 0.2, 0.25, 0.0, False),
    ],
)
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


# -- declared checks ---------------------------------------------------------------------------


@pytest.fixture
def registry(monkeypatch):
    """A private registry, so that these declarations do not join the book's."""
    results_module.declarations()  # import every part first: their declarations stay in the real registry
    monkeypatch.setattr(results_module.checks, "_REGISTRY", {})
    return results_module.checks._REGISTRY


def _declare(**kw):
    args = dict(
        theorem="learning.ols_excess_risk",
        quantity="risk over sigma^2 d/(n-d-1)",
        claim="equality",
        relation="rel",
        measure="ratio",
        predict=1.0,
        tolerance=lambda r: 3 * r.se,
        reason="3 standard errors",
        hypotheses="n >= d + 2",
        wrong="n - d instead of n - d - 1",
        wrong_predict=lambda r: r.wrong,
        demo="dlmath.learning.ols_risk_demo",
    )
    args.update(kw)
    return declare_check(**args)


def test_declared_check_passes_and_rejects_its_wrong_answer(registry):
    d = _declare()
    res = SimpleNamespace(ratio=1.01, se=0.01, wrong=(20 - 5 - 1) / (20 - 5))
    c = d.check(res)
    assert c.passed and c.rejects_wrong and c.verified and c.declared
    assert c.tolerance == pytest.approx(0.03) and c.wrong_predicted == pytest.approx(14 / 15)
    assert "rejected" in str(c)
    assert results_module.verify("learning.ols_excess_risk", res).passed
    # a wrong answer inside the tolerance is not rejected, and verify says so
    close = SimpleNamespace(ratio=1.01, se=0.01, wrong=0.99)
    assert not d.check(close).rejects_wrong
    with pytest.raises(AssertionError, match="not rejected"):
        d.verify(close)
    # a measurement outside the tolerance fails, with the tolerance's reason
    with pytest.raises(AssertionError, match="3 standard errors"):
        d.verify(SimpleNamespace(ratio=1.05, se=0.01, wrong=0.9))
    assert declaration("learning.ols_excess_risk") is d


def test_wrong_measure_and_tightness(registry):
    # an upper bound that the instance nearly attains: 0.9 x the bound must be violated
    d = _declare(
        theorem="kernels.rademacher_bounds",
        claim="upper bound",
        relation="<=",
        measure="m",
        predict="b",
        tolerance=0.0,
        wrong="0.9 x the bound",
        wrong_predict=lambda r: 0.9 * r.b,
        min_tightness=0.9,
    )
    c = d.check(SimpleNamespace(m=0.95, b=1.0))
    assert c.passed and c.rejects_wrong and c.tightness == pytest.approx(0.95)
    loose = d.check(SimpleNamespace(m=0.5, b=1.0))
    assert not loose.passed and not loose.rejects_wrong  # holds, but is not the sharp instance
    # an identity whose residual with one term left out is measured by the demo
    e = _declare(
        theorem="architectures.scattering_energy",
        claim="identity",
        relation="<=",
        measure="res",
        predict=0.0,
        tolerance=1e-12,
        reason="float64 rounding",
        wrong="the last order left out",
        wrong_predict=None,
        wrong_measure="res_without_last",
    )
    c = e.check(SimpleNamespace(res=3e-15, res_without_last=0.02))
    assert c.passed and c.rejects_wrong and "measured 0.02" in c.wrong_text
    assert math.isnan(c.rel_error)
    round_trip = TheoremCheck.from_dict(c.as_dict())
    assert round_trip.passed and round_trip.rejects_wrong and round_trip.wrong_measured == 0.02
    # an undeclared one-off check is never counted as verified
    raw = _check()
    assert raw.passed and not raw.declared and not raw.rejects_wrong and not raw.verified


def test_illustration_is_never_verified(registry):
    d = _declare(claim="illustration")
    c = d.check(SimpleNamespace(ratio=1.0, se=0.01, wrong=1.0))
    assert c.passed and not c.rejects_wrong and not c.verified
    assert d.verify(SimpleNamespace(ratio=1.0, se=0.01, wrong=1.0)).claim == "illustration"
    assert "illustration" in str(c)


def test_declaration_validation(registry):
    with pytest.raises(ValueError, match="claim"):
        _declare(claim="bound")
    with pytest.raises(ValueError, match="relation"):
        _declare(relation="=")
    with pytest.raises(ValueError, match="wrong_predict"):
        _declare(wrong_measure="x")  # both given
    with pytest.raises(ValueError, match="wrong_predict"):
        _declare(wrong_predict=None)  # none given
    with pytest.raises(ValueError, match="reason"):
        _declare(reason="")
    with pytest.raises(ValueError, match="hypotheses"):
        _declare(hypotheses=" ")
    with pytest.raises(ValueError, match="min_tightness"):
        _declare(min_tightness=0.9)  # an equality has no tightness
    with pytest.raises(TypeError, match="measure"):
        _declare(measure=[1])
    with pytest.raises(ValueError, match="theorem"):
        _declare(theorem="no id")
    _declare()
    with pytest.raises(ValueError, match="already declared"):
        _declare(demo="dlmath.learning.other_demo")
    with pytest.raises(ValueError, match="no check declared"):
        declaration("learning.ols_excess_risk", "rate")
    d = _declare(tolerance=lambda r: -1.0, label="neg")
    with pytest.raises(ValueError, match="tolerance"):
        d.check(SimpleNamespace(ratio=1.0, se=0.0, wrong=0.9))
    with pytest.raises(TypeError, match="measured"):
        _declare(label="txt", measure=lambda r: "1").check(SimpleNamespace(se=0.0, wrong=0.9))


def test_explore_redraws_the_demo_with_the_slider_values():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from dlmath.plotting import explore

    calls = []

    class Result:
        def plot(self):
            fig, _ = plt.subplots()
            return fig

    def demo(*, n: int = 40, sigma: float = 0.5, n_rep: int = 2000):
        calls.append({"n": n, "sigma": sigma, "n_rep": n_rep})
        return Result()

    box = explore(demo, {"n": (10, 100, 5), "sigma": ("log", 0.01, 1.0, 10)}, fixed={"n_rep": 7})
    n_slider, sigma_slider = box.children[0].children
    assert (n_slider.value, n_slider.min, n_slider.max, type(n_slider).__name__) == (40, 10, 100, "IntSlider")
    assert type(sigma_slider).__name__ == "FloatLogSlider" and abs(sigma_slider.value - 0.5) < 1e-12
    assert calls[-1] == {"n": 40, "sigma": 0.5, "n_rep": 7}  # the default figure first
    n_slider.value = 75
    assert calls[-1]["n"] == 75 and calls[-1]["n_rep"] == 7
    plt.close("all")


@pytest.mark.parametrize(
    "sliders, fixed, exc, match",
    [
        ({"width": (1, 5, 1)}, None, ValueError, "'width' is not a keyword argument"),
        ({"n": (5, 1, 1)}, None, ValueError, "low < high"),
        ({"n": "wide"}, None, TypeError, r"sliders\['n'\]"),
        ({"n": (1, 5, 1)}, {"n": 3}, ValueError, "both in sliders and fixed"),
        ({}, None, TypeError, "non-empty dict"),
        ({"n": (1, 5, 1)}, [1], TypeError, "fixed must be a dict"),
    ],
)
def test_explore_names_its_bad_arguments(sliders, fixed, exc, match):
    from dlmath.plotting import explore

    def demo(*, n: int = 2):
        return None

    with pytest.raises(exc, match=match):
        explore(demo, sliders, fixed=fixed)
