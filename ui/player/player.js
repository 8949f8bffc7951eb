// The player: views drawn with plotly.js (served by this app's own server) and updated in
// place, played back in the browser.
//
// - Stage: what every player shares: its views (one <figure> each), the body it was sent,
//   playback (play, pause, speed, the epoch scrubber) and the loss surface's traces.
// - Ladder (the Descent page): fit, loss, 3D surface and contour map of one run per
//   learning rate of the ladder; the rate scrubber switches between them without asking
//   the server, and releasing it (or Enter, or the button) sets the sidebar's rate.
// - Race (the Compare page): every run of a race at once, a path each on the shared
//   surface and map and a loss curve each; one epoch scrubber moves them all.
// The 3D scene is built once per surface; afterwards only its paths are restyled. Each
// view is a figure of its own, so a mode that shows one view at a time can hide the rest.
// Names from the data arrive ready for where they go (charts/text.py): `labels.params` and
// the like for Plotly's SVG text, `labels.sceneParams` for 3D axis titles, `labels.words`
// for the sentences, which are set as textContent; the markup written with innerHTML is ours.

const PLAY_MS = { 1: 150, 2: 75, 4: 35 };
const PATH_MARKER = 5;
// Presenting to a class: type sizes (px) that read from the back of a room at 1280×720.
const PRESENT_TYPE = { tick: 20, axis: 24, title: 30 };
// Presenting: the views, their names on the switch, in the order ← and → step through.
const PRESENT_VIEWS = { fit: "Fit", loss: "Loss", surface: "3D surface", map: "Contour map" };
// Keys there are for the focused control itself (sliders, lists, text): ← → leave them be.
const OWN_ARROWS = 'input, select, textarea, [contenteditable="true"], [role="slider"], ' +
  '[role="radio"], [role="tab"], [role="option"], [role="combobox"], [role="listbox"], ' +
  '[role="menu"], [role="menuitem"], [role="spinbutton"], [role="grid"], [role="gridcell"]';
const CURRENT_MARKER = 13;
const CONFIG = {
  displaylogo: false,
  responsive: true,
  // The 3D scene at the screen's own resolution: plotly.js draws it at twice that by
  // default, four times the pixels to shade, which a computer without a GPU feels.
  plotGlPixelRatio: Math.min(4, Math.max(1, window.devicePixelRatio || 1)),
  modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
};

// One plotly.js for the player's whole life in this window, so every update goes through
// the library that drew the graphs: the one already on the page (Streamlit's own chart
// bundle, served by this server), or else this app's copy from /app/static/. Both come
// from this server; no other host is asked.
function loadPlotly(src) {
  if (!window.__downhillPlotly && window.Plotly) {
    window.__downhillPlotly = Promise.resolve(window.Plotly);
  }
  if (!window.__downhillPlotly) {
    window.__downhillPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.async = true;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__downhillPlotly = null;
        reject(new Error(`could not load ${src}`));
      };
      document.head.appendChild(script);
    });
  }
  return window.__downhillPlotly;
}

// Resolves after the browser has painted a frame, so what was drawn so far is on screen.
function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

function fmt(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) {
    // Three significant digits, without trailing zeros: 1e-8, 2.5e-5, 1.23e6.
    return x.toExponential(2).replace(/\.?0+e/, "e").replace("e+", "e");
  }
  return String(Number(x.toPrecision(3)));
}

// Index of the last entry of the ascending array `values` that is <= `x` (-1 if none).
function lastAtOrBelow(values, x) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

const PLAYBACK = `
  <div class="dh-controls">
    <button type="button" class="dh-play" aria-label="Play">▶ Play</button>
    <label class="dh-field dh-epoch-field">
      <span>Epoch</span>
      <input type="range" class="dh-epoch" min="0" max="0" step="1" value="0" aria-label="epoch">
      <output class="dh-epoch-value"></output>
    </label>
    <label class="dh-field">
      <span>Speed</span>
      <select class="dh-speed" aria-label="playback speed">
        <option value="1">1×</option><option value="2">2×</option><option value="4">4×</option>
      </select>
    </label>
  </div>`;

function views(names) {
  const figures = names.map((name) => `
    <figure class="dh-view dh-${name}"><div class="dh-graph"></div>
      <figcaption class="dh-alt"></figcaption></figure>`);
  return `<div class="dh-views">${figures.join("")}</div>`;
}

