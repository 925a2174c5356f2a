/**
 * `pinlater-ops status [--json] [--settle-ms <ms>]`: the routing table against the systems and the
 * live gateways (status-report.ts). Reads only: no credential needed.
 */
import { Command } from 'commander';
import { commandLogger, globalOptions } from './command-context';
import { loadOpsConfig } from './cli-config';
import type { CliContext } from './cli-context';
import { EXIT_CODES, exitCodesHelp } from './exit-codes';
import { parseNonNegative } from './option-parsers';
import { toJson } from './output-format';
import { discoverQueues } from './queue-discovery';
import { connectRouting } from './routing-connection';
import { readStatus } from './status-report';
import { formatStatus } from './status-text';
import { configuredSystemNames, openSystems } from './system-backends';

interface StatusOptions {
  readonly json?: boolean;
  readonly settleMs: number;
}

const HELP = `
Shows every queue with a routing record (mode, legacy cluster, record version, changed at/by,
reason, and where the queue exists), records that do not parse, queues on the legacy clusters or
Pacer without a record (unrouted: the one system holding it; ambiguous: on several systems, the
gateways refuse them), and every live gateway (presence: id, host, pid, started, applied table
version) and whether it is behind the table version. A gateway behind is read again after
--settle-ms before it is reported (gateways apply a change within about 1 s).

${exitCodesHelp(['PROBLEMS'])}

Examples:
  pinlater-ops --config config/routing.local.json status
  PINLATER_ROUTING_CONFIG=config/routing.local.json pinlater-ops status --json | jq '.problems'`;

export function statusCommand(ctx: CliContext): Command {
  return new Command('status')
    .description('show the routing table: records, unrouted and ambiguous queues, gateways and whether they are behind')
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .option('--settle-ms <ms>', 'read a gateway that is behind again after this long before reporting it', parseNonNegative, 2000)
    .addHelpText('after', HELP)
    .action(async (options: StatusOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runStatus(ctx, command, options);
    });
}

async function runStatus(ctx: CliContext, command: Command, options: StatusOptions): Promise<number> {
  const globals = globalOptions(command);
  const logger = commandLogger(globals);
  const config = loadOpsConfig(globals.config, ctx.environment);
  const routing = await connectRouting(ctx, globals, config.table, { logger });
  const systems = await openSystems(config, ctx.resources, logger);
  const holders = await discoverQueues(systems);
  const report = await readStatus({ store: routing.store, zookeeper: config.table.zookeeper, systems: configuredSystemNames(config), holders, settleMs: options.settleMs });
  const exitCode = report.problems.length === 0 ? EXIT_CODES.OK : EXIT_CODES.PROBLEMS;
  ctx.io.stdout.write(options.json === true ? toJson({ ...report, exitCode }) : `${formatStatus(report, exitCode)}\n`);
  return exitCode;
}
