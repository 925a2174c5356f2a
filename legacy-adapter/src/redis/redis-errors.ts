import {
  ClientClosedError,
  ClientOfflineError,
  ConnectionTimeoutError,
  DisconnectsClientError,
  ErrorReply,
  ReconnectStrategyError,
  SocketClosedUnexpectedlyError,
  SocketTimeoutError,
  TimeoutError,
} from 'redis';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError, ShardConnectionError } from '../../../core/src/errors/pinlater-error';

/**
 * Retry classification for the Redis store (FACTS §3.9): PinLater retries only
 * `JedisConnectionException` (connect refused, socket timeout, broken connection, pool
 * exhaustion); script and data errors (`JedisDataException`) are not retried and reach the client
 * as UNKNOWN.
 */
const CONNECTION_ERROR_CLASSES: readonly (abstract new (...args: never[]) => Error)[] = [
  ClientOfflineError,
  ClientClosedError,
  ConnectionTimeoutError,
  SocketTimeoutError,
  SocketClosedUnexpectedlyError,
  ReconnectStrategyError,
  TimeoutError,
  DisconnectsClientError,
];

/** Node socket error codes that mean the connection failed. */
const CONNECTION_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** A command got no reply within its pool's socket timeout (Jedis: SocketTimeoutException). */
export class RedisCommandTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`Redis command timed out after ${timeoutMs} ms`);
    this.name = 'RedisCommandTimeoutError';
  }
}

export function isRedisConnectionFailure(e: unknown): boolean {
  if (e instanceof ShardConnectionError || e instanceof RedisCommandTimeoutError) return true;
  if (!(e instanceof Error)) return false;
  if (CONNECTION_ERROR_CLASSES.some((cls) => e instanceof cls)) return true;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && CONNECTION_ERROR_CODES.has(code);
}

/** PinLater's message for SHARD_CONNECTION_FAILED (FACTS §3.3). */
export function connectionFailedMessage(host: string): string {
  return `Redis connection to ${host} failed`;
}

/**
 * Maps a raw failure of one shard command to what the store throws: connection failures become
 * `ShardConnectionError` (retried by the base, surfaced as SHARD_CONNECTION_FAILED), Redis error
 * replies become UNKNOWN with Jedis's message shape, domain errors pass through.
 */
export function toStoreError(e: unknown, host: string): Error {
  if (e instanceof PinLaterError) return e;
  if (isRedisConnectionFailure(e)) return new ShardConnectionError(connectionFailedMessage(host), { cause: e });
  if (e instanceof ErrorReply) return new PinLaterError(ErrorCode.UNKNOWN, jedisDataMessage(e.message), { cause: e });
  return e instanceof Error ? e : new PinLaterError(ErrorCode.UNKNOWN, String(e));
}

/** PinLater's UNKNOWN message for a Redis error reply: Jedis's exception and the reply text. */
export function jedisDataMessage(reply: string): string {
  return `redis.clients.jedis.exceptions.JedisDataException: ${reply}`;
}

/** Redis answered NOSCRIPT to an EVALSHA: the script cache was flushed or never had it. */
export function isNoScriptError(e: unknown): boolean {
  return e instanceof ErrorReply && e.message.startsWith('NOSCRIPT');
}
