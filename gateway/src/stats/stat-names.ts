import { ErrorCode } from '../../../core/src/errors/error-code';

/**
 * The stat names of the gateway's PinLater service (FACTS §9), in one place for the gateway and
 * dashboards. Per-queue names take the queue's series label (`Stats.queueSeries`), never a raw
 * client-supplied name. The backends the gateway hosts keep theirs beside their code
 * (`backendStatNames`, `redisStatNames`, `mysqlStatNames`, `pacerStatNames`);
 * scripts/stat-names.spec.ts checks all of them together.
 */
export const statNames = {
  timing: (method: string): string => `PinLaterService.${method}`,
  error: (method: string, code: string): string => `PinLater.${method}.errors.${code}`,
  enqueued: (queue: string): string => `${queue}_enqueue`,
  dequeued: (queue: string): string => `${queue}_dequeue`,
  ackSucceeded: (queue: string): string => `${queue}_ack_succeeded`,
  ackFailed: (queue: string): string => `${queue}_ack_failed`,
  checkpoint: (queue: string): string => `${queue}_checkpoint`,
  rateLimited: (queue: string): string => `${queue}_dequeue_requests_rate_limited`,
  bodySize: (queue: string): string => `job_body_size_${queue}`,
  bodySizeAll: 'job-body-size',
  dequeueWaiters: (queue: string): string => `dequeue-semaphore-waiters-${queue}`,
  /** Ours: calls refused because a batch exceeded GATEWAY_MAX_BATCH_ITEMS. */
  batchTooLarge: (method: string): string => `PinLater.${method}.batch_too_large`,
  /** Ours: ack/checkpoint items whose descriptor names another queue (ignored, not applied). */
  crossQueueDescriptors: (method: string): string => `PinLater.${method}.cross_queue_descriptors_ignored`,
  /** Ours: calls whose queue name could never have been created (answered without a store). */
  impossibleQueueName: (method: string): string => `PinLater.${method}.impossible_queue_name`,
} as const;

/** PinLaterServiceImpl.errorCodeToStr: NO_HEALTHY_SHARDS is counted as INTERNAL_ERROR. */
export function errorStatCode(code: ErrorCode): string {
  if (code === ErrorCode.NO_HEALTHY_SHARDS) return 'INTERNAL_ERROR';
  return ErrorCode[code] ?? 'INVALID_ERROR_CODE';
}

/**
 * Ours (issue 8): the transport's connection and memory budgets (`gateway/src/server/`), described
 * in runbooks/gateway-deploy-and-restart.md, "Connection and memory budgets". Counters unless noted.
 */
export const transportStatNames = {
  /** Gauge (Finagle's name): open client connections. */
  connections: 'PinLaterService/connections',
  /** Gauge (Finagle's name): requests running now, at most MAX_CONCURRENT_REQUESTS. */
  requestConcurrency: 'PinLaterService/request_concurrency',
  /** Gauge (Finagle's name): requests waiting now for one of the MAX_CONCURRENT_REQUESTS slots. */
  requestQueueSize: 'PinLaterService/request_queue_size',
  /** Connections closed on accept because GATEWAY_MAX_CONNECTIONS were open. */
  connectionsRejected: 'PinLaterService/connections_rejected',
  /** Gauge: request bytes held now against GATEWAY_MAX_BUFFERED_BYTES. */
  frameBufferBytes: 'PinLaterService/frame_buffer_bytes',
  /** Gauge: connections waiting now for buffer budget (not reading meanwhile). */
  frameBufferWaiters: 'PinLaterService/frame_buffer_waiters',
  /** Times a connection had to wait for buffer budget. */
  frameBufferWaits: 'PinLaterService/frame_buffer_waits',
  /** Connections closed because a frame did not arrive whole within GATEWAY_FRAME_TIMEOUT_SECONDS. */
  frameReadTimeouts: 'PinLaterService/frame_read_timeouts',
  /** Connections dropped because the peer did not take a reply within GATEWAY_FRAME_TIMEOUT_SECONDS. */
  replyWriteTimeouts: 'PinLaterService/reply_write_timeouts',
  /** Connections closed by the idle timeout. */
  idleCloses: 'PinLaterService/idle_closes',
} as const;

/**
 * Ours (issue 10): a routing gateway's routing table (`RouteSource.status()`), as gauges on
 * `/stats.txt`; `/health` shows the same under `routing`. gateway/src/routing-gateway.ts.
 */
export const routingGaugeNames = {
  /** 1 while the table cannot be confirmed current (ZooKeeper down, session lost): the last one applied is served. */
  degraded: 'PinLaterRouting/degraded',
  /** 0 until the table was read once: until then nothing routed is served. */
  loaded: 'PinLaterRouting/loaded',
  /** The table version this gateway serves (0 before the first read). */
  appliedVersion: 'PinLaterRouting/applied_version',
  /** Records ignored because they did not parse (the previous value stays in force). */
  invalidRecords: 'PinLaterRouting/invalid_records',
} as const;
