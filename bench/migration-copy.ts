/**
 * Issue 11 benchmark: how fast the migration copier moves a queue from legacy PinLater into Pacer,
 * and what a copy costs the live traffic of the same legacy cluster.
 *
 * (a) Copy rate, per legacy backend (Redis, MySQL). A fresh legacy namespace (new Redis shard
 *     names, or a new MySQL instance id `benchdb<id>`), a fresh Pacer database (embedded Pacer in
 *     this process), a routing table in a fresh ZooKeeper chroot (test/integration/routing-fixtures.ts).
 *     --jobs ready PENDING jobs (64-byte bodies, priorities 1..3) are seeded on the legacy side
 *     (Redis: enqueueJobs, 1,000 per call; MySQL: multi-row INSERTs of enqueue's columns, since
 *     PinLater's enqueue is one INSERT per job), the queue's migration is started (migration row, routing
 *     record `migrating` to-pacer, rate limit --rate-limit so that it does not bind), and the real
 *     `QueueCopier` (migration/src/copier/queue-copier.ts) runs as the copier process runs it
 *     (test/integration/migration-copier-crash.test.ts builds it the same way). Timed: from the
 *     copier's start until the legacy side is empty (no PENDING job, nothing taken; polled every
 *     50 ms). Prints jobs/s against issue 11's targets (≥ 5,000 Redis, ≥ 2,000 MySQL; PASS/BELOW),
 *     checks that Pacer holds every job and the ledger's checksums match, and prints where the
 *     copy's time went: wall time per step of a batch (take, ledger lookup, stage, ledger record,
 *     publish, finish on the source, the copier's migration-row reads and writes), measured by
 *     wrapping the stores the copier is given (nothing in the copier changes).
 *
 * (b) Client throughput during a copy, per legacy backend, in ONE run: a gateway child process
 *     (bench/support/gateway-child.ts) on a fresh legacy namespace, --workers lean-client loops
 *     doing enqueue(100) → dequeue(100) → ack on one queue, and the real copier process
 *     (`migration/src/copier/main.ts`, bench/support/copier-child.ts) migrating ANOTHER queue of the
 *     same cluster. Fixed windows of --slice-ms alternate between "idle" (the migration paused,
 *     the copier holds the lease and waits) and "copy" (resumed: the window starts once jobs are
 *     seen leaving the legacy queue; after it, the migration is paused and the next window waits
 *     until the copier is quiet), B A A B … as bench/support/paired-comparison.ts does, so drift
 *     in the machine's load hits both alike. Before each copy window the big queue is topped up
 *     (untimed) so the copy never runs dry inside a window. Prints the client's rate in both,
 *     copy/idle (overall and per adjacent pair, median), target ≥ 0.8, the copy's own rate inside
 *     the copy windows, and the CPU each side used (whole machine from /proc/stat, the gateway and
 *     copier processes, this one): on a saturated machine the ratio follows the CPU the copier
 *     takes from the gateway. `--rate-limit` applies here too: lower it to see what copy rate
 *     keeps the ratio at 0.8. Note: here Pacer's database is on the same MariaDB as the legacy
 *     MySQL cluster, so for MySQL the copy's writes into Pacer compete with the client's writes.
 *
 * Absolute rates swing with the machine; the client ratio is only meaningful within one run. The
 * copier, both stores, the gateway and the clients share this machine's cores. Everything started
 * is removed at the end, also on an error or Ctrl-C (processes, config dirs, namespaces, the Pacer
 * database, the chroot). Default run: about 1.5 minutes.
 *
 *   npx tsx bench/migration-copy.ts [--backend redis|mysql|both] [--jobs 20000] [--batch-size 500]
 *     [--rate-limit 1000000] [--workers 8] [--slices 3] [--slice-ms 2000] [--only rate|during]
 *     [--cpu-prof <dir>]
 *
 * `--cpu-prof <dir>` writes a V8 CPU profile of each copier process of (b) into
 * <dir>/copier-<backend>/ at its exit (the main thread's is the large one). Part (a) runs in this
 * process: `node --cpu-prof --import tsx bench/migration-copy.ts --only rate` profiles it.
 *
 * Needs Redis :6379, MariaDB :3306 and ZooKeeper :2181: `bash scripts/services.sh start`.
 */
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import mysql from 'mysql2/promise';
import type { PinLaterBackend } from '../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../core/src/interfaces/stats';
import { silentLogger } from '../core/src/logging/logger';
import type { MigrationStates } from '../core/src/migration/migration-state';
import type { MoveLedger } from '../core/src/migration/move-ledger';
import { DEFAULT_LEGACY_SETTINGS, type LegacyBackendSettings } from '../core/src/types/legacy-backend-options';
import type { NewJob } from '../core/src/types/job';
import { JobState } from '../core/src/types/job-state';
import { systemClock } from '../core/src/util/clock';
import { createLegacyMysqlBackend, createLegacyRedisBackend } from '../legacy-adapter';
import { quotedJobsTable, shardName } from '../legacy-adapter/src/mysql/tables';
import { DEFAULT_COPIER_SETTINGS } from '../migration/src/copier/copier-settings';
import { QueueCopier, type RunEnd } from '../migration/src/copier/queue-copier';
import { ConformanceClient } from '../test/conformance/harness/conformance-client';
import { openPacerMigrationSide, type PacerMigrationSide } from '../test/integration/migration-copier-fixtures';
import { TEST_OPERATOR } from '../test/integration/routing-fixtures';
import { startCopierChild } from './support/copier-child';
import { machineTicks, processCpuSeconds } from './support/cpu-sampler';
import { startGatewayChild, type GatewayChild } from './support/gateway-child';
import { exitWithHeaderHelp } from './support/header-help';
import { integerIn } from './support/integer-option';
import { fmtRate, median } from './support/latency';
import { LeanPinLaterClient } from './support/lean-pinlater-client';
import { freshNamespace, type LegacyBackendName, type LegacyNamespace } from './support/legacy-namespace';
import { formatRatios, verdict } from './support/paired-comparison';
import { Tally, alternatingOrder } from './support/queue-workload';
import { Teardown } from './support/teardown';

