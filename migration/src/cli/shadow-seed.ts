/**
 * Seeding a queue's shadow copy at `shadow start` (issue 13). Gateways copy only the enqueues
 * they serve in shadow mode, so without a seed the shadow copy starts empty: every job legacy
 * held before `shadow start` would be missing from it, and every count or scan comparison of the
 * queue would be a mismatch for as long as that backlog lives. The seed copies those jobs once,
 * right after every live gateway applied the shadow record, with the backends' bulk transfer
 * (exportJobs from legacy, importJobs into the shadow queue: body, priority, attempts, custom
 * status, run-after and times kept).
 *
 * What is seeded: PENDING (ready and future) and FAILED jobs of every priority, created before
 * the shadow record was written (`createdBeforeMs`). A job created later was enqueued through a
 * gateway that either copies it itself (it serves the queue in shadow mode) or did not apply the
 * record yet (then the job has no copy: the window docs/migration.md describes). Not seeded: jobs
 * in progress (their copy would have no worker to ack it) and succeeded ones (retention differs
 * between the systems; their counts are not judged, core/src/shadow/shadow-fields.ts).
 *
 * Exported page by page (bounded memory), FAILED first: a failed job an operator retries while
 * the seed runs shows up again in the PENDING export and is skipped by its descriptor, the only
 * way a job could be seen twice (a PENDING job failing meanwhile is already past its export).
 */
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { shadowQueueName } from '../../../core/src/shadow/shadow-queue-name';
import type { PortableJob } from '../../../core/src/types/job';
import { JobState } from '../../../core/src/types/job-state';

/** Jobs per exportJobs page (and importJobs batch). */
export const SEED_PAGE_SIZE = 500;

export interface SeedOptions {
  readonly numPriorityLevels: number;
  /** Only jobs created before this instant (epoch ms): the shadow record's write time. */
  readonly createdBeforeMs: number;
  /**
   * Runs each page (export, then import) to its end: the CLI's `duringWrite`, so a stop request
   * ends the seed between pages, never inside one. @default runs it as is
   */
  readonly eachPage?: (page: () => Promise<void>) => Promise<void>;
  /** @default SEED_PAGE_SIZE */
  readonly pageSize?: number;
}

export interface ShadowSeed {
  /** Copies written to the shadow queue. */
  readonly seeded: number;
  readonly pending: number;
  readonly failed: number;
  /** Jobs exported but left out: created after the record was written (the gateways copy those). */
  readonly newer: number;
  /** ISO-8601: the jobs created before this instant were seeded. */
  readonly createdBefore: string;
}

/** The states seeded, FAILED first (see the header). */
const SEEDED_STATES = [JobState.FAILED, JobState.PENDING] as const;

/** The seed failed part way (`cause`): `seeded` copies were written. */
export class ShadowSeedError extends Error {
  constructor(readonly seeded: number, cause: unknown) {
    super(`seeding the shadow copy failed after ${seeded} cop${seeded === 1 ? 'y' : 'ies'}`, { cause });
    this.name = 'ShadowSeedError';
  }
}

/**
 * Copies `queue`'s PENDING and FAILED jobs created before `createdBeforeMs` from `legacy` into
 * its shadow queue on `pacer`. Rejects with a ShadowSeedError (its cause: what failed).
 */
export async function seedShadowCopy(legacy: PinLaterBackend, pacer: PinLaterBackend, queue: string, options: SeedOptions): Promise<ShadowSeed> {
  const counts = { pending: 0, failed: 0, newer: 0 };
  const failedSeen = new Set<string>();
  try {
    for (const state of SEEDED_STATES) {
      for (let priority = 1; priority <= options.numPriorityLevels; priority += 1) {
        await seedPages({ legacy, pacer, queue, state, priority, options, failedSeen, counts });
      }
    }
  } catch (e) {
    throw new ShadowSeedError(counts.pending + counts.failed, e);
  }
  return { seeded: counts.pending + counts.failed, ...counts, createdBefore: new Date(options.createdBeforeMs).toISOString() };
}

interface SeedRun {
  readonly legacy: PinLaterBackend;
  readonly pacer: PinLaterBackend;
  readonly queue: string;
  readonly state: (typeof SEEDED_STATES)[number];
  readonly priority: number;
  readonly options: SeedOptions;
  readonly failedSeen: Set<string>;
  readonly counts: { pending: number; failed: number; newer: number };
}

async function seedPages(r: SeedRun): Promise<void> {
  const eachPage = r.options.eachPage ?? ((page: () => Promise<void>) => page());
  let cursor: string | undefined;
  let more = true;
  while (more) {
    await eachPage(async () => {
      cursor = await seedPage(r, cursor);
      more = cursor !== undefined;
    });
  }
}

/** One page: exported, filtered, imported and counted; the next page's cursor (undefined: the last). */
async function seedPage(r: SeedRun, cursor: string | undefined): Promise<string | undefined> {
  const limit = r.options.pageSize ?? SEED_PAGE_SIZE;
  const page = await r.legacy.exportJobs({ queue: r.queue, state: r.state, priority: r.priority, limit, ...(cursor === undefined ? {} : { cursor }) });
  const older = page.jobs.filter((j) => j.createdAtMs < r.options.createdBeforeMs);
  r.counts.newer += page.jobs.length - older.length;
  const copies = older.filter((j) => !r.failedSeen.has(j.sourceDescriptor)).map((j) => shadowCopyOf(j, r.queue, r.state));
  await r.pacer.importJobs(shadowQueueName(r.queue), copies);
  if (r.state === JobState.FAILED) {
    for (const j of copies) r.failedSeen.add(j.sourceDescriptor);
    r.counts.failed += copies.length;
  } else {
    r.counts.pending += copies.length;
  }
  return page.nextCursor;
}

/** The job as its shadow copy: in the shadow queue, in the state it was exported in, with no claim. */
function shadowCopyOf(job: PortableJob, queue: string, state: JobState): PortableJob {
  const { claimDescriptor: _claim, ...rest } = job;
  return { ...rest, queue: shadowQueueName(queue), state };
}
