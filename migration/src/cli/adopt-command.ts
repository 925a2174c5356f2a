/**
 * `pinlater-ops adopt [--yes] [--json] [--by <name>] [--reason <text>]`: gives every queue that
 * exists on exactly one legacy cluster and has no routing record a `legacy` record naming that
 * cluster, so the gateways route it by record instead of by discovery. Ambiguous queues (on
 * several systems) are listed and left alone; queues on Pacer only are listed (a route to pacer
 * records them). Idempotent: a second run finds nothing to adopt. Each record is its own
 * compare-and-set write (expected: no record); a queue recorded meanwhile (a gateway created it,
 * another operator) is skipped and said so.
 */
import { Command } from 'commander';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { RoutingConflictError } from '../routing/routing-errors';
import type { RoutingStore } from '../routing/routing-store';
import { loadOpsConfig, operatorCredential } from './cli-config';
import type { CliContext } from './cli-context';
import { commandLogger, globalOptions } from './command-context';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import { field, formatTable, section, toJson } from './output-format';
import { discoverQueues, queuesWithoutRecord, type AmbiguousQueue } from './queue-discovery';
import { connectRouting } from './routing-connection';
import { openSystems } from './system-backends';
import { operatorName, withWriteOptions, type WriteOptions } from './write-options';

interface AdoptPlan {
  readonly adopt: ReadonlyArray<{ readonly queue: string; readonly legacyCluster: string }>;
  readonly ambiguous: readonly AmbiguousQueue[];
  readonly pacerOnly: readonly string[];
}

interface AdoptResult {
  readonly adopted: Array<{ queue: string; legacyCluster: string; version: number; tableVersion: number }>;
  readonly skipped: Array<{ queue: string; reason: string }>;
  interrupted: boolean;
}

const HELP = `
Writes records only for queues without one; never changes an existing record. Needs the routing
operator credential (PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL).

${exitCodesHelp(['NOT_CONFIRMED', 'PERMISSION_DENIED'])}

Examples:
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential pinlater-ops --config config/routing.local.json adopt
  … pinlater-ops adopt --yes --json --by alice --reason "routing gateway rollout"`;

export function adoptCommand(ctx: CliContext): Command {
  return withWriteOptions(new Command('adopt').description('write a legacy record for every queue found on exactly one legacy cluster without a record'))
    .addHelpText('after', HELP)
    .action(async (options: WriteOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runAdopt(ctx, command, options);
    });
}

async function runAdopt(ctx: CliContext, command: Command, options: WriteOptions): Promise<number> {
  const globals = globalOptions(command);
  const logger = commandLogger(globals);
  const config = loadOpsConfig(globals.config, ctx.environment);
  const credential = operatorCredential(ctx.environment);
  const { store } = await connectRouting(ctx, globals, config.table, { credential, logger });
  const systems = await openSystems(config, ctx.resources, logger);
  const [listing, holders] = await Promise.all([store.list(), discoverQueues(systems)]);
  const recorded = new Set([...listing.records.map((r) => r.queue), ...listing.invalid.map((i) => i.queue)]);
  const plan = planOf(queuesWithoutRecord(holders, recorded));
  if (plan.adopt.length > 0) {
    if (options.json !== true) ctx.io.stdout.write(`${formatPlan(plan)}\n`);
    await confirmWrite(ctx, `Write ${plan.adopt.length} routing record(s)?`, { yes: options.yes === true, plan: { ...plan } });
  }
  // The result is printed inside the write section: a stop request ends the command right after it.
  await ctx.interruption.duringWrite(async () => {
    const result = await adoptAll(ctx, store, plan, options);
    ctx.io.stdout.write(options.json === true ? toJson({ ...plan, ...result, tableVersion: await store.tableVersion() }) : `${formatResult(plan, result)}\n`);
  });
  return 0;
}

function planOf(found: ReturnType<typeof queuesWithoutRecord>): AdoptPlan {
  return {
    adopt: found.unrouted.filter((u) => u.system !== PACER_SYSTEM).map((u) => ({ queue: u.queue, legacyCluster: u.system })),
    ambiguous: found.ambiguous,
    pacerOnly: found.unrouted.filter((u) => u.system === PACER_SYSTEM).map((u) => u.queue),
  };
}

/** One write per queue, in order; stops between queues when a stop request arrived. */
async function adoptAll(ctx: CliContext, store: RoutingStore, plan: AdoptPlan, options: WriteOptions): Promise<AdoptResult> {
  const result: AdoptResult = { adopted: [], skipped: [], interrupted: false };
  const changedBy = operatorName(options.by);
  for (const { queue, legacyCluster } of plan.adopt) {
    if (ctx.interruption.stopRequested()) {
      result.interrupted = true;
      result.skipped.push({ queue, reason: 'interrupted before its write' });
      continue;
    }
    const reason = options.reason ?? `adopted: found on legacy cluster ${legacyCluster} only`;
    try {
      const written = await store.write(queue, { mode: 'legacy', legacyCluster, changedBy, reason }, 0);
      result.adopted.push({ queue, legacyCluster, version: written.record.version, tableVersion: written.tableVersion });
    } catch (e) {
      if (!(e instanceof RoutingConflictError)) throw e;
      result.skipped.push({ queue, reason: 'has a record now (written meanwhile by a gateway or another operator)' });
    }
  }
  return result;
}

function formatPlan(plan: AdoptPlan): string {
  return [
    section('Queues to adopt (a legacy record naming the cluster that holds each)', plan.adopt.length,
      () => formatTable(['QUEUE', 'LEGACY CLUSTER'], plan.adopt.map((a) => [field(a.queue), a.legacyCluster]))),
    ...notAdopted(plan),
  ].join('\n');
}

function notAdopted(plan: AdoptPlan): string[] {
  const lines: string[] = [];
  if (plan.ambiguous.length > 0) {
    lines.push(section('Ambiguous queues, not adopted (on several systems; gateways refuse them until a route decides)', plan.ambiguous.length,
      () => formatTable(['QUEUE', 'ON'], plan.ambiguous.map((a) => [field(a.queue), a.systems.join(', ')]))));
  }
  if (plan.pacerOnly.length > 0) {
    lines.push(section('On Pacer only, not adopted (served from Pacer; `pinlater-ops route <queue> --to pacer` records one)', plan.pacerOnly.length,
      () => plan.pacerOnly.map((q) => `  ${field(q)}`).join('\n')));
  }
  return lines;
}

function formatResult(plan: AdoptPlan, result: AdoptResult): string {
  const lines: string[] = [];
  if (plan.adopt.length === 0) lines.push('Nothing to adopt: every queue on exactly one legacy cluster has a record.', ...notAdopted(plan));
  else lines.push(`Adopted ${result.adopted.length} of ${plan.adopt.length} queue(s).`);
  for (const s of result.skipped) lines.push(`  skipped ${field(s.queue)}: ${s.reason}`);
  if (result.interrupted) lines.push('Interrupted: the queues above marked "interrupted" were not adopted; run adopt again.');
  return lines.join('\n');
}
