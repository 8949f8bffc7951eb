"""Uploads through AppTest: which rows a fit keeps, which columns it starts on, which file."""

from streamlit.testing.v1 import AppTest

from tests.app.helpers import assert_fine, open_page
from ui.text import md_text


def upload(at: AppTest, name: str, content: bytes) -> AppTest:
    at.selectbox(key="data_source").set_value("upload").run()
    at.file_uploader(key="upload_file").set_value((name, content, "text/csv")).run()
    assert_fine(at)
    return at


def rows_caption(at: AppTest) -> str:
    return next(c.value for c in at.sidebar.caption if " rows" in c.value)


def flats(n_rows: int = 40) -> bytes:
    """Preis, Fläche, Zimmer: Zimmer is empty in every tenth row from the fourth (4 of 40)."""
    rows = [f"{100 + 3 * i},{20 + i},{'' if i % 10 == 3 else i % 4 + 1}" for i in range(n_rows)]
    return ("Preis,Fläche,Zimmer\n" + "\n".join(rows) + "\n").encode()


def test_rows_are_dropped_only_for_the_columns_fitted():
    at = upload(open_page(), "wohnungen.csv", flats())
    at.selectbox(key="target").set_value("Preis").run()
    at.multiselect(key="features").set_value(["Fläche"]).run()
    assert_fine(at)
    assert rows_caption(at) == "40 rows."
    at.multiselect(key="features").set_value(["Fläche", "Zimmer"]).run()
    assert_fine(at)
    assert rows_caption(at) == "36 rows; 4 rows dropped for a missing target or feature value."


def test_an_identifier_column_is_offered_but_not_fitted_from_the_start():
    rows = "".join(f"{i + 1},{20 + 3 * i},{i % 4 + 1},{100 + 7 * i}\n" for i in range(30))
    at = upload(open_page(), "wohnungen.csv", f"#ID,Fläche,Zimmer,Preis\n{rows}".encode())
    assert at.session_state["target"] == "Preis"
    assert at.session_state["features"] == ["Fläche", "Zimmer"]
    assert "#ID" in at.multiselect(key="features").options
    at.multiselect(key="features").set_value(["#ID", "Fläche"]).run()
    assert_fine(at)
    assert at.session_state["features"] == ["#ID", "Fläche"]


def test_a_file_removed_from_the_uploader_is_named_while_it_is_still_fitted():
    rows = "".join(f"{0.5 * i},{3 * i + 1}\n" for i in range(20))
    at = upload(open_page(), "clean.csv", f"x,y\n{rows}".encode())
    kept = f"Using {md_text('clean.csv')}, uploaded earlier; upload another to replace it."
    assert kept not in [c.value for c in at.sidebar.caption]
    at.file_uploader(key="upload_file").set_value(None).run()
    assert_fine(at)
    assert kept in [c.value for c in at.sidebar.caption]
    assert at.session_state["features"] == ["x"]
