"""The model against the data: data points, fitted lines, predicted against actual."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from charts import style
from charts.labels import joined, showing
from charts.ranges import padded_range
from charts.sampling import thin_rows
from charts.text import plotly_text


@dataclass(frozen=True)
class Points:
    """Rows drawn as a scatter, thinned from a larger set.

    Attributes
    ----------
    x, y : ndarray of shape (k,)
    total : int
        Rows before thinning (finite pairs only).
    """

    x: np.ndarray
    y: np.ndarray
    total: int

    @classmethod
    def thinned(cls, x, y, max_points: int, seed: int = 0) -> Points:
        """At most ``max_points`` finite pairs of ``x`` and ``y``, drawn from ``seed``."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        keep = np.isfinite(x) & np.isfinite(y)
        x, y = x[keep], y[keep]
        rows = thin_rows(x.size, max_points, seed)
        return cls(x[rows], y[rows], int(x.size))

    @property
    def note(self) -> str:
        """``"showing 2,000 of 100,000 rows"`` when thinned, else ``""``."""
        return showing(self.x.size, self.total)

    def trace(self, name: str = "data") -> go.Scatter:
        """The points as semi-transparent markers."""
        return go.Scatter(
            x=self.x,
            y=self.y,
            mode="markers",
            name=name,
            marker={"color": style.DATA, "size": 6, "opacity": 0.55},
            hovertemplate="%{x:.4g}, %{y:.4g}<extra></extra>",
        )


@dataclass(frozen=True)
class FeatureLine:
    """A linear model drawn against one feature, the others held at their means.

    Attributes
    ----------
    feature : int
        Column of ``X`` on the horizontal axis.
    means : ndarray of shape (n_features,)
        Column means, where the other features are held.
    span : tuple of float
        Lowest and highest value of the feature: where the line starts and ends.
    """

    feature: int
    means: np.ndarray
    span: tuple[float, float]

    @classmethod
    def of(cls, X: np.ndarray, feature: int) -> FeatureLine:
        """The line along column ``feature`` of ``X`` (finite values only)."""
        X = np.asarray(X, dtype=np.float64)
        column = X[:, feature]
        column = column[np.isfinite(column)]
        means = np.array([np.mean(c[np.isfinite(c)]) for c in X.T])
        return cls(feature, means, (float(column.min()), float(column.max())))

    def ends(self, coef, intercept: float) -> dict:
        """``{"x": [...], "y": [...]}`` of the model ``X @ coef + intercept`` at the span's ends."""
        coef = np.asarray(coef, dtype=np.float64)
        slope = coef[self.feature]
        level = intercept + coef @ self.means - slope * self.means[self.feature]
        x = np.array(self.span)
        return {"x": x, "y": slope * x + level}


def line_trace(ends: dict, *, name: str, color: str, dash: str = "solid") -> go.Scatter:
    """A fitted line through the two points ``ends``."""
    return go.Scatter(
        **ends,
        mode="lines",
        name=name,
        line={"color": color, "width": 3, "dash": dash},
        hoverinfo="skip",
    )


def diagonal_range(*values) -> list[float]:
    """One range covering every finite value given, for both axes of a square plot."""
    return padded_range(np.concatenate([np.ravel(v) for v in values]))


def predicted_vs_actual_figure(
    y, y_pred, *, target_name: str, max_points: int = 2000, height: int = 520
) -> go.Figure:
    """Predicted against actual target values, with the diagonal where they agree.

    Useful with several features, where no single line can show the fit.

    Parameters
    ----------
    y : array_like of shape (n_samples,)
        Actual values.
    y_pred : array_like of shape (n_samples,)
        Predictions of the model.
    target_name : str
        Name of the target, for the axis titles (shown as typed, see
        :func:`charts.text.plotly_text`).
    max_points : int
        Most points drawn (a seeded sample); the title says when rows were thinned.
    height : int
        Figure height in pixels.

    Returns
    -------
    go.Figure
        Traces: 0 the points (actual on x, predicted on y), 1 the diagonal ``y = x``.
    """
    points = Points.thinned(y, y_pred, max_points)
    bounds = diagonal_range(points.x, points.y)
    target = plotly_text(target_name)
    fig = go.Figure(
        [
            points.trace("rows"),
            line_trace(
                {"x": np.array(bounds), "y": np.array(bounds)},
                name="perfect prediction (y = x)",
                color=style.INK,
                dash="dash",
            ),
        ]
    )
    fig.update_layout(
        **style.base_layout(height, legend=style.LEGEND_INSIDE | {"x": 0.02, "xanchor": "left"}),
        title={"text": joined("Predicted against actual", points.note)},
        xaxis={"title": {"text": f"actual {target}"}, "range": bounds, "constrain": "domain"},
        yaxis={
            "title": {"text": f"predicted {target}"},
            "range": bounds,
            "scaleanchor": "x",
        },
    )
    style.readable_text(fig)
    return fig


def sets_side_by_side_figure(
    sets: dict[str, tuple[np.ndarray, np.ndarray]],
    coef: float,
    intercept: float,
    *,
    feature_name: str,
    target_name: str,
    height: int = 420,
) -> go.Figure:
    """Several data sets in panels side by side, on shared axes, with the same line on each.

    Anscombe's quartet this way shows why to look at the scatter before trusting
    a fit: four sets, one line, four different stories.

    Parameters
    ----------
    sets : dict of label -> (x, y)
        Each set's feature and target values, in panel order.
    coef, intercept : float
        The fitted line, drawn on every panel.
    feature_name, target_name : str
        Axis titles (shown as typed, see :func:`charts.text.plotly_text`).
    height : int

    Returns
    -------
    go.Figure
        Per panel, in order: the set's points, then the line.
    """
    labels = list(sets)
    feature, target = plotly_text(feature_name), plotly_text(target_name)
    fig = make_subplots(
        rows=1,
        cols=len(labels),
        shared_yaxes=True,
        horizontal_spacing=0.03,
        subplot_titles=[f"set {plotly_text(label)}" for label in labels],
    )
    xs = np.concatenate([x for x, _ in sets.values()])
    ys = np.concatenate([y for _, y in sets.values()])
    x_range, y_range = padded_range(xs), padded_range(ys)
    ends = np.array(x_range)
    for col, label in enumerate(labels, start=1):
        x, y = sets[label]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=y,
                mode="markers",
                name=f"set {plotly_text(label)}",
                showlegend=False,
                marker={"color": style.DATA, "size": 9, "line": {"color": style.INK, "width": 1}},
                hovertemplate=f"{feature} = %{{x:.4g}}<br>{target} = %{{y:.4g}}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.add_trace(
            line_trace(
                {"x": ends, "y": coef * ends + intercept},
                name=f"fitted line y = {coef:.3g}x + {intercept:.3g}",
                color=style.DESCENT,
            ).update(showlegend=col == 1),
            row=1,
            col=col,
        )
        fig.update_xaxes(range=x_range, title={"text": feature}, row=1, col=col)
    fig.update_yaxes(range=y_range, title={"text": target}, row=1, col=1)
    fig.update_layout(
        **style.base_layout(height, legend=style.LEGEND_BELOW, margin=style.MARGIN_BELOW)
    )
    style.readable_text(fig)
    return fig
