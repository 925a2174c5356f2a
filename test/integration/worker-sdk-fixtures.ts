/**
 * The systems the worker SDK tests run against (worker-sdk.test.ts, worker-sdk-lifecycle.test.ts,
 * worker-sdk-readiness.test.ts):
 * the real gateway (`gateway/src/gateway-process.ts` `startGateway`, in-process, with the conformance
 * harness's PinLater server settings) in front of each backend, each in a fresh namespace:
 *
 * - legacy-redis, legacy-mysql: the conformance profiles' clusters (test/conformance/backends/),
 *   monitor timer off, with the test file's claim timeout;
 * - pacer: a fresh migrated database and a real dequeue broker behind its Thrift RPC, the gateway
 *   side in the static topology (as test/integration/ops-cli-jobs.test.ts builds it), the same
 *   claim timeout for `runMonitorOnce`.
 *
 * The gateway can refuse dequeues as rate-limited on demand (`refuseDequeues`), and be restarted on its port (`restartGateway`: a graceful close, then a new gateway
 * on the same backend and port), which is what a worker sees when a gateway is redeployed. Each
 * system has the test's own client (`client`) and the gateway's stats (to count the calls the
 * worker made). `workerSdkSuite` is a test file's setup around them: the systems for all its
 * tests, and workers that are closed after each test.
 */
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { createLogger, silentLogger } from '../../core/src/logging/logger';
import { systemClock } from '../../core/src/util/clock';
import { startGateway, type RunningGateway } from '../../gateway/src/gateway-process';
import { BrokerServer, createConfiguredPacerBackend, createDequeueBroker } from '../../pacer';
import { createWorker, type Worker, type WorkerOptions } from '../../pacer/src/worker-sdk';
import { buildLegacyMysqlSystem } from '../conformance/backends/legacy-mysql';
import { buildLegacyRedisSystem } from '../conformance/backends/legacy-redis';
import type { ProfileSystem } from '../conformance/backends/profile-system';
import { ConformanceClient, JobState, type JobStateValue } from '../conformance/harness/conformance-client';
import { CONFORMANCE_ADMIN_PASSWORD, pinlaterPasswordHash } from '../conformance/harness/gateway-harness';
import { testLogLevel } from '../support/test-env';
import { freshPacerDb } from './pacer-fixtures';

export const BACKENDS = ['legacy-redis', 'legacy-mysql', 'pacer'] as const;
export type BackendName = (typeof BACKENDS)[number];

const HOST = '127.0.0.1';

export interface WorkerSdkSystem {
  readonly name: BackendName;
  readonly backend: PinLaterBackend;
  /** Whole seconds on legacy MySQL (its timestamps are truncated, FACTS §11.11), else 1 ms. */
  readonly timestampResolutionMs: number;
  /** The test's own view (source `worker-sdk-test`), connected again when the gateway comes back. */
  readonly client: ConformanceClient;
  /** The current gateway's stats (a restart starts new ones). */
  stats(): MemoryStats;
  readonly port: number;
  /** Creates the queue (Pacer: and gives its partition to the broker). */
  createQueue(queue: string): Promise<void>;
  /** Closes the gateway (gracefully) and starts a new one on the same port and backend. */
  restartGateway(): Promise<void>;
  /** While on, the gateway refuses every dequeue as rate-limited (DEQUEUE_RATE_LIMITED), as a queue limit of 0 would. */
  refuseDequeues(on: boolean): void;
  /** Closes the gateway only; `startGatewayAgain` brings it back on the same port. */
  stopGateway(): Promise<void>;
  startGatewayAgain(): Promise<void>;
  close(): Promise<void>;
}

interface GatewayHolder {
  gateway: RunningGateway | undefined;
  stats: MemoryStats;
  client: ConformanceClient | undefined;
  refusing: boolean;
}

async function startOn(backend: PinLaterBackend, port: number, holder: GatewayHolder): Promise<number> {
  holder.stats = new MemoryStats();
  holder.gateway = await startGateway(
    {
      host: HOST, thriftPort: port, maxFrameBytes: 64 * 1024 * 1024, idleTimeoutMs: 5 * 60_000, maxConcurrentRequests: 5000,
      shutdownGraceMs: 2000, dequeueConcurrencyPerQueuePerShard: 10, adminPasswordHash: pinlaterPasswordHash(CONFORMANCE_ADMIN_PASSWORD),
    },
    { backend, rateLimiter: { allowDequeue: () => !holder.refusing }, stats: holder.stats, clock: systemClock, logger: createLogger({ name: 'worker-sdk-gateway', level: testLogLevel() }) },
  );
  return holder.gateway.thriftPort;
}

async function front(
  name: BackendName, backend: PinLaterBackend, resolutionMs: number, createQueue: (queue: string) => Promise<void>, closeBackend: () => Promise<void>,
): Promise<WorkerSdkSystem> {
  const holder: GatewayHolder = { gateway: undefined, stats: new MemoryStats(), client: undefined, refusing: false };
  const port = await startOn(backend, 0, holder);
  holder.client = await ConformanceClient.connect({ host: HOST, port }, 'worker-sdk-test');
  const stopGateway = async (): Promise<void> => {
    await holder.client?.close();
    holder.client = undefined;
    await holder.gateway?.close();
    holder.gateway = undefined;
  };
  const startGatewayAgain = async (): Promise<void> => {
    await startOn(backend, port, holder);
    holder.client = await ConformanceClient.connect({ host: HOST, port }, 'worker-sdk-test');
  };
  return {
    name, backend, port, createQueue, stopGateway, startGatewayAgain,
    refuseDequeues: (on) => {
      holder.refusing = on;
    },
    get client(): ConformanceClient {
      if (holder.client === undefined) throw new Error(`the ${name} gateway is stopped`);
      return holder.client;
    },
    timestampResolutionMs: resolutionMs,
    stats: () => holder.stats,
    restartGateway: async () => {
      await stopGateway();
      await startGatewayAgain();
    },
    close: async () => {
      await stopGateway();
      await closeBackend();
    },
  };
}

