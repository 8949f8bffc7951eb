"""A link the app cannot take as it is opens repaired in a real browser, and reloads clean."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import SETTLE_MS, assert_healthy, open_app

pytestmark = pytest.mark.browser

TOAST = '[data-testid="stToast"]'


def test_a_repeated_feature_in_a_link_is_repaired_and_the_reload_is_clean(page: Page) -> None:
    open_app(page, "/compare?features=x,x", title="Compare")
    expect(page.locator(TOAST)).to_contain_text("The link was repaired", timeout=SETTLE_MS)
    assert_healthy(page)
    expect(page).to_have_url(re.compile(r"[?&]features=x(&|$)"))

    open_app(page, page.url, title="Compare")  # a reload: a new session on the address shown
    assert_healthy(page)
    expect(page.locator(TOAST)).to_have_count(0)
