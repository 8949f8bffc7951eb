"""What the page tests share: opening a page through ``app.py`` as a server does.

``tests/app/conftest.py`` makes the router let exceptions through, so a page
that breaks fails the test that opened it (``at.exception``).
"""

import re
from pathlib import Path

import pandas as pd
from streamlit.testing.v1 import AppTest

from ui.tables import THIS_RUN

APP = str(Path(__file__).parents[2] / "app.py")
TIMEOUT = 90
#: A Markdown table's cell boundary: a "|" that no backslash escapes.
_CELL = re.compile(r"(?<!\\)\|")


def open_page(page: str = "pages/descent.py") -> AppTest:
    """The app run once, then switched to ``page`` and run again, checked for exceptions."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    if page != "pages/descent.py":
        at.switch_page(page).run()
    assert_fine(at)
    return at


def open_link(query: dict, page: str = "pages/descent.py") -> AppTest:
    """A fresh session opened on ``page`` with ``query`` as its query string, run once."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params = dict(query)
    if page != "pages/descent.py":
        at.switch_page(page)
    return at.run()


def assert_fine(at: AppTest) -> None:
    """The page ran to its end without an exception."""
    assert not at.exception, at.exception


def markdown_tables(at: AppTest) -> list[pd.DataFrame]:
    """The Markdown tables on the page (:func:`ui.tables.markdown_table`, one to an element,
    perhaps under a title), read back as frames.

    Each frame's index is the table's first column; labels and cells are the Markdown sent.
    """
    frames = []
    for element in at.markdown:
        lines = [line for line in str(element.value).split("\n") if line.startswith("| ")]
        if len(lines) < 2 or not set(lines[1]) <= set("|-: "):
            continue
        header, _, *rows = ([cell.strip() for cell in _CELL.split(line)[1:-1]] for line in lines)
        frame = pd.DataFrame([row[1:] for row in rows], columns=header[1:])
        frames.append(frame.set_axis([row[0] for row in rows]))
    return frames


def table_with(at: AppTest, column: str) -> pd.DataFrame:
    """The first Markdown table on the page with ``column`` (the parameters: "closed form")."""
    return next(frame for frame in markdown_tables(at) if column in frame.columns)


def stated(at: AppTest) -> dict[str, str]:
    """The numbers the page states by name: its metrics, and the rows of the Descent page's
    table of the run (:func:`ui.tables.run_table`)."""
    numbers = {m.label: m.value for m in at.metric}
    for frame in markdown_tables(at):
        if list(frame.columns) == [THIS_RUN]:
            numbers.update(frame[THIS_RUN].items())
    return numbers
