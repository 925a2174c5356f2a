/**
 * Scenario `queue-paused`: someone paused a queue fleet-wide; its workers get DEQUEUE_RATE_LIMITED.
 *
 * create: creates the drill queue PAUSED_QUEUE through the routing gateway (:9010), pauses it with
 * `pinlater-ops queue pause` (the ZooKeeper limit every routing gateway applies; local routing
 * config and operator credential), then waits until a dequeue through :9010 is refused, as a
 * worker's would be (that refusal is also what the page's counters and metrics show).
 * restore: `pinlater-ops limits clear` (removes a pause and a rate, whatever the page left), then
 * waits until the queue's dequeues are answered again.
 * The page (runbooks/dequeue-rate-limits.md) names the same queue in its setup block.
 */
import { eventually } from '../../support/eventually';
import type { PinLaterThriftClient } from '../../../gateway/src/client/pinlater-thrift-client';
import { mustRepoShell } from '../repo-shell';
import type { RunbookScenario } from '../runbook-scenario';
import { withRoutingGateway } from './routing-gateway';

export const PAUSED_QUEUE = 'oncall_paused';
const DEQUEUE_RATE_LIMITED = 429;
const OPS = 'PINLATER_ROUTING_CONFIG=config/routing.local.json PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential node bin/pinlater-ops.cjs';
const APPLIED_TIMEOUT_MS = 15_000;

export function queuePaused(): RunbookScenario {
  return { create: pauseQueue, restore: clearLimit };
}

async function pauseQueue(): Promise<void> {
  await withRoutingGateway('runbook-drill', (client) => client.createQueue(PAUSED_QUEUE));
  await mustRepoShell(`${OPS} queue pause ${PAUSED_QUEUE} --by runbook-drill --reason "runbook drill" --yes`, 60);
  await untilDequeue('refused');
}

async function clearLimit(): Promise<void> {
  await mustRepoShell(`${OPS} limits clear ${PAUSED_QUEUE} --by runbook-drill --reason "runbook drill over" --yes`, 60);
  await untilDequeue('answered');
}

function untilDequeue(outcome: 'refused' | 'answered'): Promise<void> {
  return withRoutingGateway('runbook-drill', (client) => eventually(async () => {
    const refused = await dequeueRefused(client);
    if (refused !== (outcome === 'refused')) throw new Error(`a dequeue of ${PAUSED_QUEUE} is still ${refused ? 'refused' : 'answered'}`);
  }, { timeoutMs: APPLIED_TIMEOUT_MS, intervalMs: 200 }));
}

/** A dry run: claims nothing, but is charged and refused like a worker's dequeue. */
async function dequeueRefused(client: PinLaterThriftClient): Promise<boolean> {
  try {
    await client.dequeue({ queue: PAUSED_QUEUE, limit: 1, dryRun: true });
    return false;
  } catch (e) {
    if ((e as { errorCode?: unknown }).errorCode === DEQUEUE_RATE_LIMITED) return true;
    throw e;
  }
}
