/**
 * Issue 11, the test that proves it: queues move between legacy PinLater and Pacer under live
 * traffic, exactly once, with the operator command, while copiers and a gateway are killed.
 *
 * The deployment (migration-e2e-cluster.ts), every part a process: a legacy Redis cluster (2
 * shards), a legacy MySQL cluster (1 instance), Pacer (broker process, static topology), the
 * routing table in a fresh ZooKeeper chroot, two routing gateways, copiers, `pinlater-ops`.
 * Claims never time out during the test, so it asserts zero duplicates.
 *
 * Traffic (migration-e2e-traffic.ts), through both gateways all the time: per gateway and queue a
 * producer (unique ids, 3 priorities, some run-after 2–10 s ahead) and a worker (piggybacked acks;
 * ~10 % acked failed with a 1–3 s retry delay and retried, ~7 % checkpointed before the ack, ~3 %
 * end FAILED). Three queues: q_redis (Redis cluster) and q_mysql (MySQL cluster) go legacy →
 * migrating → pacer → finalized; q_back (Redis) goes to pacer and is rolled back to legacy.
 *
 * Faults, at moments drawn from a seeded RNG (the seed is printed): copier-1 and copier-2 are
 * killed with kill -9 at random points of the copy (a random share of the jobs moved), each
 * replaced by the next copier; one gateway is killed with kill -9 once and restarted (its clients
 * reconnect; a call whose reply was lost is settled as migration-e2e-traffic.ts says).
 *
 * At the end: every job was executed, none lost, none executed twice (no (job, attemptsRemaining)
 * dequeued twice, and each job got exactly the attempts its kind calls for); FAILED jobs were
 * retried from Pacer through a gateway and executed; every descriptor ever issued resolves through
 * a gateway (legacy descriptors of moved jobs through the move ledger after their legacy queue was
 * deleted, Pacer descriptors of q_back jobs moved back); `verify` matches for all three; the final
 * records are finalized, finalized, legacy; the legacy queues of q_redis and q_mysql are deleted;
 * the ledger summaries equal what `verify` reported, checksums equal.
 *
 * Runs alone, after the other files (jest project `serial`, jest.config.js SERIAL says why):
 *   npx jest --ci -i test/integration/migration-end-to-end.test.ts --selectProjects serial
 */
import { parsePacerDescriptor } from '../../pacer';
import { ConformanceClient, JobState as WireState, type WireJobInfo } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { seededRandom } from '../support/seeded-random';
import { testOutcome } from '../support/test-outcome';
import { E2eCluster, MYSQL_CLUSTER, REDIS_CLUSTER, type CliRun, type GatewayProcess } from './migration-e2e-cluster';
import { PRIORITIES, RETRIED_ATTEMPTS, parseBody } from './migration-e2e-jobs';
import { TrafficRecord } from './migration-e2e-record';
import { MigrationTraffic } from './migration-e2e-traffic';

/** Set to a printed seed to replay a run's random choices. */
const REPLAY_SEED: number | undefined = undefined;
const SEED = REPLAY_SEED ?? Date.now() % 2_147_483_647;

const Q_REDIS = 'q_redis';
const Q_MYSQL = 'q_mysql';
const Q_BACK = 'q_back';
const QUEUES = [Q_REDIS, Q_MYSQL, Q_BACK];
const CLUSTER_OF: Record<string, string> = { [Q_REDIS]: REDIS_CLUSTER, [Q_MYSQL]: MYSQL_CLUSTER, [Q_BACK]: REDIS_CLUSTER };
/** Jobs each queue holds on its legacy cluster before its migration starts. */
const WARMUP_JOBS_PER_QUEUE = 150;
/** Copy rate of q_redis and q_mysql (jobs/s): slow enough that the kills land in the middle of the copy. */
const SLOW_RATE = 30;
const BATCH_SIZE = 20;
const QUIET_PERIOD_MS = 1000;
const PRODUCE_PACE_MS = 180;
const LOOKUP_BATCH = 200;

let cluster: E2eCluster | undefined;
let traffic: MigrationTraffic | undefined;
let checker: ConformanceClient | undefined;
const record = new TrafficRecord();
/** What happened when (ms since the test started), for the summary and a failure report. */
const phases: string[] = [];
let startedAtMs = Date.now();

function phase(what: string): void {
  phases.push(`${((Date.now() - startedAtMs) / 1000).toFixed(1)}s ${what}`);
}

