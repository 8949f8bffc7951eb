import assert from "node:assert/strict";
import { test } from "node:test";

import { CLEAR, delays, gifFrame, gifHead, indexed, lzw, palette } from "../../ui/player/gif.js";

// GIF's LZW decoder as the GIF89a specification gives it, written apart from the encoder:
// codes least significant bit first; the width grows once the next code would not fit.
function unlzw(bytes, minSize = 8) {
  const clear = 1 << minSize;
  let width = minSize + 1;
  let table = null;
  let previous = null;
  const out = [];
  let acc = 0;
  let n = 0;
  let at = 0;
  const reset = () => {
    table = Array.from({ length: clear + 2 }, (_, i) => [i]);
    width = minSize + 1;
    previous = null;
  };
  reset();
  for (;;) {
    while (n < width) {
      assert.ok(at < bytes.length, "the codes ran out before the end code");
      acc |= bytes[at++] << n;
      n += 8;
    }
    const code = acc & ((1 << width) - 1);
    acc >>>= width;
    n -= width;
    if (code === clear) { reset(); continue; }
    if (code === clear + 1) break;
    let entry;
    if (code < table.length) entry = table[code];
    else if (code === table.length && previous) entry = [...previous, previous[0]];
    else assert.fail(`code ${code} is not in a table of ${table.length}`);
    out.push(...entry);
    if (previous && table.length < 4096) table.push([...previous, entry[0]]);
    if (table.length === 1 << width && width < 12) width += 1;
    previous = entry;
  }
  return out;
}

// A pseudo-random sequence, the same on every run.
function noise(length, alphabet, seed = 7) {
  let s = seed;
  return Uint8Array.from({ length }, () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s % alphabet;
  });
}

test("LZW codes decode to the indices they were made from, across table restarts", () => {
  for (const indices of [
    Uint8Array.of(7), Uint8Array.of(1, 1, 1, 1, 1, 1, 1), noise(20_000, 256), noise(50_000, 3),
    new Uint8Array(100_000).fill(CLEAR), Uint8Array.from({ length: 70_000 }, (_, i) => (i >> 4) % 200),
  ]) {
    assert.deepEqual(unlzw(lzw(indices)), Array.from(indices));
  }
});

test("the palette is the frames' commonest colours, and maps each to itself", () => {
  const pixels = [[255, 255, 255], [255, 255, 255], [255, 255, 255], [200, 80, 0], [200, 80, 0], [30, 60, 90]];
  const rgba = Uint8ClampedArray.from(pixels.flatMap((p) => [...p, 255]));
  const { colors, lookup } = palette([rgba]);
  assert.deepEqual(Array.from(colors.slice(0, 9)), [255, 255, 255, 200, 80, 0, 30, 60, 90]);
  assert.deepEqual(Array.from(indexed(rgba, lookup)), [0, 0, 0, 1, 1, 2]);
});

test("after the first frame only what changed is drawn; the rest is transparent", () => {
  const { lookup } = palette([Uint8ClampedArray.of(0, 0, 0, 255, 250, 250, 250, 255)]);
  const before = new Uint8Array(3).fill(CLEAR);
  const first = Uint8ClampedArray.of(0, 0, 0, 255, 250, 250, 250, 255, 0, 0, 0, 255);
  assert.deepEqual(Array.from(indexed(first, lookup, before)), [0, 1, 0]);
  const second = Uint8ClampedArray.of(0, 0, 0, 255, 0, 0, 0, 255, 250, 250, 250, 255);
  assert.deepEqual(Array.from(indexed(second, lookup, before)), [CLEAR, 0, 1]);
  assert.deepEqual(Array.from(before), [0, 0, 1]);
});

test("frames last the playback's time to the hundredth of a second, in total exactly", () => {
  assert.deepEqual(delays(4, 35), [4, 3, 4, 3]);
  assert.equal(delays(61, 75).reduce((a, b) => a + b), Math.round((61 * 75) / 10));
  assert.deepEqual(delays(3, 150), [15, 15, 15]);
});

test("the header and a frame are laid out as GIF89a says", () => {
  const head = gifHead(1280, 720, new Uint8Array(768));
  assert.equal(new TextDecoder().decode(head.slice(0, 6)), "GIF89a");
  assert.deepEqual(Array.from(head.slice(6, 11)), [0x00, 0x05, 0xd0, 0x02, 0xf7]);
  assert.equal(head.length, 13 + 768 + 19);
  const frame = gifFrame(Uint8Array.of(1, 2, 3, 4), 2, 2, 8);
  // control: leave the frame, transparent CLEAR, 8 hundredths; then the image at (0, 0), 2 x 2
  assert.deepEqual(Array.from(frame.slice(0, 8)), [0x21, 0xf9, 4, 0x05, 8, 0, CLEAR, 0]);
  assert.deepEqual(Array.from(frame.slice(8, 18)), [0x2c, 0, 0, 0, 0, 2, 0, 2, 0, 0]);
  assert.equal(frame[18], 8);
  const data = frame.slice(20, 20 + frame[19]);
  assert.deepEqual(unlzw(data), [1, 2, 3, 4]);
  assert.equal(frame[20 + frame[19]], 0);
});
