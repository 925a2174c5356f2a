/**
 * What the shadow comparison of a gateway knows right now (issue 13), for its built-in dashboard
 * and `/dashboard/api`: totals per queue and method since the gateway started, the fields compared
 * with their raw and noise difference counts, which are flagged (above the noise by the
 * configured thresholds), and the bounded recent mismatch samples. Counters over time come from
 * the metrics (telemetry-catalogue.ts `pinlater.shadow.*`); this adds what metrics cannot carry
 * (the samples, the field verdicts).
 *
 * Sample values are untrusted (job bodies, custom statuses): whoever renders them escapes them.
 */

/** The compared methods (PinLater method names). */
export type ShadowMethod = 'enqueueJobs' | 'lookupJobs' | 'getJobCount' | 'scanJobs' | 'dequeueJobs';

export interface FieldVerdict {
  /** Flattened field path from the fixed set of the method (e.g. `state`, `attemptsAllowed`). */
  readonly field: string;
  /** Differences primary vs candidate. */
  readonly raw: number;
  /** Differences primary vs secondary (the primary against itself). */
  readonly noise: number;
  /** raw > noise and both Diffy thresholds passed. */
  readonly flagged: boolean;
}

export interface MethodReport {
  readonly method: ShadowMethod;
  readonly matched: number;
  readonly mismatched: number;
  readonly ignored: number;
  readonly primaryErrors: number;
  readonly candidateErrors: number;
  readonly noiseMatched: number;
  readonly noiseMismatched: number;
  readonly fields: readonly FieldVerdict[];
}

export interface MismatchSample {
  /** ISO-8601 instant. */
  readonly at: string;
  readonly method: ShadowMethod;
  /** The differing fields (values rendered as short strings, truncated). */
  readonly differences: ReadonlyArray<{ readonly field: string; readonly primary: string; readonly candidate: string }>;
}

export interface ShadowQueueReport {
  readonly queue: string;
  readonly methods: readonly MethodReport[];
  /** Shadow tasks of this queue dropped (queue full, timeout, overload, closing). */
  readonly dropped: number;
  readonly jobsCopied: number;
  readonly jobsDrained: number;
  /**
   * Copy tasks dropped (an enqueue copy, a mirrored dequeue or ack: shed under load, timed out,
   * queue full): each leaves the shadow copy short of what legacy holds. Included in `dropped`.
   */
  readonly copiesShed?: number;
  /**
   * ISO-8601 instant of the first copy shed in this shadow session, while the copy is incomplete:
   * getJobCount, scanJobs and dry-run dequeueJobs comparisons are `ignored` until the queue leaves
   * shadow mode (a new `shadow start` makes a fresh copy). Absent: the copy is complete.
   */
  readonly copyIncompleteSince?: string;
  /** Newest first, bounded. */
  readonly samples: readonly MismatchSample[];
}

export interface ShadowInspector {
  /** Queues with shadow data in this gateway (bounded). */
  queues(): string[];
  report(queue: string): ShadowQueueReport | undefined;
}
