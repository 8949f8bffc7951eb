"""One playback control for a figure: Plotly frames, play and pause buttons, an epoch slider.

Frames update only the traces that move (``go.Frame(traces=...)``), so every
pane of a figure with subplots animates in sync from one slider, in the
browser, without a server round trip. The figure opens on the last frame (the
finished run); pressing Play from there replays it from epoch 0.

Frames carry their numeric arrays as Plotly typed-array specs
(``{"dtype": "f8", "bdata": <base64>}``), which is what ``fig.to_json()`` writes
for NumPy arrays anyway. plotly.py validates such a spec without copying and
inspecting it, which makes building sixty frames about ten times faster.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from charts.style import FONT_SIZE, INK

#: Milliseconds per frame of the normal and the fast play speed.
PLAY_MS = 150
FAST_MS = 40
#: Pixels between the bottom of the lowest panes and the controls (room for axis titles).
CONTROLS_OFFSET = 55
#: Bottom margin a figure with playback controls needs.
CONTROLS_MARGIN = CONTROLS_OFFSET + 85


@dataclass(frozen=True)
class Mover:
    """A trace that changes from frame to frame.

    Attributes
    ----------
    kind : type
        The trace class, e.g. ``go.Scatter``.
    style : dict
        Properties set once, on the figure's trace.
    data : callable
        ``data(epoch) -> dict`` of the properties a frame at ``epoch`` sets
        (NumPy arrays allowed).
    row, col : int
        The subplot the trace belongs to.
    """

    kind: type
    style: dict
    data: Callable[[int], dict]
    row: int
    col: int


def typed(value):
    """``value`` with every NumPy array inside it replaced by a Plotly typed-array spec.

    Floats become ``"f8"`` (``"f4"`` when already single precision), integers
    ``"u1"`` when they fit in a byte (marker sizes) and ``"i4"`` otherwise, all
    little-endian; dicts are walked, anything else is returned unchanged.
    """
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}
    if not isinstance(value, np.ndarray):
        return value
    if value.dtype.kind not in "iub":
        dtype = "f4" if value.dtype == np.float32 else "f8"
    elif value.size and value.min() >= 0 and value.max() <= 255:
        dtype = "u1"
    else:
        dtype = "i4"
    data = np.ascontiguousarray(value, dtype=np.dtype(dtype).newbyteorder("<"))
    return {"dtype": dtype, "bdata": base64.b64encode(data.tobytes()).decode("ascii")}


def _animate(frames: list[str] | None, duration: int, redraw: bool = True) -> list:
    options = {
        "frame": {"duration": duration, "redraw": redraw},
        "transition": {"duration": 0},
        "mode": "immediate",
        "fromcurrent": True,
    }
    return [frames, options]


def _buttons() -> dict:
    return {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0.0,
        "xanchor": "left",
        "y": 0.0,
        "yanchor": "top",
        "pad": {"t": CONTROLS_OFFSET + 22, "l": 10},
        "font": {"size": FONT_SIZE},
        "buttons": [
            {"label": "▶ Play", "method": "animate", "args": _animate(None, PLAY_MS)},
            {"label": "▶▶ Fast", "method": "animate", "args": _animate(None, FAST_MS)},
            {"label": "❚❚ Pause", "method": "animate", "args": _animate([None], 0, False)},
        ],
    }


def _slider(epochs: np.ndarray) -> dict:
    steps = [
        {"label": f"epoch {e}", "method": "animate", "args": _animate([str(e)], 0)}
        for e in epochs.tolist()
    ]
    return {
        "active": len(steps) - 1,
        "steps": steps,
        "x": 0.3,
        "len": 0.68,
        "xanchor": "left",
        "y": 0.0,
        "yanchor": "top",
        "pad": {"t": CONTROLS_OFFSET, "b": 0},
        # Sixty tick labels would overlap; the current one is shown above the slider.
        "font": {"color": "rgba(0,0,0,0)"},
        "currentvalue": {
            "visible": True,
            "prefix": "",
            "font": {"size": FONT_SIZE + 1, "color": INK},
        },
        "ticklen": 4,
    }


def add_playback(fig: go.Figure, movers: list[Mover], epochs: np.ndarray) -> list[int]:
    """Add ``movers`` at the last epoch, a frame per epoch, and the controls.

    Parameters
    ----------
    fig : go.Figure
        Made by ``make_subplots`` (rows and columns address the panes).
    movers : list of Mover
    epochs : ndarray of int
        Frame epochs, ascending (see :func:`charts.sampling.frame_epochs`).

    Returns
    -------
    list of int
        Indices in ``fig.data`` of the moving traces, in the order of ``movers``.
    """
    epochs = np.asarray(epochs, dtype=np.int64)
    last = int(epochs[-1])
    first = len(fig.data)
    for mover in movers:
        trace = mover.kind(**mover.style)
        trace.update(mover.data(last))
        fig.add_trace(trace, row=mover.row, col=mover.col)
    indices = list(range(first, first + len(movers)))
    kinds = [fig.data[i].type for i in indices]
    # Plain dicts are validated once, on assignment; go.Frame objects would be twice.
    fig.frames = [
        {
            "data": [
                {"type": kind, **typed(mover.data(epoch))}
                for kind, mover in zip(kinds, movers, strict=True)
            ],
            "traces": indices,
            "name": str(epoch),
        }
        for epoch in epochs.tolist()
    ]
    fig.update_layout(updatemenus=[_buttons()], sliders=[_slider(epochs)])
    return indices
