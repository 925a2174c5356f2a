import thrift from 'thrift';
import { SPANS } from '../../../core/src/telemetry/telemetry-catalogue';
import type { TraceContext } from '../../../core/src/telemetry/trace-context';
import { inSpan, traceparentOf, tracingActive } from '../../../core/src/telemetry/tracing';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import type { ErrorCode } from '../../../core/src/errors/error-code';
import { coerceError } from '../../../core/src/errors/coerce-error';
import PacerBroker from '../generated/PacerBroker';
import ttypes from '../generated/broker_types';
import { endpointKey, type BrokerEndpoint } from '../interfaces/partition-directory';
import {
  BrokerUnreachableError, type BrokerAckArgs, type BrokerAckReply, type BrokerCheckpointArgs, type BrokerCheckpointReply, type BrokerClient,
  type BrokerDequeueArgs, type BrokerDequeueReply, type BrokerNotice,
} from '../interfaces/broker-client';
import { bigFromI64, fromI64, toI64 } from './int64';
import { LeanBinaryProtocol, LeanFramedTransport } from '../../../core/src/thrift/lean-framed-transport';
import { toBrokerAck, toBrokerCheckpoint } from './broker-write-wire';

/** What a broker's `status` RPC reports. */
export interface BrokerStatusReply {
  brokerId: string;
  partitions: Array<{ queue: string; partition: number; epoch: number; buffered: number }>;
  refills: number;
  emptyRefills: number;
  claimBatches: number;
  claimedJobs: number;
  dequeueCalls: number;
  /** Dequeue calls that waited for a MySQL refill read. */
  dequeueReads: number;
  /** Dequeue calls that waited for MySQL refill reads that found nothing new. */
  emptyDequeueReads: number;
}

interface Channel {
  connection: thrift.Connection;
  client: PacerBroker.Client;
  pending: Set<(e: Error) => void>;
  dead: boolean;
}

/**
 * Thrift client for the broker service: one multiplexed framed connection per broker (npm thrift
 * matches replies by seqid), reopened after a failure. Every call is bounded by `callTimeoutMs`;
 * a lost connection fails its pending calls at once (npm thrift would leave them hanging).
 */
export class ThriftBrokerClient implements BrokerClient {
  private readonly channels = new Map<string, Channel>();

  constructor(private readonly callTimeoutMs: number) {}

  async dequeue(endpoint: BrokerEndpoint, args: BrokerDequeueArgs): Promise<BrokerDequeueReply> {
    const { trace, perJobOnly, ...request } = args;
    // acksByClaim: this API acks as the reply says each job was claimed (api/direct-acks.ts).
    const claims = { acksByClaim: perJobOnly !== true };
    const res = await this.traced('dequeue', endpoint, args.queue, trace, (traceparent) => this.call(endpoint, (c) => c.dequeue(new ttypes.BrokerDequeueRequest({ ...request, ...claims, ...traceparent }))));
    return {
      jobs: res.jobs.map((j) => ({
        descriptor: j.descriptor, body: j.body, attemptsAllowed: j.attemptsAllowed, attemptsRemaining: j.attemptsRemaining,
        createdAtMs: fromI64(j.createdAtMs) ?? 0, updatedAtMs: fromI64(j.updatedAtMs) ?? 0,
      })),
      notOwned: res.notOwned,
      readyLeft: res.readyLeft,
      ...(res.leaseIds === undefined || res.leaseIds === null ? {} : { leaseIds: res.leaseIds.map(bigFromI64) }),
    };
  }

  async notifyPending(endpoint: BrokerEndpoint, notice: BrokerNotice): Promise<void> {
    const req = new ttypes.BrokerNotifyRequest({
      queue: notice.queue,
      partitions: notice.partitions,
      ...(notice.earliestRunAfterMs === undefined ? {} : { earliestRunAfterMs: toI64(notice.earliestRunAfterMs) }),
      ...(notice.priorities === undefined ? {} : { priorities: notice.priorities }),
    });
    // Assigned, not passed: the generated constructor would construct every element again (copyList).
    if (notice.settled !== undefined) req.settled = notice.settled.map((r) => new ttypes.BrokerJobRef({ partition: r.partition, id: toI64(r.id) }));
    await this.traced('notifyPending', endpoint, notice.queue, undefined, (traceparent) => this.call(endpoint, (c) => c.notifyPending(Object.assign(req, traceparent))));
  }

  /**
   * Lease mode's acks. A call that fails after the broker committed is safe to repeat: an ack of a
   * job its lease no longer claims changes nothing.
   */
  async ack(endpoint: BrokerEndpoint, args: BrokerAckArgs): Promise<BrokerAckReply> {
    const req = new ttypes.BrokerAckRequest({ queue: args.queue, succeeded: [], failed: [] });
    req.succeeded = args.succeeded.map(toBrokerAck); // assigned: the constructor would copy each element again
    req.failed = args.failed.map(toBrokerAck);
    const res = await this.traced('ack', endpoint, args.queue, undefined, (traceparent) => this.call(endpoint, (c) => c.ack(Object.assign(req, traceparent))));
    return { notOwned: res.notOwned };
  }

