/**
 * Renders text that came from the network for places a human reads: error messages, log lines,
 * `/stats.txt`. Control characters, whitespace other than a plain space, backslashes and anything
 * outside printable ASCII are escaped (`\n`, `\x1b`, `\u00e9`), so one value can never forge a line
 * or a field; values longer than `maxChars` are cut, saying how long they were.
 */
export function renderUntrusted(text: string, maxChars = 80): string {
  const head = text.length > maxChars ? text.slice(0, maxChars) : text;
  const escaped = head.replace(UNSAFE, escapeChar);
  return text.length > maxChars ? `${escaped}…(${text.length} chars)` : escaped;
}

const UNSAFE = /[^\x20-\x5b\x5d-\x7e]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\\': '\\\\' };

function escapeChar(ch: string): string {
  const named = NAMED[ch];
  if (named !== undefined) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
