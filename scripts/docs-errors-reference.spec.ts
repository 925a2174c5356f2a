/**
 * runbooks/gateway-errors-reference.md covers every error message the product code can send to a
 * client (issue 16): each raise site scripts/error-sites.ts finds in core/, gateway/,
 * legacy-adapter/, pacer/ and migration/ must have a row in one of the page's tables with its code
 * (the row's Code/Type cell, else the code in the section heading), its backend (the row's
 * Backend cell: Redis, MySQL, Pacer, routing, or `any` for the gateway's own checks) and its
 * message: every literal part of the message, in order, inside one code span of the row's message
 * cell (`<…>` placeholders stand where values go).
 *
 * A message with no literal text at its site (a forwarded error, a priority number, a helper of
 * another file) is listed in DYNAMIC with the words the page must say about it instead.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../core/src/errors/error-code';
import { ApplicationExceptionType } from '../gateway/src/server/application-exception';
import { errorSites, HOLE, type ErrorSite } from './error-sites';
import { listRepoFiles, REPO_ROOT } from './repo-files';

const PAGE_PATH = 'runbooks/gateway-errors-reference.md';
const SOURCE_FOLDERS = ['core', 'gateway', 'legacy-adapter', 'pacer', 'migration'];
const BACKEND_WORDS = ['Redis', 'MySQL', 'Pacer', 'routing', 'any'] as const;
type Backend = (typeof BACKEND_WORDS)[number];

/** Which backend's clients a site's messages reach, by path (first match wins). */
const BACKENDS_BY_PATH: ReadonlyArray<readonly [string, readonly Backend[]]> = [
  ['legacy-adapter/src/redis/', ['Redis']],
  ['legacy-adapter/src/mysql/', ['MySQL']],
  ['core/src/backend/', ['Redis', 'MySQL']], // the legacy backends' shared base
  ['core/src/descriptors/', ['Redis', 'MySQL']], // PinLater's descriptor format
  ['core/src/sql/', ['MySQL', 'Pacer']], // body-regex statement time limits
  ['core/src/routing/', ['routing']],
  ['core/src/shadow/', ['routing']],
  ['migration/src/routing/', ['routing']],
  ['pacer/', ['Pacer']],
  ['gateway/', ['any']], // the service layer and the transport, whatever the backend
];

interface Dynamic {
  readonly file: string;
  /** The code written at the site; undefined: a forwarded code (the anchors are looked for anywhere on the page). */
  readonly code: string | undefined;
  readonly anchors: readonly string[];
  readonly why: string;
}

