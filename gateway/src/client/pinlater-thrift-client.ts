/**
 * A PinLater client over a real framed binary connection (npm thrift's generated `PinLater` client,
 * `thrift.createConnection` + TFramedTransport + TBinaryProtocol), wrapped in promises with plain
 * inputs (numbers for i64) and plain outputs (i64 -> number, absent optional -> null), so callers
 * read like the wire. Every call is bounded (`callTimeoutMs`, default 15 s) so a hung server fails
 * the call with the method name instead of hanging.
 *
 * Used by the operator CLI (`pinlater-ops jobs`, `queue status`: migration/src/cli/gateway-client.ts,
 * through gateway/index.ts) and by the tests, benchmarks and conformance suite
 * (test/conformance/harness/conformance-client.ts re-exports it as `ConformanceClient`).
 */
import { LeanBinaryProtocol, LeanFramedTransport } from '../../../core/src/thrift/lean-framed-transport';
import thrift from 'thrift';
import Int64 from 'node-int64';
import PinLater = require('../generated/PinLater');
import ttypes = require('../generated/pinlater_types');

const DEFAULT_CALL_TIMEOUT_MS = 15_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export interface ClientOptions {
  /** `RequestContext.source` of calls that do not name one (PinLater puts it in claim descriptors). */
  readonly source: string;
  /** Bound on each call; default 15 s. */
  readonly callTimeoutMs?: number;
  /** Bound on connecting; default 5 s. */
  readonly connectTimeoutMs?: number;
}

export const JobState = {
  PENDING: 0,
  IN_PROGRESS: 1,
  SUCCEEDED: 2,
  FAILED: 3,
} as const;
export type JobStateValue = (typeof JobState)[keyof typeof JobState];

export interface JobSpec {
  body: string | Buffer;
  priority?: number;
  runAfterMs?: number;
  attemptsAllowed?: number;
  customStatus?: string;
}

export interface AckInfoSpec {
  descriptor: string;
  appendCustomStatus?: string;
  retryDelayMs?: number;
}

export interface AckSpec {
  queue: string;
  succeeded?: AckInfoSpec[];
  failed?: AckInfoSpec[];
}

export interface DequeueSpec {
  queue: string;
  limit: number;
  dryRun?: boolean;
  coverage?: number;
  ack?: AckSpec;
  source?: string;
}

export interface CheckpointSpec {
  descriptor: string;
  newBody?: string;
  moveToPending?: boolean;
  runAfterMs?: number;
  attemptsAllowed?: number;
  prependCustomStatus?: string;
}

export interface CountSpec {
  queue: string;
  state: JobStateValue;
  priority?: number;
  future?: boolean;
  bodyRegex?: string;
}

export interface ScanSpec extends CountSpec {
  continuation?: string;
  limit?: number;
}

export interface RetrySpec {
  queue: string;
  priority?: number;
  attemptsToAllow?: number;
  runAfterMs?: number;
  limit?: number;
}

export interface DeleteSpec {
  queue: string;
  state: JobStateValue;
  priority?: number;
  bodyRegex?: string;
  limit?: number;
}

export interface WireMetadata {
  attemptsAllowed: number | null;
  attemptsRemaining: number | null;
}

/** `PinLaterDequeueResponse`; `null` = the optional map was absent on the wire. */
export interface WireDequeueResponse {
  jobs: Record<string, Buffer> | null;
  jobMetadata: Record<string, WireMetadata> | null;
}

/** `PinLaterJobInfo`; `null` = the optional field was absent on the wire. */
export interface WireJobInfo {
  jobDescriptor: string;
  jobState: number;
  attemptsAllowed: number;
  attemptsRemaining: number;
  customStatus: string;
  createdAtTimestampMillis: number;
  runAfterTimestampMillis: number | null;
  updatedAtTimestampMillis: number | null;
  claimDescriptor: string | null;
  body: Buffer | null;
}

export interface WireScanResponse {
  scannedJobs: WireJobInfo[];
  continuation: string | null;
}

export interface ServerAddress {
  host: string;
  port: number;
}

type GeneratedClient = PinLater.Client;

