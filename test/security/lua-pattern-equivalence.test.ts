/**
 * The gateway's Lua pattern matcher (legacy-adapter/src/redis/lua-pattern/) against the real
 * thing: Redis's embedded Lua 5.1 `string.match`, called through `pcall` in batches, over a
 * generated corpus of patterns and bodies (seeded, so a failure reproduces). Every pair must give
 * the same outcome: match, no match, or the same error message.
 *
 * Patterns are built from tokens (classes and complements, sets with ranges/classes/`^`, the four
 * quantifiers, anchors, captures and position captures, back-references, `%b`, `%f`, malformed
 * pieces, raw magic bytes, a NUL byte); bodies are short strings over a small alphabet with
 * non-ASCII bytes and NUL. Bodies stay short so that even a backtracking-heavy pattern costs
 * Redis little.
 */
import { LuaPatternError } from '../../legacy-adapter/src/redis/lua-pattern/lua-pattern-errors';
import { LuaPatternMatcher } from '../../legacy-adapter/src/redis/lua-pattern/lua-pattern-matcher';
import { assertNoLeaks } from '../support/leak-check';
import { openRedis, closeRedis, type TestRedisClient } from '../support/redis';
import { seededRandom } from '../support/seeded-random';

/** ARGV = body1, pattern1, body2, pattern2, ...; one outcome per pair: "M", "N" or "E:<message>". */
const LUA_MATCH_BATCH = `
local out = {}
for i = 1, #ARGV, 2 do
  local ok, r = pcall(string.match, ARGV[i], ARGV[i + 1])
  if not ok then
    out[#out + 1] = 'E:' .. tostring(r)
  elseif r == nil then
    out[#out + 1] = 'N'
  else
    out[#out + 1] = 'M'
  end
end
return out`;

const SEED = 0x8a11ce;
const PAIRS = 12_000;
const BATCH = 400;

type Random = () => number;
const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;

const BODY_BYTES = ['a', 'b', 'c', 'A', '1', '9', '_', ' ', '(', ')', '[', ']', '%', '.', '-', '\xe9', '\x80', '\xff', '\x00', '\n'];
const CLASS_LETTERS = 'acdlpsuwxzACDLPSUWXZq.%]('.split('');
const SET_ITEMS = ['a', 'b', 'a-c', '0-9', '%d', '%a', '%S', '%z', '%c', '%W', '_', ']', '^', '-', '\x80-\xff', '%]', '%', 'z-a'];
const MALFORMED = ['[', '[^', '[a', '%', '(', ')', '%b', '%ba', '%f', '%fa', '%0', '%9', '[%', '[]', '[^]'];
const RAW = ['^', '$', '(', ')', '.', '%', '[', ']', '*', '+', '-', '?', '\x00', '\xe9'];

function genSet(rnd: Random): string {
  const n = 1 + Math.floor(rnd() * 3);
  let items = '';
  for (let i = 0; i < n; i++) items += pick(rnd, SET_ITEMS);
  return `[${rnd() < 0.3 ? '^' : ''}${items}]`;
}

function genAtom(rnd: Random): string {
  const r = rnd();
  if (r < 0.35) return pick(rnd, BODY_BYTES.filter((c) => !'()[]%.-\x00'.includes(c)));
  if (r < 0.45) return '.';
  if (r < 0.65) return `%${pick(rnd, CLASS_LETTERS)}`;
  return genSet(rnd);
}

/** One pattern item; `captures` counts the captures opened so far (for back-references). */
function genItem(rnd: Random, captures: { n: number }, depth: number): string {
  const r = rnd();
  if (r < 0.55) return genAtom(rnd) + pick(rnd, ['', '', '*', '+', '-', '?']);
  if (r < 0.65 && depth < 2) {
    captures.n++;
    return `(${genSeq(rnd, captures, depth + 1, 1 + Math.floor(rnd() * 3))})`;
  }
  if (r < 0.68) {
    captures.n++;
    return '()';
  }
  if (r < 0.74) return `%${1 + Math.floor(rnd() * Math.max(captures.n, 1) + (rnd() < 0.2 ? 1 : 0))}`;
  if (r < 0.8) return `%b${pick(rnd, ['()', '[]', 'ab', 'aa', '%%'])}`;
  if (r < 0.86) return `%f${genSet(rnd)}`;
  if (r < 0.93) return pick(rnd, RAW);
  return pick(rnd, MALFORMED);
}

function genSeq(rnd: Random, captures: { n: number }, depth: number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += genItem(rnd, captures, depth);
  return out;
}

