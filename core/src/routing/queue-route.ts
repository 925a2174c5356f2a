/**
 * Where one queue's calls go, as a routing gateway applies it (the ZooKeeper routing record,
 * migration/src/routing/routing-record.ts, reduced to what serving needs).
 *
 * - `legacy`: every call to the legacy PinLater cluster `cluster`.
 * - `migrating`: a queue moving between its legacy cluster and Pacer (`direction`); calls naming
 *   the queue reach both sides (routing-backend.ts), the copier moves the jobs.
 * - `shadow`: every call answered by the legacy cluster `legacyCluster` (the primary); enqueues are
 *   also copied to the queue's shadow copy in Pacer and read calls repeated there and compared
 *   (core/src/shadow/, issue 13). Shadow copies are never served to clients.
 * - `pacer`: every call to Pacer (also a `finalized` record). `legacyCluster` is where the queue lived before (null if it was
 *   born on Pacer): acks, checkpoints and lookups of descriptors that cluster issued still go
 *   there (descriptor routing, whatever the mode).
 */
export type QueueRoute =
  | { readonly mode: 'legacy'; readonly cluster: string }
  | { readonly mode: 'pacer'; readonly legacyCluster: string | null }
  | { readonly mode: 'shadow'; readonly legacyCluster: string }
  | { readonly mode: 'migrating'; readonly legacyCluster: string; readonly direction: MigrationDirection };

/**
 * Which way a migrating queue moves (issue 11). `to-pacer`: new enqueues go to Pacer and the
 * copier moves the legacy cluster's jobs there; `to-legacy` (a rollback): the reverse. Dequeues,
 * counts and scans serve both sides meanwhile; the side the queue leaves goes first within a
 * priority (its jobs are older), without starving the other.
 */
export type MigrationDirection = 'to-pacer' | 'to-legacy';

/** Where a queue with no record is created: Pacer, or a named legacy cluster. */
export type RouteDestination = { readonly mode: 'pacer' } | { readonly mode: 'legacy'; readonly cluster: string };

/** How current the routing a gateway serves is (for /health, stats and the operator CLI). */
export interface RoutingStatus {
  /** False until the routing table was read once: nothing routed is served before that. */
  readonly loaded: boolean;
  /** True while the source cannot confirm the table is current (ZooKeeper down, session lost). */
  readonly degraded: boolean;
  /** The table version this gateway serves (0 before the first read). */
  readonly appliedVersion: number;
  /** Records ignored because they did not parse (the previous value stays in force). */
  readonly invalidRecords: number;
  readonly detail?: string;
  /** Queues with a route in force, by mode (`finalized` records serve as `pacer`). */
  readonly queuesByMode: Readonly<Record<QueueRoute['mode'], number>>;
  /** Whether the source's ZooKeeper session is connected (always true in memory). */
  readonly sessionConnected: boolean;
}

/** Counts routes by mode (for RoutingStatus.queuesByMode). */
export function countByMode(routes: Iterable<QueueRoute>): Record<QueueRoute['mode'], number> {
  const counts = { legacy: 0, shadow: 0, migrating: 0, pacer: 0 };
  for (const r of routes) counts[r.mode] += 1;
  return counts;
}

/**
 * The routing table as a gateway sees it. Implemented over ZooKeeper by
 * migration/src/routing (watching, last good value on trouble) and in memory for single-process
 * tools and tests.
 */
export interface RouteSource {
  /**
   * The queue's route from the table: a route, `undefined` when the queue has no record, or a
   * `PinLaterError` NO_HEALTHY_SHARDS thrown while the table has never been read (a gateway
   * started while ZooKeeper is unreachable serves nothing routed), or for a queue whose record
   * this gateway could never use (it does not parse, or names a mode not served yet, and no
   * earlier good value exists): such a queue is refused, never routed by guess.
   */
  routeOf(queue: string): QueueRoute | undefined;
  /**
   * Records the route of a queue this gateway is creating, only if the queue has no record yet
   * (a gateway can create a record, never change one); resolves with the route in force
   * afterwards (someone else's, when another record won).
   */
  recordCreated(queue: string, route: QueueRoute): Promise<QueueRoute>;
  status(): RoutingStatus;
  close(): Promise<void>;
}
