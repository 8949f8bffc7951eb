"""Where a learning rate sits among the rates the data allow: a strip on a log axis."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from charts import style
from charts.labels import joined, value
from core import Spectrum

#: The learning-rate axis spans at least this range (widened to show every mark).
AXIS_SPAN = (1e-6, 10.0)
#: Height of the strip in pixels.
HEIGHT = 210

_ZONE_FILL = {name: color + "55" for name, color in style.REGIME_COLORS.items()}


def rate_strip_figure(spectrum: Spectrum, learning_rate: float) -> go.Figure:
    """A horizontal strip of learning rates coloured by what plain gradient descent does.

    Zones (see :meth:`core.Spectrum.regime`): *smooth* below
    :math:`1/\\lambda_{\\max}`, *oscillates* up to :math:`2/\\lambda_{\\max}`,
    *diverges* from there. Dashed marks show the best constant rate
    :math:`2/(\\lambda_{\\min}+\\lambda_{\\max})` and the limit
    :math:`2/\\lambda_{\\max}` with their values; a marker shows the chosen rate.
    When the loss has no curvature (``max_stable_lr`` is infinite) every rate
    is smooth and there are no marks.

    Parameters
    ----------
    spectrum : Spectrum
        Of the loss in the coordinates the descent runs in.
    learning_rate : float
        The chosen rate, > 0.

    Returns
    -------
    go.Figure
        Traces, in order: one filled zone per regime present ("smooth",
        "oscillates", "diverges"; ``x`` holds the zone's corners, the legend
        names them), the best-rate and limit marks (when finite), and last the
        chosen rate.

    Raises
    ------
    ValueError
        If ``learning_rate`` is not a positive finite number.
    """
    if not (math.isfinite(learning_rate) and learning_rate > 0):
        raise ValueError(f"learning_rate must be a positive finite number; got {learning_rate}.")
    limit = spectrum.max_stable_lr
    marks = [m for m in (spectrum.best_lr, limit) if math.isfinite(m) and m > 0]
    # A decade either side leaves room for the labels beside the marks.
    low = min(AXIS_SPAN[0], *(m / 10 for m in [*marks, learning_rate]))
    high = max(AXIS_SPAN[1], *(m * 10 for m in [*marks, learning_rate]))
    if math.isfinite(limit):
        bounds = {"smooth": (low, limit / 2), "oscillates": (limit / 2, limit)}
        bounds["diverges"] = (limit, high)
    else:
        bounds = {"smooth": (low, high)}

    fig = go.Figure([_zone(name, *span) for name, span in bounds.items()])
    if math.isfinite(limit):
        fig.add_trace(_mark(spectrum.best_lr, "best", "top left"))
        fig.add_trace(_mark(limit, "limit", "top right"))
    regime = spectrum.regime(learning_rate)
    flat = "" if math.isfinite(limit) else "no curvature: every rate is stable"
    fig.add_trace(
        go.Scatter(
            x=[learning_rate, learning_rate],
            y=[-0.05, 1.05],
            mode="lines+markers+text",
            line={"color": style.INK, "width": 3},
            marker={"symbol": ["triangle-up", "triangle-down"], "size": 14, "color": style.INK},
            text=[f"your rate {value(learning_rate)}", ""],
            textposition="bottom center",
            name="your rate",
            showlegend=False,
            hovertemplate=f"your rate {value(learning_rate)}: {regime}<extra></extra>",
        )
    )
    fig.update_layout(
        style.base_layout(HEIGHT, margin={"l": 20, "r": 20, "t": 50, "b": 45}),
        title={"text": joined(f"Learning rate: {regime}", flat), "x": 0.01, "y": 0.97},
        legend={"x": 1.0, "xanchor": "right", "y": 0.995, "orientation": "h"},
        xaxis={
            "type": "log",
            "range": [math.log10(low), math.log10(high)],
            "dtick": 1,
            "exponentformat": "power",
            "title": {"text": "learning rate (log scale)"},
            "showgrid": False,
        },
        yaxis={"range": [-0.75, 1.75], "visible": False, "fixedrange": True},
    )
    style.readable_text(fig)
    return fig


def _zone(name: str, start: float, end: float) -> go.Scatter:
    return go.Scatter(
        x=[start, end, end, start, start],
        y=[0, 0, 1, 1, 0],
        mode="lines",
        fill="toself",
        fillcolor=_ZONE_FILL[name],
        line={"width": 0},
        name=name,
        hoveron="fills",
        hoverinfo="name",
    )


def _mark(rate: float, label: str, position: str) -> go.Scatter:
    text = f"{label} {value(rate)}"
    # Non-breaking spaces keep the labels either side of coinciding marks apart.
    padded = f"{text}\u00a0" if position.endswith("left") else f"\u00a0{text}"
    return go.Scatter(
        x=[rate, rate],
        y=[0, 1],
        mode="lines+text",
        line={"color": style.INK, "width": 1.5, "dash": "dash"},
        text=["", padded],
        textposition=position,
        name=text,
        showlegend=False,
        hovertemplate=f"{text}<extra></extra>",
    )
