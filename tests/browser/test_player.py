"""The Descent page's player in a real browser: scrubbing, playback, divergence, layout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.drag import (
    VIEWS,
    drag,
    flat_pixels,
    set_scrubber,
    sketches_left,
    views_state,
)
from tests.browser.helpers import (
    PLAYER_STATE,
    SETTLE_MS,
    assert_charts_drawn,
    assert_healthy,
    frames_sent,
    learning_rate_slider,
    main,
    moved_past,
    open_app,
    settle,
    shot,
    sidebar,
)

pytestmark = pytest.mark.browser

TAG_CANVAS = """() => {
  const canvas = document.querySelector('.dh-surface .gl-container canvas');
  canvas.__downhillTag = 'kept';
  return canvas !== null;
}"""
CANVAS_KEPT = """() => {
  const canvas = document.querySelector('.dh-surface .gl-container canvas');
  return canvas !== null && canvas.__downhillTag === 'kept';
}"""


def _rate_scrubber(page: Page):
    return main(page).locator(".dh-player").get_by_role("slider", name=re.compile("learning rate"))


def _state(page: Page) -> dict:
    """What the player shows, once every view is drawn (the 3D scene last)."""
    page.wait_for_function(f"() => ({PLAYER_STATE})() !== null", polling=100, timeout=SETTLE_MS)
    state = page.evaluate(PLAYER_STATE)
    assert state is not None, "the player is not drawn"
    return state


def _wait_for(page: Page, condition: str) -> dict:
    """The player's state once ``condition`` holds and every view shows it exactly."""
    page.wait_for_function(
        f"() => {{ const s = ({PLAYER_STATE})(); return s && s.settled && ({condition}); }}",
        polling=50,
        timeout=30_000,
    )
    return _state(page)


def test_scrubbing_the_rate_moves_every_view_without_the_server(page: Page) -> None:
    sent = frames_sent(page)
    open_app(page)
    assert_charts_drawn(page)
    before = _state(page)
    assert before["rate"] == 0.05
    assert page.evaluate(TAG_CANVAS)
    scrubber = _rate_scrubber(page)
    expect(scrubber).to_have_attribute("aria-valuetext", re.compile(r"^0\.05, "))
    page.wait_for_timeout(1000)  # anything the page still had to say has been said
    sent[0] = 0
    scrubber.focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    after = _wait_for(page, f"s.rateIndex === {before['rateIndex'] - 3}")
    assert after["rate"] == 0.015
    expect(scrubber).to_have_attribute("aria-valuetext", re.compile(r"^0\.015, "))
    moved = [b != a for b, a in zip(before["moving"], after["moving"], strict=True)]
    assert all(moved), f"views that did not follow the rate (fit, loss, surface, map): {moved}"
    page.wait_for_timeout(500)
    assert sent[0] == 0, f"scrubbing sent {sent[0]} websocket frames to the server"
    assert page.evaluate(CANVAS_KEPT), "the 3D scene was re-created"
    # The sidebar keeps its rate until the scrubber is released (Enter).
    expect(learning_rate_slider(page)).to_have_attribute("aria-valuetext", "0.05")
    assert_healthy(page)


def _hold_what_the_page_sends(page: Page) -> list:
    """Keep the page's messages to the server while the returned list's first item is true.

    The held messages go out when ``release()`` (the list's second item) is called.
    """
    gate = [True, None]
    held = []

    def route(ws) -> None:
        server = ws.connect_to_server()

        def from_page(message) -> None:
            if gate[0]:
                held.append(message)
            else:
                server.send(message)

        ws.on_message(from_page)
        server.on_message(ws.send)

        def release() -> None:
            gate[0] = False
            for message in held:
                server.send(message)
            held.clear()

        gate[1] = release

    page.route_web_socket(re.compile(r".*/_stcore/stream"), route)
    return gate


