"""Presets: stable keys, the data each promises, and the behaviour each is chosen to show."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from core.data import (
    DEFAULT_PRESET,
    PRESET_NAMES,
    PRESETS,
    Dataset,
    PresetRun,
    preset,
)
from core.data.dataset import from_columns
from core.settings import Settings


def least_squares(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    design = np.column_stack([X, np.ones(len(y))])
    return np.linalg.lstsq(design, y, rcond=None)[0]


def test_keys_are_stable_and_the_default_comes_first() -> None:
    assert list(PRESETS) == [
        "clear_bowl",
        "tutorial_5_points",
        "tutorial_400_points",
        "tutorial_3_features_sgd",
        "tutorial_temperatures",
        "anscombe",
        "badly_scaled",
        "three_features",
        "correlated",
    ]
    assert DEFAULT_PRESET == "clear_bowl"
    assert all(example.key == key for key, example in PRESETS.items())


@pytest.mark.parametrize("key", list(PRESETS))
def test_every_preset_is_complete_and_reproducible(key: str) -> None:
    data = preset(key)
    assert isinstance(data, Dataset)
    assert data.name == PRESETS[key].name == PRESET_NAMES[key]
    assert data.description == PRESETS[key].description
    assert "\n" not in data.description
    X, y = data.xy()
    assert X.shape == (len(y), len(data.features))
    np.testing.assert_array_equal(preset(key).table.values, data.table.values)


@pytest.mark.parametrize(
    ("key", "shape", "coef", "intercept"),
    [
        ("clear_bowl", (100, 1), [2.0], 1.0),
        ("badly_scaled", (400, 1), [3.5], 10.0),
        ("tutorial_400_points", (400, 1), [3.5], 10.0),
        ("tutorial_3_features_sgd", (1000, 3), [1.5, 3.8, 4.7], 8.9),
        ("three_features", (1000, 3), [1.5, 3.8, 4.7], 8.9),
        ("correlated", (200, 2), [1.0, 2.0], 3.0),
    ],
)
def test_generated_presets_carry_their_truth(
    key: str, shape: tuple[int, int], coef: list[float], intercept: float
) -> None:
    data = preset(key)
    X, _ = data.xy()
    assert X.shape == shape
    np.testing.assert_array_equal(data.true_coef, coef)
    assert data.true_intercept == intercept


def test_tutorial_5_points_is_the_classic_example() -> None:
    data = preset("tutorial_5_points")
    X, y = data.xy()
    np.testing.assert_array_equal(X[:, 0], [1, 2, 3, 4, 5])
    np.testing.assert_array_equal(y, [2, 4, 5, 4, 5])
    assert data.true_coef is None
    assert data.true_intercept is None
    np.testing.assert_allclose(least_squares(X, y), [0.6, 2.2])


def test_badly_scaled_spans_x_0_to_100_with_sd_25_noise() -> None:
    data = preset("badly_scaled")
    X, y = data.xy()
    assert 0.0 <= X.min() < 5.0 and 95.0 < X.max() < 100.0
    residuals = y - (3.5 * X[:, 0] + 10.0)
    assert np.std(residuals) == pytest.approx(25.0, rel=0.1)


def test_three_features_recovers_its_truth() -> None:
    data = preset("three_features")
    X, y = data.xy()
    assert X.min() >= 0.0 and X.max() < 1.0
    np.testing.assert_allclose(least_squares(X, y), [1.5, 3.8, 4.7, 8.9], atol=0.5)


def test_correlated_features_make_an_elongated_valley() -> None:
    X, _ = preset("correlated").xy()
    correlation = np.corrcoef(X.T)[0, 1]
    assert 0.95 <= correlation <= 0.99
    eigenvalues = np.linalg.eigvalsh(np.cov(X.T))
    assert eigenvalues[1] / eigenvalues[0] > 30


def test_clear_bowl_is_well_conditioned() -> None:
    X, _ = preset("clear_bowl").xy()
    x = X[:, 0]
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    assert np.linalg.cond(hessian) < 5


@pytest.mark.parametrize("learning_rate", [0.1, 0.05])
def test_clear_bowl_converges_with_plain_gradient_descent(learning_rate: float) -> None:
    X, y = preset("clear_bowl").xy()
    x = X[:, 0]
    w, b = 0.0, 0.0
    epochs = 300 if learning_rate == 0.1 else 400
    for _ in range(epochs):
        # Gradient of the MSE loss mean((w x + b - y)^2).
        residual = w * x + b - y
        w -= learning_rate * 2 * np.mean(residual * x)
        b -= learning_rate * 2 * np.mean(residual)
    answer = least_squares(X, y)
    relative_error = np.linalg.norm([w, b] - answer) / np.linalg.norm(answer)
    assert relative_error < 1e-3


def test_unknown_preset_lists_the_keys() -> None:
    with pytest.raises(ValueError, match="Unknown preset 'bowl'; choose one of: clear_bowl, "):
        preset("bowl")


def test_only_tutorials_carry_an_article_and_every_article_its_run() -> None:
    assert PRESETS["clear_bowl"].run is None and PRESETS["clear_bowl"].article is None
    assert PresetRun().settings == Settings()
    assert {key for key, example in PRESETS.items() if example.article} == {
        "tutorial_5_points",
        "tutorial_400_points",
        "tutorial_3_features_sgd",
        "tutorial_temperatures",
    }
    assert all(example.run for example in PRESETS.values() if example.article)
    with pytest.raises(AttributeError):
        PRESETS["clear_bowl"].run = PresetRun()  # type: ignore[misc]


@pytest.mark.parametrize("key", [key for key, example in PRESETS.items() if example.run])
def test_preset_settings_are_frozen_hashable_and_fit_their_data(key: str) -> None:
    settings = PRESETS[key].run
    assert hash(settings) == hash(replace(settings))
    with pytest.raises(AttributeError):
        settings.settings = Settings()  # type: ignore[misc]
    X, y = preset(key).xy()
    X_train, y_train, X_test, y_test = settings.split(X, y)
    assert len(X_train) == len(y_train) and len(X_test) == len(y_test)
    rows = range(len(y)) if settings.train_rows is None else settings.train_rows
    assert not set(rows) & set(settings.test_rows)
    checked = settings.settings.checked(len(y_train), X_train.shape[1])
    assert checked.replace(learning_rate=checked.learning_rate) == checked


def test_split_keeps_the_order_the_rows_are_listed_in() -> None:
    X = np.arange(10.0)[:, np.newaxis]
    y = np.arange(10.0) * 2
    X_train, y_train, X_test, y_test = PresetRun(train_rows=(3, 1, 2), test_rows=(0,)).split(X, y)
    np.testing.assert_array_equal(X_train[:, 0], [3, 1, 2])
    np.testing.assert_array_equal(y_train, [6, 2, 4])
    np.testing.assert_array_equal(y_test, [0])
    np.testing.assert_array_equal(X_test[:, 0], [0])
    X_all, _, X_none, _ = PresetRun().split(X, y)
    assert X_all.shape == (10, 1) and X_none.shape == (0, 1)


def test_groups_need_one_label_per_row() -> None:
    data = from_columns("", "", np.zeros((3, 1)), np.zeros(3))
    assert data.groups is None and data.group_rows() == {}
    grouped = Dataset("", "", data.table, "y", ["x"], groups=["b", "a", "b"])
    assert list(grouped.group_rows()) == ["b", "a"]
    np.testing.assert_array_equal(grouped.group_rows()["b"], [0, 2])
    with pytest.raises(ValueError, match="one label per row"):
        Dataset("", "", data.table, "y", ["x"], groups=["a", "b"])
