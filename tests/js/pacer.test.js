import assert from "node:assert/strict";
import { test } from "node:test";

import { Pacer, SKETCHED } from "../../ui/player/pacer.js";

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

// A pacer whose views sketch whenever they may, recording [name, target, exactly drawn at,
// quick] for every draw; the clock is `clock.now`.
function sketching(rest = {}) {
  const frames = [];
  const draws = [];
  const clock = { now: 0 };
  const draw = (name, target, drawn, quick) => {
    draws.push([name, target.at, drawn ? drawn.at : null, quick]);
    return quick ? SKETCHED : undefined;
  };
  const pacer = new Pacer(draw, (fn) => frames.push(fn) - 1, (id) => (frames[id] = null), {
    rest, now: () => clock.now,
  });
  const frame = async () => {
    clock.now += 16;
    const due = frames.splice(0);
    for (const fn of due) if (fn) fn();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { pacer, draws, frame, clock };
}

test("a single step is drawn exactly at once; while positions stream in, views sketch", async () => {
  const { pacer, draws, frame } = sketching();
  pacer.drawnAt(["fit"], { at: 0 });
  pacer.want(["fit"], { at: 1 });
  await frame();
  assert.deepEqual(draws, [["fit", 1, 0, false]], "alone: exact");
  assert.equal(pacer.idle(), true);
  // A drag: a position asked before the last one was drawn may be sketched.
  pacer.want(["fit"], { at: 2 });
  pacer.want(["fit"], { at: 3 });
  await frame();
  pacer.want(["fit"], { at: 4 });
  await frame();
  assert.deepEqual(draws.slice(1), [["fit", 3, 1, true], ["fit", 4, 1, true]]);
  assert.equal(pacer.idle(), false, "a sketch is not yet what the view holds");
});

test("once a frame goes by without a new position, the sketch is drawn exactly", async () => {
  const { pacer, draws, frame } = sketching();
  pacer.drawnAt(["fit", "map"], { at: 0 });
  let settled = false;
  pacer.want(["fit", "map"], { at: 1 });
  pacer.want(["fit", "map"], { at: 2 }).then(() => (settled = true));
  await frame();
  assert.equal(settled, false);
  await frame();
  assert.deepEqual(draws.filter(([n]) => n === "fit"), [["fit", 2, 0, true], ["fit", 2, 0, false]]);
  assert.equal(settled, true);
  assert.equal(pacer.idle(), true);
  await frame();
  assert.equal(draws.length, 4, "nothing more to draw");
});

test("a view given a rest waits that fraction of its last draw's time while a drag goes on", async () => {
  const frames = [];
  const clock = { now: 0 };
  const pending = [];
  const draws = [];
  const draw = (name, target, drawn, quick) => {
    draws.push([name, target.at, clock.now, quick]);
    return name === "surface" ? new Promise((resolve) => pending.push(resolve)) : undefined;
  };
  const pacer = new Pacer(draw, (fn) => frames.push(fn) - 1, () => null, {
    rest: { surface: 0.5 }, now: () => clock.now,
  });
  const frame = async () => {
    clock.now += 16;
    for (const fn of frames.splice(0)) fn();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  const finish = async (ms) => {
    clock.now += ms;
    pending.shift()();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  const surface = () => draws.filter(([n]) => n === "surface").map(([, at, t]) => [at, t]);
  pacer.drawnAt(["fit", "surface"], { at: 0 });
  pacer.want(["fit", "surface"], { at: 1 });
  await frame();  // t = 16: both draw; the surface takes 100 ms, and rests until 116 + 50
  await finish(100);
  for (const at of [2, 3, 4, 5]) {
    pacer.want(["fit", "surface"], { at });
    await frame();  // t = 132, 148, 164, 180
  }
  assert.deepEqual(surface(), [[1, 16], [5, 180]]);
  assert.deepEqual(draws.filter(([n]) => n === "fit").map(([, at]) => at), [1, 2, 3, 4, 5]);
  // Once the drag stops, a resting view draws its last position at once, exactly.
  await finish(100);  // t = 280: rests until 330
  pacer.want(["fit", "surface"], { at: 6 });
  await frame();  // t = 296: resting
  await frame();  // t = 312: no new position
  assert.deepEqual(surface(), [[1, 16], [5, 180], [6, 312]]);
  assert.equal(draws[draws.length - 1][3], false);
});
