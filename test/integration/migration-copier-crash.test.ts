/**
 * The copier's exactly-once move (migration/src/copier/move-protocol.ts, queue-copier.ts) against
 * real Redis, MariaDB, Pacer's database and ZooKeeper, with the copier dying at every step of a
 * batch: after take, stage, record, publish and finish. A "death" is what kill -9 leaves: the
 * copier stops at that instant, its lease is NOT released (a wrapper swallows the release), and a
 * second copier with another id has to wait for the lease to expire, then finish the batch in
 * flight from what storage shows (taken jobs, staged copies, the ledger). Between the two a
 * gateway-like client keeps dequeuing and acking on the legacy side, so jobs race the take.
 *
 * Afterwards: every job is in Pacer exactly once (by body), in the state it had (pending now and
 * future, failed, succeeded; in-progress ones after their worker acked them), jobs executed from
 * legacy were not copied as pending; nothing is left on the legacy side (taken or staged
 * included); the ledger's checksums match; old descriptors resolve; the copier flipped the routing
 * record to `pacer`. A rollback (to-legacy) with a death after record moves everything back the
 * same way. The real-process kill -9 runs in migration-end-to-end.test.ts.
 */
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { createLogger } from '../../core/src/logging/logger';
import type { MigrationStates } from '../../core/src/migration/migration-state';
import type { MigrationDirection } from '../../core/src/routing/queue-route';
import { JobState } from '../../core/src/types/job-state';
import { systemClock } from '../../core/src/util/clock';
import { DEFAULT_COPIER_SETTINGS, type CopierSettings } from '../../migration/src/copier/copier-settings';
import type { MoveStep } from '../../migration/src/copier/move-protocol';
import { QueueCopier, type RunEnd } from '../../migration/src/copier/queue-copier';
import type { ReconnectingRoutingStore } from '../../migration/src/copier/routing-access';
import type { MigrationStateStore, MoveLedgerStore, PacerBackend } from '../../pacer';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { testLogLevel } from '../support/test-env';
import { copierWorld, type CopierWorld, type LegacyKind } from './migration-copier-fixtures';
import type { RoutingTableFixture } from './routing-fixtures';

const CLUSTER = 'legacy-a';
const STEPS: MoveStep[] = ['after-take', 'after-stage', 'after-record', 'after-publish', 'after-finish'];
const SETTINGS: CopierSettings = { ...DEFAULT_COPIER_SETTINGS, batchSize: 7, leaseTtlMs: 600, controlPollMs: 50, quietPeriodMs: 150, lateSweepIntervalMs: 100 };
const logger = createLogger({ name: 'copier-crash-test', level: testLogLevel() });

class SimulatedKill extends Error {}

interface Seeded {
  readonly bodies: Map<string, { state: JobState; future: boolean; descriptor: string; customStatus?: string }>;
  /** Held by a worker (IN_PROGRESS) until `ackHeld`. */
  readonly held: string[];
}

