/**
 * The steps of opening a session to replace a lost one (`zk-session-manager.ts`):
 *
 * - `connectWithBackoff`: keep trying (jittered backoff, 100 ms to 1 s) until a session opens or
 *   the caller stops; ZooKeeper may be down for a while.
 * - `endAbandonedSession`: a session we gave up on while disconnected may still exist on the
 *   server (a restarted ZooKeeper revives every session for a full timeout), keeping our old
 *   ephemeral nodes (a broker's live instance, a controller's LEADER) until it expires. Attaching
 *   to it with its id and password and closing it ends it at once; if it already expired there is
 *   nothing to do.
 * - `syncBarrier`: ZooKeeper's `sync()` (which node-zookeeper-client lacks) by other means: a
 *   write, even one that fails, is ordered through the leader, and the server answers it only
 *   after applying every transaction before it. So after the barrier the new session's reads are
 *   at least as new as anything the lost session saw (Helix #1118: stale reads after expiry, when
 *   the new session lands on a lagging follower).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ZkCode, ZkError } from './zk-error';
import type { ZkClient } from './zk-client';

/** A path nobody creates: deleting it fails with NO_NODE after a round trip through the leader. */
export const SYNC_BARRIER_PATH = '/.pacer-zk-sync-barrier';

export interface AbandonedSession {
  readonly sessionId: string;
  readonly password: Buffer;
}

export async function connectWithBackoff(connect: () => Promise<ZkClient>, stopped: () => boolean): Promise<ZkClient | undefined> {
  for (let attempt = 0; !stopped(); attempt += 1) {
    try {
      return await connect();
    } catch {
      const ceiling = Math.min(1000, 100 * 2 ** attempt);
      await sleep(ceiling / 2 + Math.random() * (ceiling / 2));
    }
  }
  return undefined;
}

export async function endAbandonedSession(reattach: (s: AbandonedSession) => Promise<ZkClient>, session: AbandonedSession): Promise<boolean> {
  try {
    const twin = await reattach(session);
    await twin.close();
    return true;
  } catch {
    return false; // expired already, or unreachable: the server ends it by itself
  }
}

export async function syncBarrier(zk: ZkClient): Promise<void> {
  try {
    await zk.delete(SYNC_BARRIER_PATH);
  } catch (e) {
    if (!ZkError.is(e, ZkCode.NO_NODE)) throw e;
  }
}
