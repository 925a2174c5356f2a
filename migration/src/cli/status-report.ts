/**
 * What `pinlater-ops status` reports (status-text.ts renders it for people, `--json` as is): every
 * routing record, the records gateways cannot use, the queues without a record (unrouted: on one
 * system; ambiguous: on several, refused by the gateways), every live gateway and whether it is
 * behind the table version, and the problems among all that.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import type { GatewayPresence } from '../routing/gateway-presence';
import { isServedMode, type RoutingRecord } from '../routing/routing-record';
import type { RoutingStore } from '../routing/routing-store';
import { queuesWithoutRecord, type AmbiguousQueue, type QueueHolders, type UnroutedQueue } from './queue-discovery';

export type StatusProblemCode = 'UNREADABLE_RECORD' | 'UNKNOWN_SYSTEM' | 'AMBIGUOUS_QUEUE' | 'GATEWAY_BEHIND';

export interface StatusProblem {
  readonly code: StatusProblemCode;
  readonly message: string;
}

export interface RecordRow extends RoutingRecord {
  /** The systems where the queue exists now (its record says which one serves it). */
  readonly presentOn: readonly string[];
}

export interface GatewayRow extends GatewayPresence {
  /** Not loaded, or its applied version below the table version (still so after the settle time). */
  readonly behind: boolean;
}

export interface StatusReport {
  readonly zookeeper: string;
  readonly root: string;
  readonly tableVersion: number;
  readonly systems: readonly string[];
  readonly records: readonly RecordRow[];
  readonly invalidRecords: ReadonlyArray<{ readonly queue: string; readonly error: string }>;
  readonly unrouted: readonly UnroutedQueue[];
  readonly ambiguous: readonly AmbiguousQueue[];
  readonly gateways: readonly GatewayRow[];
  readonly problems: readonly StatusProblem[];
}

export interface StatusInputs {
  readonly store: RoutingStore;
  readonly zookeeper: string;
  readonly systems: readonly string[];
  readonly holders: QueueHolders;
  /** Read the gateways again after this long before calling one behind (0: once). */
  readonly settleMs: number;
}

export async function readStatus(inputs: StatusInputs): Promise<StatusReport> {
  const listing = await inputs.store.list();
  const recorded = new Set([...listing.records.map((r) => r.queue), ...listing.invalid.map((i) => i.queue)]);
  const { unrouted, ambiguous } = queuesWithoutRecord(inputs.holders, recorded);
  const records = listing.records.map((r) => ({ ...r, presentOn: inputs.holders.get(r.queue) ?? [] }));
  const { tableVersion, gateways } = await readGateways(inputs.store, inputs.settleMs);
  const report = {
    zookeeper: inputs.zookeeper, root: inputs.store.paths.root, tableVersion, systems: inputs.systems,
    records, invalidRecords: listing.invalid, unrouted, ambiguous, gateways,
  };
  return { ...report, problems: problemsOf(report) };
}

/** The gateways and the table version; a gateway is behind only if it still is `settleMs` later. */
async function readGateways(store: RoutingStore, settleMs: number): Promise<{ tableVersion: number; gateways: GatewayRow[] }> {
  const read = async (): Promise<{ tableVersion: number; gateways: GatewayRow[] }> => {
    const tableVersion = await store.tableVersion();
    const gateways = (await store.gateways()).map((g) => ({ ...g, behind: !g.loaded || g.appliedVersion < tableVersion }));
    return { tableVersion, gateways };
  };
  const first = await read();
  if (settleMs === 0 || !first.gateways.some((g) => g.behind)) return first;
  await sleep(settleMs);
  const second = await read();
  const behindBefore = new Set(first.gateways.filter((g) => g.behind).map((g) => g.gatewayId));
  return { ...second, gateways: second.gateways.map((g) => ({ ...g, behind: g.behind && behindBefore.has(g.gatewayId) })) };
}

function problemsOf(r: Omit<StatusReport, 'problems'>): StatusProblem[] {
  const problems: StatusProblem[] = [];
  for (const i of r.invalidRecords) problems.push({ code: 'UNREADABLE_RECORD', message: `${i.queue}: ${i.error}; gateways keep the route they had, or refuse the queue` });
  for (const rec of r.records) {
    if (!isServedMode(rec.mode)) problems.push({ code: 'UNREADABLE_RECORD', message: `${rec.queue}: mode ${rec.mode} is not served by this version; gateways keep the route they had, or refuse the queue` });
    const unknown = unknownSystems(rec, r.systems);
    if (unknown.length > 0) problems.push({ code: 'UNKNOWN_SYSTEM', message: `${rec.queue}: its record names ${unknown.join(', ')}, not a system of this config (${r.systems.join(', ')})` });
  }
  for (const a of r.ambiguous) problems.push({ code: 'AMBIGUOUS_QUEUE', message: `${a.queue} exists on ${a.systems.join(', ')} and has no record: gateways refuse it (pinlater-ops route ${a.queue} --to <system> after emptying the other side)` });
  for (const g of r.gateways.filter((x) => x.behind)) {
    const state = g.loaded ? `applied version ${g.appliedVersion}` : 'has not read the table yet';
    problems.push({ code: 'GATEWAY_BEHIND', message: `gateway ${g.gatewayId} (${g.host}, pid ${g.pid}) ${state}, table version ${r.tableVersion} (runbooks/routing-gateway-behind.md)` });
  }
  return problems;
}

/** The systems a record names that the config does not have (its legacy cluster; Pacer for mode pacer). */
function unknownSystems(record: RoutingRecord, systems: readonly string[]): string[] {
  const named = [...(record.legacyCluster === null ? [] : [record.legacyCluster]), ...(record.mode === 'legacy' ? [] : [PACER_SYSTEM])];
  return named.filter((s) => !systems.includes(s));
}
