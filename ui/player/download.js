// Downloading the playback for slides: a WebM video and a GIF of the views as playback shows
// them, every frame of the epoch scrubber at the speed chosen, 1280 × 720, made here in the
// browser (WebCodecs' VP8 encoder and this folder's WebM and GIF writers; nothing is fetched).
// A film has a budget known before it starts: at most LIMITS.frames frames and LIMITS.bytes.

import { Film } from "./filming.js";
import { CLEAR, GIF_END, delays, gifFrame, gifHead, indexed, palette } from "./gif.js";
import { FILM, filmFrames } from "./reel.js";
import { PLAY_MS } from "./stage.js";
import { colourCodes, webm } from "./webm.js";
import { I420_SPACE, i420 } from "./yuv.js";

export const LIMITS = { frames: 300, bytes: 200 * 1024 * 1024 };
// A key frame (where a video player can seek to) at least every this many ms.
const KEY_MS = 2000;

const RECORD_HTML = `
  <button type="button" class="dh-record-webm">Download video (WebM)</button>
  <button type="button" class="dh-record-gif">GIF</button>
  <progress class="dh-record-progress" max="1" value="0" aria-label="filming the playback" hidden></progress>
  <button type="button" class="dh-record-cancel" hidden>Cancel</button>`;

const NOTE = `${FILM.width} × ${FILM.height}, every frame of playback at the speed chosen ` +
  `(at most ${LIMITS.frames} frames, ${LIMITS.bytes / 1024 / 1024} MB)`;

class TooLarge extends Error {}

// The video: frames encoded as they come (VP8), written into a WebM file at the end.
class WebmSink {
  constructor(frameMs) {
    this.frameMs = frameMs;
    this.frames = [];
    this.bytes = 0;
    this.failure = null;
    this.encoder = new VideoEncoder({
      output: (chunk) => {
        const data = new Uint8Array(chunk.byteLength);
        chunk.copyTo(data);
        this.bytes += data.length;
        this.frames.push({ data, ms: chunk.timestamp / 1000, key: chunk.type === "key" });
      },
      error: (error) => (this.failure = error),
    });
    this.encoder.configure({
      codec: "vp8", width: FILM.width, height: FILM.height, bitrate: 8_000_000,
      framerate: 1000 / frameMs,
    });
  }

  async add(canvas, i) {
    if (this.failure) throw this.failure;
    const us = Math.round(i * this.frameMs * 1000);
    const rgba = canvas.getContext("2d").getImageData(0, 0, FILM.width, FILM.height).data;
    const frame = new VideoFrame(i420(rgba, FILM.width, FILM.height), {
      format: "I420", codedWidth: FILM.width, codedHeight: FILM.height, colorSpace: I420_SPACE,
      timestamp: us, duration: Math.round(this.frameMs * 1000),
    });
    this.encoder.encode(frame, { keyFrame: i % Math.max(1, Math.round(KEY_MS / this.frameMs)) === 0 });
    frame.close();
    if (this.encoder.encodeQueueSize > 2) await this.encoder.flush();
    return this.bytes;
  }

  async finish() {
    await this.encoder.flush();
    if (this.failure) throw this.failure;
    this.frames.sort((a, b) => a.ms - b.ms);
    const parts = webm({
      frames: this.frames, codec: "V_VP8", ...FILM, frameMs: this.frameMs,
      colour: colourCodes(I420_SPACE),
    });
    return new Blob(parts, { type: "video/webm" });
  }

  close() {
    if (this.encoder.state !== "closed") this.encoder.close();
  }
}

// The GIF: one palette from the first and last frames, then each frame as what changed.
class GifSink {
  constructor(frameMs, count) {
    this.delays = delays(count, frameMs);
    this.parts = [];
    this.bytes = 0;
  }

  async prepare(shot, picks) {
    const samples = [];
    for (const frame of [picks[picks.length - 1], picks[0]]) {
      await shot.draw(frame);
      samples.push(shot.ctx.getImageData(0, 0, FILM.width, FILM.height).data);
    }
    const { colors, lookup } = palette(samples);
    this.lookup = lookup;
    this.before = new Uint8Array(FILM.width * FILM.height).fill(CLEAR);
    this.push(gifHead(FILM.width, FILM.height, colors));
  }

  push(part) {
    this.parts.push(part);
    this.bytes += part.length;
  }

  async add(canvas, i) {
    const rgba = canvas.getContext("2d").getImageData(0, 0, FILM.width, FILM.height).data;
    this.push(gifFrame(indexed(rgba, this.lookup, this.before), FILM.width, FILM.height, this.delays[i]));
    return this.bytes;
  }

