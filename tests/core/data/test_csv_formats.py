"""read_csv_bytes on the formats spreadsheets and tools actually write."""

from __future__ import annotations

import csv
import warnings

import numpy as np
import pandas as pd
import pytest

from core.data import Table, csv_format, read_csv_bytes

# A warning from the reader (pandas cutting a row short, say) is a bug here.
pytestmark = pytest.mark.filterwarnings("error")

XY = np.array([[1.0, 2.0], [3.0, 4.5], [5.0, 7.25]])


def assert_table(table: Table, columns: list[str], values: np.ndarray) -> None:
    assert table.columns == columns
    assert table.values.dtype == np.float64
    np.testing.assert_array_equal(table.values, values)


@pytest.mark.parametrize(
    "raw",
    [
        b"x,y\n1,2\n3,4.5\n5,7.25\n",
        b"x;y\n1;2\n3;4.5\n5;7.25\n",
        b"x\ty\n1\t2\n3\t4.5\n5\t7.25\n",
        b"x|y\n1|2\n3|4.5\n5|7.25\n",
        b"  x    y\n  1    2\n  3    4.5\n  5\t 7.25\n",
        b"x, y\n1, 2\n3, 4.5\n5, 7.25\n",
    ],
    ids=["comma", "semicolon", "tab", "vertical-bar", "runs-of-spaces", "comma-space"],
)
def test_delimiters(raw: bytes) -> None:
    assert_table(read_csv_bytes(raw), ["x", "y"], XY)


@pytest.mark.parametrize(
    "raw",
    [b"1,2\n3,4.5\n5,7.25\n", b"1;2\n3;4,5\n5;7,25\n", b"1 2\n3 4.5\n5 7.25\n"],
    ids=["comma", "semicolon-decimal-comma", "spaces"],
)
def test_without_header_columns_are_numbered(raw: bytes) -> None:
    assert_table(read_csv_bytes(raw), ["col1", "col2"], XY)


def test_header_detected_per_column_even_beside_a_text_column() -> None:
    table = read_csv_bytes(b"name,x,y\na,1,2\nb,3,4.5\nc,5,7.25\n")
    assert_table(table, ["x", "y"], XY)
    assert table.skipped_columns == ["name"]


@pytest.mark.parametrize(
    ("raw", "columns"),
    [
        (b"x,y\r\n1,2\r\n3,4.5\r\n5,7.25\r\n", ["x", "y"]),
        (b"x,y\r1,2\r3,4.5\r5,7.25\r", ["x", "y"]),
        (b"\xef\xbb\xbfx,y\r\n1,2\r\n3,4.5\r\n5,7.25\r\n", ["x", "y"]),
        ("prix é,y\n1,2\n3,4.5\n5,7.25\n".encode(), ["prix é", "y"]),
        ("prix é;coût\n1;2\n3;4,5\n5;7,25\n".encode("cp1252"), ["prix é", "coût"]),
        ("€ spent,y\n1,2\n3,4.5\n5,7.25\n".encode("cp1252"), ["€ spent", "y"]),
        ("taux µ,y\n1,2\n3,4.5\n5,7.25\n".encode("latin-1"), ["taux µ", "y"]),
        ("x\ty\n1\t2\n3\t4.5\n5\t7.25\n".encode("utf-16"), ["x", "y"]),
    ],
    ids=["crlf", "cr", "utf8-bom-crlf", "utf8", "cp1252-accent", "cp1252-euro", "latin1", "utf16"],
)
def test_encodings_and_line_endings(raw: bytes, columns: list[str]) -> None:
    assert_table(read_csv_bytes(raw), columns, XY)


@pytest.mark.parametrize(
    "raw",
    [
        b"x;y\n1;2\n3;4,5\n5;7,25\n",
        b"x\ty\n1\t2\n3\t4,5\n5\t7,25\n",
        b"x y\n1 2\n3 4,5\n5 7,25\n",
        b'"x";"y"\r\n"1";"2"\r\n"3";"4,5"\r\n"5";"7,25"\r\n',
    ],
    ids=["semicolon", "tab", "spaces", "quoted-semicolon"],
)
def test_decimal_comma(raw: bytes) -> None:
    assert_table(read_csv_bytes(raw), ["x", "y"], XY)


def test_quoted_numbers_and_names() -> None:
    raw = b'"x","y"\n"1","2"\n"3","4.5"\n"5","7.25"\n'
    assert_table(read_csv_bytes(raw), ["x", "y"], XY)


def test_number_spellings() -> None:
    table = read_csv_bytes(b"a,b\n-1,+2\n-3.5e-3,4E2\n.5,6.\n")
    np.testing.assert_array_equal(table.values, [[-1, 2], [-0.0035, 400], [0.5, 6]])


