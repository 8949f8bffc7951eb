// The Descent page's player: fit, loss, 3D surface and contour map of one run per learning rate
// of the ladder; the rate scrubber switches between them without asking the server, and
// releasing it (or Enter, or the button) sets the sidebar's rate.

import { fmt, grouped, lossWords, rateWords } from "./format.js";
import { mountDownloads } from "./download.js";
import { epochCounter, frameState, lossOffChart, offChart, pinnedWords, placeWords, unmoved } from "./frames.js";
import { watchSlider } from "./follow.js";
import { nextFrame } from "./library.js";
import { LADDER_HTML, LADDER_VIEWS, PRESENT_VIEWS } from "./markup.js";
import { enlarge, narrowScene } from "./present.js";
import { Stage } from "./stage.js";
import { drawZones, fitZoneWords } from "./zones.js";

// Keys there are for the focused control itself (sliders, lists, text): ← → leave them be.
const OWN_ARROWS = 'input, select, textarea, [contenteditable="true"], [role="slider"], ' +
  '[role="radio"], [role="tab"], [role="option"], [role="combobox"], [role="listbox"], ' +
  '[role="menu"], [role="menuitem"], [role="spinbutton"], [role="grid"], [role="gridcell"]';

export class Ladder extends Stage {
  constructor(parent) {
    super(parent, LADDER_HTML, LADDER_VIEWS);
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
    this.listen(rate, "pointerdown", () => (this.pointer = true));
    this.listen(rate, "input", () => this.show(Number(rate.value), this.frameIndex));
    this.listen(rate, "change", () => {
      if (this.pointer) this.commit();
      this.pointer = false;
    });
    this.listen(rate, "keydown", (event) => {
      if (event.key === "Enter") this.commit();
    });
    this.listen(use, "click", () => this.commit());
    this.presenting = false;
    this.shown = "fit";
    this.el.switches = Array.from(this.root.querySelectorAll(".dh-switch button"));
    for (const button of this.el.switches) {
      this.listen(button, "click", () => this.showView(button.dataset.view));
    }
    this.listen(document, "keydown", (event) => this.onKey(event));
    this.keep(new ResizeObserver(() => this.fitZoneWords())).observe(this.el.zones);
    mountDownloads(this);
    this.follow = null;
    this.keep(watchSlider(() => (this.body && this.root.dataset.drawn === "1" ? this.follow : null), (index) => {
      if (index === this.rateIndex) return;
      this.sidebarIndex = index;
      this.show(index, this.frameIndex);
    }));
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
        this.landDrawn = { map: null, surface: null };  // laid out again, in their new size
        return this.build(header.selected);
      }
      if (fresh) return this.build(header.selected);
      // Already shown when the views followed the sidebar's slider.
      if (moved && header.selected !== this.rateIndex) return this.show(header.selected, this.frameIndex);
      this.updateUse();
      return null;
    });
  }

  // ---- building the views (new data) ----

  async build(selected) {
    const body = this.body;
    this.pause();
    this.pacer.stop();
    this.setEpochControl();
    const { rate } = this.el;
    rate.max = String(body.rates.length - 1);
    this.rateIndex = selected;
    rate.value = String(selected);
    this.el.limit.textContent = body.limit ? body.limit.text : "";
    drawZones(this.el.zones, body.regimes, body.rates, body.style.regimes);
    this.fitZoneWords();
    this.root.classList.toggle("dh-curve", !body.surface.plane);
    const states = this.states(this.frameIndex);
    // One view a frame: the fit reaches the screen before the others are built.
    await this.react("fit", states);
    await nextFrame();
    await this.drawLandscape([this.react("loss", states)], states);
    this.describe(this.runsShown()[0], states[0]);
    this.pacer.drawnAt(LADDER_VIEWS, { rate: selected, frame: this.frameIndex });
    this.root.dataset.settled = "1";
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

  // The views in presentation sizes when presenting; the 3D scene narrowed on a phone.
  sized(name, layout) {
    if (this.presenting) return enlarge(layout, window.innerHeight, this.root.clientWidth);
    return name === "surface" ? narrowScene(layout, this.root.clientWidth) : layout;
  }

  fitZoneWords() {
    fitZoneWords(this.el.zones, this.el.zoneLegend);
  }

  // The run at the rate shown, and its own loss curves and axes.
  runsShown() {
    return [this.body.runs[this.rateIndex]];
  }

  patch(name, runs = this.runsShown()) {
    return runs[0].figures[name] || {};
  }

  // A run whose path leaves the shared frame brings a map and a surface of its own.
  spec(name, runs = this.runsShown()) {
    const own = runs[0].frame;
    return (own && own.views[name]) || this.body.views[name];
  }

  landKey(runs = this.runsShown()) {
    const own = runs[0].frame;
    return own ? own.key : this.body.surface.key;
  }

  // Show rate `rateIndex` at frame `frame`: the words at once, every view in place at its
  // own pace. Resolves once every view shows it (or a later position).
  show(rateIndex, frame) {
    if (!this.body || this.root.dataset.drawn !== "1") return Promise.resolve();
    this.rateIndex = rateIndex;
    this.frameIndex = frame;
    this.el.rate.value = String(rateIndex);
    this.el.epoch.value = String(frame);
    this.describe(this.runsShown()[0], this.states(frame)[0]);
    return this.pace(LADDER_VIEWS, { rate: rateIndex, frame });
  }

  // Draw view `name` at `target` ({rate, frame}), from `drawn` (where it was last drawn
  // exactly): sketched when `quick` allows, in the axes and the frame of the landscape the
  // view shows (a run's own frame, its own loss axes, are drawn once the scrubber rests:
  // drawn anew they would hold every frame of a drag for the time of a whole figure), else
  // the loss view anew for another rate (its curves are the run's), else only its moving
  // traces.
  drawView(name, target, drawn, quick) {
    const runs = [this.body.runs[target.rate]];
    const states = runs.map((run) => frameState(this.body.frames, run, target.frame));
    if (name === "surface" && !this.body.surface.plane) return null;  // a curve: no 3D scene
    const sketched = quick && drawn && this.sketchView(name, runs, states);
    if (sketched) return sketched;
    this.unsketch(name);
    const sameRun = drawn && drawn.rate === target.rate;
    if (name === "loss" && !sameRun) return this.react(name, states, runs);
    // A run that left the shared frame is drawn in a map and a surface of its own, the 3D
    // scene's (the longest draw of all) once the flat views' frame is painted.
    const anew = name in this.landDrawn && this.landKey(runs) !== this.landDrawn[name];
    // Past a run's end, or between two of its steps, a view may have nothing to move.
    if (!anew && sameRun && unmoved(name, frameState(this.body.frames, runs[0], drawn.frame), states[0])) return null;
    return this.exactly(name, quick || anew, () => (anew ? this.react(name, states, runs) : this.move([name], states, runs)));
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
    const { epoch, rate: rateInput, epochValue, rateValue, badge, status } = this.el;
    const verdict = run.stop === "diverged" ? `diverged at epoch ${run.divergedAt}` : run.stopWords;
    const counter = epochCounter(st.epoch, run, b.budget);
    epoch.setAttribute("aria-valuetext", `epoch ${counter.replace(" / ", " of ")}`);
    epochValue.textContent = counter;
    const regime = b.regimes ? b.regimes[this.rateIndex] : null;
    const said = regime && regime !== "unknown" ? `${regime} by theory, ` : "";
    rateInput.setAttribute("aria-valuetext", `${rate}, ${said}${verdict}`);
    rateValue.textContent = rate;
    badge.hidden = run.stop !== "diverged";
    badge.textContent = run.stop === "diverged" ? `⚠ diverged at epoch ${run.divergedAt}` : "";
    this.root.dataset.rateIndex = String(this.rateIndex);
    this.root.dataset.rate = String(b.rates[this.rateIndex]);
    this.root.dataset.epoch = String(st.epoch);
    this.updateUse();
    const loss = lossWords(run.steps.loss[st.step], run.steps.drawn[st.step], b.labels.logLoss);
    const eta = rateWords(b.rates[this.rateIndex], run.steps.rate ? run.steps.rate[st.step] : null);
    status.textContent = `${eta} · epoch ${grouped(st.epoch)} · ${loss} · ${verdict} ` +
      `(final: ${run.final.params.join(", ")}, loss ${run.final.loss})`;
    const v = this.el.views;
    const lbl = b.labels.words;
    const line = run.steps.line[st.step];
    const off = offChart(line, b.views.fit.layout.yaxis.range, fmt);
    v.fit.off.hidden = !off;
    v.fit.off.textContent = off;
    const lossView = run.figures.loss;
    const shown = { e: run.steps.e[st.step], v: run.steps.drawn[st.step] };
    const high = lossOffChart(lossView.data.train, lossView.layout.yaxis.range, b.labels.logLoss, shown, fmt);
    v.loss.off.hidden = !high;
    v.loss.off.textContent = high;
    v.fit.alt.textContent = `Fit: ${lbl.target} against ${lbl.feature}, the data as points, ` +
      `the closed-form line dashed and the model's line at epoch ${st.epoch} (η = ${rate}) ` +
      `from ${fmt(line[0])} to ${fmt(line[1])}. Final parameters: ${run.final.params.join(", ")}; ` +
      `stopped: ${verdict}.`;
    v.loss.alt.textContent = `Loss per epoch at η = ${rate}: from ${fmt(run.steps.loss[0])} at epoch 0 ` +
      `to ${run.final.loss} at epoch ${run.lastFinite}; closed-form loss ${fmt(b.lossOptimum)}; ` +
      `stopped: ${verdict}.`;
    const { here, left } = placeWords(run, st, fmt);
    const params = lbl.params.join(" and ");
    v.surface.alt.textContent = `Cost surface: the loss over ${params} in 3D, with the descent ` +
      `path from (${fmt(run.path.x[0])}, ${fmt(run.path.y[0])}) to ${here} at epoch ` +
      `${run.steps.e[st.step]}${left}; the optimum at (${fmt(b.surface.optimum[0])}, ` +
      `${fmt(b.surface.optimum[1])}).`;
    v.map.alt.textContent = `Contour map of the loss over ${params}, with the same path, now at ` +
      `${here}${left}; the optimum is the star; stopped: ${verdict}.`;
    const pinned = pinnedWords(b.labels.pins);
    for (const name of Object.keys(v)) v[name].alt.textContent += pinned;
  }
}
