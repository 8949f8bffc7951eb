import assert from "node:assert/strict";
import { test } from "node:test";

import { fmt, lastAtOrBelow, lossWords, rateWords } from "../../ui/player/format.js";

test("fmt writes three significant digits without trailing zeros", () => {
  assert.equal(fmt(0.05), "0.05");
  assert.equal(fmt(2), "2");
  assert.equal(fmt(0.97912), "0.979");
  assert.equal(fmt(1234.5), "1230");
  assert.equal(fmt(-0.5), "-0.5");
  assert.equal(fmt(0), "0");
});

test("fmt writes exponents for the very small and the very large", () => {
  assert.equal(fmt(1e-8), "1e-8");
  assert.equal(fmt(2.5e-5), "2.5e-5");
  assert.equal(fmt(2.62e-14), "2.62e-14");
  assert.equal(fmt(1.23e6), "1.23e6");
  assert.equal(fmt(100000), "1e5");
  assert.equal(fmt(0.001), "0.001");
});

test("fmt writes a dash for what is not a finite number", () => {
  for (const x of [null, undefined, NaN, Infinity, -Infinity]) assert.equal(fmt(x), "—");
});

test("lastAtOrBelow finds the last entry at or below x", () => {
  const values = [0, 1, 2, 5, 10];
  assert.equal(lastAtOrBelow(values, -1), -1);
  assert.equal(lastAtOrBelow(values, 0), 0);
  assert.equal(lastAtOrBelow(values, 4.9), 2);
  assert.equal(lastAtOrBelow(values, 5), 3);
  assert.equal(lastAtOrBelow(values, 99), 4);
  assert.equal(lastAtOrBelow([], 3), -1);
  assert.equal(lastAtOrBelow([1, 1, 1], 1), 2);
});

test("lossWords gives the loss itself, and on a log axis the gap drawn beside it", () => {
  assert.equal(lossWords(0.0613578, 0.0613578, false), "loss 0.0614");
  assert.equal(lossWords(0.0613578, 9.07e-10, true), "loss 0.0614 (L − L* 9.07e-10)");
});

test("rateWords gives the epoch's own rate under a schedule, with the starting rate", () => {
  assert.equal(rateWords(0.05, null), "η = 0.05");
  assert.equal(rateWords(0.05, 0.0125), "η = 0.0125 (η₀ = 0.05)");
});
