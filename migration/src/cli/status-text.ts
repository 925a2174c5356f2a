/** `pinlater-ops status` for people: one section per part of the report (status-report.ts). */
import { field, formatTable, section } from './output-format';
import type { GatewayRow, RecordRow, StatusReport } from './status-report';

export function formatStatus(r: StatusReport, exitCode: number): string {
  return [
    `Routing table ${r.root} on ${r.zookeeper}: version ${r.tableVersion}`,
    `Systems: ${r.systems.join(', ')}`,
    '',
    section('Queues with a routing record', r.records.length, () => recordsTable(r.records)),
    section('Records that do not parse (gateways keep the route they had, or refuse the queue)', r.invalidRecords.length,
      () => r.invalidRecords.map((i) => `  ${field(i.queue)}: ${field(i.error, 200)}`).join('\n')),
    section('Unrouted queues (no record; gateways serve each from the one system holding it)', r.unrouted.length,
      () => formatTable(['QUEUE', 'ON'], r.unrouted.map((u) => [field(u.queue), u.system]))),
    section('Ambiguous queues (no record, on several systems; gateways refuse them)', r.ambiguous.length,
      () => formatTable(['QUEUE', 'ON'], r.ambiguous.map((a) => [field(a.queue), a.systems.join(', ')]))),
    section('Live gateways', r.gateways.length, () => gatewaysTable(r.gateways, r.tableVersion)),
    '',
    r.problems.length === 0
      ? `All clear (exit ${exitCode}).`
      : `Problems (${r.problems.length}, exit ${exitCode}):\n${r.problems.map((p) => `  - ${p.code}: ${field(p.message, 300)}`).join('\n')}`,
  ].join('\n');
}

function recordsTable(records: readonly RecordRow[]): string {
  return formatTable(
    ['QUEUE', 'MODE', 'LEGACY CLUSTER', 'VERSION', 'CHANGED AT', 'CHANGED BY', 'REASON', 'PRESENT ON'],
    records.map((r) => [field(r.queue), r.direction === undefined ? r.mode : `${r.mode} ${r.direction}`, field(r.legacyCluster), String(r.version), field(r.changedAt), field(r.changedBy, 30), field(r.reason, 40), r.presentOn.join(',') || '-']),
  );
}

function gatewaysTable(gateways: readonly GatewayRow[], tableVersion: number): string {
  return formatTable(
    ['ID', 'HOST', 'PID', 'STARTED', 'APPLIED VERSION', 'STATE'],
    gateways.map((g) => [field(g.gatewayId), field(g.host), String(g.pid), field(g.startedAt), String(g.appliedVersion), gatewayState(g, tableVersion)]),
  );
}

function gatewayState(g: GatewayRow, tableVersion: number): string {
  if (!g.behind) return 'current';
  return g.loaded ? `BEHIND (table version ${tableVersion})` : 'BEHIND (table not read yet)';
}
