/**
 * Real connection failures (FACTS §3.9, §8): a Redis this test starts on a free port, kills and
 * restarts. Calls never hang (each answers within socket timeout × attempts), connection
 * failures surface as SHARD_CONNECTION_FAILED, the health checker marks the host dead and live
 * again, an unhealthy shard is skipped by dequeue (deviation: PinLater fails with UNKNOWN) and
 * excluded from enqueue (NO_HEALTHY_SHARDS), and the backend recovers by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ErrorCode } from '../../core/src/errors/error-code';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { silentLogger } from '../../core/src/logging/logger';
import { DEFAULT_LEGACY_SETTINGS, type LegacyBackendSettings } from '../../core/src/types/legacy-backend-options';
import { JobState } from '../../core/src/types/job-state';
import { createLegacyRedisBackend } from '../../legacy-adapter/src/redis/create-redis-backend';
import { freezeProcess, thawProcess } from '../support/process-freeze';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { uniqueShardBase } from '../support/namespaces';
import { newJob } from './legacy-redis-fixtures';
import { freePort } from '../support/free-port';

const SOCKET_TIMEOUT_MS = 300;
const settings: LegacyBackendSettings = {
  ...DEFAULT_LEGACY_SETTINGS,
  socketTimeoutMs: SOCKET_TIMEOUT_MS,
  monitorSocketTimeoutMs: SOCKET_TIMEOUT_MS,
  autoRetries: 2,
  monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, enabled: false },
  redisHealth: { pingIntervalMs: 40, consecutiveFailures: 3, consecutiveSuccesses: 2 },
};
/** Upper bound of one call while Redis is down: every attempt bounded by the socket timeout. */
const BOUND_MS = SOCKET_TIMEOUT_MS * (settings.autoRetries + 1) + 500;

let redis: ChildProcess | undefined;

function startRedis(port: number): void {
  redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
}

async function stopRedis(): Promise<void> {
  const child = redis;
  redis = undefined;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

const codeOf = (e: unknown): ErrorCode | undefined => (e instanceof PinLaterError ? e.code : undefined);

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T | undefined; error: unknown }> {
  const start = Date.now();
  try {
    const result = await fn();
    return { ms: Date.now() - start, result, error: undefined };
  } catch (error) {
    return { ms: Date.now() - start, result: undefined, error };
  }
}

afterAll(async () => {
  await stopRedis();
});
afterAll(assertNoLeaks);

