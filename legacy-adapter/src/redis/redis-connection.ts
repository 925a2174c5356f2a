import { once } from 'node:events';
import { storeWorkTraced, tracedRedis } from '../../../core/src/telemetry/tracing';
import { createClient, RESP_TYPES } from 'redis';
import type { RedisArgument } from 'redis';
import type { Logger } from '../../../core/src/logging/logger';
import { RedisCommandTimeoutError } from './redis-errors';

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
  /**
   * What the returned promise rejects with instead of the raw failure (an error reply, a
   * connection failure, a `RedisCommandTimeoutError`). Applied where the command's own promise is
   * settled anyway, so a caller needs no `.catch` layer of its own: one promise and one microtask
   * less per command, at tens of thousands of commands per second.
   */
  mapError?: (error: unknown) => unknown;
}

const BUFFER_MAPPING = { [RESP_TYPES.BLOB_STRING]: Buffer, [RESP_TYPES.SIMPLE_STRING]: Buffer };
/**
 * node-redis command options, built once (sendCommand is called ~30k times/s under load).
 * `timeout: 0` turns off node-redis's own per-command AbortSignal timer (its 5 s default):
 * deadlines are enforced by the sweep below.
 */
const TEXT_OPTIONS = { timeout: 0 } as const;
const BUFFER_OPTIONS = { timeout: 0, typeMapping: BUFFER_MAPPING } as const;
/** The sweep runs every `min(timeout) / SWEEPS_PER_TIMEOUT` ms while commands are in flight. */
const SWEEPS_PER_TIMEOUT = 4;
const MIN_SWEEP_MS = 5;
/**
 * What an answered command keeps instead of its caller's resolve/reject: answered entries can sit
 * in the in-flight list until it is compacted, and must not keep their caller's promise alive.
 */
const NOOP = (): void => undefined;
/** Drop settled entries from the front of the in-flight list once this many accumulate. */
const COMPACT_AFTER = 1024;

/**
 * One command in flight: its deadline, and whether its caller got an answer (reply or timeout).
 *
 * A class, not an object literal: V8 allocates the objects of a literal directly in the old
 * generation once most of them survive a young GC ("allocation-site pretenuring"), and these do
 * (an answered command stays in the in-flight list until the list is compacted). Tenured records
 * that point at each command's young resolvers, and so at the caller's whole request, made a
 * gateway under the issue-8 benchmark promote 3-4× the bytes per scavenge and run twice the major
 * GCs, in nearly every run: ~15 % more CPU per job. Class instances are not pretenured.
 */
class InFlightCommand {
  done = false;
  resolve: (value: unknown) => void = NOOP;
  reject: (error: unknown) => void = NOOP;

  constructor(
    readonly client: RawRedisClient,
    readonly deadlineMs: number,
    /** Its timeout and error mapping. */
    readonly options: SendOptions,
  ) {}
}

/**
 * One node-redis client for one Redis host:port, shared by every shard on that host (FACTS §6.1:
 * several shards may live on one Redis). node-redis pipelines concurrent commands on the one
 * connection, which replaces Jedis's per-shard pools.
 *
 * Failure behaviour (so that no call hangs while Redis is down):
 * - `disableOfflineQueue`: a command issued while disconnected fails at once (ClientOfflineError,
 *   a connection failure) instead of waiting in an unbounded queue — except on the client that
 *   has just replaced a retired one and has not connected yet: a command for it waits for that
 *   connection (within its deadline and the connect timeout), so a timeout never fails the
 *   commands sent after it;
 * - every command carries a deadline (now + the socket timeout of its pool); a command past its
 *   deadline fails with `RedisCommandTimeoutError`, alone: its client is retired (new commands go
 *   to a fresh client, as Jedis drops a connection after a socket timeout), but the commands
 *   already sent on it keep waiting for their replies under their own deadlines, and the retired
 *   client is destroyed once none of them is left. One slow command (a long script, a command
 *   queued behind one) therefore never fails the other callers' commands that share the
 *   connection (issue 8: a lookup fan-out past the timeout failed every client's pending command
 *   with SHARD_CONNECTION_FAILED). Deadlines are checked by one sweep per connection,
 *   every timeout/4 while commands are in flight, instead of a timer per command (a timer per
 *   command at ~30k commands/s was measurable CPU and GC): a hung command therefore fails between
 *   `timeout` and `1.25 × timeout` after it was sent, never before;
 * - connect attempts are bounded by `connectTimeoutMs`;
 * - the client reconnects forever with capped exponential backoff, so it recovers by itself.
 * node-redis's own `socketTimeout` is not used: it is an idle timeout that would close idle
 * connections, not a per-command read timeout.
 */
