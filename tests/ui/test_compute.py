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


def test_an_upload_keeps_its_parsed_table_once_per_content_and_no_bytes():
    from ui.data_choice import accept_upload, spec_of

    raw = b"x,y\n1,2\n2,4.1\n3,5.9\n4,8.2\n"
    first, second = {"data_source": "upload"}, {"data_source": "upload"}
    accept_upload(first, "a.csv", raw)
    accept_upload(second, "b.csv", bytes(raw))
    assert not any(isinstance(v, bytes | bytearray) for v in (*first.values(), *second.values()))
    (spec_a, table_a), (spec_b, table_b) = spec_of(first), spec_of(second)
    assert table_a is table_b and spec_a.digest == spec_b.digest
    assert table_a.columns == ["x", "y"] and spec_a.name == "a.csv"