export class PinLaterThriftClient {
  private closed = false;
  /**
   * Resolves when the connection is gone (the server closed it or died, or `close()`): a call in
   * flight then gets no reply, so a client that reconnects races its calls against this.
   */
  readonly disconnected: Promise<void>;

  private constructor(
    private readonly connection: thrift.Connection,
    private readonly client: GeneratedClient,
    /** `RequestContext.source` used when a call does not name one. */
    readonly source: string,
    private readonly callTimeoutMs: number,
  ) {
    this.disconnected = new Promise((resolve) => connection.once('close', () => resolve()));
  }

  /** Opens a framed binary connection; rejects when it cannot connect within `connectTimeoutMs`. */
  static async connect(address: ServerAddress, options: ClientOptions): Promise<PinLaterThriftClient> {
    const connection = thrift.createConnection(address.host, address.port, {
      transport: LeanFramedTransport,
      protocol: LeanBinaryProtocol,
      connect_timeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    });
    await new Promise<void>((resolve, reject) => {
      const onError = (error: unknown): void => {
        connection.removeListener('connect', onConnect);
        // Duck-typed: a socket error from another realm (a jest sandbox) is no `instanceof Error`, and keeps its `code`.
        reject(typeof error === 'object' && error !== null && 'message' in error ? (error as Error) : new Error(String(error)));
      };
      const onConnect = (): void => {
        connection.removeListener('error', onError);
        resolve();
      };
      connection.once('error', onError);
      connection.once('connect', onConnect);
    });
    // Later socket errors fail the pending call through its timeout; never crash the process.
    connection.on('error', () => undefined);
    return new PinLaterThriftClient(connection, thrift.createClient(PinLater, connection), options.source, options.callTimeoutMs ?? DEFAULT_CALL_TIMEOUT_MS);
  }

  /** Ends the connection and waits until the socket is closed (bounded). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const socket = this.connection.connection;
    if (socket.destroyed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.destroy();
        resolve();
      }, 2000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.connection.end();
    });
  }

  context(source = this.source): ttypes.RequestContext {
    return new ttypes.RequestContext({ source, requestId: '' });
  }

  createQueue(name: string, source?: string): Promise<void> {
    return this.call('createQueue', () => this.client.createQueue(this.context(source), name));
  }

  /** `password` null/undefined → the field is absent on the wire. */
  deleteQueue(name: string, password?: string | null): Promise<void> {
    return this.call('deleteQueue', () => this.client.deleteQueue(this.context(), name, password as string));
  }

  async enqueue(queue: string, jobs: readonly JobSpec[]): Promise<string[]> {
    const request = new ttypes.PinLaterEnqueueRequest({ queueName: queue, jobs: jobs.map(toJob) });
    const response = await this.call('enqueueJobs', () => this.client.enqueueJobs(this.context(), request));
    return response.jobDescriptors;
  }

  async dequeue(spec: DequeueSpec): Promise<WireDequeueResponse> {
    const request = new ttypes.PinLaterDequeueRequest({
      queueName: spec.queue,
      limit: spec.limit,
      ...(spec.ack === undefined ? {} : { jobAckRequest: toAckRequest(spec.ack) }),
      ...(spec.dryRun === undefined ? {} : { dryRun: spec.dryRun }),
      ...(spec.coverage === undefined ? {} : { coverage: spec.coverage }),
    });
    const response = await this.call('dequeueJobs', () => this.client.dequeueJobs(this.context(spec.source), request));
    return {
      jobs: response.jobs ?? null,
      jobMetadata: response.jobMetadata == null ? null : mapValues(response.jobMetadata, (m) => ({
        attemptsAllowed: m.attemptsAllowed ?? null,
        attemptsRemaining: m.attemptsRemaining ?? null,
      })),
    };
  }

  ack(spec: AckSpec): Promise<void> {
    return this.call('ackDequeuedJobs', () => this.client.ackDequeuedJobs(this.context(), toAckRequest(spec)));
  }

