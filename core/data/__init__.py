"""Downhill's data layer: uploaded CSVs, generated data, presets and bundled datasets.

Every source ends as a :class:`Table` of float64 columns (NaN where a value is missing),
or a :class:`Dataset` that adds the default target, features and (for generated data)
the true answer. Each example is one :class:`Preset` record in :data:`PRESETS`: its
data, how it is meant to be run (a :class:`PresetRun`) and, for a tutorial, what its
article printed (a :class:`core.articles.Article`).
NumPy, pandas and the standard library only.
"""

from core.data.bundled_datasets import BUNDLED, bundled
from core.data.csv_reader import read_csv_bytes
from core.data.dataset import Dataset, default_features, from_table, identifier_columns
from core.data.errors import DataError
from core.data.generators import generate
from core.data.limits import MAX_ROWS, MAX_UPLOAD_BYTES
from core.data.presets import (
    DEFAULT_PRESET,
    PRESET_NAMES,
    PRESETS,
    Preset,
    PresetRun,
    preset,
)
from core.data.table import Table

__all__ = [
    "BUNDLED",
    "DEFAULT_PRESET",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "PRESETS",
    "PRESET_NAMES",
    "DataError",
    "Dataset",
    "Preset",
    "PresetRun",
    "Table",
    "bundled",
    "default_features",
    "from_table",
    "generate",
    "identifier_columns",
    "preset",
    "read_csv_bytes",
]
