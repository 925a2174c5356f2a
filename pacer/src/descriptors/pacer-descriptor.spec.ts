import { parseDescriptor } from '../../../core/src/descriptors/job-descriptor';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { formatPacerDescriptor, isPacerDescriptor, parsePacerDescriptor } from './pacer-descriptor';

describe('Pacer descriptors', () => {
  it('formats four PinLater tokens with a pacer shard', () => {
    const text = formatPacerDescriptor({ queue: 'myq', partition: 3, priority: 1, id: 42 });
    expect(text).toBe('myq:spacer3:p1:42');
    expect(parseDescriptor(text)).toEqual({ queue: 'myq', shard: 'pacer3', priority: 1, localId: 42 });
  });

  it('round-trips through the Pacer parser', () => {
    const ref = { queue: 'a_b', partition: 0, priority: 3, id: 9007199254740991 };
    expect(parsePacerDescriptor(formatPacerDescriptor(ref))).toEqual(ref);
  });

  it('tells legacy descriptors apart', () => {
    expect(parsePacerDescriptor('myq:s1d1:p1:5')).toBeUndefined();
    expect(isPacerDescriptor('myq:s1:p2:17')).toBe(false);
    expect(isPacerDescriptor('myq:spacer0:p2:17')).toBe(true);
    expect(isPacerDescriptor('myq:spacer01:p2:17')).toBe(false);
    expect(isPacerDescriptor('myq:spacerx:p2:17')).toBe(false);
  });

  it('rejects malformed descriptors like PinLater (UNKNOWN)', () => {
    expect(() => parsePacerDescriptor('myq:spacer1:p1')).toThrow(PinLaterError);
    expect(isPacerDescriptor('garbage')).toBe(false);
  });
});
