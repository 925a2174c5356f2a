/**
 * A Helix participant (a dequeue broker's membership), following HelixTaskExecutor /
 * HelixStateTransitionHandler (MODEL §2.6):
 * - join (participant-join.ts), then a child watch on INSTANCES/<i>/MESSAGES;
 * - per batch of messages: discard other sessions' messages, mark the rest READ with
 *   EXE_SESSION_ID (one multi), run the transitions through the `PartitionStateHandler`
 *   (concurrently, one per partition), then merge the CURRENTSTATES deltas and delete the
 *   messages in one multi;
 * - its session comes from the process's `ZkSessionManager`: SUSPENDED (disconnection) =
 *   `onSessionSuspended()` at once (stop serving, keep state); RECONNECTED (the same session) =
 *   `onSessionResumed()` and a look at the messages; LOST (expiry, a disconnection as long as the
 *   session timeout, or a stalled process) = `onSessionLost()` at once and forget every local
 *   state; CONNECTED (the next session) = join again (live instance, current states carried over).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { MessageState, readTransition, type TransitionMessage } from './helix-message';
import { PartitionState, type InstanceEndpoint } from './helix-records';
import { HelixPaths, ONLINE_OFFLINE, parsePartitionName } from './helix-paths';
import { DRAINED_FOR_SHUTDOWN, joinCluster } from './participant-join';
import type { PartitionStateHandler } from './partition-state-handler';
import { childrenOrEmpty, deleteIfExists, readRecord, updateRecord } from './record-store';
import type { ZkClient, ZkOp } from '../../../core/src/zookeeper/zk-client';
import type { ZkConnectionChange } from '../../../core/src/zookeeper/zk-connection-state';
import { ZkCode, ZkError } from '../../../core/src/zookeeper/zk-error';
import type { ZkSessionManager } from '../../../core/src/zookeeper/zk-session-manager';
import { cloneRecord, newRecord, serializeRecord, type ZNRecord } from './zn-record';
import { runDetached } from '../../../core/src/util/run-detached';
import { mapBounded } from '../../../core/src/util/map-bounded';

/**
 * Messages one batch claims, runs and reports: a batch's READ marks and its report are one multi
 * each, and ZooKeeper refuses requests over 1 MB (a rebalance at fleet scale sends thousands).
 */
const MESSAGE_BATCH = 200;
/** Message nodes read at once while a batch is collected (one socket pipelines them). */
const MESSAGE_READS_IN_FLIGHT = 100;

export interface HelixParticipantOptions {
  readonly cluster: string;
  readonly instance: string;
  readonly endpoint: InstanceEndpoint;
  /** The process's ZooKeeper sessions (started; owned and closed by the caller). */
  readonly sessions: ZkSessionManager;
  readonly handler: PartitionStateHandler;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Transitions run at once. Default 16. */
  readonly maxConcurrentTransitions?: number;
  /** Simple fields of this member's LiveInstance record (what its release can do). */
  readonly liveFields?: Readonly<Record<string, string>>;
}

/** A current-state record and the version of its node. */
interface WrittenState {
  readonly record: ZNRecord;
  readonly version: number;
}

interface Claimed {
  readonly path: string;
  readonly message: TransitionMessage;
}

interface Outcome {
  readonly message: TransitionMessage;
  readonly state: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly info?: string;
}

export class HelixParticipant {
  private readonly paths: HelixPaths;
  private zk: ZkClient | undefined;
  private session: string | undefined;
  private joining: { readonly zk: ZkClient; readonly promise: Promise<void> } | undefined;
  private offConnection: () => void = () => undefined;
  /** partition name → state, for the current session only. */
  private readonly states = new Map<string, string>();
  /**
   * CURRENTSTATES node path → the record and version this participant last wrote there, for the
   * current session only: it is the nodes' only writer, so a report need not read them first. A
   * version that does not match (BAD_VERSION, NODE_EXISTS) drops the entries and the retry reads.
   */
  private readonly reported = new Map<string, WrittenState>();
  private processing = false;
  private dirty = false;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();
  private sessionsLost = 0;
  private readonly watcher = (): void => this.scheduleMessages();

  constructor(private readonly options: HelixParticipantOptions) {
    this.paths = new HelixPaths(options.cluster);
  }

  get instance(): string {
    return this.options.instance;
  }

