import { checkpointSourceBytes } from './checkpoint-claim';
import { LuaPatternMatcher } from './lua-pattern/lua-pattern-matcher';

/** PinLater's checkpoint search: the source with every Lua magic character %-escaped, as a pattern. */
function pinlaterClaimMatches(claim: string, source: string): boolean {
  const escaped = source.replace(/[%^$().[\]*+\-?]/g, (c) => `%${c}`);
  return LuaPatternMatcher.fromString(escaped).matches(Buffer.from(claim, 'utf8'));
}

function plainClaimMatches(claim: string, source: string): boolean {
  return Buffer.from(claim, 'utf8').indexOf(checkpointSourceBytes(source)) !== -1;
}

describe('checkpoint claim test: plain substring search = PinLater escaped Lua pattern', () => {
  const claim = 'host.example:9010:1700000000000:worker-a.b%[x]^$(y)*+?:7';
  it.each([
    '', 'worker-a.b', 'worker.a', 'worker-a', 'a.b%[x]^$(y)*+?', '%[', '^', '$', '(y)', '.b', 'x]', 'zz',
    'worker-a.b\0anything', '\0', ':7', 'host.example:9010:1700000000000:worker-a.b%[x]^$(y)*+?:7', 'é',
  ])('source %j', (source) => {
    expect(plainClaimMatches(claim, source)).toBe(pinlaterClaimMatches(claim, source));
  });

  it('agrees on generated claims and sources over magic characters', () => {
    const alphabet = ['a', 'b', '.', '%', '[', ']', '^', '$', '(', ')', '*', '+', '-', '?', ':', 'é', '\0'];
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const text = (max: number): string => Array.from({ length: next(max) }, () => alphabet[next(alphabet.length)]).join('');
    for (let i = 0; i < 3000; i++) {
      const c = text(12);
      const s = next(3) === 0 ? c.slice(next(c.length + 1)) : text(4);
      expect([c, s, plainClaimMatches(c, s)]).toEqual([c, s, pinlaterClaimMatches(c, s)]);
    }
  });
});
