/**
 * The shadow comparison's memory (issue 13): per queue and method, the comparisons by result, the
 * noise comparisons, and per field the raw and noise difference counts that Diffy's rule
 * (noise-verdict.ts) judges; plus drops, copies, drains and the recent mismatch samples. It
 * classifies each comparison and serves the ShadowInspector the dashboard reads.
 *
 * Copy incomplete: when a task that keeps the shadow copy in step with legacy was dropped (an
 * enqueue copy, a mirrored dequeue or ack: shed under load, timed out, queue full), the copy no
 * longer holds what legacy holds, so comparisons of the whole queue (getJobCount, scanJobs, dry-run
 * dequeueJobs) would report that gap as mismatches. From the first such drop until the queue's
 * shadow session ends (the gateway serves it outside shadow mode: `sessionEnded`; a new
 * `shadow start` creates a fresh copy) or the gateway restarts, those comparisons are `ignored`:
 * their raw differences are not counted (the noise still is). Lookups and enqueues compare single
 * jobs and stay compared: a job whose copy was shed has no alias and is not looked up.
 *
 * Bounded: at most `maxQueues` queues are kept by name; later ones share one tally under
 * OVERFLOW_QUEUE_SERIES (classified alike, not listed); fields come from the fixed set per method.
 */
import { OVERFLOW_QUEUE_SERIES } from '../interfaces/stats';
import { MismatchSamples } from './mismatch-samples';
import { isFlagged, type NoiseThresholds } from './noise-verdict';
import type { FieldDifference } from './shadow-fields';
import type { FieldVerdict, MethodReport, ShadowInspector, ShadowMethod, ShadowQueueReport } from './shadow-report';

/** The methods whose comparisons read the whole queue, so a gap in the copy shows in them. */
const WHOLE_QUEUE_METHODS: ReadonlySet<ShadowMethod> = new Set<ShadowMethod>(['getJobCount', 'scanJobs', 'dequeueJobs']);

export type ComparisonResult = 'matched' | 'mismatched' | 'ignored' | 'primary_error' | 'candidate_error';

export interface ShadowStatisticsOptions extends NoiseThresholds {
  readonly maxQueues: number;
  readonly samplesPerQueue: number;
  readonly sampleValueChars: number;
}

interface FieldCounts {
  raw: number;
  noise: number;
}

class MethodTally {
  readonly results: Record<ComparisonResult, number> = { matched: 0, mismatched: 0, ignored: 0, primary_error: 0, candidate_error: 0 };
  noiseMatched = 0;
  noiseMismatched = 0;
  readonly fields = new Map<string, FieldCounts>();

  /** Comparisons where both sides answered (Diffy's endpoint total). */
  compared(): number {
    return this.results.matched + this.results.mismatched + this.results.ignored;
  }

  field(name: string): FieldCounts {
    let counts = this.fields.get(name);
    if (counts === undefined) this.fields.set(name, (counts = { raw: 0, noise: 0 }));
    return counts;
  }
}

class QueueTally {
  readonly methods = new Map<ShadowMethod, MethodTally>();
  dropped = 0;
  jobsCopied = 0;
  jobsDrained = 0;
  copiesShed = 0;
  /** When the first copy task was dropped in this shadow session (undefined: the copy is complete). */
  copyIncompleteSinceMs: number | undefined;

  constructor(readonly samples: MismatchSamples) {}

  method(name: ShadowMethod): MethodTally {
    let tally = this.methods.get(name);
    if (tally === undefined) this.methods.set(name, (tally = new MethodTally()));
    return tally;
  }
}

export class ShadowStatistics implements ShadowInspector {
  private readonly tallies = new Map<string, QueueTally>();

  constructor(private readonly options: ShadowStatisticsOptions) {}

  /**
   * One comparison where both sides answered: counts its raw differences (benign ones excepted)
   * and noise differences per field, then classifies it: `mismatched` when a non-benign raw
   * difference is in a flagged field (then sampled), `ignored` when it has other differences,
   * `matched` otherwise. `noise` undefined: no secondary read (enqueues).
   */
  compare(queue: string, method: ShadowMethod, raw: readonly FieldDifference[], noise: readonly FieldDifference[] | undefined, atMs: number): ComparisonResult {
    const tally = this.queue(queue);
    const m = tally.method(method);
    if (copyIncomplete(tally, method)) return this.ignoredWhileIncomplete(m, noise);
    const real = raw.filter((d) => d.benign !== true);
    for (const field of distinctFields(real)) m.field(field).raw += 1;
    if (noise !== undefined) this.countNoise(m, noise);
    const total = m.compared() + 1;
    const flagged = real.filter((d) => this.flagged(m.field(d.field), total));
    const result: ComparisonResult = flagged.length > 0 ? 'mismatched' : raw.length > 0 ? 'ignored' : 'matched';
    m.results[result] += 1;
    if (result === 'mismatched') tally.samples.add(atMs, method, real);
    return result;
  }

