"""The Descent page's rate curve: the player's sweep of the ladder, one point per rate.

Choosing a point sets the sidebar's rate. The chart's key carries the rate it was
drawn for, so each new rate draws a fresh chart with nothing selected, and choosing
the same point again (after the rate moved elsewhere) is a new choice.
"""

from __future__ import annotations

import functools

import streamlit as st

from charts.labels import gap_title
from charts.rate_curve import NOISE_SHARE, RateMarks, rate_curve_figure
from core import words
from core.advice import ARRIVED
from core.settings import Settings
from ui import player
from ui.settings import SCHEMA

#: Prefix of the chart's key (the rate it was drawn for follows).
KEY = "rate_curve"


def chart_key(rate: float) -> str:
    """The chart's widget key when the sidebar holds ``rate``."""
    return f"{KEY}:{rate!r}"


def _use_point(key: str) -> None:
    """Set the sidebar's rate to the chosen point's rate (only a point of a run has one)."""
    points = st.session_state[key].selection.points
    rates = [p.get("customdata") for p in points if p.get("customdata") is not None]
    if not rates:
        return
    rate = rates[0][0] if isinstance(rates[0], list) else rates[0]
    try:
        st.session_state["learning_rate"] = SCHEMA["learning_rate"].check(rate)
    except (TypeError, ValueError):
        return  # not a rate: nothing the browser sends may change the settings


def render(ctx, settings: Settings, pins: int = 0) -> None:
    """Draw the rate curve of the ladder the player holds (beside ``pins`` pinned runs), and
    say what it shows."""
    runs, _ = player.runs_for(ctx, settings, pins)
    loss = ctx.problem.loss
    marks = RateMarks(
        current=settings.learning_rate,
        best=ctx.spectrum.best_lr if settings.optimizer == "gd" else None,
        gap_title=gap_title(loss.l2, loss.convention),
    )
    rates = [run.settings.learning_rate for run in runs]
    strip = player.rate_strip(ctx.spectrum, settings, runs)
    figure = rate_curve_figure(runs, rates, float(ctx.problem.fit.loss), strip, marks)
    key = chart_key(settings.learning_rate)
    st.plotly_chart(
        figure,
        key=key,
        on_select=functools.partial(_use_point, key),
        selection_mode="points",
    )
    noise = (
        f" Grey band: each mini-batch run's lowest to highest gap over its last "
        f"{NOISE_SHARE:.0%} of epochs (the noise its batches leave)."
        if settings.batch_size is not None
        else ""
    )
    held = (
        f"one of the {len(runs)} rates the player holds (η {rates[0]:g} to {rates[-1]:g})"
        if len(runs) > 1
        else f"η = {rates[0]:g}, the one rate the server's budget lets the player hold for these "
        "settings (fewer epochs or larger batches let it hold more)"
    )
    st.caption(
        f"Each point is the run at {held}, after at most {words.epochs(settings.epochs)}: its "
        f"final gap to the optimum's loss, coloured as on the rate strip, and below, the epoch "
        f"from which it stayed within {ARRIVED:.0%} of it. Rates whose run blew up are marked "
        f"'diverged' along the top.{noise} Click a point to use its rate."
    )
