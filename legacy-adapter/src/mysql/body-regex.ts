/**
 * Body regexes for count, scan and delete (FACTS §5.5 "Body regex").
 *
 * PinLater pastes the regex unescaped between single quotes (`AND body REGEXP '<re>'`), so MySQL's
 * string-literal rules apply to it before the regex engine sees it, and a `'` breaks (or injects
 * into) the statement. We bind it as a parameter instead (never pasted into SQL), after decoding it
 * the way the server decodes that literal, so every regex that worked on PinLater matches the same
 * rows here (`\\d` reaches REGEXP as `\d`, `\d` as `d`, `''` as `'`). A lone `'`, which made PinLater
 * fail or run injected SQL, is taken literally. docs/compatibility.md, "Legacy MySQL: body regex".
 */

/** `undefined` when PinLater adds no clause (null or empty regex). */
export function bodyRegexParameter(regex: string | undefined): string | undefined {
  if (regex === undefined || regex.length === 0) return undefined;
  return decodeMysqlStringLiteral(regex);
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  "'": "'",
  '"': '"',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  '\\': '\\',
  '%': '\\%',
  _: '\\_',
};

/**
 * The value of a single-quoted MySQL string literal whose body is `text` (default sql_mode, i.e.
 * without NO_BACKSLASH_ESCAPES): backslash escapes as in the MySQL manual ("String Literals"),
 * unknown escapes drop the backslash, `\%` and `\_` keep it, `''` is one quote.
 */
export function decodeMysqlStringLiteral(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '\\' && next !== undefined) {
      out += ESCAPES[next] ?? next;
      i++;
    } else if (c === "'" && next === "'") {
      out += "'";
      i++;
    } else {
      out += c;
    }
  }
  return out;
}
