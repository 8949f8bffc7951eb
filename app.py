"""Downhill: watch gradient descent fit a linear regression, step by step.

Run with ``streamlit run app.py``; the routing itself lives in :mod:`ui.router`.
"""

from ui.router import route

route()
