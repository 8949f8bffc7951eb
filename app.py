"""Downhill: watch gradient descent fit a linear regression, step by step.

Run with ``streamlit run app.py``. Streamlit finds ``app`` below and serves it (an
``st.App``: Streamlit's server with :mod:`ui.serving` in front), then runs this file as
the page script for every visitor, under the name ``__main__``; the routing itself
lives in :mod:`ui.router`.
"""

import streamlit as st

if __name__ == "__main__":
    from ui.router import route

    route()
else:
    from ui.serving import middleware

    app = st.App(__file__, middleware=middleware())
