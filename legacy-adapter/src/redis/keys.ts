import { JobState } from '../../../core/src/types/job-state';

/**
 * Every Redis key and hash field name of PinLater's Redis layout (FACTS §6.2), in one module.
 *
 * | Key                                   | Type   | Content                                      |
 * |---------------------------------------|--------|----------------------------------------------|
 * | `pln_<shard>`                         | ZSET   | queue name → creation time (seconds)         |
 * | `plj_<shard>_<queue>`                 | STRING | INCR counter, last issued local id           |
 * | `plq_<shard>_<queue>.p<prio>_s<state>`| ZSET   | local id → score (meaning depends on state)  |
 * | `plh_<shard>_<queue>.<localId>`       | HASH   | job record, fields in `JobHashField`         |
 * | `plq_<shard>_<queue>.p<prio>_t<state>`| ZSET   | ours: ids taken for a move (`takenZsetKey`)  |
 * | `plq_<shard>_<queue>.p<prio>_g<state>`| ZSET   | ours: ids staged by a move (`stagedZsetKey`) |
 *
 * The job hash key has no priority in it: local ids are unique per (shard, queue) because all
 * priorities share the `plj_` counter. Scripts build hash keys as `hashPrefix .. id` inside Lua.
 */

/** Hash fields of `plh_<shard>_<queue>.<id>`. */
export const JobHashField = {
  /** Body bytes. */
  BODY: 'bd',
  /** Custom status text. */
  CUSTOM_STATUS: 'cs',
  /** Created-at, seconds as Java `Double.toString` text. */
  CREATED_AT: 'ca',
  /** Updated-at, seconds as Java `Double.toString` text. */
  UPDATED_AT: 'ua',
  /** Attempts allowed, decimal int. */
  ATTEMPTS_ALLOWED: 'al',
  /** Attempts remaining, decimal int (HINCRBY'd). */
  ATTEMPTS_REMAINING: 'ar',
  /** Claim descriptor; absent when not claimed. */
  CLAIM_DESCRIPTOR: 'cd',
} as const;

/**
 * Hash fields of our own exactly-once moves (docs/migration.md); PinLater never reads or writes them.
 */
export const MoveHashField = {
  /** Staged job: the source descriptor it was copied from (removed by publish). */
  MOVE_TAG: 'mv',
  /**
   * Taken job: its claim descriptor, moved out of `cd` while taken (and back by restore), because
   * PinLater's checkpoint does not check the job's state: a late checkpoint matching `cd` would put
   * a taken SUCCEEDED/FAILED job back into a state set while it is being copied.
   */
  TAKEN_CLAIM: 'tc',
} as const;

export type JobHashFieldName = (typeof JobHashField)[keyof typeof JobHashField];

/** `pln_<shard>`: the shard's queue-name ZSET. */
export function queueNamesKey(shard: string): string {
  return `pln_${shard}`;
}

/** `plj_<shard>_<queue>`: the local-id counter. */
export function jobIdCounterKey(shard: string, queue: string): string {
  return `plj_${shard}_${queue}`;
}

/** `plq_<shard>_<queue>.p<prio>_s<state>`: one state ZSET of one priority. */
export function stateZsetKey(shard: string, queue: string, priority: number, state: JobState): string {
  return `plq_${shard}_${queue}.p${priority}_s${state}`;
}

/**
 * `plq_<shard>_<queue>.p<prio>_t<state>`: ids taken out of `_s<state>` by a move (ours, not
 * PinLater's), scored as they were there. PinLater and the gateway's serving paths name only
 * `_s<state>` sets, so nothing serves, counts, times out or GCs a taken id.
 */
export function takenZsetKey(shard: string, queue: string, priority: number, state: JobState): string {
  return `plq_${shard}_${queue}.p${priority}_t${state}`;
}

/**
 * `plq_<shard>_<queue>.p<prio>_g<state>`: ids staged by a move (ours, not PinLater's), to be
 * published into `_s<state>` with the same score; the tag is the hash field `mv`.
 */
export function stagedZsetKey(shard: string, queue: string, priority: number, state: JobState): string {
  return `plq_${shard}_${queue}.p${priority}_g${state}`;
}

/** `plh_<shard>_<queue>.`: prefix of job hash keys; scripts append the local id. */
export function jobHashPrefix(shard: string, queue: string): string {
  return `plh_${shard}_${queue}.`;
}

/** `plh_<shard>_<queue>.<localId>`. */
export function jobHashKey(shard: string, queue: string, localId: number | string): string {
  return `${jobHashPrefix(shard, queue)}${localId}`;
}

/** All key names of one (shard, queue, priority), by state. */
export interface PriorityKeys {
  pending: string;
  inProgress: string;
  succeeded: string;
  failed: string;
  hashPrefix: string;
}

export function priorityKeys(shard: string, queue: string, priority: number): PriorityKeys {
  return {
    pending: stateZsetKey(shard, queue, priority, JobState.PENDING),
    inProgress: stateZsetKey(shard, queue, priority, JobState.IN_PROGRESS),
    succeeded: stateZsetKey(shard, queue, priority, JobState.SUCCEEDED),
    failed: stateZsetKey(shard, queue, priority, JobState.FAILED),
    hashPrefix: jobHashPrefix(shard, queue),
  };
}

/** A glob matching every key of one shard (tests and tooling; never used by the store itself). */
export function shardKeyPatterns(shard: string): string[] {
  return [`pln_${shard}`, `plj_${shard}_*`, `plq_${shard}_*`, `plh_${shard}_*`];
}
