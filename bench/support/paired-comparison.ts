/**
 * The numbers of a paired gateway comparison (bench/untrusted-input-overhead.ts,
 * bench/routing-gateway.ts): per repetition, a baseline and a candidate `Tally` from alternating
 * slices (queue-workload.ts); per phase (write, read), the candidate/baseline ratios of
 * throughput, of adjacent slices, and of gateway CPU per unit. Each benchmark prints them its way.
 */
import { median } from './latency';
import type { Tally } from './queue-workload';

export interface Phase {
  readonly name: string;
  readonly unit: string;
  readonly rate: (t: Tally) => number;
  readonly sliceRates: (t: Tally) => number[];
  readonly cpuPerUnit: (t: Tally) => number;
}

export const PHASES: readonly Phase[] = [
  { name: 'write', unit: 'job', rate: (t) => t.jobsPerSecond, sliceRates: (t) => t.writeRates, cpuPerUnit: (t) => t.cpuMicrosPerJob },
  { name: 'read', unit: 'call', rate: (t) => t.callsPerSecond, sliceRates: (t) => t.readRates, cpuPerUnit: (t) => t.cpuMicrosPerCall },
];

export interface PairedRun {
  readonly baseline: Tally;
  readonly candidate: Tally;
}

export interface PhaseComparison {
  /** candidate/baseline throughput, one per repetition. */
  readonly throughput: number[];
  /**
   * candidate/baseline of adjacent slices: slice k of each side ran next to each other (B A or
   * A B), so their ratio is the least exposed to drift in the machine's load.
   */
  readonly slices: number[];
  /** baseline/candidate gateway CPU per unit, one per repetition (above 1: the candidate costs less). */
  readonly cpuBound: number[];
  /** The baseline's rates: how far identical code moves within this run. */
  readonly baselineRates: number[];
  /** Median gateway CPU per unit, µs. */
  readonly baselineCpu: number;
  readonly candidateCpu: number;
}

export function comparePhase(phase: Phase, runs: readonly PairedRun[]): PhaseComparison {
  return {
    throughput: runs.map((r) => phase.rate(r.candidate) / phase.rate(r.baseline)),
    slices: runs.flatMap((r) => phase.sliceRates(r.candidate).map((c, k) => c / (phase.sliceRates(r.baseline)[k] as number))),
    cpuBound: runs.map((r) => phase.cpuPerUnit(r.baseline) / phase.cpuPerUnit(r.candidate)),
    baselineRates: runs.map((r) => phase.rate(r.baseline)),
    baselineCpu: median(runs.map((r) => phase.cpuPerUnit(r.baseline))),
    candidateCpu: median(runs.map((r) => phase.cpuPerUnit(r.candidate))),
  };
}

/** (max − min) / median of `rates`, as a fraction; undefined for fewer than two. */
export function spreadOf(rates: readonly number[]): number | undefined {
  return rates.length < 2 ? undefined : (Math.max(...rates) - Math.min(...rates)) / median(rates);
}

export function verdict(ratio: number, target: number): string {
  return `target ≥ ${target.toFixed(2)}, ${ratio >= target ? 'met' : 'NOT met'}`;
}

export function formatRatios(values: readonly number[]): string {
  return values.map((r) => `${r.toFixed(3)}x`).join(', ');
}
