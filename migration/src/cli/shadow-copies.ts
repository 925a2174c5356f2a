/**
 * A queue's shadow copies in Pacer as the operator commands handle them (issue 13): they live in
 * a queue of their own, `zz_pacer_shadow__<queue>` (core/src/shadow/shadow-queue-name.ts), never
 * in the queue's own Pacer queue, so no client is ever served a shadow copy, even while gateways
 * disagree on the queue's mode. `shadow start` creates that queue before the record says `shadow`;
 * leaving shadow mode (`shadow stop`, `migrate start` from shadow) writes the record first, waits
 * until every live gateway applied it (gateway-wait.ts: no gateway adds copies any more), then
 * counts the copies and deletes the queue.
 */
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { shadowQueueName } from '../../../core/src/shadow/shadow-queue-name';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { describeBehind, waitForGateways } from './gateway-wait';
import { takeCensus, type QueueCensus } from './job-census';
import type { SystemsContext } from './migration-context';

/** How long the commands leaving shadow mode wait for the gateways by default (`--gateway-wait`). */
export const DEFAULT_GATEWAY_WAIT_S = 30;

export interface RemovedShadowCopies {
  readonly shadowQueue: string;
  /** The shadow queue existed in Pacer (and was deleted). */
  readonly existed: boolean;
  /** Shadow copies deleted with it (every state, counted just before the delete). */
  readonly removed: number;
  readonly counts: QueueCensus | null;
}

/** Whether Pacer holds the queue's shadow queue (Pacer's own queue list, not the gateways' which hides it). */
export async function shadowQueueExists(m: SystemsContext, queue: string): Promise<boolean> {
  return (await m.systems.get(PACER_SYSTEM).getQueueNames()).has(shadowQueueName(queue));
}

/** Creates the queue's shadow queue in Pacer (idempotent). */
export async function createShadowQueue(m: SystemsContext, queue: string): Promise<void> {
  await m.systems.get(PACER_SYSTEM).createQueue(shadowQueueName(queue));
}

/** Counts the shadow copies (exactly, job-census.ts), then deletes the shadow queue; nothing when it does not exist. */
export async function removeShadowQueue(ctx: CliContext, m: SystemsContext, queue: string): Promise<RemovedShadowCopies> {
  const shadowQueue = shadowQueueName(queue);
  if (!(await shadowQueueExists(m, queue))) return { shadowQueue, existed: false, removed: 0, counts: null };
  const pacer = m.systems.get(PACER_SYSTEM);
  const counts = await takeCensus(PACER_SYSTEM, pacer, shadowQueue, { numPriorityLevels: m.numPriorityLevels, clock: m.clock, checkpoint: () => ctx.interruption.checkpoint() });
  await ctx.interruption.duringWrite(() => pacer.deleteQueue(shadowQueue));
  return { shadowQueue, existed: true, removed: counts.totals.total + counts.taken + counts.staged, counts };
}

export interface AfterRecordWritten {
  readonly queue: string;
  /** The table version of the change that took the queue out of shadow mode (or any later one). */
  readonly tableVersion: number;
  readonly gatewayWaitS: number;
  /** What was written, for the `--json` document of an INCOMPLETE failure. */
  readonly written: Readonly<Record<string, unknown>>;
}

/**
 * Once every live gateway applied `tableVersion` (none adds shadow copies any more), removes the
 * shadow queue. Gateways still behind after the wait: CliFailure INCOMPLETE (the record stays as
 * written, the shadow queue stays, never served), saying to run `shadow stop` again later. A
 * record back in shadow mode by then (another operator's `shadow start`): CONFLICT, queue kept.
 */
export async function removeShadowCopiesOnceApplied(ctx: CliContext, m: SystemsContext, a: AfterRecordWritten): Promise<RemovedShadowCopies> {
  const behind = await waitForGateways(ctx, m.store, { tableVersion: a.tableVersion, timeoutMs: a.gatewayWaitS * 1000 });
  if (behind.length > 0) {
    throw new CliFailure('INCOMPLETE', `the routing record of queue '${a.queue}' was written, but gateway(s) ${describeBehind(behind)} have not applied routing table version ${a.tableVersion} `
      + `after ${a.gatewayWaitS} s: the shadow queue ${shadowQueueName(a.queue)} stays in Pacer (never served to clients); run \`pinlater-ops shadow stop ${a.queue}\` once they caught up (pinlater-ops status)`,
    { ...a.written, shadowQueue: shadowQueueName(a.queue), tableVersion: a.tableVersion, gatewaysBehind: behind.map((g) => ({ gatewayId: g.gatewayId, appliedVersion: g.appliedVersion, loaded: g.loaded })) });
  }
  if ((await m.store.read(a.queue))?.mode === 'shadow') {
    throw new CliFailure('CONFLICT', `queue '${a.queue}' is in shadow mode again (another operator ran \`pinlater-ops shadow start ${a.queue}\` meanwhile): its shadow queue is kept`, { ...a.written });
  }
  return removeShadowQueue(ctx, m, a.queue);
}

/** One line: `removed the shadow queue zz_pacer_shadow__q: 12 shadow copies`. */
export function describeRemoval(r: RemovedShadowCopies): string {
  return r.existed ? `removed the shadow queue ${r.shadowQueue} from pacer: ${r.removed} shadow cop${r.removed === 1 ? 'y' : 'ies'}` : `no shadow queue ${r.shadowQueue} in pacer: nothing to remove`;
}