def test_the_views_follow_the_sidebar_rate_before_the_server_answers(page: Page) -> None:
    gate = _hold_what_the_page_sends(page)
    gate[0] = False
    open_app(page)
    before = _state(page)
    assert before["rate"] == 0.05
    assert page.evaluate(TAG_CANVAS)
    gate[0] = True  # from now on the server hears nothing
    slider = learning_rate_slider(page)
    slider.focus()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(slider).to_have_attribute("aria-valuetext", "0.02")
    after = _wait_for(page, "s.rate === 0.02")
    moved = [b != a for b, a in zip(before["moving"], after["moving"], strict=True)]
    assert all(moved), f"views that did not follow the sidebar (fit, loss, surface, map): {moved}"
    # The "use this rate" button stays hidden: the sidebar already has the rate shown.
    expect(main(page).get_by_role("button", name=re.compile("^Use η"))).to_be_hidden()
    # The server, told at last, agrees, and the views stay as they are.
    gate[1]()
    expect(page).to_have_url(re.compile(r"learning_rate=0\.02"), timeout=SETTLE_MS)
    settle(page, "Descent")
    assert _state(page)["moving"] == after["moving"]
    assert page.evaluate(CANVAS_KEPT), "the 3D scene was re-created"
    assert_healthy(page)


def test_the_views_follow_the_sidebar_rate_while_it_is_dragged(page: Page) -> None:
    open_app(page)
    _state(page)
    thumb = learning_rate_slider(page).locator("xpath=../..")
    thumb.scroll_into_view_if_needed()
    box = thumb.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    slider = learning_rate_slider(page)
    shown = ["0.05"]
    for dx in range(12, 72, 12):
        page.mouse.move(x + dx, y, steps=3)
        expect(slider).not_to_have_attribute("aria-valuetext", shown[-1])
        shown.append(slider.get_attribute("aria-valuetext"))
        _wait_for(page, f"s.rate === {float(shown[-1])}")
    page.mouse.up()
    assert len(set(shown)) >= 4, shown
    settle(page, "Descent")
    assert_healthy(page)


def test_enter_on_the_scrubber_sets_the_sidebar_rate(page: Page) -> None:
    open_app(page)
    _state(page)  # every view drawn, the 3D scene last
    assert page.evaluate(TAG_CANVAS)
    scrubber = _rate_scrubber(page)
    scrubber.focus()
    page.keyboard.press("ArrowRight")
    _wait_for(page, "s.rate === 0.07")
    use = main(page).get_by_role("button", name="Use η = 0.07 in the sidebar")
    expect(use).to_be_visible()
    page.keyboard.press("Enter")
    expect(learning_rate_slider(page)).to_have_attribute("aria-valuetext", "0.07")
    expect(page).to_have_url(re.compile(r"learning_rate=0\.07"), timeout=SETTLE_MS)
    settle(page, "Descent")
    expect(use).to_be_hidden()
    assert _state(page)["rate"] == 0.07
    assert page.evaluate(CANVAS_KEPT), "the 3D scene was re-created"
    assert_healthy(page)


def _keeps_the_rate_and_the_player(page: Page, rate: str) -> None:
    """The sidebar keeps ``rate`` after every rerun it starts, and the player was not re-created.

    A verdict that grows or shrinks above the player must not move it: a moved player is
    re-created, asks for its data again, and that extra rerun could carry a rate control's
    old value back to the server.
    """
    expect(page).to_have_url(
        re.compile(rf"learning_rate={re.escape(rate)}(&|$)"), timeout=SETTLE_MS
    )
    settle(page, "Descent")
    page.wait_for_timeout(1_000)
    settle(page, "Descent")
    assert re.search(rf"learning_rate={re.escape(rate)}(&|$)", page.url), page.url
    expect(learning_rate_slider(page)).to_have_attribute("aria-valuetext", f"{float(rate):g}")
    assert _state(page)["rate"] == float(rate)
    assert page.evaluate(CANVAS_KEPT), "the player was re-created"
    assert_healthy(page)


def test_a_typed_rate_past_the_limit_is_kept_and_the_player_stays(page: Page) -> None:
    open_app(page)
    _state(page)
    assert page.evaluate(TAG_CANVAS)
    typed = sidebar(page).get_by_role("spinbutton", name="or type a rate")
    typed.fill("2")
    typed.press("Enter")
    # The verdict above the player becomes a red box with a fix and its button.
    expect(main(page).get_by_role("button", name=re.compile("^Use η = "))).to_be_visible(
        timeout=SETTLE_MS
    )
    _keeps_the_rate_and_the_player(page, "2.0")
    expect(typed).to_have_value("2")


