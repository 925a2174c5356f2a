/**
 * `pinlater-ops shadow status [<queue>] [--json]`: the queues in shadow mode and the shadow queues
 * in Pacer (issue 13), paired: `shadowing` (record shadow, shadow queue there), `shadow queue
 * missing` (record shadow, no shadow queue: the gateways' copies fail and are counted as dropped;
 * `shadow start` creates it again), `left over` (a shadow queue of a queue no longer in shadow
 * mode: `shadow stop` removes it). With a queue, its shadow copies are counted exactly
 * (job-census.ts). Also the live gateways behind the table version (they may still serve an older
 * mode). Reads only; exit PROBLEMS when a shadow queue is missing or left over. The comparison
 * itself (match rates, mismatches) is on the gateways' dashboard and metrics.
 */
import { Command } from 'commander';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { SHADOW_QUEUE_PREFIX, isShadowQueueName, shadowQueueName } from '../../../core/src/shadow/shadow-queue-name';
import type { RoutingRecord } from '../routing/routing-record';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { EXIT_CODES, exitCodesHelp } from './exit-codes';
import { describeBehind, gatewaysBehind } from './gateway-wait';
import { describeCensus, type QueueCensus } from './job-census';
import { censusOf, openSystemsContext, requireQueueName, type SystemsContext } from './migration-context';
import { field, formatTable, section, toJson } from './output-format';

type ShadowState = 'shadowing' | 'shadow queue missing' | 'left over';

interface ShadowRow {
  readonly queue: string;
  readonly state: ShadowState;
  readonly record: RoutingRecord | null;
  readonly shadowQueue: string;
  readonly shadowQueueExists: boolean;
  /** Exact counts of the shadow copies (only when one queue is asked for). */
  readonly copies: QueueCensus | null;
}

const HELP = `
${exitCodesHelp(['PROBLEMS', 'REFUSED'])}

Examples:
  pinlater-ops shadow status
  pinlater-ops shadow status my_queue --json`;

export function shadowStatusCommand(ctx: CliContext): Command {
  return new Command('status')
    .description('show the queues in shadow mode and their shadow queues in Pacer (of one queue, with its shadow copies counted)')
    .argument('[queue]', 'only this queue (its shadow copies are counted)')
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .addHelpText('after', HELP)
    .action(async (queue: string | undefined, options: { json?: boolean }, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runShadowStatus(ctx, command, queue, options.json === true);
    });
}

async function runShadowStatus(ctx: CliContext, command: Command, queue: string | undefined, json: boolean): Promise<number> {
  if (queue !== undefined) requireQueueName(queue);
  const m = await openSystemsContext(ctx, command, { write: false });
  if (m.config.pacer === undefined) throw new CliFailure('REFUSED', 'the routing config has no Pacer: no queue can be in shadow mode');
  const [listing, pacerQueues, gateways] = await Promise.all([m.store.list(), m.systems.get(PACER_SYSTEM).getQueueNames(), m.store.gateways()]);
  const shadowQueues = new Set([...pacerQueues].filter(isShadowQueueName).map((q) => q.slice(SHADOW_QUEUE_PREFIX.length)));
  const records = new Map(listing.records.map((r) => [r.queue, r]));
  const names = queue !== undefined ? [queue] : [...new Set([...listing.records.filter((r) => r.mode === 'shadow').map((r) => r.queue), ...shadowQueues])].sort();
  const rows = (await Promise.all(names.map((q) => rowOf(ctx, m, q, records.get(q), shadowQueues.has(q), queue !== undefined)))).filter((r): r is ShadowRow => r !== undefined);
  const behind = gatewaysBehind(gateways, listing.tableVersion);
  const problems = rows.filter((r) => r.state !== 'shadowing').length;
  const exitCode = problems > 0 ? EXIT_CODES.PROBLEMS : EXIT_CODES.OK;
  ctx.io.stdout.write(json
    ? toJson({ tableVersion: listing.tableVersion, queues: rows, gatewaysBehind: behind.map((g) => ({ gatewayId: g.gatewayId, appliedVersion: g.appliedVersion, loaded: g.loaded })), exitCode })
    : `${formatStatus(queue, rows, listing.tableVersion, describeBehind(behind))}\n`);
  return exitCode;
}

async function rowOf(ctx: CliContext, m: SystemsContext, queue: string, record: RoutingRecord | undefined, exists: boolean, count: boolean): Promise<ShadowRow | undefined> {
  const shadowing = record?.mode === 'shadow';
  if (!shadowing && !exists) return undefined;
  const state: ShadowState = shadowing ? (exists ? 'shadowing' : 'shadow queue missing') : 'left over';
  const copies = count && exists ? await censusOf(ctx, m, PACER_SYSTEM, shadowQueueName(queue)) : null;
  return { queue, state, record: record ?? null, shadowQueue: shadowQueueName(queue), shadowQueueExists: exists, copies };
}

function formatStatus(queue: string | undefined, rows: readonly ShadowRow[], tableVersion: number, behind: string): string {
  const title = queue === undefined ? 'Queues in shadow mode, and shadow queues in Pacer' : `Shadow mode of queue ${field(queue)}`;
  const lines = [
    `Routing table version ${tableVersion}.`,
    section(title, rows.length, () => formatTable(
      ['QUEUE', 'STATE', 'RECORD', 'LEGACY CLUSTER', 'SHADOW QUEUE'],
      rows.map((r) => [field(r.queue), r.state, r.record === null ? '-' : `${r.record.mode} v${r.record.version}`, field(r.record?.legacyCluster), r.shadowQueueExists ? r.shadowQueue : '(missing)']),
    )),
    ...rows.filter((r) => r.copies !== null).map((r) => `  shadow copies of ${field(r.queue)}: ${describeCensus(r.copies as QueueCensus)}`),
    ...rows.filter((r) => r.state === 'left over').map((r) => `  ${field(r.queue)}: not in shadow mode; remove its shadow queue with pinlater-ops shadow stop ${r.queue}`),
    ...rows.filter((r) => r.state === 'shadow queue missing').map((r) => `  ${field(r.queue)}: its shadow copies have nowhere to go; create the queue again with pinlater-ops shadow start ${r.queue}`),
    ...(behind === '' ? [] : [`  gateway(s) behind table version ${tableVersion}: ${behind} (they may still serve an older mode)`]),
  ];
  return lines.join('\n');
}
