"""Journeys nobody wrote down: random sequences of what people do, checked after every step.

A hypothesis ``RuleBasedStateMachine`` drives one AppTest session the way a
teacher or a learner would: choose an example, a dataset, generated data or an
upload (a messy CSV: semicolons, decimal commas, a missing cell, an id column);
change the rate, the rule, the batch mode, the loss convention, the epochs, the
schedule; switch standardizing; pin the run on the Descent page and unpin one; visit Compare,
Learn and Challenges, and change a run of its race there. After every step:

- no page shows an error;
- the page equals a fresh session opened from the page's own link: the same
  settings and the same numbers (a shared link or a reload gives what was seen;
  a link carries the settings, not an uploaded file, so with an upload the fresh
  session uploads the same file again, as whoever opens the link does), the race and the
  pinned runs included;
- right after data is chosen, every setting of the run equals that choice
  opened fresh (nothing of the data before carries over).

``DOWNHILL_JOURNEYS`` sets how many journeys are walked (3 by default, for CI);
``DOWNHILL_JOURNEYS=100 python -m pytest tests/app/test_journeys.py`` searches
harder. A sequence it finds belongs in a plain regression test below.
"""

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from streamlit.testing.v1 import AppTest

from core.data import BUNDLED, PRESETS
from core.optimizers import RULES
from core.schedules import REGISTRY as SCHEDULES
from tests.app.helpers import APP, TIMEOUT, open_link, stated
from ui.opening import OPENED_KEYS
from ui.settings import SCHEMA
from ui.state import PINS, RACE_COUNT, RACE_FIELDS, RATE_TYPED, race_key

JOURNEYS = int(os.environ.get("DOWNHILL_JOURNEYS", "3"))
PAGES = ("pages/descent.py", "pages/compare.py", "pages/learn.py", "pages/challenges.py")
#: Data small enough that a step costs about a second (the big tutorials run 100,000 epochs).
QUICK_PRESETS = tuple(k for k in PRESETS if k not in ("tutorial_400_points",))
QUICK_BUNDLED = tuple(k for k in BUNDLED if k in ("stackloss", "engel", "anscombe"))
BROKEN = "Something went wrong"
#: What people upload: semicolons, decimal commas, an id column, a missing cell.
MESSY = (
    "id;Fläche;Zimmer;Preis\n"
    + "".join(
        f"{i};{40 + 7 * i},5;{'' if i == 4 else 1 + i % 4};{150 + 21 * i + (i * 7) % 5},0\n"
        for i in range(1, 13)
    )
).encode()
FILE = ("wohnungen.csv", MESSY, "text/csv")


def link_of(at: AppTest) -> dict[str, str]:
    """The query string ``at`` wrote back to the address bar."""
    return {k: v[0] if isinstance(v, list) else v for k, v in at.query_params.items()}


def opened(query: dict[str, str], page: str) -> AppTest:
    """A fresh session opened on ``page`` with ``query`` as its query string.

    A link to uploaded data opens without the file; the person uploads it again.
    """
    at = open_link(query, page)
    if query.get("data_source") == "upload":
        at.file_uploader(key="upload_file").set_value(FILE).run()
    return at


def settings_of(at: AppTest) -> dict:
    """Every setting a link carries, as the session holds it."""
    return {key: at.session_state[key] for key in SCHEMA if key in at.session_state}


def race_of(at: AppTest) -> dict:
    """The Compare page's race as the session holds it, once the page has been visited."""
    count = at.session_state[RACE_COUNT] if RACE_COUNT in at.session_state else 0  # noqa: SIM401 (no .get)
    return {
        race_key(i, field): at.session_state[race_key(i, field)]
        for i in range(count)
        for field in RACE_FIELDS
    }


def pins_of(at: AppTest) -> list[dict]:
    """The Descent page's pinned runs as the session holds them (none: an empty list)."""
    return at.session_state[PINS] if PINS in at.session_state else []  # noqa: SIM401 (no .get)


def said_of(at: AppTest) -> list[str]:
    """What the page's boxes say: the verdict, the race's outcome, the notes."""
    return [box.value for kind in (at.success, at.info, at.warning) for box in kind]


def run_of(at: AppTest) -> dict:
    """The settings of the run, with the columns it fits."""
    return {key: at.session_state[key] for key in (*OPENED_KEYS, "target", "features")}


def numbers_of(at: AppTest) -> list[tuple[str, str]]:
    """What the page states as numbers, label and value: its metrics and its run table."""
    return list(stated(at).items())


def assert_drawn(at: AppTest) -> None:
    """The page ran to its end, with neither an exception nor the friendly failure."""
    assert not at.exception, at.exception
    assert not any(BROKEN in e.value for e in at.error), [e.value for e in at.error]


