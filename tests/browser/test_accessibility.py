"""An accessibility audit: axe-core's WCAG 2.1 A/AA rules on every page, light and dark theme,
and the player operated by keyboard alone with its focus visible.

axe-core is installed from npm by ``scripts/setup-dev.sh`` (``npm ci``, pinned in
``package-lock.json``). The theme follows the reader's system setting (no ``base`` in
``.streamlit/config.toml``), so a browser context that prefers a dark colour scheme gets
Streamlit's dark theme.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import (
    REPO,
    SETTLE_MS,
    VIEWPORT,
    assert_charts_drawn,
    main,
    open_app,
    shot,
)

pytestmark = pytest.mark.browser

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PAGES = {
    "descent": ("/", "Descent"),
    "compare": ("/compare", "Compare"),
    "learn": ("/learn", "Learn"),
    # The guided path, and one challenge with its goal, verdict, numbers and player.
    "challenges": ("/challenges", "Challenges"),
    "challenge": ("/challenges?challenge=standardize", "Challenges"),
    # Every widget of the data generator, each with its help text.
    "descent-generate": ("/?data_source=generate", "Descent"),
    # A rate past the stability limit: the red badge, the warning and the diverged player.
    "descent-diverging": ("/?learning_rate=10.0", "Descent"),
    # The projector's view: one chart at a time, the sidebar collapsed, the view switch shown.
    "descent-present": ("/?present=1", "Descent"),
    # Three pinned runs: the pin button disabled with its reason, each pin's remove button.
    "descent-pins": ("/?pin1=gd,0.01&pin2=momentum,0.05&pin3=gd,0.3", "Descent"),
}

AXE_RUN = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return result.violations.map(v => ({
    rule: v.id,
    count: v.nodes.length,
    where: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
  }));
}
"""


def axe_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on what the page shows now."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `bash scripts/setup-dev.sh` (npm ci).")
    page.add_script_tag(path=str(AXE))
    return page.evaluate(AXE_RUN, WCAG_21_AA)


@pytest.fixture(params=["light", "dark"])
def themed_page(request, browser: Browser, server) -> Iterator[Page]:
    """A fresh session whose browser prefers the light or the dark colour scheme."""
    context = browser.new_context(
        viewport=VIEWPORT, base_url=server.url, color_scheme=request.param
    )
    context.set_default_timeout(60_000)
    yield context.new_page()
    context.close()


BACKGROUND = """() => getComputedStyle(
    document.querySelector('[data-testid="stApp"]')).backgroundColor"""


def _luminance(css_rgb: str) -> float:
    red, green, blue = (int(part) for part in css_rgb[css_rgb.index("(") + 1 : -1].split(",")[:3])
    return (red + green + blue) / (3 * 255)


@pytest.mark.parametrize("name", PAGES)
def test_no_wcag_violations(themed_page: Page, name: str, request) -> None:
    path, title = PAGES[name]
    open_app(themed_page, path, title)
    if "present=1" in path:
        # One view at a time: the 3D scene waits hidden until its view is chosen.
        player = main(themed_page).locator('.dh-player[data-drawn="1"]')
        expect(player).to_be_attached(timeout=SETTLE_MS)
    elif title == "Descent":
        assert_charts_drawn(themed_page)
    theme = request.node.callspec.params["themed_page"]
    dark = _luminance(themed_page.evaluate(BACKGROUND)) < 0.5
    assert dark == (theme == "dark"), f"the page is not in the {theme} theme"
    violations = axe_violations(themed_page)
    if violations:
        shot(themed_page, f"axe-{name}-{theme}")
    assert violations == [], violations


def test_the_audit_finds_a_violation(page: Page) -> None:
    """The audit can fail: grey on white, as the captions were, is reported."""
    open_app(page, "/learn", "Learn")
    page.evaluate(
        """() => {
          const p = document.createElement('p');
          p.textContent = 'faint caption';
          p.style.cssText = 'color:#aaaaaa;background:#ffffff;font-size:14px';
          document.querySelector('[data-testid="stMain"]').prepend(p);
        }"""
    )
    rules = [violation["rule"] for violation in axe_violations(page)]
    assert rules == ["color-contrast"], rules


FOCUS = """() => {
  const el = document.activeElement;
  if (!el) return null;
  const style = getComputedStyle(el);
  return {
    cls: el.className, role: el.getAttribute('role') || el.tagName.toLowerCase(),
    label: el.getAttribute('aria-label') || el.textContent.trim().slice(0, 40),
    outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
    visible: el.matches(':focus-visible'),
  };
}"""
PLAYER_CONTROLS = (
    "dh-play", "dh-epoch", "dh-speed", "dh-record-webm", "dh-record-gif", "dh-rate"
)  # fmt: skip


def _tab_to(page: Page, cls: str, limit: int = 80) -> dict:
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        if focused and cls in str(focused["cls"]).split():
            return focused
    pytest.fail(f"Tab never reached .{cls}")


def _assert_focus_visible(focused: dict) -> None:
    assert focused["visible"], focused
    assert focused["outline"] != "none" and focused["width"] >= 2, focused


def test_the_player_works_from_the_keyboard(page: Page) -> None:
    open_app(page, "/", "Descent")
    assert_charts_drawn(page)
    player = main(page).locator(".dh-player")
    # Start from the page's title and move by keyboard alone, as a keyboard user would.
    main(page).locator("h1").first.click()
    reached = [_tab_to(page, cls) for cls in PLAYER_CONTROLS[:1]]
    for cls in PLAYER_CONTROLS[1:]:
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS)
        assert cls in str(focused["cls"]).split(), (cls, focused)
        reached.append(focused)
    for focused in reached:
        _assert_focus_visible(focused)
    assert [focused["label"] for focused in reached][1:] == [
        "epoch",
        "playback speed",
        "Download video (WebM)",
        "GIF",
        "learning rate (scrub; Enter or release sets the sidebar)",
    ]

    # The learning-rate scrubber (focused now) moves by arrow keys.
    rate_before = int(player.get_attribute("data-rate-index"))
    page.keyboard.press("ArrowLeft")
    expect(player).to_have_attribute("data-rate-index", str(rate_before - 1))

    # The epoch scrubber, back four stops (the downloads, the speed), moves by arrow keys and Home.
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
    assert "dh-epoch" in page.evaluate(FOCUS)["cls"]
    last = int(player.get_attribute("data-epoch"))
    page.keyboard.press("Home")
    expect(player).to_have_attribute("data-epoch", "0")
    page.keyboard.press("ArrowRight")
    epoch = int(player.get_attribute("data-epoch"))
    assert 0 < epoch <= last

    # Play and pause with the keyboard: Space on the focused button.
    page.keyboard.press("Shift+Tab")
    play = player.locator(".dh-play")
    page.keyboard.press("Space")
    expect(play).to_have_attribute("aria-label", "Pause")
    page.keyboard.press("Space")
    expect(play).to_have_attribute("aria-label", "Play")
