"""The settings schema: ranges inside the engine's, every value's URL text read back the same."""

import math

import pytest

from core import MAX_EPOCHS, OPTIMIZERS, SCHEDULES, Settings, learning_rates, make_optimizer
from tests.core.helpers import EVERY_FIELD
from ui.settings import (
    DEFAULTS,
    OPENING,
    OPTIMIZER_KEYS,
    RUN_KEYS,
    SCHEDULE_KEYS,
    SCHEMA,
    SETTINGS,
    from_query,
    run_settings,
    state_of,
    to_query,
)


def edges(setting):
    """The values at a setting's edges: its range ends, every option, both truths."""
    if setting.kind in ("int", "float"):
        return [setting.low, setting.high]
    if setting.kind in ("choice", "rate"):
        return list(setting.choices)
    if setting.kind == "bool":
        return [False, True]
    return []


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.key)
def test_every_value_at_the_edges_reads_back_from_its_url_text(setting):
    for value in edges(setting):
        text = setting.encode(value)
        assert setting.parse(text) == value, (setting.key, value, text)
        values, invalid = from_query({setting.key: text})
        assert not invalid
        assert values == {setting.key: value}


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.kind in ("int", "float")],
                         ids=lambda s: s.key)  # fmt: skip
def test_values_past_the_edges_are_refused(setting):
    span = setting.high - setting.low
    for outside in (setting.low - max(1.0, span), setting.high + max(1.0, span), math.nan):
        assert from_query({setting.key: str(outside)})[1] == [setting.key]


def test_a_decay_the_widget_allows_travels_in_a_link():
    # β = 0.9995 used to be refused by the link parser although the widget took it.
    values, invalid = from_query(to_query({**DEFAULTS, "beta": 0.9995}))
    assert not invalid
    assert values["beta"] == 0.9995


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_hyperparameter_ranges_lie_inside_the_engine_s(name):
    for key in OPTIMIZER_KEYS[name]:
        for value in (SCHEMA[key].low, SCHEMA[key].high):
            assert make_optimizer(name, **{key: value}).hyperparameters[key] == value


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_ranges_lie_inside_the_engine_s(name):
    assert set(SCHEDULE_KEYS[name].values()) == set(SCHEDULES[name])
    for key, param in SCHEDULE_KEYS[name].items():
        setting = SCHEMA[key]
        for value in (setting.low, setting.high):
            # The cosine schedule's final rate may not pass the starting rate.
            rate = max(1.0, value)
            rates = learning_rates(name, rate, 10, **{param: value})
            assert rates.shape == (10,) and all(math.isfinite(r) for r in rates)


def test_epoch_range_lies_inside_the_engine_s():
    assert SCHEMA["epochs"].high <= MAX_EPOCHS


def test_run_settings_are_the_engine_s_settings_record():
    settings = run_settings({**DEFAULTS, "init_weight": 1.5}, n_rows=100)
    assert isinstance(settings, Settings)
    assert list(settings.checked(100, 3).init_coef) == [1.5, 1.5, 1.5]
    assert hash(settings) == hash(run_settings({**DEFAULTS, "init_weight": 1.5}, n_rows=100))


def test_a_new_session_s_run_is_the_opening_record():
    assert run_settings(DEFAULTS, n_rows=100) == OPENING
    assert {k: DEFAULTS[k] for k in RUN_KEYS} == state_of(OPENING)


@pytest.mark.parametrize("batch_size", [None, 1, 16])
@pytest.mark.parametrize("schedule", sorted(SCHEDULES))
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_sidebar_state_and_settings_are_each_other_s_inverse(optimizer, schedule, batch_size):
    settings = EVERY_FIELD.replace(
        optimizer=optimizer,
        optimizer_params={k: 0.5 for k in OPTIMIZER_KEYS[optimizer]},
        batch_size=batch_size,
        fit_intercept=False,
        schedule=schedule,
        schedule_params={name: SCHEDULES[schedule][name] for name in SCHEDULES[schedule]},
        init_coef=1.5,
    )
    state = {**DEFAULTS, **state_of(settings)}
    assert run_settings(state, n_rows=100) == settings
    shared = {**DEFAULTS, **from_query(to_query(state))[0]}
    assert run_settings(shared, n_rows=100) == settings
    assert Settings.from_dict(settings.to_dict()) == settings


@pytest.mark.parametrize(
    ("mode", "size", "expected"),
    [("full", 32, None), ("stochastic", 32, 1), ("mini", 32, 32), ("mini", 500, None)],
)
def test_batch_modes_become_batch_sizes(mode, size, expected):
    settings = run_settings({**DEFAULTS, "batch_mode": mode, "batch_size": size}, n_rows=100)
    assert settings.batch_size == expected


def test_presets_are_named_alike_in_the_menu_and_on_the_page():
    from core.data import PRESETS, preset

    for key in PRESETS:
        assert SCHEMA["preset"].labels[key] == preset(key).name


def test_a_link_to_other_data_on_the_default_run_says_so_with_the_rate():
    # Other data opens on a run of its own unless the link sets one: a run that is all
    # defaults must be written, or the link reopens on the data's own run.
    columns = {"target": "y", "features": ["x"]}
    assert to_query({**DEFAULTS, **columns}) == {"target": "y", "features": "x"}
    other = to_query({**DEFAULTS, **columns, "data_source": "generate"})
    assert other == {
        "data_source": "generate",
        "target": "y",
        "features": "x",
        "learning_rate": "0.05",
    }
    assert from_query(other)[0]["learning_rate"] == DEFAULTS["learning_rate"] == 0.05
    # A run that differs from the defaults says so already: nothing is added.
    assert "learning_rate" not in to_query({**DEFAULTS, "data_source": "generate", "epochs": 20})
