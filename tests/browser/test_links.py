"""A link the app cannot take as it is opens repaired in a real browser, and reloads clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import SETTLE_MS, assert_healthy, open_app, settle

pytestmark = pytest.mark.browser

TOAST = '[data-testid="stToast"]'


def test_a_repeated_feature_in_a_link_is_repaired_and_the_reload_is_clean(page: Page) -> None:
    # The note is a toast, which leaves after a few seconds: look for it as the page opens,
    # before waiting for the page to settle (on a loaded machine that can outlast the toast).
    page.goto("/compare?features=x,x")
    expect(page.locator(TOAST)).to_contain_text("The link was repaired", timeout=SETTLE_MS)
    settle(page, "Compare")
    assert_healthy(page)
    expect(page).to_have_url(re.compile(r"[?&]features=x(&|$)"))

    open_app(page, page.url, title="Compare")  # a reload: a new session on the address shown
    assert_healthy(page)
    expect(page.locator(TOAST)).to_have_count(0)


def test_a_race_changed_on_compare_reopens_from_the_address_bar(page: Page) -> None:
    """A teacher changes a run of the race and shares the address: it opens the same race."""
    open_app(page, "/compare", title="Compare")
    page.get_by_role("slider", name="Learning rate η").nth(
        2
    ).focus()  # the sidebar's, then run 1's, run 2's
    page.keyboard.press("End")
    page.wait_for_function(
        "() => new URL(location.href).searchParams.get('race2') === 'momentum,10.0'"
    )
    shared = page.url
    page.context.clear_cookies()
    page.goto(shared)
    page.wait_for_timeout(SETTLE_MS)
    expect(page.get_by_text("2. Momentum η=10").first).to_be_visible()
    assert "race2=momentum%2C10.0" in page.url
    assert_healthy(page)
