"""Fixtures for the browser tests: one Streamlit server per session, one Chromium, a page per test.

The server runs the app from the repository root exactly as people start it; its output goes
to ``test-artifacts/browser/streamlit.log``. Every test gets a fresh browser context, which is a
fresh Streamlit session (its own session state), and fails when the server logged an error
while the test ran (the app hides those behind a friendly message).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.helpers import (
    ARTIFACTS,
    CHROMIUM,
    CHROMIUM_ARGS,
    SERVER_ERRORS,
    VIEWPORT,
    Server,
    start_server,
)


@pytest.fixture(scope="session")
def server() -> Iterator[Server]:
    """``streamlit run app.py`` on a free port, ready when its health check answers."""
    with start_server(ARTIFACTS / "streamlit.log") as running:
        yield running


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium; the tests fail (never skip) without it."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"The browser tests need Chromium at {CHROMIUM}. Install it with "
            "`bash scripts/setup-dev.sh` (as root it runs `apt-get install chromium`), or on "
            "Debian/Ubuntu: `sudo apt-get install chromium`. Playwright's own browser "
            "download is not used."
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A page in a new context (a new Streamlit session), with generous default timeouts."""
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    context.set_default_timeout(60_000)
    new_page = context.new_page()
    yield new_page
    context.close()


@pytest.fixture(autouse=True)
def _server_stays_quiet(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a browser test when the server logged an exception while it ran."""
    if "server" not in request.fixturenames:
        yield
        return
    running: Server = request.getfixturevalue("server")
    offset = running.log_size()
    yield
    logged = running.log_since(offset)
    found = [marker for marker in SERVER_ERRORS if marker in logged]
    assert not found, f"the server logged an error during this test:\n{logged[-4000:]}"
