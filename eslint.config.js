// The player's JavaScript (ui/player/) and its tests (tests/js/): eslint's recommended rules,
// modules in the browser (ui/player) and in node (tests/js). Run by tests/js/test_js.py.
import js from "@eslint/js";

const browser = Object.fromEntries([
  "window", "document", "requestAnimationFrame", "cancelAnimationFrame", "setTimeout", "clearTimeout", "ResizeObserver",
  "MutationObserver", "TextDecoder", "Element", "AbortController", "structuredClone",
  "fetch", "Response", "DecompressionStream", "TextEncoder", "Blob", "URL", "Image",
  "XMLSerializer", "VideoEncoder", "VideoFrame", "CSS", "performance",
].map((name) => [name, "readonly"]));

export default [
  js.configs.recommended,
  {
    files: ["ui/player/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: browser },
    rules: {
      "max-lines-per-function": ["error", { max: 60, skipBlankLines: true, skipComments: true }],
      "max-params": ["error", 8],
      "no-shadow": "error",
      "prefer-const": "error",
      eqeqeq: "error",
    },
  },
  {
    files: ["tests/js/**/*.js", "eslint.config.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "module",
      globals: {
        TextEncoder: "readonly", TextDecoder: "readonly", process: "readonly", URL: "readonly",
        setTimeout: "readonly",
      },
    },
  },
];
