"""A tutorial preset's article beside Downhill's run: what it printed, what its code gives.

Pure functions (no streamlit): the Descent page shows their table and sentences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from core import Run
from core.articles import AGREE_DIGITS, Article, agrees, shown
from core.data import Dataset, PresetRun
from ui.compute import Problem
from ui.settings import SCHEMA, state_of, used_keys
from ui.tables import Grid


def article_table(
    article: Article, run: Run, problem: Problem, article_features: Sequence[str]
) -> Grid:
    """One row per printed number: the article's digits, its code's, Downhill's run's.

    ``article_features`` are the features the article fits, in its order; a weight
    of one the run does not fit reads "—".
    """
    agree = f"same to {AGREE_DIGITS} digits"
    columns = ("article prints", "its code gives", "Downhill's run", agree)
    rows = []
    for printed in article.numbers:
        value = shown(
            printed.where,
            run,
            features=problem.feature_names,
            article_features=article_features,
            X_test=problem.X_test,
            y_test=problem.y_test,
        )
        cells = (
            printed.article or "—",
            f"{printed.code:.8g}",
            "—" if math.isnan(value) else f"{value:.8g}",
            "yes" if agrees(value, printed.code) else "no",
        )
        rows.append((printed.quantity, cells))
    return Grid(columns, tuple(rows), corner="quantity")


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
