"""The figures of the book read cleanly: no overlapping tick labels, no legend drawn over data,
integer axes ticked at integers, and at least three labelled ticks on every axis.

Measured on the rendered Matplotlib figures (display coordinates after ``canvas.draw()``) of the
demonstrations whose figures the reader's trial found faulty, at small sizes.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from dlmath import architectures, expressivity, inverse, kernels, optimization  # noqa: E402

CASES = {
    "lazy_training": lambda: kernels.lazy_training_demo(widths=(64, 256, 1024), steps=30, n_seeds=1),
    "scattering_energy": lambda: architectures.scattering_energy_demo(N=512),
    "max_margin": lambda: optimization.max_margin_demo(t_max=10**4),
    "lista_theorem": lambda: inverse.lista_theorem_demo(n_signals=20),
    "lista": lambda: inverse.lista_demo(),
    "telgarsky": lambda: expressivity.telgarsky_demo(),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def figure(request):
    fig = CASES[request.param]().plot()
    fig.canvas.draw()
    yield request.param, fig
    plt.close(fig)


def _labels(ax, which):
    axis = ax.xaxis if which == "x" else ax.yaxis
    out = []
    for label in axis.get_ticklabels(minor=False) + axis.get_ticklabels(minor=True):
        if label.get_visible() and label.get_text().strip():
            out.append(label)
    return out


def _data_points(ax) -> np.ndarray:
    pts = []
    for line in ax.get_lines():
        xy = np.column_stack([np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)])
        if line.get_marker() in (None, "None", "", " ") or len(xy) > 400:
            continue  # guides and dense curves are not markers
        xy = xy[np.all(np.isfinite(xy), axis=1)]
        if len(xy):
            pts.append(ax.transData.transform(xy))
    for patch in ax.patches:
        bb = patch.get_window_extent()
        pts.append(np.array([[bb.x0, bb.y1], [(bb.x0 + bb.x1) / 2, bb.y1], [bb.x1, bb.y1]]))
    return np.concatenate(pts) if pts else np.zeros((0, 2))


def test_tick_labels_do_not_overlap(figure):
    name, fig = figure
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        for which in "xy":
            boxes = [label.get_window_extent(renderer) for label in _labels(ax, which)]
            for a, b in itertools.combinations(boxes, 2):
                assert not a.overlaps(b), f"{name}: overlapping {which} tick labels on {ax.get_xlabel()!r}"


def test_legends_leave_the_data_free(figure):
    name, fig = figure
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer)
        pts = _data_points(ax)
        inside = [(x, y) for x, y in pts if box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1]
        assert not inside, f"{name}: the legend of {ax.get_xlabel()!r} covers {len(inside)} data points"


def test_counting_axes_are_ticked_at_integers(figure):
    name, fig = figure
    for ax in fig.axes:
        if "layer" in ax.get_xlabel() or "depth" in ax.get_xlabel():
            ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
            assert ticks and all(float(t).is_integer() for t in ticks), f"{name}: {ax.get_xlabel()!r} ticks {ticks}"


def test_every_axis_has_three_labelled_ticks(figure):
    name, fig = figure
    for ax in fig.axes:
        if not ax.get_visible() or not ax.has_data():
            continue
        n = len(_labels(ax, "x"))
        assert n >= 3, f"{name}: the axis {ax.get_xlabel()!r} has {n} labelled ticks"
