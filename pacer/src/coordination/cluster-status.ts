/**
 * A read-only view of a cluster for operators: the leader, live instances, per queue the
 * assignment (ideal state target vs external view), every partition without a live ONLINE owner,
 * and every partition whose external view (what gateways route by) disagrees with the brokers'
 * own current states (a stale view: nobody reconciles it, e.g. no leader, or a paused pipeline).
 * `formatClusterStatus` renders it as text; `statusProblems` turns it into plain verdicts with
 * the exit codes of `pacer-status` (`cli/status.ts`).
 */
import { onlineOwners } from './external-view';
import { HelixPaths, partitionName } from './helix-paths';
import { instanceEnabled, numPartitions, PartitionState } from './helix-records';
import { childrenOrEmpty, readRecord } from './record-store';
import type { ZkClient } from '../../../core/src/zookeeper/zk-client';

export interface PartitionStatus {
  readonly partition: string;
  readonly target?: string;
  /** Live instances holding it ONLINE in the external view (more than one would be a bug). */
  readonly online: string[];
}

/** A partition whose external view differs from the live brokers' current states. */
export interface StalePartition {
  readonly partition: string;
  /** Live ONLINE owners according to the external view (what gateways route by). */
  readonly view: string[];
  /** Live instances whose current state (their own report) is ONLINE. */
  readonly brokers: string[];
}

export interface ClusterStatus {
  readonly cluster: string;
  readonly leader?: string;
  /** CONTROLLER/PAUSE exists: the leader does not act. */
  readonly paused: boolean;
  readonly liveInstances: string[];
  readonly disabledInstances: string[];
  readonly queues: Record<string, PartitionStatus[]>;
  readonly unowned: string[];
  readonly staleView: StalePartition[];
  readonly pendingMessages: number;
}

/** `pacer-status` exit codes; with several problems, the first of NO_LEADER, STALE_VIEW, UNOWNED wins. */
export const STATUS_EXIT_CODES = { OK: 0, ERROR: 1, UNOWNED: 2, NO_LEADER: 3, STALE_VIEW: 4 } as const;

export interface StatusProblem {
  readonly code: 'NO_LEADER' | 'STALE_VIEW' | 'UNOWNED';
  readonly exitCode: number;
  readonly message: string;
}

export async function readClusterStatus(zk: ZkClient, cluster: string): Promise<ClusterStatus> {
  const paths = new HelixPaths(cluster);
  const leader = (await readRecord(zk, paths.controllerLeader()))?.record.id;
  const paused = (await zk.exists(paths.controllerPause())) !== null;
  const live = (await childrenOrEmpty(zk, paths.liveInstances())).sort();
  const liveSet = new Set(live);
  const disabled: string[] = [];
  for (const i of await childrenOrEmpty(zk, paths.participantConfigs())) {
    if (!instanceEnabled((await readRecord(zk, paths.instanceConfig(i)))?.record)) disabled.push(i);
  }
  let pendingMessages = 0;
  for (const i of live) pendingMessages += (await childrenOrEmpty(zk, paths.messages(i))).length;
  const sessions = await liveSessions(zk, paths, live);
  const queues: Record<string, PartitionStatus[]> = {};
  const unowned: string[] = [];
  const staleView: StalePartition[] = [];
  for (const queue of (await childrenOrEmpty(zk, paths.idealStates())).sort()) {
    const is = await readRecord(zk, paths.idealState(queue));
    if (!is) continue;
    const ev = await readRecord(zk, paths.externalView(queue));
    const owners = ev ? onlineOwners(ev.record) : new Map<string, string[]>();
    const reported = await reportedOnline(zk, paths, sessions, queue);
    const rows: PartitionStatus[] = [];
    for (let n = 0; n < numPartitions(is.record); n++) {
      const partition = partitionName(queue, n);
      const target = Object.keys(is.record.mapFields[partition] ?? {})[0];
      const online = (owners.get(partition) ?? []).filter((o) => liveSet.has(o));
      rows.push({ partition, ...(target ? { target } : {}), online });
      if (online.length === 0) unowned.push(partition);
      const brokers = reported.get(partition) ?? [];
      if (online.join(',') !== brokers.join(',')) staleView.push({ partition, view: online, brokers });
    }
    queues[queue] = rows;
  }
  return { cluster, ...(leader ? { leader } : {}), paused, liveInstances: live, disabledInstances: disabled.sort(), queues, unowned, staleView, pendingMessages };
}

