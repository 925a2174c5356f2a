/**
 * Shadow mode (issue 13) through the routing backend over real systems: a legacy PinLater Redis
 * cluster (the primary) and an embedded Pacer (the candidate, holding the shadow copies), each in a
 * namespace of its own. Checks read the systems directly, never through the router.
 */
import { createConnection } from 'mysql2/promise';
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { ErrorCode } from '../../core/src/errors/error-code';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { silentLogger } from '../../core/src/logging/logger';
import { MemoryRouteSource } from '../../core/src/routing/memory-route-source';
import type { RoutingBackend } from '../../core/src/routing/routing-backend';
import type { ShadowDropReason } from '../../core/src/shadow/shadow-executor';
import { NO_SHADOW_OBSERVER, type ShadowObserver } from '../../core/src/shadow/shadow-observer';
import { ShadowEngine } from '../../core/src/shadow/shadow-engine';
import { isShadowQueueName, shadowQueueName } from '../../core/src/shadow/shadow-queue-name';
import type { MethodReport, ShadowMethod } from '../../core/src/shadow/shadow-report';
import { DEFAULT_SHADOW_SETTINGS } from '../../core/src/shadow/shadow-settings';
import { JobState } from '../../core/src/types/job-state';
import { systemClock } from '../../core/src/util/clock';
import { TABLES } from '../../pacer/src/datastore/tables';
import { legacyRedisProfile } from '../conformance/backends/legacy-redis';
import type { BackendInstance } from '../conformance/harness/backend-profile';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { testRoutingBackend } from '../support/test-routing-backend';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

const NS = { label: 'shadow-mode', monitor: {} };
const LEGACY = 'redis-a';
const SHADOW = { mode: 'shadow', legacyCluster: LEGACY } as const;
/** Small bounds, so the stall test fills them quickly; no shedding on this busy test process's event-loop load (its specs: shadow-load-guard.spec.ts). */
const SETTINGS = {
  ...DEFAULT_SHADOW_SETTINGS, maxPendingTasks: 6, maxConcurrency: 2, taskTimeoutMs: 1000, maxAbandonedTasks: 3, closeGraceMs: 500,
  maxEventLoopUtilization: 1, copyMaxEventLoopUtilization: 1,
};

let redis: BackendInstance;
let pacerDb: PacerDb;
let pacer: PacerBackend;
let routes: MemoryRouteSource;
let engine: ShadowEngine;
let router: RoutingBackend;
const drops: Array<[string, ShadowDropReason]> = [];

beforeAll(async () => {
  [redis, pacerDb] = await Promise.all([legacyRedisProfile.create(NS), freshPacerDb()]);
  pacer = await createPacerBackend({ mysql: pacerDb.mysql, topology: { mode: 'embedded' }, applyMigrations: false, defaultPartitions: 2 });
  routes = new MemoryRouteSource();
  const observer: ShadowObserver = { ...NO_SHADOW_OBSERVER, dropped: (queue, reason) => drops.push([queue, reason]) };
  engine = new ShadowEngine({ pacer, settings: SETTINGS, observer, clock: systemClock, logger: silentLogger() });
  router = testRoutingBackend({
    legacy: new Map<string, PinLaterBackend>([[LEGACY, redis.backend]]),
    pacer,
    shadow: engine,
    routes,
    defaultDestination: { mode: 'pacer' },
  });
}, 60_000);

afterAll(async () => {
  await router.close(); // the engine, the route source and every system
  await redis.cleanup();
  await pacerDb.db.drop();
});
afterAll(assertNoLeaks);

/** A queue in shadow mode: created on legacy (through the router) and its shadow copy on Pacer (as `shadow start` does). */
async function shadowQueue(queue: string): Promise<void> {
  routes.set(queue, SHADOW);
  await router.createQueue(queue);
  await pacer.createQueue(shadowQueueName(queue));
}

const count = (backend: PinLaterBackend, queue: string, state: JobState): Promise<number> => backend.getJobCount({ queue, state, future: false });

function method(queue: string, name: ShadowMethod): MethodReport | undefined {
  return engine.report(queue)?.methods.find((m) => m.method === name);
}

/** Waits until every shadow task has run (none waiting, running or abandoned). */
const settled = (): Promise<void> => eventually(() => expect(engine.pendingTasks()).toBe(0), { timeoutMs: 10_000 });

