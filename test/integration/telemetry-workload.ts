/**
 * The system and workload of the tests that read the processes' metrics through a real Prometheus
 * (telemetry-catalogue.test.ts: every catalogue metric has data; grafana-panels-prometheus.test.ts:
 * every Grafana panel query returns data).
 *
 * The system, every part a process (migration-e2e-cluster.ts, Pacer in cluster mode as
 * scripts/up.sh runs it): a routing gateway (legacy Redis and MySQL clusters, Pacer behind it), a
 * Pacer controller and a ZooKeeper-mode broker, a migration copier, and a scratch Prometheus
 * (test/support/scratch-prometheus.ts) scraping each one's `/metrics` every second, one job per
 * process kind (the job is the `service.name` the catalogue's `processes` lists).
 *
 * The workload, short:
 * - a legacy queue and a Pacer queue each get enqueues, a dequeue, one job acked succeeded, one
 *   acked failed and one left claimed until the claim times out (the gateway's legacy monitor and
 *   the broker's monitor, both with a short claim timeout);
 * - a legacy queue is migrated to Pacer with `pinlater-ops migrate start` at a slow copy rate, so
 *   the copier moves its jobs over several seconds (backlog on both sides, an ETA);
 * - a legacy queue is put in shadow mode with `pinlater-ops shadow start` (issue 13) after a few
 *   jobs were enqueued, which `shadow start` seeds into the shadow copy: enqueues copied to the
 *   shadow copy, jobs dequeued and acked on legacy (the shadow drainer acks their copies; again
 *   until it has, as the new shadow queue's partitions may not be assigned yet at first). Seeded,
 *   the copy holds what legacy holds, so the mismatch is made deliberately: one job's copy is
 *   deleted from the shadow queue in Pacer's database (delete-shadow-copy.ts), so its lookups
 *   differ in `found` and the PENDING counts in `count`, flagged above a zero noise (the job has
 *   the lowest priority: no dequeue of the workload takes it). Its reads are compared (matched,
 *   mismatched and ignored by rule), each judged one also repeated on legacy (the secondary: noise
 *   comparisons); the noise gets field differences of its own by racing PENDING counts with jobs
 *   enqueued on legacy directly (legacy changes between the client's read and its repeat). The
 *   workload waits until Prometheus holds these. Then a burst of concurrent reads beyond the
 *   gateway's small shadow queue, so shadow work is dropped. Skipped while the routing table does
 *   not serve `shadow` yet (`SHADOW_SERVED`);
 * - the gateway recounts queue depths and backlogs every second (PINLATER_QUEUE_DEPTH_INTERVAL_MS).
 */
import { isServedMode } from '../../migration/index';
import type { TelemetryProcess } from '../../core/src/telemetry/telemetry-catalogue';
import { ConformanceClient, JobState } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { ScratchPrometheus, type ScrapeTarget } from '../support/scratch-prometheus';
import { testOutcome } from '../support/test-outcome';
import { deleteShadowCopy } from './delete-shadow-copy';
import { E2eCluster, REDIS_CLUSTER } from './migration-e2e-cluster';

/** Stays on the legacy Redis cluster: enqueue, dequeue, acks, a claim the gateway's legacy monitor times out. */
export const Q_LEGACY = 'tc_legacy';
/** A new queue, created on Pacer (the default destination): the same on Pacer, the broker's monitor times the claim out. */
export const Q_PACER = 'tc_pacer';
/** On the legacy Redis cluster, migrated to Pacer by the copier. */
export const Q_MOVE = 'tc_move';
/** On the legacy Redis cluster, put in shadow mode. */
export const Q_SHADOW = 'tc_shadow';
export const PROCESSES: readonly TelemetryProcess[] = ['pinlater-gateway', 'pacer-broker', 'pacer-controller', 'pinlater-copier'];

/**
 * Whether the routing table serves shadow mode (migration/src/routing/routing-record.ts
 * SERVED_MODES). Until it does, the shadow part of the workload is skipped and the tests that need
 * its metrics say so.
 */
export const SHADOW_SERVED = isServedMode('shadow');

