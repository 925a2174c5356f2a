/**
 * The routing table's operator side (migration/src/routing/routing-store.ts) and its ACLs
 * (routing-acl.ts, routing-tree-setup.ts) against the real ZooKeeper, a fresh chroot per test:
 * compare-and-set between racing operators, ZooKeeper refusing writes without the operator
 * credential (NO_AUTH), what a gateway's session may and may not do, and the audit history with
 * its retention.
 */
import { aclEquals, DigestCredential, worldAcl } from '../../core/src/zookeeper/zk-acl';
import { ZkCode, ZkError } from '../../core/src/zookeeper/zk-error';
import { recordAcl } from '../../migration/src/routing/routing-acl';
import { RoutingConflictError, RoutingPermissionError, RoutingTransitionError } from '../../migration/src/routing/routing-errors';
import { RoutingPaths } from '../../migration/src/routing/routing-paths';
import { serializeRoutingRecord, type RoutingRecord } from '../../migration/src/routing/routing-record';
import { RoutingStore, UNREADABLE_RECORD_VERSION, type RoutingChange } from '../../migration/src/routing/routing-store';
import { setupRoutingTree } from '../../migration/src/routing/routing-tree-setup';
import { assertNoLeaks } from '../support/leak-check';
import { routingTable, TEST_OPERATOR, type RoutingTableFixture } from './routing-fixtures';

jest.setTimeout(30_000);

const paths = new RoutingPaths();
const toLegacy = (cluster: string, by = 'alice'): RoutingChange => ({ mode: 'legacy', legacyCluster: cluster, changedBy: by, reason: 'test' });
const toPacer = (from: string | null, by = 'alice'): RoutingChange => ({ mode: 'pacer', legacyCluster: from, changedBy: by, reason: 'test' });

let t: RoutingTableFixture;

beforeEach(async () => {
  t = await routingTable();
});
afterEach(() => t.release());
afterAll(assertNoLeaks);

async function expectZkCode(work: Promise<unknown>, code: number): Promise<void> {
  const error = await work.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ZkError);
  expect((error as ZkError).code).toBe(code);
}

describe('routing tree setup', () => {
  it('creates the tree with its ACLs; running it again changes nothing', async () => {
    const operator = { scheme: 'digest', id: TEST_OPERATOR.digestId(), permissions: ['read', 'write', 'create', 'delete', 'admin'] as const };
    const expected: Array<[string, unknown[]]> = [
      [paths.root, [worldAcl(['read']), operator]],
      [paths.table(), [worldAcl(['read']), operator]],
      [paths.queues(), [worldAcl(['read', 'create']), operator]],
      [paths.history(), [worldAcl(['read']), operator]],
      [paths.gateways(), [worldAcl(['read', 'create', 'delete']), operator]],
    ];
    for (const [path, acl] of expected) expect(aclEquals((await t.operatorZk.getAcl(path)).acl, acl as never)).toBe(true);
    expect(JSON.stringify(await t.operatorZk.getAcl(paths.root))).not.toContain('test-operator-secret');
    expect(await setupRoutingTree(t.operatorZk, TEST_OPERATOR)).toEqual({ created: [], aclReset: [], foreignAcl: [] });
  });

  it('rotates the operator credential: every node moves to the new identity, the old one can no longer write', async () => {
    await t.store.write('rot_q', toLegacy('a'), 0);
    const rotated = DigestCredential.parse('routing-operator:rotated-secret');
    const zk = await t.connect();
    const result = await setupRoutingTree(zk, rotated, { previous: [TEST_OPERATOR] });
    expect(result.aclReset).toEqual(paths.fixedNodes()); // records and history entries name nobody
    const stale = await RoutingStore.open(await t.connect(), TEST_OPERATOR);
    await expect(stale.write('rot_q', toPacer('a'), 1)).rejects.toBeInstanceOf(RoutingPermissionError);
    const fresh = await RoutingStore.open(await t.connect(), rotated);
    expect((await fresh.write('rot_q', toPacer('a'), 1)).record.version).toBe(2);
    await setupRoutingTree(zk, TEST_OPERATOR, { previous: [rotated] }); // back, so the fixture can remove the chroot
  });
});

