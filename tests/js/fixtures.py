"""Bodies Python sends the player, as the shape the JS tests hold its schema against.

``python -m tests.js.fixtures`` writes ``tests/js/fixtures/{ladder,race}.json``: a small
problem's bodies (:func:`charts.player_data.player_data`, :func:`charts.race.race_data`)
reduced to their keys (:func:`skeleton`). ``test_js.py`` checks the files are what the code
sends now; ``protocol.test.js`` checks that every place the player reads is in them.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from charts.labels import parameter_names
from charts.player_data import player_data
from charts.race import race_data
from core import QuadraticLoss, descend, ols

FOLDER = Path(__file__).parent / "fixtures"


class _Problem:
    def __init__(self) -> None:
        rng = np.random.default_rng(0)
        self.X = rng.uniform(0, 2, (40, 1))
        self.y = 2.0 * self.X[:, 0] + 1.0 + rng.normal(0, 0.3, 40)
        self.feature_names, self.target_name = ["x"], "y"
        self.loss = QuadraticLoss.from_data(self.X, self.y)
        self.test_loss, self.fit = self.loss, ols(self.X, self.y)
        self.true_coef, self.true_intercept = np.array([2.0]), 1.0


def skeleton(node):
    """``node``'s keys all the way down: a list keeps its objects, ``uid`` keeps its value."""
    if isinstance(node, dict):
        return {k: v if k == "uid" else skeleton(v) for k, v in node.items()}
    if isinstance(node, list):
        return [skeleton(item) for item in node if isinstance(item, dict)]
    return None


def bodies() -> dict:
    """The ladder's and the race's bodies for a small line problem, as skeletons."""
    problem = _Problem()
    rates = (0.01, 0.1)
    runs = [descend(problem.X, problem.y, learning_rate=r, epochs=30) for r in rates]
    names = parameter_names(problem.feature_names, True)
    race = race_data([("1. GD", runs[0]), ("2. GD", runs[1])], problem.fit, problem.loss,
                     param_names=names)  # fmt: skip
    ladder = player_data(runs, rates, problem)
    return {"ladder": skeleton(json.loads(json.dumps(ladder))), "race": skeleton(race)}


def write() -> None:
    for mode, body in bodies().items():
        (FOLDER / f"{mode}.json").write_text(json.dumps(body, indent=1) + "\n")


if __name__ == "__main__":
    write()
