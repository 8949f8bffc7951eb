"""Session state: initialised in one place, from defaults and the URL, and written back to it."""

from __future__ import annotations

import streamlit as st

from ui.settings import DEFAULTS, from_query, to_query

_URL_READ = "_url_read"
UPLOAD_BYTES = "_upload_bytes"
UPLOAD_NAME = "_upload_name"
UPLOAD_ERROR = "_upload_error"
URL_PROBLEMS = "_url_problems"


def init_state() -> None:
    """Give every setting a value: the URL's on a session's first run, else the default."""
    if _URL_READ not in st.session_state:
        values, invalid = from_query(st.query_params.to_dict())
        for key, value in values.items():
            st.session_state[key] = value
        st.session_state[URL_PROBLEMS] = invalid
        st.session_state[_URL_READ] = True
    for key, value in DEFAULTS.items():
        if key not in st.session_state:
            st.session_state[key] = value


def sync_url() -> None:
    """Write the current settings to the URL, so the address bar is a shareable link."""
    wanted = to_query(st.session_state)
    if wanted != st.query_params.to_dict():
        st.query_params.from_dict(wanted)