  async finish() {
    return new Blob([...this.parts, GIF_END], { type: "image/gif" });
  }

  close() {
    this.parts = [];
  }
}

// Film the playback of `stage` into a file of `kind` ("webm" or "gif"), saying how far it got
// through `progress(done, total)`; stops when `signal` aborts. Resolves to the file's Blob.
export async function film(stage, kind, progress, signal) {
  const frameMs = PLAY_MS[stage.el.speed.value] || PLAY_MS[1];
  const picks = filmFrames(stage.body.frames.length, LIMITS.frames);
  const names = stage.presenting ? [stage.shown] : stage.viewNames();
  const shot = new Film(stage, names);
  const sink = kind === "webm" ? new WebmSink(frameMs) : new GifSink(frameMs, picks.length);
  try {
    await shot.build();
    if (sink.prepare) await sink.prepare(shot, picks);
    for (const [i, frame] of picks.entries()) {
      if (signal.aborted) return null;
      await shot.draw(frame);
      if ((await sink.add(shot.canvas, i)) > LIMITS.bytes) throw new TooLarge();
      progress(i + 1, picks.length);
    }
    return signal.aborted ? null : await sink.finish();
  } finally {
    sink.close();
    shot.destroy();
  }
}

// Offer `blob` as a download named `name`; its URL is let go of once the browser has it.
function save(blob, name, root) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.hidden = true;
  root.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

// The buttons, progress and cancel of downloads, at the end of the playback controls of `stage`
// (a Ladder), and under them a note of the film's size and budget, then of its progress (not
// while presenting: the view keeps the screen). A film under way stops when cancelled or when
// the player is destroyed.
export function mountDownloads(stage) {
  const box = document.createElement("span");
  box.className = "dh-record";
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", "download the playback");
  box.innerHTML = RECORD_HTML;
  const playback = stage.q(".dh-controls");
  playback.appendChild(box);
  const note = document.createElement("p");
  note.className = "dh-record-note";
  note.dataset.testid = "player-record-note";
  note.setAttribute("role", "status");
  playback.after(note);
  const q = (s) => box.querySelector(s);
  const el = { webm: q(".dh-record-webm"), gif: q(".dh-record-gif"), bar: q(".dh-record-progress"),
    cancel: q(".dh-record-cancel"), note };
  const canEncode = typeof VideoEncoder === "function";
  // Chromium keeps its video encoder to secure pages: said where everyone sees it, not only
  // in a tooltip that touch screens never show.
  el.about = canEncode ? NOTE : `${NOTE}. The video needs the page served over https (or ` +
    "from this computer); the GIF works here.";
  el.note.textContent = el.about;
  if (!canEncode) el.webm.title = "Video needs the page served over https (or from this computer)";
  let job = null;
  const busy = (on) => {
    el.webm.disabled = on || !canEncode;
    el.gif.disabled = on;
    el.bar.hidden = !on;
    el.cancel.hidden = !on;
  };
  busy(false);
  const start = (kind) => {
    if (job || !stage.body || stage.root.dataset.drawn !== "1") return;
    job = new AbortController();
    busy(true);
    el.bar.value = 0;
    el.note.textContent = "Filming the playback…";
    run(stage, kind, el, job.signal).finally(() => {
      job = null;
      busy(false);
    });
  };
  stage.listen(el.webm, "click", () => start("webm"));
  stage.listen(el.gif, "click", () => start("gif"));
  stage.listen(el.cancel, "click", () => job && job.abort());
  stage.keep({ disconnect: () => job && job.abort() });
}

async function run(stage, kind, el, signal) {
  const progress = (done, total) => {
    el.bar.value = done / total;
    el.note.textContent = `Frame ${done} of ${total}`;
  };
  try {
    const blob = await film(stage, kind, progress, signal);
    if (!blob) {
      el.note.textContent = `Cancelled. ${el.about}`;
      return;
    }
    save(blob, `downhill-descent-rate-${stage.root.dataset.rate || "run"}.${kind}`, stage.root);
    el.note.textContent = `Downloaded ${kind === "webm" ? "the video" : "the GIF"} ` +
      `(${(blob.size / 1024 / 1024).toFixed(1)} MB). ${el.about}`;
  } catch (error) {
    el.note.textContent = error instanceof TooLarge
      ? `Stopped: the file passed ${LIMITS.bytes / 1024 / 1024} MB (the video is smaller than the GIF).`
      : `The ${kind === "webm" ? "video" : "GIF"} could not be made: ${error.message}`;
  }
}
