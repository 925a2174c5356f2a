import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { Logger } from '../logging/logger';

/** One version of a watched file: its mtime and its bytes. */
export interface ConfigFileVersion {
  mtimeMs: number;
  content: Buffer;
}

/** What one poll did; counted per kind (`ConfigFileWatcher.outcomes()`). */
export type ConfigPollOutcome = 'unchanged' | 'applied' | 'rejected' | 'unreadable';

export interface ConfigFileWatcherOptions {
  path: string;
  /**
   * The version the process already applied (read with `ConfigFileWatcher.read` before its initial
   * load). When omitted, the file as `start()` finds it is taken as applied: the caller loaded it
   * moments before.
   */
  initial?: ConfigFileVersion;
  intervalMs: number;
  /** Applies a changed file. Throwing (or rejecting) rejects the change: logged, the previous config stays. */
  onChange: (content: Buffer) => void | Promise<void>;
  logger: Logger;
}

/**
 * PinLater's ConfigFileWatcher (FACTS §3.7, §5.1), the one way a process hot-reloads a config file
 * (the gateway's rate-limit files, the legacy MySQL backend JSON). Every `intervalMs` it reads the
 * file; when both its mtime and the MD5 of its content changed since the last version seen, it calls
 * `onChange(bytes)`. As in PinLater, the new version counts as seen before `onChange` runs, so a
 * file that fails to apply is reported once, not at every poll, and the next edit is tried afresh.
 * Polls never overlap (each is scheduled after the previous one ends); `close()` waits for one in
 * progress.
 */
export class ConfigFileWatcher {
  private lastMtimeMs = -1;
  private lastMd5 = '';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<ConfigPollOutcome> | undefined;
  private closed = false;
  private readonly counts: Record<ConfigPollOutcome, number> = { unchanged: 0, applied: 0, rejected: 0, unreadable: 0 };

  constructor(private readonly options: ConfigFileWatcherOptions) {
    if (options.initial) this.remember(options.initial.mtimeMs, md5(options.initial.content));
  }

  /** Reads a file for a synchronous initial load (errors propagate: a bad file aborts startup). */
  static async read(path: string): Promise<ConfigFileVersion> {
    const [info, content] = await Promise.all([stat(path), readFile(path)]);
    return { mtimeMs: info.mtimeMs, content };
  }

  /** Takes the baseline (when no `initial` was given), then polls every `intervalMs`. */
  async start(): Promise<void> {
    if (!this.options.initial) {
      const current = await ConfigFileWatcher.read(this.options.path).catch(() => undefined);
      if (current) this.remember(current.mtimeMs, md5(current.content));
    }
    this.schedule();
  }

  /** Polls so far, per outcome: tests wait on these instead of sleeping. */
  outcomes(): Readonly<Record<ConfigPollOutcome, number>> {
    return { ...this.counts };
  }

  /** One poll now (tests drive it without waiting); joins a poll already in progress. */
  poll(): Promise<ConfigPollOutcome> {
    this.running ??= this.pollFile().then((outcome) => {
      this.counts[outcome] += 1;
      this.running = undefined;
      return outcome;
    });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // poll() never rejects: every failure is an outcome.
      this.poll().then(() => this.schedule(), () => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  private async pollFile(): Promise<ConfigPollOutcome> {
    const { path, logger } = this.options;
    let current: ConfigFileVersion;
    try {
      current = await ConfigFileWatcher.read(path);
    } catch (e) {
      logger.warn({ err: e, path }, 'config file poll failed');
      return 'unreadable';
    }
    if (current.mtimeMs === this.lastMtimeMs) return 'unchanged';
    const digest = md5(current.content);
    const changed = digest !== this.lastMd5;
    this.remember(current.mtimeMs, digest);
    if (!changed) return 'unchanged';
    try {
      await this.options.onChange(current.content);
      logger.info({ path }, 'config file reloaded');
      return 'applied';
    } catch (e) {
      logger.error({ err: e, path }, 'config file change rejected; keeping the previous config');
      return 'rejected';
    }
  }

  private remember(mtimeMs: number, digest: string): void {
    this.lastMtimeMs = mtimeMs;
    this.lastMd5 = digest;
  }
}

function md5(content: Buffer): string {
  return createHash('md5').update(content).digest('hex');
}
