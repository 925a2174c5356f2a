/**
 * The preconditions of `pinlater-ops shadow start <queue>` (routing-transitions.ts legacy →
 * shadow), decided from what was read before anything is written; refused on the first that does
 * not hold, with its exit code:
 *
 * 1. `shadow-queue-available`: the queue can have a shadow copy in Pacer: its name with the
 *    reserved prefix fits Pacer's queue names and is not itself a shadow queue's name
 *    (core/src/shadow/shadow-queue-name.ts `canShadow`); the queue is then created in Pacer.
 * 2. to 5. those of `migrate start` (start-preconditions.ts): a `legacy` record, or none and one
 *    legacy cluster holding the queue (pinned there first); that cluster configured; Pacer
 *    configured; no migration of the queue copying or complete. Shadow mode is the step before a
 *    migration, so whatever would block the migration blocks shadowing too.
 */
import { MAX_SHADOWABLE_QUEUE_NAME, SHADOW_QUEUE_PREFIX, canShadow, isShadowQueueName } from '../../../core/src/shadow/shadow-queue-name';
import { decideStart, type PreconditionCheck, type StartDecision, type StartInputs } from './start-preconditions';

export type ShadowPreconditionName = PreconditionCheck['name'] | 'shadow-queue-available';

export interface ShadowPreconditionCheck extends Omit<PreconditionCheck, 'name'> {
  readonly name: ShadowPreconditionName;
}

export interface ShadowStartDecision extends Omit<StartDecision, 'checks' | 'failed' | 'replacing'> {
  readonly checks: readonly ShadowPreconditionCheck[];
  readonly failed: ShadowPreconditionCheck | undefined;
}

export function decideShadowStart(i: StartInputs): ShadowStartDecision {
  const start = decideStart(i);
  const checks: ShadowPreconditionCheck[] = [shadowNameCheck(i.queue), ...start.checks.map((c) => (c.name === 'legacy-record' ? legacyRecordCheck(c, i) : c))];
  return { checks, failed: checks.find((c) => !c.holds), legacyCluster: start.legacyCluster, pin: start.pin, expectedVersion: start.expectedVersion };
}

function shadowNameCheck(queue: string): ShadowPreconditionCheck {
  const name = 'shadow-queue-available';
  if (canShadow(queue)) return { name, holds: true, refusal: 'REFUSED', detail: `its shadow copies go to the Pacer queue ${SHADOW_QUEUE_PREFIX}${queue}` };
  const detail = isShadowQueueName(queue)
    ? `the name starts with ${SHADOW_QUEUE_PREFIX}, the prefix reserved for shadow copies`
    : `the name has ${queue.length} characters; a queue with a shadow copy has at most ${MAX_SHADOWABLE_QUEUE_NAME} (Pacer's queue names are at most ${MAX_SHADOWABLE_QUEUE_NAME + SHADOW_QUEUE_PREFIX.length}, the prefix ${SHADOW_QUEUE_PREFIX} takes ${SHADOW_QUEUE_PREFIX.length})`;
  return { name, holds: false, refusal: 'REFUSED', detail };
}

/** `migrate start` may start from shadow; `shadow start` only from legacy (shadow itself: the caller says there is nothing to change). */
function legacyRecordCheck(check: PreconditionCheck, i: StartInputs): PreconditionCheck {
  if (i.record?.mode !== 'shadow') return check;
  return { ...check, holds: false, refusal: 'REFUSED', detail: `it is in shadow mode already (record version ${i.record.version})` };
}
