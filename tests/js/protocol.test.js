import assert from "node:assert/strict";
import { test } from "node:test";

import { readFileSync } from "node:fs";

import { SCHEMA, checked, unpack } from "../../ui/player/protocol.js";

const encode = (text) => new TextEncoder().encode(text);

test("unpack reads the header line and the JSON body after it", () => {
  const bytes = encode('{"mode":"ladder","key":"abc"}\n{"rates":[0.1,0.2],"name":"η → ∞"}');
  const { header, body } = unpack(bytes);
  assert.deepEqual(header, { mode: "ladder", key: "abc" });
  assert.deepEqual(body, { rates: [0.1, 0.2], name: "η → ∞" });
});

test("unpack gives no body when the server sent the header alone", () => {
  assert.equal(unpack(encode('{"key":"abc"}\n')).body, null);
  assert.equal(unpack(encode('{"key":"abc"}')).body, null);
  assert.deepEqual(unpack(encode('{"key":"abc"}')).header, { key: "abc" });
});

test("unpack leaves the body alone when asked for the header only", () => {
  const bytes = encode('{"key":"k"}\nnot json at all');
  assert.deepEqual(unpack(bytes, false), { header: { key: "k" }, body: null });
  assert.throws(() => unpack(bytes), SyntaxError);
});

test("unpack takes an ArrayBuffer as Streamlit may send one", () => {
  const bytes = encode('{"key":"k"}\n[1]');
  const { header, body } = unpack(bytes.buffer);
  assert.deepEqual([header, body], [{ key: "k" }, [1]]);
});

const fixture = (mode) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${mode}.json`, import.meta.url), "utf8"));
const uids = (view) => view.data.map((t) => t.uid).filter(Boolean);

test("every place the player reads is in the bodies Python sends", () => {
  for (const mode of Object.keys(SCHEMA)) {
    const body = fixture(mode);
    assert.equal(checked(body, mode), body);
  }
});

test("the moving traces the player fills are declared, by uid, in Python's views", () => {
  const ladder = fixture("ladder").views;
  assert.deepEqual(uids(ladder.fit), ["line"]);
  assert.deepEqual(uids(ladder.loss), ["train", "test", "closed-form", "marks"]);
  assert.deepEqual(uids(ladder.map), ["path-0"]);
  assert.deepEqual(uids(ladder.surface), ["path-0"]);
  const race = fixture("race").views;
  assert.deepEqual(uids(race.loss), ["curve-0", "curve-1", "closed-form", "marks"]);
  assert.deepEqual(uids(race.map), ["path-0", "path-1"]);
  const patch = fixture("ladder").runs[0].figures.loss.data;
  assert.ok(Object.keys(patch).every((uid) => uids(ladder.loss).includes(uid)));
});

test("a body without a place the player reads is refused, naming it", () => {
  const body = fixture("race");
  delete body.runs[1].steps;
  delete body.surface.key;
  assert.throws(() => checked(body, "race"), /lacks surface\.key, runs\[\]\.steps\.e, runs\[\]\.steps\.loss, runs\[\]\.steps\.drawn, runs\[\]\.steps\.at$/);
});
