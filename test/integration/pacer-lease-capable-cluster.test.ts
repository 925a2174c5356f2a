/**
 * Claim leases only while every live broker honours them (coordination/lease-capable-cluster.ts;
 * issue 15, rollout), against a real ZooKeeper chroot per test:
 * - the reader says no before its first read, no while a live member lacks the LiveInstance field
 *   (a broker of a release before leases), and yes once it left; it sees members join and leave
 *   through its watch, long before its next poll;
 * - a broker process in cluster mode beside such a member (registered disabled, so the controller
 *   gives it nothing) claims per job, and with leases once it is gone: the wiring a fleet's rolling
 *   upgrade relies on.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { LeaseCapableCluster, CLAIM_LEASES_FIELD, CLAIM_LEASES_LEVEL } from '../../pacer/src/coordination/lease-capable-cluster';
import { addInstance } from '../../pacer/src/coordination/cluster-setup';
import { instanceConfigRecord, liveInstanceRecord } from '../../pacer/src/coordination/helix-records';
import { serializeRecord } from '../../pacer/src/coordination/zn-record';
import { updateRecord } from '../../pacer/src/coordination/record-store';
import { silentLogger } from '../../core/src/logging/logger';
import { JobState } from '../../core/src/types/job-state';
import { freshDatabase, type FreshDatabase } from '../support/namespaces';
import { ProcessGroup } from '../support/pacer-processes';
import { testEnv } from '../support/test-env';
import { withMysql } from '../support/mysql';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { CLUSTER, TestCluster } from './pacer-cluster/harness';
import { dequeueReq, job } from './pacer-fixtures';

jest.setTimeout(60_000);

const SESSION_TIMEOUT_MS = 6000;
let c: TestCluster;

afterEach(async () => {
  await c.close();
});
afterAll(assertNoLeaks);

/** A live member as `name` would register it: with the claim-lease field, or (`old`) without. */
async function liveMember(name: string, old: boolean): Promise<string> {
  const path = c.paths.liveInstance(name);
  const extra: Record<string, string> = old ? {} : { [CLAIM_LEASES_FIELD]: CLAIM_LEASES_LEVEL };
  await c.admin.create(path, serializeRecord(liveInstanceRecord(name, `${name}-session`, extra)), 'ephemeral');
  return path;
}

describe('LeaseCapableCluster', () => {
  it('allows leases only once it has read every live member honouring them', async () => {
    c = await TestCluster.create();
    const sessions = await c.sessionsFor('reader');
    const reader = new LeaseCapableCluster(sessions, c.paths, silentLogger(), 50);
    try {
      expect(reader.leasesAllowed()).toBe(false); // nothing read yet
      await liveMember('new-a', false);
      const old = await liveMember('old-b', true);
      await reader.start();
      expect(reader.leasesAllowed()).toBe(false);
      await c.admin.delete(old);
      await eventually(() => expect(reader.leasesAllowed()).toBe(true));
      await liveMember('old-c', true);
      await eventually(() => expect(reader.leasesAllowed()).toBe(false));
    } finally {
      await reader.close();
    }
  });

  it('sees a member join or leave at once, through its watch on the live members, not at its next poll', async () => {
    c = await TestCluster.create();
    const sessions = await c.sessionsFor('reader');
    const reader = new LeaseCapableCluster(sessions, c.paths, silentLogger(), 3_600_000); // the poll never comes
    try {
      await liveMember('new-a', false);
      await reader.start();
      expect(reader.leasesAllowed()).toBe(true);
      const old = await liveMember('old-b', true);
      await eventually(() => expect(reader.leasesAllowed()).toBe(false), { timeoutMs: 5000 });
      await c.admin.delete(old);
      await eventually(() => expect(reader.leasesAllowed()).toBe(true), { timeoutMs: 5000 });
    } finally {
      await reader.close();
    }
  });
});

