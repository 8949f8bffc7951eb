"""What new data opens with: a tutorial's own settings, or a rate that fits the data."""

import pytest

from core import QuadraticLoss, stability_of
from core.data import PRESETS, bundled, preset
from ui.opening import OPENED_KEYS, fitted_state, open_data
from ui.settings import DEFAULTS, SCHEMA, state_of
from ui.specs import DataSpec

#: The presets that open on their tutorial's own run.
RUN_PRESETS = [key for key, example in PRESETS.items() if example.run is not None]


def _stability(key: str):
    data = preset(key)
    X, y = data.table.xy(data.target, data.features)
    return stability_of(QuadraticLoss.from_data(X, y))


def _engel():
    data = bundled("engel")
    X, y = data.table.xy(data.target, data.features)
    return stability_of(QuadraticLoss.from_data(X, y))


@pytest.mark.parametrize("key", RUN_PRESETS)
def test_every_tutorial_s_settings_are_valid_sidebar_settings(key):
    state = state_of(PRESETS[key].run.settings)
    assert set(state) == set(OPENED_KEYS)
    for name, value in state.items():
        assert SCHEMA[name].check(value) == value, name


def test_the_default_bowl_opens_on_the_rate_it_always_had():
    # The smallest stop that closes the gap a million-fold in 300 epochs: 0.03 needs 310.
    changes, reason = fitted_state(DEFAULTS, _stability("clear_bowl"))
    assert changes == {"learning_rate": 0.05, "standardize": False}
    assert "million-fold within 300 epochs" in reason


def test_extreme_scaling_opens_standardized_and_says_why():
    changes, reason = fitted_state(DEFAULTS, _engel())
    assert changes["standardize"] is True
    assert "κ = 5.7e+06" in reason


def test_a_link_that_sets_the_rate_is_obeyed():
    state = dict(DEFAULTS, learning_rate=3.0)
    spec = DataSpec("bundled", name="engel")
    note = open_data(state, spec, lambda s: _engel(), frozenset({"learning_rate"}))
    assert note is None
    assert state["learning_rate"] == 3.0


def test_a_tutorial_opens_with_its_article_s_settings():
    state = dict(DEFAULTS)
    note = open_data(state, DataSpec("preset", name="tutorial_400_points"), _stability, frozenset())
    assert "own settings" in note
    assert (state["learning_rate"], state["epochs"], state["loss"]) == (5e-4, 100_000, "half_mse")


def test_nothing_is_said_when_the_rate_already_fits():
    state = dict(DEFAULTS)
    spec = DataSpec("preset", name="clear_bowl")
    note = open_data(state, spec, lambda s: _stability("clear_bowl"), frozenset())
    assert note is None
    assert state["learning_rate"] == 0.05


@pytest.mark.parametrize("before", RUN_PRESETS)
@pytest.mark.parametrize("after", ["clear_bowl", "tutorial_5_points", "correlated"])
def test_new_data_opens_on_its_own_settings_whatever_was_open_before(before, after):
    # Item 1 of the journeys issue: a tutorial's stochastic steps, file order, tolerance,
    # ½·MSE or 100,000 epochs used to stay when the next example was picked.
    def stability(state):
        return _stability(after)

    fresh = dict(DEFAULTS)
    open_data(fresh, DataSpec("preset", name=after), stability, frozenset())
    switched = dict(DEFAULTS)
    open_data(switched, DataSpec("preset", name=before), lambda s: _stability(before), frozenset())
    open_data(switched, DataSpec("preset", name=after), stability, frozenset())
    assert {k: switched[k] for k in OPENED_KEYS} == {k: fresh[k] for k in OPENED_KEYS}


def test_new_columns_of_the_same_data_keep_the_run_and_refit_the_rate():
    state = {**DEFAULTS, "optimizer": "adam", "epochs": 1000}
    spec = DataSpec("bundled", name="engel")
    note = open_data(state, spec, lambda s: _engel(), frozenset(), new_data=False)
    assert (state["optimizer"], state["epochs"]) == ("adam", 1000)
    assert note is None or note.startswith("Opened at a rate")
