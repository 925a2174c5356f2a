/**
 * What MySQL runs from a statement or migration file: comments that are only for readers dropped
 * and whitespace normalized, so the text a statement file or a migration is identified by (the
 * loader's cache, the migrator's checksum) changes only when the statement does.
 *
 * Rules, as MySQL's lexer reads them (MySQL "Comments"): `-- ` (dashes then whitespace or the end)
 * and `#` start a comment that runs to the end of the line; `/* … *\/` is kept verbatim, since
 * MySQL reads optimizer hints (`/*+ MAX_EXECUTION_TIME(…) *\/`) from it; nothing inside '…', "…"
 * or `…` is touched (doubled quotes and backslash escapes stay inside). Every other run of
 * whitespace becomes one space, and the text is trimmed. Joining a file into one line is only
 * safe because line comments are cut where they start, not just when they fill a line.
 */

/** The statement text of a file that holds one statement (or one fragment of one). */
export function normalizeSql(text: string): string {
  return scan(text, false).join(' ');
}

/** The statements of a file of `;`-terminated statements (a migration), each normalized. */
export function splitSqlStatements(text: string): string[] {
  return scan(text, true);
}

const QUOTES = new Set(["'", '"', '`']);

function scan(text: string, splitOnSemicolon: boolean): string[] {
  const statements: string[] = [];
  let current = '';
  let space = false;
  const emit = (chunk: string): void => {
    if (space && current.length > 0) current += ' ';
    space = false;
    current += chunk;
  };
  for (let i = 0; i < text.length; ) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      space = true;
      i += 1;
    } else if (isLineComment(text, i)) {
      i = endOfLine(text, i);
      space = true;
    } else if (c === ';' && splitOnSemicolon) {
      if (current.length > 0) statements.push(current);
      current = '';
      space = false;
      i += 1;
    } else {
      const end = QUOTES.has(c) ? endOfQuoted(text, i) : text.startsWith('/*', i) ? endOfBlockComment(text, i) : i + 1;
      emit(text.slice(i, end));
      i = end;
    }
  }
  if (current.length > 0) statements.push(current);
  return statements;
}

function isLineComment(text: string, i: number): boolean {
  if (text[i] === '#') return true;
  if (!text.startsWith('--', i)) return false;
  const next = text[i + 2];
  return next === undefined || /\s/.test(next);
}

function endOfLine(text: string, i: number): number {
  const newline = text.indexOf('\n', i);
  return newline < 0 ? text.length : newline;
}

/** Index just past the quoted literal or identifier starting at `start` (its end if unclosed). */
function endOfQuoted(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\' && quote !== '`') i += 1;
    else if (c === quote) {
      if (text[i + 1] !== quote) return i + 1;
      i += 1;
    }
  }
  return text.length;
}

function endOfBlockComment(text: string, start: number): number {
  const close = text.indexOf('*/', start + 2);
  return close < 0 ? text.length : close + 2;
}
