/**
 * A worker's one connection to the gateway (PinLater Thrift, framed binary, through
 * `PinLaterThriftClient` of gateway/index.ts), made on first use and made again after it is lost.
 *
 * Calls go one at a time, in order: a Finagle PinLater server serves one request per connection
 * at a time (FACTS §1.1), and the order matters (a job's last heartbeat checkpoint lands before its
 * ack). Every call is bounded: it fails with a `GatewayCallError` (gateway-call-error.ts) when it
 * gets no answer within `callTimeoutMs`, when the connection drops while it waits (the thrift
 * client would wait forever for a reply that cannot come), or at once when the gateway cannot be
 * reached. A call that failed for want of an answer drops the connection; the next call connects
 * again. Backing off between attempts is the caller's (worker.ts), so this never sleeps.
 */
import type { Logger } from '../../../core/src/logging/logger';
import { PinLaterThriftClient, type ServerAddress } from '../../../gateway/index';
import { classifyCallFailure, GatewayCallError } from './gateway-call-error';

type DequeueSpec = Parameters<PinLaterThriftClient['dequeue']>[0];
type AckSpec = Parameters<PinLaterThriftClient['ack']>[0];
type CheckpointSpec = Parameters<PinLaterThriftClient['checkpoint']>[1][number];
export type DequeueReply = Awaited<ReturnType<PinLaterThriftClient['dequeue']>>;

export interface GatewayConnectionOptions {
  readonly address: ServerAddress;
  /** `RequestContext.source` of every call: it is in the claim descriptors, and checkpoints must match it. */
  readonly source: string;
  readonly callTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly logger: Logger;
  /** Told of every failed call (metrics, counters). */
  readonly onFailure?: (error: GatewayCallError) => void;
  /** Told when a connection is made after one was lost or could not be made. */
  readonly onReconnect?: () => void;
}

/** Extra time the thrift client's own bound gets over ours, so ours (which names the timeout) fires first. */
const CLIENT_TIMEOUT_SLACK_MS = 1000;

export class GatewayConnection {
  private client: { readonly client: PinLaterThriftClient; readonly lost: AbortSignal } | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private everConnected = false;
  private lostSinceConnect = false;

  constructor(private readonly options: GatewayConnectionOptions) {}

  get connected(): boolean {
    return this.client !== undefined;
  }

  dequeue(spec: Omit<DequeueSpec, 'source'>): Promise<DequeueReply> {
    return this.call('dequeueJobs', (c) => c.dequeue({ ...spec, source: this.options.source }));
  }

  ack(spec: AckSpec): Promise<void> {
    return this.call('ackDequeuedJobs', (c) => c.ack(spec));
  }

  checkpoint(queue: string, items: readonly CheckpointSpec[]): Promise<void> {
    return this.call('checkpointJobs', (c) => c.checkpoint(queue, items, this.options.source));
  }

  /**
   * Closes the connection; a call still waiting for its reply fails at once, later ones without
   * trying. The worker awaits what it needs (its final acks) before. Idempotent.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.drop();
  }

  private call<T>(method: string, send: (client: PinLaterThriftClient) => Promise<T>): Promise<T> {
    const run = this.tail.then(() => this.attempt(method, send));
    this.tail = run.then(() => undefined, () => undefined);
    return run;
  }

  private async attempt<T>(method: string, send: (client: PinLaterThriftClient) => Promise<T>): Promise<T> {
    try {
      if (this.closed) throw new GatewayCallError(method, 'connection', 'closed', 'the worker closed its gateway connection');
      const { client, lost } = await this.connect(method);
      return await this.bounded(method, lost, send(client));
    } catch (e) {
      const failure = classifyCallFailure(method, e);
      if (failure.kind === 'connection') await this.drop();
      this.options.onFailure?.(failure);
      throw failure;
    }
  }

  private async connect(method: string): Promise<{ client: PinLaterThriftClient; lost: AbortSignal }> {
    if (this.client !== undefined) return this.client;
    const { address, source, callTimeoutMs, connectTimeoutMs } = this.options;
    let client: PinLaterThriftClient;
    try {
      client = await PinLaterThriftClient.connect(address, { source, callTimeoutMs: callTimeoutMs + CLIENT_TIMEOUT_SLACK_MS, connectTimeoutMs });
    } catch (e) {
      this.lostSinceConnect = true;
      throw new GatewayCallError(method, 'connection', 'connect_failed', `cannot connect to the gateway ${address.host}:${address.port}: ${(e as Error).message}`, { cause: e });
    }
    // One signal per connection, aborted when it closes: a call waiting for its reply fails at once,
    // and a connection the server closed between calls (idle timeout, restart) is made again.
    const lost = new AbortController();
    const current = { client, lost: lost.signal };
    this.client = current;
    client.disconnected.then(() => {
      lost.abort();
      if (this.client === current) {
        this.client = undefined;
        this.lostSinceConnect = true;
      }
    }, () => undefined);
    if (this.everConnected && this.lostSinceConnect) this.options.onReconnect?.();
    this.everConnected = true;
    this.lostSinceConnect = false;
    return current;
  }

  /** `reply`, unless the connection drops or `callTimeoutMs` passes first. */
  private bounded<T>(method: string, lost: AbortSignal, reply: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const settle = (done: () => void): void => {
        clearTimeout(timer);
        lost.removeEventListener('abort', onLost);
        done();
      };
      const onLost = (): void => settle(() => reject(new GatewayCallError(method, 'connection', 'connection_lost', 'the connection to the gateway was lost before the reply')));
      const timer = setTimeout(() => settle(() => reject(new GatewayCallError(method, 'connection', 'timeout', `no reply within ${this.options.callTimeoutMs} ms`))), this.options.callTimeoutMs);
      lost.addEventListener('abort', onLost, { once: true });
      if (lost.aborted) onLost();
      reply.then((value) => settle(() => resolve(value)), (e: unknown) => settle(() => reject(e)));
    });
  }

  private async drop(): Promise<void> {
    const current = this.client;
    this.client = undefined;
    if (current === undefined) return;
    this.lostSinceConnect = true;
    await current.client.close().catch((e: unknown) => this.options.logger.debug({ err: e }, 'closing the gateway connection failed'));
  }
}