export class RedisConnection {
  readonly host: string;
  readonly port: number;
  private client: RawRedisClient;
  /**
   * The client `client` replaced, while `client` is still connecting: new commands keep going to
   * it if it is still connected (a long command ahead of them delays them on a new connection just
   * as much, since Redis runs one command at a time), instead of failing as "offline".
   */
  private previous: RawRedisClient | undefined;
  /** The client opened to replace a retired one, until it has connected once (send waits for it). */
  private replacement: RawRedisClient | undefined;
  /**
   * Retired clients (one of their commands timed out) → how many of their commands still owe
   * their caller an answer; a retired client is destroyed when that reaches 0. Commands of the
   * current client are not counted (that would cost every command a map update).
   */
  private readonly retired = new Map<RawRedisClient, number>();
  private readonly logger: Logger;
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;
  private readonly connectTimeoutMs: number;
  private closed = false;
  private lastErrorLogMs = 0;
  /** Commands in flight, in send order (replies come back in that order on one connection). */
  private inFlight: InFlightCommand[] = [];
  /** Index of the oldest entry of `inFlight` that may still be unsettled. */
  private head = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepEveryMs = Number.POSITIVE_INFINITY;

  constructor(options: RedisConnectionOptions) {
    this.host = options.host;
    this.port = options.port;
    this.logger = options.logger.child({ redis: `${options.host}:${options.port}` });
    this.reconnectMinMs = options.reconnectMinMs ?? 25;
    this.reconnectMaxMs = options.reconnectMaxMs ?? 1000;
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.client = this.openClient();
  }

  private openClient(): RawRedisClient {
    const min = this.reconnectMinMs;
    const max = this.reconnectMaxMs;
    const client = createClient({
      RESP: 2,
      disableOfflineQueue: true,
      socket: {
        host: this.host,
        port: this.port,
        connectTimeout: this.connectTimeoutMs,
        keepAlive: true,
        reconnectStrategy: (retries: number) => Math.min(min * 2 ** Math.min(retries, 16), max) + Math.floor(Math.random() * min),
      },
    }) as unknown as RawRedisClient;
    client.on('error', (e) => this.logError(e));
    client.connect().catch((e: unknown) => {
      if (!this.closed) this.logError(e);
    });
    return client;
  }

  /**
   * A command that timed out leaves its connection in an unknown state (a hung or overloaded
   * server, or a long command ahead of it): like Jedis, which discards a connection after a
   * socket timeout, new commands go to a new client. The old one keeps its pending commands,
   * each under its own deadline, and is destroyed once none is left.
   */
  private retire(client: RawRedisClient): void {
    if (this.retired.has(client)) return;
    let pending = 0;
    for (let i = this.head; i < this.inFlight.length; i++) {
      const command = this.inFlight[i] as InFlightCommand;
      if (!command.done && command.client === client) pending++;
    }
    this.retired.set(client, pending);
    if (client === this.client && !this.closed) {
      this.logger.warn('redis command timed out; new commands use a new connection');
      this.previous = client;
      const replacement = this.openClient();
      this.client = replacement;
      this.replacement = replacement;
      (replacement as unknown as NodeJS.EventEmitter).once('ready', () => {
        if (this.replacement === replacement) this.replacement = undefined;
      });
    }
    this.destroyIfDrained(client);
  }

  /** One more answered command of a retired client; destroys the client after its last one. */
  private answeredOnRetired(client: RawRedisClient): void {
    const pending = this.retired.get(client);
    if (pending === undefined) return;
    this.retired.set(client, pending - 1);
    this.destroyIfDrained(client);
  }

  private destroyIfDrained(client: RawRedisClient): void {
    if ((this.retired.get(client) ?? 1) > 0) return;
    this.retired.delete(client);
    if (this.previous === client) this.previous = undefined;
    try {
      client.destroy();
    } catch (e) {
      this.logError(e);
    }
  }

  get key(): string {
    return `${this.host}:${this.port}`;
  }

  get isReady(): boolean {
    return this.client.isReady;
  }

