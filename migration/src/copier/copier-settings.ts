/** How a copier works (copier-config.ts loads and validates them once per process). */
export interface CopierSettings {
  /** Jobs per take (one atomic script or statement on the source). */
  readonly batchSize: number;
  /** Batches of one queue moved at the same time (their round trips overlap). */
  readonly parallelBatches: number;
  /** The lease on a queue; renewed every third of it. */
  readonly leaseTtlMs: number;
  /** How often the migration row (pause, rate) is re-read while copying: pause takes effect within this plus one batch. */
  readonly controlPollMs: number;
  /** How long the side a queue leaves must stay empty before the copier flips the queue. */
  readonly quietPeriodMs: number;
  /** Sweep interval for late writes once a queue is flipped (status complete). */
  readonly lateSweepIntervalMs: number;
  /** Source take latency above which the copy rate is halved. */
  readonly latencyThresholdMs: number;
  /** How often the routing table is listed for queues to work. */
  readonly discoveryIntervalMs: number;
}

export const DEFAULT_COPIER_SETTINGS: CopierSettings = {
  batchSize: 1000,
  parallelBatches: 2,
  leaseTtlMs: 15_000,
  controlPollMs: 250,
  quietPeriodMs: 10_000,
  lateSweepIntervalMs: 2_000,
  latencyThresholdMs: 100,
  discoveryIntervalMs: 1_000,
};
