/**
 * Fixtures of the local worker-pool runtime's tests (local-pool-runtime*.test.ts): a scratch
 * directory with a trivial worker script (plain Node, connects nowhere) and pool specs that run it,
 * and a way to tell whether a pid is still alive.
 *
 * The worker, by its environment (the spec's `env`):
 * - writes `started-<pid>.json` (its PINLATER_* variables, TEST_* variables, cwd) and a line on
 *   stdout, then stays alive;
 * - exits at once with EXIT_CODE (default 3) while the file CRASH_FILE exists;
 * - exits with EXIT_CODE on SIGUSR2 (an exit "on demand");
 * - on SIGTERM writes `term-<pid>.json` and exits 0 after TERM_DELAY_MS, or ignores it when
 *   IGNORE_TERM=1;
 * - with GRANDCHILD=1 starts a child of its own (in its process group, ignoring SIGTERM) and
 *   writes its pid to `grandchild-<pid>.json`.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WORKER_JS = `
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const dir = process.env.TEST_DIR;
const code = Number(process.env.EXIT_CODE || 3);
const record = (kind, extra) => fs.writeFileSync(path.join(dir, kind + '-' + process.pid + '.json'), JSON.stringify({ pid: process.pid, ...extra }));
if (process.env.CRASH_FILE && fs.existsSync(process.env.CRASH_FILE)) {
  console.error('test worker ' + process.pid + ': crashing with code ' + code);
  process.exit(code);
}
const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('PINLATER_') || k.startsWith('TEST_')));
setInterval(() => undefined, 60000);
process.on('SIGUSR2', () => process.exit(code));
process.on('SIGTERM', () => {
  record('term', {});
  if (process.env.IGNORE_TERM !== '1') setTimeout(() => process.exit(0), Number(process.env.TERM_DELAY_MS || 0));
});
if (process.env.GRANDCHILD === '1') {
  const g = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => undefined); setInterval(() => undefined, 60000)"], { stdio: 'ignore' });
  record('grandchild', { grandchild: g.pid });
}
record('started', { env, cwd: process.cwd() });
console.log('test worker ' + process.pid + ' serving ' + process.env.PINLATER_QUEUE);
`;

export interface WorkerBehaviour {
  readonly exitCode?: number;
  readonly crashFile?: string;
  readonly termDelayMs?: number;
  readonly ignoreTerm?: boolean;
  readonly grandchild?: boolean;
}

export class RuntimeScratch {
  readonly dir = mkdtempSync(join(tmpdir(), 'local-pool-runtime-'));
  readonly specsDir = join(this.dir, 'specs');
  readonly logDir = join(this.dir, 'logs');
  readonly recordsDir = join(this.dir, 'records');
  readonly workerPath = join(this.dir, 'worker.js');

  constructor() {
    mkdirSync(this.specsDir);
    mkdirSync(this.recordsDir);
    writeFileSync(this.workerPath, WORKER_JS);
  }

  /** Writes `<specs>/<queue>.json` running the test worker. */
  writeSpec(queue: string, behaviour: WorkerBehaviour = {}, fields: Record<string, unknown> = {}): void {
    const env: Record<string, string> = { TEST_DIR: this.recordsDir, TEST_SPEC_VAR: `spec-${queue}` };
    if (behaviour.exitCode !== undefined) env.EXIT_CODE = String(behaviour.exitCode);
    if (behaviour.crashFile !== undefined) env.CRASH_FILE = behaviour.crashFile;
    if (behaviour.termDelayMs !== undefined) env.TERM_DELAY_MS = String(behaviour.termDelayMs);
    if (behaviour.ignoreTerm === true) env.IGNORE_TERM = '1';
    if (behaviour.grandchild === true) env.GRANDCHILD = '1';
    writeFileSync(join(this.specsDir, `${queue}.json`), JSON.stringify({
      queue, image: 'registry.example.com/test-worker:1', command: ['node', 'never-run-locally.js'], localCommand: [process.execPath, this.workerPath],
      env, resources: { requests: { cpu: '10m' } }, minReplicas: 1, maxReplicas: 8, targetBacklogPerReplica: 10, scaleDownDelaySeconds: 0, concurrency: 3, ...fields,
    }));
  }

  /** The `<kind>-<pid>.json` records the workers wrote. */
  records<T = Record<string, unknown>>(kind: 'started' | 'term' | 'grandchild'): Array<{ pid: number } & T> {
    return readdirSync(this.recordsDir)
      .filter((f) => f.startsWith(`${kind}-`))
      .map((f) => JSON.parse(readFileSync(join(this.recordsDir, f), 'utf8')) as { pid: number } & T);
  }

  hasRecord(kind: 'started' | 'term' | 'grandchild', pid: number): boolean {
    return existsSync(join(this.recordsDir, `${kind}-${pid}.json`));
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Whether `pid` is a live process (a zombie, exited but not yet reaped, is not). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
