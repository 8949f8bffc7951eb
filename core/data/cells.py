"""What counts as a number or a missing value in one CSV cell.

Shared by the format sniffer, which looks at a few kilobytes cell by cell, and the
reader, which hands the same rules to pandas for the whole file.
"""

from __future__ import annotations

import re

#: Spellings of "no value" written by spreadsheets, R, pandas and people, compared
#: case-insensitively after trimming spaces. ``inf`` is here because an infinite
#: value cannot be fitted; finite huge values are kept as they are.
MISSING_MARKERS = frozenset(
    {
        "",
        "na",
        "n/a",
        "#n/a",
        "nan",
        "null",
        "none",
        "-",
        "?",
        "inf",
        "-inf",
        "+inf",
        "infinity",
        "-infinity",
        "+infinity",
    }
)

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_COMMA_NUMBER = re.compile(r"[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_POINT_NUMBER = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?")


#: The usual capitalisations of :data:`MISSING_MARKERS` (``na``, ``NA``, ``Na``), for
#: pandas' ``na_values``, which match exactly. Every spelling would make that set 20x
#: larger and the whole parse ~15% slower; the rare ``nUlL`` is caught afterwards by
#: the reader's case-insensitive pass over columns left as text.
MISSING_SPELLINGS = frozenset(
    spelling
    for marker in MISSING_MARKERS
    for spelling in (marker, marker.upper(), marker.capitalize())
)


def is_missing(cell: str) -> bool:
    """Return whether ``cell`` is one of the :data:`MISSING_MARKERS`."""
    return cell.strip().lower() in MISSING_MARKERS


def is_number(cell: str, decimal: str) -> bool:
    """Return whether ``cell`` is a plain decimal number written with ``decimal``."""
    text = cell.strip()
    if decimal == ",":
        text = text.replace(",", ".", 1)
    return _NUMBER.fullmatch(text) is not None


def guess_decimal(cells: list[str]) -> str:
    """Return ``","`` when more cells look like ``12,5`` than like ``12.5``, else ``"."``."""
    commas = sum(_DECIMAL_COMMA_NUMBER.fullmatch(cell.strip()) is not None for cell in cells)
    points = sum(_DECIMAL_POINT_NUMBER.fullmatch(cell.strip()) is not None for cell in cells)
    return "," if commas > points else "."
