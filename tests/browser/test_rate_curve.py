"""The rate curve as a learner sees it: opened under the player, a clicked point sets the rate."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import helpers

pytestmark = pytest.mark.browser

TITLE = "Loss against the learning rate"

# Where the point of a rate sits on screen: the gap pane's trace that carries the rate, read
# through the axes plotly.js drew (their pixel offsets inside the chart).
POINT_AT = """([gd, rate]) => {
  const full = gd._fullLayout;
  for (const trace of gd._fullData) {
    if (!trace.customdata || trace.yaxis !== 'y' || trace.marker.symbol === 'star') continue;
    const i = Array.from(trace.x).indexOf(rate);
    if (i < 0) continue;
    const box = gd.getBoundingClientRect();
    return {
      x: box.left + full.xaxis._offset + full.xaxis.l2p(Math.log10(rate)),
      y: box.top + full.yaxis._offset + full.yaxis.l2p(Math.log10(trace.y[i])),
      name: trace.name,
    };
  }
  return null;
}"""

HOVERED = "([gd, rate]) => (gd._hoverdata || []).some(point => point.x === rate)"


def open_curve(page: Page) -> None:
    """Open the section under the player and wait for its chart."""
    helpers.main(page).get_by_text(TITLE, exact=True).first.click()
    helpers.settle(page, "Descent")
    expect(chart(page)).to_be_visible(timeout=helpers.SETTLE_MS)


def chart(page: Page):
    return helpers.main(page).locator(".js-plotly-plot", has_text=TITLE)


def click_rate(page: Page, rate: float) -> str:
    """Click the point of ``rate`` on the curve; returns the name of the trace it is in."""
    chart(page).scroll_into_view_if_needed()
    gd = chart(page).element_handle()
    at = page.evaluate(POINT_AT, [gd, rate])
    assert at is not None, f"no point at η = {rate}"
    page.mouse.move(at["x"], at["y"])
    # Plotly shows the point's hover label once the pointer is on it: then it takes the click.
    page.wait_for_function(HOVERED, arg=[gd, rate], polling=100, timeout=10_000)
    page.mouse.click(at["x"], at["y"])
    return at["name"]


def test_clicking_a_point_on_the_rate_curve_sets_the_rate(page: Page):
    helpers.open_app(page)
    open_curve(page)
    text = chart(page).inner_text()
    assert not re.search(r"NaN|Infinity|undefined", text), text
    assert "diverged" in text and "your rate η = 0.05" in text
    helpers.shot(page, "rate-curve")
    assert click_rate(page, 0.3) == "smooth"
    expect(helpers.learning_rate_slider(page)).to_have_attribute(
        "aria-valuetext", "0.3", timeout=helpers.SETTLE_MS
    )
    helpers.settle(page, "Descent")
    expect(chart(page)).to_contain_text("your rate η = 0.3", timeout=helpers.SETTLE_MS)
    # A diverged rate is a point too: choosing it shows what divergence looks like.
    assert click_rate(page, 3.0).startswith("diverged")
    expect(helpers.learning_rate_slider(page)).to_have_attribute(
        "aria-valuetext", "3", timeout=helpers.SETTLE_MS
    )
    helpers.settle(page, "Descent")
    expect(helpers.main(page).get_by_text(re.compile("The run diverged"))).to_be_visible()
    helpers.shot(page, "rate-curve-diverged")
    helpers.assert_healthy(page)


def test_a_mini_batch_curve_shows_its_noise_band(page: Page):
    helpers.open_app(page, "/?batch_mode=mini")
    open_curve(page)
    expect(chart(page)).to_contain_text("noise band")
    expect(
        helpers.main(page).get_by_text(re.compile("Grey band: each mini-batch run"))
    ).to_be_visible()
    helpers.shot(page, "rate-curve-mini-batch")
    helpers.assert_healthy(page)


#: How many points the curve's gap pane draws, one per rate of the player's ladder.
GAP_POINTS = """(gd) => gd._fullData
  .filter((t) => t.customdata && t.yaxis === 'y' && t.marker.symbol !== 'star')
  .reduce((n, t) => n + t.x.length, 0)"""


@pytest.mark.parametrize("path", helpers.CHOICES.values(), ids=helpers.CHOICES)
def test_the_rate_curve_is_drawn_on_every_data_choice(page: Page, path: str):
    helpers.open_choice(page, path)
    open_curve(page)
    text = chart(page).inner_text()
    assert not re.search(r"NaN|Infinity|undefined", text), text
    assert re.search(r"your rate η = \S+", text), text
    assert page.evaluate(GAP_POINTS, chart(page).element_handle()) >= 10
    helpers.assert_healthy(page)
