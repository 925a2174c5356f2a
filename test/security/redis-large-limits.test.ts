/**
 * Issue 8, finding 3 (Redis part), on the real gateway process: no client-supplied limit makes one
 * Redis script call process an unbounded number of ids. PinLater ran retryFailedJobs, dequeueJobs
 * and deleteJobs as one script over the whole limit: with 100,000 jobs, one call blocked every
 * client of the Redis for 0.4 s (delete), 0.9 s (retry) and 1.1 s (dequeue) on the CI machine.
 * Now each runs as calls of at most 1000 ids: Redis times none of them (SLOWLOG) near that, and a
 * client's PINGs stay fast meanwhile; the results are PinLater's (every job retried, claimed,
 * deleted).
 */
import { JobState as CoreJobState } from '../../core/src/types/job-state';
import { jobHashPrefix, jobIdCounterKey, stateZsetKey } from '../../legacy-adapter/src/redis/keys';
import { ConformanceClient, JobState } from '../conformance/harness/conformance-client';
import { assertNoLeaks } from '../support/leak-check';
import { closeRedis, openRedis, type TestRedisClient } from '../support/redis';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { RedisPingProbe, slowCommandsMentioning, type SlowCommand } from './support/redis-latency-probe';

const JOBS = 100_000;
const HUGE_LIMIT = 1_000_000;
/** Slowest PING a client may see meanwhile, and slowest single command Redis may log for us. */
const MAX_PING_MS = 500;
const MAX_COMMAND_MS = 200;

/** Writes jobs ARGV[1]..ARGV[2] in PinLater's layout (FACTS §6.2) into one state set, score ARGV[3]. */
const SEED = `
for i = tonumber(ARGV[1]), tonumber(ARGV[2]) do
  redis.call('HSET', KEYS[2] .. i, 'bd', 'body' .. i, 'al', '1', 'ar', '0', 'ca', '1.7E9', 'ua', '1.7E9', 'cs', '')
  redis.call('ZADD', KEYS[1], ARGV[3], i)
end
return 1`;

let gw: GatewayProcess;
let client: ConformanceClient;
let raw: TestRedisClient;

beforeAll(async () => {
  gw = await startGatewayProcess({ backend: 'legacy-redis' });
  client = await ConformanceClient.connect(gw.address);
  raw = await openRedis();
  await client.createQueue('big');
  const shard = gw.shards[0] as string;
  for (let first = 1; first <= JOBS; first += 5000) {
    const keys = [stateZsetKey(shard, 'big', 1, CoreJobState.FAILED), jobHashPrefix(shard, 'big')];
    await raw.sendCommand(['EVAL', SEED, '2', ...keys, String(first), String(first + 4999), String(1_600_000_000 + first)]);
  }
  await raw.set(jobIdCounterKey(shard, 'big'), String(JOBS));
});
afterAll(async () => {
  await closeRedis(raw);
  await client?.close();
  await gw?.close();
});
afterAll(assertNoLeaks);

/**
 * Runs `call` while probing Redis and returns its result; fails if a PING was slow or Redis logged
 * a slow command on our shard meanwhile (checked even when the call itself failed).
 */
async function bounded<T>(call: () => Promise<T>): Promise<T> {
  const since = Math.floor(Date.now() / 1000) - 1;
  const probe = await RedisPingProbe.start();
  let result: T;
  try {
    result = await call();
  } finally {
    const { maxMs } = await probe.stop();
    expectBounded({ maxPingMs: maxMs, slow: await slowCommandsMentioning(raw, gw.shards[0] as string, since) });
  }
  return result;
}

function expectBounded(m: { maxPingMs: number; slow: SlowCommand[] }): void {
  expect(m.slow.filter((c) => c.durationMs >= MAX_COMMAND_MS)).toEqual([]);
  expect(m.maxPingMs).toBeLessThan(MAX_PING_MS);
}

it(`retryFailedJobs with limit ${HUGE_LIMIT} over ${JOBS} failed jobs: every job retried, in bounded calls`, async () => {
  expect(await bounded(() => client.retryFailed({ queue: 'big', priority: 1, attemptsToAllow: 2, limit: HUGE_LIMIT }))).toBe(JOBS);
  expect(await client.count({ queue: 'big', state: JobState.FAILED })).toBe(0);
});

it(`dequeueJobs with limit ${HUGE_LIMIT}: the gateway's batch bound of jobs claimed, in bounded calls`, async () => {
  const { jobs } = await bounded(() => client.dequeue({ queue: 'big', limit: HUGE_LIMIT }));
  expect(Object.keys(jobs ?? {})).toHaveLength(JOBS);
  expect(await client.count({ queue: 'big', state: JobState.IN_PROGRESS })).toBe(JOBS);
});

it(`deleteJobs with limit ${HUGE_LIMIT}: every job deleted, in bounded calls`, async () => {
  expect(await bounded(() => client.deleteJobs({ queue: 'big', state: JobState.IN_PROGRESS, priority: 1, limit: HUGE_LIMIT }))).toBe(JOBS);
  expect(await raw.exists(stateZsetKey(gw.shards[0] as string, 'big', 1, CoreJobState.IN_PROGRESS))).toBe(0);
});
