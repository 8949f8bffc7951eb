"""The Challenges page: a link opens a challenge, the goal is checked live, the path walks on."""

import dataclasses

import pytest
from streamlit.testing.v1 import AppTest

from core.challenges import CHALLENGES, MAX_TEXT, MAX_TITLE, from_link, to_link
from tests.app.helpers import assert_fine, open_link
from tests.hostile_names import HOSTILE
from tests.ui.test_challenges import SOLUTIONS
from ui.challenges import PATH
from ui.settings import state_of
from ui.state import MAKER_GOAL, MAKER_OPEN, MAKER_TITLE
from ui.text import md_text

PAGE = "pages/challenges.py"


def open_challenge(query: dict) -> AppTest:
    """A fresh session opened on the Challenges page with ``query`` as its query string."""
    at = open_link(query, PAGE)
    assert_fine(at)
    return at


def link(at: AppTest) -> dict:
    """The query string the page wrote back to the address bar."""
    return {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}


def player_body(at: AppTest) -> bytes:
    """The body the page's player element was sent in the last run (empty: the header alone)."""
    (player,) = [
        e
        for e in at.main
        if getattr(e, "type", None) == "bidi_component" and b'"mode": "ladder"' in e.proto.bytes
    ]
    return player.proto.bytes.split(b"\n", 1)[1]


def numbers(at: AppTest) -> dict:
    return {m.label: m.value for m in at.metric}


def test_a_challenge_link_opens_unsolved_and_a_setting_solves_it_live():
    at = open_challenge({"challenge": "standardize"})
    assert at.session_state["preset"] == "badly_scaled"
    assert at.session_state["learning_rate"] == 0.1
    assert at.subheader[0].value == "Fix it without touching the rate"
    assert at.info[0].value.startswith("Not yet")
    assert not at.success
    assert numbers(at)["Final loss above L*"] == "diverged"

    at.toggle(key="standardize").set_value(True).run()
    assert_fine(at)
    assert at.success[0].value.startswith("Solved")
    assert numbers(at) == {
        "Arrived at epoch": "20",
        "Final loss above L*": "< 0.0001 %",
        "Learning rate η": "0.1",
    }
    assert link(at)["solved"] == "standardize"
    assert link(at)["challenge"] == "standardize"


def test_changing_a_kept_setting_is_not_a_solution():
    at = open_challenge({"challenge": "standardize"})
    at.toggle(key="standardize").set_value(True).run()
    at.number_input(key="rate_typed").set_value(0.5).run()
    assert_fine(at)
    assert not at.success
    assert at.info[0].value.startswith("That would solve it")
    assert "keeps the learning rate as it starts" in at.info[0].value


def test_next_and_previous_walk_the_path_opening_each_challenges_start():
    at = open_challenge({"challenge": PATH[0]})
    assert at.caption[0].value.startswith(f"Challenge 1 of {len(PATH)}")
    at.button[1].click().run()  # Next →
    assert_fine(at)
    second = CHALLENGES[PATH[1]]
    assert at.subheader[0].value == second.title
    assert at.session_state["preset"] == second.data.name
    assert at.session_state["learning_rate"] == second.start.learning_rate
    assert at.session_state["epochs"] == second.start.epochs
    at.button[0].click().run()  # ← Previous
    assert_fine(at)
    assert at.subheader[0].value == CHALLENGES[PATH[0]].title
    assert at.session_state["learning_rate"] == CHALLENGES[PATH[0]].start.learning_rate


def test_progress_travels_in_the_link_and_shows_on_the_path():
    at = open_challenge({"solved": "ridge,tame_divergence,nope"})
    assert f"**2 of {len(PATH)} solved.**" in at.markdown[0].value
    at.button(key=f"open_{PATH[2]}").click().run()
    assert_fine(at)
    assert link(at)["challenge"] == PATH[2]
    assert link(at)["solved"] == "tame_divergence,ridge"


def test_a_learners_link_reopens_with_the_learners_settings():
    at = open_challenge({"challenge": "adagrad", "learning_rate": "0.5", "optimizer": "adagrad"})
    assert at.session_state["learning_rate"] == 0.5
    assert at.success[0].value.startswith("Solved")


def test_a_tampered_link_is_refused_with_a_message_and_the_path_shows():
    at = open_challenge({"challenge": "c1.eyJrZXkiOiIifQ.0000000000"})
    assert "changed or cut short" in at.error[0].value
    assert "challenge" not in link(at)
    assert at.button(key=f"open_{PATH[0]}")


