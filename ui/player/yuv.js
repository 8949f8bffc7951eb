// A frame's pixels as the video encoder takes them: I420 (a Y plane, then U and V at half the
// width and height), BT.601 in video range (Y 16-235, U and V 16-240). VP8 has no way to say
// its range in the stream, and players (ffmpeg, Chromium's own) take it to be video range, so
// the frame is converted here rather than by the encoder, which keeps the full range of a
// canvas and so comes out with light greys white and darks black. No DOM: node tests it.

// The colour space of what i420 returns, in WebCodecs' names.
export const I420_SPACE = { matrix: "smpte170m", primaries: "bt709", transfer: "bt709", fullRange: false };

// BT.601's luma weights, scaled from 0-255 to video range's 219 levels; chroma's to 224.
const LUMA_601 = [0.299, 0.587, 0.114].map((k) => (k * 219) / 255);
const CB_601 = [-0.168736, -0.331264, 0.5].map((k) => (k * 224) / 255);
const CR_601 = [0.5, -0.418688, -0.081312].map((k) => (k * 224) / 255);

// The I420 bytes of `rgba` (a canvas's ImageData.data), `width` x `height` pixels, both even.
export function i420(rgba, width, height) {
  const size = width * height;
  const out = new Uint8Array(size + size / 2);
  for (let p = 0, at = 0; p < size; p += 1, at += 4) {
    out[p] = 16 + LUMA_601[0] * rgba[at] + LUMA_601[1] * rgba[at + 1] + LUMA_601[2] * rgba[at + 2] + 0.5;
  }
  const half = width / 2;
  const u = size;
  const v = size + size / 4;
  for (let row = 0; row < height; row += 2) {
    for (let col = 0; col < width; col += 2) {
      // Each chroma sample is the mean of the 2 x 2 pixels it covers.
      let r = 0;
      let g = 0;
      let b = 0;
      for (const at of [row * width + col, row * width + col + 1, (row + 1) * width + col, (row + 1) * width + col + 1]) {
        r += rgba[4 * at];
        g += rgba[4 * at + 1];
        b += rgba[4 * at + 2];
      }
      const i = (row / 2) * half + col / 2;
      out[u + i] = 128 + (CB_601[0] * r + CB_601[1] * g + CB_601[2] * b) / 4 + 0.5;
      out[v + i] = 128 + (CR_601[0] * r + CR_601[1] * g + CR_601[2] * b) / 4 + 0.5;
    }
  }
  return out;
}
