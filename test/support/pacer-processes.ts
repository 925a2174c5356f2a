/**
 * Real Pacer cluster processes for tests (integration, and the conformance suite's Pacer profile): brokers (`pacer/src/broker/main.ts --zk`)
 * and controllers (`pacer/src/controller/main.ts`), each ONE node process (`node --import tsx`,
 * so signals reach it directly). Output is kept for assertions (pino JSON lines on stdout).
 * `ProcessGroup.close()` SIGKILLs whatever is still running and waits for every exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const START_TIMEOUT_MS = 30_000;

export class ClusterProcess {
  /** stdout and stderr as they arrived, interleaved. */
  output = '';
  /** Each stream on its own (whole lines, whatever the interleaving). */
  readonly streams = { stdout: '', stderr: '' };
  private readonly exit: Promise<number | null>;

  constructor(readonly name: string, readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => {
      this.output += d.toString();
      this.streams.stdout += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.output += d.toString();
      this.streams.stderr += d.toString();
    });
    // 'close', not 'exit': 'exit' may come before the last output is read (Node: "the child's stdio
    // streams might still be open"), and a test then misses the process's last log line.
    this.exit = new Promise((resolve) => child.once('close', (code) => resolve(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves when the output contains `text`; rejects if the process exits first or on timeout. */
  waitFor(text: string, timeoutMs = START_TIMEOUT_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error): void => {
        clearTimeout(timer);
        this.child.stdout?.off('data', check);
        this.child.off('close', onExit);
        if (err) reject(err);
        else resolve();
      };
      const check = (): void => {
        if (this.output.includes(text)) done();
      };
      const onExit = (code: number | null): void => {
        if (this.output.includes(text)) done(); // the process said it, then exited: all of its output is in
        else done(new Error(`${this.name} exited (${code}) before '${text}':\n${this.output.slice(-2000)}`));
      };
      const timer = setTimeout(() => done(new Error(`${this.name}: no '${text}' within ${timeoutMs} ms:\n${this.output.slice(-2000)}`)), timeoutMs);
      this.child.stdout?.on('data', check);
      this.child.once('close', onExit);
      check();
    });
  }

  signal(sig: NodeJS.Signals): void {
    this.child.kill(sig);
  }

  exited(): Promise<number | null> {
    return this.exit;
  }

  /** Pino lines whose `msg` equals `msg`. */
  logLines(msg: string): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    for (const line of this.output.split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        if (parsed.msg === msg) out.push(parsed);
      } catch {
        // not a log line
      }
    }
    return out;
  }
}

export interface ClusterProcessEnv {
  zkConnect: string;
  cluster: string;
  database: string;
  sessionTimeoutMs: number;
  /** Extra broker flags, e.g. ['--claim-timeout-ms', '600000']. */
  brokerArgs?: string[];
  /** Extra environment variables of every process (on top of this process's). */
  env?: Record<string, string>;
}

export class ProcessGroup {
  readonly all: ClusterProcess[] = [];

  constructor(private readonly env: ClusterProcessEnv) {}

  async startBroker(id: string): Promise<ClusterProcess> {
    const p = this.spawn(id, 'pacer/src/broker/main.ts', [
      '--broker-id', id, '--port', '0', '--database', this.env.database, '--zk', this.env.zkConnect, '--cluster', this.env.cluster,
      '--session-timeout-ms', String(this.env.sessionTimeoutMs), '--log-level', 'warn', ...(this.env.brokerArgs ?? []),
    ]);
    await p.waitFor('listening on');
    return p;
  }

  async startController(name: string): Promise<ClusterProcess> {
    const p = this.spawn(name, 'pacer/src/controller/main.ts', [
      '--zk', this.env.zkConnect, '--cluster', this.env.cluster, '--name', name,
      '--session-timeout-ms', String(this.env.sessionTimeoutMs), '--log-level', 'warn',
    ]);
    await p.waitFor('started');
    return p;
  }

  /** SIGTERM and wait for the exit (graceful); resolves with the exit code. */
  async stop(p: ClusterProcess): Promise<number | null> {
    if (!p.running) return p.child.exitCode;
    p.signal('SIGTERM');
    return p.exited();
  }

  async kill(p: ClusterProcess): Promise<void> {
    if (p.running) p.signal('SIGKILL');
    await p.exited();
  }

  async close(): Promise<void> {
    for (const p of this.all) {
      if (p.child.signalCode === 'SIGSTOP' || p.running) p.signal('SIGCONT');
      await this.kill(p);
    }
  }

  private spawn(name: string, entry: string, args: string[]): ClusterProcess {
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...this.env.env },
    });
    const p = new ClusterProcess(name, child);
    this.all.push(p);
    return p;
  }
}
