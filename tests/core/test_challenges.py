"""Challenges: goals checked on real runs, and links that carry a challenge whole or not at all."""

import base64
import hashlib
import json
import math
import zlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import DivergenceWarning, Settings, descend, ols, stability
from core.challenges import (
    CHALLENGES,
    Arrive,
    Beat,
    Challenge,
    DataRef,
    FastRate,
    LinkError,
    Seen,
    Shrink,
    check,
    from_link,
    to_dict,
    to_link,
)

#: A line with noise: 60 rows of y = 2x + 1, x in [0, 2].
X = np.linspace(0.0, 2.0, 60)
Y = 2 * X + 1 + np.random.default_rng(5).normal(0.0, 0.3, 60)
FIT = ols(X, Y)
SPECTRUM = stability(X).raw


def seen(rival: Settings | None = None, **changes) -> Seen:
    """The line run with ``changes``, checked against its closed form."""
    run = descend(X, Y, Settings(epochs=200).replace(**changes))
    rival_run = None if rival is None else descend(X, Y, rival)
    return Seen(run, FIT.loss, SPECTRUM, rival_run)


def stays_from(losses, level: float) -> int | None:
    """The first epoch from which every loss is at most ``level``: a loop, as by hand."""
    first = None
    for epoch, loss in enumerate(losses):
        if math.isfinite(loss) and loss <= level:
            first = epoch if first is None else first
        else:
            first = None
    return first


def test_arrive_is_solved_exactly_by_the_epoch_the_run_stays_from():
    run_seen = seen(learning_rate=0.2)
    epoch = stays_from(run_seen.run.history.loss, FIT.loss * 1.001)
    assert epoch is not None and epoch > 5
    assert Arrive(within=0.001, by=epoch).check(run_seen).solved
    late = Arrive(within=0.001, by=epoch - 1).check(run_seen)
    assert not late.solved
    assert f"arrives at epoch {epoch}," in late.sentence
    assert late.epochs == epoch


def test_a_diverged_run_says_so_and_its_gap_is_infinite():
    limit = SPECTRUM.max_stable_lr
    with pytest.warns(DivergenceWarning):
        diverged = seen(learning_rate=1.2 * limit)
    outcome = Arrive(within=0.01, by=200).check(diverged)
    assert not outcome.solved
    assert "diverged" in outcome.sentence
    assert outcome.gap == math.inf and outcome.epochs is None


def test_fast_rate_measures_the_rate_against_two_over_lambda_max():
    limit = 2 / SPECTRUM.eigenvalues.max()
    assert FastRate(share=0.9).check(seen(learning_rate=0.95 * limit, epochs=2000)).solved
    slow = FastRate(share=0.9).check(seen(learning_rate=0.5 * limit, epochs=2000))
    assert not slow.solved
    assert "50 % of the limit" in slow.sentence
    with pytest.warns(DivergenceWarning):
        past = FastRate(share=0.9).check(seen(learning_rate=1.2 * limit))
    assert not past.solved and "diverged" in past.sentence


def test_beat_needs_an_earlier_arrival_than_the_rival():
    rival = Settings(learning_rate=0.05, epochs=200)
    level = FIT.loss * 1.01
    theirs = stays_from(descend(X, Y, rival).history.loss, level)
    tie = Beat(rival=rival).check(seen(rival, learning_rate=0.05))
    assert not tie.solved
    assert tie.sentence == f"A tie: the run and the rival both arrive at epoch {theirs}."
    faster = Beat(rival=rival).check(seen(rival, learning_rate=0.2))
    assert faster.solved
    assert f"the rival arrives at epoch {theirs}" in faster.sentence


def test_shrink_measures_the_weights_length():
    length = float(np.linalg.norm(ols(X, Y, l2=0.5).coef))
    run_seen = seen(l2=0.5, learning_rate=0.2)
    ridge = Seen(run_seen.run, ols(X, Y, l2=0.5).loss, SPECTRUM)
    assert Shrink(norm=length * 1.001).check(ridge).solved
    assert not Shrink(norm=length * 0.99).check(ridge).solved
    assert Shrink(norm=5).describe() == (
        "End with weights of length ‖w‖ at most 5, the run arriving within 1 % of the "
        "optimum's loss L* (with its own L2) and staying."
    )