def test_the_fix_offered_for_a_divergence_works_at_the_first_click(page: Page) -> None:
    open_app(page, "/?learning_rate=10.0")
    _state(page)
    assert page.evaluate(TAG_CANVAS)
    fix = main(page).get_by_role("button", name=re.compile(r"^Use η = [0-9.]+$"))
    rate = fix.inner_text().removeprefix("Use η = ")
    fix.click()
    _keeps_the_rate_and_the_player(page, str(float(rate)))
    expect(fix).to_be_hidden()


def test_a_diverging_rate_is_marked_and_shows_no_nan(page: Page) -> None:
    open_app(page)
    _state(page)  # drawn: a key pressed before then is not the player's yet
    scrubber = _rate_scrubber(page)
    scrubber.focus()
    page.keyboard.press("End")
    state = _wait_for(page, "s.rate === 10")
    badge = main(page).get_by_test_id("player-diverged")
    expect(badge).to_be_visible()
    expect(badge).to_have_text(re.compile(r"diverged at epoch \d+"))
    expect(scrubber).to_have_attribute(
        "aria-valuetext", re.compile(r"^10, diverges by theory, diverged at epoch")
    )
    # The regimes along the scrubber are words (and patterns), not colour alone.
    zones = main(page).get_by_test_id("player-zones").locator(".dh-zone")
    expect(zones).to_have_text(["smooth", "oscillates", "diverges"])
    loss_title = main(page).locator(".dh-loss .gtitle")
    expect(loss_title).to_have_text(re.compile(r"^Loss · diverged at epoch \d+$"))
    assert all(m is not None and "null" not in m.lower() for m in state["moving"][:2])
    # The loss axis shows the finite part: its top is a finite number of the curve's size.
    top = page.evaluate(
        "() => document.querySelector('.dh-loss .dh-graph')._fullLayout.yaxis.range[1]"
    )
    assert 0 < top < 1e6, top
    assert_healthy(page)
    shot(page, "player_diverged")


def test_playback_moves_every_view_together(page: Page) -> None:
    open_app(page)
    before = _state(page)
    assert before["label"] == "300 / 300", before["label"]
    main(page).get_by_role("button", name="Play").click()
    early = _wait_for(page, "s.epoch > 0 && s.epoch < 150")
    later = _wait_for(page, moved_past(early))
    moved = [b != a for b, a in zip(early["moving"], later["moving"], strict=True)]
    assert all(moved), f"views that did not move (fit, loss, surface, map): {moved}"
    main(page).get_by_role("button", name="Pause").click()
    paused = _state(page)["epoch"]
    page.wait_for_timeout(1000)
    assert _state(page)["epoch"] == paused, "Pause stops the playback"
    epoch = main(page).locator(".dh-player").get_by_role("slider", name="epoch")
    epoch.focus()
    page.keyboard.press("Home")
    assert _wait_for(page, "s.epoch === 0")["label"] == "0 / 300"
    assert_healthy(page)


def test_the_surface_is_big_on_a_wide_screen_and_views_stack_on_a_phone(page: Page) -> None:
    open_app(page)
    assert_charts_drawn(page)
    column = main(page).locator('[data-testid="stMainBlockContainer"]').bounding_box()
    scene = main(page).locator(".dh-surface").bounding_box()
    assert scene["width"] >= 0.45 * column["width"], (scene, column)
    assert scene["height"] >= 450, scene
    titles = main(page).locator(".dh-surface .g-xtitle, .dh-surface .g-ytitle, .dh-surface text")
    assert titles.count() > 0
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(1500)
    player = main(page).locator(".dh-player").bounding_box()
    for name in ("fit", "loss", "surface", "map"):
        view = main(page).locator(f".dh-{name}").bounding_box()
        assert view["width"] >= 0.95 * player["width"], (name, view, player)
    overflow = page.evaluate(
        "() => document.querySelector('.dh-player').scrollWidth"
        " - document.querySelector('.dh-player').clientWidth"
    )
    assert overflow <= 1, overflow
    shot(page, "player_phone")