  /** Waits (bounded) until the client is connected; false when it is not within `timeoutMs`. */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    return readyWithin(this.client, timeoutMs);
  }

  /**
   * Sends one command, bounded by `timeoutMs` through the deadline sweep (node-redis's
   * per-command `timeout` option was measured not to fire against a SIGSTOPped server).
   */
  send<T>(args: ReadonlyArray<RedisArgument>, options: SendOptions): Promise<T> {
    if (!storeWorkTraced()) return this.sendUntraced(args, options);
    return tracedRedis(String(args[0]), () => this.sendUntraced(args, options));
  }

  private sendUntraced<T>(args: ReadonlyArray<RedisArgument>, options: SendOptions): Promise<T> {
    const client = this.previous === undefined ? this.client : this.pickClient();
    const command = new InFlightCommand(client, Date.now() + options.timeoutMs, options);
    const answer = new Promise<T>((resolve, reject) => {
      command.resolve = resolve as (value: unknown) => void;
      command.reject = reject;
    });
    this.track(command);
    if (client === this.replacement && !client.isReady) this.dispatchWhenReady(client, command, args, options).catch((e: unknown) => this.fail(command, e));
    else this.dispatch(client, command, args, options);
    return answer;
  }

  private dispatch(client: RawRedisClient, command: InFlightCommand, args: ReadonlyArray<RedisArgument>, options: SendOptions): void {
    client.sendCommand(args, options.buffers === true ? BUFFER_OPTIONS : TEXT_OPTIONS).then(
      (value) => {
        const resolve = command.resolve;
        if (this.finish(command)) resolve(value);
      },
      (e: unknown) => this.fail(command, e),
    );
  }

  /**
   * A command for the client that replaced a retired one, sent before that client finished
   * connecting (and with no connected client to fall back on): it waits for the connection,
   * within its own deadline and the connect timeout, instead of failing at once with "client is
   * offline" (disableOfflineQueue) — a timeout elsewhere must not fail the commands after it. If
   * the client is still not connected then, it is sent anyway and fails as any offline command.
   */
  private async dispatchWhenReady(client: RawRedisClient, command: InFlightCommand, args: ReadonlyArray<RedisArgument>, options: SendOptions): Promise<void> {
    await readyWithin(client, Math.min(options.timeoutMs, this.connectTimeoutMs));
    if (!command.done) this.dispatch(client, command, args, options);
  }

  /** Rejects the caller's promise with `error` (mapped), unless it already has its answer. */
  private fail(command: InFlightCommand, error: unknown): void {
    const reject = command.reject;
    if (!this.finish(command)) return;
    const { mapError } = command.options;
    reject(mapError === undefined ? error : mapError(error));
  }

  /** The new client once it is connected; until then the connected client it replaced. */
  private pickClient(): RawRedisClient {
    const previous = this.previous as RawRedisClient;
    if (this.client.isReady || !previous.isReady) {
      if (this.client.isReady) this.previous = undefined;
      return this.client;
    }
    const pending = this.retired.get(previous);
    if (pending !== undefined) this.retired.set(previous, pending + 1);
    return previous;
  }

  private track(command: InFlightCommand): void {
    this.inFlight.push(command);
    const every = Math.max(MIN_SWEEP_MS, Math.floor(command.options.timeoutMs / SWEEPS_PER_TIMEOUT));
    if (this.sweepTimer !== undefined && every >= this.sweepEveryMs) return;
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.sweepEveryMs = every;
    this.sweepTimer = setInterval(() => this.sweep(), every);
    // In-flight commands keep their socket (and so the process) alive; the sweep need not.
    this.sweepTimer.unref();
  }

  /**
   * Marks the command answered; false when it already was (a reply after its timeout, or the
   * rejection of an expired command when its retired client is destroyed).
   */
  private finish(command: InFlightCommand): boolean {
    if (command.done) return false;
    command.done = true;
    command.resolve = NOOP;
    command.reject = NOOP;
    this.advanceHead();
    if (command.client !== this.client) this.answeredOnRetired(command.client);
    return true;
  }

  private advanceHead(): void {
    const list = this.inFlight;
    while (this.head < list.length && (list[this.head] as InFlightCommand).done) this.head++;
    if (this.head === list.length) {
      list.length = 0;
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= list.length) {
      this.inFlight = list.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Fails every command past its deadline with `RedisCommandTimeoutError` (that command only) and
   * retires the client it was sent on; a retired client with nothing left to answer is destroyed.
   * Stops itself when nothing is in flight.
   */
  private sweep(): void {
    const now = Date.now();
    const list = this.inFlight;
    const expired: InFlightCommand[] = [];
    for (let i = this.head; i < list.length; i++) {
      const command = list[i] as InFlightCommand;
      if (!command.done && command.deadlineMs <= now) expired.push(command);
    }
    for (const command of expired) {
      this.retire(command.client);
      this.fail(command, new RedisCommandTimeoutError(command.options.timeoutMs));
    }
    if (this.head >= this.inFlight.length) this.stopSweep();
  }

  private stopSweep(): void {
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.sweepEveryMs = Number.POSITIVE_INFINITY;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Commands still in flight keep their deadlines (the sweep stops itself once they settle).
    if (this.head >= this.inFlight.length) this.stopSweep();
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

/** Waits (bounded) until `client` is connected; false when it is not within `timeoutMs`. */
async function readyWithin(client: RawRedisClient, timeoutMs: number): Promise<boolean> {
  if (client.isReady) return true;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    await once(client as unknown as NodeJS.EventEmitter, 'ready', { signal: ac.signal });
    return true;
  } catch {
    return client.isReady;
  } finally {
    clearTimeout(timer);
  }
}
