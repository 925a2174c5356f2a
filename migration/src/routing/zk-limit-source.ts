/**
 * The queue limits in ZooKeeper as a gateway applies them (docs/rate-limits.md): `<root>/limits`
 * (its data version is the limits version, its children the limits, queue-limit-record.ts) and the
 * number of live gateways, `<root>/gateways` (each gateway's ephemeral presence: PinLater's
 * serverset, FACTS §3.7), handed to `listener` after every read that changed either.
 *
 * - **Reading.** On each new session or reconnection, and whenever a watch fires: one on
 *   `limits` (data and children: every operator change bumps its version) re-reads the limits
 *   (queue-limits-reader.ts, bounded); one on the children of `gateways` recounts the gateways.
 *   Everything is applied from memory.
 * - **Bad data is never applied.** A limit that does not parse (or is too large) is logged once
 *   per bad version and counted; the queue keeps the limit applied before (or none). Limits beyond
 *   the read bound are logged once and not applied.
 * - **ZooKeeper trouble.** The limits last applied stay in force (a pause survives a ZooKeeper
 *   outage); the next session or reconnection reads everything again.
 * - `<root>/limits` missing (a tree set up before limits existed): no ZooKeeper limits, logged
 *   once; a watch on its creation (`pinlater-ops setup`) reads them as soon as it exists.
 *
 * Runs on a session manager it does not own (the route source's, zk-route-source.ts, which also
 * publishes the limits version applied in the gateway's presence).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { coerceError } from '../../../core/src/errors/coerce-error';
import type { Logger } from '../../../core/src/logging/logger';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import type { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';
import type { QueueLimitRecord } from './queue-limit-record';
import { parseRawQueueLimit, QueueLimitsMissingError, readQueueLimits, type QueueLimitsRawSnapshot, type RawQueueLimit } from './queue-limits-reader';
import type { RoutingPaths } from './routing-paths';

/** What a gateway applies: a full picture after each read that changed something. */
export interface QueueLimitsSnapshot {
  /** The limits version applied (`<root>/limits`'s data version; 0 when it does not exist). */
  readonly limitsVersion: number;
  /** The limit in force per queue (a queue whose limit never parsed has none). */
  readonly limits: ReadonlyMap<string, QueueLimitRecord>;
  /** Live gateways in `<root>/gateways`, this one counted even before its presence exists (≥ 1). */
  readonly gatewayCount: number;
  /** Bad limit versions seen since the start (each counted once). */
  readonly invalidRecords: number;
  /** `<root>/limits` does not exist (`pinlater-ops setup` adds it): no ZooKeeper limits. */
  readonly limitsNodeMissing: boolean;
}

export type QueueLimitsListener = (snapshot: QueueLimitsSnapshot) => void;

export interface ZkLimitSourceOptions {
  readonly sessions: ZkSessionManager;
  readonly paths: RoutingPaths;
  readonly gatewayId: string;
  readonly logger: Logger;
  readonly listener: QueueLimitsListener;
  /** Told after each applied snapshot (the route source republishes the presence). */
  readonly onApplied?: () => void;
  /** Limits read at most. Default DEFAULT_MAX_LIMIT_RECORDS (queue-limits-reader.ts). */
  readonly maxRecords?: number;
  /** Limits read at once. Default 16. */
  readonly concurrency?: number;
}

const RETRY_MS = 250;

interface LimitState {
  readonly limits: Map<string, QueueLimitRecord>;
  /** Per queue, the bad version already logged and counted. */
  readonly rejected: Map<string, string>;
}

export class ZkLimitSource {
  private readonly logger: Logger;
  private state: LimitState = { limits: new Map(), rejected: new Map() };
  private limitsVersion = 0;
  private gatewayCount = 1;
  private invalidRecords = 0;
  private limitsNodeMissing = false;
  private skippedLogged = 0;
  private loaded = false;
  private limitsDirty = false;
  private gatewaysDirty = false;
  private reading = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private readonly offChange: () => void;
  private markLoaded: () => void = () => undefined;
  private readonly firstLoad = new Promise<void>((resolve) => (this.markLoaded = resolve));
  private readonly limitsWatcher = (): void => this.schedule({ limits: true });
  private readonly gatewaysWatcher = (): void => this.schedule({ gateways: true });

  constructor(private readonly options: ZkLimitSourceOptions) {
    this.logger = options.logger.child({ component: 'zk-limit-source' });
    this.offChange = options.sessions.onChange(() => this.onConnectionChange());
    if (options.sessions.isConnected()) this.onConnectionChange();
  }

  /** The limits version applied; undefined before the first read. */
  appliedVersion(): number | undefined {
    return this.loaded ? this.limitsVersion : undefined;
  }

  /**
   * Resolves once the limits were read and handed to the listener (or the source closed): the route
   * source serves nothing routed before, so no dequeue passes a pause it has not read yet.
   */
  whenLoaded(): Promise<void> {
    return this.firstLoad;
  }

  /** Stops watching (the session is its owner's). */
  async close(): Promise<void> {
    this.closed = true;
    this.markLoaded();
    this.offChange();
    await this.idle;
  }

  private onConnectionChange(): void {
    if (this.options.sessions.isConnected()) this.schedule({ limits: true, gateways: true });
    else if (this.loaded) this.logger.warn({ limitsVersion: this.limitsVersion }, 'queue limits may be stale (ZooKeeper connection lost): the last ones applied stay in force');
  }

