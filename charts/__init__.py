"""Pure functions from engine results to Plotly figures (no Streamlit here).

Import the figure builders from their modules, for example
``from charts.player_data import player_data``. This file imports nothing:
submodules import ``charts.style`` back, and eager imports here made
concurrent first imports in the server collide.
"""
