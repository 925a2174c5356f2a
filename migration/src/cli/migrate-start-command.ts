/**
 * `pinlater-ops migrate start <queue> [--rate N] [--wait] [--yes] [--dry-run] [--json] [--by]
 * [--reason]`: starts moving a legacy queue's jobs to Pacer. Order: the preconditions
 * (start-preconditions.ts; refused with the reason and its exit code) → count what the copier
 * will move (job-census.ts) → confirm → pin a record-less queue to its cluster (as `route` does)
 * → create the queue on Pacer (idempotent) → the migration row (`MigrationStates.start`, a new
 * migration id, status copying) → the record → migrating(to-pacer) by compare-and-set on the
 * version read. The copier (pinlater-copier) then moves the jobs and flips the record to `pacer`
 * (the row to `complete`) once the legacy side is drained. `--dry-run` shows all that and writes
 * nothing (no credential needed); `--wait` follows the row to `complete` (migration-wait.ts).
 *
 * When the record write fails (another operator changed it), the row is paused so no copier moves
 * jobs of a queue the gateways still route to its legacy cluster alone; a new `migrate start`
 * replaces that row.
 *
 * From shadow mode (issue 13, the mode before migrating): the record goes shadow →
 * migrating(to-pacer) the same way; then, once every live gateway applied that table version (no
 * gateway writes shadow copies any more), the shadow queue is deleted with its copies
 * (shadow-copies.ts, as `shadow stop` does). Shadow copies live in their own queue, so they are
 * never served, not even by a gateway still in shadow mode. Gateways behind after `--gateway-wait`:
 * exit INCOMPLETE, the migration runs, `pinlater-ops shadow stop <queue>` removes the copies later.
 */
import { Command } from 'commander';
import { DEFAULT_RATE_PER_S } from '../../../core/src/migration/migration-rate';
import type { MigrationRow } from '../../../core/src/migration/migration-state';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { shadowQueueName } from '../../../core/src/shadow/shadow-queue-name';
import { RoutingConflictError } from '../routing/routing-errors';
import type { RoutingRecord } from '../routing/routing-record';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import { describeCensus, type QueueCensus } from './job-census';
import { censusOf, describeRecord, openMigrationContext, openSystemsContext, readQueueState, requireQueueName, type MigrationContext, type QueueMigrationState } from './migration-context';
import { newMigrationId } from './migration-id';
import { etaSeconds, formatCount, formatDuration } from './migration-progress';
import { openMigrationStores } from './migration-stores';
import { finalLine, waitForMigration } from './migration-wait';
import { parsePositive, parseRate } from './option-parsers';
import { field, toJson } from './output-format';
import { DEFAULT_GATEWAY_WAIT_S, describeRemoval, removeShadowCopiesOnceApplied, type RemovedShadowCopies } from './shadow-copies';
import { decideStart, type StartDecision } from './start-preconditions';
import { operatorName, withWriteOptions, type WriteOptions } from './write-options';

interface StartOptions extends WriteOptions {
  readonly rate: number;
  readonly gatewayWait: number;
  readonly wait?: boolean;
  readonly dryRun?: boolean;
}

const HELP = `
Preconditions (each refused with the reason): the queue has a legacy or shadow record, or none
and exactly one legacy cluster holds it (then a record pinning it there is written first); that
cluster and Pacer are configured; no migration of the queue is copying or complete. Then: the queue is created
on Pacer, the migration row is written (Pacer's database, status copying, a new migration id
<queue>-<UTC yyyymmddHHMMss>-<4 hex>), and the record becomes migrating (to-pacer) by
compare-and-set. The copier (pinlater-copier) moves the jobs and routes the queue to Pacer when
the legacy side is drained. From shadow mode, once every live gateway applied the change (up to
--gateway-wait seconds), the shadow queue zz_pacer_shadow__<queue> is deleted from Pacer with its
shadow copies; gateways still behind: exit 10, the migration runs, and
\`pinlater-ops shadow stop <queue>\` removes the copies later. Needs the routing operator
credential (PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL), except with --dry-run.
--wait follows the migration until it is complete: a progress line on a terminal, a plain line
every 10 s otherwise. Ctrl-C stops only the waiting, never the migration.

${exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'CONFLICT', 'PERMISSION_DENIED', 'MIGRATION_ACTIVE', 'INCOMPLETE'])}

Examples:
  pinlater-ops plan my_queue                                   # what would move, preconditions
  pinlater-ops migrate start my_queue --dry-run
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential pinlater-ops migrate start my_queue --rate 500 --wait
  … pinlater-ops migrate start my_queue --yes --json --by alice --reason "move to Pacer"`;

