import type { Socket } from 'node:net';
import type { Logger } from '../../../core/src/logging/logger';
import type { AsyncSemaphore } from '../util/async-semaphore';
import { FrameDecoder } from './frame-decoder';
import type { RpcProcessor } from './rpc-processor';

export interface ConnectionOptions {
  maxFrameBytes: number;
  /** 0 disables the idle timeout. */
  idleTimeoutMs: number;
  /** Stop reading from a peer that has this many unprocessed frames queued. */
  maxQueuedFrames: number;
}

/**
 * One client connection: frames are processed strictly one after another in arrival order
 * (pipelined frames are answered in order), each under the server-wide request gate. A protocol
 * violation on the transport level (oversized or negative frame length, unreadable message header)
 * ends this connection after the replies already owed are written; nothing else is affected.
 */
export class Connection {
  private readonly decoder: FrameDecoder;
  private readonly queue: Buffer[] = [];
  private busy = false;
  /** Set when no further frames will be processed (shutdown or a fatal transport error). */
  private ending = false;
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly processor: RpcProcessor,
    private readonly gate: AsyncSemaphore,
    private readonly options: ConnectionOptions,
    private readonly logger: Logger,
  ) {
    this.decoder = new FrameDecoder(options.maxFrameBytes);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.logger.debug({ err: e }, 'connection error'));
    socket.on('end', () => this.finish('peer closed'));
    if (options.idleTimeoutMs > 0) {
      socket.setTimeout(options.idleTimeoutMs, () => this.onIdle());
    }
  }

  get isBusy(): boolean {
    return this.busy || this.queue.length > 0;
  }

  /** Graceful: drop frames not yet started, finish the one in flight, then close. */
  shutdown(): void {
    this.queue.length = 0;
    this.finish('server shutting down');
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    if (this.ending) return;
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (e) {
      this.logger.warn({ err: e, remote: this.socket.remoteAddress }, 'closing connection: bad frame');
      this.finish('bad frame');
      return;
    }
    this.queue.push(...frames);
    if (this.queue.length >= this.options.maxQueuedFrames) this.socket.pause();
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (let frame = this.queue.shift(); frame && !this.socket.destroyed; frame = this.queue.shift()) {
        const current = frame;
        const outcome = await this.gate.run(() => this.processor.process(current));
        if (this.socket.destroyed) break;
        if ('close' in outcome) {
          this.logger.debug({ reason: outcome.close }, 'closing connection');
          this.queue.length = 0;
          this.ending = true;
          break;
        }
        this.socket.write(outcome.reply);
        if (this.queue.length < this.options.maxQueuedFrames && !this.ending) this.socket.resume();
      }
    } catch (e) {
      // The processor maps every failure to a reply; reaching here is a bug. Never crash the server.
      this.logger.error({ err: e }, 'unexpected error while processing a frame');
      this.ending = true;
    } finally {
      this.busy = false;
    }
    if (this.ending) this.endSocket();
  }

  private finish(reason: string): void {
    if (!this.ending) this.logger.debug({ reason }, 'connection ending');
    this.ending = true;
    this.socket.pause();
    if (!this.busy) this.endSocket();
  }

  private onIdle(): void {
    if (this.isBusy) return;
    this.logger.debug('closing idle connection');
    this.finish('idle');
  }

  private endSocket(): void {
    if (this.socket.destroyed) return;
    this.socket.end(() => this.socket.destroy());
  }
}
