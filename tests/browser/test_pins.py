"""Pinned runs in a real browser: a pin stays drawn in every view beside the live run, and a
shared link opens with the same pins."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    CHOICES,
    SETTLE_MS,
    assert_healthy,
    learning_rate_slider,
    main,
    open_app,
    open_choice,
    settle,
    shot,
)

pytestmark = pytest.mark.browser

#: Per view of the player: the pinned traces drawn (name, points) and the legend's entries.
PINNED = """() => {
  const root = document.querySelector('.dh-player');
  if (!root || root.dataset.drawn !== '1' || root.dataset.settled !== '1') return null;
  const views = ['fit', 'loss', 'map', ...(root.dataset.plane === 'true' ? ['surface'] : [])];
  return Object.fromEntries(views.map((view) => {
    const gd = root.querySelector(`.dh-${view} .dh-graph`);
    const pins = (gd.data || []).filter((t) => (t.uid || '').startsWith('pin-'));
    const legend = Array.from(gd.querySelectorAll('.legendtext')).map((e) => e.textContent);
    return [view, {
      names: pins.map((t) => t.name),
      points: pins.map((t) => (t.x || []).filter((x) => x !== null).length),
      legend,
      rate: root.dataset.rate,
    }];
  }));
}"""

LABEL = "Pin 1 · GD η=0.05"


def _listed(page: Page):
    """The pin's line in the list under the player (the legends say it too)."""
    return main(page).get_by_role("paragraph").filter(has_text=re.compile(f"^{LABEL}$"))


def _pinned(page: Page, rate: str | None = None) -> dict:
    """The pinned traces once every view shows the pin and the live run is at ``rate``."""
    at = "true" if rate is None else f"v.rate === '{rate}'"
    page.wait_for_function(
        f"""() => {{
          const s = ({PINNED})();
          return s && Object.values(s).every((v) => v.names.length === 1 && {at});
        }}""",
        polling=100,
        timeout=SETTLE_MS,
    )
    return page.evaluate(PINNED)


def _assert_pin_in_every_view(views: dict) -> None:
    for name, view in views.items():
        assert view["names"] == [LABEL], name
        assert LABEL in view["legend"], (name, view["legend"])
    # A path, a loss curve and a fit line: the whole run, drawn at once (it does not move).
    assert views["map"]["points"][0] > 10
    assert views["surface"]["points"][0] == views["map"]["points"][0]
    assert views["loss"]["points"][0] > 10
    assert views["fit"]["points"] == [2]


def test_a_pinned_run_stays_in_every_view_and_travels_with_the_link(page: Page) -> None:
    open_app(page)
    main(page).get_by_role("button", name="Pin this run").click()
    settle(page)
    expect(_listed(page)).to_be_visible()
    expect(main(page).get_by_text("This run is pinned already, as pin 1.")).to_be_visible()

    learning_rate_slider(page).focus()
    page.keyboard.press("ArrowRight")  # the live run moves on to η = 0.07; the pin stays
    page.wait_for_function("() => new URL(location.href).searchParams.get('learning_rate')")
    settle(page)
    views = _pinned(page, "0.07")
    _assert_pin_in_every_view(views)
    for view in views:  # what a screen reader says of each chart names the pin too
        alt = main(page).locator(f".dh-player .dh-{view} .dh-alt")
        expect(alt).to_contain_text(f"Also drawn, faint and static: {LABEL}.")
    expect(main(page).get_by_role("button", name="Pin this run")).to_be_enabled()
    assert re.search(r"[?&]pin1=gd%2C0\.05(&|$)", page.url), page.url
    assert_healthy(page)
    shot(page, "pins")

    shared = page.context.browser.new_context(
        viewport=page.viewport_size, base_url=page.url.split("/?")[0]
    )
    try:
        other = shared.new_page()
        other.set_default_timeout(60_000)
        open_app(other, page.url)
        expect(_listed(other)).to_be_visible()
        assert _pinned(other, "0.07") == views
        assert_healthy(other)
    finally:
        shared.close()


@pytest.mark.parametrize("path", CHOICES.values(), ids=CHOICES)
def test_a_pin_is_drawn_on_every_data_choice(page: Page, path: str) -> None:
    open_choice(page, path)
    main(page).get_by_role("button", name="Pin this run").click()
    settle(page)
    views = _pinned(page)
    plane = page.evaluate("() => document.querySelector('.dh-player').dataset.plane") == "true"
    assert sorted(views) == sorted(["fit", "loss", "map", *(["surface"] if plane else [])])
    assert plane != (path == CHOICES["one parameter (a curve, no surface)"])
    for name, view in views.items():
        assert len(view["names"]) == 1 and view["names"][0].startswith("Pin 1 · "), name
        assert view["names"][0] in view["legend"], name
        assert view["points"][0] >= 2, name
    assert_healthy(page)


#: Per flat view, on screen (px): its tick labels' bottom, its x-axis title, its legend.
TITLE_AND_LEGEND = """() => Object.fromEntries(['fit', 'loss', 'map'].map((view) => {
  const gd = document.querySelector(`.dh-player .dh-${view} .dh-graph`);
  const title = gd.querySelector('.g-xtitle').getBoundingClientRect();
  const legend = gd.querySelector('.legend').getBoundingClientRect();
  const ticks = Math.max(...Array.from(gd.querySelectorAll('.xtick text'),
                                       (t) => t.getBoundingClientRect().bottom));
  return [view, { ticks, titleTop: title.top, title: title.bottom, legend: legend.top,
                  legendBottom: legend.bottom, figure: gd.getBoundingClientRect().bottom }];
}))"""


@pytest.mark.parametrize("width", [1280, 390])
def test_three_pins_legends_stay_clear_of_the_axis_titles(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    open_app(page, "/?pin1=gd,0.05&pin2=gd,0.3&pin3=momentum,0.1&learning_rate=0.1")
    page.wait_for_function(
        f"() => {{ const s = ({PINNED})(); return s && s.fit.names.length === 3; }}",
        polling=100,
        timeout=SETTLE_MS,
    )
    for view, box in page.evaluate(TITLE_AND_LEGEND).items():
        assert box["ticks"] <= box["titleTop"] + 1 <= box["title"] <= box["legend"] + 1, (view, box)
        assert box["legendBottom"] <= box["figure"] + 1, (view, box)
    shot(page, f"pins-legends-{width}")
