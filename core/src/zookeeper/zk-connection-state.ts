/**
 * Connection states of a ZooKeeper user, as Apache Curator names them (`ConnectionState`), with
 * what a user must do on each (`zk-session-manager.ts` produces them):
 *
 * - CONNECTED: a NEW session, the first one or the one after LOST. Nothing of an earlier session
 *   survives: create ephemerals, set watches, run elections and build cached views from a fresh
 *   read. Its first reads are at least as new as anything an earlier session saw.
 * - SUSPENDED: the connection dropped. The session may still live (the server keeps it for the
 *   session timeout, and a restarted server revives it) or may already be gone; the client cannot
 *   tell until it reaches a server. Stop acting on ownership (serve nothing, lead nothing); keep
 *   state. Calls made now wait for the reconnection.
 * - RECONNECTED: the SAME session is back: ephemerals and watches are intact (the client re-sets
 *   watches, and ZooKeeper fires the ones whose nodes changed meanwhile). Resume, and re-read
 *   anything cached: changes made during the disconnection arrive as watch events, but a
 *   re-read is cheap and leaves no doubt.
 * - LOST: the session is over: the server said it expired, or the connection stayed down for the
 *   session timeout, or the process stalled long enough that the server may have expired it.
 *   Forget everything tied to it; the manager is already opening the next session (CONNECTED).
 */
import type { ZkClient } from './zk-client';

export type ZkConnectionState = 'CONNECTED' | 'SUSPENDED' | 'RECONNECTED' | 'LOST';

export type ZkSessionLossReason = 'expired' | 'disconnected' | 'stalled';

export interface ZkConnectionChange {
  readonly state: ZkConnectionState;
  /** The session the change is about: the new one for CONNECTED, the dead one for LOST. */
  readonly session: ZkClient;
  /** LOST only. */
  readonly reason?: ZkSessionLossReason;
}

export type ZkConnectionListener = (change: ZkConnectionChange) => void;