  /** Joins on the manager's current session; later sessions are joined as they come. */
  async start(): Promise<void> {
    this.offConnection = this.options.sessions.onChange((change) => this.onConnection(change));
    const zk = this.options.sessions.client();
    if (!zk) throw new Error('participant: the ZooKeeper session manager has no session (start it first)');
    const first = this.joinWith(zk);
    this.joining = { zk, promise: first.catch(() => undefined) };
    await first;
  }

  sessionId(): string | undefined {
    return this.session;
  }

  /** The current ZooKeeper session (tests force its expiry through it). */
  zkSession(): ZkClient | undefined {
    return this.zk;
  }

  onlinePartitions(): string[] {
    return [...this.states].filter(([, s]) => s === PartitionState.ONLINE).map(([p]) => p).sort();
  }

  lostSessions(): number {
    return this.sessionsLost;
  }

  /**
   * Graceful hand-off before a shutdown: disables this instance (marked as drained, so the next
   * start re-enables it) and waits until the controller moved every partition away.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    const zk = this.zk;
    if (!zk) return false;
    await updateRecord(zk, this.paths.instanceConfig(this.options.instance), (current) => {
      const next = current ? cloneRecord(current) : newRecord(this.options.instance);
      next.simpleFields.HELIX_ENABLED = 'false';
      next.simpleFields.HELIX_ENABLED_TIMESTAMP = String(this.options.clock.nowMs());
      next.simpleFields[DRAINED_FOR_SHUTDOWN] = 'true';
      return next;
    });
    const deadline = this.options.clock.nowMs() + timeoutMs;
    while (this.onlinePartitions().length > 0 || this.processing) {
      if (this.options.clock.nowMs() > deadline) return false;
      await sleep(20);
    }
    return true;
  }

  /** Stops serving everything (ONLINE→OFFLINE locally); the session stays the caller's to close. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.offConnection();
    await this.idle;
    for (const partition of this.onlinePartitions()) await this.callOffline(partition);
    this.states.clear();
    this.reported.clear();
    this.zk = undefined;
    this.session = undefined;
  }

  private async joinWith(zk: ZkClient): Promise<void> {
    if (this.closed) return;
    this.zk = zk;
    this.session = undefined;
    this.reported.clear();
    const session = await joinCluster({
      zk,
      paths: this.paths,
      instance: this.options.instance,
      endpoint: this.options.endpoint,
      nowMs: () => this.options.clock.nowMs(),
      waitForOldSessionMs: 3 * zk.sessionTimeoutMs(),
      isCurrent: () => this.zk === zk && !this.closed && this.options.sessions.client() === zk,
      ...(this.options.liveFields === undefined ? {} : { liveFields: this.options.liveFields }),
    });
    if (this.zk !== zk || this.closed) return;
    this.session = session;
    this.options.logger.info({ instance: this.options.instance, session }, 'participant joined');
    this.scheduleMessages();
  }

  private onConnection(change: ZkConnectionChange): void {
    if (this.closed) return;
    const { state, session: zk } = change;
    if (state === 'CONNECTED') {
      runDetached('join the new session from the connection listener', this.joinUntilDone(zk), this.options.logger);
      return;
    }
    if (zk !== this.zk) return;
    if (state === 'SUSPENDED') this.suspendSession();
    else if (state === 'RECONNECTED') this.resumeSession(zk);
    else this.loseSession(change);
  }

  private suspendSession(): void {
    this.options.handler.onSessionSuspended();
    this.options.logger.warn({ instance: this.options.instance }, 'zookeeper connection lost; stopped serving until the session reconnects or is lost');
  }

  /** Serving resumes even mid-join: partitions of this session come only through its messages. */
  private resumeSession(zk: ZkClient): void {
    this.options.handler.onSessionResumed();
    this.options.logger.info({ instance: this.options.instance }, 'zookeeper session reconnected; serving again');
    // the disconnection cut the join short
    if (this.session === undefined) runDetached('finish the join on the resumed session', this.joinUntilDone(zk), this.options.logger);
    else this.scheduleMessages();
  }

  private loseSession(change: ZkConnectionChange): void {
    this.options.handler.onSessionLost();
    this.sessionsLost++;
    this.states.clear();
    this.reported.clear();
    this.zk = undefined;
    this.session = undefined;
    this.options.logger.warn({ instance: this.options.instance, reason: change.reason }, 'participant session lost; stopped serving, rejoining');
  }

  /** Joins on `zk`, retrying while it is still the manager's session; one join per session at a time. */
  private joinUntilDone(zk: ZkClient): Promise<void> {
    if (this.joining?.zk !== zk) {
      const promise = this.joinLoop(zk).finally(() => {
        if (this.joining?.promise === promise) this.joining = undefined;
      });
      this.joining = { zk, promise };
    }
    return this.joining.promise;
  }

