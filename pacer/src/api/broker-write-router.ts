import { NoHealthyShardsError } from '../../../core/src/errors/pinlater-error';
import type { Clock } from '../../../core/src/util/clock';
import { settleWithin } from '../../../core/src/util/settle-within';
import type { AckItem, CheckpointRef } from '../datastore/job-acks';
import { endpointKey, type BrokerEndpoint, type PartitionDirectory } from '../interfaces/partition-directory';
import { BrokerUnreachableError, type BrokerClient } from '../interfaces/broker-client';

/** Rounds of routing a batch: the first, then after a fresh routing view for what was refused. */
const ROUTING_ROUNDS = 3;
/** Longest one round waits for a fresh routing view. */
const REFRESH_WAIT_MS = 500;

/** An item of a write for one job: its queue and partition decide the broker. */
interface Routable {
  queue: string;
  partition: number;
}

/** Sends one broker its items of one queue; resolves with the partitions it refused (not owned). */
type Send<T> = (endpoint: BrokerEndpoint, queue: string, items: T[]) => Promise<number[]>;

/** Acks no broker could take, written by the API itself (store-acks.ts). */
export type AckFallback = (succeeded: AckItem[], failed: AckItem[]) => Promise<void>;

/**
 * Lease mode (issue 15): acks and checkpoints go to the broker that owns each job's partition, the
 * only process that knows which lease claims the job. Partitions with no known owner, or refused by
 * their broker (`notOwned`: the partition moved), are tried again after a fresh routing view. Acks
 * still unrouted after that, or whose broker could not be reached, are written by the API itself
 * (`fallback`: slower, it looks each job's lease up), so acks never wait for the cluster (a
 * ZooKeeper outage, a broker restarting). Checkpoints still unrouted fail the call with
 * NO_HEALTHY_SHARDS (nothing of theirs was written; renewing a lease takes its owner; a worker's
 * next heartbeat tries again). A broker's items keep their request order.
 */
export class BrokerWriteRouter {
  constructor(
    private readonly directory: PartitionDirectory,
    private readonly brokers: BrokerClient,
    private readonly clock: Clock,
    private readonly fallback: AckFallback,
  ) {}

  async ack(succeeded: AckItem[], failed: AckItem[]): Promise<void> {
    const items = [...succeeded.map((a) => ({ a, ok: true })), ...failed.map((a) => ({ a, ok: false }))];
    const left = await this.routeAll(items, (i) => ({ queue: i.a.queue, partition: i.a.ref.partition }), async (endpoint, queue, mine) => {
      const send = { queue, succeeded: mine.filter((i) => i.ok).map((i) => i.a), failed: mine.filter((i) => !i.ok).map((i) => i.a) };
      try {
        return (await this.brokers.ack(endpoint, send)).notOwned;
      } catch (e) {
        if (!(e instanceof BrokerUnreachableError)) throw e;
        return [...new Set(mine.map((i) => i.a.ref.partition))]; // unreachable: written by the fallback below
      }
    });
    if (left.length > 0) await this.fallback(left.filter((i) => i.ok).map((i) => i.a), left.filter((i) => !i.ok).map((i) => i.a));
  }

  /** Returns how many items changed nothing (PinLater's checkpoint no-ops). */
  async checkpoint(queue: string, source: string, items: CheckpointRef[]): Promise<number> {
    let noops = 0;
    await this.write(items, (c) => ({ queue, partition: c.ref.partition }), async (endpoint, q, mine) => {
      const reply = await this.brokers.checkpoint(endpoint, { queue: q, source, items: mine });
      noops += reply.noops;
      return reply.notOwned;
    });
    return noops;
  }

  /** Routes every item to its partition's owner; NO_HEALTHY_SHARDS when some could not be placed. */
  private async write<T>(items: T[], where: (item: T) => Routable, send: Send<T>): Promise<void> {
    const left = await this.routeAll(items, where, send);
    if (left.length === 0) return;
    throw new NoHealthyShardsError(); // PinLater's text; the gateway's /health names the unserved partitions
  }

  /** Every round; returns what no broker took. */
  private async routeAll<T>(items: T[], where: (item: T) => Routable, send: Send<T>): Promise<T[]> {
    let left = items;
    for (let round = 0; round < ROUTING_ROUNDS && left.length > 0; round += 1) {
      if (round > 0) await this.refresh();
      left = await this.route(left, where, send);
    }
    return left;
  }

  /** One round: every item whose partition has a known owner goes to it; returns what was not written. */
  private async route<T>(items: T[], where: (item: T) => Routable, send: Send<T>): Promise<T[]> {
    const routes = new Map<string, { endpoint: BrokerEndpoint; queue: string; items: T[] }>();
    const left: T[] = [];
    for (const item of items) {
      const { queue, partition } = where(item);
      const endpoint = this.directory.brokerFor(queue, partition);
      if (endpoint === undefined) {
        left.push(item);
        continue;
      }
      const key = JSON.stringify([endpointKey(endpoint), queue]);
      const route = routes.get(key) ?? { endpoint, queue, items: [] };
      routes.set(key, route);
      route.items.push(item);
    }
    await Promise.all([...routes.values()].map(async (r) => {
      const refused = new Set(await send(r.endpoint, r.queue, r.items));
      left.push(...r.items.filter((i) => refused.has(where(i).partition)));
    }));
    return left;
  }

  private async refresh(): Promise<void> {
    const refresh = this.directory.refresh?.bind(this.directory);
    if (refresh === undefined) return;
    await settleWithin(refresh(this.clock.nowMs()), REFRESH_WAIT_MS);
  }
}
