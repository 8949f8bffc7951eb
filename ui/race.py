"""The Compare page's race: its session keys, presets, run settings and scoreboard.

Each run of a race owns a few keys (``race_{i}_optimizer`` and so on); every
other setting (hyperparameters, schedule parameters, epochs, start, seed) comes
from the sidebar, so all runs start from the same point with the same budget.
No streamlit import: the functions take the session state as a mapping, so
callbacks pass ``st.session_state`` and tests pass a dict.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from core import Fit, Run, Spectrum, Stability, words
from core.analysis import (
    distance_to_optimum,
    epochs_to_stay,
    epochs_to_tolerance,
    race_winner,
)
from core.settings import Settings
from ui.settings import (
    DEFAULTS,
    LEARNING_RATES,
    OPTIMIZER_LABELS,
    nearest_rate,
    run_settings,
)
from ui.state import (
    RACE_COUNT,
    RACE_DEFAULTS,
    RACE_FIELDS,
    RACE_LOG_EPOCHS,
    RACE_LOG_LOSS,
    RACE_MAX_RUNS,
    RACE_NOTE,
    RACE_TOLERANCE,
)
from ui.state import race_key as key

#: The race's session keys and limits under the short names the Compare page uses.
COUNT, NOTE, TOLERANCE, LOG_LOSS, LOG_EPOCHS = (
    RACE_COUNT,
    RACE_NOTE,
    RACE_TOLERANCE,
    RACE_LOG_LOSS,
    RACE_LOG_EPOCHS,
)
FIELDS, MAX_RUNS = RACE_FIELDS, RACE_MAX_RUNS

#: What a quick race starts: its runs' settings, and a note when one is off.
Preset = tuple[list[dict], str | None]


@dataclass(frozen=True)
class RaceData:
    """What presets derive their rates from: the data's stability, start and optimum.

    ``working_rate(standardize)`` is the largest stop of the rate control at which
    plain full-batch descent was run on this data and seen to converge (see
    :func:`core.advice.working_rate`), or None when no stop does; the page passes a
    cached call, run only when a preset asks.
    """

    stability: Stability
    fit: Fit
    fit_intercept: bool
    init_weight: float
    init_bias: float
    standardize: bool
    n_rows: int
    working_rate: Callable[[bool], float | None]

    def spectrum(self, standardize: bool) -> Spectrum:
        """The spectrum of the space a run descends in."""
        return self.stability.standardized if standardize else self.stability.raw


def stop_below(limit: float) -> float:
    """The largest learning-rate stop strictly below ``limit`` (the smallest stop if none)."""
    below = [rate for rate in LEARNING_RATES if rate < limit]
    return below[-1] if below else LEARNING_RATES[0]


def stable_rate(spectrum: Spectrum) -> float:
    """The stop nearest the best constant rate 2/(λmin+λmax), kept below 2/λmax."""
    rate = nearest_rate(spectrum.best_lr)
    return rate if rate < spectrum.max_stable_lr else stop_below(spectrum.max_stable_lr)


def diverging_rate(spectrum: Spectrum) -> float | None:
    """The smallest stop at or above 1.1 × 2/λmax; None when every stop is stable.

    Rounding up, not to the nearest stop, keeps the run clearly unstable: at
    1.1 × 2/λmax the steepest direction grows by 1.2 per epoch, so the run
    blows up within a few dozen epochs instead of creeping.
    """
    above = [rate for rate in LEARNING_RATES if rate >= 1.1 * spectrum.max_stable_lr]
    return above[0] if above else None


def adam_rate(data: RaceData) -> float:
    """A rate that brings Adam to the optimum in about a hundred epochs.

    Adam moves every parameter by about η per epoch whatever the curvature, so
    a tenth of the farthest any parameter must travel is a good start.
    """
    start = np.append(np.full(data.fit.coef.size, data.init_weight), data.init_bias)
    goal = np.append(data.fit.coef, data.fit.intercept)
    if not data.fit_intercept:
        start, goal = start[:-1], goal[:-1]
    return nearest_rate(max(float(np.max(np.abs(goal - start))), 1e-5) / 10)


def _run(optimizer="gd", rate=0.01, batch_mode="full", batch_size=32, standardize=False) -> dict:
    return {
        "optimizer": optimizer,
        "learning_rate": rate,
        "batch_mode": batch_mode,
        "batch_size": batch_size,
        "schedule": "constant",
        "standardize": standardize,
    }


def _rate_below(rate: float) -> float | None:
    """The stop of the rate control nearest a thirtieth of ``rate``, below it; None if none is."""
    small = nearest_rate(rate / 30)
    below = [stop for stop in LEARNING_RATES if stop < rate]
    if small < rate:
        return small
    return below[-1] if below else None


def _checked(data: RaceData) -> tuple[float | None, bool, str | None]:
    """A rate that converges here, the space it converges in, and a note when that is not the
    sidebar's space.

    First in the sidebar's space; when no stop converges there on raw features,
    standardizing is tried, and the note says why the race runs standardized.
    """
    std = data.standardize
    rate = data.working_rate(std)
    if rate is not None:
        return rate, std, None
    limit = data.spectrum(std).max_stable_lr
    if not std:
        rate = data.working_rate(True)
        if rate is not None:
            return (
                rate,
                True,
                (
                    f"No rate on the control converges on the raw features (plain descent needs "
                    f"η below 2/λmax = {limit:.3g}, the slowest direction then takes too long), so "
                    "these runs use standardized features, where the stops work."
                ),
            )
    return (
        None,
        std,
        (
            f"No rate on the control was seen to converge on these features within the epochs "
            f"given (2/λmax = {limit:.3g}): give the runs more epochs"
            + ("." if std else ", or standardize the features.")
        ),
    )


def _optimizers(data: RaceData, good: float, std: bool, note: str | None) -> Preset:
    return [
        _run("gd", good, standardize=std),
        _run("momentum", good, standardize=std),
        _run("adam", adam_rate(data), standardize=std),
    ], note


def _rates(data: RaceData, good: float, std: bool, note: str | None) -> Preset:
    spectrum = data.spectrum(std)
    small = _rate_below(good)
    large = diverging_rate(spectrum)
    notes = [note] if note else []
    if large is None:
        large = LEARNING_RATES[-1]
        notes.append(
            f"Even the largest rate on the control ({large:g}) is below this data's stable "
            f"limit 2/λmax = {spectrum.max_stable_lr:.3g}, so no rate here diverges."
        )
    if small is None:
        small = good
        notes.append(f"No stop of the control lies below {good:g}, the slowest rate here.")
    return [
        _run("gd", small, standardize=std),
        _run("gd", good, standardize=std),
        _run("gd", large, standardize=std),
    ], " ".join(notes) or None


def _batches(data: RaceData, good: float, std: bool, note: str | None) -> Preset:
    size = min(32, max(2, data.n_rows // 4))
    return [
        _run("gd", good, standardize=std),
        _run("gd", nearest_rate(good / 10), "mini", size, standardize=std),
        _run("gd", nearest_rate(good / 100), "stochastic", standardize=std),
    ], note


def _scaling(data: RaceData, good: float, std: bool, note: str | None) -> Preset:
    raw_rate = data.working_rate(False)
    scaled = data.working_rate(True) or stable_rate(data.spectrum(True))
    raw_note = None
    if raw_rate is None:
        raw_rate = stable_rate(data.spectrum(False))
        raw_note = (
            f"No rate on the control converges on the raw features (2/λmax = "
            f"{data.spectrum(False).max_stable_lr:.3g}): that is what standardizing fixes."
        )
    return [
        _run("gd", raw_rate, standardize=False),
        _run("gd", raw_rate, standardize=True),
        _run("gd", scaled, standardize=True),
    ], raw_note


#: The quick races, each its button's label and how it picks its runs on the data given:
#: ``(data, a rate seen to converge, standardized?, a note) -> (runs, note)``.
PRESETS: dict[str, tuple[str, Callable[..., Preset]]] = {
    "optimizers": ("GD vs momentum vs Adam", _optimizers),
    "rates": ("Rate too small / right / too large", _rates),
    "batches": ("Batch vs mini-batch vs stochastic", _batches),
    "scaling": ("Raw vs standardized features", _scaling),
}


def preset_runs(name: str, data: RaceData) -> Preset:
    """The runs of preset ``name`` (see :data:`PRESETS`), and a note when one is off.

    "Right" rates are ones the engine ran on this data and saw converge
    (``data.working_rate``); "too large" is a stop above the stable limit of the
    space the runs descend in. When no stop works on raw features the race runs on
    standardized ones and the note says why; the runs of a race always differ.
    """
    if name not in PRESETS:
        raise ValueError(f"Unknown race preset {name!r}; choose one of: {', '.join(PRESETS)}.")
    good, std, note = _checked(data)
    if good is None:
        good = stable_rate(data.spectrum(std))
    return PRESETS[name][1](data, good, std, note)


def _write_run(state: MutableMapping, i: int, run: Mapping[str, Any]) -> None:
    for field in FIELDS:
        state[key(i, field)] = run[field]


def fields_of(state: Mapping, i: int) -> dict:
    """Run ``i``'s own settings, by field name (see :data:`FIELDS`)."""
    return {field: state[key(i, field)] for field in FIELDS}


