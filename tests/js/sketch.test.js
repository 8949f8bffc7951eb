import assert from "node:assert/strict";
import { test } from "node:test";

import { circlePath, dashArray, dots, linePath } from "../../ui/player/sketch.js";

const px = (v) => 10 * v;
const py = (v) => 100 - v;

test("a line goes through every point, in pixels, and breaks where one is missing", () => {
  assert.equal(linePath([0, 1, 2], [0, 5, 10], px, py), "M0.00,100.00L10.00,95.00L20.00,90.00");
  assert.equal(
    linePath([0, 1, null, 3, 4], [0, 1, 2, 3, NaN], px, py),
    "M0.00,100.00L10.00,99.00M30.00,97.00",
  );
  assert.equal(linePath([0], [0], px, py), "", "one point joins nothing");
  assert.equal(linePath([1, 2], [Infinity, 3], px, py), "");
});

test("dash patterns are Plotly's, scaled by the line's width (at least 3)", () => {
  assert.equal(dashArray("solid", 2), "");
  assert.equal(dashArray(undefined, 2), "");
  assert.equal(dashArray("dash", 2), "9px,9px");
  assert.equal(dashArray("dot", 4), "4px,4px");
  assert.equal(dashArray("longdash", 3), "15px,15px");
  assert.equal(dashArray("dashdot", 3), "9px,3px,3px,3px");
  assert.equal(dashArray("5px,2px", 3), "5px,2px");
});

test("a circle's path has the marker's diameter", () => {
  assert.equal(circlePath(13), "M6.50,0A6.50,6.50 0 1,1 0,-6.50A6.50,6.50 0 0,1 6.50,0Z");
});

test("each dot is placed in pixels with its own size and colour; missing points are left out", () => {
  const trace = {
    x: [0, 1, 2], y: [0, null, 10],
    marker: { size: [6, 6, 13], color: ["red", "green", "blue"], opacity: 1, line: { width: 2, color: "black" } },
  };
  const drawn = dots(trace, px, py);
  assert.deepEqual(drawn.map((d) => d.transform), ["translate(0.00,100.00)", "translate(20.00,90.00)"]);
  assert.deepEqual(drawn.map((d) => d.d), [circlePath(6), circlePath(13)]);
  assert.equal(drawn[1].style, "opacity:1;fill:blue;stroke:black;stroke-width:2px");
  const plain = dots({ x: [1], y: [1], marker: { color: "red", size: 8 } }, px, py);
  assert.equal(plain[0].style, "opacity:1;fill:red;stroke:none;stroke-width:0px");
});
