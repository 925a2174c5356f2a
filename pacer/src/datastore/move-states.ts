import { JobState } from '../../../core/src/types/job-state';

/**
 * The `jobs.state` values of the migration copier (docs/migration.md, docs/pacer-schema.md): a job
 * taken out of service for a move has `TAKEN_OFFSET + state`, a job a move wrote and has not
 * published has `STAGED_OFFSET + state`. No serving statement selects them (each names the state it
 * serves, 0 … 3), and a lookup treats them as absent.
 */
export const TAKEN_OFFSET = 10;
export const STAGED_OFFSET = 20;

/** The highest PinLater state; `offset` … `offset + MAX_STATE` is one band of move states. */
const MAX_STATE = JobState.FAILED;

/** [low, high] of the band that starts at `offset` (for `state BETWEEN ? AND ?`). */
export function moveBand(offset: number): [number, number] {
  return [offset, offset + MAX_STATE];
}

/** Prefix of a staged job's `claim_descriptor`: `mv:<source descriptor>` (its tag until published). */
export const STAGED_TAG_PREFIX = 'mv:';
