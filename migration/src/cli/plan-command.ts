/**
 * `pinlater-ops plan <queue> [--rate <jobs/s>] [--json]`: what a migration of the queue would
 * move, read only. The side the queue leaves (its legacy cluster for a legacy queue, Pacer for a
 * queue on Pacer, which a rollback would move back) is counted exactly, per state and priority,
 * by paging exportJobs (job-census.ts; getJobCount is capped on MySQL). The copier moves PENDING
 * (ready and future), FAILED and SUCCEEDED jobs; IN_PROGRESS jobs move after their worker acks
 * them or they time out. The time is estimated at the rate (default: the rate `migrate start`
 * gives a migration). Then the preconditions of `migrate start` (start-preconditions.ts), each
 * with whether it holds.
 */
import { Command } from 'commander';
import { DEFAULT_RATE_PER_S } from '../../../core/src/migration/migration-rate';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import type { CliContext } from './cli-context';
import { exitCodesHelp } from './exit-codes';
import { describeCensus, type QueueCensus } from './job-census';
import { formatCensusTable } from './census-table';
import { censusOf, describeRecord, openSystemsContext, readQueueState, requireQueueName, type QueueMigrationState } from './migration-context';
import { etaSeconds, formatCount, formatDuration } from './migration-progress';
import { openMigrationStores } from './migration-stores';
import { parseRate } from './option-parsers';
import { field, toJson } from './output-format';
import { decideStart, type StartDecision } from './start-preconditions';

interface PlanOptions {
  readonly rate: number;
  readonly json?: boolean;
}

const HELP = `
Reads only. Counts every job of the queue on the side it would leave (its legacy cluster; Pacer
for a queue already there, which a rollback moves back) by paging the export cursor, so the counts
are exact (getJobCount is capped on MySQL): PENDING ready and future, FAILED and SUCCEEDED are
moved by the copier; IN_PROGRESS jobs are moved after their worker acks them or they time out.
The time is estimated at --rate (default ${DEFAULT_RATE_PER_S} jobs/s, what migrate start sets).
Lists the preconditions of \`pinlater-ops migrate start\` and whether each holds.

${exitCodesHelp([])}

Examples:
  pinlater-ops --config config/routing.local.json plan my_queue
  pinlater-ops plan my_queue --rate 500 --json | jq '.preconditions'`;

export function planCommand(ctx: CliContext): Command {
  return new Command('plan')
    .description('show what migrating a queue would move (exact counts), how long it would take, and whether migrate start may run')
    .argument('<queue>', 'the queue')
    .option('--rate <jobs/s>', 'estimate at this copy rate', parseRate, DEFAULT_RATE_PER_S)
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .addHelpText('after', HELP)
    .action(async (queue: string, options: PlanOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runPlan(ctx, command, queue, options);
    });
}

async function runPlan(ctx: CliContext, command: Command, queue: string, options: PlanOptions): Promise<number> {
  requireQueueName(queue);
  const m = await openSystemsContext(ctx, command, { write: false });
  const states = m.config.pacer === undefined ? undefined : openMigrationStores(m.config, ctx.resources, m.logger).states;
  const state = await readQueueState(m, states, queue);
  const legacyClusters = m.config.legacyClusters.map((c) => c.name);
  const decision = decideStart({ ...state, legacyClusters, pacerConfigured: m.config.pacer !== undefined });
  const from = sideLeft(state, decision);
  const census = from !== undefined && m.systems.has(from) ? await censusOf(ctx, m, from, queue) : undefined;
  const plan = planOf(state, decision, from, census, options.rate);
  ctx.io.stdout.write(options.json === true ? toJson(plan) : `${formatPlan(plan, census)}\n`);
  return 0;
}

/** The system a migration (or, for a queue on Pacer, a rollback) would move the queue's jobs from. */
function sideLeft(state: QueueMigrationState, decision: StartDecision): string | undefined {
  const r = state.record;
  if (r === undefined) return decision.legacyCluster;
  if (r.mode === 'legacy' || r.mode === 'shadow' || (r.mode === 'migrating' && r.direction === 'to-pacer')) return r.legacyCluster ?? undefined;
  if (r.mode === 'pacer' || r.mode === 'finalized' || r.mode === 'migrating') return PACER_SYSTEM;
  return undefined;
}

interface PlanDocument {
  readonly queue: string;
  readonly record: QueueMigrationState['record'] | null;
  readonly unreadableRecord: boolean;
  readonly presentOn: readonly string[];
  readonly from: string | null;
  readonly to: string | null;
  readonly counts: QueueCensus | null;
  /** Jobs the copier moves (PENDING ready and future, FAILED, SUCCEEDED). */
  readonly moved: number;
  /** IN_PROGRESS jobs: moved after their worker acks them or they time out. */
  readonly movedLater: number;
  readonly ratePerS: number;
  readonly estimatedSeconds: number | null;
  readonly preconditions: StartDecision['checks'];
  readonly canStart: boolean;
}

function planOf(state: QueueMigrationState, decision: StartDecision, from: string | undefined, census: QueueCensus | undefined, ratePerS: number): PlanDocument {
  const moved = census?.totals.movable ?? 0;
  return {
    queue: state.queue, record: state.record ?? null, unreadableRecord: state.unreadable, presentOn: state.holders,
    from: from ?? null, to: from === undefined ? null : from === PACER_SYSTEM ? (state.record?.legacyCluster ?? null) : PACER_SYSTEM,
    counts: census ?? null, moved, movedLater: census?.totals.inProgress ?? 0,
    ratePerS, estimatedSeconds: census === undefined ? null : (etaSeconds(moved, ratePerS) ?? null),
    preconditions: decision.checks, canStart: decision.failed === undefined,
  };
}

function formatPlan(p: PlanDocument, census: QueueCensus | undefined): string {
  const lines = [`Plan for queue ${field(p.queue)} (now: ${describeRecord(p.record ?? undefined, p.unreadableRecord)}; on ${p.presentOn.join(', ') || 'no system'}):`];
  if (census === undefined) lines.push(`  nothing counted: ${p.from === null ? 'no side to move from' : `${p.from} is not a system of this config`}`);
  else {
    lines.push(`  moves from ${p.from ?? '?'} to ${p.to ?? '?'}: ${describeCensus(census)}${census.present ? '' : ` (the queue is not on ${census.system})`}`);
    lines.push(formatCensusTable(census));
    lines.push(`  moved by the copier: ${formatCount(p.moved)} job(s) (PENDING ready and future, FAILED, SUCCEEDED)`);
    lines.push(`  IN_PROGRESS: ${formatCount(p.movedLater)} job(s), moved after their worker acks them or they time out`);
    lines.push(`  estimated time at ${formatCount(p.ratePerS)} jobs/s: ${formatDuration(p.estimatedSeconds ?? undefined)}`);
  }
  lines.push('  preconditions of `pinlater-ops migrate start`:');
  for (const c of p.preconditions) lines.push(`    [${c.holds ? 'ok' : 'NO'}] ${c.name}: ${c.detail}`);
  lines.push(p.canStart ? `  migrate start may run: pinlater-ops migrate start ${p.queue}` : '  migrate start would be refused (the first [NO] above)');
  return lines.join('\n');
}
