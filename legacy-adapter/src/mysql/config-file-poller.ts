import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '../../../core/src/logging/logger';

/**
 * Polls a JSON config file (PinLater's ConfigFileWatcher, FACTS §5.1): every `intervalMs` it checks
 * the mtime and, when that moved, the content's MD5; a real change is parsed and handed to
 * `onChange`. Read/parse/apply errors are logged and the previous config stays in force. Polls
 * never overlap; `stop()` waits for a poll in progress.
 */
export class ConfigFilePoller {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private lastMtimeMs = -1;
  private lastDigest = '';

  constructor(
    private readonly path: string,
    private readonly intervalMs: number,
    private readonly onChange: (json: unknown) => Promise<void>,
    private readonly logger: Logger,
  ) {}

  /** Records the current file as the applied one (call after the initial load), then polls. */
  async start(): Promise<void> {
    const snapshot = await this.snapshot().catch(() => undefined);
    if (snapshot) ({ mtimeMs: this.lastMtimeMs, digest: this.lastDigest } = snapshot);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One poll, also callable directly (tests). */
  async pollOnce(): Promise<void> {
    const snapshot = await this.snapshot();
    if (snapshot.mtimeMs === this.lastMtimeMs || snapshot.digest === this.lastDigest) {
      this.lastMtimeMs = snapshot.mtimeMs;
      return;
    }
    const json: unknown = JSON.parse(snapshot.text);
    await this.onChange(json);
    this.lastMtimeMs = snapshot.mtimeMs;
    this.lastDigest = snapshot.digest;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pollOnce()
        .catch((e: unknown) => this.logger.error({ err: e, path: this.path }, 'MySQL backend config reload failed; keeping the previous config'))
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  private async snapshot(): Promise<{ mtimeMs: number; digest: string; text: string }> {
    const [info, text] = await Promise.all([stat(this.path), readFile(this.path, 'utf8')]);
    return { mtimeMs: info.mtimeMs, digest: createHash('md5').update(text).digest('hex'), text };
  }
}
