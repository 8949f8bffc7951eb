import assert from "node:assert/strict";
import { test } from "node:test";

import { PHONE_TYPE, PRESENT_TYPE, enlarge, narrowScene } from "../../ui/player/present.js";

const flat = () => ({
  title: { text: "Fit", font: { size: 16 } },
  height: 380,
  font: { family: "Inter", size: 14 },
  legend: { orientation: "h", y: -0.3 },
  xaxis: { title: { text: "x" }, range: [0, 1] },
  yaxis: { title: { text: "y" } },
});
const scene = () => ({
  title: { text: "Cost surface" },
  height: 480,
  scene: {
    xaxis: { title: { text: "w", font: { size: 14 } }, tickfont: { size: 12 } },
    yaxis: { title: { text: "b" } },
    zaxis: { title: { text: "loss" } },
    camera: { eye: { x: 1.6, y: -1.6, z: 0.8 }, center: { x: 0, y: 0, z: -0.15 } },
  },
});

test("presenting sets large type and fits the view to the screen's height", () => {
  const layout = enlarge(flat(), 1000);
  assert.equal(layout.font.size, PRESENT_TYPE.tick);
  assert.equal(layout.font.family, "Inter");
  assert.equal(layout.title.font.size, PRESENT_TYPE.title);
  assert.equal(layout.title.text, "Fit");
  assert.equal(layout.xaxis.title.font.size, PRESENT_TYPE.axis);
  assert.deepEqual(layout.xaxis.range, [0, 1]);
  assert.equal(layout.legend.orientation, "v");
  assert.equal(layout.height, 690);
  assert.equal(enlarge(flat(), 400).height, 360);
  assert.equal(enlarge(flat(), 2000).height, 760);
});

test("presenting brings the 3D scene closer and enlarges its axes", () => {
  const layout = enlarge(scene(), 900);
  assert.deepEqual(layout.scene.camera.eye, { x: 1.25, y: -1.25, z: 0.65 });
  assert.deepEqual(layout.scene.camera.center, { x: 0, y: 0, z: -0.15 });
  assert.equal(layout.scene.zaxis.title.font.size, PRESENT_TYPE.axis);
  assert.equal(layout.scene.xaxis.tickfont.size, PRESENT_TYPE.tick);
  assert.equal(layout.xaxis, undefined);
});

test("a narrow screen sees the scene from farther away, less tall", () => {
  const layout = narrowScene(scene(), 400);
  assert.equal(layout.height, 400);
  assert.ok(Math.abs(layout.scene.camera.eye.x - 2.08) < 1e-12);
  assert.deepEqual(narrowScene(scene(), 800), scene());
});

test("presenting on a phone keeps the chart wide: smaller type, the legend below it", () => {
  const layout = enlarge(flat(), 844, 390);
  assert.equal(layout.font.size, PHONE_TYPE.tick);
  assert.equal(layout.title.font.size, PHONE_TYPE.title);
  assert.equal(layout.legend.orientation, "h");
  assert.ok(layout.legend.y < 0, "the legend sits under the plot, not over it");
  assert.equal(layout.legend.yref, "paper", "under the plot, whatever the view's own legend was");
  assert.ok(layout.margin.l + layout.margin.r <= 390 / 4, "the margins leave the chart most of the width");
  assert.equal(layout.xaxis.nticks, 5);
  assert.equal(enlarge(flat(), 844, 1280).legend.orientation, "v");
  assert.equal(enlarge(flat(), 844, 1280).legend.yref, "paper");
});
