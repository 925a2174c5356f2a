import type { Server, Socket } from 'node:net';
import { SPANS } from '../../../core/src/telemetry/telemetry-catalogue';
import { contextFromTraceparent, inSpan, type SpanOptions } from '../../../core/src/telemetry/tracing';
import thrift from 'thrift';
import type { Logger } from '../../../core/src/logging/logger';
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { coerceError } from '../../../core/src/errors/coerce-error';
import PacerBroker from '../generated/PacerBroker';
import ttypes from '../generated/broker_types';
import type { DequeueBroker } from '../broker/dequeue-broker';
import type { BrokerDequeueArgs, BrokerDequeueReply } from '../interfaces/broker-client';
import { settleWithin } from '../../../core/src/util/settle-within';
import { bigToI64, fromI64, toI64 } from './int64';
import { LeanBinaryProtocol, LeanFramedTransport } from '../../../core/src/thrift/lean-framed-transport';
import { fromBrokerAck, fromBrokerCheckpoint } from './broker-write-wire';

/** How long `close()` lets dequeues already running finish and their replies go out. */
export const REPLY_GRACE_MS = 5000;
/** After that, how long connections get to flush and close before they are destroyed. */
const FLUSH_GRACE_MS = 1000;

/** The broker's internal Thrift service (pacer/thrift/broker.thrift), framed binary over TCP. */
export class BrokerServer {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  /** Requests being handled: `close()` waits for their replies (a claimed job must reach its caller). */
  private readonly inFlight = new Set<Promise<unknown>>();

