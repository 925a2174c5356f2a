import { confirmStale, formatClusterStatus, statusExitCode, statusProblems, type ClusterStatus } from './cluster-status';

const healthy: ClusterStatus = {
  cluster: 'pacer', leader: 'c1', paused: false, liveInstances: ['b0'], disabledInstances: [], pendingMessages: 0,
  queues: { q: [{ partition: 'q_0', target: 'b0', online: ['b0'] }, { partition: 'q_1', target: 'b0', online: ['b0'] }] },
  unowned: [], staleView: [],
};

describe('pacer-status verdicts', () => {
  it('a healthy cluster: no problem, exit 0, said plainly', () => {
    expect(statusProblems(healthy)).toEqual([]);
    expect(statusExitCode([])).toBe(0);
    expect(formatClusterStatus(healthy)).toMatch(/^status: +OK \(exit 0\)$/m);
  });

  it('each problem has its own exit code: unowned 2, no leader 3, stale view 4', () => {
    const unowned = { ...healthy, unowned: ['q_1'] };
    const noLeader: ClusterStatus = { ...healthy, leader: undefined } as unknown as ClusterStatus;
    const stale = { ...healthy, staleView: [{ partition: 'q_0', view: ['b0'], brokers: [] }] };
    expect(statusExitCode(statusProblems(unowned))).toBe(2);
    expect(statusExitCode(statusProblems(noLeader))).toBe(3);
    expect(statusExitCode(statusProblems(stale))).toBe(4);
    expect(statusProblems(stale)[0]?.message).toContain('q_0 (view: b0; brokers: -)');
  });

  it('several problems: every one is printed, the exit code is the first of no leader, stale view, unowned', () => {
    const all = { ...healthy, leader: undefined, unowned: ['q_1'], staleView: [{ partition: 'q_0', view: ['b0'], brokers: [] }] } as unknown as ClusterStatus;
    const problems = statusProblems(all);
    expect(problems.map((p) => p.code)).toEqual(['NO_LEADER', 'STALE_VIEW', 'UNOWNED']);
    expect(statusExitCode(problems)).toBe(3);
    const text = formatClusterStatus(all);
    expect(text).toMatch(/^leader: +\(none\)$/m);
    expect(text).toMatch(/^problem: +NO LEADER \(exit 3\)/m);
    expect(text).toMatch(/^problem: +STALE VIEW \(exit 4\)/m);
    expect(text).toMatch(/^problem: +UNOWNED \(exit 2\)/m);
  });

  it('a view is stale only if it is stale in both reads (a hand-off in progress is not a problem)', () => {
    const first = { ...healthy, staleView: [{ partition: 'q_0', view: ['b0'], brokers: [] }, { partition: 'q_1', view: [], brokers: ['b0'] }] };
    const second = { ...healthy, staleView: [{ partition: 'q_1', view: [], brokers: ['b0'] }] };
    expect(confirmStale(first, second).staleView.map((p) => p.partition)).toEqual(['q_1']);
    expect(confirmStale(second, { ...healthy }).staleView).toEqual([]);
  });
});
