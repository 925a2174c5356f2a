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

  it('tells Pacer shard tokens from legacy ones', () => {
    expect(pacerShardName(3)).toBe('pacer3');
    expect(pacerPartitionOf('pacer3')).toBe(3);
    expect(pacerPartitionOf('pacer03')).toBeUndefined();
    expect(pacerPartitionOf('1d1')).toBeUndefined();
    expect(issuerOfShard(parseDescriptor('myq:spacer3:p1:42').shard)).toBe('pacer');
    expect(issuerOfShard(parseDescriptor('myq:s1d1:p1:42').shard)).toBe('legacy');
  });
});
