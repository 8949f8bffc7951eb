"""What new data opens with: a tutorial's own settings, or a rate that fits the data.

Every choice of data opens on one complete record of a run, so nothing of the
data before carries over: a tutorial preset on its article's settings, any
other data on :data:`ui.settings.OPENING` at the rate
:func:`core.advice.opening_rate` fits to it, standardized where the raw
condition number is extreme. A shared link that sets
these settings is taken as it is. No streamlit import: functions take the session
state as a mapping.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any

from core import Stability
from core.advice import opening_rate
from core.data import PRESETS, PresetRun
from core.settings import Settings
from ui.settings import LEARNING_RATES, OPENING, OPTIMIZER_KEYS, RUN_KEYS, SCHEMA, state_of
from ui.specs import DataSpec

#: The settings a new choice of data sets (a link that sets any of them is obeyed).
OPENED_KEYS = RUN_KEYS


def preset_run(spec: DataSpec) -> PresetRun | None:
    """The settings and rows a preset is meant to run with; None for other data."""
    return PRESETS[spec.name].run if spec.source == "preset" else None


def own_settings(spec: DataSpec) -> Settings:
    """The run a choice of data opens with: its tutorial's, else :data:`ui.settings.OPENING`."""
    run = preset_run(spec)
    return OPENING if run is None else run.settings


def fitted_state(state: Mapping[str, Any], stability: Stability) -> tuple[dict[str, Any], str]:
    """The rate (and standardizing) that fit data with ``stability``, and one line saying why.

    Standardizing people switched on stays on; it is switched on where the raw
    condition number is extreme. Rules without a closed-form limit keep their rate.
    """
    rule = state["optimizer"]
    params = {k: state[k] for k in OPTIMIZER_KEYS[rule]}
    if state["standardize"]:
        fitting = opening_rate(
            stability.standardized, rule, LEARNING_RATES, state["epochs"], params
        )
        standardize = True
    else:
        fitting = opening_rate(
            stability.raw,
            rule,
            LEARNING_RATES,
            state["epochs"],
            params,
            standardized=stability.standardized,
        )
        standardize = fitting.standardize
    changes: dict[str, Any] = {"standardize": standardize}
    if fitting.rate is not None:
        changes["learning_rate"] = fitting.rate
    return changes, fitting.reason


def open_data(
    state: MutableMapping,
    spec: DataSpec,
    stability_of_state,
    url_keys: frozenset[str],
    *,
    new_data: bool = True,
) -> str | None:
    """Give new data its opening settings in ``state``; return the line that says what changed.

    New data opens on its own complete run (:func:`own_settings`), so nothing of the
    data before carries over; data without settings of its own then gets a rate that
    fits it. New columns of the same data keep the run and only refit the rate. None
    when nothing is worth saying, or a link set the settings.

    Parameters
    ----------
    state : mutable mapping
        The session state, before the widgets of these settings are drawn.
    spec : DataSpec
        The new data.
    stability_of_state : callable
        ``stability_of_state(state) -> Stability`` of the problem ``state`` describes
        (called after the data's own settings are in, as they may change the loss).
    url_keys : frozenset of str
        Settings a shared link set; when it set any opening setting, nothing is changed.
    new_data : bool
        False when only the columns of the same data changed.
    """
    if url_keys & set(OPENED_KEYS):
        return None
    run = preset_run(spec)
    if new_data or run is not None:
        state.update(state_of(own_settings(spec)))
    if run is not None:
        return "Opened with this example's own settings (rate, epochs, loss and start)."
    changes, reason = fitted_state(state, stability_of_state(state))
    if all(state.get(key) == value for key, value in changes.items()):
        return None  # the rate already fits: nothing to say
    state.update(changes)
    return f"Opened at a rate that fits this data. {reason}"


def replaced_note(
    hand: Iterable[str], before: Mapping[str, Any], after: Mapping[str, Any]
) -> str | None:
    """One line naming the settings a person had changed that new data replaced; None if none.

    Parameters
    ----------
    hand : iterable of str
        The settings the person had changed since the data before was opened.
    before, after : mapping
        The settings before and after the new data was opened.
    """
    names = [SCHEMA[key].label for key in hand if before.get(key) != after.get(key)]
    if not names:
        return None
    return f"Replaced with this data's own: {', '.join(names)} (you had changed them)."
