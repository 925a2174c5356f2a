/**
 * docs/legacy-redis-layout.md cannot fall behind legacy-adapter/src/redis/keys.ts, the one module
 * that names PinLater's Redis keys: the page names every key builder the module exports, shows the
 * key (or keys) each one builds for placeholder arguments, and lists every job hash field.
 */
import { ALL_JOB_STATES } from '../core/src/types/job-state';
import * as keys from '../legacy-adapter/src/redis/keys';
import { readDocPage } from './docs-page';

const PAGE = readDocPage('legacy-redis-layout.md');

/** The page writes keys with placeholders; the builders only interpolate their arguments. */
const SHARD = '<shard>';
const QUEUE = '<queue>';
const PRIORITY = '<prio>' as unknown as number;

/**
 * What each exported builder produces for the placeholders. A new builder in keys.ts fails the
 * first test until it is added here and documented on the page.
 */
const SAMPLES: Record<string, () => string[]> = {
  queueNamesKey: () => [keys.queueNamesKey(SHARD)],
  jobIdCounterKey: () => [keys.jobIdCounterKey(SHARD, QUEUE)],
  stateZsetKey: () => ALL_JOB_STATES.map((state) => keys.stateZsetKey(SHARD, QUEUE, PRIORITY, state)),
  takenZsetKey: () => ALL_JOB_STATES.map((state) => keys.takenZsetKey(SHARD, QUEUE, PRIORITY, state)),
  stagedZsetKey: () => ALL_JOB_STATES.map((state) => keys.stagedZsetKey(SHARD, QUEUE, PRIORITY, state)),
  jobHashPrefix: () => [keys.jobHashPrefix(SHARD, QUEUE)],
  jobHashKey: () => [keys.jobHashKey(SHARD, QUEUE, '<localId>')],
  priorityKeys: () => Object.values(keys.priorityKeys(SHARD, QUEUE, PRIORITY)),
  shardKeyPatterns: () => keys.shardKeyPatterns(SHARD),
};

const exportedBuilders = Object.entries(keys)
  .filter(([, value]) => typeof value === 'function')
  .map(([name]) => name)
  .sort();

describe('docs/legacy-redis-layout.md', () => {
  it('covers every key builder legacy-adapter/src/redis/keys.ts exports', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(exportedBuilders);
  });

  it.each(exportedBuilders)('names %s and shows the keys it builds', (name) => {
    expect(PAGE).toContain(`\`${name}`);
    for (const key of SAMPLES[name]?.() ?? []) expect(PAGE).toContain(`\`${key}\``);
  });

  it.each(Object.entries(keys.JobHashField))('lists the job hash field %s (%s)', (constant, field) => {
    expect(PAGE).toMatch(new RegExp(`^\\| \`${field}\` \\| \`${constant}\` \\|`, 'm'));
  });

  it.each(Object.entries(keys.MoveHashField))('lists the move hash field %s (%s)', (constant, field) => {
    expect(PAGE).toMatch(new RegExp(`^\\| \`${field}\` \\| \`MoveHashField.${constant}\` \\|`, 'm'));
  });
});
