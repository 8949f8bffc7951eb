"""Small public-domain datasets shipped with the app (files and notes in ``bundled/``)."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from core.data.csv_reader import read_csv_bytes
from core.data.dataset import Dataset

#: Found next to this module, so it works from any working directory and never reads
#: outside the package. ``bundled/SOURCES.md`` says where each file comes from.
BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"


class _Bundled(NamedTuple):
    name: str
    description: str
    target: str
    features: tuple[str, ...]


_BUNDLED = {
    "engel": _Bundled(
        "Engel food expenditure",
        "235 Belgian working-class households, 1857: food expenditure against income "
        "(Belgian francs).",
        "foodexp",
        ("income",),
    ),
    "stackloss": _Bundled(
        "Stack loss",
        "21 days of an ammonia-oxidation plant: ammonia lost (STACKLOSS) against air flow, "
        "cooling-water temperature and acid concentration.",
        "STACKLOSS",
        ("AIRFLOW", "WATERTEMP", "ACIDCONC"),
    ),
    "statecrime": _Bundled(
        "US state crime, 2009",
        "50 US states and DC, 2009: murder rate per 100,000 against percent in poverty "
        "(more columns to try; the state name is a label, not a feature).",
        "murder",
        ("poverty",),
    ),
    "seattle_weather": _Bundled(
        "Seattle daily weather",
        "1,461 days in Seattle, 2012–2015 (NOAA): the day's maximum temperature against "
        "its minimum (°C); precipitation and wind to try too.",
        "temp_max",
        ("temp_min",),
    ),
}

#: Dataset key -> one-line description.
BUNDLED: dict[str, str] = {key: spec.description for key, spec in _BUNDLED.items()}


def bundled(key: str) -> Dataset:
    """Load a bundled real dataset through the same reader as uploads.

    Parameters
    ----------
    key : str
        One of :data:`BUNDLED`.

    Returns
    -------
    Dataset
        With ``true_coef`` and ``true_intercept`` None: real data has no known truth.

    Raises
    ------
    ValueError
        If ``key`` is not a bundled dataset.
    """
    spec = _BUNDLED.get(key)
    if spec is None:
        raise ValueError(f"Unknown dataset {key!r}; choose one of: {', '.join(BUNDLED)}.")
    table = read_csv_bytes((BUNDLED_DIR / f"{key}.csv").read_bytes())
    return Dataset(spec.name, spec.description, table, spec.target, list(spec.features))
