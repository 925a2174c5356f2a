/**
 * Issue 8, finding 1 (critical): a queue name reaches no store unless it could have been created.
 * Against the real gateway process on each legacy backend:
 *  - the SQL injections of the finding (a UNION reading mysql.user through scanJobs, an ack that
 *    rewrites every row of a table, getJobCount as a true/false oracle) leak and change nothing;
 *  - for every method, a name that could never have been created gets the answer the backend gives
 *    for a queue that does not exist (same code, same shape of result).
 */
import { ErrorCode } from '../../core/src/errors/error-code';
import { ConformanceClient, JobState } from '../conformance/harness/conformance-client';
import { assertNoLeaks } from '../support/leak-check';
import { startGatewayProcess, ADMIN_PASSWORD, type GatewayProcess, type LegacyKind } from './support/gateway-process';
import { outcomeOf } from './support/wire-outcome';

afterAll(assertNoLeaks);

/** Names no createQueue could have made (PinLater's rule: `\w+`; ours also caps the length). */
const INVALID_NAMES = [
  'q.jobs_p1 WHERE 1=0 UNION SELECT 1 #',
  "q.jobs_p1 SET custom_status = 'x' #",
  'two words',
  'line\nbreak',
  'dash-ed',
  'ünïcode',
  'x'.repeat(300),
];
const MISSING = 'no_such_queue_here';

describe.each<LegacyKind>(['legacy-mysql', 'legacy-redis'])('%s gateway', (backend) => {
  let gw: GatewayProcess;
  let client: ConformanceClient;

  beforeAll(async () => {
    gw = await startGatewayProcess({ backend });
    client = await ConformanceClient.connect(gw.address, 'security:edge');
  });
  afterAll(async () => {
    await client.close();
    await gw.close();
  });

  /** One call per method that takes a queue name (createQueue has its own answer). */
  function callsFor(name: string): Record<string, () => Promise<unknown>> {
    const shard = gw.shards[0] as string;
    const descriptor = `${name}:s${shard}:p1:1`;
    return {
      enqueueJobs: () => client.enqueue(name, [{ body: 'b' }]),
      dequeueJobs: () => client.dequeue({ queue: name, limit: 5 }),
      dryRunDequeue: () => client.dequeue({ queue: name, limit: 5, dryRun: true }),
      ackDequeuedJobs: () => client.ack({ queue: name, succeeded: [{ descriptor }], failed: [{ descriptor }] }),
      checkpointJobs: () => client.checkpoint(name, [{ descriptor, moveToPending: true }]),
      lookupJobs: () => client.lookup([descriptor]),
      getJobCount: () => client.count({ queue: name, state: JobState.PENDING }),
      scanJobs: () => client.scan({ queue: name, state: JobState.PENDING }),
      retryFailedJobs: () => client.retryFailed({ queue: name }),
      deleteJobs: () => client.deleteJobs({ queue: name, state: JobState.PENDING }),
      deleteQueue: () => client.deleteQueue(name, ADMIN_PASSWORD),
    };
  }

  it('answers every method for an impossible name exactly as for a queue that does not exist', async () => {
    const expected = new Map<string, unknown>();
    for (const [method, call] of Object.entries(callsFor(MISSING))) expected.set(method, await outcomeOf(call()));
    for (const name of INVALID_NAMES) {
      for (const [method, call] of Object.entries(callsFor(name))) {
        expect({ name, method, answer: await outcomeOf(call()) }).toEqual({ name, method, answer: expected.get(method) });
      }
    }
  });

  it('createQueue refuses an impossible name with QUEUE_NAME_INVALID, or QUEUE_NAME_TOO_LONG for a long one', async () => {
    expect(await outcomeOf(client.createQueue('two words'))).toEqual({ errorCode: ErrorCode.QUEUE_NAME_INVALID });
    expect(await outcomeOf(client.createQueue('x'.repeat(300)))).toEqual({ errorCode: ErrorCode.QUEUE_NAME_TOO_LONG });
  });
});

describe('legacy MySQL: the injections of the finding', () => {
  let gw: GatewayProcess;
  let client: ConformanceClient;
  const q = 'victim';

  beforeAll(async () => {
    gw = await startGatewayProcess({ backend: 'legacy-mysql' });
    client = await ConformanceClient.connect(gw.address, 'security:sqli');
    await client.createQueue(q);
    await client.enqueue(q, Array.from({ length: 6 }, (_, i) => ({ body: `job-${i}`, customStatus: 'original' })));
  });
  afterAll(async () => {
    await client.close();
    await gw.close();
  });

  it('scanJobs cannot UNION-read mysql.user', async () => {
    const name = `${q}.jobs_p1 WHERE 1=0 UNION SELECT 1, User, 1, 1, Host, NOW(), NOW(), NOW() FROM mysql.user #`;
    const answer = await outcomeOf(client.scan({ queue: name, state: JobState.PENDING, limit: 100 }));
    expect(answer).toEqual({ errorCode: ErrorCode.UNKNOWN });
  });

  it('ackDequeuedJobs cannot rewrite the rows of a table', async () => {
    const name = `${q}.jobs_p1 SET custom_status = 'pwned' #`;
    const acks = gw.shards.map((shard) => ({ descriptor: `${q}:s${shard}:p1:1` }));
    await outcomeOf(client.ack({ queue: name, succeeded: acks }));
    const scan = await client.scan({ queue: q, state: JobState.PENDING, limit: 100 });
    expect(scan.scannedJobs).toHaveLength(6);
    expect(scan.scannedJobs.map((j) => j.customStatus)).toEqual(Array(6).fill('original'));
  });

  it('getJobCount is no oracle: a true and a false condition get the same answer', async () => {
    const probe = (condition: string): string => `${q}.jobs_p1 WHERE ${condition}) AS x #`;
    const yes = await outcomeOf(client.count({ queue: probe('(SELECT COUNT(*) FROM mysql.user) > 0'), state: JobState.PENDING }));
    const no = await outcomeOf(client.count({ queue: probe('(SELECT COUNT(*) FROM mysql.user) < 0'), state: JobState.PENDING }));
    expect(yes).toEqual({ errorCode: ErrorCode.UNKNOWN });
    expect(no).toEqual(yes);
  });
});
