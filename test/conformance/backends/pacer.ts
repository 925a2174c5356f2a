/**
 * Profile: Pacer (`pacer/index.ts` `createPacerBackend`). Namespace = a fresh MariaDB database (the
 * factory applies Pacer's migrations); without a partition directory the factory runs an embedded
 * dequeue broker that owns every partition. Cleanup closes the backend (and its broker) and drops
 * the database. No ZooKeeper: `createPacerBackend` does not use it yet (when its ZooKeeper
 * directory lands, give each namespace a `zkChroot()` from test/support/namespaces.ts).
 *
 * The module is loaded lazily: if it fails to load, every Pacer test fails with
 * ModuleNotReadyError (by design: loud, and only Pacer's blocks).
 */
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { PacerBackendOptions } from '../../../pacer';
import { createLogger } from '../../../core/src/logging/logger';
import { MemoryStats } from '../../../core/src/interfaces/stats';
import { systemClock } from '../../../core/src/util/clock';
import { freshDatabase, randomAlnum } from '../../support/namespaces';
import { testEnv, testLogLevel } from '../../support/test-env';
import { CONFORMANCE_MONITOR_DEFAULTS, type BackendProfile, type ConformanceNamespace } from '../harness/backend-profile';
import { loadModule, requireFunction } from '../harness/load-module';

const WHAT = 'Pacer backend (pacer/index.ts createPacerBackend)';

type CreatePacerBackend = (options: PacerBackendOptions) => Promise<PinLaterBackend>;

async function create(ns: ConformanceNamespace) {
  const pacer = loadModule<unknown>(WHAT, '../../../pacer');
  const factory = requireFunction<CreatePacerBackend>(WHAT, pacer, 'createPacerBackend');
  const database = await freshDatabase('pacer_conf');
  const { host, port, user, password } = testEnv().mysql;
  let backend: PinLaterBackend;
  try {
    backend = await factory({
      mysql: { host, port, user, password, database: database.name },
      numPriorityLevels: 3,
      monitor: { ...CONFORMANCE_MONITOR_DEFAULTS, ...ns.monitor, enabled: false },
      embeddedBroker: { brokerId: `conformance-${randomAlnum(8)}` },
      logger: createLogger({ name: `conformance:${ns.label}`, level: testLogLevel() }),
      stats: new MemoryStats(),
      clock: systemClock,
    });
  } catch (error) {
    await database.drop();
    throw error;
  }
  let cleaned = false;
  return {
    backend,
    cleanup: async () => {
      if (cleaned) return;
      cleaned = true;
      try {
        await backend.close();
      } finally {
        await database.drop();
      }
    },
  };
}

/**
 * Pacer's choices where PinLater's two backends differ: MySQL semantics (strict queue existence,
 * status append, claim-and-state-checked checkpoint and success-ack, POSIX regex, 5000-char status)
 * with millisecond timestamps, runAfter 0 = now, and GC by completion time (pacer/migrations and
 * pacer/src/datastore/sql/monitor-gc.sql; docs/compatibility.md, Pacer). Verified by this suite.
 */
export const pacerProfile: BackendProfile = {
  name: 'pacer',
  create,
  traits: {
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
  },
};