export function migrateStartCommand(ctx: CliContext): Command {
  return withWriteOptions(new Command('start').description("start moving a legacy queue's jobs to Pacer (the copier does the moving)"))
    .argument('<queue>', 'the queue')
    .option('--rate <jobs/s>', 'copy rate limit (pinlater-ops migrate rate changes it later)', parseRate, DEFAULT_RATE_PER_S)
    .option('--wait', 'follow the migration until it is complete (Ctrl-C stops only the waiting)')
    .option('--dry-run', 'show what would be done; write nothing')
    .option('--gateway-wait <s>', 'from shadow mode: how long to wait for live gateways to apply the change before removing the shadow copies', parsePositive, DEFAULT_GATEWAY_WAIT_S)
    .addHelpText('after', HELP)
    .action(async (queue: string, options: StartOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runStart(ctx, command, queue, options);
    });
}

interface CheckedStart {
  readonly state: QueueMigrationState;
  readonly decision: StartDecision;
  readonly legacyCluster: string;
  readonly census: QueueCensus;
}

async function runStart(ctx: CliContext, command: Command, queue: string, options: StartOptions): Promise<number> {
  requireQueueName(queue);
  const dryRun = options.dryRun === true;
  if (dryRun) {
    const checked = await check(ctx, await openDryRun(ctx, command), queue);
    ctx.io.stdout.write(options.json === true ? toJson({ ...planJson(checked, options.rate), dryRun: true, written: false }) : `${formatPlan(checked, options.rate)}\nDry run: nothing was written.\n`);
    return 0;
  }
  const m = await openMigrationContext(ctx, command, { write: true });
  const checked = await check(ctx, m, queue);
  const plan = planJson(checked, options.rate);
  if (options.json !== true) ctx.io.stdout.write(`${formatPlan(checked, options.rate)}\n`);
  await confirmWrite(ctx, `Start migrating queue ${queue} to Pacer?`, { yes: options.yes === true, plan });
  const started = await ctx.interruption.duringWrite(async () => {
    const written = await execute(m, checked, options);
    if (options.json !== true) ctx.io.stdout.write(`${formatResult(queue, written)}\n`);
    return written;
  });
  const shadowRemoval = fromShadow(checked) ? await removeShadowCopies(ctx, m, checked, started, options) : null;
  const final = options.wait === true
    ? await waitForMigration(ctx, m.states, { queue, migrationId: started.row.migrationId, until: 'complete', planned: checked.census.totals.movable, json: options.json === true, clock: m.clock })
    : undefined;
  if (options.json === true) ctx.io.stdout.write(toJson({ ...plan, dryRun: false, written: true, ...started, shadowRemoval, ...(final === undefined ? {} : { final }) }));
  else if (final !== undefined) ctx.io.stdout.write(`${finalLine(final)}\n`);
  return 0;
}

/** --dry-run reads only: no credential; a config without Pacer is reported by the preconditions. */
async function openDryRun(ctx: CliContext, command: Command): Promise<MigrationContext | DryRunContext> {
  const base = await openSystemsContext(ctx, command, { write: false });
  if (base.config.pacer === undefined) return { ...base, states: undefined };
  return { ...base, ...openMigrationStores(base.config, ctx.resources, base.logger) };
}

type DryRunContext = Omit<MigrationContext, 'states' | 'ledger'> & { readonly states: undefined };

async function check(ctx: CliContext, m: MigrationContext | DryRunContext, queue: string): Promise<CheckedStart> {
  const state = await readQueueState(m, m.states, queue);
  const decision = decideStart({ ...state, legacyClusters: m.config.legacyClusters.map((c) => c.name), pacerConfigured: m.config.pacer !== undefined });
  if (decision.failed !== undefined || decision.legacyCluster === undefined) {
    const failed = decision.failed;
    throw new CliFailure(failed?.refusal ?? 'REFUSED', `cannot start migrating queue '${queue}': ${failed?.name ?? 'legacy-record'}: ${failed?.detail ?? 'no legacy cluster'}`, { preconditions: decision.checks });
  }
  const census = await censusOf(ctx, m, decision.legacyCluster, queue);
  return { state, decision, legacyCluster: decision.legacyCluster, census };
}

function fromShadow(c: CheckedStart): boolean {
  return c.state.record?.mode === 'shadow';
}

/** After a start from shadow: the shadow copies go once every live gateway serves the migration (INCOMPLETE otherwise). */
async function removeShadowCopies(ctx: CliContext, m: MigrationContext, c: CheckedStart, started: Started, options: StartOptions): Promise<RemovedShadowCopies> {
  const written = { ...planJson(c, options.rate), dryRun: false, written: true, ...started };
  const removal = await removeShadowCopiesOnceApplied(ctx, m, { queue: c.state.queue, tableVersion: started.tableVersion, gatewayWaitS: options.gatewayWait, written });
  if (options.json !== true) ctx.io.stdout.write(`Shadow mode left: ${describeRemoval(removal)}.\n`);
  return removal;
}

