// A view's figure from its spec (charts/views.py): Plotly JSON declared in Python, whose
// moving traces the player finds by `uid`, never by position. No DOM: node tests it.

import { markerSizes } from "./frames.js";

const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);

// `base` with `patch` merged in, object by object (arrays and other values replace).
export function merged(base, patch) {
  if (!isObject(base) || !isObject(patch)) return patch === undefined ? base : patch;
  const out = { ...base };
  for (const [key, value] of Object.entries(patch)) out[key] = merged(base[key], value);
  return out;
}

// `props` with dotted keys ("marker.size", as Plotly.restyle takes them) as nested objects.
function nested(props) {
  const out = {};
  for (const [key, value] of Object.entries(props)) {
    const parts = key.split(".");
    let at = out;
    for (const part of parts.slice(0, -1)) at = at[part] = at[part] || {};
    at[parts[parts.length - 1]] = value;
  }
  return out;
}

// Symbols of a path's first `count` dots: an arrow at its `exit` from the frame once reached.
export function pathSymbols(count, exit) {
  const symbols = new Array(count).fill("circle");
  if (exit && exit.i < count) symbols[exit.i] = "arrow";
  return symbols;
}

// A path's first `count` points, its dots sized as its spec says (the last one larger).
function pathPoints(trace, path, count) {
  const points = {
    x: path.x.slice(0, count),
    y: path.y.slice(0, count),
    customdata: path.e.slice(0, count),
    "marker.size": markerSizes(count, trace.marker.size, trace.meta.current),
  };
  if (trace.type === "scatter3d") points.z = path.z.slice(0, count);
  // On the map, where the path leaves the frame an arrow points the way it went.
  else points["marker.symbol"] = pathSymbols(count, path.exit);
  return points;
}

// What the moving traces of `data` (a spec's) show: `runs` are the runs shown, in path
// order, `states` where each is (frameState). Properties by uid.
export function moving(data, runs, states) {
  const fills = {};
  for (const trace of data) {
    const uid = trace.uid || "";
    if (uid.startsWith("path-")) {
      const i = Number(uid.slice("path-".length));
      fills[uid] = pathPoints(trace, runs[i].path, states[i].count);
    } else if (uid === "marks") {
      fills[uid] = {
        x: runs.map((run, i) => run.steps.e[states[i].step]),
        y: runs.map((run, i) => run.steps.drawn[states[i].step]),
      };
    } else if (uid === "line") {
      fills[uid] = { y: runs[0].steps.line[states[0].step] };
    }
  }
  return fills;
}

// The figure of `spec` with a run's `patch` ({data: {uid: props}, layout}) and `fills` (by
// uid). Copies what Plotly may change later (a turned camera, a restyled trace).
export function figure(spec, fills, patch = {}) {
  const props = { ...(patch.data || {}) };
  for (const [uid, fill] of Object.entries(fills)) props[uid] = merged(props[uid] || {}, nested(fill));
  return {
    data: spec.data.map((t) => (t.uid ? merged(structuredClone(t), props[t.uid] || {}) : t)),
    layout: merged(structuredClone(spec.layout), patch.layout || {}),
  };
}

// Plotly.restyle's update and trace indices setting `fills` on the drawn traces `data`
// that carry those uids (all fills alike: the same keys).
export function restyleArgs(data, fills) {
  const uids = Object.keys(fills).filter((uid) => data.some((t) => t.uid === uid));
  const update = {};
  uids.forEach((uid, k) => {
    for (const [key, value] of Object.entries(fills[uid])) {
      if (!update[key]) update[key] = [];
      update[key][k] = value;
    }
  });
  return [update, uids.map((uid) => data.findIndex((t) => t.uid === uid))];
}
