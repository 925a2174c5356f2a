/**
 * The operator's status command (`pacer/src/cli/status.ts`, run as a real process) against a real
 * cluster: ZooKeeper (fresh chroot), MariaDB (fresh database), an in-process controller and an
 * in-process broker (Thrift server + ClusterMembership, as broker/main.ts wires them).
 *
 * Documented exit codes: 0 when every partition has a live owner, 2 when any is unowned (listed),
 * 1 on errors. Checked: a healthy cluster (0, "unowned: none"); the queue's only broker stopped
 * (2, every partition listed); no controller running while a broker is live (2, leader none);
 * recovery once a controller runs again (0); a mistyped cluster name or chroot (1, "cluster <name>
 * not found under <zk>", never "unowned: none").
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createPacerBackend, type PacerBackend } from '../../pacer';
import { readClusterStatus } from '../../pacer/src/coordination/cluster-status';
import type { HelixController } from '../../pacer/src/coordination/controller';
import { NodeZkClient } from '../../pacer/src/coordination/node-zk-client';
import type { ZkClient } from '../../pacer/src/coordination/zk-client';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { zkChroot, type ZkChroot } from '../support/namespaces';
import { testEnv } from '../support/test-env';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';
import { InProcessBroker, startController, type ClusterTarget } from './pacer-cluster/in-process-members';

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
let controller: HelixController | undefined;
let broker: InProcessBroker | undefined;

beforeAll(async () => {
  fx = await freshPacerDb();
  chroot = await zkChroot();
  admin = await NodeZkClient.connect({ connectString: chroot.connectString, sessionTimeoutMs: 10_000 });
  target = { zkConnect: chroot.connectString, cluster: CLUSTER, sessionTimeoutMs: 4000 };
  controller = await startController('controller-1', target);
  broker = await InProcessBroker.start('broker-0', target, fx);
  backend = await createPacerBackend({ mysql: fx.mysql, zookeeper: { connect: chroot.connectString, cluster: CLUSTER }, applyMigrations: false });
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

it('exits 2 with no controller running (a live broker is assigned nothing), 0 again once one runs', async () => {
  await controller?.close();
  controller = undefined;
  broker = await InProcessBroker.start('broker-0', target, fx);
  await eventually(async () => expect((await readClusterStatus(admin, CLUSTER)).liveInstances).toEqual(['broker-0']), WAIT);
  await waitUnowned(PARTITIONS);
  const r = await statusOf();
  expect(r.code).toBe(2);
  expect(r.stdout).toMatch(/leader: +\(none\)/);
  expect(r.stdout).toMatch(/live: +broker-0/);
  expect(r.stdout).toContain(`unowned:   3: ${PARTITIONS.join(', ')}`);

  controller = await startController('controller-2', target);
  await waitUnowned([]);
  const healed = await statusOf();
  expect(healed.code).toBe(0);
  expect(healed.stdout).toMatch(/leader: +controller-2/);
  expect(healed.stdout).toMatch(/unowned: +none/);
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
