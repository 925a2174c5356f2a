/**
 * `pinlater-ops setup [--yes] [--json]`: creates the routing table's tree at the config's root
 * with its ACLs (routing-tree-setup.ts), as the routing operator; idempotent (what exists is kept,
 * ACLs that differ are reset; the connect string's chroot is created when missing). Rotating the credential: run it with the new credential in
 * PINLATER_ROUTING_CREDENTIAL_FILE and the old one in PINLATER_ROUTING_PREVIOUS_CREDENTIAL_FILE.
 */
import { Command } from 'commander';
import { RoutingPaths } from '../routing/routing-paths';
import { setupRoutingTree } from '../routing/routing-tree-setup';
import { loadOpsConfig, operatorCredential, previousCredentials, PREVIOUS_CREDENTIAL_FILE_VARIABLE } from './cli-config';
import type { CliContext } from './cli-context';
import { commandLogger, globalOptions } from './command-context';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import { toJson } from './output-format';
import { connectRouting, ensureChroot } from './routing-connection';
import { withWriteOptions, type WriteOptions } from './write-options';

const HELP = `
Needs the routing operator credential (PINLATER_ROUTING_CREDENTIAL_FILE or
PINLATER_ROUTING_CREDENTIAL); to rotate it, also ${PREVIOUS_CREDENTIAL_FILE_VARIABLE} (the old one).

${exitCodesHelp(['NOT_CONFIRMED', 'PERMISSION_DENIED'])}

Example:
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential pinlater-ops --config config/routing.local.json setup --yes`;

export function setupCommand(ctx: CliContext): Command {
  return withWriteOptions(new Command('setup').description('create the routing table in ZooKeeper with its ACLs, or reset them (idempotent)'), false)
    .addHelpText('after', HELP)
    .action(async (options: WriteOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runSetup(ctx, command, options);
    });
}

async function runSetup(ctx: CliContext, command: Command, options: WriteOptions): Promise<number> {
  const globals = globalOptions(command);
  const config = loadOpsConfig(globals.config, ctx.environment);
  const credential = operatorCredential(ctx.environment);
  const previous = previousCredentials(ctx.environment);
  const plan = { zookeeper: config.table.zookeeper, root: config.table.root, operator: credential.user, rotatingFrom: previous.map((p) => p.user) };
  if (options.json !== true) ctx.io.stdout.write(`Set up the routing table ${plan.root} on ${plan.zookeeper} for operator ${plan.operator}${previous.length > 0 ? ` (rotating from ${plan.rotatingFrom.join(', ')})` : ''}.\n`);
  await confirmWrite(ctx, 'Create what is missing and reset the ACLs?', { yes: options.yes === true, plan });
  await ensureChroot(config.table.zookeeper, globals);
  const { zk } = await connectRouting(ctx, globals, config.table, { logger: commandLogger(globals), requireTree: false });
  const result = await ctx.interruption.duringWrite(() => setupRoutingTree(zk, credential, { paths: new RoutingPaths(config.table.root), previous }));
  if (options.json === true) {
    ctx.io.stdout.write(toJson({ ...plan, ...result }));
  } else {
    ctx.io.stdout.write(`Created: ${result.created.join(', ') || 'nothing (it existed)'}\nACLs reset: ${result.aclReset.join(', ') || 'none'}\n`);
    if (result.foreignAcl.length > 0) ctx.io.stdout.write(`warning: records with a foreign ACL (delete and recreate them): ${result.foreignAcl.join(', ')}\n`);
  }
  return 0;
}
