"""The router: page set-up, the shared sidebar, navigation and the shareable URL.

``app.py`` calls :func:`route`; every page starts with :func:`context`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import streamlit as st

from ui import challenges, sidebar
from ui.state import CONTEXT, URL_PROBLEMS, init_state, sync_url
from ui.text import md_text

#: Set to 1 (the page tests do) to let a page's exception through instead of the
#: friendly message, so a test sees the page break.
STRICT_ENV = "DOWNHILL_STRICT"
#: The tab's icon, served by this app's own server. A ``:material/...:`` page icon would make
#: every browser fetch it from fonts.gstatic.com, which a school network may block.
FAVICON = Path(__file__).parent / "assets" / "favicon.svg"


def _pages() -> list:
    return [
        st.Page("pages/descent.py", title="Descent", icon=":material/show_chart:", default=True),
        st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
        st.Page("pages/learn.py", title="Learn", icon=":material/school:"),
        st.Page("pages/challenges.py", title="Challenges", icon=":material/flag:"),
    ]


def route() -> None:
    """Draw the sidebar, run the page the URL names, and write the settings to the URL."""
    # The settings first (they may come from a shared link), so a presentation opens with
    # the sidebar folded away; setting the page up draws nothing, so it may follow.
    init_state()
    # A challenge named by the link or a button opens its data and settings before the
    # sidebar draws them, as a shared link's do.
    challenges.open_pending(st.session_state)
    st.set_page_config(
        page_title="Downhill",
        page_icon=str(FAVICON),
        layout="wide",
        initial_sidebar_state="collapsed" if st.session_state["present"] else "auto",
    )
    page = st.navigation(_pages())
    try:
        context = sidebar.render()
        # After the sidebar, which repairs the link's columns against the chosen data.
        if st.session_state.get(URL_PROBLEMS):
            notes = " ".join(st.session_state.pop(URL_PROBLEMS))
            st.toast(f"The link was repaired. {notes}", icon=":material/build:")
        # Always drawn, so the page below keeps its place whether or not there is a problem.
        with st.container():
            if context.data_problem:
                st.warning(
                    f"{md_text(context.data_problem)} Until that is fixed in the sidebar, this "
                    f"shows the example “{context.dataset.name}”.",
                    icon=":material/warning:",
                )
        st.session_state[CONTEXT] = context
        # Before the page: once a page calls st.stop(), nothing more reaches the browser.
        sync_url()
        page.run()
        # Again after the page, for what the page itself keeps (the Compare page's race).
        sync_url()
    except Exception:
        if os.environ.get(STRICT_ENV) == "1":
            raise
        # People see a friendly message; the details go to the server log, never the page.
        logging.getLogger("downhill").exception("Unexpected error while drawing the page")
        st.error(
            "Something went wrong while drawing this page. Your settings are kept: try "
            "another setting, or reload the page.",
            icon=":material/error:",
        )
        sync_url()


def context() -> sidebar.Context:
    """The data, problem and settings the router drew for this run.

    A freshly started server that is first asked for a deep link (``/compare``)
    runs the file under ``pages/`` on its own, Streamlit's older folder-based
    pages. Then the page routes as ``app.py`` would (which runs it again, this
    time with a context) and stops its own, router-less run. The context is
    taken out of the session state, so a stale one is never used.
    """
    ctx = st.session_state.pop(CONTEXT, None)
    if ctx is None:
        route()
        st.stop()
    return ctx
