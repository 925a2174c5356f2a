import type { Socket } from 'node:net';
import type { Stats } from '../../../core/src/interfaces/stats';
import type { Logger } from '../../../core/src/logging/logger';
import { transportStatNames } from '../stats/stat-names';
import type { AsyncSemaphore } from '../util/async-semaphore';
import { ConnectionProtocol } from './connection-protocol';
import type { FrameBudget } from './frame-budget';
import { FrameDecoder } from './frame-decoder';
import { PausableDeadline } from './pausable-deadline';
import type { FrameOutcome, RpcProcessor } from './rpc-processor';
import { runDetached } from '../../../core/src/util/run-detached';

export interface ConnectionOptions {
  maxFrameBytes: number;
  /** 0 disables the idle timeout. */
  idleTimeoutMs: number;
  /** Stop reading from a peer that has this many unprocessed frames queued. */
  maxQueuedFrames: number;
  /** Whole-frame arrival deadline (budget waits not counted) and reply take-up deadline. */
  frameTimeoutMs: number;
  /** The process-wide budget of buffered request bytes. */
  budget: FrameBudget;
  /** Answer the Finagle probe and switch to TTwitter framing (FACTS §1.2); false declines it. */
  acceptFinagleUpgrade: boolean;
}

/**
 * One client connection: frames are processed strictly one after another in arrival order
 * (pipelined frames are answered in order), each under the server-wide request gate. A protocol
 * violation on the transport level (oversized or negative frame length, unreadable message header,
 * unreadable TTwitter request header on an upgraded connection) ends this connection after the
 * replies already owed are written; nothing else is affected.
 *
 * Budgets (issue 8), so that no peer can hold memory or the connection for long:
 *  - every request byte is reserved from the process-wide budget before it is kept; when none is
 *    left the connection stops reading until some is released (`FrameDecoder`);
 *  - a frame must arrive whole within `frameTimeoutMs` of its first byte, not counting time spent
 *    waiting for budget; a reply must be taken by the peer within `frameTimeoutMs`;
 *  - the idle timeout runs from the last reply (or the accept) while nothing is queued, processed
 *    or waiting for budget: bytes of an unfinished frame do not reset it, so trickling cannot keep
 *    a connection open;
 *  - everything the connection holds is released when it closes.
 */
