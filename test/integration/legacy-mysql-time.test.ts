/**
 * Time convention of the legacy MySQL layout (FACTS §5.4): written values come from the injected
 * clock, truncated to whole seconds, as wall-clock literals in the process time zone on a session
 * whose time_zone is that same zone; eligibility uses the database's NOW(). Rows are checked with
 * plain SQL on sessions set up as a Java server's would be (JVM zone == session zone).
 */
import type { Connection } from 'mysql2/promise';
import { JobState } from '../../core/src/types/job-state';
import { formatSqlTimestamp } from '../../legacy-adapter/src/mysql/mysql-time';
import { uniqueMysqlInstanceId } from '../support/namespaces';
import { assertNoLeaks } from '../support/leak-check';
import { dropInstanceDatabases, rawConnection, selectRows, startMysqlBackend, TestClock, type MysqlBackendHarness } from './legacy-mysql-fixtures';

describe.each([
  ['UTC', 0],
  ['UTC+02:00', 120],
  ['UTC-07:00', -420],
])('legacy MySQL time in a process zone of %s', (_label, offset) => {
  let h: MysqlBackendHarness;
  let utc: Connection;
  let local: Connection;
  const id = uniqueMysqlInstanceId();
  const zone = `${offset < 0 ? '-' : '+'}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;

  beforeAll(async () => {
    h = await startMysqlBackend({ instances: [{ id }], clock: new TestClock(), internals: { zoneOffset: () => offset } });
    await h.backend.createQueue('tq');
    utc = await rawConnection('+00:00');
    local = await rawConnection(zone);
  });
  afterAll(async () => {
    await dropInstanceDatabases([id]);
    await utc.end();
    await local.end();
    await h.close();
  });
  afterAll(() => assertNoLeaks());

  it('writes the exact instant, truncated, as the wall clock of the process zone', async () => {
    h.clock.t = 1_700_000_123_999;
    const [descriptor] = await h.backend.enqueueJobs({ queue: 'tq', jobs: [{ body: Buffer.from('x'), priority: 1, attemptsAllowed: 1, customStatus: '', runAfterMs: 1_700_000_456_500 }] });
    h.clock.t = Date.now();
    const localId = Number(descriptor?.split(':')[3]);
    const [instant] = await selectRows(utc, `SELECT UNIX_TIMESTAMP(created_at) AS c, UNIX_TIMESTAMP(run_after) AS r FROM plq_${id}_tq.jobs_p1 WHERE local_id = ?`, [localId]);
    expect(instant).toMatchObject({ c: 1_700_000_123, r: 1_700_000_456 });
    const [wall] = await selectRows(local, `SELECT created_at, run_after FROM plq_${id}_tq.jobs_p1 WHERE local_id = ?`, [localId]);
    expect(wall).toEqual({ created_at: formatSqlTimestamp(1_700_000_123_000, offset), run_after: formatSqlTimestamp(1_700_000_456_000, offset) });
    const info = (await h.backend.lookupJobs({ descriptors: [descriptor!], includeBody: false })).get(descriptor!);
    expect(info).toMatchObject({ createdAtMs: 1_700_000_123_000, runAfterMs: 1_700_000_456_000 });
  });

  it('reads rows a Java server wrote in the same zone as their true instants', async () => {
    await local.query(
      `INSERT INTO plq_${id}_tq.jobs_p2 (state, attempts_allowed, attempts_remaining, custom_status, created_at, run_after, body) VALUES (0, 1, 1, '', '2024-06-01 12:00:00', '2024-06-01 12:00:01', 'j')`,
    );
    const [job] = await h.backend.scanJobs({ queue: 'tq', state: JobState.PENDING, priority: 2, future: false, limit: 1 });
    const wallMs = Date.UTC(2024, 5, 1, 12, 0, 0);
    expect(job).toMatchObject({ createdAtMs: wallMs - offset * 60_000, runAfterMs: wallMs + 1000 - offset * 60_000 });
  });

  it('uses the database clock for eligibility, whatever the client clock says', async () => {
    h.clock.t = Date.now() + 7 * 86_400_000; // client a week ahead
    await h.backend.enqueueJobs({ queue: 'tq', jobs: [{ body: Buffer.from('w'), priority: 3, attemptsAllowed: 1, customStatus: '' }] });
    h.clock.t = Date.now();
    expect(await h.backend.getJobCount({ queue: 'tq', state: JobState.PENDING, priority: 3, future: true })).toBe(1);
    expect((await h.backend.dequeueJobs({ queue: 'tq', limit: 10, dryRun: true, coverage: 1, claimDescriptor: 'c' })).jobs.map((j) => j.body.toString())).not.toContain('w');
    // Pin NOW() on a Java-like session: at the job's run_after the count predicate calls it current.
    const [r] = await selectRows(utc, `SELECT UNIX_TIMESTAMP(run_after) AS r FROM plq_${id}_tq.jobs_p3`);
    await utc.query('SET timestamp = ?', [Number(r?.r)]);
    try {
      const [current] = await selectRows(utc, `SELECT COUNT(*) AS n FROM plq_${id}_tq.jobs_p3 WHERE state = 0 AND run_after <= NOW()`);
      expect(Number(current?.n)).toBe(1);
      await utc.query('SET timestamp = ?', [Number(r?.r) - 1]);
      const [future] = await selectRows(utc, `SELECT COUNT(*) AS n FROM plq_${id}_tq.jobs_p3 WHERE state = 0 AND run_after > NOW()`);
      expect(Number(future?.n)).toBe(1);
    } finally {
      await utc.query('SET timestamp = DEFAULT');
    }
  });
});
