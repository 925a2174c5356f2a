import { releaseExitCode } from './jobs-release-command';
import { stuckExitCode } from './jobs-stuck-command';
import type { StuckReport } from './stuck-jobs';

describe('jobs exit codes (what a runbook Verify step relies on)', () => {
  it('release: 0 only when every stuck job was released ("released 3 of 3"), else 2', () => {
    expect(releaseExitCode({ attempted: 3, released: 3 })).toBe(0);
    expect(releaseExitCode({ attempted: 0, released: 0 })).toBe(0);
    expect(releaseExitCode({ attempted: 3, released: 2 })).toBe(2);
  });

  it('stuck: 0 only when every IN_PROGRESS job was read and none is stuck; 2 when some are; 10 when the scan was cut', () => {
    const report = (found: number, complete: boolean): StuckReport => ({ queue: 'q', olderThanSeconds: 1, priority: null, checkedAtMs: 0, scanned: 5, complete, found, jobs: [] });
    expect(stuckExitCode(report(0, true))).toBe(0);
    expect(stuckExitCode(report(1, true))).toBe(2);
    expect(stuckExitCode(report(1, false))).toBe(2);
    expect(stuckExitCode(report(0, false))).toBe(10);
  });
});
