import type { ShardPortableJob } from '../../../core/src/interfaces/shard-store';
import type { JobState } from '../../../core/src/types/job-state';
import { JobHashField } from './keys';
import { replyInt, replySecondsToMs, replyText } from './redis-job-codec';

/**
 * A stored job as the migration copier carries it (export, take, list of taken jobs, read-back of
 * staged copies): the hash fields of PinLater's layout (FACTS §6.2) and the score of the ZSET
 * holding the id (run-after for PENDING, the state's entry time otherwise). `undefined` when the
 * hash has no body or no attempts allowed (evicted: nothing to move).
 */
export function portableJobFromHash(
  localId: number,
  priority: number,
  state: JobState,
  score: unknown,
  hash: ReadonlyMap<string, Buffer>,
): ShardPortableJob | undefined {
  const body = hash.get(JobHashField.BODY);
  if (body === undefined || !hash.has(JobHashField.ATTEMPTS_ALLOWED)) return undefined;
  const job: ShardPortableJob = {
    localId,
    priority,
    state,
    body,
    attemptsAllowed: replyInt(hash.get(JobHashField.ATTEMPTS_ALLOWED)),
    attemptsRemaining: replyInt(hash.get(JobHashField.ATTEMPTS_REMAINING)),
    customStatus: replyText(hash.get(JobHashField.CUSTOM_STATUS)) ?? '',
    createdAtMs: replySecondsToMs(hash.get(JobHashField.CREATED_AT)),
    updatedAtMs: replySecondsToMs(hash.get(JobHashField.UPDATED_AT)),
    runAfterMs: replySecondsToMs(score),
  };
  const claim = replyText(hash.get(JobHashField.CLAIM_DESCRIPTOR));
  if (claim !== undefined) job.claimDescriptor = claim;
  return job;
}
