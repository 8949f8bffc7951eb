"""The sidebar every page shares: data source, model and descent settings.

It is drawn by ``app.py`` before the page runs, so its widgets (and their
values) persist when people switch pages.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from core import Spectrum
from core.data import BUNDLED, MAX_UPLOAD_BYTES, PRESETS, DataError, Dataset
from ui import compute
from ui.settings import (
    BATCH_MODES,
    DATA_SOURCES,
    LEARNING_RATES,
    OPTIMIZER_KEYS,
    OPTIMIZER_LABELS,
    SCHEDULE_LABELS,
    parse_coefficients,
    run_settings,
)
from ui.state import UPLOAD_BYTES, UPLOAD_ERROR, UPLOAD_NAME

SOURCE_LABELS = {
    "preset": "Example (preset)",
    "generate": "Generate my own",
    "bundled": "Real dataset",
    "upload": "Upload a CSV",
}
BATCH_LABELS = {"full": "Full batch", "mini": "Mini-batch", "stochastic": "Stochastic (1 row)"}
HYPER_LABELS = {
    "beta": "Momentum β",
    "beta1": "β₁ (first moment)",
    "beta2": "β₂ (second moment)",
    "rho": "Decay ρ",
}
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
    problem_key: tuple
    problem: compute.Problem
    settings: dict

    @property
    def spectrum(self) -> Spectrum:
        """The spectrum of the space the descent runs in (standardized or raw)."""
        stab = self.problem.stability
        return stab.standardized if self.settings["standardize"] else stab.raw


def _on_upload() -> None:
    """Parse a new upload; keep the previous data and say why when it is refused."""
    file = st.session_state.get("upload_file")
    if file is None:
        return
    raw = file.getvalue()
    try:
        compute.parse_upload(raw)
    except DataError as error:
        st.session_state[UPLOAD_ERROR] = f"{file.name}: {error}"
        return
    st.session_state[UPLOAD_BYTES] = raw
    st.session_state[UPLOAD_NAME] = file.name
    st.session_state[UPLOAD_ERROR] = None
    st.session_state["target"] = None
    st.session_state["features"] = None


def _data_spec() -> tuple[tuple, bytes | None]:
    """The chosen data as a hashable spec, plus the uploaded bytes when it is an upload."""
    source = st.session_state["data_source"]
    if source == "upload":
        raw = st.session_state.get(UPLOAD_BYTES)
        if raw is not None:
            name = st.session_state.get(UPLOAD_NAME, "upload.csv")
            return ("upload", compute.digest(raw), name), raw
        source = "preset"
    if source == "preset":
        return ("preset", st.session_state["preset"]), None
    if source == "bundled":
        return ("bundled", st.session_state["bundled"]), None
    s = st.session_state
    coef = parse_coefficients(s["gen_coef"], s["gen_features"])
    x_min, x_max = sorted((float(s["gen_x_min"]), float(s["gen_x_max"])))
    if x_min == x_max:
        x_max = x_min + 1.0
    spec = (
        "generate",
        int(s["gen_rows"]),
        int(s["gen_features"]),
        coef,
        float(s["gen_intercept"]),
        float(s["gen_noise"]),
        x_min,
        x_max,
        float(s["gen_outliers"]),
        int(s["gen_seed"]),
    )
    return spec, None


def _data_widgets() -> None:
    st.selectbox("Data", DATA_SOURCES, key="data_source", format_func=SOURCE_LABELS.__getitem__)
    source = st.session_state["data_source"]
    if source == "preset":
        st.selectbox(
            "Example",
            tuple(PRESETS),
            key="preset",
            help=None,
            format_func=lambda k: k.replace("_", " ").capitalize(),
        )
        st.caption(PRESETS[st.session_state["preset"]])
    elif source == "bundled":
        st.selectbox("Dataset", tuple(BUNDLED), key="bundled")
        st.caption(BUNDLED[st.session_state["bundled"]])
    elif source == "generate":
        left, right = st.columns(2)
        left.number_input("Rows", 3, 1_000_000, key="gen_rows", step=100)
        right.number_input("Features", 1, 5, key="gen_features")
        st.text_input("True coefficients", key="gen_coef", help="One per feature, e.g. 2, -1.5")
        left, right = st.columns(2)
        left.number_input("True intercept", -1e6, 1e6, key="gen_intercept")
        right.number_input("Noise σ", 0.0, 1e6, key="gen_noise")
        left.number_input("x from", -1e6, 1e6, key="gen_x_min")
        right.number_input("x to", -1e6, 1e6, key="gen_x_max")
        left.number_input("Outlier share", 0.0, 0.5, key="gen_outliers", step=0.05)
        right.number_input("Data seed", 0, 2**31 - 1, key="gen_seed")
    else:
        limit = MAX_UPLOAD_BYTES // 2**20  # Streamlit's MB are 1024 × 1024 bytes
        st.file_uploader(
            f"CSV file (up to {limit} MB)",
            type=["csv", "txt", "tsv"],
            key="upload_file",
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
    target = s["target"]
    candidates = [c for c in columns if c != target]
    chosen = [c for c in (s["features"] or []) if c in candidates]
    if not chosen:
        chosen = [c for c in dataset.features if c in candidates] or candidates[:1]
    s["features"] = chosen
    target = st.selectbox("Target (y)", columns, key="target")
    candidates = [c for c in columns if c != target]
    picked = [c for c in st.multiselect("Features (x)", candidates, key="features") if c != target]
    if not picked:
        st.warning("Pick at least one feature; using the first one meanwhile.")
        picked = candidates[:1]
    table = dataset.table
    notes = []
    if table.dropped_rows:
        notes.append(f"{table.dropped_rows:,} rows dropped for missing values")
    if table.skipped_columns:
        notes.append("not numeric, left out: " + ", ".join(table.skipped_columns))
    st.caption(f"{table.n_rows:,} rows" + ("; " + "; ".join(notes) if notes else ""))
    return target, tuple(picked)


def _model_widgets() -> None:
    st.toggle("Fit intercept (b)", key="fit_intercept")
    st.toggle(
        "Standardize features",
        key="standardize",
        help="Descend on z-scored features; results are shown in original units.",
    )
    st.number_input("L2 strength λ₂", 0.0, 1e6, key="l2", step=0.01, format="%.4g")
    st.slider("Test share", 0.0, 0.5, key="test_fraction", step=0.05)


def _descent_widgets(n_rows: int) -> None:
    s = st.session_state
    st.selectbox(
        "Update rule",
        tuple(OPTIMIZER_LABELS),
        key="optimizer",
        format_func=OPTIMIZER_LABELS.__getitem__,
    )
    keys = OPTIMIZER_KEYS[s["optimizer"]]
    if keys:
        columns = st.columns(len(keys))
        for column, key in zip(columns, keys, strict=True):
            column.number_input(HYPER_LABELS[key], 0.0, 0.99999, key=key, format="%.4g")
    st.select_slider(
        "Learning rate η",
        options=LEARNING_RATES,
        key="learning_rate",
        format_func=lambda v: f"{v:g}",
    )
    st.number_input("Epochs", 1, 100_000, key="epochs", step=50)
    st.radio(
        "Batch",
        BATCH_MODES,
        key="batch_mode",
        horizontal=True,
        format_func=BATCH_LABELS.__getitem__,
    )
    if s["batch_mode"] == "mini":
        st.number_input("Batch size", 1, max(1, n_rows), key="batch_size")
        if s["batch_size"] > n_rows:
            s["batch_size"] = n_rows
    st.selectbox(
        "Schedule", tuple(SCHEDULE_LABELS), key="schedule", format_func=SCHEDULE_LABELS.__getitem__
    )
    schedule = s["schedule"]
    if schedule == "step":
        left, right = st.columns(2)
        left.number_input("Drop ×", 0.01, 1.0, key="step_drop")
        right.number_input("Every (epochs)", 1, 100_000, key="step_every")
    elif schedule == "exponential":
        st.number_input("γ per epoch", 0.5, 1.0, key="gamma", format="%.4g")
    elif schedule == "inverse_time":
        st.number_input("Decay k", 0.0, 100.0, key="decay", format="%.4g")
    elif schedule == "cosine":
        st.number_input("Final rate", 0.0, 10.0, key="min_lr", format="%.4g")
    with st.expander("Start and stop"):
        st.number_input("Tolerance (0 = run every epoch)", 0.0, 1e6, key="tol", format="%.2e")
        left, right = st.columns(2)
        left.number_input("Initial weights", -1e6, 1e6, key="init_weight")
        right.number_input("Initial bias", -1e6, 1e6, key="init_bias")
        st.number_input("Shuffle seed", 0, 2**31 - 1, key="seed")


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
    with st.sidebar:
        st.header("Data", divider="gray")
        _data_widgets()
        try:
            spec, raw = _data_spec()
        except ValueError as error:
            st.error(str(error), icon=":material/error:")
            spec, raw = ("preset", st.session_state["preset"]), None
        try:
            dataset = compute.load_dataset(spec, raw)
        except ValueError as error:
            st.error(str(error), icon=":material/error:")
            spec, raw = ("preset", st.session_state["preset"]), None
            dataset = compute.load_dataset(spec, raw)
        target, features = _column_widgets(dataset)
        st.header("Model", divider="gray")
        _model_widgets()
        s = st.session_state
        problem_key = (
            spec,
            target,
            features,
            float(s["test_fraction"]),
            bool(s["fit_intercept"]),
            float(s["l2"]),
        )
        prob = compute.problem(problem_key, raw)
        st.header("Descent", divider="gray")
        _descent_widgets(len(prob.y))
        settings = run_settings(s, len(prob.y))
        context = Context(dataset, raw, problem_key, prob, settings)
        st.markdown(rate_badge(context.spectrum, settings["learning_rate"], settings["optimizer"]))
    return context
