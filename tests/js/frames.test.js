import assert from "node:assert/strict";
import { test } from "node:test";

import {
  epochCounter, frameState, lossOffChart, markerSizes, offChart, pinnedWords, placeWords, unmoved,
} from "../../ui/player/frames.js";

const run = {
  lastFinite: 40,
  steps: { e: [0, 1, 2, 10, 20, 40] },
  path: { e: [0, 0.5, 1, 1.5, 2, 10, 20, 40], x: [0, 1, 2, 3, 4, 5, 6, 7] },
};
const frames = [0, 10, 20, 30, 50];

test("frameState finds the step and path length at a frame's epoch", () => {
  assert.deepEqual(frameState(frames, run, 0), { epoch: 0, frame: 0, step: 0, count: 1 });
  assert.deepEqual(frameState(frames, run, 1), { epoch: 10, frame: 1, step: 3, count: 6 });
  assert.deepEqual(frameState(frames, run, 3), { epoch: 30, frame: 3, step: 4, count: 7 });
});

test("frameState holds a run at its last finite epoch once it stopped", () => {
  assert.deepEqual(frameState(frames, run, 4), { epoch: 40, frame: 4, step: 5, count: 8 });
});

test("frameState never counts more points than the path has", () => {
  const short = { ...run, path: { e: [0, 1, 2, 10, 20, 40], x: [0, 1, 2] } };
  assert.equal(frameState(frames, short, 4).count, 3);
});

test("a run held at its end keeps its last step", () => {
  const held = { ...run, lastFinite: 10, steps: { e: [0, 1, 2, 10] } };
  assert.equal(frameState(frames, held, 4).step, 3);
});

test("markerSizes draws small dots and the current epoch large", () => {
  assert.deepEqual(markerSizes(3, 5, 13), [5, 5, 13]);
  assert.deepEqual(markerSizes(2, 4, 8), [4, 8]);
  assert.deepEqual(markerSizes(0, 5, 13), []);
});

test("epochCounter counts the run's own epochs and names the budget when it stopped before it", () => {
  assert.equal(epochCounter(300, { epochsRun: 300, stopWords: "ran every epoch" }, 300), "300 / 300");
  const early = { epochsRun: 1918, stopWords: "converged" };
  assert.equal(epochCounter(1918, early, 10000), "1,918 / 1,918 (converged; budget 10,000)");
  assert.equal(epochCounter(40, early, 10000), "40 / 1,918 (converged; budget 10,000)");
});

test("placeWords says where the run is, and that it is off the map once its path left", () => {
  const fmt = (x) => String(x);
  const left = {
    steps: { at: [[0, 0], [1.8, 2.6], [-162, -2130]] },
    path: { exit: { i: 1, e: 1, heading: "larger w and larger b" } },
  };
  assert.deepEqual(placeWords(left, { step: 0, count: 1 }, fmt), { here: "(0, 0)", left: "" });
  assert.deepEqual(placeWords(left, { step: 2, count: 2 }, fmt), {
    here: "(-162, -2130), off the map",
    left: "; it left the frame at epoch 1, heading toward larger w and larger b",
  });
  const stayed = { ...left, path: { exit: null } };
  assert.deepEqual(placeWords(stayed, { step: 1, count: 2 }, fmt), { here: "(1.8, 2.6)", left: "" });
});

test("offChart says where a line that left the chart is, and nothing while any of it is on", () => {
  const fmt = (x) => String(x);
  assert.equal(offChart([-2292, -1968], [-2, 4], fmt),
    "The line at this epoch is off the chart, below it: from y = -2292 to -1968.");
  assert.equal(offChart([9, 12], [-2, 4], fmt),
    "The line at this epoch is off the chart, above it: from y = 9 to 12.");
  assert.equal(offChart([-3, 5], [-2, 4], fmt), "");
  assert.equal(offChart([-1, 1], [-2, 4], fmt), "");
  assert.equal(offChart([Number.NaN, 1], [-2, 4], fmt), "");
});

test("lossOffChart says where a loss that blew up left the chart and how high it went", () => {
  const fmt = (x) => String(Number(x.toPrecision(3)));
  const curve = { x: [0, 1, 2, 3, 4, 22], y: [2.6, 2.6, 5.1, 10.1, 20, 4604700] };
  assert.equal(lossOffChart(curve, [0, 19.5], false, { e: 2, v: 5.1 }, fmt),
    "The loss runs off the top of the chart at epoch 4 and reaches 4600000 at epoch 22.");
  assert.equal(lossOffChart(curve, [0, 19.5], false, { e: 22, v: 4604700 }, fmt),
    "The loss runs off the top of the chart at epoch 4 and reaches 4600000 at epoch 22.");
  assert.equal(lossOffChart(curve, [0, 19.5], false, { e: 3, v: 20 }, fmt),
    "The loss runs off the top of the chart at epoch 4 and reaches 4600000 at epoch 22; " +
    "at epoch 3 it is 20.");
  // A log axis's range is in decades, and it draws L − L*.
  assert.equal(lossOffChart(curve, [0, 1.2], true, { e: 3, v: 10.1 }, fmt),
    "L − L* runs off the top of the chart at epoch 4 and reaches 4600000 at epoch 22.");
  assert.equal(lossOffChart(curve, [0, 7], true, { e: 3, v: 10.1 }, fmt), "");
  assert.equal(lossOffChart({ x: [0, 1], y: [2.6, 1.2] }, [0, 2.7], false, { e: 1, v: 1.2 }, fmt), "");
});

test("a view is unmoved when what it draws is the same: the step, or a path's count", () => {
  const a = { step: 3, count: 6 };
  assert.equal(unmoved("fit", a, { step: 3, count: 7 }), true);
  assert.equal(unmoved("loss", a, { step: 4, count: 6 }), false);
  assert.equal(unmoved("map", a, { step: 4, count: 6 }), true);
  assert.equal(unmoved("surface", a, { step: 3, count: 7 }), false);
});

test("a chart's text alternative names the pinned runs drawn in it, and nothing without pins", () => {
  assert.equal(pinnedWords([]), "");
  assert.equal(pinnedWords(undefined), "");
  assert.equal(
    pinnedWords(["Pin 1 · GD η=0.05", "Pin 2 · Adam η=0.1"]),
    " Also drawn, faint and static: Pin 1 · GD η=0.05; Pin 2 · Adam η=0.1.",
  );
});
