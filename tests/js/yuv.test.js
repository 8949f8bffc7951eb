import assert from "node:assert/strict";
import { test } from "node:test";

import { i420 } from "../../ui/player/yuv.js";

// A 2 x 2 picture of one colour, as a canvas gives it (RGBA).
const solid = (r, g, b) => Uint8ClampedArray.from({ length: 16 }, (_, i) => [r, g, b, 255][i % 4]);

test("colours land on BT.601's video-range levels (Rec. 601's own table)", () => {
  // Y, Cb, Cr of white, black, grey and the primaries in 8-bit video range, as ITU-R BT.601
  // gives them: white 235/128/128, black 16/128/128, red 81/90/240, green 145/54/34, blue 41/240/110.
  const cases = [
    [[255, 255, 255], [235, 128, 128]],
    [[0, 0, 0], [16, 128, 128]],
    [[128, 128, 128], [126, 128, 128]],
    [[255, 0, 0], [81, 90, 240]],
    [[0, 255, 0], [145, 54, 34]],
    [[0, 0, 255], [41, 240, 110]],
  ];
  for (const [rgb, ycbcr] of cases) {
    const out = i420(solid(...rgb), 2, 2);
    assert.deepEqual([out[0], out[1], out[2], out[3]], Array(4).fill(ycbcr[0]), `${rgb}`);
    assert.deepEqual([out[4], out[5]], ycbcr.slice(1), `${rgb}`);
  }
});

test("each chroma sample is the mean of its 2 x 2 block, and the planes are in I420's order", () => {
  // A 4 x 2 picture: left block white and black, right block all blue.
  const px = [[255, 255, 255], [0, 0, 0], [0, 0, 255], [0, 0, 255],
    [0, 0, 0], [255, 255, 255], [0, 0, 255], [0, 0, 255]];
  const rgba = Uint8ClampedArray.from(px.flatMap((p) => [...p, 255]));
  const out = i420(rgba, 4, 2);
  assert.equal(out.length, 4 * 2 * 1.5);
  assert.deepEqual(Array.from(out.slice(0, 8)), [235, 16, 41, 41, 16, 235, 41, 41]);
  assert.deepEqual(Array.from(out.slice(8, 10)), [128, 240], "U: grey's, then blue's");
  assert.deepEqual(Array.from(out.slice(10, 12)), [128, 110], "V: grey's, then blue's");
});
