"""One record of a run's settings: defaults once, checked once, the same run however it is given."""

import json
import re

import numpy as np
import pytest

from core import OPTIMIZERS, SCHEDULES, Settings, descend, sweep
from core.budget import Work
from core.export import reproduction_script, run_json
from core.settings import FIELDS
from tests.core.helpers import EVERY_FIELD


def data():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(40, 2))
    return X, X @ np.array([2.0, -1.0]) + 0.5 + 0.1 * rng.normal(size=40)


def test_a_record_hashes_and_mappings_become_sorted_pairs():
    a = Settings(optimizer="adam", optimizer_params={"beta2": 0.99, "beta1": 0.8})
    b = Settings(optimizer="adam", optimizer_params=(("beta1", 0.8), ("beta2", 0.99)))
    assert a == b and hash(a) == hash(b)
    assert a.optimizer_params == (("beta1", 0.8), ("beta2", 0.99))
    with pytest.raises(AttributeError):
        a.epochs = 3  # type: ignore[misc]


def test_replace_refuses_a_name_that_is_not_a_setting():
    with pytest.raises(TypeError, match="'learning_rte' is not a setting"):
        Settings().replace(learning_rte=0.1)
    with pytest.raises(TypeError, match="'learning_rte' is not a setting"):
        descend(*data(), learning_rte=0.1)


def test_checked_fills_every_default_and_spreads_the_start():
    checked = Settings(optimizer="momentum", schedule="step", init_coef=0.5).checked(40, 3)
    assert checked.optimizer_params == (("beta", 0.9),)
    assert dict(checked.schedule_params) == SCHEDULES["step"]
    assert checked.init_coef == (0.5, 0.5, 0.5)
    assert Settings(fit_intercept=False, init_intercept=4.0).checked(40, 1).init_intercept == 0.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 41}, "batch_size"),
        ({"tol_on": "often"}, "tol_on"),
        ({"loss": "mae"}, "loss"),
        ({"shuffle": "yes"}, "shuffle"),
        ({"optimizer": "sgd"}, "optimizer"),
        ({"optimizer": "gd", "optimizer_params": {"beta": 0.9}}, "beta"),
        ({"schedule": "step", "schedule_params": {"drop": 2.0}}, "drop"),
        ({"init_coef": (1.0, 2.0, 3.0)}, "init_coef must hold 2 finite numbers"),
        ({"init_intercept": float("nan")}, "init_intercept"),
    ],
)
def test_checked_names_the_setting_it_refuses(change, message):
    with pytest.raises(ValueError, match=message):
        Settings(**change).checked(40, 2)


def test_full_batch_and_update_counts_are_answered_once():
    assert Settings().full_batch(10) and Settings(batch_size=10).full_batch(10)
    assert not Settings(batch_size=3).full_batch(10)
    assert Settings(epochs=7).updates(10) == 7
    assert Settings(epochs=7, batch_size=3).updates(10) == 7 * 4  # ceil(10 / 3) batches
    work = Work.of(Settings(epochs=7, batch_size=3), 10, 2)
    assert work.updates_per_epoch * work.epochs == Settings(epochs=7, batch_size=3).updates(10)


def test_a_record_and_keywords_make_the_same_run():
    X, y = data()
    settings = Settings(optimizer="nesterov", learning_rate=0.05, epochs=30, batch_size=8)
    by_record = descend(X, y, settings)
    by_keywords = descend(X, y, optimizer="nesterov", learning_rate=0.05, epochs=30, batch_size=8)
    np.testing.assert_array_equal(by_record.history.loss, by_keywords.history.loss)
    assert by_record.settings == by_keywords.settings == settings.checked(40, 2)
    (swept,) = sweep(X, y, [0.05], settings)
    np.testing.assert_array_equal(swept.history.loss, by_record.history.loss)
    assert swept.settings == by_record.settings


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_every_field_travels_through_json_and_the_script(optimizer):
    X, y = data()
    settings = EVERY_FIELD.replace(optimizer=optimizer, optimizer_params=())
    run = descend(X, y, settings)
    document = json.loads(run_json(run, feature_names=["a", "b"], target_name="y"))
    assert Settings.from_dict(document["settings"]) == run.settings
    assert set(document["settings"]) == set(FIELDS)
    script = reproduction_script(run, X, y, feature_names=["a", "b"], target_name="y")
    for line in (
        "LOSS = 'half_mse'",
        "LEARNING_RATE = 0.02",
        "EPOCHS = 25",
        "INIT_COEF = np.array([0.25, -0.5])",
        "INIT_INTERCEPT = 1.5",
        "L2 = 0.1",
        "TOL = 1e-12",
        "BATCH_SIZE = 16",
        "FIT_INTERCEPT = True",
    ):
        assert line in script
    assert re.search(r"gamma ?= ?0\.97\b", script)
    assert ("Z = (X - shift) / scale" in script) is True


def test_starting_at_another_rate_is_replace_without_the_cost():
    settings = EVERY_FIELD.checked(40, 2)
    moved = settings.starting_at(0.3)
    assert moved == settings.replace(learning_rate=0.3) and hash(moved) == hash(
        settings.replace(learning_rate=0.3)
    )
    assert settings.learning_rate == 0.02  # the record it came from is unchanged
