"""A long run keeps what the views draw: its first epochs, an even spread and its last.

Every kept state must be the very state the run passed through (the same arithmetic
as a run that keeps every epoch), and everything the pages state from the loss stays
exact: the loss and rate of every epoch are kept whatever the run's length.
"""

from __future__ import annotations

import numpy as np
import pytest

from core import DivergenceWarning, descend, sweep
from core.descent import HISTORY_HEAD, kept_epochs


def _data(n: int = 80, d: int = 3):
    rng = np.random.default_rng(11)
    X = rng.normal(size=(n, d)) * [1.0, 2.0, 0.5][:d]
    return X, X @ np.array([1.5, -2.0, 0.7][:d]) + 3.0 + 0.1 * rng.normal(size=n)


def test_kept_epochs_hold_the_head_an_even_spread_and_the_last():
    assert np.array_equal(kept_epochs(300, 2001), np.arange(301))
    kept = kept_epochs(100_000, 2001)
    assert kept[0] == 0 and kept[-1] == 100_000 and len(kept) <= 2001
    assert np.array_equal(kept[:HISTORY_HEAD], np.arange(HISTORY_HEAD))
    assert np.all(np.diff(kept) > 0)
    assert np.max(np.diff(kept)) <= 2 * 100_000 / (2001 - HISTORY_HEAD)


@pytest.mark.parametrize(
    "settings",
    [
        {"optimizer": "gd", "learning_rate": 0.05},
        {"optimizer": "adam", "learning_rate": 0.01, "standardize": True},
        {"optimizer": "momentum", "learning_rate": 0.02, "schedule": "step"},
        {"learning_rate": 0.01, "batch_size": 16},
    ],
    ids=["gd", "adam-standardized", "momentum-step", "mini-batch"],
)
def test_a_thinned_history_holds_exactly_the_states_a_full_one_holds(settings):
    X, y = _data()
    full = descend(X, y, epochs=3000, max_history_points=10**6, **settings)
    thin = descend(X, y, epochs=3000, max_history_points=300, **settings)
    h, H = thin.history, full.history
    assert H.every_epoch and not h.every_epoch and len(h.epoch) <= 301
    assert h.epoch[-1] == thin.epochs_run == full.epochs_run
    for name in ("coef", "intercept", "grad_coef", "grad_intercept"):
        np.testing.assert_array_equal(getattr(h, name), getattr(H, name)[h.epoch])
    np.testing.assert_array_equal(h.loss, H.loss)
    np.testing.assert_array_equal(h.learning_rate, H.learning_rate)
    np.testing.assert_array_equal(thin.coef, full.coef)
    assert h.rows([0, int(h.epoch[-1])]).tolist() == [0, len(h.epoch) - 1]
    with pytest.raises(KeyError, match="were not kept"):
        h.rows([int(h.epoch[-2]) + 1])


def test_an_early_stop_and_a_blow_up_keep_their_last_epoch_off_the_spread():
    X, y = _data()
    stopped = descend(X, y, learning_rate=0.05, epochs=50_000, tol=1e-12, max_history_points=100)
    assert stopped.stop_reason == "converged" and stopped.epochs_run < 50_000
    assert stopped.history.epoch[-1] == stopped.epochs_run
    np.testing.assert_array_equal(stopped.history.coef[-1], stopped.coef)
    with pytest.warns(DivergenceWarning, match="1 of 2 learning rates diverged"):
        runs = sweep(X, y, [0.05, 2.0], epochs=50_000, max_history_points=100)
    blown = runs[1]
    assert blown.diverged and blown.history.epoch[-1] == blown.epochs_run
    assert np.all(np.isfinite(blown.history.coef)) and np.isfinite(blown.history.loss[-1])
    np.testing.assert_array_equal(blown.history.coef[-1], blown.coef)
    assert runs[0].history.epoch[-1] == 50_000 and len(runs[0].history.epoch) <= 101


def test_a_sweep_of_many_epochs_keeps_memory_to_what_is_drawn():
    X, y = _data(d=3)
    runs = sweep(X, y, list(np.geomspace(1e-4, 0.05, 10)), epochs=100_000)
    for run in runs:
        assert run.history.coef.shape == (len(run.history.epoch), 3)
        assert len(run.history.epoch) <= 2001 and run.history.loss.shape == (100_001,)
