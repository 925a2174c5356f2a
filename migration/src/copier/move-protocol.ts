/**
 * The exactly-once move of taken jobs from one system to another (docs/migration.md "Exactly
 * once"): stage on the target, record in the ledger (fenced by the copier's lease), publish the
 * winners, discard the losers, finish the source. Every step is idempotent, so a copier killed at
 * any instant finishes the work on restart with `recoverMoves`.
 */
import type { JobMover, MovableState, StagedJob, StagedRef } from '../../../core/src/interfaces/job-mover';
import { jobChecksum } from '../../../core/src/migration/job-checksum';
import type { LeaseFence, MoveEntry, MoveLedger } from '../../../core/src/migration/move-ledger';
import type { PortableJob } from '../../../core/src/types/job';

export interface MoveSides {
  readonly queue: string;
  readonly migrationId: string;
  readonly source: JobMover;
  readonly target: JobMover;
  readonly ledger: MoveLedger;
  readonly fence: LeaseFence;
}

/** Jobs moved by one call, per JobState number (as taken). */
export type MovedCounts = Record<number, number>;

/** Crash points a test can name (test/integration/migration-copier-crash.test.ts): the copier process exits there. */
export type MoveStep = 'after-take' | 'after-stage' | 'after-record' | 'after-publish' | 'after-finish';

export interface MoveHooks {
  /** Called after each step of a batch (the crash-injection point of the tests; nothing in production). */
  readonly afterStep?: (step: MoveStep) => void | Promise<void>;
}

/**
 * Moves jobs the source has already taken (by `take`, or found by `listTaken` after a crash):
 * jobs already recorded in this migration are published and finished; the rest are staged,
 * recorded, published and finished. Returns the counts per state.
 */
export async function moveTaken(sides: MoveSides, taken: readonly PortableJob[], hooks: MoveHooks = {}, justTaken = false): Promise<MovedCounts> {
  if (taken.length === 0) return {};
  // Jobs this call just took out of a state set have no move recorded yet in the usual case, so
  // the ledger is not asked first; when one has (a job moved, then put back in service by a real
  // PinLater server's state-blind success ack, and taken again), the ledger's first-wins record
  // below still publishes the recorded copy and discards the new one.
  const recorded = justTaken ? new Map<string, string>() : await sides.ledger.targetsOf(sides.migrationId, taken.map((j) => j.sourceDescriptor));
  const fresh = taken.filter((j) => !recorded.has(j.sourceDescriptor));
  const staged = fresh.length === 0 ? [] : await sides.target.stage(sides.queue, fresh.map((j) => ({ ...j, queue: sides.queue })));
  await hooks.afterStep?.('after-stage');
  const winners = new Map(recorded);
  if (staged.length > 0) {
    const byTag = new Map(fresh.map((j) => [j.sourceDescriptor, j] as const));
    const entries = staged.map((s) => entryOf(sides.queue, byTag.get(s.sourceDescriptor) as PortableJob, s));
    for (const [source, target] of await sides.ledger.record(sides.migrationId, sides.fence, entries)) winners.set(source, target);
    const losers = staged.filter((s) => winners.get(s.sourceDescriptor) !== s.descriptor).map((s) => s.descriptor);
    if (losers.length > 0) await sides.target.discard(sides.queue, losers);
  }
  await hooks.afterStep?.('after-record');
  const publishable = taken.filter((j) => winners.has(j.sourceDescriptor));
  await sides.target.publish(sides.queue, publishable.map((j) => ({
    descriptor: winners.get(j.sourceDescriptor) as string,
    ...(j.claimDescriptor === undefined ? {} : { claimDescriptor: j.claimDescriptor }),
  })));
  await hooks.afterStep?.('after-publish');
  await sides.source.finish(sides.queue, publishable.map((j) => j.sourceDescriptor));
  await hooks.afterStep?.('after-finish');
  const counts: MovedCounts = {};
  for (const j of publishable) counts[j.state] = (counts[j.state] ?? 0) + 1;
  return counts;
}

/**
 * Takes one batch from the source and moves it. Returns the jobs taken (empty: nothing of that
 * state and priority is left) and the counts moved.
 */
export async function takeAndMove(
  sides: MoveSides, state: MovableState, priority: number, limit: number, hooks: MoveHooks = {},
): Promise<{ taken: number; moved: MovedCounts }> {
  const taken = await sides.source.take(sides.queue, state, priority, limit);
  if (taken.length === 0) return { taken: 0, moved: {} };
  await hooks.afterStep?.('after-take');
  return { taken: taken.length, moved: await moveTaken(sides, taken, hooks, true) };
}

/**
 * Finishes whatever an earlier copier left of this migration, in this order:
 * 1. staged copies on the target: those the ledger names as their source's target are published
 *    (their source is still taken, or was finished after an earlier publish: publishing again does
 *    nothing); the others were never recorded and are discarded (the fence guarantees that no
 *    earlier lease holder can record them any more);
 * 2. jobs still taken on the source are moved (`moveTaken`).
 * Returns the counts moved in step 2.
 */
