/**
 * THE list of every OpenTelemetry metric and span name the system emits (issue 12). Instruments
 * are only ever created from these definitions (meter-instruments.ts) and spans only under these
 * names (tracing.ts), so this module is complete by construction; test/integration/
 * telemetry-catalogue.test.ts scrapes a real Prometheus after a workload and checks both
 * directions (every name here has data; nothing else of ours is exported). Dashboards and
 * runbooks take their names from here (`prometheusName`).
 *
 * Naming: OpenTelemetry semantic conventions where one fits (`rpc.server.call.duration`,
 * messaging attributes), our own `pinlater.*` / `pacer.*` names otherwise. Units are base units
 * (seconds). The Prometheus exporter maps `.` to `_` and appends `_total` to counters only; it does
 * NOT append the unit, so names that carry a unit say so themselves where Prometheus convention
 * wants it (`…_seconds`). Labels only for bounded sets: methods, states, priorities, results,
 * error codes, systems, and queues through the bounded per-queue series (core/src/interfaces/
 * stats.ts `queueSeries`: a queue gets its own label value only while the set has room; all
 * others share `other-queues`). Never a job id or descriptor.
 */

/** The processes that emit telemetry (their `service.name`). */
export type TelemetryProcess = 'pinlater-gateway' | 'pacer-broker' | 'pacer-controller' | 'pinlater-copier';

export type MetricKind = 'counter' | 'histogram' | 'gauge';

export interface MetricDef {
  readonly name: string;
  readonly kind: MetricKind;
  /** UCUM unit (`s`, `{job}`, `{call}`, …). */
  readonly unit: string;
  readonly description: string;
  /** Every attribute (label) key it may carry: all bounded sets. */
  readonly attributes: readonly string[];
  readonly processes: readonly TelemetryProcess[];
  /** Histograms: explicit bucket boundaries. */
  readonly buckets?: readonly number[];
}

/** Attribute keys, semantic-convention names where they exist. */
export const ATTR = {
  rpcSystem: 'rpc.system.name',
  rpcMethod: 'rpc.method',
  queue: 'messaging.destination.name',
  messagingSystem: 'messaging.system',
  operation: 'messaging.operation.name',
  batchSize: 'messaging.batch.message_count',
  clientId: 'messaging.client.id',
  errorType: 'error.type',
  backend: 'pinlater.backend',
  result: 'pinlater.result',
  state: 'pinlater.job.state',
  priority: 'pinlater.job.priority',
  mode: 'pinlater.routing.mode',
  dbSystem: 'db.system.name',
  dbOperation: 'db.operation.name',
  finagleTraceId: 'pinlater.finagle.trace_id',
  /** Shadow comparison (issue 13): which system answered (primary, candidate, secondary). */
  shadowSide: 'pinlater.shadow.side',
  /** Shadow comparison: a flattened field path of a compared answer, from a fixed set per method (shadow-fields.ts). */
  shadowField: 'pinlater.shadow.field',
  /** Shadow comparison: `raw` (primary vs candidate) or `noise` (primary vs secondary, i.e. the primary against itself). */
  shadowComparison: 'pinlater.shadow.comparison',
  /** Pacer controller: a stage of a pipeline run (read, plan, dispatch, persist, external_views). */
  controllerPhase: 'pacer.controller.phase',
} as const;

/** Seconds, sub-millisecond to 10 s (PinLater calls take 0.2 ms on a warm Redis, seconds when a store stalls). */
export const SECONDS_BUCKETS: readonly number[] = [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Batch sizes (jobs per claim batch, per enqueue/dequeue call). */
export const BATCH_BUCKETS: readonly number[] = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000];

const GW: readonly TelemetryProcess[] = ['pinlater-gateway'];
const BROKER: readonly TelemetryProcess[] = ['pacer-broker'];
const ZK_PROCESSES: readonly TelemetryProcess[] = ['pinlater-gateway', 'pacer-broker', 'pacer-controller', 'pinlater-copier'];

