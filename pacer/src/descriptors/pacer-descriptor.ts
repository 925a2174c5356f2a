import { formatDescriptor, parseDescriptor } from '../../../core/src/descriptors/job-descriptor';
import { pacerPartitionOf, pacerShardName } from '../../../core/src/descriptors/issuer';

/**
 * Pacer job descriptors: `<queue>:spacer<partition>:p<priority>:<id>` (docs/descriptors.md).
 * Four tokens, so PinLater's parser (FACTS §4.1) accepts them; the shard token `pacer<n>` is
 * reserved (legacy configs may not name a shard `pacer…`), so the gateway routes by descriptor alone.
 * `id` is the row id in Pacer's `jobs` table, unique over all queues and partitions.
 */
export interface PacerJobRef {
  queue: string;
  partition: number;
  priority: number;
  id: number;
}

export function formatPacerDescriptor(ref: PacerJobRef): string {
  return formatDescriptor({ queue: ref.queue, shard: pacerShardName(ref.partition), priority: ref.priority, localId: ref.id });
}

/**
 * Parses with PinLater's parser (malformed → PinLaterError UNKNOWN, as PinLater fails the RPC);
 * `undefined` when the descriptor is well formed but not Pacer's.
 */
export function parsePacerDescriptor(text: string): PacerJobRef | undefined {
  const d = parseDescriptor(text);
  const partition = pacerPartitionOf(d.shard);
  if (partition === undefined) return undefined;
  return { queue: d.queue, partition, priority: d.priority, id: d.localId };
}

/** True when `text` parses and its shard token is a Pacer partition. Never throws. */
export function isPacerDescriptor(text: string): boolean {
  try {
    return parsePacerDescriptor(text) !== undefined;
  } catch {
    return false;
  }
}