class Journey(RuleBasedStateMachine):
    """One person's session, one action at a time."""

    @initialize()
    def open_app(self):
        self.page = PAGES[0]
        self.at = AppTest.from_file(APP, default_timeout=TIMEOUT)
        self.at.run()

    def _set(self, key: str, value) -> None:
        widget = getattr(self.at, SCHEMA[key].widget)(key=key)
        widget.set_value(value).run()

    def _choose(self, query: dict[str, str]) -> None:
        """Choose the data ``query`` names; new data must open as it opens fresh."""
        before = {key: self.at.session_state[key] for key in query}
        for key, value in query.items():
            self._set(key, value)
        if before == {key: self.at.session_state[key] for key in query}:
            return  # the data on the page already: choosing it again changes nothing
        fresh = opened(query, self.page)
        assert run_of(self.at) == run_of(fresh)

    @rule(key=st.sampled_from(QUICK_PRESETS))
    def choose_example(self, key):
        self._choose({"data_source": "preset", "preset": key})

    @rule(key=st.sampled_from(QUICK_BUNDLED))
    def choose_dataset(self, key):
        self._choose({"data_source": "bundled", "bundled": key})

    @rule()
    def upload(self):
        if self.at.session_state["data_source"] == "upload":
            return
        self._set("data_source", "upload")
        self.at.file_uploader(key="upload_file").set_value(FILE).run()
        fresh = opened({"data_source": "upload"}, self.page)
        assert run_of(self.at) == run_of(fresh)

    @rule()
    def generate(self):
        self._choose({"data_source": "generate"})

    @rule(rate=st.sampled_from([1e-4, 0.003, 0.05, 0.3, 1.2]))
    def type_rate(self, rate):
        self.at.number_input(key=RATE_TYPED).set_value(rate).run()

    @rule(rule_=st.sampled_from(sorted(RULES)))
    def choose_rule(self, rule_):
        self._set("optimizer", rule_)

    @rule(mode=st.sampled_from(["full", "mini", "stochastic"]))
    def choose_batches(self, mode):
        self._set("batch_mode", mode)

    @rule(loss=st.sampled_from(["mse", "half_mse"]))
    def choose_loss(self, loss):
        self._set("loss", loss)

    @rule(epochs=st.sampled_from([20, 300, 1000]))
    def set_epochs(self, epochs):
        self._set("epochs", epochs)

    @rule(schedule=st.sampled_from(sorted(SCHEDULES)))
    def choose_schedule(self, schedule):
        self._set("schedule", schedule)

    @rule()
    def switch_standardize(self):
        self._set("standardize", not self.at.session_state["standardize"])

    @rule(run=st.integers(0, 2), rate=st.sampled_from([0.001, 0.05, 0.3, 3.0]))
    def race_a_rate(self, run, rate):
        self.visit("pages/compare.py")
        self.at.select_slider(key=race_key(run, "learning_rate")).set_value(rate).run()

    @rule()
    def pin(self):
        self.visit("pages/descent.py")
        button = self.at.button(key="pin_run")
        if not button.disabled:
            button.click().run()

    @rule(i=st.integers(0, 2))
    def unpin(self, i):
        self.visit("pages/descent.py")
        if f"unpin_{i}" in {button.key for button in self.at.button}:
            self.at.button(key=f"unpin_{i}").click().run()

    @rule(page=st.sampled_from(PAGES))
    def visit(self, page):
        self.page = page
        self.at.switch_page(page).run()

    @invariant()
    def the_page_is_what_its_link_opens(self):
        if not hasattr(self, "at"):
            return
        assert_drawn(self.at)
        fresh = opened(link_of(self.at), self.page)
        assert_drawn(fresh)
        assert settings_of(fresh) == settings_of(self.at)
        assert numbers_of(fresh) == numbers_of(self.at)
        assert pins_of(fresh) == pins_of(self.at)
        if self.page == "pages/compare.py":
            assert race_of(fresh) == race_of(self.at)
            assert said_of(fresh) == said_of(self.at)