def test_a_teachers_challenge_made_on_the_page_opens_from_its_link_alone():
    at = open_challenge({"challenge": "tame_divergence"})
    at.session_state[MAKER_OPEN] = True
    at.run()
    at.radio(key=MAKER_GOAL).set_value("beat").run()
    at.text_input(key=MAKER_TITLE).set_value("Beat η = 1.5 *fast*").run()
    assert_fine(at)
    made = at.code[0].value
    text = made.split("challenge=", 1)[1]
    assert from_link(text).goal.rival.learning_rate == 1.5

    opened = open_challenge({"challenge": text})
    assert opened.subheader[0].value == "Beat η \\= 1\\.5 \\*fast\\*"  # shown as typed
    assert opened.caption[0].value.startswith("A challenge made with Downhill")
    assert opened.session_state["learning_rate"] == 1.5
    assert opened.info[0].value.startswith("Not yet")
    opened.number_input(key="rate_typed").set_value(0.5).run()
    assert_fine(opened)
    assert opened.success[0].value.startswith("Solved")
    assert "solved" not in link(opened), "a teacher's challenge is not on the built-in path"


def test_a_teacher_makes_a_challenge_of_a_real_dataset_from_the_list_of_challenges():
    at = open_challenge({"data_source": "bundled", "bundled": "engel", "learning_rate": "0.001"})
    assert "makes a challenge of the sidebar's data" in at.markdown[0].value
    at.session_state[MAKER_OPEN] = True
    at.run()
    assert_fine(at)
    text = at.code[0].value.split("challenge=", 1)[1]
    made = from_link(text)
    assert (made.data.source, made.data.name) == ("bundled", "engel")
    assert made.start.learning_rate == 0.001

    opened = open_challenge({"challenge": text})
    assert opened.session_state["bundled"] == "engel"
    assert opened.info[0].value.startswith("Not yet")
    # Not on the path: no previous, next or progress.
    assert [b.label for b in opened.button] == ["Start again", "All challenges"]
    assert not any(c.value.startswith("Progress") for c in opened.caption)


def test_a_teacher_makes_a_challenge_of_the_data_shown_while_another_is_open():
    at = open_challenge({"challenge": "standardize"})
    at.selectbox(key="preset").set_value("three_features").run()
    at.number_input(key="rate_typed").set_value(0.001).run()  # a run that misses the goal
    at.session_state[MAKER_OPEN] = True
    at.run()
    assert_fine(at)
    assert "other data than this challenge" in at.warning[0].value
    made = from_link(at.code[0].value.split("challenge=", 1)[1])
    assert made.data.name == "three_features"


@pytest.mark.parametrize("key", list(CHALLENGES))
def test_the_page_checks_the_run_it_plays_as_the_engine_does(key):
    # The page's run comes from the player's sweep of rates; the stated solutions were
    # found with single runs. Both must agree on the epoch the run arrives at.
    at = open_challenge({"challenge": key})
    assert at.info and not at.success
    changes, epoch = SOLUTIONS[key]
    solved = state_of(CHALLENGES[key].start.replace(**changes))
    for name, value in solved.items():
        at.session_state[name] = value
    at.run()
    assert_fine(at)
    assert at.success, [i.value for i in at.info]
    assert numbers(at)["Arrived at epoch"] == f"{epoch:,}"
    assert link(at)["solved"] == key


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_teachers_title_and_words_are_shown_as_typed(name):
    words = HOSTILE[name]
    made = dataclasses.replace(
        CHALLENGES["tame_divergence"], key="", title=words[:MAX_TITLE], text=words[:MAX_TEXT]
    )
    at = open_challenge({"challenge": to_link(made)})
    assert at.subheader[0].value == md_text(made.title)
    assert md_text(made.text) in [m.value for m in at.markdown]


def test_other_data_is_said_and_start_again_brings_the_challenge_back():
    at = open_challenge({"challenge": "standardize"})
    at.selectbox(key="preset").set_value("clear_bowl").run()
    assert_fine(at)
    assert "other data than this challenge" in at.warning[0].value
    assert not at.metric
    assert at.session_state["learning_rate"] != 0.1, "new data opens on its own settings"
    at.button[2].click().run()  # Start again
    assert_fine(at)
    # The run with the warning drew no player, so the browser lost its element: the new
    # one gets the body (told the header alone, it would ask in a run of its own).
    assert player_body(at)
    assert at.session_state["preset"] == "badly_scaled"
    assert at.session_state["learning_rate"] == 0.1
    assert at.info[0].value.startswith("Not yet")
    # Other data opened afterwards gets its own settings again, as with any link.
    at.selectbox(key="preset").set_value("clear_bowl").run()
    assert at.session_state["learning_rate"] != 0.1


def test_next_opens_every_challenge_on_its_own_start_along_the_whole_path():
    at = open_challenge({"challenge": PATH[0]})
    for key in PATH[1:]:
        at.button[1].click().run()  # Next →
        assert_fine(at)
        start = state_of(CHALLENGES[key].start)
        assert {name: at.session_state[name] for name in start} == start, key
        assert at.info and not at.success, key
    assert at.button[1].disabled, "the last challenge has no next"
