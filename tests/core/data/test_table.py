"""Table: its invariants and the split into (X, y)."""

from __future__ import annotations

import numpy as np
import pytest

from core.data import DataError, Table

TABLE = Table(["a", "b", "c"], np.arange(12.0).reshape(4, 3))


def test_xy_picks_columns_in_the_order_asked() -> None:
    X, y = TABLE.xy("b", ["c", "a"])
    np.testing.assert_array_equal(X, [[2, 0], [5, 3], [8, 6], [11, 9]])
    np.testing.assert_array_equal(y, [1, 4, 7, 10])
    assert X.dtype == y.dtype == np.float64
    assert X.shape == (4, 2)
    assert y.shape == (4,)


def test_xy_accepts_one_feature_name_as_a_string() -> None:
    X, _ = TABLE.xy("b", "a")
    assert X.shape == (4, 1)


def test_xy_returns_writeable_copies() -> None:
    X, y = TABLE.xy("a", ["b"])
    X[0, 0] = y[0] = -1.0
    assert TABLE.values[0, 0] == 0.0
    assert TABLE.values[0, 1] == 1.0


@pytest.mark.parametrize(
    ("target", "features", "message"),
    [
        ("z", ["a"], "no column named 'z'; the table has: a, b, c"),
        ("a", ["b", "zz"], "no column named 'zz'"),
        ("a", ["a", "b"], "target 'a' cannot also be a feature"),
        ("a", [], "at least one feature"),
        ("a", ["b", "b"], "repeated: b"),
    ],
)
def test_xy_explains_bad_choices(target: str, features: list[str], message: str) -> None:
    with pytest.raises(DataError, match=message):
        TABLE.xy(target, features)


def test_values_are_a_read_only_copy() -> None:
    source = np.ones((3, 2))
    table = Table(["a", "b"], source)
    source[0, 0] = 5.0
    assert table.values[0, 0] == 1.0
    assert not table.values.flags.writeable
    assert table.n_rows == 3


@pytest.mark.parametrize(
    ("columns", "values", "message"),
    [
        (["a"], np.ones((3, 2)), "shape"),
        (["a", "b"], np.ones(3), "shape"),
        (["a", "a"], np.ones((3, 2)), "unique"),
        (["a", "b"], [[1.0, np.inf], [1.0, 2.0]], "infinity"),
        (["a", "b"], [[1.0, -np.inf], [1.0, 2.0]], "infinity"),
    ],
)
def test_invalid_tables_are_refused(columns: list[str], values: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Table(columns, values)


# Preis, Fläche, Zimmer: Zimmer is missing in rows 1 and 3, Preis in row 4.
GAPPY = Table(
    ["Preis", "Fläche", "Zimmer"],
    [
        [300.0, 60.0, 2.0],
        [420.0, 80.0, np.nan],
        [250.0, 50.0, 2.0],
        [510.0, 95.0, np.nan],
        [np.nan, 70.0, 3.0],
        [380.0, 75.0, 3.0],
    ],
)


def test_a_row_missing_only_a_column_not_fitted_is_kept() -> None:
    X, y = GAPPY.xy("Preis", ["Fläche"])
    np.testing.assert_array_equal(y, [300, 420, 250, 510, 380])
    np.testing.assert_array_equal(X[:, 0], [60, 80, 50, 95, 75])
    assert GAPPY.rows_missing(["Preis", "Fläche"]) == 1


def test_a_row_missing_a_fitted_column_is_dropped() -> None:
    X, y = GAPPY.xy("Preis", ["Zimmer", "Fläche"])
    np.testing.assert_array_equal(y, [300, 250, 380])
    np.testing.assert_array_equal(X, [[2, 60], [2, 50], [3, 75]])
    assert GAPPY.rows_missing(["Preis", "Zimmer", "Fläche"]) == 3
    assert GAPPY.rows_missing(["Fläche"]) == 0
    np.testing.assert_array_equal(GAPPY.complete_rows(["Zimmer"]), [1, 0, 1, 0, 1, 1])


def test_too_few_complete_rows_for_the_columns_chosen_is_explained() -> None:
    table = Table(["a", "b", "c"], [[1.0, 2.0, np.nan], [2.0, 3.0, 4.0], [3.0, 5.0, np.nan]])
    assert len(table.xy("a", ["b"])[1]) == 3
    with pytest.raises(DataError, match="Only 1 rows have a value in 'a' and every feature"):
        table.xy("a", ["c"])