export async function recoverMoves(sides: MoveSides, pageSize: number, hooks: MoveHooks = {}): Promise<MovedCounts> {
  const taken = await listAllTaken(sides.source, sides.queue);
  const claims = claimsOf(taken);
  for (let round = 0; ; round++) {
    const staged = await sides.target.listStaged(sides.queue, pageSize);
    if (staged.length === 0) break;
    if (round >= MAX_ROUNDS) throw new Error(`staged jobs of ${sides.queue} do not clear after ${MAX_ROUNDS} rounds of publish/discard`);
    const recorded = await sides.ledger.targetsOf(sides.migrationId, staged.map((s) => s.sourceDescriptor));
    const winners = staged.filter((s) => recorded.get(s.sourceDescriptor) === s.descriptor);
    const orphans = staged.filter((s) => recorded.get(s.sourceDescriptor) !== s.descriptor);
    if (winners.length > 0) await publishWithClaims(sides.target, sides.queue, winners, claims);
    if (orphans.length > 0) await sides.target.discard(sides.queue, orphans.map((s) => s.descriptor));
  }
  const counts: MovedCounts = {};
  for (let i = 0; i < taken.length; i += pageSize) {
    const moved = await moveTaken(sides, taken.slice(i, i + pageSize), hooks);
    for (const [state, n] of Object.entries(moved)) counts[Number(state)] = (counts[Number(state)] ?? 0) + n;
  }
  return counts;
}

/**
 * Leftovers of the opposite direction (a rollback started while the other direction's copier had
 * work in flight, or the reverse): jobs taken on `taker` whose move the ledger shows (any
 * migration) are finished after their target is published; the others go back into service where
 * they were (`restore`). Staged copies on `stager` that are not the ledger's newest target of their
 * source are discarded; those that are get published.
 */
export async function settleOppositeDirection(
  queue: string, ledger: MoveLedger, taker: JobMover, stager: JobMover, pageSize: number,
): Promise<void> {
  const taken = await listAllTaken(taker, queue);
  const claims = claimsOf(taken);
  const resolved = new Map<string, string>();
  for (let i = 0; i < taken.length; i += 1000) {
    for (const [s, t] of await ledger.resolve(taken.slice(i, i + 1000).map((j) => j.sourceDescriptor))) resolved.set(s, t);
  }
  for (let round = 0; ; round++) {
    const staged = await stager.listStaged(queue, pageSize);
    if (staged.length === 0) break;
    if (round >= MAX_ROUNDS) throw new Error(`staged jobs of ${queue} do not clear after ${MAX_ROUNDS} rounds of publish/discard`);
    const newest = await ledger.resolve(staged.map((s) => s.sourceDescriptor));
    const keep = staged.filter((s) => newest.get(s.sourceDescriptor) === s.descriptor);
    const drop = staged.filter((s) => newest.get(s.sourceDescriptor) !== s.descriptor);
    if (keep.length > 0) await publishWithClaims(stager, queue, keep, claims);
    if (drop.length > 0) await stager.discard(queue, drop.map((s) => s.descriptor));
  }
  const done = taken.filter((j) => resolved.has(j.sourceDescriptor)).map((j) => j.sourceDescriptor);
  const back = taken.filter((j) => !resolved.has(j.sourceDescriptor)).map((j) => j.sourceDescriptor);
  if (done.length > 0) await taker.finish(queue, done);
  if (back.length > 0) await taker.restore(queue, back);
}

/** Each taken job's claim descriptor, by source descriptor (publish gives it to the copy). */
function claimsOf(taken: readonly PortableJob[]): Map<string, string | undefined> {
  return new Map(taken.map((j) => [j.sourceDescriptor, j.claimDescriptor] as const));
}

/** Publishes staged copies, each with the claim its source carried (when the source is still known). */
async function publishWithClaims(mover: JobMover, queue: string, staged: readonly StagedRef[], claims: ReadonlyMap<string, string | undefined>): Promise<void> {
  await mover.publish(queue, staged.map((s) => {
    const claim = claims.get(s.sourceDescriptor);
    return { descriptor: s.descriptor, ...(claim === undefined ? {} : { claimDescriptor: claim }) };
  }));
}

function entryOf(queue: string, job: PortableJob, staged: StagedJob): MoveEntry {
  return {
    sourceDescriptor: job.sourceDescriptor,
    targetDescriptor: staged.descriptor,
    queue,
    state: job.state,
    priority: job.priority,
    sourceChecksum: jobChecksum(job),
    targetChecksum: jobChecksum(staged.stored),
  };
}

/**
 * Every job taken and not finished: at most a few batches (one per copier crash), read at once;
 * more than MAX_RECOVERY_ITEMS means something else is wrong, and the copier stops with the reason.
 */
async function listAllTaken(mover: JobMover, queue: string): Promise<PortableJob[]> {
  const all = await mover.listTaken(queue, MAX_RECOVERY_ITEMS + 1);
  if (all.length > MAX_RECOVERY_ITEMS) throw new Error(`more than ${MAX_RECOVERY_ITEMS} taken jobs of ${queue} to recover`);
  return all;
}

const MAX_RECOVERY_ITEMS = 100_000;
/** Publish/discard rounds over the staged listing before recovery gives up (each round empties a page). */
const MAX_ROUNDS = 10_000;
