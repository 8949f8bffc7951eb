"""Session state: every key the app keeps, initialised in one place from defaults and the URL.

Settings (the keys of :data:`ui.settings.SCHEMA`) are read from a shared link on a
session's first run and written back to the URL after every run. The other keys
below hold what the app itself keeps between runs; no other module invents one.
"""

from __future__ import annotations

from collections.abc import MutableMapping

import streamlit as st

from ui.settings import DEFAULTS, from_query, to_query

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
#: The learning rate's two widgets: the ladder and the typed value (both write ``learning_rate``).
RATE_LADDER = "rate_ladder"
RATE_TYPED = "rate_typed"
#: What the two rate widgets were last set to, and what they showed before that.
RATE_SHOWN = "_rate_shown"
RATE_SHOWN_BEFORE = "_rate_shown_before"
#: Whether the sidebar's "Start and stop" section is open (its widgets run only then).
START_AND_STOP = "open_start_and_stop"
#: The data the opening settings were chosen for, the line that says what was set, and
#: the run's settings as opened (what differs from them later was changed by hand).
OPENED_FOR = "_opened_for"
OPENED_NOTE = "_opened_note"
OPENED_WITH = "_opened_with"
#: What the router drew for the page that runs next (see :func:`ui.router.context`).
CONTEXT = "_context"
#: The Compare page's race: how many runs, the arrival tolerance, a note on the preset.
RACE_COUNT = "race_count"
RACE_TOLERANCE = "race_tol"
RACE_NOTE = "race_note"
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


def init_state() -> None:
    """Give every setting a value: the URL's on a session's first run, else the default."""
    if _URL_READ not in st.session_state:
        values, invalid = from_query(st.query_params.to_dict())
        for key, value in values.items():
            st.session_state[key] = value
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
    wanted = to_query(st.session_state)
    if wanted != st.query_params.to_dict():
        st.query_params.from_dict(wanted)
