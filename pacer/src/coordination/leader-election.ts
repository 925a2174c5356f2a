/**
 * Controller leader election as Helix's DistributedLeaderElection does it (MODEL §2.6): every
 * controller tries to create the EPHEMERAL `CONTROLLER/LEADER` holding its LiveInstance record;
 * the winner appends to `CONTROLLER/HISTORY`; the others watch the node and try again when it
 * goes away (the leader's session ended). Leadership lasts exactly as long as the session that
 * owns the node, so a controller whose session expired can no longer write anything.
 *
 * One election per session (`zk`). While the connection is SUSPENDED the controller does not act
 * as leader (`suspend()`): it cannot write, and its session may already be gone. RECONNECTED on
 * the same session: `resume()` re-reads the LEADER node and leads again only if it still owns it.
 */
import type { Logger } from '../../../core/src/logging/logger';
import type { Clock } from '../../../core/src/util/clock';
import { liveInstanceRecord } from './helix-records';
import type { HelixPaths } from './helix-paths';
import { createRecord, readRecord, updateRecord } from './record-store';
import type { ZkClient, ZkWatchEvent } from '../../../core/src/zookeeper/zk-client';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { cloneRecord, newRecord } from './zn-record';

/** Helix keeps the last 10 leadership changes. */
export const CONTROLLER_HISTORY_SIZE = 10;

export interface LeaderElectionOptions {
  readonly zk: ZkClient;
  readonly paths: HelixPaths;
  readonly controllerName: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Called on every change of this controller's leadership. */
  readonly onLeadershipChange: (isLeader: boolean) => void;
}

export class LeaderElection {
  private leader = false;
  private stopped = false;
  private suspended = false;
  /** CONTROLLER/HISTORY got this session's entry (a resume after a blip adds none). */
  private historyWritten = false;
  private readonly watcher = (event: ZkWatchEvent): void => this.onLeaderNodeEvent(event);

  constructor(private readonly options: LeaderElectionOptions) {}

  isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    await this.tryAcquire();
  }

  /** The connection dropped: stop leading now, keep competing once it is back. */
  suspend(): void {
    this.suspended = true;
    this.setLeader(false, 'ZooKeeper connection suspended');
  }

  /** The same session is back: lead again if the LEADER node is still ours, else compete. */
  async resume(): Promise<void> {
    this.suspended = false;
    await this.tryAcquire();
  }

  /** Stops competing; a leader deletes its LEADER node so another takes over at once. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (!this.leader) return;
    this.setLeader(false, 'stopping');
    const { zk, paths } = this.options;
    const current = await readRecord(zk, paths.controllerLeader());
    if (current && current.ephemeralOwner === zk.sessionId()) {
      await zk.delete(paths.controllerLeader(), current.version).catch(() => undefined);
    }
  }

  private async tryAcquire(): Promise<void> {
    if (this.stopped || this.suspended) return;
    const { zk, paths, controllerName } = this.options;
    const session = zk.sessionId();
    await createRecord(zk, paths.controllerLeader(), liveInstanceRecord(controllerName, session), 'ephemeral');
    const holder = await readRecord(zk, paths.controllerLeader(), this.watcher);
    if (!holder) {
      await this.tryAcquire();
      return;
    }
    const mine = holder.ephemeralOwner === session;
    if (mine && !this.historyWritten) {
      await this.appendHistory(session);
      this.historyWritten = true;
    }
    if (!this.suspended) this.setLeader(mine, mine ? 'won the election' : `${holder.record.id} leads`);
  }

  private onLeaderNodeEvent(event: ZkWatchEvent): void {
    if (this.stopped) return;
    if (event.type === 'deleted') this.setLeader(false, 'leader node deleted');
    if (this.suspended) return; // resume() re-reads the node
    this.tryAcquire().catch((e) => this.options.logger.warn({ err: coerceError(e) }, 'leader election attempt failed'));
  }

  /** Logs each change (info): `leader` true = gained, false = lost, with `reason`. */
  private setLeader(leader: boolean, reason: string): void {
    if (leader === this.leader) return;
    this.leader = leader;
    this.options.logger.info({ controller: this.options.controllerName, leader, reason }, 'controller leadership changed');
    this.options.onLeadershipChange(leader);
  }

  private async appendHistory(session: string): Promise<void> {
    const { zk, paths, controllerName, clock } = this.options;
    const now = clock.nowMs();
    const entry = `{DATE=${new Date(now).toISOString()}, CONTROLLER=${controllerName}, SESSION=${session}, TIME=${now}}`;
    await updateRecord(zk, paths.controllerHistory(), (current) => {
      const next = current ? cloneRecord(current) : newRecord(paths.cluster);
      next.id = paths.cluster;
      const history = [...(next.listFields.HISTORY ?? []), entry];
      next.listFields.HISTORY = history.slice(-CONTROLLER_HISTORY_SIZE);
      return next;
    });
  }
}
