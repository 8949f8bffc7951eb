"""A tutorial preset's article beside Downhill's run: what it printed, what its code gives.

Pure functions (no streamlit): the Descent page shows their table and sentences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from core import Run, predict, regression_metrics
from core.data import Article, Dataset, PresetRun
from ui.compute import Problem
from ui.settings import SCHEMA, state_of, used_keys

#: Significant digits to which Downhill's run counts as giving the code's number.
AGREE_DIGITS = 6


def measured(
    read: str, run: Run, problem: Problem, article_features: Sequence[str] | None = None
) -> float:
    """The number ``read`` names (see :class:`core.data.Printed`) in ``run``; NaN if not there.

    ``coef@e:j`` is the weight of the article's ``j``-th feature
    (``article_features[j]``; the run's own ``j``-th without them): NaN when the
    run does not fit that feature.

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
    if name in ("coef", "intercept"):
        try:
            row = -1 if at == -1 else int(h.rows([at])[0])
        except KeyError:  # a long run keeps a thinned history (core.History)
            return math.nan
        if name == "intercept":
            return float(h.intercept[row])
        column = _column(int(arg), problem.feature_names, article_features)
        return math.nan if column is None else float(h.coef[row, column])
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


def _column(j: int, fitted: Sequence[str], article: Sequence[str] | None) -> int | None:
    """The run's column of the article's ``j``-th feature, or None when it is not fitted."""
    name = article[j] if article is not None and j < len(article) else None
    if name is None:
        return j if article is None and j < len(fitted) else None
    return fitted.index(name) if name in fitted else None


def agrees(value: float, reference: float, digits: int = AGREE_DIGITS) -> bool:
    """True when ``value`` equals ``reference`` to ``digits`` significant digits."""
    scale = max(abs(reference), 1e-300)
    return math.isfinite(value) and abs(value - reference) <= 0.5 * 10 ** (1 - digits) * scale


def article_table(
    article: Article, run: Run, problem: Problem, article_features: Sequence[str]
) -> pd.DataFrame:
    """One row per printed number: the article's digits, its code's, Downhill's run's.

    ``article_features`` are the features the article fits, in its order; a weight
    of one the run does not fit reads "—".
    """
    rows = []
    for printed in article.numbers:
        value = measured(printed.read, run, problem, article_features)
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


def tutorial_state(run: PresetRun, dataset: Dataset) -> dict[str, Any]:
    """Every sidebar setting the tutorial runs with, its target and features included."""
    return {
        **state_of(run.settings),
        "target": dataset.target,
        "features": list(dataset.features),
    }


def changed_settings(run: PresetRun, dataset: Dataset, state: Mapping[str, Any]) -> list[str]:
    """The settings that differ from the tutorial's, by name, as the sidebar labels them."""
    wanted = tutorial_state(run, dataset)
    used = {*used_keys(run.settings), "target", "features"}
    return [
        SCHEMA[key].label
        for key, value in wanted.items()
        if key in used and state.get(key) != value
    ]
