/**
 * Shadow mode's lookup comparison under concurrent clients (issue 13: "flag only differences above
 * the noise"): 8 clients enqueue, dequeue, ack (some failed, so retries happen) and look jobs up on
 * one shadow-mode queue through the routing backend, over a real legacy PinLater Redis cluster and
 * an embedded Pacer holding the shadow copy. Both systems behave identically, so no lookup may come
 * out `mismatched`: the drainer claims other copies than the jobs the clients got, and a pair whose
 * lifecycles are out of step by design is `ignored` (shadow-fields.ts "Lookups"). Real differences
 * made behind the gateway's back (a copy deleted, a copy's body changed) are still flagged.
 */
import { createConnection } from 'mysql2/promise';
import { createPacerBackend, type PacerBackend } from '../../pacer';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { silentLogger } from '../../core/src/logging/logger';
import { MemoryRouteSource } from '../../core/src/routing/memory-route-source';
import type { RoutingBackend } from '../../core/src/routing/routing-backend';
import { ShadowEngine } from '../../core/src/shadow/shadow-engine';
import { NO_SHADOW_OBSERVER, type ShadowObserver } from '../../core/src/shadow/shadow-observer';
import { shadowQueueName } from '../../core/src/shadow/shadow-queue-name';
import type { MethodReport, ShadowMethod } from '../../core/src/shadow/shadow-report';
import { DEFAULT_SHADOW_SETTINGS } from '../../core/src/shadow/shadow-settings';
import type { DequeuedJob } from '../../core/src/types/job';
import { JobState } from '../../core/src/types/job-state';
import { systemClock } from '../../core/src/util/clock';
import { TABLES } from '../../pacer/src/datastore/tables';
import { legacyRedisProfile } from '../conformance/backends/legacy-redis';
import type { BackendInstance } from '../conformance/harness/backend-profile';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { seededRandom } from '../support/seeded-random';
import { testRoutingBackend } from '../support/test-routing-backend';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

const NS = { label: 'shadow-lookup-noise', monitor: {} };
const LEGACY = 'redis-a';
const QUEUE = 'sh_noise';
const LOOKUP: ShadowMethod = 'lookupJobs';
const CLIENTS = 8;
const ROUNDS = 20;
/** Nothing shed (a shed copy task is another story: shadow-statistics.ts "Copy incomplete"), nothing sampled away. */
const SETTINGS = { ...DEFAULT_SHADOW_SETTINGS, maxEventLoopUtilization: 1, copyMaxEventLoopUtilization: 1, taskTimeoutMs: 10_000 };

let redis: BackendInstance;
let pacerDb: PacerDb;
let pacer: PacerBackend;
let engine: ShadowEngine;
let router: RoutingBackend;
let dropped = 0;

beforeAll(async () => {
  [redis, pacerDb] = await Promise.all([legacyRedisProfile.create(NS), freshPacerDb()]);
  pacer = await createPacerBackend({ mysql: pacerDb.mysql, topology: { mode: 'embedded' }, applyMigrations: false, defaultPartitions: 2 });
  const routes = new MemoryRouteSource();
  const observer: ShadowObserver = { ...NO_SHADOW_OBSERVER, dropped: () => (dropped += 1) };
  engine = new ShadowEngine({ pacer, settings: SETTINGS, observer, clock: systemClock, logger: silentLogger() });
  router = testRoutingBackend({ legacy: new Map<string, PinLaterBackend>([[LEGACY, redis.backend]]), pacer, shadow: engine, routes, defaultDestination: { mode: 'pacer' } });
  routes.set(QUEUE, { mode: 'shadow', legacyCluster: LEGACY });
  await router.createQueue(QUEUE);
  await pacer.createQueue(shadowQueueName(QUEUE)); // as `shadow start` does
}, 60_000);

afterAll(async () => {
  await router.close(); // the engine, the route source and every system
  await redis.cleanup();
  await pacerDb.db.drop();
});
afterAll(assertNoLeaks);

const count = (backend: PinLaterBackend, queue: string, state: JobState): Promise<number> => backend.getJobCount({ queue, state, future: false });
const settled = (): Promise<void> => eventually(() => expect(engine.pendingTasks()).toBe(0), { timeoutMs: 20_000 });

