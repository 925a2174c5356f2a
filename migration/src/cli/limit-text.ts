/** How the limit commands describe a queue limit to people (`--json` prints the records as they are). */
import { isPausedLimit, type QueueLimitRecord } from '../routing/queue-limit-record';
import { field } from './output-format';

/** A limit as a command sets it: the fleet-wide rate (null: none) and the pause. */
export interface LimitTarget {
  readonly maxJobsPerSecond: number | null;
  readonly paused: boolean;
}

/** `12.5/s` (at most 3 decimals). */
export function rateText(rate: number): string {
  return `${Number(rate.toFixed(3))}/s`;
}

/** The limit in force, with its version and author; `no ZooKeeper limit` without one. */
export function describeLimit(record: QueueLimitRecord | undefined): string {
  if (record === undefined) return 'no ZooKeeper limit';
  return `${describeRate(record)} (version ${record.version}, by ${field(record.changedBy, 40)}${record.reason === '' ? '' : `: ${field(record.reason, 60)}`})`;
}

/** The limit after a change, with what each of the live gateways allows. */
export function describeTarget(target: LimitTarget | null, liveGateways: number): string {
  if (target === null) return 'no ZooKeeper limit (queue_config.json applies, if it names the queue)';
  const perGateway = target.maxJobsPerSecond === null || isPausedLimit(target) ? '' : `, ${rateText(target.maxJobsPerSecond / Math.max(1, liveGateways))} on each of ${liveGateways} live gateway(s)`;
  return `${describeRate(target)}${perGateway}`;
}

function describeRate(limit: LimitTarget): string {
  const rate = limit.maxJobsPerSecond === null ? undefined : `${rateText(limit.maxJobsPerSecond)} fleet-wide`;
  if (limit.paused) return `PAUSED${rate === undefined ? '' : ` (rate kept: ${rate})`}`;
  return limit.maxJobsPerSecond === 0 ? 'PAUSED (rate 0)' : (rate ?? 'no rate');
}