# Counts what the player's own code registers on the page and is still live: listeners on the
# document and the window, and observers. A frame of the player's module in the stack marks
# it as the player's (Streamlit names the module st-bidi-downhill_player-<hash>.js).
TRACK_REGISTRATIONS = """
(() => {
  const live = new Set();
  window.__downhillLive = live;
  const ours = () => /downhill_player/.test(new Error().stack);
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, handler, options) {
    if ((this === document || this === window) && ours()) {
      const entry = `${this === window ? 'window' : 'document'} ${type} ${live.size}`;
      const signal = options && options.signal;
      if (!signal || !signal.aborted) {
        live.add(entry);
        handler.__downhillEntry = entry;
        if (signal) signal.addEventListener('abort', () => live.delete(entry));
      }
    }
    return add.call(this, type, handler, options);
  };
  EventTarget.prototype.removeEventListener = function (type, handler, options) {
    if (handler && handler.__downhillEntry) live.delete(handler.__downhillEntry);
    return remove.call(this, type, handler, options);
  };
  for (const Kind of [MutationObserver, ResizeObserver]) {
    const observe = Kind.prototype.observe;
    const disconnect = Kind.prototype.disconnect;
    Kind.prototype.observe = function (...args) {
      if (ours()) live.add(this);
      return observe.apply(this, args);
    };
    Kind.prototype.disconnect = function () {
      live.delete(this);
      return disconnect.call(this);
    };
  }
})();
"""
LIVE = (
    "() => Array.from(window.__downhillLive, (x) => typeof x === 'string' ? x : x.constructor.name)"
)


def test_leaving_the_page_removes_every_listener_and_observer_the_player_added(
    page: Page,
) -> None:
    page.add_init_script(TRACK_REGISTRATIONS)
    open_app(page)
    assert_charts_drawn(page)
    drawn = page.evaluate(LIVE)
    assert any(x.startswith("document keydown") for x in drawn), drawn
    assert {"MutationObserver", "ResizeObserver"} <= set(drawn), drawn
    sidebar(page).locator('[data-testid="stSidebarNavLink"]', has_text="Learn").click()
    settle(page, "Learn")
    page.wait_for_function(f"() => ({LIVE})().length === 0", timeout=10_000)
    assert main(page).locator(".dh-player").count() == 0
    assert_healthy(page)


TITLES_APART = """() => {
  const box = (s) => document.querySelector(`.dh-loss ${s}`).getBoundingClientRect();
  const [heading, axis] = [box('.gtitle'), box('.ytitle')];
  return { headingBottom: heading.bottom, axisTop: axis.top };
}"""


def test_a_stopped_run_counts_its_own_epochs_and_the_log_axis_keeps_the_loss(page: Page) -> None:
    """The tutorial stops by its tolerance long before its budget and before the ladder's
    longest run; with the log axis on (from the link) the words still give the loss."""
    open_app(page, "/?preset=tutorial_temperatures&log_loss=1")
    state = _state(page)
    counted = re.fullmatch(r"([\d,]+) / ([\d,]+) \(converged; budget 10,000\)", state["label"])
    assert counted and counted[1] == counted[2], state["label"]
    status = main(page).get_by_test_id("player-status").inner_text()
    shown = re.search(r"· loss ([\d.e-]+) \(L − L\* ([\d.e-]+)\)", status)
    assert shown and float(shown[1]) > 100 * float(shown[2]), status
    final = re.search(r"loss ([\d.e-]+)\)$", status)
    assert final and float(final[1]) == pytest.approx(float(shown[1]), rel=0.01), status
    titles = page.evaluate(TITLES_APART)
    assert titles["axisTop"] >= titles["headingBottom"], titles
    shot(page, "player-log-loss-counter")


