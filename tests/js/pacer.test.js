import assert from "node:assert/strict";
import { test } from "node:test";

import { Pacer } from "../../ui/player/pacer.js";

// Animation frames run by hand; `draws` records every draw, `slow` views finish only when
// `finish(name)` is called.
function setup(slow = []) {
  const frames = [];
  const draws = [];
  const pending = {};
  const draw = (name, target, drawn) => {
    draws.push([name, target.at, drawn ? drawn.at : null]);
    if (!slow.includes(name)) return undefined;
    return new Promise((resolve) => (pending[name] = resolve));
  };
  const pacer = new Pacer(draw, (fn) => frames.push(fn) - 1, (id) => (frames[id] = null));
  const frame = async () => {
    const due = frames.splice(0);
    for (const fn of due) if (fn) fn();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  const finish = async (name) => {
    pending[name]();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { pacer, frames, draws, frame, finish };
}

test("positions asked within one frame are drawn once, the latest", async () => {
  const { pacer, draws, frame } = setup();
  pacer.drawnAt(["fit"], { at: 0 });
  for (const at of [1, 2, 3]) pacer.want(["fit"], { at });
  await frame();
  assert.deepEqual(draws, [["fit", 3, 0]]);
});

test("a slow view skips what went by while it drew and never holds a fast one back", async () => {
  const { pacer, draws, frame, finish } = setup(["surface"]);
  pacer.drawnAt(["fit", "surface"], { at: 0 });
  pacer.want(["fit", "surface"], { at: 1 });
  await frame();
  for (const at of [2, 3, 4]) {
    pacer.want(["fit", "surface"], { at });
    await frame();
  }
  assert.deepEqual(draws.filter(([n]) => n === "fit").map(([, at]) => at), [1, 2, 3, 4]);
  assert.deepEqual(draws.filter(([n]) => n === "surface").map(([, at]) => at), [1]);
  await finish("surface");
  await frame();
  // Straight from 1 to the last position: 2 and 3 are skipped.
  assert.deepEqual(draws.filter(([n]) => n === "surface"), [["surface", 1, 0], ["surface", 4, 1]]);
});

test("the promise of a position resolves once every view shows the last one", async () => {
  const { pacer, frame, finish } = setup(["surface"]);
  pacer.drawnAt(["fit", "surface"], { at: 0 });
  let done = false;
  pacer.want(["fit", "surface"], { at: 1 }).then(() => (done = true));
  await frame();
  pacer.want(["fit", "surface"], { at: 2 });
  await finish("surface");
  assert.equal(done, false);
  await frame();
  await finish("surface");
  assert.equal(done, true);
  assert.equal(pacer.idle(), true);
});

test("nothing is drawn when the view already shows the position", async () => {
  const { pacer, draws, frame } = setup();
  const at = { at: 5 };
  pacer.drawnAt(["fit"], at);
  pacer.want(["fit"], at);
  await frame();
  assert.deepEqual(draws, []);
});

test("a failed draw rejects the waiting promise and the pacer goes on", async () => {
  const frames = [];
  const pacer = new Pacer((name, target) => {
    if (target.at === 1) throw new Error("no");
  }, (fn) => frames.push(fn), () => null);
  const first = pacer.want(["fit"], { at: 1 });
  frames.shift()();
  await assert.rejects(first, /no/);
  const second = pacer.want(["fit"], { at: 2 });
  frames.shift()();
  await second;
});

test("stop cancels the frame asked for and frees who waits", async () => {
  const { pacer, frames, draws, frame } = setup();
  pacer.drawnAt(["fit"], { at: 0 });
  const waiting = pacer.want(["fit"], { at: 1 });
  pacer.stop();
  await waiting;
  assert.equal(frames[0], null);
  await frame();
  assert.deepEqual(draws, []);
});
