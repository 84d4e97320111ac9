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
