/**
 * Namespaces are kept when their test or suite fails, and named in the failure output
 * (test/support/namespace-keeper.ts, test/support/namespace-environment.ts). Runs
 * fixtures/namespace-keeper-probe.ts in a child jest with the integration project's own
 * configuration from jest.config.js (so the check covers the real wiring), where two tests fail on
 * purpose, then looks on the real MariaDB, Redis and ZooKeeper.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertNoLeaks } from '../support/leak-check';
import { listDatabases } from '../support/mysql';
import { mysqlDatabaseNamespace, redisKeysNamespace, zkChrootNamespace } from '../support/namespaces';
import { withRedis } from '../support/redis';
import { withZk } from '../support/zk';
import type { ProbeRecord } from './fixtures/namespace-keeper-probe';

const ROOT = join(__dirname, '..', '..');
const PROBE = 'test/integration/fixtures/namespace-keeper-probe.ts';
const RUN_TIMEOUT_MS = 100_000;

jest.setTimeout(120_000);

interface ProbeRun {
  readonly exitCode: number | null;
  readonly output: string;
  readonly records: Map<string, ProbeRecord>;
}

let run: ProbeRun;
const dir = mkdtempSync(join(tmpdir(), 'namespace-keeper-'));

beforeAll(async () => {
  run = await runProbe();
});

afterAll(async () => {
  // What the probe kept on purpose: removed here unconditionally (not through the keeper).
  for (const record of run?.records.values() ?? []) {
    await mysqlDatabaseNamespace(record.database).remove();
    await zkChrootNamespace(record.chroot).remove();
    await redisKeysNamespace([record.redisPattern]).remove();
  }
  rmSync(dir, { recursive: true, force: true });
});
afterAll(() => assertNoLeaks());

/** The integration project of jest.config.js, matching only the probe, with the report file as a global. */
function probeConfig(reportFile: string): Record<string, unknown> {
  const { projects } = require(join(ROOT, 'jest.config.js')) as { projects: Array<Record<string, unknown>> };
  const integration = projects.find((project) => project.displayName === 'integration');
  if (integration === undefined) throw new Error('jest.config.js has no integration project');
  const { globalSetup: _servicesAreUp, displayName: _name, ...config } = integration;
  return { ...config, rootDir: ROOT, testMatch: [`<rootDir>/${PROBE}`], globals: { namespaceKeeperProbe: { reportFile } } };
}

function runProbe(): Promise<ProbeRun> {
  const reportFile = join(dir, 'records.jsonl');
  const configFile = join(dir, 'jest.config.json');
  writeFileSync(reportFile, '');
  writeFileSync(configFile, JSON.stringify(probeConfig(reportFile)));
  const child = spawn(process.execPath, [require.resolve('jest/bin/jest'), '--ci', '--config', configFile], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.once('error', reject);
    child.once('close', (exitCode) => {
      clearTimeout(timer);
      const records = new Map<string, ProbeRecord>();
      for (const line of readFileSync(reportFile, 'utf8').split('\n').filter((l) => l !== '')) {
        const record = JSON.parse(line) as ProbeRecord;
        records.set(record.scope, record);
      }
      resolve({ exitCode, output, records });
    });
  });
}

function record(scope: string): ProbeRecord {
  const found = run.records.get(scope);
  if (found === undefined) throw new Error(`the probe recorded no scope '${scope}' (has ${[...run.records.keys()].join(', ')}):\n${run.output}`);
  return found;
}

/** Whether each of the scope's three namespaces still exists on its service. */
async function existing(scope: string): Promise<{ database: boolean; chroot: boolean; redisKey: boolean }> {
  const r = record(scope);
  return {
    database: (await listDatabases(r.database)).includes(r.database),
    chroot: await withZk((zk) => zk.exists(r.chroot)),
    redisKey: (await withRedis((redis) => redis.exists(r.redisKey))) === 1,
  };
}

const KEPT = { database: true, chroot: true, redisKey: true };
const GONE = { database: false, chroot: false, redisKey: false };

it('the probe ran: exactly its two deliberate failures, no leak-check failure', () => {
  expect(run.exitCode).toBe(1);
  expect(run.output).toMatch(/Tests:\s+2 failed, 3 passed, 5 total/);
  expect(run.output).not.toMatch(/left handles open/);
  expect([...run.records.keys()].sort()).toEqual(['suite:fails', 'suite:passes', 'test:per test (released in afterEach) fails', 'test:per test (released in afterEach) passes']);
});

it('a failed test keeps its namespaces, and its failure names each one with an inspect command', async () => {
  const scope = 'test:per test (released in afterEach) fails';
  expect(await existing(scope)).toEqual(KEPT);
  const r = record(scope);
  const failure = failureBlock('per test (released in afterEach) › fails');
  expect(failure).toContain(`MySQL database ${r.database}`);
  expect(failure).toContain(`mysql -h127.0.0.1 -uroot ${r.database}`);
  expect(failure).toContain(`ZooKeeper chroot ${r.chroot}`);
  expect(failure).toContain(`ls -R ${r.chroot}`);
  expect(failure).toContain(`Redis keys ${r.redisPattern}`);
  expect(failure).toContain(`redis-cli --scan --pattern '${r.redisPattern}'`);
});

it('a passed test removes its namespaces, and nothing names them', async () => {
  const scope = 'test:per test (released in afterEach) passes';
  expect(await existing(scope)).toEqual(GONE);
  const r = record(scope);
  for (const name of [r.database, r.chroot, r.redisPattern]) expect(run.output).not.toContain(name);
});

it('a failed suite keeps the namespaces its afterAll releases, named under its failed test', async () => {
  const scope = 'suite:fails';
  expect(await existing(scope)).toEqual(KEPT);
  const r = record(scope);
  const failure = failureBlock('suite that fails (released in afterAll) › fails');
  for (const name of [r.database, r.chroot, r.redisPattern]) expect(failure).toContain(name);
});

it('a passed suite removes the namespaces its afterAll releases', async () => {
  expect(await existing('suite:passes')).toEqual(GONE);
});

/** The text jest prints for one failed test: every `●` block with its title (one per error). */
function failureBlock(title: string): string {
  const blocks = run.output.split('●').filter((block) => block.startsWith(` ${title}\n`));
  if (blocks.length === 0) throw new Error(`no failure '● ${title}' in the probe's output:\n${run.output}`);
  return blocks.join('●');
}
