// What every player shares: its views (one <figure> each), the body it was sent, playback
// (play, pause, speed, the epoch scrubber), the loss landscape's traces, and its lifecycle:
// every listener it adds goes through `listen` and every observer through `keep`, so
// `destroy` removes them all.

import { CONFIG, nextFrame, loadPlotly } from "./library.js";
import { markerSizes } from "./frames.js";
import { unpack } from "./protocol.js";

const PLAY_MS = { 1: 150, 2: 75, 4: 35 };

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
      this.el.views[name] = { box: view, gd: view.querySelector(".dh-graph"), alt: view.querySelector(".dh-alt") };
    }
    this.key = null;
    this.surfaceKey = null;
    this.playing = false;
    this.queue = Promise.resolve();
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
      this.body = body;
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
  // Build the map and, a frame later (the flat views reach the screen first; the 3D scene
  // takes longest), the surface, when the surface changed; else move their paths.
  async drawLandscape(jobs, mapTraces, surfaceTraces, movePaths) {
    const P = this.Plotly;
    const v = this.el.views;
    const sf = this.body.surface;
    if (sf.key !== this.surfaceKey || !v.map.gd.data) {
      jobs.push(P.react(v.map.gd, mapTraces(), this.mapLayout(), CONFIG));
      if (sf.plane) {
        await Promise.all(jobs);
        await nextFrame();
        jobs.push(P.react(v.surface.gd, surfaceTraces(), this.surfaceLayout(), CONFIG));
      }
      this.surfaceKey = sf.key;
    } else {
      jobs.push(movePaths());
    }
    await Promise.all(jobs);
  }

  font() {
    const s = this.body.style;
    return { family: s.font, size: s.fontSize - 1, color: s.ink };
  }

  baseLayout(title, height) {
    return {
      title: { text: title, x: 0.02, font: { size: this.body.style.fontSize + 1 } },
      height,
      autosize: true,
      font: this.font(),
      margin: { l: 64, r: 16, t: 48, b: 100 },
      paper_bgcolor: "white",
      plot_bgcolor: "white",
      showlegend: true,
      legend: { orientation: "h", y: -0.3, x: 0, yanchor: "top" },
      hoverlabel: { font: { size: 14 } },
    };
  }

  // A path on the map (scene false) or the surface, its first `count` points, in `color`.
  path(path, count, color, name, scene) {
    const trace = {
      type: scene ? "scatter3d" : "scatter",
      mode: "lines+markers",
      x: path.x.slice(0, count),
      y: path.y.slice(0, count),
      name,
      showlegend: false,
      line: { color, width: scene ? 6 : 3 },
      marker: { color, opacity: 1, size: markerSizes(count, !scene), line: { width: 0 } },
      hovertemplate: `${name}<br>epoch %{customdata:.4~f}<br>%{x:.4g}, %{y:.4g}<extra></extra>`,
      customdata: path.e.slice(0, count),
    };
    if (scene) trace.z = path.z.slice(0, count);
    return trace;
  }

  // The loss landscape under the paths: a contour map (or a curve for one parameter) and
  // the optimum; `surfaceBase` the same in 3D.
  landTraces() {
    const b = this.body;
    const sf = b.surface;
    const s = b.style;
    const [pu, pv] = b.labels.params;
    let land;
    if (sf.plane) {
      let low = Infinity;
      for (const row of sf.values) for (const z of row) if (z !== null && z < low) low = z;
      land = {
        type: "contour", x: sf.u, y: sf.v,
        z: sf.values.map((row) => row.map((z) => (z === null ? null : Math.sqrt(Math.max(z - low, 0))))),
        customdata: sf.values, colorscale: s.colorscale, showscale: false, ncontours: 22,
        contours: { coloring: "fill", showlines: true },
        line: { width: 0.6, color: "rgba(40,60,90,0.35)" }, name: "loss", showlegend: false,
        hovertemplate: `${pu} = %{x:.4g}<br>${pv} = %{y:.4g}<br>loss = %{customdata:.4g}<extra></extra>`,
      };
    } else {
      land = {
        type: "scatter", mode: "lines", x: sf.u, y: sf.values, name: "loss", showlegend: false,
        line: { color: s.colorscale[s.colorscale.length - 1][1], width: 3 },
        hovertemplate: `${pu} = %{x:.4g}<br>loss = %{y:.4g}<extra></extra>`,
      };
    }
    const optimum = {
      type: "scatter", mode: "markers", x: [sf.optimum[0]], y: [sf.optimum[1]], name: "optimum",
      showlegend: false,
      marker: { symbol: "star", size: 20, color: s.optimum, line: { width: 1.5, color: s.ink } },
      hovertemplate: "optimum<extra></extra>",
    };
    return [land, optimum];
  }

  mapLayout() {
    const b = this.body;
    const sf = b.surface;
    const held = b.labels.heldOthers ? " · others at the optimum" : "";
    const title = sf.plane ? `Contour map${held}` : `Loss along ${b.labels.params[0]}${held}`;
    const layout = this.baseLayout(title, sf.plane ? 480 : 420);
    layout.margin = { l: 64, r: 16, t: 48, b: 72 };
    layout.xaxis = { title: { text: b.labels.params[0] }, range: [sf.u[0], sf.u[sf.u.length - 1]] };
    layout.yaxis = sf.plane
      // One length per unit on both axes, so the bowl's true shape shows: Plotly widens
      // the shorter range to keep the ratio (the grid stays where it was computed).
      ? { title: { text: b.labels.params[1] }, range: [sf.v[0], sf.v[sf.v.length - 1]],
          scaleanchor: "x", scaleratio: 1 }
      : { title: { text: b.labels.surfaceLoss || b.labels.loss }, range: sf.yRange };
    return layout;
  }

  surfaceBase() {
    const b = this.body;
    const sf = b.surface;
    const s = b.style;
    const [pu, pv] = b.labels.params;
    return [
      {
        type: "surface", x: sf.u, y: sf.v, z: sf.values, colorscale: s.colorscale,
        showscale: false, opacity: 0.95, name: "loss", showlegend: false,
        hovertemplate: `${pu} = %{x:.4g}<br>${pv} = %{y:.4g}<br>loss = %{z:.4g}<extra></extra>`,
      },
      {
        type: "scatter3d", mode: "markers", x: [sf.optimum[0]], y: [sf.optimum[1]],
        z: [sf.optimum[2]], name: "optimum", showlegend: false,
        marker: { symbol: "diamond", size: 8, color: s.optimum, line: { width: 2, color: s.ink } },
        hovertemplate: "optimum<extra></extra>",
      },
    ];
  }

  surfaceLayout() {
    const b = this.body;
    const sf = b.surface;
    const held = b.labels.heldOthers ? " · others at the optimum" : "";
    const layout = this.baseLayout(`Cost surface${held}`, 480);
    layout.margin = { l: 0, r: 0, t: 48, b: 0 };
    const axis = (title, range) => ({
      title: { text: title, font: { size: 14 } },
      range,
      nticks: 5,
      tickfont: { size: 12 },
    });
    layout.scene = {
      xaxis: axis(b.labels.sceneParams[0], [sf.u[0], sf.u[sf.u.length - 1]]),
      yaxis: axis(b.labels.sceneParams[1], [sf.v[0], sf.v[sf.v.length - 1]]),
      zaxis: axis(b.labels.surfaceLoss || b.labels.loss, sf.zRange),
      aspectmode: "manual",
      aspectratio: { x: 1, y: 1, z: 0.75 },
      camera: { eye: { x: 1.6, y: -1.6, z: 0.8 }, center: { x: 0, y: 0, z: -0.15 } },
    };
    layout.uirevision = sf.key;
    return layout;
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