"""Pure functions from engine results to Plotly figures (no Streamlit here).

>>> from charts import playback_figure                             # doctest: +SKIP
>>> fig = playback_figure(run, fit, loss, X, y, feature_names=["income"],
...                       target_name="foodexp")                   # doctest: +SKIP
"""

from charts.fit import predicted_vs_actual_figure
from charts.labels import parameter_names
from charts.learn import convergence_figure, ridge_surface_figure, surfaces_side_by_side
from charts.playback import playback_figure
from charts.race import race_figure
from charts.rate import rate_strip_figure
from charts.sampling import frame_epochs

__all__ = [
    "convergence_figure",
    "frame_epochs",
    "parameter_names",
    "playback_figure",
    "predicted_vs_actual_figure",
    "race_figure",
    "rate_strip_figure",
    "ridge_surface_figure",
    "surfaces_side_by_side",
]