  private schedule(what: { limits?: boolean; gateways?: boolean }): void {
    if (this.closed) return;
    this.limitsDirty ||= what.limits === true;
    this.gatewaysDirty ||= what.gateways === true;
    if (this.reading) return;
    this.reading = true;
    this.idle = this.loop().finally(() => {
      this.reading = false;
    });
  }

  private async loop(): Promise<void> {
    while ((this.limitsDirty || this.gatewaysDirty) && !this.closed) {
      const zk = this.options.sessions.client();
      if (!zk || !this.options.sessions.isConnected()) return; // the reconnection (or next session) schedules a read
      const what = { limits: this.limitsDirty, gateways: this.gatewaysDirty };
      this.limitsDirty = false;
      this.gatewaysDirty = false;
      try {
        await this.read(zk, what);
      } catch (e) {
        this.limitsDirty ||= what.limits;
        this.gatewaysDirty ||= what.gateways;
        this.logger.warn({ err: coerceError(e) }, 'queue limits read failed; retrying');
        if (!this.options.sessions.isConnected()) return;
        await sleep(RETRY_MS);
      }
    }
  }

  private async read(zk: ZkClient, what: { limits: boolean; gateways: boolean }): Promise<void> {
    const count = what.gateways ? await this.countGateways(zk) : this.gatewayCount;
    const snapshot = what.limits ? await this.readLimits(zk) : undefined;
    if (this.closed) return;
    const changed = count !== this.gatewayCount || snapshot !== undefined || !this.loaded;
    this.gatewayCount = count;
    if (snapshot !== undefined) this.apply(snapshot);
    if (!changed || (!this.loaded && snapshot === undefined)) return;
    this.loaded = true;
    this.options.listener(this.snapshot());
    this.markLoaded();
    this.options.onApplied?.();
  }

  /** Live presences, this gateway included even before its own presence is published. */
  private async countGateways(zk: ZkClient): Promise<number> {
    const ids = new Set(await zk.children(this.options.paths.gateways(), this.gatewaysWatcher));
    ids.add(this.options.gatewayId);
    return ids.size;
  }

  /** The raw limits, or null when `<root>/limits` does not exist. */
  private async readLimits(zk: ZkClient): Promise<QueueLimitsRawSnapshot | null> {
    const { maxRecords, concurrency } = this.options;
    try {
      return await readQueueLimits(zk, this.options.paths, { watcher: this.limitsWatcher, ...(maxRecords === undefined ? {} : { maxRecords }), ...(concurrency === undefined ? {} : { concurrency }) });
    } catch (e) {
      if (!(e instanceof QueueLimitsMissingError)) throw e;
      if (!this.limitsNodeMissing) this.logger.warn({ path: e.path }, `${e.message}; no ZooKeeper queue limits until it exists`);
      return null;
    }
  }

  private apply(snapshot: QueueLimitsRawSnapshot | null): void {
    if (snapshot === null) {
      this.limitsNodeMissing = true;
      this.limitsVersion = 0;
      this.state = { limits: new Map(), rejected: new Map() };
      return;
    }
    this.limitsNodeMissing = false;
    const next: LimitState = { limits: new Map(), rejected: new Map() };
    for (const raw of snapshot.records) this.applyRecord(raw, next);
    for (const name of snapshot.strayNames) this.reject(next, name, 'stray', 'not a queue name');
    this.logSkipped(snapshot.skipped);
    const changed = snapshot.limitsVersion !== this.limitsVersion || !this.loaded;
    this.state = next;
    this.limitsVersion = snapshot.limitsVersion;
    if (changed) this.logger.info({ limitsVersion: snapshot.limitsVersion, limits: next.limits.size, gatewayCount: this.gatewayCount }, 'queue limits version applied');
  }

  private applyRecord(raw: RawQueueLimit, next: LimitState): void {
    try {
      next.limits.set(raw.queue, parseRawQueueLimit(raw));
    } catch (e) {
      this.reject(next, raw.queue, `${raw.znodeVersion}@${raw.mtimeMs}`, coerceError(e).message);
    }
  }

  /** Keeps the queue's previous limit (or none); logs and counts each bad version once. */
  private reject(next: LimitState, queue: string, key: string, why: string): void {
    const previous = this.state.limits.get(queue);
    if (previous !== undefined) next.limits.set(queue, previous);
    next.rejected.set(queue, key);
    if (this.state.rejected.get(queue) === key) return;
    this.invalidRecords += 1;
    this.logger.error({ queue: renderUntrusted(queue), why, keeping: previous ?? 'no ZooKeeper limit' }, 'queue limit ignored');
  }

  private logSkipped(skipped: readonly string[]): void {
    if (skipped.length === this.skippedLogged) return;
    this.skippedLogged = skipped.length;
    if (skipped.length > 0) this.logger.error({ skipped: skipped.length, first: renderUntrusted(skipped[0] ?? '') }, 'more queue limits than this gateway reads: the ones beyond the bound are not applied');
  }

  private snapshot(): QueueLimitsSnapshot {
    return {
      limitsVersion: this.limitsVersion, limits: new Map(this.state.limits), gatewayCount: this.gatewayCount,
      invalidRecords: this.invalidRecords, limitsNodeMissing: this.limitsNodeMissing,
    };
  }
}
