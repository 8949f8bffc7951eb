"""A challenge opened by its link, solved by changing one setting, on a projector and a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    PHONE,
    PROJECTOR,
    SETTLE_MS,
    assert_healthy,
    choose,
    main,
    metric,
    open_app,
    settle,
    shot,
    sidebar,
)

pytestmark = pytest.mark.browser

#: How far the main block reaches sideways past what fits on screen.
SIDEWAYS = """() => {
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  return Math.max(document.scrollingElement.scrollWidth - window.innerWidth,
                  block.scrollWidth - block.clientWidth);
}"""


def test_a_challenge_link_is_solved_by_standardizing(page: Page) -> None:
    page.set_viewport_size(PROJECTOR)
    open_app(page, "/challenges?challenge=standardize", title="Challenges")
    expect(main(page).get_by_text("Fix it without touching the rate")).to_be_visible()
    expect(main(page).get_by_text(re.compile(r"Not yet:\W*the run diverged"))).to_be_visible()
    assert metric(page, "Final loss above L*") == "diverged"
    # The goal, the verdict and the path's buttons are on a projector's first screen.
    expect(main(page).get_by_text(re.compile(r"^Goal:"))).to_be_in_viewport()
    expect(main(page).get_by_role("button", name="Next →")).to_be_in_viewport()
    assert page.evaluate(SIDEWAYS) <= 0
    shot(page, "challenge_projector_open")

    sidebar(page).get_by_role("switch", name="Standardize features").click(force=True)
    expect(page).to_have_url(re.compile(r"[?&]standardize=1\b"), timeout=SETTLE_MS)
    settle(page, "Challenges")
    expect(
        main(page).get_by_text(re.compile(r"^Solved:\W*the run arrives at epoch 20"))
    ).to_be_visible(timeout=SETTLE_MS)
    assert metric(page, "Arrived at epoch") == "20"
    assert metric(page, "Learning rate η") == "0.1"
    assert metric(page, "Final loss above L*") == "< 0.0001 %"
    expect(page).to_have_url(re.compile(r"[?&]solved=standardize\b"), timeout=SETTLE_MS)
    shot(page, "challenge_projector_solved")
    assert_healthy(page)


def test_the_guided_path_reads_on_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    open_app(
        page, "/challenges?challenge=half_mse&solved=tame_divergence,too_timid", title="Challenges"
    )
    expect(main(page).get_by_text("Challenge 5 of 14")).to_be_visible()
    expect(main(page).get_by_text(re.compile(r"Progress: 2 of 14 solved"))).to_be_visible()
    assert page.evaluate(SIDEWAYS) <= 0
    shot(page, "challenge_phone")
    main(page).get_by_role("button", name="Next →").click()
    settle(page, "Challenges")
    expect(main(page).get_by_text("Challenge 6 of 14")).to_be_visible(timeout=SETTLE_MS)
    expect(page).to_have_url(re.compile(r"[?&]challenge=standardize\b"), timeout=SETTLE_MS)
    main(page).get_by_role("button", name="All challenges").click()
    settle(page, "Challenges")
    expect(main(page).get_by_text(re.compile(r"2 of 14 solved"))).to_be_visible(timeout=SETTLE_MS)
    assert page.evaluate(SIDEWAYS) <= 0
    shot(page, "challenge_phone_path")
    assert_healthy(page)


def test_a_teachers_link_opens_the_challenge_it_was_made_of(page: Page) -> None:
    page.set_viewport_size(PROJECTOR)
    open_app(page, "/challenges?challenge=tame_divergence", title="Challenges")
    main(page).get_by_text("Make a challenge from this page (for teachers)").click()
    settle(page, "Challenges")
    main(page).get_by_text("Beat this run").click()
    settle(page, "Challenges")
    code = main(page).locator('[data-testid="stCode"]')
    expect(code).to_contain_text("/challenges?challenge=c1.", timeout=SETTLE_MS)
    made = code.inner_text().strip()
    assert made.startswith(page.url.split("/challenges")[0]), made
    shot(page, "challenge_maker")

    page.goto(made)
    settle(page, "Challenges")
    expect(main(page).get_by_text("A challenge made with Downhill")).to_be_visible()
    expect(main(page).get_by_text(re.compile(r"Not yet:"))).to_be_visible()
    typed = sidebar(page).get_by_role("spinbutton", name="or type a rate")
    typed.fill("0.5")
    typed.press("Enter")
    settle(page, "Challenges")
    expect(
        main(page).get_by_text(re.compile(r"^Solved:\W*the run arrives at epoch 10"))
    ).to_be_visible(timeout=SETTLE_MS)
    assert metric(page, "Learning rate η") == "0.5"
    assert_healthy(page)


@pytest.mark.parametrize("other", ["Badly scaled", "Tutorial: five points"])
def test_start_again_after_other_data_opens_the_challenge_at_one_click(
    page: Page, other: str
) -> None:
    # The page with other data draws no player; the one click that opens the challenge again
    # must not race the new player's own request (which carried the other data's settings).
    open_app(page, "/challenges?challenge=tame_divergence", title="Challenges")
    expect(main(page).get_by_text(re.compile(r"Not yet:"))).to_be_visible()
    choose(page, "Example", other)
    expect(main(page).get_by_text(re.compile("other data than this challenge"))).to_be_visible(
        timeout=SETTLE_MS
    )
    main(page).get_by_role("button", name="Start again").click()
    settle(page, "Challenges")
    expect(main(page).get_by_text(re.compile(r"Not yet:\W*the run diverged"))).to_be_visible(
        timeout=SETTLE_MS
    )
    page.wait_for_timeout(1500)  # a request racing the click would land by now
    settle(page, "Challenges")
    expect(main(page).get_by_text(re.compile("other data than this challenge"))).to_have_count(0)
    assert metric(page, "Learning rate η") == "1.5"
    assert re.search(r"[?&]preset=clear_bowl\b", page.url) or "preset=" not in page.url, page.url
    expect(page).to_have_url(re.compile(r"[?&]learning_rate=1\.5\b"))
    assert_healthy(page)