describe('a lease broker beside a live broker of a release before leases', () => {
  let db: FreshDatabase | undefined;
  let procs: ProcessGroup | undefined;
  let backend: PacerBackend | undefined;
  afterEach(async () => {
    await backend?.close();
    await procs?.close();
    await db?.drop();
    backend = undefined;
    procs = undefined;
    db = undefined;
  });

  async function leaseCount(): Promise<number> {
    return withMysql(async (conn) => {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM claim_leases');
      return Number(rows[0]?.n);
    }, db?.name);
  }

  async function stateOf(descriptor: string): Promise<number> {
    return withMysql(async (conn) => {
      const [rows] = await conn.query<RowDataPacket[]>('SELECT state FROM jobs WHERE id = ?', [Number(descriptor.split(':')[3])]);
      return Number(rows[0]?.state);
    }, db?.name);
  }

  it('claims per job while that broker lives, and with leases once it left', async () => {
    c = await TestCluster.create();
    db = await freshDatabase('pacer_lcc');
    const { host, port, user, password } = testEnv().mysql;
    procs = new ProcessGroup({
      zkConnect: c.chroot.connectString, cluster: CLUSTER, database: db.name, sessionTimeoutMs: SESSION_TIMEOUT_MS,
      env: {
        PACER_MONITOR_ENABLED: 'false', PACER_LEASE_CAPABILITY_POLL_MS: '100',
        PACER_MYSQL_HOST: host, PACER_MYSQL_PORT: String(port), PACER_MYSQL_USER: user, PACER_MYSQL_PASSWORD: password,
      },
    });
    backend = await createPacerBackend({
      mysql: { host, port, user, password, database: db.name }, defaultPartitions: 1,
      topology: { mode: 'zookeeper', connect: c.chroot.connectString, cluster: CLUSTER, sessionTimeoutMs: SESSION_TIMEOUT_MS },
    });
    await procs.startController('controller-lcc');
    // The older broker: registered and live, disabled so the controller assigns it nothing.
    await addInstance(c.admin, c.paths, 'old-broker', { host: '127.0.0.1', port: 1 });
    await updateRecord(c.admin, c.paths.instanceConfig('old-broker'), () => instanceConfigRecord('old-broker', { host: '127.0.0.1', port: 1 }, false));
    const old = await liveMember('old-broker', true);
    await procs.startBroker('broker-lcc');
    await backend.createQueue('lcc');
    const [first] = (await backend.enqueueJobs({ queue: 'lcc', jobs: [job('a')] })) as [string];
    await eventually(async () => expect((await backend!.dequeueJobs(dequeueReq('lcc', 1))).jobs.map((j) => j.descriptor)).toEqual([first]), { timeoutMs: 20_000 });
    expect(await stateOf(first)).toBe(JobState.IN_PROGRESS); // claimed per job: the row was written
    expect(await leaseCount()).toBe(0);
    await backend.ackDequeuedJobs({ queue: 'lcc', succeeded: [{ descriptor: first, appendCustomStatus: '', retryDelayMs: 0 }], failed: [] });
    expect(await stateOf(first)).toBe(JobState.SUCCEEDED);

    await c.admin.delete(old);
    // The broker reads the live members every 100 ms: until a read after the deletion, its claims
    // stay per job (each round's job is then simply in progress).
    await eventually(async () => {
      await backend!.enqueueJobs({ queue: 'lcc', jobs: [job('b')] });
      expect((await backend!.dequeueJobs(dequeueReq('lcc', 10))).jobs.length).toBeGreaterThan(0);
      expect(await leaseCount()).toBeGreaterThan(0);
    }, { timeoutMs: 10_000, intervalMs: 100 });
    const leased = await withMysql(async (conn) => {
      const [rows] = await conn.query<RowDataPacket[]>("SELECT j.state FROM claim_leases l, JSON_TABLE(l.job_ids, '$[*]' COLUMNS (id BIGINT PATH '$')) t, jobs j WHERE j.id = t.id");
      return rows.map((r) => Number(r.state));
    }, db.name);
    expect(leased.length).toBeGreaterThan(0);
    expect(leased.every((state) => state === JobState.PENDING)).toBe(true); // claimed by a lease: the rows are untouched
  });
});