function lookups(): MethodReport | undefined {
  return engine.report(QUEUE)?.methods.find((m) => m.method === LOOKUP);
}

/** Every descriptor any client got from an enqueue, for lookups of other clients' jobs. */
const known: string[] = [];
/**
 * Jobs run to SUCCEEDED on both sides before the clients start (`settle`): their copies never move
 * again, so a lookup of them alone is judged whatever the drainer does meanwhile. How many of the
 * other lookups are judged depends on the scheduling (a pair moving is ignored): 19-38 % of them
 * on this machine, loaded or not.
 */
const settledJobs: string[] = [];

/** SETTLED jobs enqueued, all dequeued in one call (the drainer claims every copy), acked, and both sides settled. */
async function settle(): Promise<void> {
  settledJobs.push(...(await router.enqueueJobs({ queue: QUEUE, jobs: Array.from({ length: CLIENTS }, (_, i) => job(`settled-${i}`)) })));
  await settled();
  const { jobs } = await router.dequeueJobs(dequeueReq(QUEUE, CLIENTS));
  expect(jobs.map((j) => j.descriptor).sort()).toEqual([...settledJobs].sort());
  await router.ackDequeuedJobs({ queue: QUEUE, succeeded: jobs.map(ack), failed: [] });
  await settled();
  await eventually(async () => expect(await count(pacer, shadowQueueName(QUEUE), JobState.SUCCEEDED)).toBe(CLIENTS), { timeoutMs: 20_000 });
}

/** One client: enqueue, look up, dequeue, look up, ack (one failed: retried once, then FAILED), look up; and settled jobs looked up. */
async function client(id: number): Promise<void> {
  const random = seededRandom(id + 1);
  const pick = (n: number): string[] => Array.from({ length: n }, () => known[Math.floor(random() * known.length)] as string);
  for (let round = 0; round < ROUNDS; round += 1) {
    await router.lookupJobs({ descriptors: [settledJobs[(id + round) % CLIENTS] as string, settledJobs[(id + round + 1) % CLIENTS] as string], includeBody: true });
    const mine = await router.enqueueJobs({ queue: QUEUE, jobs: [job(`c${id}-r${round}-a`), job(`c${id}-r${round}-b`)] });
    known.push(...mine);
    await router.lookupJobs({ descriptors: [...mine, ...pick(2)], includeBody: true });
    const { jobs } = await router.dequeueJobs(dequeueReq(QUEUE, 2));
    await router.lookupJobs({ descriptors: [...jobs.map((j) => j.descriptor), ...pick(2)], includeBody: true });
    await router.ackDequeuedJobs({ queue: QUEUE, succeeded: jobs.slice(1).map(ack), failed: jobs.slice(0, 1).map(failedAck) });
    await router.lookupJobs({ descriptors: [...jobs.map((j) => j.descriptor), ...pick(2)], includeBody: random() < 0.5 });
  }
}

type Ack = { descriptor: string; appendCustomStatus: string; retryDelayMs: number };
const ack = (j: DequeuedJob): Ack => ({ descriptor: j.descriptor, appendCustomStatus: 'done', retryDelayMs: 0 });
/**
 * No status on failures: legacy Redis overwrites the custom status on every ack where Pacer (as
 * PinLater MySQL) appends (docs/compatibility.md), a real difference for a job acked twice.
 */
const failedAck = (j: DequeuedJob): Ack => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 });

