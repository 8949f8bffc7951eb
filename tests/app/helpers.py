"""What the page tests share: opening a page through ``app.py`` as a server does.

``tests/app/conftest.py`` makes the router let exceptions through, so a page
that breaks fails the test that opened it (``at.exception``).
"""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).parents[2] / "app.py")
TIMEOUT = 90


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
