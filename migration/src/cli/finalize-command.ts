/**
 * `pinlater-ops finalize <queue> [--delete-legacy --admin-password-file <file>] [--yes] [--json]
 * [--by] [--reason]`: ends a migration to Pacer for good. Preconditions (routing-transitions.ts
 * pacer → finalized): the record is `pacer` (the copier routed the queue there), its migration row
 * is `complete`, the legacy side holds nothing (exact counts, every state, IN_PROGRESS included,
 * none taken or staged: JOBS_REMAIN otherwise) and verification matches (MISMATCH otherwise).
 * Then the record → finalized by compare-and-set (gateways serve it exactly as `pacer`), the row →
 * finalized (the copier stops sweeping the legacy side), and with --delete-legacy the queue is
 * deleted from its legacy cluster, which needs that cluster's PinLater admin password
 * (legacy-admin-password.ts), checked before anything is done. A finalized queue cannot be rolled
 * back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import type { MigrationRow } from '../../../core/src/migration/migration-state';
import type { LegacyClusterConfig } from '../../../gateway/index';
import type { RoutingRecord } from '../routing/routing-record';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import { describeBehind, waitForGateways } from './gateway-wait';
import { describeCensus } from './job-census';
import { describeRecord, openMigrationContext, readQueueState, requireQueueName, type MigrationContext, type QueueMigrationState } from './migration-context';
import { requireLegacyAdminPassword } from './legacy-admin-password';
import { verifyMigration, type Verification } from './migration-verification';
import { field, toJson } from './output-format';
import { operatorName, withWriteOptions, type WriteOptions } from './write-options';

interface FinalizeOptions extends WriteOptions {
  readonly deleteLegacy?: boolean;
  readonly adminPasswordFile?: string;
}

const HELP = `
Preconditions: the record is pacer (the copier routed the queue to Pacer), its migration is
complete, the legacy cluster holds none of its jobs (every state, IN_PROGRESS included, counted
exactly) and pinlater-ops verify matches. Then the record becomes finalized (served exactly as
pacer; no rollback after this) and the migration row finalized (the copier stops). With
--delete-legacy the queue is also deleted from its legacy cluster: give that cluster's PinLater
admin password (the one its ADMIN_PASSWORD_HASH checks, as PinLater's deleteQueue does) in a file
with --admin-password-file. Needs the routing operator credential
(PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL).

${exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'JOBS_REMAIN', 'CONFLICT', 'PERMISSION_DENIED', 'MISMATCH'])}

Examples:
  pinlater-ops verify my_queue && pinlater-ops finalize my_queue
  … pinlater-ops finalize my_queue --delete-legacy --admin-password-file ~/.pinlater-admin --yes --json`;

export function finalizeCommand(ctx: CliContext): Command {
  return withWriteOptions(new Command('finalize').description('end a completed migration to Pacer for good (optionally deleting the legacy queue)'))
    .argument('<queue>', 'the queue')
    .option('--delete-legacy', 'also delete the queue from its legacy cluster (needs --admin-password-file)')
    .option('--admin-password-file <file>', "a file holding the legacy cluster's PinLater admin password")
    .addHelpText('after', HELP)
    .action(async (queue: string, options: FinalizeOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runFinalize(ctx, command, queue, options);
    });
}

interface Checked {
  readonly state: QueueMigrationState;
  readonly record: RoutingRecord;
  readonly row: MigrationRow;
  readonly cluster: LegacyClusterConfig;
  readonly verification: Verification;
  /** The record is finalized already (only the legacy queue is deleted). */
  readonly alreadyFinalized: boolean;
}

