// An animated GIF of RGBA frames: one palette of the views' own colours (the commonest colours
// of sample frames), LZW-compressed frames, and after the first only what changed (pixels as in
// the frame before are transparent, drawn over it). No DOM: node tests it.

// Index of the transparent colour: "as in the frame before".
export const CLEAR = 255;
const BINS = 32768;  // colours binned by 5 bits per channel

const bin = (r, g, b) => ((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3);

// The palette of the `samples` (RGBA pixel arrays): the 255 commonest binned colours, each the
// mean of the pixels in its bin. Returns its colours (256 RGB triples) and, for every bin, the
// index of its nearest colour.
export function palette(samples) {
  const count = new Float64Array(BINS);
  const sums = new Float64Array(BINS * 3);
  for (const rgba of samples) {
    for (let p = 0; p < rgba.length; p += 4) {
      const k = bin(rgba[p], rgba[p + 1], rgba[p + 2]);
      count[k] += 1;
      sums[3 * k] += rgba[p];
      sums[3 * k + 1] += rgba[p + 1];
      sums[3 * k + 2] += rgba[p + 2];
    }
  }
  const used = [];
  for (let k = 0; k < BINS; k += 1) if (count[k]) used.push(k);
  used.sort((a, b) => count[b] - count[a]);
  const chosen = used.slice(0, CLEAR);
  if (!chosen.length) chosen.push(0);
  const colors = new Uint8Array(256 * 3);
  chosen.forEach((k, i) => {
    for (let c = 0; c < 3; c += 1) colors[3 * i + c] = Math.round(sums[3 * k + c] / count[k]);
  });
  return { colors, lookup: nearest(colors, chosen.length) };
}

// For every bin, the index of the colour among the first `n` of `colors` nearest its centre.
function nearest(colors, n) {
  const lookup = new Uint8Array(BINS);
  for (let k = 0; k < BINS; k += 1) {
    const r = ((k >> 10) << 3) + 4;
    const g = (((k >> 5) & 31) << 3) + 4;
    const b = ((k & 31) << 3) + 4;
    let best = 0;
    let bestDistance = Infinity;
    for (let i = 0; i < n; i += 1) {
      const dr = r - colors[3 * i];
      const dg = g - colors[3 * i + 1];
      const db = b - colors[3 * i + 2];
      const distance = 2 * dr * dr + 4 * dg * dg + 3 * db * db;
      if (distance < bestDistance) {
        bestDistance = distance;
        best = i;
      }
    }
    lookup[k] = best;
  }
  return lookup;
}

// The palette index of each pixel of `rgba`; where `before` (the indices shown so far) has the
// same, CLEAR. `before` is updated to what is shown after this frame.
export function indexed(rgba, lookup, before = null) {
  const out = new Uint8Array(rgba.length / 4);
  for (let i = 0, p = 0; i < out.length; i += 1, p += 4) {
    const index = lookup[bin(rgba[p], rgba[p + 1], rgba[p + 2])];
    if (before && before[i] === index) {
      out[i] = CLEAR;
    } else {
      out[i] = index;
      if (before) before[i] = index;
    }
  }
  return out;
}

// Codes of variable width (3 to 12 bits) packed least significant bit first.
class Bits {
  constructor() {
    this.bytes = [];
    this.acc = 0;
    this.n = 0;
  }

  put(code, width) {
    this.acc |= code << this.n;
    this.n += width;
    while (this.n >= 8) {
      this.bytes.push(this.acc & 255);
      this.acc >>>= 8;
      this.n -= 8;
    }
  }

  end() {
    if (this.n > 0) this.bytes.push(this.acc & 255);
    return this.bytes;
  }
}

// GIF's LZW of 8-bit `indices`: the codes' bytes (before they are cut into sub-blocks). The
// table restarts (a clear code) when full, at 4096 codes.
export function lzw(indices) {
  const clear = 256;
  const table = new Int16Array(4096 * 256);  // (prefix code, next index) -> code; 0: none
  const bits = new Bits();
  let width = 9;
  let next = clear + 2;
  bits.put(clear, width);
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i += 1) {
    const k = indices[i];
    const key = prefix * 256 + k;
    if (table[key]) {
      prefix = table[key];
      continue;
    }
    bits.put(prefix, width);
    if (next < 4096) {
      table[key] = next;
      next += 1;
      if (next - 1 === 1 << width && width < 12) width += 1;
    } else {
      bits.put(clear, width);
      table.fill(0);
      width = 9;
      next = clear + 2;
    }
    prefix = k;
  }
  bits.put(prefix, width);
  bits.put(clear + 1, width);
  return bits.end();
}

// `bytes` in sub-blocks of at most 255, each after its length, and the block terminator.
function subBlocks(bytes) {
  const out = [];
  for (let at = 0; at < bytes.length; at += 255) {
    const block = bytes.slice(at, at + 255);
    out.push(block.length, ...block);
  }
  out.push(0);
  return out;
}

const le16 = (n) => [n & 255, (n >> 8) & 255];

// The GIF's header: screen size, the global palette `colors`, and loop forever.
export function gifHead(width, height, colors) {
  const loop = [0x21, 0xff, 11, ...new TextEncoder().encode("NETSCAPE2.0"), 3, 1, 0, 0, 0];
  return Uint8Array.from([
    ...new TextEncoder().encode("GIF89a"), ...le16(width), ...le16(height), 0xf7, 0, 0,
    ...colors, ...loop,
  ]);
}

// One frame of `indices` (width x height), shown `delayCs` hundredths of a second, drawn over the
// frame before (disposal "leave"), CLEAR transparent.
export function gifFrame(indices, width, height, delayCs) {
  const control = [0x21, 0xf9, 4, 0x05, ...le16(delayCs), CLEAR, 0];
  const image = [0x2c, 0, 0, 0, 0, ...le16(width), ...le16(height), 0];
  return Uint8Array.from([...control, ...image, 8, ...subBlocks(lzw(indices))]);
}

export const GIF_END = Uint8Array.of(0x3b);

// Delays in hundredths of a second for `count` frames of `frameMs` each, rounded so that the
// total stays exact (35 ms frames alternate 3 and 4).
export function delays(count, frameMs) {
  const out = [];
  for (let i = 0; i < count; i += 1) {
    out.push(Math.round(((i + 1) * frameMs) / 10) - Math.round((i * frameMs) / 10));
  }
  return out;
}
