/**
 * `pinlater-ops queue status <queue> [--priority-levels N] [--gateway host:port] [--json]`: the
 * queue's job counts per state and priority through the gateway (queue-job-counts.ts) and, when a
 * routing config is given (--config, else $PINLATER_ROUTING_CONFIG), its route: the routing record
 * (mode, system, legacy cluster, version). Reads only.
 *
 * `queueStatusCommand` is the `status` subcommand of the `queue` group (queue-command.ts).
 */
import { Command } from 'commander';
import type { Endpoint } from '../../../core/src/config/endpoint';
import { RoutingRecordError, type RoutingRecord } from '../routing/routing-record';
import { loadOpsConfig, ROUTING_CONFIG_VARIABLE } from './cli-config';
import type { CliContext, GlobalOptions } from './cli-context';
import { commandLogger, globalOptions } from './command-context';
import { exitCodesHelp } from './exit-codes';
import { connectGateway, describeEndpoint, gatewayOf, withGatewayOption } from './gateway-client';
import { GATEWAY_HELP, JOBS_ERROR_MEANING } from './jobs-help';
import { limitParser, MAX_PRIORITY, requireQueueName } from './job-options';
import { field, formatTable, toJson } from './output-format';
import { countQueueJobs, type PriorityCounts } from './queue-job-counts';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { connectRouting } from './routing-connection';

interface QueueStatusOptions {
  readonly priorityLevels: number;
  readonly gateway?: Endpoint;
  readonly json?: boolean;
}

/** The queue's route as its routing record says; null fields when no config was given. */
interface RouteView {
  readonly configured: boolean;
  readonly record: RoutingRecord | null;
  readonly system: string | null;
  /** The record exists but does not parse (gateways keep the queue's previous route). */
  readonly unreadable: string | null;
}

const HELP = `
Counts come from getJobCount: PENDING due now and PENDING in the future apart; IN_PROGRESS,
SUCCEEDED and FAILED include jobs whose run-after is in the future. One row per priority
1..--priority-levels (the gateway's NUM_PRIORITY_LEVELS, 3 as shipped) and one for all of them;
a priority the queue does not have shows its error (legacy MySQL, Pacer) or zeros (legacy Redis).
Legacy MySQL counts stop at 100000 per shard and priority (MYSQL_COUNT_LIMIT).
${GATEWAY_HELP}
With a routing config (--config, else $${ROUTING_CONFIG_VARIABLE}) it also shows the queue's
routing record: its mode (legacy, pacer, shadow, migrating, finalized), the system serving it and
the legacy cluster; no record means the gateways serve the queue from the one system holding it.

${exitCodesHelp([], { ERROR: `${JOBS_ERROR_MEANING}; with a routing config: ZooKeeper unreachable or the config invalid` })}

Examples:
  pinlater-ops queue status my_queue
  pinlater-ops --config config/routing.local.json queue status my_queue --json | jq '.counts[0]'
  pinlater-ops queue status my_queue --gateway 127.0.0.1:9013 --priority-levels 1`;

export function queueStatusCommand(ctx: CliContext): Command {
  return withGatewayOption(new Command('status').description("a queue's job counts per state and priority, and its route"))
    .argument('<queue>', 'the queue')
    .option('--priority-levels <n>', 'count priorities 1..n separately', limitParser(MAX_PRIORITY, 'a PinLater priority is a byte'), 3)
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .addHelpText('after', HELP)
    .action(async (queue: string, options: QueueStatusOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runQueueStatus(ctx, command, requireQueueName(queue), options);
    });
}

