import { ErrorCode } from '../../../core/src/errors/error-code';
import { BudgetExceededError } from '../../../core/src/errors/pinlater-error';
import { MemoryStats } from '../../../core/src/interfaces/stats';
import { descriptorQueue, RequestEdge } from './request-edge';
import type { MissingQueuePolicy } from './missing-queue';

const ack = (descriptor: string) => ({ descriptor, appendCustomStatus: '', retryDelayMs: 0 });

function edge(policy: MissingQueuePolicy, maxBatchItems = 10) {
  const stats = new MemoryStats();
  return { stats, edge: new RequestEdge({ policy, maxBatchItems }, stats) };
}

describe('RequestEdge', () => {
  it('descriptorQueue reads the queue token of a four-token descriptor only', () => {
    expect(descriptorQueue('q:s1:p1:5')).toBe('q');
    expect(descriptorQueue('q:s1:p1')).toBeUndefined();
    expect(descriptorQueue('a:b:s1:p1:5')).toBeUndefined();
  });

  it('counts impossible names per method', () => {
    const { edge: e, stats } = edge('strict');
    expect(e.isValid('scanJobs', 'ok_1')).toBe(true);
    expect(e.isValid('scanJobs', 'no way')).toBe(false);
    expect(e.isValid('scanJobs', 'x'.repeat(256))).toBe(false);
    expect(stats.counter('PinLater.scanJobs.impossible_queue_name')).toBe(2);
  });

  it('drops acks whose descriptor names another queue, counting them', () => {
    const { edge: e, stats } = edge('strict');
    const own = e.ackForBackend('ackDequeuedJobs', { queue: 'mine', succeeded: [ack('mine:s1:p1:1'), ack('theirs:s1:p1:1')], failed: [ack('theirs:s1:p1:2')] });
    expect(own).toEqual({ queue: 'mine', succeeded: [ack('mine:s1:p1:1')], failed: [] });
    expect(stats.counter('PinLater.ackDequeuedJobs.cross_queue_descriptors_ignored')).toBe(2);
  });

  it('leaves unparseable descriptors for the backend to reject as PinLater does', () => {
    const { edge: e } = edge('strict');
    expect(e.ackForBackend('ackDequeuedJobs', { queue: 'mine', succeeded: [ack('garbage')], failed: [] })?.succeeded).toEqual([ack('garbage')]);
  });

  it('an impossible queue with acks left: QUEUE_NOT_FOUND (strict) or nothing to do (lenient)', () => {
    const req = { queue: 'a b', succeeded: [ack('a b:s1:p1:1')], failed: [] };
    expect(() => edge('strict').edge.ackForBackend('ackDequeuedJobs', req)).toThrow(expect.objectContaining({ code: ErrorCode.QUEUE_NOT_FOUND }));
    expect(edge('lenient').edge.ackForBackend('ackDequeuedJobs', req)).toBeUndefined();
    expect(edge('strict').edge.ackForBackend('ackDequeuedJobs', { queue: 'a b', succeeded: [], failed: [] })).toBeUndefined();
  });

  it('lookups: impossible queue tokens fail the call (strict) or are omitted (lenient)', () => {
    const descriptors = ['ok:s1:p1:1', 'bad name:s1:p1:2', 'junk'];
    expect(() => edge('strict').edge.lookupDescriptors(descriptors)).toThrow(expect.objectContaining({ code: ErrorCode.UNKNOWN }));
    expect(edge('lenient').edge.lookupDescriptors(descriptors)).toEqual(['ok:s1:p1:1', 'junk']);
  });

  it('bounds batches with a clear error, and clamps result limits', () => {
    const { edge: e, stats } = edge('strict', 3);
    expect(() => e.checkBatch('enqueueJobs', 'jobs', 3)).not.toThrow();
    expect(() => e.checkBatch('enqueueJobs', 'jobs', 4)).toThrow(BudgetExceededError);
    expect(() => e.checkBatch('enqueueJobs', 'jobs', 4)).toThrow(/at most 3 per call \(GATEWAY_MAX_BATCH_ITEMS\)/);
    expect(stats.counter('PinLater.enqueueJobs.batch_too_large')).toBe(2);
    expect(e.clampLimit(2)).toBe(2);
    expect(e.clampLimit(1_000_000)).toBe(3);
  });
});
