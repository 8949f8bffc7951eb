"""View controls the pages share, and the Descent page's cached learning-rate strip."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import streamlit as st

from charts.rate import rate_strip_figure
from core import Spectrum


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


def rate_strip(spectrum: Spectrum, learning_rate: float) -> go.Figure:
    """The learning-rate strip, built once per spectrum and rate (about half of a rerun)."""
    return _rate_strip(spectrum.lambda_min, spectrum.lambda_max, spectrum, learning_rate)


# A resource: the figure is only read. Keyed on the extreme eigenvalues, which are all
# the strip is drawn from.
@st.cache_resource(max_entries=64, show_spinner=False)
def _rate_strip(low: float, high: float, _spectrum: Spectrum, rate: float) -> go.Figure:
    del low, high
    return rate_strip_figure(_spectrum, rate)
