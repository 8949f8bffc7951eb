// The player: views drawn with plotly.js (served by this app's own server) and updated in
// place, played back in the browser. This module is what Streamlit's components v2 runs
// (ui/player.py joins the modules into it): its default export is called with each rerun's
// data, on the same parent element, and returns the cleanup Streamlit calls when the element
// leaves the page.
//
// The 3D scene is built once per surface; afterwards only its paths are restyled. Each view is
// a figure of its own, so a mode that shows one view at a time can hide the rest. Names from
// the data arrive ready for where they go (charts/text.py): `labels.params` and the like for
// Plotly's SVG text, `labels.sceneParams` for 3D axis titles, `labels.words` for the
// sentences, which are set as textContent; the markup written with innerHTML is ours.

import { Ladder } from "./ladder.js";
import { loadPlotly } from "./library.js";
import { unpack } from "./protocol.js";
import { Race } from "./race.js";

const MODES = { ladder: Ladder, race: Race };
// The player drawn in each element (one per element, kept across reruns).
const PLAYERS = new WeakMap();

// Remove the player of `parentElement` once the element is off the page. Streamlit also calls
// the cleanup of a call whose rerun was overtaken by the next one while the element stays:
// that player is still in use, so it stays.
function release(parentElement) {
  setTimeout(() => {
    const player = PLAYERS.get(parentElement);
    if (!player || parentElement.isConnected) return;
    player.destroy();
    PLAYERS.delete(parentElement);
  }, 0);
}

export default function (component) {
  const { data, parentElement, setTriggerValue, setStateValue } = component;
  if (!data) return undefined;
  const { header } = unpack(data, false);
  const mode = header.mode || "ladder";
  if (mode === "preload") {
    loadPlotly(header.plotly).catch(() => null);  // the player says so if it still fails
    return undefined;
  }
  let player = PLAYERS.get(parentElement);
  if (!player || player.mode !== mode) {
    if (player) player.destroy();
    player = new MODES[mode](parentElement);
    player.mode = mode;
    PLAYERS.set(parentElement, player);
  }
  player.setTrigger = setTriggerValue;
  player.setState = setStateValue;
  player.receive(data);
  return () => release(parentElement);
}
