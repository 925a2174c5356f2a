import type { WireJobInfo } from '../../../gateway/index';
import { describeOutcome, outcomeAfter, precheck, type ReleaseOutcome } from './stuck-job-release';
import type { StuckJob } from './stuck-jobs';

const job: StuckJob = {
  descriptor: 'q:s1:p1:1', priority: 1, attemptsAllowed: 2, attemptsRemaining: 2, claimedSinceMs: 5000, claimDescriptor: 'h:9010:1:w:1', customStatus: '',
};

function now(jobState: number, extra: Partial<WireJobInfo> = {}): WireJobInfo {
  return {
    jobDescriptor: job.descriptor, jobState, attemptsAllowed: 2, attemptsRemaining: 2, customStatus: '', createdAtTimestampMillis: 1000,
    runAfterTimestampMillis: 2000, updatedAtTimestampMillis: 5000, claimDescriptor: 'h:9010:1:w:1', body: null, ...extra,
  };
}

describe('precheck (just before the checkpoint)', () => {
  it('releases a job still IN_PROGRESS under the same claim, not checkpointed since', () => {
    expect(precheck(job, now(1))).toBeUndefined();
  });

  it('leaves alone a job acked, failed, pending, gone, claimed again or heartbeating since it was found', () => {
    expect(precheck(job, now(2))).toBe('finished');
    expect(precheck(job, now(3))).toBe('finished');
    expect(precheck(job, now(0, { claimDescriptor: null }))).toBe('not-in-progress');
    expect(precheck(job, undefined)).toBe('gone');
    expect(precheck(job, now(1, { claimDescriptor: 'h:9010:1:w:2' }))).toBe('claimed-again');
    expect(precheck(job, now(1, { updatedAtTimestampMillis: 6000 }))).toBe('heartbeat');
  });
});

describe('outcomeAfter (the look-up after the checkpoint)', () => {
  it('PENDING, or IN_PROGRESS under another claim, is released', () => {
    expect(outcomeAfter(job, now(0, { claimDescriptor: null }))).toBe('released');
    expect(outcomeAfter(job, now(1, { claimDescriptor: 'h:9010:1:w:9' }))).toBe('released-claimed-again');
  });

  it('the same claim is a no-op checkpoint; a finished or missing job is not released', () => {
    expect(outcomeAfter(job, now(1))).toBe('checkpoint-no-op');
    expect(outcomeAfter(job, now(2))).toBe('finished');
    expect(outcomeAfter(job, undefined)).toBe('gone');
  });

  it('every outcome has a line for the operator saying whether the job was released', () => {
    const all: ReleaseOutcome[] = ['released', 'released-claimed-again', 'finished', 'not-in-progress', 'claimed-again', 'heartbeat', 'checkpoint-no-op', 'gone'];
    for (const o of all) expect(describeOutcome(o)).toMatch(o.startsWith('released') ? /^released/ : /^not released/);
  });
});
