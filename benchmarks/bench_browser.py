"""Live tweaking in a real browser: the Descent page against a bare Streamlit + Plotly page.

Both pages run as Streamlit servers side by side in one run and are driven by
Debian's Chromium through Playwright, as the browser tests do. Times are taken
with the page's own clock (``performance.now()``), from navigation start or
from just before a key press until every view shows the change on screen: each
graph drawn with its new data and that frame painted (3D included, drawn in
software here).
"""

from __future__ import annotations

import statistics
import tempfile
from contextlib import ExitStack
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from benchmarks.bench_rerun import BARE_PAGE
from benchmarks.report import Row
from tests.browser.drag import VIEWS, drag, set_scrubber
from tests.browser.helpers import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, VIEWPORT, start_server
from ui.player import PLOTLY_JS

SUITE = "Live tweaking in Chromium (Descent page against a bare slider + Plotly line page)"

#: Navigations timed per page, and key presses timed per control.
LOADS = 3
PRESSES = 8
TIMEOUT_MS = 120_000

# The signature of what the views show: for every Plotly graph in the main area, each
# trace's length and last point, one string per graph. A graph's string changes when it is
# redrawn with new data, whichever way the page draws it.
SIGNATURE_JS = """
() => Array.from(document.querySelectorAll('[data-testid="stMain"] .js-plotly-plot'))
  .filter(gd => gd._fullData)
  .map(gd => gd._fullData.map(t => ['x', 'y', 'z'].map(axis => {
      const values = t[axis];
      if (!values || values.length === undefined) return '';
      const last = values[values.length - 1];
      return values.length + ':' + (Array.isArray(last) ? last.join(',') : last);
    }).join('|')).join(';'))
"""

# The first chart and every view drawn. The player marks itself drawn once all of its
# views are; a page without the player has drawn its views when a 3D scene's canvas (or,
# on the bare page, the line) is on screen. The first chart is the first graph of the main
# area with its traces drawn.
DRAWN_JS = """
(bare) => {
  const now = performance.now();
  const charts = Array.from(document.querySelectorAll(
      '[data-testid="stMain"] .js-plotly-plot .scatterlayer .trace path'));
  if (charts.length && window.__firstAt === undefined) window.__firstAt = now;
  const player = document.querySelector('.dh-player');
  let drawn;
  if (player) drawn = player.dataset.drawn === '1';
  else if (bare) drawn = charts.length > 0;
  else drawn = !!document.querySelector(
    '[data-testid="stMain"] .js-plotly-plot .gl-container canvas');
  if (drawn && window.__drawnAt === undefined) window.__drawnAt = now;
  return drawn;
}
"""

# Every view shows the change once every graph's signature differs from before and the
# browser has painted that frame: checked in an animation frame, the paint follows, and a
# task queued from the check runs after it.
CHANGED_JS = f"""
(before) => {{
  if (window.__paintedAt !== undefined) return true;
  const now = ({SIGNATURE_JS})();
  const changed = now.length === before.length && now.every((graph, i) => graph !== before[i]);
  if (changed && window.__changedAt === undefined) {{
    window.__changedAt = performance.now();
    setTimeout(() => {{ window.__paintedAt = performance.now(); }}, 0);
  }}
  return false;
}}
"""

#: Just before a key press: forget the last change and start the clock.
PRESS_JS = (
    "window.__changedAt = window.__paintedAt = undefined; window.__pressedAt = performance.now()"
)
#: Once CHANGED_JS said yes: milliseconds from the key press to the painted change.
ELAPSED_JS = "window.__paintedAt - window.__pressedAt"

#: Milliseconds of each scrubber drag, and of the bare 3D scene's repaints.
DRAG_MS = 3000
#: What a drag's views and the bare 3D scene are held to.
FLAT_FPS_GOAL = 30
FLOOR_GOAL = 1.3

