/**
 * `pinlater-ops migrate status [<queue>] [--json] [--watch]`: every migration row in Pacer's
 * database (or one queue's): direction, status, paused, rate limit, jobs moved per state, the
 * copier's lease (owner, expiry), since when the side the queue leaves is empty, the last error,
 * the queue's routing record and whether live gateways are behind the table version the copier
 * waits for before it flips the queue, and for a migration still copying the jobs left on that
 * side (getJobCount: an estimate, capped on MySQL; `plan` counts exactly) with the time left.
 * Reads only. `--watch` redraws every second (on a terminal; a plain report every 10 s otherwise)
 * until Ctrl-C; the time left then follows the measured rate.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { MigrationRow } from '../../../core/src/migration/migration-state';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { JobState } from '../../../core/src/types/job-state';
import { mapBounded } from '../../../core/src/util/map-bounded';
import { RoutingRecordError, type RoutingRecord } from '../routing/routing-record';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { exitCodesHelp } from './exit-codes';
import { describeRecord, openMigrationContext, requireQueueName, type MigrationContext } from './migration-context';
import { describeState, formatCount, formatDuration, movedOf, RateMeter, remainingSeconds } from './migration-progress';
import { snapshotOf } from './migration-wait';
import { field, toJson } from './output-format';

interface MigrateStatusOptions {
  readonly json?: boolean;
  readonly watch?: boolean;
}

const HELP = `
Reads only. The jobs left are counted with getJobCount on the side the queue leaves (capped per
shard on MySQL: an estimate; pinlater-ops plan and verify count exactly). Gateways "behind" have
not applied the table version the copier first saw the migration at: the copier does not route
the queue to its destination before they have.

${exitCodesHelp(['REFUSED'])}

Examples:
  pinlater-ops --config config/routing.local.json migrate status
  pinlater-ops migrate status my_queue --watch
  pinlater-ops migrate status my_queue --json | jq '.migrations[0].moved'`;

export function migrateStatusCommand(ctx: CliContext): Command {
  return new Command('status')
    .description('show every migration (or one queue\'s): progress, copier lease, routing, gateways behind, time left')
    .argument('[queue]', 'only this queue')
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .option('--watch', 'redraw every second until Ctrl-C (not with --json)')
    .addHelpText('after', HELP)
    .action(async (queue: string | undefined, options: MigrateStatusOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runMigrateStatus(ctx, command, queue, options);
    });
}

export interface MigrationStatusRow {
  readonly queue: string;
  readonly migrationId: string;
  readonly direction: MigrationRow['direction'];
  readonly legacyCluster: string;
  /** Where the jobs move from and to. */
  readonly from: string;
  readonly to: string;
  readonly status: MigrationRow['status'];
  readonly paused: boolean;
  /** The status in a few words (`copying, paused`, `copying, source empty for 4s`). */
  readonly state: string;
  readonly rateLimitPerS: number;
  readonly moved: { readonly total: number; readonly pending: number; readonly failed: number; readonly succeeded: number };
  readonly lease: { readonly owner: string | null; readonly expiresAt: string | null; readonly held: boolean; readonly epoch: number };
  readonly startedAt: string;
  readonly sourceEmptySince: string | null;
  readonly lastError: string | null;
  readonly routing: { readonly record: RoutingRecord | null; readonly unreadable: boolean; readonly firstSeenTableVersion: number | null };
  /** Live gateways that have not applied the table version the copier waits for (active migrations only). */
  readonly gatewaysBehind: readonly string[];
  /** Jobs left on the side it leaves (getJobCount, capped on MySQL); null when not copying. */
  readonly remainingEstimate: number | null;
  readonly inProgressOnSource: number | null;
  readonly measuredRatePerS: number | null;
  readonly etaSeconds: number | null;
  readonly updatedAt: string;
}

const COUNT_CONCURRENCY = 3;
const WATCH_MS = 1000;
const WATCH_PLAIN_MS = 10_000;