const DYNAMIC: readonly Dynamic[] = [
  { file: 'core/src/backend/sharded-backend.ts', code: 'PRIORITY_NOT_SUPPORTED', anchors: ['the bad priority'], why: 'the message is the priority itself (PinLater)' },
  { file: 'gateway/src/service/pinlater-service-impl.ts', code: 'PRIORITY_NOT_SUPPORTED', anchors: ['the bad priority'], why: 'the message is the priority itself' },
  { file: 'pacer/src/api/pacer-backend.ts', code: 'PRIORITY_NOT_SUPPORTED', anchors: ['the bad priority'], why: 'the message is the priority itself' },
  { file: 'pacer/src/api/pacer-job-mover.ts', code: 'PRIORITY_NOT_SUPPORTED', anchors: ['the bad priority'], why: 'the message is the priority itself' },
  { file: 'gateway/src/server/rpc-processor.ts', code: 'PROTOCOL_ERROR', anchors: ['Required field \'', 'Length <n> exceeds the <m> bytes left in the frame'], why: 'forwards the decoder\'s ProtocolError message (its own sites are checked)' },
  { file: 'gateway/src/server/rpc-processor.ts', code: 'UNKNOWN_METHOD', anchors: ['Invalid method name: \'<name>\''], why: 'application-exception.ts unknownMethodMessage' },
  { file: 'gateway/src/server/rpc-processor.ts', code: 'INTERNAL_ERROR', anchors: ['declares none'], why: 'a PinLaterException of a method without a throws clause: none in PinLater\'s IDL' },
  { file: 'gateway/src/server/struct-codec.ts', code: 'PROTOCOL_ERROR', anchors: ['Required field \'<field>\' was not found in serialized data! Struct: <Struct>', 'Required field \'<field>\' was not present! Struct: <Struct>'], why: 'one of two texts, by field type' },
  { file: 'legacy-adapter/src/mysql/mysql-errors.ts', code: 'UNKNOWN', anchors: ['com.mysql.jdbc.exceptions.jdbc4.CommunicationsException: Communications link failure', 'com.mysql.jdbc.exceptions.jdbc4.MySQLTransactionRollbackException'], why: 'javaStyleMessage: the JDBC class for the failure kind + the server\'s message' },
  { file: 'legacy-adapter/src/redis/body-filter/body-filter.ts', code: 'UNKNOWN', anchors: ['redis.clients.jedis.exceptions.JedisDataException: ERR bodyRegexToMatch: <Lua\'s message>'], why: 'jedisDataMessage of redis-errors.ts around Lua\'s own message' },
  { file: 'legacy-adapter/src/redis/redis-errors.ts', code: 'UNKNOWN', anchors: ['<JS error name>: <message>'], why: 'a thrown value that is not an Error, as its text' },
  { file: 'pacer/src/datastore/mysql-errors.ts', code: 'UNKNOWN', anchors: ['Pacer datastore error <CODE> (<errno>); details are in the server log', '<driver code or error name>: <message>'], why: 'built from the driver\'s code and number (clientMessage), or our own error\'s text' },
  { file: 'pacer/src/rpc/thrift-broker-client.ts', code: undefined, anchors: ['reach the client unchanged'], why: 'a broker\'s BrokerError{code, message} forwarded as is' },
];

interface Entry {
  readonly line: number;
  readonly codes: ReadonlySet<string>;
  readonly backends: ReadonlySet<string>;
  readonly messages: readonly string[];
}

const KNOWN_CODES = new Set([
  ...Object.keys(ErrorCode).filter((k) => Number.isNaN(Number(k))),
  ...Object.keys(ApplicationExceptionType),
]);

const normalize = (text: string): string => text.replace(/\s+/g, ' ');
const codesIn = (text: string): string[] => [...text.matchAll(/[A-Z][A-Z_]{4,}/g)].map((m) => m[0]).filter((c) => KNOWN_CODES.has(c));
const codeSpans = (text: string): string[] => [...text.matchAll(/`([^`]+)`/g)].map((m) => normalize(m[1] ?? ''));

/** Cells of a table row; `\|` stays inside its cell. */
function cells(row: string): string[] {
  return row.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** Every row of every table of the page that has a message column. */
function pageEntries(markdown: string): Entry[] {
  const lines = markdown.split('\n');
  const out: Entry[] = [];
  let headingCodes: string[] = [];
  let columns: { code: number; backend: number; message: number } | undefined;
  lines.forEach((line, i) => {
    if (line.startsWith('#')) headingCodes = codesIn(line);
    if (!line.startsWith('|')) {
      columns = undefined;
      return;
    }
    if (/^\|[\s|:-]+\|$/.test(line.trim())) return;
    const row = cells(line);
    if (columns === undefined) {
      const at = (re: RegExp): number => row.findIndex((h) => re.test(h));
      columns = { code: at(/^(Code|Type)$/i), backend: at(/^Backend$/i), message: at(/message/i) };
      return;
    }
    if (columns.message < 0 || columns.backend < 0) return;
    const codeCell = columns.code < 0 ? '' : row[columns.code] ?? '';
    const codes = codesIn(codeCell).length > 0 ? codesIn(codeCell) : headingCodes;
    const backends = new Set(BACKEND_WORDS.filter((w) => new RegExp(`\\b${w}\\b`).test(row[columns?.backend ?? -1] ?? '')));
    out.push({ line: i + 1, codes: new Set(codes), backends, messages: codeSpans(row[columns.message] ?? '') });
  });
  return out;
}

/** The template's literal parts appear in `message` in order (placeholders stand for its holes). */
function matches(template: readonly string[], message: string): boolean {
  let from = 0;
  for (const part of template) {
    if (part === HOLE) continue;
    const literal = normalize(part).trim();
    if (literal === '') continue;
    const at = message.indexOf(literal, from);
    if (at < 0) return false;
    from = at + literal.length;
  }
  return true;
}

const isDynamic = (site: ErrorSite): boolean => site.code === undefined || site.template.filter((p) => p !== HOLE).join('').replace(/[^A-Za-z]/g, '').length < 3;

function backendsOf(file: string): readonly Backend[] | undefined {
  return BACKENDS_BY_PATH.find(([prefix]) => file.startsWith(prefix))?.[1];
}

/** The page's rows that can document a message of `code` raised for `backends`. */
function candidates(entries: readonly Entry[], code: string, backends: readonly Backend[]): Entry[] {
  return entries.filter((e) => e.codes.has(code) && (e.backends.has('any') || backends.every((b) => e.backends.has(b))));
}

function show(site: ErrorSite): string {
  const text = site.template.map((p) => (p === HOLE ? '<…>' : p)).join('');
  return `${site.file}:${site.line} ${site.code ?? '(forwarded)'} [${(backendsOf(site.file) ?? ['?']).join(', ')}] \`${text}\``;
}

