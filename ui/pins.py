"""The Descent page's pinned runs: up to three runs kept beside the live one.

A pin keeps what a run of the Compare page's race owns (update rule, rate, batch,
schedule, standardizing: :data:`ui.state.RACE_FIELDS`); every other setting is the
sidebar's, so a pinned run starts where the live one does, with the same epochs, seed and
hyperparameters, and stays comparable with it. Only those fields are kept in the session
and the link (``pin1=…``); the run itself is recomputed, from the cache, on each rerun.

Pins belong to one problem: other data (source, example, file, columns, generator
settings), another split or model (intercept, L2, loss), or standardizing (which moves
the start and the path across the surface) clears them, and the page says so.

No streamlit import: the functions take the session state as a mapping, so callbacks
pass ``st.session_state`` and tests pass a dict.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, MutableMapping
from typing import Any

from core.settings import Settings
from ui.settings import OPTIMIZER_LABELS, SCHEDULE_LABELS, SCHEMA, run_settings
from ui.state import MAX_PINS, PINS, PINS_FOR, PINS_NOTE, RACE_FIELDS

#: What the page says, once, after other data cleared the pins.
CLEARED = "Pinned runs were cleared: they belonged to other data."
#: What a pinned run shares with the live run besides the data, as the sidebar names it.
MODEL_NAMES = {
    "fit_intercept": "the intercept",
    "l2": "the L2 strength",
    "loss": "the loss",
    "standardize": "standardizing",
}
#: Update rules by a short name where the legend would otherwise grow long.
SHORT_NAMES = {"gd": "GD"}


def pins_of(state: Mapping) -> list[dict[str, Any]]:
    """The pinned runs' own fields, in order (none: an empty list)."""
    return list(state.get(PINS, ()))


def live_fields(state: Mapping) -> dict[str, Any]:
    """The live run's own fields, as a pin keeps them (a batch size only for mini-batches)."""
    fields = {field: state[field] for field in RACE_FIELDS}
    if fields["batch_mode"] != "mini":
        fields["batch_size"] = SCHEMA["batch_size"].default
    return fields


def pin_settings(state: Mapping, n_rows: int) -> tuple[Settings, ...]:
    """Each pin's run settings: its own fields over the sidebar's (none while a link's pins
    wait for their data, see :func:`follow_the_data`)."""
    if PINS_FOR not in state:
        return ()
    return tuple(run_settings(ChainMap(pin, state), n_rows) for pin in pins_of(state))


#: Why nothing is pinned while the example stands in for a file not uploaded yet: pins
#: belong to the data chosen, and a link keeps them for it.
STAND_IN = "Pins are for your own file: upload it, then pin its runs."


def refusal(state: Mapping, n_rows: int, stand_in: bool = False) -> str | None:
    """Why the live run cannot be pinned now (the button says so), or None.

    ``stand_in`` is True while the example stands in for the data chosen.
    """
    if stand_in:
        return STAND_IN
    pins = pins_of(state)
    if len(pins) >= MAX_PINS:
        return f"At most {MAX_PINS} runs can be pinned: remove one first."
    live = run_settings(state, n_rows)
    for i, settings in enumerate(pin_settings(state, n_rows)):
        if settings == live:
            return f"This run is pinned already, as pin {i + 1}."
    return None


def add_pin(state: MutableMapping, n_rows: int, stand_in: bool = False) -> None:
    """Pin the live run (an ``on_click`` callback); nothing when :func:`refusal` says no."""
    if refusal(state, n_rows, stand_in) is None:
        state[PINS] = [*pins_of(state), live_fields(state)]
        state.pop(PINS_NOTE, None)


def waiting(state: Mapping) -> int:
    """How many of a link's pins wait for their data (see :func:`follow_the_data`)."""
    return 0 if PINS_FOR in state else len(pins_of(state))


def remove_pin(state: MutableMapping, i: int) -> None:
    """Unpin pin ``i`` (0-based); the pins after it move up one place."""
    pins = pins_of(state)
    if 0 <= i < len(pins):
        state[PINS] = pins[:i] + pins[i + 1 :]


def follow_the_data(state: MutableMapping, owner: Any, *, chosen: bool = True) -> None:
    """Clear the pins when ``owner`` (the problem and the standardizing they are drawn on)
    is not the one they were pinned on, leaving :data:`CLEARED` to be said.

    The first data a session opens takes the link's pins. ``chosen`` is False while the
    page shows other data than the chosen (an upload not made yet): a link's pins then
    wait, not drawn, for their data (a link to an upload, until the file is uploaded again).
    """
    held = state.get(PINS_FOR)
    if held is None and not chosen:
        return
    state[PINS_FOR] = owner
    if held is not None and held != owner and pins_of(state):
        state[PINS] = []
        state[PINS_NOTE] = _cleared(held, owner)


def _model(owner: Any) -> dict[str, Any]:
    """The model settings of ``owner`` (a problem key and the standardizing), by field."""
    key, standardize = owner
    fields = {field: getattr(key, field) for field in MODEL_NAMES if field != "standardize"}
    return {**fields, "standardize": standardize}


def _cleared(held: Any, owner: Any) -> str:
    """Why pins held for ``held`` (a problem key, the standardizing) are cleared for ``owner``."""
    was, now = held[0], owner[0]
    if (was.data, was.target, was.features, was.test_fraction) != (
        now.data,
        now.target,
        now.features,
        now.test_fraction,
    ):
        return CLEARED
    before, after = _model(held), _model(owner)
    changed = [name for field, name in MODEL_NAMES.items() if before[field] != after[field]]
    return (
        f"Pinned runs were cleared: {' and '.join(changed) or 'the model'} changed, so they "
        "were run on another loss surface."
    )


def label(i: int, settings: Settings) -> str:
    """Pin ``i``'s legend entry: ``"Pin 1 · GD η=0.05 · batch 16"``."""
    rule = SHORT_NAMES.get(settings.optimizer, OPTIMIZER_LABELS[settings.optimizer])
    parts = [f"Pin {i + 1}", f"{rule} η={settings.learning_rate:g}"]
    if settings.batch_size == 1:
        parts.append("stochastic")
    elif settings.batch_size is not None:
        parts.append(f"batch {settings.batch_size}")
    if settings.schedule != "constant":
        parts.append(SCHEDULE_LABELS[settings.schedule].lower())
    if settings.standardize:
        parts.append("standardized")
    return " · ".join(parts)
