"""The sidebar every page shares: data source, model and descent settings.

It is drawn by the router before the page runs, so its widgets (and their
values) persist when people switch pages. It only draws: the data is chosen
by :mod:`ui.data_choice`, the problem and runs are computed by :mod:`ui.compute`.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core import Spectrum
from core.data import BUNDLED, MAX_UPLOAD_BYTES, PRESETS, Dataset
from ui import compute, data_choice
from ui.compute import Problem
from ui.settings import OPTIMIZER_KEYS, SCHEDULE_KEYS, RunSettings, run_settings
from ui.specs import ProblemKey
from ui.state import UPLOAD_BYTES, UPLOAD_ERROR, UPLOAD_FILE
from ui.widgets import draw

REGIME_BADGES = {
    "smooth": ":green-badge[:material/check_circle: converges smoothly]",
    "oscillates": ":orange-badge[:material/swap_vert: oscillates, then converges]",
    "diverges": ":red-badge[:material/error: will diverge]",
}


@dataclass(frozen=True)
class Context:
    """What the pages need from the sidebar: the data, the problem and the run settings."""

    dataset: Dataset
    raw: bytes | None
    problem_key: ProblemKey
    problem: Problem
    settings: RunSettings

    @property
    def spectrum(self) -> Spectrum:
        """The spectrum of the space the descent runs in (standardized or raw)."""
        stab = self.problem.stability
        return stab.standardized if self.settings.standardize else stab.raw


def _on_upload() -> None:
    file = st.session_state.get(UPLOAD_FILE)
    if file is not None:
        data_choice.accept_upload(st.session_state, file.name, file.getvalue())


def _data_widgets() -> None:
    draw("data_source")
    source = st.session_state["data_source"]
    if source == "preset":
        draw("preset")
        st.caption(PRESETS[st.session_state["preset"]])
    elif source == "bundled":
        draw("bundled")
        st.caption(BUNDLED[st.session_state["bundled"]])
    elif source == "generate":
        left, right = st.columns(2)
        draw("gen_rows", left)
        draw("gen_features", right)
        draw("gen_coef")
        left, right = st.columns(2)
        for i, name in enumerate(
            ("gen_intercept", "gen_noise", "gen_x_min", "gen_x_max", "gen_outliers", "gen_seed")
        ):
            draw(name, (left, right)[i % 2])
    else:
        limit = MAX_UPLOAD_BYTES // 2**20  # Streamlit's MB are 1024 × 1024 bytes
        st.file_uploader(
            f"CSV file (up to {limit} MB)",
            type=["csv", "txt", "tsv"],
            key=UPLOAD_FILE,
            on_change=_on_upload,
            help="Comma, semicolon, tab or space separated; a header row is optional.",
        )
        if st.session_state.get(UPLOAD_BYTES) is None:
            st.info("Upload a CSV to fit it. Until then the default example is shown.")
    error = st.session_state.get(UPLOAD_ERROR)
    if error and source == "upload":
        st.error(error, icon=":material/error:")


def _column_widgets(dataset: Dataset) -> tuple[str, tuple[str, ...]]:
    columns = dataset.table.columns
    s = st.session_state
    if s["target"] not in columns:
        s["target"] = dataset.target
    candidates = [c for c in columns if c != s["target"]]
    chosen = [c for c in (s["features"] or []) if c in candidates]
    if not chosen:
        chosen = [c for c in dataset.features if c in candidates] or candidates[:1]
    s["features"] = chosen
    target = draw("target", options=columns)
    candidates = [c for c in columns if c != target]
    picked = [c for c in draw("features", options=candidates) if c != target]
    if not picked:
        st.warning("Pick at least one feature; using the first one meanwhile.")
        picked = candidates[:1]
    table = dataset.table
    notes = []
    if table.dropped_rows:
        notes.append(f"{table.dropped_rows:,} rows dropped for missing values")
    if table.skipped_columns:
        notes.append("not numeric, left out: " + ", ".join(table.skipped_columns))
    st.caption(f"{table.n_rows:,} rows" + ("; " + "; ".join(notes) if notes else "") + ".")
    return target, tuple(picked)


def _model_widgets() -> None:
    for name in ("fit_intercept", "standardize", "loss", "l2", "test_fraction"):
        draw(name)


def _descent_widgets(n_rows: int) -> None:
    s = st.session_state
    draw("optimizer")
    keys = OPTIMIZER_KEYS[s["optimizer"]]
    if keys:
        for column, key in zip(st.columns(len(keys)), keys, strict=True):
            draw(key, column)
    draw("learning_rate")
    draw("epochs")
    draw("batch_mode")
    if s["batch_mode"] == "mini":
        s["batch_size"] = min(s["batch_size"], n_rows)
        draw("batch_size", max_value=max(1, n_rows))
    if s["batch_mode"] != "full":
        draw("shuffle")
    draw("schedule")
    parameters = tuple(SCHEDULE_KEYS[s["schedule"]])
    if parameters:
        for column, key in zip(st.columns(len(parameters)), parameters, strict=True):
            draw(key, column)
    with st.expander("Start and stop"):
        draw("tol")
        if s["tol"] > 0 and s["batch_mode"] != "full":
            draw("tol_on")
        left, right = st.columns(2)
        draw("init_weight", left)
        draw("init_bias", right)
        draw("seed")


def rate_badge(spectrum: Spectrum, learning_rate: float, optimizer: str) -> str:
    """Markdown: what this rate does, said before anything runs."""
    regime = spectrum.regime(learning_rate)
    note = "" if optimizer == "gd" else " (for plain gradient descent)"
    return (
        f"{REGIME_BADGES[regime]}{note}  \n"
        f"Stable below 2/λmax = **{spectrum.max_stable_lr:.3g}** · "
        f"best 2/(λmin+λmax) = **{spectrum.best_lr:.3g}**"
    )


def render() -> Context:
    """Draw the sidebar and return the chosen data, problem and run settings."""
    s = st.session_state
    with st.sidebar:
        st.header("Data", divider="gray")
        _data_widgets()
        chosen = data_choice.choose(s)
        if chosen.problem:
            st.error(chosen.problem, icon=":material/error:")
        target, features = _column_widgets(chosen.dataset)
        st.header("Model", divider="gray")
        _model_widgets()
        key = ProblemKey(
            data=chosen.spec,
            target=target,
            features=features,
            test_fraction=float(s["test_fraction"]),
            fit_intercept=bool(s["fit_intercept"]),
            l2=float(s["l2"]),
            loss=s["loss"],
        )
        prob = compute.problem(key, chosen.raw)
        st.header("Descent", divider="gray")
        _descent_widgets(len(prob.y))
        settings = run_settings(s, len(prob.y))
        context = Context(chosen.dataset, chosen.raw, key, prob, settings)
        st.markdown(rate_badge(context.spectrum, settings.learning_rate, settings.optimizer))
    return context