async function runFinalize(ctx: CliContext, command: Command, queue: string, options: FinalizeOptions): Promise<number> {
  requireQueueName(queue);
  const deleteLegacy = options.deleteLegacy === true;
  if (deleteLegacy && options.adminPasswordFile === undefined) throw new CliFailure('USAGE', "--delete-legacy needs --admin-password-file <file> (the legacy cluster's PinLater admin password)");
  if (!deleteLegacy && options.adminPasswordFile !== undefined) throw new CliFailure('USAGE', '--admin-password-file is for --delete-legacy only');
  const m = await openMigrationContext(ctx, command, { write: true });
  const state = await readQueueState(m, m.states, queue);
  const { record, row, cluster } = preconditions(m, state);
  if (record.mode === 'finalized' && !(deleteLegacy && state.holders.includes(cluster.name))) {
    ctx.io.stdout.write(options.json === true ? toJson({ queue, record, row, written: false, deletedLegacy: false }) : `Queue ${queue} is finalized already (record version ${record.version}): nothing to change.\n`);
    return 0;
  }
  if (deleteLegacy) requireLegacyAdminPassword(cluster, options.adminPasswordFile as string);
  if (record.mode !== 'finalized') await refuseWhileGatewaysBehind(ctx, m, queue);
  const verification = await verifyMigration(ctx, m, row);
  const checked: Checked = { state, record, row, cluster, verification, alreadyFinalized: record.mode === 'finalized' };
  refuseUnlessVerified(checked);
  const plan = planJson(checked, deleteLegacy);
  if (options.json !== true) ctx.io.stdout.write(`${formatPlan(checked, deleteLegacy)}\n`);
  await confirmWrite(ctx, `Finalize queue ${queue}${deleteLegacy ? ` and delete it from ${cluster.name}` : ''}?`, { yes: options.yes === true, plan });
  await ctx.interruption.duringWrite(async () => {
    const written = await execute(m, checked, deleteLegacy, options);
    ctx.io.stdout.write(options.json === true ? toJson({ ...plan, written: true, ...written }) : `${formatResult(checked, written)}\n`);
  });
  return 0;
}

function preconditions(m: MigrationContext, state: QueueMigrationState): { record: RoutingRecord; row: MigrationRow; cluster: LegacyClusterConfig } {
  const { queue, record, row } = state;
  const refuse = (why: string): never => {
    throw new CliFailure('REFUSED', `cannot finalize queue '${queue}': ${why}`);
  };
  if (record === undefined) return refuse(state.unreadable ? 'its record does not parse (pinlater-ops status)' : 'it has no routing record');
  if (record.mode === 'migrating') return refuse(`it is ${describeRecord(record)}: the copier routes it to pacer once the legacy side is drained (pinlater-ops migrate status ${queue})`);
  if (record.mode !== 'pacer' && record.mode !== 'finalized') return refuse(`its record is ${describeRecord(record)}, not pacer`);
  if (record.legacyCluster === null) return refuse('it was born on Pacer: there is no migration to finalize');
  const cluster = m.config.legacyClusters.find((c) => c.name === record.legacyCluster);
  if (cluster === undefined) return refuse(`its legacy cluster ${record.legacyCluster} is not a cluster of this config`);
  if (row === undefined) return refuse('it has no migration row (it was routed to Pacer empty, not migrated)');
  const wanted = record.mode === 'finalized' ? 'finalized' : 'complete';
  if (row.direction !== 'to-pacer' || row.status !== wanted) return refuse(`its migration ${row.migrationId} (${row.direction}) is ${row.status}, not ${wanted}`);
  return { record, row, cluster };
}

function refuseUnlessVerified(c: Checked): void {
  const legacy = c.verification.sides.legacy;
  if (!c.verification.sideLeftEmpty) {
    throw new CliFailure('JOBS_REMAIN', `cannot finalize queue '${c.state.queue}': ${c.cluster.name} still holds its jobs (${describeCensus(legacy)}); the copier moves late jobs while the migration is complete, IN_PROGRESS ones after their worker acks them or they time out`, { verification: c.verification });
  }
  if (!c.verification.matches) {
    throw new CliFailure('MISMATCH', `cannot finalize queue '${c.state.queue}': verification does not match: ${c.verification.problems.join('; ')} (pinlater-ops verify ${c.state.queue})`, { verification: c.verification });
  }
}

interface Finalized {
  readonly record: RoutingRecord;
  readonly tableVersion: number | null;
  readonly deletedLegacy: boolean;
}

