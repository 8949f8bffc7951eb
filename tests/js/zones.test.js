import assert from "node:assert/strict";
import { test } from "node:test";

import { zoneRuns } from "../../ui/player/zones.js";

test("zoneRuns joins equal regimes and centres each stop's share on its thumb", () => {
  const runs = zoneRuns(["smooth", "smooth", "oscillates", "diverges", "diverges"], [0.1, 0.2, 0.5, 1, 2]);
  assert.deepEqual(runs.map((r) => r.regime), ["smooth", "oscillates", "diverges"]);
  assert.deepEqual(runs.map((r) => r.share), [37.5, 25, 37.5]);
  assert.equal(runs[0].title, "smooth: η 0.1 to 0.2");
  assert.equal(runs[2].text, "diverges");
});

test("zoneRuns says 'no known limit' for an unknown regime, and fills the track alone", () => {
  const [run] = zoneRuns(["unknown"], [0.01]);
  assert.equal(run.text, "no known limit");
  assert.equal(run.share, 50);
});

test("zoneRuns names a band of one rate by that rate, not as a range from it to itself", () => {
  const runs = zoneRuns(["smooth", "oscillates", "diverges"], [0.5, 0.7, 1]);
  assert.deepEqual(runs.map((r) => r.title), ["smooth: η 0.5", "oscillates: η 0.7", "diverges: η 1"]);
});
