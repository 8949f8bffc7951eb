// What every player shares: its views (one <figure> each, drawn from the spec the body
// carries and moved by uid), the body it was sent, playback (play, pause, speed, the epoch
// scrubber), and its lifecycle:
// every listener it adds goes through `listen` and every observer through `keep`, so
// `destroy` removes them all.

import { frameState } from "./frames.js";
import { CONFIG, afterPaint, nextFrame, loadPlotly } from "./library.js";
import { Pacer, SKETCHED } from "./pacer.js";
import { checked, unpack } from "./protocol.js";
import { sketch, sketch3d, unsketch, unsketch3d } from "./sketch.js";
import { figure, moving, restyleArgs } from "./views.js";

// Milliseconds between frames of playback, by speed (a film's frames last as long).
export const PLAY_MS = { 1: 150, 2: 75, 4: 35 };
// The 3D scene's rest after each redraw while a scrubber moves, as a fraction of the redraw's
// time, so that the flat views get frames too: measured with `python -m benchmarks browser`,
// the 3D view against a bare 3D scene's redraw.
export const SCENE_REST = 0.6;

export class Stage {
  constructor(parent, html, names) {
    this.aborter = new AbortController();
    this.observers = [];
    this.root = document.createElement("div");
    this.root.className = "dh-player";
    this.root.dataset.drawn = "0";
    this.root.innerHTML = html;
    parent.appendChild(this.root);
    const q = (s) => this.root.querySelector(s);
    this.q = q;
    this.el = {
      play: q(".dh-play"),
      epoch: q(".dh-epoch"),
      epochValue: q(".dh-epoch-value"),
      speed: q(".dh-speed"),
      status: q(".dh-status"),
      views: {},
    };
    for (const name of names) {
      const view = q(`.dh-${name}`);
      this.el.views[name] = {
        box: view, gd: view.querySelector(".dh-graph"), alt: view.querySelector(".dh-alt"),
        off: view.querySelector(".dh-off"),
      };
    }
    this.key = null;
    // The landscape wanted last, and the one each of its views shows.
    this.surfaceKey = null;
    this.landDrawn = { map: null, surface: null };
    this.playing = false;
    this.queue = Promise.resolve();
    // While a scrubber moves, each view follows at its own pace (the flat views every frame,
    // the 3D scene as fast as it redraws, resting a little after each redraw), and all end
    // exactly on the last position.
    this.pacer = new Pacer(
      (name, target, drawn, quick) => this.drawView(name, target, drawn, quick),
      (fn) => requestAnimationFrame(fn),
      (id) => cancelAnimationFrame(id),
      { rest: { surface: SCENE_REST } },
    );
    const { play, epoch, speed } = this.el;
    this.listen(play, "click", () => (this.playing ? this.pause() : this.play()));
    this.listen(epoch, "input", () => {
      this.pause();
      this.step(Number(epoch.value));
    });
    this.listen(speed, "change", () => {
      if (this.playing) this.schedule();
    });
  }

  // `target.addEventListener(type, handler)` until this player is destroyed.
  listen(target, type, handler) {
    target.addEventListener(type, handler, { signal: this.aborter.signal });
  }

  // An observer (ResizeObserver, MutationObserver) disconnected when this player is destroyed.
  keep(observer) {
    this.observers.push(observer);
    return observer;
  }

  // Remove everything this player added to the page: listeners, observers, timers, graphs.
  destroy() {
    this.destroyed = true;
    this.pacer.stop();
    this.pause();
    this.aborter.abort();
    for (const observer of this.observers) observer.disconnect();
    this.observers = [];
    if (this.Plotly) {
      for (const { gd } of Object.values(this.el.views)) this.Plotly.purge(gd);
    }
    this.root.remove();
  }

  // Take the bytes of a rerun; `then(header, fresh)` draws. A header whose body this element
  // lacks (it was re-created) is reported, so the server's next run sends the body.
  receive(data, then) {
    const { header } = unpack(data, false);
    const fresh = header.key !== this.key;
    const body = fresh ? unpack(data).body : null;
    if (fresh && !body) {
      if (this.setState) this.setState("missing", `${header.key}@${Date.now()}`);
      return;
    }
    if (fresh) {
      try {
        this.body = checked(body, this.mode);
      } catch (error) {
        this.el.status.textContent = `The charts could not be drawn: ${error.message}`;
        return;
      }
      this.key = header.key;
    }
    this.queue = this.queue
      .then(() => loadPlotly(header.plotly))
      .then((Plotly) => {
        this.Plotly = Plotly;
        return this.destroyed ? null : then(header, fresh);
      })
      .catch((error) => {
        this.el.status.textContent = `The charts could not be drawn: ${error.message}`;
      });
  }

  // The runs shown, in the order of the views' paths (`path-0`, ...), and a run's own part
  // of view `name` (a patch: see charts/views.py), if any.
  runsShown() {
    return this.body.runs;
  }

  patch() {
    return {};
  }

  // The spec of view `name` for `runs`, and the content key of the landscape's views (map,
  // surface) they are drawn in.
  spec(name) {
    return this.body.views[name];
  }

  landKey() {
    return this.body.surface.key;
  }

  // Where each run shown is at frame `frame`.
  states(frame) {
    return this.runsShown().map((run) => frameState(this.body.frames, run, frame));
  }

