"""What the app's caches hold is shared, not copied, so nothing may change it."""

from __future__ import annotations

import numpy as np
import pytest

from core import descend
from tests.ui.problems import problem_key
from ui import compute


def test_read_only_reaches_every_array_in_nested_records():
    X = np.linspace(-1, 1, 20)[:, None]
    run = compute.read_only(descend(X, 2 * X[:, 0] + 1, learning_rate=0.1, epochs=5))
    assert not run.coef.flags.writeable
    assert not run.history.loss.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        run.history.loss[0] = 0.0


def test_a_cached_problem_is_shared_and_cannot_be_changed():
    key = problem_key("preset", "clear_bowl")
    first = compute.problem(key, None)
    assert compute.problem(key, None) is first, "a rerun gets the same object, not a copy"
    for array in (first.X, first.y, first.X_test, first.fit.coef):
        with pytest.raises(ValueError, match="read-only"):
            array[...] = 0
    dataset = compute.load_dataset(key.data)
    with pytest.raises(ValueError, match="read-only"):
        dataset.table.values[0, 0] = 1.0
