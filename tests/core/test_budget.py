"""The budget's estimates bound what the engine really allocates, and its advice fits."""

from __future__ import annotations

import re
import tracemalloc
import warnings

import numpy as np
import pytest

from core import DivergenceWarning, sweep
from core.budget import MIB, Budget, Work


def _peak_bytes(rows: int, features: int, epochs: int, rates: int, batch_size=None) -> int:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, features))
    y = X @ rng.normal(size=features) + rng.normal(size=rows)
    ladder = list(np.geomspace(1e-4, 1e-2, rates))
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DivergenceWarning)
            sweep(X, y, ladder, epochs=epochs, batch_size=batch_size)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("rows", "features", "epochs", "rates", "batch_size"),
    [
        (200, 1, 1000, 43, None),
        (200, 30, 800, 43, None),
        (150, 120, 200, 10, None),
        (5000, 3, 40, 1, None),
        (300, 4, 30, 2, 16),
    ],
)
def test_the_memory_estimate_bounds_the_engines_peak_and_is_not_far_above_it(
    rows, features, epochs, rates, batch_size
):
    work = Work(rows=rows, features=features, epochs=epochs, rates=rates, batch_size=batch_size)
    peak = _peak_bytes(rows, features, epochs, rates, batch_size)
    assert peak <= work.bytes
    assert work.bytes <= 3 * peak + MIB


def test_the_wide_upload_that_took_the_server_down_is_refused_with_ways_to_fit():
    work = Work(rows=200, features=50, epochs=100_000, rates=43)
    budget = Budget()
    said = budget.refusal(work)
    assert said is not None and "lower the epochs to" in said
    epochs = int(re.search(r"lower the epochs to ([\d,]+)", said).group(1).replace(",", ""))
    assert budget.fits(Work(rows=200, features=50, epochs=epochs, rates=43))
    assert not budget.fits(Work(rows=200, features=50, epochs=epochs + 1, rates=43))


def test_every_way_the_refusal_names_fits_on_its_own():
    budget = Budget(memory_bytes=64 * MIB, seconds=2.0)
    sizes = {"rows": 20_000, "features": 20, "epochs": 400, "batch_size": 4}
    said = budget.refusal(Work(**sizes))
    assert said is not None
    ways = {
        "epochs": r"lower the epochs to ([\d,]+)",
        "features": r"use ([\d,]+) features",
        "batch_size": r"batches of ([\d,]+) rows",
    }
    named = 0
    for field, pattern in ways.items():
        found = re.search(pattern, said)
        if found:
            named += 1
            value = int(found.group(1).replace(",", ""))
            assert budget.fits(Work(**{**sizes, field: value}))
            step = 1 if field == "batch_size" else -1
            assert not budget.fits(Work(**{**sizes, field: value - step}))
    assert named >= 2, said


def test_too_many_features_are_refused_before_anything_else():
    said = Budget(max_features=50).refusal(Work(rows=10, features=51, epochs=10))
    assert said is not None and "at most 50" in said and "fewer features" in said


def test_a_run_within_the_budget_is_not_refused():
    assert Budget().refusal(Work(rows=100, features=1, epochs=300, rates=43)) is None


def test_most_rates_is_the_largest_count_that_fits():
    budget = Budget(memory_bytes=32 * MIB)
    work = Work(rows=200, features=10, epochs=5000, rates=43)
    k = budget.most_rates(work)
    assert 1 <= k < 43
    assert budget.fits(Work(rows=200, features=10, epochs=5000, rates=k))
    assert not budget.fits(Work(rows=200, features=10, epochs=5000, rates=k + 1))
    assert budget.most_rates(Work(rows=200, features=10, epochs=10**6)) == 0


def test_time_grows_with_every_size():
    base = Work(rows=1000, features=5, epochs=100, rates=2, batch_size=10)
    for field, value in [("rows", 2000), ("features", 10), ("epochs", 200), ("rates", 4)]:
        bigger = Work(**{**base.__dict__, field: value})
        assert bigger.seconds > base.seconds and bigger.bytes >= base.bytes
    assert Work(rows=1000, features=5, epochs=100, batch_size=1).seconds > base.seconds


def test_the_environment_sets_the_budget_and_bad_values_are_named():
    budget = Budget.from_environ(
        {"DOWNHILL_MEMORY_MIB": "100", "DOWNHILL_SECONDS": "3", "DOWNHILL_MAX_FEATURES": "7"}
    )
    assert budget.memory_bytes == 100 * MIB and budget.seconds == 3.0
    assert budget.max_features == 7 and budget.cache_bytes == Budget().cache_bytes
    assert Budget.from_environ({"DOWNHILL_OFFLOAD_SECONDS": "-1"}).offload_seconds == -1
    for bad in ["0", "-5", "lots", "nan", "inf"]:
        with pytest.raises(ValueError, match="DOWNHILL_SECONDS must be a positive number"):
            Budget.from_environ({"DOWNHILL_SECONDS": bad})


def test_offloading_follows_the_estimated_time():
    quick, slow = (
        Work(rows=10, features=1, epochs=10),
        Work(rows=10**5, features=2, epochs=10**4, batch_size=1),
    )
    budget = Budget(offload_seconds=0.25)
    assert not budget.offloaded(quick) and budget.offloaded(slow)
    assert Budget(offload_seconds=0).offloaded(quick)
    assert not Budget(offload_seconds=-1).offloaded(slow)


def test_a_budgeted_advice_search_finds_the_same_rate_a_chunk_at_a_time():
    from core.advice import working_rate

    rng = np.random.default_rng(4)
    X = rng.normal(size=(60, 2)) * [1.0, 3.0]
    y = X @ np.array([1.0, -2.0]) + 0.1 * rng.normal(size=60)
    ladder = list(np.geomspace(1e-5, 1.0, 31))
    free = working_rate(X, y, ladder, epochs=2000)
    assert free is not None and ladder.index(free) < 31 - 3  # found past the first chunk
    # Memory for three trial runs at a time: the candidates go in chunks, largest first.
    tight = Budget(memory_bytes=Work(rows=60, features=2, epochs=2000, rates=3).bytes)
    assert tight.most_rates(Work(rows=60, features=2, epochs=2000, rates=31)) == 3
    assert working_rate(X, y, ladder, epochs=2000, budget=tight) == free


def test_advice_that_cannot_afford_one_trial_says_so_instead_of_running():
    from core.advice import rate_advice

    X = np.arange(20.0).reshape(10, 2)
    y = X[:, 0] + 1.0
    small = Budget(memory_bytes=MIB)
    advice = rate_advice(X, y, [0.001, 0.01], epochs=100_000, budget=small)
    assert advice.rate is None and not advice.standardize
    assert "No rate was tried" in advice.reason and "Lower the epochs" in advice.reason
