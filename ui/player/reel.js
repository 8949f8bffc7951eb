// A film's frame: its size, where each view goes in it, and which frames of playback it shows.
// No DOM: node tests it.

// Projector size, and the caption's strip at the top (rate and epoch).
export const FILM = { width: 1280, height: 720, caption: 44 };

// Where each of `count` views goes in a `width` x `height` frame below the caption: two to a
// row, an odd last one centred.
export function tiles(count, width, height, top) {
  const columns = count > 1 ? 2 : 1;
  const rows = Math.ceil(count / columns);
  const w = Math.floor(width / columns);
  const h = Math.floor((height - top) / rows);
  return Array.from({ length: count }, (_, i) => {
    const row = Math.floor(i / columns);
    const alone = row === rows - 1 && count % columns === 1 && columns > 1;
    const x = alone ? Math.floor((width - w) / 2) : (i % columns) * w;
    return { x, y: top + row * h, width: w, height: h };
  });
}

// Indices of the frames a film of at most `cap` frames shows out of `count`: all of them, or
// every k-th (and the last) when there are more.
export function filmFrames(count, cap) {
  const stride = Math.max(1, Math.ceil(count / cap));
  const picks = [];
  if (count < 1) return picks;
  for (let i = 0; i < count; i += stride) picks.push(i);
  if (picks[picks.length - 1] !== count - 1) picks[picks.length - 1] = count - 1;
  return picks;
}