def apply_preset(state: MutableMapping, name: str, data: RaceData) -> None:
    """Set the race's runs to preset ``name`` (an ``on_click`` callback)."""
    runs, note = preset_runs(name, data)
    for i, run in enumerate(runs):
        _write_run(state, i, run)
    state[COUNT] = len(runs)
    state[NOTE] = note


def init_race(state: MutableMapping, data: RaceData) -> None:
    """Give a new session's race its first runs (GD vs momentum vs Adam), tolerance and axes.

    Slots beyond the first runs get copies of the last one, so every key a
    widget may read exists.
    """
    if COUNT not in state or key(0, FIELDS[0]) not in state:
        apply_preset(state, "optimizers", data)
    for i in range(1, MAX_RUNS):
        if key(i, FIELDS[0]) not in state:
            _write_run(state, i, fields_of(state, i - 1))
    for option, default in RACE_DEFAULTS.items():
        state.setdefault(option, default)


def add_run(state: MutableMapping) -> None:
    """Add a run, a copy of the last one, to tweak from there."""
    count = state[COUNT]
    if count < MAX_RUNS:
        _write_run(state, count, fields_of(state, count - 1))
        state[COUNT] = count + 1
        state[NOTE] = None


def remove_run(state: MutableMapping, i: int) -> None:
    """Remove run ``i``; the runs after it move up one place."""
    count = state[COUNT]
    if count <= 1:
        return
    for j in range(i, count - 1):
        _write_run(state, j, fields_of(state, j + 1))
    state[COUNT] = count - 1
    state[NOTE] = None


