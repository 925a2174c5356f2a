import { javaSplitColon } from '../../../core/src/descriptors/job-descriptor';
import { BudgetExceededError } from '../../../core/src/errors/pinlater-error';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { AckInfo, AckRequest, CheckpointItem } from '../../../core/src/types/requests';
import { statNames } from '../stats/stat-names';
import { queueNotFound, unknownQueue, type MissingQueuePolicy } from './missing-queue';
import { isValidQueueName } from './queue-name';

export interface RequestEdgeSettings {
  /** How the backend answers for a queue that does not exist. */
  policy: MissingQueuePolicy;
  /** GATEWAY_MAX_BATCH_ITEMS: most jobs, acks, checkpoints or descriptors in one call. */
  maxBatchItems: number;
}

/**
 * What the service checks about untrusted input before any store sees it (issue 8), for every
 * method and every backend:
 *  - a queue name that could never have been created (not `\w+`, or longer than the maximum) gets
 *    the answer a queue that does not exist gets (`missing-queue.ts`), without reaching a store;
 *  - a descriptor naming another queue than the request's is a counted no-op in acks and
 *    checkpoints (PinLater combined the request's queue with the descriptor's shard, priority and
 *    id, acting on a job the descriptor never named);
 *  - batches are bounded.
 * Deviations are recorded in docs/compatibility.md ("Gateway: …").
 */
export class RequestEdge {
  constructor(
    private readonly settings: RequestEdgeSettings,
    private readonly stats: Stats,
  ) {}

  get policy(): MissingQueuePolicy {
    return this.settings.policy;
  }

  /** False (and counted under `method`) for a name no createQueue could have made. */
  isValid(method: string, queue: string): boolean {
    if (isValidQueueName(queue)) return true;
    this.stats.incr(statNames.impossibleQueueName(method));
    return false;
  }

  /** Rejects a call carrying more items than the gateway accepts. */
  checkBatch(method: string, what: string, count: number): void {
    if (count <= this.settings.maxBatchItems) return;
    this.stats.incr(statNames.batchTooLarge(method));
    throw new BudgetExceededError(
      `${method} carries ${count} ${what}; this gateway accepts at most ${this.settings.maxBatchItems} per call ` +
        '(GATEWAY_MAX_BATCH_ITEMS). Split the batch.',
    );
  }

  /** A client-chosen result size (dequeue or scan `limit`), clamped to the batch bound. */
  clampLimit(limit: number): number {
    return Math.min(limit, this.settings.maxBatchItems);
  }

  /** Enqueue to an impossible name: QUEUE_NOT_FOUND on every backend. */
  requireValidForEnqueue(queue: string): void {
    if (!this.isValid('enqueueJobs', queue)) throw queueNotFound(queue);
  }

  /**
   * Acks of one request with the foreign descriptors removed (counted), or `undefined` when
   * nothing is left to do. An impossible queue name with items left answers as a missing queue.
   */
  ackForBackend(method: string, req: AckRequest): AckRequest | undefined {
    const succeeded = this.ownItems(method, req.queue, req.succeeded);
    const failed = this.ownItems(method, req.queue, req.failed);
    if (succeeded.length + failed.length === 0) return undefined;
    if (!this.isValid(method, req.queue)) return this.missingQueueWrite(req.queue);
    return { queue: req.queue, succeeded, failed };
  }

  /** Checkpoint items without foreign descriptors; `undefined` when nothing is left to do. */
  checkpointForBackend(queue: string, items: CheckpointItem[]): CheckpointItem[] | undefined {
    const own = this.ownItems('checkpointJobs', queue, items);
    if (own.length === 0) return undefined;
    if (!this.isValid('checkpointJobs', queue)) return this.missingQueueWrite(queue);
    return own;
  }

  /**
   * Descriptors a lookup may send to the backend: those whose queue token is impossible are
   * omitted (lenient) or fail the call (strict). Unparseable descriptors stay, so the backend
   * reports them as PinLater does.
   */
  lookupDescriptors(descriptors: string[]): string[] {
    const impossible = (d: string): boolean => {
      if (isValidQueueName(firstToken(d))) return false; // the common case, without splitting
      const queue = descriptorQueue(d);
      return queue !== undefined && !isValidQueueName(queue);
    };
    const bad = descriptors.find(impossible);
    if (bad === undefined) return descriptors;
    this.stats.incr(statNames.impossibleQueueName('lookupJobs'));
    if (this.settings.policy === 'strict') throw unknownQueue(descriptorQueue(bad) as string);
    return descriptors.filter((d) => !impossible(d));
  }

  /** getJobCount, scanJobs, retryFailedJobs, deleteJobs on an impossible name (strict backends). */
  missingQueueRead(queue: string): never {
    throw unknownQueue(queue);
  }

  private missingQueueWrite(queue: string): undefined {
    if (this.settings.policy === 'strict') throw queueNotFound(queue);
    return undefined;
  }

  private ownItems<T extends AckInfo | CheckpointItem>(method: string, queue: string, items: T[]): T[] {
    const own = items.filter((item) => {
      if (firstToken(item.descriptor) === queue) return true; // the common case, without splitting
      const token = descriptorQueue(item.descriptor);
      return token === undefined || token === queue;
    });
    if (own.length < items.length) this.stats.incr(statNames.crossQueueDescriptors(method), items.length - own.length);
    return own;
  }
}

/**
 * The queue token of a descriptor PinLater could parse (four `:`-separated tokens), else
 * `undefined` (the backend then rejects it as PinLater does).
 */
export function descriptorQueue(descriptor: string): string | undefined {
  const tokens = javaSplitColon(descriptor);
  return tokens.length === 4 ? tokens[0] : undefined;
}

/**
 * Everything before the first `:`. When it is a possible queue name (or equals the request's
 * queue) it is the descriptor's queue token whenever PinLater can parse the descriptor at all, so
 * the edge needs no full split on its hot path.
 */
function firstToken(descriptor: string): string {
  const colon = descriptor.indexOf(':');
  return colon < 0 ? descriptor : descriptor.slice(0, colon);
}