const LADDER_HTML = `${PLAYBACK}
  <div class="dh-controls">
    <div class="dh-field dh-rate-field">
      <span>Learning rate η</span>
      <div class="dh-rate-track">
        <input type="range" class="dh-rate" min="0" max="0" step="1" value="0"
               aria-label="learning rate (scrub; Enter or release sets the sidebar)">
        <div class="dh-zones" data-testid="player-zones" aria-hidden="true"></div>
        <p class="dh-zone-legend" data-testid="player-zone-legend" aria-hidden="true" hidden></p>
      </div>
      <output class="dh-rate-value"></output>
    </div>
    <span class="dh-badge" data-testid="player-diverged" hidden></span>
    <button type="button" class="dh-use" hidden></button>
  </div>
  <p class="dh-limit"></p>
  <p class="dh-status" data-testid="player-status"></p>
  <div class="dh-switch" role="group" aria-label="view shown (← and → switch)">
    ${Object.entries(PRESENT_VIEWS).map(([name, label]) =>
      `<button type="button" data-view="${name}" aria-pressed="false">${label}</button>`).join("")}
  </div>
  ${views(["fit", "loss", "surface", "map"])}`;

const RACE_HTML = `${PLAYBACK}
  <p class="dh-status" data-testid="player-status"></p>
  ${views(["loss", "surface", "map"])}`;

// Parse the bytes a player is sent: a header line, then the body (absent when the server
// believes this element holds it already). Returns the header, and the body when new.
function unpack(bytes, withBody = true) {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const newline = data.indexOf(10);
  const header = JSON.parse(new TextDecoder().decode(data.subarray(0, newline)));
  const body = withBody && data.length > newline + 1
    ? JSON.parse(new TextDecoder().decode(data.subarray(newline + 1)))
    : null;
  return { header, body };
}

