// Filming the playback: the views drawn again, off the screen, at projector size (1280 × 720)
// and moved frame by frame as playback moves them; each frame is painted into one canvas, the
// views side by side under a caption (rate and epoch). The player on the page stays where it is.

import { fmt } from "./format.js";
import { epochCounter, frameState } from "./frames.js";
import { CONFIG } from "./library.js";
import { FILM, tiles } from "./reel.js";
import { figure, moving, restyleArgs } from "./views.js";

// A tile is wide and short, and the 3D scene is fitted to its height: seen from closer.
const TILE_EYE = { x: 1.2, y: -1.2, z: 0.6 };

// An <img> of an <svg> of the page (Plotly's layers: their look is in attributes, not CSS).
async function svgImage(svg) {
  const xml = new XMLSerializer().serializeToString(svg);
  const url = URL.createObjectURL(new Blob([xml], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    return img;
  } finally {
    URL.revokeObjectURL(url);
  }
}

// The 3D scene of `gd` as an image: plotly.js renders it and reads its pixels in one go.
async function sceneImage(gd) {
  const img = new Image();
  img.src = gd._fullLayout.scene._scene.toImage("png");
  await img.decode();
  return img;
}

export class Film {
  // The views `names` of `stage` as shown now (its body, runs and each view's patch).
  constructor(stage, names) {
    this.Plotly = stage.Plotly;
    this.body = stage.body;
    this.runs = stage.runsShown();
    this.rate = stage.body.rates ? stage.body.rates[stage.rateIndex] : null;
    this.names = names;
    this.tiles = tiles(names.length, FILM.width, FILM.height, FILM.caption);
    this.box = document.createElement("div");
    this.box.className = "dh-film";
    this.box.setAttribute("aria-hidden", "true");
    stage.root.appendChild(this.box);
    this.canvas = document.createElement("canvas");
    this.canvas.width = FILM.width;
    this.canvas.height = FILM.height;
    this.ctx = this.canvas.getContext("2d", { willReadFrequently: true });
    this.gds = {};
    this.figures = Object.fromEntries(names.map((name, i) => {
      const spec = this.body.views[name];
      const fig = figure(spec, moving(spec.data, this.runs, this.states(0)), stage.patch(name));
      const { width, height } = this.tiles[i];
      const layout = { ...stage.sized(name, fig.layout), width, height, autosize: false };
      if (layout.scene && names.length > 1) layout.scene.camera = { ...layout.scene.camera, eye: TILE_EYE };
      return [name, { data: fig.data, layout }];
    }));
  }

  states(frame) {
    return this.runs.map((run) => frameState(this.body.frames, run, frame));
  }

  // Draw the views, off the screen, at their tiles' sizes.
  async build() {
    const config = { ...CONFIG, responsive: false, displayModeBar: false };
    for (const name of this.names) {
      const gd = document.createElement("div");
      this.box.appendChild(gd);
      const { data, layout } = this.figures[name];
      await this.Plotly.newPlot(gd, data, layout, config);
      this.gds[name] = gd;
    }
  }

  // Paint frame `frame` into the canvas.
  async draw(frame) {
    const states = this.states(frame);
    const jobs = this.names.map((name) => {
      const gd = this.gds[name];
      const [update, indices] = restyleArgs(gd.data, moving(this.body.views[name].data, this.runs, states));
      return indices.length ? this.Plotly.restyle(gd, update, indices) : null;
    });
    await Promise.all(jobs);
    const { ctx } = this;
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, FILM.width, FILM.height);
    this.caption(states[0]);
    for (const [i, name] of this.names.entries()) await this.paint(this.gds[name], this.tiles[i]);
  }

  caption(state) {
    const { ctx } = this;
    const run = this.runs[0];
    const rate = this.rate === null ? "" : `η = ${fmt(this.rate)} · `;
    ctx.fillStyle = "#222222";
    ctx.font = "24px sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillText(`${rate}epoch ${epochCounter(state.epoch, run, this.body.budget)}`, 16, FILM.caption / 2);
  }

  // Paint graph `gd` into `tile`: its layers in their order (the paper, a 3D scene, the text).
  async paint(gd, tile) {
    const container = gd.querySelector(".svg-container");
    const origin = container.getBoundingClientRect();
    this.ctx.fillStyle = gd._fullLayout.paper_bgcolor || "#ffffff";
    this.ctx.fillRect(tile.x, tile.y, tile.width, tile.height);
    for (const layer of container.children) {
      if (layer.matches("svg.main-svg")) {
        this.ctx.drawImage(await svgImage(layer), tile.x, tile.y, tile.width, tile.height);
      } else if (layer.classList.contains("gl-container") && gd._fullLayout.scene) {
        const at = layer.querySelector("canvas").getBoundingClientRect();
        const img = await sceneImage(gd);
        this.ctx.drawImage(img, tile.x + at.left - origin.left, tile.y + at.top - origin.top, at.width, at.height);
      }
    }
  }

  destroy() {
    for (const gd of Object.values(this.gds)) this.Plotly.purge(gd);
    this.box.remove();
  }
}
