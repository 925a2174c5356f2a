/**
 * `pinlater-ops rollback <queue> [--rate N] [--yes] [--wait] [--json] [--by] [--reason]`: moves a
 * queue back to its legacy cluster, from migrating(to-pacer) (the copier is moving it) or `pacer`
 * (its migration complete). Order: preconditions → count what is on Pacer → confirm → create the
 * queue on the legacy cluster if it is not there → a new migration row in direction to-legacy
 * replacing the running or complete one (`MigrationStates.start` with `replacing`) → the record →
 * migrating(to-legacy) by compare-and-set. The copier moves Pacer's jobs back and routes the
 * queue to `legacy` when Pacer's side is drained (the row becomes `rolled-back`). Refused for a
 * finalized queue (its legacy side may be gone) and for a queue born on Pacer (no legacy cluster).
 * When the record write fails, the new row is paused (the record still says where traffic goes).
 */
import { Command } from 'commander';
import { DEFAULT_RATE_PER_S } from '../../../core/src/migration/migration-rate';
import type { MigrationRow } from '../../../core/src/migration/migration-state';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { RoutingConflictError } from '../routing/routing-errors';
import type { RoutingRecord } from '../routing/routing-record';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import { describeCensus, type QueueCensus } from './job-census';
import { censusOf, describeRecord, openMigrationContext, readQueueState, requireQueueName, type MigrationContext, type QueueMigrationState } from './migration-context';
import { newMigrationId } from './migration-id';
import { etaSeconds, formatCount, formatDuration } from './migration-progress';
import { finalLine, waitForMigration } from './migration-wait';
import { parseRate } from './option-parsers';
import { field, toJson } from './output-format';
import { operatorName, withWriteOptions, type WriteOptions } from './write-options';

interface RollbackOptions extends WriteOptions {
  readonly rate?: number;
  readonly wait?: boolean;
}

const HELP = `
From migrating (to-pacer) or pacer (its migration complete): a new migration in direction
to-legacy replaces the queue's migration, and the record becomes migrating (to-legacy); the copier
moves Pacer's jobs back to the legacy cluster and routes the queue there when Pacer's side is
drained. Refused for finalized queues and for queues born on Pacer (no legacy cluster). The rate
is the running migration's unless --rate is given. Needs the routing operator credential
(PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL).
--wait follows the rollback until it is done (rolled-back). Ctrl-C stops only the waiting.

${exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'CONFLICT', 'PERMISSION_DENIED'])}

Examples:
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential pinlater-ops rollback my_queue --wait
  … pinlater-ops rollback my_queue --yes --json --by alice --reason "Pacer latency"`;

export function rollbackCommand(ctx: CliContext): Command {
  return withWriteOptions(new Command('rollback').description('move a migrating or migrated queue back to its legacy cluster (the copier moves the jobs)'))
    .argument('<queue>', 'the queue')
    .option('--rate <jobs/s>', "copy rate limit (default: the running migration's)", parseRate)
    .option('--wait', 'follow the rollback until it is done (Ctrl-C stops only the waiting)')
    .addHelpText('after', HELP)
    .action(async (queue: string, options: RollbackOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runRollback(ctx, command, queue, options);
    });
}

interface RollbackPlan {
  readonly state: QueueMigrationState;
  readonly record: RoutingRecord;
  readonly legacyCluster: string;
  readonly replacing: string | undefined;
  readonly rate: number;
  readonly census: QueueCensus;
  readonly createOnLegacy: boolean;
}

async function runRollback(ctx: CliContext, command: Command, queue: string, options: RollbackOptions): Promise<number> {
  requireQueueName(queue);
  const m = await openMigrationContext(ctx, command, { write: true });
  const state = await readQueueState(m, m.states, queue);
  if (state.record?.mode === 'migrating' && state.record.direction === 'to-legacy') {
    const doc = { queue, record: state.record, row: state.row ?? null, written: false };
    ctx.io.stdout.write(options.json === true ? toJson(doc) : `Queue ${queue} is rolling back already (${describeRecord(state.record)}${state.row === undefined ? '' : `, migration ${state.row.migrationId} ${state.row.status}`}): nothing to change.\n`);
    return 0;
  }
  const checked = decide(state, m.config.legacyClusters.map((c) => c.name), options.rate);
  const plan: RollbackPlan = { ...checked, census: await censusOf(ctx, m, PACER_SYSTEM, queue) };
  if (options.json !== true) ctx.io.stdout.write(`${formatPlan(plan)}\n`);
  await confirmWrite(ctx, `Roll queue ${queue} back to ${plan.legacyCluster}?`, { yes: options.yes === true, plan: planJson(plan) });
  const done = await ctx.interruption.duringWrite(async () => {
    const written = await execute(m, plan, options);
    if (options.json !== true) ctx.io.stdout.write(`${formatResult(plan, written)}\n`);
    return written;
  });
  const final = options.wait === true
    ? await waitForMigration(ctx, m.states, { queue, migrationId: done.row.migrationId, until: 'rolled-back', planned: plan.census.totals.movable, json: options.json === true, clock: m.clock })
    : undefined;
  if (options.json === true) ctx.io.stdout.write(toJson({ ...planJson(plan), written: true, ...done, ...(final === undefined ? {} : { final }) }));
  else if (final !== undefined) ctx.io.stdout.write(`${finalLine(final)}\n`);
  return 0;
}

