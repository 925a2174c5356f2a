/**
 * `createLegacyRedisBackend` end to end on the real Redis: config parsing, two shards sharing one
 * host connection, the queue-name cache (FACTS §6.3), error codes, export/import.
 */
import { ErrorCode } from '../../core/src/errors/error-code';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { silentLogger } from '../../core/src/logging/logger';
import { DEFAULT_LEGACY_SETTINGS } from '../../core/src/types/legacy-backend-options';
import { JobState } from '../../core/src/types/job-state';
import { createLegacyRedisBackend } from '../../legacy-adapter/src/redis/create-redis-backend';
import { jobHashKey, shardKeyPatterns } from '../../legacy-adapter/src/redis/keys';
import { RedisBackendConfigError } from '../../legacy-adapter/src/redis/redis-backend-config';
import { assertNoLeaks } from '../support/leak-check';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { withRedis } from '../support/redis';
import { newJob } from './legacy-redis-fixtures';

const base = uniqueShardBase();
const shards = [`${base}a`, `${base}b`];
const stats = new MemoryStats();
let backend: PinLaterBackend;

function config(names: string[], port = 6379): unknown {
  return { shards: names.map((name) => ({ name, shardConfig: { master: { host: '127.0.0.1', port }, dequeueOnly: false } })) };
}

function options(backendConfig: unknown) {
  return {
    backendConfig,
    settings: { ...DEFAULT_LEGACY_SETTINGS, monitor: { ...DEFAULT_LEGACY_SETTINGS.monitor, enabled: false } },
    logger: silentLogger(),
    stats,
    clock: { nowMs: () => Date.now() },
  };
}

beforeAll(async () => {
  backend = await createLegacyRedisBackend(options(config(shards)));
});
afterAll(async () => {
  await backend.close();
  await releaseNamespace(redisKeysNamespace(shards.flatMap(shardKeyPatterns)));
});
afterAll(assertNoLeaks);

const codeOf = (e: unknown): ErrorCode | undefined => (e instanceof PinLaterError ? e.code : undefined);

it('enqueue of an unknown queue fails with QUEUE_NOT_FOUND after a reload', async () => {
  const err = await backend.enqueueJobs({ queue: 'nope', jobs: [newJob('x')] }).catch((e: unknown) => e);
  expect(codeOf(err)).toBe(ErrorCode.QUEUE_NOT_FOUND);
  expect(stats.counter('redis-queue-not-found-enqueue')).toBe(1);
});

it('runs the job life cycle through the base layer over two shards', async () => {
  await backend.createQueue('bq');
  expect(await backend.getQueueNames()).toEqual(new Set(['bq']));
  const descriptors = await backend.enqueueJobs({ queue: 'bq', jobs: Array.from({ length: 20 }, (_, i) => newJob(`j${i}`)) });
  expect(descriptors).toHaveLength(20);
  expect(new Set(descriptors.map((d) => d.split(':')[1]))).toEqual(new Set(shards.map((s) => `s${s}`)));
  expect(await backend.getJobCount({ queue: 'bq', state: JobState.PENDING, future: false })).toBe(20);
  const { jobs } = await backend.dequeueJobs({ queue: 'bq', limit: 15, dryRun: false, coverage: 1, claimDescriptor: 'h:1:2:src:1' });
  expect(jobs).toHaveLength(15);
  await backend.ackDequeuedJobs({ queue: 'bq', succeeded: jobs.slice(0, 5).map((j) => ({ descriptor: j.descriptor, appendCustomStatus: 'ok', retryDelayMs: 0 })), failed: [] });
  const looked = await backend.lookupJobs({ descriptors: [jobs[0]!.descriptor], includeBody: true });
  expect(looked.get(jobs[0]!.descriptor)).toMatchObject({ state: JobState.SUCCEEDED, customStatus: 'ok', claimDescriptor: 'h:1:2:src:1' });
  expect(await backend.getJobCount({ queue: 'bq', state: JobState.IN_PROGRESS, future: false })).toBe(10);
  const scanned = await backend.scanJobs({ queue: 'bq', state: JobState.PENDING, future: false, limit: 100 });
  expect(scanned).toHaveLength(5);
});

