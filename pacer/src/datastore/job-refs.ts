import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { parseDescriptor } from '../../../core/src/descriptors/job-descriptor';
import { parsePacerDescriptor, type PacerJobRef } from '../descriptors/pacer-descriptor';
import type { QueueSettings } from './queue-registry';

/**
 * Resolves a descriptor for ack/checkpoint/lookup. Malformed → UNKNOWN (PinLater's parser); a shard
 * that is not one of the queue's Pacer partitions → UNKNOWN, as PinLater's NullPointerException
 * for an unconfigured shard (FACTS §4.1).
 */
export function resolveRef(descriptor: string, queue: QueueSettings): PacerJobRef {
  const ref = parsePacerDescriptor(descriptor);
  if (ref === undefined || ref.partition >= queue.numPartitions) {
    const shard = parseDescriptor(descriptor).shard;
    throw new PinLaterError(ErrorCode.UNKNOWN, `java.lang.NullPointerException: shard ${shard} is not a partition of Pacer queue ${queue.name}`);
  }
  return ref;
}

/** Groups items by a string key, keeping first-seen order. */
export function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list === undefined) groups.set(k, [item]);
    else list.push(item);
  }
  return groups;
}

/** A partition in which jobs became pending, and from when (for broker notification). */
export interface PendingHint {
  partition: number;
  runAfterMs: number;
}