exitWithHeaderHelp(__filename);

const MAIN_TREE = resolve(__dirname, '..');
const HOST = '127.0.0.1';
const BODY = Buffer.alloc(64, 'x');
const SEED_CHUNK = 1000;
const SEED_CONCURRENCY = 4;
const MYSQL_DBS_PER_QUEUE = 2;
const POLL_MS = 50;
const COPY_TIMEOUT_MS = 300_000;
const CLIENT_BATCH = 100;
const CLIENT_TARGET = 0.8;
const RATE_TARGET: Record<LegacyBackendName, number> = { redis: 5000, mysql: 2000 };
const CHANGED_BY = 'bench:migration-copy';

interface Options {
  backend: LegacyBackendName | 'both';
  jobs: number;
  batchSize: number;
  rateLimit: number;
  workers: number;
  slices: number;
  sliceMs: number;
  only?: 'rate' | 'during';
  cpuProf?: string;
}

/** Pacer's database and what the copier keeps in it, plus the routing table: shared by every part. */
type Shared = PacerMigrationSide;

const teardown = new Teardown();
let migrationSeq = 0;

// ---------------------------------------------------------------- options

function parseOptions(): Options {
  return new Command()
    .description('Migration copier: copy rate legacy → Pacer, and client throughput during a copy as a ratio of before it (issue 11)')
    .addOption(new Option('--backend <name>', 'legacy backend(s) to copy from').choices(['redis', 'mysql', 'both']).default('both'))
    .option('--jobs <n>', '(a) jobs seeded and copied per backend', integerIn(100, 1_000_000), 20_000)
    .option('--batch-size <n>', 'the copier\'s jobs per take (PINLATER_COPIER_BATCH_SIZE)', integerIn(1, 5000), DEFAULT_COPIER_SETTINGS.batchSize)
    .option('--rate-limit <n>', 'the migration\'s rate limit, jobs/s (high: it must not bind)', integerIn(1, 100_000_000), 1_000_000)
    .option('--workers <n>', '(b) concurrent client loops', integerIn(1, 64), 8)
    .option('--slices <n>', '(b) timed windows per side, alternating B A A B …', integerIn(1, 50), 3)
    .option('--slice-ms <ms>', '(b) length of one window', integerIn(200, 60_000), 2000)
    .addOption(new Option('--only <part>', 'run one part only').choices(['rate', 'during']))
    .option('--cpu-prof <dir>', '(b) write a V8 CPU profile of each copier process into <dir>/copier-<backend>/')
    .parse()
    .opts<Options>();
}

