/**
 * How `pinlater-ops` prints: aligned text tables for people, one JSON document (stable keys, two-
 * space indent) for `--json`. Values that come from ZooKeeper or a datastore (reasons, operator
 * names, queue and gateway names) go through renderUntrusted, so none can forge a line or inject
 * terminal escapes; JSON output escapes them by construction.
 */
import { renderUntrusted } from '../../../core/src/util/render-untrusted';

/** Columns padded to their widest cell; the last column is not padded. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(headers), ...rows.map(line)].map((l) => `  ${l}`).join('\n');
}

/** A value from outside (ZooKeeper, a datastore) as one safe field; long values are cut. */
export function field(value: string | null | undefined, maxChars = 60): string {
  if (value === null || value === undefined || value === '') return '-';
  return renderUntrusted(value, maxChars);
}

/** A titled section: `Title (n):` then its body, or `Title: none`. */
export function section(title: string, count: number, body: () => string): string {
  return count === 0 ? `${title}: none` : `${title} (${count}):\n${body()}`;
}

export function toJson(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