async function runMigrateStatus(ctx: CliContext, command: Command, queue: string | undefined, options: MigrateStatusOptions): Promise<number> {
  if (queue !== undefined) requireQueueName(queue);
  if (options.watch === true && options.json === true) throw new CliFailure('USAGE', '--watch redraws text; it does not take --json');
  const m = await openMigrationContext(ctx, command, { write: false });
  if (options.watch !== true) {
    const report = await readReport(m, queue, new Map());
    ctx.io.stdout.write(options.json === true ? toJson(report) : `${formatReport(report)}\n`);
    return 0;
  }
  const out = ctx.io.stdout as NodeJS.WritableStream & { isTTY?: boolean };
  const meters = new Map<string, RateMeter>();
  for (;;) {
    const report = await readReport(m, queue, meters);
    out.write(out.isTTY === true ? `\x1b[H\x1b[2J${formatReport(report)}\n(Ctrl-C to stop watching)\n` : `${formatReport(report)}\n\n`);
    await sleep(out.isTTY === true ? WATCH_MS : WATCH_PLAIN_MS);
    ctx.interruption.checkpoint();
  }
}

interface StatusReport {
  readonly tableVersion: number;
  readonly migrations: readonly MigrationStatusRow[];
}

async function readReport(m: MigrationContext, queue: string | undefined, meters: Map<string, RateMeter>): Promise<StatusReport> {
  const rows = queue === undefined ? await m.states.list() : [await m.states.get(queue)].filter((r): r is MigrationRow => r !== undefined);
  if (queue !== undefined && rows.length === 0) throw new CliFailure('REFUSED', `queue '${field(queue)}' has no migration (pinlater-ops plan ${queue})`);
  const [tableVersion, gateways] = await Promise.all([m.store.tableVersion(), m.store.gateways()]);
  const now = m.clock.nowMs();
  const migrations = await mapBounded(rows, COUNT_CONCURRENCY, async (row) => {
    const meter = meters.get(`${row.queue}/${row.migrationId}`) ?? new RateMeter();
    meters.set(`${row.queue}/${row.migrationId}`, meter);
    meter.add(now, movedOf(row));
    const found = await readRecord(m, row.queue);
    const from = row.direction === 'to-pacer' ? row.legacyCluster : PACER_SYSTEM;
    const active = row.status === 'copying' || row.status === 'complete';
    const waitFor = row.firstSeenTableVersion ?? tableVersion;
    const left = row.status === 'copying' && m.systems.has(from) ? await jobsLeft(m.systems.get(from), row.queue) : undefined;
    const snapshot = snapshotOf(row, left === undefined ? undefined : movedOf(row) + left.movable, meter, now);
    return {
      queue: row.queue, migrationId: row.migrationId, direction: row.direction, legacyCluster: row.legacyCluster,
      from, to: row.direction === 'to-pacer' ? PACER_SYSTEM : row.legacyCluster,
      status: row.status, paused: row.paused, state: describeState(snapshot), rateLimitPerS: row.rateLimitPerS,
      moved: { total: movedOf(row), pending: row.movedPending, failed: row.movedFailed, succeeded: row.movedSucceeded },
      lease: { owner: row.leaseOwner, expiresAt: row.leaseExpiresMs > 0 ? iso(row.leaseExpiresMs) : null, held: row.leaseOwner !== null && row.leaseExpiresMs > now, epoch: row.leaseEpoch },
      startedAt: iso(row.startedAtMs),
      sourceEmptySince: row.sourceEmptySinceMs === null ? null : iso(row.sourceEmptySinceMs),
      lastError: row.lastError,
      routing: { ...found, firstSeenTableVersion: row.firstSeenTableVersion },
      gatewaysBehind: active ? gateways.filter((g) => !g.loaded || g.appliedVersion < waitFor).map((g) => g.gatewayId) : [],
      remainingEstimate: left?.movable ?? null,
      inProgressOnSource: left?.inProgress ?? null,
      measuredRatePerS: meter.ratePerS() ?? null,
      etaSeconds: remainingSeconds(snapshot) ?? null,
      updatedAt: iso(row.updatedAtMs),
    } satisfies MigrationStatusRow;
  });
  return { tableVersion, migrations };
}

