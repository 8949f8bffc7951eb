"""Sampling, ranges and labels the figures share."""

import numpy as np
import pytest

from charts.labels import parameter_names
from charts.ranges import clip_path, padded_range
from charts.sampling import EARLY_EPOCHS, curve_indices, frame_epochs, path_epochs, thin_rows


@pytest.mark.parametrize(
    ("epochs_run", "max_frames"), [(0, 60), (1, 2), (7, 60), (1000, 60), (999_999, 30)]
)
def test_frame_epochs_are_evenly_spread_with_both_ends(epochs_run, max_frames):
    epochs = frame_epochs(epochs_run, max_frames)
    assert epochs[0] == 0 and epochs[-1] == epochs_run
    assert len(epochs) == min(max_frames, epochs_run + 1)
    steps = np.diff(epochs)
    assert np.all(steps > 0) and (steps.size == 0 or steps.max() - steps.min() <= 1)


def test_frame_epochs_refuse_fewer_than_two_frames():
    with pytest.raises(ValueError, match="max_frames must be at least 2"):
        frame_epochs(10, 1)


def test_path_epochs_add_the_early_epochs():
    frames = frame_epochs(1000, 10)
    path = path_epochs(frames)
    assert set(frames) <= set(path)
    assert set(range(EARLY_EPOCHS + 1)) <= set(path)


def test_curve_indices_keep_ends_and_stay_small():
    indices = curve_indices(1_000_001, 1500)
    assert indices[0] == 0 and indices[-1] == 1_000_000
    assert len(indices) <= 1502 and np.all(np.diff(indices) > 0)
    assert set(range(10)) <= set(indices)  # the fast early drop stays detailed
    assert curve_indices(5).tolist() == [0, 1, 2, 3, 4]


def test_thin_rows_is_seeded_and_without_replacement():
    rows = thin_rows(10_000, 100, seed=3)
    assert rows.size == 100 == np.unique(rows).size
    np.testing.assert_array_equal(rows, thin_rows(10_000, 100, seed=3))
    assert thin_rows(50, 100).tolist() == list(range(50))


def test_clip_path_cuts_at_the_box_edge():
    low, high = np.array([0.0, 0.0]), np.array([1.0, 1.0])
    inside = np.array([[0.1, 0.1], [0.5, 0.5]])
    np.testing.assert_array_equal(clip_path(inside, low, high), inside)
    leaving = np.array([[0.5, 0.5], [0.5, 0.9], [0.5, 3.0], [0.2, 0.2]])
    np.testing.assert_allclose(clip_path(leaving, low, high), [[0.5, 0.5], [0.5, 0.9], [0.5, 1.0]])
    assert clip_path(np.array([[2.0, 2.0], [0.5, 0.5]]), low, high).shape == (0, 2)


def test_padded_range_never_collapses():
    assert padded_range([3.0, 3.0]) == [1.5, 4.5]
    assert padded_range([np.nan, np.inf]) == [0.0, 1.0]
    low, high = padded_range([0.0, 10.0])
    assert low == pytest.approx(-0.5) and high == pytest.approx(10.5)


def test_parameter_names_in_words():
    assert parameter_names(["income"], True) == ["w (income)", "b (intercept)"]
    assert parameter_names(["A", "B"], False) == ["w₁ (A)", "w₂ (B)"]
