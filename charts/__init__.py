"""Pure functions from engine results to Plotly figures (no Streamlit here).

Import the figure builders from their modules, for example
``from charts.playback import playback_figure``. This file imports nothing:
submodules import ``charts.style`` back, and eager imports here made
concurrent first imports in the server collide.
"""
