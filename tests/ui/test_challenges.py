"""Every built-in challenge is not solved at its start and is solved by a known answer.

The answers were found by running the engine on each challenge's own data (the
rows and split the page uses) and are stated here; each is checked as the page
checks a run (:func:`ui.challenges.outcome_of`).
"""

import dataclasses

import numpy as np
import pytest

from core.challenges import CHALLENGES, Arrive, LinkError, to_link
from ui import challenges, compute
from ui.challenges import outcome_of, problem_key, resolve
from ui.settings import RUN_KEYS, SCHEMA
from ui.state import CHALLENGE_ERROR, CHALLENGE_OPENED, OPENED_FOR, URL_KEYS

#: A change of settings that solves each challenge, found by the engine, and what it shows:
#: the epoch the run arrives from.
SOLUTIONS = {
    "tame_divergence": ({"learning_rate": 0.5}, 10),
    "too_timid": ({"learning_rate": 0.5}, 30),
    "edge_of_stability": ({"learning_rate": 0.01}, 395),
    "read_the_surface": ({"init_coef": 2.0, "init_intercept": 1.0}, 0),
    "half_mse": ({"loss": "half_mse"}, 144),
    "standardize": ({"standardize": True}, 20),
    "momentum_overshoot": ({"optimizer_params": {"beta": 0.5}}, 22),
    "momentum_valley": ({"optimizer_params": {"beta": 0.7}}, 32),
    "adam_rate": ({"learning_rate": 0.05}, 81),
    "adam_scaling": ({"learning_rate": 0.3}, 84),
    "adagrad": ({"learning_rate": 0.5}, 24),
    "mini_batch": ({"learning_rate": 0.03}, 19),
    "schedule": ({"schedule": "exponential", "schedule_params": {"gamma": 0.98}}, 127),
    "ridge": ({"l2": 0.05}, 5),
}


def _start(key: str):
    """A built-in challenge's problem and its starting run, as the page opens them."""
    challenge = CHALLENGES[key]
    opened = problem_key(challenge, challenge.start)
    return compute.problem(opened, None), compute.run_descent(opened, None, challenge.start)


def _limit(problem, run) -> float:
    stability = problem.stability
    return (stability.standardized if run.settings.standardize else stability.raw).max_stable_lr


#: What each challenge's words say of its data and start, checked on the engine's numbers.
STATED = {
    "tame_divergence": lambda problem, run: run.diverged,  # "the loss explodes"
    "too_timid": lambda problem, run: run.settings.learning_rate < _limit(problem, run),  # "safe"
    "edge_of_stability": lambda problem, run: run.diverged and _limit(problem, run) < 0.011,
    "half_mse": lambda problem, run: run.diverged and run.settings.loss == "mse",
    "standardize": lambda problem, run: run.diverged,  # "far past its limit"
    "adam_scaling": lambda problem, run: (
        f"{_limit(problem, run):.0e}" == "3e-04"  # "2/λmax ≈ 3e-4"
        # "at η = 0.0003, just inside that limit"
        and 0.9 < CHALLENGES["adam_scaling"].goal.rival.learning_rate / _limit(problem, run) < 1
    ),
    "ridge": lambda problem, run: f"{np.linalg.norm(problem.fit.coef):.1f}" == "6.2",
}


@pytest.mark.parametrize("key", list(STATED))
def test_what_a_challenges_words_state_holds_on_its_data(key):
    assert STATED[key](*_start(key)), CHALLENGES[key].text


def test_every_built_in_challenge_has_a_stated_solution():
    assert set(SOLUTIONS) == set(CHALLENGES)


@pytest.mark.parametrize("key", list(CHALLENGES))
def test_a_challenge_is_not_solved_at_its_start(key):
    outcome = outcome_of(CHALLENGES[key], CHALLENGES[key].start)
    assert not outcome.solved, outcome.sentence
    assert not outcome.sentence.startswith("Solved")


@pytest.mark.parametrize("key", list(CHALLENGES))
def test_a_known_solution_solves_the_challenge(key):
    challenge = CHALLENGES[key]
    changes, epoch = SOLUTIONS[key]
    outcome = outcome_of(challenge, challenge.start.replace(**changes))
    assert outcome.solved, outcome.sentence
    assert outcome.epochs == epoch
    assert outcome.sentence.startswith("Solved")


def test_a_solution_that_changes_a_kept_setting_does_not_count():
    challenge = CHALLENGES["standardize"]  # keeps the rate
    outcome = outcome_of(challenge, challenge.start.replace(learning_rate=1e-4))
    assert not outcome.solved


@pytest.mark.parametrize("key", list(CHALLENGES))
def test_a_challenge_opens_on_settings_the_sidebar_allows(key):
    opened = challenges.opening_state(CHALLENGES[key])
    assert set(RUN_KEYS) <= set(opened)
    for name, value in opened.items():
        if value is not None:
            assert SCHEMA[name].check(value) == value


def test_a_link_past_the_sidebar_ranges_is_refused():
    # The engine takes 500,000 epochs; the sidebar (and so a link) stops at 100,000.
    long = dataclasses.replace(
        CHALLENGES["standardize"],
        key="",
        start=CHALLENGES["standardize"].start.replace(epochs=500_000),
    )
    with pytest.raises(LinkError, match="epochs"):
        resolve(to_link(long))


def test_a_changed_built_in_from_a_link_does_not_count_on_the_path():
    easy = dataclasses.replace(CHALLENGES["standardize"], goal=Arrive(within=10, by=1000))
    assert resolve(to_link(easy)).key == ""
    assert resolve(to_link(CHALLENGES["standardize"])).key == "standardize"


def test_opening_a_challenge_sets_its_data_and_run_as_a_link_does():
    state = {"challenge": "half_mse", OPENED_FOR: "before", URL_KEYS: frozenset()}
    challenges.open_pending(state)
    assert state["preset"] == "tutorial_5_points"
    assert state["learning_rate"] == 0.1
    assert state[URL_KEYS] == frozenset(RUN_KEYS)
    assert OPENED_FOR not in state
    assert state[CHALLENGE_OPENED] == "half_mse"


def test_a_first_run_from_a_learners_link_keeps_its_settings():
    state = {"challenge": "half_mse", "learning_rate": 0.3, URL_KEYS: frozenset({"learning_rate"})}
    challenges.open_pending(state)
    assert state["learning_rate"] == 0.3


def test_a_challenge_that_cannot_be_opened_is_dropped_with_a_reason():
    state = {"challenge": "c1.abc.def"}
    challenges.open_pending(state)
    assert state["challenge"] == ""
    assert "changed or cut short" in state[CHALLENGE_ERROR]


def test_progress_keeps_built_in_keys_in_path_order_once():
    state = {"solved": "ridge,nope,tame_divergence"}
    assert challenges.solved(state) == ["tame_divergence", "ridge"]
    assert challenges.mark_solved(state, "half_mse")
    assert not challenges.mark_solved(state, "half_mse")
    assert not challenges.mark_solved(state, "")
    assert state["solved"] == "tame_divergence,half_mse,ridge"
