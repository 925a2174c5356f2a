/**
 * The transport's budgets where the real gateway needs a backend that can be held mid-request
 * (the in-memory backend's `holdDequeues`): complete frames being processed count against the
 * buffer budget, a connection waiting for budget is not charged for the wait by the frame
 * deadline, and a connection with a request in flight is not idle. The same budgets against the
 * real gateway process and stores: test/security/frame-buffer-budget.test.ts,
 * test/security/connection-limits.test.ts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { TType } from '../../gateway/src/codegen/idl-schema';
import { BinaryReader } from '../../gateway/src/server/binary-reader';
import type { BinaryWriter } from '../../gateway/src/server/binary-writer';
import { callFrame } from '../../gateway/src/server/call-frame';
import { readMessageHeader } from '../../gateway/src/server/message-header';
import { eventually } from '../support/eventually';
import { RawClient, startTestGateway } from './support/gateway-harness';
import type { TestGateway } from './support/gateway-harness';

const KiB = 1024;
/**
 * The deadlines the test outwaits. They must also be long enough for a 900 KiB frame to arrive
 * whole, on a loaded CI machine, where the jest worker that writes it also runs the gateway (at
 * 1000 / 500 ms a fresh-clone run once saw the holder's frame never reach the backend).
 */
const FRAME_TIMEOUT_MS = 2000;
const IDLE_MS = 1000;

/** Arguments padded with an unknown field (skipped by the decoder) to make the frame `padBytes` larger. */
function padded(padBytes: number, args: (w: BinaryWriter) => void): (w: BinaryWriter) => void {
  return (w) => {
    w.writeFieldBegin(TType.STRUCT, 1);
    w.writeFieldBegin(TType.STRING, 1);
    w.writeString('budget');
    w.writeFieldStop();
    args(w);
    w.writeFieldBegin(TType.STRING, 99);
    w.writeString('p'.repeat(padBytes));
    w.writeFieldStop();
  };
}
const dequeueCall = (seqid: number, padBytes: number): Buffer =>
  callFrame('dequeueJobs', seqid, padded(padBytes, (w) => {
    w.writeFieldBegin(TType.STRUCT, 2);
    w.writeFieldBegin(TType.STRING, 1);
    w.writeString('held_q');
    w.writeFieldBegin(TType.I32, 2);
    w.writeI32(1);
    w.writeFieldStop();
  }));
const queueNamesCall = (seqid: number, padBytes: number): Buffer => callFrame('getQueueNames', seqid, padded(padBytes, () => undefined));

const seqidOf = (reply: Buffer): number => readMessageHeader(new BinaryReader(reply)).seqid;

describe('gateway connection budgets (in-memory backend)', () => {
  let gw: TestGateway;
  const clients: RawClient[] = [];

  beforeAll(async () => {
    gw = await startTestGateway({ maxFrameBytes: 1024 * KiB, maxBufferedBytes: 1024 * KiB, frameTimeoutMs: FRAME_TIMEOUT_MS, idleTimeoutMs: IDLE_MS });
    await gw.backend.createQueue('held_q');
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await gw.close();
  });

  it('a frame being processed holds its budget; a waiter is not charged for the wait, and a busy connection is not idle', async () => {
    let release!: () => void;
    gw.backend.holdDequeues = new Promise<void>((resolve) => (release = resolve));
    const holder = await RawClient.open(gw.gateway.thriftPort);
    const waiter = await RawClient.open(gw.gateway.thriftPort);
    clients.push(holder, waiter);

    holder.write(dequeueCall(1, 900 * KiB));
    // Says which deadline closed the holder, if one did, instead of only "no dequeue".
    const holderState = (): object => ({
      dequeueReached: gw.backend.calls.some((c) => c.method === 'dequeueJobs'), holderClosed: holder.socket.destroyed,
      frameReadTimeouts: gw.stats.counter('PinLaterService/frame_read_timeouts'), idleCloses: gw.stats.counter('PinLaterService/idle_closes'),
    });
    await eventually(() => expect(holderState()).toEqual({ dequeueReached: true, holderClosed: false, frameReadTimeouts: 0, idleCloses: 0 }));
    expect(gw.gateway.server.budgetGauges['PinLaterService/frame_buffer_bytes']).toBeGreaterThan(900 * KiB);

    waiter.write(queueNamesCall(2, 500 * KiB));
    await eventually(() => expect(gw.gateway.server.budgetGauges['PinLaterService/frame_buffer_waiters']).toBe(1));
    expect(gw.stats.counter('PinLaterService/frame_buffer_waits')).toBe(1);

    // Well past the frame deadline and the idle timeout: neither connection may be closed for it.
    await sleep(3 * FRAME_TIMEOUT_MS);
    expect({ holder: holder.socket.destroyed, waiter: waiter.socket.destroyed }).toEqual({ holder: false, waiter: false });
    expect(gw.stats.counter('PinLaterService/frame_read_timeouts') + gw.stats.counter('PinLaterService/idle_closes')).toBe(0);

    release();
    gw.backend.holdDequeues = undefined;
    expect((await holder.replies(1)).map(seqidOf)).toEqual([1]);
    expect((await waiter.replies(1)).map(seqidOf)).toEqual([2]);
    await eventually(() => expect(gw.gateway.server.budgetGauges['PinLaterService/frame_buffer_bytes']).toBe(0));

    // Nothing in flight now: the idle timeout closes both.
    await Promise.all([holder.closed, waiter.closed]);
    expect(gw.stats.counter('PinLaterService/idle_closes')).toBe(2);
  });
});
