/**
 * Issue 12: the telemetry catalogue (core/src/telemetry/telemetry-catalogue.ts) matches what the
 * processes emit, in both directions, as a real Prometheus scrapes it.
 *
 * The system, every part a process (migration-e2e-cluster.ts, Pacer in cluster mode as
 * scripts/up.sh runs it): a routing gateway (legacy Redis and MySQL clusters, Pacer behind it), a
 * Pacer controller (`--status-port`) and a ZooKeeper-mode broker (`--admin-port`), a migration
 * copier (`--status-port`), and a scratch Prometheus (test/support/scratch-prometheus.ts) scraping
 * each one's `/metrics` every second, one job per process kind (the job is the `service.name` the
 * catalogue's `processes` lists).
 *
 * The workload, short: a legacy queue and a Pacer queue each get enqueues, a dequeue, one job
 * acked succeeded, one acked failed and one left claimed until the claim times out (the gateway's
 * legacy monitor and the broker's monitor, both with a short claim timeout); a third legacy queue
 * is migrated to Pacer with `pinlater-ops migrate start`, so the copier moves its jobs; the
 * gateway recounts queue depths every second (PINLATER_QUEUE_DEPTH_INTERVAL_MS).
 *
 * Then: every series of every catalogue metric (`prometheusSeries`) has data scraped from every
 * process kind its `processes` lists (`count(<series>{job="<kind>"}) > 0`; all missing ones are
 * reported at once); and every metric Prometheus holds under our prefixes (`pinlater_`, `pacer_`,
 * `rpc_`) is a catalogue series, scraped only from the kinds the catalogue lists, with only the
 * label keys its `attributes` name (plus `le` on histogram buckets).
 */
import {
  METRICS, prometheusSeries, type MetricDef, type TelemetryProcess,
} from '../../core/src/telemetry/telemetry-catalogue';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { ScratchPrometheus, type ScrapeTarget } from '../support/scratch-prometheus';
import { testOutcome } from '../support/test-outcome';
import { E2eCluster, REDIS_CLUSTER } from './migration-e2e-cluster';

jest.setTimeout(120_000);

/** Stays on the legacy Redis cluster: enqueue, dequeue, acks, a claim the gateway's legacy monitor times out. */
const Q_LEGACY = 'tc_legacy';
/** A new queue, created on Pacer (the default destination): the same on Pacer, the broker's monitor times the claim out. */
const Q_PACER = 'tc_pacer';
/** On the legacy Redis cluster, migrated to Pacer by the copier. */
const Q_MOVE = 'tc_move';
const MOVED_JOBS = 20;
/** Short enough that the left claims time out within seconds, long enough that an ack right after its dequeue lands first on a loaded machine. */
const CLAIM_TIMEOUT_S = 3;
const OUR_PREFIXES = /^(pinlater|pacer|rpc)_/;
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = new Set(['__name__', 'job', 'instance']);
const SCRAPED = { timeoutMs: 60_000, intervalMs: 1000 };
const PROCESSES: readonly TelemetryProcess[] = ['pinlater-gateway', 'pacer-broker', 'pacer-controller', 'pinlater-copier'];

let cluster: E2eCluster | undefined;
let prom: ScratchPrometheus | undefined;
let client: ConformanceClient | undefined;
const started = Date.now();
const phases: string[] = [];

function phase(what: string): void {
  phases.push(`${((Date.now() - started) / 1000).toFixed(1)}s ${what}`);
}

const DEFS: readonly MetricDef[] = Object.values(METRICS);

/** Catalogue series name → its metric. */
const DEF_OF_SERIES = new Map<string, MetricDef>(DEFS.flatMap((def) => prometheusSeries(def).map((series) => [series, def] as const)));

/** An attribute key as Prometheus shows it (the exporter's sanitising: anything else than [A-Za-z0-9_] becomes `_`). */
function labelOf(attribute: string): string {
  return attribute.replace(/[^A-Za-z0-9_]/g, '_');
}

afterEach(() => {
  const outcome = testOutcome();
  if (outcome?.scopeFailed() !== true) return;
  outcome.report(`phases:\n  ${phases.join('\n  ')}`);
  if (prom !== undefined) outcome.report(`prometheus log, last lines:\n${prom.logTail()}`);
  for (const text of cluster?.outputs() ?? []) outcome.report(text);
});

afterAll(async () => {
  await client?.close();
  await prom?.close();
  await cluster?.close();
}, 120_000);
afterAll(assertNoLeaks);

beforeAll(async () => {
  const c = await E2eCluster.create({
    gateways: 1,
    pacer: 'zookeeper',
    brokerClaimTimeoutMs: CLAIM_TIMEOUT_S * 1000,
    brokerMonitorPeriodMs: 500,
    legacyProperties: { GATEWAY_MONITOR_ENABLED: 'true', BACKEND_MONITOR_JOB_CLAIMED_TIMEOUT_SECONDS: String(CLAIM_TIMEOUT_S), BACKEND_MONITOR_THREAD_DELAY_SECONDS: '1' },
    env: { PINLATER_QUEUE_DEPTH_INTERVAL_MS: '1000' },
  });
  cluster = c;
  phase('namespaces and configs ready');
  await Promise.all([c.startProcesses(), c.startCopier('copier-1', 500, 10)]);
  phase('processes up');
  prom = await ScratchPrometheus.start(scrapeTargets(c), { label: 'telemetry-catalogue' });
  phase('prometheus ready');
  await workload(c);
  phase('workload done');
}, 180_000);

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

