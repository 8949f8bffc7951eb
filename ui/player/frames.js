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

// What the loss view says when the run's loss `curve` ({x: epochs, y: values as the axis
// draws them}) rises above the chart's y `range` (in decades on a `log` axis): where it
// left, how high it goes, and, when the epoch shown (`shown`: {e, v}) is up there too, its
// value. The axis stays the one every rate is drawn on; the words give the size. "" when
// the whole curve is on the chart.
export function lossOffChart(curve, range, log, shown, fmt) {
  const top = log ? 10 ** range[1] : range[1];
  const above = (v) => Number.isFinite(v) && v > top;
  const first = curve.y.findIndex(above);
  if (first < 0) return "";
  const high = curve.y.reduce((at, v, i) => (Number.isFinite(v) && v > curve.y[at] ? i : at), first);
  const what = log ? "L − L*" : "The loss";
  const words = `${what} runs off the top of the chart at epoch ${fmt(curve.x[first])} and ` +
    `reaches ${fmt(curve.y[high])} at epoch ${fmt(curve.x[high])}`;
  const elsewhere = above(shown.v) && shown.e !== curve.x[high];
  return elsewhere ? `${words}; at epoch ${fmt(shown.e)} it is ${fmt(shown.v)}.` : `${words}.`;
}

// Whether view `name` shows the same at states `before` and `after` of one run: the fit line
// and the loss mark move with the step, a path with its count of points.
export function unmoved(name, before, after) {
  return name === "map" || name === "surface" ? before.count === after.count : before.step === after.step;
}

// What a chart's text alternative adds for the pinned runs drawn in it (their legend entries):
// "" without pins.
export function pinnedWords(pins) {
  if (!pins || !pins.length) return "";
  return ` Also drawn, faint and static: ${pins.join("; ")}.`;
}