def test_the_status_gives_the_scheduled_rate_and_a_one_rate_band_says_its_rate(page: Page) -> None:
    """Step decay halves η₀ = 0.05 every 100 epochs: epoch 300 ran at 0.0125."""
    open_app(page, "/?learning_rate=0.05&epochs=300&schedule=step")
    _state(page)
    status = main(page).get_by_test_id("player-status").inner_text()
    assert status.startswith("η = 0.0125 (η₀ = 0.05) · epoch 300 ·"), status
    bands = main(page).locator(".dh-zone").evaluate_all("zones => zones.map(z => z.title)")
    assert bands and not [b for b in bands if re.search(r"η (\S+) to \1$", b)], bands
    shot(page, "player-step-schedule")


#: How many pixels of view ``view`` have the descent path's colour (#D55E00), counted in the
#: image plotly.js renders of it (the 3D scene included, from its camera: what a person sees).
PATH_PIXELS = """async (view) => {
  const gd = document.querySelector(`.dh-${view} .dh-graph`);
  const url = await window.Plotly.toImage(
    gd, {format: 'png', width: gd.clientWidth, height: gd.clientHeight});
  const img = new Image();
  img.src = url;
  await img.decode();
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = [img.width, img.height];
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const d = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.abs(d[i] - 0xd5) < 40 && Math.abs(d[i + 1] - 0x5e) < 40 && d[i + 2] < 60) n += 1;
  }
  return n;
}"""
#: The map's and the 3D scene's x ranges, and the map path's symbols.
FRAMES = """() => {
  const gd = (name) => document.querySelector(`.dh-${name} .dh-graph`);
  return {
    map: gd('map')._fullLayout.xaxis.range,
    surface: gd('surface')._fullLayout.scene.xaxis.range,
    symbols: gd('map').data.find((t) => t.uid === 'path-0').marker.symbol,
    points3d: gd('surface').data.find((t) => t.uid === 'path-0').x.length,
  };
}"""


def test_a_run_that_blows_up_zig_zags_in_a_frame_of_its_own_and_leaves_it_marked(page: Page):
    """Clear bowl at η 1.2: the map and the 3D view drew one step leaving the frame; in a
    frame of the run's own they draw its growing zig-zag, then an arrow where it left."""
    open_app(page, "/?learning_rate=1.2")
    _state(page)
    caption = main(page).locator(".dh-map .dh-alt")
    expect(caption).to_contain_text("off the map")
    expect(caption).to_contain_text(
        "left the frame at epoch 8, heading toward smaller w (x) and smaller b (intercept)"
    )
    status = main(page).locator(".dh-status").inner_text()
    # The place the caption gives is the place the status line gives at the epoch shown.
    assert "w (x) = -162" in status and "(-162, -2130), off the map" in caption.inner_text()
    drawn = page.evaluate(FRAMES)
    assert drawn["symbols"] == ["circle"] * 8 + ["arrow"], drawn
    assert drawn["points3d"] == 9, drawn
    assert drawn["map"] == pytest.approx(drawn["surface"], rel=1e-3), drawn
    assert page.evaluate(PATH_PIXELS, "surface") > 150
    # The fit view's line is far below the data: it says so instead of showing nothing.
    off = main(page).get_by_test_id("player-off-fit")
    expect(off).to_be_visible()
    expect(off).to_contain_text("off the chart, below it")
    # The loss axis stays the one every rate shares; the words say how high the loss went.
    high = main(page).get_by_test_id("player-off-loss")
    expect(high).to_be_visible()
    expect(high).to_have_text(
        "The loss runs off the top of the chart at epoch 5 and reaches 4.6e6 at epoch 22."
    )
    shot(page, "player_fit_off_chart")
    # Scrubbed to a rate that stays in the bowl, the shared frame comes back, and leaving again.
    scrubber = _rate_scrubber(page)
    scrubber.focus()
    for _ in range(2):
        page.keyboard.press("ArrowLeft")
    shared = _wait_for(page, "s.rate === 0.7")
    page.wait_for_function(f"() => ({FRAMES})().map[1] < 3", polling=100, timeout=30_000)
    calm = page.evaluate(FRAMES)
    assert calm["map"] == pytest.approx([-0.6, 2.6], abs=0.1), calm
    page.wait_for_function(f"() => ({FRAMES})().surface[1] < 3", polling=100, timeout=30_000)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    _wait_for(page, f"s.rateIndex === {shared['rateIndex'] + 2}")
    page.wait_for_function(
        f"() => {{ const f = ({FRAMES})(); return f.map[1] > 3 && f.surface[1] > 3; }}",
        polling=100,
        timeout=30_000,
    )
    assert page.evaluate(FRAMES)["symbols"][-1] == "arrow"


