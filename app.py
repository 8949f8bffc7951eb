"""Downhill: watch gradient descent fit a linear regression, step by step.

The router: it sets the page up, draws the shared sidebar (so its settings
persist across pages), runs the chosen page and keeps the URL in step.
"""

import logging

import streamlit as st

from ui import sidebar
from ui.state import URL_PROBLEMS, init_state, sync_url

st.set_page_config(page_title="Downhill", page_icon=":material/downhill_skiing:", layout="wide")

PAGES = [
    st.Page("pages/descent.py", title="Descent", icon=":material/show_chart:", default=True),
    st.Page("pages/compare.py", title="Compare", icon=":material/compare_arrows:"),
    st.Page("pages/learn.py", title="Learn", icon=":material/school:"),
]

init_state()
page = st.navigation(PAGES)
if st.session_state.get(URL_PROBLEMS):
    names = ", ".join(st.session_state.pop(URL_PROBLEMS))
    st.toast(f"Some settings in the link were not valid and were reset: {names}.")
try:
    st.session_state[sidebar.CONTEXT_KEY] = sidebar.render()
    page.run()
except Exception:
    # People see a friendly message; the details go to the server log, never the page.
    logging.getLogger("downhill").exception("Unexpected error while drawing the page")
    st.error(
        "Something went wrong while drawing this page. Your settings are kept: try another "
        "setting, or reload the page.",
        icon=":material/error:",
    )
sync_url()
