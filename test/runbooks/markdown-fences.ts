/**
 * The fenced code blocks of a markdown text, with their info strings and line numbers: what the
 * runbook runner reads before deciding which blocks run (test/runbooks/runbook-page.ts).
 *
 * CommonMark's fences, as far as runbooks use them: an opening line of at least three backticks
 * or tildes, indented by at most three spaces beyond a list item's indentation (any indentation is
 * accepted, as in a nested list), then the info string; the block ends at a line holding a fence
 * of the same character, at least as long. The content is de-indented by the opening fence's
 * indentation, so a block inside a list item runs as written.
 */

export interface MarkdownFence {
  /** The info string, trimmed (`bash runnable verify`); empty when none. */
  readonly info: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The content, without the fences, de-indented by the opening fence's indentation. */
  readonly content: string;
}

const OPENING = /^(\s*)(`{3,}|~{3,})(.*)$/;

export function markdownFences(text: string): MarkdownFence[] {
  const lines = text.split('\n');
  const fences: MarkdownFence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = OPENING.exec(lines[i] ?? '');
    if (!open) continue;
    const [, indent = '', marker = '', info = ''] = open;
    if (marker.startsWith('`') && info.includes('`')) continue; // an inline code span, not a fence
    const end = closingLine(lines, i + 1, marker);
    const body = lines.slice(i + 1, end).map((l) => dedent(l, indent.length));
    fences.push({ info: info.trim(), line: i + 1, content: body.join('\n') });
    i = end;
  }
  return fences;
}

/** Index of the closing fence's line, or `lines.length` when the block runs to the end. */
function closingLine(lines: readonly string[], from: number, marker: string): number {
  const char = marker[0] === '`' ? '`' : '~';
  const closing = new RegExp(`^\\s*\\${char}{${marker.length},}\\s*$`);
  for (let j = from; j < lines.length; j++) if (closing.test(lines[j] ?? '')) return j;
  return lines.length;
}

function dedent(line: string, width: number): string {
  let cut = 0;
  while (cut < width && line[cut] === ' ') cut++;
  return line.slice(cut);
}
