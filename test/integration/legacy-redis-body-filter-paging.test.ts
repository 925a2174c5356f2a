/**
 * The gateway-side body filters (legacy-adapter/src/redis/body-filter/) against PinLater's own
 * scripts (test/integration/fixtures/pinlater-*-match-body.lua, what the gateway ran before issue 8):
 * on generated sets (score ties, evicted hashes, matching and non-matching bodies) and limits,
 * count, scan (ids, order, scores) and delete (count and the exact ids left, including the ids
 * DELETE_JOBS_MATCH_BODY's paging skips after removals) are the same. Each case fills two shards
 * with identical data: one for the reference script, one for the store.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobState } from '../../core/src/types/job-state';
import { jobHashPrefix, stateZsetKey } from '../../legacy-adapter/src/redis/keys';
import { assertNoLeaks } from '../support/leak-check';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { seededRandom } from '../support/seeded-random';
import { openStoreFixture, type StoreFixture } from './legacy-redis-fixtures';

const Q = 'pq';
const CASES = 60;
const reference = (name: string): string => readFileSync(join(__dirname, 'fixtures', `pinlater-${name}-match-body.lua`), 'utf8');
const COUNT = reference('count-jobs');
const SCAN = reference('scan-jobs');
const DELETE = reference('delete-jobs');

let f: StoreFixture;
const referenceShard = uniqueShardBase();
beforeAll(async () => {
  f = await openStoreFixture({ nowMs: 1_700_000_000_000 });
});
afterAll(async () => {
  await releaseNamespace(redisKeysNamespace([`plq_${referenceShard}_*`, `plh_${referenceShard}_*`]));
  await f.close();
});
afterAll(assertNoLeaks);

interface Job {
  id: number;
  score: number;
  body: string | undefined;
}

function generate(rnd: () => number): Job[] {
  const n = Math.floor(rnd() * 70);
  return Array.from({ length: n }, (_, i) => ({
    id: i + 1,
    // Few distinct scores around "now" (1.7e9 s): ties, and both sides of the current/future split.
    score: 1_700_000_000 + Math.floor(rnd() * 8) - 4,
    body: rnd() < 0.1 ? undefined : rnd() < 0.4 ? `m${i}` : `x${i}`,
  }));
}

async function fill(shard: string, jobs: Job[]): Promise<{ zset: string; prefix: string }> {
  const zset = stateZsetKey(shard, Q, 1, JobState.PENDING);
  const prefix = jobHashPrefix(shard, Q);
  await f.raw.del(zset);
  for (const job of jobs) {
    await f.raw.zAdd(zset, { score: job.score, value: String(job.id) });
    const hash = `${prefix}${job.id}`;
    await f.raw.del(hash);
    if (job.body !== undefined) await f.raw.hSet(hash, { bd: job.body, al: '3', ar: '3', ca: '1.7E9', ua: '1.7E9', cs: '' });
  }
  return { zset, prefix };
}

it(`count, scan and delete match PinLater's scripts on ${CASES} generated sets`, async () => {
  const rnd = seededRandom(0x5ca1ab1e);
  for (let c = 0; c < CASES; c++) {
    const jobs = generate(rnd);
    const limit = 1 + Math.floor(rnd() * 20);
    const future = rnd() < 0.5;
    const [min, max] = future ? ['1.7E9', '+inf'] : ['-inf', '1.7E9'];
    const ref = await fill(referenceShard, jobs);
    await fill(f.shard, jobs);
    const label = `case ${c} (n=${jobs.length}, limit=${limit}, future=${future})`;

    const refCount = Number(await f.raw.sendCommand(['EVAL', COUNT, '2', ref.zset, ref.prefix, min, max, 'm']));
    expect([label, await f.store.count(Q, 1, JobState.PENDING, future, 'm')]).toEqual([label, refCount]);

    const refScan = (await f.raw.sendCommand(['EVAL', SCAN, '2', ref.zset, ref.prefix, max, min, String(limit), 'm'])) as string[];
    const refScanIds = refScan.filter((_, i) => i % 8 === 0).map(Number);
    const scanned = await f.store.scan(Q, 1, JobState.PENDING, future, limit, 'm');
    expect([label, scanned.map((j) => j.localId)]).toEqual([label, refScanIds]);
    expect(scanned.map((j) => j.runAfterMs)).toEqual(refScan.filter((_, i) => i % 8 === 7).map((s) => Math.trunc(Number(s) * 1000)));

    const refDeleted = Number(await f.raw.sendCommand(['EVAL', DELETE, '2', ref.zset, ref.prefix, String(limit), 'm']));
    expect([label, await f.store.deleteJobs(Q, 1, JobState.PENDING, limit, 'm')]).toEqual([label, refDeleted]);
    expect([label, await f.raw.zRange(stateZsetKey(f.shard, Q, 1, JobState.PENDING), 0, -1)]).toEqual([label, await f.raw.zRange(ref.zset, 0, -1)]);
  }
});
