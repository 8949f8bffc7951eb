"""The presentation view at a projector's 1280×720, and the Descent page on a 390 px phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    PHONE,
    PLAYER_STATE,
    PROJECTOR,
    SETTLE_MS,
    assert_healthy,
    main,
    open_app,
    settle,
    shot,
    sidebar,
)

pytestmark = pytest.mark.browser

REGIMES = ("smooth", "oscillates", "diverges")

# The font size (px) a chart's SVG text is drawn at, read from the element the browser shows.
FONT_PX = "el => parseFloat(getComputedStyle(el).fontSize)"
# How far the page and the main block reach sideways, against what fits on screen.
SIDEWAYS = """() => {
  const block = document.querySelector('[data-testid="stMainBlockContainer"]');
  const main = document.querySelector('[data-testid="stMain"]');
  return {
    page: document.scrollingElement.scrollWidth,
    main: main.scrollWidth - main.clientWidth,
    block: block.scrollWidth - block.clientWidth,
  };
}"""
# Each regime's stretch of the rate scrubber: its word, whether that word is drawn, and
# whether it is cut (wider than its stretch).
ZONES = """() => Array.from(document.querySelectorAll('.dh-player .dh-zones .dh-zone')).map(
  z => ({ word: z.textContent, drawn: parseFloat(getComputedStyle(z).fontSize) > 0,
          cut: z.scrollWidth > z.clientWidth + 1 }))"""


def _drawn(page: Page) -> None:
    page.wait_for_function(f"() => ({PLAYER_STATE})() !== null", polling=100, timeout=SETTLE_MS)


def _visible_views(page: Page) -> list[str]:
    views = main(page).locator(".dh-player .dh-view")
    return [
        name
        for i in range(views.count())
        if views.nth(i).is_visible()
        for name in ("fit", "loss", "surface", "map")
        if f"dh-{name}" in views.nth(i).get_attribute("class").split()
    ]


def _sidebar_folded(page: Page) -> bool:
    box = sidebar(page).bounding_box()
    return box is None or box["width"] < 5 or box["x"] + box["width"] <= 0


def test_a_presentation_link_shows_one_large_view_with_the_controls_on_screen(page: Page) -> None:
    page.set_viewport_size(PROJECTOR)
    open_app(page, "/?present=1")
    _drawn(page)
    player = main(page).locator(".dh-player")
    expect(player).to_have_class(re.compile(r"\bdh-present\b"))
    assert _sidebar_folded(page), sidebar(page).bounding_box()
    assert _visible_views(page) == ["fit"]
    block = main(page).locator('[data-testid="stMainBlockContainer"]').bounding_box()
    view = main(page).locator(".dh-fit").bounding_box()
    assert view["width"] >= 0.9 * block["width"], (view, block)
    ticks = main(page).locator(".dh-fit .xtick text")
    tick_px = min(ticks.nth(i).evaluate(FONT_PX) for i in range(ticks.count()))
    title_px = main(page).locator(".dh-fit .gtitle").evaluate(FONT_PX)
    assert tick_px >= 18, tick_px
    assert title_px > tick_px, (title_px, tick_px)
    # Playback and the rate are on screen as the page opens, above the view.
    play = player.get_by_role("button", name="Play")
    rate = player.get_by_role("slider", name=re.compile("learning rate"))
    for control in (play, rate):
        expect(control).to_be_in_viewport(ratio=1)
        assert control.bounding_box()["y"] < view["y"]
    # ...and so is the view itself, under them: the class sees it all without scrolling.
    expect(main(page).locator(".dh-fit")).to_be_in_viewport(ratio=0.95)
    expect(page).to_have_url(re.compile(r"[?&]present=1\b"))
    shot(page, "present_fit")

    # ← → switch views (focus on nothing in particular), and the switch says which is shown.
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    expect(player).to_have_attribute("data-view", "loss")
    assert _visible_views(page) == ["loss"]
    expect(player.get_by_role("button", name="Loss", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(player.get_by_role("button", name="Fit", exact=True)).to_have_attribute(
        "aria-pressed", "false"
    )
    loss = main(page).locator(".dh-loss").bounding_box()
    assert loss["width"] >= 0.9 * block["width"], (loss, block)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(player).to_have_attribute("data-view", "map")
    player.get_by_role("button", name="3D surface").click()
    expect(player).to_have_attribute("data-view", "surface")
    expect(main(page).locator(".dh-surface .gl-container canvas").first).to_be_visible()
    # On the rate scrubber the arrows move the rate, not the view.
    before = page.evaluate(PLAYER_STATE)["rateIndex"]
    rate.focus()
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(f"() => ({PLAYER_STATE})().rateIndex === {before - 1}")
    expect(player).to_have_attribute("data-view", "surface")
    shot(page, "present_surface")
    assert_healthy(page)


def test_the_toggle_on_the_page_turns_the_presentation_on_and_off(page: Page) -> None:
    page.set_viewport_size(PROJECTOR)
    open_app(page)
    _drawn(page)
    player = main(page).locator(".dh-player")
    expect(player).not_to_have_class(re.compile(r"\bdh-present\b"))
    assert len(_visible_views(page)) == 4
    toggle = main(page).get_by_role("switch", name="Present to a class")
    toggle.click(force=True)
    expect(page).to_have_url(re.compile(r"[?&]present=1\b"), timeout=SETTLE_MS)
    settle(page, "Descent")
    expect(player).to_have_class(re.compile(r"\bdh-present\b"))
    assert _visible_views(page) == ["fit"]
    toggle.click(force=True)
    expect(page).not_to_have_url(re.compile(r"present="), timeout=SETTLE_MS)
    settle(page, "Descent")
    expect(player).not_to_have_class(re.compile(r"\bdh-present\b"))
    assert len(_visible_views(page)) == 4
    assert_healthy(page)


def test_a_phone_scrolls_only_down_and_every_regime_is_said_whole(page: Page) -> None:
    page.set_viewport_size(PHONE)
    open_app(page)
    _drawn(page)
    page.wait_for_timeout(500)  # the rate row is laid out for the phone
    sideways = page.evaluate(SIDEWAYS)
    assert sideways["page"] <= PHONE["width"], sideways
    assert sideways["main"] <= 0 and sideways["block"] <= 0, sideways
    player = main(page).locator(".dh-player")
    # The rate's label above its scrubber, the scrubber the player's whole width.
    label = player.locator(".dh-rate-field > span").first.bounding_box()
    track = player.locator(".dh-rate-track").bounding_box()
    width = player.bounding_box()["width"]
    assert label["y"] + label["height"] <= track["y"] + 1, (label, track)
    assert track["width"] >= 0.95 * width, (track, width)
    zones = page.evaluate(ZONES)
    assert {z["word"] for z in zones} == set(REGIMES), zones
    legend = player.get_by_test_id("player-zone-legend")
    said_below = legend.inner_text() if legend.is_visible() else ""
    for zone in zones:
        assert not (zone["drawn"] and zone["cut"]), f"{zone['word']!r} is cut: {zones}"
        assert zone["drawn"] or zone["word"] in said_below, (zone, said_below)
    shot(page, "phone_descent")
    assert_healthy(page)


# The fit view's plot area and its legend's box, in page pixels.
FIT_BOXES = """() => {
  const gd = document.querySelector('.dh-fit .dh-graph');
  const plot = gd.querySelector('.nsewdrag').getBoundingClientRect();
  const legend = gd.querySelector('.legend');
  const box = legend ? legend.getBoundingClientRect() : null;
  const ticks = Array.from(gd.querySelectorAll('.xtick text')).map(t => t.getBoundingClientRect());
  return { plot: { left: plot.left, right: plot.right, top: plot.top, bottom: plot.bottom },
           legendTop: box ? box.top : null,
           tickTops: ticks.map(t => Math.round(t.top)) };
}"""


def test_presenting_on_a_phone_keeps_the_chart_wide_and_clear_of_its_legend(page: Page) -> None:
    # At 390 × 844 the fit view was about 110 px wide, the legend over it, the x labels stacked.
    page.set_viewport_size(PHONE)
    open_app(page, "/?present=1")
    _drawn(page)
    boxes = page.evaluate(FIT_BOXES)
    plot = boxes["plot"]
    assert plot["right"] - plot["left"] >= 250, boxes
    assert boxes["legendTop"] is None or boxes["legendTop"] >= plot["bottom"], boxes
    assert len(set(boxes["tickTops"])) == 1, boxes  # the x labels on one line, not stacked
    shot(page, "present-phone")