describe('writes', () => {
  it('a first record, then a change by compare-and-set: record version, table version and history move together', async () => {
    const before = await t.store.tableVersion();
    const first = await t.store.write('q_a', toLegacy('redis-a'), 0);
    expect(first.record).toMatchObject({ queue: 'q_a', mode: 'legacy', legacyCluster: 'redis-a', version: 1, changedBy: 'alice' });
    expect(first.tableVersion).toBe(before + 1);
    const second = await t.store.write('q_a', toPacer('redis-a', 'bob'), 1);
    expect(second.record.version).toBe(2);
    expect(second.tableVersion).toBe(before + 2);
    expect(await t.store.read('q_a')).toEqual(second.record);
    expect(await t.store.tableVersion()).toBe(before + 2);
    const history = await t.store.history({ limit: 10 });
    expect(history.map((h) => [h.queue, h.from?.version ?? null, h.to.version, h.tableVersion])).toEqual([
      ['q_a', 1, 2, before + 2],
      ['q_a', null, 1, before + 1],
    ]);
    expect(history[0]?.to.changedBy).toBe('bob');
  });

  it('two operators racing from the same version: exactly one wins, the other gets RoutingConflictError naming the queue and versions', async () => {
    await t.store.write('q_race', toLegacy('redis-a'), 0); // the znode's data version is 0 now
    const [alice, bob] = [await RoutingStore.open(await t.connect(), TEST_OPERATOR), await RoutingStore.open(await t.connect(), TEST_OPERATOR)];
    const tableBefore = await t.store.tableVersion();
    const results = await Promise.allSettled([alice.write('q_race', toPacer('redis-a', 'alice'), 1), bob.write('q_race', toLegacy('mysql-b', 'bob'), 1)]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const conflict = lost[0]?.reason as RoutingConflictError;
    expect(conflict).toBeInstanceOf(RoutingConflictError);
    expect(conflict).toMatchObject({ queue: 'q_race', expectedVersion: 1, foundVersion: 2 });
    expect(conflict.message).toMatch(/queue 'q_race'.*expected version 1, found version 2/);
    expect((await t.store.read('q_race'))?.version).toBe(2);
    expect(await t.store.tableVersion()).toBe(tableBefore + 1); // the loser wrote nothing
    expect(await t.store.history({ queue: 'q_race', limit: 10 })).toHaveLength(2);
  });

  it('two operators racing to create the first record: one wins, the other gets a conflict', async () => {
    const [alice, bob] = [await RoutingStore.open(await t.connect(), TEST_OPERATOR), await RoutingStore.open(await t.connect(), TEST_OPERATOR)];
    const results = await Promise.allSettled([alice.write('q_new', toPacer(null), 0), bob.write('q_new', toLegacy('a'), 0)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(RoutingConflictError);
    expect((lost?.reason as RoutingConflictError).foundVersion).toBe(1);
  });

  it('a stale expected version is refused before anything is written', async () => {
    await t.store.write('q_stale', toLegacy('a'), 0);
    await expect(t.store.write('q_stale', toPacer('a'), 0)).rejects.toThrow(/queue 'q_stale'.*expected version 0, found version 1 \(changed by alice\)/);
    await expect(t.store.write('q_none', toPacer(null), 3)).rejects.toThrow(/expected version 3, found no record/);
  });

  it('refuses a mode change routing-transitions.ts does not have, and a first record in a migration mode', async () => {
    await t.store.write('q_tr', toPacer(null), 0);
    await expect(t.store.write('q_tr', toPacer('a'), 1)).rejects.toBeInstanceOf(RoutingTransitionError);
    await expect(t.store.write('q_sh', { ...toPacer(null), mode: 'shadow' }, 0)).rejects.toThrow(/first record must be legacy or pacer/);
    await expect(t.store.write('q_bad', { ...toLegacy('a'), legacyCluster: null }, 0)).rejects.toThrow(/legacy needs a legacyCluster/);
    expect((await t.store.read('q_tr'))?.version).toBe(1);
    expect(await t.store.read('q_sh')).toBeUndefined();
  });

  it('writes the migration modes with their direction, checked against the transitions directions included', async () => {
    const migrating = (direction: 'to-pacer' | 'to-legacy'): RoutingChange => ({ mode: 'migrating', direction, legacyCluster: 'redis-a', changedBy: 'copier', reason: 'test' });
    await t.store.write('q_mig', toLegacy('redis-a'), 0);
    await expect(t.store.write('q_mig', migrating('to-legacy'), 1)).rejects.toThrow(/from legacy to migrating\(to-legacy\): no such routing transition/);
    await expect(t.store.write('q_mig', { ...migrating('to-pacer'), direction: undefined }, 1)).rejects.toBeInstanceOf(RoutingTransitionError);
    const started = await t.store.write('q_mig', migrating('to-pacer'), 1);
    expect(started.record).toMatchObject({ mode: 'migrating', direction: 'to-pacer', legacyCluster: 'redis-a', version: 2 });
    expect(await t.store.read('q_mig')).toEqual(started.record);
    await expect(t.store.write('q_mig', toLegacy('redis-a'), 2)).rejects.toBeInstanceOf(RoutingTransitionError);
    const rolledBack = await t.store.write('q_mig', migrating('to-legacy'), 2);
    expect(rolledBack.record.direction).toBe('to-legacy');
    const back = await t.store.write('q_mig', toLegacy('redis-a'), 3);
    expect(back.record).not.toHaveProperty('direction');
    const history = await t.store.history({ queue: 'q_mig', limit: 10 });
    expect(history.map((h) => [h.from?.direction ?? null, h.to.direction ?? null])).toEqual([['to-legacy', null], ['to-pacer', 'to-legacy'], [null, 'to-pacer'], [null, null]]);
  });

  it('refuses queue names that are not PinLater names (they would become znode names)', async () => {
    await expect(t.store.write('../table', toPacer(null), 0)).rejects.toThrow(/cannot name a routing node/);
  });
});

describe('ACLs: only the operator credential writes', () => {
  it('a session without it is refused by ZooKeeper (NO_AUTH) on the record, the table and the history', async () => {
    const { record } = await t.store.write('q_acl', toLegacy('a'), 0);
    const versionBefore = await t.store.tableVersion();
    const anon = await t.connect();
    const changed = serializeRoutingRecord({ ...record, mode: 'pacer', version: 2 });
    await expectZkCode(anon.set(paths.queue('q_acl'), changed), ZkCode.NO_AUTH);
    await expectZkCode(anon.set(paths.table(), Buffer.from('{}')), ZkCode.NO_AUTH);
    await expectZkCode(anon.delete(paths.queue('q_acl')), ZkCode.NO_AUTH);
    await expectZkCode(anon.create(paths.historyEntryPrefix(), Buffer.from('{}'), 'persistent_sequential'), ZkCode.NO_AUTH);
    await expectZkCode(anon.multi([
      { op: 'set', path: paths.queue('q_acl'), data: changed, version: 0 },
      { op: 'set', path: paths.table(), data: Buffer.from('{}') },
    ]), ZkCode.NO_AUTH);
    await expectZkCode(anon.setAcl(paths.queue('q_acl'), [worldAcl(['read', 'write'])]), ZkCode.NO_AUTH);
    expect(await t.store.read('q_acl')).toEqual(record);
    expect(await t.store.tableVersion()).toBe(versionBefore);
  });

  it('a store with a wrong credential gets RoutingPermissionError (cause: NO_AUTH) and writes nothing', async () => {
    await t.store.write('q_wrong', toLegacy('a'), 0);
    const impostor = await RoutingStore.open(await t.connect(), DigestCredential.parse('routing-operator:wrong-password'));
    const error = await impostor.write('q_wrong', toPacer('a'), 1).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RoutingPermissionError);
    expect(((error as Error).cause as ZkError).code).toBe(ZkCode.NO_AUTH);
    const tableError = await impostor.write('q_other', toPacer(null), 0).then(() => undefined, (e: unknown) => e);
    expect(tableError).toBeInstanceOf(RoutingPermissionError); // creating a record is allowed, bumping the table is not: the multi fails
    expect(await t.store.read('q_other')).toBeUndefined();
    expect((await t.store.read('q_wrong'))?.version).toBe(1);
  });

  it("a gateway's session can create a queue's first record but never change or delete one", async () => {
    const gateway = await t.connect();
    const record: RoutingRecord = {
      format: 1, queue: 'gw_new', mode: 'pacer', legacyCluster: null, version: 1, changedAt: new Date().toISOString(), changedBy: 'gateway:gw-1', reason: 'createQueue',
    };
    await gateway.create(paths.queue('gw_new'), serializeRoutingRecord(record), 'persistent', recordAcl());
    expect(await t.store.read('gw_new')).toEqual(record);
    await expectZkCode(gateway.set(paths.queue('gw_new'), serializeRoutingRecord({ ...record, mode: 'legacy', legacyCluster: 'a', version: 2 })), ZkCode.NO_AUTH);
    await expectZkCode(gateway.delete(paths.queue('gw_new')), ZkCode.NO_AUTH);
    await expectZkCode(gateway.create(paths.queue('gw_new'), serializeRoutingRecord(record), 'persistent', recordAcl()), ZkCode.NODE_EXISTS);
    // the operator replaces it (records are immutable nodes: delete and create in one multi)
    expect((await t.store.write('gw_new', toLegacy('a'), 1)).record.version).toBe(2);
    expect(aclEquals((await gateway.getAcl(paths.queue('gw_new'))).acl, recordAcl())).toBe(true);
  });

  it('a record created with a foreign ACL is put back under the operator by setup', async () => {
    const rogue = await t.connect();
    const record: RoutingRecord = { format: 1, queue: 'rogue_q', mode: 'pacer', legacyCluster: null, version: 1, changedAt: 'x', changedBy: 'rogue', reason: '' };
    await rogue.create(paths.queue('rogue_q'), serializeRoutingRecord(record), 'persistent', [worldAcl(['read', 'write', 'create', 'delete', 'admin'])]);
    const result = await setupRoutingTree(t.operatorZk, TEST_OPERATOR);
    expect(result.aclReset).toEqual([paths.queue('rogue_q')]);
    await expectZkCode(rogue.set(paths.queue('rogue_q'), Buffer.from('{}')), ZkCode.NO_AUTH);
  });
});

describe('history', () => {
  it('appends one entry per change and keeps only the newest N (pruned by the writer)', async () => {
    const limited = await RoutingStore.open(t.operatorZk, TEST_OPERATOR, { historyLimit: 3 });
    await limited.write('h_a', toLegacy('a'), 0);
    await limited.write('h_b', toPacer(null), 0);
    await limited.write('h_a', toPacer('a'), 1);
    await limited.write('h_a', toLegacy('a'), 2);
    const last = await limited.write('h_c', toLegacy('b'), 0);
    expect(await t.operatorZk.children(paths.history())).toHaveLength(3);
    const entries = await limited.history({ limit: 10 });
    expect(entries.map((e) => `${e.queue}:${e.to.version}`)).toEqual(['h_c:1', 'h_a:3', 'h_a:2']);
    expect(entries[0]?.tableVersion).toBe(last.tableVersion);
    expect(entries.map((e) => e.sequence)).toEqual([...entries.map((e) => e.sequence)].sort((a, b) => b - a));
    expect((await limited.history({ queue: 'h_a', limit: 1 })).map((e) => e.to.version)).toEqual([3]);
    expect(entries[1]?.from).toMatchObject({ mode: 'pacer', version: 2 });
  });

  it('history entries are immutable: not even the operator can change one', async () => {
    await t.store.write('h_imm', toLegacy('a'), 0);
    const [name] = await t.operatorZk.children(paths.history());
    await expectZkCode(t.operatorZk.set(paths.historyEntry(name as string), Buffer.from('{}')), ZkCode.NO_AUTH);
  });
});

describe('listing', () => {
  it('lists every record and reports the ones that do not parse', async () => {
    await t.store.write('l_a', toLegacy('a'), 0);
    await t.store.write('l_b', toPacer(null), 0);
    await t.operatorZk.create(paths.queue('l_bad'), Buffer.from('{not json'), 'persistent', recordAcl());
    const listing = await t.store.list();
    expect(listing.records.map((r) => r.queue)).toEqual(['l_a', 'l_b']);
    expect(listing.invalid).toEqual([{ queue: 'l_bad', error: expect.stringMatching(/not JSON/) as unknown }]);
    expect(listing.tableVersion).toBe(2);
    // the operator repairs it, naming it unreadable in the compare-and-set
    await expect(t.store.write('l_bad', toLegacy('a'), 0)).rejects.toThrow(/expected version 0, found version -1/);
    expect((await t.store.write('l_bad', toLegacy('a'), UNREADABLE_RECORD_VERSION)).record.version).toBe(1);
    expect((await t.store.read('l_bad'))?.legacyCluster).toBe('a');
  });
});
