"""The player's views as Plotly JSON, declared once: traces, styles, layouts.

The player (``ui/player``) draws each view with ``Plotly.react`` from the spec built
here, ``{"data": [...], "layout": {...}}``, and afterwards only moves its moving traces,
which it finds by their ``uid``, never by their position:

- ``path-<i>``: the path of the i-th run shown, on the map or the surface; its marker
  ``size`` is a dot's, its ``meta.current`` the size of the dot at the shown epoch;
- ``marks``: the loss of each run shown at the shown epoch;
- ``line``: the model's line in the fit view.

Pinned runs (``pin-<i>``) are static: drawn whole with the spec, never moved.

A spec's moving traces hold no points; a run's own parts of a view that change with the
run shown (the Descent page's loss curve and axes) come with the run as a *patch*,
``{"data": {uid: properties}, "layout": {...}}``, merged into the spec.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import NamedTuple, TypedDict

import numpy as np

from charts import style
from charts.landscape import Landscape
from charts.ranges import padded_range
from charts.tracks import rounded

#: Sizes of a path's dots, and of the dot at the shown epoch (2D, 3D).
PATH_DOT = {False: style.PATH_MARKER, True: style.PATH_MARKER - 1}
PATH_CURRENT = {False: 13, True: 8}
#: Said after a landscape's title when parameters not drawn are held at the optimum.
HELD = " · others at the optimum"
#: The closed-form loss as a dashed line on a loss chart.
CLOSED_FORM_LINE = {"color": style.CLOSED_FORM, "width": 2, "dash": "dash"}
#: A pinned run's lines: dash-dotted (the closed form is dashed, the true line dotted),
#: faint and thinner than the live run's, and drawn under it (:func:`under`); listed after
#: the view's own entries in its legend.
PIN_DASH = "dashdot"
PIN_OPACITY = 0.7
PIN_LEGEND_RANK = 2000


class ViewSpec(TypedDict):
    """One view: Plotly's ``data`` (moving traces with a ``uid``) and ``layout``."""

    data: list[dict]
    layout: dict


class Look(NamedTuple):
    """How a run's path looks: its name (as Plotly text) and colour."""

    name: str
    color: str


def layout(title: str, height: int, **more) -> dict:
    """What every view's layout shares: title, height, fonts, margins, legend below."""
    return {
        "title": {"text": title, "x": 0.02, "font": {"size": style.FONT_SIZE + 1}},
        "height": height,
        "autosize": True,
        "font": {"family": style.FONT_FAMILY, "size": style.FONT_SIZE - 1, "color": style.INK},
        "margin": {"l": 64, "r": 16, "t": 48, "b": 100},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.3, "x": 0, "yanchor": "top"},
        "hoverlabel": {"font": {"size": 14}},
        **more,
    }


def path_trace(i: int, look: Look, scene: bool) -> dict:
    """The moving path ``path-<i>`` on the map (``scene`` False) or the surface, empty."""
    trace = {
        "type": "scatter3d" if scene else "scatter",
        "uid": f"path-{i}",
        "mode": "lines+markers",
        "x": [],
        "y": [],
        "name": look.name,
        "showlegend": False,
        "line": {"color": look.color, "width": 6 if scene else 3},
        "marker": {
            "color": look.color,
            "opacity": 1,
            "size": PATH_DOT[scene],
            "line": {"width": 0},
        },
        "meta": {"current": PATH_CURRENT[scene]},
        "hovertemplate": f"{look.name}<br>epoch %{{customdata:.4~f}}<br>%{{x:.4g}}, %{{y:.4g}}"
        "<extra></extra>",
        "customdata": [],
    }
    if scene:
        trace["z"] = []
    else:
        # An arrow where the path leaves the map points along its last step.
        trace["marker"]["angleref"] = "previous"
    return trace