async function workload(c: E2eCluster): Promise<void> {
  for (const queue of [Q_LEGACY, Q_MOVE]) {
    await c.table.store.write(queue, { mode: 'legacy', legacyCluster: REDIS_CLUSTER, changedBy: 'telemetry-catalogue-test', reason: 'legacy queue' }, 0);
  }
  await c.allServe(2);
  const gateway = c.gateways[0];
  if (gateway === undefined) throw new Error('no gateway');
  const gw = await ConformanceClient.connect({ host: '127.0.0.1', port: gateway.thriftPort }, 'telemetry-catalogue');
  client = gw;
  for (const queue of [Q_LEGACY, Q_PACER, Q_MOVE]) await gw.createQueue(queue);
  expect([...(await c.directRedis.getQueueNames())].sort()).toEqual([Q_LEGACY, Q_MOVE].sort());
  await gw.enqueue(Q_MOVE, Array.from({ length: MOVED_JOBS }, (_, i) => ({ body: `move-${i}`, priority: 1 + (i % 3) })));
  const migrate = await c.runCli(['migrate', 'start', Q_MOVE, '--yes']);
  if (migrate.code !== 0) throw new Error(`pinlater-ops migrate start exited ${migrate.code}:\n${migrate.stdout}\n${migrate.stderr}`);
  phase('migration started');
  await Promise.all([Q_LEGACY, Q_PACER].map((queue) => ackOneOfEach(gw, queue)));
}

/**
 * Three jobs in `queue`, dequeued (on Pacer, once the controller has assigned the queue's
 * partitions to the broker): one acked succeeded, one acked failed, one left claimed for the
 * monitor to time out.
 */
async function ackOneOfEach(gw: ConformanceClient, queue: string): Promise<void> {
  await gw.enqueue(queue, ['ok', 'fail', 'left'].map((body) => ({ body, attemptsAllowed: 1 })));
  const claimed: string[] = [];
  await eventually(async () => {
    const { jobs } = await gw.dequeue({ queue, limit: 3 - claimed.length });
    claimed.push(...Object.keys(jobs ?? {}));
    expect({ queue, claimed: claimed.length }).toEqual({ queue, claimed: 3 });
  }, { timeoutMs: 30_000, intervalMs: 200 });
  const [ok, fail] = claimed;
  await gw.ack({ queue, succeeded: [{ descriptor: ok as string }], failed: [{ descriptor: fail as string }] });
  phase(`${queue}: dequeued 3, acked 2`);
}

/** Whether Prometheus holds data of `series` scraped from `job` right now. */
async function hasData(p: ScratchPrometheus, series: string, job: TelemetryProcess): Promise<boolean> {
  const samples = await p.queryVector(`count(${series}{job="${job}"})`);
  return samples.some((s) => s.value > 0);
}

it('every catalogue metric has data, scraped from every process kind the catalogue lists for it', async () => {
  const p = prom as ScratchPrometheus;
  const wanted = DEFS.flatMap((def) => def.processes.flatMap((job) => prometheusSeries(def).map((series) => ({ name: def.name, series, job }))));
  let missing = wanted.map((w) => `${w.series} (${w.name}) from ${w.job}`);
  try {
    await eventually(async () => {
      const found = await Promise.all(wanted.map((w) => hasData(p, w.series, w.job)));
      missing = wanted.filter((_, i) => found[i] !== true).map((w) => `${w.series} (${w.name}) from ${w.job}`);
      if (missing.length > 0) throw new Error(`${missing.length} series missing`);
    }, SCRAPED);
  } catch (error) {
    const targets = (await p.targets()).map((t) => `${t.job} ${t.health}${t.lastError === '' ? '' : ` (${t.lastError})`}`);
    throw new Error(`${missing.length} of ${wanted.length} catalogue series have no data after ${SCRAPED.timeoutMs} ms:\n  ${missing.join('\n  ')}\n`
      + `targets: ${targets.join(', ')}\nlast attempt: ${(error as Error).message}`);
  }
  phase('every catalogue series scraped');
});

it('exports nothing of ours outside the catalogue: names, the processes that emit them, their labels', async () => {
  const p = prom as ScratchPrometheus;
  const ours = (await p.metricNames()).filter((name) => OUR_PREFIXES.test(name));
  expect(ours.length).toBeGreaterThan(0);
  const problems = ours.filter((name) => !DEF_OF_SERIES.has(name)).map((name) => `${name} is not a catalogue series`);
  for (const sample of await p.queryVector('{__name__=~"(pinlater|pacer|rpc)_.+"}')) {
    const name = sample.labels.__name__ ?? '';
    const def = DEF_OF_SERIES.get(name);
    if (def === undefined) continue; // named above
    const job = sample.labels.job ?? '';
    if (!(def.processes as readonly string[]).includes(job)) problems.push(`${name} scraped from ${job}, not one of ${def.processes.join(', ')}`);
    const allowed = new Set([...TARGET_LABELS, ...def.attributes.map(labelOf), ...(def.kind === 'histogram' && name.endsWith('_bucket') ? ['le'] : [])]);
    for (const label of Object.keys(sample.labels)) if (!allowed.has(label)) problems.push(`${name} from ${job} has label ${label}, not one of the catalogue's attributes (${def.attributes.join(', ')})`);
  }
  expect([...new Set(problems)]).toEqual([]);
});
