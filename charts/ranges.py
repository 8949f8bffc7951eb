"""Axis ranges that stay readable, and paths cut where they leave a box."""

from __future__ import annotations

import numpy as np

#: A loss above this multiple of where its run started counts as blown up: such
#: points neither widen a landscape's grid nor stretch a loss axis.
BOWL_FACTOR = 10.0


def finite(values) -> np.ndarray:
    """The finite entries of ``values``, flattened, as float64."""
    values = np.asarray(values, dtype=np.float64).ravel()
    return values[np.isfinite(values)]


def below_blowup(losses: np.ndarray) -> np.ndarray:
    """Mask of the finite ``losses`` at most :data:`BOWL_FACTOR` times the first one."""
    losses = np.asarray(losses, dtype=np.float64)
    return np.isfinite(losses) & (losses <= BOWL_FACTOR * losses[0])


def padded_range(values, pad: float = 0.05) -> list[float]:
    """``[low, high]`` spanning the finite ``values`` with a relative ``pad`` either side.

    An empty or constant set widens to one unit (or its own size) around the
    value, so an axis never collapses.
    """
    values = finite(values)
    if values.size == 0:
        return [0.0, 1.0]
    low, high = float(values.min()), float(values.max())
    span = high - low
    if span <= 1e-12 * max(1.0, abs(low), abs(high)):
        span = max(1.0, abs(low))
        return [low - span / 2, high + span / 2]
    return [low - pad * span, high + pad * span]


def clip_path(points: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The path ``points`` up to where it first leaves the box ``[low, high]``.

    Parameters
    ----------
    points : ndarray of shape (k, m)
    low, high : ndarray of shape (m,)

    Returns
    -------
    ndarray of shape (j, m)
        The first points inside the box; when the path leaves it, one more
        point where the leaving segment crosses the box's edge. Row ``i`` of
        the result stands for row ``i`` of ``points``. Empty when the path
        starts outside.
    """
    inside = np.all((points >= low) & (points <= high), axis=1)
    if inside.all():
        return points
    first_out = int(np.argmin(inside))
    if first_out == 0:
        return points[:0]
    start, end = points[first_out - 1], points[first_out]
    if not np.all(np.isfinite(end)):
        return points[:first_out]
    step = end - start
    with np.errstate(divide="ignore", invalid="ignore"):
        to_edge = np.where(
            step > 0, (high - start) / step, np.where(step < 0, (low - start) / step, np.inf)
        )
    crossing = start + float(np.min(to_edge)) * step
    return np.vstack([points[:first_out], np.clip(crossing, low, high)])


#: A map is drawn to scale (one length per unit on both axes) while its frame's spans
#: differ by at most this factor; beyond it, to scale it would be a band, so each axis
#: gets the whole frame and the map says it is not to scale.
TO_SCALE_LIMIT = 3.0


def spans_ratio(first: tuple[float, float], second: tuple[float, float]) -> float:
    """The larger of two ranges' lengths over the smaller (1 for equal ones)."""
    a, b = first[1] - first[0], second[1] - second[0]
    return max(a, b) / min(a, b)


def squared(first: tuple[float, float], second: tuple[float, float]) -> tuple[tuple, tuple]:
    """Both ranges widened about their middles to the longer one's length.

    Drawn to scale, such a frame is a square the map fills, where a thinner one
    would leave the rest of the plot empty.
    """
    length = max(first[1] - first[0], second[1] - second[0])

    def widened(span: tuple[float, float]) -> tuple[float, float]:
        middle = (span[0] + span[1]) / 2
        return (middle - length / 2, middle + length / 2)

    return widened(first), widened(second)
