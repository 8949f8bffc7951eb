"""A class on one server: twelve sessions change the learning rate at once, and each is served
its own settings and results.

Every session is a browser context of its own (a Streamlit session). All twelve are open
together; each types its own learning rate into the sidebar and presses Enter without waiting
for the server, so the reruns overlap in the one server. Then each session must show
its own rate in the typed-rate box, in its address and in the player's run, and no other
session's.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import (
    PLAYER_STATE,
    SETTLE_MS,
    VIEWPORT,
    assert_healthy,
    open_app,
    settle,
    sidebar,
)
from ui.settings import DEFAULT_RATE

pytestmark = pytest.mark.browser

SESSIONS = 12


def typed_rate(page: Page):
    return sidebar(page).get_by_role("spinbutton", name="or type a rate")


def test_twelve_sessions_change_the_rate_at_once_and_each_keeps_its_own(
    browser: Browser, server
) -> None:
    contexts = [
        browser.new_context(viewport=VIEWPORT, base_url=server.url) for _ in range(SESSIONS)
    ]
    try:
        pages: list[Page] = []
        for context in contexts:
            context.set_default_timeout(SETTLE_MS)
            page = context.new_page()
            open_app(page, "/", "Descent")
            pages.append(page)
        # Twelve different rates, none of them the default, all below the stable limit.
        expected = [round(0.011 + 0.004 * i, 3) for i in range(SESSIONS)]
        assert len(set(expected)) == SESSIONS and DEFAULT_RATE not in expected
        for page, rate in zip(pages, expected, strict=True):
            typed_rate(page).fill(f"{rate:g}")
            typed_rate(page).press("Enter")
        for page, rate in zip(pages, expected, strict=True):
            settle(page, "Descent")
            expect(typed_rate(page)).to_have_value(f"{rate:g}", timeout=SETTLE_MS)
            expect(page).to_have_url(re.compile(rf"learning_rate={re.escape(f'{rate:g}')}(&|$)"))
            page.wait_for_function(
                f"() => {{ const s = ({PLAYER_STATE})(); return s && s.rate === {rate!r}; }}",
                timeout=SETTLE_MS,
            )
            assert_healthy(page)
        # Each session's run is its own: the final loss differs between neighbouring rates.
        shown = [page.evaluate(PLAYER_STATE) for page in pages]
        assert [state["rate"] for state in shown] == expected
        assert len({state["moving"][1] for state in shown}) == SESSIONS
    finally:
        for context in contexts:
            context.close()
