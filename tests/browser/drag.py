"""Dragging the player's scrubbers in the page, as a browser delivers a drag: the slider at a
new stop and one ``input`` event in each animation frame, back and forth across its range.

Shared by the browser tests (what a drag leaves drawn) and ``python -m benchmarks browser``
(how many frames each view paints while it goes on).
"""

from __future__ import annotations

import json

from playwright.sync_api import Page

#: The player's views, in the order the benchmark reports them.
VIEWS = ("fit", "loss", "map", "surface")

# Drag the scrubber `control` ("rate" or "epoch") for `ms` milliseconds, then stop at `stop`
# (a stop of the slider; null: where the drag is). Counts, per view, the animation frames in
# which it was drawn (Plotly's `afterplot`: the graph drawn anew, or `animated`: its moving
# traces drawn again; for a flat view also any change to its SVG, and for the 3D scene any
# draw call on its WebGL context: the player may redraw a view itself while a scrubber moves).
DRAG_JS = """
async ({ control, ms, stop }) => {
  const root = document.querySelector('.dh-player');
  const slider = root.querySelector(control === 'rate' ? '.dh-rate' : '.dh-epoch');
  // The views this player has (the Compare page's has no fit view).
  const names = ['fit', 'loss', 'map', 'surface'].filter((n) => root.querySelector(`.dh-${n}`));
  const EVENTS = ['plotly_afterplot', 'plotly_animated'];
  const drawn = Object.fromEntries(names.map((n) => [n, 0]));
  const fresh = new Set();
  const listeners = names.map((n) => {
    const gd = root.querySelector(`.dh-${n} .dh-graph`);
    const listener = () => fresh.add(n);
    if (gd.on) for (const event of EVENTS) gd.on(event, listener);
    return [gd, listener];
  });
  const observers = names.filter((n) => n !== 'surface').map((n) => {
    const observer = new MutationObserver(() => fresh.add(n));
    observer.observe(root.querySelector(`.dh-${n} .dh-graph`),
      { subtree: true, childList: true, attributes: true });
    return observer;
  });
  const canvas = root.querySelector('.dh-surface .gl-container canvas');
  const gl = canvas && ['webgl', 'webgl2', 'experimental-webgl']
    .map((kind) => canvas.getContext(kind)).find(Boolean);
  const calls = gl ? ['drawArrays', 'drawElements'].map((call) => {
    const own = gl[call];
    gl[call] = function (...args) {
      fresh.add('surface');
      return own.apply(this, args);
    };
    return [call, own];
  }) : [];
  const max = Number(slider.max);
  let value = Number(slider.value);
  let way = value >= max ? -1 : 1;
  let frames = 0;
  const move = (to) => {
    slider.value = String(to);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const start = performance.now();
  await new Promise((resolve) => {
    const tick = (now) => {
      for (const n of fresh) drawn[n] += 1;
      fresh.clear();
      if (now - start >= ms) return resolve();
      frames += 1;
      if (value + way < 0 || value + way > max) way = -way;
      value += way;
      move(value);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  for (const observer of observers) observer.disconnect();
  for (const [call, own] of calls) gl[call] = own;
  const seconds = (performance.now() - start) / 1000;
  const last = stop === null ? value : stop;
  if (last !== value) move(last);
  const ended = performance.now();
  while (root.dataset.settled !== '1') await new Promise((r) => requestAnimationFrame(r));
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const settledMs = performance.now() - ended;
  for (const [gd, listener] of listeners) {
    if (gd.removeListener) for (const event of EVENTS) gd.removeListener(event, listener);
  }
  return { seconds, frames, drawn, value: last, settledMs };
}
"""

# What each view shows: its traces and layout as Plotly holds them (`gd.data`, `gd.layout`).
VIEWS_STATE_JS = """
() => Object.fromEntries(['fit', 'loss', 'map', 'surface'].map((n) => {
  const gd = document.querySelector(`.dh-player .dh-${n} .dh-graph`);
  return [n, gd && gd.data ? JSON.stringify({ data: gd.data, layout: gd.layout }) : null];
}))
"""

# One step of the scrubber `control` straight to `value`, once every view shows it.
SET_JS = """
async ({ control, value }) => {
  const root = document.querySelector('.dh-player');
  const slider = root.querySelector(control === 'rate' ? '.dh-rate' : '.dh-epoch');
  slider.value = String(value);
  slider.dispatchEvent(new Event('input', { bubbles: true }));
  while (root.dataset.settled !== '1') await new Promise((r) => requestAnimationFrame(r));
}
"""


#: What is left of the sketches drawn while a scrubber moved: sketch groups, traces of
#: Plotly's hidden under one, a 3D scene holding sketched paths.
SKETCHES_LEFT_JS = """() => [
  ...Array.from(document.querySelectorAll('.dh-player .dh-sketch'), () => 'sketch'),
  ...Array.from(document.querySelectorAll('.dh-player g.trace'))
    .filter((g) => g.style.visibility === 'hidden').map(() => 'hidden trace'),
  ...Array.from(document.querySelectorAll('.dh-player [data-sketched]'), () => '3D sketch'),
]"""


def drag(page: Page, control: str, ms: float, stop: int | None = None) -> dict:
    """Drag scrubber ``control`` for ``ms`` milliseconds, ending at ``stop`` (None: where the
    drag is), until every view shows the end.

    Returns the drag's ``seconds`` and ``frames``, per view the frames in which it was
    ``drawn``, the stop it ended at (``value``) and ``settledMs`` from the end until every view
    showed it.
    """
    return page.evaluate(DRAG_JS, {"control": control, "ms": ms, "stop": stop})


def set_scrubber(page: Page, control: str, value: int) -> None:
    """Set scrubber ``control`` to ``value`` in one step and wait until every view shows it."""
    page.evaluate(SET_JS, {"control": control, "value": value})


def views_state(page: Page) -> dict[str, dict | None]:
    """Each view's traces and layout (None for a view not drawn), read from their JSON: the
    same content compares equal whatever order Plotly wrote its keys in (a view drawn anew
    for a run's own frame and back writes its axes' keys in another order)."""
    return {
        name: None if text is None else json.loads(text)
        for name, text in page.evaluate(VIEWS_STATE_JS).items()
    }


def sketches_left(page: Page) -> list[str]:
    """What is left, once a drag ended, of the sketches drawn while it went on (nothing)."""
    return page.evaluate(SKETCHES_LEFT_JS)


def flat_pixels(page: Page, names: tuple[str, ...] = VIEWS[:-1]) -> dict[str, bytes]:
    """A screenshot of each flat view ``names`` (fit, loss, map) as it is on screen."""
    graph = ".dh-player .dh-{} .dh-graph"
    return {name: page.locator(graph.format(name)).screenshot() for name in names}