export class Connection {
  private readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private busy = false;
  /** Set when no further frames will be read (shutdown, a fatal transport error, a timeout). */
  private ending = false;
  private endStarted = false;
  private readonly frameDeadline: PausableDeadline;
  private deadlineFrame = 0;
  private readonly idle: PausableDeadline;
  private endTimer: NodeJS.Timeout | undefined;
  /** Plain framed binary, or TTwitter once the client's probe was accepted. */
  private readonly protocol: ConnectionProtocol;
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly processor: RpcProcessor,
    private readonly gate: AsyncSemaphore,
    private readonly options: ConnectionOptions,
    private readonly stats: Stats,
    private readonly logger: Logger,
  ) {
    this.protocol = new ConnectionProtocol(options.acceptFinagleUpgrade);
    this.decoder = new FrameDecoder(options.maxFrameBytes, { budget: options.budget, onBudgetGranted: () => this.onBudgetGranted() });
    this.frameDeadline = new PausableDeadline(options.frameTimeoutMs, () => this.onFrameTimeout());
    this.idle = new PausableDeadline(options.idleTimeoutMs, () => this.onIdle());
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.dispose();
        resolve();
      }),
    );
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.logger.debug({ err: e }, 'connection error'));
    socket.on('end', () => this.finish('peer closed'));
    this.refresh();
  }

  /** Graceful: drop frames not yet started, finish the one in flight, then close. */
  shutdown(): void {
    this.dropQueue();
    this.finish('server shutting down');
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.ending) return;
    this.accept(chunk);
  }

  private onBudgetGranted(): void {
    if (this.ending) return;
    this.accept(undefined);
  }

  /** Decodes `chunk`, or with `undefined` the bytes kept while waiting for budget. */
  private accept(chunk: Buffer | undefined): void {
    const wasWaiting = this.decoder.waiting;
    let frames: Buffer[];
    try {
      frames = chunk === undefined ? this.decoder.resume() : this.decoder.push(chunk);
    } catch (e) {
      this.logger.warn({ err: e, remote: this.socket.remoteAddress }, 'closing connection: bad frame');
      this.finish('bad frame');
      return;
    }
    if (!wasWaiting && this.decoder.waiting) this.stats.incr(transportStatNames.frameBufferWaits);
    for (const frame of frames) this.queue.push(frame);
    this.refresh();
    // A busy pump takes the new frames itself.
    if (frames.length > 0 && !this.busy) runDetached('frame pump started by socket data', this.pump(), this.logger);
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let frame = this.queue.shift(); frame !== undefined; frame = this.queue.shift()) {
        this.refresh();
        const outcome = await this.process(frame);
        if (this.socket.destroyed) break;
        if ('close' in outcome) {
          this.dropQueue();
          this.finish(outcome.close);
          break;
        }
        if (!this.socket.write(outcome.reply) && !(await this.drained())) break;
      }
    } catch (e) {
      // The processor maps every failure to a reply; reaching here is a bug. Never crash the server.
      this.logger.error({ err: e }, 'unexpected error while processing a frame');
      this.dropQueue();
      this.finish('unexpected error');
    } finally {
      this.busy = false;
    }
    if (this.ending) this.endSocket();
    else this.refresh();
  }

  /** The frame's budget is held until it is processed: its decoded arguments take about as much. */
  private async process(frame: Buffer): Promise<FrameOutcome> {
    try {
      return await this.gate.run(() => this.processor.process(frame, this.protocol));
    } finally {
      this.decoder.release(frame);
    }
  }

  /**
   * After a write the socket could not take at once: true once the peer took it, false when the
   * connection is gone or the peer did not take it within the frame timeout.
   */
  private drained(): Promise<boolean> {
    if (this.socket.destroyed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.socket.off('drain', onDrain);
        this.socket.off('close', onClose);
        resolve(ok);
      };
      const onDrain = (): void => done(true);
      const onClose = (): void => done(false);
      const timer = setTimeout(() => {
        this.stats.incr(transportStatNames.replyWriteTimeouts);
        this.logger.warn({ remote: this.socket.remoteAddress, unsent: this.socket.writableLength }, 'dropping connection: reply not taken in time');
        this.socket.destroy();
        done(false);
      }, this.options.frameTimeoutMs);
      this.socket.once('drain', onDrain);
      this.socket.once('close', onClose);
    });
  }

  /** Brings the frame deadline, the idle timer and reading in line with the current state. */
  private refresh(): void {
    this.refreshFrameDeadline();
    this.refreshIdle();
    const read = !this.ending && !this.decoder.waiting && this.queue.length < this.options.maxQueuedFrames;
    if (read) this.socket.resume();
    else this.socket.pause();
  }

  private refreshFrameDeadline(): void {
    if (this.ending || !this.decoder.inFrame) {
      this.frameDeadline.clear();
      return;
    }
    if (this.decoder.framesStarted !== this.deadlineFrame) {
      this.deadlineFrame = this.decoder.framesStarted;
      this.frameDeadline.start();
    }
    if (this.decoder.waiting) this.frameDeadline.pause();
    else this.frameDeadline.resume();
  }

  private refreshIdle(): void {
    const quiet = !this.ending && !this.busy && this.queue.length === 0 && !this.decoder.waiting;
    if (!quiet || this.options.idleTimeoutMs <= 0) this.idle.clear();
    else if (!this.idle.running) this.idle.start();
  }

  private onFrameTimeout(): void {
    if (this.ending) return;
    this.stats.incr(transportStatNames.frameReadTimeouts);
    this.logger.warn({ remote: this.socket.remoteAddress, received: this.decoder.bufferedBytes }, 'closing connection: frame not received in time');
    this.finish('frame timeout');
  }

  private onIdle(): void {
    if (this.ending || this.busy || this.queue.length > 0) return;
    this.stats.incr(transportStatNames.idleCloses);
    this.logger.debug('closing idle connection');
    this.finish('idle');
  }

  /** No more frames are read; the unfinished one is dropped; replies owed are still written. */
  private finish(reason: string): void {
    if (!this.ending) this.logger.debug({ reason }, 'connection ending');
    this.ending = true;
    this.decoder.dispose();
    this.refresh();
    if (!this.busy) this.endSocket();
  }

  private endSocket(): void {
    if (this.endStarted || this.socket.destroyed) return;
    this.endStarted = true;
    this.socket.end(() => this.socket.destroy());
    // A peer that never reads would otherwise keep the socket, and the replies it did not take.
    this.endTimer = setTimeout(() => this.socket.destroy(), this.options.frameTimeoutMs);
  }

  private dropQueue(): void {
    for (const frame of this.queue.splice(0)) this.decoder.release(frame);
  }

  private dispose(): void {
    this.ending = true;
    this.decoder.dispose();
    this.dropQueue();
    this.frameDeadline.dispose();
    this.idle.dispose();
    clearTimeout(this.endTimer);
  }
}
