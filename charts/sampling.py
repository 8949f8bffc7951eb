"""Which epochs, rows and curve points a figure carries, so its payload stays small."""

from __future__ import annotations

import numpy as np

#: Every epoch up to this one joins a path, so early zig-zags are drawn as they happened.
EARLY_EPOCHS = 20


def frame_epochs(epochs_run: int, max_frames: int = 60) -> np.ndarray:
    """Epochs shown as animation frames: evenly spread, first and last included.

    Parameters
    ----------
    epochs_run : int
        Epochs the run made (its history has ``epochs_run + 1`` rows).
    max_frames : int
        Most frames wanted, at least 2.

    Returns
    -------
    ndarray of int, shape (k,)
        Ascending, unique, ``k <= min(max_frames, epochs_run + 1)``, starting at
        0 and ending at ``epochs_run``.

    Raises
    ------
    ValueError
        If ``max_frames`` is below 2 or ``epochs_run`` is negative.
    """
    if max_frames < 2:
        raise ValueError(f"max_frames must be at least 2; got {max_frames}.")
    if epochs_run < 0:
        raise ValueError(f"epochs_run must be at least 0; got {epochs_run}.")
    count = min(max_frames, epochs_run + 1)
    return np.unique(np.rint(np.linspace(0, epochs_run, count)).astype(np.int64))


def path_epochs(frames: np.ndarray) -> np.ndarray:
    """Epochs drawn along a path: the frame epochs plus every epoch up to :data:`EARLY_EPOCHS`.

    Descent moves most in its first epochs, and an oscillation sampled at evenly
    spread epochs can alias into a smooth-looking curve; the early epochs in
    full keep that visible at a cost of a few points per frame.
    """
    early = np.arange(min(int(frames[-1]), EARLY_EPOCHS) + 1)
    return np.union1d(frames, early)


def curve_indices(n: int, max_points: int = 1500) -> np.ndarray:
    """At most about ``max_points`` indices into a curve of ``n`` points.

    Half are evenly spread, half geometrically spread, so a log-scaled epoch
    axis and the fast early drop both stay detailed. The first and last index
    are always included.
    """
    if n <= max_points:
        return np.arange(n)
    half = max_points // 2
    even = np.linspace(0, n - 1, half)
    early = np.geomspace(1, n, half) - 1
    return np.unique(np.rint(np.concatenate([even, early, [0, n - 1]])).astype(np.int64))


def thin_rows(n: int, max_points: int, seed: int = 0) -> np.ndarray:
    """Sorted indices of at most ``max_points`` rows, drawn without replacement from ``seed``."""
    if n <= max_points:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, size=max_points, replace=False))
