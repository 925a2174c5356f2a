/**
 * The gateway's Pacer backend from its backend JSON (createConfiguredPacerBackend): the topology
 * named by `mode` is the one built, and Pacer's settings come from its own JSON, never from the
 * legacy stores' settings (issue 9: `MYSQL_COUNT_LIMIT` used to reach Pacer through the gateway).
 */
import { createConfiguredPacerBackend, ClusteredPacerBackend, type PacerBackend } from '../../pacer';
import { MemoryStats } from '../../core/src/interfaces/stats';
import { silentLogger } from '../../core/src/logging/logger';
import { systemClock } from '../../core/src/util/clock';
import { JobState } from '../../core/src/types/job-state';
import { assertNoLeaks } from '../support/leak-check';
import { zkChroot, type ZkChroot } from '../support/namespaces';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

const CONTEXT = { numPriorityLevels: 3, monitor: {}, logger: silentLogger(), stats: new MemoryStats(), clock: systemClock };

let fx: PacerDb;
let chroot: ZkChroot;
const open: PacerBackend[] = [];

beforeAll(async () => {
  [fx, chroot] = await Promise.all([freshPacerDb(), zkChroot()]);
});
afterAll(async () => {
  for (const b of open.splice(0)) await b.close();
  await chroot.remove();
  await fx.db.drop();
});
afterAll(assertNoLeaks);

async function configured(json: Record<string, unknown>): Promise<PacerBackend> {
  const backend = await createConfiguredPacerBackend({ mysql: fx.mysql, ...json }, CONTEXT);
  open.push(backend);
  return backend;
}

describe('createConfiguredPacerBackend', () => {
  it("embedded: its own broker serves dequeues, and Pacer's countLimit caps getJobCount", async () => {
    const backend = await configured({ mode: 'embedded', countLimit: 3, defaultPartitions: 1 });
    expect(backend).not.toBeInstanceOf(ClusteredPacerBackend);
    await backend.createQueue('cfg_embedded');
    await backend.enqueueJobs({ queue: 'cfg_embedded', jobs: ['a', 'b', 'c', 'd', 'e'].map((b) => job(b)) });
    expect(await backend.getJobCount({ queue: 'cfg_embedded', state: JobState.PENDING, future: false })).toBe(3);
    const { jobs } = await backend.dequeueJobs(dequeueReq('cfg_embedded', 2));
    expect(jobs).toHaveLength(2);
  });

  it('the default countLimit is PinLater\'s 100000, whatever the gateway\'s legacy MySQL settings say', async () => {
    const backend = await configured({ mode: 'embedded', defaultPartitions: 1 });
    await backend.createQueue('cfg_default');
    await backend.enqueueJobs({ queue: 'cfg_default', jobs: ['a', 'b', 'c', 'd', 'e'].map((b) => job(b)) });
    expect(await backend.getJobCount({ queue: 'cfg_default', state: JobState.PENDING, future: false })).toBe(5);
  });

  it('zookeeper: the clustered backend, with dequeue-routing health', async () => {
    const backend = await configured({ mode: 'zookeeper', zookeeper: { connect: chroot.connectString, cluster: 'cfg' } });
    expect(backend).toBeInstanceOf(ClusteredPacerBackend);
    expect(await backend.health()).toHaveProperty('dequeueRouting');
  });

  it('static: dequeues go to the configured broker address (nothing listens there: a clear error, not an empty answer)', async () => {
    const backend = await configured({ mode: 'static', brokers: { fallback: '127.0.0.1:1' }, brokerCallTimeoutMs: 500 });
    expect(backend).not.toBeInstanceOf(ClusteredPacerBackend);
    await backend.createQueue('cfg_static');
    await backend.enqueueJobs({ queue: 'cfg_static', jobs: [job('a')] });
    await expect(backend.dequeueJobs(dequeueReq('cfg_static', 1))).rejects.toMatchObject({ code: expect.any(Number) });
  });

  it('a config without its mode is refused before anything is opened', async () => {
    await expect(createConfiguredPacerBackend({ mysql: fx.mysql, brokers: { fallback: '127.0.0.1:1' } }, CONTEXT)).rejects.toThrow(/mode: must be "zookeeper", "static" or "embedded"/);
  });
});
