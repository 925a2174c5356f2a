/**
 * THE ZooKeeper session of a process, shared by every ZooKeeper user in it (controller, broker
 * membership, the gateway's routing, the status tool), with Curator's connection states
 * (`zk-connection-state.ts`): CONNECTED (a new session), SUSPENDED (connection lost), RECONNECTED
 * (same session back), LOST (session over). On LOST it opens the next session by itself and
 * announces it as CONNECTED; users re-establish everything from a fresh read on it.
 *
 * Why a manager, and not each user reacting to the client's own `expired`: node-zookeeper-client
 * learns that a session expired only from a server that says so. With ZooKeeper down (or a client
 * stuck in a handshake, see `node-zk-connection-watchdog.ts`) that never happens, and a user
 * waiting for `expired` waits forever (issue 17). So, as ZOOKEEPER-4508 and Curator do, the
 * session is declared LOST on the client side too:
 *   - after `lostAfterMs` without a connection (default: the session timeout; beyond it the
 *     server has expired the session, or will the moment it is reachable);
 *   - after the process itself stalled for `stallLostAfterMs` (default: 2/3 of the session
 *     timeout: the server counts from the last packet it heard, up to a third of the timeout
 *     before the stall, and a stalled process could not notice a disconnection).
 * A session given up that way may still live on the server (a restarted ZooKeeper revives every
 * session); the next session ends it (`endAbandonedSession`) before it is announced, so old
 * ephemeral nodes do not linger, and passes a `syncBarrier` so its first reads are not stale.
 *
 * One session = one `ZkClient`: a user keeps the client it was given at CONNECTED and uses it for
 * everything of that session; on a dead session every call fails at once (SESSION_EXPIRED), so
 * nothing can be written with an old session (Helix #641: a live instance created by an expired
 * session).
 */
import type { Clock } from '../util/clock';
import type { Logger } from '../logging/logger';
import { coerceError } from '../errors/coerce-error';
import { NodeZkClient } from './node-zk-client';
import type { ZkClient, ZkSessionEvent } from './zk-client';
import type { ZkConnectionChange, ZkConnectionListener, ZkConnectionState, ZkSessionLossReason } from './zk-connection-state';
import { ZkCode, ZkError } from './zk-error';
import { connectWithBackoff, endAbandonedSession, syncBarrier, type AbandonedSession } from './zk-session-renewal';
import { runDetached } from '../util/run-detached';

export interface ZkSessionManagerOptions {
  /** For logs: the process's role and name, e.g. `broker-1`, `gateway`. */
  readonly name: string;
  /** Opens a NEW session (e.g. `NodeZkClient.connect`); rejects when it cannot (bounded). */
  readonly connect: () => Promise<ZkClient>;
  /** Attaches to an existing session by id and password (to end an abandoned one). Optional. */
  readonly reattach?: (session: AbandonedSession) => Promise<ZkClient>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** LOST after this long disconnected. Default: the session's negotiated timeout. */
  readonly lostAfterMs?: number;
  /** LOST after the event loop stalled this long. Default: 2/3 of the session timeout. */
  readonly stallLostAfterMs?: number;
  /** Bound on opening the first session in `start()`. Default 30 s. */
  readonly startTimeoutMs?: number;
  /** Stall-detector period. Default 200 ms. */
  readonly tickMs?: number;
}

export interface ZkConnectOptions {
  readonly connectString: string;
  readonly sessionTimeoutMs: number;
}

export interface ZkSessionCounters {
  /** Sessions opened, the first included. */
  readonly sessions: number;
  readonly suspended: number;
  readonly reconnected: number;
  readonly lost: number;
}

/** Reported while no session is usable (LOST, or SUSPENDED past a caller's bound). */
export class ZkUnavailableError extends ZkError {
  constructor(message: string) {
    super(ZkCode.CONNECTION_LOSS, 'NO_SESSION', undefined);
    this.message = message;
    this.name = 'ZkUnavailableError';
  }
}

const SESSION_GONE = new Set<number>([ZkCode.SESSION_EXPIRED]);

export class ZkSessionManager {
  private session: ZkClient | undefined;
  private current: ZkConnectionState | 'STARTING' | 'CLOSED' = 'STARTING';
  private sinceMs: number;
  private readonly listeners = new Set<ZkConnectionListener>();
  private offSession: () => void = () => undefined;
  private lostTimer: NodeJS.Timeout | undefined;
  private stallTicker: NodeJS.Timeout | undefined;
  private lastTickMs: number;
  private renewal: Promise<void> | undefined;
  private readonly stats = { sessions: 0, suspended: 0, reconnected: 0, lost: 0 };

