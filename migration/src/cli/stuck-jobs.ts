/**
 * Stuck jobs: IN_PROGRESS jobs whose claim is older than a threshold, found through the gateway
 * with scanJobs (state IN_PROGRESS; current and future run-after, so a job a worker checkpointed
 * with a future run-after is seen too).
 *
 * "Claimed since" is the job's `updatedAtTimestampMillis`: on every backend the time of the claim
 * (dequeue) or of the job's last checkpoint (a worker's heartbeat), which is also what the
 * backends' claim timeout counts from (FACTS §5.4, §5.7, §6.2, §6.4):
 * - legacy MySQL: `updated_at` (whole seconds), set by the claim and by a checkpoint;
 * - legacy Redis: hash field `ua`, set to the claim time by the dequeue and to the checkpoint's
 *   time by a checkpoint (the in-progress score, reported as runAfter, is the same time);
 * - Pacer: `updated_at_ms`, set by the claim and by a checkpoint.
 * runAfter is not used: on legacy MySQL and Pacer an IN_PROGRESS job's runAfter is still the
 * run-after it was enqueued with, not its claim time.
 *
 * A scan returns at most `scanLimit` jobs, newest run-after first (FACTS §3.8), so when a scan
 * comes back full the search is incomplete: older claims may not have been seen.
 */
import { parseDescriptor } from '../../../core/src/descriptors/job-descriptor';
import { JobState } from '../../../core/src/types/job-state';
import type { WireJobInfo } from '../../../gateway/index';
import type { GatewayConnection } from './gateway-client';

export interface StuckJob {
  readonly descriptor: string;
  /** From the descriptor (`…:p<priority>:…`); null when it does not parse. */
  readonly priority: number | null;
  readonly attemptsAllowed: number;
  readonly attemptsRemaining: number;
  /** updatedAt: the claim or the last checkpoint (ms since the epoch). */
  readonly claimedSinceMs: number;
  readonly claimDescriptor: string | null;
  readonly customStatus: string;
}

export interface StuckSearch {
  readonly queue: string;
  readonly olderThanSeconds: number;
  readonly priority?: number;
  /** Most stuck jobs to return (the oldest claims first). */
  readonly limit: number;
  /** Most IN_PROGRESS jobs each scan (current, future) reads. */
  readonly scanLimit: number;
}

export interface StuckReport {
  readonly queue: string;
  readonly olderThanSeconds: number;
  readonly priority: number | null;
  /** The time claims were compared with (this host's clock). */
  readonly checkedAtMs: number;
  /** IN_PROGRESS jobs read. */
  readonly scanned: number;
  /** False when a scan came back full: older claims may exist that were not read. */
  readonly complete: boolean;
  /** Stuck jobs among those read (may exceed `jobs.length`, which is cut at the limit). */
  readonly found: number;
  /** The stuck jobs, oldest claim first, at most `limit`. */
  readonly jobs: readonly StuckJob[];
}

/** The claim (or last checkpoint) time of an IN_PROGRESS job as the backends report it. */
export function claimedSinceMs(info: Pick<WireJobInfo, 'updatedAtTimestampMillis' | 'runAfterTimestampMillis' | 'createdAtTimestampMillis'>): number {
  return info.updatedAtTimestampMillis ?? info.runAfterTimestampMillis ?? info.createdAtTimestampMillis;
}

export function priorityOf(descriptor: string): number | null {
  try {
    return parseDescriptor(descriptor).priority;
  } catch {
    return null;
  }
}

export function toStuckJob(info: WireJobInfo): StuckJob {
  return {
    descriptor: info.jobDescriptor,
    priority: priorityOf(info.jobDescriptor),
    attemptsAllowed: info.attemptsAllowed,
    attemptsRemaining: info.attemptsRemaining,
    claimedSinceMs: claimedSinceMs(info),
    claimDescriptor: info.claimDescriptor,
    customStatus: info.customStatus,
  };
}

/** The jobs claimed at or before `nowMs - olderThanMs`, oldest claim first (ties by descriptor), without duplicates. */
export function selectStuck(infos: readonly WireJobInfo[], nowMs: number, olderThanMs: number): StuckJob[] {
  const threshold = nowMs - olderThanMs;
  const byDescriptor = new Map<string, StuckJob>();
  for (const info of infos) {
    const job = toStuckJob(info);
    if (job.claimedSinceMs <= threshold) byDescriptor.set(job.descriptor, job);
  }
  return [...byDescriptor.values()].sort((a, b) => a.claimedSinceMs - b.claimedSinceMs || a.descriptor.localeCompare(b.descriptor));
}

export async function findStuckJobs(gateway: GatewayConnection, search: StuckSearch, nowMs: () => number): Promise<StuckReport> {
  const scans = await Promise.all([false, true].map((future) => gateway.call('scanJobs', (c) => c.scan({
    queue: search.queue, state: JobState.IN_PROGRESS, future, limit: search.scanLimit, ...(search.priority === undefined ? {} : { priority: search.priority }),
  }))));
  const checkedAtMs = nowMs();
  const infos = scans.flatMap((s) => s.scannedJobs);
  const stuck = selectStuck(infos, checkedAtMs, search.olderThanSeconds * 1000);
  return {
    queue: search.queue,
    olderThanSeconds: search.olderThanSeconds,
    priority: search.priority ?? null,
    checkedAtMs,
    scanned: infos.length,
    complete: scans.every((s) => s.scannedJobs.length < search.scanLimit),
    found: stuck.length,
    jobs: stuck.slice(0, search.limit),
  };
}