@pytest.mark.parametrize(
    "marker",
    ["", "NA", "na", "N/A", "n/a", "nan", "NaN", "NULL", "null", "nUlL", "-", "?", " NA ", "#N/A"],
)
def test_missing_markers_are_missing_and_the_fit_drops_their_row(marker: str) -> None:
    raw = f"x,y\n1,2\n{marker},9\n3,4.5\n5,7.25\n".encode()
    table = read_csv_bytes(raw)
    assert table.columns == ["x", "y"]
    assert table.n_rows == 4 and np.isnan(table.values[1, 0])
    assert table.rows_missing(["x", "y"]) == 1
    X, y = table.xy("y", ["x"])
    np.testing.assert_array_equal(np.column_stack([X, y]), XY)


@pytest.mark.parametrize("marker", ["inf", "-inf", "Inf", "+infinity", "1e999"])
def test_infinities_count_as_missing(marker: str) -> None:
    table = read_csv_bytes(f"x,y\n1,2\n3,4.5\n{marker},1\n5,7.25\n".encode())
    assert np.isnan(table.values[2, 0])
    assert table.rows_missing(["x", "y"]) == 1
    X, y = table.xy("y", ["x"])
    np.testing.assert_array_equal(np.column_stack([X, y]), XY)


def test_huge_finite_values_and_constant_columns_are_kept() -> None:
    table = read_csv_bytes(b"x,c,y\n1e200,1,2\n3,1,-1e300\n5,1,1e-300\n")
    np.testing.assert_array_equal(table.values[:, 0], [1e200, 3, 5])
    np.testing.assert_array_equal(table.values[:, 1], [1, 1, 1])
    np.testing.assert_array_equal(table.values[:, 2], [2, -1e300, 1e-300])


def test_integers_too_big_for_int64_are_numbers() -> None:
    table = read_csv_bytes(b"x,y\n123456789012345678901234567890,2\n3,4\n5,6\n")
    assert table.values[0, 0] == pytest.approx(1.2345678901234568e29)


@pytest.mark.parametrize(
    "raw",
    [
        b"x,y,,\n1,2,,\n3,4.5,,\n5,7.25,,\n",
        b"x;y;;;\r\n1;2;;;\r\n3;4,5;;;\r\n5;7,25;;;\r\n",
        b"x,y\n1,2,\n3,4.5,\n5,7.25,\n",
    ],
    ids=["comma", "semicolon", "data-rows-only"],
)
def test_trailing_empty_excel_columns_vanish(raw: bytes) -> None:
    table = read_csv_bytes(raw)
    assert_table(table, ["x", "y"], XY)
    assert table.skipped_columns == []


def test_trailing_blank_lines_and_leading_blank_lines_are_ignored() -> None:
    table = read_csv_bytes(b"\n\n  \nx,y\n1,2\n\n3,4.5\n5,7.25\n\n\n")
    assert_table(table, ["x", "y"], XY)
    assert table.rows_missing(["x", "y"]) == 0


def test_duplicate_names_are_made_unique() -> None:
    table = read_csv_bytes(b"a,a,b,a\n1,2,3,4\n5,6,7,8\n9,10,11,12\n")
    assert table.columns == ["a", "a_2", "b", "a_3"]


def test_generated_names_do_not_collide_with_real_ones() -> None:
    table = read_csv_bytes(b"a,a,a_2\n1,2,3\n5,6,7\n9,10,11\n")
    assert len(set(table.columns)) == 3
    assert table.columns[0] == "a"
    assert table.columns[2] == "a_2"


@pytest.mark.parametrize(
    ("header", "start", "skipped"),
    [("", 0, "col1"), ("Unnamed: 0", 0, "Unnamed: 0"), ("index", 1, "index")],
)
def test_index_column_is_dropped_and_reported(header: str, start: int, skipped: str) -> None:
    rows = "".join(f"{start + i},{x:g},{y:g}\n" for i, (x, y) in enumerate(XY))
    table = read_csv_bytes(f"{header},x,y\n{rows}".encode())
    assert_table(table, ["x", "y"], XY)
    assert table.skipped_columns == [skipped]
    assert table.skip_reasons == {skipped: "row index"}


def test_first_column_that_is_not_a_row_count_is_data() -> None:
    table = read_csv_bytes(b",x,y\n7,1,2\n8,3,4.5\n9,5,7.25\n")
    assert table.columns == ["col1", "x", "y"]


def test_text_column_is_skipped_and_reported() -> None:
    table = read_csv_bytes(b"state,x,y\nAlabama,1,2\nAlaska,3,4.5\nArizona,5,7.25\n")
    assert_table(table, ["x", "y"], XY)
    assert table.skipped_columns == ["state"]
    assert table.skip_reasons == {"state": "text"}


def test_boolean_column_counts_as_text() -> None:
    table = read_csv_bytes(b"flag,x,y\nTrue,1,2\nFalse,3,4.5\nTrue,5,7.25\n")
    assert table.skipped_columns == ["flag"]


def test_mostly_empty_column_is_skipped_instead_of_dropping_rows() -> None:
    raw = b"x,sparse,y\n1,,2\n3,,4.5\n5,8,7.25\n"
    table = read_csv_bytes(raw)
    assert_table(table, ["x", "y"], XY)
    assert table.skip_reasons == {"sparse": "mostly empty"}
    assert table.rows_missing(["x", "y"]) == 0


