"""generate(): reproducible synthetic data whose truth least squares recovers."""

from __future__ import annotations

import numpy as np
import pytest

from core.data import Dataset, generate


def least_squares(dataset: Dataset) -> np.ndarray:
    """Coefficients then intercept, by np.linalg.lstsq on [X, 1]."""
    X, y = dataset.xy()
    design = np.column_stack([X, np.ones(len(y))])
    return np.linalg.lstsq(design, y, rcond=None)[0]


def test_defaults() -> None:
    data = generate()
    assert data.table.columns == ["x", "y"]
    assert data.target == "y"
    assert data.features == ["x"]
    assert data.table.values.shape == (100, 2)
    np.testing.assert_array_equal(data.true_coef, [2.0])
    assert data.true_intercept == 1.0
    assert data.outlier_rows.size == 0
    X, _ = data.xy()
    assert X.min() >= 0.0 and X.max() < 10.0
    assert data.description == "100 rows of y = 2x + 1 + N(0, 1²), x uniform in [0, 10]"


def test_several_features_are_numbered() -> None:
    data = generate(n_features=3, coef=(1.0, -2.0, 0.5))
    assert data.table.columns == ["x1", "x2", "x3", "y"]
    assert data.features == ["x1", "x2", "x3"]
    assert "y = 1x1 - 2x2 + 0.5x3 + 1" in data.description


def test_same_seed_same_data() -> None:
    first = generate(n_rows=50, seed=11, outlier_fraction=0.1)
    second = generate(n_rows=50, seed=11, outlier_fraction=0.1)
    np.testing.assert_array_equal(first.table.values, second.table.values)
    np.testing.assert_array_equal(first.outlier_rows, second.outlier_rows)


def test_different_seed_different_data() -> None:
    first = generate(n_rows=50, seed=11)
    second = generate(n_rows=50, seed=12)
    assert not np.array_equal(first.table.values, second.table.values)


@pytest.mark.parametrize(
    ("coef", "intercept", "noise", "x_range"),
    [
        ((2.0,), 1.0, 0.5, (0.0, 10.0)),
        ((1.5, -3.8, 4.7), 8.9, 1.0, (-1.0, 1.0)),
        ((-0.25, 12.0), -40.0, 2.0, (100.0, 200.0)),
    ],
)
def test_truth_is_recovered_within_noise(
    coef: tuple[float, ...], intercept: float, noise: float, x_range: tuple[float, float]
) -> None:
    data = generate(
        n_rows=4000,
        n_features=len(coef),
        coef=coef,
        intercept=intercept,
        noise=noise,
        x_range=x_range,
        seed=5,
    )
    fitted = least_squares(data)
    X, y = data.xy()
    design = np.column_stack([X, np.ones(len(y))])
    # Five standard errors of the OLS estimate, from the known noise level.
    standard_errors = noise * np.sqrt(np.diag(np.linalg.inv(design.T @ design)))
    truth = np.append(data.true_coef, data.true_intercept)
    assert np.all(np.abs(fitted - truth) < 5 * standard_errors)
    residuals = y - design @ truth
    assert np.std(residuals) == pytest.approx(noise, rel=0.05)


def test_zero_noise_lies_exactly_on_the_line() -> None:
    data = generate(n_rows=20, coef=(3.0,), intercept=-2.0, noise=0.0)
    X, y = data.xy()
    np.testing.assert_allclose(y, 3.0 * X[:, 0] - 2.0)


@pytest.mark.parametrize(("fraction", "count"), [(0.1, 20), (0.25, 50), (0.5, 100), (0.0, 0)])
def test_outliers_count_and_stand_out(fraction: float, count: int) -> None:
    data = generate(n_rows=200, noise=1.0, outlier_fraction=fraction, seed=2)
    assert data.outlier_rows.size == count
    assert len(set(data.outlier_rows.tolist())) == count
    X, y = data.xy()
    residuals = np.abs(y - (X @ data.true_coef + data.true_intercept))
    far = np.flatnonzero(residuals > 4.5 * np.hypot(1.0, np.std(X @ data.true_coef)))
    np.testing.assert_array_equal(far, data.outlier_rows)
    if count:
        assert f"{count} outliers" in data.description


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_rows": 2}, r"n_rows must be an integer in \[3, 2,000,000\]; got 2"),
        ({"n_rows": 2_000_001}, r"n_rows .* got 2000001"),
        ({"n_rows": 10.0}, r"n_rows must be an integer .* got 10.0"),
        ({"n_rows": True}, r"n_rows .* got True"),
        ({"n_features": 0, "coef": ()}, r"n_features must be an integer in \[1, 20\]; got 0"),
        ({"coef": (1.0, 2.0)}, r"coef must have one value per feature \(n_features=1\); got 2"),
        ({"coef": 2.0}, r"coef must be a sequence of numbers.*got 2.0"),
        ({"coef": (float("nan"),)}, r"coef\[0\] must be a number in \[-1,000,000, 1,000,000\]"),
        ({"intercept": 1e7}, r"intercept must be a number in .*got 10000000.0"),
        ({"noise": -0.1}, r"noise must be a number in \[0, 1,000,000\]; got -0.1"),
        ({"noise": float("inf")}, r"noise .* got inf"),
        ({"x_range": (5.0, 5.0)}, r"x_range must have low < high; got \(5.0, 5.0\)"),
        ({"x_range": (0.0, 1.0, 2.0)}, r"x_range must be a pair \(low, high\)"),
        ({"x_range": (0.0, "1")}, r"x_range high must be a number"),
        ({"outlier_fraction": 0.6}, r"outlier_fraction must be a number in \[0, 0.5\]; got 0.6"),
        ({"seed": -1}, r"seed must be an integer >= 0; got -1"),
        ({"seed": None}, r"seed must be an integer >= 0; got None"),
    ],
)
def test_invalid_arguments_name_parameter_range_and_value(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate(**kwargs)


def test_numpy_scalars_and_arrays_are_accepted() -> None:
    data = generate(n_rows=np.int64(10), coef=np.array([1.0]), noise=np.float64(0.5))
    assert data.table.n_rows == 10


def test_truth_is_read_only() -> None:
    data = generate()
    with pytest.raises(ValueError, match="read-only"):
        data.true_coef[0] = 0.0


def test_the_description_groups_the_thousands() -> None:
    data = generate(n_rows=12_000, coef=(2.0,), intercept=1.0, noise=1.0, x_range=(0, 10))
    assert data.description.startswith("12,000 rows of y = 2x + 1")
