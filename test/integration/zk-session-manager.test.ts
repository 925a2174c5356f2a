/**
 * The shared ZooKeeper session manager (`core/src/zookeeper/zk-session-manager.ts`) and the
 * client under it (`node-zk-client.ts`), on their own, against a REAL ZooKeeper this file starts
 * on its own port and data dir and kills (-9) and restarts with the same data (tickTime 250 ms),
 * plus a TCP proxy for the two failures a restart can leave behind: a connection the server
 * accepts and never answers (the handshake that hung forever in issue 17), and a connection that
 * goes silent without closing.
 *
 * Curator's states: CONNECTED (new session) → SUSPENDED (connection lost) → RECONNECTED (same
 * session, ephemerals intact) or LOST (session over) → CONNECTED (the next session, opened by the
 * manager; the abandoned one ended on the server at once, so its ephemerals do not linger).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import type { ZkConnectionChange } from '../../core/src/zookeeper/zk-connection-state';
import { ZkSessionManager, type ZkSessionManagerOptions } from '../../core/src/zookeeper/zk-session-manager';
import { systemClock } from '../../core/src/util/clock';
import { silentLogger } from '../../core/src/logging/logger';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { scratchZooKeeperSuite } from '../support/scratch-zookeeper-suite';
import { TcpProxy } from '../support/tcp-proxy';

jest.setTimeout(60_000);

/** The largest session tickTime 250 allows (20 ticks): room for a JVM restart inside it. */
const LONG_SESSION_MS = 5000;
const WAIT = { timeoutMs: 20_000, intervalMs: 20 };

const scratch = scratchZooKeeperSuite('zk-session-manager');
afterAll(assertNoLeaks);

interface Recorded {
  readonly manager: ZkSessionManager;
  readonly changes: ZkConnectionChange[];
  states(): string[];
}

async function startManager(connectString: string, sessionTimeoutMs: number, extra: Partial<ZkSessionManagerOptions> = {}): Promise<Recorded> {
  const manager = ZkSessionManager.forConnectString({ connectString, sessionTimeoutMs }, { name: 'test', clock: systemClock, logger: silentLogger(), ...extra });
  scratch.closeAfterEach(manager);
  const changes: ZkConnectionChange[] = [];
  manager.onChange((c) => changes.push(c));
  await manager.start();
  return { manager, changes, states: () => changes.map((c) => (c.reason ? `${c.state}:${c.reason}` : c.state)) };
}

async function proxyToZk(): Promise<TcpProxy> {
  const proxy = await TcpProxy.start('127.0.0.1', scratch.server.port);
  scratch.closeAfterEach(proxy);
  return proxy;
}

/** A fresh client of our own for checks (never one under test). */
async function inspector(): Promise<ZkClient> {
  const c = await NodeZkClient.connect({ connectString: scratch.server.connectString(), sessionTimeoutMs: 10_000 });
  scratch.closeAfterEach(c);
  return c;
}

function session(r: Recorded): ZkClient {
  const c = r.manager.client();
  if (!c) throw new Error('no session');
  return c;
}

describe('node-zookeeper-client with the connection watchdog', () => {
  it('a handshake the server never answers is dropped and retried: the same session is back once the server answers again', async () => {
    const proxy = await proxyToZk();
    const client = await NodeZkClient.connect({ connectString: `127.0.0.1:${proxy.port}`, sessionTimeoutMs: LONG_SESSION_MS });
    scratch.closeAfterEach(client);
    const id = client.sessionId();
    await client.create('/hs-eph', Buffer.from('x'), 'ephemeral');
    proxy.blackhole(); // the client reconnects into a connection that is accepted and never served
    await eventually(() => expect(proxy.silentConnections).toBeGreaterThan(0), WAIT);
    proxy.restore(); // new connections reach ZooKeeper again; the hung one stays hung
    const t0 = Date.now();
    const read = await client.get('/hs-eph'); // parks until the client is connected again
    expect(Date.now() - t0).toBeLessThan(LONG_SESSION_MS); // the same session, within its timeout
    expect(read.stat.ephemeralOwner).toBe(id);
    expect(client.sessionId()).toBe(id);
  });

  it('a connection that goes silent without closing is noticed (read timeout) and replaced, same session', async () => {
    const proxy = await proxyToZk();
    const client = await NodeZkClient.connect({ connectString: `127.0.0.1:${proxy.port}`, sessionTimeoutMs: LONG_SESSION_MS });
    scratch.closeAfterEach(client);
    const events: string[] = [];
    client.onSessionEvent((e) => events.push(e));
    await client.create('/frozen-eph', Buffer.from('x'), 'ephemeral');
    proxy.freeze();
    await eventually(() => expect(events).toContain('disconnected'), WAIT);
    await eventually(() => expect(events.at(-1)).toBe('connected'), WAIT);
    expect((await client.get('/frozen-eph')).stat.ephemeralOwner).toBe(client.sessionId());
  });
});

