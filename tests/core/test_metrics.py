"""Metrics and the seeded split, by hand."""

import numpy as np
import pytest

from core import predict, regression_metrics, train_test_split


def test_metrics_by_hand():
    m = regression_metrics(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0]))
    assert m.mse == pytest.approx(4 / 3)
    assert m.rmse == pytest.approx(np.sqrt(4 / 3))
    assert m.mae == pytest.approx(2 / 3)
    assert m.r2 == pytest.approx(1 - 4 / 2)


def test_r2_of_a_constant_target_is_never_nan():
    assert regression_metrics(np.ones(3), np.ones(3)).r2 == 1.0
    assert regression_metrics(np.ones(3), np.zeros(3)).r2 == 0.0


def test_predict():
    np.testing.assert_allclose(predict(np.array([[1.0, 2.0]]), [3.0, 4.0], 0.5), [11.5])


def test_split_is_seeded_disjoint_and_complete():
    train, test = train_test_split(100, 0.25, seed=4)
    again = train_test_split(100, 0.25, seed=4)
    other = train_test_split(100, 0.25, seed=5)
    assert len(test) == 25
    np.testing.assert_array_equal(train, again[0])
    assert not np.array_equal(test, other[1])
    assert sorted(np.concatenate([train, test])) == list(range(100))


def test_split_edges():
    train, test = train_test_split(10, 0.0)
    assert len(test) == 0 and len(train) == 10
    train, test = train_test_split(3, 0.9)
    assert len(train) == 2 and len(test) == 1
    with pytest.raises(ValueError, match=r"test_fraction must be a number in \[0, 0.9\]"):
        train_test_split(10, 0.95)
