import { ErrorCode } from '../../../core/src/errors/error-code';
import { InternalError } from '../../../core/src/errors/internal-error';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { MemoryStats } from '../../../core/src/interfaces/stats';
import { silentLogger } from '../../../core/src/logging/logger';
import { InMemoryBackend } from '../../../test/support/in-memory-backend';
import { saltedPasswordHash } from './admin-password';
import type { DequeueRateLimiter } from './pinlater-service-impl';
import { PinLaterServiceImpl } from './pinlater-service-impl';

const ctx = { source: 'worker-1', requestId: 'r' };
const job = (priority = 1) => ({ body: Buffer.from('b'), priority, attemptsAllowed: 2, customStatus: '' });

function setup(opts: { allow?: boolean; permits?: number; waiters?: number; hash?: string } = {}) {
  const backend = new InMemoryBackend();
  const stats = new MemoryStats();
  const limiter: DequeueRateLimiter & { asked: number[] } = {
    asked: [],
    allowDequeue(_q, limit) {
      this.asked.push(limit);
      return opts.allow ?? true;
    },
  };
  const service = new PinLaterServiceImpl(
    { backend, rateLimiter: limiter, stats, clock: { nowMs: () => 1000 }, logger: silentLogger() },
    {
      adminPasswordHash: opts.hash,
      dequeuePermitsPerQueue: opts.permits ?? 4,
      maxConcurrentRequests: opts.waiters ?? 10,
      hostname: 'host',
      thriftPort: 9010,
      serverStartMillis: 42,
    },
  );
  return { backend, stats, limiter, service };
}

