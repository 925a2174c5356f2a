/**
 * Where a lease-mode ack's MySQL time goes (issue 15): the success-ack statement of leased jobs
 * (lease-ack-succeeded.sql, as `ackLeasedSucceeded` runs it) against the per-job ack
 * (ack-succeeded.sql's shape on the same never-claimed rows: bench/support/claim-lease-floor.ts),
 * against the JSON form it had until 2026-12-05 (the acks as JSON_TABLE rows joined to the jobs;
 * now one single-table UPDATE with a CASE branch per lease), and against copies of that JSON form
 * with the parts migration 0004 took out put back (the statement as it was before), all on the
 * same server in the same run, interleaved round by round. About ten seconds. Run it with
 * `--rows 100 --jobs-per-lease 10` too: a limit-10 dequeuer's acks, the shape the CASE suits least
 * per row after one-job leases (it bounds a statement to 100 leases).
 *
 *   npx tsx bench/lease-ack-cost.ts [--rows 1000] [--rounds 7] [--jobs-per-lease 100]
 *
 * Setup: a fresh database (`migrateDatabase`), one queue of 4 partitions owned by one owner
 * (`assignOwner`), pending jobs inserted directly (64-byte bodies, priority 1, no claim
 * descriptor: as enqueue leaves them), and leases of `--jobs-per-lease` jobs each written with
 * the product's `insertLeases` (one partition's consecutive jobs per lease). Each round times one
 * statement of `--rows` acks per variant, every variant on its own untouched rows; the first round
 * is a warm-up. Printed: the median per variant, µs per row, and its ratio to the per-job ack.
 *
 * Variants of the JSON form (copies of its text with a part put back where it stood; the bench
 * fails if the place is no longer there, so it never silently measures one statement twice):
 * - `+ lease check`: the per-row EXISTS on claim_leases with JSON_CONTAINS(l.job_ids, …), which
 *   the statement had before migration 0004 (the broker's lease map is the check now);
 * - `+ descriptor write`: `claim_descriptor = a.claim_descriptor`, which grows the row (NULL →
 *   a value), so InnoDB cannot update it in place (reads take it from the lease now);
 * - `+ both`: the statement as it was before migration 0004;
 * - `+ descriptor write, pre-sized rows`: the same on rows whose claim_descriptor already holds a
 *   value of the same length (the write is then in place): the row growth apart from the copy;
 * - then both acks again on a second database without idx_jobs_claimed (the index-set question).
 */
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import mysql, { type Pool } from 'mysql2/promise';
import { systemClock } from '../core/src/util/clock';
import { migrateDatabase } from '../pacer/src/migrate';
import { assignOwner, type OwnerRef } from '../pacer/src/datastore/partition-owners';
import { createMysqlPool, executeRetried } from '../pacer/src/datastore/mysql-pool';
import { insertLeases, type ClaimLease } from '../pacer/src/datastore/claim-leases';
import { leaseIdOf } from '../pacer/src/datastore/claim-lease-id';
import { ackLeasedSucceeded, leasedJobRows, type LeasedAck } from '../pacer/src/datastore/lease-acks';
import { QueueRegistry } from '../pacer/src/datastore/queue-registry';
import { TABLES } from '../pacer/src/datastore/tables';
import { ackPending } from './support/claim-lease-floor';
import { exitWithHeaderHelp } from './support/header-help';
import { integerIn } from './support/integer-option';
import { median } from './support/latency';
import { Teardown } from './support/teardown';

exitWithHeaderHelp(__filename);

const HOST = '127.0.0.1';
const PARTITIONS = 4;
const QUEUE = 'ackcost';
const DESCRIPTOR = 'bench-host:4242:worker-17:dequeue-000001';
const opts = new Command()
  .option('--rows <n>', 'acks per statement', integerIn(10, 1000), 1000)
  .option('--rounds <n>', 'interleaved rounds (the first is a warm-up)', integerIn(2, 50), 7)
  .option('--jobs-per-lease <n>', 'jobs each lease names', integerIn(1, 1000), 100)
  .parse()
  .opts<{ rows: number; rounds: number; jobsPerLease: number }>();
const ROWS = opts.rows;
const ROUNDS = opts.rounds;
const JOBS_PER_LEASE = opts.jobsPerLease;

interface Job { id: number; part: number; leaseId: bigint }
type Variant = (pool: Pool, jobs: Job[]) => Promise<number>;

/**
 * The lease ack as it was from migration 0004 until 2026-12-05: the acks as JSON_TABLE rows joined
 * to the job rows (MariaDB materializes them, and re-reads the updated rows by position from a
 * second temporary table). The statement now names each lease in a CASE branch of one single-table
 * UPDATE (lease-ack-succeeded.sql, lease-ack-case.sql); the variants below start from this text.
 */
