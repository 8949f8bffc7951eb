"""The Compare page's race in a real browser: one scrubber moves every run, without the server."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.drag import drag, flat_pixels, set_scrubber, sketches_left, views_state
from tests.browser.helpers import SETTLE_MS, assert_healthy, frames_sent, main, open_app, shot

pytestmark = pytest.mark.browser

# Per view of the race (loss, surface, map), each run's moving trace: its point count and
# its coordinates, read from what plotly.js drew.
RACE_STATE = """
() => {
  const root = document.querySelector('.dh-player.dh-race');
  if (!root || root.dataset.drawn !== '1') return null;
  const graph = name => root.querySelector(`.dh-${name} .dh-graph`);
  const loss = graph('loss')._fullData;
  const runs = loss.filter(t => (t.uid || '').startsWith('curve-')).length;
  // The moving traces, found by the uid Python gave them (charts/views.py).
  const byUid = (data, uid) => data.find(t => t.uid === uid);
  const paths = name => {
    const data = graph(name)._fullData || [];
    return Array.from({ length: runs }, (_, i) => byUid(data, `path-${i}`)).map(
      t => JSON.stringify(['x', 'y', 'z'].map(a => Array.from((t && t[a]) || []))));
  };
  const marks = byUid(loss, 'marks');
  return {
    runs,
    epoch: Number(root.dataset.epoch),
    marks: JSON.stringify([Array.from(marks.x), Array.from(marks.y)]),
    map: paths('map'),
    surface: paths('surface'),
    status: root.querySelector('.dh-status').textContent,
    // What the graphs hold is what they show (not a sketch drawn while a key is held).
    settled: root.dataset.settled !== '0',
  };
}
"""


def _state(page: Page) -> dict:
    page.wait_for_function(f"() => ({RACE_STATE})() !== null", timeout=SETTLE_MS)
    return page.evaluate(RACE_STATE)


def _wait_for(page: Page, condition: str) -> None:
    """Wait until the race's state `s` meets `condition` (a JavaScript expression)."""
    page.wait_for_function(
        f"() => {{ const s = ({RACE_STATE})(); return s && {condition}; }}", timeout=SETTLE_MS
    )


def test_one_scrubber_moves_every_run_in_every_view_without_the_server(page: Page) -> None:
    sent = frames_sent(page)
    open_app(page, "/compare", "Compare")
    before = _state(page)
    assert before["runs"] == 3
    assert len(before["map"]) == 3 and len(before["surface"]) == 3
    scrubber = main(page).locator(".dh-race").get_by_role("slider", name="epoch")
    scrubber.focus()
    page.wait_for_timeout(300)
    sent[0] = 0
    page.keyboard.press("Home")
    _wait_for(page, "s.epoch === 0 && s.settled")
    start = _state(page)
    for key in ("map", "surface"):
        assert all(a != b for a, b in zip(before[key], start[key], strict=True)), key
    assert start["marks"] != before["marks"]
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    _wait_for(page, "s.epoch > 0 && s.settled")
    moved = _state(page)
    assert all(a != b for a, b in zip(start["map"], moved["map"], strict=True))
    page.wait_for_timeout(500)
    assert sent[0] == 0, f"scrubbing sent {sent[0]} websocket frames"
    text = json.dumps(moved)
    assert "NaN" not in text and "null" not in text
    assert "Epoch " in moved["status"]
    assert_healthy(page)


def test_playback_and_the_modebar_are_there(page: Page) -> None:
    open_app(page, "/compare", "Compare")
    race = main(page).locator(".dh-race")
    before = _state(page)
    race.get_by_role("button", name="Play").click()
    _wait_for(page, "s.epoch > 0 && s.epoch < 300")
    assert _state(page)["map"] != before["map"]
    loss = race.locator(".dh-loss")
    loss.hover()
    expect(loss.get_by_role("button", name="Download plot as a png")).to_be_attached()
    shot(page, "compare_race")


def test_stochastic_runs_are_drawn_update_by_update(page: Page) -> None:
    open_app(page, "/compare", "Compare")
    main(page).get_by_role("button", name="Batch vs mini-batch vs stochastic").click()
    _wait_for(page, "s.status.includes('stochastic') && s.settled")
    state = _state(page)
    full, stochastic = (json.loads(state["map"][i]) for i in (0, 2))
    assert len(stochastic[0]) > len(full[0]), "one point per update, not per epoch"
    assert_healthy(page)


def test_a_drag_of_the_race_ends_with_every_view_as_one_step_to_its_end_draws_it(
    page: Page,
) -> None:
    """The race follows a drag of its epoch scrubber at each view's own pace, like the
    Descent page's player, and ends exactly where one step to the same epoch does."""
    open_app(page, "/compare", "Compare")
    _state(page)
    end = int(page.locator(".dh-player .dh-epoch").get_attribute("max")) // 3
    set_scrubber(page, "epoch", 0)
    dragged = drag(page, "epoch", 1500, stop=end)
    assert dragged["value"] == end
    assert dragged["frames"] > 1, dragged
    assert all(dragged["drawn"][name] for name in ("loss", "map", "surface")), dragged
    assert sketches_left(page) == [], "a view still shows the sketch of a drag"
    after_drag, shown = views_state(page), flat_pixels(page, ("loss", "map"))
    assert _state(page)["epoch"] > 0
    open_app(page, "/compare", "Compare")
    _state(page)
    set_scrubber(page, "epoch", end)
    assert views_state(page) == after_drag
    assert flat_pixels(page, ("loss", "map")) == shown
    assert_healthy(page)
