import { jobIdCounterKey, priorityKeys, type PriorityKeys } from './keys';

/** Priorities cached per queue (PinLater allows at most a handful; others are built each time). */
const MAX_CACHED_PRIORITY = 16;
/** Queue names remembered per shard before the cache starts over (names come from clients). */
const MAX_CACHED_QUEUES = 10_000;

interface QueueKeys {
  readonly idCounter: string;
  readonly byPriority: (PriorityKeys | undefined)[];
}

/**
 * The key names of one shard (built by `keys.ts`), remembered per (queue, priority): every
 * enqueue, dequeue and ack needs 3–4 of them, and building them is string work on each of
 * ~30k script calls per second. Bounded: past MAX_CACHED_QUEUES names it clears and starts over.
 */
export class ShardKeyCache {
  private readonly queues = new Map<string, QueueKeys>();

  constructor(private readonly shard: string) {}

  priority(queue: string, priority: number): PriorityKeys {
    if (!(priority >= 1 && priority <= MAX_CACHED_PRIORITY && Number.isInteger(priority))) return priorityKeys(this.shard, queue, priority);
    const entry = this.queue(queue);
    return (entry.byPriority[priority] ??= priorityKeys(this.shard, queue, priority));
  }

  idCounter(queue: string): string {
    return this.queue(queue).idCounter;
  }

  private queue(queue: string): QueueKeys {
    let entry = this.queues.get(queue);
    if (entry === undefined) {
      if (this.queues.size >= MAX_CACHED_QUEUES) this.queues.clear();
      entry = { idCounter: jobIdCounterKey(this.shard, queue), byPriority: [] };
      this.queues.set(queue, entry);
    }
    return entry;
  }
}