export const METRICS = {
  // ---------------------------------------------------------------- gateway: RPCs and backends
  rpcServerDuration: {
    name: 'rpc.server.call.duration', kind: 'histogram', unit: 's', buckets: SECONDS_BUCKETS, processes: GW,
    description: 'PinLater Thrift calls served: latency; its count is the request rate, with error.type the errors (a PinLater ErrorCode name, or a Thrift application exception type)',
    attributes: [ATTR.rpcSystem, ATTR.rpcMethod, ATTR.queue, ATTR.errorType],
  },
  backendOperationDuration: {
    name: 'pinlater.backend.operation.duration', kind: 'histogram', unit: 's', buckets: SECONDS_BUCKETS, processes: GW,
    description: 'Backend operations by the system that served them (a legacy cluster or pacer): latency and errors',
    attributes: [ATTR.operation, ATTR.backend, ATTR.queue, ATTR.errorType],
  },
  jobsEnqueued: {
    name: 'pinlater.jobs.enqueued', kind: 'counter', unit: '{job}', processes: GW,
    description: 'Jobs enqueued', attributes: [ATTR.queue, ATTR.backend],
  },
  jobsDequeued: {
    name: 'pinlater.jobs.dequeued', kind: 'counter', unit: '{job}', processes: GW,
    description: 'Jobs handed to workers by dequeueJobs', attributes: [ATTR.queue, ATTR.backend],
  },
  jobsAcked: {
    name: 'pinlater.jobs.acked', kind: 'counter', unit: '{job}', processes: GW,
    description: 'Jobs acknowledged by workers, by result (succeeded, failed)', attributes: [ATTR.queue, ATTR.backend, ATTR.result],
  },
  jobsTimedOut: {
    name: 'pinlater.jobs.timed_out', kind: 'counter', unit: '{job}', processes: ['pinlater-gateway', 'pacer-broker'],
    description: 'IN_PROGRESS jobs whose claim timed out (monitor): result retry (back to PENDING) or failed (no attempts left)',
    attributes: [ATTR.queue, ATTR.result],
  },
  queueDepth: {
    name: 'pinlater.queue.depth', kind: 'gauge', unit: '{job}', processes: GW,
    description: 'Jobs per queue, state and priority, recounted every PINLATER_QUEUE_DEPTH_INTERVAL_MS for a bounded number of queues (PENDING counts ready jobs; MySQL counts are capped as getJobCount is)',
    attributes: [ATTR.queue, ATTR.state, ATTR.priority],
  },
  routingTableVersion: {
    name: 'pinlater.routing.table.version', kind: 'gauge', unit: '{version}', processes: GW,
    description: 'The routing table version this gateway applied (compare with the table: pinlater-ops status)', attributes: [],
  },
  routingQueues: {
    name: 'pinlater.routing.queues', kind: 'gauge', unit: '{queue}', processes: GW,
    description: 'Queues with a route in force, by mode (legacy, migrating, pacer; a finalized record serves as pacer), as this gateway applied them', attributes: [ATTR.mode],
  },
  routingQueueMode: {
    name: 'pinlater.routing.queue.mode', kind: 'gauge', unit: '1', processes: GW,
    description: '1 for the mode each queue is served in now (legacy, shadow, migrating, pacer), per queue; its history is the queue\'s mode history',
    attributes: [ATTR.queue, ATTR.mode],
  },
  queueBacklog: {
    name: 'pinlater.queue.backlog', kind: 'gauge', unit: '{job}', processes: GW,
    description: 'Jobs not yet done (PENDING including future, and IN_PROGRESS) per queue on each system that holds some of it (pinlater.backend: a legacy cluster, pacer; a shadow copy counts as pacer-shadow), recounted with pinlater.queue.depth',
    attributes: [ATTR.queue, ATTR.backend],
  },
  // ---------------------------------------------------------------- gateway: shadow comparison (issue 13)
  shadowComparisons: {
    name: 'pinlater.shadow.comparisons', kind: 'counter', unit: '{comparison}', processes: GW,
    description: 'Shadowed calls compared, primary (legacy) against candidate (Pacer), by result: matched, mismatched (a difference above the noise floor), ignored (differences only in fields within the noise or ignored by rule), primary_error, candidate_error',
    attributes: [ATTR.queue, ATTR.rpcMethod, ATTR.result],
  },
  shadowNoiseComparisons: {
    name: 'pinlater.shadow.noise.comparisons', kind: 'counter', unit: '{comparison}', processes: GW,
    description: 'The primary compared against itself (the read repeated on legacy, as Diffy\'s secondary): matched or mismatched; its mismatch ratio is the noise floor',
    attributes: [ATTR.queue, ATTR.rpcMethod, ATTR.result],
  },
  shadowFieldDifferences: {
    name: 'pinlater.shadow.field.differences', kind: 'counter', unit: '{difference}', processes: GW,
    description: 'Differences per compared field: comparison raw (primary vs candidate) or noise (primary vs secondary)',
    attributes: [ATTR.queue, ATTR.rpcMethod, ATTR.shadowField, ATTR.shadowComparison],
  },
  shadowFlaggedFields: {
    name: 'pinlater.shadow.flagged.fields', kind: 'gauge', unit: '{field}', processes: GW,
    description: 'Fields whose raw differences exceed the noise by the configured thresholds (Diffy\'s rule), per queue and method: 0 means no difference beyond the noise',
    attributes: [ATTR.queue, ATTR.rpcMethod],
  },
  shadowCallDuration: {
    name: 'pinlater.shadow.call.duration', kind: 'histogram', unit: 's', buckets: SECONDS_BUCKETS, processes: GW,
    description: 'Latency of each side of a shadowed call: primary (the legacy answer the client got), candidate (Pacer), secondary (legacy repeated for the noise)',
    attributes: [ATTR.queue, ATTR.rpcMethod, ATTR.shadowSide],
  },
  shadowTasksDropped: {
    name: 'pinlater.shadow.tasks.dropped', kind: 'counter', unit: '{task}', processes: GW,
    description: 'Shadow work dropped so the primary is never slowed, by result: queue_full, timeout, overloaded, closing',
    attributes: [ATTR.queue, ATTR.result],
  },
  shadowTasksPending: {
    name: 'pinlater.shadow.tasks.pending', kind: 'gauge', unit: '{task}', processes: GW,
    description: 'Shadow work waiting or running in this gateway (bounded)', attributes: [],
  },
  shadowJobsCopied: {
    name: 'pinlater.shadow.jobs.copied', kind: 'counter', unit: '{job}', processes: GW,
    description: 'Jobs copied to a queue\'s shadow copy in Pacer', attributes: [ATTR.queue],
  },
  shadowJobsDrained: {
    name: 'pinlater.shadow.jobs.drained', kind: 'counter', unit: '{job}', processes: GW,
    description: 'Shadow copies dequeued from Pacer and acked by the shadow drainer, never executed, by result (succeeded, failed: the outcome the primary\'s worker reported)',
    attributes: [ATTR.queue, ATTR.result],
  },
  // ---------------------------------------------------------------- ZooKeeper, every process with a session
  zookeeperSessionConnected: {
    name: 'pinlater.zookeeper.session.connected', kind: 'gauge', unit: '1', processes: ZK_PROCESSES,
    description: '1 while the process has a live ZooKeeper session, 0 while it is disconnected or expired', attributes: [],
  },
  // ---------------------------------------------------------------- Pacer broker
  brokerBufferedJobs: {
    name: 'pacer.broker.buffered.jobs', kind: 'gauge', unit: '{job}', processes: BROKER,
    description: 'Ready jobs prefetched in the broker\'s memory, per queue', attributes: [ATTR.queue],
  },
  brokerPartitionsOwned: {
    name: 'pacer.broker.partitions.owned', kind: 'gauge', unit: '{partition}', processes: BROKER,
    description: 'Queue partitions this broker owns', attributes: [],
  },
  brokerClaimBatchSize: {
    name: 'pacer.broker.claim.batch.size', kind: 'histogram', unit: '{job}', buckets: BATCH_BUCKETS, processes: BROKER,
    description: 'Jobs per claim statement (group commit of dequeues)', attributes: [],
  },
  brokerRefillReads: {
    name: 'pacer.broker.refill.reads', kind: 'counter', unit: '{read}', processes: BROKER,
    description: 'MySQL reads refilling a partition\'s buffer, by result (found, empty)', attributes: [ATTR.result],
  },
  brokerDequeueDuration: {
    name: 'pacer.broker.dequeue.duration', kind: 'histogram', unit: 's', buckets: SECONDS_BUCKETS, processes: BROKER,
    description: 'Broker dequeue RPCs served (buffer hit, or a refill read first)', attributes: [ATTR.errorType],
  },
  // ---------------------------------------------------------------- Pacer controller
  controllerRebalances: {
    name: 'pacer.controller.rebalances', kind: 'counter', unit: '{rebalance}', processes: ['pacer-controller'],
    description: 'Controller pipeline runs that computed and wrote an ideal state', attributes: [],
  },
  controllerLeader: {
    name: 'pacer.controller.leader', kind: 'gauge', unit: '1', processes: ['pacer-controller'],
    description: '1 while this controller is the elected leader', attributes: [],
  },
  controllerPipelineDuration: {
    name: 'pacer.controller.pipeline.duration', kind: 'histogram', unit: 's', buckets: SECONDS_BUCKETS, processes: ['pacer-controller'],
    description: 'Time of each stage of the leader\'s pipeline runs: read (cache refresh from watch events), plan, dispatch (messages), persist (ideal states), external_views',
    attributes: [ATTR.controllerPhase],
  },
  controllerMessagesSent: {
    name: 'pacer.controller.messages.sent', kind: 'counter', unit: '{message}', processes: ['pacer-controller'],
    description: 'State-transition messages the leader sent to brokers', attributes: [],
  },
  controllerFullReads: {
    name: 'pacer.controller.full.reads', kind: 'counter', unit: '{read}', processes: ['pacer-controller'],
    description: 'Whole-cluster reads by the leader: at the start of a term, after a failed run, every 5 min; more means failing runs',
    attributes: [],
  },
  controllerNodeRefreshes: {
    name: 'pacer.controller.node.refreshes', kind: 'counter', unit: '{read}', processes: ['pacer-controller'],
    description: 'ZooKeeper nodes the leader re-read because their watch fired (current states, messages, ideal states)',
    attributes: [],
  },
  // ---------------------------------------------------------------- migration copier
  copierJobsMoved: {
    name: 'pinlater.copier.jobs.moved', kind: 'counter', unit: '{job}', processes: ['pinlater-copier'],
    description: 'Jobs moved by this copier, per queue and state moved (PENDING, FAILED, SUCCEEDED)', attributes: [ATTR.queue, ATTR.state],
  },
  copierRateLimit: {
    name: 'pinlater.copier.rate.limit', kind: 'gauge', unit: '{job}/s', processes: ['pinlater-copier'],
    description: 'Configured copy rate of each queue this copier works', attributes: [ATTR.queue],
  },
  copierQueuesWorked: {
    name: 'pinlater.copier.queues.worked', kind: 'gauge', unit: '{queue}', processes: ['pinlater-copier'],
    description: 'Queues whose migration lease this copier holds', attributes: [],
  },
} as const satisfies Record<string, MetricDef>;