class Stage {
  constructor(parent, html, names) {
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
    play.addEventListener("click", () => (this.playing ? this.pause() : this.play()));
    epoch.addEventListener("input", () => {
      this.pause();
      this.step(Number(epoch.value));
    });
    speed.addEventListener("change", () => {
      if (this.playing) this.schedule();
    });
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
        return then(header, fresh);
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

  sizes(count, big) {
    const sizes = new Array(count).fill(big ? PATH_MARKER : PATH_MARKER - 1);
    if (count) sizes[count - 1] = big ? CURRENT_MARKER : CURRENT_MARKER - 5;
    return sizes;
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
      marker: { color, opacity: 1, size: this.sizes(count, !scene), line: { width: 0 } },
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

  setEpochControl() {
    const { epoch } = this.el;
    epoch.max = String(this.body.frames.length - 1);
    this.frameIndex = this.body.frames.length - 1;
    epoch.value = String(this.frameIndex);
  }
}

class Ladder extends Stage {
  constructor(parent) {
    super(parent, LADDER_HTML, ["fit", "loss", "surface", "map"]);
    const q = this.q;
    Object.assign(this.el, {
      rate: q(".dh-rate"),
      rateValue: q(".dh-rate-value"),
      zones: q(".dh-zones"),
      zoneLegend: q(".dh-zone-legend"),
      badge: q(".dh-badge"),
      use: q(".dh-use"),
      limit: q(".dh-limit"),
    });
    this.headerSelected = null;
    this.sidebarIndex = null;
    this.pointer = false;
    const { rate, use } = this.el;
    rate.addEventListener("pointerdown", () => (this.pointer = true));
    rate.addEventListener("input", () => this.show(Number(rate.value), this.frameIndex));
    rate.addEventListener("change", () => {
      if (this.pointer) this.commit();
      this.pointer = false;
    });
    rate.addEventListener("keydown", (event) => {
      if (event.key === "Enter") this.commit();
    });
    use.addEventListener("click", () => this.commit());
    this.presenting = false;
    this.shown = "fit";
    this.el.switches = Array.from(this.root.querySelectorAll(".dh-switch button"));
    for (const button of this.el.switches) {
      button.addEventListener("click", () => this.showView(button.dataset.view));
    }
    document.addEventListener("keydown", (event) => this.onKey(event));
    new ResizeObserver(() => this.fitZoneWords()).observe(this.el.zones);
    this.follow = null;
    this.followSidebar();
  }

  step(frame) {
    return this.show(this.rateIndex, frame);
  }

  commit() {
    if (!this.body || this.rateIndex === this.sidebarIndex) return;
    this.sidebarIndex = this.rateIndex;
    this.updateUse();
    if (this.setTrigger) this.setTrigger("rate", this.body.rates[this.rateIndex]);
  }

  receive(data) {
    super.receive(data, (header, fresh) => {
      const moved = fresh || header.selected !== this.headerSelected;
      this.headerSelected = header.selected;
      this.sidebarIndex = header.selected;
      this.follow = header.follow || null;
      if (Boolean(header.present) !== this.presenting) {
        this.present(Boolean(header.present));
        this.surfaceKey = null;  // the 3D scene is laid out again, in its new size
        return this.build(header.selected);
      }
      if (fresh) return this.build(header.selected);
      // Already shown when the views followed the sidebar's slider.
      if (moved && header.selected !== this.rateIndex) return this.show(header.selected, this.frameIndex);
      this.updateUse();
      return null;
    });
  }

  // The sidebar's learning-rate slider, while a person drags it or steps it with the keys:
  // the views follow at once from the ladder's runs, without waiting for the server's
  // rerun (which then finds them already showing its rate). Only the slider in use is
  // followed, so a rate typed in the box is shown as the server says, not as the slider's
  // nearest stop.
  followSidebar() {
    const follow = (records) => {
      if (!this.follow || !this.body || this.root.dataset.drawn !== "1") return;
      const slider = records.map((r) => r.target).reverse().find((t) =>
        t === document.activeElement && t.getAttribute("aria-label") === this.follow.label &&
        t.closest('[data-testid="stSidebar"]'));
      if (!slider) return;
      const index = this.follow.stops.indexOf(Number(slider.value));
      if (index < 0 || index === this.rateIndex) return;
      this.sidebarIndex = index;
      this.show(index, this.frameIndex);
    };
    const observer = new MutationObserver((records) => {
      if (this.root.isConnected) follow(records);
      else observer.disconnect();  // this player is gone from the page
    });
    observer.observe(document.body, {
      subtree: true, attributes: true, attributeFilter: ["aria-valuetext"],
    });
  }

  // ---- building the views (new data) ----

  async build(selected) {
    const body = this.body;
    this.pause();
    this.setEpochControl();
    const { rate } = this.el;
    rate.max = String(body.rates.length - 1);
    this.rateIndex = selected;
    rate.value = String(selected);
    this.el.limit.textContent = body.limit ? body.limit.text : "";
    this.drawZones();
    this.fitZoneWords();
    this.root.classList.toggle("dh-curve", !body.surface.plane);
    const run = body.runs[selected];
    const state = this.state(run, this.frameIndex);
    const P = this.Plotly;
    const v = this.el.views;
    // One view a frame: the fit reaches the screen before the others are built.
    await P.react(v.fit.gd, this.fitTraces(run, state), this.fitLayout(), CONFIG);
    await nextFrame();
    const jobs = [P.react(v.loss.gd, this.lossTraces(run, state), this.lossLayout(run), CONFIG)];
    await this.drawLandscape(
      jobs,
      () => [...this.landTraces(), this.pathTrace(run, state, false)],
      () => [...this.surfaceBase(), this.pathTrace(run, state, true)],
      () => this.movePaths(run, state),
    );
    this.describe(run, state);
    this.root.dataset.drawn = "1";
    this.showView(this.shown);
  }

  // ---- presenting: one view at a time, wide and in large type, for a projector ----

  present(on) {
    this.presenting = on;
    this.root.classList.toggle("dh-present", on);
    this.showView(this.shown);
    // Turned on: the controls and the view fill the screen (the page's text is above).
    if (on) requestAnimationFrame(() => this.root.scrollIntoView({ block: "start" }));
  }

  // The views this body has (no 3D surface for one parameter), in switching order.
  viewNames() {
    const names = Object.keys(PRESENT_VIEWS);
    return this.body && !this.body.surface.plane ? names.filter((n) => n !== "surface") : names;
  }

  showView(name) {
    const names = this.viewNames();
    this.shown = names.includes(name) ? name : names[0];
    for (const [view, { box }] of Object.entries(this.el.views)) {
      box.classList.toggle("dh-shown", view === this.shown);
    }
    for (const button of this.el.switches) {
      button.hidden = !names.includes(button.dataset.view);
      button.setAttribute("aria-pressed", String(button.dataset.view === this.shown));
    }
    this.root.dataset.view = this.shown;
    const gd = this.el.views[this.shown].gd;
    // A view drawn while hidden took a default width: it takes the whole width when shown.
    // Given in pixels: Plots.resize and {autosize: true} drop the layout's height too, and a
    // graph whose box has no height of its own then collapses to nothing.
    const width = this.el.views[this.shown].box.clientWidth;
    if (this.presenting && this.Plotly && gd.data && width) this.Plotly.relayout(gd, { width });
  }

  switchBy(step) {
    const names = this.viewNames();
    const at = names.indexOf(this.shown);
    this.showView(names[(at + step + names.length) % names.length]);
  }

  // ← and → switch views while presenting, unless the focused control uses them itself.
  onKey(event) {
    if (!this.presenting || !this.root.isConnected || !this.body) return;
    if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
    if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
    if (event.target instanceof Element && event.target.closest(OWN_ARROWS)) return;
    event.preventDefault();
    this.switchBy(event.key === "ArrowRight" ? 1 : -1);
  }

  // A layout in presentation sizes (when presenting): tall, large ticks, larger titles.
  enlarge(layout) {
    if (!this.presenting) return layout;
    const type = PRESENT_TYPE;
    const sized = (axis) => axis && {
      ...axis,
      tickfont: { ...axis.tickfont, size: type.tick },
      title: { ...axis.title, font: { ...(axis.title || {}).font, size: type.axis } },
    };
    layout.font = { ...layout.font, size: type.tick };
    layout.title = { ...layout.title, font: { ...layout.title.font, size: type.title } };
    layout.legend = { ...layout.legend, font: { size: type.tick } };
    layout.hoverlabel = { font: { size: type.tick } };
    // The controls above and the view fit one screen, down to 720 px high.
    layout.height = Math.max(360, Math.min(760, window.innerHeight - 310));
    if (layout.scene) {
      layout.margin = { l: 0, r: 0, t: 64, b: 0 };
      // Closer: the scene is fitted to the view's height, the width is to spare.
      layout.scene.camera = { ...layout.scene.camera, eye: { x: 1.25, y: -1.25, z: 0.65 } };
      for (const axis of ["xaxis", "yaxis", "zaxis"]) layout.scene[axis] = sized(layout.scene[axis]);
    } else {
      // The legend beside the chart: the width is there, the height is not.
      layout.legend = { ...layout.legend, orientation: "v", x: 1.02, xanchor: "left", y: 1, yanchor: "top" };
      layout.margin = { l: 110, r: 24, t: 64, b: 90 };
      layout.xaxis = sized(layout.xaxis);
      layout.yaxis = sized(layout.yaxis);
    }
    return layout;
  }

  mapLayout() {
    return this.enlarge(super.mapLayout());
  }

  surfaceLayout() {
    return this.enlarge(this.narrowScene(super.surfaceLayout()));
  }

  // A phone: the scene's projection follows the view's height, so a tall, narrow view cuts
  // the surface and its tick labels at the sides. Less tall, and seen from farther away.
  narrowScene(layout) {
    if (this.root.clientWidth >= 560 || this.presenting) return layout;
    const { eye } = layout.scene.camera;
    layout.height = Math.min(layout.height, 400);
    layout.scene.camera = { ...layout.scene.camera, eye: { x: eye.x * 1.3, y: eye.y * 1.3, z: eye.z * 1.3 } };
    return layout;
  }

  // The regimes along the rate scrubber, each a run of ladder stops, in words and a pattern
  // (not colour alone). A stop's share of the track is centred on the thumb's position there.
  drawZones() {
    const { zones } = this.el;
    const regimes = this.body.regimes;
    zones.replaceChildren();
    zones.hidden = !regimes;
    if (!regimes) return;
    const last = Math.max(regimes.length - 1, 1);
    const edge = (i) => Math.min(1, Math.max(0, (i - 0.5) / last));
    let start = 0;
    for (let i = 1; i <= regimes.length; i += 1) {
      if (i < regimes.length && regimes[i] === regimes[start]) continue;
      const zone = document.createElement("span");
      zone.className = `dh-zone dh-zone-${regimes[start]}`;
      zone.style.setProperty("--zone", this.body.style.regimes[regimes[start]] || "#888888");
      zone.style.flexBasis = `${100 * (edge(i) - edge(start))}%`;
      zone.textContent = regimes[start] === "unknown" ? "no known limit" : regimes[start];
      zone.title = `${regimes[start]}: η ${fmt(this.body.rates[start])} to ${fmt(this.body.rates[i - 1])}`;
      zones.appendChild(zone);
      start = i;
    }
  }

  // A regime's word that does not fit its stretch of the track is left out there and the
  // words are said below it instead, each with its pattern: never a cut word like "osc…".
  fitZoneWords() {
    const { zones, zoneLegend } = this.el;
    const all = Array.from(zones.children);
    for (const zone of all) zone.classList.remove("dh-zone-tight");
    const tight = all.filter((zone) => zone.scrollWidth > zone.clientWidth + 1);
    for (const zone of tight) zone.classList.add("dh-zone-tight");
    zoneLegend.hidden = tight.length === 0;
    zoneLegend.replaceChildren(...(tight.length ? all : []).map((zone) => {
      const item = document.createElement("span");
      item.className = "dh-zone-key";
      const swatch = document.createElement("span");
      swatch.className = `${zone.className.replace(" dh-zone-tight", "")} dh-swatch`;
      swatch.style.setProperty("--zone", zone.style.getPropertyValue("--zone"));
      item.append(swatch, zone.title);
      return item;
    }));
  }

  // What a run shows at the frame `frame`: its step (line, loss marker) and path length.
  state(run, frame) {
    const epoch = Math.min(this.body.frames[frame], run.lastFinite);
    const step = Math.max(0, lastAtOrBelow(run.steps.e, epoch));
    const count = Math.max(1, lastAtOrBelow(run.path.e, epoch) + 1);
    return { epoch, step, count: Math.min(count, run.path.x.length) };
  }

  fitTraces(run, st) {
    const b = this.body;
    const f = b.fit;
    const s = b.style;
    const traces = [
      {
        type: "scatter", mode: "markers", x: f.points.x, y: f.points.y,
        name: f.note ? `data (${f.note})` : "data",
        marker: { color: s.data, size: 6, opacity: 0.55 },
        hovertemplate: "%{x:.4g}, %{y:.4g}<extra></extra>",
      },
      {
        type: "scatter", mode: "lines", x: f.x, y: f.closed, name: "closed form",
        line: { color: s.closedForm, width: 3, dash: "dash" }, hoverinfo: "skip",
      },
    ];
    if (f.true) {
      traces.push({
        type: "scatter", mode: "lines", x: f.x, y: f.true, name: "true line",
        line: { color: s.truth, width: 3, dash: "dot" }, hoverinfo: "skip",
      });
    }
    traces.push({
      type: "scatter", mode: "lines", x: f.x, y: run.steps.line[st.step], name: this.body.labels.rule,
      line: { color: s.descent, width: 4 }, hoverinfo: "skip",
    });
    return traces;
  }

  fitLayout() {
    const b = this.body;
    const title = b.labels.otherFeatures ? "Fit (other features at their means)" : "Fit";
    const layout = this.baseLayout(title, 380);
    layout.xaxis = { title: { text: b.labels.feature }, range: b.fit.xRange };
    layout.yaxis = { title: { text: b.labels.target }, range: b.fit.yRange };
    return this.enlarge(layout);
  }

  lossTraces(run, st) {
    const b = this.body;
    const s = b.style;
    const traces = [
      {
        type: "scatter", mode: "lines", x: run.loss.e, y: run.loss.v, name: "train loss",
        line: { color: s.descent, width: 3 },
        hovertemplate: "train loss<br>epoch %{x:.0f}<br>loss %{y:.4g}<extra></extra>",
      },
      {
        type: "scatter", mode: "lines", x: run.test ? run.test.e : [], y: run.test ? run.test.v : [],
        name: "test loss", line: { color: s.test, width: 3 }, visible: run.test ? true : false,
        hovertemplate: "test loss<br>epoch %{x:.0f}<br>loss %{y:.4g}<extra></extra>",
      },
      {
        type: "scatter", mode: "lines", x: [0, Math.max(run.epochsRun, 1)],
        y: [b.lossOptimum, b.lossOptimum], name: "closed-form loss",
        visible: b.lossOptimum !== null,
        line: { color: s.closedForm, width: 2, dash: "dash" },
        hovertemplate: "closed-form loss: %{y:.4g}<extra></extra>",
      },
      {
        type: "scatter", mode: "markers", x: [run.steps.e[st.step]], y: [run.steps.loss[st.step]],
        name: "shown epoch", showlegend: false,
        marker: { color: s.descent, size: 14, line: { width: 2, color: s.ink } },
        hovertemplate: "epoch %{x}<br>loss %{y:.4g}<extra></extra>",
      },
    ];
    return traces;
  }

  lossTitle(run) {
    return run.stop === "diverged" ? `Loss · diverged at epoch ${run.divergedAt}` : "Loss";
  }

  lossLayout(run) {
    const b = this.body;
    const layout = this.baseLayout(this.lossTitle(run), 380);
    layout.xaxis = { title: { text: "epoch" }, range: [0, Math.max(run.epochsRun, 1)] };
    layout.yaxis = {
      title: { text: b.labels.loss },
      type: b.labels.logLoss ? "log" : "linear",
      range: run.lossRange,
    };
    return this.enlarge(layout);
  }

  pathTrace(run, st, scene) {
    return this.path(run.path, st.count, this.body.style.descent, this.body.labels.rule, scene);
  }

  // ---- moving (scrubbing and playback) ----

  movePaths(run, st) {
    const P = this.Plotly;
    const v = this.el.views;
    const jobs = [];
    const flat = this.pathTrace(run, st, false);
    jobs.push(P.restyle(v.map.gd, { x: [flat.x], y: [flat.y], "marker.size": [flat.marker.size], customdata: [flat.customdata] }, [2]));
    if (this.body.surface.plane) {
      const deep = this.pathTrace(run, st, true);
      jobs.push(P.restyle(v.surface.gd, {
        x: [deep.x], y: [deep.y], z: [deep.z], "marker.size": [deep.marker.size], customdata: [deep.customdata],
      }, [2]));
    }
    return Promise.all(jobs);
  }

  // Show rate `rateIndex` at frame `frame` in every view, in place.
  show(rateIndex, frame) {
    if (!this.body || this.root.dataset.drawn !== "1") return Promise.resolve();
    const changedRate = rateIndex !== this.rateIndex;
    this.rateIndex = rateIndex;
    this.frameIndex = frame;
    this.el.rate.value = String(rateIndex);
    this.el.epoch.value = String(frame);
    const run = this.body.runs[rateIndex];
    const st = this.state(run, frame);
    const P = this.Plotly;
    const v = this.el.views;
    const fitIndex = v.fit.gd.data.length - 1;
    const jobs = [P.restyle(v.fit.gd, { y: [run.steps.line[st.step]] }, [fitIndex])];
    if (changedRate) {
      jobs.push(P.react(v.loss.gd, this.lossTraces(run, st), this.lossLayout(run), CONFIG));
    } else {
      jobs.push(P.restyle(v.loss.gd, { x: [[run.steps.e[st.step]]], y: [[run.steps.loss[st.step]]] }, [3]));
    }
    jobs.push(this.movePaths(run, st));
    this.describe(run, st);
    return Promise.all(jobs);
  }

  // ---- words: the controls' values and each chart's text alternative ----

  updateUse() {
    const { use } = this.el;
    if (!this.body || this.rateIndex === this.sidebarIndex) {
      use.hidden = true;
      return;
    }
    use.hidden = false;
    use.textContent = `Use η = ${fmt(this.body.rates[this.rateIndex])} in the sidebar`;
  }

  describe(run, st) {
    const b = this.body;
    const rate = fmt(b.rates[this.rateIndex]);
    const frames = b.frames;
    const { epoch, rate: rateInput, epochValue, rateValue, badge, status } = this.el;
    const verdict = run.stop === "diverged" ? `diverged at epoch ${run.divergedAt}` : run.stopWords;
    epoch.setAttribute("aria-valuetext", `epoch ${st.epoch} of ${frames[frames.length - 1]}`);
    epochValue.textContent = `${st.epoch} / ${frames[frames.length - 1]}`;
    const regime = b.regimes ? b.regimes[this.rateIndex] : null;
    const said = regime && regime !== "unknown" ? `${regime} by theory, ` : "";
    rateInput.setAttribute("aria-valuetext", `${rate}, ${said}${verdict}`);
    rateValue.textContent = rate;
    badge.hidden = run.stop !== "diverged";
    badge.textContent = run.stop === "diverged" ? `⚠ diverged at epoch ${run.divergedAt}` : "";
    this.root.dataset.rateIndex = String(this.rateIndex);
    this.root.dataset.epoch = String(st.epoch);
    this.updateUse();
    const loss = fmt(run.steps.loss[st.step]);
    status.textContent = `η = ${rate} · epoch ${st.epoch} · loss ${loss} · ${verdict} ` +
      `(final: ${run.final.params.join(", ")}, loss ${run.final.loss})`;
    const v = this.el.views;
    const lbl = b.labels.words;
    const line = run.steps.line[st.step];
    v.fit.alt.textContent = `Fit: ${lbl.target} against ${lbl.feature}, the data as points, ` +
      `the closed-form line dashed and the model's line at epoch ${st.epoch} (η = ${rate}) ` +
      `from ${fmt(line[0])} to ${fmt(line[1])}. Final parameters: ${run.final.params.join(", ")}; ` +
      `stopped: ${verdict}.`;
    v.loss.alt.textContent = `Loss per epoch at η = ${rate}: from ${fmt(run.loss.v[0])} at epoch 0 ` +
      `to ${run.final.loss} at epoch ${run.lastFinite}; closed-form loss ${fmt(b.lossOptimum)}; ` +
      `stopped: ${verdict}.`;
    const n = st.count - 1;
    const where = `(${fmt(run.path.x[n])}, ${fmt(run.path.y[n])})`;
    const params = lbl.params.join(" and ");
    v.surface.alt.textContent = `Cost surface: the loss over ${params} in 3D, with the descent ` +
      `path from (${fmt(run.path.x[0])}, ${fmt(run.path.y[0])}) to ${where} at epoch ${st.epoch}; ` +
      `the optimum at (${fmt(b.surface.optimum[0])}, ${fmt(b.surface.optimum[1])}).`;
    v.map.alt.textContent = `Contour map of the loss over ${params}, with the same path, now at ` +
      `${where}; the optimum is the star; stopped: ${verdict}.`;
  }
}

class Race extends Stage {
  constructor(parent) {
    super(parent, RACE_HTML, ["loss", "surface", "map"]);
    this.root.classList.add("dh-race");
    this.listening = false;
  }

  receive(data) {
    super.receive(data, (header, fresh) => (fresh ? this.build() : null));
  }

  step(frame) {
    return this.show(frame);
  }

  // Where a run is at frame `frame`: the epoch shown (held at its last once it stopped),
  // and how many points of its path (one per update for mini-batch and stochastic runs).
  state(run, frame) {
    const epoch = Math.min(this.body.frames[frame], run.lastFinite);
    const count = Math.max(1, lastAtOrBelow(run.path.e, epoch) + 1);
    return { epoch, frame, count: Math.min(count, run.path.x.length) };
  }

  states(frame) {
    return this.body.runs.map((run) => this.state(run, frame));
  }

  async build() {
    const b = this.body;
    this.pause();
    this.setEpochControl();
    this.root.classList.toggle("dh-curve", !b.surface.plane);
    const states = this.states(this.frameIndex);
    const v = this.el.views;
    // Restyling the paths in place needs the same traces; other runs rebuild the views.
    if (!v.map.gd.data || v.map.gd.data.length !== 2 + b.runs.length) this.surfaceKey = null;
    const jobs = [this.Plotly.react(v.loss.gd, this.lossTraces(states), this.lossLayout(), CONFIG)];
    await this.drawLandscape(
      jobs,
      () => [...this.landTraces(), ...this.paths(states, false)],
      () => [...this.surfaceBase(), ...this.paths(states, true)],
      () => this.movePaths(states),
    );
    this.listen();
    this.describe(states);
    this.root.dataset.drawn = "1";
  }

  paths(states, scene) {
    return this.body.runs.map((run, i) => this.path(run.path, states[i].count, run.color, run.name, scene));
  }

  // A run hidden or shown from the loss chart's legend is hidden or shown on the map and surface.
  listen() {
    if (this.listening) return;
    this.listening = true;
    const v = this.el.views;
    v.loss.gd.on("plotly_restyle", () => {
      const n = this.body.runs.length;
      const visible = v.loss.gd.data.slice(0, n).map((t) => t.visible !== "legendonly");
      const indices = visible.map((_, i) => 2 + i);
      this.Plotly.restyle(v.map.gd, { visible }, indices);
      if (this.body.surface.plane) this.Plotly.restyle(v.surface.gd, { visible }, indices);
    });
  }

  lossTraces(states) {
    const b = this.body;
    const s = b.style;
    const unit = b.labels.logLoss ? "L − L*" : "loss";
    const traces = b.runs.map((run) => ({
      type: "scatter", mode: "lines", x: run.curve.e, y: run.curve.v, legendgroup: run.name,
      name: run.stop === "diverged" ? `${run.name} (diverged at epoch ${run.divergedAt})` : run.name,
      line: { color: run.color, width: run.perUpdate ? 1.5 : 3 },
      hovertemplate: `${run.name}<br>epoch %{x:.4~f}<br>${unit} %{y:.4g}<extra></extra>`,
    }));
    const last = Math.max(...b.frames);
    traces.push({
      type: "scatter", mode: "lines", x: [0, Math.max(last, 1)], y: [b.lossOptimum, b.lossOptimum],
      name: "closed-form loss", visible: b.lossOptimum !== null,
      line: { color: s.closedForm, width: 2, dash: "dash" },
      hovertemplate: "closed-form loss: %{y:.4g}<extra></extra>",
    });
    traces.push({ ...this.marks(states), type: "scatter", mode: "markers", name: "shown epoch",
      showlegend: false,
      marker: { color: b.runs.map((run) => run.color), size: 13, line: { width: 2, color: s.ink } },
      hovertemplate: `epoch %{x}<br>${unit} %{y:.4g}<extra></extra>` });
    return traces;
  }

  marks(states) {
    const runs = this.body.runs;
    return {
      x: runs.map((run, i) => run.marks.e[states[i].frame]),
      y: runs.map((run, i) => run.marks.v[states[i].frame]),
    };
  }

  lossLayout() {
    const b = this.body;
    const layout = this.baseLayout("Loss", 460);
    const [, end] = b.epochRange;
    let range = [0, Math.max(end, 1)];
    if (b.labels.logEpochs) {
      let first = Infinity;
      for (const run of b.runs) for (const e of run.curve.e) if (e > 0 && e < first) first = e;
      range = [Math.log10(Number.isFinite(first) ? first : 1), Math.log10(Math.max(end, 2))];
    }
    layout.xaxis = {
      title: { text: b.labels.logEpochs ? "epoch (log scale)" : "epoch" },
      type: b.labels.logEpochs ? "log" : "linear",
      range,
    };
    layout.yaxis = {
      title: { text: b.labels.loss },
      type: b.labels.logLoss ? "log" : "linear",
      range: b.lossRange,
    };
    layout.legend = { orientation: "h", y: -0.22, x: 0, yanchor: "top" };
    return layout;
  }

  movePaths(states) {
    const P = this.Plotly;
    const v = this.el.views;
    const runs = this.body.runs;
    const indices = runs.map((_, i) => 2 + i);
    const flat = this.paths(states, false);
    const jobs = [P.restyle(v.map.gd, {
      x: flat.map((t) => t.x), y: flat.map((t) => t.y),
      "marker.size": flat.map((t) => t.marker.size), customdata: flat.map((t) => t.customdata),
    }, indices)];
    if (this.body.surface.plane) {
      const deep = this.paths(states, true);
      jobs.push(P.restyle(v.surface.gd, {
        x: deep.map((t) => t.x), y: deep.map((t) => t.y), z: deep.map((t) => t.z),
        "marker.size": deep.map((t) => t.marker.size), customdata: deep.map((t) => t.customdata),
      }, indices));
    }
    return Promise.all(jobs);
  }

  show(frame) {
    if (!this.body || this.root.dataset.drawn !== "1") return Promise.resolve();
    this.frameIndex = frame;
    this.el.epoch.value = String(frame);
    const states = this.states(frame);
    const v = this.el.views;
    const marks = this.marks(states);
    const jobs = [
      this.Plotly.restyle(v.loss.gd, { x: [marks.x], y: [marks.y] }, [v.loss.gd.data.length - 1]),
      this.movePaths(states),
    ];
    this.describe(states);
    return Promise.all(jobs);
  }

  describe(states) {
    const b = this.body;
    const frames = b.frames;
    const epoch = frames[this.frameIndex];
    const total = frames[frames.length - 1];
    const { epoch: input, epochValue, status } = this.el;
    input.setAttribute("aria-valuetext", `epoch ${epoch} of ${total}`);
    epochValue.textContent = `${epoch} / ${total}`;
    this.root.dataset.epoch = String(epoch);
    const unit = b.labels.logLoss ? "L − L*" : "loss";
    const said = b.runs.map((run, i) => {
      const where = run.stop === "diverged" ? `diverged at epoch ${run.divergedAt}` : run.stopWords;
      return `${run.name}: ${unit} ${fmt(run.marks.v[states[i].frame])} at epoch ` +
        `${run.marks.e[states[i].frame]} (${where})`;
    });
    status.textContent = `Epoch ${epoch}. ${said.join("; ")}.`;
    const v = this.el.views;
    const params = b.labels.words.params.join(" and ");
    v.loss.alt.textContent = `Loss per epoch of every run, one colour each: ${said.join("; ")}.`;
    const at = b.runs.map((run, i) => {
      const n = states[i].count - 1;
      return `${run.name} at (${fmt(run.path.x[n])}, ${fmt(run.path.y[n])})`;
    });
    v.surface.alt.textContent = `Cost surface over ${params} in 3D with every run's path: ` +
      `${at.join("; ")}; the optimum at (${fmt(b.surface.optimum[0])}, ${fmt(b.surface.optimum[1])}).`;
    v.map.alt.textContent = `Contour map of the loss over ${params} with the same paths: ` +
      `${at.join("; ")}; the optimum is the star.`;
  }
}

const MODES = { ladder: Ladder, race: Race };

export default function (component) {
  const { data, parentElement, setTriggerValue, setStateValue } = component;
  if (!data) return;
  const { header } = unpack(data, false);
  const mode = header.mode || "ladder";
  if (mode === "preload") {
    loadPlotly(header.plotly).catch(() => null);  // the player says so if it still fails
    return;
  }
  let player = parentElement.__downhillPlayer;
  if (!player || player.mode !== mode) {
    if (player) player.root.remove();
    player = new MODES[mode](parentElement);
    player.mode = mode;
    parentElement.__downhillPlayer = player;
  }
  player.setTrigger = setTriggerValue;
  player.setState = setStateValue;
  player.receive(data);
}
