import thrift from 'thrift';
import * as PinLater from '../../gateway/src/generated/PinLater';
import * as ttypes from '../../gateway/src/generated/pinlater_types';
import { saltedPasswordHash } from '../../gateway/src/service/admin-password';
import { startTestGateway } from './support/gateway-harness';
import type { TestGateway } from './support/gateway-harness';

/**
 * The wire layer as an ordinary Apache Thrift client sees it: npm thrift's generated client over
 * framed binary (what Python/Java clients speak too), against the real gateway server.
 */
describe('gateway with the npm thrift generated client', () => {
  let gw: TestGateway;
  let connection: thrift.Connection;
  let client: PinLater.Client;
  const context = new ttypes.RequestContext({ source: 'it-client' });

  beforeAll(async () => {
    gw = await startTestGateway({ adminPasswordHash: saltedPasswordHash('secret') });
    connection = thrift.createConnection('127.0.0.1', gw.gateway.thriftPort, { transport: thrift.TFramedTransport, protocol: thrift.TBinaryProtocol });
    connection.on('error', () => undefined);
    client = thrift.createClient(PinLater as unknown as thrift.TClientConstructor<PinLater.Client>, connection);
  });

  afterAll(async () => {
    const closed = new Promise((resolve) => connection.connection.once('close', resolve));
    connection.end();
    await closed;
    await gw.close();
  });

  it('createQueue, enqueue, dequeue, lookup, queue names round-trip', async () => {
    await client.createQueue(context, 'itq');
    const enq = await client.enqueueJobs(
      context,
      new ttypes.PinLaterEnqueueRequest({ queueName: 'itq', jobs: [new ttypes.PinLaterJob({ body: Buffer.from('hello') }), new ttypes.PinLaterJob({ body: Buffer.from('b2'), priority: 2 })] }),
    );
    expect(enq.jobDescriptors).toHaveLength(2);
    expect(enq.jobDescriptors[1]).toMatch(/^itq:s1:p2:\d+$/);

    const deq = await client.dequeueJobs(context, new ttypes.PinLaterDequeueRequest({ queueName: 'itq', limit: 10 }));
    const jobs = (deq.jobs ?? {}) as Record<string, Buffer>;
    expect(Object.keys(jobs)).toEqual(enq.jobDescriptors);
    expect(Buffer.from(jobs[enq.jobDescriptors[0] as string] as Buffer).toString()).toBe('hello');
    expect((deq.jobMetadata ?? {})[enq.jobDescriptors[0] as string]).toMatchObject({ attemptsAllowed: 2, attemptsRemaining: 2 });
    const claim = (gw.backend.calls.find((c) => c.method === 'dequeueJobs')?.arg as { claimDescriptor: string }).claimDescriptor;
    expect(claim).toMatch(new RegExp(`^testhost:${gw.gateway.thriftPort}:\\d+:it-client:1$`));

    const found = await client.lookupJobs(context, new ttypes.PinLaterLookupJobRequest({ jobDescriptors: [enq.jobDescriptors[0] as string, 'itq:s1:p1:999'], includeBody: true }));
    expect(Object.keys(found)).toEqual([enq.jobDescriptors[0]]);
    const info = found[enq.jobDescriptors[0] as string] as ttypes.PinLaterJobInfo;
    expect(info.jobState).toBe(ttypes.PinLaterJobState.IN_PROGRESS);
    expect(Number(info.createdAtTimestampMillis.toString())).toBe(1_700_000_000_000);
    expect(info.claimDescriptor).toBe(claim);

    expect(await client.getQueueNames(context)).toEqual(['itq']);
    expect(await client.getJobCount(context, new ttypes.PinLaterGetJobCountRequest({ queueName: 'itq', jobState: ttypes.PinLaterJobState.IN_PROGRESS }))).toBe(2);
  });

  it('an empty dequeue has both maps absent; scan continuation is "-1"', async () => {
    const deq = await client.dequeueJobs(context, new ttypes.PinLaterDequeueRequest({ queueName: 'empty', limit: 5 }));
    expect(deq.jobs).toBeNull();
    expect(deq.jobMetadata).toBeNull();
    const scan = await client.scanJobs(context, new ttypes.PinLaterScanJobsRequest({ queueName: 'empty', jobState: ttypes.PinLaterJobState.PENDING }));
    expect(scan.continuation).toBe('-1');
    expect(scan.scannedJobs).toEqual([]);
  });

  it('declared errors arrive as PinLaterException', async () => {
    await expect(client.createQueue(context, 'bad-name')).rejects.toMatchObject({ errorCode: ttypes.ErrorCode.QUEUE_NAME_INVALID, message: 'Invalid queue name: bad-name' });
    await expect(client.deleteQueue(context, 'itq', 'wrong')).rejects.toBeInstanceOf(ttypes.PinLaterException);
    await client.deleteQueue(context, 'gone', 'secret');
    await expect(client.scanJobs(context, new ttypes.PinLaterScanJobsRequest({ queueName: 'q', jobState: 0, continuation: '5' }))).rejects.toMatchObject({ errorCode: ttypes.ErrorCode.CONTINUATION_INVALID });
    gw.backend.failNext = { method: 'getJobCount', error: new Error('store down') };
    await expect(client.getJobCount(context, new ttypes.PinLaterGetJobCountRequest({ queueName: 'q', jobState: 0 }))).rejects.toMatchObject({ errorCode: ttypes.ErrorCode.UNKNOWN, message: 'Error: store down' });
  });

  it('PinLater preconditions arrive as TApplicationException INTERNAL_ERROR with its type', async () => {
    await expect(client.dequeueJobs(context, new ttypes.PinLaterDequeueRequest({ queueName: 'itq', limit: 0 }))).rejects.toMatchObject({
      type: thrift.Thrift.TApplicationExceptionType.INTERNAL_ERROR,
      message: "Internal error processing dequeueJobs: 'java.lang.IllegalArgumentException'",
    });
    await expect(client.enqueueJobs(context, new ttypes.PinLaterEnqueueRequest({ queueName: 'itq', jobs: [] }))).rejects.toMatchObject({ type: 6 });
    // the connection is still usable afterwards
    expect(await client.getQueueNames(context)).toEqual(expect.any(Array));
  });
});