/** The preconditions of a rollback; refused (REFUSED) with the reason. */
function decide(state: QueueMigrationState, legacyClusters: readonly string[], rate: number | undefined): Omit<RollbackPlan, 'census'> {
  const { queue, record, row } = state;
  const refuse = (why: string): never => {
    throw new CliFailure('REFUSED', `cannot roll back queue '${queue}': ${why}`);
  };
  if (record === undefined) return refuse(state.unreadable ? 'its record does not parse (pinlater-ops status)' : 'it has no routing record (nothing was migrated)');
  if (record.mode === 'finalized') return refuse('it is finalized: its legacy side is verified empty and may be deleted; move it with a new migration instead');
  if (record.mode === 'legacy') return refuse(`it is on its legacy cluster ${record.legacyCluster ?? '?'} already`);
  const fromMigrating = record.mode === 'migrating' && record.direction === 'to-pacer';
  if (!fromMigrating && record.mode !== 'pacer') return refuse(`its record is ${describeRecord(record)}, which a rollback does not start from`);
  const legacyCluster = record.legacyCluster;
  if (legacyCluster === null) return refuse('it was born on Pacer: it has no legacy cluster to go back to');
  if (!legacyClusters.includes(legacyCluster)) return refuse(`its legacy cluster ${legacyCluster} is not a cluster of this config (${legacyClusters.join(', ') || 'none'})`);
  if (record.mode === 'pacer' && row !== undefined && row.direction === 'to-pacer' && row.status !== 'complete' && row.status !== 'copying') {
    return refuse(`its migration ${row.migrationId} is ${row.status}`);
  }
  const replacing = row !== undefined && (row.status === 'copying' || row.status === 'complete') ? row.migrationId : undefined;
  return {
    state, record, legacyCluster, replacing, rate: rate ?? row?.rateLimitPerS ?? DEFAULT_RATE_PER_S,
    createOnLegacy: !state.holders.includes(legacyCluster),
  };
}

interface RolledBack {
  readonly row: MigrationRow;
  readonly replaced: string | null;
  readonly record: RoutingRecord;
  readonly tableVersion: number;
}

async function execute(m: MigrationContext, p: RollbackPlan, options: RollbackOptions): Promise<RolledBack> {
  const { queue } = p.state;
  if (p.createOnLegacy) await m.systems.get(p.legacyCluster).createQueue(queue);
  const migrationId = newMigrationId(queue, m.clock.nowMs());
  const row = await m.states.start({
    queue, migrationId, direction: 'to-legacy', legacyCluster: p.legacyCluster, rateLimitPerS: p.rate,
    ...(p.replacing === undefined ? {} : { replacing: p.replacing }),
  });
  const reason = options.reason ?? `rollback ${migrationId}: pacer -> ${p.legacyCluster}${p.replacing === undefined ? '' : ` (replaces ${p.replacing})`}`;
  try {
    const written = await m.store.write(queue, { mode: 'migrating', direction: 'to-legacy', legacyCluster: p.legacyCluster, changedBy: operatorName(options.by), reason }, p.record.version);
    return { row, replaced: p.replacing ?? null, record: written.record, tableVersion: written.tableVersion };
  } catch (e) {
    await m.states.setPaused(queue, true).catch(() => undefined);
    if (!(e instanceof RoutingConflictError)) throw e;
    throw new CliFailure('CONFLICT', `${e.message}; rollback row ${migrationId} was written and is now paused, the record is unchanged: check pinlater-ops migrate status ${queue}, then resume it or roll back again`);
  }
}

function planJson(p: RollbackPlan): Record<string, unknown> {
  return {
    queue: p.state.queue, record: p.record, presentOn: p.state.holders, legacyCluster: p.legacyCluster, replacing: p.replacing ?? null,
    row: p.state.row ?? null, createOnLegacy: p.createOnLegacy, counts: p.census, planned: p.census.totals.movable, ratePerS: p.rate,
    estimatedSeconds: etaSeconds(p.census.totals.movable, p.rate) ?? null,
  };
}

function formatPlan(p: RollbackPlan): string {
  return [
    `Roll queue ${field(p.state.queue)} back to ${p.legacyCluster}:`,
    `  now:      ${describeRecord(p.record)}, record version ${p.record.version}${p.state.row === undefined ? '' : `; migration ${p.state.row.migrationId} ${p.state.row.status}`}`,
    `  moves:    ${describeCensus(p.census)} (from pacer; IN_PROGRESS jobs move after their worker acks them or they time out)`,
    `  rate:     ${formatCount(p.rate)} jobs/s, about ${formatDuration(etaSeconds(p.census.totals.movable, p.rate))}`,
    ...(p.createOnLegacy ? [`  creates:  the queue on ${p.legacyCluster} (it is not there)`] : []),
    `  writes:   a migration row to-legacy${p.replacing === undefined ? '' : ` replacing ${p.replacing}`}, then the record migrating (to-legacy), compare-and-set on version ${p.record.version}`,
  ].join('\n');
}

function formatResult(p: RollbackPlan, r: RolledBack): string {
  return [
    `Started rollback ${r.row.migrationId}: queue ${field(p.state.queue)} is migrating back to ${p.legacyCluster} (record version ${r.record.version}, table version ${r.tableVersion}).`,
    `The copier moves Pacer's jobs back and routes the queue to ${p.legacyCluster} when Pacer's side is drained: pinlater-ops migrate status ${p.state.queue}.`,
  ].join('\n');
}
