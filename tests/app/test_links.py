"""No link can break a page: whatever a query string holds, every page opens, and reopens.

A link is opened as a browser opens it: a fresh session whose first run is the
page the address names (``/compare?…``), with the router letting any exception
through (``tests/app/conftest.py``). Reloading is a fresh session opened on the
query string the first one wrote back.

``DOWNHILL_LINK_EXAMPLES`` sets how many links the property test tries (30 by
default, for CI); ``DOWNHILL_LINK_EXAMPLES=500 python -m pytest tests/app/test_links.py``
searches harder.
"""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from tests.app.helpers import open_link
from ui.settings import SCHEMA, SETTINGS

PAGES = ("pages/descent.py", "pages/compare.py", "pages/learn.py", "pages/challenges.py")
REPAIRED = "The link was repaired."
BROKEN = "Something went wrong"


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


# The property: query strings made of the app's own keys with any text at all.

#: Texts a value may be: what the app itself writes, then anything else.
ODD_TEXTS = (
    *("", " ", ",", ",,", "nan", "NaN", "-nan", "inf", "-inf", "1e309", "-1e309", "-0", "0x10"),
    *("1_000", " 7 ", "1e-320", "true", "None", "[]", "%00", "\x00", "💥", "x,x", "y,x,y"),
)
#: Column names of the examples and datasets, and one no data has.
COLUMN_NAMES = ("x", "y", "x1", "income", "nope")
#: The settings that name columns, whose values are mostly column names.
COLUMN_KEYS = ("target", "features")


def _own_texts(setting) -> list[str]:
    """URL texts the app itself writes for ``setting``: its edges, options and default."""
    if setting.kind in ("int", "float"):
        values = [setting.low, setting.high, setting.default, *setting.choices]
    elif setting.kind == "bool":
        values = [False, True]
    else:
        values = [*setting.choices, setting.default]
    return [setting.encode(v) for v in values if v is not None]


def _text(setting) -> st.SearchStrategy[str]:
    anything = st.one_of(
        st.floats().map(repr),
        st.integers(-(10**400), 10**400).map(str),
        st.sampled_from(ODD_TEXTS),
        st.text(max_size=12),
    )
    if setting.key in COLUMN_KEYS:
        names = st.lists(st.sampled_from(COLUMN_NAMES), max_size=3)
        columns = st.one_of(names, names.map(lambda n: n + n[:1])).map(",".join)  # one twice
        return st.one_of(columns, columns, columns, anything)
    own = _own_texts(setting)
    return st.one_of(st.sampled_from(own), st.sampled_from(own), anything)


def _value(setting) -> st.SearchStrategy[str | list[str]]:
    """One text, or several: the key repeated in the query string."""
    text = _text(setting)
    return st.one_of(text, st.lists(text, min_size=2, max_size=3))


def _query(keys: list[str]) -> st.SearchStrategy[dict]:
    return st.fixed_dictionaries({key: _value(SCHEMA[key]) for key in keys})


#: Columns (the app's own links always name them), a few of the other settings, and a key
#: the app does not know.
QUERIES = st.builds(
    lambda columns, others, unknown: {**others, **columns, **unknown},
    st.fixed_dictionaries(
        {"features": _value(SCHEMA["features"])}, optional={"target": _value(SCHEMA["target"])}
    ),
    st.lists(
        st.sampled_from([s.key for s in SETTINGS if s.in_url and s.key not in COLUMN_KEYS]),
        max_size=8,
        unique=True,
    ).flatmap(_query),
    st.fixed_dictionaries({}, optional={"zz": st.text(max_size=5)}),
)


@settings(
    max_examples=int(os.environ.get("DOWNHILL_LINK_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(query=QUERIES, page=st.sampled_from(PAGES))
def test_no_link_breaks_a_page_or_its_reload(query, page):
    at = open_link(query, page)
    assert_drawn(at)
    reload(at, page)
