import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { MemoryStats } from '../../../core/src/interfaces/stats';
import { createLogger } from '../../../core/src/logging/logger';
import type { DequeueRateLimiter } from '../../../gateway/src/service/pinlater-service-impl';
import { startGateway } from '../../../gateway/src/gateway-process';
import type { GatewaySettings, RunningGateway } from '../../../gateway/src/gateway-process';
import { testLogLevel } from '../../support/test-env';
import { InMemoryBackend } from '../../support/in-memory-backend';

export interface TestGateway {
  gateway: RunningGateway;
  backend: InMemoryBackend;
  stats: MemoryStats;
  close(): Promise<void>;
}

/** Starts the real gateway on an ephemeral port in front of the in-memory backend. */
export async function startTestGateway(overrides: Partial<GatewaySettings> = {}, rateLimiter?: DequeueRateLimiter): Promise<TestGateway> {
  const backend = new InMemoryBackend();
  const stats = new MemoryStats();
  const gateway = await startGateway(
    {
      host: '127.0.0.1',
      thriftPort: 0,
      maxFrameBytes: 1024 * 1024,
      idleTimeoutMs: 60_000,
      maxConcurrentRequests: 100,
      shutdownGraceMs: 5000,
      dequeueConcurrencyPerQueuePerShard: 4,
      adminPasswordHash: undefined,
      hostname: 'testhost',
      ...overrides,
    },
    {
      backend,
      rateLimiter: rateLimiter ?? { allowDequeue: () => true },
      stats,
      clock: { nowMs: () => Date.now() },
      logger: createLogger({ name: 'gateway-test', level: testLogLevel() }),
    },
  );
  return { gateway, backend, stats, close: () => gateway.close() };
}

/** A raw TCP client that collects whole reply frames. */
export class RawClient {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiters: Array<() => void> = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const len = this.buffered.readInt32BE(0);
        this.frames.push(this.buffered.subarray(4, 4 + len));
        this.buffered = this.buffered.subarray(4 + len);
      }
      this.notify();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => {
      this.notify();
      resolve();
    }));
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Resolves with `n` reply frames, or rejects if the connection closes first / on timeout. */
  async replies(n: number, timeoutMs = 5000): Promise<Buffer[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.frames.length < n) {
      if (this.socket.destroyed) throw new Error(`connection closed after ${this.frames.length} of ${n} replies`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${this.frames.length} of ${n} replies`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.frames.splice(0, n);
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    w.forEach((f) => f());
  }
}
