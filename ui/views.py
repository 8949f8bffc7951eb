"""View controls the pages share, and the Descent page's cached playback figure."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

from charts.playback import playback_figure
from ui import compute, tables
from ui.settings import RunSettings
from ui.specs import ProblemKey


def axes_picker(
    names: Sequence[str],
    places: Sequence,
    *,
    key: str,
    labels: tuple[str, str] = ("Surface x-axis", "Surface y-axis"),
) -> tuple[int, int] | None:
    """Two selectboxes choosing the parameters a surface is drawn over.

    Their keys carry the parameter names, so new data starts them afresh
    instead of showing the previous data's names. Returns None (and says why)
    when the same parameter is picked twice.
    """
    suffix = "|".join(names)
    first = places[0].selectbox(
        labels[0],
        range(len(names)),
        key=f"{key}_u:{suffix}",
        format_func=names.__getitem__,
        index=0,
    )
    second = places[1].selectbox(
        labels[1],
        range(len(names)),
        key=f"{key}_v:{suffix}",
        format_func=names.__getitem__,
        index=len(names) - 1,
    )
    if first == second:
        places[1].caption("Pick two different parameters.")
        return None
    return first, second


def playback(
    problem_key: ProblemKey,
    raw: bytes | None,
    settings: RunSettings,
    *,
    axes: tuple[int, int] | None,
    feature: int,
    log_loss: bool,
) -> go.Figure:
    """The Descent page's playback figure, built once per run and view.

    Reruns that change neither (a prediction typed, a table opened) reuse it.
    """
    return _playback(problem_key, raw, settings, axes, feature, log_loss)


# A resource, not data: the figure is only read afterwards, and unpickling a copy on
# every rerun would cost about what building it does. Keys carry the data's digest.
@st.cache_resource(max_entries=16, show_spinner=False)
def _playback(problem_key, _raw, settings, axes, feature, log_loss) -> go.Figure:
    problem = compute.problem(problem_key, _raw)
    run = compute.run_descent(problem_key, _raw, settings)
    return playback_figure(
        run,
        problem.fit,
        problem.loss,
        problem.X,
        problem.y,
        feature_names=problem.feature_names,
        target_name=problem.target_name,
        axes=axes,
        feature=feature,
        test_loss=tables.test_loss_curve(run, problem),
        log_loss=log_loss,
        true_coef=problem.true_coef,
        true_intercept=problem.true_intercept,
    )
