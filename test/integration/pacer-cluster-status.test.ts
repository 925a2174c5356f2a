/**
 * The operator's status command (`pacer/src/cli/status.ts`, run as a real process) against a real
 * cluster: ZooKeeper (fresh chroot), MariaDB (fresh database), an in-process controller and an
 * in-process broker (Thrift server + ClusterMembership, as broker/main.ts wires them).
 *
 * Documented exit codes: 0 OK, 1 error, 2 UNOWNED (partitions without a live owner, listed),
 * 3 NO LEADER, 4 STALE VIEW (the external view disagrees with the brokers' current states); with
 * several problems the first of 3, 4, 2. Checked: a healthy cluster (0, "unowned: none"); the
 * queue's only broker stopped (2, every partition listed); no controller running while a broker
 * is live (3, leader none, the unowned partitions still listed); recovery once a controller runs
 * again (0); a stale view while the pipeline is paused and a broker came back with a new session
 * (4, the partitions named, not "unowned"); a mistyped cluster name or chroot (1, "cluster <name>
 * not found under <zk>", never "unowned: none"); ZooKeeper unreachable (1, said plainly).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { readClusterStatus } from '../../pacer/src/coordination/cluster-status';
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { zkChroot, type ZkChroot } from '../support/namespaces';
import { testEnv } from '../support/test-env';
import { freePort } from '../support/free-port';
import { HelixPaths } from '../../pacer/src/coordination/helix-paths';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';
import { InProcessBroker, startController, type ClusterTarget, type InProcessController } from './pacer-cluster/in-process-members';

jest.setTimeout(60_000);

const CLUSTER = 'pacer';
const QUEUE = 'solo';
const PARTITIONS = [`${QUEUE}_0`, `${QUEUE}_1`, `${QUEUE}_2`];
const WAIT = { timeoutMs: 15_000, intervalMs: 50 };

let fx: PacerDb;
let chroot: ZkChroot;
let admin: ZkClient;
let target: ClusterTarget;
let backend: PacerBackend | undefined;
let controller: InProcessController | undefined;
let broker: InProcessBroker | undefined;

beforeAll(async () => {
  fx = await freshPacerDb();
  chroot = await zkChroot();
  admin = await NodeZkClient.connect({ connectString: chroot.connectString, sessionTimeoutMs: 10_000 });
  target = { zkConnect: chroot.connectString, cluster: CLUSTER, sessionTimeoutMs: 4000 };
  controller = await startController('controller-1', target);
  broker = await InProcessBroker.start('broker-0', target, fx);
  backend = await createPacerBackend({ mysql: fx.mysql, topology: { mode: 'zookeeper', connect: chroot.connectString, cluster: CLUSTER }, applyMigrations: false });
  await backend.createQueueWithOptions(QUEUE, { numPartitions: PARTITIONS.length });
});

afterAll(async () => {
  await backend?.close();
  await broker?.close();
  await controller?.close();
  await admin?.close();
  await chroot?.remove();
  await fx?.db.drop();
});
afterAll(assertNoLeaks);

/** `npx tsx pacer/src/cli/status.ts` as one node process; stdout and stderr kept apart. */
function runStatus(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'pacer/src/cli/status.ts', ...args],
      { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const statusOf = (cluster = CLUSTER, zk = chroot.connectString): ReturnType<typeof runStatus> => runStatus(['--zk', zk, '--cluster', cluster]);

async function waitUnowned(expected: string[]): Promise<void> {
  await eventually(async () => expect((await readClusterStatus(admin, CLUSTER)).unowned).toEqual(expected), WAIT);
}

it('exits 0 and reports "unowned: none" while the broker serves every partition', async () => {
  await waitUnowned([]);
  const r = await statusOf();
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/leader: +controller-1/);
  expect(r.stdout).toMatch(/live: +broker-0/);
  for (const p of PARTITIONS) expect(r.stdout).toMatch(new RegExp(`^${p} +broker-0 +broker-0$`, 'm'));
  expect(r.stdout).toMatch(/unowned: +none/);
});

it('exits 2 and lists every partition when the queue\'s only broker is stopped', async () => {
  await broker?.close(); // abrupt: the session ends, nobody is left to take the partitions
  broker = undefined;
  await waitUnowned(PARTITIONS);
  const r = await statusOf();
  expect(r.code).toBe(2);
  expect(r.stdout).toMatch(/live: +\(none\)/);
  for (const p of PARTITIONS) expect(r.stdout).toMatch(new RegExp(`^${p} +- `, 'm'));
  expect(r.stdout).toContain(`unowned:   3: ${PARTITIONS.join(', ')}`);
  expect(r.stdout).not.toMatch(/unowned: +none/);
  const json = await runStatus(['--zk', chroot.connectString, '--cluster', CLUSTER, '--json']);
  expect(json.code).toBe(2);
  expect((JSON.parse(json.stdout) as { unowned: string[] }).unowned).toEqual(PARTITIONS);
});