  checkpoint(queue: string, items: readonly CheckpointSpec[], source?: string): Promise<void> {
    const request = new ttypes.PinLaterCheckpointJobsRequest({ queueName: queue, requests: items.map(toCheckpoint) });
    return this.call('checkpointJobs', () => this.client.checkpointJobs(this.context(source), request));
  }

  async lookup(descriptors: readonly string[], includeBody = false): Promise<Record<string, WireJobInfo>> {
    const request = new ttypes.PinLaterLookupJobRequest({ jobDescriptors: [...descriptors], includeBody });
    const response = await this.call('lookupJobs', () => this.client.lookupJobs(this.context(), request));
    return mapValues(response, toJobInfo);
  }

  /** Looks one job up; `undefined` when the server omitted it. */
  async lookupOne(descriptor: string, includeBody = false): Promise<WireJobInfo | undefined> {
    return (await this.lookup([descriptor], includeBody))[descriptor];
  }

  count(spec: CountSpec): Promise<number> {
    const request = new ttypes.PinLaterGetJobCountRequest({
      queueName: spec.queue,
      jobState: spec.state,
      ...(spec.priority === undefined ? {} : { priority: spec.priority }),
      ...(spec.future === undefined ? {} : { countFutureJobs: spec.future }),
      ...(spec.bodyRegex === undefined ? {} : { bodyRegexToMatch: spec.bodyRegex }),
    });
    return this.call('getJobCount', () => this.client.getJobCount(this.context(), request));
  }

  async queueNames(): Promise<string[]> {
    return [...(await this.call('getQueueNames', () => this.client.getQueueNames(this.context())))].sort();
  }

  async scan(spec: ScanSpec): Promise<WireScanResponse> {
    const request = new ttypes.PinLaterScanJobsRequest({
      queueName: spec.queue,
      jobState: spec.state,
      ...(spec.priority === undefined ? {} : { priority: spec.priority }),
      ...(spec.future === undefined ? {} : { scanFutureJobs: spec.future }),
      ...(spec.continuation === undefined ? {} : { continuation: spec.continuation }),
      ...(spec.limit === undefined ? {} : { limit: spec.limit }),
      ...(spec.bodyRegex === undefined ? {} : { bodyRegexToMatch: spec.bodyRegex }),
    });
    const response = await this.call('scanJobs', () => this.client.scanJobs(this.context(), request));
    return { scannedJobs: response.scannedJobs.map(toJobInfo), continuation: response.continuation ?? null };
  }

  retryFailed(spec: RetrySpec): Promise<number> {
    const request = new ttypes.PinLaterRetryFailedJobsRequest({
      queueName: spec.queue,
      ...(spec.priority === undefined ? {} : { priority: spec.priority }),
      ...(spec.attemptsToAllow === undefined ? {} : { attemptsToAllow: spec.attemptsToAllow }),
      ...(spec.runAfterMs === undefined ? {} : { runAfterTimestampMillis: i64(spec.runAfterMs) }),
      ...(spec.limit === undefined ? {} : { limit: spec.limit }),
    });
    return this.call('retryFailedJobs', () => this.client.retryFailedJobs(this.context(), request));
  }

  deleteJobs(spec: DeleteSpec): Promise<number> {
    const request = new ttypes.PinLaterDeleteJobsRequest({
      queueName: spec.queue,
      jobState: spec.state,
      ...(spec.priority === undefined ? {} : { priority: spec.priority }),
      ...(spec.bodyRegex === undefined ? {} : { bodyRegexToMatch: spec.bodyRegex }),
      ...(spec.limit === undefined ? {} : { limit: spec.limit }),
    });
    return this.call('deleteJobs', () => this.client.deleteJobs(this.context(), request));
  }

  /**
   * Sends a raw enqueue request, bypassing the wrapper's mapping (e.g. an empty jobs list).
   * Exposed for the few tests that need a shape `enqueue()` would not produce.
   */
  async enqueueRaw(request: ttypes.PinLaterEnqueueRequest): Promise<string[]> {
    return (await this.call('enqueueJobs', () => this.client.enqueueJobs(this.context(), request))).jobDescriptors;
  }

