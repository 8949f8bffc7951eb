// The regimes along the rate scrubber, each a run of ladder stops, in words and a pattern (not
// colour alone). `zoneRuns` is pure (node tests it); the rest draws them.

import { fmt } from "./format.js";

// One entry per run of equal regimes: its regime, words, title, and share of the track (%),
// a stop's share centred on the thumb's position there.
export function zoneRuns(regimes, rates) {
  const last = Math.max(regimes.length - 1, 1);
  const edge = (i) => Math.min(1, Math.max(0, (i - 0.5) / last));
  const runs = [];
  let start = 0;
  for (let i = 1; i <= regimes.length; i += 1) {
    if (i < regimes.length && regimes[i] === regimes[start]) continue;
    const regime = regimes[start];
    const [low, high] = [fmt(rates[start]), fmt(rates[i - 1])];
    runs.push({
      regime,
      share: 100 * (edge(i) - edge(start)),
      text: regime === "unknown" ? "no known limit" : regime,
      // A band of one rate (or of rates that read alike) is that rate, not a range.
      title: `${regime}: η ${low === high ? low : `${low} to ${high}`}`,
    });
    start = i;
  }
  return runs;
}

export function drawZones(zones, regimes, rates, colors) {
  zones.replaceChildren();
  zones.hidden = !regimes;
  if (!regimes) return;
  for (const run of zoneRuns(regimes, rates)) {
    const zone = document.createElement("span");
    zone.className = `dh-zone dh-zone-${run.regime}`;
    zone.style.setProperty("--zone", colors[run.regime]);
    zone.style.flexBasis = `${run.share}%`;
    zone.textContent = run.text;
    zone.title = run.title;
    zones.appendChild(zone);
  }
}

// A regime's word that does not fit its stretch of the track is left out there and the words
// are said below it instead, each with its pattern: never a cut word like "osc…".
export function fitZoneWords(zones, zoneLegend) {
  const all = Array.from(zones.children);
  for (const zone of all) zone.classList.remove("dh-zone-tight");
  const tight = all.filter((zone) => zone.scrollWidth > zone.clientWidth + 1);
  for (const zone of tight) zone.classList.add("dh-zone-tight");
  zoneLegend.hidden = tight.length === 0;
  zoneLegend.replaceChildren(...(tight.length ? all : []).map((zone) => {
    const item = document.createElement("span");
    item.className = "dh-zone-key";
    const swatch = document.createElement("span");
    swatch.className = `${zone.className.replace(" dh-zone-tight", "")} dh-swatch`;
    swatch.style.setProperty("--zone", zone.style.getPropertyValue("--zone"));
    item.append(swatch, zone.title);
    return item;
  }));
}
