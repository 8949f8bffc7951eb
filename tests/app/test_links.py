"""No link can break a page: whatever a query string holds, every page opens, and reopens.

A link is opened as a browser opens it: a fresh session whose first run is the
page the address names (``/compare?…``), with the router letting any exception
through (``tests/app/conftest.py``). Reloading is a fresh session opened on the
query string the first one wrote back.
"""

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, TIMEOUT

PAGES = ("pages/descent.py", "pages/compare.py", "pages/learn.py")
REPAIRED = "The link was repaired."
BROKEN = "Something went wrong"


def open_link(query: dict, page: str) -> AppTest:
    """A fresh session opened on ``page`` with ``query`` as its query string."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = dict(query)
    at.switch_page(page)
    return at.run()


def assert_drawn(at: AppTest) -> None:
    """The page ran to its end, with neither an exception nor the friendly failure."""
    assert not at.exception, at.exception
    assert not any(BROKEN in e.value for e in at.error), [e.value for e in at.error]


def toasts(at: AppTest) -> list[str]:
    return [t.value for t in at.toast]


def reload(at: AppTest, page: str) -> AppTest:
    """The link ``at`` wrote back to the address bar, opened by a fresh session."""
    reopened = open_link(at.query_params, page)
    assert_drawn(reopened)
    return reopened


#: Columns of the default example (x, y) asked for in ways that cannot all be taken.
COLUMN_LINKS = {
    "repeated-feature": ({"features": "x,x"}, "y", ["x"]),
    "missing-column": ({"features": "nope", "target": "also_nope"}, "y", ["x"]),
    "target-in-features": ({"target": "y", "features": "y,x"}, "y", ["x"]),
    "only-the-target": ({"target": "x", "features": "x"}, "x", ["y"]),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("case", sorted(COLUMN_LINKS))
def test_a_link_with_columns_that_cannot_be_taken_opens_repaired(case, page):
    query, target, features = COLUMN_LINKS[case]
    at = open_link(query, page)
    assert_drawn(at)
    assert any(t.startswith(REPAIRED) for t in toasts(at)), toasts(at)
    assert (at.session_state["target"], at.session_state["features"]) == (target, features)
    assert at.query_params["features"] == ",".join(features)

    reopened = reload(at, page)
    assert not toasts(reopened), "the repaired link was written back, so nothing to repair"
    assert reopened.session_state["features"] == features


def test_an_invalid_value_is_reset_with_a_note_and_left_out_of_the_link():
    at = open_link({"epochs": "nan", "loss": "🙂", "learning_rate": "1e999"}, PAGES[0])
    assert_drawn(at)
    assert toasts(at) == [
        f"{REPAIRED} Not valid, so reset to the default: loss, learning_rate, epochs."
    ]
    assert not {"epochs", "loss", "learning_rate"} & set(at.query_params)