  private async joinLoop(zk: ZkClient): Promise<void> {
    while (!this.closed && this.options.sessions.client() === zk) {
      try {
        await this.joinWith(zk);
        return;
      } catch (e) {
        this.options.logger.warn({ err: coerceError(e) }, 'participant rejoin failed; retrying');
        await sleep(500);
      }
    }
  }

  private scheduleMessages(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.processing) return;
    this.processing = true;
    this.idle = this.processLoop().finally(() => {
      this.processing = false;
    });
  }

  private async processLoop(): Promise<void> {
    while (this.dirty && !this.closed) {
      this.dirty = false;
      const zk = this.zk;
      const session = this.session;
      if (!zk || !session) return;
      try {
        await this.processBatch(zk, session);
      } catch (e) {
        if (this.session !== session) return;
        this.options.logger.warn({ err: coerceError(e) }, 'message batch failed; retrying');
        await sleep(200);
        this.dirty = true;
      }
    }
  }

  private async processBatch(zk: ZkClient, session: string): Promise<void> {
    const claimed = await this.claimMessages(zk, session);
    if (claimed.length === 0) return;
    const limit = this.options.maxConcurrentTransitions ?? 16;
    const outcomes: Outcome[] = [];
    for (let i = 0; i < claimed.length; i += limit) {
      const slice = claimed.slice(i, i + limit);
      outcomes.push(...(await Promise.all(slice.map((c) => this.execute(c.message, session)))));
    }
    if (this.session !== session) return; // postHandle: the session changed; report nothing.
    await this.report(zk, session, outcomes, claimed);
  }

  /**
   * Reads NEW messages for this session (at most MESSAGE_BATCH; more left = another batch follows),
   * discards the rest, marks them READ in one multi.
   */
  private async claimMessages(zk: ZkClient, session: string): Promise<Claimed[]> {
    const found: Array<{ path: string; record: ZNRecord; version: number; message: TransitionMessage }> = [];
    const partitions = new Set<string>();
    const ids = await childrenOrEmpty(zk, this.paths.messages(this.options.instance), this.watcher);
    for (let i = 0; i < ids.length; i += MESSAGE_READS_IN_FLIGHT) {
      if (found.length >= MESSAGE_BATCH) {
        this.dirty = true; // the rest after this batch is reported
        break;
      }
      const paths = ids.slice(i, i + MESSAGE_READS_IN_FLIGHT).map((id) => this.paths.message(this.options.instance, id));
      const reads = await Promise.all(paths.map((path) => readRecord(zk, path)));
      for (const [n, read] of reads.entries()) {
        const path = paths[n];
        if (!read || path === undefined) continue;
        const message = readTransition(read.record);
        if (message.type !== 'STATE_TRANSITION' || (message.tgtSessionId !== session && message.tgtSessionId !== '*')) {
          await deleteIfExists(zk, path);
          continue;
        }
        // A READ message of this session is one whose report failed: run it again (idempotent).
        const retry = message.state === MessageState.READ && read.record.simpleFields.EXE_SESSION_ID === session;
        if ((message.state !== MessageState.NEW && !retry) || partitions.has(message.partition)) continue;
        partitions.add(message.partition);
        found.push({ path, record: read.record, version: read.version, message });
      }
    }
    found.sort((a, b) => a.message.createdMs - b.message.createdMs);
    const now = String(this.options.clock.nowMs());
    const ops: ZkOp[] = found.map((f) => {
      const r = cloneRecord(f.record);
      Object.assign(r.simpleFields, { MSG_STATE: MessageState.READ, READ_TIMESTAMP: now, EXE_SESSION_ID: session });
      return { op: 'set', path: f.path, data: serializeRecord(r), version: f.version };
    });
    await zk.multi(ops);
    return found.map((f) => ({ path: f.path, message: f.message }));
  }

  private async execute(message: TransitionMessage, session: string): Promise<Outcome> {
    const startMs = this.options.clock.nowMs();
    const done = (state: string, info?: string): Outcome => ({
      message,
      state,
      startMs,
      endMs: this.options.clock.nowMs(),
      ...(info ? { info } : {}),
    });
    const local = this.states.get(message.partition) ?? PartitionState.OFFLINE;
    try {
      if (message.toState === PartitionState.ONLINE && local !== PartitionState.ONLINE) {
        await this.callOnline(message.partition);
        if (this.session !== session) {
          await this.callOffline(message.partition); // the session died meanwhile: undo.
          return done(PartitionState.OFFLINE, 'session lost during transition');
        }
      } else if (message.toState !== PartitionState.ONLINE && (local === PartitionState.ONLINE || local === PartitionState.ERROR)) {
        await this.callOffline(message.partition);
      }
      this.setLocal(message.partition, message.toState);
      return done(message.toState);
    } catch (e) {
      const error = coerceError(e);
      this.options.logger.error({ err: error, partition: message.partition, to: message.toState }, 'state transition failed');
      if (message.toState === PartitionState.ONLINE) await this.callOffline(message.partition).catch(() => undefined);
      this.setLocal(message.partition, PartitionState.ERROR);
      return done(PartitionState.ERROR, error.message);
    }
  }

  private setLocal(partition: string, state: string): void {
    if (state === PartitionState.DROPPED) this.states.delete(partition);
    else this.states.set(partition, state);
  }

  private async callOnline(partition: string): Promise<void> {
    const parsed = parsePartitionName(partition);
    if (!parsed) throw new Error(`bad partition name ${partition}`);
    await this.options.handler.onBecomeOnline(parsed.queue, parsed.partition);
  }

  private async callOffline(partition: string): Promise<void> {
    const parsed = parsePartitionName(partition);
    if (parsed) await this.options.handler.onBecomeOffline(parsed.queue, parsed.partition);
    this.states.set(partition, PartitionState.OFFLINE);
  }

  /** Merges the CURRENTSTATES deltas and deletes the handled messages, atomically. */
  private async report(zk: ZkClient, session: string, outcomes: readonly Outcome[], claimed: readonly Claimed[]): Promise<void> {
    const byResource = new Map<string, Outcome[]>();
    for (const o of outcomes) byResource.set(o.message.resource, [...(byResource.get(o.message.resource) ?? []), o]);
    for (let attempt = 0; ; attempt++) {
      const writes = await mapBounded([...byResource], MESSAGE_READS_IN_FLIGHT, ([resource, list]) => this.currentStateWrite(zk, session, resource, list));
      const ops: ZkOp[] = writes.map((w) => w.op);
      for (const c of claimed) ops.push({ op: 'delete', path: c.path });
      try {
        const results = await zk.multi(ops);
        if (this.session !== session) return;
        for (const [n, w] of writes.entries()) {
          const result = results[n];
          this.reported.set(w.op.path, { record: w.record, version: result?.op === 'set' ? result.stat.version : 0 });
        }
        return;
      } catch (e) {
        for (const w of writes) this.reported.delete(w.op.path);
        if (attempt >= 5 || !(ZkError.is(e, ZkCode.BAD_VERSION) || ZkError.is(e, ZkCode.NODE_EXISTS))) throw e;
      }
    }
  }

  /** The last record this participant wrote at `path` (this session), else the node as read. */
  private async ownCurrentState(zk: ZkClient, path: string): Promise<WrittenState | undefined> {
    return this.reported.get(path) ?? (await readRecord(zk, path));
  }

  private async currentStateWrite(zk: ZkClient, session: string, resource: string, outcomes: readonly Outcome[]): Promise<{ readonly op: ZkOp & { readonly path: string }; readonly record: ZNRecord }> {
    const path = this.paths.currentState(this.options.instance, session, resource);
    const found = await this.ownCurrentState(zk, path);
    const record = found ? cloneRecord(found.record) : newRecord(resource);
    Object.assign(record.simpleFields, {
      SESSION_ID: session,
      STATE_MODEL_DEF: ONLINE_OFFLINE,
      STATE_MODEL_FACTORY_NAME: 'DEFAULT',
      BUCKET_SIZE: '0',
    });
    for (const o of outcomes) {
      if (o.state === PartitionState.DROPPED) {
        delete record.mapFields[o.message.partition];
        continue;
      }
      record.mapFields[o.message.partition] = {
        CURRENT_STATE: o.state,
        PREVIOUS_STATE: o.message.fromState,
        START_TIME: String(o.startMs),
        END_TIME: String(o.endMs),
        TRIGGERED_BY: o.message.id,
        ...(o.info ? { INFO: o.info } : {}),
      };
    }
    const data = serializeRecord(record);
    if (!found) {
      await zk.mkdirp(this.paths.sessionCurrentStates(this.options.instance, session));
      return { op: { op: 'create', path, data }, record };
    }
    return { op: { op: 'set', path, data, version: found.version }, record };
  }
}