it('exits 3 (NO LEADER) with no controller running (a live broker is assigned nothing), 0 again once one runs', async () => {
  await controller?.close();
  controller = undefined;
  broker = await InProcessBroker.start('broker-0', target, fx);
  await eventually(async () => expect((await readClusterStatus(admin, CLUSTER)).liveInstances).toEqual(['broker-0']), WAIT);
  await waitUnowned(PARTITIONS);
  const r = await statusOf();
  expect(r.code).toBe(3);
  expect(r.stdout).toMatch(/leader: +\(none\)/);
  expect(r.stdout).toMatch(/live: +broker-0/);
  expect(r.stdout).toContain(`unowned:   3: ${PARTITIONS.join(', ')}`);
  expect(r.stdout).toMatch(/^problem: +NO LEADER \(exit 3\): no controller is leader/m);
  expect(r.stdout).toMatch(/^problem: +UNOWNED \(exit 2\)/m);

  controller = await startController('controller-2', target);
  await waitUnowned([]);
  const healed = await statusOf();
  expect(healed.code).toBe(0);
  expect(healed.stdout).toMatch(/leader: +controller-2/);
  expect(healed.stdout).toMatch(/unowned: +none/);
  expect(healed.stdout).toMatch(/status: +OK \(exit 0\)/);
});

it('exits 4 (STALE VIEW) when the view names a broker that no longer serves (pipeline paused, broker back with a new session), 0 once reconciled', async () => {
  const paths = new HelixPaths(CLUSTER);
  await admin.create(paths.controllerPause(), Buffer.alloc(0));
  try {
    await broker?.close(); // its partitions stay in the view: the paused leader does not update it
    broker = await InProcessBroker.start('broker-0', target, fx); // live again, serving nothing yet
    await eventually(async () => expect((await readClusterStatus(admin, CLUSTER)).staleView.map((p) => p.partition)).toEqual(PARTITIONS), WAIT);
    const r = await statusOf();
    expect(r.code).toBe(4);
    expect(r.stdout).toMatch(/unowned: +none/); // the view still routes to a live broker: exactly the silent case
    expect(r.stdout).toContain(`stale:     3: ${PARTITIONS.join(', ')}`);
    expect(r.stdout).toMatch(/^problem: +STALE VIEW \(exit 4\): external view stale for 3 partition\(s\) \(CONTROLLER\/PAUSE exists/m);
    expect(r.stdout).toContain(`${PARTITIONS[0]} (view: broker-0; brokers: -)`);
    const json = await runStatus(['--zk', chroot.connectString, '--cluster', CLUSTER, '--json']);
    expect(json.code).toBe(4);
    expect((JSON.parse(json.stdout) as { exitCode: number; problems: Array<{ code: string }> }).problems.map((p) => p.code)).toEqual(['STALE_VIEW']);
  } finally {
    await admin.delete(paths.controllerPause()).catch(() => undefined);
  }
  await eventually(async () => expect((await readClusterStatus(admin, CLUSTER)).staleView).toEqual([]), WAIT);
  await waitUnowned([]);
  expect((await statusOf()).code).toBe(0);
});

it('fails clearly (exit 1, "cluster <name> not found under <zk>") for a mistyped cluster name or chroot', async () => {
  const typo = await statusOf('pacerr');
  expect(typo.code).toBe(1);
  expect(typo.stdout).not.toMatch(/unowned/);
  expect(typo.stderr).toContain(`cluster pacerr not found under ${chroot.connectString}`);

  const wrongChroot = `${testEnv().zookeeper.connectString}${chroot.path}-typo`;
  const badRoot = await statusOf(CLUSTER, wrongChroot);
  expect(badRoot.code).toBe(1);
  expect(badRoot.stdout).not.toMatch(/unowned/);
  expect(badRoot.stderr).toContain(`cluster ${CLUSTER} not found under ${wrongChroot}`);
});

it('fails clearly (exit 1, "ZooKeeper unavailable") when ZooKeeper cannot be reached', async () => {
  const nowhere = `127.0.0.1:${await freePort()}`;
  const r = await runStatus(['--zk', nowhere, '--cluster', CLUSTER, '--session-timeout-ms', '1000']);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/^pacer-status: ZooKeeper unavailable/);
});

it('--help documents every exit code', async () => {
  const r = await runStatus(['--help']);
  expect(r.code).toBe(0);
  for (const line of [/^ +0 +OK/m, /^ +1 +error/m, /^ +2 +UNOWNED/m, /^ +3 +NO LEADER/m, /^ +4 +STALE VIEW/m]) expect(r.stdout).toMatch(line);
});
