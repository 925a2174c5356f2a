import { connect, type Socket } from 'node:net';
import { TType } from '../../gateway/src/codegen/idl-schema';
import { PINLATER_IDL } from '../../gateway/src/generated/pinlater-idl';
import { BinaryReader } from '../../gateway/src/server/binary-reader';
import type { BinaryWriter } from '../../gateway/src/server/binary-writer';
import { callFrame } from '../../gateway/src/server/call-frame';
import { FrameDecoder } from '../../gateway/src/server/frame-decoder';
import { MessageType, readMessageHeader } from '../../gateway/src/server/message-header';
import { StructCodec, type DecodedStruct } from '../../gateway/src/server/struct-codec';

const MAX_FRAME_BYTES = 64 * 1024 * 1024;

/**
 * A small PinLater Thrift client for throughput benchmarks only, built on the gateway's own codec
 * (`struct-codec.ts`, `call-frame.ts`, `frame-decoder.ts`): framed binary, strict headers, one
 * call at a time per connection. It exists because the npm `thrift` client costs more CPU than
 * the gateway itself and, on a 2-vCPU machine, competes with the gateway and Redis for the same
 * cores. Correctness tests keep using the npm thrift client (test/conformance/harness).
 */
export class LeanPinLaterClient {
  private readonly codec = new StructCodec(PINLATER_IDL);
  private readonly decoder = new FrameDecoder(MAX_FRAME_BYTES);
  private seqid = 0;
  private pending: { seqid: number; resolve: (frame: Buffer) => void; reject: (e: Error) => void } | undefined;

  private constructor(
    private readonly socket: Socket,
    private readonly source: string,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      for (const frame of this.decoder.push(chunk)) this.settle(frame);
    });
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new Error('connection closed')));
  }

  static connect(host: string, port: number, source: string): Promise<LeanPinLaterClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new LeanPinLaterClient(socket, source));
      });
      socket.once('error', reject);
    });
  }

  async enqueue(queue: string, bodies: readonly Buffer[]): Promise<string[]> {
    // The same fields the npm thrift client writes (it sends IDL defaults explicitly), so the
    // gateway decodes the same bytes whichever client drives it.
    const jobs = bodies.map((body) => ({ body, priority: 1, numAttemptsAllowed: 2, customStatus: '' }));
    const reply = await this.call('enqueueJobs', 'PinLaterEnqueueResponse', (w) =>
      this.writeStructField(w, 2, 'PinLaterEnqueueRequest', { queueName: queue, jobs }),
    );
    return (reply.jobDescriptors as string[] | undefined) ?? [];
  }

  /**
   * The descriptors of the dequeued jobs. `ack`: jobs of an earlier dequeue acked as succeeded in
   * the same call (PinLater's piggybacked `jobAckRequest`, run beside the dequeue).
   */
  async dequeue(queue: string, limit: number, ack: readonly string[] = []): Promise<string[]> {
    const request: DecodedStruct = { queueName: queue, limit, dryRun: false, coverage: 1 };
    if (ack.length > 0) request.jobAckRequest = ackRequest(queue, ack);
    const reply = await this.call('dequeueJobs', 'PinLaterDequeueResponse', (w) => this.writeStructField(w, 2, 'PinLaterDequeueRequest', request));
    const jobs = reply.jobs as Map<string, Buffer> | undefined;
    return jobs ? [...jobs.keys()] : [];
  }

  async ack(queue: string, succeeded: readonly string[]): Promise<void> {
    await this.call('ackDequeuedJobs', undefined, (w) => this.writeStructField(w, 2, 'PinLaterJobAckRequest', ackRequest(queue, succeeded)));
  }

  /** lookupJobs (bodies not included): the descriptors the gateway found, in reply order. */
  async lookupJobs(descriptors: readonly string[]): Promise<string[]> {
    const reply = await this.callFor('lookupJobs', (r) => this.readJobInfoMap(r), (w) =>
      this.writeStructField(w, 2, 'PinLaterLookupJobRequest', { jobDescriptors: [...descriptors], includeBody: false }),
    );
    return reply ?? [];
  }

  /** getJobCount of one state (0 = PENDING), all priorities, ready jobs only. */
  async getJobCount(queue: string, jobState: number): Promise<number> {
    const reply = await this.callFor('getJobCount', (r) => r.readI32(), (w) =>
      this.writeStructField(w, 2, 'PinLaterGetJobCountRequest', { queueName: queue, jobState, countFutureJobs: false }),
    );
    return reply ?? 0;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.once('close', () => resolve());
      this.socket.end();
    });
  }

  /** `map<string, PinLaterJobInfo>`: the keys, each value decoded (and so validated) then dropped. */
  private readJobInfoMap(reader: BinaryReader): string[] {
    const { size } = reader.readMapBegin();
    const keys: string[] = [];
    for (let i = 0; i < size; i++) {
      keys.push(reader.readString());
      this.codec.decodeStruct(reader, 'PinLaterJobInfo');
    }
    return keys;
  }

  private writeStructField(w: BinaryWriter, id: number, struct: string, value: DecodedStruct): void {
    w.writeFieldBegin(TType.STRUCT, 1);
    this.codec.encodeStruct(w, 'RequestContext', { source: this.source, requestId: '' });
    w.writeFieldBegin(TType.STRUCT, id);
    this.codec.encodeStruct(w, struct, value);
    w.writeFieldStop();
  }

  /** One call; resolves with the decoded success struct (empty for void methods). */
  private async call(method: string, resultStruct: string | undefined, args: (w: BinaryWriter) => void): Promise<DecodedStruct> {
    const success = resultStruct === undefined ? undefined : (r: BinaryReader) => this.codec.decodeStruct(r, resultStruct);
    return (await this.callFor(method, success, args)) ?? {};
  }

  /**
   * One call whose success value `decodeSuccess` reads (any Thrift type, not only a struct);
   * resolves undefined when the reply has no success field (void methods).
   */
  private async callFor<T>(method: string, decodeSuccess: ((r: BinaryReader) => T) | undefined, args: (w: BinaryWriter) => void): Promise<T | undefined> {
    if (this.pending) throw new Error('one call at a time per LeanPinLaterClient');
    const seqid = ++this.seqid;
    const frame = await new Promise<Buffer>((resolve, reject) => {
      this.pending = { seqid, resolve, reject };
      this.socket.write(callFrame(method, seqid, args));
    });
    const reader = new BinaryReader(frame);
    const header = readMessageHeader(reader);
    if (header.type !== MessageType.REPLY || header.seqid !== seqid) throw new Error(`${method}: unexpected reply (type ${header.type}, seqid ${header.seqid})`);
    for (;;) {
      const field = reader.readFieldBegin();
      if (field.type === TType.STOP) return undefined;
      if (field.id === 0 && decodeSuccess !== undefined) return decodeSuccess(reader);
      if (field.id === 1) throw new Error(`${method} failed: ${JSON.stringify(this.codec.decodeStruct(reader, 'PinLaterException'))}`);
      reader.skip(field.type);
    }
  }

  private settle(frame: Buffer): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve(frame);
  }

  private fail(e: Error): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(e);
  }
}

/** A PinLaterJobAckRequest marking `succeeded` done. */
function ackRequest(queue: string, succeeded: readonly string[]): DecodedStruct {
  return { queueName: queue, jobsSucceeded: succeeded.map((jobDescriptor) => ({ jobDescriptor, appendCustomStatus: '', retryDelayMillis: 0 })) };
}
