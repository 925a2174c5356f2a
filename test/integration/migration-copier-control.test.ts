/**
 * The operator's controls over a running copy (issue 11, "Throttling"), on the real copier
 * (`QueueCopier`, migration/src/copier/queue-copier.ts) over legacy Redis → Pacer with its default
 * control poll: a pause stops the moves within a second and a resume starts them again; the rate
 * limit of the migration row bounds how many jobs move per second; a source whose takes are slow
 * makes the copier halve its rate (the back-off that protects live traffic on the legacy store).
 */
import type { Pool } from 'mysql2/promise';
import type { JobMover } from '../../core/src/interfaces/job-mover';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { createLogger } from '../../core/src/logging/logger';
import { JobState } from '../../core/src/types/job-state';
import { systemClock } from '../../core/src/util/clock';
import { DEFAULT_COPIER_SETTINGS } from '../../migration/src/copier/copier-settings';
import { QueueCopier, type CopierEvent } from '../../migration/src/copier/queue-copier';
import { serializePresence } from '../../migration/src/routing/gateway-presence';
import type { ReconnectingRoutingStore } from '../../migration/src/copier/routing-access';
import { MoveLedgerStore, type MigrationStateStore, type PacerBackend } from '../../pacer';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { testLogLevel } from '../support/test-env';
import { copierWorld, type CopierWorld } from './migration-copier-fixtures';
import type { RoutingTableFixture } from './routing-fixtures';

const CLUSTER = 'redis-a';
const logger = createLogger({ name: 'copier-control-test', level: testLogLevel() });

