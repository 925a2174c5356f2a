/**
 * A read-only view of a cluster for operators: the leader, live instances, per queue the
 * assignment (ideal state target vs external view), and every partition without a live ONLINE
 * owner. `formatClusterStatus` renders it as text.
 */
import { onlineOwners } from './external-view';
import { HelixPaths, partitionName } from './helix-paths';
import { instanceEnabled, numPartitions } from './helix-records';
import { childrenOrEmpty, readRecord } from './record-store';
import type { ZkClient } from './zk-client';

export interface PartitionStatus {
  readonly partition: string;
  readonly target?: string;
  /** Live instances holding it ONLINE (more than one would be a bug). */
  readonly online: string[];
}

export interface ClusterStatus {
  readonly cluster: string;
  readonly leader?: string;
  readonly liveInstances: string[];
  readonly disabledInstances: string[];
  readonly queues: Record<string, PartitionStatus[]>;
  readonly unowned: string[];
  readonly pendingMessages: number;
}

export async function readClusterStatus(zk: ZkClient, cluster: string): Promise<ClusterStatus> {
  const paths = new HelixPaths(cluster);
  const leader = (await readRecord(zk, paths.controllerLeader()))?.record.id;
  const live = (await childrenOrEmpty(zk, paths.liveInstances())).sort();
  const liveSet = new Set(live);
  const disabled: string[] = [];
  for (const i of await childrenOrEmpty(zk, paths.participantConfigs())) {
    if (!instanceEnabled((await readRecord(zk, paths.instanceConfig(i)))?.record)) disabled.push(i);
  }
  let pendingMessages = 0;
  for (const i of live) pendingMessages += (await childrenOrEmpty(zk, paths.messages(i))).length;
  const queues: Record<string, PartitionStatus[]> = {};
  const unowned: string[] = [];
  for (const queue of (await childrenOrEmpty(zk, paths.idealStates())).sort()) {
    const is = await readRecord(zk, paths.idealState(queue));
    if (!is) continue;
    const ev = await readRecord(zk, paths.externalView(queue));
    const owners = ev ? onlineOwners(ev.record) : new Map<string, string[]>();
    const rows: PartitionStatus[] = [];
    for (let n = 0; n < numPartitions(is.record); n++) {
      const partition = partitionName(queue, n);
      const target = Object.keys(is.record.mapFields[partition] ?? {})[0];
      const online = (owners.get(partition) ?? []).filter((o) => liveSet.has(o));
      rows.push({ partition, ...(target ? { target } : {}), online });
      if (online.length === 0) unowned.push(partition);
    }
    queues[queue] = rows;
  }
  return { cluster, ...(leader ? { leader } : {}), liveInstances: live, disabledInstances: disabled.sort(), queues, unowned, pendingMessages };
}

export function formatClusterStatus(s: ClusterStatus): string {
  const lines = [
    `cluster:   ${s.cluster}`,
    `leader:    ${s.leader ?? '(none)'}`,
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
  return lines.join('\n');
}