function allSites(): ErrorSite[] {
  const isSource = (name: string): boolean => name.endsWith('.ts') && !name.endsWith('.d.ts') && !name.endsWith('.spec.ts');
  return SOURCE_FOLDERS.flatMap((folder) => listRepoFiles(folder, isSource))
    .flatMap((file) => errorSites(file, readFileSync(path.join(REPO_ROOT, file), 'utf8')));
}

const PAGE = readFileSync(path.join(REPO_ROOT, PAGE_PATH), 'utf8');
const ENTRIES = pageEntries(PAGE);
const SITES = allSites();

describe(`${PAGE_PATH} covers every error message`, () => {
  it('finds the raise sites (sanity: the extraction still sees the code)', () => {
    expect(SITES.length).toBeGreaterThan(80);
    expect(SITES.map(show)).toEqual(expect.arrayContaining([expect.stringMatching(/^pacer\/src\/api\/dequeue-router\.ts:\d+ NO_HEALTHY_SHARDS \[Pacer\] `Unable to find healthy shard`$/)]));
    expect(SITES.filter((s) => backendsOf(s.file) === undefined).map(show)).toEqual([]);
  });

  it('every message has a row with its code, its backend and its text', () => {
    const missing = SITES.filter((s) => !isDynamic(s))
      .filter((s) => !candidates(ENTRIES, s.code as string, backendsOf(s.file) ?? []).some((e) => e.messages.some((m) => matches(s.template, m))))
      .map(show);
    expect(missing).toEqual([]);
  });

  it('every message without literal text at its site is listed in DYNAMIC, and the page says what DYNAMIC says it does', () => {
    const dynamic = SITES.filter(isDynamic);
    const unlisted = dynamic.filter((s) => !DYNAMIC.some((d) => d.file === s.file && d.code === s.code)).map(show);
    expect(unlisted).toEqual([]);
    const stale = DYNAMIC.filter((d) => !dynamic.some((s) => s.file === d.file && s.code === d.code)).map((d) => `${d.file} ${d.code ?? '(forwarded)'}`);
    expect(stale).toEqual([]);
    const undocumented = DYNAMIC.flatMap((d) => {
      const rows = d.code === undefined ? [normalize(PAGE)] : candidates(ENTRIES, d.code, backendsOf(d.file) ?? []).map((e) => normalize(PAGE.split('\n')[e.line - 1] ?? ''));
      return d.anchors.filter((a) => !rows.some((r) => r.includes(normalize(a)))).map((a) => `${d.file} ${d.code ?? '(forwarded)'}: "${a}"`);
    });
    expect(undocumented).toEqual([]);
  });

  it('names the old Pacer text, so a search for it from an old log or page finds the entry', () => {
    expect(PAGE).toContain('No Pacer broker serves queue');
  });
});
