import type { Logger } from '../../../core/src/logging/logger';
import type { DigestCredential } from '../../../core/src/zookeeper/zk-acl';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { NodeZkClient } from '../../../core/src/zookeeper/node-zk-client';
import { ZkError } from '../../../core/src/zookeeper/zk-error';
import type { RoutingTableConfig } from '../../../gateway/index';
import { RoutingPaths } from '../routing/routing-paths';
import { RoutingTreeMissingError } from '../routing/routing-table-reader';
import { RoutingStore } from '../routing/routing-store';
import { CliFailure } from './cli-failure';
import type { CliContext, GlobalOptions } from './cli-context';

/** The routing table as one command sees it: its own ZooKeeper session and the store over it. */
export interface RoutingConnection {
  readonly zk: ZkClient;
  readonly store: RoutingStore;
  /** Where the table is, as the config says (for output). */
  readonly table: RoutingTableConfig;
}

/** The operator CLI's session timeout; the connect bound is `--zk-timeout-ms`. */
const SESSION_TIMEOUT_MS = 10_000;

/**
 * Connects to the config's ZooKeeper (its session is closed by main.ts when the command ends) and
 * opens the routing store at the config's root: authenticated as the operator when `credential`
 * is given (writes), read-only otherwise (status, history need no secret). Unless `requireTree` is
 * false (setup), a root without the table is RoutingTreeMissingError (it says to run setup).
 */
export async function connectRouting(
  ctx: CliContext,
  globals: GlobalOptions,
  table: RoutingTableConfig,
  options: { credential?: DigestCredential; logger: Logger; requireTree?: boolean },
): Promise<RoutingConnection> {
  const zk = ctx.resources.track('ZooKeeper session', await connectZk(table.zookeeper, globals.zkTimeoutMs));
  const paths = new RoutingPaths(table.root);
  if (options.requireTree !== false && (await zk.exists(paths.table())) === null) throw new RoutingTreeMissingError(paths.root);
  const storeOptions = { paths, logger: options.logger };
  if (options.credential === undefined) return { zk, store: RoutingStore.forReading(zk, storeOptions), table };
  const store = await RoutingStore.open(zk, options.credential, storeOptions);
  if (options.requireTree !== false) await requireOperator(zk, paths, options.credential);
  return { zk, store, table };
}

/**
 * Refuses a credential the table does not name as its operator before anything is done (a route
 * would otherwise create the queue on its destination and only then be refused the record). The
 * session is already authenticated: ZooKeeper shows a digest ACL's hash only to a session that
 * holds ADMIN on the node (`user:x` otherwise). ZooKeeper stays the judge of every write.
 */
async function requireOperator(zk: ZkClient, paths: RoutingPaths, credential: DigestCredential): Promise<void> {
  const { acl } = await zk.getAcl(paths.table());
  const operator = acl.some((entry) => entry.scheme === 'digest' && entry.id === credential.digestId() && entry.permissions.includes('write'));
  if (!operator) {
    throw new CliFailure('PERMISSION_DENIED', `the routing table ${paths.root} does not name this credential (user '${credential.user}') as its operator: `
      + 'check PINLATER_ROUTING_CREDENTIAL_FILE / PINLATER_ROUTING_CREDENTIAL, or the credential the table was set up with; nothing was done');
  }
}

/**
 * Creates the chroot of a connect string (`host:port/some/chroot`) when it is missing, through a
 * session without the chroot; for setup, the first command run against a new ensemble path.
 */
export async function ensureChroot(connectString: string, globals: GlobalOptions): Promise<void> {
  const slash = connectString.indexOf('/');
  if (slash < 0) return;
  const zk = await connectZk(connectString.slice(0, slash), globals.zkTimeoutMs);
  try {
    await zk.mkdirp(connectString.slice(slash));
  } finally {
    await zk.close();
  }
}

async function connectZk(connectString: string, timeoutMs: number): Promise<ZkClient> {
  try {
    return await NodeZkClient.connect({ connectString, sessionTimeoutMs: SESSION_TIMEOUT_MS, connectTimeoutMs: timeoutMs });
  } catch (e) {
    if (!(e instanceof ZkError)) throw e;
    throw new CliFailure('ERROR', `cannot reach ZooKeeper at ${connectString} within ${timeoutMs} ms (${e.codeName}); routing.zookeeper of the config, --zk-timeout-ms`);
  }
}
