"""Live tweaking: the Descent page's rerun after a learning-rate change, against a bare page."""

from __future__ import annotations

import time
from pathlib import Path
from unittest import mock

from streamlit.runtime.scriptrunner.script_cache import ScriptCache
from streamlit.testing.v1 import AppTest

from benchmarks.report import Row
from tests.app.routing import NavigationPages

APP = str(Path(__file__).parents[1] / "app.py")

SUITE = "Rerun after a learning-rate change (AppTest through app.py, as a server runs it)"

#: The baseline: one slider and one Plotly chart of a single 100-point line.
BARE_PAGE = """
import numpy as np
import plotly.graph_objects as go
import streamlit as st
st.title("Bare page")
k = st.slider("k", 1, 10, 1, key="k")
x = np.arange(100)
st.plotly_chart(go.Figure(go.Scatter(x=x, y=np.sin(x / (4 * k)), mode="lines")), key="line")
"""
#: Reruns of each page, taking turns.
ROUNDS = 16
# All below this data's stable limit (2/λmax ≈ 0.029), so every run goes the full 300 epochs.
RATES = (0.001, 0.002, 0.003, 0.005, 0.007, 0.01, 0.015, 0.02)


def _rerun_seconds(at: AppTest, widget, value) -> float:
    """Seconds of one rerun after setting ``widget`` to ``value``."""
    widget(at).set_value(value)
    start = time.perf_counter()
    at.run()
    took = time.perf_counter() - start
    if at.exception or any("Something went wrong" in e.value for e in at.error):
        raise RuntimeError("the page failed during the benchmark")
    if widget(at).value != value:
        raise RuntimeError("the new setting did not reach the page")
    return took


def _rate(at: AppTest):
    return at.select_slider(key="rate_ladder")


def _best_interleaved(pages, rounds: int) -> list[float]:
    """Best rerun time of each ``(app, widget, values)`` in ``pages``, taking turns.

    Each round reruns every page once, so a machine that slows down or speeds up
    during the benchmark weighs on all of them alike.
    """
    best = [float("inf")] * len(pages)
    for i in range(rounds):
        for k, (at, widget, values) in enumerate(pages):
            best[k] = min(best[k], _rerun_seconds(at, widget, values[i % len(values)]))
    return best


def payload_bytes(at: AppTest) -> int:
    """Bytes of chart data the page sent in its last run: Plotly JSON and the player's data.

    The player's body goes out only when the browser lacks it: a first run sends it all.
    """
    charts = sum(len(chart.proto.spec) for chart in at.get("plotly_chart"))
    return charts + sum(len(player.proto.bytes) for player in at.get("bidi_component"))


def run() -> list[Row]:
    """Time both pages side by side and report the ratio and the chart payload.

    A server compiles each script once and keeps its bytecode for every rerun;
    AppTest compiles afresh on each run, so both pages get one kept cache here.
    """
    kept = ScriptCache()
    with (
        mock.patch("streamlit.testing.v1.app_test.PagesManager", NavigationPages),
        mock.patch("streamlit.testing.v1.app_test.ScriptCache", lambda: kept),
    ):
        return _measure()


def _measure() -> list[Row]:
    bare = AppTest.from_string(BARE_PAGE, default_timeout=120)
    bare.run()
    big = AppTest.from_file(APP, default_timeout=300)
    big.query_params.update({"data_source": "generate", "gen_rows": "100000"})
    big.run()
    default = AppTest.from_file(APP, default_timeout=300)
    default.run()
    first = payload_bytes(default)
    bare_time, default_time, page_time = _best_interleaved(
        [
            (bare, lambda at: at.slider(key="k"), (2, 3, 4, 5, 6, 7)),
            (default, _rate, (*RATES[1:], RATES[0])),
            (big, _rate, RATES),
        ],
        ROUNDS,
    )
    return [
        Row("bare page (one slider, one Plotly line)", bare_time, "s"),
        Row("Descent page, default data, new learning rate", default_time, "s"),
        Row("ratio", default_time / bare_time, "x", "<= 4x"),
        Row("Descent page, 100,000 generated rows, new learning rate", page_time, "s"),
        Row("ratio", page_time / bare_time, "x"),
        Row("chart payload (Plotly + player), default settings", first / 1e6, "MB", "< 2 MB"),
        Row("  then after a learning-rate change", payload_bytes(default) / 1e3, "kB"),
    ]
