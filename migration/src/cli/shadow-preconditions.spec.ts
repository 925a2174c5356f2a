import { MAX_SHADOWABLE_QUEUE_NAME, SHADOW_QUEUE_PREFIX } from '../../../core/src/shadow/shadow-queue-name';
import type { MigrationRow } from '../../../core/src/migration/migration-state';
import type { RoutingRecord } from '../routing/routing-record';
import { decideShadowStart } from './shadow-preconditions';
import type { StartInputs } from './start-preconditions';

function record(over: Partial<RoutingRecord>): RoutingRecord {
  return { format: 1, queue: 'q', mode: 'legacy', legacyCluster: 'redis-a', version: 3, changedAt: '2025-01-01T00:00:00.000Z', changedBy: 'op', reason: '', ...over };
}

const copying: MigrationRow = {
  queue: 'q', migrationId: 'q-20250101000000-abcd', direction: 'to-pacer', legacyCluster: 'redis-a', status: 'copying', paused: false, rateLimitPerS: 2000,
  leaseOwner: null, leaseExpiresMs: 0, leaseEpoch: 0, startedAtMs: 0, firstSeenTableVersion: null, sourceEmptySinceMs: null,
  movedPending: 0, movedFailed: 0, movedSucceeded: 0, lastError: null, updatedAtMs: 0,
};

const ok: StartInputs = { queue: 'q', record: record({}), unreadable: false, holders: ['redis-a'], legacyClusters: ['redis-a'], pacerConfigured: true, row: undefined };

describe('decideShadowStart', () => {
  it('lets a legacy queue enter shadow mode: the shadow name check first, then those of migrate start', () => {
    const d = decideShadowStart(ok);
    expect(d.failed).toBeUndefined();
    expect(d.checks.map((c) => [c.name, c.holds])).toEqual([
      ['shadow-queue-available', true], ['legacy-record', true], ['legacy-cluster-known', true], ['pacer-configured', true], ['no-migration-in-progress', true],
    ]);
    expect(d.checks[0]?.detail).toContain(`${SHADOW_QUEUE_PREFIX}q`);
    expect(d).toMatchObject({ legacyCluster: 'redis-a', pin: false, expectedVersion: 3 });
    expect(decideShadowStart({ ...ok, record: undefined })).toMatchObject({ failed: undefined, pin: true, expectedVersion: 0 });
  });

  it('takes the longest name whose shadow name fits Pacer, and refuses one character more, naming the limit', () => {
    const longest = 'q'.repeat(MAX_SHADOWABLE_QUEUE_NAME);
    expect(decideShadowStart({ ...ok, queue: longest }).failed).toBeUndefined();
    const tooLong = decideShadowStart({ ...ok, queue: `${longest}x` });
    expect(tooLong.failed).toMatchObject({ name: 'shadow-queue-available', holds: false, refusal: 'REFUSED' });
    expect(tooLong.failed?.detail).toContain(`has ${MAX_SHADOWABLE_QUEUE_NAME + 1} characters; a queue with a shadow copy has at most ${MAX_SHADOWABLE_QUEUE_NAME}`);
  });

  it('refuses a shadow queue name itself (the reserved prefix)', () => {
    const d = decideShadowStart({ ...ok, queue: `${SHADOW_QUEUE_PREFIX}q` });
    expect(d.failed?.name).toBe('shadow-queue-available');
    expect(d.failed?.detail).toContain('prefix reserved for shadow copies');
  });

  it.each([
    ['no Pacer', { pacerConfigured: false }, 'pacer-configured', 'REFUSED'],
    ['a migration copying', { row: copying }, 'no-migration-in-progress', 'MIGRATION_ACTIVE'],
    ['a migrating record', { record: record({ mode: 'migrating', direction: 'to-pacer' }) }, 'legacy-record', 'MIGRATION_ACTIVE'],
    ['a pacer record', { record: record({ mode: 'pacer' }) }, 'legacy-record', 'REFUSED'],
    ['a shadow record', { record: record({ mode: 'shadow' }) }, 'legacy-record', 'REFUSED'],
  ] as const)('refuses %s', (_, over, name, refusal) => {
    expect(decideShadowStart({ ...ok, ...over }).failed).toMatchObject({ name, holds: false, refusal });
  });
});
