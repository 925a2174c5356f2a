/**
 * Scenario `jobs-stuck-in-progress`: a worker dequeued jobs and died without acking them.
 *
 * create: through the routing gateway (:9010, as every client), creates the drill queue
 * STUCK_QUEUE (new queues go to Pacer locally), empties it, enqueues STUCK_JOBS jobs and dequeues
 * them as the worker `runbook-drill-worker` without acking: they stay IN_PROGRESS (the claim
 * timeout, 180 s, is far longer than the page takes). Then waits until they are older than
 * STUCK_AGE_SECONDS, the age the page asks about.
 * restore: deletes every job of the drill queue, whatever state the page left it in.
 * The page (runbooks/stuck-or-timed-out-jobs.md) names the same queue in its setup block.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { JobState, type PinLaterThriftClient } from '../../../gateway/src/client/pinlater-thrift-client';
import { eventually } from '../../support/eventually';
import type { RunbookScenario } from '../runbook-scenario';
import { withRoutingGateway } from './routing-gateway';

export const STUCK_QUEUE = 'oncall_stuck_jobs';
const STUCK_JOBS = 5;
/** The page's `--older-than-seconds`: claims must be older than this when the page starts. */
const STUCK_AGE_SECONDS = 2;
const WORKER = 'runbook-drill-worker';
const CLAIM_TIMEOUT_MS = 10_000;
const ALL_STATES = [JobState.PENDING, JobState.IN_PROGRESS, JobState.SUCCEEDED, JobState.FAILED];

export function jobsStuckInProgress(): RunbookScenario {
  return { create: leaveJobsClaimed, restore: () => withRoutingGateway(WORKER, deleteAllJobs) };
}

async function leaveJobsClaimed(): Promise<void> {
  await withRoutingGateway(WORKER, async (client) => {
    await client.createQueue(STUCK_QUEUE);
    await deleteAllJobs(client);
    await client.enqueue(STUCK_QUEUE, Array.from({ length: STUCK_JOBS }, (_, i) => ({ body: `stuck job ${i}`, attemptsAllowed: 3 })));
    // A broker may hand out fresh jobs over more than one dequeue (partitions refilled one by one).
    let claimed = 0;
    await eventually(async () => {
      const reply = await client.dequeue({ queue: STUCK_QUEUE, limit: STUCK_JOBS - claimed });
      claimed += Object.keys(reply.jobs ?? {}).length;
      if (claimed < STUCK_JOBS) throw new Error(`dequeued ${claimed} of the ${STUCK_JOBS} jobs just enqueued into ${STUCK_QUEUE}`);
    }, { timeoutMs: CLAIM_TIMEOUT_MS, intervalMs: 200 });
  });
  await sleep((STUCK_AGE_SECONDS + 1) * 1000); // claims older than the page's threshold, by construction
}

async function deleteAllJobs(client: PinLaterThriftClient): Promise<void> {
  for (const state of ALL_STATES) {
    while ((await client.deleteJobs({ queue: STUCK_QUEUE, state, limit: 1000 })) > 0);
  }
}
