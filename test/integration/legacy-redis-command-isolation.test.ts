/**
 * One slow command never fails the other commands sharing its `RedisConnection` (issue 8): a
 * command past its deadline fails alone with `RedisCommandTimeoutError`; the commands sent after
 * it on the same connection, whose deadlines its expiry does not reach, get their replies once
 * Redis answers them; new commands go to a fresh client; the old client is destroyed once it has
 * nothing left to answer. The slow command is a Lua busy loop (longer than the timeout, far
 * shorter than Redis's busy-script threshold) on a Redis this test starts for itself, so no other
 * test's Redis is blocked.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { silentLogger } from '../../core/src/logging/logger';
import { RedisConnection } from '../../legacy-adapter/src/redis/redis-connection';
import { RedisCommandTimeoutError } from '../../legacy-adapter/src/redis/redis-errors';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { closeRedis, openRedis, type TestRedisClient } from '../support/redis';

const TIMEOUT_MS = 300;
const BUSY_MS = 1200;
/** Deadlines of the commands queued behind the slow one: far beyond its reply on a busy machine. */
const LATER_TIMEOUT_MS = 15_000;
/** Keeps Redis busy for ARGV[1] ms inside one script (TIME is allowed in Redis 7 scripts). */
const BUSY_SCRIPT = `
local t = redis.call('TIME')
local start = t[1] * 1000000 + t[2]
repeat
  local n = redis.call('TIME')
until (n[1] * 1000000 + n[2]) - start >= tonumber(ARGV[1]) * 1000
return 1`;

let server: ChildProcess | undefined;
let port: number;
let raw: TestRedisClient;
let connection: RedisConnection | undefined;

beforeAll(async () => {
  port = await freePort();
  server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  raw = await eventually(() => openRedis(`redis://127.0.0.1:${port}`), { timeoutMs: 10_000, intervalMs: 100 });
});
afterAll(async () => {
  await connection?.close();
  await closeRedis(raw);
  const child = server;
  if (child && child.exitCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }
});
afterAll(assertNoLeaks);

async function connectedClients(): Promise<number> {
  const info = await raw.info('clients');
  return Number(/connected_clients:(\d+)/.exec(info)?.[1]);
}

it('fails only the timed-out command; later commands on the same connection are answered', async () => {
  const conn = new RedisConnection({ host: '127.0.0.1', port, connectTimeoutMs: 2000, logger: silentLogger() });
  connection = conn;
  expect(await conn.waitUntilReady(5000)).toBe(true);
  expect(await connectedClients()).toBe(2);

  const start = Date.now();
  const slow = conn.send(['EVAL', BUSY_SCRIPT, '0', String(BUSY_MS)], { timeoutMs: TIMEOUT_MS }).catch((e: unknown) => e);
  // Sent after the slow command, on the same client, queued behind it inside Redis.
  const later = [
    conn.send<string>(['PING'], { timeoutMs: LATER_TIMEOUT_MS }),
    conn.send<string>(['SET', 'k', 'v'], { timeoutMs: LATER_TIMEOUT_MS }),
    conn.send<string>(['GET', 'k'], { timeoutMs: LATER_TIMEOUT_MS }),
  ];

  const error = await slow;
  expect(error).toBeInstanceOf(RedisCommandTimeoutError);
  expect(Date.now() - start).toBeLessThan(BUSY_MS);
  // Sent after the expiry: a new client, answered once Redis is free again.
  const afterExpiry = conn.send<string>(['PING'], { timeoutMs: LATER_TIMEOUT_MS });

  expect(await Promise.all(later)).toEqual(['PONG', 'OK', 'v']);
  expect(await afterExpiry).toBe('PONG');
  expect(Date.now() - start).toBeGreaterThanOrEqual(BUSY_MS - 50);
  // The retired client is destroyed once drained: the new client and the test's own remain.
  await eventually(async () => expect(await connectedClients()).toBe(2), { timeoutMs: 5000 });
  expect(await conn.send<string>(['GET', 'k'], { timeoutMs: LATER_TIMEOUT_MS })).toBe('v');
});

it('a command sent while the replacement client is still connecting waits for it, within its deadline, instead of failing "offline"', async () => {
  await connection?.close();
  const conn = new RedisConnection({ host: '127.0.0.1', port, connectTimeoutMs: 5000, logger: silentLogger() });
  connection = conn;
  expect(await conn.waitUntilReady(5000)).toBe(true);
  // The only command of the first client times out: it is retired (and, with nothing else
  // pending on it, destroyed); the replacement's connection handshake waits behind the script.
  const slow = conn.send(['EVAL', BUSY_SCRIPT, '0', String(BUSY_MS)], { timeoutMs: TIMEOUT_MS }).catch((e: unknown) => e);
  expect(await slow).toBeInstanceOf(RedisCommandTimeoutError);
  expect(conn.isReady).toBe(false);
  expect(await conn.send<string>(['PING'], { timeoutMs: LATER_TIMEOUT_MS })).toBe('PONG');
});
