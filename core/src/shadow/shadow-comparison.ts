/**
 * One shadowed call compared the Diffy way (../shared/OPS-FACTS.md "Shadow comparison"): the
 * primary (legacy) already answered the client; the candidate (Pacer, on the shadow copy) and the
 * secondary (the same read repeated on legacy) run now, side by side, each timed. Raw differences
 * are primary vs candidate, noise differences primary vs secondary; ShadowStatistics judges and
 * classifies, the observer gets the metrics. Runs inside a shadow task: it never throws.
 * A comparison ignored by rule (`ignoredByRule`, shadow-fields.ts "Ignored by rule") runs the
 * candidate only: its errors and latency count, its answer is `ignored`, and no noise is learnt
 * from it (it would raise the noise floor of the fields judged in the other states).
 * Lookups are judged per job against the drainer's bookkeeping (shadow-fields.ts "Lookups"): a
 * pair whose copy is out of step with its twin by design (held, an ack outstanding, outcomes
 * waiting for a claim, released, or moved since the lookup began) has its lifecycle differences
 * benign, so the comparison is `ignored`; content differences (found, body, attemptsAllowed) and
 * the lifecycle of a pair settled on both sides are judged against the noise as usual.
 */
import { InternalError } from '../errors/internal-error';
import { ErrorCode } from '../errors/error-code';
import { PinLaterError } from '../errors/pinlater-error';
import type { Clock } from '../util/clock';
import { diffOutcomes, ruleIgnored, type FieldDifference, type Outcome } from './shadow-fields';
import type { ShadowObserver, ShadowSide } from './shadow-observer';
import type { ShadowMethod } from './shadow-report';
import type { ComparisonResult, ShadowStatistics } from './shadow-statistics';

/** The answer of a call, or the error it failed with, by its wire code name. */
export async function outcomeOf<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (e) {
    return { ok: false, error: errorName(e) };
  }
}

/** `QUEUE_NOT_FOUND`, `UNKNOWN`, …; `INTERNAL_ERROR` for an InternalError, `UNKNOWN` for anything else. */
export function errorName(e: unknown): string {
  if (e instanceof PinLaterError) return ErrorCode[e.code] ?? String(e.code);
  return e instanceof InternalError ? 'INTERNAL_ERROR' : 'UNKNOWN';
}

export interface ReadComparison<T> {
  readonly queue: string;
  readonly method: ShadowMethod;
  /** What the client got. */
  readonly primary: T;
  readonly candidate: () => Promise<T>;
  readonly secondary: () => Promise<T>;
  readonly diff: (primary: T, other: T) => FieldDifference[];
  /** Compared, never judged: always `ignored` (shadow-fields.ts "Ignored by rule"). */
  readonly ignoredByRule?: boolean;
}

export class ShadowComparator {
  constructor(private readonly statistics: ShadowStatistics, private readonly observer: ShadowObserver, private readonly clock: Clock) {}

  /** Runs candidate and secondary, then records the comparison. */
  async compareRead<T>(c: ReadComparison<T>): Promise<ComparisonResult> {
    if (c.ignoredByRule === true) return this.compareIgnoredByRule(c);
    const [candidate, secondary] = await Promise.all([this.timed(c, 'candidate', c.candidate), this.timed(c, 'secondary', c.secondary)]);
    const primary: Outcome<T> = { ok: true, value: c.primary };
    const noise = secondary.ok ? diffOutcomes(primary, secondary, c.diff) : undefined;
    if (!candidate.ok) {
      if (noise !== undefined) this.noiseOnly(c.queue, c.method, noise);
      return this.failed(c.queue, c.method, 'candidate');
    }
    return this.record(c.queue, c.method, diffOutcomes(primary, candidate, c.diff), noise);
  }

  /** The candidate alone; its answer's differences (or none) all benign: `ignored`, or `candidate_error`. */
  private async compareIgnoredByRule<T>(c: ReadComparison<T>): Promise<ComparisonResult> {
    const candidate = await this.timed(c, 'candidate', c.candidate);
    if (!candidate.ok) return this.failed(c.queue, c.method, 'candidate');
    return this.record(c.queue, c.method, ruleIgnored(diffOutcomes({ ok: true, value: c.primary }, candidate, c.diff)), undefined);
  }

  /** A comparison of already known outcomes (enqueues: no secondary). */
  record(queue: string, method: ShadowMethod, raw: readonly FieldDifference[], noise: readonly FieldDifference[] | undefined): ComparisonResult {
    // While the queue's copy is incomplete, its whole-queue differences are the gap, not Pacer's.
    const counted = this.statistics.copyIncomplete(queue, method) ? [] : raw;
    const result = this.statistics.compare(queue, method, raw, noise, this.clock.nowMs());
    this.observer.compared(queue, method, result);
    this.observeFields(queue, method, counted.filter((d) => d.benign !== true), 'raw');
    if (noise !== undefined) this.observeNoise(queue, method, noise);
    return result;
  }

  /** One side failed: no comparison. */
  failed(queue: string, method: ShadowMethod, side: 'primary' | 'candidate'): ComparisonResult {
    const result = this.statistics.failed(queue, method, side);
    this.observer.compared(queue, method, result);
    return result;
  }

  /** A side's latency (seconds). */
  timedSide(queue: string, method: ShadowMethod, side: ShadowSide, seconds: number): void {
    this.observer.sideTimed(queue, method, side, seconds);
  }

  /** Runs a side's call, timed; its failure becomes an outcome. */
  async timed<T>(c: { queue: string; method: ShadowMethod }, side: ShadowSide, call: () => Promise<T>): Promise<Outcome<T>> {
    const started = performance.now();
    const outcome = await outcomeOf(call);
    this.observer.sideTimed(c.queue, c.method, side, (performance.now() - started) / 1000);
    return outcome;
  }

  private noiseOnly(queue: string, method: ShadowMethod, noise: readonly FieldDifference[]): void {
    this.statistics.noise(queue, method, noise);
    this.observeNoise(queue, method, noise);
  }

  private observeNoise(queue: string, method: ShadowMethod, noise: readonly FieldDifference[]): void {
    this.observer.noiseCompared(queue, method, noise.length === 0);
    this.observeFields(queue, method, noise, 'noise');
  }

  private observeFields(queue: string, method: ShadowMethod, differences: readonly FieldDifference[], comparison: 'raw' | 'noise'): void {
    for (const field of new Set(differences.map((d) => d.field))) this.observer.fieldDiffered(queue, method, field, comparison);
  }
}
