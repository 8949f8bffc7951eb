"""Nothing leaves the server: a class on a network that blocks outside hosts sees the whole app.

Every request the browser makes while a person opens the three pages, changes the example and
uploads a file is recorded; any host other than the app's own server fails the test. The icons
(Streamlit's Material Symbols font) and the favicon must come from the server too.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page

from tests.browser.helpers import (
    LOCAL_SCHEMES,
    assert_charts_drawn,
    choose,
    line_csv,
    open_app,
    outside,
    settle,
    sidebar,
    upload,
)

pytestmark = pytest.mark.browser


def test_the_outside_check_catches_other_hosts() -> None:
    server = "http://127.0.0.1:8501"
    urls = [
        f"{server}/static/js/index.js",
        "data:image/svg+xml,<svg/>",
        "blob:http://127.0.0.1:8501/abc",
        "https://fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/x/24px.svg",
        "http://127.0.0.1:9999/other-port",
    ]
    assert outside(urls, server) == [urls[3], urls[4]]


def test_every_page_and_flow_asks_only_the_server(page: Page, server) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    open_app(page, "/", "Descent")
    assert_charts_drawn(page)
    sidebar(page).locator('[data-testid="stSidebarNavLink"]', has_text="Compare").click()
    settle(page, "Compare")
    sidebar(page).locator('[data-testid="stSidebarNavLink"]', has_text="Learn").click()
    settle(page, "Learn")
    sidebar(page).locator('[data-testid="stSidebarNavLink"]', has_text="Descent").click()
    settle(page, "Descent")
    choose(page, "Example", "Anscombe's quartet")
    settle(page, "Descent")
    upload(page, "line.csv", line_csv("hours", "score", 3.0, 10.0))
    settle(page, "Descent")
    assert_charts_drawn(page)
    # The icons are drawn with Streamlit's bundled Material Symbols font, from this server.
    assert page.evaluate(
        """() => Array.from(document.fonts).some(
            face => face.family.includes('Material Symbols') && face.status === 'loaded')"""
    )
    favicon = page.evaluate("() => document.querySelector(\"link[rel='shortcut icon']\").href")
    assert outside([favicon], server.url) == [], favicon
    assert len(requested) > 50, "the recorder saw too little"
    assert outside(requested, server.url) == []


def test_the_app_works_with_every_other_host_blocked(page: Page, server) -> None:
    """As on a school network: every outside request fails, and the page is whole."""
    own = urlsplit(server.url).netloc
    blocked: list[str] = []

    def block(route) -> None:
        url = route.request.url
        if urlsplit(url).scheme in LOCAL_SCHEMES or urlsplit(url).netloc == own:
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page.route("**/*", block)
    open_app(page, "/learn", "Learn")
    open_app(page, "/", "Descent")
    assert_charts_drawn(page)
    assert blocked == []
