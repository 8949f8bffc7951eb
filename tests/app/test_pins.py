"""Pinned runs on the Descent page through AppTest: pin, unpin, the limit, links, other data."""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import descend
from tests.app.helpers import assert_fine, open_link, open_page
from ui import compute, pins, player
from ui.player import MEMORY
from ui.settings import run_settings
from ui.specs import ProblemKey
from ui.state import OPENED_FOR, PINS

CLEARED = "Pinned runs were cleared: they belonged to other data."


@pytest.fixture
def app():
    return open_page()


def body(at: AppTest) -> dict:
    """What the player was last sent (kept in the session's player memory)."""
    return json.loads(at.session_state[MEMORY]["body"][1].data)


def pinned(at: AppTest, view: str = "map") -> list[dict]:
    return [t for t in body(at)["views"][view]["data"] if t.get("uid", "").startswith("pin-")]


def rates_pinned(at: AppTest) -> list[float]:
    return [pin["learning_rate"] for pin in at.session_state[PINS]]


def query(at: AppTest) -> dict:
    return {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}


def listed(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if m.value.startswith("Pin ")]


def problem_of(at: AppTest):
    """The problem the page fits, computed again from the session's data and model."""
    spec, target, features = at.session_state[OPENED_FOR]
    return compute.problem(ProblemKey.of(at.session_state, spec, target, features), None)


def pin_at(at: AppTest, rate: float) -> None:
    at.select_slider(key="rate_ladder").set_value(rate).run()
    at.button(key="pin_run").click().run()
    assert_fine(at)


def test_a_pin_stays_through_rate_changes_up_to_three_and_unpins(app):
    assert not app.button(key="pin_run").disabled
    app.button(key="pin_run").click().run()
    assert_fine(app)
    assert rates_pinned(app) == [0.05]
    assert listed(app) == ["Pin 1 · GD η=0.05"]
    assert app.button(key="pin_run").disabled
    assert "This run is pinned already, as pin 1." in [c.value for c in app.caption]

    app.select_slider(key="rate_ladder").set_value(0.1).run()
    assert rates_pinned(app) == [0.05]
    assert not app.button(key="pin_run").disabled
    assert [t["name"] for t in pinned(app, "loss")] == ["Pin 1 · GD η=0.05"]
    # The pinned run is the run those settings make: its loss curve ends at that run's loss.
    problem = problem_of(app)
    run = descend(problem.X, problem.y, pins.pin_settings(app.session_state, len(problem.y))[0])
    assert pinned(app, "loss")[0]["y"][-1] == pytest.approx(run.history.loss[-1], rel=1e-4)

    pin_at(app, 0.1)
    pin_at(app, 0.2)
    app.select_slider(key="rate_ladder").set_value(0.3).run()
    assert rates_pinned(app) == [0.05, 0.1, 0.2]
    assert app.button(key="pin_run").disabled
    assert "At most 3 runs can be pinned: remove one first." in [c.value for c in app.caption]
    assert [t["name"] for t in pinned(app, "fit")] == [
        "Pin 1 · GD η=0.05",
        "Pin 2 · GD η=0.1",
        "Pin 3 · GD η=0.2",
    ]
    assert [query(app).get(f"pin{i}") for i in (1, 2, 3)] == ["gd,0.05", "gd,0.1", "gd,0.2"]

    app.button(key="unpin_1").click().run()
    assert_fine(app)
    assert rates_pinned(app) == [0.05, 0.2]
    assert listed(app) == ["Pin 1 · GD η=0.05", "Pin 2 · GD η=0.2"]
    assert [query(app).get(f"pin{i}") for i in (1, 2, 3)] == ["gd,0.05", "gd,0.2", None]
    assert not app.button(key="pin_run").disabled


def test_a_link_opens_its_pins_and_writes_them_back():
    at = open_link({"pin1": "momentum,0.02", "pin2": "gd,0.1,mini,16"})
    assert_fine(at)
    assert listed(at) == ["Pin 1 · Momentum η=0.02", "Pin 2 · GD η=0.1 · batch 16"]
    assert [t["name"] for t in pinned(at, "surface")] == listed(at)
    written = query(at)
    assert (written["pin1"], written["pin2"]) == ("momentum,0.02", "gd,0.1,mini,16")

    again = open_link(written)
    assert_fine(again)
    assert again.session_state[PINS] == at.session_state[PINS]
    assert not again.toast


@pytest.mark.parametrize("bad", ["warp,0.1", "gd", "gd,nan", "gd,0.1,mini,0", "gd,1e9"])
def test_a_tampered_pin_is_named_and_the_other_pins_open(bad):
    at = open_link({"pin1": "adam,0.2", "pin2": bad, "pin3": "gd,0.05"})
    assert_fine(at)
    assert [t.value for t in at.toast] == [
        "The link was repaired. Not valid, so reset to the default: pin2."
    ]
    assert listed(at) == ["Pin 1 · Adam η=0.2", "Pin 2 · GD η=0.05"]