  /** Lease mode's checkpoints. A call that fails after the broker committed may have applied its items. */
  async checkpoint(endpoint: BrokerEndpoint, args: BrokerCheckpointArgs): Promise<BrokerCheckpointReply> {
    const req = new ttypes.BrokerCheckpointRequest({ queue: args.queue, source: args.source, items: [] });
    req.items = args.items.map(toBrokerCheckpoint); // assigned: the constructor would copy each element again
    const res = await this.traced('checkpoint', endpoint, args.queue, undefined, (traceparent) => this.call(endpoint, (c) => c.checkpoint(Object.assign(req, traceparent))));
    return { notOwned: res.notOwned, noops: res.noops };
  }

  /** The broker's counters and owned partitions (`status` RPC: operators, the benchmark). */
  async status(endpoint: BrokerEndpoint): Promise<BrokerStatusReply> {
    const s = await this.call(endpoint, (c) => c.status());
    return {
      brokerId: s.brokerId,
      partitions: s.partitions.map((p) => ({ queue: p.queue, partition: p.partition, epoch: fromI64(p.epoch) ?? 0, buffered: p.buffered })),
      refills: fromI64(s.refills) ?? 0,
      emptyRefills: fromI64(s.emptyRefills) ?? 0,
      claimBatches: fromI64(s.claimBatches) ?? 0,
      claimedJobs: fromI64(s.claimedJobs) ?? 0,
      dequeueCalls: fromI64(s.dequeueCalls ?? undefined) ?? 0,
      dequeueReads: fromI64(s.dequeueReads ?? undefined) ?? 0,
      emptyDequeueReads: fromI64(s.emptyDequeueReads ?? undefined) ?? 0,
    };
  }

  /**
   * A `PacerBroker/<method> client` span around the call, child of the caller's `trace`, its W3C
   * context handed to `call` to put in the request (the broker's span joins the gateway's trace).
   * Without tracing, or outside a traced operation: no span, no field.
   */
  private traced<T>(method: string, endpoint: BrokerEndpoint, queue: string, trace: TraceContext | undefined, call: (traceparent: { traceparent?: string }) => Promise<T>): Promise<T> {
    if (!tracingActive() || trace === undefined) return call({});
    const attributes = { 'rpc.system.name': 'pacer', 'rpc.method': `PacerBroker/${method}`, 'server.address': `${endpoint.host}:${endpoint.port}`, 'messaging.destination.name': queue };
    return inSpan(SPANS.brokerClient, { parts: { method }, attributes, parent: trace, onlyAsChild: true }, (_span, ctx) => {
      const traceparent = traceparentOf(ctx);
      return call(traceparent === undefined ? {} : { traceparent });
    });
  }

  async close(): Promise<void> {
    for (const ch of this.channels.values()) this.kill(ch, new Error('client closed'));
    this.channels.clear();
  }

  private call<T>(endpoint: BrokerEndpoint, fn: (client: PacerBroker.Client) => Promise<T>): Promise<T> {
    const ch = this.channel(endpoint);
    return new Promise<T>((resolve, reject) => {
      const fail = (e: Error): void => {
        clearTimeout(timer);
        ch.pending.delete(fail);
        reject(new BrokerUnreachableError(endpoint, e.message, { cause: e }));
      };
      const timer = setTimeout(() => {
        fail(new Error(`no reply within ${this.callTimeoutMs} ms`));
        this.kill(ch, new Error('call timed out'));
      }, this.callTimeoutMs);
      ch.pending.add(fail);
      fn(ch.client).then(
        (v) => {
          clearTimeout(timer);
          ch.pending.delete(fail);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(timer);
          ch.pending.delete(fail);
          reject(toError(endpoint, e));
        },
      );
    });
  }

  private channel(endpoint: BrokerEndpoint): Channel {
    const key = endpointKey(endpoint);
    const existing = this.channels.get(key);
    if (existing !== undefined && !existing.dead) return existing;
    const connection = thrift.createConnection(endpoint.host, endpoint.port, {
      transport: LeanFramedTransport,
      protocol: LeanBinaryProtocol,
      connect_timeout: this.callTimeoutMs,
    });
    const ch: Channel = { connection, client: thrift.createClient(PacerBroker.Client, connection), pending: new Set(), dead: false };
    connection.on('error', (e: unknown) => this.kill(ch, coerceError(e)));
    connection.on('close', () => this.kill(ch, new Error('connection closed')));
    this.channels.set(key, ch);
    return ch;
  }

  private kill(ch: Channel, reason: Error): void {
    if (!ch.dead) {
      ch.dead = true;
      ch.connection.end();
      ch.connection.destroy();
    }
    for (const fail of [...ch.pending]) fail(reason);
  }
}

function toError(endpoint: BrokerEndpoint, e: unknown): Error {
  if (e instanceof ttypes.BrokerError) return new PinLaterError(e.code as ErrorCode, e.message);
  const err = coerceError(e);
  return new BrokerUnreachableError(endpoint, err.message, { cause: e });
}
