"""A page that shows every tricky name through the app's text helpers, for the browser to read.

Run by ``tests/browser/test_escaping.py`` with ``streamlit run``. Each name gets a container
keyed ``probe_<key>`` holding it in Markdown, a caption, an alert, a widget label, a metric
label, a table and a Markdown table (``ui.tables.markdown_table``), each with the name as
row label and cell, all through ``ui.text.md_text``. One Plotly chart
carries every name (``charts.text.plotly_text``) as an annotation, a legend entry and a
hover template, and titles its axes with three of them; a 3D scene titles its axes with
``charts.text.scene_text``.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from charts.text import plotly_text, scene_text
from tests.hostile_names import HOSTILE, MORE
from ui.tables import Grid, markdown_table
from ui.text import md_text

#: Every name but the long one, which the app's own test reads (here it would only be tall).
NAMES = {key: name for key, name in {**HOSTILE, **MORE}.items() if key != "long"}


def whole(name: str) -> str:
    return plotly_text(name, limit=None)


st.title("Probe")
for key, name in NAMES.items():
    shown = md_text(name)
    with st.container(key=f"probe_{key}"):
        st.markdown(f"**{key}**: {shown}")
        st.caption(shown)
        st.error(shown)
        st.number_input(shown, key=f"input_{key}")
        st.metric(shown, 1)
        st.table(pd.DataFrame({"value": [shown]}, index=[shown]))
        st.markdown(markdown_table(Grid(("value",), ((shown, (shown,)),))))

figure = go.Figure(
    [
        go.Scatter(
            x=[i], y=[i], name=whole(name), hovertemplate=f"{whole(name)}: %{{x}}<extra></extra>"
        )
        for i, name in enumerate(NAMES.values())
    ]
)
figure.update_layout(
    title={"text": whole(HOSTILE["anchor"])},
    xaxis={"title": {"text": whole(HOSTILE["katex"])}},
    yaxis={"title": {"text": whole(MORE["template"])}},
    annotations=[
        {"text": whole(name), "x": i, "y": i, "showarrow": False, "yshift": 12}
        for i, name in enumerate(NAMES.values())
    ],
    height=1100,
    hovermode="closest",
)
st.plotly_chart(figure, key="probe_chart")
scene = go.Figure(go.Scatter3d(x=[0, 1], y=[0, 1], z=[0, 1]))
titled = {"xaxis": MORE["html_break"], "yaxis": HOSTILE["anchor"], "zaxis": MORE["entities"]}
scene.update_layout(
    scene={axis: {"title": {"text": scene_text(name, limit=None)}} for axis, name in titled.items()}
)
st.plotly_chart(scene, key="probe_scene")
