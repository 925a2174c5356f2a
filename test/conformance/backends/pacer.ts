/**
 * Profile: Pacer as it is deployed (pacer/src/topology/zookeeper-topology.ts). Per namespace: a
 * fresh MariaDB database, a fresh ZooKeeper chroot, a controller process
 * (`pacer/src/controller/main.ts`) and a dequeue broker process (`pacer/src/broker/main.ts --zk`)
 * that the controller assigns every partition to; the backend under test is the gateway side,
 * routing dequeues by the external view and calling the broker over its Thrift RPC. Cleanup
 * closes the backend, stops both processes (SIGTERM, then SIGKILL if they hang), and removes the
 * chroot and the database.
 *
 * The broker's own monitor is off (PACER_MONITOR_ENABLED=false): monitor behaviour is tested
 * through `runMonitorOnce` on the backend, at the moments the tests choose, as for the legacy
 * profiles. Every other code path a client reaches is the production one.
 *
 * Pacer's embedded topology (broker inside the gateway) has no conformance profile: it differs
 * from this one only in the in-process broker client and the static directory, which
 * test/integration/pacer-semantics.test.ts and pacer-mysql-outage.test.ts exercise; a second
 * full run of the suite for them would cost more than it could find.
 */
import { createPacerBackend } from '../../../pacer';
import { createLogger } from '../../../core/src/logging/logger';
import { MemoryStats } from '../../../core/src/interfaces/stats';
import { systemClock } from '../../../core/src/util/clock';
import { freshDatabase, randomAlnum, zkChroot, type FreshDatabase, type ZkChroot } from '../../support/namespaces';
import { ProcessGroup } from '../../support/pacer-processes';
import { testEnv, testLogLevel } from '../../support/test-env';
import { CONFORMANCE_MONITOR_DEFAULTS, type BackendProfile, type ConformanceNamespace } from '../harness/backend-profile';
import { legacySettings } from './legacy-settings';
import type { ProfileSystem } from './profile-system';
import { DEFAULT_CLAIM_MODE, type ClaimMode } from '../../../pacer/src/broker/claim-batcher';

const CLUSTER = 'pacer';
const SESSION_TIMEOUT_MS = 6000;
const NUM_PRIORITY_LEVELS = 3;

/**
 * The profile's cluster in a fresh namespace (profile-system.ts), with the backend JSON a gateway
 * reaches it with (`mode: zookeeper`, pacer/src/topology/pacer-backend-config.ts) and the settings
 * a gateway's properties give Pacer (priority levels, monitor timing; the broker's monitor is off).
 */
export async function buildPacerSystem(ns: ConformanceNamespace, claims: ClaimMode = DEFAULT_CLAIM_MODE): Promise<ProfileSystem> {
  const undo: Array<() => Promise<unknown>> = [];
  const cleanup = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const step of undo.splice(0).reverse()) await step().catch((e: unknown) => errors.push(e));
    if (errors.length > 0) throw errors[0];
  };
  try {
    const [database, chroot] = await Promise.all([freshDatabase('pacer_conf'), zkChroot()]);
    undo.push(() => database.drop(), () => chroot.remove());
    const procs = clusterProcesses(database, chroot, claims);
    undo.push(() => procs.close());
    const controller = procs.startController(`controller-${randomAlnum(6)}`);
    const { host, port, user, password } = testEnv().mysql;
    const backend = await createPacerBackend({
      mysql: { host, port, user, password, database: database.name },
      numPriorityLevels: NUM_PRIORITY_LEVELS,
      monitor: { ...CONFORMANCE_MONITOR_DEFAULTS, ...ns.monitor, enabled: false },
      topology: { mode: 'zookeeper', connect: chroot.connectString, cluster: CLUSTER, sessionTimeoutMs: SESSION_TIMEOUT_MS },
      logger: createLogger({ name: `conformance:${ns.label}`, level: testLogLevel() }),
      stats: new MemoryStats(),
      clock: systemClock,
    });
    undo.push(() => backend.close());
    // The broker after the migrations (the backend applied them); graceful stops release partitions.
    await controller;
    const broker = await procs.startBroker(`broker-${randomAlnum(6)}`);
    undo.push(async () => {
      for (const p of [broker, await controller]) await procs.stop(p);
    });
    return {
      instance: { backend, cleanup },
      backendConfig: {
        mode: 'zookeeper',
        mysql: { host, port, user, password, database: database.name, connectionLimit: 4 },
        zookeeper: { connect: chroot.connectString, cluster: CLUSTER, sessionTimeoutMs: SESSION_TIMEOUT_MS },
      },
      settings: { ...legacySettings(ns), numPriorityLevels: NUM_PRIORITY_LEVELS },
    };
  } catch (error) {
    await cleanup().catch(() => undefined);
    throw error;
  }
}


function clusterProcesses(database: FreshDatabase, chroot: ZkChroot, claims: ClaimMode): ProcessGroup {
  const { host, port, user, password } = testEnv().mysql;
  return new ProcessGroup({
    zkConnect: chroot.connectString, cluster: CLUSTER, database: database.name, sessionTimeoutMs: SESSION_TIMEOUT_MS,
    brokerArgs: ['--drain-timeout-ms', '2000', '--drain-linger-ms', '0', '--claims', claims],
    env: { PACER_MONITOR_ENABLED: 'false', PACER_MYSQL_HOST: host, PACER_MYSQL_PORT: String(port), PACER_MYSQL_USER: user, PACER_MYSQL_PASSWORD: password },
  });
}

/**
 * Pacer's choices where PinLater's two backends differ: MySQL semantics (strict queue existence,
 * status append, claim-and-state-checked checkpoint and success-ack, POSIX regex, 5000-char status)
 * with millisecond timestamps, runAfter 0 = now, and GC by completion time (pacer/migrations and
 * pacer/src/datastore/sql/monitor-gc.sql; docs/compatibility.md, Pacer). Verified by this suite.
 */
const PACER_TRAITS: BackendProfile['traits'] = {
  ackCustomStatus: 'append',
  successAckOfUnclaimedJob: 'noop',
  missingQueue: 'strict',
  timestampResolutionMs: 1,
  countBoundary: 'disjoint',
  runAfterZero: 'now',
  regexDialect: 'posix',
  gcBasis: 'completion',
  customStatusLimit: 5000,
  checkpointOfFinishedJob: 'noop',
};

/** Pacer as deployed, its broker claiming with leases (the default since issue 15). */
export const pacerProfile: BackendProfile = {
  name: 'pacer',
  create: async (ns) => (await buildPacerSystem(ns)).instance,
  traits: PACER_TRAITS,
};

/**
 * The same cluster with its broker on per-job claims (`--claims per-job`): the mode a fleet rolls
 * back to (runbooks/pacer-claim-mode.md), so it keeps the whole suite. The gateway side is the
 * same code in both profiles: it acks as each dequeue reply says its jobs were claimed.
 */
export const pacerPerJobProfile: BackendProfile = {
  name: 'pacer-per-job',
  create: async (ns) => (await buildPacerSystem(ns, 'per-job')).instance,
  traits: PACER_TRAITS,
};
