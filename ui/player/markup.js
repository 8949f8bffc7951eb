// The player's markup: its controls and one <figure> per view. Ours only: names from the data
// are set as textContent elsewhere, never written here.

// Presenting: the views, their names on the switch, in the order ← and → step through.
export const PRESENT_VIEWS = { fit: "Fit", loss: "Loss", surface: "3D surface", map: "Contour map" };

const PLAYBACK = `
  <div class="dh-controls">
    <button type="button" class="dh-play" aria-label="Play">▶ Play</button>
    <label class="dh-field dh-epoch-field">
      <span>Epoch</span>
      <input type="range" class="dh-epoch" min="0" max="0" step="1" value="0" aria-label="epoch">
      <output class="dh-epoch-value"></output>
    </label>
    <label class="dh-field">
      <span>Speed</span>
      <select class="dh-speed" aria-label="playback speed">
        <option value="1">1×</option><option value="2">2×</option><option value="4">4×</option>
      </select>
    </label>
  </div>`;

function views(names) {
  const figures = names.map((name) => `
    <figure class="dh-view dh-${name}"><div class="dh-graph"></div>
      <p class="dh-off" data-testid="player-off-${name}" hidden></p>
      <figcaption class="dh-alt"></figcaption></figure>`);
  return `<div class="dh-views">${figures.join("")}</div>`;
}

export const LADDER_VIEWS = ["fit", "loss", "surface", "map"];
export const RACE_VIEWS = ["loss", "surface", "map"];

export const LADDER_HTML = `${PLAYBACK}
  <div class="dh-controls">
    <div class="dh-field dh-rate-field">
      <span>Learning rate η</span>
      <div class="dh-rate-track">
        <input type="range" class="dh-rate" min="0" max="0" step="1" value="0"
               aria-label="learning rate (scrub; Enter or release sets the sidebar)">
        <div class="dh-zones" data-testid="player-zones" aria-hidden="true"></div>
        <p class="dh-zone-legend" data-testid="player-zone-legend" aria-hidden="true" hidden></p>
      </div>
      <output class="dh-rate-value"></output>
    </div>
    <span class="dh-badge" data-testid="player-diverged" hidden></span>
    <button type="button" class="dh-use" hidden></button>
  </div>
  <p class="dh-limit"></p>
  <p class="dh-status" data-testid="player-status"></p>
  <div class="dh-switch" role="group" aria-label="view shown (← and → switch)">
    ${Object.entries(PRESENT_VIEWS).map(([name, label]) =>
    `<button type="button" data-view="${name}" aria-pressed="false">${label}</button>`).join("")}
  </div>
  ${views(LADDER_VIEWS)}`;

export const RACE_HTML = `${PLAYBACK}
  <p class="dh-status" data-testid="player-status"></p>
  ${views(RACE_VIEWS)}`;
