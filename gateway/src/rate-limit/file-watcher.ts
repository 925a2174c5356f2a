import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '../../../core/src/logging/logger';
import { runDetached } from '../../../core/src/util/run-detached';

/**
 * PinLater's ConfigFileWatcher (FACTS §3.7): polls a file every `intervalMs`; when both its mtime
 * and the MD5 of its content changed since the last accepted version, calls `onChange(bytes)`.
 * If `onChange` throws (parse error), the error is logged and the previous config stays in force.
 */
export class FileWatcher {
  private timer: NodeJS.Timeout | undefined;
  private lastMtimeMs: number;
  private lastMd5: string;
  private polling = false;

  constructor(
    private readonly path: string,
    initial: { mtimeMs: number; content: Buffer },
    private readonly intervalMs: number,
    private readonly onChange: (content: Buffer) => void,
    private readonly logger: Logger,
  ) {
    this.lastMtimeMs = initial.mtimeMs;
    this.lastMd5 = md5(initial.content);
  }

  /** Reads a file for the synchronous initial load (errors propagate: a bad file aborts startup). */
  static async readInitial(path: string): Promise<{ mtimeMs: number; content: Buffer }> {
    const [s, content] = await Promise.all([stat(path), readFile(path)]);
    return { mtimeMs: s.mtimeMs, content };
  }

  start(): void {
    this.timer ??= setInterval(() => runDetached('config file poll from its timer', this.poll(), this.logger), this.intervalMs);
    this.timer.unref();
  }

  /** One poll; exposed so tests can drive it without waiting. */
  async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const { mtimeMs, content } = await FileWatcher.readInitial(this.path);
      if (mtimeMs === this.lastMtimeMs) return;
      const digest = md5(content);
      if (digest === this.lastMd5) {
        this.lastMtimeMs = mtimeMs;
        return;
      }
      this.lastMtimeMs = mtimeMs;
      this.lastMd5 = digest;
      try {
        this.onChange(content);
        this.logger.info({ path: this.path }, 'config file reloaded');
      } catch (e) {
        this.logger.error({ err: e, path: this.path }, 'config file change rejected; keeping the previous config');
      }
    } catch (e) {
      this.logger.warn({ err: e, path: this.path }, 'config file poll failed');
    } finally {
      this.polling = false;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

function md5(content: Buffer): string {
  return createHash('md5').update(content).digest('hex');
}
