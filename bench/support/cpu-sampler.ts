import { readFileSync } from 'node:fs';

/** Linux clock ticks per second for /proc times (USER_HZ; 100 on every mainstream kernel). */
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; NaN if unreadable. */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/** Busy and total jiffies of the whole machine (first line of /proc/stat). */
export function machineTicks(): { busy: number; total: number } {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

export interface CpuReport {
  /** % of one core per named process over the sampled interval. */
  processes: Record<string, number>;
  /** % of the whole machine busy (all processes, ours or not). */
  machineBusy: number;
}

/**
 * Measures the CPU each named process used between `start()` and `stop()`, as a percentage of one
 * core (200% = both cores of a 2-vCPU machine), from /proc deltas (exact, unlike the lifetime
 * average `ps -o pcpu` shows). Also reports how busy the whole machine was, to show contention
 * from processes outside the benchmark.
 */
export class CpuSampler {
  private startMs = 0;
  private startCpu: Record<string, number> = {};
  private startMachine = { busy: 0, total: 0 };

  constructor(private readonly pids: Record<string, number>) {}

  start(): void {
    this.startMs = Date.now();
    this.startCpu = Object.fromEntries(Object.entries(this.pids).map(([name, pid]) => [name, processCpuSeconds(pid)]));
    this.startMachine = machineTicks();
  }

  stop(): CpuReport {
    const seconds = (Date.now() - this.startMs) / 1000;
    const processes: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) {
      processes[name] = ((processCpuSeconds(pid) - (this.startCpu[name] ?? Number.NaN)) / seconds) * 100;
    }
    const end = machineTicks();
    const machineBusy = ((end.busy - this.startMachine.busy) / (end.total - this.startMachine.total)) * 100;
    return { processes, machineBusy };
  }
}

/**
 * `cpu: bench 20% (21 µs/job) · gateway 60% (62 µs/job) · … · whole machine 97% busy`. CPU time
 * per job is the steadier number on a shared machine: it does not depend on how much CPU other
 * processes left over.
 */
export function formatCpu(report: CpuReport | undefined, jobsPerSecond: number): string {
  if (!report) return '';
  const parts = Object.entries(report.processes).map(([name, pct]) =>
    Number.isFinite(pct) ? `${name} ${pct.toFixed(0)}% (${((pct / 100) * (1e6 / jobsPerSecond)).toFixed(1)} µs/job)` : `${name} ?`,
  );
  return `cpu (% of one core): ${parts.join(' · ')} · whole machine ${report.machineBusy.toFixed(0)}% busy`;
}