it('fails fast while Redis is down, marks it dead, and recovers when it is back', async () => {
  const port = await freePort();
  startRedis(port);
  const shard = uniqueShardBase();
  const stats = new MemoryStats();
  const config = { shards: [{ name: shard, shardConfig: { master: { host: '127.0.0.1', port }, dequeueOnly: false } }] };
  const clock = { nowMs: () => Date.now() };
  let backend: PinLaterBackend | undefined;
  try {
    const b: PinLaterBackend = await eventually(() => createLegacyRedisBackend({ backendConfig: config, settings, logger: silentLogger(), stats, clock }).then(async (b) => {
      try {
        await b.createQueue('hq');
        return b;
      } catch (e) {
        await b.close();
        throw e;
      }
    }), { timeoutMs: 10_000, intervalMs: 100 });
    backend = b;
    const [descriptor] = await b.enqueueJobs({ queue: 'hq', jobs: [newJob('before')] });

    // A hung server (SIGSTOP): each attempt ends at the socket timeout; no call waits forever.
    await freezeProcess(redis!.pid!);
    const hung = await timed(() => b.lookupJobs({ descriptors: [descriptor!], includeBody: false }));
    thawProcess(redis!.pid!);
    expect(codeOf(hung.error)).toBe(ErrorCode.SHARD_CONNECTION_FAILED);
    expect(hung.ms).toBeGreaterThanOrEqual(SOCKET_TIMEOUT_MS - 20);
    expect(hung.ms).toBeLessThan(BOUND_MS);
    await eventually(async () => expect(await b.lookupJobs({ descriptors: [descriptor!], includeBody: false })).toHaveProperty('size', 1), { timeoutMs: 5000 });
    await eventually(async () => expect((await b.health()).healthy).toBe(true), { timeoutMs: 5000 });
    const deadBefore = stats.counter(`healthcheck_dead_127.0.0.1_${port}`);

    await stopRedis();

    // Before the health checker gives up: connection errors, retried, then SHARD_CONNECTION_FAILED.
    const lookup = await timed(() => b.lookupJobs({ descriptors: [descriptor!], includeBody: false }));
    expect(codeOf(lookup.error)).toBe(ErrorCode.SHARD_CONNECTION_FAILED);
    expect((lookup.error as Error).message).toBe('Redis connection to 127.0.0.1 failed');
    expect(lookup.ms).toBeLessThan(BOUND_MS);
    const ack = await timed(() => b.ackDequeuedJobs({ queue: 'hq', succeeded: [{ descriptor: descriptor!, appendCustomStatus: '', retryDelayMs: 0 }], failed: [] }));
    expect(codeOf(ack.error)).toBe(ErrorCode.SHARD_CONNECTION_FAILED);
    expect(ack.ms).toBeLessThan(BOUND_MS);
    expect(stats.counter('ack-failures-retry')).toBe(settings.autoRetries);


    await eventually(async () => expect((await b.health()).healthy).toBe(false), { timeoutMs: 5000 });
    expect(stats.counter(`healthcheck_dead_127.0.0.1_${port}`)).toBe(deadBefore + 1);
    expect(stats.counter(`heartbeat_failures_127.0.0.1_${port}`)).toBeGreaterThanOrEqual(3);

    // Unhealthy: enqueue has no shard, dequeue skips it (deviation), reads answer empty.
    const enqueue = await timed(() => b.enqueueJobs({ queue: 'hq', jobs: [newJob('x')] }));
    expect(codeOf(enqueue.error)).toBe(ErrorCode.NO_HEALTHY_SHARDS);
    expect(enqueue.ms).toBeLessThan(BOUND_MS);
    expect(await b.dequeueJobs({ queue: 'hq', limit: 5, dryRun: false, coverage: 1, claimDescriptor: 'c' })).toEqual({ jobs: [] });
    expect(await b.getJobCount({ queue: 'hq', state: JobState.PENDING, future: false })).toBe(0);
    expect(await b.scanJobs({ queue: 'hq', state: JobState.PENDING, future: false, limit: 5 })).toEqual([]);
    expect(await b.retryFailedJobs({ queue: 'hq', priority: 1, attemptsToAllow: 1, limit: 5 })).toBe(0);
    expect(await b.deleteJobs({ queue: 'hq', state: JobState.PENDING, priority: 1, limit: 5 })).toBe(0);
    expect((await b.runMonitorOnce()).skippedShards).toEqual([{ shard, reason: `shard ${shard} is unhealthy` }]);
    expect(codeOf(await b.getQueueNames().catch((e: unknown) => e))).toBe(ErrorCode.NO_HEALTHY_SHARDS);

    startRedis(port);
    await eventually(async () => expect((await b.health()).healthy).toBe(true), { timeoutMs: 10_000 });
    await b.createQueue('hq'); // the restarted Redis has no data (--save '')
    const [again] = await b.enqueueJobs({ queue: 'hq', jobs: [newJob('after')] });
    const { jobs } = await b.dequeueJobs({ queue: 'hq', limit: 5, dryRun: false, coverage: 1, claimDescriptor: 'c' });
    expect(jobs.map((j) => [j.descriptor, j.body.toString()])).toEqual([[again, 'after']]);
  } finally {
    await backend?.close();
  }
});

it('starts against a closed port without hanging and answers SHARD_CONNECTION_FAILED', async () => {
  const port = await freePort();
  const stats = new MemoryStats();
  const config = { shards: [{ name: uniqueShardBase(), shardConfig: { master: { host: '127.0.0.1', port }, dequeueOnly: false } }] };
  const created = await timed(() => createLegacyRedisBackend({ backendConfig: config, settings, logger: silentLogger(), stats, clock: { nowMs: () => Date.now() } }));
  const backend = created.result!;
  try {
    expect(created.ms).toBeLessThan(BOUND_MS);
    expect(stats.counter('init-queuenames-failure')).toBe(1);
    const lookup = await timed(() => backend.lookupJobs({ descriptors: ['q:sx:p1:1'], includeBody: false }));
    expect(codeOf(lookup.error)).toBe(ErrorCode.UNKNOWN); // unknown shard 'x': PinLater's NPE
    const count = await timed(() => backend.getQueueNames());
    expect(codeOf(count.error)).toBe(ErrorCode.SHARD_CONNECTION_FAILED);
    expect(count.ms).toBeLessThan(BOUND_MS);
  } finally {
    await backend.close();
  }
});