afterEach(async () => {
  const outcome = testOutcome();
  if (outcome?.scopeFailed() !== true) return;
  await reportOutstanding((text) => outcome.report(text));
  outcome.report(`seed ${SEED} (REPLAY_SEED replays it); phases:\n  ${phases.join('\n  ')}`);
  outcome.report(`client call failures (${record.failures.length}), first 30:\n  ${record.failures.slice(0, 30).map((f) => `${f.atMs - startedAtMs} ms ${f.lane} ${f.what}: ${f.message}`).join('\n  ')}`);
  outcome.report(`acks resent ${record.acksResent}, orphans released ${record.orphansRecovered}, outstanding jobs: ${record.outstanding().slice(0, 20).join(', ')}`);
  for (const text of cluster?.outputs() ?? []) outcome.report(text);
});

/** The first outstanding jobs, each with what its clients saw and what its descriptors look up to now. */
async function reportOutstanding(report: (text: string) => void): Promise<void> {
  const lines: string[] = [];
  for (const key of record.outstanding().slice(0, 5)) {
    const { summary, descriptors } = record.describeJob(key);
    lines.push(summary);
    const found = checker === undefined ? undefined : await lookupAll(checker, descriptors).catch(() => undefined);
    for (const d of descriptors) {
      const info = found?.found.get(d);
      lines.push(`    ${d}: ${info === undefined ? (found === undefined ? 'lookup failed' : 'not found') : `state ${info.jobState}, attempts remaining ${info.attemptsRemaining}, claim ${info.claimDescriptor ?? '-'}, body ${info.body?.toString() ?? 'null'}`}`);
    }
  }
  if (lines.length > 0) report(`outstanding jobs, as the clients saw them and as they look up now:\n  ${lines.join('\n  ')}`);
}

afterAll(async () => {
  await traffic?.stop();
  await checker?.close();
  await cluster?.close();
}, 120_000);
afterAll(assertNoLeaks);

// ------------------------------------------------------------------ helpers

function jsonOf<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`pinlater-ops ${run.args.join(' ')}: not one JSON document (exit ${run.code}):\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

/** Runs an operator command; it must exit 0. */
async function ops(c: E2eCluster, args: readonly string[]): Promise<CliRun> {
  const run = await c.runCli(args);
  if (run.code !== 0) throw new Error(`pinlater-ops ${args.join(' ')} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  return run;
}

async function waitForMode(c: E2eCluster, queue: string, mode: string, timeoutMs = 60_000): Promise<void> {
  await eventually(async () => expect({ queue, mode: (await c.record(queue))?.mode }).toEqual({ queue, mode }), { timeoutMs, intervalMs: 100 });
}

/** Jobs moved so far by the current migrations of `queues` (their `queue_migrations` rows). */
async function movedSoFar(c: E2eCluster, queues: readonly string[]): Promise<number> {
  let moved = 0;
  for (const q of queues) {
    const row = await c.migration(q);
    moved += (row?.movedPending ?? 0) + (row?.movedFailed ?? 0) + (row?.movedSucceeded ?? 0);
  }
  return moved;
}

/** Waits until the current migrations of `queues` moved at least `jobs` jobs (or every one of them finished copying). */
async function untilMoved(c: E2eCluster, queues: readonly string[], jobs: number): Promise<number> {
  return eventually(async () => {
    const moved = await movedSoFar(c, queues);
    const rows = await Promise.all(queues.map((q) => c.migration(q)));
    if (moved < jobs && rows.some((r) => r?.status === 'copying')) throw new Error(`moved ${moved} of the ${jobs} awaited`);
    return moved;
  }, { timeoutMs: 90_000, intervalMs: 25 });
}

/** A number in [lo, hi) drawn from the test's RNG. */
function between(rng: () => number, lo: number, hi: number): number {
  return lo + rng() * (hi - lo);
}

/** Lookups in batches; a batch the gateway refuses is reported (its first descriptor and the error), the others go on. */
async function lookupAll(client: ConformanceClient, descriptors: readonly string[]): Promise<{ found: Map<string, WireJobInfo>; refused: string[] }> {
  const found = new Map<string, WireJobInfo>();
  const refused: string[] = [];
  for (let i = 0; i < descriptors.length; i += LOOKUP_BATCH) {
    const batch = descriptors.slice(i, i + LOOKUP_BATCH);
    try {
      for (const [d, info] of Object.entries(await client.lookup(batch, true))) found.set(d, info);
    } catch (e) {
      refused.push(`lookupJobs of ${batch.length} descriptors from ${batch[0] ?? '?'} failed: ${(e as { message?: string }).message ?? String(e)}`);
    }
  }
  return { found, refused };
}

