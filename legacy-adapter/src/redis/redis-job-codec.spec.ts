import { javaUtf8Text, replySecondsToMs, truncateCustomStatus } from './redis-job-codec';

describe('Redis text encodings (FACTS §6.2)', () => {
  it('truncates custom status to 3000 UTF-16 units as Java substring + UTF-8 encoding', () => {
    expect(truncateCustomStatus('a'.repeat(3001))).toBe('a'.repeat(3000));
    expect(truncateCustomStatus(`${'a'.repeat(2999)}\u{1F600}`)).toBe(`${'a'.repeat(2999)}?`);
    expect(truncateCustomStatus('\u{1F600}')).toBe('\u{1F600}');
    expect(javaUtf8Text('x\uDC00y')).toBe('x?y');
  });

  it('reads seconds as Java does: (long) (Double.valueOf(text) * 1000)', () => {
    expect(replySecondsToMs(Buffer.from('1.700000000123E9'))).toBe(1_700_000_000_123);
    // ZSCORE prints %.17g text, which parses back to the very double Java wrote.
    expect(replySecondsToMs('1700000000.1229999')).toBe(1_700_000_000_123);
    expect(replySecondsToMs(null)).toBe(0);
  });
});