export type MetricKey = keyof typeof METRICS;

/**
 * The worker SDK's metrics (pacer/src/worker-sdk/worker-instruments.ts). A library, not one of the
 * system's processes: they are emitted by whatever process embeds the SDK (a team's worker, the
 * examples in pacer/examples/), under that process's own `service.name`, so their `processes` is
 * empty and they are kept apart from METRICS, whose every entry the system's own processes must
 * emit (test/integration/telemetry-catalogue.test.ts). Same rules otherwise: names are ours
 * (`pinlater.worker.*`), labels from ATTR only, latency in seconds
 * (pacer/src/worker-sdk/worker-instruments.spec.ts checks them against METRICS).
 */
const SDK_HOST: readonly TelemetryProcess[] = [];

export const WORKER_SDK_METRICS = {
  workerJobsProcessed: {
    name: 'pinlater.worker.jobs.processed', kind: 'counter', unit: '{job}', processes: SDK_HOST,
    description: 'Jobs a worker ran to an outcome, by result: succeeded, retried (failed with attempts left: acked failed with a retry delay), failed (no attempt left, or a non-retryable error), released (handed back to PENDING unfinished at shutdown, no attempt consumed)',
    attributes: [ATTR.queue, ATTR.result],
  },
  workerHandlerDuration: {
    name: 'pinlater.worker.handler.duration', kind: 'histogram', unit: 's', buckets: SECONDS_BUCKETS, processes: SDK_HOST,
    description: 'Time the job handler took, by result (as pinlater.worker.jobs.processed)', attributes: [ATTR.queue, ATTR.result],
  },
  workerJobsInFlight: {
    name: 'pinlater.worker.jobs.in_flight', kind: 'gauge', unit: '{job}', processes: SDK_HOST,
    description: 'Jobs the worker holds now: dequeued and not yet finished (at most its concurrency)', attributes: [ATTR.queue],
  },
  workerGatewayErrors: {
    name: 'pinlater.worker.gateway.errors', kind: 'counter', unit: '{call}', processes: SDK_HOST,
    description: 'Calls from a worker to the gateway that failed, by method and error.type (a PinLater ErrorCode name such as DEQUEUE_RATE_LIMITED, or connection_lost, connect_failed, timeout, application_error); the worker backs off and retries',
    attributes: [ATTR.rpcMethod, ATTR.errorType],
  },
} as const satisfies Record<string, MetricDef>;

