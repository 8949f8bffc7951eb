"""Where a run shows an article's numbers, read against hand-worked descent."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core import articles, descend
from core.articles import agrees, shown
from core.settings import Settings

X5 = np.arange(1.0, 6.0)[:, np.newaxis]
Y5 = np.array([2.0, 4.0, 5.0, 4.0, 5.0])


@pytest.fixture(scope="module")
def five_points():
    """Three epochs of plain MSE descent at 0.01 from zero on x = 1..5, y = 2, 4, 5, 4, 5."""
    return descend(X5, Y5, Settings(learning_rate=0.01, epochs=3))


def test_the_start_and_the_first_step_are_read_at_their_epoch(five_points):
    # From m = b = 0 the loss is mean(y²) and one step moves (m, b) by 0.01·2·mean(x·y, y).
    assert shown(articles.LossAt(0), five_points) == pytest.approx(17.2, abs=1e-12)
    assert shown(articles.Coef(0, epoch=0), five_points) == 0.0
    assert shown(articles.Coef(0, epoch=1), five_points) == pytest.approx(0.264, abs=1e-12)
    assert shown(articles.Intercept(epoch=1), five_points) == pytest.approx(0.08, abs=1e-12)


def test_the_final_line_its_prediction_and_the_epochs_run(five_points):
    m, b = five_points.coef[0], five_points.intercept
    assert shown(articles.Coef(0), five_points) == m
    assert shown(articles.Intercept(), five_points) == b
    assert shown(articles.Prediction(6.0), five_points) == pytest.approx(6 * m + b, rel=1e-15)
    assert shown(articles.EpochsRun(), five_points) == 3.0
    assert m != shown(articles.Coef(0, epoch=1), five_points)


def test_held_out_r2_is_measured_on_the_rows_given(five_points):
    X_test, y_test = np.array([[0.0], [6.0], [7.0]]), np.array([1.0, 5.0, 6.5])
    prediction = X_test[:, 0] * five_points.coef[0] + five_points.intercept
    expected = 1 - np.sum((y_test - prediction) ** 2) / np.sum((y_test - y_test.mean()) ** 2)
    value = shown(articles.HeldOutR2(), five_points, X_test=X_test, y_test=y_test)
    assert value == pytest.approx(expected, rel=1e-12)
    assert math.isnan(shown(articles.HeldOutR2(), five_points))
    assert math.isnan(
        shown(articles.HeldOutR2(), five_points, X_test=X_test[:0], y_test=y_test[:0])
    )


@pytest.mark.parametrize(
    "where", [articles.Coef(0, epoch=4), articles.Intercept(epoch=4), articles.LossAt(4)]
)
def test_an_epoch_past_the_end_reads_nan(five_points, where):
    assert math.isnan(shown(where, five_points))


def test_an_epoch_a_long_run_did_not_keep_reads_nan():
    run = descend(X5, Y5, Settings(learning_rate=0.01, epochs=5000))
    dropped = next(e for e in range(5000) if e not in set(run.history.epoch.tolist()))
    kept = int(run.history.epoch[-2])
    assert math.isnan(shown(articles.Coef(0, epoch=dropped), run))
    assert math.isnan(shown(articles.Intercept(epoch=dropped), run))
    assert shown(articles.LossAt(dropped), run) == run.history.loss[dropped]
    assert shown(articles.Coef(0, epoch=kept), run) == run.history.coef[-2, 0]


def test_a_weight_follows_its_feature_by_name_and_is_nan_when_not_fitted():
    rng = np.random.default_rng(0)
    X = rng.random((50, 2))
    y = X @ [1.0, 3.0] + 2.0
    run = descend(X, y, Settings(learning_rate=0.1, epochs=20))  # fitted on x1 and x3
    article = ["x1", "x2", "x3"]
    named = {"features": ["x1", "x3"], "article_features": article}
    assert shown(articles.Coef(0), run, **named) == run.coef[0]
    assert math.isnan(shown(articles.Coef(1), run, **named))
    assert shown(articles.Coef(2), run, **named) == run.coef[1]
    assert math.isnan(shown(articles.Coef(3), run, **named))
    # Without names the article's j-th feature is the run's j-th column.
    assert shown(articles.Coef(1), run) == run.coef[1]
    assert math.isnan(shown(articles.Coef(2), run))


def test_anything_else_names_nothing_a_run_shows(five_points):
    with pytest.raises(ValueError, match="a run shows no 'coef:0'"):
        shown("coef:0", five_points)  # type: ignore[arg-type]


def test_agreement_is_to_six_significant_digits():
    assert agrees(0.6176946, 0.6176946148762643)
    assert agrees(17.20000, 17.2) and not agrees(17.2002, 17.2)
    assert agrees(2.136117e-9, 2.1361168e-9) and not agrees(2.1362e-9, 2.1361168e-9)
    assert not agrees(math.nan, 1.0) and not agrees(math.inf, 1.0)
    assert agrees(0.0, 0.0)