async function countOf(client: ConformanceClient, queue: string): Promise<Record<string, number>> {
  const [pending, future, inProgress] = await Promise.all([
    client.count({ queue, state: WireState.PENDING }), client.count({ queue, state: WireState.PENDING, future: true }), client.count({ queue, state: WireState.IN_PROGRESS }),
  ]);
  return { pending, future, inProgress };
}

/**
 * Every descriptor ever issued, looked up through `client`, that does not answer with its job as
 * it must be now: found, the same job (key in the body), SUCCEEDED (q_back's `fail` jobs, never
 * retried: FAILED), checkpointed if its kind says so. Empty: all resolve.
 */
async function unresolved(client: ConformanceClient, r: TrafficRecord): Promise<string[]> {
  const { found, refused } = await lookupAll(client, [...r.descriptors.keys()]);
  if (refused.length > 0) return refused;
  const wrong: string[] = [];
  for (const [descriptor, key] of r.descriptors) {
    const info = found.get(descriptor);
    const job = r.enqueued.get(key);
    const parsed = parseBody(info?.body ?? null);
    const state = job?.kind === 'fail' && job.queue === Q_BACK ? WireState.FAILED : WireState.SUCCEEDED;
    if (info === undefined || parsed?.key !== key || info.jobState !== state || parsed.checkpointed !== (job?.kind === 'checkpoint')) {
      wrong.push(`${descriptor} (${key}, ${job?.kind ?? '?'}): ${info === undefined ? 'not found' : `state ${info.jobState}, body ${info.body?.toString() ?? 'null'}`}`);
    }
  }
  return wrong;
}

interface VerifyJson {
  migrationId: string;
  status: string;
  ledger: { moved: number; movedByState: Record<string, number>; sourceChecksum: string; targetChecksum: string; mismatched: number };
  checksumsMatch: boolean;
  matches: boolean;
  problems: string[];
  exitCode: number;
}

const isLegacyDescriptor = (d: string): boolean => parsePacerDescriptor(d) === undefined;

// ------------------------------------------------------------------ the test

