import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';

/**
 * PinLater's shard selection for dequeue (FACTS §3.6), over partitions: shuffle, keep the first
 * `round(n × coverage)` (half up). coverage > 1 or < 0 fails like PinLater's IndexOutOfBounds.
 */
export function selectPartitions(numPartitions: number, coverage: number, random: () => number): number[] {
  const keep = Math.floor(numPartitions * coverage + 0.5);
  if (!(coverage >= 0 && coverage <= 1) || keep > numPartitions) {
    throw new PinLaterError(ErrorCode.UNKNOWN, `java.lang.IndexOutOfBoundsException: coverage ${coverage}`);
  }
  const order = Array.from({ length: numPartitions }, (_, i) => i);
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order.slice(0, keep);
}
