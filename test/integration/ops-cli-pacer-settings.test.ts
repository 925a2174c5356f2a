/**
 * `pinlater-ops pacer settings [show]` and `pinlater-ops pacer settings set
 * --max-partitions-in-transition <n>` (migration/src/cli/pacer-settings-command.ts) against a real
 * ZooKeeper, each cluster in a fresh chroot and set up as the controller sets one up
 * (`setupCluster`), every command run in this process (ops-cli-in-process.ts: stdin not a
 * terminal). Every effect is read from ZooKeeper directly and through `clusterSettings`, the
 * controller's own reader of the record.
 *
 * Checked: show (text and --json) of a cluster set up with the old throttle (100) and a rebalance
 * delay, the flags or the PACER_* variables; a record without the throttle or without any record
 * (the controller's default shown as in use); set without --yes refused (exit 3, nothing written);
 * set with --yes writes the throttle and leaves the delay alone; the same value again writes
 * nothing; bad values (exit 64, nothing written); a cluster that does not exist (exit 1, nothing
 * created); a write on a version that is no longer the record's (conflict, nothing written);
 * a bound of one REBALANCE_TYPE set, shown, used by the controller's reader and removed, the
 * bound on every transition untouched; --help of every settings command.
 */
import { NodeZkClient } from '../../core/src/zookeeper/node-zk-client';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { ClusterSettingsAdmin, ClusterSettingsConflictError } from '../../pacer';
import { setupCluster } from '../../pacer/src/coordination/cluster-setup';
import { HelixPaths } from '../../pacer/src/coordination/helix-paths';
import { clusterSettings, DEFAULT_MAX_PARTITIONS_IN_TRANSITION } from '../../pacer/src/coordination/helix-records';
import { readRecord } from '../../pacer/src/coordination/record-store';
import { serializeRecord } from '../../pacer/src/coordination/zn-record';
import { assertNoLeaks } from '../support/leak-check';
import { zkChroot, type ZkChroot } from '../support/namespaces';
import { expectHelpPages, runOps, runOpsInTurn } from './ops-cli-in-process';
import { jsonOf, type CliRun } from './ops-cli-runner';

jest.setTimeout(60_000);

const OLD = 'oldpacer';
const OLD_DELAY_MS = 30_000;

let chroot: ZkChroot;
let admin: ZkClient;

beforeAll(async () => {
  chroot = await zkChroot();
  admin = await NodeZkClient.connect({ connectString: chroot.connectString, sessionTimeoutMs: 10_000 });
});

afterAll(async () => {
  await admin?.close();
  await chroot?.remove();
});
afterAll(assertNoLeaks);

interface SettingsDoc {
  cluster: string;
  path: string;
  version: number | null;
  configPresent: boolean;
  maxPartitionsInTransition: { stored: string | null; inUse: number; default: number };
  byRebalanceType: Record<'RECOVERY_BALANCE' | 'LOAD_BALANCE', { stored: string | null; inUse: number | null }>;
  delayRebalance: { storedEnabled: string | null; storedTimeMs: string | null; inUseMs: number; defaultMs: number };
}

/** A cluster set up in the chroot as a controller of before the default was raised left it: throttle 100, a rebalance delay. */
async function oldCluster(name: string): Promise<HelixPaths> {
  const paths = new HelixPaths(name);
  await setupCluster(admin, paths, { maxPartitionsInTransition: 100, delayRebalanceMs: OLD_DELAY_MS });
  return paths;
}

/** The record as stored, read directly: its version and what the controller makes of it. */
async function stored(paths: HelixPaths): Promise<{ version: number; inUse: ReturnType<typeof clusterSettings> } | undefined> {
  const found = await readRecord(admin, paths.clusterConfig());
  return found === undefined ? undefined : { version: found.version, inUse: clusterSettings(found.record) };
}

const where = (cluster: string): string[] => ['--zk', chroot.connectString, '--cluster', cluster];

