import { isJobState, type JobState } from '../../../core/src/types/job-state';
import { CLAIM_DESCRIPTOR_MAX_CHARS } from './mysql-limits';
import { MysqlStoreError } from './mysql-errors';

/**
 * How PinLater's MySQL layout marks rows in the middle of an exactly-once move (docs/migration.md,
 * "Exactly once"): state values PinLater never writes, so none of its statements selects them
 * (dequeue, dry run, monitor timeout and GC, count, scan, retry, delete, export all name the state
 * they want, FACTS §5.5, §5.7), and our lookup reports such a row as absent (`isServedState`).
 *
 *   taken:  state = 10 + s   s = the state it was taken from; every other column as it was
 *   staged: state = 20 + s   s = the state it will be published in; claim_descriptor = 'mv:<source>'
 *
 * Exception: PinLater's success ack has no state condition (FACTS §5.5 "Ack success"), so a
 * (stale) success ack naming a taken or staged row's local id makes it a visible SUCCEEDED job;
 * finish and discard then no longer find it.
 */
export interface MoveStateRange {
  /** Added to the job's state when stored. */
  readonly offset: number;
  /** Rows in this range have `offset <= state < end`. */
  readonly end: number;
}

export const TAKEN: MoveStateRange = { offset: 10, end: 20 };
export const STAGED: MoveStateRange = { offset: 20, end: 30 };

/** The prefix of a staged row's claim_descriptor; the rest is the source descriptor. */
export const MOVE_TAG_PREFIX = 'mv:';

/** A state column value PinLater serves (0..3); taken and staged rows are not. */
export function isServedState(stored: unknown): boolean {
  return isJobState(Number(stored));
}

/** The job state a taken or staged row stands for. */
export function movedState(stored: unknown, range: MoveStateRange): JobState {
  const n = Number(stored);
  const state = n - range.offset;
  if (n >= range.end || !isJobState(state)) throw new Error(`Unexpected state ${String(stored)} for a moving row (${range.offset}..${range.end - 1})`);
  return state;
}

/**
 * The claim_descriptor of a staged row. Refused before anything is written when it would not fit
 * the VARCHAR(200) column (a cut tag would name another job).
 */
export function moveTag(sourceDescriptor: string): string {
  const tag = `${MOVE_TAG_PREFIX}${sourceDescriptor}`;
  const chars = [...tag].length;
  if (chars > CLAIM_DESCRIPTOR_MAX_CHARS) {
    throw new MysqlStoreError(
      'other',
      `Cannot stage job ${sourceDescriptor}: its move tag is ${chars} characters, claim_descriptor holds ${CLAIM_DESCRIPTOR_MAX_CHARS}`,
    );
  }
  return tag;
}

/** The source descriptor a staged row's claim_descriptor names. */
export function sourceOfTag(claimDescriptor: unknown): string {
  const text = claimDescriptor === null || claimDescriptor === undefined ? '' : String(claimDescriptor);
  return text.startsWith(MOVE_TAG_PREFIX) ? text.slice(MOVE_TAG_PREFIX.length) : text;
}