Journey.TestCase.settings = settings(
    max_examples=JOURNEYS,
    stateful_step_count=6,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
test_journeys = Journey.TestCase


# Sequences found by people (issue 19) or by the machine above, as plain tests.


def test_a_tutorial_s_settings_do_not_follow_into_the_next_example():
    # Tutorial: three features -> Correlated features kept stochastic steps, rows in file
    # order, weights from 1.0 and the tolerance stop: "converged" 188 % above the optimum.
    journey = Journey()
    journey.open_app()
    journey.choose_example("tutorial_3_features_sgd")
    journey.choose_example("correlated")
    state = journey.at.session_state
    assert (state["batch_mode"], state["tol"], state["init_weight"]) == ("full", 0.0, 0.0)
    journey.the_page_is_what_its_link_opens()


def test_settings_changed_by_hand_that_new_data_replaces_are_named():
    journey = Journey()
    journey.open_app()
    journey.choose_rule("adam")
    journey.set_epochs(20)
    journey.choose_example("tutorial_5_points")
    said = [c.value for c in journey.at.main.caption]
    assert any("Replaced with this data's own: Update rule, Epochs" in line for line in said), said
    assert journey.at.session_state["optimizer"] == "gd"


def test_the_note_on_how_the_data_opened_goes_once_a_setting_it_set_is_changed():
    # It said "Opened at a rate that fits this data … η = 0.015" above a run at η = 0.3.
    def opened_note(journey: Journey) -> list[str]:
        return [c.value for c in journey.at.main.caption if c.value.startswith("Opened at")]

    for change in (lambda j: j.choose_rule("momentum"), lambda j: j.type_rate(0.3)):
        journey = Journey()
        journey.open_app()
        journey.choose_dataset("engel")
        assert opened_note(journey)
        change(journey)
        assert not opened_note(journey)
        journey.choose_rule("gd")
        assert not opened_note(journey)


def test_an_upload_reopened_from_its_link_with_its_file_is_the_same_page():
    journey = Journey()
    journey.open_app()
    journey.upload()
    assert journey.at.session_state["features"] == ["Fläche", "Zimmer"]  # not the id column
    journey.type_rate(0.003)
    journey.the_page_is_what_its_link_opens()


def test_a_link_to_an_upload_keeps_its_columns_until_its_file_comes():
    # The example stood in with its own columns, the link's were "repaired" against it
    # (a false "The link was repaired" note), and the file then opened on its own columns.
    link = {"data_source": "upload", "target": "Preis", "features": "Zimmer", "epochs": "50"}
    at = open_link(link)
    assert not at.toast, [t.value for t in at.toast]
    assert link_of(at) == link  # copied before the file comes, the link is still the same
    at.file_uploader(key="upload_file").set_value(FILE).run()
    assert (at.session_state["target"], at.session_state["features"]) == ("Preis", ["Zimmer"])
    assert link_of(at) == link
    assert not at.toast
    # A file without the link's columns: they are repaired against it, and said so.
    at = open_link({**link, "features": "Zimmer,Balkon"})
    at.file_uploader(key="upload_file").set_value(FILE).run()
    assert at.session_state["features"] == ["Zimmer"]
    assert "columns the data does not have were left out" in at.toast[0].value


def test_a_race_changed_by_hand_travels_in_its_link():
    # The race was not in the link: a teacher's shared Compare page opened on the default race.
    journey = Journey()
    journey.open_app()
    journey.race_a_rate(1, 0.3)
    journey.choose_rule("adam")
    assert link_of(journey.at)["race2"] == "momentum,0.3"
    journey.the_page_is_what_its_link_opens()


def test_the_next_example_opens_on_its_own_features_after_generated_data():
    # Found by the machine: generated data, Correlated features (x1, x2), Adam by hand, then
    # the three-features example kept x1, x2 and dropped its x3.
    journey = Journey()
    journey.open_app()
    journey.generate()
    journey.generate()
    journey.choose_example("correlated")
    journey.choose_rule("adam")
    journey.choose_example("three_features")
    assert journey.at.session_state["features"] == ["x1", "x2", "x3"]
    journey.the_page_is_what_its_link_opens()


def test_a_run_set_back_to_the_defaults_by_hand_on_other_data_opens_as_it_is_from_its_link():
    # Found by the machine: generated data opens standardized at η 0.015; standardizing off
    # and η 0.05 by hand are the defaults, so the link held no run setting and reopened the
    # data on its own run (standardized, η 0.015).
    journey = Journey()
    journey.open_app()
    journey.generate()
    journey.switch_standardize()
    journey.type_rate(0.05)
    assert link_of(journey.at)["learning_rate"] == "0.05"
    journey.the_page_is_what_its_link_opens()


def test_pins_travel_in_the_link_and_leave_with_their_data():
    journey = Journey()
    journey.open_app()
    journey.pin()
    journey.type_rate(0.3)
    journey.choose_rule("adam")
    journey.pin()
    assert [pin["optimizer"] for pin in pins_of(journey.at)] == ["gd", "adam"]
    journey.the_page_is_what_its_link_opens()
    journey.unpin(0)
    journey.visit("pages/compare.py")
    journey.the_page_is_what_its_link_opens()
    journey.choose_example("correlated")
    assert pins_of(journey.at) == []
    journey.the_page_is_what_its_link_opens()
