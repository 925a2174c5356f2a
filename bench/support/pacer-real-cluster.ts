/**
 * Real Pacer cluster parts for the failover benchmark: broker processes in cluster mode
 * (`pacer/src/broker/main.ts --zk`), a fresh MySQL database, the gateway-side backend routing by
 * the external view, and per-process CPU sampling from /proc (to tell MySQL-bound from CPU-bound).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import { migrateDatabase } from '../../pacer/src/migrate';

export const MYSQL = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

export interface BenchDatabase {
  name: string;
  drop(): Promise<void>;
}

export async function freshBenchDatabase(): Promise<BenchDatabase> {
  const name = `pacer_bench_${randomBytes(5).toString('hex')}`;
  const admin = await mysql.createConnection(MYSQL);
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  await migrateDatabase({ ...MYSQL, database: name });
  return {
    name,
    drop: async () => {
      const c = await mysql.createConnection(MYSQL);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

export class BrokerProcess {
  private output = '';
  readonly exited: Promise<void>;

  constructor(readonly id: string, readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  static async start(id: string, zkConnect: string, cluster: string, database: string, sessionTimeoutMs: number): Promise<BrokerProcess> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'pacer/src/broker/main.ts', '--broker-id', id, '--port', '0', '--database', database,
      '--zk', zkConnect, '--cluster', cluster, '--session-timeout-ms', String(sessionTimeoutMs), '--log-level', 'warn', '--drain-linger-ms', '300'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
    const b = new BrokerProcess(id, child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${id} did not start: ${b.output}`)), 30_000);
      child.stdout?.on('data', () => {
        if (b.output.includes('listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', () => reject(new Error(`${id} exited: ${b.output}`)));
    });
    return b;
  }

  /** The last `chars` characters of its stdout and stderr (diagnostics). */
  tail(chars = 3000): string {
    return this.output.slice(-chars);
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    await this.exited;
  }
}

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

export function mysqldPid(): number | undefined {
  for (const name of ['mariadbd', 'mysqld']) {
    try {
      const out = execFileSync('pidof', [name], { encoding: 'utf8' }).trim();
      if (out !== '') return Number(out.split(' ')[0]);
    } catch {
      // not running under this name
    }
  }
  return undefined;
}
