import { ErrorCode } from '../errors/error-code';
import { PinLaterError } from '../errors/pinlater-error';
import { formatDescriptor, javaSplitColon, parseDescriptor, parseJavaInteger } from './job-descriptor';
import { issuerOfShard, pacerPartitionOf, pacerShardName } from './issuer';

describe('job descriptors (FACTS §4.1)', () => {
  it('formats queue:s<shard>:p<priority>:<id>', () => {
    expect(formatDescriptor({ queue: 'myq', shard: '1d1', priority: 3, localId: 42 })).toBe('myq:s1d1:p3:42');
  });

  it('parses PinLater descriptors, dropping the first character of shard and priority tokens whatever it is', () => {
    expect(parseDescriptor('test_queue:s1d1:p1:1')).toEqual({ queue: 'test_queue', shard: '1d1', priority: 1, localId: 1 });
    expect(parseDescriptor('q:X7:Z2:9')).toEqual({ queue: 'q', shard: '7', priority: 2, localId: 9 });
    expect(parseDescriptor('q:s1:p+2:+9')).toEqual({ queue: 'q', shard: '1', priority: 2, localId: 9 });
  });

  it('drops trailing empty tokens like Java split', () => {
    expect(javaSplitColon('a:b:c:d::')).toEqual(['a', 'b', 'c', 'd']);
    expect(javaSplitColon('')).toEqual(['']);
    expect(parseDescriptor('q:s1:p1:5::').localId).toBe(5);
  });

  it.each(['', 'q:s1:p1', 'q:s1:p1:5:6', 'q:s1:px:5', 'q:s1:p1:5x', 'q:s1:p1:9223372036854775808', 'q:s1:p2147483648:1'])(
    'rejects %p with UNKNOWN',
    (text) => {
      let caught: unknown;
      try {
        parseDescriptor(text);
      } catch (e) {
        caught = e;
      }
      expect(PinLaterError.is(caught, ErrorCode.UNKNOWN)).toBe(true);
    },
  );

  it('parses numbers as Java does', () => {
    expect(parseJavaInteger('-5', 32)).toBe(-5);
    expect(parseJavaInteger('2147483647', 32)).toBe(2147483647);
    expect(parseJavaInteger('2147483648', 32)).toBeUndefined();
    expect(parseJavaInteger(' 1', 32)).toBeUndefined();
    expect(parseJavaInteger('', 64)).toBeUndefined();
  });

  it('parses short numbers (fast path) exactly as the BigInt path does', () => {
    const slow = (text: string, bits: 32 | 64): number | undefined => {
      const v = BigInt(text);
      const limit = bits === 32 ? 2n ** 31n : 2n ** 63n;
      if (v < -limit || v > limit - 1n) return undefined;
      return Number.isSafeInteger(Number(v)) ? Number(v) : undefined;
    };
    const samples = ['0', '-0', '+0', '007', '-2147483648', '-2147483649', '2147483647', '2147483648', '+1', '-1',
      '99999999999999', '-99999999999999', '999999999999999', '+00000000000042', '9223372036854775807', '9223372036854775808',
      '-9223372036854775808', '-9223372036854775809', '0000000000000000000001'];
    for (const text of samples) {
      for (const bits of [32, 64] as const) {
        const got = parseJavaInteger(text, bits);
        expect([text, bits, got]).toEqual([text, bits, slow(text, bits)]);
        if (got === 0) expect(Object.is(got, -0)).toBe(false);
      }
    }
  });

  it('tells Pacer shard tokens from legacy ones', () => {
    expect(pacerShardName(3)).toBe('pacer3');
    expect(pacerPartitionOf('pacer3')).toBe(3);
    expect(pacerPartitionOf('pacer03')).toBeUndefined();
    expect(pacerPartitionOf('1d1')).toBeUndefined();
    expect(issuerOfShard(parseDescriptor('myq:spacer3:p1:42').shard)).toBe('pacer');
    expect(issuerOfShard(parseDescriptor('myq:s1d1:p1:42').shard)).toBe('legacy');
  });
});