def test_a_kept_setting_changed_unsolves_a_run_that_meets_the_goal():
    challenge = Challenge(
        "",
        "t",
        "",
        "",
        DataRef("preset", "clear_bowl"),
        Settings(learning_rate=0.01),
        Arrive(within=0.01, by=100),
        keep=("learning_rate",),
    )
    outcome = check(challenge, seen(learning_rate=0.2))
    assert not outcome.solved
    assert "keeps the learning rate" in outcome.sentence


def test_the_built_in_set_covers_the_ideas_of_a_course():
    assert len(CHALLENGES) >= 12
    ideas = {c.idea for c in CHALLENGES.values()}
    for idea in (
        "Rate and divergence",
        "Conditioning and standardization",
        "Momentum",
        "Adam and AdaGrad",
        "Mini-batch noise",
        "Schedules",
        "L2 regularization",
        "The ½·MSE convention",
        "Reading the surface",
    ):
        assert idea in ideas


@pytest.mark.parametrize("key", sorted(CHALLENGES))
def test_every_built_in_challenge_reads_back_from_its_link(key):
    # Read from its link, a built-in is checked against its data, as the app's start skips.
    assert from_link(to_link(CHALLENGES[key])) == CHALLENGES[key]


def _link_of(values: dict) -> str:
    """A link for ``values`` with a checksum that matches, as anyone can make one."""
    payload = json.dumps(values).encode()
    body = base64.urlsafe_b64encode(zlib.compress(payload)).decode().rstrip("=")
    return f"c1.{body}.{hashlib.sha256(payload).hexdigest()[:10]}"


def test_a_link_changed_by_one_character_is_refused():
    link = to_link(CHALLENGES["standardize"])
    middle = len(link) // 2
    changed = link[:middle] + ("A" if link[middle] != "A" else "B") + link[middle + 1 :]
    for bad in (changed, link[:-1], link[: len(link) // 3]):
        with pytest.raises(LinkError, match="changed or cut short"):
            from_link(bad)
    with pytest.raises(LinkError, match="not a challenge link"):
        from_link("hello")


def test_a_link_that_inflates_past_its_limit_is_refused():
    bomb = zlib.compress(b" " * (10 * 2**20), 9)  # 10 MiB of spaces in about 10 kB
    body = base64.urlsafe_b64encode(bomb[:4000]).decode().rstrip("=")
    with pytest.raises(LinkError, match="changed or cut short"):
        from_link(f"c1.{body}.0000000000")


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("start", "learning_rate"), -1.0, "learning_rate"),
        (("start", "epochs"), 0, "epochs"),
        (("start", "optimizer"), "sgd9", "sgd9"),
        (("goal", "within"), 1e9, "within"),
        (("goal", "by"), -3, "by"),
        (("goal", "kind"), "fly", "kind"),
        (("data", "name"), "secret", "secret"),
        (("data", "source"), "upload", "source"),
        (("title",), "x" * 500, "title"),
        (("keep",), ["password"], "keep"),
    ],
)
def test_a_link_with_a_field_out_of_range_is_refused_naming_it(path, value, message):
    values = to_dict(CHALLENGES["standardize"])
    where = values
    for part in path[:-1]:
        where = where[part]
    where[path[-1]] = value
    with pytest.raises(LinkError, match=message):
        from_link(_link_of(values))


JSON = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)


@settings(max_examples=200, deadline=None)
@given(field=st.sampled_from(["key", "title", "data", "start", "goal", "keep"]), value=JSON)
def test_any_value_in_any_field_is_read_or_refused_with_a_link_error(field, value):
    values = to_dict(CHALLENGES["momentum_valley"])
    values[field] = value
    try:
        challenge = from_link(_link_of(values))
    except LinkError:
        return
    assert to_dict(challenge)[field] is not None
