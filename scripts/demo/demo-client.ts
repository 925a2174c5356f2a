/**
 * The demo's PinLater client: npm `thrift` with the generated code (framed binary, as any
 * PinLater client), the four calls the demo makes, each bounded by a timeout. A call that fails
 * for any reason (timeout, connection lost, a PinLaterException) drops the connection; the next
 * call opens a new one, so the demo rides out a gateway restart.
 */
import thrift from 'thrift';
import Int64 from 'node-int64';
import PinLater = require('../../gateway/src/generated/PinLater');
import ttypes = require('../../gateway/src/generated/pinlater_types');

const CALL_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 5_000;

export interface DemoJob {
  readonly body: Buffer;
  readonly attempts: number;
  /** Absolute run-after time (ms since the epoch), or undefined for now. */
  readonly runAfterMs?: number;
}

export interface DequeuedJob {
  readonly descriptor: string;
  readonly attemptsRemaining: number | undefined;
}

export interface AckBatch {
  readonly succeeded: readonly string[];
  readonly failed: readonly string[];
  readonly retryDelayMs: number;
}

type Connection = ReturnType<typeof thrift.createConnection>;

interface Open {
  readonly connection: Connection;
  readonly client: PinLater.Client;
}

export class DemoClient {
  private open: Open | undefined;
  private readonly context: ttypes.RequestContext;

  constructor(
    private readonly host: string,
    private readonly port: number,
    source: string,
  ) {
    this.context = new ttypes.RequestContext({ source });
  }

  createQueue(queue: string): Promise<void> {
    return this.call('createQueue', (c) => c.createQueue(this.context, queue));
  }

  async enqueue(queue: string, jobs: readonly DemoJob[]): Promise<number> {
    const request = new ttypes.PinLaterEnqueueRequest({ queueName: queue, jobs: jobs.map(toThriftJob) });
    const reply = await this.call('enqueueJobs', (c) => c.enqueueJobs(this.context, request));
    return reply.jobDescriptors.length;
  }

  async dequeue(queue: string, limit: number): Promise<DequeuedJob[]> {
    const request = new ttypes.PinLaterDequeueRequest({ queueName: queue, limit });
    const reply = await this.call('dequeueJobs', (c) => c.dequeueJobs(this.context, request));
    return Object.keys(reply.jobs ?? {}).map((descriptor) => ({ descriptor, attemptsRemaining: reply.jobMetadata?.[descriptor]?.attemptsRemaining }));
  }

  ack(queue: string, batch: AckBatch): Promise<void> {
    const info = (d: string, delay?: number): ttypes.PinLaterJobAckInfo =>
      new ttypes.PinLaterJobAckInfo({ jobDescriptor: d, ...(delay === undefined ? {} : { retryDelayMillis: new Int64(delay) }) });
    const request = new ttypes.PinLaterJobAckRequest({
      queueName: queue,
      jobsSucceeded: batch.succeeded.map((d) => info(d)),
      jobsFailed: batch.failed.map((d) => info(d, batch.retryDelayMs)),
    });
    return this.call('ackDequeuedJobs', (c) => c.ackDequeuedJobs(this.context, request));
  }

  close(): void {
    const open = this.open;
    this.open = undefined;
    open?.connection.end();
  }

  private async call<T>(method: string, fn: (client: PinLater.Client) => Promise<T>): Promise<T> {
    const { client } = await this.connection();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${method}: no answer within ${CALL_TIMEOUT_MS} ms`)), CALL_TIMEOUT_MS);
    });
    try {
      return await Promise.race([fn(client), timeout]);
    } catch (e) {
      this.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private connection(): Promise<Open> {
    if (this.open !== undefined) return Promise.resolve(this.open);
    return new Promise((resolve, reject) => {
      const connection = thrift.createConnection(this.host, this.port, {
        transport: thrift.TFramedTransport, protocol: thrift.TBinaryProtocol, connect_timeout: CONNECT_TIMEOUT_MS, max_attempts: 0,
      });
      const fail = (e: Error): void => {
        connection.removeAllListeners('connect');
        connection.end();
        reject(e);
      };
      connection.once('error', fail);
      connection.once('connect', () => {
        connection.off('error', fail);
        // A later connection error closes this connection; the call in flight times out or fails.
        connection.on('error', () => {
          if (this.open?.connection === connection) this.close();
        });
        const client = thrift.createClient(PinLater as unknown as thrift.TClientConstructor<PinLater.Client>, connection);
        this.open = { connection, client };
        resolve(this.open);
      });
    });
  }
}

function toThriftJob(job: DemoJob): ttypes.PinLaterJob {
  return new ttypes.PinLaterJob({
    body: job.body,
    numAttemptsAllowed: job.attempts,
    ...(job.runAfterMs === undefined ? {} : { runAfterTimestampMillis: new Int64(job.runAfterMs) }),
  });
}
