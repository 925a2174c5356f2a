/**
 * How `jobs stuck` and `jobs release` print stuck jobs: a table for people, plain objects for
 * `--json`. Descriptors, claim descriptors and custom statuses come from the datastore and go
 * through `field` (output-format.ts).
 */
import { field, formatTable, section } from './output-format';
import type { StuckJob, StuckReport } from './stuck-jobs';

export function stuckJobJson(job: StuckJob, checkedAtMs: number): Record<string, unknown> {
  return {
    descriptor: job.descriptor,
    priority: job.priority,
    attemptsAllowed: job.attemptsAllowed,
    attemptsRemaining: job.attemptsRemaining,
    claimedSince: isoTime(job.claimedSinceMs),
    claimedSinceMs: job.claimedSinceMs,
    claimedForSeconds: Math.floor((checkedAtMs - job.claimedSinceMs) / 1000),
    claimDescriptor: job.claimDescriptor,
    customStatus: job.customStatus,
  };
}

export function stuckReportJson(report: StuckReport): Record<string, unknown> {
  return {
    queue: report.queue,
    olderThanSeconds: report.olderThanSeconds,
    priority: report.priority,
    checkedAt: isoTime(report.checkedAtMs),
    scanned: report.scanned,
    complete: report.complete,
    found: report.found,
    jobs: report.jobs.map((j) => stuckJobJson(j, report.checkedAtMs)),
  };
}

/** The headline and the table of stuck jobs. */
export function formatStuckReport(report: StuckReport): string {
  const scope = `IN_PROGRESS${report.priority === null ? '' : ` priority ${report.priority}`}, claimed (or last checkpointed) ${report.olderThanSeconds} s ago or earlier`;
  const shown = report.jobs.length < report.found ? `, the ${report.jobs.length} oldest shown (--limit)` : '';
  const lines = [
    section(`Stuck jobs of queue ${report.queue} (${scope}; ${report.scanned} IN_PROGRESS read${shown})`, report.found, () => stuckTable(report.jobs, report.checkedAtMs)),
  ];
  if (!report.complete) lines.push(`warning: a scan returned --scan-limit jobs: IN_PROGRESS jobs beyond it were not read, older claims may be stuck too (raise --scan-limit)`);
  return lines.join('\n');
}

export function stuckTable(jobs: readonly StuckJob[], checkedAtMs: number): string {
  return formatTable(
    ['DESCRIPTOR', 'PRIORITY', 'ATTEMPTS LEFT', 'CLAIMED SINCE', 'CUSTOM STATUS'],
    jobs.map((j) => [
      field(j.descriptor, 100),
      j.priority === null ? '-' : String(j.priority),
      `${j.attemptsRemaining} of ${j.attemptsAllowed}`,
      `${isoTime(j.claimedSinceMs)} (${formatAge(checkedAtMs - j.claimedSinceMs)} ago)`,
      field(j.customStatus, 40),
    ]),
  );
}

export function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

/** 42 s, 5 min 3 s, 2 h 5 min, 3 d 4 h. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86_400)} d ${Math.floor((s % 86_400) / 3600)} h`;
}