  // A view's layout for where it is shown (presenting, a narrow screen): as given here.
  sized(name, layout) {
    return layout;
  }

  // Remove the sketch of view `name`, if any: its graph shows what Plotly holds.
  unsketch(name) {
    const { gd } = this.el.views[name];
    if (gd.dataset.sketched) unsketch3d(gd);
    if (gd.querySelector(".dh-sketch")) unsketch(gd);
  }

  // Draw view `name` anew from its spec, its moving traces at `states` of `runs`.
  react(name, states, runs = this.runsShown()) {
    this.unsketch(name);
    const spec = this.spec(name, runs);
    const fig = figure(spec, moving(spec.data, runs, states), this.patch(name, runs));
    if (name in this.landDrawn) this.landDrawn[name] = this.landKey(runs);
    return this.Plotly.react(this.el.views[name].gd, fig.data, this.sized(name, fig.layout), CONFIG);
  }

  // Move the moving traces of the views `names` (those drawn) to `states` of `runs`, found
  // by uid.
  move(names, states, runs = this.runsShown()) {
    const jobs = [];
    for (const name of names) {
      const { gd } = this.el.views[name];
      const spec = this.spec(name, runs);
      if (!spec || !gd.data) continue;
      this.unsketch(name);
      const [update, indices] = restyleArgs(gd.data, moving(spec.data, runs, states));
      if (indices.length) jobs.push(this.Plotly.restyle(gd, update, indices));
    }
    return Promise.all(jobs);
  }

  // Every view of `names` to `target` at its own pace; the root says whether every view
  // shows it yet. Resolves once every view shows it (or a later position).
  pace(names, target) {
    this.root.dataset.settled = "0";
    const shown = this.pacer.want(names, target);
    shown.finally(() => {
      if (this.pacer.idle()) this.root.dataset.settled = "1";
    }).catch(() => null);
    return shown;
  }

  // Sketch view `name` at `states` of `runs` (see sketch.js): SKETCHED (for the 3D scene, a
  // promise of it once its frame is painted) when it did, else null.
  sketchView(name, runs, states) {
    const spec = this.spec(name, runs);
    const patch = this.patch(name, runs);
    const fills = moving(spec.data, runs, states);
    const uids = new Set([...Object.keys(fills), ...Object.keys(patch.data || {})]);
    const traces = figure(spec, fills, patch).data.filter((t) => uids.has(t.uid));
    const { gd } = this.el.views[name];
    if (name !== "surface") return sketch(gd, traces) ? SKETCHED : null;
    return sketch3d(gd, traces) ? nextFrame().then(() => SKETCHED) : null;
  }

  // Draw view `name` exactly with `draw`: the 3D scene after the flat views' frame is painted
  // when `later` (while a scrubber moves, or when the scene is built anew), else in the same
  // frame as theirs, and done once its own frame is painted.
  exactly(name, later, draw) {
    if (name !== "surface") return draw();
    return (later ? afterPaint().then(draw) : draw()).then(nextFrame);
  }

  // Build the map and, a frame later (the flat views reach the screen first; the 3D scene
  // takes longest), the surface, when their spec changed; else move their paths.
  async drawLandscape(jobs, states) {
    const key = this.landKey();
    this.surfaceKey = key;
    const anew = (name) => key !== this.landDrawn[name] || !this.el.views[name].gd.data;
    jobs.push(anew("map") ? this.react("map", states) : this.move(["map"], states));
    if (!anew("surface")) {
      jobs.push(this.move(["surface"], states));
    } else if (this.body.surface.plane) {
      await Promise.all(jobs);
      await nextFrame();
      // Unless a later call took over, the surface of what is shown now.
      if (this.surfaceKey === key) jobs.push(this.react("surface", this.states(this.frameIndex)));
    }
    await Promise.all(jobs);
  }

  // ---- playback: the epoch scrubber, play, pause and speed move every view ----

  play() {
    if (!this.body) return;
    this.playing = true;
    this.el.play.textContent = "❚❚ Pause";
    this.el.play.setAttribute("aria-label", "Pause");
    if (this.frameIndex >= this.body.frames.length - 1) this.frameIndex = -1;
    this.schedule();
  }

  pause() {
    this.playing = false;
    clearTimeout(this.timer);
    this.el.play.textContent = "▶ Play";
    this.el.play.setAttribute("aria-label", "Play");
  }

  schedule() {
    clearTimeout(this.timer);
    const wait = PLAY_MS[this.el.speed.value] || PLAY_MS[1];
    this.timer = setTimeout(async () => {
      if (!this.playing) return;
      const next = this.frameIndex + 1;
      if (next > this.body.frames.length - 1) {
        this.pause();
        return;
      }
      await this.step(next);
      if (this.playing) this.schedule();
    }, wait);
  }

  // The epoch scrubber at the last frame; the root says what the body holds.
  setEpochControl() {
    const { epoch } = this.el;
    const { frames, surface, rates } = this.body;
    Object.assign(this.root.dataset, {
      epochs: String(frames[frames.length - 1]),
      plane: String(surface.plane),
      rates: String(rates ? rates.length : 1),
    });
    epoch.max = String(this.body.frames.length - 1);
    this.frameIndex = this.body.frames.length - 1;
    epoch.value = String(this.frameIndex);
  }
}