  constructor(private readonly options: ZkSessionManagerOptions) {
    this.sinceMs = options.clock.nowMs();
    this.lastTickMs = this.sinceMs;
  }

  /** A manager over node-zookeeper-client sessions to `connectString` (may end in `/chroot`). */
  static forConnectString(connect: ZkConnectOptions, options: Omit<ZkSessionManagerOptions, 'connect' | 'reattach'>): ZkSessionManager {
    const { connectString, sessionTimeoutMs } = connect;
    return new ZkSessionManager({
      ...options,
      connect: () => NodeZkClient.connect({ connectString, sessionTimeoutMs }),
      reattach: (s) => NodeZkClient.connect({
        connectString, sessionTimeoutMs, sessionId: Buffer.from(s.sessionId, 'hex'), sessionPassword: s.password,
        connectTimeoutMs: Math.min(2000, sessionTimeoutMs),
      }),
    });
  }

  /** Opens the first session (retrying until `startTimeoutMs`) and announces it as CONNECTED. */
  async start(): Promise<void> {
    if (this.current !== 'STARTING') return;
    const deadline = this.options.clock.nowMs() + (this.options.startTimeoutMs ?? 30_000);
    const zk = await connectWithBackoff(this.options.connect, () => this.isClosed() || this.options.clock.nowMs() > deadline);
    if (zk === undefined) throw new ZkUnavailableError(`ZooKeeper unavailable: no session within ${this.options.startTimeoutMs ?? 30_000} ms`);
    if (this.isClosed()) {
      await zk.close();
      return;
    }
    this.stallTicker = setInterval(() => this.tick(), this.options.tickMs ?? 200);
    this.adopt(zk);
  }

  /** The current session: usable while CONNECTED or RECONNECTED, waiting while SUSPENDED; undefined after LOST. */
  client(): ZkClient | undefined {
    return this.session;
  }

  state(): ZkConnectionState | 'STARTING' | 'CLOSED' {
    return this.current;
  }

  /** How long the manager has been in its current state. */
  stateAgeMs(): number {
    return this.options.clock.nowMs() - this.sinceMs;
  }

  isClosed(): boolean {
    return this.current === 'CLOSED';
  }

  isConnected(): boolean {
    return this.current === 'CONNECTED' || this.current === 'RECONNECTED';
  }

  counters(): ZkSessionCounters {
    return { ...this.stats };
  }

