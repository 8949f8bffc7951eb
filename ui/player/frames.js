// Where a run is at a frame of the epoch scrubber. No DOM: node tests it.

import { lastAtOrBelow } from "./format.js";

// What `run` shows at frame `frame` of `frames`: the epoch (held at its last finite one once
// it stopped), the index of its step there (its fit line and loss marker), and how many
// points of its path are drawn (one per update for mini-batch and stochastic runs).
export function frameState(frames, run, frame) {
  const epoch = Math.min(frames[frame], run.lastFinite);
  const count = Math.max(1, lastAtOrBelow(run.path.e, epoch) + 1);
  const step = run.steps ? Math.max(0, lastAtOrBelow(run.steps.e, epoch)) : frame;
  return { epoch, frame, step, count: Math.min(count, run.path.x.length) };
}

// Sizes of a path's markers: small dots, the last (the current epoch) large.
export const PATH_MARKER = 5;
export const CURRENT_MARKER = 13;

export function markerSizes(count, big) {
  const sizes = new Array(count).fill(big ? PATH_MARKER : PATH_MARKER - 1);
  if (count) sizes[count - 1] = big ? CURRENT_MARKER : CURRENT_MARKER - 5;
  return sizes;
}