describe('shadow lookups under concurrent clients', () => {
  it('identical systems: no lookup comparison is mismatched, and settled jobs match', async () => {
    await settle();
    const before = lookups();
    await Promise.all(Array.from({ length: CLIENTS }, (_, id) => client(id)));
    await settled();
    // The rest of the backlog, acked succeeded, then every job looked up once more.
    for (let { jobs } = await router.dequeueJobs(dequeueReq(QUEUE, 50)); jobs.length > 0; { jobs } = await router.dequeueJobs(dequeueReq(QUEUE, 50))) {
      await router.ackDequeuedJobs({ queue: QUEUE, succeeded: jobs.map(ack), failed: [] });
    }
    await settled();
    const during = lookups();
    expect(dropped).toBe(0);
    expect({ mismatched: during?.mismatched, samples: engine.report(QUEUE)?.samples }).toEqual({ mismatched: 0, samples: [] });
    expect(during?.candidateErrors).toBe(0);
    // Lookups right after an enqueue may come before the copy exists (not compared): most are.
    const matchedDuring = (during?.matched ?? 0) - (before?.matched ?? 0);
    const compared = matchedDuring + (during?.ignored ?? 0) - (before?.ignored ?? 0);
    expect(compared).toBeGreaterThanOrEqual(CLIENTS * ROUNDS * 3); // the settled jobs' and two of the other three per round
    // Not vacuous: every lookup of settled jobs alone was judged (and matched) while the copies
    // around them moved, and so was at least one lookup of moving jobs.
    expect(matchedDuring).toBeGreaterThan(CLIENTS * ROUNDS);
    // No copy is left held; a copy claimed fewer times than its twin was handed out still waits,
    // PENDING, for a claim that applies its twin's last outcomes (in flight: ignored).
    expect(await count(pacer, shadowQueueName(QUEUE), JobState.IN_PROGRESS)).toBe(0);
    const waiting = await count(pacer, shadowQueueName(QUEUE), JobState.PENDING);
    // Every other job settled on both sides: its whole lifecycle is judged, and matches.
    for (const descriptor of known) await router.lookupJobs({ descriptors: [descriptor], includeBody: true });
    await settled();
    expect(lookups()).toMatchObject({ matched: (during?.matched ?? 0) + known.length - waiting, ignored: (during?.ignored ?? 0) + waiting, mismatched: 0 });
  });

  it('still flags real differences: a copy deleted behind the gateway, a copy whose body differs (also while in flight)', async () => {
    const before = lookups()?.mismatched ?? 0;
    const [gone, changed] = await router.enqueueJobs({ queue: QUEUE, jobs: [job('real-gone'), job('real-changed')] });
    await settled();
    const { jobs } = await router.dequeueJobs(dequeueReq(QUEUE, 2)); // both in flight: the drainer holds their copies (or others)
    expect(jobs).toHaveLength(2);
    await settled();
    const sql = await createConnection(pacerDb.mysql);
    try {
      const shadow = shadowQueueName(QUEUE);
      await sql.query(`DELETE FROM ${TABLES.jobs} WHERE queue = ? AND body = ?`, [shadow, Buffer.from('real-gone')]);
      await sql.query(`UPDATE ${TABLES.jobs} SET body = ? WHERE queue = ? AND body = ?`, [Buffer.from('real-other'), shadow, Buffer.from('real-changed')]);
    } finally {
      await sql.end();
    }
    // One comparison at a time: the two run as concurrent shadow tasks otherwise, and the samples
    // (newest first) would be in the order they finished (seen reversed on a busy machine).
    await router.lookupJobs({ descriptors: [gone as string], includeBody: true });
    await settled();
    await router.lookupJobs({ descriptors: [changed as string], includeBody: true });
    await settled();
    expect(lookups()?.mismatched).toBe(before + 2);
    const fields = new Map((lookups()?.fields ?? []).map((f) => [f.field, f]));
    expect(fields.get('found')).toMatchObject({ raw: 1, noise: 0, flagged: true });
    expect(fields.get('body')).toMatchObject({ raw: 1, noise: 0, flagged: true });
    const samples = engine.report(QUEUE)?.samples ?? [];
    expect(samples.slice(0, 2).map((s) => s.differences.filter((d) => d.field === 'found' || d.field === 'body'))).toEqual([
      [{ field: 'body', primary: 'real-changed', candidate: 'real-other' }],
      [{ field: 'found', primary: 'true', candidate: 'false' }],
    ]);
    await router.ackDequeuedJobs({ queue: QUEUE, succeeded: jobs.map(ack), failed: [] });
    await settled();
    expect(await count(redis.backend, QUEUE, JobState.IN_PROGRESS)).toBe(0);
  });
});
