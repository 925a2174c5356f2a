/**
 * Issue 8, finding 1, second line of defence: the legacy MySQL store quotes every identifier, so a
 * queue name that reaches it (the gateway validates names at the edge, which would hide this) can
 * never change what a statement does. Called at the store level with the probe's injection names:
 * a scan that UNIONs in mysql.user, an ack and a delete that would touch every row of a real
 * queue's table, and getJobCount used as a true/false oracle on mysql.user. Each must fail or find
 * nothing; no row of the real queue may change and no account name may come back.
 */
import type { Connection } from 'mysql2/promise';
import { PinLaterError } from '../../core/src/errors/pinlater-error';
import type { ShardStore } from '../../core/src/interfaces/shard-store';
import { JobState } from '../../core/src/types/job-state';
import { assertNoLeaks } from '../support/leak-check';
import { uniqueMysqlInstanceId } from '../support/namespaces';
import { dropInstanceDatabases, mysqlTestSettings, rawConnection, selectRows, startMysqlBackend, type MysqlBackendHarness } from '../integration/legacy-mysql-fixtures';

describe('legacy MySQL store: queue names cannot inject SQL', () => {
  const id = uniqueMysqlInstanceId();
  const queue = 'victim';
  const table = `plq_${id}_${queue}.jobs_p1`;
  let h: MysqlBackendHarness;
  let store: ShardStore;
  let raw: Connection;
  let localIds: number[];

  /** The rows of the real queue as the database holds them. */
  const snapshot = () => selectRows(raw, `SELECT local_id, state, custom_status, claim_descriptor, attempts_remaining FROM ${table} ORDER BY local_id`);

  beforeAll(async () => {
    h = await startMysqlBackend({ instances: [{ id }], settings: mysqlTestSettings() });
    store = h.registry.current()[0]!;
    raw = await rawConnection();
    await store.createQueue(queue);
    localIds = [];
    for (const body of ['a', 'b', 'c']) {
      localIds.push(await store.enqueue(queue, { body: Buffer.from(body), priority: 1, attemptsAllowed: 2, customStatus: 'orig' }));
    }
  });
  afterAll(async () => {
    await raw?.end();
    await h?.close();
    await dropInstanceDatabases([id]);
  });
  afterAll(() => assertNoLeaks());

  it('a scan whose queue name UNIONs in mysql.user returns no accounts', async () => {
    const injected = `${queue}.jobs_p1 WHERE 1=0 UNION SELECT 1, NULL, 1, 1, CONCAT(User, '@', Host), NOW(), NOW(), NOW() FROM mysql.user #`;
    const outcome = await store.scan(injected, 1, JobState.PENDING, false, 100, undefined).catch((e: unknown) => e);
    if (!(outcome instanceof PinLaterError)) {
      const statuses = (outcome as Array<{ customStatus: string }>).map((j) => j.customStatus);
      throw new Error(`the scan answered rows from mysql.user: ${JSON.stringify(statuses)}`);
    }
    expect(outcome.message).not.toMatch(/root@/);
  });

  it('getJobCount is no oracle on mysql.user: a true and a false condition answer the same', async () => {
    const probe = (condition: string) =>
      store.count(`${queue}.jobs_p1 WHERE ${condition}) AS x #`, 1, JobState.PENDING, false, undefined).then(
        (n) => `count ${n}`,
        (e: unknown) => (e instanceof PinLaterError ? 'error' : `unexpected ${String(e)}`),
      );
    const whenTrue = await probe("(SELECT COUNT(*) FROM mysql.user WHERE User = 'root') > 0");
    const whenFalse = await probe("(SELECT COUNT(*) FROM mysql.user WHERE User = 'no-such-account-x') > 0");
    expect({ whenTrue, whenFalse }).toEqual({ whenTrue: 'error', whenFalse: 'error' });
  });

  it('an ack whose queue name carries a SET clause changes no row of the real table', async () => {
    const before = await snapshot();
    const injected = `${queue}.jobs_p1 SET custom_status = 'pwned', state = 3 #`;
    await store.ackSucceeded(injected, 1, localIds[0]!, 'x').catch(() => undefined);
    await store.ackFailed(injected, 1, localIds[1]!, 'x', 0).catch(() => undefined);
    expect(await snapshot()).toEqual(before);
  });

  it('a delete or a dequeue whose queue name comments out the WHERE clause touches nothing', async () => {
    const before = await snapshot();
    await store.deleteJobs(`${queue}.jobs_p1 #`, 1, JobState.SUCCEEDED, 1000, undefined).catch(() => undefined);
    await store.dequeue(`${queue}.jobs_p1 SET state = 2 #`, 1, 10, 'gw:1:2:w:1').catch(() => undefined);
    expect(await snapshot()).toEqual(before);
    expect(before).toHaveLength(3);
  });

  it('the real queue still works through the same store (quoting changes nothing for valid names)', async () => {
    expect(await store.count(queue, 1, JobState.PENDING, false, undefined)).toBe(3);
    expect((await store.scan(queue, 1, JobState.PENDING, false, 10, 'b')).map((j) => j.localId)).toEqual([localIds[1]]);
  });
});