const MOVED_JOBS = 40;
/** Jobs per second the copier moves of Q_MOVE: the copy takes several seconds, with backlog left on legacy meanwhile. */
const MOVE_RATE = 8;
/** Short enough that the left claims time out within seconds, long enough that an ack right after its dequeue lands first on a loaded machine. */
const CLAIM_TIMEOUT_S = 3;
/** Q_SHADOW's jobs enqueued before shadow mode: `shadow start` seeds the shadow copy with them. */
const PRE_SHADOW_JOBS = 3;
const SHADOW_JOBS = 6;
/** Rounds of compared reads on Q_SHADOW. */
const SHADOW_READ_ROUNDS = 8;
/** Concurrent reads of the burst, far beyond the gateways' shadow queue (SHADOW_SETTINGS). */
const SHADOW_BURST = 40;
/**
 * The gateways' shadow settings: a small queue so the burst drops shadow work (queue_full); no
 * shedding on the gateway's own event-loop load (a busy test machine would shed at random).
 */
const SHADOW_SETTINGS = { maxPendingTasks: 8, maxConcurrency: 2, maxEventLoopUtilization: 1, copyMaxEventLoopUtilization: 1 };
/** The body of Q_SHADOW's job whose shadow copy is deleted (the deliberate mismatch); unique in the queue. */
const DIVERGED_BODY = 'diverged-copy-deleted';
/** Q_SHADOW's lowest priority: the diverged job and the legacy-only jobs wait behind every job the workload dequeues. */
const LOWEST_PRIORITY = 3;
/** Jobs enqueued on legacy directly after a racing PENDING count has answered (shadow noise, `noiseRace`). */
const NOISE_RACE_TAIL = 4;
/** Jobs of a `drainCycle`: more than the copies older than theirs, so the drainer's claims reach the copies whose acks wait. */
const DRAIN_CYCLE_JOBS = PRE_SHADOW_JOBS + SHADOW_JOBS + 1;
/** How long the workload waits for the shadow comparison's metrics in Prometheus. */
const SHADOW_SCRAPED = { timeoutMs: 45_000, intervalMs: 500 };

export type Phase = (what: string) => void;

export interface TelemetrySystem {
  cluster?: E2eCluster;
  prom?: ScratchPrometheus;
  client?: ConformanceClient;
  /** Q_SHADOW's job whose shadow copy was deleted (looked up in every compared round). */
  diverged?: string;
}

/** A test file's system, and how its tests note a step for the failure report. */
export interface TelemetryTestSystem {
  readonly system: TelemetrySystem;
  readonly phase: Phase;
}

/**
 * The jest hooks of a test file on this system: started and the workload run before its tests
 * (`startTelemetrySystem`), closed after them; when a test fails, its report gets the phases so
 * far (seconds since the file started), Prometheus's last log lines and the processes' output.
 * Call it at the top level of the file, before `afterAll(assertNoLeaks)`.
 */
export function useTelemetrySystem(label: string): TelemetryTestSystem {
  const system: TelemetrySystem = {};
  const started = Date.now();
  const phases: string[] = [];
  const phase: Phase = (what) => {
    phases.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);
  };
  afterEach(() => {
    const outcome = testOutcome();
    if (outcome?.scopeFailed() !== true) return;
    outcome.report(`phases:\n  ${phases.join('\n  ')}`);
    if (system.prom !== undefined) outcome.report(`prometheus log, last lines:\n${system.prom.logTail()}`);
    for (const text of system.cluster?.outputs() ?? []) outcome.report(text);
  });
  afterAll(() => closeTelemetrySystem(system), 120_000);
  beforeAll(() => startTelemetrySystem(system, label, phase), 180_000);
  return { system, phase };
}

/**
 * The cluster's processes up, Prometheus scraping them, the workload run. Fills `system` as it
 * goes, so that a test reports the processes' output and closes what was started
 * (`closeTelemetrySystem`) even when a step fails.
 */
export async function startTelemetrySystem(system: TelemetrySystem, label: string, phase: Phase): Promise<void> {
  const cluster = await E2eCluster.create({
    gateways: 1,
    pacer: 'zookeeper',
    brokerClaimTimeoutMs: CLAIM_TIMEOUT_S * 1000,
    brokerMonitorPeriodMs: 500,
    legacyProperties: { GATEWAY_MONITOR_ENABLED: 'true', BACKEND_MONITOR_JOB_CLAIMED_TIMEOUT_SECONDS: String(CLAIM_TIMEOUT_S), BACKEND_MONITOR_THREAD_DELAY_SECONDS: '1' },
    env: { PINLATER_QUEUE_DEPTH_INTERVAL_MS: '1000' },
    ...(SHADOW_SERVED ? { shadow: SHADOW_SETTINGS } : {}),
  });
  system.cluster = cluster;
  phase('namespaces and configs ready');
  await Promise.all([cluster.startProcesses(), cluster.startCopier('copier-1', 500, 5)]);
  phase('processes up');
  system.prom = await ScratchPrometheus.start(scrapeTargets(cluster), { label });
  phase('prometheus ready');
  await runWorkload(system, cluster, phase);
  phase('workload done');
}

