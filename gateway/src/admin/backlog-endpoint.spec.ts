import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError, QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import { silentLogger } from '../../../core/src/logging/logger';
import { fakeTime } from '../../../test/support/fake-time';
import { BacklogEndpoint } from './backlog-endpoint';
import type { BacklogCounts } from './queue-backlog-reader';

const AT = Date.parse('2025-01-02T03:04:05.678Z');

function endpointOf(read: (queue: string) => Promise<BacklogCounts> = (queue) => Promise.resolve(counts(queue)), rate = 0) {
  const time = fakeTime({ startMs: AT });
  const reads: string[] = [];
  const endpoint = new BacklogEndpoint({
    reader: { read: (q) => { reads.push(q); return read(q); } },
    dequeues: { perSecond: () => rate },
    clock: time.clock,
    logger: silentLogger(),
  });
  const get = (search: string) => endpoint.handle(new URLSearchParams(search));
  return { time, reads, get };
}

function counts(queue: string): BacklogCounts {
  return { queue, ready: 123, inProgress: 4, future: 7, system: 'pacer', atMs: AT };
}

it('answers the counts, the dequeue rate and the time they were read, in this exact shape', async () => {
  const { get } = endpointOf(undefined, 750 / 60);
  const answer = await get('queue=q');
  expect(answer.status).toBe(200);
  expect(JSON.stringify(answer.body)).toBe('{"queue":"q","ready":123,"inProgress":4,"future":7,"dequeueRatePerSecond":12.5,"system":"pacer","at":"2025-01-02T03:04:05.678Z"}');
});

it('rounds the rate to the thousandth', async () => {
  const { get } = endpointOf(undefined, 1 / 60);
  expect((await get('queue=q')).body).toMatchObject({ dequeueRatePerSecond: 0.017 });
});

it.each([
  ['', 'QUEUE_NAME_INVALID', '/backlog takes exactly one queue parameter (got 0): /backlog?queue=<name>'],
  ['name=q', 'QUEUE_NAME_INVALID', '/backlog takes exactly one queue parameter (got 0): /backlog?queue=<name>'],
  ['queue=a&queue=b', 'QUEUE_NAME_INVALID', '/backlog takes exactly one queue parameter (got 2): /backlog?queue=<name>'],
  ['queue=', 'QUEUE_NAME_INVALID', 'Invalid queue name: '],
  ['queue=a%2Fb', 'QUEUE_NAME_INVALID', 'Invalid queue name: a/b'],
  ['queue=a%0Ab%1B', 'QUEUE_NAME_INVALID', 'Invalid queue name: a\\nb\\x1b'],
  ['queue=caf%C3%A9', 'QUEUE_NAME_INVALID', 'Invalid queue name: caf\\xe9'],
  [`queue=${'q'.repeat(256)}`, 'QUEUE_NAME_TOO_LONG', 'Queue name is too long by 1 characters. The maximum is 255 characters.'],
])('refuses %j with 400 %s, before any read', async (search, errorCode, error) => {
  const { get, reads } = endpointOf();
  const answer = await get(search);
  expect(answer).toEqual({ status: 400, body: { queue: null, error, errorCode } });
  expect(reads).toEqual([]);
});

it('accepts the longest valid name', async () => {
  const { get } = endpointOf();
  expect((await get(`queue=${'q'.repeat(255)}`)).status).toBe(200);
});

it('answers 404 for a queue that does not exist', async () => {
  const { get } = endpointOf((q) => Promise.reject(new QueueNotFoundError(`Queue not found: ${q}`)));
  expect(await get('queue=nope')).toEqual({ status: 404, body: { queue: 'nope', error: 'Queue not found: nope', errorCode: 'QUEUE_NOT_FOUND' } });
});

it.each([
  ['SHARD_CONNECTION_FAILED', new PinLaterError(ErrorCode.SHARD_CONNECTION_FAILED, 'Redis connection to r1 failed'), 'Redis connection to r1 failed'],
  ['NO_HEALTHY_SHARDS', new PinLaterError(ErrorCode.NO_HEALTHY_SHARDS, 'Routing table not read yet (x): nothing routed is served until it is'), 'Routing table not read yet (x): nothing routed is served until it is'],
  ['UNKNOWN', new TypeError('boom'), 'TypeError: boom'],
])('answers 503 with the PinLater error code when the backend fails (%s)', async (errorCode, error, message) => {
  const { get } = endpointOf(() => Promise.reject(error));
  expect(await get('queue=q')).toEqual({ status: 503, body: { queue: 'q', error: message, errorCode } });
});

it('reads a queue at most once per second, however often it is asked (errors included)', async () => {
  let fail = false;
  const { get, reads, time } = endpointOf((q) => (fail ? Promise.reject(new PinLaterError(ErrorCode.UNKNOWN, 'down')) : Promise.resolve(counts(q))));
  for (let i = 0; i < 10; i++) expect((await get('queue=q')).status).toBe(200);
  expect(reads).toEqual(['q']);
  time.advance(1000);
  fail = true;
  for (let i = 0; i < 10; i++) expect((await get('queue=q')).status).toBe(503);
  expect(reads).toEqual(['q', 'q']);
  await get('queue=other');
  expect(reads).toEqual(['q', 'q', 'other']);
});

it('lets concurrent requests for a queue share one read', async () => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const { get, reads } = endpointOf(async (q) => {
    await held;
    return counts(q);
  });
  const answers = Array.from({ length: 20 }, () => get('queue=q'));
  release();
  expect(new Set((await Promise.all(answers)).map((a) => JSON.stringify(a)))).toHaveProperty('size', 1);
  expect(reads).toEqual(['q']);
});
