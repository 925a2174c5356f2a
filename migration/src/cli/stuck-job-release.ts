/**
 * Releasing stuck jobs: each job found stuck (stuck-jobs.ts) is put back to PENDING with PinLater's
 * own `checkpointJobs` (moveToPending: claim cleared, run-after now, attempts NOT consumed, unlike
 * a claim timeout), then looked up again, so the operator learns how many were really released.
 *
 * 1. Look every job up again: only a job still IN_PROGRESS under the claim it was found with and
 *    not checkpointed since (same claimed-since) is released. Others are reported, untouched: acked
 *    or failed meanwhile, claimed again, or heartbeating. This matters on legacy Redis, whose
 *    checkpoint checks the claim descriptor but not the state (FACTS §11.13): a checkpoint of a job
 *    already acked would put it back to PENDING while it stays SUCCEEDED, and it would run again.
 * 2. checkpointJobs with `source` = the job's own claim descriptor: PinLater releases a job only
 *    when its claim descriptor contains the caller's source (FACTS §4.2), so this releases exactly
 *    the claim that was found (a job claimed again meanwhile is a no-op). One call per claim.
 * 3. Look every job up: PENDING (or claimed again by a worker since) = released; still IN_PROGRESS
 *    under the same claim = the checkpoint was a no-op; SUCCEEDED/FAILED = finished before the
 *    checkpoint; absent = deleted.
 *
 * A job acked in the instant between steps 1 and 2 is on legacy Redis still put back to PENDING
 * (the race PinLater's Redis checkpoint allows); legacy MySQL and Pacer make that checkpoint a no-op.
 */
import { JobState } from '../../../core/src/types/job-state';
import type { WireJobInfo } from '../../../gateway/index';
import type { GatewayConnection } from './gateway-client';
import { stateLabel } from './job-options';
import { claimedSinceMs, type StuckJob } from './stuck-jobs';

export type ReleaseOutcome =
  | 'released'
  | 'released-claimed-again'
  | 'finished'
  | 'not-in-progress'
  | 'claimed-again'
  | 'heartbeat'
  | 'checkpoint-no-op'
  | 'gone';

export interface ReleaseResult {
  readonly descriptor: string;
  readonly outcome: ReleaseOutcome;
  readonly released: boolean;
  /** The job's state after the release (null: not found). */
  readonly stateAfter: string | null;
}

export interface ReleaseReport {
  readonly queue: string;
  /** Jobs the release was asked for. */
  readonly attempted: number;
  readonly released: number;
  /** Jobs found not stuck any more before the checkpoint, so not checkpointed. */
  readonly skipped: number;
  /** Checkpoints PinLater applied as no-ops, or jobs that finished meanwhile. */
  readonly notReleased: number;
  readonly results: readonly ReleaseResult[];
}

/** Descriptors per lookupJobs call (PinLater looks each one up in parallel). */
const LOOKUP_CHUNK = 500;
/** Checkpoint items per checkpointJobs call. */
const CHECKPOINT_CHUNK = 500;

const RELEASED: ReadonlySet<ReleaseOutcome> = new Set(['released', 'released-claimed-again']);

/** Why a job found stuck is not stuck any more (undefined: still stuck, release it). */
export function precheck(job: StuckJob, now: WireJobInfo | undefined): ReleaseOutcome | undefined {
  if (now === undefined) return 'gone';
  if (now.jobState === JobState.SUCCEEDED || now.jobState === JobState.FAILED) return 'finished';
  if (now.jobState !== JobState.IN_PROGRESS) return 'not-in-progress';
  if (now.claimDescriptor !== job.claimDescriptor) return 'claimed-again';
  if (claimedSinceMs(now) !== job.claimedSinceMs) return 'heartbeat';
  return undefined;
}

/** What the checkpoint did, from the job's state after it. */
export function outcomeAfter(job: StuckJob, after: WireJobInfo | undefined): ReleaseOutcome {
  if (after === undefined) return 'gone';
  if (after.jobState === JobState.PENDING) return 'released';
  if (after.jobState === JobState.IN_PROGRESS) return after.claimDescriptor === job.claimDescriptor ? 'checkpoint-no-op' : 'released-claimed-again';
  return 'finished';
}

export function describeOutcome(outcome: ReleaseOutcome): string {
  switch (outcome) {
    case 'released': return 'released: PENDING';
    case 'released-claimed-again': return 'released, and claimed again by a worker since';
    case 'finished': return 'not released: acked (SUCCEEDED or FAILED) before the release';
    case 'not-in-progress': return 'not released: not IN_PROGRESS any more';
    case 'claimed-again': return 'not released: claimed again since it was found';
    case 'heartbeat': return 'not released: checkpointed (heartbeat) since it was found, not stuck';
    case 'checkpoint-no-op': return 'not released: the checkpoint was a no-op (the claim did not match)';
    case 'gone': return 'not released: the job no longer exists';
  }
}

export async function releaseStuckJobs(gateway: GatewayConnection, queue: string, jobs: readonly StuckJob[]): Promise<ReleaseReport> {
  const before = await lookup(gateway, jobs.map((j) => j.descriptor));
  const skipped = new Map<string, ReleaseOutcome>();
  for (const job of jobs) {
    const why = precheck(job, before.get(job.descriptor));
    if (why !== undefined) skipped.set(job.descriptor, why);
  }
  const toRelease = jobs.filter((j) => !skipped.has(j.descriptor));
  await checkpointToPending(gateway, queue, toRelease);
  const after = await lookup(gateway, toRelease.map((j) => j.descriptor));
  const results = jobs.map((job): ReleaseResult => {
    const outcome = skipped.get(job.descriptor) ?? outcomeAfter(job, after.get(job.descriptor));
    const info = after.get(job.descriptor) ?? before.get(job.descriptor);
    return { descriptor: job.descriptor, outcome, released: RELEASED.has(outcome), stateAfter: info === undefined || outcome === 'gone' ? null : stateLabel(info.jobState) };
  });
  const released = results.filter((r) => r.released).length;
  return { queue, attempted: jobs.length, released, skipped: skipped.size, notReleased: jobs.length - released - skipped.size, results };
}

async function lookup(gateway: GatewayConnection, descriptors: readonly string[]): Promise<Map<string, WireJobInfo>> {
  const found = new Map<string, WireJobInfo>();
  for (const chunk of chunks(descriptors, LOOKUP_CHUNK)) {
    const infos = await gateway.call('lookupJobs', (c) => c.lookup(chunk));
    for (const [descriptor, info] of Object.entries(infos)) found.set(descriptor, info);
  }
  return found;
}

/** One checkpointJobs call per claim descriptor (the call's source must be contained in it). */
async function checkpointToPending(gateway: GatewayConnection, queue: string, jobs: readonly StuckJob[]): Promise<void> {
  const byClaim = new Map<string, string[]>();
  for (const job of jobs) {
    const claim = job.claimDescriptor ?? '';
    byClaim.set(claim, [...(byClaim.get(claim) ?? []), job.descriptor]);
  }
  for (const [claim, descriptors] of byClaim) {
    for (const chunk of chunks(descriptors, CHECKPOINT_CHUNK)) {
      await gateway.call('checkpointJobs', (c) => c.checkpoint(queue, chunk.map((descriptor) => ({ descriptor, moveToPending: true })), claim));
    }
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
