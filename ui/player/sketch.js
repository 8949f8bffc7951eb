// A flat view's moving traces sketched while a scrubber is dragged: Plotly.restyle lays the
// whole chart out again (~35 ms a view here), while the traces' own lines and dots, written
// straight into the SVG from the graph's axes, cost a millisecond. Each sketched trace is
// drawn in a group of ours over the plot, Plotly's own trace hidden beneath; `unsketch`
// removes them before the view is drawn exactly (Plotly.restyle), so what the graph holds and
// shows at rest (hover, legend, download) is Plotly's. A sketch draws every dot as a circle.
// The 3D scene's paths are sketched by handing the new points to the scene's own WebGL
// objects and redrawing it, without Plotly.restyle working through the whole figure again.

const SVG = "http://www.w3.org/2000/svg";
const SKETCH_CLASS = "dh-sketch";

// Plotly's dash patterns (Drawing.dashStyle) for a line of width `width`.
export function dashArray(dash, width) {
  const unit = Math.max(Number(width) || 1, 3);
  const times = { dot: 1, dash: 3, longdash: 5 }[dash];
  if (times) return `${times * unit}px,${times * unit}px`;
  if (dash === "dashdot") return `${3 * unit}px,${unit}px,${unit}px,${unit}px`;
  if (dash === "longdashdot") return `${5 * unit}px,${2 * unit}px,${unit}px,${2 * unit}px`;
  return !dash || dash === "solid" ? "" : dash;
}

// An SVG path through the points (`px(x[i])`, `py(y[i])`), broken where a point is missing
// (not finite), as Plotly leaves gaps. "" when no two points join.
export function linePath(xs, ys, px, py) {
  let d = "";
  let open = false;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] === null ? NaN : px(xs[i]);
    const y = ys[i] === null ? NaN : py(ys[i]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      open = false;
      continue;
    }
    d += `${open ? "L" : "M"}${x.toFixed(2)},${y.toFixed(2)}`;
    open = true;
  }
  return d.includes("L") ? d : "";
}

// The SVG path of a circle of diameter `size` about the origin (Plotly's circle symbol).
export function circlePath(size) {
  const r = (size / 2).toFixed(2);
  return `M${r},0A${r},${r} 0 1,1 0,-${r}A${r},${r} 0 0,1 ${r},0Z`;
}

const nth = (value, i) => (Array.isArray(value) ? value[i] : value);

// Each dot of `trace` (markers of figure data) to draw: where (in pixels), its path and look.
export function dots(trace, px, py) {
  const marker = trace.marker || {};
  const line = marker.line || {};
  const out = [];
  for (let i = 0; i < trace.x.length; i++) {
    const x = trace.x[i] === null ? NaN : px(trace.x[i]);
    const y = trace.y[i] === null ? NaN : py(trace.y[i]);
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    out.push({
      transform: `translate(${x.toFixed(2)},${y.toFixed(2)})`,
      d: circlePath(nth(marker.size, i) ?? 6),
      style: `opacity:${nth(marker.opacity, i) ?? 1};fill:${nth(marker.color, i)};` +
        `stroke:${nth(line.color, i) || "none"};stroke-width:${nth(line.width, i) ?? 0}px`,
    });
  }
  return out;
}

function svgChild(name, parent) {
  const node = document.createElementNS(SVG, name);
  parent.appendChild(node);
  return node;
}

// The group holding the sketch of the trace `uid` in graph `gd`, made over its subplot's plot
// (Plotly's own trace hidden) when there is none yet. Null when the graph lacks that trace.
function sketchGroup(gd, uid) {
  const index = gd._fullData.findIndex((t) => t.uid === uid);
  const full = gd._fullData[index];
  const plotinfo = full && gd._fullLayout._plots[full.xaxis + full.yaxis];
  if (!plotinfo) return null;
  const plot = plotinfo.plot.node();
  let group = plot.querySelector(`:scope > g.${SKETCH_CLASS}[data-uid="${CSS.escape(uid)}"]`);
  if (!group) {
    group = svgChild("g", plot);
    group.setAttribute("class", SKETCH_CLASS);
    group.dataset.uid = uid;
  }
  const own = plot.querySelector(`g.trace${CSS.escape(uid)}`);
  if (own) own.style.visibility = "hidden";
  return { group, full, xa: plotinfo.xaxis, ya: plotinfo.yaxis };
}

