"""Tables of numbers the pages show, built from engine results.

The small tables a page writes as Markdown are :class:`Grid` records of strings; the
two an expander shows as an interactive table are pandas DataFrames. Pure functions (no
streamlit), so they are tested without a running app.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from charts.labels import parameter_names
from core import Metrics, Run, Stability, predict, regression_metrics
from core.advice import converged
from ui.compute import Problem
from ui.settings import OPTIMIZER_LABELS
from ui.text import md_name


def rule_column(optimizer: str) -> str:
    """The parameter table's column for a run of ``optimizer``: the rule, by name."""
    return "gradient descent" if optimizer == "gd" else OPTIMIZER_LABELS[optimizer]


@dataclass(frozen=True)
class Grid:
    """A small table of strings, as a page shows it: row labels, column names, cells.

    Plain Python, so a page builds one in microseconds where a DataFrame takes a
    fraction of a millisecond on every rerun.

    Attributes
    ----------
    columns : tuple of str
        The column names, in order.
    rows : tuple of (str, tuple of str)
        Each row's label and its cells, one per column.
    corner : str
        What the column of row labels is called ("" for nothing).

    Raises
    ------
    ValueError
        If a row does not have one cell per column.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    corner: str = ""

    def __post_init__(self) -> None:
        for label, cells in self.rows:
            if len(cells) != len(self.columns):
                raise ValueError(
                    f"Row {label!r} has {len(cells)} cells for {len(self.columns)} columns."
                )

    @classmethod
    def from_columns(
        cls, columns: Mapping[str, Sequence[str]], labels: Sequence[str], corner: str = ""
    ) -> Grid:
        """The grid whose column ``name`` holds ``columns[name]``, row by row of ``labels``."""
        cells = list(zip(*columns.values(), strict=True)) or [()] * len(labels)
        return cls(tuple(columns), tuple(zip(labels, cells, strict=True)), corner)

    @property
    def labels(self) -> list[str]:
        """The row labels, in order."""
        return [label for label, _ in self.rows]

    def column(self, name: str) -> dict[str, str]:
        """Column ``name``'s cells by row label."""
        at = self.columns.index(name)
        return {label: cells[at] for label, cells in self.rows}


def parameters_table(run: Run, problem: Problem) -> Grid:
    """Final parameters beside the closed form and, for generated data, the truth.

    Each reads to 6 significant digits, so a coefficient of 7e-07 reads so, not 0.0000.
    Its labels are Markdown (:func:`markdown_table`), where a long word does not wrap: the
    feature names in the row labels are shortened and escaped (:func:`ui.text.md_name`).
    """
    fit_intercept = run.fit_intercept
    size = run.coef.size + fit_intercept
    columns = {
        rule_column(run.settings.optimizer): [*run.coef, run.intercept][:size],
        "closed form": [*problem.fit.coef, problem.fit.intercept][:size],
    }
    if problem.true_coef is not None:
        columns["true"] = [*problem.true_coef, problem.true_intercept][:size]
    labels = parameter_names([md_name(name) for name in problem.feature_names], fit_intercept)
    shown = {name: [f"{value:.6g}" for value in values] for name, values in columns.items()}
    return Grid.from_columns(shown, labels)


def markdown_table(grid: Grid) -> str:
    """``grid`` as a Markdown table for ``st.markdown``: its row labels first, its columns
    right-aligned.

    A Markdown table is drawn by the page's Markdown renderer, where ``st.table`` needs a
    browser to fetch eight more script files and the server to send the frame as Arrow.
    Labels and cells are Markdown: a name from people's data goes in escaped
    (:func:`ui.text.md_name`), whose ``\\|`` stays inside its cell; the rest is ours and
    holds no ``|`` or line break.

    Parameters
    ----------
    grid : Grid
        Labels and cells as the strings to show.

    Returns
    -------
    str
        GitHub-flavoured Markdown: a header row (the corner, then the columns), the
        alignment row, and one row per row of ``grid``.
    """
    header = [grid.corner, *grid.columns]
    align = ["---", *("---:" for _ in grid.columns)]
    rows = [[label, *cells] for label, cells in grid.rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in (header, align, *rows))


#: The run table's column, and how it says why a run stopped.
THIS_RUN = "this run"
STOPPED = {"max_epochs": "all epochs", "converged": "converged", "diverged": "diverged"}


def run_table(run: Run, best_loss: float) -> Grid:
    """Epochs run, final loss, the optimum's loss ``best_loss`` and why the run stopped.

    A tolerance stop away from the optimum reads "tolerance met", not "converged"
    (:func:`core.advice.converged`).
    """
    stop = STOPPED[run.stop_reason]
    if run.stop_reason == "converged" and not converged(run, best_loss):
        stop = "tolerance met"
    rows = {
        "Epochs run": f"{run.epochs_run:,}",
        "Final loss": f"{run.history.loss[-1]:.6g}",
        "Optimum loss": f"{best_loss:.6g}",
        "Stopped because": stop,
    }
    # One figure a row, so the table stays narrow enough for a phone.
    return Grid.from_columns({THIS_RUN: list(rows.values())}, list(rows))


def metrics_of(problem: Problem, coef: np.ndarray, intercept: float) -> dict[str, Metrics]:
    """Metrics on the training rows and, when there are any, the test rows."""
    out = {"train": regression_metrics(problem.y, predict(problem.X, coef, intercept))}
    if len(problem.y_test):
        out["test"] = regression_metrics(problem.y_test, predict(problem.X_test, coef, intercept))
    return out


def metrics_table(metrics: dict[str, Metrics]) -> Grid:
    """R², MSE, RMSE and MAE per split, to 4 significant digits (a blown-up run's fit
    reads ``-4.1e+10``, not a number wider than its cell)."""
    names = ("R²", "MSE", "RMSE", "MAE")
    return Grid.from_columns(
        {
            split: [f"{value:.4g}" for value in (m.r2, m.mse, m.rmse, m.mae)]
            for split, m in metrics.items()
        },
        names,
    )


def stability_table(stability: Stability) -> pd.DataFrame:
    """λmin, λmax, condition number and rates, raw beside standardized."""

    def column(spectrum):
        return {
            "λmin": spectrum.lambda_min,
            "λmax": spectrum.lambda_max,
            "condition number κ": spectrum.condition,
            "stable limit 2/λmax": spectrum.max_stable_lr,
            "best rate 2/(λmin+λmax)": spectrum.best_lr,
        }

    frame = pd.DataFrame(
        {"raw features": column(stability.raw), "standardized": column(stability.standardized)}
    )
    return frame.map(lambda v: "∞" if math.isinf(v) else f"{v:.4g}")


def first_iterations(run: Run, feature_names: list[str], count: int = 10) -> pd.DataFrame:
    """Epoch, weights, bias, loss and gradient for the first ``count`` epochs."""
    h = run.history
    rows = min(count + 1, len(h.loss))
    data = {"epoch": np.arange(rows)}
    for j, name in enumerate(feature_names):
        data[f"w ({name})"] = h.coef[:rows, j]
    if run.fit_intercept:
        data["b"] = h.intercept[:rows]
    data["loss"] = h.loss[:rows]
    for j, name in enumerate(feature_names):
        data[f"∂L/∂w ({name})"] = h.grad_coef[:rows, j]
    if run.fit_intercept:
        data["∂L/∂b"] = h.grad_intercept[:rows]
    return pd.DataFrame(data).set_index("epoch")
