// The Compare page's player: every run of a race at once, a path each on the shared surface and
// map and a loss curve each; one epoch scrubber moves them all.

import { fmt } from "./format.js";
import { frameState } from "./frames.js";
import { CONFIG } from "./library.js";
import { RACE_HTML, RACE_VIEWS } from "./markup.js";
import { Stage } from "./stage.js";

export class Race extends Stage {
  constructor(parent) {
    super(parent, RACE_HTML, RACE_VIEWS);
    this.root.classList.add("dh-race");
    this.listening = false;
  }

  receive(data) {
    super.receive(data, (header, fresh) => (fresh ? this.build() : null));
  }

  step(frame) {
    return this.show(frame);
  }

  states(frame) {
    return this.body.runs.map((run) => frameState(this.body.frames, run, frame));
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
    this.linkLegend();
    this.describe(states);
    this.root.dataset.drawn = "1";
  }

  paths(states, scene) {
    return this.body.runs.map((run, i) => this.path(run.path, states[i].count, run.color, run.name, scene));
  }

  // A run hidden or shown from the loss chart's legend is hidden or shown on the map and surface.
  linkLegend() {
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
