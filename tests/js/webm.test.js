import assert from "node:assert/strict";
import { test } from "node:test";

import { colourCodes, joined, sizeBytes, uintBytes, webm } from "../../ui/player/webm.js";

// A reader of EBML as Matroska's specification gives it, written apart from the writer: an id
// keeps its length marker; a size drops it.
function vint(bytes, at, keepMarker) {
  let length = 1;
  while (length <= 8 && !(bytes[at] & (0x80 >> (length - 1)))) length += 1;
  let value = keepMarker ? bytes[at] : bytes[at] & (0xff >> length);
  for (let i = 1; i < length; i += 1) value = value * 256 + bytes[at + i];
  return { value, length };
}

const MASTERS = new Set([0x1a45dfa3, 0x18538067, 0x1549a966, 0x1654ae6b, 0xae, 0xe0, 0x1f43b675, 0x55b0]);

// The elements of bytes[from, to): {id, start, end, children} for the masters above.
function parse(bytes, from = 0, to = bytes.length) {
  const out = [];
  let at = from;
  while (at < to) {
    const id = vint(bytes, at, true);
    const size = vint(bytes, at + id.length, false);
    const start = at + id.length + size.length;
    const end = start + size.value;
    assert.ok(end <= to, `element ${id.value.toString(16)} runs past its parent`);
    out.push({ id: id.value, start, end, children: MASTERS.has(id.value) ? parse(bytes, start, end) : null });
    at = end;
  }
  return out;
}

const find = (list, id) => list.filter((e) => e.id === id);
const uintAt = (bytes, e) => bytes.slice(e.start, e.end).reduce((v, b) => v * 256 + b, 0);

test("sizes are EBML variable-length integers, never the all-ones 'unknown size'", () => {
  assert.deepEqual(sizeBytes(0), [0x80]);
  assert.deepEqual(sizeBytes(126), [0xfe]);
  assert.deepEqual(sizeBytes(127), [0x40, 0x7f]);
  assert.deepEqual(sizeBytes(16382), [0x7f, 0xfe]);
  assert.deepEqual(sizeBytes(16383), [0x20, 0x3f, 0xff]);
  assert.deepEqual(uintBytes(0), [0]);
  assert.deepEqual(uintBytes(1_000_000), [0x0f, 0x42, 0x40]);
});

test("a WebM file holds its frames, in clusters that start at key frames", () => {
  const frameMs = 75;
  const frames = Array.from({ length: 61 }, (_, i) => ({
    data: new Uint8Array(i === 0 ? 300 : 20).fill(i), ms: i * frameMs, key: i % 27 === 0,
  }));
  const bytes = joined(webm({ frames, codec: "V_VP8", width: 1280, height: 720, frameMs }));
  const [head, segment, ...rest] = parse(bytes);
  assert.equal(rest.length, 0);
  assert.equal(head.id, 0x1a45dfa3);
  const docType = find(head.children, 0x4282)[0];
  assert.equal(new TextDecoder().decode(bytes.slice(docType.start, docType.end)), "webm");
  assert.equal(segment.id, 0x18538067);
  const entry = find(find(segment.children, 0x1654ae6b)[0].children, 0xae)[0];
  const codec = find(entry.children, 0x86)[0];
  assert.equal(new TextDecoder().decode(bytes.slice(codec.start, codec.end)), "V_VP8");
  assert.equal(uintAt(bytes, find(entry.children, 0x23e383)[0]), 75_000_000);
  const video = find(entry.children, 0xe0)[0];
  assert.equal(uintAt(bytes, find(video.children, 0xb0)[0]), 1280);
  assert.equal(uintAt(bytes, find(video.children, 0xba)[0]), 720);
  const info = find(segment.children, 0x1549a966)[0];
  const duration = find(info.children, 0x4489)[0];
  assert.equal(new DataView(bytes.buffer, duration.start, 8).getFloat64(0), 61 * 75);
  const clusters = find(segment.children, 0x1f43b675);
  assert.deepEqual(clusters.map((c) => uintAt(bytes, find(c.children, 0xe7)[0])), [0, 27 * 75, 54 * 75]);
  const blocks = clusters.flatMap((c) => find(c.children, 0xa3).map((b) => ({ c, b })));
  assert.equal(blocks.length, 61);
  blocks.forEach(({ c, b }, i) => {
    const time = uintAt(bytes, find(c.children, 0xe7)[0]) + new DataView(bytes.buffer, b.start + 1, 2).getInt16(0);
    assert.equal(time, i * frameMs);
    assert.equal(bytes[b.start], 0x81);
    assert.equal(bytes[b.start + 3], i % 27 === 0 ? 0x80 : 0);
    assert.deepEqual(bytes.slice(b.start + 4, b.end), frames[i].data);
  });
});

test("a cluster spans less than a SimpleBlock's 16-bit time offset", () => {
  const frames = Array.from({ length: 5 }, (_, i) => ({ data: Uint8Array.of(i), ms: i * 20_000, key: i === 0 }));
  const bytes = joined(webm({ frames, codec: "V_VP8", width: 8, height: 8, frameMs: 20_000 }));
  const segment = parse(bytes)[1];
  const starts = find(segment.children, 0x1f43b675).map((c) => uintAt(bytes, find(c.children, 0xe7)[0]));
  assert.deepEqual(starts, [0, 40_000, 80_000]);
});

test("the colour space the encoder wrote is said in the track, or nothing is", () => {
  const frames = [{ data: Uint8Array.of(1), ms: 0, key: true }];
  const colourOf = (colour) => {
    const bytes = joined(webm({ frames, codec: "V_VP8", width: 8, height: 8, frameMs: 40, colour }));
    const entry = find(find(parse(bytes)[1].children, 0x1654ae6b)[0].children, 0xae)[0];
    const found = find(find(entry.children, 0xe0)[0].children, 0x55b0);
    if (!found.length) return null;
    return Object.fromEntries(found[0].children.map((c) => [c.id.toString(16), uintAt(bytes, c)]));
  };
  // A colour space in WebCodecs' names, as a VideoFrame or an encoder states one.
  const chromium = { primaries: "bt709", transfer: "bt709", matrix: "bt709", fullRange: true };
  assert.deepEqual(colourCodes(chromium), { matrix: 1, transfer: 1, primaries: 1, range: 2 });
  assert.deepEqual(colourOf(colourCodes(chromium)), { "55b1": 1, "55ba": 1, "55bb": 1, "55b9": 2 });
  assert.deepEqual(colourCodes({ matrix: "smpte170m", fullRange: false }), { matrix: 6, range: 1 });
  assert.deepEqual(colourCodes({ matrix: "something new", transfer: null }), {});
  assert.deepEqual(colourCodes(undefined), {});
  assert.equal(colourOf({}), null);
  assert.equal(colourOf(undefined), null);
});
