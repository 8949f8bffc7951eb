"""Colours, fonts and the layout every Downhill figure shares.

Colours come from the Okabe–Ito palette, which stays distinguishable for the
common forms of colour blindness and on a classroom projector.
"""

from __future__ import annotations

#: Gradient descent: its line, loss marker and path.
DESCENT = "#D55E00"
#: The closed-form answer: its line and the optimum's loss.
CLOSED_FORM = "#0072B2"
#: The line the data were generated from.
TRUTH = "#009E73"
#: Data points.
DATA = "#8C8C8C"
#: Held-out loss.
TEST = "#CC79A7"
#: The optimum's marker, drawn with a dark outline.
OPTIMUM = "#F0E442"
#: Ink for text, outlines and neutral marks.
INK = "#222222"

#: One colour per run on the Compare page, in order.
RUN_COLORS = ("#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#000000")

#: One colour per pinned run on the Descent page, none of them the live run's or a line's
#: the views already draw (closed form, true line, test loss), and none darker than the
#: live run, which they are drawn under.
PIN_COLORS = ("#56B4E9", "#E69F00", "#8C8C8C")

#: Pale at the bottom of the bowl, so every path colour stays visible where paths end.
LANDSCAPE_COLORSCALE = [
    [0.0, "#ffffff"],
    [0.25, "#e1e8f2"],
    [0.6, "#a7bad4"],
    [1.0, "#5b7ba6"],
]

#: Learning-rate regimes (see :data:`core.verdict.VERDICT_REGIMES`): the player's rate strip
#: and the rate curve colour them alike; ``"unknown"`` is a rule without a closed-form limit.
REGIME_COLORS = {
    "smooth": "#009E73",
    "oscillates": "#E69F00",
    "diverges": "#D55E00",
    "unknown": "#888888",
}

FONT_FAMILY = "Inter, 'Segoe UI', Helvetica, Arial, sans-serif"
FONT_SIZE = 15
TITLE_SIZE = 17

#: Size of a point along a path (the player's paths too: see charts/views.py).
PATH_MARKER = 5


#: Legend inside the top right corner of a single plot, clear of its title.
LEGEND_INSIDE = {
    "orientation": "v",
    "yref": "paper",
    "y": 0.98,
    "yanchor": "top",
    "x": 0.98,
    "xanchor": "right",
    "bgcolor": "rgba(255,255,255,0.8)",
}


#: Legend under the plot, left-aligned: clear of the title, the data and Plotly's
#: toolbar, which sits over the top right corner of every chart.
LEGEND_BELOW = {
    "orientation": "h",
    "yref": "paper",
    "y": -0.2,
    "yanchor": "top",
    "x": 0.0,
    "xanchor": "left",
}

#: Bottom margin that leaves room for :data:`LEGEND_BELOW` under the axis title.
MARGIN_BELOW = {"l": 70, "r": 30, "t": 70, "b": 110}


def base_layout(height: int, **overrides) -> dict:
    """Layout settings shared by every figure: white template, large fonts, legend on top.

    Parameters
    ----------
    height : int
        Figure height in pixels.
    **overrides
        Layout properties that replace the defaults.

    Returns
    -------
    dict
        Keyword arguments for ``go.Figure.update_layout``.
    """
    layout = {
        "template": "plotly_white",
        "height": height,
        "font": {"family": FONT_FAMILY, "size": FONT_SIZE, "color": INK},
        "margin": {"l": 70, "r": 30, "t": 90, "b": 60},
        "legend": {
            "orientation": "h",
            "yref": "container",
            "y": 0.995,
            "yanchor": "top",
            # Left, away from the mode bar Plotly shows in the top right corner.
            "x": 0.0,
            "xanchor": "left",
            "font": {"size": FONT_SIZE},
        },
        "hoverlabel": {"font": {"size": FONT_SIZE}},
    }
    layout.update(overrides)
    return layout


def readable_text(fig) -> None:
    """Large subplot titles and axis text, set on each axis so a theme cannot shrink them.

    Streamlit's theme brings a template with its own axis font sizes, which
    would override the figure-wide font.
    """
    fig.update_annotations(font={"size": TITLE_SIZE})
    axis_text = {"tickfont": {"size": FONT_SIZE - 1}, "title": {"font": {"size": FONT_SIZE + 1}}}
    fig.update_xaxes(axis_text)
    fig.update_yaxes(axis_text)
