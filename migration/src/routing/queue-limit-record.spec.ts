import {
  isPausedLimit, MAX_LIMIT_RECORD_BYTES, parseQueueLimitRecord, QueueLimitRecordError, serializeQueueLimitRecord, type QueueLimitRecord,
} from './queue-limit-record';

const record: QueueLimitRecord = {
  format: 1, queue: 'q1', maxJobsPerSecond: 100, paused: false, version: 2,
  changedAt: '2025-01-02T03:04:05.000Z', changedBy: 'alice', reason: 'downstream slow',
};

const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const problem = (value: unknown, queue = 'q1'): string => {
  try {
    parseQueueLimitRecord(queue, Buffer.isBuffer(value) ? value : bytes(value));
  } catch (e) {
    expect(e).toBeInstanceOf(QueueLimitRecordError);
    return (e as Error).message;
  }
  throw new Error('parsed');
};

describe('queue limit record format', () => {
  it('round-trips a rate, a pause with a rate, and a pause without one', () => {
    expect(parseQueueLimitRecord('q1', serializeQueueLimitRecord(record))).toEqual(record);
    const paused = { ...record, paused: true };
    expect(parseQueueLimitRecord('q1', serializeQueueLimitRecord(paused))).toEqual(paused);
    const pausedOnly = { ...record, paused: true, maxJobsPerSecond: null };
    expect(parseQueueLimitRecord('q1', serializeQueueLimitRecord(pausedOnly))).toEqual(pausedOnly);
  });

  it('pauses on the flag, or on a rate of 0 as queue_config.json does', () => {
    expect(isPausedLimit(record)).toBe(false);
    expect(isPausedLimit({ paused: true, maxJobsPerSecond: 5 })).toBe(true);
    expect(isPausedLimit({ paused: false, maxJobsPerSecond: 0 })).toBe(true);
    expect(parseQueueLimitRecord('q1', bytes({ ...record, maxJobsPerSecond: 0 })).maxJobsPerSecond).toBe(0);
    expect(parseQueueLimitRecord('q1', bytes({ ...record, maxJobsPerSecond: 0.5 })).maxJobsPerSecond).toBe(0.5);
  });

  it.each([
    ['a negative rate', { ...record, maxJobsPerSecond: -1 }, /maxJobsPerSecond/],
    ['a rate as a string', { ...record, maxJobsPerSecond: '10' }, /maxJobsPerSecond/],
    ['a rate above the bound', { ...record, maxJobsPerSecond: 2e9 }, /maxJobsPerSecond/],
    ['an unknown field', { ...record, burst: 3 }, /burst/],
    ['a newer format', { ...record, format: 2 }, /format/],
    ['a missing paused flag', { ...record, paused: undefined }, /paused/],
    ['version 0', { ...record, version: 0 }, /version/],
    ['no changedBy', { ...record, changedBy: '' }, /changedBy/],
    ['a record limiting nothing', { ...record, maxJobsPerSecond: null }, /limits nothing/],
    ['another queue', { ...record, queue: 'q2' }, /names queue 'q2'/],
    ['an array', [record], /record/],
  ])('refuses %s', (_what, value, message) => {
    expect(problem(value)).toMatch(message);
  });

  it('refuses data that is not JSON, and data over the size bound before parsing it', () => {
    expect(problem(Buffer.from('{nope'))).toMatch(/not JSON/);
    const big = bytes({ ...record, reason: 'x'.repeat(MAX_LIMIT_RECORD_BYTES) });
    expect(problem(big)).toMatch(new RegExp(`${big.length} bytes, more than ${MAX_LIMIT_RECORD_BYTES}`));
  });

  it('never serializes a record it would refuse', () => {
    expect(() => serializeQueueLimitRecord({ ...record, maxJobsPerSecond: null })).toThrow(QueueLimitRecordError);
    expect(() => serializeQueueLimitRecord({ ...record, maxJobsPerSecond: Number.NaN })).toThrow();
  });
});
