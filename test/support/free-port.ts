import { createServer } from 'node:net';
import { randomInt } from 'node:crypto';
import { jestWorkerId } from './test-env';

/**
 * Test ports come from below Linux's ephemeral range (32768–60999 by default:
 * /proc/sys/net/ipv4/ip_local_port_range), where neither a `listen(0)` anywhere on the machine nor
 * an outgoing connection's local port can land: a port picked from the ephemeral range was once
 * taken by another jest worker's connection between the pick and the child process's listen
 * (EADDRINUSE). Each jest worker picks from its own block, so test files running at once never
 * pick the same port, and every pick is checked free (another program may hold it).
 */
const FIRST_PORT = 20_000;
const BLOCK_SIZE = 3_000;
const BLOCKS = 4; // 20000–31999

let cursor: number | undefined;

/** A TCP port that was free on 127.0.0.1 a moment ago (nothing listens there once it resolves). */
export async function freePort(): Promise<number> {
  const base = FIRST_PORT + ((jestWorkerId() - 1) % BLOCKS) * BLOCK_SIZE;
  // A random start per test file (each has its own module registry): the previous file's ports
  // may still be in use by processes it has not fully reaped.
  cursor ??= randomInt(BLOCK_SIZE);
  for (let tries = 0; tries < BLOCK_SIZE; tries += 1) {
    const port = base + cursor;
    cursor = (cursor + 1) % BLOCK_SIZE;
    if (await listenable(port)) return port;
  }
  throw new Error(`no free port in ${base}–${base + BLOCK_SIZE - 1}`);
}

/** Whether a listener can bind `port` on 127.0.0.1 now (it is closed again before this resolves). */
function listenable(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' || e.code === 'EACCES' ? resolve(false) : reject(e)));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