  private constructor(private readonly broker: DequeueBroker, private readonly logger: Logger) {
    this.server = thrift.createServer(PacerBroker.Processor, this.handler(), {
      transport: LeanFramedTransport,
      protocol: LeanBinaryProtocol,
    }) as unknown as Server;
    this.server.on('connection', (s: Socket) => {
      // Replies are small frames answered at once: never hold them back for Nagle's algorithm.
      s.setNoDelay(true);
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async listen(broker: DequeueBroker, host: string, port: number, logger: Logger): Promise<BrokerServer> {
    const s = new BrokerServer(broker, logger);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(port, host, () => resolve());
    });
    // npm thrift re-emits connection errors on the server (e.g. EPIPE writing a reply to a gateway
    // that gave up on a stalled broker); without a listener they would crash the process.
    s.server.on('error', (e: unknown) => logger.warn({ err: coerceError(e) }, 'broker connection error'));
    return s;
  }

  get port(): number {
    const addr = this.server.address();
    return typeof addr === 'object' && addr !== null ? addr.port : 0;
  }

  /**
   * Graceful stop: no new connections; the broker is suspended so requests arriving from now on
   * answer "not owned" at once (gateways route elsewhere); dequeues already running finish (their
   * jobs are claimed in MySQL, so dropping the reply would strand them IN_PROGRESS until the claim
   * timeout); then connections are ended after their replies are flushed, and destroyed if they
   * linger.
   */
  async close(replyGraceMs = REPLY_GRACE_MS): Promise<void> {
    this.broker.suspend();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    if (this.inFlight.size > 0) await settleWithin(Promise.allSettled([...this.inFlight]), replyGraceMs);
    await new Promise<void>((resolve) => setImmediate(resolve)); // replies of just-settled calls are written
    for (const s of this.sockets) s.end();
    await settleWithin(closed, FLUSH_GRACE_MS);
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = (): void => {
      this.inFlight.delete(work);
    };
    work.then(done, done);
    return work;
  }

  private handler(): object {
    const broker = this.broker;
    const fail = (e: unknown): never => {
      const err = coerceError(e);
      const code = e instanceof PinLaterError ? e.code : ErrorCode.UNKNOWN;
      if (!(e instanceof PinLaterError)) this.logger.warn({ err }, 'broker request failed');
      throw new ttypes.BrokerError({ code, message: err.message });
    };
    return {
      dequeue: async (req: ttypes.BrokerDequeueRequest) => {
        try {
          const r = await this.track(inSpan(SPANS.brokerServer, serverSpan('dequeue', req), () => broker.dequeue(dequeueArgsOf(req))));
          return dequeueResponse(r);
        } catch (e) {
          return fail(e);
        }
      },
      notifyPending: async (req: ttypes.BrokerNotifyRequest) => {
        try {
          const settled = req.settled?.map((r) => ({ partition: r.partition, id: fromI64(r.id) ?? 0 }));
          await inSpan(SPANS.brokerServer, serverSpan('notifyPending', req), () => broker.notifyPending(req.queue, req.partitions, fromI64(req.earliestRunAfterMs), req.priorities ?? undefined, settled));
        } catch (e) {
          fail(e);
        }
      },
      ack: async (req: ttypes.BrokerAckRequest) => {
        try {
          const acks = (list: ttypes.BrokerAck[]) => list.map((a) => fromBrokerAck(req.queue, a));
          const r = await this.track(inSpan(SPANS.brokerServer, serverSpan('ack', req), () => broker.ack(req.queue, acks(req.succeeded), acks(req.failed))));
          return new ttypes.BrokerAckResponse({ notOwned: r.notOwned });
        } catch (e) {
          return fail(e);
        }
      },
      checkpoint: async (req: ttypes.BrokerCheckpointRequest) => {
        try {
          const items = req.items.map((c) => fromBrokerCheckpoint(req.queue, c));
          const r = await this.track(inSpan(SPANS.brokerServer, serverSpan('checkpoint', req), () => broker.checkpoint(req.queue, req.source, items)));
          return new ttypes.BrokerCheckpointResponse({ notOwned: r.notOwned, noops: r.noops });
        } catch (e) {
          return fail(e);
        }
      },
      status: async () => {
        const c = broker.counters;
        return new ttypes.BrokerStatus({
          brokerId: broker.brokerId,
          partitions: broker.partitions().map((p) => new ttypes.PartitionStatus({ ...p, epoch: toI64(p.epoch) })),
          refills: toI64(c.refills),
          emptyRefills: toI64(c.emptyRefills),
          claimBatches: toI64(c.claimBatches),
          claimedJobs: toI64(c.claimedJobs),
          dequeueCalls: toI64(c.dequeueCalls),
          dequeueReads: toI64(c.dequeueReads),
          emptyDequeueReads: toI64(c.emptyDequeueReads),
        });
      },
    };
  }
}

/**
 * A dequeue request as the broker takes it. A request without `acksByClaim` comes from a gateway of
 * a release before 2026-12-05, which may write per-job acks itself: its jobs are claimed per job.
 */
function dequeueArgsOf(req: ttypes.BrokerDequeueRequest): BrokerDequeueArgs {
  return {
    queue: req.queue, partitions: req.partitions, priorities: req.priorities, limit: req.limit, claimDescriptor: req.claimDescriptor,
    perJobOnly: req.acksByClaim !== true,
  };
}

/** The broker's span of an RPC: a child of the gateway's client span named by the request's `traceparent`. */
function serverSpan(method: string, req: { queue: string; traceparent?: string | null }): SpanOptions {
  return {
    parts: { method },
    attributes: { 'rpc.system.name': 'pacer', 'rpc.method': `PacerBroker/${method}`, 'messaging.destination.name': req.queue },
    parent: contextFromTraceparent(req.traceparent),
    collectStoreWork: true,
  };
}

/**
 * The reply's Thrift struct, each job built once: the generated constructors copy every list they
 * are given, and a list of structs by constructing each element again (npm thrift's copyList),
 * which with a spread per job made three objects of every job of every reply.
 */
function dequeueResponse(r: BrokerDequeueReply): ttypes.BrokerDequeueResponse {
  const jobs = r.jobs.map((j) => {
    const job = new ttypes.BrokerJob();
    job.descriptor = j.descriptor;
    job.body = j.body;
    job.attemptsAllowed = j.attemptsAllowed;
    job.attemptsRemaining = j.attemptsRemaining;
    job.createdAtMs = toI64(j.createdAtMs);
    job.updatedAtMs = toI64(j.updatedAtMs);
    return job;
  });
  const response = new ttypes.BrokerDequeueResponse({ jobs: [], notOwned: r.notOwned, readyLeft: r.readyLeft });
  response.jobs = jobs;
  if (r.leaseIds !== undefined) response.leaseIds = r.leaseIds.map(bigToI64);
  return response;
}