/** The run's exit code, failing with its output when it is another. */
function expectExit(run: CliRun | undefined, code: number): void {
  if (run?.code !== code) throw new Error(`exit ${run?.code}, expected ${code}\nstdout: ${run?.stdout}\nstderr: ${run?.stderr}`);
}

describe('pinlater-ops pacer settings', () => {
  let paths: HelixPaths;
  beforeAll(async () => {
    paths = await oldCluster(OLD);
  });

  it('shows the stored settings, what the controller uses and the defaults (text, --json, flags or PACER_* variables)', async () => {
    const text = await runOps(['pacer', 'settings', ...where(OLD)]);
    const json = await runOps(['pacer', 'settings', 'show', ...where(OLD), '--json']);
    const byEnv = await runOps(['pacer', 'settings', '--json'], { PACER_ZK_CONNECT: chroot.connectString, PACER_CLUSTER: OLD });
    for (const run of [text, json, byEnv]) expectExit(run, 0);
    expect(text.stdout).toContain(`Pacer cluster ${OLD} (ZooKeeper ${chroot.connectString}), /${OLD}/CONFIGS/CLUSTER/${OLD} version 0:`);
    expect(text.stdout).toMatch(/MAX_PARTITION_IN_TRANSITION\s+100\s+100\s+1000\n/);
    expect(text.stdout).toMatch(/DELAY_REBALANCE \(ENABLED, TIME ms\)\s+true, 30000\s+30000 ms\s+off\n/);
    expect(text.stdout).toContain('below today\'s default 1000');
    const doc = jsonOf<SettingsDoc>(json);
    expect(doc).toEqual({
      cluster: OLD, zk: chroot.connectString, path: paths.clusterConfig(), version: 0, configPresent: true,
      maxPartitionsInTransition: { stored: '100', inUse: 100, default: DEFAULT_MAX_PARTITIONS_IN_TRANSITION },
      byRebalanceType: { RECOVERY_BALANCE: { stored: null, inUse: null }, LOAD_BALANCE: { stored: null, inUse: null } },
      delayRebalance: { storedEnabled: 'true', storedTimeMs: String(OLD_DELAY_MS), inUseMs: OLD_DELAY_MS, defaultMs: 0 },
    });
    expect(text.stdout).toMatch(/MAX_PARTITION_IN_TRANSITION \(RECOVERY_BALANCE\)\s+-\s+no own bound\s+no own bound\n/);
    expect(jsonOf<SettingsDoc>(byEnv)).toEqual(doc);
  });

  it('set without --yes and without a terminal refuses (exit 3) and writes nothing', async () => {
    const before = await stored(paths);
    const [text, json] = await runOpsInTurn([
      ['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', '1000'],
      ['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', '1000', '--json'],
    ]);
    expectExit(text, 3);
    expect(text?.stdout).toContain('MAX_PARTITION_IN_TRANSITION 100 -> 1000');
    expect(text?.stderr).toContain('not confirmed: stdin is not a terminal and --yes was not given; nothing was written');
    expectExit(json, 3);
    expect(jsonOf<{ error: { code: string; plan: { before: { stored: string }; after: number } } }>(json as CliRun).error)
      .toMatchObject({ code: 'NOT_CONFIRMED', plan: { before: { stored: '100' }, after: 1000 } });
    expect(await stored(paths)).toEqual(before);
  });

  it('refuses bad values as usage errors (exit 64) and writes nothing', async () => {
    const before = await stored(paths);
    const bad = ['0', '-5', '1.5', 'lots', '10001', ''];
    const runs = await runOpsInTurn([
      ...bad.map((value) => ['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', value, '--yes']),
      ['pacer', 'settings', 'set', ...where(OLD), '--yes'],
      ['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', 'none', '--yes'],
      ['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', '10', '--rebalance-type', 'RECOVERY', '--yes'],
    ]);
    runs.forEach((run) => expectExit(run, 64));
    expect(runs[4]?.stderr).toContain('expected at most 10000');
    expect(runs[6]?.stderr).toContain("required option '--max-partitions-in-transition <n>' not specified");
    expect(runs[7]?.stderr).toContain('none removes the bound of a --rebalance-type');
    expect(runs[8]?.stderr).toContain('expected one of ANY, RECOVERY_BALANCE, LOAD_BALANCE');
    expect(await stored(paths)).toEqual(before);
  });

  it('set --yes writes the throttle the controller then uses, leaves the rebalance delay as it was; the same value again writes nothing', async () => {
    const run = await runOps(['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', '1000', '--yes']);
    expectExit(run, 0);
    expect(run.stdout).toContain(`Done: MAX_PARTITION_IN_TRANSITION 1000 stored (${paths.clusterConfig()} version 1)`);
    expect(await stored(paths)).toEqual({ version: 1, inUse: { maxPartitionsInTransition: 1000, delayRebalanceMs: OLD_DELAY_MS, maxByRebalanceType: {} } });

    const again = await runOps(['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', '1000', '--json']);
    expectExit(again, 0);
    expect(jsonOf<{ written: boolean }>(again).written).toBe(false);
    const lower = await runOps(['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', '250', '--yes', '--json']);
    expectExit(lower, 0);
    expect(jsonOf<{ written: boolean; settings: SettingsDoc }>(lower)).toMatchObject({ written: true, settings: { version: 2, maxPartitionsInTransition: { stored: '250', inUse: 250 } } });
    expect(await stored(paths)).toEqual({ version: 2, inUse: { maxPartitionsInTransition: 250, delayRebalanceMs: OLD_DELAY_MS, maxByRebalanceType: {} } });
  });

  it('--rebalance-type sets the bound of one kind on top (the total and the delay kept), shows it, and none removes it', async () => {
    const before = await stored(paths);
    const total = before?.inUse.maxPartitionsInTransition;
    const set = await runOps(['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', '40', '--rebalance-type', 'LOAD_BALANCE', '--yes']);
    expectExit(set, 0);
    expect(set.stdout).toContain('MAX_PARTITION_IN_TRANSITION of REBALANCE_TYPE LOAD_BALANCE not stored -> 40.');
    expect(set.stdout).toContain('Done: MAX_PARTITION_IN_TRANSITION of REBALANCE_TYPE LOAD_BALANCE 40 stored');
    const version = (before?.version ?? 0) + 1;
    expect(await stored(paths)).toEqual({ version, inUse: { maxPartitionsInTransition: total, delayRebalanceMs: OLD_DELAY_MS, maxByRebalanceType: { LOAD_BALANCE: 40 } } });
    const entries = (await readRecord(admin, paths.clusterConfig()))?.record.listFields.STATE_TRANSITION_THROTTLE_CONFIGS;
    expect(entries).toContain(JSON.stringify({ THROTTLE_SCOPE: 'CLUSTER', REBALANCE_TYPE: 'LOAD_BALANCE', MAX_PARTITION_IN_TRANSITION: '40' }));
    const show = await runOps(['pacer', 'settings', ...where(OLD)]);
    expect(show.stdout).toMatch(/MAX_PARTITION_IN_TRANSITION \(LOAD_BALANCE\)\s+40\s+40\s+no own bound\n/);
    // The total is set alone: the typed entry keeps its value.
    expectExit(await runOps(['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', '3000', '--yes']), 0);
    expect((await stored(paths))?.inUse).toEqual({ maxPartitionsInTransition: 3000, delayRebalanceMs: OLD_DELAY_MS, maxByRebalanceType: { LOAD_BALANCE: 40 } });
    const removed = await runOps(['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', 'none', '--rebalance-type', 'LOAD_BALANCE', '--yes', '--json']);
    expectExit(removed, 0);
    expect(jsonOf<{ written: boolean; settings: SettingsDoc }>(removed)).toMatchObject({ written: true, settings: { byRebalanceType: { LOAD_BALANCE: { stored: null, inUse: null } } } });
    expect((await stored(paths))?.inUse).toEqual({ maxPartitionsInTransition: 3000, delayRebalanceMs: OLD_DELAY_MS, maxByRebalanceType: {} });
    const again = await runOps(['pacer', 'settings', 'set', ...where(OLD), '--max-partitions-in-transition', 'none', '--rebalance-type', 'LOAD_BALANCE', '--json']);
    expectExit(again, 0);
    expect(jsonOf<{ written: boolean }>(again).written).toBe(false);
  });

  it('a cluster that does not exist under --zk: exit 1 for show and set, and nothing is created', async () => {
    const [show, set] = await runOpsInTurn([
      ['pacer', 'settings', ...where('nosuch')],
      ['pacer', 'settings', 'set', ...where('nosuch'), '--max-partitions-in-transition', '1000', '--yes', '--json'],
    ]);
    expectExit(show, 1);
    expect(show?.stderr).toBe(`pinlater-ops: cluster nosuch not found under ${chroot.connectString}\n`);
    expectExit(set, 1);
    expect(jsonOf<{ error: { code: string } }>(set as CliRun).error.code).toBe('ERROR');
    expect(await admin.exists('/nosuch')).toBeNull();
  });

  it('shows the default as in use when the record has no throttle or there is no record, and set then stores one', async () => {
    const bare = new HelixPaths('bare');
    await setupCluster(admin, bare);
    const record = (await readRecord(admin, bare.clusterConfig()))?.record;
    if (record === undefined) throw new Error('setupCluster wrote no cluster config');
    delete record.listFields.STATE_TRANSITION_THROTTLE_CONFIGS;
    await admin.set(bare.clusterConfig(), serializeRecord(record));
    const noThrottle = await runOps(['pacer', 'settings', ...where('bare'), '--json']);
    expect(jsonOf<SettingsDoc>(noThrottle).maxPartitionsInTransition).toEqual({ stored: null, inUse: DEFAULT_MAX_PARTITIONS_IN_TRANSITION, default: DEFAULT_MAX_PARTITIONS_IN_TRANSITION });

    await admin.delete(bare.clusterConfig());
    const [absent, set] = await runOpsInTurn([
      ['pacer', 'settings', ...where('bare')],
      ['pacer', 'settings', 'set', ...where('bare'), '--max-partitions-in-transition', '500', '--yes'],
    ]);
    expectExit(absent, 0);
    expect(absent?.stdout).toContain(`${bare.clusterConfig()} absent (the controller uses every default)`);
    expect(absent?.stdout).toMatch(/MAX_PARTITION_IN_TRANSITION\s+-\s+1000\s+1000\n/);
    expectExit(set, 0);
    expect(await stored(bare)).toEqual({ version: 0, inUse: { maxPartitionsInTransition: 500, delayRebalanceMs: 0, maxByRebalanceType: {} } });
  });

  it('writes only on the version it read: a record changed since is a conflict and nothing is written', async () => {
    const settings = await ClusterSettingsAdmin.open({ zk: chroot.connectString, cluster: OLD }, {});
    try {
      const read = await settings.read();
      await setupCluster(admin, paths); // leaves the record alone
      await admin.set(paths.clusterConfig(), (await admin.get(paths.clusterConfig())).data); // another writer: a new version
      const changed = await stored(paths);
      await expect(settings.setThrottle('ANY', 777, read.version)).rejects.toBeInstanceOf(ClusterSettingsConflictError);
      expect(await stored(paths)).toEqual(changed);
    } finally {
      await settings.close();
    }
  });

  it('answers --help of every settings command with exit 0, examples and its exit codes', async () => {
    const commands = [['pacer', 'settings'], ['pacer', 'settings', 'show'], ['pacer', 'settings', 'set']];
    await expectHelpPages(commands);
  });
});