/** Live instance → the session of its LIVEINSTANCES node. */
async function liveSessions(zk: ZkClient, paths: HelixPaths, live: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const i of live) {
    const node = await readRecord(zk, paths.liveInstance(i));
    const session = node?.record.simpleFields.SESSION_ID ?? node?.ephemeralOwner;
    if (session) out.set(i, session);
  }
  return out;
}

/** partition → live instances reporting it ONLINE in their current session's current state. */
async function reportedOnline(zk: ZkClient, paths: HelixPaths, sessions: ReadonlyMap<string, string>, queue: string): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const [instance, session] of [...sessions].sort(([a], [b]) => a.localeCompare(b))) {
    const cs = await readRecord(zk, paths.currentState(instance, session, queue));
    for (const [partition, fields] of Object.entries(cs?.record.mapFields ?? {})) {
      if (fields.CURRENT_STATE === PartitionState.ONLINE) out.set(partition, [...(out.get(partition) ?? []), instance]);
    }
  }
  return out;
}

/**
 * Keeps only what is stale in BOTH reads: a participant reports a transition a moment before the
 * leader writes the view, so one read can catch a difference that is not a problem.
 */
export function confirmStale(first: ClusterStatus, second: ClusterStatus): ClusterStatus {
  const before = new Set(first.staleView.map((s) => s.partition));
  return { ...second, staleView: second.staleView.filter((s) => before.has(s.partition)) };
}

/** Plain verdicts, most fundamental first: the exit code is the first one's. */
export function statusProblems(s: ClusterStatus): StatusProblem[] {
  const problems: StatusProblem[] = [];
  if (!s.leader) {
    problems.push({ code: 'NO_LEADER', exitCode: STATUS_EXIT_CODES.NO_LEADER, message: 'no controller is leader: assignment is frozen (partitions of dead brokers stay unowned, the external view is not updated); start or fix a controller' });
  }
  if (s.staleView.length > 0) {
    const shown = s.staleView.slice(0, 10).map((p) => `${p.partition} (view: ${p.view.join(',') || '-'}; brokers: ${p.brokers.join(',') || '-'})`);
    const more = s.staleView.length > 10 ? `, … ${s.staleView.length - 10} more` : '';
    const why = s.paused ? ' (CONTROLLER/PAUSE exists: the pipeline is paused)' : '';
    problems.push({ code: 'STALE_VIEW', exitCode: STATUS_EXIT_CODES.STALE_VIEW, message: `external view stale for ${s.staleView.length} partition(s)${why}: gateways route by it, the brokers say otherwise: ${shown.join(', ')}${more}` });
  }
  if (s.unowned.length > 0) {
    problems.push({ code: 'UNOWNED', exitCode: STATUS_EXIT_CODES.UNOWNED, message: `${s.unowned.length} partition(s) have no live owner (not dequeued; their jobs wait in MySQL): ${s.unowned.join(', ')}` });
  }
  return problems;
}

export function statusExitCode(problems: readonly StatusProblem[]): number {
  return problems[0]?.exitCode ?? STATUS_EXIT_CODES.OK;
}

export function formatClusterStatus(s: ClusterStatus): string {
  const lines = [
    `cluster:   ${s.cluster}`,
    `leader:    ${s.leader ?? '(none)'}${s.paused ? '  (paused: CONTROLLER/PAUSE exists)' : ''}`,
    `live:      ${s.liveInstances.join(', ') || '(none)'}`,
    `disabled:  ${s.disabledInstances.join(', ') || '(none)'}`,
    `in flight: ${s.pendingMessages} transition message(s)`,
    '',
    'PARTITION'.padEnd(32) + 'ONLINE ON'.padEnd(28) + 'TARGET',
  ];
  for (const rows of Object.values(s.queues)) {
    for (const r of rows) {
      const online = r.online.length === 0 ? '-' : r.online.join(',') + (r.online.length > 1 ? ' (!!)' : '');
      lines.push(r.partition.padEnd(32) + online.padEnd(28) + (r.target ?? '-'));
    }
  }
  lines.push('', s.unowned.length === 0 ? 'unowned:   none' : `unowned:   ${s.unowned.length}: ${s.unowned.join(', ')}`);
  lines.push(s.staleView.length === 0 ? 'stale:     none' : `stale:     ${s.staleView.length}: ${s.staleView.map((p) => p.partition).join(', ')}`);
  const problems = statusProblems(s);
  if (problems.length === 0) lines.push('status:    OK (exit 0)');
  for (const p of problems) lines.push(`problem:   ${p.code.replace('_', ' ')} (exit ${p.exitCode}): ${p.message}`);
  return lines.join('\n');
}
