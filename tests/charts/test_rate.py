"""The learning-rate strip: zones from the spectrum, marks, the chosen rate."""

import math

import numpy as np
import pytest

from charts.rate import rate_strip_figure
from core import QuadraticLoss, Spectrum


def spectrum(eigenvalues):
    eigenvalues = np.asarray(eigenvalues, dtype=np.float64)
    low, high = float(eigenvalues.min()), float(eigenvalues.max())
    return Spectrum(eigenvalues, low, high, high / low, 2 / high, 2 / (low + high))


def zones(fig):
    return {t.name: (min(t.x), max(t.x)) for t in fig.data if t.fill == "toself"}


def test_zone_boundaries_are_one_and_two_over_lambda_max():
    fig = rate_strip_figure(spectrum([0.5, 4.0]), 0.1)
    found = zones(fig)
    assert list(found) == ["smooth", "oscillates", "diverges"]
    assert found["smooth"][1] == found["oscillates"][0] == pytest.approx(1 / 4.0)
    assert found["oscillates"][1] == found["diverges"][0] == pytest.approx(2 / 4.0)
    low, high = fig.layout.xaxis.range
    assert fig.layout.xaxis.type == "log"
    assert low <= -6 and high >= 1
    assert found["smooth"][0] == pytest.approx(10**low) and found["diverges"][1] == pytest.approx(
        10**high
    )


def test_marks_at_best_rate_and_limit_with_their_values():
    fig = rate_strip_figure(spectrum([0.5, 4.0]), 0.1)
    marks = {t.name: t for t in fig.data if t.line.dash == "dash"}
    assert set(marks) == {"best 0.444", "limit 0.5"}
    assert set(marks["best 0.444"].x) == {2 / 4.5}
    assert set(marks["limit 0.5"].x) == {0.5}


@pytest.mark.parametrize(
    ("rate", "regime"), [(0.1, "smooth"), (0.3, "oscillates"), (2.0, "diverges")]
)
def test_chosen_rate_marked_and_named(rate, regime):
    fig = rate_strip_figure(spectrum([0.5, 4.0]), rate)
    chosen = fig.data[-1]
    assert chosen.name == "your rate" and set(chosen.x) == {rate}
    assert regime in fig.layout.title.text


def test_extreme_rates_widen_the_axis():
    fig = rate_strip_figure(spectrum([1e6, 1e8]), 1e-9)
    low, high = fig.layout.xaxis.range
    assert low <= math.log10(1e-9) - 1 and high >= 1


def test_no_curvature_means_one_smooth_zone_and_no_marks():
    flat = Spectrum.of(QuadraticLoss.from_data(np.zeros((4, 1)), np.ones(4), fit_intercept=False))
    assert math.isinf(flat.max_stable_lr)
    fig = rate_strip_figure(flat, 0.5)
    assert list(zones(fig)) == ["smooth"]
    assert not [t for t in fig.data if t.line.dash == "dash"]
    assert "every rate is stable" in fig.layout.title.text
    for trace in fig.data:
        assert np.all(np.isfinite(np.asarray(trace.x, dtype=float)))


def test_bad_rate_refused():
    with pytest.raises(ValueError, match="learning_rate"):
        rate_strip_figure(spectrum([1.0, 2.0]), 0.0)
