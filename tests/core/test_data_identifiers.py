"""Columns that identify rows are not features to start from; a person can still choose them."""

from __future__ import annotations

import numpy as np
import pytest

from core.data import Table, default_features, from_table, identifier_columns, read_csv_bytes


def flats(name: str) -> Table:
    """Fläche, ``name`` (row numbers from 1), Zimmer, Preis; not first, so the reader keeps it."""
    rows = "".join(f"{20 + 3 * i},{i + 1},{i % 4 + 1},{100 + 7 * i}\n" for i in range(12))
    return read_csv_bytes(f"Fläche,{name},Zimmer,Preis\n{rows}".encode())


@pytest.mark.parametrize("name", ["#ID", "id", "ID", "Index", "Unnamed: 0", "customer_id", "nr"])
def test_an_identifier_column_is_not_a_default_feature(name: str) -> None:
    table = flats(name)
    assert name in table.columns, "kept, so it can still be chosen"
    assert identifier_columns(table) == [name]
    data = from_table("flats.csv", "", table)
    assert (data.target, data.features) == ("Preis", ["Fläche", "Zimmer"])
    assert default_features(table, "Preis") == ["Fläche", "Zimmer"]


def test_a_named_identifier_need_not_count_rows() -> None:
    table = Table(["ID", "x", "y"], [[907.0, 1.5, 2.0], [12.0, 2.5, 3.0], [455.0, 4.0, 5.5]])
    assert identifier_columns(table) == ["ID"]
    assert default_features(table, "y") == ["x"]


def test_counting_from_zero_is_an_identifier_but_other_runs_are_not() -> None:
    n = 10
    table = Table(
        ["row", "year", "step2", "x", "humid", "y"],
        np.column_stack(
            [
                np.arange(n),
                2000 + np.arange(n),
                1 + 2 * np.arange(n),
                np.linspace(0, 1, n),
                np.arange(1.0, n + 1) ** 2,
                np.arange(n) % 3,
            ]
        ),
    )
    assert identifier_columns(table) == ["row"]
    assert default_features(table, "y") == ["year", "step2", "x", "humid"]


def test_a_counting_column_with_a_gap_is_not_an_identifier() -> None:
    table = Table(["n", "y"], [[1.0, 2.0], [np.nan, 3.0], [3.0, 4.0], [4.0, 1.0]])
    assert identifier_columns(table) == []


def test_when_every_other_column_is_an_identifier_the_fit_still_gets_one() -> None:
    table = Table(["id", "y"], [[1.0, 2.0], [2.0, 3.5], [3.0, 4.0]])
    data = from_table("t.csv", "", table)
    assert (data.target, data.features) == ("y", ["id"])


def test_an_identifier_in_the_last_column_is_not_the_default_target() -> None:
    rows = "".join(f"{20 + 3 * i},{100 + 7 * i % 5},{i + 1}\n" for i in range(6))
    data = from_table("t.csv", "", read_csv_bytes(f"x,y,#ID\n{rows}".encode()))
    assert (data.target, data.features) == ("y", ["x"])
