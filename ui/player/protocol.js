// What a player is sent, as bytes: a header line (JSON), a newline, then the body (JSON),
// absent when the server believes this element holds it already. No DOM: node tests it.

const NEWLINE = 10;

// The header of `bytes`, and its body when `withBody` and the bytes carry one (else null).
export function unpack(bytes, withBody = true) {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const newline = data.indexOf(NEWLINE);
  const end = newline < 0 ? data.length : newline;
  const decoder = new TextDecoder();
  const header = JSON.parse(decoder.decode(data.subarray(0, end)));
  const body = withBody && newline >= 0 && data.length > newline + 1
    ? JSON.parse(decoder.decode(data.subarray(newline + 1)))
    : null;
  return { header, body };
}

// What the player reads of a body, per mode: dotted paths, `[]` for every item of a list.
// `checked` enforces it when a body is read; a node test holds it against bodies Python
// wrote (tests/js/fixtures, made by tests/js/fixtures.py).
const TRACK = ["stop", "stopWords", "divergedAt", "lastFinite", "steps.e", "steps.loss",
  "steps.drawn", "steps.at", "path.e", "path.x", "path.y", "path.z", "path.exit"].map((key) => `runs[].${key}`);
const LANDSCAPE = ["frames", "labels.words.params", "surface.plane", "surface.optimum",
  "surface.key", "views.loss.data", "views.loss.layout", "views.map.data", "views.map.layout"];
export const SCHEMA = {
  ladder: [...LANDSCAPE, ...TRACK, "rates", "regimes", "limit", "lossOptimum", "style.regimes",
    "labels.logLoss", "labels.pins", "budget", "runs[].epochsRun",
    "runs[].steps.rate",
    "labels.words.target", "labels.words.feature", "views.fit.data", "views.fit.layout",
    "runs[].steps.line", "runs[].final.params", "runs[].final.loss", "runs[].figures.loss",
    "runs[].frame"],
  race: [...LANDSCAPE, ...TRACK, "labels.logLoss", "runs[].name"],
};

// The places `path` names in `node` that are missing ("runs[].name" looks in every run), each
// as the rest of `path` from where it is missing.
function missing(node, path) {
  const [head, ...rest] = path.split(".");
  const list = head.endsWith("[]");
  const key = list ? head.slice(0, -2) : head;
  if (node === null || typeof node !== "object" || !(key in node)) return [path];
  if (!rest.length) return [];
  const items = list ? node[key] : [node[key]];
  return items.flatMap((item) => missing(item, rest.join(".")));
}

// `body`, when it holds every place the player reads in `mode`; else an error naming them.
export function checked(body, mode) {
  const lacking = SCHEMA[mode].filter((path) => missing(body, path).length);
  if (lacking.length) throw new Error(`the player's data lacks ${lacking.join(", ")}`);
  return body;
}
