/**
 * Issue 8: every role runs under its own least-privilege MySQL account, never root. The accounts
 * are made here exactly as the bring-up makes them (scripts/sql/mysql-accounts.sql through
 * scripts/mysql-accounts.ts), with unique names and this test's own Pacer database, and dropped
 * afterwards. Each role does its whole job under its account, and cannot read mysql.user or touch
 * a database outside its own.
 */
import mysql, { type Connection } from 'mysql2/promise';
import { accountStatements, ROLES, type AccountsConfig, type Role } from '../../scripts/mysql-accounts';
import { createPacerBackend } from '../../pacer';
import { migrateDatabase } from '../../pacer/src/migrate';
import { createMysqlPool } from '../../pacer/src/datastore/mysql-pool';
import { deleteLeases, insertLeases, liveLeases } from '../../pacer/src/datastore/claim-leases';
import { leaseIdOf } from '../../pacer/src/datastore/claim-lease-id';
import { assignOwner } from '../../pacer/src/datastore/partition-owners';
import { QueueRegistry } from '../../pacer/src/datastore/queue-registry';
import { systemClock } from '../../core/src/util/clock';
import { JobState } from '../../core/src/types/job-state';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { assertNoLeaks } from '../support/leak-check';
import { freshDatabase, randomAlnum, type FreshDatabase } from '../support/namespaces';
import { withMysql } from '../support/mysql';
import { testEnv } from '../support/test-env';
import { ADMIN_PASSWORD, startGatewayProcess } from './support/gateway-process';

const HOST = '127.0.0.1';
let pacerDb: FreshDatabase;
let config: AccountsConfig;

beforeAll(async () => {
  pacerDb = await freshDatabase('pacer_lp');
  const tag = randomAlnum(8);
  const accounts = {} as AccountsConfig['accounts'];
  for (const role of ROLES) accounts[role] = { user: `t${tag}_${role.toLowerCase()}`, password: `pw-${role}-${tag}` };
  config = { host: HOST, pacerDatabase: pacerDb.name, accounts };
  await withMysql(async (db) => {
    for (const statement of accountStatements(config)) await db.query(statement);
  });
});
afterAll(async () => {
  await withMysql(async (db) => {
    for (const role of ROLES) await db.query('DROP USER IF EXISTS ?@?', [config.accounts[role].user, HOST]);
  });
  await pacerDb?.drop();
});
afterAll(() => assertNoLeaks());

function mysqlAs(role: Role): Promise<Connection> {
  const { user, password } = config.accounts[role];
  return mysql.createConnection({ host: testEnv().mysql.host, port: testEnv().mysql.port, user, password, connectTimeout: 5000 });
}

/** The errno a statement fails with under `role` (undefined: it succeeded). */
async function errnoAs(role: Role, statement: string): Promise<number | undefined> {
  const conn = await mysqlAs(role);
  try {
    await conn.query(statement);
    return undefined;
  } catch (e) {
    return (e as { errno?: number }).errno;
  } finally {
    await conn.end();
  }
}

const ER_DBACCESS_DENIED = 1044;
const ER_TABLEACCESS_DENIED = 1142;

it('legacy MySQL gateway: every method works under its account', async () => {
  const { user, password } = config.accounts.legacyGateway;
  const gw = await startGatewayProcess({ backend: 'legacy-mysql', mysqlUser: { user, password } });
  try {
    const client = await ConformanceClient.connect(gw.address);
    try {
      await client.createQueue('lpq');
      expect(await client.queueNames()).toContain('lpq');
      await client.enqueue('lpq', [{ body: 'a' }, { body: 'b' }, { body: 'c' }]);
      const claimed = Object.keys((await client.dequeue({ queue: 'lpq', limit: 2 })).jobs ?? {}).sort();
      expect(claimed).toHaveLength(2);
      await client.ack({ queue: 'lpq', succeeded: claimed.map((descriptor) => ({ descriptor })) });
      expect(await client.count({ queue: 'lpq', state: JobState.SUCCEEDED })).toBe(2);
      expect(await client.count({ queue: 'lpq', state: JobState.PENDING, bodyRegex: '^[abc]$' })).toBe(1);
      const scanned = await client.scan({ queue: 'lpq', state: JobState.SUCCEEDED, limit: 10 });
      expect(scanned.scannedJobs.map((j) => j.jobDescriptor).sort()).toEqual(claimed);
      expect(await client.deleteJobs({ queue: 'lpq', state: JobState.SUCCEEDED, limit: 10, bodyRegex: '.' })).toBe(2);
      await client.deleteQueue('lpq', ADMIN_PASSWORD);
      expect(await client.queueNames()).not.toContain('lpq');
    } finally {
      await client.close();
    }
  } finally {
    await gw.close();
  }
}, 60_000);

it('legacy MySQL gateway account: no mysql.user, no database outside plq_', async () => {
  expect(await errnoAs('legacyGateway', 'SELECT User FROM mysql.user')).toBe(ER_TABLEACCESS_DENIED);
  expect(await errnoAs('legacyGateway', `CREATE DATABASE lp_other_${randomAlnum(6)}`)).toBe(ER_DBACCESS_DENIED);
  expect(await errnoAs('legacyGateway', `SELECT COUNT(*) FROM \`${pacerDb.name}\`.queues`)).toBe(ER_TABLEACCESS_DENIED);
});

