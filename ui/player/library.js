// plotly.js, one for the player's whole life in this window, and the config of every graph.

export const CONFIG = {
  displaylogo: false,
  responsive: true,
  // The 3D scene at the screen's own resolution: plotly.js draws it at twice that by
  // default, four times the pixels to shade, which a computer without a GPU feels.
  plotGlPixelRatio: Math.min(4, Math.max(1, window.devicePixelRatio || 1)),
  modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
};

// Every update goes through the library that drew the graphs: the one already on the page
// (Streamlit's own chart bundle, served by this server), or else this app's copy from
// /app/static/. Both come from this server; no other host is asked. The copy is gzipped:
// the server would otherwise compress 4.6 MB again for every page that opens, so the
// browser unpacks it and runs it from memory.
export function loadPlotly(src) {
  if (!window.__downhillPlotly && window.Plotly) {
    window.__downhillPlotly = Promise.resolve(window.Plotly);
  }
  if (!window.__downhillPlotly) {
    window.__downhillPlotly = unpacked(src).then(
      (url) =>
        new Promise((resolve, reject) => {
          const script = document.createElement("script");
          script.src = url;
          script.async = true;
          script.onload = () => {
            URL.revokeObjectURL(url);
            resolve(window.Plotly);
          };
          script.onerror = () => reject(new Error(`could not run ${src}`));
          document.head.appendChild(script);
        }),
    );
    window.__downhillPlotly.catch(() => {
      window.__downhillPlotly = null;
    });
  }
  return window.__downhillPlotly;
}

// A script URL, in this window's memory, of the gzipped script at ``src``.
async function unpacked(src) {
  const response = await fetch(src);
  if (!response.ok) throw new Error(`could not load ${src}`);
  const script = response.body.pipeThrough(new DecompressionStream("gzip"));
  const code = await new Response(script).arrayBuffer();
  return URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
}

// Resolves after the browser has painted a frame, so what was drawn so far is on screen.
export function nextFrame() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

// Resolves in a task after the current one: in an animation frame, after that frame's paint.
export function afterPaint() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