def test_a_step_schedule_draws_the_path_on_the_3d_surface(page: Page) -> None:
    """Its η₀ = 1 swing out had widened the frame every rate shares: the bowl's near wall hid
    the run shown at η₀ 0.05 in 3D (76 points, none seen)."""
    open_app(page, "/?learning_rate=0.05&epochs=300&schedule=step")
    _state(page)
    drawn = page.evaluate(FRAMES)
    assert drawn["points3d"] == 76 and drawn["surface"][1] < 3, drawn
    assert page.evaluate(PATH_PIXELS, "surface") > 150
    shot(page, "player_step_schedule_3d")


def test_a_badly_conditioned_map_fills_its_frame_and_says_it_is_not_to_scale(page: Page) -> None:
    open_app(page, "/?data_source=bundled&bundled=engel")
    _state(page)
    note = main(page).locator(".dh-map .annotation-text")
    expect(note).to_contain_text("Axes not to scale")
    # The contour fills the plot: its ranges are the grid's, not widened for one length a unit.
    ranges = page.evaluate(
        """() => { const gd = document.querySelector('.dh-map .dh-graph');
          const c = gd.data.find((t) => t.type === 'contour');
          return [gd._fullLayout.xaxis.range, [c.x[0], c.x[c.x.length - 1]]]; }"""
    )
    assert ranges[0] == pytest.approx(ranges[1], rel=1e-6), ranges
    shot(page, "player_engel_map")


def _frame_ranges(views: dict) -> list:
    """The axis ranges of the frame the map and the 3D scene are drawn in."""
    scene = views["surface"]["layout"]["scene"]
    return [views["map"]["layout"][axis]["range"] for axis in ("xaxis", "yaxis")] + [
        scene[axis]["range"] for axis in ("xaxis", "yaxis")
    ]


@pytest.mark.parametrize(
    ("control", "part"),
    [("rate", 3), ("epoch", 3), ("rate", 1)],
    ids=["rate", "epoch", "rate-ending-in-a-frame-of-its-own"],
)
def test_a_drag_ends_with_every_view_as_one_step_to_its_end_draws_it(
    page: Page, control: str, part: int
) -> None:
    """While a scrubber is dragged each view draws at its own pace and skips positions
    (a rate whose run has a frame of its own sketched in the frame shown); when the drag ends
    (a third of the way along, or on the largest rate, whose run blows up into a frame of its
    own), every view's traces and layout are exactly those of one step to the end, and the
    flat views look the same."""
    open_app(page)
    assert_charts_drawn(page)
    end = int(page.locator(f".dh-player .dh-{control}").get_attribute("max")) // part
    shared = _frame_ranges(views_state(page))
    dragged = drag(page, control, 1500, stop=end)
    assert dragged["value"] == end
    # Every view moved during the drag.
    assert dragged["frames"] > 1 and all(dragged["drawn"][name] for name in VIEWS), dragged
    after_drag, shown = views_state(page), flat_pixels(page)
    # The largest rate's map and 3D scene are drawn in its own frame, the others' in the shared.
    assert (_frame_ranges(after_drag) != shared) == (control == "rate" and part == 1)
    # The sketches drawn while it moved are gone: each view shows Plotly's own traces.
    assert sketches_left(page) == [], "a view still shows the sketch of a drag"
    open_app(page)
    assert_charts_drawn(page)
    set_scrubber(page, control, end)
    assert views_state(page) == after_drag
    assert flat_pixels(page) == shown
    expect(page.locator(f".dh-player .dh-{control}")).to_have_value(str(end))