describe('Pacer: the migrator owns the schema, the gateway and broker only use it', () => {
  const target = (role: Role) => ({ ...testEnv().mysql, user: config.accounts[role].user, password: config.accounts[role].password, database: pacerDb.name });

  it('a DML-only account refuses to start on a schema that needs migrating, and says who must migrate', async () => {
    await expect(createPacerBackend({ topology: { mode: 'embedded' }, mysql: target('pacerGateway') })).rejects.toThrow(/may not change the schema: apply them as the migrator account/);
  });

  it('the migrator applies the schema; gateway and embedded broker then work under the DML account', async () => {
    expect(await migrateDatabase(target('pacerMigrator'))).not.toEqual([]);
    const backend = await createPacerBackend({ topology: { mode: 'embedded' }, mysql: target('pacerGateway') });
    try {
      await backend.createQueue('lpq');
      await backend.enqueueJobs({ queue: 'lpq', jobs: ['a', 'b'].map((body) => ({ body: Buffer.from(body), priority: 1, attemptsAllowed: 1, customStatus: '' })) });
      const { jobs } = await backend.dequeueJobs({ queue: 'lpq', limit: 1, dryRun: false, coverage: 1, claimDescriptor: 'h:1:2:w:1' });
      expect(jobs).toHaveLength(1);
      await backend.ackDequeuedJobs({ queue: 'lpq', succeeded: jobs.map((j) => ({ descriptor: j.descriptor, appendCustomStatus: '', retryDelayMs: 0 })), failed: [] });
      expect(await backend.getJobCount({ queue: 'lpq', state: JobState.PENDING, future: false, bodyRegex: '^[ab]$' })).toBe(1);
      expect(await backend.scanJobs({ queue: 'lpq', state: JobState.PENDING, future: false, limit: 10 })).toHaveLength(1);
      expect(await backend.deleteJobs({ queue: 'lpq', state: JobState.PENDING, priority: 1, limit: 10, bodyRegex: '.' })).toBe(1);
      expect(await backend.getQueueNames()).toContain('lpq');
      await backend.deleteQueue('lpq');
    } finally {
      await backend.close();
    }
  }, 60_000);

  it.each<Role>(['pacerGateway', 'pacerBroker'])('%s writes, reads and deletes claim leases (migration 0003) under its account', async (role) => {
    const queue = `lpl_${role.toLowerCase()}`;
    const gateway = createMysqlPool({ ...target('pacerGateway'), connectionLimit: 1, connectTimeoutMs: 5000 });
    try {
      await new QueueRegistry(gateway, systemClock, { numPartitions: 1, numPriorities: 3, cacheMs: 0 }).create(queue);
    } finally {
      await gateway.end();
    }
    const pool = createMysqlPool({ ...target(role), connectionLimit: 2, connectTimeoutMs: 5000 });
    try {
      const owner = { queue, partition: 0, ownerId: role, epoch: await assignOwner(pool, systemClock, queue, 0, role) };
      const lease = { owner, leaseId: leaseIdOf(owner.epoch, 0), claimDescriptor: 'h:1:2:w:1', claimedAtMs: Date.now(), jobIds: [1, 2] };
      expect(await insertLeases(pool, [lease])).toEqual({ written: [lease], rejected: [] });
      expect(await liveLeases(pool, queue, 0, { limit: 10 })).toEqual([lease]);
      expect(await deleteLeases(pool, owner, [lease.leaseId], Date.now())).toBe(1);
    } finally {
      await pool.end();
    }
  });

  it.each<Role>(['pacerGateway', 'pacerBroker', 'copier'])('%s cannot change the schema or read mysql.user', async (role) => {
    expect(await errnoAs(role, `CREATE TABLE \`${pacerDb.name}\`.extra (id INT)`)).toBe(ER_TABLEACCESS_DENIED);
    expect(await errnoAs(role, `ALTER TABLE \`${pacerDb.name}\`.jobs ADD COLUMN x INT`)).toBe(ER_TABLEACCESS_DENIED);
    expect(await errnoAs(role, 'SELECT User FROM mysql.user')).toBe(ER_TABLEACCESS_DENIED);
  });

  it('the copier reads both sides; the Pacer roles see no legacy database', async () => {
    expect(await errnoAs('copier', `SELECT COUNT(*) FROM \`${pacerDb.name}\`.jobs`)).toBeUndefined();
    expect(await errnoAs('copier', 'CREATE DATABASE plq_lpcopier_q')).toBe(ER_DBACCESS_DENIED);
    expect(await errnoAs('pacerGateway', 'CREATE DATABASE plq_lpgateway_q')).toBe(ER_DBACCESS_DENIED);
    expect(await errnoAs('pacerMigrator', 'SELECT User FROM mysql.user')).toBe(ER_TABLEACCESS_DENIED);
  });
});