const JSON_FORM = `UPDATE JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$[0]', lease_id BIGINT PATH '$[1]', claim_descriptor VARCHAR(200) PATH '$[2]',
  queue VARCHAR(100) PATH '$[3]', part INT PATH '$[4]', priority INT PATH '$[5]')) a
STRAIGHT_JOIN ${TABLES.jobs} j ON j.id = a.id
SET j.state = 2, j.custom_status = LEFT(CONCAT(j.custom_status, ?), 5000), j.updated_at_ms = ?, j.settled_lease = a.lease_id,
  j.claim_descriptor = NULL
WHERE j.state = 0 AND j.settled_lease < a.lease_id
  AND CAST(j.queue AS BINARY) = CAST(a.queue AS BINARY) AND j.part = a.part AND j.priority = a.priority`;

/** The parts migration 0004 took out of the lease ack (JSON form), put back in place of the text that replaced them. */
const LEASE_CHECK = {
  from: 'j.settled_lease < a.lease_id',
  to: `j.settled_lease < a.lease_id AND EXISTS (SELECT 1 FROM ${TABLES.claimLeases} l WHERE l.queue = j.queue AND l.part = j.part AND l.lease_id = a.lease_id AND JSON_CONTAINS(l.job_ids, CAST(j.id AS CHAR)))`,
};
const DESCRIPTOR_WRITE = { from: 'j.claim_descriptor = NULL', to: 'j.claim_descriptor = a.claim_descriptor' };

/** The JSON form with the first `part.from` replaced by `part.to`; throws when that text is not found. */
function withPart(text: string, part: { from: string; to: string }): string {
  const at = text.indexOf(part.from);
  if (at < 0) throw new Error(`the JSON form no longer contains ${JSON.stringify(part.from)}: update bench/lease-ack-cost.ts`);
  return text.slice(0, at) + part.to + text.slice(at + part.from.length);
}

function leasedAcks(jobs: Job[]): LeasedAck[] {
  return jobs.map((j) => ({
    queue: QUEUE, ref: { queue: QUEUE, partition: j.part, priority: 1, id: j.id },
    info: { descriptor: '', appendCustomStatus: '', retryDelayMs: 0 }, leaseId: j.leaseId, claimDescriptor: DESCRIPTOR,
  }));
}

const statementVariant = (text: string): Variant => async (pool, jobs) =>
  (await executeRetried(pool, text, [leasedJobRows(QUEUE, leasedAcks(jobs)), '', Date.now()])).affectedRows;

const productLeaseAck: Variant = (pool, jobs) => ackLeasedSucceeded(pool, leasedAcks(jobs), Date.now());
const perJobAck: Variant = (pool, jobs) => ackPending(pool, QUEUE, jobs, Date.now());

/** A fresh database with `count` pending jobs in leases; `descriptor` pre-fills claim_descriptor. */
async function prepare(admin: mysql.Connection, database: string, count: number, options: { descriptor?: string; dropIndex?: string }, pools: Pool[]): Promise<{ pool: Pool; jobs: Job[] }> {
  await migrateDatabase({ host: HOST, port: 3306, user: 'root', password: '', database });
  if (options.dropIndex !== undefined) await admin.query(`ALTER TABLE \`${database}\`.jobs DROP INDEX \`${options.dropIndex}\``);
  const pool = createMysqlPool({ host: HOST, port: 3306, user: 'root', password: '', database, connectionLimit: 2, connectTimeoutMs: 5000 });
  pools.push(pool); // ended by main's finally, also when the setup below fails (an open pool would keep the process alive)
  const now = Date.now();
  await new QueueRegistry(pool, systemClock, { numPartitions: PARTITIONS, numPriorities: 3, cacheMs: 0 }).create(QUEUE);
  for (let i = 0; i < count; i += 2000) {
    const rows = Array.from({ length: Math.min(2000, count - i) }, (_, k) =>
      [QUEUE, (i + k) % PARTITIONS, 1, 0, options.descriptor ?? null, 2, 2, '', now, now, now, Buffer.alloc(64, 'x')]);
    await admin.query(`INSERT INTO \`${database}\`.jobs (queue, part, priority, state, claim_descriptor, attempts_allowed, attempts_remaining, custom_status, created_at_ms, updated_at_ms, run_after_ms, body) VALUES ?`, [rows]);
  }
  const owners: OwnerRef[] = [];
  for (let p = 0; p < PARTITIONS; p += 1) owners.push({ queue: QUEUE, partition: p, ownerId: 'bench', epoch: await assignOwner(pool, systemClock, QUEUE, p, 'bench') });
  const [found] = await admin.query<mysql.RowDataPacket[]>(`SELECT id, part FROM \`${database}\`.jobs ORDER BY id`);
  const byPart = owners.map(() => [] as number[]);
  for (const r of found) byPart[Number(r.part)]?.push(Number(r.id));
  const jobs: Job[] = [];
  const leases: ClaimLease[] = [];
  for (const owner of owners) {
    const ids = byPart[owner.partition] ?? [];
    for (let i = 0, counter = 0; i < ids.length; i += JOBS_PER_LEASE, counter += 1) {
      const lease: ClaimLease = { owner, leaseId: leaseIdOf(owner.epoch, counter), claimDescriptor: DESCRIPTOR, claimedAtMs: now, jobIds: ids.slice(i, i + JOBS_PER_LEASE) };
      leases.push(lease);
      for (const id of lease.jobIds) jobs.push({ id, part: owner.partition, leaseId: lease.leaseId });
    }
  }
  for (let i = 0; i < leases.length; i += 200) await insertLeases(pool, leases.slice(i, i + 200));
  // Acks take whole leases in order: a statement's rows come from consecutive leases, as a dequeue's would.
  jobs.sort((a, b) => (a.part - b.part) || (a.leaseId < b.leaseId ? -1 : a.leaseId > b.leaseId ? 1 : a.id - b.id));
  return { pool, jobs };
}