describe('ZkSessionManager', () => {
  it('ZooKeeper restarted within the session timeout: SUSPENDED then RECONNECTED on the same session, ephemerals and watches intact', async () => {
    const r = await startManager(scratch.server.connectString(), LONG_SESSION_MS);
    const zk1 = session(r);
    await zk1.create('/short-eph', Buffer.from('x'), 'ephemeral');
    await zk1.create('/short-watched', Buffer.from('1'));
    const fired: string[] = [];
    await zk1.get('/short-watched', (e) => fired.push(e.type));
    const killedAt = Date.now();
    await scratch.server.kill();
    await eventually(() => expect(r.states()).toEqual(['CONNECTED', 'SUSPENDED']), WAIT);
    const parked = zk1.set('/short-watched', Buffer.from('2')); // issued while down: runs after the reconnection
    await scratch.server.start();
    expect(scratch.server.readySinceMs - killedAt).toBeLessThan(LONG_SESSION_MS); // the premise
    await parked;
    await eventually(() => expect(r.states()).toEqual(['CONNECTED', 'SUSPENDED', 'RECONNECTED']), WAIT);
    expect(r.manager.client()).toBe(zk1);
    expect((await zk1.get('/short-eph')).stat.ephemeralOwner).toBe(zk1.sessionId());
    await eventually(() => expect(fired).toEqual(['dataChanged']), WAIT);
  });

  it('ZooKeeper down past the point of giving up: LOST while it is down (calls fail, none hangs), a NEW session when it is back, the abandoned one ended at once', async () => {
    // Gives up after 1 s disconnected, well inside the 5 s session: the restarted server revives
    // the old session for a full timeout, so only the manager ending it explains a quick vanish.
    const r = await startManager(scratch.server.connectString(), LONG_SESSION_MS, { lostAfterMs: 1000 });
    const old = session(r);
    const oldId = old.sessionId();
    await old.create('/long-eph', Buffer.from('x'), 'ephemeral');
    await scratch.server.kill();
    const parked = old.get('/long-eph').then(() => 'resolved', (e: unknown) => (e as Error).message);
    await eventually(() => expect(r.states()).toEqual(['CONNECTED', 'SUSPENDED', 'LOST:disconnected']), WAIT);
    expect(await parked).toMatch(/SESSION_EXPIRED|CLIENT_CLOSED/); // failed at LOST, not after an op timeout
    expect(r.manager.client()).toBeUndefined();
    await scratch.server.start();
    const back = scratch.server.readySinceMs;
    await eventually(() => expect(r.states().at(-1)).toBe('CONNECTED'), WAIT);
    const fresh = session(r);
    expect(fresh.sessionId()).not.toBe(oldId);
    const check = await inspector();
    await eventually(async () => expect(await check.exists('/long-eph')).toBeNull(), WAIT);
    expect(Date.now() - back).toBeLessThan(LONG_SESSION_MS); // ended, not left to expire
    await fresh.create('/long-eph', Buffer.from('y'), 'ephemeral');
    expect(r.manager.counters()).toMatchObject({ sessions: 2, suspended: 1, lost: 1 });
  });

  it('the server says the session expired: LOST (expired), then a new session', async () => {
    const proxy = await proxyToZk();
    const r = await startManager(`127.0.0.1:${proxy.port}`, 2000);
    const old = session(r);
    proxy.cut();
    const twin = await NodeZkClient.connect({ connectString: scratch.server.connectString(), sessionTimeoutMs: 2000, sessionId: Buffer.from(old.sessionId(), 'hex'), sessionPassword: old.sessionPassword() });
    await twin.close(); // the server ends the session now
    proxy.restore();
    await eventually(() => expect(r.states()).toEqual(['CONNECTED', 'SUSPENDED', 'LOST:expired', 'CONNECTED']), WAIT);
    expect(session(r).sessionId()).not.toBe(old.sessionId());
  });

  it('two restarts in a row, the second during the recovery from the first: one usable session at the end', async () => {
    const r = await startManager(scratch.server.connectString(), 2000);
    await scratch.server.kill();
    await scratch.server.start();
    await scratch.server.kill();
    await sleep(2500); // past the session timeout
    const pending = r.manager.withSession((c) => c.create('/twice', Buffer.from('x'), 'ephemeral'), 30_000);
    await scratch.server.start();
    await pending;
    const final = session(r);
    expect(r.manager.isConnected()).toBe(true);
    expect(r.states().at(-1)).toMatch(/CONNECTED|RECONNECTED/);
    const check = await inspector();
    expect((await check.exists('/twice'))?.ephemeralOwner).toBe(final.sessionId());
  });

  it('a process stalled longer than 2/3 of the session timeout declares the session LOST (stalled) and opens a new one', async () => {
    const r = await startManager(scratch.server.connectString(), 2000);
    const old = session(r).sessionId();
    const until = Date.now() + 1600;
    while (Date.now() < until); // blocks the event loop, as a long GC pause or SIGSTOP would
    await eventually(() => expect(r.states()).toEqual(['CONNECTED', 'LOST:stalled', 'CONNECTED']), WAIT);
    expect(session(r).sessionId()).not.toBe(old);
  });

  it('withSession waits through an outage (bounded) and fails clearly when no session comes back in time', async () => {
    const r = await startManager(scratch.server.connectString(), 2000);
    await scratch.server.kill();
    await expect(r.manager.withSession((c) => c.exists('/'), 500)).rejects.toThrow(/ZooKeeper unavailable/);
  });
});
