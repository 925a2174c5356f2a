/**
 * Decides, on the participant's side, when its session must be considered lost, before (or
 * without) ZooKeeper saying so: the session expired; the connection has been down for
 * `suspendAfterMs` (the server may expire it any moment); or the process itself was stalled that
 * long (SIGSTOP, a long GC pause), detected by a ticking timer that fired late.
 *
 * A disconnection suspends at once (Curator's SUSPENDED): the session may already have been
 * expired by the server (a forced expiry closes the socket; the client learns "expired" only when
 * it reconnects, which under load can take seconds) and the controller may be handing the
 * partitions to another broker, so serving stops at the first sign. The same session
 * reconnecting resumes; expiry or `suspendAfterMs` without a reconnect loses the session.
 */
import type { Clock } from '../../../core/src/util/clock';
import type { ZkClient, ZkSessionEvent } from './zk-client';

export type SessionLossReason = 'expired' | 'disconnected' | 'stalled';

export interface SessionGuardOptions {
  readonly zk: ZkClient;
  readonly clock: Clock;
  readonly suspendAfterMs: number;
  readonly tickMs: number;
  readonly onLost: (reason: SessionLossReason) => void;
  /** The connection dropped: stop serving now (the session may be gone). */
  readonly onSuspended: () => void;
  /** The same session reconnected before being lost. */
  readonly onResumed: () => void;
}

export class ParticipantSessionGuard {
  private suspendTimer: NodeJS.Timeout | undefined;
  private readonly ticker: NodeJS.Timeout;
  private lastTickMs: number;
  private fired = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly options: SessionGuardOptions) {
    this.lastTickMs = options.clock.nowMs();
    this.ticker = setInterval(() => this.tick(), options.tickMs);
    this.unsubscribe = options.zk.onSessionEvent((event) => this.onEvent(event));
  }

  stop(): void {
    this.fired = true;
    clearInterval(this.ticker);
    if (this.suspendTimer) clearTimeout(this.suspendTimer);
    this.unsubscribe();
  }

  private onEvent(event: ZkSessionEvent): void {
    if (this.fired) return;
    if (event === 'expired') this.lose('expired');
    else if (event === 'disconnected' && !this.suspendTimer) {
      this.suspendTimer = setTimeout(() => this.lose('disconnected'), this.options.suspendAfterMs);
      this.options.onSuspended();
    } else if (event === 'connected' && this.suspendTimer) {
      clearTimeout(this.suspendTimer);
      this.suspendTimer = undefined;
      this.options.onResumed();
    }
  }

  private tick(): void {
    const now = this.options.clock.nowMs();
    const gap = now - this.lastTickMs;
    this.lastTickMs = now;
    if (gap > this.options.suspendAfterMs) this.lose('stalled');
  }

  private lose(reason: SessionLossReason): void {
    if (this.fired) return;
    this.stop();
    this.options.onLost(reason);
  }
}
