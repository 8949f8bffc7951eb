"""Turn uploaded CSV bytes into a :class:`~core.data.table.Table`, or explain why not."""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

from core.data.cells import MISSING_MARKERS, MISSING_SPELLINGS
from core.data.csv_format import (
    DELIMITER_NAMES,
    CsvFormat,
    empty_file_error,
    header_only_error,
    sniff,
    to_utf8,
)
from core.data.errors import DataError
from core.data.limits import MAX_ROWS, MAX_UPLOAD_BYTES, MIN_ROWS
from core.data.table import Table

#: A numeric column with more than this share of missing values is skipped, since
#: keeping it would throw away most rows.
MAX_MISSING_SHARE = 0.5

#: Header names that mark a column of row numbers rather than data.
_INDEX_NAMES = frozenset({"", "index", "unnamed: 0"})

_FIELD_COUNT_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_OPEN_QUOTE_ERROR = re.compile(r"EOF inside string starting at row (\d+)")


def read_csv_bytes(raw: bytes) -> Table:
    """Read an uploaded CSV file into a numeric table.

    The format is worked out from the first 64 KB (encoding, delimiter, decimal
    mark, header), then the whole file is parsed by one call of pandas' C reader.
    Accepted: comma, semicolon, tab or space delimiters; UTF-8 (with or without a
    byte-order mark), UTF-16 with a byte-order mark, Windows-1252 or Latin-1;
    decimal commas; quoted numbers; missing values written as empty, ``NA``,
    ``N/A``, ``nan``, ``null``, ``-``, ``?`` or ``inf`` in any case.

    Columns that are not numeric (labels, text), numeric columns more than half
    empty, and a leading index column of row numbers are left out and listed in
    ``skipped_columns``; empty unnamed columns (trailing delimiters) vanish
    silently. Missing values in the kept columns stay as NaN: which rows a fit
    drops depends on the columns it uses (see :meth:`Table.xy`).

    Parameters
    ----------
    raw : bytes
        The file exactly as uploaded.

    Returns
    -------
    Table
        At least two columns and every row of the file; at least three rows have a
        value in every column, so any choice of target and features has rows to fit.

    Raises
    ------
    DataError
        The only exception raised, with a message saying what is wrong and what
        to do: not bytes, empty, binary, larger than ``MAX_UPLOAD_BYTES`` or
        ``MAX_ROWS``, fewer than two numeric columns, fewer than three usable rows,
        or rows that do not split evenly into columns.
    """
    if not isinstance(raw, bytes | bytearray | memoryview):
        raise DataError(f"Expected the file's bytes; got {type(raw).__name__}.")
    raw = bytes(raw)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise DataError(
            f"The file is {len(raw) / 2**20:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 2**20} MB. "
            "Upload fewer rows or only the columns you need."
        )
    data = to_utf8(raw)
    fmt = sniff(data)
    frame = _parse(data, fmt)
    if len(frame) > MAX_ROWS:
        raise DataError(
            f"The file has more than {MAX_ROWS:,} rows, the most Downhill accepts. "
            "Upload a sample of the rows."
        )
    if frame.empty:
        raise header_only_error()
    return _numeric_table(frame, fmt)


