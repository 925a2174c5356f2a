import { ClientOfflineError, ErrorReply, type RedisArgument } from 'redis';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError, ShardConnectionError } from '../../../core/src/errors/pinlater-error';
import { MemoryStats } from '../../../core/src/interfaces/stats';
import type { RedisConnection, SendOptions } from './redis-connection';
import { redisStatNames } from './redis-stat-names';
import { ShardCommands } from './shard-commands';

/**
 * A connection whose every command fails with the next of `failures`, mapped with the command's
 * `mapError` as RedisConnection.send does; records the verbs sent.
 */
function failingConnection(failures: unknown[]): { connection: RedisConnection; verbs: string[] } {
  const verbs: string[] = [];
  const send = (args: ReadonlyArray<RedisArgument>, options: SendOptions): Promise<never> => {
    verbs.push(String(args[0]));
    const failure = failures.shift();
    return Promise.reject(options.mapError === undefined ? failure : options.mapError(failure));
  };
  return { connection: { host: 'redis-a', send } as unknown as RedisConnection, verbs };
}

function commands(connection: RedisConnection, stats = new MemoryStats()): ShardCommands {
  return new ShardCommands({ shard: 's1', connection, stats, socketTimeoutMs: 1000, monitorSocketTimeoutMs: 1000 });
}

describe('ShardCommands error mapping (applied by the connection, no .catch layer)', () => {
  it('a script answered NOSCRIPT is sent again as EVAL; the EVAL error reaches the caller as UNKNOWN', async () => {
    const { connection, verbs } = failingConnection([new ErrorReply('NOSCRIPT No matching script.'), new ErrorReply('ERR boom')]);
    const failure = commands(connection).script('delete-jobs', ['k1', 'k2'], ['1']);
    await expect(failure).rejects.toBeInstanceOf(PinLaterError);
    await expect(failure).rejects.toMatchObject({ code: ErrorCode.UNKNOWN, message: 'redis.clients.jedis.exceptions.JedisDataException: ERR boom' });
    expect(verbs).toEqual(['EVALSHA', 'EVAL']);
  });

  it('a connection failure becomes ShardConnectionError and is counted once', async () => {
    const stats = new MemoryStats();
    const { connection } = failingConnection([new ClientOfflineError()]);
    await expect(commands(connection, stats).text(['ZCOUNT', 'k', '-inf', '+inf'])).rejects.toBeInstanceOf(ShardConnectionError);
    expect(stats.counter(redisStatNames.shardConnectionFailed('redis-a'))).toBe(1);
  });
});