function backendsOf(opts: Options): LegacyBackendName[] {
  return opts.backend === 'both' ? ['redis', 'mysql'] : [opts.backend];
}

// ---------------------------------------------------------------- shared services

function openShared(): Promise<Shared> {
  return openPacerMigrationSide((close) => teardown.track(async () => {
    await close();
  }), { logger: silentLogger() });
}

function clusterOf(backend: LegacyBackendName): string {
  return `bench-${backend}`;
}

/** The legacy backend in this process, on `ns`, with the settings its gateway gets (gateway-child.ts). */
async function openLegacy(backend: LegacyBackendName, ns: LegacyNamespace): Promise<PinLaterBackend> {
  const settings: LegacyBackendSettings = {
    ...DEFAULT_LEGACY_SETTINGS,
    monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, enabled: false },
    mysql: { ...DEFAULT_LEGACY_SETTINGS.mysql, countLimit: 100_000, numDbPerQueue: MYSQL_DBS_PER_QUEUE, allowedHostnamePrefix: 'benchdb' },
  };
  const options = { backendConfig: ns.backendJson, settings, logger: silentLogger(), stats: new MemoryStats(), clock: systemClock };
  const legacy = backend === 'redis' ? await createLegacyRedisBackend(options) : await createLegacyMysqlBackend(options);
  teardown.track(() => legacy.close());
  return legacy;
}

function freshLegacyNamespace(backend: LegacyBackendName): LegacyNamespace {
  const ns = freshNamespace(backend, MYSQL_DBS_PER_QUEUE);
  teardown.track(() => ns.drop());
  return ns;
}

/** Puts `n` more ready PENDING jobs (64-byte bodies, priorities 1..3 round robin) into a queue. */
type Seeder = (queue: string, n: number) => Promise<void>;

/**
 * Redis: enqueueJobs in calls of SEED_CHUNK jobs, SEED_CONCURRENCY at once. MySQL: PinLater's
 * enqueue is one INSERT per job (≈1,400 jobs/s here), so the rows go in as multi-row INSERTs of
 * exactly the columns enqueue.sql writes (as bench/legacy-mysql-throughput.ts prefills), spread
 * over the queue's databases; run-after two seconds ago, so every job is ready.
 */
function seederFor(backend: LegacyBackendName, legacy: PinLaterBackend, ns: LegacyNamespace): Seeder {
  if (backend === 'redis') return (queue, n) => seedThroughBackend(legacy, queue, n);
  const key = Object.keys(ns.backendJson as Record<string, unknown>)[0] ?? '';
  const instanceId = Number(/^benchdb(\d+)$/.exec(key)?.[1]);
  if (!Number.isSafeInteger(instanceId)) throw new Error(`unexpected MySQL backend config key ${key}`);
  const shards = Array.from({ length: MYSQL_DBS_PER_QUEUE }, (_v, db) => shardName(instanceId, db));
  return (queue, n) => seedMysqlRows(shards, queue, n);
}

async function seedThroughBackend(legacy: PinLaterBackend, queue: string, n: number): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, async () => {
    while (next < n) {
      const from = next;
      const count = Math.min(SEED_CHUNK, n - from);
      next += count;
      const jobs: NewJob[] = Array.from({ length: count }, (_v, i) => ({ body: BODY, priority: ((from + i) % 3) + 1, attemptsAllowed: 3, customStatus: '' }));
      await legacy.enqueueJobs({ queue, jobs });
    }
  }));
}