async function runQueueStatus(ctx: CliContext, command: Command, queue: string, options: QueueStatusOptions): Promise<number> {
  const globals = globalOptions(command);
  const route = await readRoute(ctx, globals, queue);
  const endpoint = gatewayOf(options.gateway);
  const gateway = await connectGateway(ctx, endpoint);
  await gateway.requireQueue(queue);
  const counts = await countQueueJobs(gateway, queue, options.priorityLevels);
  const doc = { gateway: describeEndpoint(endpoint), queue, counts, route: routeJson(route), exitCode: 0 };
  ctx.io.stdout.write(options.json === true ? toJson(doc) : `${formatQueueStatus(queue, doc.gateway, counts, route)}\n`);
  return 0;
}

/** The routing record, when a routing config is given; nothing is read otherwise. */
async function readRoute(ctx: CliContext, globals: GlobalOptions, queue: string): Promise<RouteView> {
  if (globals.config === undefined && ctx.environment.routingConfigFile === undefined) return { configured: false, record: null, system: null, unreadable: null };
  const config = loadOpsConfig(globals.config, ctx.environment);
  const { store } = await connectRouting(ctx, globals, config.table, { logger: commandLogger(globals) });
  try {
    const record = (await store.read(queue)) ?? null;
    return { configured: true, record, system: record === null ? null : servingSystem(record), unreadable: null };
  } catch (e) {
    if (e instanceof RoutingRecordError) return { configured: true, record: null, system: null, unreadable: e.message };
    throw e;
  }
}

/** Who answers the queue's calls: the legacy cluster (legacy; shadow: the primary), Pacer, or both while migrating. */
export function servingSystem(record: Pick<RoutingRecord, 'mode' | 'legacyCluster'>): string {
  const legacy = record.legacyCluster ?? '?';
  switch (record.mode) {
    case 'legacy':
    case 'shadow':
      return legacy;
    case 'migrating':
      return `${legacy} and ${PACER_SYSTEM}`;
    case 'pacer':
    case 'finalized':
      return PACER_SYSTEM;
  }
}

function routeJson(route: RouteView): Record<string, unknown> | null {
  if (!route.configured) return null;
  const r = route.record;
  return {
    record: r !== null,
    mode: r?.mode ?? null, system: route.system, legacyCluster: r?.legacyCluster ?? null, direction: r?.direction ?? null,
    version: r?.version ?? null, changedAt: r?.changedAt ?? null, changedBy: r?.changedBy ?? null, unreadable: route.unreadable,
  };
}

function formatQueueStatus(queue: string, gateway: string, rows: readonly PriorityCounts[], route: RouteView): string {
  const table = formatTable(
    ['PRIORITY', 'PENDING', 'PENDING (FUTURE)', 'IN PROGRESS', 'SUCCEEDED', 'FAILED'],
    rows.map((r) => [r.priority === null ? 'all' : String(r.priority), ...(r.counts === null ? ['-', '-', '-', '-', '-'] : [r.counts.pending, r.counts.pendingFuture, r.counts.inProgress, r.counts.succeeded, r.counts.failed].map(String))]),
  );
  const errors = rows.filter((r) => r.error !== null).map((r) => `  priority ${r.priority ?? 'all'}: ${r.error ?? ''}`);
  return [`Queue ${queue} (gateway ${gateway}):`, describeRoute(route), 'Jobs:', table, ...(errors.length === 0 ? [] : ['Not counted:', ...errors])].filter((l) => l !== '').join('\n');
}

function describeRoute(route: RouteView): string {
  if (!route.configured) return '';
  if (route.unreadable !== null) return `Route: the routing record does not parse (${field(route.unreadable, 200)}); gateways keep the previous route`;
  const r = route.record;
  if (r === null) return 'Route: no routing record (the gateways serve the queue from the one system holding it)';
  const direction = r.direction === undefined ? '' : ` (${r.direction})`;
  const legacy = r.legacyCluster === null ? '' : `, legacy cluster ${field(r.legacyCluster)}`;
  return `Route: mode ${r.mode}${direction}, system ${route.system ?? '?'}${legacy} (record version ${r.version}, changed ${field(r.changedAt)} by ${field(r.changedBy)})`;
}
