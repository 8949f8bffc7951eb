"""Session state: every key the app keeps, initialised in one place from defaults and the URL.

Settings (the keys of :data:`ui.settings.SCHEMA`) are read from a shared link on a
session's first run and written back to the URL after every run. The other keys
below hold what the app itself keeps between runs; no other module invents one.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Mapping, MutableMapping
from typing import Any

import streamlit as st

from ui.settings import DEFAULTS, LEARNING_RATES, SCHEMA, from_query, to_query

_URL_READ = "_url_read"
#: The uploaded file widget, and the last upload that parsed (its parsed table, content
#: digest and file name) or why not. The bytes themselves are not kept.
UPLOAD_FILE = "upload_file"
UPLOAD_TABLE = "_upload_table"
UPLOAD_DIGEST = "_upload_digest"
UPLOAD_NAME = "_upload_name"
UPLOAD_ERROR = "_upload_error"
#: What was repaired in a shared link (one sentence each), and the settings it set.
URL_PROBLEMS = "_url_problems"
URL_KEYS = "_url_keys"
#: A link to an upload opened before its file came: its data source, target and features.
LINK_COLUMNS = "_link_columns"
#: The learning rate's two widgets: the ladder and the typed value (both write ``learning_rate``).
RATE_LADDER = "rate_ladder"
RATE_TYPED = "rate_typed"
#: What the two rate widgets were last set to, and what they showed before that.
RATE_SHOWN = "_rate_shown"
RATE_SHOWN_BEFORE = "_rate_shown_before"
#: A typed rate outside the allowed range, refused: said once under the box.
RATE_REFUSED = "_rate_refused"
#: Whether the sidebar's "Start and stop" section is open (its widgets run only then).
START_AND_STOP = "open_start_and_stop"
#: The data the opening settings were chosen for, the line that says what was set, and
#: the run's settings as opened (what differs from them later was changed by hand).
OPENED_FOR = "_opened_for"
OPENED_NOTE = "_opened_note"
OPENED_WITH = "_opened_with"
#: What the router drew for the page that runs next (see :func:`ui.router.context`).
CONTEXT = "_context"
#: The Compare page's race: how many runs, the arrival tolerance, a note on the preset,
#: and its two log-axis toggles.
RACE_COUNT = "race_count"
RACE_TOLERANCE = "race_tol"
RACE_NOTE = "race_note"
RACE_LOG_LOSS = "race_view_log"
RACE_LOG_EPOCHS = "race_view_log_epochs"
#: Most runs in a race, and the settings each run owns (each stands in for the sidebar's).
RACE_MAX_RUNS = 6
RACE_FIELDS = ("optimizer", "learning_rate", "batch_mode", "batch_size", "schedule", "standardize")
#: The race's defaults: arrived within 1e-3 of the optimum's loss, the loss gap on a log axis.
RACE_DEFAULTS = {RACE_TOLERANCE: 1e-3, RACE_LOG_LOSS: True, RACE_LOG_EPOCHS: False}
#: The Descent page's pinned runs (each its own :data:`RACE_FIELDS`, the rest the sidebar's),
#: the data they belong to, and the line saying they were cleared for other data.
PINS = "_pins"
PINS_FOR = "_pins_for"
PINS_NOTE = "_pins_note"
#: Most pinned runs.
MAX_PINS = 3
#: The challenge whose starting settings were last opened (its key or link text), and why
#: the last challenge asked for could not be opened.
CHALLENGE_OPENED = "_challenge_opened"
CHALLENGE_ERROR = "_challenge_error"
#: The Challenges page's maker: the goal a teacher picks, its thresholds, what to keep, words.
MAKER_OPEN = "open_maker"
MAKER_GOAL = "maker_goal"
MAKER_WITHIN = "maker_within"
MAKER_BY = "maker_by"
MAKER_SHARE = "maker_share"
MAKER_NORM = "maker_norm"
MAKER_KEEP = "maker_keep"
MAKER_TITLE = "maker_title"
MAKER_TEXT = "maker_text"


def race_key(i: int, field: str) -> str:
    """Session key of ``field`` for race run ``i`` (0-based), e.g. ``race_0_optimizer``."""
    return f"race_{i}_{field}"


#: The race's own URL parameters: ``race1=adam,0.2`` … for its runs, and three for the rest.
_RACE_RUN = "race{}"
_RACE_URL = {
    RACE_TOLERANCE: "race_tol",
    RACE_LOG_LOSS: "race_log",
    RACE_LOG_EPOCHS: "race_log_epochs",
}


def run_text(run: Mapping[str, Any]) -> str:
    """A run's own fields (:data:`RACE_FIELDS`) as link text, ``adam,0.2``: in that order,
    trailing defaults left out. The race's runs and the Descent page's pins share it."""
    parts = [SCHEMA[field].encode(run[field]) for field in RACE_FIELDS]
    defaults = [SCHEMA[field].encode(SCHEMA[field].default) for field in RACE_FIELDS]
    while len(parts) > 2 and parts[-1] == defaults[len(parts) - 1]:
        parts.pop()
    return ",".join(parts)


def run_of(text: str, *, stops_only: bool = True) -> dict[str, Any]:
    """The fields :func:`run_text` wrote as ``text``; ValueError when one is not valid.

    ``stops_only``: the rate must be a stop of the rate control (a race's runs pick their
    rate from it; a pin keeps whatever rate was typed).
    """
    parts = text.split(",")
    if not 2 <= len(parts) <= len(RACE_FIELDS):
        raise ValueError(text)
    run = {field: SCHEMA[field].default for field in RACE_FIELDS}
    given = zip(RACE_FIELDS, parts, strict=False)
    run.update({field: SCHEMA[field].parse(part) for field, part in given})
    if stops_only and run["learning_rate"] not in LEARNING_RATES:
        raise ValueError(f"{run['learning_rate']} is not a stop of the race's rate control")
    return run


def _race_run(state: Mapping, i: int) -> dict[str, Any]:
    return {field: state[race_key(i, field)] for field in RACE_FIELDS}


def race_query(state: Mapping) -> dict[str, str]:
    """The race as URL text once it exists: its runs, and what differs from its defaults."""
    if RACE_COUNT not in state:
        return {}
    query = {
        _RACE_RUN.format(i + 1): run_text(_race_run(state, i)) for i in range(state[RACE_COUNT])
    }
    for key, default in RACE_DEFAULTS.items():
        value = state.get(key, default)
        if value != default:
            query[_RACE_URL[key]] = str(int(value)) if isinstance(value, bool) else repr(value)
    return query


def race_from_query(params: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The race a link holds, as session values, and the names of parameters not valid.

    Runs are read in order up to the first number missing; a run that is not valid is left
    out (and named), so the rest of the race still opens.
    """
    values: dict[str, Any] = {}
    invalid: list[str] = []
    count = 0
    for i in range(RACE_MAX_RUNS):
        name = _RACE_RUN.format(i + 1)
        if name not in params:
            break
        try:
            run = run_of(str(params[name]))
        except (ValueError, TypeError, OverflowError):
            invalid.append(name)
            continue
        values.update({race_key(count, field): value for field, value in run.items()})
        count += 1
    if count:
        values[RACE_COUNT] = count
    for key, default in RACE_DEFAULTS.items():
        text = params.get(_RACE_URL[key])
        if text is None:
            continue
        try:
            values[key] = _race_option(key, default, str(text))
        except ValueError:
            invalid.append(_RACE_URL[key])
    return values, invalid