async function seedMysqlRows(shards: readonly string[], queue: string, n: number): Promise<void> {
  const db = await mysql.createConnection({ host: HOST, port: 3306, user: 'root', password: '' });
  try {
    const tables = shards.flatMap((shard) => [1, 2, 3].map((priority) => quotedJobsTable(shard, queue, priority)));
    const perTable = tables.map((_t, i) => Math.floor(n / tables.length) + (i < n % tables.length ? 1 : 0));
    for (const [i, table] of tables.entries()) {
      for (let done = 0; done < (perTable[i] as number); done += SEED_CHUNK) {
        const rows = Array.from({ length: Math.min(SEED_CHUNK, (perTable[i] as number) - done) }, () => [0, 3, 3, '', BODY]);
        await db.query(`INSERT INTO ${table} (state, attempts_allowed, attempts_remaining, custom_status, created_at, run_after, body) ` +
          `SELECT v.s, v.a, v.r, v.c, NOW() - INTERVAL 2 SECOND, NOW() - INTERVAL 2 SECOND, v.b FROM (${rows.map(() => 'SELECT ? s, ? a, ? r, ? c, ? b').join(' UNION ALL ')}) v`, rows.flat());
      }
    }
  } finally {
    await db.end();
  }
}

/** Starts a to-pacer migration of `queue` (migration row + routing record `migrating`), as `pinlater-ops migrate start` does. */
async function startMigration(shared: Shared, queue: string, backend: LegacyBackendName, rateLimitPerS: number): Promise<string> {
  const migrationId = `bench-${queue}-${++migrationSeq}`;
  await shared.states.start({ queue, migrationId, direction: 'to-pacer', legacyCluster: clusterOf(backend), rateLimitPerS });
  const first = await shared.table.store.write(queue, { mode: 'legacy', legacyCluster: clusterOf(backend), changedBy: CHANGED_BY, reason: 'benchmark queue' }, 0);
  await shared.table.store.write(queue, { mode: 'migrating', direction: 'to-pacer', legacyCluster: clusterOf(backend), changedBy: CHANGED_BY, reason: 'benchmark copy' }, first.record.version);
  return migrationId;
}

function pending(backend: PinLaterBackend, queue: string): Promise<number> {
  return backend.getJobCount({ queue, state: JobState.PENDING, future: false });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- (a) copy rate

/** Wall time per named call, summed (the copier's steps run one after the other). */
class StepProfile {
  private readonly steps = new Map<string, { ms: number; calls: number }>();

  async time<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    try {
      return await fn();
    } finally {
      const s = this.steps.get(name) ?? { ms: 0, calls: 0 };
      s.ms += Number(process.hrtime.bigint() - start) / 1e6;
      s.calls += 1;
      this.steps.set(name, s);
    }
  }

  /** The sums so far (calls that ended), to print later. */
  snapshot(): Map<string, { ms: number; calls: number }> {
    return new Map([...this.steps].map(([name, s]) => [name, { ...s }]));
  }

  static lines(steps: Map<string, { ms: number; calls: number }>, wallMs: number): string[] {
    let accounted = 0;
    const out = [...steps].map(([name, s]) => {
      accounted += s.ms;
      return `    ${name.padEnd(24)} ${String(s.calls).padStart(6)} calls  ${(s.ms / s.calls).toFixed(1).padStart(7)} ms/call  ${(s.ms / 1000).toFixed(2).padStart(6)} s  ${((100 * s.ms) / wallMs).toFixed(1).padStart(5)} %`;
    });
    out.push(`    ${'rest (copier CPU, polls)'.padEnd(24)} ${''.padStart(6)}        ${''.padStart(7)}          ${((wallMs - accounted) / 1000).toFixed(2).padStart(6)} s  ${((100 * (wallMs - accounted)) / wallMs).toFixed(1).padStart(5)} %`);
    return out;
  }
}

/** `target` with the methods named in `timedMethods` timed into `profile` (as `<label>.<method>`); everything else passes through. */
function timed<T extends object>(target: T, label: string, timedMethods: readonly string[], profile: StepProfile, extra: Record<string, unknown> = {}): T {
  return new Proxy(target, {
    get(t, p) {
      if (typeof p === 'string' && p in extra) return extra[p];
      const value: unknown = Reflect.get(t, p, t);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (typeof p === 'string' && timedMethods.includes(p)) return (...args: unknown[]) => profile.time(`${label}.${p}`, async () => fn.apply(t, args));
      return fn.bind(t);
    },
  });
}

