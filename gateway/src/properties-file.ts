/**
 * Java `.properties` text → key/value map: `#`/`!` comments, `=`, `:` or whitespace separators,
 * backslash line continuations and escapes (`\t \n \r \f \uXXXX`, others drop the backslash).
 * Later keys win, as in `java.util.Properties`.
 */
export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const logical of logicalLines(text)) {
    const m = /^((?:\\.|[^=:\s\\])*)\s*[=:\s]?\s*(.*)$/s.exec(logical);
    if (!m) continue;
    out.set(unescapeJava(m[1] ?? ''), unescapeJava(m[2] ?? ''));
  }
  return out;
}

function logicalLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: string[] = [];
  let current: string | undefined;
  for (const raw of lines) {
    const line = current === undefined ? raw.replace(/^\s+/, '') : raw.replace(/^\s+/, '');
    if (current === undefined && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    const joined = (current ?? '') + line;
    if (endsWithOddBackslashes(joined)) {
      current = joined.slice(0, -1);
      continue;
    }
    out.push(joined);
    current = undefined;
  }
  if (current !== undefined) out.push(current);
  return out;
}

function endsWithOddBackslashes(s: string): boolean {
  const m = /\\+$/.exec(s);
  return m !== null && m[0].length % 2 === 1;
}

function unescapeJava(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ({ t: '\t', n: '\n', r: '\r', f: '\f' } as Record<string, string>)[c] ?? c;
  });
}
