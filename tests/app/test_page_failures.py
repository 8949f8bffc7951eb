"""A page that raises fails its test; people see a friendly message and keep their settings."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, TIMEOUT
from ui import lessons, race, tables
from ui.router import STRICT_ENV

#: For each page, a function it calls on every run, to break on purpose.
BREAKABLE = {
    "descent": (tables, "metrics_table"),
    "compare": (race, "scoreboard"),
    "learn": (lessons, "rule_values"),
}


def _broken(*args, **kwargs):
    raise RuntimeError("broken on purpose")


def _open(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if page != "descent":
        at.switch_page(f"pages/{page}.py").run()
    return at


@pytest.mark.parametrize("page", sorted(BREAKABLE))
def test_a_page_that_raises_fails_its_test(page, monkeypatch):
    module, name = BREAKABLE[page]
    monkeypatch.setattr(module, name, _broken)
    at = _open(page)
    assert at.exception, f"the {page} page raised, yet AppTest saw no exception"


@pytest.mark.parametrize("page", sorted(BREAKABLE))
def test_people_see_a_friendly_message_and_keep_their_settings(page, monkeypatch):
    monkeypatch.delenv(STRICT_ENV)
    module, name = BREAKABLE[page]
    monkeypatch.setattr(module, name, _broken)
    at = _open(page)
    assert not at.exception
    assert any("Something went wrong" in e.value for e in at.error)
    assert not any("broken on purpose" in e.value for e in at.error)
    assert at.sidebar.select_slider(key="rate_ladder").value == 0.05