describe('PinLaterServiceImpl', () => {
  it('createQueue validates \\w+ (ASCII, full match) before the backend', async () => {
    const { service, backend, stats } = setup();
    for (const bad of ['', 'a-b', 'ü', 'a b', 'q\n']) {
      await expect(service.createQueue(ctx, bad)).rejects.toMatchObject({ code: ErrorCode.QUEUE_NAME_INVALID, message: `Invalid queue name: ${bad}` });
    }
    await service.createQueue(ctx, 'Ab_9');
    expect(backend.calls.map((c) => c.method)).toEqual(['createQueue']);
    expect(stats.counter('PinLater.createQueue.errors.QUEUE_NAME_INVALID')).toBe(0);
  });

  it('deleteQueue: salted SHA-256, absent password = "null", empty/absent hash refuses all', async () => {
    expect(saltedPasswordHash('secret')).toBe('63b747ec220ad5b796386abf1a12a2b046201537078df846e5e433bd5e46601b');
    const s1 = setup({ hash: saltedPasswordHash('secret') });
    await s1.service.deleteQueue(ctx, 'q', 'secret');
    await expect(s1.service.deleteQueue(ctx, 'q', 'wrong')).rejects.toMatchObject({ code: ErrorCode.PASSWORD_INVALID, message: 'Invalid admin password.' });
    expect(s1.stats.counter('PinLater.deleteQueue.errors.PASSWORD_INVALID')).toBe(1);
    const s2 = setup({ hash: saltedPasswordHash(undefined) });
    await s2.service.deleteQueue(ctx, 'q', undefined);
    await s2.service.deleteQueue(ctx, 'q', 'null');
    const s3 = setup({ hash: undefined });
    await expect(s3.service.deleteQueue(ctx, 'q', 'secret')).rejects.toMatchObject({ code: ErrorCode.PASSWORD_INVALID });
    expect(s3.backend.calls).toEqual([]);
  });

  it('enqueue: empty list is a synchronous InternalError', () => {
    const { service } = setup();
    expect(() => service.enqueueJobs(ctx, { queue: 'q', jobs: [] })).toThrow(InternalError);
  });

  it('enqueue: a bad priority anywhere in the batch enqueues nothing (docs/compatibility.md)', async () => {
    const { service, backend, stats } = setup();
    await expect(service.enqueueJobs(ctx, { queue: 'q', jobs: [job(1), job(4)] })).rejects.toMatchObject({ code: ErrorCode.PRIORITY_NOT_SUPPORTED, message: '4' });
    await expect(service.enqueueJobs(ctx, { queue: 'q', jobs: [job(0)] })).rejects.toMatchObject({ message: '0' });
    await expect(service.enqueueJobs(ctx, { queue: 'q', jobs: [job(-1)] })).rejects.toMatchObject({ message: '-1' });
    expect(backend.calls).toEqual([]);
    expect(stats.counter('PinLater.enqueueJobs.errors.PRIORITY_NOT_SUPPORTED')).toBe(3);
    await service.enqueueJobs(ctx, { queue: 'q', jobs: [job(1), job(3)] });
    expect(stats.counter('q_enqueue')).toBe(2);
  });

  it('dequeue preconditions are synchronous InternalErrors, even for unconfigured queues', () => {
    const { service, limiter } = setup();
    expect(() => service.dequeueJobs(ctx, { queue: 'q', limit: 0, dryRun: false, coverage: 1 })).toThrow('java.lang.IllegalArgumentException');
    expect(() => service.dequeueJobs(ctx, { queue: ' ', limit: 1, dryRun: false, coverage: 1 })).toThrow('Argument cannot be blank');
    expect(limiter.asked).toEqual([]);
  });

  it('rate-limited dequeue: no acks executed, no error stat, only the rate-limited counter', async () => {
    const { service, backend, stats } = setup({ allow: false });
    const ack = { queue: 'q', succeeded: [{ descriptor: 'q:s1:p1:1', appendCustomStatus: '', retryDelayMs: 0 }], failed: [] };
    await expect(service.dequeueJobs(ctx, { queue: 'q', limit: 5, dryRun: false, coverage: 1, ack })).rejects.toMatchObject({
      code: ErrorCode.DEQUEUE_RATE_LIMITED,
      message: 'Dequeue rate limit exceeded for queue: q',
    });
    expect(backend.calls).toEqual([]);
    expect(stats.counter('q_dequeue_requests_rate_limited')).toBe(1);
    expect([...stats.counters.keys()].filter((k) => k.includes('errors'))).toEqual([]);
  });

  it('dequeue: claim descriptor with a per-server counter from 1; acks run even on dry runs; ack failure fails the call', async () => {
    const { service, backend, limiter } = setup();
    const ack = { queue: 'other', succeeded: [], failed: [{ descriptor: 'other:s1:p1:1', appendCustomStatus: 'x', retryDelayMs: 5 }] };
    await service.dequeueJobs(ctx, { queue: 'q', limit: 3, dryRun: true, coverage: 1, ack });
    await service.dequeueJobs({ source: 's2', requestId: '' }, { queue: 'q', limit: 1, dryRun: false, coverage: 1 });
    const dequeues = backend.calls.filter((c) => c.method === 'dequeueJobs').map((c) => (c.arg as { claimDescriptor: string }).claimDescriptor);
    expect(dequeues).toEqual(['host:9010:42:worker-1:1', 'host:9010:42:s2:2']);
    expect(backend.calls.filter((c) => c.method === 'ackDequeuedJobs').map((c) => c.arg)).toEqual([ack]);
    expect(limiter.asked).toEqual([3, 1]);
    backend.failNext = { method: 'ackDequeuedJobs', error: new Error('ack broke') };
    await expect(service.dequeueJobs(ctx, { queue: 'q', limit: 1, dryRun: false, coverage: 1, ack })).rejects.toThrow('ack broke');
  });

  it('dequeue semaphore: overflow beyond max waiters is rejected (→ UNKNOWN)', async () => {
    const { service, backend } = setup({ permits: 1, waiters: 1 });
    let release!: () => void;
    backend.holdDequeues = new Promise<void>((r) => (release = r));
    const call = () => service.dequeueJobs(ctx, { queue: 'q', limit: 1, dryRun: false, coverage: 1 });
    const first = call();
    const second = call();
    await expect(call()).rejects.toThrow('Max waiters exceeded');
    release();
    await Promise.all([first, second]);
  });

  it('scanJobs accepts only continuation "0"', async () => {
    const { service, stats } = setup();
    const scan = { queue: 'q', state: 0, future: false, limit: 10 };
    await expect(service.scanJobs(ctx, { ...scan, continuation: '-1' })).rejects.toMatchObject({ code: ErrorCode.CONTINUATION_INVALID });
    await expect(service.scanJobs(ctx, { ...scan, continuation: '' })).rejects.toBeInstanceOf(PinLaterError);
    await expect(service.scanJobs(ctx, { ...scan, continuation: '0' })).resolves.toEqual([]);
    expect(stats.counter('PinLater.scanJobs.errors.CONTINUATION_INVALID')).toBe(2);
  });

  it('backend failures are counted as UNKNOWN and NO_HEALTHY_SHARDS as INTERNAL_ERROR; timings recorded', async () => {
    const { service, backend, stats } = setup();
    backend.failNext = { method: 'getQueueNames', error: new TypeError('x') };
    await expect(service.getQueueNames(ctx)).rejects.toThrow(TypeError);
    backend.failNext = { method: 'getQueueNames', error: new PinLaterError(ErrorCode.NO_HEALTHY_SHARDS, 'Unable to find healthy shard') };
    await expect(service.getQueueNames(ctx)).rejects.toThrow('Unable to find healthy shard');
    expect(stats.counter('PinLater.getQueueNames.errors.UNKNOWN')).toBe(1);
    expect(stats.counter('PinLater.getQueueNames.errors.INTERNAL_ERROR')).toBe(1);
    expect(stats.metrics.get('PinLaterService.getQueueNames')?.count).toBe(2);
  });

  it('a queue name no createQueue could have made never reaches the backend, for any method', async () => {
    const { service, backend, stats } = setup({ hash: saltedPasswordHash('secret') });
    const bad = "q.jobs_p1 SET custom_status = 'x' #";
    const d = `${bad}:s1:p1:1`;
    const ack = { descriptor: d, appendCustomStatus: '', retryDelayMs: 0 };
    const strict = { code: ErrorCode.QUEUE_NOT_FOUND };
    await expect(service.enqueueJobs(ctx, { queue: bad, jobs: [job()] })).rejects.toMatchObject(strict);
    await expect(service.dequeueJobs(ctx, { queue: bad, limit: 1, dryRun: false, coverage: 1 })).rejects.toMatchObject(strict);
    await expect(service.ackDequeuedJobs(ctx, { queue: bad, succeeded: [ack], failed: [] })).rejects.toMatchObject(strict);
    await expect(service.checkpointJobs(ctx, bad, [{ descriptor: d, moveToPending: true }])).rejects.toMatchObject(strict);
    await expect(service.lookupJobs(ctx, { descriptors: [d], includeBody: false })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
    await expect(service.getJobCount(ctx, { queue: bad, state: 0, future: false })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
    await expect(service.scanJobs(ctx, { queue: bad, state: 0, future: false, limit: 10, continuation: '0' })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
    await expect(service.retryFailedJobs(ctx, { queue: bad, priority: 1, attemptsToAllow: 1, limit: 10 })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
    await expect(service.deleteJobs(ctx, { queue: bad, state: 0, priority: 1, limit: 10 })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
    await service.deleteQueue(ctx, bad, 'secret');
    expect(backend.calls).toEqual([]);
    expect(stats.counter('PinLater.getJobCount.impossible_queue_name')).toBe(1);
  });

  it('a piggybacked ack naming another queue is ignored; the dequeue itself still runs', async () => {
    const { service, backend, stats } = setup();
    const ack = { queue: 'q', succeeded: [{ descriptor: 'other:s1:p1:1', appendCustomStatus: '', retryDelayMs: 0 }], failed: [] };
    await service.dequeueJobs(ctx, { queue: 'q', limit: 1, dryRun: false, coverage: 1, ack });
    expect(backend.calls.map((c) => c.method)).toEqual(['dequeueJobs']);
    expect(stats.counter('PinLater.dequeueJobs.cross_queue_descriptors_ignored')).toBe(1);
  });

  it('bounds batches (GATEWAY_MAX_BATCH_ITEMS) and clamps dequeue limits to it', async () => {
    const backend = new InMemoryBackend();
    const service = new PinLaterServiceImpl(
      { backend, rateLimiter: { allowDequeue: () => true }, stats: new MemoryStats(), clock: { nowMs: () => 1 }, logger: silentLogger() },
      { adminPasswordHash: undefined, dequeuePermitsPerQueue: 1, maxConcurrentRequests: 1, hostname: 'h', thriftPort: 1, serverStartMillis: 1, maxBatchItems: 2 },
    );
    await expect(service.enqueueJobs(ctx, { queue: 'q', jobs: [job(), job(), job()] })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN, message: expect.stringContaining('GATEWAY_MAX_BATCH_ITEMS') });
    await expect(service.lookupJobs(ctx, { descriptors: ['q:s1:p1:1', 'q:s1:p1:2', 'q:s1:p1:3'], includeBody: false })).rejects.toMatchObject({ code: ErrorCode.UNKNOWN });
    await service.dequeueJobs(ctx, { queue: 'q', limit: 1000, dryRun: false, coverage: 1 });
    expect(backend.calls).toEqual([expect.objectContaining({ method: 'dequeueJobs', arg: expect.objectContaining({ limit: 2 }) })]);
  });
});
