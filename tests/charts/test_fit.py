"""Predicted against actual."""

import numpy as np

from charts.fit import predicted_vs_actual_figure
from tests.charts.helpers import assert_all_finite


def test_points_and_diagonal():
    rng = np.random.default_rng(0)
    y = rng.normal(10, 3, 5000)
    y_pred = y + rng.normal(0, 1, 5000)
    y_pred[3] = np.nan
    fig = predicted_vs_actual_figure(y, y_pred, target_name="STACKLOSS", max_points=500)
    points, diagonal = fig.data
    assert points.x.size == 500 and "showing 500 of 4,999 rows" in fig.layout.title.text
    np.testing.assert_array_equal(diagonal.x, diagonal.y)
    assert diagonal.x[0] <= min(points.x.min(), points.y.min())
    assert diagonal.x[-1] >= max(points.x.max(), points.y.max())
    assert fig.layout.xaxis.title.text == "actual STACKLOSS"
    assert fig.layout.yaxis.title.text == "predicted STACKLOSS"
    assert list(fig.layout.xaxis.range) == list(fig.layout.yaxis.range)
    assert_all_finite(fig)


def test_small_data_not_thinned():
    fig = predicted_vs_actual_figure([1.0, 2.0, 3.0], [1.1, 1.9, 3.2], target_name="y")
    assert fig.data[0].x.tolist() == [1.0, 2.0, 3.0]
    assert "showing" not in fig.layout.title.text


def test_sets_side_by_side_share_axes_and_one_line():
    from charts.fit import sets_side_by_side_figure

    sets = {"I": (np.array([1.0, 2.0, 3.0]), np.array([2.0, 3.0, 4.0])),
            "II": (np.array([4.0, 5.0]), np.array([1.0, 9.0]))}  # fmt: skip
    fig = sets_side_by_side_figure(sets, 1.0, 1.0, feature_name="x", target_name="y")
    points = [t for t in fig.data if t.mode == "markers"]
    lines = [t for t in fig.data if t.mode == "lines"]
    assert [list(t.x) for t in points] == [[1.0, 2.0, 3.0], [4.0, 5.0]]
    # The same line on each panel: y = x + 1 at both ends of the shared x range.
    for line in lines:
        np.testing.assert_allclose(np.array(line.y), np.array(line.x) + 1.0)
    assert fig.layout.xaxis.range == fig.layout.xaxis2.range
    assert sum(bool(t.showlegend) for t in lines) == 1