  /** Listeners run synchronously, in registration order; a throwing listener is logged and skipped. */
  onChange(listener: ZkConnectionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Runs `fn` on a connected session, waiting (up to `timeoutMs`) through SUSPENDED and LOST. If
   * the session ends under it, runs it once more on the next one: `fn` must be safe to repeat.
   */
  async withSession<T>(fn: (zk: ZkClient) => Promise<T>, timeoutMs: number): Promise<T> {
    const deadline = this.options.clock.nowMs() + timeoutMs;
    for (let attempt = 0; ; attempt += 1) {
      const zk = await this.connected(deadline);
      try {
        return await fn(zk);
      } catch (e) {
        const gone = zk !== this.session || (e instanceof ZkError && SESSION_GONE.has(e.code));
        if (!gone || attempt >= 1) throw e;
      }
    }
  }

  /** Resolves with a connected session, or rejects with `ZkUnavailableError` at `deadlineMs`. */
  connected(deadlineMs: number): Promise<ZkClient> {
    if (this.session && this.isConnected()) return Promise.resolve(this.session);
    return new Promise((resolve, reject) => {
      const done = (error?: Error): void => {
        clearTimeout(timer);
        off();
        if (error) reject(error);
        else resolve(this.session as ZkClient);
      };
      const off = this.onChange(() => {
        if (this.session && this.isConnected()) done();
      });
      const waitMs = Math.max(0, deadlineMs - this.options.clock.nowMs());
      const timer = setTimeout(() => done(new ZkUnavailableError(`ZooKeeper unavailable: no connected session within ${waitMs} ms (${this.current})`)), waitMs);
    });
  }

  /** Ends the session (its ephemeral nodes vanish) and stops renewing; announces nothing more. */
  async close(): Promise<void> {
    if (this.current === 'CLOSED') return;
    this.current = 'CLOSED';
    this.listeners.clear();
    this.clearLostTimer();
    if (this.stallTicker) clearInterval(this.stallTicker);
    this.offSession();
    const zk = this.session;
    this.session = undefined;
    await zk?.close();
    await this.renewal?.catch(() => undefined);
  }

  private adopt(zk: ZkClient): void {
    this.session = zk;
    this.stats.sessions += 1;
    this.offSession = zk.onSessionEvent((event) => this.onSessionEvent(zk, event));
    this.options.logger.info({ zk: this.options.name, session: zk.sessionId(), timeoutMs: zk.sessionTimeoutMs() }, 'zookeeper session started');
    this.transition('CONNECTED', zk);
  }

  private onSessionEvent(zk: ZkClient, event: ZkSessionEvent): void {
    if (zk !== this.session || this.current === 'CLOSED') return;
    if (event === 'expired') this.lose('expired');
    else if (event === 'disconnected' && this.isConnected()) this.suspend(zk);
    else if (event === 'connected' && this.current === 'SUSPENDED') this.reconnect(zk);
  }

  private suspend(zk: ZkClient): void {
    this.stats.suspended += 1;
    const lostAfterMs = this.options.lostAfterMs ?? zk.sessionTimeoutMs();
    this.lostTimer = setTimeout(() => this.lose('disconnected'), lostAfterMs);
    this.options.logger.warn({ zk: this.options.name, session: zk.sessionId(), lostAfterMs }, 'zookeeper connection lost (SUSPENDED)');
    this.transition('SUSPENDED', zk);
  }

  private reconnect(zk: ZkClient): void {
    const suspendedMs = this.stateAgeMs();
    this.clearLostTimer();
    this.stats.reconnected += 1;
    this.options.logger.info({ zk: this.options.name, session: zk.sessionId(), suspendedMs }, 'zookeeper session reconnected (RECONNECTED)');
    this.transition('RECONNECTED', zk);
  }

  private lose(reason: ZkSessionLossReason): void {
    const dead = this.session;
    if (!dead || this.current === 'CLOSED') return;
    this.session = undefined;
    this.clearLostTimer();
    this.offSession();
    this.stats.lost += 1;
    this.options.logger.warn({ zk: this.options.name, session: dead.sessionId(), reason }, 'zookeeper session lost (LOST); opening a new one');
    const abandoned = reason === 'expired' ? undefined : { sessionId: dead.sessionId(), password: dead.sessionPassword() };
    this.transition('LOST', dead, reason);
    runDetached('close the lost session while a new one opens', dead.close(), this.options.logger);
    this.renewal = this.renew(abandoned).finally(() => (this.renewal = undefined));
  }

  private async renew(abandoned: AbandonedSession | undefined): Promise<void> {
    const stopped = (): boolean => this.current === 'CLOSED';
    for (;;) {
      const zk = await connectWithBackoff(this.options.connect, stopped);
      if (zk === undefined) return;
      try {
        if (abandoned && this.options.reattach) await endAbandonedSession(this.options.reattach, abandoned);
        await syncBarrier(zk);
      } catch (e) {
        this.options.logger.warn({ zk: this.options.name, err: coerceError(e) }, 'new zookeeper session failed its first round trip; retrying');
        await zk.close();
        continue;
      }
      if (stopped()) {
        await zk.close();
        return;
      }
      this.adopt(zk);
      return;
    }
  }

  private tick(): void {
    const now = this.options.clock.nowMs();
    const gap = now - this.lastTickMs;
    this.lastTickMs = now;
    const zk = this.session;
    if (!zk) return;
    const stallLostAfterMs = this.options.stallLostAfterMs ?? Math.floor((zk.sessionTimeoutMs() * 2) / 3);
    if (gap > stallLostAfterMs) this.lose('stalled');
  }

  private clearLostTimer(): void {
    if (this.lostTimer) clearTimeout(this.lostTimer);
    this.lostTimer = undefined;
  }

  private transition(state: ZkConnectionState, session: ZkClient, reason?: ZkSessionLossReason): void {
    this.current = state;
    this.sinceMs = this.options.clock.nowMs();
    const change: ZkConnectionChange = { state, session, ...(reason ? { reason } : {}) };
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch (e) {
        this.options.logger.error({ zk: this.options.name, err: coerceError(e), state }, 'zookeeper connection listener failed');
      }
    }
  }
}