async function waitLegacyEmpty(legacy: PinLaterBackend, queue: string): Promise<void> {
  const deadline = Date.now() + COPY_TIMEOUT_MS;
  for (;;) {
    if ((await pending(legacy, queue)) === 0 && (await legacy.jobMover().listTaken(queue, 1)).length === 0) return;
    if (Date.now() > deadline) throw new Error(`${queue}: the legacy side is not empty after ${COPY_TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
}

async function copyRate(shared: Shared, backend: LegacyBackendName, opts: Options): Promise<number> {
  const ns = freshLegacyNamespace(backend);
  const legacy = await openLegacy(backend, ns);
  const queue = `copyrate_${backend}`;
  await legacy.createQueue(queue);
  await shared.pacer.createQueue(queue);
  const seedStart = performance.now();
  await seederFor(backend, legacy, ns)(queue, opts.jobs);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  const migrationId = await startMigration(shared, queue, backend, opts.rateLimit);

  const profile = new StepProfile();
  const legacyMover = timed(legacy.jobMover(), 'legacy.jobMover', ['take', 'finish', 'listTaken'], profile);
  const pacerMover = timed(shared.pacer.jobMover(), 'pacer.jobMover', ['stage', 'publish', 'discard', 'listStaged'], profile);
  let stop = false;
  const copier = new QueueCopier({
    queue, owner: `bench-copier-${backend}`,
    legacy: timed(legacy, 'legacy', ['getJobCount'], profile, { jobMover: () => legacyMover }),
    pacer: timed(shared.pacer as PinLaterBackend, 'pacer', [], profile, { jobMover: () => pacerMover }),
    ledger: timed<MoveLedger>(shared.ledger, 'ledger', ['targetsOf', 'record', 'resolve'], profile),
    states: timed<MigrationStates>(shared.states, 'states', ['acquireLease', 'get', 'renewLease', 'recordProgress', 'releaseLease'], profile),
    routing: shared.routing, clock: systemClock, logger: silentLogger(),
    settings: { ...DEFAULT_COPIER_SETTINGS, batchSize: opts.batchSize },
    numPriorityLevels: 3, sleep, stopping: () => stop,
  });

  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const run: Promise<RunEnd> = copier.run();
  let failed: unknown;
  run.catch((e: unknown) => (failed = e));
  const emptied = waitLegacyEmpty(legacy, queue);
  await Promise.race([emptied, run.then(() => { throw new Error('the copier stopped before the legacy side was empty'); })]);
  const wallMs = performance.now() - start;
  const steps = profile.snapshot();
  const cpu = process.cpuUsage(cpu0);
  stop = true;
  const end = await run;
  if (failed !== undefined) throw failed;
  await shared.states.setStatus(queue, migrationId, 'finalized'); // no copier process of part (b) picks it up

  const onPacer = await pending(shared.pacer, queue);
  const summary = await shared.ledger.summary(migrationId);
  const rate = opts.jobs / (wallMs / 1000);
  const target = RATE_TARGET[backend];
  console.log(`  ${backend.padEnd(5)} → Pacer: ${opts.jobs.toLocaleString('en-US')} jobs in ${(wallMs / 1000).toFixed(2)} s = ${fmtRate(rate)}   (target ≥ ${target.toLocaleString('en-US')}: ${rate >= target ? 'PASS' : 'BELOW'})`);
  console.log(`        seeded in ${seedSeconds.toFixed(1)} s (${fmtRate(opts.jobs / seedSeconds)}); copier run ended '${end}'; Pacer holds ${onPacer.toLocaleString('en-US')} PENDING; ledger moved ${summary.moved.toLocaleString('en-US')}, mismatched ${summary.mismatched}, checksums ${summary.sourceChecksum === summary.targetChecksum ? 'equal' : 'DIFFER'}`);
  if (onPacer !== opts.jobs || summary.moved !== opts.jobs || summary.mismatched !== 0) throw new Error(`${backend}: the copy is incomplete or wrong (see above)`);
  console.log(`        this process (copier + embedded Pacer API and broker + the 50 ms polls): ${((cpu.user + cpu.system) / opts.jobs).toFixed(0)} µs CPU per job, ${((cpu.user + cpu.system) / 1000 / wallMs).toFixed(2)} cores`);
  console.log(`        where the copy's wall time went (batch size ${opts.batchSize}; each call's wall time, steps run one after the other):`);
  for (const line of StepProfile.lines(steps, wallMs)) console.log(line);
  return rate;
}

// ---------------------------------------------------------------- (b) client throughput during a copy

type Side = 'idle' | 'copy';

/** One fixed window: every loop runs enqueue(100) → dequeue(100) → ack until the window closes. */
async function windowSlice(clients: readonly LeanPinLaterClient[], queue: string, ms: number, tally: Tally): Promise<void> {
  const bodies = Array.from({ length: CLIENT_BATCH }, () => BODY);
  let dequeued = 0;
  const start = performance.now();
  const deadline = start + ms;
  await Promise.all(clients.map(async (client) => {
    while (performance.now() < deadline) {
      await tally.enqueue.time(() => client.enqueue(queue, bodies));
      const got = await tally.dequeue.time(() => client.dequeue(queue, CLIENT_BATCH));
      await tally.ack.time(() => client.ack(queue, got));
      dequeued += got.length;
    }
  }));
  const seconds = (performance.now() - start) / 1000;
  tally.jobs += dequeued;
  tally.writeSeconds += seconds;
  tally.writeRates.push(dequeued / seconds);
}

async function connectClients(gateway: GatewayChild, queue: string, workers: number): Promise<LeanPinLaterClient[]> {
  const admin = await ConformanceClient.connect({ host: HOST, port: gateway.port }, 'bench:admin');
  try {
    await admin.createQueue(queue);
  } finally {
    await admin.close();
  }
  const clients: LeanPinLaterClient[] = [];
  teardown.track(() => Promise.all(clients.map((c) => c.close())).then(() => undefined));
  for (let i = 0; i < workers; i++) clients.push(await LeanPinLaterClient.connect(HOST, gateway.port, `bench:client${i}`));
  return clients;
}

/** Polls `read` until it returns true, or fails after `timeoutMs`. */
async function until(what: string, read: () => Promise<boolean>, timeoutMs: number, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await read())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(intervalMs);
  }
}

/** The big queue's migration, driven by a copier process: resumed for a copy window, paused otherwise. */
class CopyControl {
  /** Jobs moved inside copy windows, and the windows' seconds; jobs moved while idle (should be 0). */
  movedInWindows = 0;
  windowSeconds = 0;
  movedWhileIdle = 0;
  ranDry = 0;

  constructor(
    private readonly shared: Shared, private readonly legacy: PinLaterBackend, private readonly seed: Seeder, readonly queue: string, private readonly keepAtLeast: number,
  ) {}

  count(): Promise<number> {
    return pending(this.legacy, this.queue);
  }

  /** Tops the queue up (paused, untimed), resumes the migration and waits until jobs leave. */
  async resume(): Promise<void> {
    const before = await this.count();
    if (before < this.keepAtLeast) await this.seed(this.queue, this.keepAtLeast - before);
    const full = await this.count();
    await this.shared.states.setPaused(this.queue, false);
    await until('the copier starts copying', async () => (await this.count()) < full, 30_000);
  }

  /**
   * Pauses the migration and waits until the copier is quiet: the count unchanged over two
   * polling intervals (a batch in flight under load can take longer than one).
   */
  async pause(): Promise<void> {
    await this.shared.states.setPaused(this.queue, true);
    const last = [await this.count()];
    await until('the copier goes quiet after a pause', async () => {
      last.push(await this.count());
      return last.length >= 3 && last.slice(-3).every((n) => n === last[last.length - 1]);
    }, 30_000, 400);
  }

  async copyWindow(run: () => Promise<void>): Promise<void> {
    const before = await this.count();
    const start = performance.now();
    await run();
    this.windowSeconds += (performance.now() - start) / 1000;
    const after = await this.count();
    this.movedInWindows += before - after;
    if (after === 0) this.ranDry += 1;
  }

  async idleWindow(run: () => Promise<void>): Promise<void> {
    const before = await this.count();
    await run();
    this.movedWhileIdle += before - (await this.count());
  }
}

async function duringCopy(shared: Shared, backend: LegacyBackendName, opts: Options, copyRateEstimate: number): Promise<void> {
  const ns = freshLegacyNamespace(backend);
  const legacy = await openLegacy(backend, ns);
  const gateway = await startGatewayChild(MAIN_TREE, `gateway ${backend}`, ns, teardown);
  const clientQueue = `live_${backend}`;
  const clients = await connectClients(gateway, clientQueue, opts.workers);

  const bigQueue = `bulk_${backend}`;
  await legacy.createQueue(bigQueue);
  await shared.pacer.createQueue(bigQueue);
  // Enough for a window plus the pause and resume around it, with room: the copy never runs dry.
  const keepAtLeast = Math.ceil(copyRateEstimate * ((opts.sliceMs + 1500) / 1000) * 1.5);
  const seed = seederFor(backend, legacy, ns);
  await seed(bigQueue, keepAtLeast);
  const migrationId = await startMigration(shared, bigQueue, backend, opts.rateLimit);
  await shared.states.setPaused(bigQueue, true);
  const copierId = `bench-copier-proc-${backend}`;
  const copier = await startCopierChild({
    treeDir: MAIN_TREE, name: `copier ${backend}`, copierId, backend: backend === 'redis' ? 'legacy-redis' : 'legacy-mysql',
    cluster: clusterOf(backend), zookeeper: shared.table.connectString, pacerMysql: shared.pacerDb.mysql,
    credential: TEST_OPERATOR.authText(), batchSize: opts.batchSize,
    ...(opts.cpuProf === undefined ? {} : { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${join(opts.cpuProf, `copier-${backend}`)}`] }),
  }, ns, teardown);
  try {
    await until('the copier process takes the queue', async () => (await shared.states.get(bigQueue))?.leaseOwner === copierId, 60_000, 100);
    const control = new CopyControl(shared, legacy, seed, bigQueue, keepAtLeast);
    // Warm-up (untimed): the client alone, then with a copy.
    await windowSlice(clients, clientQueue, Math.min(1000, opts.sliceMs), new Tally());
    await control.resume();
    await windowSlice(clients, clientQueue, Math.min(1000, opts.sliceMs), new Tally());
    await control.pause();

    const tallies: Record<Side, Tally> = { idle: new Tally(), copy: new Tally() };
    const cpu: Record<Side, CpuUse> = { idle: new CpuUse(gateway.pid, copier.pid), copy: new CpuUse(gateway.pid, copier.pid) };
    for (const side of alternatingOrder<Side>('idle', 'copy', opts.slices, 1)) {
      const run = (): Promise<void> => cpu[side].during(() => windowSlice(clients, clientQueue, opts.sliceMs, tallies[side]));
      if (side === 'idle') {
        await control.idleWindow(run);
      } else {
        await control.resume();
        await control.copyWindow(run);
        await control.pause();
      }
    }
    printDuring(backend, opts, tallies, control, cpu);
  } finally {
    await copier.stop();
    await shared.states.setStatus(bigQueue, migrationId, 'finalized');
  }
}

