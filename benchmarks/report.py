"""Timing helpers and the printed table shared by every benchmark suite."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """One line of a benchmark report.

    Parameters
    ----------
    name : str
        What was measured.
    value : float
        The measured figure (a ratio, seconds or a throughput).
    unit : str
        Unit of ``value``, for example ``"x"`` for a ratio or ``"samples/s"``.
    goal : str
        The target from the issue, or an empty string when there is none.
    """

    name: str
    value: float
    unit: str
    goal: str = ""


def best_time(fn: Callable[[], object], repeat: int = 3) -> float:
    """Return the fastest of ``repeat`` wall-clock timings of ``fn()`` in seconds.

    The minimum is the figure least disturbed by other work on a shared machine.
    """
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def format_rows(title: str, rows: list[Row]) -> str:
    """Render a suite's rows as an aligned plain-text table."""
    lines = [title, "-" * len(title)]
    for row in rows:
        figure = f"{row.value:,.3g}" if row.value < 1000 else f"{row.value:,.0f}"
        goal = f"   (goal: {row.goal})" if row.goal else ""
        lines.append(f"  {row.name:<58} {figure:>12} {row.unit}{goal}")
    return "\n".join(lines)
