// Numbers as the player writes them, and the searches its frames need. No DOM: node tests it.

// Three significant digits; exponents for the very small and the very large (1e-8, 2.5e-5,
// 1.23e6), without trailing zeros; a dash for what is not a finite number.
export function fmt(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return "—";
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) {
    return x.toExponential(2).replace(/\.?0+e/, "e").replace("e+", "e");
  }
  return String(Number(x.toPrecision(3)));
}

// The loss in words: the loss itself, and on a log axis (`logLoss`) also the gap L − L* that
// the axis draws (`drawn`), so neither is read as the other.
export function lossWords(loss, drawn, logLoss) {
  return logLoss ? `loss ${fmt(loss)} (L − L* ${fmt(drawn)})` : `loss ${fmt(loss)}`;
}

// The learning rate in words: the starting rate `start`, or under a schedule (`now` not null)
// the rate the epoch shown ran at, with the starting rate beside it.
export function rateWords(start, now) {
  return now === null ? `η = ${fmt(start)}` : `η = ${fmt(now)} (η₀ = ${fmt(start)})`;
}

// A whole number with thousands separators: 10000 -> "10,000".
export function grouped(n) {
  return n.toLocaleString("en-US");
}

// Index of the last entry of the ascending array `values` that is <= `x` (-1 if none).
export function lastAtOrBelow(values, x) {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
