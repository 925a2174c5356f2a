/**
 * Which systems hold which queues (every system's getQueueNames), and what that means for queues
 * without a routing record, as a routing gateway decides it (core/src/routing/routing-backend.ts):
 * a queue on exactly one system is served from there ("unrouted": found by discovery, no record);
 * a queue on two or more systems is refused by every gateway ("ambiguous") until a record says
 * where it lives. Pacer's shadow queues (issue 13, `zz_pacer_shadow__<queue>`) are not queues
 * clients use: they are left out (`pinlater-ops shadow status` lists them).
 */
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { isShadowQueueName } from '../../../core/src/shadow/shadow-queue-name';
import { mapBounded } from '../../../core/src/util/map-bounded';
import type { Systems } from './system-backends';

/** Systems listed at once (each is one getQueueNames call). */
const LIST_CONCURRENCY = 4;

/** queue → the systems holding it, in the config's order. */
export type QueueHolders = ReadonlyMap<string, readonly string[]>;

export interface UnroutedQueue {
  readonly queue: string;
  readonly system: string;
}

export interface AmbiguousQueue {
  readonly queue: string;
  readonly systems: readonly string[];
}

export async function discoverQueues(systems: Systems): Promise<QueueHolders> {
  const names = systems.names();
  const lists = await mapBounded(names, LIST_CONCURRENCY, async (name) => {
    try {
      return await systems.get(name).getQueueNames();
    } catch (e) {
      throw new Error(`cannot list the queues of ${name}: ${(e as Error).message}`, { cause: e });
    }
  });
  const holders = new Map<string, string[]>();
  lists.forEach((queues, i) => {
    const system = names[i] as string;
    for (const queue of queues) {
      if (system === PACER_SYSTEM && isShadowQueueName(queue)) continue; // shadow copies (shadow-copies.ts), not a queue of its own
      holders.set(queue, [...(holders.get(queue) ?? []), system]);
    }
  });
  return new Map([...holders].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The queues without a record, split into unrouted (one system) and ambiguous (several). */
export function queuesWithoutRecord(holders: QueueHolders, recorded: ReadonlySet<string>): { unrouted: UnroutedQueue[]; ambiguous: AmbiguousQueue[] } {
  const unrouted: UnroutedQueue[] = [];
  const ambiguous: AmbiguousQueue[] = [];
  for (const [queue, systems] of holders) {
    if (recorded.has(queue)) continue;
    if (systems.length === 1) unrouted.push({ queue, system: systems[0] as string });
    else ambiguous.push({ queue, systems });
  }
  return { unrouted, ambiguous };
}
