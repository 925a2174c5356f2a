import { endpointKey, type BrokerEndpoint } from '../interfaces/partition-directory';
import {
  BrokerUnreachableError, type BrokerAckArgs, type BrokerAckReply, type BrokerCheckpointArgs, type BrokerCheckpointReply, type BrokerClient,
  type BrokerDequeueArgs, type BrokerDequeueReply, type BrokerNotice,
} from '../interfaces/broker-client';
import { BrokerClosedError, type DequeueBroker } from '../broker/dequeue-broker';

/**
 * Direct calls into brokers running in this process (embedded mode, tests).
 *
 * A dequeue served from a warm buffer finishes without any I/O, so a caller that loops on it (a
 * worker polling an empty queue) would run on microtasks alone and starve timers and sockets of
 * the whole process (seen: 5 s stalls of every other call). Each dequeue therefore yields to the
 * event loop first, as the network hop to a real broker does.
 */
export class InProcessBrokerClient implements BrokerClient {
  private readonly brokers = new Map<string, DequeueBroker>();

  register(endpoint: BrokerEndpoint, broker: DequeueBroker): void {
    this.brokers.set(endpointKey(endpoint), broker);
  }

  unregister(endpoint: BrokerEndpoint): void {
    this.brokers.delete(endpointKey(endpoint));
  }

  async dequeue(endpoint: BrokerEndpoint, args: BrokerDequeueArgs): Promise<BrokerDequeueReply> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    return this.closedAsUnreachable(endpoint, () => this.broker(endpoint).dequeue(args));
  }

  async notifyPending(endpoint: BrokerEndpoint, notice: BrokerNotice): Promise<void> {
    await this.broker(endpoint).notifyPending(notice.queue, notice.partitions, notice.earliestRunAfterMs, notice.priorities, notice.settled);
  }

  ack(endpoint: BrokerEndpoint, args: BrokerAckArgs): Promise<BrokerAckReply> {
    return this.closedAsUnreachable(endpoint, () => this.broker(endpoint).ack(args.queue, args.succeeded, args.failed));
  }

  checkpoint(endpoint: BrokerEndpoint, args: BrokerCheckpointArgs): Promise<BrokerCheckpointReply> {
    return this.closedAsUnreachable(endpoint, () => this.broker(endpoint).checkpoint(args.queue, args.source, args.items));
  }

  /** A broker shutting down answers as an unreachable one would (the caller routes elsewhere). */
  private async closedAsUnreachable<T>(endpoint: BrokerEndpoint, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      if (e instanceof BrokerClosedError) throw new BrokerUnreachableError(endpoint, e.message, { cause: e });
      throw e;
    }
  }

  async close(): Promise<void> {
    this.brokers.clear();
  }

  private broker(endpoint: BrokerEndpoint): DequeueBroker {
    const b = this.brokers.get(endpointKey(endpoint));
    if (b === undefined) throw new BrokerUnreachableError(endpoint, 'no such in-process broker');
    return b;
  }
}
