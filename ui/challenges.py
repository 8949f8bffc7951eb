"""Challenges in the session: which one is open, what it opens with, and the learner's progress.

The session holds the challenge as text (the ``challenge`` setting: a built-in
challenge's key, or a link made by :func:`core.challenges.to_link`) and the
built-in challenges solved (the ``solved`` setting); both travel in the page's
link. :func:`open_pending` gives a challenge its data and starting settings the
way a shared link gives them, before the sidebar draws. No streamlit import:
functions take the session state as a mapping.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, MutableMapping
from dataclasses import replace
from typing import Any

from core.challenges import (
    CHALLENGES,
    Beat,
    Challenge,
    LinkError,
    Outcome,
    Seen,
    check,
    from_link,
)
from core.descent import Run
from core.settings import Settings
from ui import compute
from ui.settings import RUN_KEYS, SCHEMA, state_of
from ui.specs import DataSpec, ProblemKey
from ui.state import CHALLENGE_ERROR, CHALLENGE_OPENED, OPENED_FOR, URL_KEYS

#: The guided path: every built-in challenge, in order.
PATH: tuple[str, ...] = tuple(CHALLENGES)


def opening_state(challenge: Challenge) -> dict[str, Any]:
    """The session settings a challenge opens with: its data, columns and starting run."""
    data = challenge.data
    state = {
        "data_source": data.source,
        data.source: data.name,
        "target": data.target,
        "features": None if data.features is None else list(data.features),
        "test_fraction": SCHEMA["test_fraction"].default,
        **state_of(challenge.start),
    }
    for key, value in state.items():
        if value is not None:
            SCHEMA[key].check(value)
    return state


@functools.lru_cache(maxsize=64)
def resolve(text: str) -> Challenge:
    """The challenge ``text`` names: a built-in key, or a challenge link.

    Kept for the last 64 texts: every rerun asks again, and a link's checks read its data.

    Raises
    ------
    LinkError
        Saying why not, for anything else or a link whose settings are out of the
        sidebar's ranges.
    """
    if text in CHALLENGES:
        return CHALLENGES[text]
    if not str(text).startswith("c1."):
        raise LinkError(f"There is no challenge called “{str(text)[:40]}”.")
    challenge = from_link(text)
    if CHALLENGES.get(challenge.key) != challenge:
        # Only a built-in challenge, unchanged, counts on the path.
        challenge = replace(challenge, key="")
    try:
        opening_state(challenge)
        if isinstance(challenge.goal, Beat):
            for key, value in state_of(challenge.goal.rival).items():
                SCHEMA[key].check(value)
    except ValueError as error:
        raise LinkError(f"This challenge link cannot be opened: {error}.") from None
    return challenge


def current(state: Mapping[str, Any]) -> Challenge | None:
    """The challenge the session has open, or None."""
    text = state.get("challenge") or ""
    if not text or state.get(CHALLENGE_OPENED) != text:
        return None
    try:
        return resolve(text)
    except LinkError:
        return None


def open_pending(state: MutableMapping) -> None:
    """Open the challenge the ``challenge`` setting names, if it is not open yet.

    Its data and starting settings go into ``state`` as a shared link's do, so the
    sidebar opens the data without fitting a rate of its own. A link that also
    carries settings of a run (a learner's progress, shared) keeps them. A challenge
    that cannot be opened is dropped, and :data:`ui.state.CHALLENGE_ERROR` says why.
    The progress keeps built-in challenges only, in path order.
    """
    state["solved"] = ",".join(solved(state))
    text = state.get("challenge") or ""
    if state.get(CHALLENGE_OPENED) == text:
        return
    state[CHALLENGE_OPENED] = text
    if not text:
        return
    try:
        challenge = resolve(text)
    except LinkError as error:
        state[CHALLENGE_ERROR] = str(error)
        state["challenge"] = state[CHALLENGE_OPENED] = ""
        return
    first_run = OPENED_FOR not in state
    if first_run and state.get(URL_KEYS, frozenset()) & set(RUN_KEYS):
        return
    state.update(opening_state(challenge))
    state[URL_KEYS] = frozenset(RUN_KEYS)
    state.pop(OPENED_FOR, None)


def restart(state: MutableMapping) -> None:
    """Open the current challenge again at its start (a button's callback)."""
    state.pop(CHALLENGE_OPENED, None)
    open_pending(state)


def go_to(state: MutableMapping, key: str) -> None:
    """Open the built-in challenge ``key`` (a button's callback); "" for none."""
    state["challenge"] = key
    open_pending(state)


def solved(state: Mapping[str, Any]) -> list[str]:
    """The built-in challenges solved in this session (or the link it opened), in path order."""
    named = set(str(state.get("solved") or "").split(","))
    return [key for key in PATH if key in named]


def mark_solved(state: MutableMapping, key: str) -> bool:
    """Add built-in ``key`` to the progress; True when it was not there before."""
    done = solved(state)
    if key not in CHALLENGES or key in done:
        return False
    state["solved"] = ",".join(k for k in PATH if k in {*done, key})
    return True


def on_its_data(challenge: Challenge, problem_key) -> bool:
    """True when ``problem_key`` is the challenge's data and columns."""
    data = challenge.data
    spec = problem_key.data
    return (
        (spec.source, spec.name) == (data.source, data.name)
        and data.target in (None, problem_key.target)
        and data.features in (None, tuple(problem_key.features))
    )


def _rival(challenge: Challenge, key: ProblemKey, upload, run: Run) -> Run | None:
    """The rival's run on the same problem as ``run``, for a :class:`~core.challenges.Beat`."""
    if not isinstance(challenge.goal, Beat):
        return None
    return compute.run_descent(key, upload, challenge.goal.rival_for(run.settings))


def seen(challenge: Challenge, ctx, run: Run) -> Seen:
    """What the goal is checked on: ``run`` on the page's problem, and a rival's run."""
    rival = _rival(challenge, ctx.problem_key, ctx.upload, run)
    return Seen(run, float(ctx.problem.fit.loss), ctx.spectrum, rival)


def problem_key(challenge: Challenge, settings: Settings) -> ProblemKey:
    """The problem a run with ``settings`` on the challenge's data is checked on."""
    spec = DataSpec(challenge.data.source, challenge.data.name)
    dataset = compute.load_dataset(spec)
    state = {**state_of(settings), "test_fraction": SCHEMA["test_fraction"].default}
    target = challenge.data.target or dataset.target
    return ProblemKey.of(state, spec, target, challenge.data.features or dataset.features)


def outcome_of(challenge: Challenge, settings: Settings) -> Outcome:
    """The challenge checked on a single run with ``settings`` on its data.

    The page checks the run its player shows, one of a sweep of rates; a single run
    with the same settings is the same run (the tests check both).
    """
    key = problem_key(challenge, settings)
    problem = compute.problem(key, None)
    run = compute.run_descent(key, None, settings)
    stability = problem.stability
    spectrum = stability.standardized if run.settings.standardize else stability.raw
    rival = _rival(challenge, key, None, run)
    return check(challenge, Seen(run, float(problem.fit.loss), spectrum, rival))
