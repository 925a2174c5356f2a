/**
 * Command deadlines of `RedisConnection` (one sweep per connection instead of a timer per
 * command): a command with no reply fails with `RedisCommandTimeoutError` at its socket timeout
 * (never before, at most a quarter of the timeout after), the client is replaced by a new TCP
 * connection, and answered commands never time out. The peer is a real TCP server that speaks
 * just enough RESP to be a Redis that can be told to stop answering (a SIGSTOPped Redis is
 * covered by legacy-redis-health.test.ts).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { silentLogger } from '../../core/src/logging/logger';
import { RedisConnection } from '../../legacy-adapter/src/redis/redis-connection';
import { RedisCommandTimeoutError } from '../../legacy-adapter/src/redis/redis-errors';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';

const TIMEOUT_MS = 200;
/**
 * The pipelined burst shares one jest worker's event loop with the fake server; on a loaded CI
 * machine answering 2000 PINGs may take longer than 200 ms, and timing out would then be correct.
 * Its point is that answered commands never time out, so it gets a deadline it cannot reach.
 */
const BURST_TIMEOUT_MS = 10_000;
/** Upper bound on how late an unanswered command may fail: timeout × 1.25 plus scheduling slack. */
const LATEST_FAILURE_MS = TIMEOUT_MS * 1.25 + 1000;

/** Answers node-redis's CLIENT SETINFO handshake, and PING while `answering`. */
class SilenceableRedis {
  answering = true;
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor() {
    this.server = createServer((socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let carry = '';
      socket.on('data', (data) => {
        // Only whole lines: a TCP chunk may end in the middle of a command name.
        const text = carry + data.toString('latin1');
        const end = text.lastIndexOf('\r\n') + 2;
        carry = text.slice(end);
        const lines = text.slice(0, end);
        for (const _ of lines.matchAll(/SETINFO\r\n/g)) socket.write('+OK\r\n');
        if (this.answering) for (const _ of lines.matchAll(/PING\r\n/g)) socket.write('+PONG\r\n');
      });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const fake = new SilenceableRedis();
let connection: RedisConnection;

beforeAll(async () => {
  const port = await fake.listen();
  connection = new RedisConnection({ host: '127.0.0.1', port, connectTimeoutMs: 1000, logger: silentLogger() });
  expect(await connection.waitUntilReady(2000)).toBe(true);
});
afterAll(async () => {
  await connection.close();
  await fake.close();
});
afterAll(assertNoLeaks);

it('answers many pipelined commands without any of them timing out', async () => {
  const replies = await Promise.all(Array.from({ length: 2000 }, () => connection.send<string>(['PING'], { timeoutMs: BURST_TIMEOUT_MS })));
  expect(new Set(replies)).toEqual(new Set(['PONG']));
  // Longer than several sweeps, with commands settling all along.
  for (let i = 0; i < 10; i++) {
    expect(await connection.send<string>(['PING'], { timeoutMs: TIMEOUT_MS })).toBe('PONG');
    await sleep(TIMEOUT_MS / 4);
  }
  expect(fake.connections).toBe(1);
});

it('fails an unanswered command at its timeout and replaces the connection', async () => {
  // Start from a connected client (a failure in the test above must not cascade into this one).
  expect(await connection.waitUntilReady(2000)).toBe(true);
  const connectionsBefore = fake.connections;
  fake.answering = false;
  const start = Date.now();
  const error = await connection.send(['PING'], { timeoutMs: TIMEOUT_MS }).catch((e: unknown) => e);
  const elapsed = Date.now() - start;
  expect(error).toBeInstanceOf(RedisCommandTimeoutError);
  expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
  expect(elapsed).toBeLessThan(LATEST_FAILURE_MS);

  fake.answering = true;
  await eventually(() => expect(fake.connections).toBe(connectionsBefore + 1), { timeoutMs: 2000 });
  expect(await connection.waitUntilReady(2000)).toBe(true);
  expect(await connection.send<string>(['PING'], { timeoutMs: TIMEOUT_MS })).toBe('PONG');
});
