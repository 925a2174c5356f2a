import { LuaPatternError, PatternStepLimitError } from './lua-pattern-errors';
import { LuaPatternMatcher, MAX_MATCH_DEPTH } from './lua-pattern-matcher';

/** 'M' match, 'N' no match, or Lua's error message. Expectations are Lua 5.1's (checked on Redis). */
function outcome(subject: string | Buffer, pattern: string | Buffer, maxSteps?: number): string {
  const p = typeof pattern === 'string' ? Buffer.from(pattern, 'latin1') : pattern;
  const s = typeof subject === 'string' ? Buffer.from(subject, 'latin1') : subject;
  try {
    return new LuaPatternMatcher(p).matches(s, maxSteps) ? 'M' : 'N';
  } catch (e) {
    if (e instanceof LuaPatternError) return e.message;
    throw e;
  }
}

describe('LuaPatternMatcher: Lua 5.1 string.match semantics', () => {
  it.each([
    ['abc', '', 'M'],
    ['', '', 'M'],
    ['abc', 'b', 'M'],
    ['abc', 'x', 'N'],
    ['abc', '^b', 'N'],
    ['abc', '^a', 'M'],
    ['abc', 'c$', 'M'],
    ['abc', 'b$', 'N'],
    ['a$b', 'a$b', 'M'],
    ['a^b', 'a^b', 'M'],
    ['abc', '.', 'M'],
    ['', '.', 'N'],
    ['job_body_12', 'job_body_1.*', 'M'],
    ['id-42', '^id%-%d+$', 'M'],
    ['id-4x', '^id%-%d+$', 'N'],
    ['job-1', 'job-1', 'N'],
    ['jo1', 'job-1', 'M'],
    ['aaa', '^a-$', 'M'],
    ['aaab', '^a-b', 'M'],
    ['b', 'a?b', 'M'],
    ['*', '*', 'M'],
    ['a', 'a**', 'N'],
    ['a*', 'a**', 'M'],
  ])('string.match(%j, %j) -> %s', (s, p, expected) => {
    expect(outcome(s, p)).toBe(expected);
  });

  it.each([
    ['A', '%a', 'M'],
    ['\xe9', '%a', 'N'],
    ['\xe9', '%A', 'M'],
    ['\x7f', '%c', 'M'],
    ['5', '%d', 'M'],
    ['a', '%D', 'M'],
    ['A', '%l', 'N'],
    ['!', '%p', 'M'],
    ['~', '%p', 'M'],
    ['\x0b', '%s', 'M'],
    ['Z', '%u', 'M'],
    ['_', '%w', 'N'],
    ['F', '%x', 'M'],
    ['g', '%x', 'N'],
    ['a\0b', '%z', 'M'],
    ['a', '%z', 'N'],
    ['a', '%Z', 'M'],
    ['q', '%q', 'M'],
    ['.', '%.', 'M'],
    ['a', '%.', 'N'],
  ])('class: string.match(%j, %j) -> %s', (s, p, expected) => {
    expect(outcome(s, p)).toBe(expected);
  });

  it.each([
    ['b', '[abc]', 'M'],
    ['d', '[abc]', 'N'],
    ['d', '[^abc]', 'M'],
    ['m', '[a-z]', 'M'],
    ['-', '[a-]', 'M'],
    [']', '[]]', 'M'],
    ['^', '[]^]', 'M'],
    ['7', '[%d]', 'M'],
    [']', '[%]]', 'M'],
    ['\xff', '[\x80-\xff]', 'M'],
    ['x', '[^%a]', 'N'],
  ])('set: string.match(%j, %j) -> %s', (s, p, expected) => {
    expect(outcome(s, p)).toBe(expected);
  });

  it.each([
    ['aa', '(a)%1', 'M'],
    ['ab', '(a)%1', 'N'],
    ['abab', '(a(b))%1', 'M'],
    ['x', '()', 'M'],
    ['xx', '()x%1', 'N'],
    ['f(a(b)c)d', '%b()', 'M'],
    ['f(a(b c', '%b()', 'N'],
    ['THE (quick) fox', '%f[%a]%a+%f[%A]', 'M'],
    ['123', '%f[%a]', 'N'],
  ])('capture/balance/frontier: string.match(%j, %j) -> %s', (s, p, expected) => {
    expect(outcome(s, p)).toBe(expected);
  });

  it.each([
    ['abc', '[', "malformed pattern (missing ']')"],
    ['abc', '[^]', "malformed pattern (missing ']')"],
    ['abc', '[a%', "malformed pattern (missing ']')"],
    ['abc', '%', "malformed pattern (ends with '%')"],
    ['abc', '(a', 'unfinished capture'],
    ['abc', ')', 'invalid pattern capture'],
    ['abc', '%1', 'invalid capture index'],
    ['abc', '(a)%0', 'invalid capture index'],
    ['abc', '(a%1)', 'invalid capture index'],
    ['abc', '%b', 'unbalanced pattern'],
    ['abc', '%ba', 'unbalanced pattern'],
    ['abc', '%fa', "missing '[' after '%f' in pattern"],
    ['a'.repeat(40), '(a)'.repeat(33), 'too many captures'],
  ])('error: string.match(%j, %j) -> %s', (s, p, expected) => {
    expect(outcome(s, p)).toBe(expected);
  });

  it('raises errors lazily, only where the match reaches the malformed part', () => {
    expect(outcome('bbb', 'a[')).toBe('N');
    expect(outcome('a', 'a[')).toBe("malformed pattern (missing ']')");
    expect(outcome('', '[')).toBe("malformed pattern (missing ']')");
    expect(outcome('xyz', '^a%')).toBe('N');
    expect(outcome('abc', 'x(')).toBe('N');
  });

  it('ends the pattern at its first NUL byte, as Lua 5.1 (a C string) does', () => {
    expect(outcome('abc', Buffer.from('b\0zzz', 'latin1'))).toBe('M');
    expect(outcome('abc', Buffer.from('[b\0]', 'latin1'))).toBe("malformed pattern (missing ']')");
  });

  it('keeps results on the fast paths (leading byte, leading .* / .- / .+)', () => {
    expect(outcome('xxxxab', 'ab')).toBe('M');
    expect(outcome('xxxxa', 'ab')).toBe('N');
    expect(outcome('xxxx', 'a+')).toBe('N');
    expect(outcome('xx(ab)', '.*%b()')).toBe('M');
    expect(outcome('xy', '.-y$')).toBe('M');
    expect(outcome('x', '.+x')).toBe('N');
    expect(outcome('abc', '.*[')).toBe("malformed pattern (missing ']')");
  });
});

