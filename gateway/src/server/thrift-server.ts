import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import { settleWithin } from '../../../core/src/util/settle-within';
import { transportStatNames } from '../stats/stat-names';
import { AsyncSemaphore } from '../util/async-semaphore';
import { Connection } from './connection';
import { FrameBudget } from './frame-budget';
import type { RpcProcessor } from './rpc-processor';
import { reservedForSmallFrames, resolveTransportLimits } from './transport-limits';
import type { TransportLimits } from './transport-limits';
import { runDetached } from '../../../core/src/util/run-detached';

export interface ThriftServerOptions {
  host: string;
  /** 0 picks an ephemeral port (tests). */
  port: number;
  maxFrameBytes: number;
  idleTimeoutMs: number;
  /** MAX_CONCURRENT_REQUESTS: requests beyond this wait (unbounded queue, as in Finagle 6.18). */
  maxConcurrentRequests: number;
  maxQueuedFramesPerConnection?: number;
  /** Connection cap, buffer budget, frame timeout; unset ones take the defaults (`transport-limits.ts`). */
  limits?: Partial<TransportLimits>;
  /**
   * Accept Finagle's TTwitter upgrade (default true): a connection whose client sends the probe
   * `__can__finagle__trace__v3__` gets REPLY UpgradeReply and carries Finagle's request and
   * response headers from then on (trace context, client id). False answers the probe with
   * EXCEPTION UNKNOWN_METHOD, so Finagle clients stay plain framed binary. Plain clients are
   * served either way (FACTS §1.2).
   */
  acceptFinagleUpgrade?: boolean;
}

/** Counters of the transport, shown at 0 from the start so dashboards see them before they move. */
const TRANSPORT_COUNTERS = [
  transportStatNames.connectionsRejected,
  transportStatNames.frameBufferWaits,
  transportStatNames.frameReadTimeouts,
  transportStatNames.replyWriteTimeouts,
  transportStatNames.idleCloses,
];

/**
 * Framed-transport TCP server (FACTS §1.1). Every connection is independent; a misbehaving peer
 * only ever loses its own connection. All connections share one budget of buffered request bytes,
 * and their number is capped (issue 8: untrusted peers must not exhaust the process).
 */
export class ThriftServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly gate: AsyncSemaphore;
  private readonly limits: TransportLimits;
  private readonly budget: FrameBudget;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly processor: RpcProcessor,
    private readonly options: ThriftServerOptions,
    private readonly logger: Logger,
    private readonly stats: Stats,
  ) {
    this.gate = new AsyncSemaphore(options.maxConcurrentRequests);
    this.limits = resolveTransportLimits(options.maxFrameBytes, options.limits);
    const { maxBufferedBytes } = this.limits;
    if (maxBufferedBytes < options.maxFrameBytes) throw new RangeError(`buffer budget ${maxBufferedBytes} is below the maximum frame size ${options.maxFrameBytes}`);
    this.budget = new FrameBudget(maxBufferedBytes, { reservedForSmall: reservedForSmallFrames(maxBufferedBytes, options.maxFrameBytes) });
    for (const name of TRANSPORT_COUNTERS) stats.incr(name, 0);
    this.server = createServer((socket) => this.accept(socket));
    this.server.on('error', (e) => this.logger.error({ err: e }, 'server error'));
  }

  listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.server.once('error', onError);
      this.server.listen(this.options.port, this.options.host, () => {
        this.server.off('error', onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Gauges of the buffer budget, for `/stats.txt`. */
  get budgetGauges(): Record<string, number> {
    return {
      [transportStatNames.frameBufferBytes]: this.budget.usedBytes,
      [transportStatNames.frameBufferWaiters]: this.budget.waiters,
    };
  }

  /** Waiting and running requests (gauges `request_queue_size`, `request_concurrency`). */
  get requestConcurrency(): { running: number; waiting: number } {
    return { running: this.gate.permits - this.gate.numPermitsAvailable, waiting: this.gate.numWaiters };
  }

  /**
   * Stops accepting, lets in-flight requests finish for up to `graceMs`, then drops whatever is
   * left. Idempotent.
   */
  close(graceMs = 10_000): Promise<void> {
    this.closing ??= this.doClose(graceMs);
    return this.closing;
  }

  private async doClose(graceMs: number): Promise<void> {
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.shutdown();
    const all = Promise.all([...this.connections].map((c) => c.closed));
    if (!(await settleWithin(all, graceMs))) {
      this.logger.warn({ connections: this.connections.size }, 'grace period over; dropping connections');
      for (const c of this.connections) c.destroy();
      await all;
    }
    await stopped;
  }

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    if (this.connections.size >= this.limits.maxConnections) {
      this.reject(socket);
      return;
    }
    const connection = new Connection(
      socket,
      this.processor,
      this.gate,
      {
        maxFrameBytes: this.options.maxFrameBytes,
        idleTimeoutMs: this.options.idleTimeoutMs,
        maxQueuedFrames: this.options.maxQueuedFramesPerConnection ?? 64,
        frameTimeoutMs: this.limits.frameTimeoutMs,
        budget: this.budget,
        acceptFinagleUpgrade: this.options.acceptFinagleUpgrade ?? true,
      },
      this.stats,
      this.logger.child({ remote: `${socket.remoteAddress}:${socket.remotePort}` }),
    );
    this.connections.add(connection);
    runDetached('forget a connection once it closes', connection.closed.then(() => this.connections.delete(connection)), this.logger);
  }

  /** Over the connection cap: closed at once, counted; logged at debug only (a flood would flood the log). */
  private reject(socket: Socket): void {
    this.stats.incr(transportStatNames.connectionsRejected);
    this.logger.debug({ remote: socket.remoteAddress, open: this.connections.size }, 'connection cap reached; closing new connection');
    socket.on('error', () => undefined);
    socket.destroy();
  }
}