  private async call<T>(method: string, send: () => Promise<T>): Promise<T> {
    if (this.closed) throw new Error(`PinLaterThriftClient.${method}: client is closed`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`thrift ${method}: no reply within ${this.callTimeoutMs} ms`)), this.callTimeoutMs);
    });
    try {
      return await Promise.race([send(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * A number as the Thrift i64 the generated code writes (npm thrift's writeI64 takes node-int64's
 * bytes). An integer below 2^53 in magnitude is written into an 8-byte buffer here: node-int64's
 * number constructor, and npm thrift's writeI64 given a plain number, allocate with the deprecated
 * `new Buffer(8)`. Anything else (a test's out-of-range value) keeps node-int64's own handling.
 */
export function i64(value: number): Int64 {
  if (!Number.isSafeInteger(value)) return new Int64(value);
  const bytes = Buffer.allocUnsafe(8);
  bytes.writeBigInt64BE(BigInt(value));
  return new Int64(bytes);
}

function i64ToNumber(value: Int64 | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? value : value.toNumber(true);
}

function toJob(spec: JobSpec): ttypes.PinLaterJob {
  return new ttypes.PinLaterJob({
    body: typeof spec.body === 'string' ? Buffer.from(spec.body, 'utf8') : spec.body,
    ...(spec.priority === undefined ? {} : { priority: spec.priority }),
    ...(spec.runAfterMs === undefined ? {} : { runAfterTimestampMillis: i64(spec.runAfterMs) }),
    ...(spec.attemptsAllowed === undefined ? {} : { numAttemptsAllowed: spec.attemptsAllowed }),
    ...(spec.customStatus === undefined ? {} : { customStatus: spec.customStatus }),
  });
}

function toAckInfo(spec: AckInfoSpec): ttypes.PinLaterJobAckInfo {
  return new ttypes.PinLaterJobAckInfo({
    jobDescriptor: spec.descriptor,
    ...(spec.appendCustomStatus === undefined ? {} : { appendCustomStatus: spec.appendCustomStatus }),
    ...(spec.retryDelayMs === undefined ? {} : { retryDelayMillis: i64(spec.retryDelayMs) }),
  });
}

function toAckRequest(spec: AckSpec): ttypes.PinLaterJobAckRequest {
  return new ttypes.PinLaterJobAckRequest({
    queueName: spec.queue,
    ...(spec.succeeded === undefined ? {} : { jobsSucceeded: spec.succeeded.map(toAckInfo) }),
    ...(spec.failed === undefined ? {} : { jobsFailed: spec.failed.map(toAckInfo) }),
  });
}

function toCheckpoint(spec: CheckpointSpec): ttypes.PinLaterCheckpointJobRequest {
  return new ttypes.PinLaterCheckpointJobRequest({
    jobDescriptor: spec.descriptor,
    ...(spec.newBody === undefined ? {} : { newBody: spec.newBody }),
    ...(spec.moveToPending === undefined ? {} : { moveToPending: spec.moveToPending }),
    ...(spec.runAfterMs === undefined ? {} : { runAfterTimestampMillis: i64(spec.runAfterMs) }),
    ...(spec.attemptsAllowed === undefined ? {} : { numOfAttemptsAllowed: spec.attemptsAllowed }),
    ...(spec.prependCustomStatus === undefined ? {} : { prependCustomStatus: spec.prependCustomStatus }),
  });
}

function toJobInfo(info: ttypes.PinLaterJobInfo): WireJobInfo {
  return {
    jobDescriptor: info.jobDescriptor,
    jobState: info.jobState,
    attemptsAllowed: info.attemptsAllowed,
    attemptsRemaining: info.attemptsRemaining,
    customStatus: info.customStatus,
    createdAtTimestampMillis: i64ToNumber(info.createdAtTimestampMillis) ?? Number.NaN,
    runAfterTimestampMillis: i64ToNumber(info.runAfterTimestampMillis),
    updatedAtTimestampMillis: i64ToNumber(info.updatedAtTimestampMillis),
    claimDescriptor: info.claimDescriptor ?? null,
    body: info.body ?? null,
  };
}

function mapValues<A, B>(record: Record<string, A>, fn: (a: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}
