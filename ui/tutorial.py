"""A tutorial preset's article beside Downhill's run: what it printed, what its code gives.

Pure functions (no streamlit): the Descent page shows their table and sentences.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from core import Run
from core.articles import AGREE_DIGITS, Article, agrees, shown
from core.data import Dataset, PresetRun
from ui.compute import Problem
from ui.settings import SCHEMA, state_of, used_keys


def article_table(
    article: Article, run: Run, problem: Problem, article_features: Sequence[str]
) -> pd.DataFrame:
    """One row per printed number: the article's digits, its code's, Downhill's run's.

    ``article_features`` are the features the article fits, in its order; a weight
    of one the run does not fit reads "—".
    """
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
        rows.append(
            {
                "quantity": printed.quantity,
                "article prints": printed.article or "—",
                "its code gives": f"{printed.code:.8g}",
                "Downhill's run": "—" if math.isnan(value) else f"{value:.8g}",
                f"same to {AGREE_DIGITS} digits": "yes" if agrees(value, printed.code) else "no",
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
