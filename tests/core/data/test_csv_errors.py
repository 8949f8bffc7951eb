"""read_csv_bytes on files it cannot use: a DataError that says what is wrong and what to do."""

from __future__ import annotations

import codecs

import pytest

from core.data import MAX_ROWS, MAX_UPLOAD_BYTES, DataError, csv_reader, read_csv_bytes
from core.data.limits import MAX_NAME_CHARS

# A warning from the reader (pandas cutting a row short, say) is a bug here.
pytestmark = pytest.mark.filterwarnings("error")


@pytest.mark.parametrize(
    "raw",
    [b"", b"\n\n", b"   \r\n\t\n", b",,,\r\n;;\n"],
    ids=["empty", "newlines", "spaces", "delimiters"],
)
def test_empty_file(raw: bytes) -> None:
    with pytest.raises(DataError, match="empty"):
        read_csv_bytes(raw)


@pytest.mark.parametrize("raw", [b"x,y\n", b"x,y", b"x;y\r\n\r\n", b'"x","y"\n'])
def test_header_only(raw: bytes) -> None:
    with pytest.raises(DataError, match="header row but no data rows"):
        read_csv_bytes(raw)


@pytest.mark.parametrize(
    ("raw", "usable", "dropped"),
    [(b"x,y\n1,2\n3,4\n", 2, 0), (b"1,2\n", 1, 0), (b"x,y\n1,2\n,4\n5,\n3,4\n", 2, 2)],
)
def test_fewer_than_three_rows(raw: bytes, usable: int, dropped: int) -> None:
    with pytest.raises(DataError, match="at least 3") as info:
        read_csv_bytes(raw)
    assert f"Only {usable} usable rows" in str(info.value)
    assert f"dropping {dropped}" in str(info.value)


def test_single_column() -> None:
    with pytest.raises(DataError, match=r"only one column.*at least two numeric columns"):
        read_csv_bytes(b"x\n1\n2\n3\n")


def test_only_one_numeric_column_names_it_and_the_skipped_ones() -> None:
    with pytest.raises(DataError, match="one numeric column") as info:
        read_csv_bytes(b"state,x\nAlabama,1\nAlaska,2\nArizona,3\n")
    assert "'x'" in str(info.value)
    assert "state (text)" in str(info.value)


def test_no_numeric_column() -> None:
    with pytest.raises(DataError, match=r"No numeric columns.*a target and at least one feature"):
        read_csv_bytes(b"name,city\nann,paris\nbob,rome\ncy,oslo\n")


@pytest.mark.parametrize(
    "raw",
    [
        bytes(range(256)) * 4,
        b"x,y\n1,2\x00\n3,4\n5,6\n",
        b"\x89PNG\r\n\x1a\n" + bytes(range(1, 9)) * 50,
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
    ],
    ids=["all-bytes", "nul", "png", "xls"],
)
def test_binary_garbage(raw: bytes) -> None:
    with pytest.raises(DataError, match=r"binary.*CSV"):
        read_csv_bytes(raw)


def test_excel_workbook_gets_save_as_csv_advice() -> None:
    with pytest.raises(DataError, match=r"Excel workbook.*Save as > CSV"):
        read_csv_bytes(b"PK\x03\x04" + b"\x14\x00\x06\x00" * 20)


@pytest.mark.parametrize(
    "raw",
    [
        b"Dear reader\nthis is a letter\nnot a table.\n",
        b"<html>\n<body>\n<p>Not found</p>\n</body>\n</html>\n",
    ],
)
def test_not_tabular_text(raw: bytes) -> None:
    with pytest.raises(DataError, match="numeric column"):
        read_csv_bytes(raw)


def test_ragged_rows_name_the_line() -> None:
    with pytest.raises(DataError, match="Line 4 has 3 values but the first lines have 2"):
        read_csv_bytes(b"x,y\n1,2\n3,4\n5,6,7\n8,9\n")


def test_unclosed_quote_names_the_line() -> None:
    with pytest.raises(DataError, match=r"quote \(\"\) opened near line 4 is never closed"):
        read_csv_bytes(b'x,y\n1,2\n3,4\n5,"6\n7,8\n')


def test_file_past_the_size_limit_states_the_limit() -> None:
    raw = b"x,y\n" + b"1,2\n" * (MAX_UPLOAD_BYTES // 4)
    assert len(raw) > MAX_UPLOAD_BYTES
    with pytest.raises(DataError, match="the limit is 50 MB"):
        read_csv_bytes(raw)


def test_file_past_the_row_limit_states_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # The real limit needs a 2,000,000-row file; the check is the same at 10.
    monkeypatch.setattr(csv_reader, "MAX_ROWS", 10)
    with pytest.raises(DataError, match="more than 10 rows"):
        read_csv_bytes(b"x,y\n" + b"1,2\n" * 11)
    assert read_csv_bytes(b"x,y\n" + b"1,2\n" * 10).n_rows == 10


def test_limits_match_the_upload_widget() -> None:
    assert MAX_UPLOAD_BYTES == 50 * 1024 * 1024
    assert MAX_ROWS == 2_000_000


@pytest.mark.parametrize("raw", ["x,y\n1,2\n", None, 12])
def test_not_bytes(raw: object) -> None:
    with pytest.raises(DataError, match="Expected the file's bytes"):
        read_csv_bytes(raw)  # type: ignore[arg-type]


def test_bytearray_and_memoryview_are_accepted() -> None:
    raw = b"x,y\n1,2\n3,4\n5,6\n"
    assert read_csv_bytes(bytearray(raw)).n_rows == 3
    assert read_csv_bytes(memoryview(raw)).n_rows == 3


def test_data_error_is_a_value_error() -> None:
    assert issubclass(DataError, ValueError)


def test_a_five_megabyte_column_name_is_refused_in_words() -> None:
    name = "n" * (5 * 2**20)
    with pytest.raises(DataError) as info:
        read_csv_bytes(f"x,{name}\n1,2\n3,4\n5,6\n".encode())
    message = str(info.value)
    assert "The name of column 2 is 5,242,880 characters long" in message
    assert "up to 20,000. Shorten it in the header row" in message
    assert "field limit" not in message


def test_a_column_name_at_the_length_limit_opens() -> None:
    name = "n" * MAX_NAME_CHARS
    assert read_csv_bytes(f"x,{name}\n1,2\n3,4\n5,6\n".encode()).columns == ["x", name]


@pytest.mark.parametrize(
    "tail",
    ["9,9\x00\n", "9,9\n\x00\x00\x00\x00"],
    ids=["a-nul-in-a-row", "nul-bytes-at-the-end"],
)
@pytest.mark.parametrize(
    ("bom", "codec"),
    [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")],
    ids=["little-endian", "big-endian"],
)
def test_utf16_holding_nul_characters_is_binary(tail: str, bom: bytes, codec: str) -> None:
    # Past the sniffer's sample, where its share of control characters does not look.
    text = "x,y\n" + "1,2\n" * 20_000 + tail
    with pytest.raises(DataError, match=r"looks binary.*Export your data as CSV"):
        read_csv_bytes(bom + text.encode(codec))
