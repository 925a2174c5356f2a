import { silentLogger } from '../logging/logger';
import { JobState } from '../types/job-state';
import type { NewJob } from '../types/job';
import { systemClock } from '../util/clock';
import { eventually } from '../../../test/support/eventually';
import { InMemoryBackend } from '../../../test/support/in-memory-backend';
import type { ShadowTaskKind } from './shadow-executor';
import type { ShadowObserver } from './shadow-observer';
import { NO_SHADOW_OBSERVER } from './shadow-observer';
import { ShadowEngine, type ShadowEngineOptions } from './shadow-engine';
import { shadowQueueName } from './shadow-queue-name';
import type { ShadowMethod } from './shadow-report';
import { DEFAULT_SHADOW_SETTINGS } from './shadow-settings';
import type { ComparisonResult } from './shadow-statistics';

const Q = 'q';
const JOB: NewJob = { body: Buffer.from('b'), priority: 1, attemptsAllowed: 1, customStatus: '' };
const COUNT = { queue: Q, state: JobState.PENDING, future: false };

/** An engine over two in-memory systems; `admits` decides shedding (no event loop involved). */
async function setup(options: { admits?: (kind: ShadowTaskKind) => boolean } & Partial<Pick<ShadowEngineOptions, 'random'>> & { readSampleRatio?: number } = {}) {
  const [legacy, pacer] = [new InMemoryBackend({ shard: '1' }), new InMemoryBackend({ shard: '2' })];
  await legacy.createQueue(Q);
  await pacer.createQueue(shadowQueueName(Q));
  const compared: Array<[ShadowMethod, ComparisonResult]> = [];
  const observer: ShadowObserver = { ...NO_SHADOW_OBSERVER, compared: (_queue, method, result) => compared.push([method, result]) };
  const engine = new ShadowEngine({
    pacer, observer, clock: systemClock, logger: silentLogger(),
    settings: { ...DEFAULT_SHADOW_SETTINGS, readSampleRatio: options.readSampleRatio ?? 1 },
    admission: { admits: options.admits ?? (() => true) },
    ...(options.random === undefined ? {} : { random: options.random }),
  });
  return { legacy, pacer, engine, compared };
}

describe('ShadowEngine shedding', () => {
  it('a shed enqueue copy makes the queue’s count comparisons ignored (no false mismatch) until the session ends', async () => {
    let shedCopies = true;
    const { legacy, engine, compared } = await setup({ admits: (kind) => kind !== 'copy' || !shedCopies });
    await engine.enqueueJobs({ queue: Q, jobs: [JOB, JOB] }, legacy);
    expect(engine.report(Q)).toMatchObject({ dropped: 1, copiesShed: 1, copyIncompleteSince: expect.any(String) });
    await engine.getJobCount(COUNT, legacy); // legacy 2, copy 0: the gap, not Pacer
    await eventually(() => expect(compared).toEqual([['getJobCount', 'ignored']]));
    expect(engine.report(Q)?.methods.find((m) => m.method === 'getJobCount')?.fields).toEqual([]);

    engine.sessionEnded(Q);
    shedCopies = false;
    expect(engine.report(Q)?.copyIncompleteSince).toBeUndefined();
    await engine.getJobCount(COUNT, legacy); // now compared: the copy really is short
    await eventually(() => expect(compared).toEqual([['getJobCount', 'ignored'], ['getJobCount', 'mismatched']]));
    await engine.close();
  });

  it('compares only a readSampleRatio share of the reads; enqueue copies are never sampled', async () => {
    const draws = [0.1, 0.6, 0.3, 0.9];
    const { legacy, pacer, engine, compared } = await setup({ readSampleRatio: 0.5, random: () => draws.shift() ?? 0.99 });
    await engine.enqueueJobs({ queue: Q, jobs: [JOB] }, legacy);
    for (let i = 0; i < 4; i++) await engine.getJobCount(COUNT, legacy);
    await eventually(() => expect(compared.filter(([m]) => m === 'getJobCount')).toEqual([['getJobCount', 'matched'], ['getJobCount', 'matched']]));
    expect(await pacer.getJobCount({ ...COUNT, queue: shadowQueueName(Q) })).toBe(1);
    expect(engine.report(Q)).toMatchObject({ dropped: 0, copiesShed: 0 });
    await engine.close();
  });
});