/** The name Prometheus shows when it scrapes the process's `/metrics` directly. */
export function prometheusName(def: MetricDef): string {
  const base = def.name.replace(/[^A-Za-z0-9_]/g, '_');
  return def.kind === 'counter' ? `${base}_total` : base;
}

/** The series a histogram adds (`_bucket`, `_sum`, `_count`), or the one series of others. */
export function prometheusSeries(def: MetricDef): string[] {
  const base = prometheusName(def);
  return def.kind === 'histogram' ? [`${base}_bucket`, `${base}_sum`, `${base}_count`] : [base];
}

export type SpanKindName = 'SERVER' | 'CLIENT' | 'INTERNAL';

export interface SpanDef {
  /** The name, `{…}` parts filled from a bounded set (a method, an operation, a command). */
  readonly name: string;
  readonly kind: SpanKindName;
  readonly processes: readonly TelemetryProcess[];
  readonly description: string;
}

export const SPANS = {
  rpcServer: { name: 'PinLater/{method}', kind: 'SERVER', processes: GW, description: 'One PinLater Thrift call; continues a Finagle caller\'s trace (TTwitter header)' },
  backendOperation: { name: 'backend {operation}', kind: 'INTERNAL', processes: GW, description: 'The backend operation of a call on the system that serves the queue (attribute pinlater.backend)' },
  redisCommand: { name: 'redis {command}', kind: 'CLIENT', processes: GW, description: 'The Redis work of one traced operation (first command to last; db.operation.batch.size commands; `batch` when they differ) with PINLATER_TRACE_STORE_WORK=summary, or one command with =commands' },
  mysqlQuery: { name: 'mysql {operation}', kind: 'CLIENT', processes: ['pinlater-gateway', 'pacer-broker'], description: 'The MySQL work of one traced operation (legacy shard or Pacer datastore; operation is the statements\' first keyword, BATCH when they differ) with PINLATER_TRACE_STORE_WORK=summary, or one statement with =commands' },
  brokerClient: { name: 'PacerBroker/{method} client', kind: 'CLIENT', processes: GW, description: 'The gateway\'s call to a Pacer dequeue broker (trace context carried in the request)' },
  brokerServer: { name: 'PacerBroker/{method}', kind: 'SERVER', processes: BROKER, description: 'A broker RPC, child of the gateway\'s client span' },
} as const satisfies Record<string, SpanDef>;

export type SpanKey = keyof typeof SPANS;

/** A span name from its definition: `spanName(SPANS.rpcServer, { method: 'enqueueJobs' })`. */
export function spanName(def: SpanDef, parts: Readonly<Record<string, string>> = {}): string {
  return def.name.replace(/\{(\w+)\}/g, (_, k: string) => parts[k] ?? k);
}
