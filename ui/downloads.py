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
    files = [
        (
            "History (CSV)",
            partial(history_csv, run, names),
            "downhill_history.csv",
            "text/csv",
            ":material/table:",
        ),
        (
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
            "downhill_run.json",
            "application/json",
            ":material/data_object:",
        ),
        (
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
            "downhill_run.py",
            "text/x-python",
            ":material/code:",
        ),
    ]
    large = len(problem.y) > INLINE_ROWS
    if large:
        files.append(
            ("Data for the script (CSV)",
             partial(data_csv, problem.X, problem.y, names, problem.target_name),
             "downhill_data.csv", "text/csv", ":material/download:")
        )  # fmt: skip
    for column, (label, make, file_name, mime, icon) in zip(st.columns(4), files, strict=False):
        column.download_button(
            label, make, file_name=file_name, mime=mime, icon=icon, on_click="ignore"
        )
    if large:
        st.caption("The script reads downhill_data.csv from its own folder; save both together.")