describe.each<LegacyKind>(['legacy-redis', 'legacy-mysql'])('copier killed mid-batch, restarted (%s → Pacer)', (kind) => {
  let w: CopierWorld;
  let legacy: PinLaterBackend;
  let pacer: PacerBackend;
  let states: MigrationStateStore;
  let ledger: MoveLedgerStore;
  let table: RoutingTableFixture;
  let routing: ReconnectingRoutingStore;
  let seq = 0;

  beforeAll(async () => {
    w = await copierWorld(kind, 'copier-crash');
    ({ legacy, pacer, states, ledger, table, routing } = w);
  });

  afterAll(async () => {
    await w?.close();
  });
  afterAll(assertNoLeaks);

  /** A queue on the legacy side with jobs in every state, its record `legacy`. */
  async function seed(queue: string): Promise<Seeded> {
    await legacy.createQueue(queue);
    await pacer.createQueue(queue);
    const bodies: Seeded['bodies'] = new Map();
    const now = Date.now();
    const enqueue = async (names: string[], extra: { priority?: number; runAfterMs?: number; attemptsAllowed?: number }): Promise<string[]> => {
      const ds = await legacy.enqueueJobs({ queue, jobs: names.map((n) => ({ body: Buffer.from(n), priority: extra.priority ?? 1, attemptsAllowed: extra.attemptsAllowed ?? 2, customStatus: `cs-${n}`, ...(extra.runAfterMs === undefined ? {} : { runAfterMs: extra.runAfterMs }) })) });
      return ds;
    };
    // Terminal states first (they need dequeues), then what stays pending.
    const terminal = ['f1', 'f2', 'f3', 's1', 's2', 's3', 'h1', 'h2'];
    const td = await enqueue(terminal, { attemptsAllowed: 1 });
    const got = await legacy.dequeueJobs({ queue, limit: terminal.length, dryRun: false, coverage: 1, claimDescriptor: 'seed:1:1:w:1' });
    expect(got.jobs).toHaveLength(terminal.length);
    const byBody = new Map(got.jobs.map((j) => [j.body.toString(), j.descriptor]));
    await legacy.ackDequeuedJobs({
      queue,
      failed: ['f1', 'f2', 'f3'].map((b) => ({ descriptor: byBody.get(b) as string, appendCustomStatus: ':failed', retryDelayMs: 0 })),
      succeeded: ['s1', 's2', 's3'].map((b) => ({ descriptor: byBody.get(b) as string, appendCustomStatus: ':ok', retryDelayMs: 0 })),
    });
    terminal.forEach((b, i) => bodies.set(b, { state: b.startsWith('f') ? JobState.FAILED : b.startsWith('s') ? JobState.SUCCEEDED : JobState.IN_PROGRESS, future: false, descriptor: td[i] as string }));
    for (const priority of [1, 2, 3]) {
      const names = Array.from({ length: 10 }, (_, i) => `p${priority}-${i}`);
      const ds = await enqueue(names, { priority });
      names.forEach((n, i) => bodies.set(n, { state: JobState.PENDING, future: false, descriptor: ds[i] as string }));
    }
    const futureNames = Array.from({ length: 6 }, (_, i) => `later-${i}`);
    const fd = await enqueue(futureNames, { runAfterMs: now + 3_600_000, priority: 2 });
    futureNames.forEach((n, i) => bodies.set(n, { state: JobState.PENDING, future: true, descriptor: fd[i] as string }));
    // The custom status as the legacy layout stored it (Redis and MySQL truncate differently):
    // a move must carry exactly that.
    const stored = await legacy.lookupJobs({ descriptors: [...bodies.values()].map((b) => b.descriptor), includeBody: false });
    for (const b of bodies.values()) b.customStatus = stored.get(b.descriptor)?.customStatus;
    return { bodies, held: ['h1', 'h2'].map((b) => byBody.get(b) as string) };
  }

  async function startMigration(queue: string, direction: MigrationDirection, replacing?: string): Promise<string> {
    const migrationId = `${queue}-${direction}-${++seq}`;
    await states.start({ queue, migrationId, direction, legacyCluster: CLUSTER, rateLimitPerS: 100_000, ...(replacing === undefined ? {} : { replacing }) });
    const record = await table.store.read(queue);
    await table.store.write(queue, { mode: 'migrating', direction, legacyCluster: CLUSTER, changedBy: 'test', reason: 'copier crash test' }, record?.version ?? 0);
    return migrationId;
  }

  /** A copier whose process "dies" (kill -9) right after the `nth` time it reaches `step`. */
  function copier(queue: string, owner: string, kill?: { step: MoveStep; nth: number }, stop?: () => boolean): QueueCopier {
    let seen = 0;
    const lease: MigrationStates = kill === undefined ? states : Object.assign(Object.create(states) as MigrationStates, {
      releaseLease: async () => undefined, // kill -9 releases nothing
    });
    return new QueueCopier({
      queue, owner, legacy, pacer, ledger, states: lease, routing, clock: systemClock, logger, settings: SETTINGS, numPriorityLevels: 3,
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
      stopping: stop ?? (() => false),
      hooks: kill === undefined ? {} : {
        afterStep: (step) => {
          if (step === kill.step && ++seen === kill.nth) throw new SimulatedKill(`killed ${step} #${kill.nth}`);
        },
      },
    });
  }

  /** Runs a fresh copier until the record says `mode` (then it is told to stop); retries while the dead one's lease lasts. */
  async function runUntilFlipped(queue: string, owner: string, mode: 'pacer' | 'legacy', meanwhile?: () => Promise<void>): Promise<void> {
    let flipped = false;
    const done = eventually(async () => {
      const record = await table.store.read(queue);
      expect(record?.mode).toBe(mode);
      flipped = true;
    }, { timeoutMs: 30_000, intervalMs: 50 });
    const runs = (async () => {
      let end: RunEnd = 'busy';
      while (!flipped && (end === 'busy' || end === 'lost-lease')) {
        end = await copier(queue, owner, undefined, () => flipped).run();
        if (end === 'busy') await new Promise((r) => setTimeout(r, 100));
      }
      return end;
    })();
    await meanwhile?.();
    await done;
    // Forward, the row stays active after the flip (complete: late sweeps), so only our stop ends the
    // run. A rollback marks its row rolled-back with the flip, so the copier may see that and end
    // 'done' before the poller above tells it to stop: both are a clean end, nothing else is.
    expect(mode === 'pacer' ? ['stopped'] : ['stopped', 'done']).toContain(await runs);
  }

  async function everythingOn(backend: PinLaterBackend, queue: string): Promise<Map<string, { state: JobState; future: boolean; descriptor: string; attemptsRemaining: number; customStatus: string }>> {
    const out = new Map<string, { state: JobState; future: boolean; descriptor: string; attemptsRemaining: number; customStatus: string }>();
    for (const state of [JobState.PENDING, JobState.IN_PROGRESS, JobState.SUCCEEDED, JobState.FAILED]) {
      for (const future of state === JobState.PENDING ? [false, true] : [false]) {
        for (const j of await backend.scanJobs({ queue, state, future, limit: 1000 })) {
          const body = (await backend.lookupJobs({ descriptors: [j.descriptor], includeBody: true })).get(j.descriptor)?.body?.toString() ?? '?';
          expect(out.has(body)).toBe(false); // never twice
          out.set(body, { state, future, descriptor: j.descriptor, attemptsRemaining: j.attemptsRemaining, customStatus: j.customStatus });
        }
      }
    }
    return out;
  }

  async function expectNothingLeft(backend: PinLaterBackend, queue: string): Promise<void> {
    expect(await everythingOn(backend, queue)).toEqual(new Map());
    expect(await backend.jobMover().listTaken(queue, 10)).toEqual([]);
    expect(await backend.jobMover().listStaged(queue, 10)).toEqual([]);
  }

  it.each(STEPS)('killed %s: every job moves exactly once, in its state; old descriptors resolve; the copier flips the queue', async (step) => {
    const queue = `crash_${step.replace('-', '_')}_${++seq}`;
    const { bodies, held } = await seed(queue);
    await table.store.write(queue, { mode: 'legacy', legacyCluster: CLUSTER, changedBy: 'test', reason: 'seeded' }, 0);
    const migrationId = await startMigration(queue, 'to-pacer');

    await expect(copier(queue, 'copier-1', { step, nth: 2 }).run()).rejects.toThrow(SimulatedKill);
    expect((await states.get(queue))?.leaseOwner).toBe('copier-1'); // kill -9: still held until it expires

    // A gateway on the legacy side keeps working meanwhile: whatever it dequeues is not being moved.
    const executed = await legacy.dequeueJobs({ queue, limit: 3, dryRun: false, coverage: 1, claimDescriptor: 'gw:1:1:w:2' });
    const executedBodies = executed.jobs.map((j) => j.body.toString());
    for (const j of executed.jobs) expect(bodies.get(j.body.toString())?.state).toBe(JobState.PENDING);
    await legacy.ackDequeuedJobs({ queue, succeeded: executed.jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: ':done-on-legacy', retryDelayMs: 0 })), failed: [] });

    await runUntilFlipped(queue, 'copier-2', 'pacer', async () => {
      // The held jobs' worker acks them late (one succeeds, one fails for good): they move then.
      await legacy.ackDequeuedJobs({
        queue,
        succeeded: [{ descriptor: held[0] as string, appendCustomStatus: ':late-ok', retryDelayMs: 0 }],
        failed: [{ descriptor: held[1] as string, appendCustomStatus: ':late-ko', retryDelayMs: 0 }],
      });
    });

    await expectNothingLeft(legacy, queue);
    const onPacer = await everythingOn(pacer, queue);
    expect([...onPacer.keys()].sort()).toEqual([...bodies.keys()].sort());
    for (const [body, was] of bodies) {
      const now = onPacer.get(body);
      const expected = executedBodies.includes(body) || body === 'h1' ? JobState.SUCCEEDED : body === 'h2' ? JobState.FAILED : was.state;
      expect({ body, state: now?.state, future: now?.future }).toEqual({ body, state: expected, future: was.future && !executedBodies.includes(body) });
      // Jobs acked after seeding carry what the ack left (Redis replaces, MySQL appends: FACTS §6.4, §5.5).
      const changedSince = executedBodies.includes(body) || body.startsWith('h');
      if (!changedSince) expect({ body, customStatus: now?.customStatus }).toEqual({ body, customStatus: was.customStatus });
    }
    const summary = await ledger.summary(migrationId);
    expect(summary).toMatchObject({ moved: bodies.size, mismatched: 0 });
    expect(summary.sourceChecksum).toBe(summary.targetChecksum);
    // Every old descriptor resolves to the job's Pacer copy.
    const olds = [...bodies.values()].map((b) => b.descriptor);
    const resolved = await ledger.resolve(olds);
    expect(resolved.size).toBe(olds.length);
    const found = await pacer.lookupJobs({ descriptors: [...resolved.values()], includeBody: true });
    for (const [body, b] of bodies) expect(found.get(resolved.get(b.descriptor) as string)?.body?.toString()).toBe(body);
    expect((await states.get(queue))?.status).toBe('complete');
  });

  it('a rollback killed after record moves everything back to the legacy side, exactly once', async () => {
    const queue = `crash_back_${++seq}`;
    const { bodies, held } = await seed(queue);
    await legacy.ackDequeuedJobs({ queue, succeeded: held.map((d) => ({ descriptor: d, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
    await table.store.write(queue, { mode: 'legacy', legacyCluster: CLUSTER, changedBy: 'test', reason: 'seeded' }, 0);
    const forward = await startMigration(queue, 'to-pacer');
    await runUntilFlipped(queue, 'copier-1', 'pacer');
    await states.setStatus(queue, forward, 'complete');
    const back = await startMigration(queue, 'to-legacy', forward);
    await expect(copier(queue, 'copier-2', { step: 'after-record', nth: 1 }).run()).rejects.toThrow(SimulatedKill);
    await runUntilFlipped(queue, 'copier-3', 'legacy');
    await expectNothingLeft(pacer, queue);
    const onLegacy = await everythingOn(legacy, queue);
    expect([...onLegacy.keys()].sort()).toEqual([...bodies.keys()].sort());
    const summary = await ledger.summary(back);
    expect(summary).toMatchObject({ moved: bodies.size, mismatched: 0 });
    // A legacy descriptor from before both moves still resolves, through Pacer, back to legacy.
    const first = [...bodies.values()][0]?.descriptor as string;
    const viaPacer = (await ledger.resolve([first])).get(first) as string;
    const backOnLegacy = (await ledger.resolve([viaPacer])).get(viaPacer) as string;
    expect((await legacy.lookupJobs({ descriptors: [backOnLegacy], includeBody: false })).size).toBe(1);
    expect((await states.get(queue))?.status).toBe('rolled-back');
  });
});