def run_settings_of(state: Mapping, i: int, n_rows: int) -> Settings:
    """The settings of run ``i``: its own fields over the sidebar's.

    The sidebar's tolerance stop is left out, so every run gets the whole epoch budget.
    """
    sidebar = {k: state.get(k, default) for k, default in DEFAULTS.items()}
    return replace(run_settings(ChainMap(fields_of(state, i), sidebar), n_rows), tol=None)


def label(i: int, settings: Settings) -> str:
    """A short name for run ``i``: ``"2. Momentum η=0.05, mini-batch 32, standardized"``."""
    parts = [f"{i + 1}. {OPTIMIZER_LABELS[settings.optimizer]} η={settings.learning_rate:g}"]
    batch = settings.batch_size
    if batch == 1:
        parts.append("stochastic")
    elif batch is not None:
        parts.append(f"mini-batch {batch}")
    if settings.schedule != "constant":
        parts.append(settings.schedule.replace("_", " "))
    if settings.standardize:
        parts.append("standardized")
    return ", ".join(parts)


#: Marks the winner's row (a plain star: emoji fonts are not everywhere).
WINNER_MARK = "★ "


@dataclass(frozen=True)
class Scoreboard:
    """The race's outcome.

    Attributes
    ----------
    table : DataFrame
        Text cells, indexed by run label; the winner's label starts with :data:`WINNER_MARK`.
    winner : int or None
        Index of the winning run: the fewest epochs to arrive and stay (see
        :func:`core.analysis.race_winner`); None when no run arrived.
    best : int or None
        The winner or, when no run arrived, the run with the lowest final loss
        among those that did not diverge; None when every run diverged.
    arrived : list of (int or None)
        Per run, the epoch from which it stayed within the tolerance to its end
        (:func:`core.analysis.epochs_to_stay`), or None.
    touched : list of (int or None)
        Per run, the first epoch within the tolerance
        (:func:`core.analysis.epochs_to_tolerance`), or None; earlier than
        ``arrived`` when the run left the band again.
    """

    table: pd.DataFrame
    winner: int | None
    best: int | None
    arrived: list[int | None]
    touched: list[int | None]