def pin_trace(i: int, look: Look, points: dict) -> dict:
    """Pinned run ``i``'s static line through ``points`` (``x``, ``y``, and ``z`` on the
    surface): its path, its loss curve or its final fit line, with its legend entry."""
    scene = "z" in points
    return {
        "type": "scatter3d" if scene else "scatter",
        "uid": f"pin-{i}",
        "mode": "lines",
        **points,
        "name": look.name,
        "legendrank": PIN_LEGEND_RANK + i,
        "opacity": PIN_OPACITY,
        "line": {"color": look.color, "width": 4 if scene else 2, "dash": PIN_DASH},
        "hovertemplate": f"{look.name}<br>%{{x:.4g}}, %{{y:.4g}}<extra></extra>",
    }


#: Room under a flat view's plot for its tick labels and axis title, and for each entry of
#: a legend listed one entry a row (px).
AXIS_ROOM = 60
LEGEND_ROW = 24


def room_for_legend(view: dict) -> None:
    """Give the legend of ``view`` with pinned runs its own rows under the axis title.

    A legend placed a share of the plot's height below it rises into the axis title when
    pins add entries (the plot shrinks to make room for them), and how many entries share
    a row depends on the screen's width. Listed one entry a row at the bottom of the
    figure, over a margin that holds them, it stays clear of the title on any screen,
    and the figure grows by what the margin grew, so the plot keeps its size.
    """
    data = view["data"]
    if not any(str(trace.get("uid", "")).startswith("pin-") for trace in data):
        return
    entries = sum(trace.get("showlegend", True) is not False for trace in data)
    layout_ = view["layout"]
    margin = layout_["margin"]
    room = LEGEND_ROW * entries + (0 if "scene" in layout_ else AXIS_ROOM)
    grown = max(0, room - margin["b"])
    legend = {"orientation": "v", "y": 0, "yref": "container", "yanchor": "bottom"}
    layout_["legend"] = {**layout_["legend"], **legend}
    layout_["margin"] = {**margin, "b": margin["b"] + grown}
    layout_["height"] += grown


def under(data: list[dict], uid: str, traces: Sequence[dict]) -> None:
    """Put ``traces`` into ``data`` just before the trace ``uid``: drawn under it."""
    at = next(i for i, trace in enumerate(data) if trace.get("uid") == uid)
    data[at:at] = traces


def marks_trace(colors: list[str], size: int, hovertemplate: str) -> dict:
    """The moving ``marks``: each shown run's loss at the shown epoch, a ringed dot."""
    return {
        "type": "scatter",
        "uid": "marks",
        "mode": "markers",
        "x": [],
        "y": [],
        "name": "shown epoch",
        "showlegend": False,
        "marker": {"color": colors, "size": size, "line": {"width": 2, "color": style.INK}},
        "hovertemplate": hovertemplate,
    }


def closed_form_loss(optimum: float | None, x: list) -> dict:
    """The closed-form loss over ``x`` (hidden when ``optimum`` is None: the log gap axis)."""
    return {
        "type": "scatter",
        "uid": "closed-form",
        "mode": "lines",
        "x": x,
        "y": [optimum, optimum],
        "name": "closed-form loss",
        "visible": optimum is not None,
        "line": CLOSED_FORM_LINE,
        "hovertemplate": "closed-form loss: %{y:.4g}<extra></extra>",
    }


class Axes(NamedTuple):
    """A landscape's axis titles: parameters as Plotly text, as 3D titles, and the loss."""

    params: list[str]
    scene: list[str]
    loss: str


class Surface(TypedDict):
    """What the browser reads of the landscape: a plane or a curve, the optimum's place, and
    the content ``key`` of its views (their spec changes, they are drawn anew)."""

    plane: bool
    optimum: list
    key: str


