import { createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import type { Logger } from '../../../core/src/logging/logger';
import { settleWithin } from '../../../core/src/util/settle-within';
import { AsyncSemaphore } from '../util/async-semaphore';
import { Connection } from './connection';
import type { RpcProcessor } from './rpc-processor';

export interface ThriftServerOptions {
  host: string;
  /** 0 picks an ephemeral port (tests). */
  port: number;
  maxFrameBytes: number;
  idleTimeoutMs: number;
  /** MAX_CONCURRENT_REQUESTS: requests beyond this wait (unbounded queue, as in Finagle 6.18). */
  maxConcurrentRequests: number;
  maxQueuedFramesPerConnection?: number;
}

/**
 * Framed-transport TCP server (FACTS §1.1). Every connection is independent; a misbehaving peer
 * only ever loses its own connection.
 */
export class ThriftServer {
  private readonly server: Server;
  private readonly connections = new Set<Connection>();
  private readonly gate: AsyncSemaphore;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly processor: RpcProcessor,
    private readonly options: ThriftServerOptions,
    private readonly logger: Logger,
  ) {
    this.gate = new AsyncSemaphore(options.maxConcurrentRequests);
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
    const connection = new Connection(
      socket,
      this.processor,
      this.gate,
      {
        maxFrameBytes: this.options.maxFrameBytes,
        idleTimeoutMs: this.options.idleTimeoutMs,
        maxQueuedFrames: this.options.maxQueuedFramesPerConnection ?? 64,
      },
      this.logger.child({ remote: `${socket.remoteAddress}:${socket.remotePort}` }),
    );
    this.connections.add(connection);
    void connection.closed.then(() => this.connections.delete(connection));
  }
}
