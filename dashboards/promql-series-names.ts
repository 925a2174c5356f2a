/**
 * The metric series a PromQL expression reads, for the checks that dashboards and alerting rules
 * use only series of the telemetry catalogue (core/src/telemetry/telemetry-catalogue.ts,
 * `prometheusSeries`). Not a PromQL parser: it removes what cannot be a series name (string
 * literals, label matchers, grouping and matching clauses, range and offset durations, numbers,
 * Grafana variables) and keeps every identifier that is neither a function or aggregation (a name
 * followed by `(`) nor a keyword.
 *
 *   promqlSeriesNames('sum by (le) (rate(rpc_server_call_duration_bucket{job="a"}[5m]))')
 *   // → ['rpc_server_call_duration_bucket']
 */

/** Binary operators, modifiers and literals that look like identifiers. */
const KEYWORDS: ReadonlySet<string> = new Set([
  'and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'inf', 'nan', 'atan2',
]);

const STRINGS = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;
/** Grafana's `$name`, `${name}`, `${name:format}`, `[[name]]`. */
const VARIABLES = /\$\{[^}]*\}|\$\w+|\[\[[^\]]*\]\]/g;
const LABEL_MATCHERS = /\{[^}]*\}/g;
const CLAUSES = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g;
const RANGES = /\[[^\]]*\]/g;
const OFFSETS = /\boffset\s+-?[0-9a-z]+/gi;
const AT_MODIFIERS = /@\s*(?:start\(\)|end\(\)|[0-9.]+)/g;
const NUMBERS = /(?<![A-Za-z_:])(?:0x[0-9a-f]+|[0-9][0-9.]*(?:e[+-]?[0-9]+)?)/gi;
const IDENTIFIER = /[A-Za-z_:][A-Za-z0-9_:]*/g;

/** The series names `expr` reads, each once, in order of appearance. */
export function promqlSeriesNames(expr: string): string[] {
  const text = expr
    .replace(STRINGS, ' ')
    .replace(VARIABLES, ' ')
    .replace(LABEL_MATCHERS, ' ')
    .replace(CLAUSES, ' ')
    .replace(RANGES, ' ')
    .replace(OFFSETS, ' ')
    .replace(AT_MODIFIERS, ' ')
    .replace(NUMBERS, ' ');
  const names: string[] = [];
  for (const match of text.matchAll(IDENTIFIER)) {
    const name = match[0];
    const after = text.slice((match.index ?? 0) + name.length);
    if (/^\s*\(/.test(after) || KEYWORDS.has(name.toLowerCase()) || names.includes(name)) continue;
    names.push(name);
  }
  return names;
}

/** The names `expr` reads that are not in `known`. */
export function unknownSeries(expr: string, known: ReadonlySet<string>): string[] {
  return promqlSeriesNames(expr).filter((name) => !known.has(name));
}