def _race_option(key: str, default: Any, text: str) -> Any:
    """A race option's value from URL text: a toggle, or the tolerance in [1e-12, 1]."""
    if isinstance(default, bool):
        if text not in ("0", "1"):
            raise ValueError(f"{key}: {text!r} is not 0 or 1")
        return text == "1"
    tolerance = float(text)
    if not 1e-12 <= tolerance <= 1.0:
        raise ValueError(f"{key}: {text!r} is outside [1e-12, 1]")
    return tolerance


#: A pin's URL parameter: ``pin1=momentum,0.02`` … (the race's run codec).
_PIN = "pin{}"


def pins_query(state: Mapping) -> dict[str, str]:
    """The pinned runs as URL text: ``pin1``, ``pin2``, … each in the race's run codec."""
    return {_PIN.format(i + 1): run_text(pin) for i, pin in enumerate(state.get(PINS, ()))}


def pins_from_query(params: Mapping[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The pins a link holds, as session values, and the names of parameters not valid.

    A pin that is not valid is left out (and named), so the other pins still open.
    """
    pins: list[dict[str, Any]] = []
    invalid: list[str] = []
    for i in range(MAX_PINS):
        name = _PIN.format(i + 1)
        if name not in params:
            continue
        try:
            pins.append(run_of(str(params[name]), stops_only=False))
        except (ValueError, TypeError, OverflowError):
            invalid.append(name)
    return ({PINS: pins} if pins else {}), invalid


def init_state() -> None:
    """Give every setting a value: the URL's on a session's first run, else the default."""
    if _URL_READ not in st.session_state:
        params = st.query_params.to_dict()
        values, invalid = from_query(params)
        race, race_invalid = race_from_query(params)
        pins, pins_invalid = pins_from_query(params)
        for key, value in (values | race | pins).items():
            st.session_state[key] = value
        invalid += race_invalid + pins_invalid
        st.session_state[URL_PROBLEMS] = (
            [f"Not valid, so reset to the default: {', '.join(invalid)}."] if invalid else []
        )
        st.session_state[URL_KEYS] = frozenset(values)
        st.session_state[_URL_READ] = True
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value


def forget_columns(state: MutableMapping) -> None:
    """New data: let the target and features start from the data's own choice."""
    state["target"] = None
    state["features"] = None


def sync_url() -> None:
    """Write the current settings to the URL, so the address bar is a shareable link."""
    state = st.session_state
    settings: Mapping = state
    if LINK_COLUMNS in state:  # a link to an upload still waiting for its file keeps its columns
        _, target, features = state[LINK_COLUMNS]
        settings = ChainMap({"target": target, "features": features}, state)
    wanted = to_query(settings) | race_query(state) | pins_query(state)
    if wanted != st.query_params.to_dict():
        st.query_params.from_dict(wanted)