describe('copier controls: pause, resume, rate limit, back-off (legacy Redis → Pacer)', () => {
  let w: CopierWorld;
  let legacy: PinLaterBackend;
  let pacer: PacerBackend;
  let pool: Pool;
  let states: MigrationStateStore;
  let table: RoutingTableFixture;
  let routing: ReconnectingRoutingStore;
  let seq = 0;

  beforeAll(async () => {
    w = await copierWorld('legacy-redis', 'copier-control');
    ({ legacy, pacer, pool, states, table, routing } = w);
  });

  afterAll(async () => {
    await w?.close();
  });
  afterAll(assertNoLeaks);

  /** A queue of `n` pending jobs on legacy, migrating to Pacer at `rate` jobs/s. */
  async function migratingQueue(n: number, rate: number): Promise<string> {
    const queue = `ctl_${++seq}`;
    await legacy.createQueue(queue);
    await pacer.createQueue(queue);
    for (let i = 0; i < n; i += 1000) {
      await legacy.enqueueJobs({ queue, jobs: Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ body: Buffer.from(`j${i + k}`), priority: 1, attemptsAllowed: 1, customStatus: '' })) });
    }
    await table.store.write(queue, { mode: 'legacy', legacyCluster: CLUSTER, changedBy: 'test', reason: 'seed' }, 0);
    await states.start({ queue, migrationId: `${queue}-m`, direction: 'to-pacer', legacyCluster: CLUSTER, rateLimitPerS: rate });
    await table.store.write(queue, { mode: 'migrating', direction: 'to-pacer', legacyCluster: CLUSTER, changedBy: 'test', reason: 'go' }, 1);
    return queue;
  }

  const left = (queue: string): Promise<number> => legacy.getJobCount({ queue, state: JobState.PENDING, future: false });

  /** Runs a copier on `queue` until `stop()` resolves; returns its events. */
  function run(queue: string, source: PinLaterBackend = legacy, settings = DEFAULT_COPIER_SETTINGS): { events: CopierEvent[]; stop: () => Promise<void> } {
    let stopping = false;
    const events: CopierEvent[] = [];
    const copier = new QueueCopier({
      queue, owner: `ctl-${seq}`, legacy: source, pacer, ledger: new MoveLedgerStore(pool, systemClock), states, routing, clock: systemClock, logger,
      settings, numPriorityLevels: 3, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), stopping: () => stopping, onProgress: (e) => events.push(e),
    });
    const done = copier.run();
    return { events, stop: async () => { stopping = true; await done; } };
  }

  it('a pause stops the moves within a second; a resume starts them again', async () => {
    // At 600 jobs/s a batch holds at most 120 jobs (a fifth of a second of work), so the batch in
    // flight when the pause lands is short even on a loaded machine; 6,000 jobs outlast the
    // 2.5 s watch many times over, so a copier that ignored the pause would still be moving.
    const queue = await migratingQueue(6000, 600);
    const c = run(queue);
    try {
      await eventually(async () => expect(await left(queue)).toBeLessThan(5700), { timeoutMs: 20_000, intervalMs: 50 });
      await states.setPaused(queue, true);
      const pausedAt = Date.now();
      // The count must settle within a second of the pause and then stay put.
      let last = await left(queue);
      let lastChangeMs = pausedAt;
      while (Date.now() - pausedAt < 2500) {
        await new Promise((r) => setTimeout(r, 50));
        const now = await left(queue);
        if (now !== last) lastChangeMs = Date.now();
        last = now;
      }
      expect(lastChangeMs - pausedAt).toBeLessThanOrEqual(1000);
      expect(last).toBeGreaterThan(0);
      await states.setPaused(queue, false);
      await eventually(async () => expect(await left(queue)).toBeLessThan(last), { timeoutMs: 10_000, intervalMs: 50 });
    } finally {
      await c.stop();
    }
  });

  it('never moves faster than the migration\'s rate limit', async () => {
    const rate = 400;
    const queue = await migratingQueue(4000, rate);
    const c = run(queue);
    try {
      await eventually(async () => expect(await left(queue)).toBeLessThan(4000), { timeoutMs: 20_000, intervalMs: 20 });
      const startLeft = await left(queue);
      const start = Date.now();
      await new Promise((r) => setTimeout(r, 2000));
      const moved = startLeft - (await left(queue));
      const seconds = (Date.now() - start) / 1000;
      // Token bucket: at most rate × t plus one burst (a fifth of a second) plus a batch in flight.
      expect(moved).toBeLessThanOrEqual(rate * seconds + rate / 5 + DEFAULT_COPIER_SETTINGS.batchSize * DEFAULT_COPIER_SETTINGS.parallelBatches);
      expect(moved).toBeGreaterThan(0);
    } finally {
      await c.stop();
    }
  });

  it('halves its rate while the source store is slow', async () => {
    const queue = await migratingQueue(3000, 2000);
    const slowTakes = slowSource(legacy, 150);
    const c = run(queue, slowTakes, { ...DEFAULT_COPIER_SETTINGS, latencyThresholdMs: 50 });
    try {
      await eventually(() => {
        const rates = c.events.filter((e): e is Extract<CopierEvent, { kind: 'moved' }> => e.kind === 'moved').map((e) => e.rate);
        expect(Math.min(...rates)).toBeLessThanOrEqual(1000);
      }, { timeoutMs: 20_000, intervalMs: 100 });
    } finally {
      await c.stop();
    }
  });

  it('waits for a gateway behind the migration\'s table version before it flips; moves late writes after the flip', async () => {
    const queue = await migratingQueue(50, 100_000);
    const quick = { ...DEFAULT_COPIER_SETTINGS, quietPeriodMs: 100, lateSweepIntervalMs: 100 };
    const tableVersion = await table.store.tableVersion();
    const presencePath = table.store.paths.gateway('gw-stale');
    const session = await table.connect();
    await session.create(presencePath, serializePresence({
      format: 1, gatewayId: 'gw-stale', host: 'h', pid: 1, startedAt: new Date().toISOString(), appliedVersion: tableVersion - 1, loaded: true, updatedAt: new Date().toISOString(),
    }), 'ephemeral');
    const c = run(queue, legacy, quick);
    try {
      await eventually(async () => expect(await left(queue)).toBe(0), { timeoutMs: 20_000, intervalMs: 50 });
      await eventually(() => expect(c.events.some((e) => e.kind === 'waiting' && e.reason.includes('gateways behind') && e.reason.includes('gw-stale'))).toBe(true), { timeoutMs: 10_000 });
      expect((await table.store.read(queue))?.mode).toBe('migrating');
      await session.delete(presencePath);
      await eventually(async () => expect((await table.store.read(queue))?.mode).toBe('pacer'), { timeoutMs: 10_000, intervalMs: 50 });

      // A real PinLater server (or a partitioned gateway) still writes to the legacy queue.
      const [late] = await legacy.enqueueJobs({ queue, jobs: [{ body: Buffer.from('late'), priority: 2, attemptsAllowed: 1, customStatus: '' }] });
      // Moved once the ledger names its copy and the copy is published on Pacer (PENDING on legacy
      // drops to 0 as soon as the copier takes it, before the move is done).
      const ledger = new MoveLedgerStore(pool, systemClock);
      await eventually(async () => {
        const target = (await ledger.resolve([late as string])).get(late as string);
        expect(target).toBeDefined();
        const onPacer = await pacer.lookupJobs({ descriptors: [target as string], includeBody: true });
        expect([...onPacer.values()].map((j) => ({ body: j.body?.toString(), state: j.state }))).toEqual([{ body: 'late', state: JobState.PENDING }]);
      }, { timeoutMs: 10_000, intervalMs: 50 });
      expect(await left(queue)).toBe(0);
    } finally {
      await c.stop();
    }
  });
});

/** The backend with every take of its mover delayed by `ms` (a legacy store under load). */
function slowSource(backend: PinLaterBackend, ms: number): PinLaterBackend {
  return new Proxy(backend, {
    get(target, prop, receiver) {
      if (prop !== 'jobMover') return Reflect.get(target, prop, receiver) as unknown;
      return (): JobMover => {
        const mover = target.jobMover();
        return new Proxy(mover, {
          get(m, p, r) {
            if (p !== 'take') return Reflect.get(m, p, r) as unknown;
            return async (...args: Parameters<JobMover['take']>) => {
              await new Promise((resolve) => setTimeout(resolve, ms));
              return m.take(...args);
            };
          },
        });
      };
    },
  });
}