def landscape_views(
    ls: Landscape, axes: Axes, looks: list[Look], held: bool, pins: Sequence[tuple] = ()
) -> tuple[Surface, dict]:
    """The contour ``map`` (a curve for one parameter) and, for a plane, the 3D ``surface``,
    with an empty path per look; ``held`` says the other parameters sit at the optimum.

    ``pins`` are pinned runs as ``(look, path)``, each path (``x``, ``y``, ``z``) as
    :func:`charts.tracks.track` draws it on ``ls``: drawn whole and static.

    Returns the landscape as the browser reads it and the views' specs (:class:`ViewSpec`).
    """
    views = _landscape_views(ls, axes, looks, held)
    camera = _content_key(views)
    for view, drawn in (("map", ("x", "y")), ("surface", ("x", "y", "z"))):
        if view == "map" or ls.is_plane:
            lines = [
                pin_trace(i, look, {a: path[a] for a in drawn})
                for i, (look, path) in enumerate(pins)
            ]
            under(views[view]["data"], "path-0", lines)
    for view in views.values():
        room_for_legend(view)
    key = _content_key(views)
    if ls.is_plane:
        # The camera a person turned stays while the surface does (pinning keeps it too).
        views["surface"]["layout"]["uirevision"] = camera
    at = ls.optimum()
    return {"plane": ls.is_plane, "optimum": rounded([at.x[0], at.y[0]]), "key": key}, views


def _content_key(views: dict) -> str:
    return hashlib.sha1(json.dumps(views).encode()).hexdigest()[:16]


def _landscape_views(ls: Landscape, axes: Axes, looks: list[Look], held: bool) -> dict:
    x_span, y_span, z_span = ls.spans
    u = rounded(ls.u, x_span)
    at = ls.optimum()
    views = {"map": _map(ls, axes, held)}
    views["map"]["data"] += [path_trace(i, look, False) for i, look in enumerate(looks)]
    if ls.is_plane:
        v, values = rounded(ls.v, y_span), rounded(ls.values, z_span)
        optimum = rounded([at.x[0], at.y[0], at.z[0] + ls.lift])
        z_range = rounded([ls.values.min(), ls.values.max() + 2 * ls.lift])
        views["surface"] = {
            "data": [
                _surface(u, v, values, axes.params),
                _optimum(optimum, scene=True),
                *(path_trace(i, look, True) for i, look in enumerate(looks)),
            ],
            "layout": _surface_layout(u, v, axes, held, z_range),
        }
    return views


def _map(ls: Landscape, axes: Axes, held: bool) -> ViewSpec:
    x_span, y_span, z_span = ls.spans
    u = rounded(ls.u, x_span)
    at = ls.optimum()
    pu = axes.params[0]
    x_axis = {"title": {"text": pu}, "range": [u[0], u[-1]]}
    if not ls.is_plane:
        land = {
            "type": "scatter",
            "mode": "lines",
            "x": u,
            "y": rounded(ls.values, z_span),
            "name": "loss",
            "showlegend": False,
            "line": {"color": style.LANDSCAPE_COLORSCALE[-1][1], "width": 3},
            "hovertemplate": f"{pu} = %{{x:.4g}}<br>loss = %{{y:.4g}}<extra></extra>",
        }
        y_axis = {"title": {"text": axes.loss}, "range": rounded(padded_range(ls.values))}
        title = f"Loss along {pu}{HELD if held else ''}"
        return {
            "data": [land, _optimum(rounded([at.x[0], at.y[0]]), scene=False)],
            "layout": layout(title, 420, margin=_MAP_MARGIN, xaxis=x_axis, yaxis=y_axis),
        }
    v = rounded(ls.v, y_span)
    y_axis = {"title": {"text": axes.params[1]}, "range": [v[0], v[-1]]}
    title = f"Contour map{HELD if held else ''}"
    more = {"margin": _MAP_MARGIN}
    if ls.to_scale:
        # One length per unit on both axes, so the bowl's true shape shows; the plot
        # shrinks to the grid's shape (not the ranges widened past the grid, left empty).
        y_axis |= {"scaleanchor": "x", "scaleratio": 1, "constrain": "domain"}
        x_axis |= {"constrain": "domain"}
    else:
        more = {"margin": {**_MAP_MARGIN, "t": 116}, "annotations": [not_to_scale(ls, axes)]}
    return {
        "data": [_contour(ls, u, v, axes.params), _optimum(rounded([at.x[0], at.y[0]]), False)],
        "layout": layout(title, 480, xaxis=x_axis, yaxis=y_axis, **more),
    }


