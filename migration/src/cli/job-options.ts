/**
 * The options of `pinlater-ops jobs …` and `queue status`, validated at the edge with PinLater's
 * own limits (../shared FACTS §2.2, §3.2, §11), so a bad value is a usage error (exit 64) before
 * anything reaches the gateway:
 *
 * - queue: PinLater's name rule (core/src/types/queue-name.ts: `[A-Za-z0-9_]`, 1-255 characters);
 * - priority: an integer 1..127 (a signed byte on the wire; 1 is the highest; the gateway's
 *   NUM_PRIORITY_LEVELS, 3 as shipped, is the real top);
 * - state: pending | in_progress | succeeded | failed;
 * - body regex: not empty (legacy MySQL and Pacer ignore an empty one and Redis matches every body
 *   with it, so `deleteJobs` would delete every job of the state);
 * - limits: positive integers up to a per-command maximum.
 */
import { InvalidArgumentError } from 'commander';
import { JobState } from '../../../core/src/types/job-state';
import { MAX_QUEUE_NAME_LENGTH, queueNameProblem } from '../../../core/src/types/queue-name';
import { CliFailure } from './cli-failure';
import { field } from './output-format';
import { parsePositive } from './option-parsers';

/** The highest priority a PinLater byte can carry. */
export const MAX_PRIORITY = 127;

/** Refuses a name PinLater's createQueue could never have made (exit 64). */
export function requireQueueName(queue: string): string {
  const problem = queueNameProblem(queue);
  if (problem === undefined) return queue;
  const why = problem === 'invalid' ? 'only letters, digits and _ (PinLater\'s \\w+)' : `at most ${MAX_QUEUE_NAME_LENGTH} characters`;
  throw new CliFailure('USAGE', `'${field(queue)}' is not a PinLater queue name: ${why}`);
}

export function parsePriority(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_PRIORITY) throw new InvalidArgumentError(`expected a priority 1..${MAX_PRIORITY} (1 is the highest)`);
  return n;
}

const STATES: Readonly<Record<string, JobState>> = {
  pending: JobState.PENDING,
  in_progress: JobState.IN_PROGRESS,
  succeeded: JobState.SUCCEEDED,
  failed: JobState.FAILED,
};

export function parseJobState(value: string): JobState {
  const state = STATES[value.toLowerCase()];
  if (state === undefined) throw new InvalidArgumentError(`expected one of ${Object.keys(STATES).join(', ')}`);
  return state;
}

/** `pending`, `in_progress`, … as the operator writes it. */
export function stateName(state: JobState): string {
  return Object.keys(STATES).find((k) => STATES[k] === state) ?? String(state);
}

/** The state as PinLater's enum spells it (PENDING, IN_PROGRESS, …). */
export function stateLabel(state: number): string {
  return JobState[state] ?? `state ${state}`;
}

export function parseBodyRegex(value: string): string {
  if (value === '') throw new InvalidArgumentError('an empty regex matches every body (or is ignored): leave the option out to mean every job');
  return value;
}

/** A parser for a positive integer up to `max`, naming why the maximum is there. */
export function limitParser(max: number, why: string): (value: string) => number {
  return (value: string) => {
    const n = parsePositive(value);
    if (n > max) throw new InvalidArgumentError(`expected at most ${max} (${why})`);
    return n;
  };
}

/** Seconds as a non-negative integer, up to about 10 years. */
export function parseSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 315_360_000) throw new InvalidArgumentError('expected a number of seconds (a non-negative integer)');
  return n;
}