interface Setup { pool: Pool; jobs: Job[]; next: number }

function take(setup: Setup): Job[] {
  const slice = setup.jobs.slice(setup.next, setup.next + ROWS);
  if (slice.length < ROWS) throw new Error('lease-ack-cost: ran out of prepared jobs');
  setup.next += ROWS;
  return slice;
}

const teardown = new Teardown();

async function main(): Promise<void> {
  teardown.exitOnSignals();
  const admin = await mysql.createConnection({ host: HOST, port: 3306, user: 'root', password: '' });
  const tag = randomBytes(4).toString('hex');
  const databases = ['plain', 'sized', 'noidx'].map((k) => `pacer_ackcost_${k}_${tag}`);
  const release = teardown.track(async () => {
    for (const d of databases) await admin.query(`DROP DATABASE IF EXISTS \`${d}\``);
    await admin.end();
  });
  const pools: Pool[] = [];
  try {
    const lease = JSON_FORM;
    const variants: Array<{ name: string; setup: 'plain' | 'sized' | 'noidx'; run: Variant }> = [
      { name: 'per-job ack (ack-succeeded.sql shape)', setup: 'plain', run: perJobAck },
      { name: 'lease ack (ackLeasedSucceeded: a CASE branch per lease, or JSON rows past 100 leases)', setup: 'plain', run: productLeaseAck },
      { name: 'lease ack, JSON form (until 2026-12-05: JSON_TABLE rows joined)', setup: 'plain', run: statementVariant(lease) },
      { name: '  + lease check (EXISTS … JSON_CONTAINS)', setup: 'plain', run: statementVariant(withPart(lease, LEASE_CHECK)) },
      { name: '  + descriptor write (row grows)', setup: 'plain', run: statementVariant(withPart(lease, DESCRIPTOR_WRITE)) },
      { name: '  + both (the statement before migration 0004)', setup: 'plain', run: statementVariant(withPart(withPart(lease, LEASE_CHECK), DESCRIPTOR_WRITE)) },
      { name: '  + descriptor write, pre-sized rows (in place)', setup: 'sized', run: statementVariant(withPart(lease, DESCRIPTOR_WRITE)) },
      { name: 'per-job ack, no idx_jobs_claimed', setup: 'noidx', run: perJobAck },
      { name: 'lease ack, no idx_jobs_claimed', setup: 'noidx', run: productLeaseAck },
    ];
    const per = (s: string): number => variants.filter((v) => v.setup === s).length * ROWS * ROUNDS;
    const setups: Record<string, Setup> = {};
    const options = { plain: {}, sized: { descriptor: DESCRIPTOR.replace(/1$/, '0') }, noidx: { dropIndex: 'idx_jobs_claimed' } };
    for (const [i, key] of (['plain', 'sized', 'noidx'] as const).entries()) {
      const { pool, jobs } = await prepare(admin, databases[i] as string, per(key), options[key], pools);
      setups[key] = { pool, jobs, next: 0 };
    }
    const times = new Map<string, number[]>();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const v of variants) {
        const setup = setups[v.setup] as Setup;
        const jobs = take(setup);
        const t0 = process.hrtime.bigint();
        const changed = await v.run(setup.pool, jobs);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        if (changed !== jobs.length) throw new Error(`${v.name}: acked ${changed} of ${jobs.length} rows`);
        if (round > 0) times.set(v.name, [...(times.get(v.name) ?? []), ms]);
      }
    }
    const base = median(times.get(variants[0]?.name as string) ?? []);
    process.stdout.write(`\n== One ack statement of ${ROWS} rows, leases of ${JOBS_PER_LEASE} jobs, median of ${ROUNDS - 1} interleaved rounds ==\n`);
    process.stdout.write(`| statement | ms | µs per row | vs per-job ack |\n|---|---|---|---|\n`);
    for (const v of variants) {
      const m = median(times.get(v.name) ?? []);
      process.stdout.write(`| ${v.name} | ${m.toFixed(1)} | ${((m * 1000) / ROWS).toFixed(1)} | ${(m / base).toFixed(2)}x |\n`);
    }
  } finally {
    await Promise.all(pools.map((p) => p.end()));
    await release();
  }
}

teardown.runMain(main);