def arrival_cell(touched: int | None, stayed: int | None) -> str:
    """What the scoreboard says of a run's arrival: ``"46"``, or when it left the band again,
    ``"touched at 44, stayed from 92"`` or ``"touched at 44, then left"``; ``"never"``."""
    if touched is None:
        return "never"
    if stayed is None:
        return f"touched at {touched:,}, then left"
    if stayed == touched:
        return f"{stayed:,}"
    return f"touched at {touched:,}, stayed from {stayed:,}"


def scoreboard(runs: list[tuple[str, Run]], fit: Fit, rel_tol: float) -> Scoreboard:
    """One row per run: epochs to arrive and stay, final loss, distance, divergence, wall time.

    A run arrives when its loss comes within the tolerance and never leaves it
    again; one that only touched the band (momentum overshooting, a noisy
    mini-batch run) says so and cannot win on that touch.
    """
    losses = [run.history.loss for _, run in runs]
    touched = [epochs_to_tolerance(loss, fit.loss, rel_tol) for loss in losses]
    settled = [epochs_to_stay(loss, fit.loss, rel_tol) for loss in losses]
    finals = [float(loss[-1]) for loss in losses]
    best = race_winner(settled, finals, [run.diverged for _, run in runs])
    winner = best if best is not None and settled[best] is not None else None
    rows = [
        {
            "run": (WINNER_MARK if i == winner else "") + name,
            f"epochs to stay within {rel_tol:.0e}": arrival_cell(touched[i], settled[i]),
            "final loss": f"{finals[i]:.6g}",
            "distance to closed form": f"{distance_to_optimum(run, fit):.4g}",
            "diverged": f"yes, epoch {run.diverged_at}" if run.diverged else "no",
            "wall time (ms)": f"{1000 * run.seconds:.1f}",
        }
        for i, (name, run) in enumerate(runs)
    ]
    return Scoreboard(pd.DataFrame(rows).set_index("run"), winner, best, settled, touched)


def outcome(board: Scoreboard, names: list[str]) -> tuple[str, str]:
    """What the race's result says: ``("error" | "info" | "success", markdown)``.

    A winner only when a run arrived and stayed; when none did, the run with the
    lowest final loss is named without a win; when every run diverged, there is
    neither. A winner that touched the band earlier and left it is told so.
    """
    if board.best is None:
        return "error", (
            "Every run diverged, so there is no winner. Lower the runs' rates (each box says "
            "where its rate stands), or press **Rate too small / right / too large** for rates "
            "this data was seen to converge at."
        )
    if board.winner is None:
        return "info", (
            "No run arrived and stayed within the tolerance, so no run wins. "
            f"**{names[board.best]}** ended with the lowest loss."
        )
    epochs, touched = board.arrived[board.winner], board.touched[board.winner]
    name = names[board.winner]
    if touched is not None and touched < epochs:
        return "success", (
            f"**{name}** wins: it was first to arrive and stay, from epoch {epochs:,}. It "
            f"touched the band at epoch {touched:,} and left it again before that."
        )
    return "success", (
        f"**{name}** wins: it arrived first, after {words.epochs(epochs)}, and stayed."
    )