function printDuring(backend: LegacyBackendName, opts: Options, t: Record<Side, Tally>, control: CopyControl, cpu: Record<Side, CpuUse>): void {
  const ratio = t.copy.jobsPerSecond / t.idle.jobsPerSecond;
  const adjacent = t.copy.writeRates.map((c, k) => c / (t.idle.writeRates[k] as number));
  const p = (tally: Tally): string => `p50/p99 ms: enqueue ${tally.enqueue.percentile(50).toFixed(1)}/${tally.enqueue.percentile(99).toFixed(1)}  dequeue ${tally.dequeue.percentile(50).toFixed(1)}/${tally.dequeue.percentile(99).toFixed(1)}  ack ${tally.ack.percentile(50).toFixed(1)}/${tally.ack.percentile(99).toFixed(1)}`;
  console.log(`  ${backend} (load average now ${loadavg().map((l) => l.toFixed(2)).join(' ')}): client (${opts.workers} loops of enqueue(100) → dequeue(100) → ack through a gateway process), ${opts.slices} windows of ${opts.sliceMs} ms per side`);
  console.log(`    idle  ${fmtRate(t.idle.jobsPerSecond).padStart(14)}   ${p(t.idle)}`);
  console.log(`    copy  ${fmtRate(t.copy.jobsPerSecond).padStart(14)}   ${p(t.copy)}`);
  console.log(`    copy/idle ${ratio.toFixed(3)}x (${verdict(ratio, CLIENT_TARGET)}); adjacent windows ${formatRatios(adjacent)} → median ${median(adjacent).toFixed(3)}x`);
  const copyRate = control.movedInWindows / control.windowSeconds;
  const dry = control.ranDry > 0 ? `; RAN DRY in ${control.ranDry} window(s): the ratio flatters the copy` : '';
  console.log(`    the copier process moved ${fmtRate(copyRate)} inside the copy windows; ${control.movedWhileIdle} jobs moved during idle windows${dry}`);
  const cores = (u: CpuUse): string => `machine ${(100 * u.machineBusy()).toFixed(0)} % busy, gateway ${u.cores('gateway').toFixed(2)} cores, copier ${u.cores('copier').toFixed(2)} cores, this process ${u.cores('self').toFixed(2)} cores`;
  console.log(`    CPU idle: ${cores(cpu.idle)}`);
  console.log(`    CPU copy: ${cores(cpu.copy)}; copier ${((1e6 * cpu.copy.cores('copier') * control.windowSeconds) / Math.max(1, control.movedInWindows)).toFixed(0)} µs CPU per moved job`);
}

