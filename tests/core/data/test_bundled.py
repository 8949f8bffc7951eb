"""Bundled real datasets: shipped inside the package, loaded through the upload reader."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

import core.data.bundled_datasets as bundled_datasets
from core.data import BUNDLED, bundled, read_csv_bytes

DATA_DIR = Path(bundled_datasets.__file__).parent / "bundled"


def test_keys() -> None:
    assert list(BUNDLED) == ["engel", "stackloss", "statecrime", "seattle_weather"]


@pytest.mark.parametrize(
    ("key", "rows", "target", "features", "skipped"),
    [
        ("engel", 235, "foodexp", ["income"], []),
        ("stackloss", 21, "STACKLOSS", ["AIRFLOW", "WATERTEMP", "ACIDCONC"], []),
        ("statecrime", 51, "murder", ["poverty"], ["state"]),
        ("seattle_weather", 1461, "temp_max", ["temp_min"], ["date", "weather"]),
    ],
)
def test_each_dataset(
    key: str, rows: int, target: str, features: list[str], skipped: list[str]
) -> None:
    data = bundled(key)
    assert data.description == BUNDLED[key]
    assert (data.target, data.features) == (target, features)
    assert data.table.skipped_columns == skipped
    assert not np.isnan(data.table.values).any()
    assert data.true_coef is None
    assert data.true_intercept is None
    X, y = data.xy()
    assert X.shape == (rows, len(features))
    assert y.shape == (rows,)


def test_statecrime_keeps_every_numeric_column_to_choose_from() -> None:
    table = bundled("statecrime").table
    assert table.columns == ["violent", "murder", "hs_grad", "poverty", "single", "white", "urban"]
    assert table.skip_reasons == {"state": "text"}


def test_stackloss_first_row_matches_the_source() -> None:
    np.testing.assert_array_equal(bundled("stackloss").table.values[0], [42, 80, 27, 89])


def test_stackloss_least_squares_matches_the_textbook_fit() -> None:
    # Brownlee's stack loss: the classic OLS fit is -39.92 + 0.716 AIRFLOW
    # + 1.295 WATERTEMP - 0.152 ACIDCONC.
    X, y = bundled("stackloss").xy()
    design = np.column_stack([X, np.ones(len(y))])
    fitted = np.linalg.lstsq(design, y, rcond=None)[0]
    np.testing.assert_allclose(fitted, [0.7156, 1.2953, -0.1521, -39.9197], atol=1e-3)


def test_seattle_weather_keeps_its_numeric_columns() -> None:
    table = bundled("seattle_weather").table
    assert table.columns == ["precipitation", "temp_max", "temp_min", "wind"]
    np.testing.assert_array_equal(table.values[0], [0.0, 12.8, 5.0, 4.7])  # 2012/01/01


def test_loading_goes_through_the_upload_reader() -> None:
    raw = (DATA_DIR / "engel.csv").read_bytes()
    np.testing.assert_array_equal(read_csv_bytes(raw).values, bundled("engel").table.values)


def test_source_notes_ship_with_the_data() -> None:
    notes = (DATA_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for key in [*BUNDLED, "anscombe"]:
        assert f"{key}.csv" in notes
    assert "public domain" in notes


def test_loads_from_any_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert bundled("engel").table.n_rows == 235


@pytest.mark.parametrize(
    ("key", "sha256"),
    [
        ("engel", "796c3da0406291dd324c51901b51386be12b5f52e330afaf69584f57c06ad45c"),
        ("stackloss", "7395953d62eec7abab783ae9603ff82f091d04a4689780e455c239f0f5509f64"),
        ("statecrime", "73c8aaa12272cbd33a09d0ffcda01a835f2f0916a16aaed54732efa312430688"),
        ("seattle_weather", "62f0609f787158128aa2bd102967173a4953122dd4f872bf1d502cae1037df0b"),
        ("anscombe", "5b641c3b16384f1ea276b5c8452285195ff61d29c852045ad97aabfd752735a5"),
    ],
)
def test_files_are_byte_for_byte_the_published_copies(key: str, sha256: str) -> None:
    raw = (DATA_DIR / f"{key}.csv").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == sha256


def test_unknown_dataset_lists_the_keys() -> None:
    with pytest.raises(ValueError, match="Unknown dataset 'iris'; choose one of: engel, "):
        bundled("iris")
