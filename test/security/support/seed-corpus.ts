/**
 * Real requests for all 12 PinLater methods, byte for byte as the npm thrift client puts them on
 * the wire (framed, strict binary): the generated client writes into a framed transport whose
 * flush hands us the frame instead of sending it. The seed of the decoder fuzzing run.
 */
import thrift from 'thrift';
import Int64 from 'node-int64';
import PinLater = require('../../../gateway/src/generated/PinLater');
import ttypes = require('../../../gateway/src/generated/pinlater_types');

export interface SeedRequest {
  readonly method: string;
  /** The whole frame, 4-byte length prefix included. */
  readonly frame: Buffer;
}

/** One frame per method, for `queue` on a gateway whose first legacy shard is `shard`. */
export function seedCorpus(queue: string, shard: string): SeedRequest[] {
  const ctx = new ttypes.RequestContext({ source: 'security:fuzz', requestId: 'r-1' });
  const descriptor = (id: number): string => `${queue}:s${shard}:p1:${id}`;
  const ack = (id: number): ttypes.PinLaterJobAckInfo =>
    new ttypes.PinLaterJobAckInfo({ jobDescriptor: descriptor(id), appendCustomStatus: 'acked', retryDelayMillis: new Int64(1000) });
  const sends: Record<string, (c: PinLater.Client) => Promise<unknown>> = {
    createQueue: (c) => c.createQueue(ctx, queue),
    deleteQueue: (c) => c.deleteQueue(ctx, `${queue}_gone`, 'not-the-password'),
    enqueueJobs: (c) =>
      c.enqueueJobs(ctx, new ttypes.PinLaterEnqueueRequest({
        queueName: queue,
        jobs: [
          new ttypes.PinLaterJob({ body: Buffer.from('first body'), priority: 1, numAttemptsAllowed: 3, customStatus: 'new' }),
          new ttypes.PinLaterJob({ body: Buffer.from([0, 1, 2, 255]), priority: 2, runAfterTimestampMillis: new Int64(Date.now() + 60_000) }),
        ],
      })),
    dequeueJobs: (c) =>
      c.dequeueJobs(ctx, new ttypes.PinLaterDequeueRequest({
        queueName: queue,
        limit: 5,
        jobAckRequest: new ttypes.PinLaterJobAckRequest({ queueName: queue, jobsSucceeded: [ack(1)], jobsFailed: [ack(2)] }),
      })),
    ackDequeuedJobs: (c) =>
      c.ackDequeuedJobs(ctx, new ttypes.PinLaterJobAckRequest({ queueName: queue, jobsSucceeded: [ack(1)], jobsFailed: [ack(2), ack(3)] })),
    checkpointJobs: (c) =>
      c.checkpointJobs(ctx, new ttypes.PinLaterCheckpointJobsRequest({
        queueName: queue,
        requests: [
          new ttypes.PinLaterCheckpointJobRequest({ jobDescriptor: descriptor(1), newBody: 'new body', moveToPending: true, numOfAttemptsAllowed: 2, prependCustomStatus: 'cp' }),
        ],
      })),
    lookupJobs: (c) => c.lookupJobs(ctx, new ttypes.PinLaterLookupJobRequest({ jobDescriptors: [descriptor(1), descriptor(2)], includeBody: true })),
    getJobCount: (c) =>
      c.getJobCount(ctx, new ttypes.PinLaterGetJobCountRequest({ queueName: queue, jobState: 0, priority: 1, countFutureJobs: true, bodyRegexToMatch: 'body' })),
    getQueueNames: (c) => c.getQueueNames(ctx),
    scanJobs: (c) =>
      c.scanJobs(ctx, new ttypes.PinLaterScanJobsRequest({ queueName: queue, jobState: 0, priority: 1, scanFutureJobs: false, continuation: '0', limit: 10, bodyRegexToMatch: 'first' })),
    retryFailedJobs: (c) =>
      c.retryFailedJobs(ctx, new ttypes.PinLaterRetryFailedJobsRequest({ queueName: queue, priority: 1, attemptsToAllow: 2, runAfterTimestampMillis: new Int64(0), limit: 10 })),
    deleteJobs: (c) => c.deleteJobs(ctx, new ttypes.PinLaterDeleteJobsRequest({ queueName: queue, jobState: 3, priority: 1, limit: 10 })),
  };
  return Object.entries(sends).map(([method, send]) => ({ method, frame: captureRequest(send) }));
}

/** The frame the generated client writes for one call (the call itself never completes: nothing answers it). */
export function captureRequest(send: (client: PinLater.Client) => Promise<unknown>): Buffer {
  let frame: Buffer | undefined;
  const transport = new thrift.TFramedTransport(undefined, (bytes?: Buffer) => {
    if (bytes) frame = Buffer.from(bytes);
  });
  void send(new PinLater.Client(transport, thrift.TBinaryProtocol)).catch(() => undefined);
  if (!frame) throw new Error('the thrift client wrote no frame');
  return frame;
}
