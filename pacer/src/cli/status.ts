/**
 * `pacer-status`: prints a cluster's assignment table, its leader controller and every partition
 * without a live owner. Exit code 0 when every partition is owned, 2 otherwise (for scripts);
 * 1 on errors, including a cluster that is not set up under the given ZooKeeper (a mistyped
 * `--cluster` or chroot must not look like a healthy, empty cluster).
 *
 *   npx tsx pacer/src/cli/status.ts --zk 127.0.0.1:2181 --cluster pacer [--json]
 */
import { Command } from 'commander';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { formatClusterStatus, readClusterStatus } from '../coordination/cluster-status';
import { isClusterSetup } from '../coordination/cluster-setup';
import { HelixPaths } from '../coordination/helix-paths';
import { NodeZkClient } from '../coordination/node-zk-client';
import { flagOverrides, loadClusterConfig } from '../controller/controller-config';

async function main(): Promise<void> {
  const program = new Command('pacer-status')
    .description('Print the Pacer cluster assignment table, the leader controller and unowned partitions')
    .option('--zk <connect>', 'ZooKeeper host:port[/chroot] (PACER_ZK_CONNECT)')
    .option('--cluster <name>', 'cluster name (PACER_CLUSTER, default pacer)')
    .option('--json', 'print JSON instead of a table')
    .parse(process.argv);
  const opts = program.opts<Record<string, string | undefined>>();
  const config = loadClusterConfig(process.env, flagOverrides(opts));
  const zk = await NodeZkClient.connect({ connectString: config.zkConnect, sessionTimeoutMs: config.sessionTimeoutMs });
  try {
    if (!(await isClusterSetup(zk, new HelixPaths(config.cluster)))) throw new Error(`cluster ${config.cluster} not found under ${config.zkConnect}`);
    const status = await readClusterStatus(zk, config.cluster);
    process.stdout.write(`${opts.json ? JSON.stringify(status, null, 2) : formatClusterStatus(status)}\n`);
    process.exitCode = status.unowned.length === 0 ? 0 : 2;
  } finally {
    await zk.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`pacer-status: ${coerceError(e).message}\n`);
  process.exit(1);
});
