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
