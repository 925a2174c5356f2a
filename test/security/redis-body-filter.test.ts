/**
 * Issue 8, finding 2, on the real gateway process over the legacy Redis layout: a client's Lua
 * pattern (`bodyRegexToMatch` of getJobCount, scanJobs, deleteJobs) never runs unbounded inside
 * Redis. PinLater ran `string.match` in a Redis script: one C call nothing interrupts, whose cost
 * grows with the 5th power of the body length for `a*a*a*a*c` (130 bytes of 'a' blocked every
 * client of the Redis for ~2 s; the same script on the old code is what this test measures).
 * Now the match runs in the gateway under GATEWAY_BODY_FILTER_STEP_BUDGET: Redis keeps answering
 * other clients, the request answers UNKNOWN with the budget message, ordinary patterns keep
 * PinLater's results, and a malformed pattern keeps its error without script noise.
 */
import { ConformanceClient, JobState } from '../conformance/harness/conformance-client';
import { ErrorCode, expectPinLaterError } from '../conformance/harness/wire-expectations';
import { assertNoLeaks } from '../support/leak-check';
import { startGatewayProcess, type GatewayProcess } from './support/gateway-process';
import { RedisPingProbe } from './support/redis-latency-probe';
import { pinLaterErrorOf } from './support/wire-outcome';

/** Slowest PING round trip a Redis client may see meanwhile (PinLater's script: ~2 s per body). */
const MAX_PING_MS = 500;
const CATASTROPHIC = 'a*a*a*a*c';
const SLOW_BODY = 'a'.repeat(130);
const BUDGET_MESSAGE = /^bodyRegexToMatch exceeded the body filter's budget of \d+ match steps \(GATEWAY_BODY_FILTER_STEP_BUDGET\): narrow/;

let gw: GatewayProcess;
let client: ConformanceClient;

beforeAll(async () => {
  gw = await startGatewayProcess({ backend: 'legacy-redis' });
  client = await ConformanceClient.connect(gw.address);
});
afterAll(async () => {
  await client?.close();
  await gw?.close();
});
afterAll(assertNoLeaks);

describe('a catastrophic pattern', () => {
  beforeAll(async () => {
    await client.createQueue('slow');
    await client.enqueue('slow', [{ body: SLOW_BODY }]);
  });

  it.each([
    ['getJobCount', () => client.count({ queue: 'slow', state: JobState.PENDING, bodyRegex: CATASTROPHIC })],
    ['scanJobs', () => client.scan({ queue: 'slow', state: JobState.PENDING, bodyRegex: CATASTROPHIC })],
    ['deleteJobs', () => client.deleteJobs({ queue: 'slow', state: JobState.PENDING, bodyRegex: CATASTROPHIC })],
  ])('%s: Redis keeps answering other clients; the call answers UNKNOWN with the budget message', async (_method, call) => {
    const probe = await RedisPingProbe.start();
    let error: Awaited<ReturnType<typeof pinLaterErrorOf>>;
    try {
      error = await pinLaterErrorOf(call());
    } finally {
      const { maxMs, samples } = await probe.stop();
      expect(samples).toBeGreaterThan(0);
      expect(maxMs).toBeLessThan(MAX_PING_MS);
    }
    expect(error?.errorCode).toBe(ErrorCode.UNKNOWN);
    expect(error?.message).toMatch(BUDGET_MESSAGE);
    expect(error?.message).toContain('avoid several unbounded repetitions');
  });

  it('counts each exhausted budget and leaves the job in place', async () => {
    expect((await gw.stats()).get('redis-body-filter-budget-exceeded')).toBe(3);
    expect(await client.count({ queue: 'slow', state: JobState.PENDING })).toBe(1);
  });
});

describe('ordinary patterns keep PinLater results', () => {
  const bodies = ['job_body_1', 'job_body_2', 'job_body_11', 'id-42', 'other', 'aaa'];

  beforeAll(async () => {
    await client.createQueue('plain');
    await client.enqueue('plain', bodies.map((body) => ({ body })));
  });

  it('getJobCount and scanJobs', async () => {
    const count = (bodyRegex: string) => client.count({ queue: 'plain', state: JobState.PENDING, bodyRegex });
    expect(await count('job_body_1.*')).toBe(2);
    expect(await count('^job_body_%d$')).toBe(2);
    expect(await count('^id%-%d+$')).toBe(1);
    expect(await count('job-1')).toBe(0);
    expect(await count('')).toBe(bodies.length);
    expect(await count('a*a*a*a*c')).toBe(0);
    const scanned = await client.scan({ queue: 'plain', state: JobState.PENDING, bodyRegex: '_1' });
    const looked = await client.lookup(scanned.scannedJobs.map((j) => j.jobDescriptor), true);
    expect(Object.values(looked).map((j) => j.body?.toString()).sort()).toEqual(['job_body_1', 'job_body_11']);
  });

  it('deleteJobs removes exactly the matching jobs', async () => {
    expect(await client.deleteJobs({ queue: 'plain', state: JobState.PENDING, bodyRegex: 'job_body_1' })).toBe(2);
    expect(await client.count({ queue: 'plain', state: JobState.PENDING })).toBe(bodies.length - 2);
    expect(await client.count({ queue: 'plain', state: JobState.PENDING, bodyRegex: 'job_body' })).toBe(1);
  });

  it("a malformed pattern answers UNKNOWN with Lua's message, without script hash or line", async () => {
    const error = await expectPinLaterError(
      client.count({ queue: 'plain', state: JobState.PENDING, bodyRegex: '[' }),
      ErrorCode.UNKNOWN,
      "redis.clients.jedis.exceptions.JedisDataException: ERR bodyRegexToMatch: malformed pattern (missing ']')",
    );
    expect(error.message).not.toMatch(/script|f_[0-9a-f]{40}|@user_script/);
  });
});

describe('GATEWAY_BODY_FILTER_STEP_BUDGET', () => {
  it('bounds the work of one request: an ordinary pattern over many bodies answers UNKNOWN past it', async () => {
    const small = await startGatewayProcess({ backend: 'legacy-redis', properties: { GATEWAY_BODY_FILTER_STEP_BUDGET: '20000' } });
    try {
      const c = await ConformanceClient.connect(small.address);
      try {
        await c.createQueue('many');
        await c.enqueue('many', Array.from({ length: 40 }, () => ({ body: 'x'.repeat(1000) })));
        // 40 bodies × 1000 bytes scanned for a digit: ~80,000 steps, four times the budget.
        await expectPinLaterError(c.count({ queue: 'many', state: JobState.PENDING, bodyRegex: '%d' }), ErrorCode.UNKNOWN, BUDGET_MESSAGE);
        // Within it: a literal-led pattern skips through the bodies at a fraction of a step per byte.
        expect(await c.count({ queue: 'many', state: JobState.PENDING, bodyRegex: 'y' })).toBe(0);
        expect((await small.stats()).get('redis-body-filter-budget-exceeded')).toBe(1);
      } finally {
        await c.close();
      }
    } finally {
      await small.close();
    }
  });
});
