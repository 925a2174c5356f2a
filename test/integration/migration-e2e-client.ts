/**
 * One PinLater Thrift client of migration-end-to-end.test.ts that survives its gateway being
 * killed: a call fails as soon as the connection is gone (not after the call timeout), the failure
 * is recorded, and `reconnect()` connects again (to the same address: the gateway comes back on
 * its port), retrying until it answers.
 *
 * Each connection is an incarnation with its own `RequestContext.source`
 * (`<name>i<n>x`): a legacy or Pacer claim descriptor contains the source of the dequeue that
 * claimed the job (FACTS §4.2), so after a lost reply the worker can tell the jobs claimed by its
 * dead incarnation (`claimedBy`). The trailing `x` keeps one source from being a prefix of another.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ConformanceClient, type ServerAddress } from '../conformance/harness/conformance-client';
import type { TrafficRecord } from './migration-e2e-record';

const RECONNECT_PAUSE_MS = 200;
/** How long a client tries to reach its gateway again (the killed one restarts within this). */
const RECONNECT_DEADLINE_MS = 90_000;

export class ReconnectingClient {
  private client: ConformanceClient | undefined;
  private incarnation = 0;
  private closed = false;

  constructor(
    private readonly address: ServerAddress,
    /** Letters and digits only: part of every source. */
    readonly name: string,
    readonly gateway: number,
    private readonly record: TrafficRecord,
  ) {}

  /** The source of the current connection. */
  get source(): string {
    return sourceOf(this.name, this.incarnation);
  }

  async connect(): Promise<void> {
    const deadline = Date.now() + RECONNECT_DEADLINE_MS;
    for (;;) {
      if (this.closed) throw new Error(`${this.name}: closed`);
      try {
        this.client = await ConformanceClient.connect(this.address, this.source);
        return;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`${this.name}: gateway ${this.gateway} unreachable for ${RECONNECT_DEADLINE_MS} ms: ${messageOf(e)}`);
      }
      await sleep(RECONNECT_PAUSE_MS);
    }
  }

  /** Drops the connection and connects again as a new incarnation (new source). */
  async reconnect(): Promise<void> {
    const old = this.client;
    this.client = undefined;
    await old?.close();
    this.incarnation += 1;
    await this.connect();
  }

  /**
   * Runs `call` on the current connection; fails at once when the connection goes away meanwhile.
   * Every failure is recorded (what, gateway, lane, message) and rethrown.
   */
  async call<T>(what: string, call: (c: ConformanceClient) => Promise<T>): Promise<T> {
    try {
      const client = this.client;
      if (client === undefined) throw new Error('not connected');
      const gone = client.disconnected.then(() => {
        throw new Error('connection closed by the gateway');
      });
      gone.catch(() => undefined); // the race handles it; a close after the reply is no failure
      return await Promise.race([call(client), gone]);
    } catch (e) {
      this.record.recordFailure({ what, gateway: this.gateway, lane: this.name, atMs: Date.now(), message: messageOf(e) });
      throw e;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.close();
    this.client = undefined;
  }
}

export function sourceOf(name: string, incarnation: number): string {
  return `${name}i${incarnation}x`;
}

/** True when `claimDescriptor` (host:port:start:source:n) was written by a dequeue with `source`. */
export function claimedBy(claimDescriptor: string | null, source: string): boolean {
  return claimDescriptor !== null && claimDescriptor.includes(`:${source}:`);
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
