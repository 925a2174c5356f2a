import type { MigrationRow } from '../../../core/src/migration/migration-state';
import type { RoutingRecord } from '../routing/routing-record';
import { decideStart, type StartInputs } from './start-preconditions';

function record(over: Partial<RoutingRecord>): RoutingRecord {
  return { format: 1, queue: 'q', mode: 'legacy', legacyCluster: 'redis-a', version: 3, changedAt: '2025-01-01T00:00:00.000Z', changedBy: 'op', reason: '', ...over };
}

function row(over: Partial<MigrationRow>): MigrationRow {
  return {
    queue: 'q', migrationId: 'q-20250101000000-abcd', direction: 'to-pacer', legacyCluster: 'redis-a', status: 'copying', paused: false, rateLimitPerS: 2000,
    leaseOwner: null, leaseExpiresMs: 0, leaseEpoch: 0, startedAtMs: 0, firstSeenTableVersion: null, sourceEmptySinceMs: null,
    movedPending: 0, movedFailed: 0, movedSucceeded: 0, lastError: null, updatedAtMs: 0, ...over,
  };
}

const ok: StartInputs = { queue: 'q', record: record({}), unreadable: false, holders: ['redis-a'], legacyClusters: ['redis-a', 'mysql-a'], pacerConfigured: true, row: undefined };

describe('decideStart', () => {
  it('lets a legacy queue start: every precondition holds, compare-and-set on the record version', () => {
    const d = decideStart(ok);
    expect(d.failed).toBeUndefined();
    expect(d.checks.map((c) => [c.name, c.holds])).toEqual([
      ['legacy-record', true], ['legacy-cluster-known', true], ['pacer-configured', true], ['no-migration-in-progress', true],
    ]);
    expect(d).toMatchObject({ legacyCluster: 'redis-a', pin: false, expectedVersion: 3, replacing: undefined });
  });

  it('pins a record-less queue held by exactly one legacy cluster', () => {
    expect(decideStart({ ...ok, record: undefined, holders: ['mysql-a'] })).toMatchObject({ failed: undefined, legacyCluster: 'mysql-a', pin: true, expectedVersion: 0 });
  });

  it('starts from shadow, the mode before migrating (issue 13), on the shadow record\'s cluster and version', () => {
    const d = decideStart({ ...ok, record: record({ mode: 'shadow', version: 5 }) });
    expect(d).toMatchObject({ failed: undefined, legacyCluster: 'redis-a', pin: false, expectedVersion: 5 });
    expect(d.checks[0]?.detail).toContain('shadow record on redis-a');
    const orphan = row({ paused: true });
    expect(decideStart({ ...ok, record: record({ mode: 'shadow' }), row: orphan })).toMatchObject({ failed: undefined, replacing: orphan.migrationId });
  });

  it.each([
    ['no record, on no system', { record: undefined, holders: [] }, 'legacy-record', 'REFUSED'],
    ['no record, on two systems', { record: undefined, holders: ['redis-a', 'pacer'] }, 'legacy-record', 'REFUSED'],
    ['no record, on Pacer only', { record: undefined, holders: ['pacer'] }, 'legacy-record', 'REFUSED'],
    ['a record that does not parse', { record: undefined, unreadable: true }, 'legacy-record', 'REFUSED'],
    ['a pacer record', { record: record({ mode: 'pacer' }) }, 'legacy-record', 'REFUSED'],
    ['a finalized record', { record: record({ mode: 'finalized' }) }, 'legacy-record', 'REFUSED'],
    ['a migrating record', { record: record({ mode: 'migrating', direction: 'to-pacer' }) }, 'legacy-record', 'MIGRATION_ACTIVE'],
    ['an unknown cluster', { record: record({ legacyCluster: 'gone' }) }, 'legacy-cluster-known', 'REFUSED'],
    ['no Pacer', { pacerConfigured: false }, 'pacer-configured', 'REFUSED'],
    ['a migration copying', { row: row({}) }, 'no-migration-in-progress', 'MIGRATION_ACTIVE'],
    ['a migration complete', { row: row({ status: 'complete' }) }, 'no-migration-in-progress', 'MIGRATION_ACTIVE'],
  ] as const)('refuses %s', (_, over, name, refusal) => {
    const d = decideStart({ ...ok, ...over });
    expect(d.failed).toMatchObject({ name, holds: false, refusal });
    expect(d.failed?.detail).not.toBe('');
  });

  it('starts again after a finished migration (finalized or rolled back)', () => {
    for (const status of ['finalized', 'rolled-back'] as const) expect(decideStart({ ...ok, row: row({ status }) }).failed).toBeUndefined();
  });

  it('replaces the paused row of a start that never wrote its record, and only that one', () => {
    const orphan = row({ paused: true });
    expect(decideStart({ ...ok, row: orphan })).toMatchObject({ failed: undefined, replacing: orphan.migrationId });
    expect(decideStart({ ...ok, row: orphan, record: record({ mode: 'migrating', direction: 'to-pacer' }) }).failed?.refusal).toBe('MIGRATION_ACTIVE');
    expect(decideStart({ ...ok, row: row({ paused: true, direction: 'to-legacy' }) }).failed?.name).toBe('no-migration-in-progress');
  });
});
