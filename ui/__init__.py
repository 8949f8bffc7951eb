"""Helpers the Streamlit pages share: settings and their state, cached engine calls, sidebar.

Only this package and ``pages/`` import streamlit; ``charts`` and ``core`` never do.
"""