export async function closeTelemetrySystem(system: TelemetrySystem): Promise<void> {
  await system.client?.close();
  await system.prom?.close();
  await system.cluster?.close();
}

/** One job per process kind, named as the catalogue names the kind. */
function scrapeTargets(c: E2eCluster): ScrapeTarget[] {
  const gateway = c.gateways[0];
  const copierPort = c.copierStatusPorts.get('copier-1');
  if (gateway === undefined || c.controllerStatusPort === undefined || copierPort === undefined) throw new Error('a process of the cluster has no metrics port');
  const address: Record<TelemetryProcess, number> = {
    'pinlater-gateway': gateway.adminPort, 'pacer-broker': c.brokerAdminPort, 'pacer-controller': c.controllerStatusPort, 'pinlater-copier': copierPort,
  };
  return PROCESSES.map((job) => ({ job, address: `127.0.0.1:${address[job]}` }));
}

async function runWorkload(system: TelemetrySystem, c: E2eCluster, phase: Phase): Promise<void> {
  const legacyQueues = [Q_LEGACY, Q_MOVE, Q_SHADOW];
  for (const queue of legacyQueues) {
    await c.table.store.write(queue, { mode: 'legacy', legacyCluster: REDIS_CLUSTER, changedBy: 'telemetry-workload', reason: 'legacy queue' }, 0);
  }
  await c.allServe(legacyQueues.length);
  const gateway = c.gateways[0];
  if (gateway === undefined) throw new Error('no gateway');
  const gw = await ConformanceClient.connect({ host: '127.0.0.1', port: gateway.thriftPort }, 'telemetry-workload');
  system.client = gw;
  for (const queue of [...legacyQueues, Q_PACER]) await gw.createQueue(queue);
  expect([...(await c.directRedis.getQueueNames())].sort()).toEqual([...legacyQueues].sort());
  await gw.enqueue(Q_MOVE, Array.from({ length: MOVED_JOBS }, (_, i) => ({ body: `move-${i}`, priority: 1 + (i % 3) })));
  await gw.enqueue(Q_SHADOW, Array.from({ length: PRE_SHADOW_JOBS }, (_, i) => ({ body: `before-shadow-${i}` })));
  await cli(c, ['migrate', 'start', Q_MOVE, '--rate', String(MOVE_RATE), '--yes']);
  phase('migration started');
  await Promise.all([ackOneOfEach(gw, Q_LEGACY, phase), ackOneOfEach(gw, Q_PACER, phase), SHADOW_SERVED ? shadowWorkload(system, c, gw, phase) : undefined]);
}

