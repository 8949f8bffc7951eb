// Where a run is at a frame of the epoch scrubber. No DOM: node tests it.

import { grouped, lastAtOrBelow } from "./format.js";

// What `run` shows at frame `frame` of `frames`: the epoch (held at its last finite one once
// it stopped), the index of its step there (its fit line and loss marker), and how many
// points of its path are drawn (one per update for mini-batch and stochastic runs).
export function frameState(frames, run, frame) {
  const epoch = Math.min(frames[frame], run.lastFinite);
  const count = Math.max(1, lastAtOrBelow(run.path.e, epoch) + 1);
  const step = Math.max(0, lastAtOrBelow(run.steps.e, epoch));
  return { epoch, frame, step, count: Math.min(count, run.path.x.length) };
}

// The epoch counter of `run` at `epoch`: of the run's own epochs (the scrubber's end may be a
// longer run's), and the budget of `budget` epochs when the run stopped before it.
export function epochCounter(epoch, run, budget) {
  const counted = `${grouped(epoch)} / ${grouped(run.epochsRun)}`;
  return run.epochsRun < budget ? `${counted} (${run.stopWords}; budget ${grouped(budget)})` : counted;
}

// Sizes of a path's `count` markers: dots of size `dot`, the last (the current epoch) `current`.
export function markerSizes(count, dot, current) {
  const sizes = new Array(count).fill(dot);
  if (count) sizes[count - 1] = current;
  return sizes;
}

// What the fit view says when the model's line at this epoch, from `line[0]` to `line[1]`
// across the chart, lies wholly above or below the chart's y `range`: where it is instead
// (a run that blows up leaves the data far behind; nothing else would show it). "" when any
// of the line is on the chart.
export function offChart(line, range, fmt) {
  const [lo, hi] = range;
  const [a, b] = line;
  if (![a, b].every(Number.isFinite) || !(Math.max(a, b) < lo || Math.min(a, b) > hi)) return "";
  const side = Math.max(a, b) < lo ? "below" : "above";
  return `The line at this epoch is off the chart, ${side} it: from y = ${fmt(a)} to ${fmt(b)}.`;
}

// Where `run` is at state `st` (its parameters there, as `fmt` writes numbers), said as the
// drawn path shows it: off the map once the path has left the frame, and where it left.
export function placeWords(run, st, fmt) {
  const here = `(${run.steps.at[st.step].map(fmt).join(", ")})`;
  const exit = run.path.exit;
  if (!exit || st.count <= exit.i) return { here, left: "" };
  return {
    here: `${here}, off the map`,
    left: `; it left the frame at epoch ${exit.e}, heading toward ${exit.heading}`,
  };
}

// Whether view `name` shows the same at states `before` and `after` of one run: the fit line
// and the loss mark move with the step, a path with its count of points.
export function unmoved(name, before, after) {
  return name === "map" || name === "surface" ? before.count === after.count : before.step === after.step;
}