async function execute(m: MigrationContext, c: Checked, deleteLegacy: boolean, options: FinalizeOptions): Promise<Finalized> {
  const { queue } = c.state;
  let record = c.record;
  let tableVersion: number | null = null;
  if (!c.alreadyFinalized) {
    const reason = options.reason ?? `migration ${c.row.migrationId} finalized: ${c.cluster.name} empty, verification matches`;
    const written = await m.store.write(queue, { mode: 'finalized', legacyCluster: c.cluster.name, changedBy: operatorName(options.by), reason }, c.record.version);
    record = written.record;
    tableVersion = written.tableVersion;
    await m.states.setStatus(queue, c.row.migrationId, 'finalized');
  }
  if (deleteLegacy) {
    await untilCopierLeft(m, queue);
    await m.systems.get(c.cluster.name).deleteQueue(queue);
  }
  return { record, tableVersion, deletedLegacy: deleteLegacy };
}

/** How long finalize waits for gateways behind the table version to apply it before refusing. */
const GATEWAY_SETTLE_MS = 5_000;

/**
 * After finalize the copier stops sweeping the legacy side for late writes, so a gateway still
 * serving an older routing table (it could enqueue there) must not exist: every live gateway must
 * have applied the table version read here. A gateway that is behind only because another change
 * (another queue's finalize, say) was just committed applies it within milliseconds: it is read
 * again for up to GATEWAY_SETTLE_MS before finalize refuses, as `status` does before it reports one.
 */
async function refuseWhileGatewaysBehind(ctx: CliContext, m: MigrationContext, queue: string): Promise<void> {
  const tableVersion = await m.store.tableVersion();
  const behind = await waitForGateways(ctx, m.store, { tableVersion, timeoutMs: GATEWAY_SETTLE_MS });
  if (behind.length === 0) return;
  throw new CliFailure('REFUSED', `cannot finalize queue '${queue}': gateway(s) ${describeBehind(behind)} behind routing table version ${tableVersion} for ${GATEWAY_SETTLE_MS / 1000} s: `
    + 'the copier stops sweeping late writes once the queue is finalized (runbooks/migration-gateway-behind.md, pinlater-ops status)');
}

/** How long finalize waits for the copier to let go of the queue before deleting it on legacy. */
const COPIER_LEAVE_WAIT_MS = 20_000;

/**
 * Waits until no copier holds the queue's lease any more (it sees `finalized` within a quarter
 * second and releases it), so the legacy queue is not deleted under its last sweep. Gives up after
 * COPIER_LEAVE_WAIT_MS: the delete then goes ahead (a sweep that fails on the missing queue only
 * logs).
 */
async function untilCopierLeft(m: MigrationContext, queue: string): Promise<void> {
  const deadline = Date.now() + COPIER_LEAVE_WAIT_MS;
  while (Date.now() < deadline) {
    const row = await m.states.get(queue);
    if (row === undefined || row.leaseOwner === null || row.leaseExpiresMs < Date.now()) return;
    await sleep(200);
  }
}

function planJson(c: Checked, deleteLegacy: boolean): Record<string, unknown> {
  return { queue: c.state.queue, record: c.record, row: c.row, legacyCluster: c.cluster.name, verification: c.verification, deleteLegacy, alreadyFinalized: c.alreadyFinalized };
}

function formatPlan(c: Checked, deleteLegacy: boolean): string {
  return [
    `Finalize queue ${field(c.state.queue)}:`,
    `  now:       ${describeRecord(c.record)}, record version ${c.record.version}; migration ${c.row.migrationId} ${c.row.status}`,
    `  verified:  ${c.verification.ledger.moved} job(s) moved, checksums equal, ${c.cluster.name} empty`,
    ...(c.alreadyFinalized ? [] : [`  writes:    the record finalized (compare-and-set on version ${c.record.version}; no rollback after this), the migration row finalized`]),
    ...(deleteLegacy ? [`  deletes:   the queue on ${c.cluster.name} (admin password checked)`] : []),
  ].join('\n');
}

function formatResult(c: Checked, f: Finalized): string {
  return [
    ...(c.alreadyFinalized ? [] : [`Finalized queue ${field(c.state.queue)}: record version ${f.record.version}, table version ${f.tableVersion ?? '-'}; migration ${c.row.migrationId} finalized.`]),
    ...(f.deletedLegacy ? [`Deleted the queue from ${c.cluster.name}.`] : []),
  ].join('\n');
}