describe('shadow mode', () => {
  it('copies enqueues to the shadow queue in Pacer; legacy answers and keeps the jobs', async () => {
    await shadowQueue('sh_copy');
    const descriptors = await router.enqueueJobs({ queue: 'sh_copy', jobs: [job('a'), job('b'), job('c')] });
    expect(descriptors.every((d) => !pacer.ownsDescriptor(d))).toBe(true);
    expect(await count(redis.backend, 'sh_copy', JobState.PENDING)).toBe(3);
    await eventually(async () => expect(await count(pacer, shadowQueueName('sh_copy'), JobState.PENDING)).toBe(3));
    await settled();
    expect((await pacer.getQueueNames()).has('sh_copy')).toBe(false); // never the queue's own Pacer queue
    expect(engine.report('sh_copy')).toMatchObject({ jobsCopied: 3 });
    expect(method('sh_copy', 'enqueueJobs')).toMatchObject({ matched: 1, mismatched: 0 });
  });

  it('a missing shadow queue is a candidate_error, never created', async () => {
    routes.set('sh_nocopy', SHADOW);
    await router.createQueue('sh_nocopy');
    await router.enqueueJobs({ queue: 'sh_nocopy', jobs: [job('x')] });
    await eventually(() => expect(method('sh_nocopy', 'enqueueJobs')).toMatchObject({ candidateErrors: 1 }));
    expect((await pacer.getQueueNames()).has(shadowQueueName('sh_nocopy'))).toBe(false);
  });

  it('compares reads: identical behaviour matches', async () => {
    await shadowQueue('sh_reads');
    const descriptors = await router.enqueueJobs({ queue: 'sh_reads', jobs: [job('r1'), job('r2', { priority: 2 })] });
    await settled();
    expect(await router.getJobCount({ queue: 'sh_reads', state: JobState.PENDING, future: false })).toBe(2);
    expect((await router.scanJobs({ queue: 'sh_reads', state: JobState.PENDING, future: false, limit: 10 })).length).toBe(2);
    const looked = await router.lookupJobs({ descriptors, includeBody: true });
    expect([...looked.keys()].sort()).toEqual([...descriptors].sort());
    expect((await router.dequeueJobs(dequeueReq('sh_reads', 10, { dryRun: true }))).jobs).toHaveLength(2);
    await settled();
    for (const name of ['getJobCount', 'scanJobs', 'lookupJobs', 'dequeueJobs'] as const) {
      expect([name, method('sh_reads', name)]).toEqual([name, expect.objectContaining({ matched: 1, mismatched: 0, candidateErrors: 0, noiseMatched: 1 })]);
    }
  });

  it("flags a mismatch when Pacer's copy differs (a copy deleted behind the gateway's back), with a sample", async () => {
    await shadowQueue('sh_diff');
    const descriptors = await router.enqueueJobs({ queue: 'sh_diff', jobs: [job('d1'), job('d2')] });
    await settled();
    expect(await pacer.deleteJobs({ queue: shadowQueueName('sh_diff'), state: JobState.PENDING, priority: 1, limit: 1 })).toBe(1);
    await router.lookupJobs({ descriptors, includeBody: false });
    await settled(); // samples are kept newest first, in the order comparisons finish: one at a time makes that order known
    await router.getJobCount({ queue: 'sh_diff', state: JobState.PENDING, future: false });
    await settled();
    expect(method('sh_diff', 'lookupJobs')).toMatchObject({ mismatched: 1, fields: [{ field: 'found', raw: 1, noise: 0, flagged: true }] });
    expect(method('sh_diff', 'getJobCount')).toMatchObject({ mismatched: 1, fields: [{ field: 'count', raw: 1, noise: 0, flagged: true }] });
    const samples = engine.report('sh_diff')?.samples ?? [];
    expect(samples.map((s) => s.method)).toEqual(['getJobCount', 'lookupJobs']);
    expect(samples[0]?.differences).toEqual([{ field: 'count', primary: '2', candidate: '1' }]);
  });

  it('ignores IN_PROGRESS and SUCCEEDED counts and scans by rule (the drainer holds other copies than the clients); PENDING counts stay judged', async () => {
    await shadowQueue('sh_rule');
    await router.enqueueJobs({ queue: 'sh_rule', jobs: [job('i1'), job('i2'), job('i3')] });
    await settled();
    // The drainer claims copies other than the jobs the clients got: here 2 copies in flight while legacy has none.
    expect((await pacer.dequeueJobs(dequeueReq(shadowQueueName('sh_rule'), 2))).jobs).toHaveLength(2);
    for (const state of [JobState.IN_PROGRESS, JobState.SUCCEEDED]) {
      await router.getJobCount({ queue: 'sh_rule', state, future: false });
      await router.scanJobs({ queue: 'sh_rule', state, future: false, limit: 10 });
    }
    await settled();
    expect(method('sh_rule', 'getJobCount')).toMatchObject({ ignored: 2, matched: 0, mismatched: 0, candidateErrors: 0, fields: [] });
    expect(method('sh_rule', 'scanJobs')).toMatchObject({ ignored: 2, matched: 0, mismatched: 0, candidateErrors: 0, fields: [] });
    expect(await router.getJobCount({ queue: 'sh_rule', state: JobState.PENDING, future: false })).toBe(3);
    await settled();
    expect(method('sh_rule', 'getJobCount')).toMatchObject({ ignored: 2, mismatched: 1, fields: [{ field: 'count', raw: 1, noise: 0, flagged: true }] });
  });

  it('a real dequeue serves legacy only; the drainer claims the copies and mirrors the acks, nothing executed', async () => {
    await shadowQueue('sh_drain');
    await router.enqueueJobs({ queue: 'sh_drain', jobs: [job('j1'), job('j2'), job('j3')] });
    await settled();
    const { jobs } = await router.dequeueJobs(dequeueReq('sh_drain', 10));
    expect(jobs.map((j) => j.body.toString()).sort()).toEqual(['j1', 'j2', 'j3']);
    expect(jobs.every((j) => !pacer.ownsDescriptor(j.descriptor))).toBe(true);
    const shadow = shadowQueueName('sh_drain');
    await eventually(async () => expect(await count(pacer, shadow, JobState.IN_PROGRESS)).toBe(3));
    const [first, ...rest] = jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 }));
    await router.ackDequeuedJobs({ queue: 'sh_drain', succeeded: rest, failed: first === undefined ? [] : [first] });
    expect(await count(redis.backend, 'sh_drain', JobState.SUCCEEDED)).toBe(2);
    await eventually(async () => {
      expect(await count(pacer, shadow, JobState.SUCCEEDED)).toBe(2);
      expect(await count(pacer, shadow, JobState.PENDING)).toBe(1); // failed with an attempt left: retried, as on legacy
      expect(engine.report('sh_drain')).toMatchObject({ jobsDrained: 3 });
    });
    // A client can never reach a shadow copy by its name.
    await expect(router.dequeueJobs(dequeueReq(shadow, 10))).rejects.toMatchObject({ code: ErrorCode.QUEUE_NOT_FOUND });
    await expect(router.getJobCount({ queue: shadow, state: JobState.PENDING, future: false })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
    await expect(router.createQueue(shadowQueueName('sh_new'))).rejects.toMatchObject({ code: ErrorCode.QUEUE_NAME_INVALID });
    const copies = await pacer.scanJobs({ queue: shadow, state: JobState.SUCCEEDED, future: false, limit: 10 });
    const viaRouter = await router.lookupJobs({ descriptors: copies.map((c) => c.descriptor), includeBody: false });
    expect(viaRouter.size).toBe(0);
  });

  it('never lists a shadow queue', async () => {
    routes.set('sh_pacer_only', { mode: 'pacer', legacyCluster: null });
    await router.createQueue('sh_pacer_only');
    const names = await router.getQueueNames();
    expect(names.has('sh_pacer_only')).toBe(true);
    expect(names.has('sh_copy')).toBe(true);
    expect([...(await pacer.getQueueNames())].some(isShadowQueueName)).toBe(true);
    expect([...names].filter(isShadowQueueName)).toEqual([]);
  });

  it('a stalled Pacer never slows the primary: shadow work is shed and every drop counted', async () => {
    await shadowQueue('sh_stall');
    await settled();
    drops.length = 0;
    const lock = await createConnection(pacerDb.mysql);
    try {
      await lock.query(`LOCK TABLES ${TABLES.jobs} WRITE`); // Pacer's inserts and claims wait on it
      // Faster than anything Pacer can take: beyond the bound, shed (queue_full).
      const burst = await timedEnqueues('sh_stall', 0, 10);
      // Stalled tasks time out; once maxAbandoned are outstanding, new work is shed (overloaded).
      await eventually(() => expect(dropped('sh_stall', 'timeout')).toBeGreaterThanOrEqual(SETTINGS.maxAbandonedTasks), { timeoutMs: 10_000 });
      const after = await timedEnqueues('sh_stall', 10, 20);
      expect(Math.max(burst, after)).toBeLessThan(500);
      expect(await count(redis.backend, 'sh_stall', JobState.PENDING)).toBe(20);
      expect(dropped('sh_stall', 'queue_full')).toBeGreaterThan(0);
      expect(dropped('sh_stall', 'overloaded')).toBeGreaterThan(0);
      expect(engine.pendingTasks()).toBeLessThanOrEqual(SETTINGS.maxPendingTasks + SETTINGS.maxAbandonedTasks);
    } finally {
      await lock.query('UNLOCK TABLES');
      await lock.end();
    }
    await settled();
    expect(engine.report('sh_stall')?.dropped).toBe(drops.filter(([q]) => q === 'sh_stall').length);
  });
});

/** Enqueues single-job batches `s<from>`..`s<to - 1>` one after another; the slowest call's milliseconds. */
async function timedEnqueues(queue: string, from: number, to: number): Promise<number> {
  let slowest = 0;
  for (let i = from; i < to; i += 1) {
    const started = performance.now();
    await router.enqueueJobs({ queue, jobs: [job(`s${i}`)] });
    slowest = Math.max(slowest, performance.now() - started);
  }
  return slowest;
}

function dropped(queue: string, reason: ShadowDropReason): number {
  return drops.filter(([q, r]) => q === queue && r === reason).length;
}
