import type { WireJobInfo } from '../../../gateway/index';
import { claimedSinceMs, priorityOf, selectStuck } from './stuck-jobs';

function info(descriptor: string, updatedAt: number | null, extra: Partial<WireJobInfo> = {}): WireJobInfo {
  return {
    jobDescriptor: descriptor, jobState: 1, attemptsAllowed: 2, attemptsRemaining: 2, customStatus: '', createdAtTimestampMillis: 1000,
    runAfterTimestampMillis: 2000, updatedAtTimestampMillis: updatedAt, claimDescriptor: 'h:9010:1:w:1', body: null, ...extra,
  };
}

describe('claimedSinceMs', () => {
  it('is updatedAt (the claim or the last checkpoint), not runAfter', () => {
    expect(claimedSinceMs(info('q:s1:p1:1', 5000))).toBe(5000);
  });

  it('falls back to runAfter, then createdAt, when updatedAt is absent', () => {
    expect(claimedSinceMs(info('q:s1:p1:1', null))).toBe(2000);
    expect(claimedSinceMs(info('q:s1:p1:1', null, { runAfterTimestampMillis: null }))).toBe(1000);
  });
});

describe('selectStuck', () => {
  const now = 100_000;

  it('keeps the jobs claimed at or before now - threshold, oldest first', () => {
    const stuck = selectStuck([info('q:s1:p1:1', 95_000), info('q:s1:p2:2', 40_000), info('q:s1:p1:3', 90_000), info('q:s1:p1:4', 99_999)], now, 10_000);
    expect(stuck.map((j) => j.descriptor)).toEqual(['q:s1:p2:2', 'q:s1:p1:3']);
    expect(stuck[0]).toMatchObject({ priority: 2, claimedSinceMs: 40_000, attemptsRemaining: 2, claimDescriptor: 'h:9010:1:w:1' });
  });

  it('counts a job once when the current and the future scan both return it', () => {
    expect(selectStuck([info('q:s1:p1:1', 1), info('q:s1:p1:1', 1)], now, 0)).toHaveLength(1);
  });

  it('with threshold 0 every IN_PROGRESS job claimed up to now is stuck; a claim in the future is not', () => {
    expect(selectStuck([info('q:s1:p1:1', now), info('q:s1:p1:2', now + 1)], now, 0).map((j) => j.descriptor)).toEqual(['q:s1:p1:1']);
  });
});

describe('priorityOf', () => {
  it('reads the priority token of legacy and Pacer descriptors; null when it does not parse', () => {
    expect(priorityOf('q:s1d1:p3:42')).toBe(3);
    expect(priorityOf('q:spacer0:p1:7')).toBe(1);
    expect(priorityOf('garbage')).toBeNull();
  });
});
