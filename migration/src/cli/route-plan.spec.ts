import type { RoutingRecord } from '../routing/routing-record';
import { CliFailure } from './cli-failure';
import { planRoute, type QueueState } from './route-plan';

const SYSTEMS = ['redis-a', 'mysql-a', 'pacer'];

function record(mode: RoutingRecord['mode'], legacyCluster: string | null, version = 3): RoutingRecord {
  return { format: 1, queue: 'q', mode, legacyCluster, version, changedAt: '2024-01-01T00:00:00.000Z', changedBy: 'op', reason: '' };
}

const state = (holders: string[], rec?: RoutingRecord, unreadable = false): QueueState => ({ record: rec, unreadable, holders });

function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (e) {
    if (e instanceof CliFailure) return { code: e.exitCode, message: e.message };
    throw e;
  }
  throw new Error('not refused');
}

describe('planRoute', () => {
  it('legacy -> pacer: leaves the record\'s cluster, keeps it for legacy descriptors, creates the queue on Pacer', () => {
    expect(planRoute('q', 'pacer', state(['redis-a'], record('legacy', 'redis-a')), SYSTEMS)).toEqual({
      queue: 'q', destination: 'pacer', current: 'redis-a', expectedVersion: 3, leaving: ['redis-a'],
      target: { mode: 'pacer', legacyCluster: 'redis-a' }, pin: undefined, createOnDestination: true, descriptorsLeave: [], alreadyThere: false,
    });
  });

  it('pacer -> another legacy cluster: legacy descriptors now go to the new cluster', () => {
    const plan = planRoute('q', 'mysql-a', state(['redis-a', 'pacer'], record('pacer', 'redis-a')), SYSTEMS);
    expect(plan).toMatchObject({ current: 'pacer', leaving: ['pacer'], target: { mode: 'legacy', legacyCluster: 'mysql-a' }, createOnDestination: true, descriptorsLeave: ['redis-a'] });
  });

  it('a record already routing there: nothing to write', () => {
    expect(planRoute('q', 'redis-a', state(['redis-a'], record('legacy', 'redis-a')), SYSTEMS)).toMatchObject({ alreadyThere: true, leaving: [] });
  });

  it('no record, one holder: pinned there first (expected version 0)', () => {
    expect(planRoute('q', 'pacer', state(['mysql-a']), SYSTEMS)).toMatchObject({
      current: 'mysql-a', expectedVersion: 0, leaving: ['mysql-a'], pin: { mode: 'legacy', legacyCluster: 'mysql-a' }, target: { mode: 'pacer', legacyCluster: 'mysql-a' },
    });
  });

  it('no record, on several systems: leaves every other holder, no pin; the destination may be one of them', () => {
    expect(planRoute('q', 'mysql-a', state(['redis-a', 'mysql-a']), SYSTEMS)).toMatchObject({
      current: undefined, expectedVersion: 0, leaving: ['redis-a'], pin: undefined, createOnDestination: false, target: { mode: 'legacy', legacyCluster: 'mysql-a' }, descriptorsLeave: ['redis-a'],
    });
  });

  it('a record that does not parse is replaced (expected version -1), the holders decide what it leaves', () => {
    expect(planRoute('q', 'pacer', state(['redis-a'], undefined, true), SYSTEMS)).toMatchObject({ expectedVersion: -1, leaving: ['redis-a'], pin: undefined });
  });

  it('refuses an unknown destination, a queue on no system, a migration mode and a record naming an unknown cluster', () => {
    expect(refusal(() => planRoute('q', 'redis-b', state(['redis-a']), SYSTEMS))).toEqual({ code: 'REFUSED', message: "unknown destination 'redis-b': the configured systems are redis-a, mysql-a, pacer" });
    expect(refusal(() => planRoute('q', 'pacer', state([]), SYSTEMS)).message).toContain("queue 'q' exists on no system");
    const migrating = refusal(() => planRoute('q', 'pacer', state(['redis-a', 'pacer'], { ...record('migrating', 'redis-a'), direction: 'to-pacer' }), SYSTEMS));
    expect(migrating).toMatchObject({ code: 'REFUSED', message: expect.stringContaining('mode migrating (to-pacer)') as unknown });
    expect(migrating.message).toContain('pinlater-ops migrate status q');
    expect(refusal(() => planRoute('q', 'redis-a', state(['pacer'], record('finalized', 'redis-a')), SYSTEMS)).message).toContain('pinlater-ops migrate status q');
    expect(refusal(() => planRoute('q', 'pacer', state(['redis-a'], record('legacy', 'gone')), SYSTEMS)).message).toContain('names gone, not a system of this config');
  });
});
