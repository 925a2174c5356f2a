/**
 * Pacer test fixtures: a fresh, migrated MariaDB database per test file (dropped afterwards), an
 * embedded backend, in-process brokers, and job helpers.
 */
import { withMysql } from '../support/mysql';
import { freshDatabase, type FreshDatabase } from '../support/namespaces';
import { testEnv } from '../support/test-env';
import { TABLES } from '../../pacer/src/datastore/tables';
import { migrateDatabase } from '../../pacer/src/migrate';
import type { NewJob } from '../../core/src/types/job';
import type { DequeueRequest } from '../../core/src/types/requests';

export interface PacerDb {
  readonly db: FreshDatabase;
  readonly mysql: { host: string; port: number; user: string; password: string; database: string };
}

export async function freshPacerDb(): Promise<PacerDb> {
  const db = await freshDatabase('pacer_it');
  const { host, port, user, password } = testEnv().mysql;
  const mysql = { host, port, user, password, database: db.name };
  await migrateDatabase(mysql);
  return { db, mysql };
}

/** The queues Pacer's registry holds in `pacer`'s database, by name (read with SQL, behind every backend). */
export async function pacerQueueNames(pacer: PacerDb): Promise<string[]> {
  const [rows] = await withMysql((db) => db.query(`SELECT name FROM ${TABLES.queues} ORDER BY name`), pacer.db.name);
  return (rows as Array<{ name: string }>).map((r) => r.name);
}

export function job(body: string, extra: Partial<NewJob> = {}): NewJob {
  return { body: Buffer.from(body), priority: 1, attemptsAllowed: 2, customStatus: '', ...extra };
}

let counter = 0;
export function dequeueReq(queue: string, limit: number, extra: Partial<DequeueRequest> = {}): DequeueRequest {
  counter += 1;
  return { queue, limit, dryRun: false, coverage: 1, claimDescriptor: `host:9090:1:worker-a:${counter}`, ...extra };
}
