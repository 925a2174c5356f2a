import type { RedisArgument } from 'redis';
import type { Stats } from '../../../core/src/interfaces/stats';
import { runScript, type LuaScriptName } from './lua-scripts';
import type { RedisConnection } from './redis-connection';
import { isRedisConnectionFailure, toStoreError } from './redis-errors';
import { REDIS_STATS } from './redis-stat-names';

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

  constructor(options: ShardCommandsOptions) {
    this.options = options;
    this.shard = options.shard;
    this.connection = options.connection;
  }

  get host(): string {
    return this.connection.host;
  }

  /** A command whose bulk replies are UTF-8 strings. */
  text<T>(args: ReadonlyArray<RedisArgument>, pool: Pool = 'general'): Promise<T> {
    return this.guard(() => this.connection.send<T>(args, { timeoutMs: this.timeout(pool) }));
  }

  /** A command whose bulk replies are Buffers (anything that may carry a body). */
  bytes<T>(args: ReadonlyArray<RedisArgument>, pool: Pool = 'general'): Promise<T> {
    return this.guard(() => this.connection.send<T>(args, { timeoutMs: this.timeout(pool), buffers: true }));
  }

  /** Runs a Lua script of `lua/`; bulk replies as Buffers. */
  script<T>(name: LuaScriptName, keys: readonly string[], args: readonly RedisArgument[], pool: Pool = 'general'): Promise<T> {
    return this.guard(() => runScript<T>(this.connection, name, keys, args, { timeoutMs: this.timeout(pool), buffers: true }));
  }

  private timeout(pool: Pool): number {
    return pool === 'monitor' ? this.options.monitorSocketTimeoutMs : this.options.socketTimeoutMs;
  }

  private async guard<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (isRedisConnectionFailure(e)) this.options.stats.incr(REDIS_STATS.shardConnectionFailed(this.host));
      throw toStoreError(e, this.host);
    }
  }
}
