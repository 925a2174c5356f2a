import { AckBatch, ackRequestOf, type AckItem } from './ack-batch';

const ok = (d: string, status?: string): AckItem => ({ descriptor: d, result: 'succeeded', ...(status === undefined ? {} : { appendCustomStatus: status }) });
const fail = (d: string, retryDelayMs?: number): AckItem => ({ descriptor: d, result: 'failed', appendCustomStatus: `error ${d}`, ...(retryDelayMs === undefined ? {} : { retryDelayMs }) });

describe('AckBatch', () => {
  it('hands out the oldest acks first, at most max per call', () => {
    const batch = new AckBatch();
    ['a', 'b', 'c', 'd', 'e'].forEach((d) => batch.add(ok(d)));
    expect(batch.take(2).map((i) => i.descriptor)).toEqual(['a', 'b']);
    expect(batch.take(10).map((i) => i.descriptor)).toEqual(['c', 'd', 'e']);
    expect(batch.size).toBe(0);
    expect(batch.take(3)).toEqual([]);
  });

  it('puts the acks of a failed call back in front, in order, before acks added meanwhile', () => {
    const batch = new AckBatch();
    ['a', 'b', 'c'].forEach((d) => batch.add(ok(d)));
    const taken = batch.take(2);
    batch.add(fail('late', 10));
    batch.putBack(taken);
    expect(batch.descriptors()).toEqual(['a', 'b', 'c', 'late']);
    batch.putBack([]);
    expect(batch.size).toBe(4);
  });

  it('becomes one PinLaterJobAckRequest: succeeded and failed lists, retry delays and statuses kept, empty lists left out', () => {
    expect(ackRequestOf('q', [ok('a'), fail('b', 250), ok('c', 'done'), fail('d')])).toEqual({
      queue: 'q',
      succeeded: [{ descriptor: 'a' }, { descriptor: 'c', appendCustomStatus: 'done' }],
      failed: [{ descriptor: 'b', appendCustomStatus: 'error b', retryDelayMs: 250 }, { descriptor: 'd', appendCustomStatus: 'error d' }],
    });
    expect(ackRequestOf('q', [ok('a')])).toEqual({ queue: 'q', succeeded: [{ descriptor: 'a' }] });
    expect(ackRequestOf('q', [fail('b', 0)])).toEqual({ queue: 'q', failed: [{ descriptor: 'b', appendCustomStatus: 'error b', retryDelayMs: 0 }] });
    expect(ackRequestOf('q', [])).toEqual({ queue: 'q' });
  });
});
