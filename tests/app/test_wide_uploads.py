"""Uploads wider than one fit takes open on the first 50 features; others can be chosen."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.helpers import APP, TIMEOUT, assert_fine, table_with
from ui.compute import parse_upload
from ui.state import UPLOAD_DIGEST, UPLOAD_NAME, UPLOAD_TABLE


def wide_csv(n_columns: int, n_rows: int = 5) -> bytes:
    """``n_columns`` numeric columns ``c0, c1, ...`` (the last is the target), no two alike,
    none counting the rows (a column 1, 2, 3, ... is an identifier, not a feature)."""
    header = ",".join(f"c{j}" for j in range(n_columns))
    rows = [
        ",".join(f"{(i + 2) * (j % 7 + 1) + j / 1e3:g}" for j in range(n_columns))
        for i in range(n_rows)
    ]
    return ("\n".join([header, *rows]) + "\n").encode()


def first(n: int) -> list[str]:
    return [f"c{j}" for j in range(n)]


def uploaded(content: bytes) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    at.selectbox(key="data_source").set_value("upload").run()
    at.file_uploader(key="upload_file").set_value(("wide.csv", content, "text/csv")).run()
    assert_fine(at)
    return at


def weights(at: AppTest) -> list[str]:
    """The parameters table's weight rows, ``w₁ (c0)``..."""
    return [name for name in table_with(at, "closed form").index if name.startswith("w")]


@pytest.mark.parametrize("n_columns", [60, 20_000], ids=["60-columns", "20000-columns"])
def test_a_wide_upload_opens_on_the_first_50_features_and_says_so(n_columns):
    at = uploaded(wide_csv(n_columns))
    assert at.session_state["target"] == f"c{n_columns - 1}"
    assert at.session_state["features"] == first(50)
    note = (
        f"This file has {n_columns:,} numeric columns; the first 50 are used as features. "
        "Choose others below."
    )
    assert note in [c.value for c in at.sidebar.caption]
    assert len(weights(at)) == 50
    assert weights(at)[-1].endswith("(c49)")
    assert not at.sidebar.warning


@pytest.fixture(scope="module")
def sixty():
    return wide_csv(60)


def test_other_features_of_a_wide_upload_can_be_chosen(sixty):
    at = uploaded(sixty)
    at.multiselect(key="features").set_value(["c55", "c3"]).run()
    assert_fine(at)
    assert at.session_state["features"] == ["c55", "c3"]
    assert [name.split(" ")[1] for name in weights(at)] == ["(c55)", "(c3)"]
    note = "This file has 60 numeric columns; up to 50 can be features."
    assert note in [c.value for c in at.sidebar.caption]


def test_the_features_menu_allows_at_most_50(sixty):
    at = uploaded(sixty)
    assert at.multiselect(key="features").proto.max_selections == 50
    # The browser refuses a 51st itself; a choice that gets past it is cut, not run.
    at.multiselect(key="features").set_value(first(52)).run()
    assert_fine(at)
    assert at.session_state["features"] == first(50)
    cut = "52 features were chosen; Downhill fits at most 50 at once, so the first 50 are used."
    assert [w.value for w in at.sidebar.warning] == [cut]
    assert len(weights(at)) == 50


def test_a_link_naming_60_features_is_cut_to_its_first_50():
    named = [f"c{j}" for j in range(5, 65)]
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = {"data_source": "upload", "target": "c69", "features": ",".join(named)}
    # A link carries no file: this session already holds the 70-column upload it names.
    digest, table = parse_upload(wide_csv(70))
    at.session_state[UPLOAD_DIGEST], at.session_state[UPLOAD_TABLE] = digest, table
    at.session_state[UPLOAD_NAME] = "wide.csv"
    at.run()
    assert_fine(at)
    assert at.session_state["features"] == named[:50]
    cut = "60 features were chosen; Downhill fits at most 50 at once, so the first 50 are used."
    assert [w.value for w in at.sidebar.warning] == [cut]
    assert at.query_params["features"] == ",".join(named[:50])


def test_a_choice_that_did_not_change_is_not_sent_back_to_the_menu(sixty):
    """Setting the menu's value from the server costs the browser seconds on 20,000 columns."""
    at = uploaded(sixty)
    at.toggle(key="fit_intercept").set_value(False).run()
    assert_fine(at)
    assert not at.multiselect(key="features").proto.set_value
    assert at.session_state["features"] == first(50)