def test_a_typed_rate_is_pinned_as_typed(app):
    app.number_input(key="rate_typed").set_value(0.0123).run()
    app.button(key="pin_run").click().run()
    assert_fine(app)
    assert query(app)["pin1"] == "gd,0.0123"
    assert listed(app) == ["Pin 1 · GD η=0.0123"]


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda at: at.selectbox(key="preset").set_value("tutorial_5_points"), CLEARED),
        (
            lambda at: at.toggle(key="standardize").set_value(True),
            "Pinned runs were cleared: standardizing changed, so they were run on another "
            "loss surface.",
        ),
        (
            lambda at: at.toggle(key="fit_intercept").set_value(False),
            "Pinned runs were cleared: the intercept changed, so they were run on another "
            "loss surface.",
        ),
    ],
    ids=["example", "standardize", "intercept"],
)
def test_other_data_or_model_clears_the_pins_and_says_why_once(app, change, said):
    app.button(key="pin_run").click().run()
    change(app).run()
    assert_fine(app)
    assert app.session_state[PINS] == []
    assert said in [i.value for i in app.info]
    assert "pin1" not in query(app)
    assert not pinned(app)
    app.select_slider(key="rate_ladder").set_value(0.01).run()
    assert said not in [i.value for i in app.info]


def test_new_generator_settings_are_other_data(app):
    app.selectbox(key="data_source").set_value("generate").run()
    app.button(key="pin_run").click().run()
    assert len(app.session_state[PINS]) == 1
    app.number_input(key="gen_seed").set_value(7).run()
    assert_fine(app)
    assert app.session_state[PINS] == []
    assert CLEARED in [i.value for i in app.info]


def test_pinned_runs_share_the_sweep_budget(app, monkeypatch):
    """Each pin is one more run of the sweep: the ladder leaves room for it."""
    problem = problem_of(app)
    settings = run_settings(app.session_state, len(problem.y))
    asked = []
    # A server that fits 50 runs of this size in one sweep.
    monkeypatch.setattr(compute, "most_rates", lambda p, s, k: asked.append(k) or min(k, 50))
    whole, _ = player.rate_ladder(settings, problem)
    fewer, _ = player.rate_ladder(settings, problem, pins=3)
    assert asked[1] == asked[0] + 3
    assert len(fewer) == len(whole) - 3
    assert np.all(np.isin(fewer, whole))


def test_a_link_to_an_upload_keeps_its_pins_until_the_file_is_uploaded_again():
    csv = ("a,b\n" + "".join(f"{i},{3 * i + 1 + (i % 3) * 0.1}\n" for i in range(30))).encode()
    first = open_page()
    first.selectbox(key="data_source").set_value("upload").run()
    first.file_uploader(key="upload_file").set_value(("mine.csv", csv, "text/csv")).run()
    first.button(key="pin_run").click().run()
    assert_fine(first)
    link, shown = query(first), listed(first)
    assert len(shown) == 1 and "pin1" in link

    at = open_link(link)
    assert_fine(at)
    assert listed(at) == [] and not pinned(at)  # the example is shown meanwhile: not theirs
    assert query(at)["pin1"] == link["pin1"]  # the link still holds them
    said = [c.value for c in at.caption]
    assert "This link's 1 pinned run will be drawn once its file is uploaded." in said
    assert at.button(key="pin_run").disabled and pins.STAND_IN in said
    at.file_uploader(key="upload_file").set_value(("mine.csv", csv, "text/csv")).run()
    assert_fine(at)
    assert listed(at) == shown
    assert CLEARED not in [i.value for i in at.info]


def test_choosing_an_upload_not_made_yet_clears_pins_of_the_data_before(app):
    app.button(key="pin_run").click().run()
    app.selectbox(key="data_source").set_value("bundled").run()
    assert app.session_state[PINS] == []
    app.button(key="pin_run").click().run()
    app.selectbox(key="data_source").set_value("upload").run()  # the example is shown
    assert_fine(app)
    assert app.session_state[PINS] == []
    assert CLEARED in [i.value for i in app.info]
    # Pins are for the file: none are made on the example that stands in for it.
    assert app.button(key="pin_run").disabled
    assert pins.STAND_IN in [c.value for c in app.caption]
    pins.add_pin(app.session_state, 100, True)  # a click that raced the page: still refused
    assert app.session_state[PINS] == []


def test_a_pin_that_cannot_run_here_is_said_and_the_others_are_drawn():
    # The sidebar's cosine floor is above the first pin's starting rate: the engine refuses it.
    at = open_link(
        {
            "schedule": "cosine",
            "min_lr": "0.001",
            "pin1": "gd,1e-05,full,32,cosine",
            "pin2": "adam,0.1",
        }
    )
    assert_fine(at)
    (note,) = [w.value for w in at.warning]
    assert note.startswith("Pin 1 is not drawn")
    assert "min" in note and "lr must be a number in" in note
    assert [t["name"] for t in pinned(at, "loss")] == ["Pin 2 · Adam η=0.1"]