  /** Noise alone (the candidate failed, the secondary answered): the noise floor still learns. */
  noise(queue: string, method: ShadowMethod, noise: readonly FieldDifference[]): void {
    this.countNoise(this.queue(queue).method(method), noise);
  }

  /** A comparison that could not be made: one side failed. */
  failed(queue: string, method: ShadowMethod, side: 'primary' | 'candidate'): ComparisonResult {
    const result = side === 'primary' ? 'primary_error' : 'candidate_error';
    this.queue(queue).method(method).results[result] += 1;
    return result;
  }

  dropped(queue: string): void {
    this.queue(queue).dropped += 1;
  }

  /** A copy task was dropped: the queue's copy is incomplete from now until its session ends. */
  copyShed(queue: string, atMs: number): void {
    const tally = this.queue(queue);
    tally.copiesShed += 1;
    tally.copyIncompleteSinceMs ??= atMs;
  }

  /** The queue is served outside shadow mode: a later shadow session starts with a fresh copy. Never adds a queue. */
  sessionEnded(queue: string): void {
    const tally = this.tallies.get(queue);
    if (tally !== undefined) tally.copyIncompleteSinceMs = undefined;
  }

  /** Whether `method`'s comparisons of `queue` are ignored because its copy is incomplete. */
  copyIncomplete(queue: string, method: ShadowMethod): boolean {
    const tally = this.tallies.get(queue) ?? this.tallies.get(OVERFLOW_QUEUE_SERIES);
    return tally !== undefined && copyIncomplete(tally, method);
  }

  copied(queue: string, jobs: number): void {
    this.queue(queue).jobsCopied += jobs;
  }

  drained(queue: string, jobs: number): void {
    this.queue(queue).jobsDrained += jobs;
  }

  /** Flagged fields per queue and method, for the flagged-fields gauge. */
  flaggedFields(): Array<{ queue: string; method: ShadowMethod; flagged: number }> {
    const out: Array<{ queue: string; method: ShadowMethod; flagged: number }> = [];
    for (const [queue, tally] of this.tallies) {
      for (const [method, m] of tally.methods) out.push({ queue, method, flagged: this.verdicts(m).filter((v) => v.flagged).length });
    }
    return out;
  }

  queues(): string[] {
    return [...this.tallies.keys()].filter((q) => q !== OVERFLOW_QUEUE_SERIES);
  }

  report(queue: string): ShadowQueueReport | undefined {
    const tally = queue === OVERFLOW_QUEUE_SERIES ? undefined : this.tallies.get(queue);
    if (tally === undefined) return undefined;
    return {
      queue,
      methods: [...tally.methods].map(([method, m]) => this.methodReport(method, m)),
      dropped: tally.dropped,
      jobsCopied: tally.jobsCopied,
      jobsDrained: tally.jobsDrained,
      copiesShed: tally.copiesShed,
      ...(tally.copyIncompleteSinceMs === undefined ? {} : { copyIncompleteSince: new Date(tally.copyIncompleteSinceMs).toISOString() }),
      samples: tally.samples.list(),
    };
  }

  private methodReport(method: ShadowMethod, m: MethodTally): MethodReport {
    return {
      method,
      matched: m.results.matched,
      mismatched: m.results.mismatched,
      ignored: m.results.ignored,
      primaryErrors: m.results.primary_error,
      candidateErrors: m.results.candidate_error,
      noiseMatched: m.noiseMatched,
      noiseMismatched: m.noiseMismatched,
      fields: this.verdicts(m),
    };
  }

  private verdicts(m: MethodTally): FieldVerdict[] {
    const total = m.compared();
    return [...m.fields].map(([field, c]) => ({ field, raw: c.raw, noise: c.noise, flagged: this.flagged(c, total) }));
  }

  private flagged(counts: FieldCounts, total: number): boolean {
    return isFlagged(counts.raw, counts.noise, total, this.options);
  }

  private ignoredWhileIncomplete(m: MethodTally, noise: readonly FieldDifference[] | undefined): ComparisonResult {
    if (noise !== undefined) this.countNoise(m, noise);
    m.results.ignored += 1;
    return 'ignored';
  }

  private countNoise(m: MethodTally, noise: readonly FieldDifference[]): void {
    for (const field of distinctFields(noise)) m.field(field).noise += 1;
    if (noise.length === 0) m.noiseMatched += 1;
    else m.noiseMismatched += 1;
  }

  private queue(queue: string): QueueTally {
    const key = this.tallies.has(queue) || this.tallies.size < this.options.maxQueues ? queue : OVERFLOW_QUEUE_SERIES;
    let tally = this.tallies.get(key);
    if (tally === undefined) this.tallies.set(key, (tally = new QueueTally(new MismatchSamples(this.options.samplesPerQueue, this.options.sampleValueChars))));
    return tally;
  }
}

function copyIncomplete(tally: QueueTally, method: ShadowMethod): boolean {
  return tally.copyIncompleteSinceMs !== undefined && WHOLE_QUEUE_METHODS.has(method);
}

function distinctFields(differences: readonly FieldDifference[]): Set<string> {
  return new Set(differences.map((d) => d.field));
}
