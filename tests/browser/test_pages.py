"""The Compare and Learn pages open from the sidebar, keep its settings and draw their charts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    ARTIFACTS,
    SETTLE_MS,
    VIEWPORT,
    assert_healthy,
    learning_rate_slider,
    main,
    open_app,
    settle,
    shot,
    sidebar,
    start_server,
)

pytestmark = pytest.mark.browser


def assert_plots_drawn(page: Page, at_least: int) -> None:
    plots = main(page).locator(".js-plotly-plot")
    expect(plots.first).to_be_visible(timeout=SETTLE_MS)
    assert plots.count() >= at_least, plots.count()
    for i in range(plots.count()):
        expect(plots.nth(i).locator("svg.main-svg").first).to_be_attached()


def test_compare_page_from_the_sidebar_keeps_the_settings(page: Page) -> None:
    open_app(page, "/?learning_rate=0.2")
    sidebar(page).locator('[data-testid="stSidebarNavLink"]', has_text="Compare").click()
    expect(page).to_have_url(re.compile(r"/compare(\?|$)"), timeout=SETTLE_MS)
    settle(page, "Compare")
    expect(learning_rate_slider(page)).to_have_attribute("aria-valuetext", "0.2")
    expect(main(page).get_by_text("The race", exact=True)).to_be_visible()
    assert_plots_drawn(page, 1)
    assert_healthy(page)
    shot(page, "compare_page")


def test_learn_page_opens_by_its_address(page: Page) -> None:
    open_app(page, "/learn", title="Learn")
    expect(main(page).locator("h2").first).to_be_visible()
    assert_plots_drawn(page, 1)
    assert_healthy(page)
    shot(page, "learn_page")


def test_a_deep_link_is_the_first_request_a_fresh_server_gets(browser) -> None:
    """With a pages/ folder, Streamlit runs a deep-linked page file on its own until app.py
    has run once; the page must still route through the app: nav, sidebar, settings, URL."""
    with start_server(ARTIFACTS / "streamlit-fresh.log") as fresh:
        context = browser.new_context(base_url=fresh.url, viewport=VIEWPORT)
        page = context.new_page()
        try:
            open_app(page, "/compare?epochs=120", title="Compare")
            nav = sidebar(page).locator('[data-testid="stSidebarNav"]').inner_text()
            assert [
                line
                for line in nav.splitlines()
                if line.strip() in {"Descent", "Compare", "Learn", "app", "descent"}
            ] == ["Descent", "Compare", "Learn"]
            expect(sidebar(page).get_by_text("Learning rate η")).to_be_visible()
            assert "120 epochs" in main(page).inner_text()
            assert "epochs=120" in page.url
            assert_healthy(page)
            shot(page, "deep_link_fresh_server")
        finally:
            context.close()
        assert "Traceback" not in fresh.log_tail(400)
