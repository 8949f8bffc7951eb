"""A tutorial preset's article beside Downhill's run: what it printed, what its code gives.

Pure functions (no streamlit): the Descent page shows their table and sentences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from core import Run, predict, regression_metrics
from core.data import Article, PresetRun
from ui.compute import Problem
from ui.opening import preset_state
from ui.settings import SCHEMA

#: Significant digits to which Downhill's run counts as giving the code's number.
AGREE_DIGITS = 6


def measured(read: str, run: Run, problem: Problem) -> float:
    """The number ``read`` names (see :class:`core.data.Printed`) in ``run``; NaN if not there.

    Raises
    ------
    ValueError
        For a ``read`` that names nothing a run shows.
    """
    name, _, arg = read.partition(":")
    name, _, epoch = name.partition("@")
    at = int(epoch) if epoch else -1
    h = run.history
    if epoch and at > run.epochs_run:
        return math.nan
    if name == "coef":
        return float(h.coef[at, int(arg)])
    if name == "intercept":
        return float(h.intercept[at])
    if name == "loss":
        return float(h.loss[at])
    if name == "predict":
        return float(predict([[float(arg)]], run.coef, run.intercept)[0])
    if name == "epochs":
        return float(run.epochs_run)
    if name == "test_r2":
        if not len(problem.y_test):
            return math.nan
        return regression_metrics(
            problem.y_test, predict(problem.X_test, run.coef, run.intercept)
        ).r2
    raise ValueError(f"a run shows no {read!r}")


def agrees(value: float, reference: float, digits: int = AGREE_DIGITS) -> bool:
    """True when ``value`` equals ``reference`` to ``digits`` significant digits."""
    scale = max(abs(reference), 1e-300)
    return math.isfinite(value) and abs(value - reference) <= 0.5 * 10 ** (1 - digits) * scale


def article_table(article: Article, run: Run, problem: Problem) -> pd.DataFrame:
    """One row per printed number: the article's digits, its code's, Downhill's run's."""
    rows = []
    for printed in article.numbers:
        value = measured(printed.read, run, problem)
        rows.append(
            {
                "quantity": printed.quantity,
                "article prints": printed.article or "—",
                "its code gives": f"{printed.code:.8g}",
                "Downhill's run": "—" if math.isnan(value) else f"{value:.8g}",
                "same to 6 digits": "yes" if agrees(value, printed.code) else "no",
            }
        )
    return pd.DataFrame(rows).set_index("quantity")


def changed_settings(run: PresetRun, state: Mapping[str, Any]) -> list[str]:
    """The settings that differ from the tutorial's, by name, as the sidebar labels them."""
    return [
        SCHEMA[key].label for key, value in preset_state(run).items() if state.get(key) != value
    ]