async function readRecord(m: MigrationContext, queue: string): Promise<{ record: RoutingRecord | null; unreadable: boolean }> {
  try {
    return { record: (await m.store.read(queue)) ?? null, unreadable: false };
  } catch (e) {
    if (e instanceof RoutingRecordError) return { record: null, unreadable: true };
    throw e;
  }
}

const LEFT = [
  { state: JobState.PENDING, future: false }, { state: JobState.PENDING, future: true },
  { state: JobState.FAILED, future: false }, { state: JobState.FAILED, future: true },
  { state: JobState.SUCCEEDED, future: false }, { state: JobState.SUCCEEDED, future: true },
  { state: JobState.IN_PROGRESS, future: false }, { state: JobState.IN_PROGRESS, future: true },
] as const;

/** What is left to move on the source, by getJobCount (capped on MySQL: an estimate). */
async function jobsLeft(backend: PinLaterBackend, queue: string): Promise<{ movable: number; inProgress: number }> {
  const counts = await mapBounded(LEFT, COUNT_CONCURRENCY, async (c) => {
    try {
      return await backend.getJobCount({ queue, state: c.state, future: c.future });
    } catch {
      return 0; // the queue is not (or no longer) there
    }
  });
  const inProgress = (counts[6] ?? 0) + (counts[7] ?? 0);
  return { movable: counts.slice(0, 6).reduce((s, n) => s + n, 0), inProgress };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function formatReport(r: StatusReport): string {
  if (r.migrations.length === 0) return 'No migrations.';
  return r.migrations.map((x) => formatOne(x, r.tableVersion)).join('\n\n');
}

function formatOne(x: MigrationStatusRow, tableVersion: number): string {
  const routing = `${describeRecord(x.routing.record ?? undefined, x.routing.unreadable)}${x.routing.record === null ? '' : `, record version ${x.routing.record.version}`}`;
  const gateways = x.gatewaysBehind.length === 0 ? 'none behind' : `${x.gatewaysBehind.length} behind table version ${x.routing.firstSeenTableVersion ?? tableVersion}: ${x.gatewaysBehind.map((g) => field(g, 40)).join(', ')}`;
  const rate = `limit ${formatCount(x.rateLimitPerS)} jobs/s${x.measuredRatePerS === null ? '' : `, measured ${formatCount(x.measuredRatePerS)} jobs/s`}`;
  const left = x.remainingEstimate === null ? '-' : `about ${formatCount(x.remainingEstimate)} on ${x.from} (getJobCount)${x.inProgressOnSource ? `, and ${formatCount(x.inProgressOnSource)} in progress there` : ''}, ETA ${formatDuration(x.etaSeconds ?? undefined)}`;
  const lease = x.lease.owner === null ? 'free' : `${field(x.lease.owner, 60)} until ${x.lease.expiresAt ?? '-'}${x.lease.held ? '' : ' (expired)'} (epoch ${x.lease.epoch})`;
  return [
    `${field(x.queue)}  migration ${x.migrationId}  ${x.direction} (${x.from} -> ${x.to})  ${x.state}`,
    `  routing:    ${routing}; gateways: ${gateways}`,
    `  rate:       ${rate}`,
    `  moved:      ${formatCount(x.moved.total)} (${formatCount(x.moved.pending)} pending, ${formatCount(x.moved.failed)} failed, ${formatCount(x.moved.succeeded)} succeeded)`,
    `  left:       ${left}`,
    `  copier:     ${lease}`,
    `  started:    ${x.startedAt}; source empty since ${x.sourceEmptySince ?? '-'}; updated ${x.updatedAt}`,
    `  last error: ${x.lastError === null ? '-' : field(x.lastError, 200)}`,
  ].join('\n');
}