describe('LuaPatternMatcher: bounds', () => {
  it('stops a catastrophic pattern at its step limit', () => {
    const matcher = LuaPatternMatcher.fromString('a*a*a*a*a*c');
    const start = Date.now();
    expect(() => matcher.matches(Buffer.alloc(300, 'a'), 1_000_000)).toThrow(PatternStepLimitError);
    expect(matcher.stepsUsed).toBe(1_000_001);
    expect(Date.now() - start).toBeLessThan(5000);
  });

  it('counts steps proportional to the work: a plain scan costs about one step per byte', () => {
    const matcher = LuaPatternMatcher.fromString('%d');
    expect(matcher.matches(Buffer.alloc(10_000, 'a'))).toBe(false);
    expect(matcher.stepsUsed).toBeGreaterThanOrEqual(10_000);
    expect(matcher.stepsUsed).toBeLessThan(40_000);
  });

  it(`answers "pattern too complex" beyond ${MAX_MATCH_DEPTH} nested matches instead of overflowing the stack`, () => {
    const subject = Buffer.alloc(MAX_MATCH_DEPTH + 10, 'a');
    expect(outcome(subject, 'a?'.repeat(MAX_MATCH_DEPTH - 2))).toBe('M');
    expect(outcome(subject, 'a?'.repeat(MAX_MATCH_DEPTH + 1))).toBe('pattern too complex');
    expect(outcome(subject, '('.repeat(32) + 'a-'.repeat(MAX_MATCH_DEPTH))).toBe('pattern too complex');
  });
});