/** CPU used during a side's windows: the gateway and copier processes, this process, and the whole machine (/proc/stat). */
class CpuUse {
  private seconds = 0;
  private readonly used = { gateway: 0, copier: 0, self: 0 };
  private busy = 0;
  private total = 0;

  constructor(private readonly gatewayPid: number, private readonly copierPid: number) {}

  async during(fn: () => Promise<void>): Promise<void> {
    const before = this.sample();
    const start = performance.now();
    await fn();
    const after = this.sample();
    this.seconds += (performance.now() - start) / 1000;
    this.used.gateway += after.gateway - before.gateway;
    this.used.copier += after.copier - before.copier;
    this.used.self += after.self - before.self;
    this.busy += after.busy - before.busy;
    this.total += after.total - before.total;
  }

  /** Average cores busy during the windows. */
  cores(who: 'gateway' | 'copier' | 'self'): number {
    return this.used[who] / this.seconds;
  }

  machineBusy(): number {
    return this.busy / this.total;
  }

  private sample(): { gateway: number; copier: number; self: number; busy: number; total: number } {
    const self = process.cpuUsage();
    return { gateway: processCpuSeconds(this.gatewayPid), copier: processCpuSeconds(this.copierPid), self: (self.user + self.system) / 1e6, ...machineTicks() };
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = parseOptions();
  teardown.exitOnSignals();
  const started = performance.now();
  console.log(`migration copier benchmark (issue 11); load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  try {
    const shared = await openShared();
    const rates = new Map<LegacyBackendName, number>();
    if (opts.only !== 'during') {
      console.log(`(a) copy rate: ${opts.jobs.toLocaleString('en-US')} ready jobs per backend, batch size ${opts.batchSize}, rate limit ${opts.rateLimit.toLocaleString('en-US')} jobs/s, the copier in this process\n`);
      for (const backend of backendsOf(opts)) rates.set(backend, await copyRate(shared, backend, opts));
    }
    if (opts.only !== 'rate') {
      console.log('\n(b) client throughput on another queue of the same legacy cluster, idle vs during a copy (same run, alternating windows; target ≥ 0.8)\n');
      for (const backend of backendsOf(opts)) await duringCopy(shared, backend, opts, rates.get(backend) ?? RATE_TARGET[backend]);
    }
  } finally {
    await teardown.runAll();
    console.log(`\n(run took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}

teardown.runMain(main);
