"""Property: read_csv_bytes returns a consistent Table or raises DataError, for any bytes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.data import DataError, Table, read_csv_bytes

# A warning from the reader (pandas cutting a row short, say) is a bug here.
pytestmark = pytest.mark.filterwarnings("error")

# No example database: the test must not write files into the repository.
FUZZ = settings(
    max_examples=1000,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

numbers = st.one_of(
    st.integers(-(10**25), 10**25).map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(-1e6, 1e6).map(lambda x: f"{x:.3f}"),
    st.floats(-1e6, 1e6).map(lambda x: f"{x:.3f}".replace(".", ",")),
    st.floats(-1e3, 1e3).map(lambda x: f"{x:.2e}"),
)
markers = st.sampled_from(
    ["", "NA", "n/a", "nan", "NULL", "-", "?", "inf", "-Inf", " na ", "#N/A", "None"]
)
words = st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
tricky = st.sampled_from(['"', '""', ",", ";", "\t", "\n", "\r\n", " ", "é", "\ufeff", "1,5"])
cells = st.one_of(numbers, numbers, numbers, markers, words, tricky)


@st.composite
def csv_like(draw: st.DrawFn) -> bytes:
    """A CSV-ish file: numbers mostly, with the noise real exports carry."""
    sep = draw(st.sampled_from([",", ";", "\t", " ", "  ", "|"]))
    n_cols = draw(st.integers(1, 5))
    rows = draw(st.lists(st.lists(cells, min_size=1, max_size=n_cols + 1), max_size=12))
    if draw(st.booleans()):
        rows.insert(0, draw(st.lists(words, min_size=n_cols, max_size=n_cols)))
    quote = draw(st.sampled_from(["", '"']))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(sep.join(f"{quote}{cell}{quote}" for cell in row) for row in rows)
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]))
    return text.encode(encoding, errors="replace")


@st.composite
def numeric_csv(draw: st.DrawFn) -> bytes:
    """A well-formed numeric CSV, so that the Table branch of the contract is exercised."""
    n_cols = draw(st.integers(2, 4))
    row = st.lists(
        st.one_of(numbers, numbers, numbers, numbers, markers), min_size=n_cols, max_size=n_cols
    )
    rows = draw(st.lists(row, min_size=1, max_size=15))
    sep = draw(st.sampled_from([";", "\t"]))  # cannot clash with a decimal comma
    header = sep.join(f"c{j}" for j in range(n_cols))
    body = "\n".join(sep.join(cells) for cells in rows)
    return f"{header}\n{body}\n".encode()


def check_contract(raw: bytes) -> Table | None:
    """Read ``raw``; assert the result is a consistent Table or a DataError (-> None)."""
    try:
        table = read_csv_bytes(raw)
    except DataError as error:
        assert str(error)
        return None
    assert isinstance(table, Table)
    assert table.values.dtype == np.float64
    assert table.values.shape == (table.n_rows, len(table.columns))
    assert table.n_rows >= 3
    assert len(table.columns) >= 2
    assert len(set(table.columns)) == len(table.columns)
    # Missing values are NaN, never infinite; enough rows are complete to fit any columns.
    assert not np.isinf(table.values).any()
    assert table.n_rows - table.rows_missing(table.columns) >= 3
    assert not set(table.columns) & set(table.skipped_columns)
    return table


@settings(FUZZ, max_examples=2000)
@given(st.binary(max_size=3000))
def test_random_bytes(raw: bytes) -> None:
    check_contract(raw)


@FUZZ
@given(csv_like())
def test_csv_like_text(raw: bytes) -> None:
    check_contract(raw)


@settings(FUZZ, max_examples=500)
@given(numeric_csv())
def test_numeric_csv_keeps_every_row(raw: bytes) -> None:
    table = check_contract(raw)
    if table is None:
        return
    n_lines = len(raw.decode().strip("\n").split("\n")) - 1
    assert table.n_rows == n_lines


@settings(FUZZ, max_examples=500)
@given(st.text(max_size=500))
def test_random_text(text: str) -> None:
    check_contract(text.encode())
