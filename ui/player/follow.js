// Following the sidebar's learning-rate slider while a person drags it or steps it with the
// keys: the views show the ladder's run at once, before the server's rerun. The slider is
// found by its widget key, which Streamlit gives its element as the CSS class `st-key-<key>`
// (documented with every widget's `key`); the player's data names the key and the slider's
// stop of each of its runs.

// Watch `document` for the slider in `follow()` (null: follow nothing) being moved while it
// has the focus; `show(index)` gets the index of the run at its new stop. Returns the observer.
export function watchSlider(follow, show) {
  const moved = (records) => {
    const wanted = follow();
    if (!wanted) return;
    const slider = records.map((r) => r.target).reverse().find((t) =>
      t === document.activeElement && t.closest(`.st-key-${wanted.key}`));
    if (!slider) return;
    const index = wanted.stops.indexOf(Number(slider.value));
    if (index >= 0) show(index);
  };
  const observer = new MutationObserver(moved);
  observer.observe(document.body, { subtree: true, attributes: true, attributeFilter: ["aria-valuetext"] });
  return observer;
}
