/**
 * `pinlater-ops pacer status …`, `pinlater-ops pacer broker-status …` and `pinlater-ops pacer
 * schema-migrate …`: Pacer's own tools (pacer/src/cli/status.ts, pacer/src/cli/broker-status.ts,
 * pacer/src/migrate.ts) as subcommands, with their options, help and exit codes unchanged. They
 * read their own variables (PACER_ZK_CONNECT, PACER_CLUSTER, …; PACER_MIGRATOR_PASSWORD) from the
 * environment snapshot main.ts took, not the routing config. `pinlater-ops pacer settings …`
 * (pacer-settings-command.ts) reads the same PACER_* variables but is a pinlater-ops write command:
 * its confirmation and exit codes are this CLI's.
 *
 * Pacer's entry (lazy-entries.ts) is loaded only when the command line names `pacer`; otherwise
 * the command is declared without its subcommands, which is all the top-level help shows.
 */
import { Command } from 'commander';
import type { BrokerStatusOptions, PacerStatusOptions, SchemaMigrateOptions } from '../../../pacer/index';
import type { CliContext } from './cli-context';
import { pacerEntry } from './lazy-entries';
import { pacerSettingsCommand } from './pacer-settings-command';

const DESCRIPTION = "Pacer's operator tools: cluster status (status), one broker's status (broker-status), the cluster's stored settings (settings), schema migrations (schema-migrate)";

const HELP = `
Each subcommand has its own exit codes (pinlater-ops pacer <command> --help).

Examples:
  pinlater-ops pacer status --zk 127.0.0.1:2181 --cluster pacer
  pinlater-ops pacer broker-status --broker 127.0.0.1:9020
  pinlater-ops pacer settings --zk 127.0.0.1:2181 --cluster pacer
  pinlater-ops pacer settings set --zk 127.0.0.1:2181 --cluster pacer --max-partitions-in-transition 1000
  PACER_MIGRATOR_PASSWORD=… pinlater-ops pacer schema-migrate --database pacer_local --user pacer_migrator`;

export function pacerCommand(ctx: CliContext, withTools: boolean): Command {
  const command = new Command('pacer').description(DESCRIPTION).addHelpText('after', HELP);
  if (!withTools) return command;
  const pacer = pacerEntry();
  const context = (label: string): Parameters<typeof pacer.runPacerStatus>[1] => ({ env: ctx.environment.variables, stdout: ctx.io.stdout, stderr: ctx.io.stderr, label });
  const status = pacer.pacerStatusCommand('status').action(async (options: PacerStatusOptions) => {
    ctx.json = options.json === true;
    ctx.exitCode = await pacer.runPacerStatus(options, context('pinlater-ops pacer status'));
  });
  const schemaMigrate = pacer.schemaMigrateCommand('schema-migrate').action(async (options: SchemaMigrateOptions) => {
    ctx.exitCode = await pacer.runSchemaMigrate(options, context('pinlater-ops pacer schema-migrate'));
  });
  const brokerStatus = pacer.brokerStatusCommand('broker-status').action(async (options: BrokerStatusOptions) => {
    ctx.json = options.json === true;
    ctx.exitCode = await pacer.runBrokerStatus(options, context('pinlater-ops pacer broker-status'));
  });
  return command.addCommand(status).addCommand(brokerStatus).addCommand(pacerSettingsCommand(ctx, pacer)).addCommand(schemaMigrate);
}