def _parse(data: bytes, fmt: CsvFormat) -> pd.DataFrame:
    """Parse the whole file in one pass of pandas' C reader."""
    try:
        return pd.read_csv(
            io.BytesIO(data),
            sep=fmt.sep,
            decimal=fmt.decimal,
            header=0 if fmt.has_header else None,
            names=fmt.names,
            # Without this, pandas turns the first column into the index whenever data
            # rows have one field more than the header (a trailing delimiter).
            index_col=False,
            na_values=MISSING_SPELLINGS,
            keep_default_na=False,
            # One row past the limit is enough to know the limit was passed.
            nrows=MAX_ROWS + 1,
            encoding="utf-8",
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise empty_file_error() from None
    except (pd.errors.ParserError, ValueError, OverflowError) as exc:
        raise DataError(_explain_parser_error(str(exc), fmt)) from None


def _explain_parser_error(message: str, fmt: CsvFormat) -> str:
    delimiter = DELIMITER_NAMES[fmt.sep]
    field_count = _FIELD_COUNT_ERROR.search(message)
    if field_count:
        expected, line, seen = field_count.groups()
        return (
            f"Line {line} has {seen} values but the first lines have {expected} "
            f"(separated by {delimiter}). Make every row hold the same number of values, "
            "and quote text that contains the delimiter."
        )
    open_quote = _OPEN_QUOTE_ERROR.search(message)
    if open_quote:
        return (
            f'A quote (") opened near line {int(open_quote.group(1)) + 1} is never closed. '
            "Close it, or remove the stray quote character."
        )
    return (
        f"Could not read the file as a table separated by {delimiter} ({message.strip()}). "
        "Check that it is a plain CSV file."
    )


def _numeric_table(frame: pd.DataFrame, fmt: CsvFormat) -> Table:
    """Keep the usable numeric columns, missing values as NaN; check enough rows are complete."""
    kept: dict[str, np.ndarray] = {}
    kept_missing: list[np.ndarray] = []
    skip_reasons: dict[str, str] = {}
    for position, (name, header) in enumerate(zip(fmt.names, fmt.header_cells, strict=True)):
        values = _as_numbers(frame[name], fmt.decimal)
        if values is None:
            skip_reasons[name] = "text"
            continue
        # Infinities (written out, or numbers past the float range) cannot be fitted:
        # they count as missing, like NaN.
        missing = ~np.isfinite(values)
        if missing.all() and not header:
            continue  # an unnamed, empty column: a trailing delimiter, not data
        if missing.mean() > MAX_MISSING_SHARE:
            skip_reasons[name] = "mostly empty"
        elif position == 0 and fmt.has_header and _is_row_index(header, values):
            skip_reasons[name] = "row index"
        else:
            kept[name] = values
            kept_missing.append(missing)
    _require_two_columns(kept, skip_reasons)
    values = np.column_stack(list(kept.values()))
    # OR-ing the per-column masks is ~20x faster than isnan(values).any(axis=1).
    incomplete = np.logical_or.reduce(kept_missing)
    dropped = int(incomplete.sum())
    if len(values) - dropped < MIN_ROWS:
        raise DataError(
            f"Only {len(values) - dropped} usable rows (after dropping {dropped} with missing "
            f"values); need at least {MIN_ROWS}. Add rows, or fill in the missing values."
        )
    if dropped:  # infinities are missing values too
        values[~np.isfinite(values)] = np.nan
    return Table(list(kept), values, list(skip_reasons), skip_reasons)


def _as_numbers(column: pd.Series, decimal: str) -> np.ndarray | None:
    """Return the column as float64 (NaN where missing), or None if it is text.

    pandas already parsed clean numeric columns; the rest are checked once more,
    vectorised, for numbers it leaves as text (padded with spaces, a missing marker
    with spaces around it, integers too large for int64...).
    """
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        return column.to_numpy(dtype=np.float64, na_value=np.nan)
    text = column.astype("string").str.strip()
    missing = text.isna() | text.str.lower().isin(MISSING_MARKERS)
    if decimal == ",":
        text = text.str.replace(",", ".", n=1, regex=False)
    numbers = pd.to_numeric(text.mask(missing), errors="coerce")
    if numbers.notna().sum() != (~missing).sum():
        return None
    return numbers.to_numpy(dtype=np.float64, na_value=np.nan)


def _is_row_index(header: str, values: np.ndarray) -> bool:
    """Whether a first column named blank/``index`` just counts rows from 0 or 1."""
    if header.lower() not in _INDEX_NAMES:
        return False
    offset = np.arange(len(values))
    return bool(np.array_equal(values, offset) or np.array_equal(values, offset + 1))


def _require_two_columns(kept: dict[str, np.ndarray], skip_reasons: dict[str, str]) -> None:
    skipped = "; ".join(f"{name} ({reason})" for name, reason in skip_reasons.items())
    left_out = f" Left out: {skipped}." if skipped else ""
    if not kept:
        raise DataError(
            "No numeric columns found. Downhill needs at least two numeric columns: "
            f"a target and at least one feature.{left_out}"
        )
    if len(kept) == 1:
        raise DataError(
            f"Only one numeric column ('{next(iter(kept))}') was found; Downhill needs a "
            f"target and at least one feature, so at least two numeric columns.{left_out}"
        )
