/**
 * A throwaway mariadbd for fault tests (STACK.md recipe): its own datadir under the OS temp dir, a
 * free port on 127.0.0.1, root with an empty password. The test owns the process and signals it by
 * pid (`freeze()` = SIGSTOP and wait until stopped, `kill()` = SIGKILL, `start()` again on the same datadir and port).
 *
 *   const db = new ScratchMariaDb(await freePort(), 'my-test');   // freePort: ./free-port
 *   await db.install(); await db.start();   // ... db.kill(); await db.start(); ...
 *   await db.dispose();                      // in afterAll: kills it, removes the datadir
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import { eventually } from './eventually';
import { freezeProcess, thawProcess } from './process-freeze';

const run = promisify(execFile);

export class ScratchMariaDb {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  readonly dir: string;

  constructor(readonly port: number, label = 'scratch-mariadb') {
    this.dir = mkdtempSync(join(tmpdir(), `${label}-`));
  }

  async install(): Promise<void> {
    await run('mariadb-install-db', ['--no-defaults', `--datadir=${this.dir}/data`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db']);
  }

  /** Starts mariadbd and resolves once it accepts connections (30 s bound). */
  async start(): Promise<void> {
    const child = spawn(
      'mariadbd',
      [
        '--no-defaults', `--datadir=${this.dir}/data`, '--user=root', '--bind-address=127.0.0.1', `--port=${this.port}`,
        `--socket=${this.dir}/mysqld.sock`, `--pid-file=${this.dir}/mysqld.pid`, `--log-error=${this.dir}/error.log`,
        '--character-set-server=utf8mb4', '--collation-server=utf8mb4_general_ci', '--innodb-buffer-pool-size=32M',
      ],
      { stdio: 'ignore' },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await eventually(async () => {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: this.port, user: 'root', password: '', connectTimeout: 1000 });
      await conn.end();
    }, { timeoutMs: 30_000, intervalMs: 200 });
  }

  /** SIGSTOP; resolves once every thread of the server is stopped (see process-freeze.ts). */
  async freeze(): Promise<void> {
    if (this.child?.pid !== undefined) await freezeProcess(this.child.pid);
  }

  thaw(): void {
    if (this.child?.pid !== undefined) thawProcess(this.child.pid);
  }

  signal(sig: NodeJS.Signals): void {
    if (this.child?.pid !== undefined) process.kill(this.child.pid, sig);
  }

  /** SIGKILL (after SIGCONT, in case it was frozen); resolves when the process is gone. */
  async kill(): Promise<void> {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.signal('SIGCONT');
    this.signal('SIGKILL');
    await this.exited;
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
