"""The shared store stays within its bytes, evicts the least recently used, computes once."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from core import descend
from ui.store import Store, nbytes


def _kib(k: int) -> np.ndarray:
    return np.zeros(k * 128)  # k KiB of float64


def test_entries_stay_within_the_capacity_least_recently_used_first_out():
    store = Store(capacity=3 * 1024 + 100)
    for name in "abc":
        store.get(name, lambda: _kib(1))
    store.get("a", lambda: pytest.fail("a is kept"))  # a is now the most recent
    store.get("d", lambda: _kib(1))
    assert store.size <= store.capacity and len(store) == 3
    made = []
    store.get("b", lambda: made.append("b") or _kib(1))
    assert made == ["b"]  # b was the least recently used, so it went first
    store.get("a", lambda: pytest.fail("a is still kept"))


def test_a_result_larger_than_the_store_is_returned_and_not_kept():
    store = Store(capacity=1024)
    value = store.get("big", lambda: _kib(4))
    assert value.nbytes == 4096 and len(store) == 0 and store.size == 0


def test_an_error_reaches_the_caller_and_nothing_is_kept():
    store = Store(capacity=10**6)

    def fail():
        raise ValueError("bad settings")

    with pytest.raises(ValueError, match="bad settings"):
        store.get("k", fail)
    assert store.get("k", lambda: 1) == 1


def test_sessions_asking_for_the_same_key_at_once_share_one_computation():
    store = Store(capacity=10**6)
    calls = []

    def slow():
        calls.append(1)
        time.sleep(0.2)
        return _kib(1)

    results = []
    threads = [
        threading.Thread(target=lambda: results.append(store.get("k", slow))) for _ in range(5)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(results) == 5
    assert all(r is results[0] for r in results)


def test_nbytes_counts_a_runs_arrays_and_a_shared_array_once():
    X = np.arange(40.0).reshape(20, 2)
    run = descend(X, X @ [1.0, 2.0], learning_rate=1e-3, epochs=50)
    h = run.history
    arrays = [h.loss, h.coef, h.intercept, h.grad_coef, h.grad_intercept, h.learning_rate]
    assert nbytes(run) >= sum(a.nbytes for a in arrays)
    shared = _kib(8)
    assert nbytes((shared, shared, shared[:10])) == shared.nbytes
