// Layouts for where the player is shown: presenting to a class (one view at a time, wide and in
// large type) and a phone's narrow screen. Pure functions of a layout: node tests them.

// Type sizes (px) that read from the back of a room at 1280×720.
export const PRESENT_TYPE = { tick: 20, axis: 24, title: 30 };
// On a phone the same words must leave room for the chart: a size down, each.
export const PHONE_TYPE = { tick: 13, axis: 15, title: 18 };
// Narrower than this (px), the 3D scene is made less tall and seen from farther away.
const NARROW = 560;

function sized(axis, type) {
  return axis && {
    ...axis,
    tickfont: { ...axis.tickfont, size: type.tick },
    title: { ...axis.title, font: { ...(axis.title || {}).font, size: type.axis } },
  };
}

// `layout` in presentation sizes: tall (the controls above and the view fit one screen of
// `innerHeight` px, down to 720), large ticks, larger titles. On a view narrower than
// NARROW px (a phone), smaller type and the legend below the chart, so the chart keeps the
// width.
export function enlarge(layout, innerHeight, width = Infinity) {
  const phone = width < NARROW;
  const type = phone ? PHONE_TYPE : PRESENT_TYPE;
  layout.font = { ...layout.font, size: type.tick };
  layout.title = { ...layout.title, font: { ...layout.title.font, size: type.title } };
  layout.legend = { ...layout.legend, font: { size: type.tick } };
  layout.hoverlabel = { font: { size: type.tick } };
  layout.height = Math.max(360, Math.min(760, innerHeight - 310));
  if (layout.scene) {
    layout.margin = { l: 0, r: 0, t: 64, b: 0 };
    // Closer: the scene is fitted to the view's height, the width is to spare.
    layout.scene.camera = { ...layout.scene.camera, eye: { x: 1.25, y: -1.25, z: 0.65 } };
    for (const axis of ["xaxis", "yaxis", "zaxis"]) layout.scene[axis] = sized(layout.scene[axis], type);
  } else if (phone) {
    // The legend under the chart: on a phone the height is there, the width is not.
    layout.legend = {
      ...layout.legend, orientation: "h", x: 0, xanchor: "left", y: -0.22, yref: "paper", yanchor: "top",
    };
    layout.margin = { l: 56, r: 12, t: 48, b: 120 };
    layout.xaxis = { ...sized(layout.xaxis, type), nticks: 5 };
    layout.yaxis = sized(layout.yaxis, type);
  } else {
    // The legend beside the chart: the width is there, the height is not.
    layout.legend = {
      ...layout.legend, orientation: "v", x: 1.02, xanchor: "left", y: 1, yref: "paper", yanchor: "top",
    };
    layout.margin = { l: 110, r: 24, t: 64, b: 90 };
    layout.xaxis = sized(layout.xaxis, type);
    layout.yaxis = sized(layout.yaxis, type);
  }
  return layout;
}

// A phone: the scene's projection follows the view's height, so a tall, narrow view cuts the
// surface and its tick labels at the sides. Less tall, and seen from farther away.
export function narrowScene(layout, width) {
  if (width >= NARROW) return layout;
  const { eye } = layout.scene.camera;
  layout.height = Math.min(layout.height, 400);
  layout.scene.camera = { ...layout.scene.camera, eye: { x: eye.x * 1.3, y: eye.y * 1.3, z: eye.z * 1.3 } };
  return layout;
}