# The bare 3D scene: a surface and a 300-point path, 620 x 480 px at plotGlPixelRatio 1, its
# path restyled and the frame showing it painted, again and again for `ms` milliseconds.
# Milliseconds of each repaint.
FLOOR_HTML = """<!doctype html><html><body style="margin:0">
<div id="floor" style="width:620px;height:480px"></div>
</body></html>"""
FLOOR_JS = """
async (ms) => {
  const P = window.Plotly;
  const gd = document.getElementById('floor');
  const grid = Array.from({ length: 40 }, (_, i) => i / 39 * 2 - 1);
  const z = grid.map((y) => grid.map((x) => x * x + 3 * y * y));
  const path = (k) => {
    const s = Array.from({ length: 300 }, (_, i) => i / 299);
    const x = s.map((t) => (1 - t) * Math.cos(8 * t + k / 10));
    const y = s.map((t) => (1 - t) * Math.sin(8 * t + k / 10));
    return { x, y, z: x.map((a, i) => a * a + 3 * y[i] * y[i] + 0.05) };
  };
  const painted = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const line = { type: 'scatter3d', mode: 'lines+markers', marker: { size: 3 }, ...path(0) };
  await P.newPlot(gd, [{ type: 'surface', x: grid, y: grid, z, showscale: false }, line],
    { width: 620, height: 480, margin: { l: 0, r: 0, t: 0, b: 0 } }, { plotGlPixelRatio: 1 });
  await painted();
  const times = [];
  const start = performance.now();
  for (let k = 1; performance.now() - start < ms; k++) {
    const t0 = performance.now();
    const p = path(k);
    await P.restyle(gd, { x: [p.x], y: [p.y], z: [p.z] }, [1]);
    await painted();
    times.push(performance.now() - t0);
  }
  return times;
}
"""

IDLE_JS = """
() => !document.querySelector('[data-testid="stStatusWidget"], [data-stale="true"], ' +
                              '[data-testid="stSkeleton"], [data-testid="stSpinner"]')
"""


def _load_ms(page: Page, url: str, bare: bool) -> tuple[float, float]:
    """Milliseconds from navigation start until the first chart, and every view, is drawn."""
    page.goto(url)
    page.wait_for_function(DRAWN_JS, arg=bare, polling="raf", timeout=TIMEOUT_MS)
    return page.evaluate("[window.__firstAt, window.__drawnAt]")


def _settle(page: Page) -> None:
    page.wait_for_function(IDLE_JS, polling=100, timeout=TIMEOUT_MS)
    page.wait_for_timeout(500)
    page.wait_for_function(IDLE_JS, polling=100, timeout=TIMEOUT_MS)


def _press_ms(page: Page, control, keys: list[str]) -> list[float]:
    """Milliseconds from each key press on ``control`` until every view shows the change.

    Every graph of the main area must have new data, and the frame showing it be painted.
    """
    times = []
    control.focus()
    for key in keys:
        _settle(page)
        before = page.evaluate(SIGNATURE_JS)
        page.evaluate(PRESS_JS)
        page.keyboard.press(key)
        page.wait_for_function(CHANGED_JS, arg=before, polling="raf", timeout=TIMEOUT_MS)
        times.append(page.evaluate(ELAPSED_JS))
    return times


def _alternating(count: int, first: str = "ArrowLeft") -> list[str]:
    other = "ArrowRight" if first == "ArrowLeft" else "ArrowLeft"
    return [first if i % 2 == 0 else other for i in range(count)]


def _count_sent(page: Page) -> list[int]:
    """A counter of websocket frames the page sends from now on."""
    sent = [0]

    def watch(ws) -> None:
        ws.on("framesent", lambda _payload: sent.__setitem__(0, sent[0] + 1))

    page.on("websocket", watch)
    return sent


def _floor_ms(browser) -> float:
    """Median milliseconds of the bare 3D scene's repaint after a path restyle.

    plotly.js comes from the installed plotly package: the app's server holds it gzipped
    only, for the player to unpack.
    """
    page = browser.new_page(viewport=VIEWPORT)
    page.set_content(FLOOR_HTML)
    page.add_script_tag(path=PLOTLY_JS)
    page.wait_for_function("() => window.Plotly !== undefined", timeout=TIMEOUT_MS)
    times = page.evaluate(FLOOR_JS, DRAG_MS)
    page.close()
    return statistics.median(times)


