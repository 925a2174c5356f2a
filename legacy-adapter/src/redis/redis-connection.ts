import { once } from 'node:events';
import { createClient, RESP_TYPES } from 'redis';
import type { RedisArgument } from 'redis';
import type { Logger } from '../../../core/src/logging/logger';

/** The node-redis client surface the store uses (raw commands only; replies are RESP2). */
interface RawRedisClient {
  readonly isReady: boolean;
  readonly isOpen: boolean;
  sendCommand<T>(args: ReadonlyArray<RedisArgument>, options?: { timeout?: number; typeMapping?: Record<number, unknown> }): Promise<T>;
  on(event: 'error' | 'ready' | 'reconnecting', listener: (...args: unknown[]) => void): unknown;
  connect(): Promise<unknown>;
  close(): Promise<void>;
  destroy(): void;
}

export interface RedisConnectionOptions {
  host: string;
  port: number;
  /** Bounded TCP connect time (PinLater/Jedis use the socket timeout for it too). */
  connectTimeoutMs: number;
  logger: Logger;
  /** Reconnect backoff bounds; defaults 25 ms doubling up to 1000 ms, plus jitter. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export interface SendOptions {
  /** Per-command timeout (Jedis SO_TIMEOUT semantics): the BACKEND or MONITOR socket timeout. */
  timeoutMs: number;
  /** Return bulk strings as Buffers (bodies are bytes); otherwise as UTF-8 strings. */
  buffers?: boolean;
}

const BUFFER_MAPPING = { [RESP_TYPES.BLOB_STRING]: Buffer, [RESP_TYPES.SIMPLE_STRING]: Buffer };

/**
 * One node-redis client for one Redis host:port, shared by every shard on that host (FACTS §6.1:
 * several shards may live on one Redis). node-redis pipelines concurrent commands on the one
 * connection, which replaces Jedis's per-shard pools.
 *
 * Failure behaviour (so that no call hangs while Redis is down):
 * - `disableOfflineQueue`: a command issued while disconnected fails at once (ClientOfflineError,
 *   a connection failure) instead of waiting in an unbounded queue;
 * - every command carries a timeout (the socket timeout of its pool);
 * - connect attempts are bounded by `connectTimeoutMs`;
 * - the client reconnects forever with capped exponential backoff, so it recovers by itself.
 * node-redis's own `socketTimeout` is not used: it is an idle timeout that would close idle
 * connections, not a per-command read timeout.
 */
export class RedisConnection {
  readonly host: string;
  readonly port: number;
  private readonly client: RawRedisClient;
  private readonly logger: Logger;
  private closed = false;
  private lastErrorLogMs = 0;

  constructor(options: RedisConnectionOptions) {
    this.host = options.host;
    this.port = options.port;
    this.logger = options.logger.child({ redis: `${options.host}:${options.port}` });
    const min = options.reconnectMinMs ?? 25;
    const max = options.reconnectMaxMs ?? 1000;
    this.client = createClient({
      RESP: 2,
      disableOfflineQueue: true,
      socket: {
        host: options.host,
        port: options.port,
        connectTimeout: options.connectTimeoutMs,
        keepAlive: true,
        reconnectStrategy: (retries: number) => Math.min(min * 2 ** Math.min(retries, 16), max) + Math.floor(Math.random() * min),
      },
    }) as unknown as RawRedisClient;
    this.client.on('error', (e) => this.logError(e));
    this.client.connect().catch((e: unknown) => {
      if (!this.closed) this.logError(e);
    });
  }

  get key(): string {
    return `${this.host}:${this.port}`;
  }

  get isReady(): boolean {
    return this.client.isReady;
  }

  /** Waits (bounded) until the client is connected; false when it is not within `timeoutMs`. */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    if (this.client.isReady) return true;
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    try {
      await once(this.client as unknown as NodeJS.EventEmitter, 'ready', { signal: ac.signal });
      return true;
    } catch {
      return this.client.isReady;
    } finally {
      clearTimeout(timer);
    }
  }

  send<T>(args: ReadonlyArray<RedisArgument>, options: SendOptions): Promise<T> {
    return this.client.sendCommand<T>(args, {
      timeout: options.timeoutMs,
      ...(options.buffers === true ? { typeMapping: BUFFER_MAPPING } : {}),
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.isReady) {
      try {
        await this.client.close();
        return;
      } catch {
        // fall through to destroy
      }
    }
    if (this.client.isOpen) this.client.destroy();
  }

  /** Connection errors repeat on every reconnect attempt; log at most one per 10 s. */
  private logError(e: unknown): void {
    const now = Date.now();
    if (now - this.lastErrorLogMs < 10_000) return;
    this.lastErrorLogMs = now;
    this.logger.warn({ err: e }, 'redis connection error');
  }
}

/** One shared `RedisConnection` per host:port, reference counted. */
export class RedisConnectionRegistry {
  private readonly entries = new Map<string, { connection: RedisConnection; refs: number }>();

  constructor(private readonly defaults: Omit<RedisConnectionOptions, 'host' | 'port'>) {}

  acquire(host: string, port: number): RedisConnection {
    const key = `${host}:${port}`;
    const entry = this.entries.get(key) ?? { connection: new RedisConnection({ ...this.defaults, host, port }), refs: 0 };
    entry.refs += 1;
    this.entries.set(key, entry);
    return entry.connection;
  }

  async release(connection: RedisConnection): Promise<void> {
    const entry = this.entries.get(connection.key);
    if (entry === undefined || entry.connection !== connection) return;
    entry.refs -= 1;
    if (entry.refs > 0) return;
    this.entries.delete(connection.key);
    await connection.close();
  }

  connections(): RedisConnection[] {
    return [...this.entries.values()].map((e) => e.connection);
  }

  async closeAll(): Promise<void> {
    const all = this.connections();
    this.entries.clear();
    await Promise.all(all.map((c) => c.close()));
  }
}
