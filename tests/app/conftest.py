"""AppTest set-up shared by the page tests."""

import pytest
import streamlit.testing.v1.app_test as app_test

from tests.app.routing import NavigationPages
from ui.router import STRICT_ENV


@pytest.fixture(autouse=True)
def navigation_pages(monkeypatch):
    """Every AppTest run in these tests routes through ``app.py`` as the server does."""
    monkeypatch.setattr(app_test, "PagesManager", NavigationPages)


@pytest.fixture(autouse=True)
def strict_pages(monkeypatch):
    """A page that raises fails its test: the router lets the exception through."""
    monkeypatch.setenv(STRICT_ENV, "1")
