/**
 * `pinlater-ops history [<queue>] [--limit N] [--json]`: the routing table's audit history, newest
 * first (routing-history.ts: one entry per operator change, written in the same multi-op as the
 * change). Records a gateway created for a new queue are not in it (their version 1 record is
 * their own entry, `pinlater-ops status`). Reads only: no credential needed.
 */
import { Command } from 'commander';
import { isValidQueueName } from '../../../core/src/types/queue-name';
import type { RoutingHistoryEntry } from '../routing/routing-history';
import type { RoutingRecord } from '../routing/routing-record';
import { loadOpsConfig } from './cli-config';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { commandLogger, globalOptions } from './command-context';
import { exitCodesHelp } from './exit-codes';
import { parsePositive } from './option-parsers';
import { field, formatTable, toJson } from './output-format';
import { connectRouting } from './routing-connection';

interface HistoryOptions {
  readonly limit: number;
  readonly json?: boolean;
}

const DEFAULT_LIMIT = 20;

const HELP = `
${exitCodesHelp([])}

Examples:
  pinlater-ops --config config/routing.local.json history --limit 5
  pinlater-ops history my_queue --json | jq '.entries[0].to'`;

export function historyCommand(ctx: CliContext): Command {
  return new Command('history')
    .description('show the routing audit history, newest first (of one queue, when given)')
    .argument('[queue]', 'only this queue')
    .option('--limit <n>', 'at most this many entries', parsePositive, DEFAULT_LIMIT)
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .addHelpText('after', HELP)
    .action(async (queue: string | undefined, options: HistoryOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runHistory(ctx, command, queue, options);
    });
}

async function runHistory(ctx: CliContext, command: Command, queue: string | undefined, options: HistoryOptions): Promise<number> {
  if (queue !== undefined && !isValidQueueName(queue)) throw new CliFailure('USAGE', `'${field(queue)}' is not a PinLater queue name (1-255 of [A-Za-z0-9_])`);
  const globals = globalOptions(command);
  const config = loadOpsConfig(globals.config, ctx.environment);
  const { store } = await connectRouting(ctx, globals, config.table, { logger: commandLogger(globals) });
  const entries = await store.history({ limit: options.limit, ...(queue === undefined ? {} : { queue }) });
  ctx.io.stdout.write(options.json === true ? toJson({ queue: queue ?? null, limit: options.limit, entries }) : `${formatHistory(entries, queue)}\n`);
  return 0;
}

function formatHistory(entries: readonly RoutingHistoryEntry[], queue: string | undefined): string {
  if (entries.length === 0) return queue === undefined ? 'No routing changes recorded.' : `No routing changes recorded for ${queue}.`;
  return formatTable(
    ['SEQ', 'TABLE VERSION', 'CHANGED AT', 'QUEUE', 'FROM', 'TO', 'BY', 'REASON'],
    entries.map((e) => [String(e.sequence), String(e.tableVersion), field(e.to.changedAt), field(e.queue), describeHistoryRecord(e.from), describeHistoryRecord(e.to), field(e.to.changedBy, 30), field(e.to.reason, 60)]),
  );
}

/** `legacy redis-a v1`, `shadow redis-a v2`, `migrating to-pacer (redis-a) v3`, `pacer (from redis-a) v4`, `finalized (from redis-a) v5`. */
export function describeHistoryRecord(record: RoutingRecord | null): string {
  if (record === null) return '(no record)';
  if (record.mode === 'legacy' || record.mode === 'shadow') return `${record.mode} ${field(record.legacyCluster)} v${record.version}`;
  if (record.mode === 'migrating') return `migrating ${record.direction ?? '?'} (${field(record.legacyCluster)}) v${record.version}`;
  return `${record.mode}${record.legacyCluster === null ? '' : ` (from ${field(record.legacyCluster)})`} v${record.version}`;
}
