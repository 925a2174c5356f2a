/**
 * The shadow engine's settings (issue 13), compiled once by the gateway's routing config
 * (gateway/src/routing-config.ts, the `shadow` object); every field has a default that works
 * without config.
 */
export interface ShadowSettings {
  /** Diffy's relative threshold, percent: |raw−noise| / (raw+noise) must exceed it. @default 20 */
  readonly relativeThresholdPercent: number;
  /** Diffy's absolute threshold, percent: |raw−noise| / comparisons must exceed it. @default 0.03 */
  readonly absoluteThresholdPercent: number;
  /** Shadow tasks waiting or running at most; more are dropped (queue_full). @default 1000 */
  readonly maxPendingTasks: number;
  /** Shadow tasks running at once at most. @default 16 */
  readonly maxConcurrency: number;
  /** A shadow task running longer is abandoned and counted dropped (timeout). @default 2000 */
  readonly taskTimeoutMs: number;
  /**
   * Abandoned tasks (timed out, their calls still outstanding) at most; while there are this many,
   * new tasks are dropped (overloaded), so a stalled Pacer never collects unbounded calls. @default 64
   */
  readonly maxAbandonedTasks: number;
  /**
   * Shedding under load: while this process's event-loop utilization over the last window is above
   * this (0..1), new compare tasks (reads repeated on both sides) are dropped (overloaded), so at
   * saturation the shadow work steps aside for the primary (shadow-load-guard.ts). 1 never sheds
   * on load. @default 0.7
   */
  readonly maxEventLoopUtilization: number;
  /**
   * The same for copy tasks (enqueue copies, the drainer's mirrors), shed only above this: a shed
   * copy makes the queue's getJobCount/scanJobs/dry-run comparisons `ignored` until its shadow
   * session ends, so reads step aside first. Never below maxEventLoopUtilization. @default 0.9
   */
  readonly copyMaxEventLoopUtilization: number;
  /** The window the event-loop utilization is measured over. @default 250 */
  readonly loadWindowMs: number;
  /** Shadow tasks admitted per second at most (a token bucket, bursts of one second); more are dropped (overloaded). 0: no cap. @default 0 */
  readonly maxTasksPerSecond: number;
  /**
   * The share of shadowed reads (lookups, counts, scans, dry-run dequeues) repeated and compared,
   * 0..1 (Scientist's percentage ramp); the others are not compared (not counted as dropped).
   * Enqueue copies and the drainer's mirrors are never sampled: the copy must stay complete. @default 1
   */
  readonly readSampleRatio: number;
  /** Legacy descriptor → shadow descriptor entries kept (least recently used evicted). @default 100000 */
  readonly aliasMapSize: number;
  /** Mismatch samples kept per queue (newest). @default 50 */
  readonly samplesPerQueue: number;
  /** Queues with shadow statistics and samples kept in memory (the report); others only in metrics. @default 1000 */
  readonly maxQueues: number;
  /** Characters kept of each value in a mismatch sample. @default 120 */
  readonly sampleValueChars: number;
  /** A shadow copy the drainer claimed is acked succeeded when its legacy twin's ack has not come by then. @default 300000 */
  readonly drainHoldMs: number;
  /** Claimed shadow copies held at most; the oldest is released (acked succeeded) beyond it. @default 10000 */
  readonly maxHeldClaims: number;
  /** On close, running shadow tasks get this long; the rest are dropped (closing). @default 2000 */
  readonly closeGraceMs: number;
}

export const DEFAULT_SHADOW_SETTINGS: ShadowSettings = {
  relativeThresholdPercent: 20,
  absoluteThresholdPercent: 0.03,
  maxPendingTasks: 1000,
  maxConcurrency: 16,
  taskTimeoutMs: 2000,
  maxAbandonedTasks: 64,
  maxEventLoopUtilization: 0.7,
  copyMaxEventLoopUtilization: 0.9,
  loadWindowMs: 250,
  maxTasksPerSecond: 0,
  readSampleRatio: 1,
  aliasMapSize: 100_000,
  samplesPerQueue: 50,
  maxQueues: 1000,
  sampleValueChars: 120,
  drainHoldMs: 300_000,
  maxHeldClaims: 10_000,
  closeGraceMs: 2000,
};