it('script errors are not retried and surface as UNKNOWN', async () => {
  const err = await backend.getJobCount({ queue: 'bq', state: JobState.PENDING, future: false, bodyRegex: '[' }).catch((e: unknown) => e);
  expect(codeOf(err)).toBe(ErrorCode.UNKNOWN);
  expect((err as Error).message).toMatch(/^redis\.clients\.jedis\.exceptions\.JedisDataException: .*malformed pattern/);
});

it('exports every job with its metadata and imports it under new ids in the same layout', async () => {
  const page1 = await backend.exportJobs({ queue: 'bq', state: JobState.IN_PROGRESS, priority: 1, limit: 4 });
  const all = [...page1.jobs];
  let cursor = page1.nextCursor;
  while (cursor !== undefined) {
    const page = await backend.exportJobs({ queue: 'bq', state: JobState.IN_PROGRESS, priority: 1, limit: 4, cursor });
    all.push(...page.jobs);
    cursor = page.nextCursor;
  }
  expect(all).toHaveLength(10);
  expect(new Set(all.map((j) => j.sourceDescriptor)).size).toBe(10);
  expect(all[0]).toMatchObject({ state: JobState.IN_PROGRESS, claimDescriptor: 'h:1:2:src:1', attemptsAllowed: 3, queue: 'bq' });

  await backend.createQueue('bq2');
  const imported = await backend.importJobs('bq2', all.map((j) => ({ ...j, queue: 'bq2' })));
  expect(imported).toHaveLength(10);
  const source = all[0]!;
  const target = imported[0]!.descriptor;
  const info = (await backend.lookupJobs({ descriptors: [target], includeBody: true })).get(target);
  expect(info).toMatchObject({
    state: JobState.IN_PROGRESS, body: source.body, createdAtMs: source.createdAtMs, updatedAtMs: source.updatedAtMs,
    runAfterMs: source.runAfterMs, claimDescriptor: source.claimDescriptor, attemptsRemaining: source.attemptsRemaining,
  });
  const [, shardToken, , id] = target.split(':');
  const raw = await withRedis((r) => r.hGetAll(jobHashKey(shardToken!.slice(1), 'bq2', Number(id))));
  expect(Object.keys(raw).sort()).toEqual(['al', 'ar', 'bd', 'ca', 'cd', 'cs', 'ua']);
});

it('deleteQueue removes the queue from the cache: enqueue fails afterwards', async () => {
  await backend.deleteQueue('bq');
  expect(await backend.getQueueNames()).toEqual(new Set(['bq2']));
  expect(await backend.getJobCount({ queue: 'bq', state: JobState.SUCCEEDED, future: false })).toBe(0);
  const err = await backend.enqueueJobs({ queue: 'bq', jobs: [newJob('x')] }).catch((e: unknown) => e);
  expect(codeOf(err)).toBe(ErrorCode.QUEUE_NOT_FOUND);
});

it('rejects bad configs with every problem listed', async () => {
  const bad = {
    shards: [
      { name: 'pacer1', shardConfig: { master: { host: 'h', port: 1 } } },
      { name: 'a:b', shardConfig: { master: { host: 'h', port: 70000 }, extra: 1 } },
      { name: '', shardConfig: { master: { host: 'h', port: 1 } } },
    ],
    other: true,
  };
  const err = await createLegacyRedisBackend(options(bad)).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RedisBackendConfigError);
  const problems = (err as RedisBackendConfigError).problems.join('\n');
  for (const text of ['unknown field "other"', 'pacer', "':'", 'port', 'unknown field "extra"', 'non-empty string']) expect(problems).toContain(text);
});
