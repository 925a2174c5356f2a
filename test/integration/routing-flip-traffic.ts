/**
 * The client traffic of routing-live-flip.test.ts: per gateway, one producer and one consumer loop,
 * each a real PinLater Thrift client (test/conformance/harness/conformance-client.ts) on its own
 * connection, running until `stop()`. Every call's failure is recorded (method, gateway, message),
 * never thrown, so the loops keep running and the test asserts that there were none.
 *
 * - Producers enqueue small batches while producing is on; `pauseProducers()` resolves once no
 *   enqueue is in flight, so no job lands anywhere after it (an operator pausing a queue's writers
 *   before a flip). Each descriptor is recorded with the phase it was enqueued in.
 * - Consumers dequeue and ack (succeeded) through the same gateway; `holdNext(n)` makes each
 *   consumer keep its next n dequeued jobs un-acked (`held`): the test acks or checkpoints them
 *   later, through the other gateway.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConformanceClient, type ServerAddress } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';

const ENQUEUE_BATCH = 4;
const DEQUEUE_LIMIT = 10;
/** Pause between a producer's enqueues, and of a consumer that found nothing (pacing, not waiting). */
const PACE_MS = 10;

/** A job a consumer dequeued and did not ack: its descriptor, the gateway and the source that claimed it. */
export interface HeldJob {
  readonly descriptor: string;
  readonly gateway: number;
  readonly source: string;
  readonly phase: string;
}

interface Lane {
  readonly gateway: number;
  readonly producer: ConformanceClient;
  readonly consumer: ConformanceClient;
}

export class FlipTraffic {
  /** `<method> via gateway <n>: <message>` of every call that failed. */
  readonly failures: string[] = [];
  /** Every descriptor enqueued → the phase it was enqueued in. */
  readonly enqueued = new Map<string, string>();
  /** Every descriptor acked as succeeded → the gateway that acked it. */
  readonly acked = new Map<string, number>();
  /** Succeeded acks sent, duplicates included (equals `acked.size` when no job was acked twice). */
  ackCalls = 0;
  readonly held: HeldJob[] = [];
  /** Label of the jobs enqueued from now on (changed only while producers are paused). */
  phase = 'start';
  private producing = false;
  private running = true;
  private enqueuesInFlight = 0;
  private readonly holdQuota = new Map<number, number>();
  private readonly loops: Array<Promise<void>> = [];

  private constructor(private readonly queue: string, private readonly lanes: readonly Lane[]) {}

  /** Connects one producer and one consumer per gateway and starts their loops (producers paused). */
  static async start(queue: string, gateways: readonly ServerAddress[]): Promise<FlipTraffic> {
    const lanes: Lane[] = [];
    try {
      for (const [gateway, address] of gateways.entries()) {
        const producer = await ConformanceClient.connect(address, `flip-producer-gw${gateway}`);
        const consumer = await ConformanceClient.connect(address, `flip-consumer-gw${gateway}`).catch(async (e: unknown) => {
          await producer.close();
          throw e;
        });
        lanes.push({ gateway, producer, consumer });
      }
    } catch (e) {
      for (const lane of lanes) await Promise.all([lane.producer.close(), lane.consumer.close()]);
      throw e;
    }
    const traffic = new FlipTraffic(queue, lanes);
    for (const lane of lanes) traffic.loops.push(traffic.produce(lane), traffic.consume(lane));
    return traffic;
  }

  resumeProducers(phase: string): void {
    this.phase = phase;
    this.producing = true;
  }

  /** Stops the producers; resolves once none of their enqueues is still in flight. */
  async pauseProducers(): Promise<void> {
    this.producing = false;
    await eventually(() => {
      if (this.enqueuesInFlight > 0) throw new Error(`${this.enqueuesInFlight} enqueue(s) still in flight`);
    }, { timeoutMs: 20_000, intervalMs: 5 });
  }

  /** Each consumer keeps its next `perGateway` dequeued jobs un-acked (in `held`). */
  holdNext(perGateway: number): void {
    for (const lane of this.lanes) this.holdQuota.set(lane.gateway, perGateway);
  }

  /** True once every consumer has held what `holdNext` asked for. */
  holdsTaken(): boolean {
    return [...this.holdQuota.values()].every((left) => left === 0);
  }

  /** Removes and returns the held jobs (the test now owns them). */
  takeHeld(): HeldJob[] {
    return this.held.splice(0);
  }

  /** Jobs acked as succeeded through gateway `gateway` in phase `phase`. */
  ackedIn(phase: string, gateway: number): string[] {
    return [...this.acked].filter(([d, g]) => g === gateway && this.enqueued.get(d) === phase).map(([d]) => d);
  }

  /** Records a succeeded ack the test sent itself (of a held job). */
  recordAck(descriptor: string, gateway: number): void {
    this.acked.set(descriptor, gateway);
    this.ackCalls += 1;
  }

  /** Runs `call`; a failure is recorded (and rethrown: the test cannot go on without its result). */
  async call<T>(what: string, gateway: number, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (e) {
      this.recordFailure(what, gateway, e);
      throw e;
    }
  }

  /** Stops every loop and closes every connection. */
  async stop(): Promise<void> {
    this.running = false;
    this.producing = false;
    await Promise.all(this.loops);
    for (const lane of this.lanes) await Promise.all([lane.producer.close(), lane.consumer.close()]);
  }

  private async produce(lane: Lane): Promise<void> {
    for (let n = 0; this.running; n++) {
      if (!this.producing) {
        await sleep(PACE_MS);
        continue;
      }
      this.enqueuesInFlight += 1; // in the same tick as the check: pauseProducers waits for it
      const phase = this.phase;
      try {
        const jobs = Array.from({ length: ENQUEUE_BATCH }, (_, i) => ({ body: `${phase}/gw${lane.gateway}/${n}/${i}` }));
        for (const d of await lane.producer.enqueue(this.queue, jobs)) this.enqueued.set(d, phase);
      } catch (e) {
        this.recordFailure('enqueueJobs', lane.gateway, e);
      } finally {
        this.enqueuesInFlight -= 1;
      }
      await sleep(PACE_MS);
    }
  }

  private async consume(lane: Lane): Promise<void> {
    while (this.running) {
      let got = 0;
      try {
        got = await this.consumeOnce(lane);
      } catch (e) {
        this.recordFailure('dequeueJobs/ackDequeuedJobs', lane.gateway, e);
      }
      if (got === 0) await sleep(PACE_MS);
    }
  }

  /** One dequeue, the holds it owes, an ack of the rest; resolves with the number dequeued. */
  private async consumeOnce(lane: Lane): Promise<number> {
    const descriptors = Object.keys((await lane.consumer.dequeue({ queue: this.queue, limit: DEQUEUE_LIMIT })).jobs ?? {});
    const quota = this.holdQuota.get(lane.gateway) ?? 0;
    const hold = descriptors.slice(0, quota);
    const ack = descriptors.slice(hold.length);
    this.holdQuota.set(lane.gateway, quota - hold.length);
    for (const descriptor of hold) this.held.push({ descriptor, gateway: lane.gateway, source: lane.consumer.source, phase: this.enqueued.get(descriptor) ?? '?' });
    if (ack.length > 0) {
      await lane.consumer.ack({ queue: this.queue, succeeded: ack.map((descriptor) => ({ descriptor })) });
      for (const d of ack) this.recordAck(d, lane.gateway);
    }
    return descriptors.length;
  }

  private recordFailure(what: string, gateway: number, e: unknown): void {
    this.failures.push(`${what} via gateway ${gateway}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
