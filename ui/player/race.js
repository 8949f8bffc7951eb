// The Compare page's player: every run of a race at once, a path each on the shared surface and
// map and a loss curve each; one epoch scrubber moves them all.

import { fmt, lossWords } from "./format.js";
import { RACE_HTML, RACE_VIEWS } from "./markup.js";
import { unmoved } from "./frames.js";
import { Stage } from "./stage.js";
import { restyleArgs } from "./views.js";

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

  async build() {
    const b = this.body;
    this.pause();
    this.pacer.stop();
    this.setEpochControl();
    this.root.classList.toggle("dh-curve", !b.surface.plane);
    const states = this.states(this.frameIndex);
    await this.drawLandscape([this.react("loss", states)], states);
    this.linkLegend();
    this.describe(states);
    this.pacer.drawnAt(RACE_VIEWS, { frame: this.frameIndex });
    this.root.dataset.settled = "1";
    this.root.dataset.drawn = "1";
  }

  // A run hidden or shown from the loss chart's legend is hidden or shown on the map and surface.
  linkLegend() {
    if (this.listening) return;
    this.listening = true;
    const v = this.el.views;
    v.loss.gd.on("plotly_restyle", () => {
      const visible = {};
      for (const t of v.loss.gd.data) {
        if (t.uid && t.uid.startsWith("curve-")) {
          visible[`path-${t.uid.slice("curve-".length)}`] = { visible: t.visible !== "legendonly" };
        }
      }
      for (const name of ["map", "surface"]) {
        const { gd } = v[name];
        const [update, indices] = gd.data ? restyleArgs(gd.data, visible) : [{}, []];
        if (indices.length) this.Plotly.restyle(gd, update, indices);
      }
    });
  }

  show(frame) {
    if (!this.body || this.root.dataset.drawn !== "1") return Promise.resolve();
    this.frameIndex = frame;
    this.el.epoch.value = String(frame);
    this.describe(this.states(frame));
    return this.pace(RACE_VIEWS, { frame });
  }

  // Draw view `name` at `target` ({frame}), from `drawn` (where it was last drawn exactly):
  // sketched when `quick` allows, else its moving traces (a run hidden from the legend stays
  // hidden either way).
  drawView(name, target, drawn, quick) {
    if (name === "surface" && !this.body.surface.plane) return null;  // a curve: no 3D scene
    const runs = this.runsShown();
    const states = this.states(target.frame);
    const sketched = quick && drawn && this.sketchView(name, runs, states);
    if (sketched) return sketched;
    this.unsketch(name);
    const before = drawn && this.states(drawn.frame);
    if (before && states.every((st, i) => unmoved(name, before[i], st))) return null;
    return this.exactly(name, quick, () => this.move([name], states));
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
    const said = b.runs.map((run, i) => {
      const where = run.stop === "diverged" ? `diverged at epoch ${run.divergedAt}` : run.stopWords;
      const { step } = states[i];
      const loss = lossWords(run.steps.loss[step], run.steps.drawn[step], b.labels.logLoss);
      return `${run.name}: ${loss} at epoch ${run.steps.e[step]} (${where})`;
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