async function cli(c: E2eCluster, args: readonly string[]): Promise<void> {
  const run = await c.runCli(args);
  if (run.code !== 0) throw new Error(`pinlater-ops ${args.join(' ')} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
}

/**
 * Three jobs in `queue`, dequeued (on Pacer, once the controller has assigned the queue's
 * partitions to the broker): one acked succeeded, one acked failed, one left claimed for the
 * monitor to time out.
 */
async function ackOneOfEach(gw: ConformanceClient, queue: string, phase: Phase): Promise<void> {
  await gw.enqueue(queue, ['ok', 'fail', 'left'].map((body) => ({ body, attemptsAllowed: 1 })));
  const claimed = await dequeueAll(gw, queue, 3);
  const [ok, fail] = claimed;
  await gw.ack({ queue, succeeded: [{ descriptor: ok as string }], failed: [{ descriptor: fail as string }] });
  phase(`${queue}: dequeued 3, acked 2`);
}

async function dequeueAll(gw: ConformanceClient, queue: string, count: number): Promise<string[]> {
  const claimed: string[] = [];
  await eventually(async () => {
    const { jobs } = await gw.dequeue({ queue, limit: count - claimed.length });
    claimed.push(...Object.keys(jobs ?? {}));
    expect({ queue, claimed: claimed.length }).toEqual({ queue, claimed: count });
  }, { timeoutMs: 30_000, intervalMs: 200 });
  return claimed;
}

/** Q_SHADOW in shadow mode: copies, drained acks, a deleted copy, compared reads, noise, dropped work (see the header). */
async function shadowWorkload(system: TelemetrySystem, c: E2eCluster, gw: ConformanceClient, phase: Phase): Promise<void> {
  await cli(c, ['shadow', 'start', Q_SHADOW, '--yes']);
  await c.allServe(await c.table.store.tableVersion());
  phase(`${Q_SHADOW}: shadow mode served`);
  const descriptors = await gw.enqueue(Q_SHADOW, Array.from({ length: SHADOW_JOBS }, (_, i) => ({ body: `shadowed-${i}`, attemptsAllowed: 1 })));
  // Legacy hands out the oldest first (the jobs from before shadow mode): claim them all.
  const claimed = await dequeueAll(gw, Q_SHADOW, PRE_SHADOW_JOBS + SHADOW_JOBS);
  const shadowed = claimed.filter((d) => descriptors.includes(d));
  await gw.ack({ queue: Q_SHADOW, succeeded: shadowed.slice(0, 2).map((descriptor) => ({ descriptor })), failed: shadowed.slice(2, 4).map((descriptor) => ({ descriptor })) });
  const prom = system.prom as ScratchPrometheus;
  await untilScraped(prom, SHADOW_DRAINED_SERIES, () => drainCycle(gw));
  phase(`${Q_SHADOW}: shadowed enqueues, acks, drained copies scraped`);
  const [diverged] = await gw.enqueue(Q_SHADOW, [{ body: DIVERGED_BODY, priority: LOWEST_PRIORITY }]);
  if (diverged === undefined) throw new Error(`${Q_SHADOW}: the diverged job got no descriptor`);
  await deleteShadowCopy(c.pacerDb.mysql, Q_SHADOW, DIVERGED_BODY);
  system.diverged = diverged;
  phase(`${Q_SHADOW}: the diverged job's shadow copy deleted`);
  await untilScraped(prom, SHADOW_MISMATCH_SERIES, () => compareReads(gw, [diverged, ...descriptors.slice(0, 2)]));
  phase(`${Q_SHADOW}: mismatches and noise comparisons scraped`);
  for (let round = 0; round < SHADOW_READ_ROUNDS; round++) await compareReads(gw, [diverged, ...descriptors.slice(0, 2)]);
  let races = 0;
  await untilScraped(prom, SHADOW_NOISE_SERIES, async () => {
    races += 1;
    await noiseRace(c, gw, races);
  });
  phase(`${Q_SHADOW}: ${SHADOW_READ_ROUNDS} rounds of reads, noise differences after ${races} races`);
  await Promise.all(Array.from({ length: SHADOW_BURST }, () => gw.count({ queue: Q_SHADOW, state: JobState.SUCCEEDED })));
  phase(`${Q_SHADOW}: a burst of ${SHADOW_BURST} reads`);
}

/** Q_SHADOW's copies the drainer acked. */
const SHADOW_DRAINED_SERIES: readonly string[] = [`pinlater_shadow_jobs_drained_total{messaging_destination_name="${Q_SHADOW}"}`];
/** Q_SHADOW's series that the deleted copy makes: flagged raw differences, mismatches, noise comparisons (the secondary reads). */
const SHADOW_MISMATCH_SERIES: readonly string[] = [
  `pinlater_shadow_field_differences_total{messaging_destination_name="${Q_SHADOW}", rpc_method="PinLater/lookupJobs", pinlater_shadow_field="found", pinlater_shadow_comparison="raw"}`,
  `pinlater_shadow_comparisons_total{messaging_destination_name="${Q_SHADOW}", rpc_method="PinLater/lookupJobs", pinlater_result="mismatched"}`,
  `pinlater_shadow_noise_comparisons_total{messaging_destination_name="${Q_SHADOW}", rpc_method="PinLater/lookupJobs"}`,
  `pinlater_shadow_noise_comparisons_total{messaging_destination_name="${Q_SHADOW}", rpc_method="PinLater/getJobCount"}`,
];
/** Q_SHADOW's noise differences (the primary against itself), made by `noiseRace`. */
const SHADOW_NOISE_SERIES: readonly string[] = [
  `pinlater_shadow_field_differences_total{messaging_destination_name="${Q_SHADOW}", rpc_method="PinLater/getJobCount", pinlater_shadow_comparison="noise"}`,
];

/** Until Prometheus holds every one of `series` (scraped from the gateway), runs `step` after each look that misses some. */
async function untilScraped(prom: ScratchPrometheus, series: readonly string[], step: () => Promise<void>): Promise<void> {
  await eventually(async () => {
    const found = await Promise.all(series.map(async (s) => (await prom.queryVector(s)).length > 0));
    const missing = series.filter((_, i) => found[i] !== true);
    if (missing.length > 0) await step();
    expect(missing).toEqual([]);
  }, SHADOW_SCRAPED);
}

/**
 * Jobs enqueued, dequeued and acked on Q_SHADOW's legacy again: the drainer claims as many
 * copies (the oldest first) and applies the acks that waited for their copies. The first mirrored
 * dequeue can find no copy to claim while the controller is still assigning the new shadow queue's
 * partitions to the broker.
 */
async function drainCycle(gw: ConformanceClient): Promise<void> {
  await gw.enqueue(Q_SHADOW, Array.from({ length: DRAIN_CYCLE_JOBS }, (_, i) => ({ body: `drain-${i}`, attemptsAllowed: 1 })));
  const claimed = await dequeueAll(gw, Q_SHADOW, DRAIN_CYCLE_JOBS);
  await gw.ack({ queue: Q_SHADOW, succeeded: claimed.map((descriptor) => ({ descriptor })) });
}

/**
 * The primary differs from itself: a PENDING count of Q_SHADOW read while jobs are enqueued on
 * legacy directly (never through the gateway, so never copied), one after another from before
 * the count is sent until a few after it answered. One of them usually lands between the client's
 * read and the gateway's repeat of it on legacy (the secondary): a noise difference in `count`.
 */
async function noiseRace(c: E2eCluster, gw: ConformanceClient, race: number): Promise<void> {
  let answered = false;
  const read = gw.count({ queue: Q_SHADOW, state: JobState.PENDING }).finally(() => {
    answered = true;
  });
  for (let i = 0, after = 0; after < NOISE_RACE_TAIL && i < 100; i++) {
    if (answered) after += 1;
    await c.directRedis.enqueueJobs({ queue: Q_SHADOW, jobs: [{ body: Buffer.from(`legacy-only-${race}-${i}`), priority: LOWEST_PRIORITY, attemptsAllowed: 1, customStatus: '' }] });
  }
  await read;
}

/**
 * One round of the steady traffic a live system always has: a job enqueued, dequeued and acked on
 * the Pacer queue, the migrated queue and (shadow mode served) the shadowed queue, whose reads are
 * compared once more. Run between scrapes (grafana-panels-prometheus.test.ts does, while it waits
 * for data), it makes counters and histograms increase from one scrape to the next, as `rate()`
 * panels need: events that all happened before a series' first scrape never show in a rate.
 */
export async function trafficRound(system: TelemetrySystem): Promise<void> {
  const gw = system.client;
  if (gw === undefined) throw new Error('trafficRound: the workload has not connected its client');
  const diverged = system.diverged === undefined ? [] : [system.diverged];
  const queues = SHADOW_SERVED ? [Q_PACER, Q_MOVE, Q_SHADOW] : [Q_PACER, Q_MOVE];
  await Promise.all(queues.map(async (queue) => {
    const descriptors = await gw.enqueue(queue, [{ body: 'steady', attemptsAllowed: 1 }]);
    const claimed = Object.keys((await gw.dequeue({ queue, limit: 1 })).jobs ?? {});
    if (claimed.length > 0) await gw.ack({ queue, succeeded: claimed.map((descriptor) => ({ descriptor })) });
    if (queue === Q_SHADOW) await compareReads(gw, [...diverged, ...descriptors]);
  }));
}

/**
 * One read of each compared kind of Q_SHADOW, the judged ones first (the gateway's shadow queue is
 * small): a lookup of `descriptors` (the diverged job's: `found` differs), PENDING and FAILED
 * counts (PENDING differs: the deleted copy) and a PENDING scan, each repeated on legacy for the
 * noise; then IN_PROGRESS and SUCCEEDED counts and an IN_PROGRESS scan, ignored by rule.
 */
async function compareReads(gw: ConformanceClient, descriptors: readonly string[]): Promise<void> {
  await gw.lookup(descriptors);
  for (const state of [JobState.PENDING, JobState.FAILED]) await gw.count({ queue: Q_SHADOW, state });
  await gw.scan({ queue: Q_SHADOW, state: JobState.PENDING, limit: 20 });
  for (const state of [JobState.IN_PROGRESS, JobState.SUCCEEDED]) await gw.count({ queue: Q_SHADOW, state });
  await gw.scan({ queue: Q_SHADOW, state: JobState.IN_PROGRESS, limit: 20 });
}
