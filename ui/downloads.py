"""Download buttons: the per-epoch history, the run as JSON, and a script that reproduces it."""

from __future__ import annotations

from functools import partial

import streamlit as st

from core import Metrics, Run
from core.data import Dataset
from core.export import data_csv, history_csv, reproduction_script, run_json
from ui.compute import Problem

#: Above this many rows the script reads its data from a CSV offered beside it.
INLINE_ROWS = 5_000


def render(run: Run, problem: Problem, dataset: Dataset, metrics: dict[str, Metrics]) -> None:
    """Draw the download row for ``run``.

    Each file is made when its button is pressed, not on every rerun: the data
    file of a large table takes longer to write than the rest of the page.
    """
    names = problem.feature_names
    st.subheader("Take it with you")
    cols = st.columns(4)
    cols[0].download_button(
        "History (CSV)",
        partial(history_csv, run, names),
        file_name="downhill_history.csv",
        mime="text/csv",
        icon=":material/table:",
        on_click="ignore",
    )
    cols[1].download_button(
        "Run (JSON)",
        partial(
            run_json,
            run,
            feature_names=names,
            target_name=problem.target_name,
            closed_form=problem.fit,
            data_description=dataset.description,
            metrics={split: vars(m) for split, m in metrics.items()},
        ),
        file_name="downhill_run.json",
        mime="application/json",
        icon=":material/data_object:",
        on_click="ignore",
    )
    cols[2].download_button(
        "Reproducing script (.py)",
        partial(
            reproduction_script,
            run,
            problem.X,
            problem.y,
            feature_names=names,
            target_name=problem.target_name,
            data_note=dataset.description,
        ),
        file_name="downhill_run.py",
        mime="text/x-python",
        icon=":material/code:",
        on_click="ignore",
    )
    if len(problem.y) > INLINE_ROWS:
        cols[3].download_button(
            "Data for the script (CSV)",
            partial(data_csv, problem.X, problem.y, names, problem.target_name),
            file_name="downhill_data.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",
        )
        st.caption("The script reads downhill_data.csv from its own folder; save both together.")