it('moves two live queues to Pacer and rolls one back, exactly once, through copier and gateway kills', async () => {
  process.stdout.write(`migration-end-to-end: seed ${SEED}\n`);
  const rng = seededRandom(SEED);
  startedAtMs = Date.now();
  const c = await E2eCluster.create();
  cluster = c;
  await c.startProcesses();
  for (const queue of QUEUES) await c.table.store.write(queue, { mode: 'legacy', legacyCluster: CLUSTER_OF[queue] as string, changedBy: 'e2e-test', reason: 'migration e2e queue' }, 0);
  await c.allServe(QUEUES.length);
  // The gateway to kill, drawn now: the test's own calls go through the other one.
  const victim = c.gateways[Math.floor(rng() * c.gateways.length)] as GatewayProcess;
  const survivor = c.gateways[(victim.index + 1) % c.gateways.length] as GatewayProcess;
  checker = await ConformanceClient.connect({ host: '127.0.0.1', port: survivor.thriftPort }, 'e2echeckerx');
  for (const queue of QUEUES) await checker.createQueue(queue);
  expect([...(await c.directRedis.getQueueNames())].sort()).toEqual([Q_BACK, Q_REDIS]);
  expect([...(await c.directMysql.getQueueNames())]).toEqual([Q_MYSQL]);

  // Traffic through both gateways, all the time.
  phase('processes up');
  const t = await MigrationTraffic.start({ queues: QUEUES, gateways: c.gateways.map((g) => ({ host: '127.0.0.1', port: g.thriftPort })), seed: SEED, producePaceMs: PRODUCE_PACE_MS }, record);
  traffic = t;
  const confirmedIn = (queue: string): number => [...record.enqueued.values()].filter((j) => j.queue === queue && j.confirmed).length;
  await eventually(() => {
    for (const q of QUEUES) expect({ q, enough: confirmedIn(q) >= WARMUP_JOBS_PER_QUEUE }).toEqual({ q, enough: true });
  }, { timeoutMs: 60_000, intervalMs: 100 });

  // The operator starts moving q_redis and q_mysql; copier-1 works them.
  phase('warm');
  const starts = await Promise.all([Q_REDIS, Q_MYSQL].map((q) => ops(c, ['migrate', 'start', q, '--rate', String(SLOW_RATE), '--yes', '--json'])));
  const planned = starts.map((run) => jsonOf<{ planned: number; row: { migrationId: string } }>(run));
  const total = planned.reduce((n, p) => n + p.planned, 0);
  expect(total).toBeGreaterThan(0);
  phase(`migrations started, ${total} jobs planned`);
  await c.startCopier('copier-1', QUIET_PERIOD_MS, BATCH_SIZE);
  phase('copier-1 started');

  // kill -9 copier-1 at a random point of the copy; copier-2 takes over.
  const kills: string[] = [];
  const firstKillAt = Math.ceil(total * between(rng, 0.1, 0.35));
  const atKill1 = await untilMoved(c, [Q_REDIS, Q_MYSQL], firstKillAt);
  await c.killCopier('copier-1');
  kills.push(`copier-1 after ${atKill1}/${total} moved`);
  phase(kills[kills.length - 1] as string);
  await c.startCopier('copier-2', QUIET_PERIOD_MS, BATCH_SIZE);

  // kill -9 copier-2 at a later random point; copier-3 takes over.
  const secondKillAt = Math.ceil(total * between(rng, 0.4, 0.7));
  const atKill2 = await untilMoved(c, [Q_REDIS, Q_MYSQL], secondKillAt);
  await c.killCopier('copier-2');
  kills.push(`copier-2 after ${atKill2}/${total} moved`);
  phase(kills[kills.length - 1] as string);
  await c.startCopier('copier-3', QUIET_PERIOD_MS, BATCH_SIZE);

  // kill -9 one gateway once, at a later random point of the copy, and restart it.
  const gatewayKillAt = Math.ceil(total * between(rng, 0.75, 0.95));
  const atGatewayKill = await untilMoved(c, [Q_REDIS, Q_MYSQL], gatewayKillAt);
  const gatewayKilledAtMs = Date.now();
  await c.killGateway(victim);
  kills.push(`${victim.id} after ${atGatewayKill}/${total} moved`);
  phase(kills[kills.length - 1] as string);
  await c.startGateway(victim);
  phase(`${victim.id} restarted`);
  const gatewayBackAtMs = Date.now();

  await c.allServe(await c.table.store.tableVersion());

  // q_back goes to Pacer (the copier flips it) and is rolled back (the copier flips it back).
  const backStart = jsonOf<{ row: { migrationId: string } }>(await ops(c, ['migrate', 'start', Q_BACK, '--yes', '--json']));
  phase('q_back migration started');
  await waitForMode(c, Q_BACK, 'pacer');
  phase('q_back on pacer');
  await ops(c, ['rollback', Q_BACK, '--yes', '--json']);
  await waitForMode(c, Q_BACK, 'legacy');
  phase('q_back rolled back');

  // q_redis and q_mysql reach Pacer.
  await waitForMode(c, Q_REDIS, 'pacer');
  await waitForMode(c, Q_MYSQL, 'pacer');

  // Producers stop; workers drain everything (future jobs and retries included).
  phase('q_redis, q_mysql on pacer');
  await t.stopProducers();
  await eventually(() => expect(record.outstanding()).toEqual([]), { timeoutMs: 60_000, intervalMs: 200 });

  phase('drained');
  // FAILED jobs are retried from the new side, through a gateway, and executed.
  let retried = 0;
  for (const queue of [Q_REDIS, Q_MYSQL]) {
    record.failedRetried.add(queue);
    for (let priority = 1; priority <= PRIORITIES; priority++) {
      for (let n = -1; n !== 0; retried += n) n = await checker.retryFailed({ queue, priority, attemptsToAllow: RETRIED_ATTEMPTS, limit: 1000 });
    }
  }
  await eventually(() => expect(record.outstanding()).toEqual([]), { timeoutMs: 30_000, intervalMs: 200 });
  for (const queue of QUEUES) await eventually(async () => expect({ queue, ...(await countOf(checker as ConformanceClient, queue)) }).toEqual({ queue, pending: 0, future: 0, inProgress: 0 }), { timeoutMs: 20_000 });
  await t.stop();
  traffic = undefined;
  phase('retried FAILED jobs executed');

  // Verification matches; finalize deletes the legacy queues.
  const verified = await Promise.all([Q_REDIS, Q_MYSQL, Q_BACK].map(async (q) => ({ q, run: await c.runCli(['verify', q, '--json']) })));
  for (const { q, run } of verified) {
    const v = jsonOf<VerifyJson>(run);
    expect({ q, code: run.code, matches: v.matches, problems: v.problems, checksumsMatch: v.checksumsMatch, mismatched: v.ledger.mismatched }).toEqual({ q, code: 0, matches: true, problems: [], checksumsMatch: true, mismatched: 0 });
    expect(v.ledger.sourceChecksum).toBe(v.ledger.targetChecksum);
    expect(await c.ledgerSummary(v.migrationId)).toEqual(v.ledger);
  }
  const backFirst = await c.ledgerSummary(backStart.row.migrationId);
  expect(backFirst.sourceChecksum).toBe(backFirst.targetChecksum);
  // Every descriptor ever issued resolves, through a gateway (the one not killed), to its job as it is now.
  expect(await unresolved(checker, record)).toEqual([]);
  await Promise.all([Q_REDIS, Q_MYSQL].map((q) => ops(c, ['finalize', q, '--yes', '--delete-legacy', '--admin-password-file', c.adminPasswordFile, '--json'])));

  phase('verified, finalized');
  // Final places: records, legacy queues.
  expect(await Promise.all(QUEUES.map(async (q) => [q, (await c.record(q))?.mode]))).toEqual([[Q_REDIS, 'finalized'], [Q_MYSQL, 'finalized'], [Q_BACK, 'legacy']]);
  expect([...(await c.directRedis.getQueueNames())]).toEqual([Q_BACK]);
  expect([...(await c.directMysql.getQueueNames())]).toEqual([]);

  // The clients' record: every job executed, none lost, none twice.
  expect(t.crashed).toEqual([]);
  expect(record.problems()).toEqual([]);
  const failKeys = [...record.attempts.keys()].filter((k) => record.enqueued.get(k)?.kind === 'fail' && record.enqueued.get(k)?.queue !== Q_BACK);
  expect(retried).toBe(failKeys.length);
  expect(failKeys.length).toBeGreaterThan(0);
  // Call failures only on the killed gateway's clients, from its kill until shortly after its restart.
  const failures = record.failures.map((f) => ({ ...f, expected: f.gateway === victim.index && f.atMs >= gatewayKilledAtMs && f.atMs <= gatewayBackAtMs + 30_000 }));
  expect(failures.filter((f) => !f.expected)).toEqual([]);
  expect(failures.length).toBeGreaterThan(0);

  const all = [...record.descriptors.keys()];
  const queueOfDescriptor = (d: string): string | undefined => record.enqueued.get(record.descriptors.get(d) ?? '')?.queue;
  const legacyMoved = all.filter((d) => isLegacyDescriptor(d) && queueOfDescriptor(d) !== Q_BACK).length;
  const pacerBack = all.filter((d) => !isLegacyDescriptor(d) && queueOfDescriptor(d) === Q_BACK).length;
  expect({ legacyMoved: legacyMoved > 0, pacerBack: pacerBack > 0 }).toEqual({ legacyMoved: true, pacerBack: true });

  // The ledgers: every job that lived on the legacy side of q_redis / q_mysql moved once (no more
  // than those plus the enqueues whose reply was lost); every q_back job seen on Pacer moved back.
  const keysIn = (queue: string, legacy: boolean): Set<string> => new Set(all.filter((d) => queueOfDescriptor(d) === queue && isLegacyDescriptor(d) === legacy).map((d) => record.descriptors.get(d) as string));
  const unconfirmedIn = (queue: string): number => [...record.enqueued.values()].filter((j) => j.queue === queue && !j.confirmed).length;
  for (const { q, run } of verified) {
    const moved = jsonOf<VerifyJson>(run).ledger.moved;
    const known = q === Q_BACK ? keysIn(q, false).size : keysIn(q, true).size;
    const most = q === Q_BACK ? Number.MAX_SAFE_INTEGER : known + unconfirmedIn(q);
    expect({ q, moved, atLeastKnown: moved >= known, atMost: moved <= most }).toEqual({ q, moved, atLeastKnown: true, atMost: true });
  }

  const ids = record.enqueuedIds().size;
  const moves = (await Promise.all(verified.map(({ run }) => jsonOf<VerifyJson>(run).ledger.moved))).reduce((a, b) => a + b, 0) + backFirst.moved;
  process.stdout.write(`migration-end-to-end: seed ${SEED}; jobs ${ids} (${record.enqueued.size} enqueue tries, ${[...record.attempts.values()].reduce((n, a) => n + a.length, 0)} attempts, ${retried} FAILED retried); `
    + `moves ${moves}; kills ${kills.join(', ')}; call failures ${record.failures.length}, acks resent ${record.acksResent}, orphans released ${record.orphansRecovered}, `
    + `ids enqueued twice (lost reply) ${record.idsExecutedInSeveralTries().length}; ${((Date.now() - startedAtMs) / 1000).toFixed(1)} s\n  ${phases.join('\n  ')}\n`);

  // Still, once the legacy queues of q_redis and q_mysql are deleted: their old descriptors resolve through the ledger.
  expect(await unresolved(checker, record)).toEqual([]);
}, 180_000);