def not_to_scale(ls: Landscape, axes: Axes) -> dict:
    """The note above a map whose axes are not to scale: how elongated it would be."""
    x_span, y_span, _ = ls.spans
    long, short = (0, 1) if x_span >= y_span else (1, 0)
    ratio = max(x_span, y_span) / min(x_span, y_span)
    text = (
        "Axes not to scale (to scale: a thin band).<br>"
        f"{axes.params[long]} spans {ratio:.3g}×<br>as many units as {axes.params[short]}"
    )
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": 1.02,
        "xanchor": "left",
        "yanchor": "bottom",
        "align": "left",
        "showarrow": False,
        "font": {"size": style.FONT_SIZE - 3, "color": style.INK},
    }


_MAP_MARGIN = {"l": 64, "r": 16, "t": 48, "b": 72}


def _contour(ls: Landscape, u: list, v: list, params: list[str]) -> dict:
    """Levels evenly spaced in :math:`\\sqrt{L - L_{\\min}}`, so a quadratic bowl's level
    curves are evenly spaced ellipses instead of crowding at the rim; hovering shows L."""
    span = float(np.ptp(ls.values))
    pu, pv = params
    return {
        "type": "contour",
        "x": u,
        "y": v,
        "z": rounded(np.sqrt(ls.values - ls.values.min()), np.sqrt(span)),
        "customdata": rounded(ls.values, span),
        "colorscale": style.LANDSCAPE_COLORSCALE,
        "showscale": False,
        "ncontours": 22,
        "contours": {"coloring": "fill", "showlines": True},
        "line": {"width": 0.6, "color": "rgba(40,60,90,0.35)"},
        "name": "loss",
        "showlegend": False,
        "hovertemplate": f"{pu} = %{{x:.4g}}<br>{pv} = %{{y:.4g}}<br>"
        "loss = %{customdata:.4g}<extra></extra>",
    }


def _surface(u: list, v: list, values: list, params: list[str]) -> dict:
    pu, pv = params
    return {
        "type": "surface",
        "x": u,
        "y": v,
        "z": values,
        "colorscale": style.LANDSCAPE_COLORSCALE,
        "showscale": False,
        "opacity": 0.95,
        "name": "loss",
        "showlegend": False,
        "hovertemplate": f"{pu} = %{{x:.4g}}<br>{pv} = %{{y:.4g}}<br>loss = %{{z:.4g}}"
        "<extra></extra>",
    }


def _optimum(at: list, scene: bool) -> dict:
    """A star on the map (a diamond in 3D) at the optimum, ringed in ink."""
    marker = {"symbol": "diamond", "size": 8, "line": {"width": 2}} if scene else {}
    marker = marker or {"symbol": "star", "size": 20, "line": {"width": 1.5}}
    marker = {**marker, "color": style.OPTIMUM, "line": {**marker["line"], "color": style.INK}}
    trace = {
        "type": "scatter3d" if scene else "scatter",
        "mode": "markers",
        "x": [at[0]],
        "y": [at[1]],
        "name": "optimum",
        "showlegend": False,
        "marker": marker,
        "hovertemplate": "optimum<extra></extra>",
    }
    if scene:
        trace["z"] = [at[2]]
    return trace


def _surface_layout(u: list, v: list, axes: Axes, held: bool, z_range: list) -> dict:
    """The 3D scene over ``u``, ``v`` and ``z_range``."""

    def axis(title: str, span: list) -> dict:
        font = {"tickfont": {"size": 12}}
        return {"title": {"text": title, "font": {"size": 14}}, "range": span, "nticks": 5, **font}

    scene = {
        "xaxis": axis(axes.scene[0], [u[0], u[-1]]),
        "yaxis": axis(axes.scene[1], [v[0], v[-1]]),
        "zaxis": axis(axes.loss, z_range),
        "aspectmode": "manual",
        "aspectratio": {"x": 1, "y": 1, "z": 0.75},
        "camera": {"eye": {"x": 1.6, "y": -1.6, "z": 0.8}, "center": {"x": 0, "y": 0, "z": -0.15}},
    }
    margin = {"l": 0, "r": 0, "t": 48, "b": 0}
    return layout(f"Cost surface{HELD if held else ''}", 480, margin=margin, scene=scene)