def test_half_empty_column_is_kept_and_its_rows_dropped_only_when_it_is_used() -> None:
    table = read_csv_bytes(b"x,half,y\n1,1,2\n9,,9\n3,2,4.5\n9,,9\n5,3,7.25\n0,0,0\n")
    assert table.columns == ["x", "half", "y"]
    assert table.n_rows == 6
    assert table.rows_missing(["y", "x", "half"]) == 2
    assert len(table.xy("y", ["x", "half"])[1]) == 4
    assert table.rows_missing(["y", "x"]) == 0
    assert len(table.xy("y", ["x"])[1]) == 6


def test_values_are_read_only() -> None:
    table = read_csv_bytes(b"x,y\n1,2\n3,4.5\n5,7.25\n")
    with pytest.raises(ValueError, match="read-only"):
        table.values[0, 0] = 9.0


def test_header_found_beyond_a_wide_sample() -> None:
    rows = "".join(f"{i},{2 * i}\n" for i in range(20_000))
    table = read_csv_bytes(f"x,y\n{rows}".encode())
    assert table.n_rows == 20_000
    np.testing.assert_array_equal(table.values[-1], [19_999, 39_998])


def test_text_after_the_sample_makes_the_column_text() -> None:
    rows = "".join(f"{i},{i},{2 * i}\n" for i in range(5_000))
    table = read_csv_bytes(f"label,x,y\n{rows}oops,1,2\n".encode())
    assert table.columns == ["x", "y"]
    assert table.skip_reasons == {"label": "text"}
    assert table.n_rows == 5_001


def test_long_file_with_old_mac_line_endings() -> None:
    rows = "".join(f"{i},{2 * i}\r" for i in range(20_000))
    table = read_csv_bytes(f"x,y\r{rows}".encode())
    assert table.n_rows == 20_000


def test_header_longer_than_the_sample_window_is_read_whole() -> None:
    names = [f"column_{j:05d}" for j in range(6_000)]
    row = ",".join("1" for _ in names)
    table = read_csv_bytes(("\n".join([",".join(names), row, row, row]) + "\n").encode())
    assert table.columns == names


def test_a_marker_pandas_misses_late_in_a_long_file_is_still_missing() -> None:
    rows = "1,2\n" * 300_000
    with warnings.catch_warnings():
        # pandas reads long files in chunks and warns that the column's type changed.
        warnings.simplefilter("ignore", pd.errors.DtypeWarning)
        table = read_csv_bytes(f"x,y\n{rows} nUlL ,3\n5,6\n".encode())
    assert table.columns == ["x", "y"]
    assert table.rows_missing(["x", "y"]) == 1
    assert table.n_rows == 300_002
    assert np.isnan(table.values[-2, 0])
    np.testing.assert_array_equal(table.values[-1], [5, 6])


def test_twenty_thousand_columns_open_with_every_column_parsed() -> None:
    values = np.arange(4 * 20_000, dtype=np.float64).reshape(4, 20_000) / 8
    names = [f"c{j}" for j in range(20_000)]
    lines = [",".join(names), *(",".join(map(repr, row.tolist())) for row in values)]
    table = read_csv_bytes(("\n".join(lines) + "\n").encode())
    assert_table(table, names, values)


@pytest.mark.parametrize("sep", ["\t", ","], ids=["tab", "comma"])
def test_a_text_cell_longer_than_csv_s_default_field_limit_is_read(sep: str) -> None:
    note = "word " * 40_000  # 200,000 characters; csv refuses over 131,072 by default
    rows = "".join(f"{note if i == 1 else 'short'}{sep}{i}{sep}{2 * i}\n" for i in range(5))
    table = read_csv_bytes(f"note{sep}x{sep}y\n{rows}".encode())
    assert table.columns == ["x", "y"]
    assert table.skip_reasons == {"note": "text"}


def test_the_sniffer_leaves_csv_s_field_limit_as_it_found_it() -> None:
    before = csv.field_size_limit()
    read_csv_bytes(("x,y\n" + ("1," * 100_000)[:-1] + "\n").encode() * 4)
    assert csv.field_size_limit() == before


@pytest.fixture
def tiny_field_limit(monkeypatch: pytest.MonkeyPatch):
    """csv refuses fields over 40 characters while the test runs."""
    monkeypatch.setattr(csv_format, "FIELD_LIMIT", 40)
    previous = csv.field_size_limit(40)
    yield
    csv.field_size_limit(previous)


@pytest.mark.usefixtures("tiny_field_limit")
def test_a_delimiter_csv_cannot_split_on_gives_way_to_the_next() -> None:
    # Split on tab (the first tried), each 60-character line is one field past the limit.
    names = [f"x{j}" for j in range(20)]
    rows = [",".join(str(j + i) for j in range(20)) for i in range(3)]
    table = read_csv_bytes(("\n".join([",".join(names), *rows]) + "\n").encode())
    assert table.columns == names
    assert table.n_rows == 3
