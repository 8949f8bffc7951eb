"""What counts as a number or a missing value in one CSV cell.

Shared by the format sniffer, which looks at a few kilobytes cell by cell, and the
reader, which hands the same rules to pandas for the whole file.
"""

from __future__ import annotations

import re

# An infinite value cannot be fitted, so it counts as missing; finite huge values are
# kept as they are.
_INFINITIES = frozenset({"inf", "-inf", "+inf", "infinity", "-infinity", "+infinity"})

#: Spellings of "no value" written by spreadsheets, R, pandas and people, compared
#: case-insensitively after trimming spaces.
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
    }
    | _INFINITIES
)

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_COMMA_NUMBER = re.compile(r"[+-]?(?:\d+,\d*|,\d+)(?:[eE][+-]?\d+)?")
_DECIMAL_POINT_NUMBER = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?")


#: The usual capitalisations (``na``, ``NA``, ``Na``) of the markers, for pandas'
#: ``na_values``, which match exactly; the rare ``nUlL`` is caught afterwards by the
#: reader's case-insensitive pass over columns left as text. Infinities are left out:
#: pandas parses them to ``inf`` by itself and the reader treats any non-finite value
#: as missing, whereas listing them makes pandas compare every parsed number against
#: them, which slows the whole parse by about a sixth.
MISSING_SPELLINGS = frozenset(
    spelling
    for marker in MISSING_MARKERS - _INFINITIES
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
