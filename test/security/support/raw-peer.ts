/**
 * A raw TCP peer of the gateway for transport tests: writes exact bytes (also trickled, or with
 * backpressure), collects whole reply frames, and records when the server closed the connection.
 *
 *   const peer = await RawPeer.open(gw.address);
 *   peer.write(frame);
 *   const [reply] = await peer.replies(1);
 *   await peer.closedWithin(5_000);   // throws if the server keeps the connection open
 */
import { connect, type Socket } from 'node:net';
import type { ServerAddress } from '../../conformance/harness/conformance-client';

export class RawPeer {
  private pending: Buffer = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiters: Array<() => void> = [];
  private closeTime: number | undefined;
  /** Bytes the socket accepted (handed to the kernel) so far. */
  sentBytes = 0;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.closeTime = performance.now();
        this.notify();
        resolve();
      }),
    );
  }

  static open(address: ServerAddress): Promise<RawPeer> {
    return new Promise((resolve, reject) => {
      const socket = connect(address.port, address.host, () => {
        socket.off('error', reject);
        resolve(new RawPeer(socket));
      });
      socket.once('error', reject);
    });
  }

  /** performance.now() when the connection closed, or undefined while it is open. */
  get closedAt(): number | undefined {
    return this.closeTime;
  }

  get isClosed(): boolean {
    return this.closeTime !== undefined;
  }

  /** Reply frames received and not yet taken by `replies()`. */
  get received(): number {
    return this.frames.length;
  }

  write(bytes: Buffer): void {
    if (this.socket.destroyed) return;
    this.socket.write(bytes, (e) => {
      if (!e) this.sentBytes += bytes.length;
    });
  }

  /** Writes `bytes` in `chunkBytes` pieces, waiting for the socket to drain; stops when closed or `stop()` says so. */
  async writeWithBackpressure(bytes: Buffer, chunkBytes: number, stop: () => boolean = () => false): Promise<void> {
    for (let at = 0; at < bytes.length && !this.socket.destroyed && !stop(); at += chunkBytes) {
      const piece = bytes.subarray(at, at + chunkBytes);
      if (!this.socket.write(piece, (e) => (e ? undefined : (this.sentBytes += piece.length)))) await this.drainedOrClosed();
    }
  }

  /** Sends one byte every `intervalMs` until all are sent, the connection closes, or `stop()` is called. */
  trickle(bytes: Buffer, intervalMs: number): { stop(): void; done: Promise<void> } {
    let timer: NodeJS.Timeout | undefined;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const stop = (): void => {
      clearTimeout(timer);
      finish();
    };
    const step = (at: number): void => {
      if (at >= bytes.length || this.socket.destroyed) return stop();
      this.write(bytes.subarray(at, at + 1));
      timer = setTimeout(() => step(at + 1), intervalMs);
    };
    step(0);
    this.closed.then(stop, stop);
    return { stop, done };
  }

  /** Resolves with `n` reply frames; rejects if the connection closes first or on timeout. */
  async replies(n: number, timeoutMs = 10_000): Promise<Buffer[]> {
    const deadline = performance.now() + timeoutMs;
    while (this.frames.length < n) {
      if (this.isClosed) throw new Error(`connection closed after ${this.frames.length} of ${n} replies`);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`timed out after ${this.frames.length} of ${n} replies`);
      await this.nextEvent(left);
    }
    return this.frames.splice(0, n);
  }

  /** Waits until `n` replies arrived or the connection closed, whichever is first; false on timeout. */
  async settled(n: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    while (this.frames.length < n && !this.isClosed) {
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await this.nextEvent(left);
    }
    return true;
  }

  /** Resolves once the server closed the connection; throws if it did not within `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<number> {
    if (!(await this.settled(Number.POSITIVE_INFINITY, timeoutMs))) throw new Error(`connection still open after ${timeoutMs} ms`);
    return this.closeTime as number;
  }

  /** Takes every reply received so far. */
  takeReplies(): Buffer[] {
    return this.frames.splice(0);
  }

  close(): Promise<void> {
    this.socket.destroy();
    return this.closed;
  }

  private onData(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 4 && this.pending.length >= 4 + this.pending.readInt32BE(0)) {
      const len = this.pending.readInt32BE(0);
      this.frames.push(Buffer.from(this.pending.subarray(4, 4 + len)));
      this.pending = this.pending.subarray(4 + len);
    }
    this.notify();
  }

  private nextEvent(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private drainedOrClosed(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