function drawLine(group, trace, full, px, py) {
  let path = group.querySelector(":scope > path.dh-line");
  const d = String(trace.mode).includes("lines") ? linePath(trace.x, trace.y, px, py) : "";
  if (!d) {
    if (path) path.remove();
    return;
  }
  if (!path) {
    path = svgChild("path", group);
    path.setAttribute("class", "dh-line");
    group.insertBefore(path, group.firstChild);
  }
  const line = full.line || {};
  const dash = dashArray(line.dash, line.width);
  path.setAttribute("d", d);
  path.setAttribute("style", `fill:none;stroke:${line.color};stroke-width:${line.width}px;` +
    `opacity:${full.opacity ?? 1}${dash ? `;stroke-dasharray:${dash}` : ""}`);
}

function drawDots(group, trace, px, py) {
  const shown = String(trace.mode).includes("markers") ? dots(trace, px, py) : [];
  const nodes = Array.from(group.querySelectorAll(":scope > path.dh-dot"));
  for (const node of nodes.slice(shown.length)) node.remove();
  shown.forEach((dot, i) => {
    let node = nodes[i];
    if (!node) {
      node = svgChild("path", group);
      node.setAttribute("class", "dh-dot");
    }
    for (const [key, value] of Object.entries(dot)) node.setAttribute(key, value);
  });
}

// Sketch the traces `traces` (figure data, each with the `uid` of a trace of graph `gd`) in
// place of Plotly's own. Returns false, drawing nothing, when `gd` lacks one of them.
export function sketch(gd, traces) {
  const groups = traces.map((trace) => sketchGroup(gd, trace.uid));
  if (groups.some((g) => g === null)) return false;
  traces.forEach((trace, i) => {
    const { group, full, xa, ya } = groups[i];
    const px = (v) => xa.c2p(v);
    const py = (v) => ya.c2p(v);
    // A trace hidden (from the legend, say) stays hidden.
    const shown = trace.visible !== false && full.visible === true;
    drawLine(group, shown ? trace : { ...trace, x: [], y: [] }, full, px, py);
    drawDots(group, shown ? trace : { ...trace, x: [] }, px, py);
  });
  return true;
}

// Remove every sketch from graph `gd` and show Plotly's own traces again.
export function unsketch(gd) {
  if (!gd._fullLayout) return;
  for (const group of gd.querySelectorAll(`g.${SKETCH_CLASS}`)) {
    const own = group.parentNode.querySelector(`g.trace${CSS.escape(group.dataset.uid)}`);
    if (own) own.style.visibility = "";
    group.remove();
  }
}

// The 3D scene of graph `gd` (plotly.js's own, its WebGL objects by uid), null when none.
const sceneOf = (gd) => (gd._fullLayout && gd._fullLayout.scene && gd._fullLayout.scene._scene) || null;

// Sketch the traces `traces` (figure data: `uid`, x, y, z and marker.size) in the 3D scene of
// graph `gd`. Returns false, drawing nothing, when it lacks one of them.
export function sketch3d(gd, traces) {
  const scene = sceneOf(gd);
  const fulls = traces.map((trace) => gd._fullData.find((t) => t.uid === trace.uid));
  if (!scene || fulls.some((full) => !full || !scene.traces[full.uid])) return false;
  traces.forEach((trace, i) => {
    const full = fulls[i];
    if (full.visible !== true) return;
    const marker = { ...full.marker, size: (trace.marker || {}).size ?? full.marker.size };
    scene.traces[full.uid].update({ ...full, x: trace.x, y: trace.y, z: trace.z, marker });
  });
  gd.dataset.sketched = fulls.map((full) => full.uid).join(" ");
  scene.glplot.redraw();
  return true;
}

// The 3D scene of graph `gd` as Plotly holds it again, after a sketch.
export function unsketch3d(gd) {
  const scene = sceneOf(gd);
  const uids = (gd.dataset.sketched || "").split(" ").filter(Boolean);
  delete gd.dataset.sketched;
  if (!scene) return;
  for (const uid of uids) {
    const full = gd._fullData.find((t) => t.uid === uid);
    if (full && scene.traces[uid]) scene.traces[uid].update(full);
  }
  scene.glplot.redraw();
}
