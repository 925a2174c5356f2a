/**
 * The participant's join sequence (MODEL §2.6, Helix ParticipantManager):
 * 1. register the instance (InstanceConfig with HELIX_HOST/HELIX_PORT, INSTANCES/<i> skeleton);
 * 2. wait until no other session owns LIVEINSTANCES/<i> (a previous incarnation's session must
 *    end first, so its current states stay authoritative until then);
 * 3. carry over older sessions' current states as OFFLINE under the new session, delete them;
 * 4. create the EPHEMERAL LIVEINSTANCES/<i> only if the ZooKeeper session is still the expected
 *    one, and verify its owner (helix#641).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { addInstance } from './cluster-setup';
import { liveInstanceRecord, PartitionState, type InstanceEndpoint } from './helix-records';
import type { HelixPaths } from './helix-paths';
import { childrenOrEmpty, createRecord, deleteRecursive, readRecord, updateRecord } from './record-store';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';
import { cloneRecord, newRecord, type ZNRecord } from './zn-record';

/** InstanceConfig marker: the instance disabled itself to drain before a graceful shutdown. */
export const DRAINED_FOR_SHUTDOWN = 'PACER_DRAINED_FOR_SHUTDOWN';

export class SessionChangedError extends Error {
  constructor(expected: string, actual: string) {
    super(`ZooKeeper session changed during join (expected ${expected}, now ${actual})`);
    this.name = 'SessionChangedError';
  }
}

export interface JoinOptions {
  readonly zk: ZkClient;
  readonly paths: HelixPaths;
  readonly instance: string;
  readonly endpoint: InstanceEndpoint;
  readonly nowMs: () => number;
  /** Bound on waiting for a previous session's live-instance node. */
  readonly waitForOldSessionMs: number;
  readonly isCurrent: () => boolean;
  /** Simple fields of this member's LiveInstance record (what its release can do). */
  readonly liveFields?: Readonly<Record<string, string>>;
}

export async function joinCluster(o: JoinOptions): Promise<string> {
  const session = o.zk.sessionId();
  await addInstance(o.zk, o.paths, o.instance, o.endpoint);
  await reenableAfterDrain(o);
  await waitForFreeLiveInstance(o, session);
  await carryOverCurrentStates(o, session);
  await recordOnline(o, session);
  if (!o.isCurrent() || o.zk.sessionId() !== session) throw new SessionChangedError(session, o.zk.sessionId());
  await createRecord(o.zk, o.paths.liveInstance(o.instance), liveInstanceRecord(o.instance, session, o.liveFields), 'ephemeral');
  const live = await readRecord(o.zk, o.paths.liveInstance(o.instance));
  if (live?.ephemeralOwner !== session) throw new SessionChangedError(session, live?.ephemeralOwner ?? 'none');
  return session;
}

async function reenableAfterDrain(o: JoinOptions): Promise<void> {
  await updateRecord(o.zk, o.paths.instanceConfig(o.instance), (current) => {
    if (!current || current.simpleFields[DRAINED_FOR_SHUTDOWN] !== 'true') return undefined;
    const next = cloneRecord(current);
    delete next.simpleFields[DRAINED_FOR_SHUTDOWN];
    next.simpleFields.HELIX_ENABLED = 'true';
    next.simpleFields.HELIX_ENABLED_TIMESTAMP = String(o.nowMs());
    return next;
  });
}

async function waitForFreeLiveInstance(o: JoinOptions, session: string): Promise<void> {
  const deadline = o.nowMs() + o.waitForOldSessionMs;
  for (;;) {
    const live = await readRecord(o.zk, o.paths.liveInstance(o.instance));
    if (!live || live.ephemeralOwner === session) return;
    if (o.nowMs() > deadline) throw new Error(`instance ${o.instance} is still live under session ${live.ephemeralOwner}`);
    await sleep(100);
  }
}

function carriedOver(old: ZNRecord, session: string, nowMs: number): ZNRecord {
  const next = newRecord(old.id);
  next.simpleFields = { ...old.simpleFields, SESSION_ID: session };
  for (const partition of Object.keys(old.mapFields)) {
    next.mapFields[partition] = { CURRENT_STATE: PartitionState.OFFLINE, END_TIME: String(nowMs), INFO: 'carried over from an older session' };
  }
  return next;
}

async function carryOverCurrentStates(o: JoinOptions, session: string): Promise<void> {
  const root = o.paths.currentStates(o.instance);
  await o.zk.mkdirp(o.paths.sessionCurrentStates(o.instance, session));
  for (const old of await childrenOrEmpty(o.zk, root)) {
    if (old === session) continue;
    for (const resource of await childrenOrEmpty(o.zk, `${root}/${old}`)) {
      const found = await readRecord(o.zk, o.paths.currentState(o.instance, old, resource));
      if (!found || Object.keys(found.record.mapFields).length === 0) continue;
      await updateRecord(o.zk, o.paths.currentState(o.instance, session, resource), (current) => {
        const next = carriedOver(found.record, session, o.nowMs());
        if (current) Object.assign(next.mapFields, current.mapFields);
        return next;
      });
    }
    await deleteRecursive(o.zk, `${root}/${old}`);
  }
}

async function recordOnline(o: JoinOptions, session: string): Promise<void> {
  await updateRecord(o.zk, o.paths.instanceHistory(o.instance), (current) => {
    const next = current ? cloneRecord(current) : newRecord(o.instance);
    next.simpleFields.LAST_OFFLINE_TIME = '-1';
    next.simpleFields.SESSION_ID = session;
    next.simpleFields.LAST_ONLINE_TIME = String(o.nowMs());
    return next;
  });
}
