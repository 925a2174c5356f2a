/**
 * core/src/zookeeper/node-zk-frame-guard.ts against a real ZooKeeper, with node-zookeeper-client's
 * own connection manager put into the two states the guard repairs:
 * - half a reply left over when a socket closes (a server dying mid-reply): without the guard the
 *   library prefixes it to the next connection's ConnectResponse and never reconnects cleanly;
 * - a reply it cannot parse: without the guard the library throws from its socket callback (an
 *   uncaught exception, seen in CI as `Unknown code: -137822208`).
 * With the guard the client reconnects with the same session and serves requests again.
 */
import zookeeper, { type Client } from 'node-zookeeper-client';
import { guardReplyParsing } from '../../core/src/zookeeper/node-zk-frame-guard';
import { assertNoLeaks } from '../support/leak-check';
import { testEnv } from '../support/test-env';

afterAll(assertNoLeaks);

interface ManagerInternals {
  pendingBuffer: Buffer | null;
  socket?: { destroy(): void };
  onSocketData(buffer: Buffer): void;
}

const managerOf = (client: Client): ManagerInternals => (client as unknown as { connectionManager: ManagerInternals }).connectionManager;

async function guardedClient(parseErrors: unknown[]): Promise<Client> {
  const { host, port } = testEnv().zookeeper;
  const client = zookeeper.createClient(`${host}:${port}`, { sessionTimeout: 10_000, spinDelay: 100, retries: 2 }); // NodeZkClient's options
  expect(guardReplyParsing(client, (e) => parseErrors.push(e))).toBe(true);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('not connected within 10 s')), 10_000);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
    client.connect();
  });
  return client;
}

/** exists('/') answered within 10 s (the client reconnected and serves requests). */
function rootExists(client: Client): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer within 10 s: the client did not recover')), 10_000);
    client.exists('/', (error, stat) => {
      clearTimeout(timer);
      if (error) reject(error);
      else if (stat) resolve();
      else reject(new Error('/ does not exist?'));
    });
  });
}

function closeClient(client: Client): Promise<void> {
  return new Promise((resolve) => {
    client.once('disconnected', () => resolve());
    client.close();
  });
}

describe('ZooKeeper reply parsing guard', () => {
  it('a half reply left when the socket closes is dropped: the next connection resumes the same session', async () => {
    const parseErrors: unknown[] = [];
    const client = await guardedClient(parseErrors);
    try {
      const session = client.getSessionId().toString('hex');
      const manager = managerOf(client);
      manager.pendingBuffer = Buffer.from([0, 0, 0, 40, 0xde, 0xad]); // a frame of 40 bytes, 2 of them read
      manager.socket?.destroy();
      await rootExists(client);
      expect(client.getSessionId().toString('hex')).toBe(session);
      expect(parseErrors).toEqual([]);
    } finally {
      await closeClient(client);
    }
  });

  it('a reply that does not parse drops the connection instead of throwing; the client reconnects and serves', async () => {
    const parseErrors: unknown[] = [];
    const client = await guardedClient(parseErrors);
    try {
      const session = client.getSessionId().toString('hex');
      // A watch notification (xid -1) whose event is missing: reading it runs past the frame.
      const frame = Buffer.alloc(4 + 16);
      frame.writeInt32BE(16, 0);
      frame.writeInt32BE(-1, 4); // xid: notification
      frame.writeBigInt64BE(0n, 8); // zxid
      frame.writeInt32BE(0, 16); // err
      expect(() => managerOf(client).onSocketData(frame)).not.toThrow();
      expect(parseErrors).toHaveLength(1);
      await rootExists(client);
      expect(client.getSessionId().toString('hex')).toBe(session);
    } finally {
      await closeClient(client);
    }
  });
});
