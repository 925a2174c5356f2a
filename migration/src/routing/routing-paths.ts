/**
 * Every znode of the routing table, in one module (STYLE §2: names in one place). Layout under a
 * configurable root (default `/pinlater-routing`, inside the connect string's chroot if any):
 *
 *   <root>                          world: read; operator: all
 *   <root>/table                    data version = THE table version (each operator change bumps it)
 *   <root>/queues                   world: read, create (a gateway creates a new queue's first record)
 *   <root>/queues/<queue>           one routing record (routing-record.ts JSON); operator: all
 *   <root>/history                  world: read; operator: all
 *   <root>/history/entry-<seq>      audit: one JSON entry per operator change (routing-history.ts)
 *   <root>/gateways                 world: read, create, delete (presence)
 *   <root>/gateways/<gateway-id>    ephemeral: identity, host, pid, start, applied table and limits versions
 *   <root>/limits                   data version = THE limits version (each operator limit change bumps it);
 *                                   world: read; operator: all (only the operator creates a limit)
 *   <root>/limits/<queue>           one queue's dequeue rate limit (queue-limit-record.ts JSON); world: read
 *
 * The ACLs are routing-acl.ts's. Queue names and gateway ids become znode names, so only names
 * that cannot escape their parent are accepted: PinLater's queue-name rule
 * (core/src/types/queue-name.ts), and `[A-Za-z0-9_.:-]` ids.
 */
import { isValidQueueName } from '../../../core/src/types/queue-name';

export const DEFAULT_ROUTING_ROOT = '/pinlater-routing';

/** Prefix of history entry names; ZooKeeper appends a 10-digit sequence number. */
export const HISTORY_ENTRY_PREFIX = 'entry-';

const ROOT_SEGMENT = /^[A-Za-z0-9_.-]+$/;
const GATEWAY_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
const HISTORY_ENTRY = /^entry-(\d{10,})$/;

/** A name that cannot be a routing znode (the message names it and the rule). */
export class RoutingNameError extends Error {
  constructor(what: string, name: string, rule: string) {
    super(`${what} '${name}' cannot name a routing node: ${rule}`);
    this.name = 'RoutingNameError';
  }
}

export class RoutingPaths {
  readonly root: string;

  constructor(root: string = DEFAULT_ROUTING_ROOT) {
    const segments = root.split('/').slice(1);
    const valid = root.startsWith('/') && segments.length > 0 && segments.every((s) => ROOT_SEGMENT.test(s) && s !== '.' && s !== '..');
    if (!valid) throw new RoutingNameError('routing root', root, 'an absolute path like /pinlater-routing (no trailing slash)');
    this.root = root;
  }

  table(): string {
    return `${this.root}/table`;
  }

  queues(): string {
    return `${this.root}/queues`;
  }

  /** The record of `queue`; throws RoutingNameError for a name PinLater would not accept. */
  queue(queue: string): string {
    assertQueueName(queue);
    return `${this.queues()}/${queue}`;
  }

  history(): string {
    return `${this.root}/history`;
  }

  /** What a sequential create of a history entry is given (ZooKeeper appends the number). */
  historyEntryPrefix(): string {
    return `${this.history()}/${HISTORY_ENTRY_PREFIX}`;
  }

  historyEntry(name: string): string {
    if (historySequence(name) === undefined) throw new RoutingNameError('history entry', name, `entry-<10 digits>`);
    return `${this.history()}/${name}`;
  }

  gateways(): string {
    return `${this.root}/gateways`;
  }

  gateway(id: string): string {
    assertGatewayId(id);
    return `${this.gateways()}/${id}`;
  }

  /** Queue limits (docs/rate-limits.md): its data version is the limits version, its children the limits. */
  limits(): string {
    return `${this.root}/limits`;
  }

  /** The limit record of `queue`; throws RoutingNameError for a name PinLater would not accept. */
  limit(queue: string): string {
    assertQueueName(queue);
    return `${this.limits()}/${queue}`;
  }

  /** The persistent nodes `setupRoutingTree` creates, parents first. */
  fixedNodes(): string[] {
    return [this.root, this.table(), this.queues(), this.history(), this.gateways(), this.limits()];
  }
}

export function assertQueueName(queue: string): void {
  if (!isValidQueueName(queue)) throw new RoutingNameError('queue', queue, 'a PinLater queue name is 1-255 of [A-Za-z0-9_]');
}

export function assertGatewayId(id: string): void {
  if (!GATEWAY_ID.test(id) || id === '.' || id === '..') throw new RoutingNameError('gateway id', id, '1-128 of [A-Za-z0-9_.:-]');
}

/** The sequence number of a history entry's name, or undefined when it is not one. */
export function historySequence(name: string): number | undefined {
  const match = HISTORY_ENTRY.exec(name);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}
