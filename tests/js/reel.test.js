import assert from "node:assert/strict";
import { test } from "node:test";

import { FILM, filmFrames, tiles } from "../../ui/player/reel.js";

test("four views fill the frame below the caption two by two", () => {
  assert.deepEqual(tiles(4, 1280, 720, 44), [
    { x: 0, y: 44, width: 640, height: 338 }, { x: 640, y: 44, width: 640, height: 338 },
    { x: 0, y: 382, width: 640, height: 338 }, { x: 640, y: 382, width: 640, height: 338 },
  ]);
});

test("three views: the third centred under the first two; one view: the whole frame", () => {
  assert.deepEqual(tiles(3, 1280, 720, 44)[2], { x: 320, y: 382, width: 640, height: 338 });
  assert.deepEqual(tiles(1, FILM.width, FILM.height, FILM.caption), [{ x: 0, y: 44, width: 1280, height: 676 }]);
});

test("a film shows every frame of playback up to its cap, then every k-th and the last", () => {
  assert.deepEqual(filmFrames(61, 300), Array.from({ length: 61 }, (_, i) => i));
  const long = filmFrames(1000, 300);
  assert.ok(long.length <= 300);
  assert.equal(long[0], 0);
  assert.equal(long[long.length - 1], 999);
  assert.ok(long.every((frame, i) => i === 0 || frame > long[i - 1]));
  assert.deepEqual(filmFrames(1, 300), [0]);
  assert.deepEqual(filmFrames(0, 300), []);
});
