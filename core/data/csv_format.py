"""Work out how an uploaded CSV is written: encoding, delimiter, decimal mark, header.

Everything here looks only at the first :data:`SAMPLE_BYTES` or :data:`SAMPLE_LINES` of
the file (whole lines), so its cost does not grow with the file; the reader then parses
the whole file in one pandas call with what was found.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

from core.data.cells import guess_decimal, is_missing, is_number
from core.data.errors import DataError
from core.data.limits import MAX_NAME_CHARS, MAX_UPLOAD_BYTES

#: How much of the file the sniffer reads: at most this many bytes and lines, enough
#: for hundreds of rows of a wide table, yet a few milliseconds of pure-Python work.
SAMPLE_BYTES = 64 * 1024
SAMPLE_LINES = 500
MIN_SAMPLE_LINES = 4

#: Share of sample rows that must split into the same number of fields for a
#: delimiter to count as consistent; a little slack allows a ragged last line.
_CONSISTENT_SHARE = 0.8

#: Delimiters in order of preference when several split every line evenly: a tab or
#: semicolon that does so is deliberate (comma-decimal locales write ``;``), whereas
#: commas also appear inside such files as decimal marks.
_DELIMITERS = {"\t": "tab", ";": "semicolon", ",": "comma", "|": "vertical bar"}
_WHITESPACE = r"\s+"
DELIMITER_NAMES = {**_DELIMITERS, _WHITESPACE: "spaces"}

# C0/C1 control characters other than tab and line breaks: text files almost never hold
# them, binary formats are full of them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.01
_FIRST_CONTENT = re.compile(rb"[^\r\n]")
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
# Fields as pandas' C reader splits them on runs of spaces: a quoted field may span
# lines, ``""`` is a literal quote, a quote that is never closed runs to the end, and
# a quote inside a bare field is literal. Line breaks outside quotes end a row.
_WHITESPACE_TOKEN = re.compile(r'"(?:[^"]|"")*"\S*|"[\s\S]*|[^\s"]\S*|\r\n|\n|\r')

#: csv's field limit while the sniffer splits a sample: no field of a file the upload limit
#: lets in has more characters than the file has bytes (csv's default, 131,072, refuses a
#: wide file's line split on the wrong delimiter, and a long column name).
FIELD_LIMIT = MAX_UPLOAD_BYTES
# csv.field_size_limit is one value for the whole process; the sniffer raises it only while
# it splits, and this lock keeps two sessions from putting it back under each other.
_FIELD_LIMIT_LOCK = threading.Lock()


class CsvFormat(NamedTuple):
    """How to hand a file to ``pandas.read_csv``.

    Attributes
    ----------
    sep : str
        Delimiter: one character, or ``r"\\s+"`` for runs of spaces and tabs.
    decimal : str
        Decimal mark, ``"."`` or ``","``.
    has_header : bool
        Whether the first row names the columns.
    names : list of str
        One unique name per field; ``col1``, ``col2``, ... where the file gives none.
    header_cells : list of str
        The first row's cells as written (trimmed, padded with ``""``), or all ``""``
        when there is no header; tells a blank name from a generated one.
    """

    sep: str
    decimal: str
    has_header: bool
    names: list[str]
    header_cells: list[str]


def to_utf8(raw: bytes) -> bytes:
    """Return the file as UTF-8 without a byte-order mark.

    UTF-16 is recognised by its byte-order mark (Excel's "Unicode text" export);
    otherwise UTF-8 is tried and, failing that, Windows-1252, then Latin-1, which
    accepts any byte. Pure ASCII, the common case, is returned without copying.

    Raises
    ------
    DataError
        If the bytes are a binary file (an Excel workbook, an archive, an image...)
        rather than text.
    """
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            raw = raw.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise _binary_file_error() from None
    elif raw.startswith(b"PK\x03\x04"):
        raise DataError(
            "This looks like an Excel workbook (.xlsx) or a zip archive, not a CSV file. "
            "In your spreadsheet, use File > Save as > CSV and upload that file."
        )
    # After decoding too: almost any bytes decode as UTF-16, and text never holds NULs.
    if b"\x00" in raw:
        raise _binary_file_error()
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    if raw.isascii():
        return raw
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        return text.encode("utf-8")
    return raw


def empty_file_error() -> DataError:
    """The error for a file with nothing in it, shared with the reader."""
    return DataError("The file is empty. Upload a CSV with a header row and rows of numbers.")


def header_only_error() -> DataError:
    """The error for a file with column names and nothing below them."""
    return DataError(
        "The file has a header row but no data rows. Add at least 3 rows of numbers "
        "below the column names."
    )


def _binary_file_error() -> DataError:
    return DataError(
        "This file looks binary (it holds bytes that never appear in text), not like a CSV. "
        "Export your data as CSV (comma, semicolon or tab separated text) and upload that."
    )


def sniff(data: bytes) -> CsvFormat:
    """Find the delimiter, decimal mark, header and column names of a UTF-8 file.

    Parameters
    ----------
    data : bytes
        The whole file, as returned by :func:`to_utf8`.

    Returns
    -------
    CsvFormat

    Raises
    ------
    DataError
        If the file is empty, binary, has only one column, or a column name longer
        than :data:`~core.data.limits.MAX_NAME_CHARS`.
    """
    sep, rows = _choose_delimiter(_head_sample(data))
    decimal = "." if sep == "," else guess_decimal([cell for row in rows for cell in row])
    has_header = _has_header(rows, decimal)
    n_fields = max(len(row) for row in rows)
    if has_header and len(rows) == 1:
        raise header_only_error()
    header_cells = [_strip_quotes(cell.strip()) for cell in rows[0]] if has_header else []
    _check_name_lengths(header_cells)
    header_cells += [""] * (n_fields - len(header_cells))
    return CsvFormat(sep, decimal, has_header, unique_names(header_cells), header_cells)


def _check_name_lengths(names: list[str]) -> None:
    """Refuse a column name too long to show, in words (the name itself is not repeated)."""
    for j, name in enumerate(names):
        if len(name) > MAX_NAME_CHARS:
            raise DataError(
                f"The name of column {j + 1} is {len(name):,} characters long; Downhill accepts "
                f"names of up to {MAX_NAME_CHARS:,}. Shorten it in the header row, or check "
                "that the header is separated by the same delimiter as the rows."
            )


def _head_sample(data: bytes) -> str:
    """Decode whole lines from the start of the text, skipping leading empty lines."""
    first = _FIRST_CONTENT.search(data)
    if first is None:
        raise empty_file_error()
    start = first.start()
    window_end = start + SAMPLE_BYTES
    if len(data) <= window_end:
        end = len(data)
    else:
        last_break = max(data.rfind(b"\n", start, window_end), data.rfind(b"\r", start, window_end))
        # Lines longer than the window are kept whole, so a wide header is never cut
        # and always has rows below it to compare with.
        end = max(last_break, _end_of_line(data, start, MIN_SAMPLE_LINES))
    text = data[start:end].decode("utf-8", errors="replace")
    sample = "".join(text.splitlines(keepends=True)[:SAMPLE_LINES])
    if len(_CONTROL.findall(sample)) > _MAX_CONTROL_SHARE * len(sample):
        raise _binary_file_error()
    if not sample.strip(' \t\r\n,;|"'):
        raise empty_file_error()  # spaces and delimiters only: an empty sheet
    return sample


def _end_of_line(data: bytes, start: int, n_lines: int) -> int:
    """Position just past the ``n_lines``-th line break from ``start``, or the end."""
    for count, line_break in enumerate(_LINE_BREAK.finditer(data, start), start=1):
        if count == n_lines:
            return line_break.end()
    return len(data)


def _split(sample: str, sep: str) -> list[list[str]] | None:
    """Split the sample into non-blank rows of cells on ``sep``; None if csv cannot."""
    if sep == _WHITESPACE:
        return _split_on_whitespace(sample)
    # Same quoting rules as pandas' C reader, so both see the same fields; lines of
    # only spaces are skipped, as pandas does.
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=sep)
    try:
        with _field_limit(FIELD_LIMIT):
            return [row for row in reader if len(row) > 1 or (row and row[0].strip())]
    except csv.Error:
        return None


@contextmanager
def _field_limit(limit: int) -> Iterator[None]:
    """Raise csv's field limit to at least ``limit`` characters inside the block.

    The limit is put back afterwards, so other users of :mod:`csv` in the process
    keep theirs; one block runs at a time.

    Parameters
    ----------
    limit : int
        The fewest characters a field may hold inside the block.
    """
    with _FIELD_LIMIT_LOCK:
        previous = csv.field_size_limit(max(limit, csv.field_size_limit()))
        try:
            yield
        finally:
            csv.field_size_limit(previous)


def _split_on_whitespace(sample: str) -> list[list[str]]:
    """Split the sample into rows of cells separated by runs of spaces or tabs."""
    rows: list[list[str]] = [[]]
    for token in _WHITESPACE_TOKEN.findall(sample):
        if token in ("\n", "\r", "\r\n"):
            rows.append([])
        else:
            rows[-1].append(_strip_quotes(token))
    return [row for row in rows if row]


def _choose_delimiter(sample: str) -> tuple[str, list[list[str]]]:
    """Pick the delimiter that splits most lines into the same number (>= 2) of fields.

    Returns the delimiter and the sample split on it.
    """
    shares = {}
    for sep in DELIMITER_NAMES:
        rows = _split(sample, sep)
        if rows is None:
            continue  # csv cannot split on this one; the next may fit
        if not rows:
            # Only empty quoted cells, which no delimiter splits into anything.
            raise empty_file_error()
        n_fields, count = Counter(len(row) for row in rows).most_common(1)[0]
        if n_fields < 2:
            continue
        if count >= _CONSISTENT_SHARE * len(rows):
            return sep, rows
        shares[sep] = (count / len(rows), rows)
    if not shares:
        raise DataError(
            "Found only one column. Downhill needs at least two numeric columns (a target "
            "and a feature) separated by commas, semicolons, tabs or spaces."
        )
    # No delimiter is consistent: take the least ragged one so that pandas reports the
    # offending line number.
    sep = max(shares, key=lambda candidate: shares[candidate][0])
    return sep, shares[sep][1]


def _strip_quotes(cell: str) -> str:
    """``"name"`` -> ``name``: a quote after a space is not a quote to pandas or csv."""
    return cell[1:-1].strip() if len(cell) >= 2 and cell[0] == cell[-1] == '"' else cell


def _has_header(rows: list[list[str]], decimal: str) -> bool:
    """Whether the first row names the columns.

    It does when some column has a non-numeric first cell while most of the cells
    below it are numbers; a lone row counts as a header if any cell is text.
    """
    first, rest = rows[0], rows[1:]
    for j, cell in enumerate(first):
        if not cell.strip() or is_number(cell, decimal):
            continue
        if not rest:
            return True
        below = [row[j] for row in rest if j < len(row) and not is_missing(row[j])]
        numbers = sum(is_number(value, decimal) for value in below)
        if numbers > len(below) - numbers:
            return True
    return False


def unique_names(cells: list[str]) -> list[str]:
    """Name every column uniquely: blanks become ``colN``, repeats get ``_2``, ``_3``...

    Parameters
    ----------
    cells : list of str
        Header cells as written, ``""`` where a column has no name.

    Returns
    -------
    list of str
        Same length as ``cells``.
    """
    wanted = [cell or f"col{j + 1}" for j, cell in enumerate(cells)]
    taken = set(wanted)
    seen: set[str] = set()
    names = []
    for name in wanted:
        unique = name
        suffix = 2
        while unique in seen or (unique != name and unique in taken):
            unique = f"{name}_{suffix}"
            suffix += 1
        seen.add(unique)
        names.append(unique)
    return names
