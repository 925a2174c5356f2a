import type { RedisArgument } from 'redis';
import type { Stats } from '../../../core/src/interfaces/stats';
import { runScript, type LuaScriptName } from './lua-scripts';
import type { RedisConnection, SendOptions } from './redis-connection';
import { isNoScriptError, isRedisConnectionFailure, toStoreError } from './redis-errors';
import { redisStatNames } from './redis-stat-names';

export interface ShardCommandsOptions {
  shard: string;
  connection: RedisConnection;
  stats: Stats;
  /** BACKEND_SOCKET_TIMEOUT: per-command timeout of the general pool. */
  socketTimeoutMs: number;
  /** MONITOR_SOCKET_TIMEOUT: per-command timeout of the monitor pool (monitor, health pings). */
  monitorSocketTimeoutMs: number;
}

export type Pool = 'general' | 'monitor';

/**
 * Raw commands and scripts of one shard, with PinLater's two pool timeouts and one error mapping:
 * connection failures become `ShardConnectionError` (stat `shard_connection_failed_<host>`),
 * error replies UNKNOWN (see redis-errors.ts).
 */
export class ShardCommands {
  readonly shard: string;
  readonly connection: RedisConnection;
  private readonly options: ShardCommandsOptions;
  /**
   * Send options per (pool, reply type), built once: these calls run ~30k times/s under load. The
   * connection maps failures itself (`mapError`), so no call needs a `.catch` layer of its own;
   * `script` leaves NOSCRIPT unmapped for runScript's EVAL fallback, which then sends with `bytes`.
   */
  private readonly sendOptions: Readonly<Record<Pool, { text: SendOptions; bytes: SendOptions; script: SendOptions }>>;

  constructor(options: ShardCommandsOptions) {
    this.options = options;
    this.shard = options.shard;
    this.connection = options.connection;
    const of = (timeoutMs: number) => ({
      text: { timeoutMs, mapError: this.storeError },
      bytes: { timeoutMs, buffers: true, mapError: this.storeError },
      script: { timeoutMs, buffers: true, mapError: this.scriptError },
    });
    this.sendOptions = { general: of(options.socketTimeoutMs), monitor: of(options.monitorSocketTimeoutMs) };
  }

  get host(): string {
    return this.connection.host;
  }

  /** A command whose bulk replies are UTF-8 strings. */
  text<T>(args: ReadonlyArray<RedisArgument>, pool: Pool = 'general'): Promise<T> {
    return this.connection.send<T>(args, this.sendOptions[pool].text);
  }

  /** A command whose bulk replies are Buffers (anything that may carry a body). */
  bytes<T>(args: ReadonlyArray<RedisArgument>, pool: Pool = 'general'): Promise<T> {
    return this.connection.send<T>(args, this.sendOptions[pool].bytes);
  }

  /** Runs a Lua script of `lua/`; bulk replies as Buffers. */
  script<T>(name: LuaScriptName, keys: readonly string[], args: readonly RedisArgument[], pool: Pool = 'general'): Promise<T> {
    const { script, bytes } = this.sendOptions[pool];
    return runScript<T>(this.connection, name, keys, args, script, bytes);
  }

  /** One error mapping for every command (a bound field, so no closure per call). */
  private readonly storeError = (e: unknown): Error => {
    if (isRedisConnectionFailure(e)) this.options.stats.incr(redisStatNames.shardConnectionFailed(this.host));
    return toStoreError(e, this.host);
  };

  /** `storeError`, except that NOSCRIPT reaches runScript as it is (it then sends the source). */
  private readonly scriptError = (e: unknown): unknown => (isNoScriptError(e) ? e : this.storeError(e));
}