interface Started {
  readonly pinned: RoutingRecord | null;
  readonly row: MigrationRow;
  readonly record: RoutingRecord;
  readonly tableVersion: number;
}

async function execute(m: MigrationContext, c: CheckedStart, options: StartOptions): Promise<Started> {
  const { queue } = c.state;
  const changedBy = operatorName(options.by);
  let expected = c.decision.expectedVersion;
  let pinned: RoutingRecord | null = null;
  if (c.decision.pin) {
    pinned = (await m.store.write(queue, { mode: 'legacy', legacyCluster: c.legacyCluster, changedBy, reason: `pinned to ${c.legacyCluster} before migrating to Pacer` }, expected)).record;
    expected = pinned.version;
  }
  await m.systems.get(PACER_SYSTEM).createQueue(queue);
  const migrationId = newMigrationId(queue, m.clock.nowMs());
  const row = await m.states.start({
    queue, migrationId, direction: 'to-pacer', legacyCluster: c.legacyCluster, rateLimitPerS: options.rate,
    ...(c.decision.replacing === undefined ? {} : { replacing: c.decision.replacing }),
  });
  const reason = options.reason ?? `migration ${migrationId}: ${c.legacyCluster} -> pacer`;
  try {
    const written = await m.store.write(queue, { mode: 'migrating', direction: 'to-pacer', legacyCluster: c.legacyCluster, changedBy, reason }, expected);
    return { pinned, row, record: written.record, tableVersion: written.tableVersion };
  } catch (e) {
    await m.states.setPaused(queue, true).catch(() => undefined);
    if (!(e instanceof RoutingConflictError)) throw e;
    throw new CliFailure('CONFLICT', `${e.message}; migration row ${migrationId} was written and is now paused, the record is unchanged: run \`pinlater-ops migrate start ${queue}\` again (it replaces that row)`);
  }
}

function planJson(c: CheckedStart, rate: number): Record<string, unknown> {
  return {
    queue: c.state.queue, record: c.state.record ?? null, presentOn: c.state.holders, legacyCluster: c.legacyCluster,
    pin: c.decision.pin, expectedVersion: c.decision.expectedVersion, replacing: c.decision.replacing ?? null,
    preconditions: c.decision.checks, counts: c.census, planned: c.census.totals.movable, movedLater: c.census.totals.inProgress,
    ratePerS: rate, estimatedSeconds: etaSeconds(c.census.totals.movable, rate) ?? null,
  };
}

function formatPlan(c: CheckedStart, rate: number): string {
  const q = field(c.state.queue);
  const lines = [
    `Migrate queue ${q} to Pacer:`,
    `  now:      ${describeRecord(c.state.record, c.state.unreadable)}`,
    `  moves:    ${describeCensus(c.census)} (from ${c.legacyCluster}; IN_PROGRESS jobs move after their worker acks them or they time out)`,
    `  rate:     ${formatCount(rate)} jobs/s, about ${formatDuration(etaSeconds(c.census.totals.movable, rate))} for ${formatCount(c.census.totals.movable)} job(s)`,
    ...(c.decision.pin ? [`  first:    a record pinning it to ${c.legacyCluster} (it has none)`] : []),
    ...(fromShadow(c) ? [`  shadow:   leaves shadow mode; its shadow queue ${shadowQueueName(c.state.queue)} on pacer is deleted once every live gateway applied the change`] : []),
    ...(c.decision.replacing === undefined ? [] : [`  replaces: migration row ${c.decision.replacing} (a start that never wrote its record)`]),
    '  creates:  the queue on pacer (if it is not there), the migration row (status copying)',
    `  writes:   the record migrating (to-pacer), compare-and-set on version ${c.decision.pin ? 1 : c.decision.expectedVersion}`,
  ];
  return lines.join('\n');
}

function formatResult(queue: string, s: Started): string {
  return [
    `Started migration ${s.row.migrationId}: queue ${field(queue)} is migrating to Pacer (record version ${s.record.version}, table version ${s.tableVersion}).`,
    ...(s.pinned === null ? [] : [`Pinned the queue to ${s.pinned.legacyCluster ?? '?'} first (record version ${s.pinned.version}).`]),
    `The copier moves the jobs at up to ${formatCount(s.row.rateLimitPerS)} jobs/s: pinlater-ops migrate status ${queue}; pause: pinlater-ops migrate pause ${queue}; undo: pinlater-ops rollback ${queue}.`,
  ].join('\n');
}
