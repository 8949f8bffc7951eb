"""Reading figures back: typed arrays decoded, every number found, traces located."""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go


def decode(value) -> np.ndarray:
    """A trace property as a NumPy array, whether a typed-array spec, array or list."""
    if isinstance(value, dict) and "bdata" in value:
        dtype = np.dtype(value["dtype"]).newbyteorder("<")
        return np.frombuffer(base64.b64decode(value["bdata"]), dtype=dtype)
    return np.asarray(value)


def numbers(node):
    """Every numeric value (scalars and arrays) inside a ``to_plotly_json`` tree."""
    if isinstance(node, dict):
        if "bdata" in node:
            yield decode(node).astype(np.float64)
            return
        for item in node.values():
            yield from numbers(item)
    elif isinstance(node, np.ndarray):
        if node.dtype.kind in "iuf":
            yield node.astype(np.float64)
        elif node.dtype.kind == "O":
            yield from numbers(list(node.ravel()))
    elif isinstance(node, list | tuple):
        for item in node:
            yield from numbers(item)
    elif isinstance(node, float | int) and not isinstance(node, bool):
        yield np.array([node], dtype=np.float64)


def assert_all_finite(fig: go.Figure) -> None:
    """No NaN or infinity in any trace of the figure or of its frames."""
    traces = [trace.to_plotly_json() for trace in fig.data]
    traces += [trace.to_plotly_json() for frame in fig.frames for trace in frame.data]
    for trace in traces:
        for values in numbers(trace):
            assert np.all(np.isfinite(values)), trace.get("name")


def subplot_of(trace) -> str:
    """``"scene"``, ``"scene2"``, ``"x"``, ``"x2"``... the pane a trace is drawn in."""
    if trace.type in {"surface", "scatter3d"}:
        return trace.scene or "scene"
    return trace.xaxis or "x"


def layout_of(fig: go.Figure) -> list[tuple[str, str]]:
    """``(type, pane)`` of every trace, in order."""
    return [(trace.type, subplot_of(trace)) for trace in fig.data]


def frame_trace(fig: go.Figure, frame: int, index: int) -> dict:
    """Frame ``frame``'s update of trace ``index`` (by figure index), arrays decoded."""
    position = list(fig.frames[frame].traces).index(index)
    trace = fig.frames[frame].data[position].to_plotly_json()
    return _decoded(trace)


def _decoded(node):
    if isinstance(node, dict):
        if "bdata" in node:
            return decode(node)
        return {key: _decoded(item) for key, item in node.items()}
    return node


def named(fig: go.Figure, name: str) -> list[int]:
    """Indices of the traces called ``name``."""
    return [i for i, trace in enumerate(fig.data) if trace.name == name]
