import assert from "node:assert/strict";
import { test } from "node:test";

import { unpack } from "../../ui/player/protocol.js";

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