def _drag_rows(browser, app: Page) -> list[Row]:
    """Painted frames a second of each view while each scrubber is dragged, and the 3D
    view's repaint against the bare 3D scene's, measured before and after the drags."""
    before = _floor_ms(browser)
    rate = int(app.locator(".dh-player .dh-rate").input_value())
    # Each drag from the scrubber's start: the rates from the smallest, then the epochs of
    # the page's own rate from epoch 0, so every view has a path to move along.
    set_scrubber(app, "rate", 0)
    drags = {"rate": drag(app, "rate", DRAG_MS, stop=rate)}
    set_scrubber(app, "epoch", 0)
    drags["epoch"] = drag(app, "epoch", DRAG_MS)
    floor = (before + _floor_ms(browser)) / 2
    rows = [Row("bare 3D scene: path restyle -> repainted (median)", floor, "ms")]
    for control, done in drags.items():
        fps = {name: done["drawn"][name] / done["seconds"] for name in VIEWS}
        rows.append(
            Row(f"{control} scrubber dragged {DRAG_MS / 1000:g} s: frames", done["frames"], "")
        )
        for name in VIEWS[:-1]:
            rows.append(Row(f"  {name} view painted", fps[name], "fps", f">= {FLAT_FPS_GOAL}"))
        rows.append(Row("  3D view painted", fps["surface"], "fps"))
        repaint = 1000 / fps["surface"] if fps["surface"] else float("inf")
        rows.append(
            Row("  3D repaint against the bare scene's", repaint / floor, "x", f"<= {FLOOR_GOAL}x")
        )
        rows.append(Row("  drag end -> every view at its last position", done["settledMs"], "ms"))
    return rows


def _measure(browser, app_url: str, bare_url: str) -> list[Row]:
    def fresh_page() -> Page:
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        return context.new_page()

    # A first visit to each server imports the modules and fills the caches.
    warm = fresh_page()
    _load_ms(warm, app_url, False)
    _load_ms(warm, bare_url, True)
    warm.context.close()

    app_loads, bare_loads = [], []
    for _ in range(LOADS):
        for url, bare, into in ((app_url, False, app_loads), (bare_url, True, bare_loads)):
            page = fresh_page()
            into.append(_load_ms(page, url, bare))
            page.context.close()

    bare_page = fresh_page()
    _load_ms(bare_page, bare_url, True)
    bare_slider = bare_page.locator('[data-testid="stMain"]').get_by_role("slider")
    bare_steps = _press_ms(bare_page, bare_slider, _alternating(PRESSES, "ArrowRight"))

    app = fresh_page()
    sent = _count_sent(app)
    _load_ms(app, app_url, False)
    sidebar_rate = app.locator('[data-testid="stSidebar"]').get_by_role(
        "slider", name="Learning rate η"
    )
    rate_changes = _press_ms(app, sidebar_rate, _alternating(PRESSES))

    bare_step = statistics.median(bare_steps)
    bare_first = statistics.median(first for first, _ in bare_loads)
    app_first = statistics.median(first for first, _ in app_loads)
    app_all = statistics.median(every for _, every in app_loads)
    rows = [
        Row("navigation -> first chart drawn, bare page", bare_first, "ms"),
        Row("navigation -> first chart drawn, Descent page", app_first, "ms"),
        Row("  ratio", app_first / bare_first, "x", "<= 1.5x"),
        Row("navigation -> every view drawn (3D scene too), Descent page", app_all, "ms"),
        Row("  ratio to the bare page's first chart", app_all / bare_first, "x"),
        Row("bare page: slider step -> chart redrawn (median)", bare_step, "ms"),
        Row(
            "sidebar learning-rate change -> views redrawn (median)",
            statistics.median(rate_changes),
            "ms",
        ),
        Row("  ratio", statistics.median(rate_changes) / bare_step, "x", "<= 3x"),
    ]

    scrubber = app.locator(".dh-player").get_by_role("slider", name="learning rate")
    if scrubber.count() == 0:
        return [
            *rows,
            Row("learning-rate scrubber in the player (not on the page)", float("nan"), ""),
        ]
    _settle(app)
    sent[0] = 0
    scrub = _press_ms(app, scrubber, _alternating(PRESSES))
    frames = sent[0]
    return [
        *rows,
        Row(
            "player learning-rate scrubber step -> views redrawn (median)",
            statistics.median(scrub),
            "ms",
        ),
        Row(
            "  ratio to the bare page's slider step",
            statistics.median(scrub) / bare_step,
            "x",
            "<= 2x",
        ),
        Row("websocket frames sent while scrubbing", frames, "frames", "0"),
        *_drag_rows(browser, app),
    ]


def run() -> list[Row]:
    """Start the app and the bare page, then time both in one Chromium."""
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        bare_script = folder / "bare_page.py"
        bare_script.write_text(BARE_PAGE)
        logs = ARTIFACTS.parent / "benchmarks"
        app = stack.enter_context(start_server(logs / "app.log"))
        bare = stack.enter_context(start_server(logs / "bare.log", str(bare_script)))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        return _measure(browser, app.url, bare.url)
