import assert from "node:assert/strict";
import { test } from "node:test";

import { figure, merged, moving, restyleArgs } from "../../ui/player/views.js";

const path = (uid, type) => ({
  type, uid, x: [], y: [], marker: { color: "red", size: 5 }, meta: { current: 13 },
});
const spec = {
  data: [{ type: "contour", z: [[1]] }, path("path-0", "scatter"), { type: "scatter", uid: "marks" }],
  layout: { title: { text: "Map", x: 0.02 }, scene: { camera: { eye: { x: 1 } } } },
};
const run = {
  steps: { e: [0, 5], loss: [9, 4], drawn: [0.9, 0.4] },
  path: { e: [0, 1, 2], x: [10, 11, 12], y: [20, 21, 22] },
};

test("moving fills each moving trace by uid: a path to its count, the marks at the step, as drawn", () => {
  const fills = moving(spec.data, [run], [{ count: 2, step: 1 }]);
  assert.deepEqual(fills, {
    "path-0": {
      x: [10, 11], y: [20, 21], customdata: [0, 1], "marker.size": [5, 13],
      "marker.symbol": ["circle", "circle"],
    },
    marks: { x: [5], y: [0.4] },
  });
});

test("a path that left the map ends in an arrow once its exit is shown", () => {
  const left = { ...run, path: { ...run.path, exit: { i: 2, e: 2, heading: "larger w" } } };
  const symbols = (count) => moving(spec.data, [left], [{ count, step: 0 }])["path-0"]["marker.symbol"];
  assert.deepEqual(symbols(2), ["circle", "circle"]);
  assert.deepEqual(symbols(3), ["circle", "circle", "arrow"]);
});

test("figure fills the spec by uid and merges a run's patch, leaving the spec as it was", () => {
  const fills = moving(spec.data, [run], [{ count: 1, step: 0 }]);
  const patch = { layout: { title: { text: "Map · diverged" } }, data: { marks: { name: "m" } } };
  const fig = figure(spec, fills, patch);
  assert.deepEqual(fig.data[1].marker, { color: "red", size: [13], symbol: ["circle"] });
  assert.deepEqual(fig.data[2], { type: "scatter", uid: "marks", name: "m", x: [0], y: [0.9] });
  assert.deepEqual(fig.layout.title, { text: "Map · diverged", x: 0.02 });
  fig.layout.scene.camera.eye.x = 3;
  fig.data[1].marker.size.push(1);
  assert.equal(spec.layout.scene.camera.eye.x, 1);
  assert.equal(spec.data[1].marker.size, 5);
  assert.equal(fig.data[0], spec.data[0], "traces that do not move are not copied");
});

test("restyleArgs finds the traces by uid wherever they are drawn", () => {
  const drawn = [{ uid: "marks" }, { type: "contour" }, { uid: "path-0" }];
  const [update, indices] = restyleArgs(drawn, { "path-0": { x: [1] }, marks: { x: [2] }, gone: { x: [3] } });
  assert.deepEqual(indices, [2, 0]);
  assert.deepEqual(update, { x: [[1], [2]] });
});

test("merged merges objects and replaces arrays and values", () => {
  assert.deepEqual(merged({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: 2 }),
    { a: { b: 1, c: [3] }, d: 1, e: 2 });
  assert.equal(merged(1, undefined), 1);
});

test("a pinned run's trace is static: never filled, never restyled, drawn as its spec says", () => {
  const pin = { type: "scatter", uid: "pin-0", mode: "lines", x: [0, 1, 2], y: [3, 2, 1], name: "Pin 1" };
  const pinned = { ...spec, data: [...spec.data, pin] };
  const fills = moving(pinned.data, [run], [{ count: 2, step: 1 }]);
  assert.deepEqual(Object.keys(fills).sort(), ["marks", "path-0"]);
  const [, indices] = restyleArgs(pinned.data, fills);
  assert.deepEqual(indices, [1, 2]);
  assert.deepEqual(figure(pinned, fills).data[3], pin);
});
