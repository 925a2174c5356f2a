/**
 * A watch of the managed objects of one kind that never gives up: list, then watch from the
 * list's resourceVersion; when the stream ends (the server's timeout, a dropped connection, an
 * error) watch again from the last resourceVersion seen (events and bookmarks move it); when the
 * server says that version is gone (410, as an ERROR event or as the HTTP status) list afresh
 * and watch from the new list. Failures wait a jittered backoff (100 ms doubling to 30 s),
 * each logged with its clear message; `close()` stops it at once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { retryDelayMs, type RetryRule } from '../../../core/src/util/retry-backoff';
import type { Logger } from '../../../core/src/logging/logger';
import type { PoolKubeClient, WatchEventType, WatchHandle, WatchStatus } from './kube-client';
import { toKubeApiError, type KubeApiError } from './kube-errors';
import { KINDS, type KubeObject, type ManagedKind } from './kube-object';

const BACKOFF: RetryRule = { attempts: Number.POSITIVE_INFINITY, minDelayMs: 100, maxDelayMs: 30_000 };
const MAX_BACKOFF_STEP = 10;

export interface ResumableWatchOptions {
  readonly client: PoolKubeClient;
  readonly kind: ManagedKind;
  readonly namespace: string;
  readonly logger: Logger;
  /** Every (re)list: the objects as they are now. */
  readonly onList: (items: readonly KubeObject[]) => void;
  /** Every ADDED, MODIFIED or DELETED event. */
  readonly onEvent: (type: 'ADDED' | 'MODIFIED' | 'DELETED', object: KubeObject) => void;
}

export type WatchState = 'idle' | 'listing' | 'watching' | 'backing-off' | 'closed';

export interface WatchStatusReport {
  readonly state: WatchState;
  readonly resourceVersion: string | null;
  /** Lists made (the first one and every restart after a 410 Gone). */
  readonly lists: number;
  /** Watches resumed from a resourceVersion after a stream ended. */
  readonly resumes: number;
  readonly lastError: string | null;
}

interface StreamEnd {
  readonly gone: boolean;
  readonly sawEvent: boolean;
  readonly error?: KubeApiError;
}

export class ResumableWatch {
  private state: WatchState = 'idle';
  private resourceVersion: string | undefined;
  private lists = 0;
  private resumes = 0;
  private lastError: string | undefined;
  private handle: WatchHandle | undefined;
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(private readonly options: ResumableWatchOptions) {}

  start(): void {
    this.loop ??= this.run();
  }

  status(): WatchStatusReport {
    return { state: this.state, resourceVersion: this.resourceVersion ?? null, lists: this.lists, resumes: this.resumes, lastError: this.lastError ?? null };
  }

  async close(): Promise<void> {
    this.state = 'closed';
    this.stopping.abort();
    this.handle?.stop();
    await this.loop;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        if (this.resourceVersion === undefined) await this.relist();
        else this.resumes += 1;
        const end = await this.stream(this.resourceVersion ?? '');
        if (end.error !== undefined) throw end.error;
        if (end.gone) {
          this.options.logger.info({ kind: this.options.kind, resourceVersion: this.resourceVersion }, 'watch: resourceVersion expired (410 Gone); listing afresh');
          this.resourceVersion = undefined;
          continue;
        }
        failures = end.sawEvent ? 0 : failures + 1;
        this.options.logger.debug({ kind: this.options.kind, resourceVersion: this.resourceVersion }, 'watch: stream ended; resuming');
        if (failures > 0) await this.backOff(failures);
      } catch (e) {
        if (this.stopping.signal.aborted) break;
        failures += 1;
        this.lastError = e instanceof Error ? e.message : String(e);
        this.options.logger.warn({ kind: this.options.kind, error: this.lastError, retry: failures }, 'watch failed; retrying');
        await this.backOff(failures);
      }
    }
    this.state = 'closed';
  }

  private async relist(): Promise<void> {
    this.state = 'listing';
    const list = await this.options.client.list(this.options.kind, this.options.namespace);
    this.resourceVersion = list.resourceVersion;
    this.lists += 1;
    this.lastError = undefined;
    this.options.onList(list.items);
  }

  /** One watch stream, until it ends (or `close()`); resolves (never rejects) with how it ended. */
  private stream(fromVersion: string): Promise<StreamEnd> {
    this.state = 'watching';
    return new Promise<StreamEnd>((resolve) => {
      let sawEvent = false;
      let gone = false;
      let error: KubeApiError | undefined;
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        this.stopping.signal.removeEventListener('abort', finish);
        this.handle?.stop();
        this.handle = undefined;
        resolve({ gone, sawEvent, ...(error === undefined ? {} : { error }) });
      };
      this.stopping.signal.addEventListener('abort', finish);
      const onEvent = (type: WatchEventType, object: KubeObject | WatchStatus): void => {
        if (finished) return;
        if (type === 'ERROR') {
          this.onErrorEvent(object as WatchStatus, (isGone, e) => {
            gone = isGone;
            error = e;
          });
          finish();
          return;
        }
        const version = (object as KubeObject).metadata?.resourceVersion;
        if (version !== undefined) this.resourceVersion = version;
        sawEvent = true;
        this.lastError = undefined;
        if (type !== 'BOOKMARK') this.options.onEvent(type, object as KubeObject);
      };
      const onDone = (doneError: KubeApiError | undefined): void => {
        if (doneError?.kind === 'gone') gone = true;
        else error ??= doneError;
        finish();
      };
      this.options.client.watch(this.options.kind, this.options.namespace, fromVersion, { onEvent, onDone }).then(
        (handle) => {
          if (finished) handle.stop();
          else this.handle = handle;
        },
        (e: unknown) => {
          error = e as KubeApiError;
          finish();
        },
      );
    });
  }

  /** An ERROR event: 410 means the version expired (relist); anything else is a failure. */
  private onErrorEvent(status: WatchStatus, set: (gone: boolean, error: KubeApiError | undefined) => void): void {
    if (status.code === 410) {
      set(true, undefined);
      return;
    }
    const op = { verb: 'watch' as const, kind: KINDS[this.options.kind], namespace: this.options.namespace };
    const failure = status.code === undefined ? new Error(status.message ?? status.reason ?? 'an ERROR event') : { code: status.code, body: { kind: 'Status', ...status } };
    set(false, toKubeApiError(failure, op, this.options.client.server));
  }

  private async backOff(failures: number): Promise<void> {
    this.state = 'backing-off';
    try {
      await sleep(retryDelayMs(BACKOFF, Math.min(failures, MAX_BACKOFF_STEP) - 1), undefined, { signal: this.stopping.signal });
    } catch {
      // closed while waiting
    }
  }
}
