// A WebM file (Matroska's subset for the web) around encoded video frames: the EBML header, one
// segment with its info, one video track and clusters of SimpleBlocks. The whole file is built
// at once from frames held in memory (the recorder caps how many), so every size is known and
// written exactly. No DOM: node tests it.

const ID = {
  ebml: 0x1a45dfa3, ebmlVersion: 0x4286, ebmlReadVersion: 0x42f7, maxIdLength: 0x42f2,
  maxSizeLength: 0x42f3, docType: 0x4282, docTypeVersion: 0x4287, docTypeReadVersion: 0x4285,
  segment: 0x18538067, info: 0x1549a966, timecodeScale: 0x2ad7b1, duration: 0x4489,
  muxingApp: 0x4d80, writingApp: 0x5741, tracks: 0x1654ae6b, trackEntry: 0xae,
  trackNumber: 0xd7, trackUid: 0x73c5, trackType: 0x83, flagLacing: 0x9c, codecId: 0x86,
  defaultDuration: 0x23e383, video: 0xe0, pixelWidth: 0xb0, pixelHeight: 0xba,
  cluster: 0x1f43b675, timecode: 0xe7, simpleBlock: 0xa3, colour: 0x55b0, matrix: 0x55b1,
  range: 0x55b9, transfer: 0x55ba, primaries: 0x55bb,
};

// WebCodecs' names of a colour space's parts -> Matroska's codes (those of ISO/IEC 23091-2).
const MATRIX = { rgb: 0, bt709: 1, bt470bg: 5, smpte170m: 6, "bt2020-ncl": 9 };
const TRANSFER = { bt709: 1, smpte170m: 6, linear: 8, "iec61966-2-1": 13, pq: 16, hlg: 18 };
const PRIMARIES = { bt709: 1, bt470bg: 5, smpte170m: 6, bt2020: 9, smpte432: 12 };

// The Colour element's codes for the colour space the frames were written in (WebCodecs'
// VideoColorSpace: {matrix, transfer, primaries, fullRange}); what it leaves out is left out,
// and a player then takes its own default (for VP8: BT.601, video range).
export function colourCodes(space) {
  if (!space) return {};
  const codes = {
    matrix: MATRIX[space.matrix], transfer: TRANSFER[space.transfer],
    primaries: PRIMARIES[space.primaries],
    range: space.fullRange === true ? 2 : space.fullRange === false ? 1 : undefined,
  };
  return Object.fromEntries(Object.entries(codes).filter(([, code]) => code !== undefined));
}

// A SimpleBlock's time is a signed 16-bit offset from its cluster's (ms): a cluster spans less.
const CLUSTER_SPAN_MS = 30_000;

// The bytes of a non-negative integer, big-endian, as few as hold it (at least one).
export function uintBytes(value) {
  const bytes = [];
  let rest = value;
  do {
    bytes.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  return bytes;
}

// An element's size as an EBML variable-length integer: a length marker bit, then the value.
export function sizeBytes(size) {
  let length = 1;
  while (size >= 2 ** (7 * length) - 1) length += 1;
  if (length > 8) throw new Error(`an element of ${size} bytes is too large for WebM`);
  const bytes = [];
  let rest = size;
  for (let i = 0; i < length; i += 1) {
    bytes.unshift(rest % 256);
    rest = Math.floor(rest / 256);
  }
  bytes[0] |= 0x80 >> (length - 1);
  return bytes;
}

function byteLength(parts) {
  return parts.reduce((sum, part) => sum + part.length, 0);
}

// An element: its id, its size and its content (byte arrays or Uint8Arrays, kept as parts).
function element(id, content) {
  const parts = content.flat();
  return [Uint8Array.from([...uintBytes(id), ...sizeBytes(byteLength(parts))]), ...parts];
}

const uint = (id, value) => element(id, [Uint8Array.from(uintBytes(value))]);
const text = (id, value) => element(id, [new TextEncoder().encode(value)]);

function float(id, value) {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value);
  return element(id, [bytes]);
}

function header() {
  return element(ID.ebml, [
    uint(ID.ebmlVersion, 1), uint(ID.ebmlReadVersion, 1), uint(ID.maxIdLength, 4),
    uint(ID.maxSizeLength, 8), text(ID.docType, "webm"), uint(ID.docTypeVersion, 2),
    uint(ID.docTypeReadVersion, 2),
  ]);
}

function track({ codec, width, height, frameMs, colour = {} }) {
  const codes = Object.entries(colour).map(([part, code]) => uint(ID[part], code));
  return element(ID.tracks, [element(ID.trackEntry, [
    uint(ID.trackNumber, 1), uint(ID.trackUid, 1), uint(ID.trackType, 1), uint(ID.flagLacing, 0),
    text(ID.codecId, codec), uint(ID.defaultDuration, Math.round(frameMs * 1e6)),
    element(ID.video, [
      uint(ID.pixelWidth, width), uint(ID.pixelHeight, height),
      ...(codes.length ? [element(ID.colour, codes)] : []),
    ]),
  ])]);
}

// Frames in clusters: a new one at each key frame (where a player can start) or when the
// offset from the cluster's start would not fit a SimpleBlock's 16 bits.
function clusters(frames) {
  const out = [];
  let start = null;
  let blocks = [];
  const close = () => {
    if (blocks.length) out.push(element(ID.cluster, [uint(ID.timecode, start), ...blocks]));
    blocks = [];
  };
  for (const frame of frames) {
    const time = Math.round(frame.ms);
    if (start === null || frame.key || time - start >= CLUSTER_SPAN_MS) {
      close();
      start = time;
    }
    const head = new Uint8Array(4);
    const view = new DataView(head.buffer);
    view.setUint8(0, 0x81);  // track 1, as a one-byte variable-length integer
    view.setInt16(1, time - start);
    view.setUint8(3, frame.key ? 0x80 : 0);
    blocks.push(element(ID.simpleBlock, [head, frame.data]));
  }
  close();
  return out;
}

// The WebM file of `frames` ({data: Uint8Array, ms: its time, key: a key frame}, in order),
// encoded with `codec` (Matroska's name: "V_VP8"), `width` x `height` pixels, each frame
// `frameMs` long, in the `colour` space (colourCodes' codes): a list of byte parts, for a Blob
// or to be joined.
export function webm({ frames, codec, width, height, frameMs, colour }) {
  const durationMs = frames.length ? frames[frames.length - 1].ms + frameMs : 0;
  const info = element(ID.info, [
    uint(ID.timecodeScale, 1_000_000), float(ID.duration, durationMs),
    text(ID.muxingApp, "Downhill"), text(ID.writingApp, "Downhill"),
  ]);
  const segment = element(ID.segment, [
    info, track({ codec, width, height, frameMs, colour }), ...clusters(frames),
  ]);
  return [...header(), ...segment];
}

// `parts` joined into one array of bytes.
export function joined(parts) {
  const out = new Uint8Array(byteLength(parts));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