async function startPacer(claimTimeoutMs: number): Promise<WorkerSdkSystem> {
  const db = await freshPacerDb();
  const broker = createDequeueBroker({ brokerId: 'worker-sdk-broker', mysql: db.mysql, monitor: { enabled: false, claimTimeoutMs } });
  const server = await BrokerServer.listen(broker, HOST, 0, silentLogger());
  const context = { numPriorityLevels: 3, monitor: { claimTimeoutMs }, logger: silentLogger(), stats: new MemoryStats(), clock: systemClock };
  const backend = await createConfiguredPacerBackend({ mode: 'static', mysql: db.mysql, defaultPartitions: 1, brokers: { fallback: `${HOST}:${server.port}` } }, context);
  return front('pacer', backend, 1, async (queue) => {
    await backend.createQueue(queue);
    await broker.assign(queue, 0);
  }, async () => {
    await backend.close();
    await server.close();
    await broker.close();
    await db.db.drop();
  });
}

/** The systems (default all three), each behind its own gateway; `claimTimeoutMs` is what `backend.runMonitorOnce()` uses. */
export async function startWorkerSdkSystems(label: string, claimTimeoutMs: number, only: readonly BackendName[] = BACKENDS): Promise<Map<BackendName, WorkerSdkSystem>> {
  const ns = { label, monitor: { claimTimeoutMs } };
  const builders: Record<BackendName, () => Promise<WorkerSdkSystem>> = {
    'legacy-redis': async () => legacy('legacy-redis', await buildLegacyRedisSystem(ns), 1),
    'legacy-mysql': async () => legacy('legacy-mysql', await buildLegacyMysqlSystem(ns), 1000),
    pacer: () => startPacer(claimTimeoutMs),
  };
  const started = await Promise.allSettled(only.map((name) => builders[name]()));
  const systems = new Map<BackendName, WorkerSdkSystem>();
  started.forEach((r, i) => {
    if (r.status === 'fulfilled') systems.set(only[i] as BackendName, r.value);
  });
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed !== undefined) {
    await closeWorkerSdkSystems(systems);
    throw failed.reason;
  }
  return systems;
}

function legacy(name: BackendName, s: ProfileSystem, resolutionMs: number): Promise<WorkerSdkSystem> {
  return front(name, s.instance.backend, resolutionMs, (q) => s.instance.backend.createQueue(q), () => s.instance.cleanup());
}

export async function closeWorkerSdkSystems(systems: Map<BackendName, WorkerSdkSystem>): Promise<void> {
  for (const s of systems.values()) await s.close();
}

export interface WorkerSdkSuite {
  /** The file's system on `name` (started before its first test). */
  system(name: BackendName): WorkerSdkSystem;
  /** A worker on the system's gateway, fast to notice new jobs; closed after the current test. */
  startWorker(s: WorkerSdkSystem, queue: string, options: Partial<WorkerOptions> & Pick<WorkerOptions, 'handler'>): Worker;
}

/**
 * A test file's setup: every system (`startWorkerSdkSystems(label, claimTimeoutMs)`; `only` those
 * named) started in beforeAll and closed in afterAll; after each test, the workers it started are
 * closed (a 2 s deadline). Workers back off 20–200 ms when idle, 20 ms to `reconnectMaxDelayMs`
 * when reconnecting.
 */
export function workerSdkSuite(label: string, claimTimeoutMs: number, reconnectMaxDelayMs = 200, only: readonly BackendName[] = BACKENDS): WorkerSdkSuite {
  let systems = new Map<BackendName, WorkerSdkSystem>();
  const workers: Worker[] = [];
  beforeAll(async () => {
    systems = await startWorkerSdkSystems(label, claimTimeoutMs, only);
  }, 60_000);
  afterEach(async () => {
    for (const w of workers.splice(0)) await w.close({ deadlineMs: 2000 });
  });
  afterAll(async () => {
    await closeWorkerSdkSystems(systems);
  }, 60_000);
  return {
    system: (name) => systems.get(name) as WorkerSdkSystem,
    startWorker: (s, queue, options) => {
      const worker = createWorker({
        gateway: { host: HOST, port: s.port }, queue, logger: silentLogger(),
        idleBackoff: { initialDelayMs: 20, maxDelayMs: 200 }, reconnectBackoff: { initialDelayMs: 20, maxDelayMs: reconnectMaxDelayMs },
        ...options,
      });
      workers.push(worker);
      return worker;
    },
  };
}

/** Jobs of the queue in `state`, current and future run-after together. */
export async function countJobs(s: WorkerSdkSystem, queue: string, state: JobStateValue): Promise<number> {
  const counts = await Promise.all([false, true].map((future) => s.client.count({ queue, state, future })));
  return counts.reduce((a, b) => a + b, 0);
}

export { JobState };

let queueCounter = 0;
/** A fresh queue name for a test (unique within the run). */
export function freshQueue(prefix: string): string {
  queueCounter += 1;
  return `${prefix}_${process.pid}_${queueCounter}`;
}
