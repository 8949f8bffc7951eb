"""How much read_csv_bytes adds on top of the pandas parse it is built around."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

from benchmarks.report import Row, best_time
from core.data import read_csv_bytes

SUITE = "CSV upload: read_csv_bytes vs pandas.read_csv (1,000,000 rows, 2 columns)"

N_ROWS = 1_000_000

#: Timings alternate between the two readers, so load from other work on a shared
#: machine falls on both alike; the best of each is reported.
ROUNDS = 7


def _upload(n_rows: int = N_ROWS, seed: int = 0) -> bytes:
    """A header and ``n_rows`` of two numeric columns, as a spreadsheet would write."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 100.0, n_rows)
    frame = pd.DataFrame({"x": x, "y": 3.5 * x + 10.0 + rng.normal(0.0, 25.0, n_rows)})
    return frame.to_csv(index=False, float_format="%.6f").encode()


def run() -> list[Row]:
    """Time both readers on the same bytes and report their ratio."""
    raw = _upload()
    pandas_times, ours_times = [], []
    for _ in range(ROUNDS):
        pandas_times.append(best_time(lambda: pd.read_csv(io.BytesIO(raw)), repeat=1))
        ours_times.append(best_time(lambda: read_csv_bytes(raw), repeat=1))
    pandas_seconds, ours_seconds = min(pandas_times), min(ours_times)
    return [
        Row("pandas.read_csv alone", pandas_seconds, "s"),
        Row("read_csv_bytes (sniff, parse, checks, Table)", ours_seconds, "s"),
        Row("read_csv_bytes / pandas.read_csv", ours_seconds / pandas_seconds, "x", "<= 2x"),
    ]