/** At most four unbounded repetitions, so that the backtracking stays cheap on short bodies. */
function genPattern(rnd: Random): string {
  for (;;) {
    const body = genSeq(rnd, { n: 0 }, 0, Math.floor(rnd() * 6));
    const pattern = `${rnd() < 0.2 ? '^' : ''}${body}${rnd() < 0.15 ? '$' : ''}`;
    if ((pattern.match(/[*+-]/g) ?? []).length <= 4) return pattern;
  }
}

function genBody(rnd: Random): string {
  const length = Math.floor(rnd() * 13);
  let out = '';
  for (let i = 0; i < length; i++) out += pick(rnd, BODY_BYTES);
  return out;
}

/** Hand-picked cases (the unit spec's) on top of the generated ones. */
const FIXED: Array<[string, string]> = [
  ['abc', '['], ['abc', '[^]'], ['abc', '[a%'], ['abc', '%'], ['abc', '(a'], ['abc', ')'], ['abc', '%1'],
  ['abc', '(a)%0'], ['abc', '(a%1)'], ['abc', '%b'], ['abc', '%ba'], ['abc', '%fa'], ['bbb', 'a['], ['a', 'a['],
  ['', '['], ['xyz', '^a%'], ['abc', 'x('], ['abc', 'b\x00zzz'], ['abc', '[b\x00]'], ['xx', '()x%1'],
  ['f(a(b)c)d', '%b()'], ['THE (quick) fox', '%f[%a]%a+%f[%A]'], ['a$b', 'a$b'], ['a^b', 'a^b'], ['jo1', 'job-1'],
  ['\xe9', '%a'], ['\xe9', '%A'], ['^', '[]^]'], ['\xff', '[\x80-\xff]'], ['a\x00b', '%z'], ['a', '%Z'],
  ['a'.repeat(40), '(a)'.repeat(33)], ['xx(ab)', '.*%b()'], ['x', '.+x'], ['abc', '.*['],
];

function ours(body: Buffer, pattern: Buffer): string {
  try {
    return new LuaPatternMatcher(pattern).matches(body) ? 'M' : 'N';
  } catch (e) {
    if (e instanceof LuaPatternError) return `E:${e.message}`;
    throw e;
  }
}

let redis: TestRedisClient;
beforeAll(async () => {
  redis = await openRedis();
});
afterAll(async () => {
  await closeRedis(redis);
});
afterAll(assertNoLeaks);

it(`gives Lua 5.1's string.match outcome (match, no match, error message) on ${PAIRS} generated pairs`, async () => {
  const rnd = seededRandom(SEED);
  const pairs: Array<[Buffer, Buffer]> = FIXED.map(([b, p]) => [Buffer.from(b, 'latin1'), Buffer.from(p, 'latin1')]);
  while (pairs.length < PAIRS) pairs.push([Buffer.from(genBody(rnd), 'latin1'), Buffer.from(genPattern(rnd), 'latin1')]);

  const mismatches: string[] = [];
  const seen = new Map<string, number>();
  for (let i = 0; i < pairs.length; i += BATCH) {
    const batch = pairs.slice(i, i + BATCH);
    const lua = (await redis.sendCommand(['EVAL', LUA_MATCH_BATCH, '0', ...batch.flat()])) as string[];
    batch.forEach(([body, pattern], j) => {
      const expected = lua[j] as string;
      seen.set(expected, (seen.get(expected) ?? 0) + 1);
      const actual = ours(body, pattern);
      if (actual !== expected) {
        mismatches.push(`body ${JSON.stringify(body.toString('latin1'))} pattern ${JSON.stringify(pattern.toString('latin1'))}: Lua ${expected}, ours ${actual}`);
      }
    });
  }
  expect(mismatches.slice(0, 20)).toEqual([]);
  // The corpus exercises every outcome: matches, misses and each of Lua's pattern errors.
  expect(seen.get('M')).toBeGreaterThan(PAIRS / 10);
  expect(seen.get('N')).toBeGreaterThan(PAIRS / 10);
  const errors = [...seen.keys()].filter((k) => k.startsWith('E:')).sort();
  expect(errors).toEqual(
    [
      "E:malformed pattern (ends with '%')",
      "E:malformed pattern (missing ']')",
      "E:missing '[' after '%f' in pattern",
      'E:invalid capture index',
      'E:invalid pattern capture',
      'E:too many captures',
      'E:unbalanced pattern',
      'E:unfinished capture',
    ].sort(),
  );
});
