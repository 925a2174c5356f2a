/**
 * What the ZooKeeper contract (core/src/zookeeper/zk-client.ts) gained for the routing table, on
 * node-zookeeper-client against the real ZooKeeper: ACLs on create (also inside a multi), reading
 * and replacing ACLs, digest auth on a session, sequential nodes, multi results, and a
 * compare-and-set on version 0 inside a multi (the library alone turns 0 into "any version").
 */
import { ALL_PERMISSIONS, digestAcl, worldAcl, aclEquals } from '../../core/src/zookeeper/zk-acl';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import { ZkCode, ZkError } from '../../core/src/zookeeper/zk-error';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { zkChroot } from '../support/namespaces';
import { releaseOnce, type ReleaseOutcome } from '../support/namespace-keeper';
import { TcpProxy } from '../support/tcp-proxy';
import { testEnv } from '../support/test-env';
import { operatorChrootNamespace, TEST_OPERATOR } from './routing-fixtures';

let connectString: string;
let chrootPath: string;
const proxies: TcpProxy[] = [];
let release: () => Promise<ReleaseOutcome>;
const clients: ZkClient[] = [];

beforeEach(async () => {
  const chroot = await zkChroot();
  connectString = chroot.connectString;
  chrootPath = chroot.path;
  release = releaseOnce(operatorChrootNamespace(chroot.path)); // nodes below are removable by TEST_OPERATOR
});
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  for (const p of proxies.splice(0)) await p.close();
  await release();
});
afterAll(assertNoLeaks);

async function connect(): Promise<ZkClient> {
  const zk = await NodeZkClient.connect({ connectString, sessionTimeoutMs: 10_000 });
  clients.push(zk);
  return zk;
}

async function codeOf(work: Promise<unknown>): Promise<number | undefined> {
  const error = await work.then(() => undefined, (e: unknown) => e);
  return error instanceof ZkError ? error.code : undefined;
}

const guarded = [worldAcl(['read']), digestAcl(TEST_OPERATOR)];

describe('ACLs and digest auth', () => {
  it('a node created with an ACL reads back with it; only a session with the digest identity writes it', async () => {
    const owner = await connect();
    await owner.addAuth('digest', TEST_OPERATOR.authText());
    await owner.create('/guarded', Buffer.from('v0'), 'persistent', guarded);
    expect(aclEquals((await owner.getAcl('/guarded')).acl, guarded)).toBe(true);
    const anon = await connect();
    expect((await anon.get('/guarded')).data.toString()).toBe('v0'); // world: read
    expect(await codeOf(anon.set('/guarded', Buffer.from('x')))).toBe(ZkCode.NO_AUTH);
    const wrong = await connect();
    await wrong.addAuth('digest', `${TEST_OPERATOR.user}:not-the-password`);
    expect(await codeOf(wrong.set('/guarded', Buffer.from('x')))).toBe(ZkCode.NO_AUTH);
    await owner.set('/guarded', Buffer.from('v1'));
    const late = await connect();
    await late.addAuth('digest', TEST_OPERATOR.authText());
    await late.set('/guarded', Buffer.from('v2'));
    expect((await anon.get('/guarded')).data.toString()).toBe('v2');
  });

  it('setAcl replaces an ACL (admin needed); create/delete of children follow the parent ACL', async () => {
    const owner = await connect();
    await owner.addAuth('digest', TEST_OPERATOR.authText());
    await owner.create('/parent', Buffer.alloc(0), 'persistent', [worldAcl(['read', 'create']), digestAcl(TEST_OPERATOR)]);
    const anon = await connect();
    await anon.create('/parent/child', Buffer.alloc(0), 'persistent', [worldAcl(ALL_PERMISSIONS)]);
    expect(await codeOf(anon.delete('/parent/child'))).toBe(ZkCode.NO_AUTH);
    expect(await codeOf(anon.setAcl('/parent', [worldAcl(ALL_PERMISSIONS)]))).toBe(ZkCode.NO_AUTH);
    await owner.setAcl('/parent', [worldAcl(['read']), digestAcl(TEST_OPERATOR)]);
    expect(await codeOf(anon.create('/parent/other', Buffer.alloc(0)))).toBe(ZkCode.NO_AUTH);
    await owner.delete('/parent/child');
  });

  it('the auth survives a reconnection of the same session (the library re-sends it)', async () => {
    const proxy = await TcpProxy.start('127.0.0.1', testEnv().zookeeper.port);
    proxies.push(proxy);
    const owner = await NodeZkClient.connect({ connectString: `127.0.0.1:${proxy.port}${chrootPath}`, sessionTimeoutMs: 10_000 });
    clients.push(owner);
    const events: string[] = [];
    owner.onSessionEvent((e) => events.push(e));
    await owner.addAuth('digest', TEST_OPERATOR.authText());
    await owner.addAuth('digest', TEST_OPERATOR.authText()); // added once, not sent twice on reconnection
    await owner.create('/kept', Buffer.alloc(0), 'persistent', guarded);
    const session = owner.sessionId();
    proxy.cut();
    await eventually(() => expect(events).toContain('disconnected'));
    proxy.restore();
    await eventually(() => expect(events.at(-1)).toBe('connected'), { timeoutMs: 10_000 });
    expect(owner.sessionId()).toBe(session);
    await owner.set('/kept', Buffer.from('written after the reconnection'));
  });
});

describe('sequential nodes and multi', () => {
  it('sequential creates get increasing 10-digit suffixes, also inside a multi with an ACL, and the multi names them', async () => {
    const zk = await connect();
    await zk.create('/seq', Buffer.alloc(0));
    const first = await zk.create('/seq/e-', Buffer.from('a'), 'persistent_sequential');
    expect(first).toMatch(/^\/seq\/e-\d{10}$/);
    const results = await zk.multi([
      { op: 'create', path: '/seq/e-', data: Buffer.from('b'), mode: 'persistent_sequential', acl: [worldAcl(['read'])] },
      { op: 'set', path: '/seq', data: Buffer.from('bumped') },
    ]);
    expect(results[0]?.op).toBe('create');
    const second = results[0]?.op === 'create' ? results[0].path : '';
    expect(second > first).toBe(true);
    expect(results[1]).toEqual({ op: 'set', stat: expect.objectContaining({ version: 1 }) as unknown });
    expect(await codeOf(zk.set(second, Buffer.from('x')))).toBe(ZkCode.NO_AUTH); // created with world: read only
  });

  it('a multi op with version 0 checks version 0 (not "any version")', async () => {
    const zk = await connect();
    await zk.create('/cas', Buffer.from('v0'));
    await zk.set('/cas', Buffer.from('v1')); // data version 1 now
    const failed = await zk.multi([{ op: 'set', path: '/cas', data: Buffer.from('lost'), version: 0 }]).then(() => undefined, (e: unknown) => e);
    expect(failed).toBeInstanceOf(ZkError);
    expect((failed as ZkError).code).toBe(ZkCode.BAD_VERSION);
    expect((failed as ZkError).path).toBe('/cas');
    expect(await codeOf(zk.multi([{ op: 'check', path: '/cas', version: 0 }]))).toBe(ZkCode.BAD_VERSION);
    expect(await codeOf(zk.multi([{ op: 'delete', path: '/cas', version: 0 }]))).toBe(ZkCode.BAD_VERSION);
    expect((await zk.get('/cas')).data.toString()).toBe('v1');
    await zk.multi([{ op: 'set', path: '/cas', data: Buffer.from('v2'), version: 1 }]);
    expect((await zk.get('/cas')).data.toString()).toBe('v2');
  });
});
