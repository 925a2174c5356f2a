/**
 * `pinlater-ops route <queue> --to <pacer|cluster> [--yes] [--json] [--by] [--reason]`: changes
 * where the gateways send a queue (legacy → pacer, pacer → legacy, legacy cluster A → B). Order:
 * plan (route-plan.ts) → count the jobs on the side it leaves (refused while any PENDING,
 * IN_PROGRESS or FAILED job remains) → confirm → pin a record-less queue to where it is → create
 * the queue on the destination if it is not there (createQueue is idempotent) → write the record
 * by compare-and-set on the version read → count again, and warn about jobs that arrived meanwhile.
 */
import { Command } from 'commander';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import { JobState } from '../../../core/src/types/job-state';
import { isValidQueueName } from '../../../core/src/types/queue-name';
import { RoutingConflictError } from '../routing/routing-errors';
import { RoutingRecordError, type RoutingRecord } from '../routing/routing-record';
import type { RoutingStore, RoutingWriteResult } from '../routing/routing-store';
import { transition } from '../routing/routing-transitions';
import { loadOpsConfig, operatorCredential } from './cli-config';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { commandLogger, globalOptions } from './command-context';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import { countBlockingJobs, describeBlockingJobs, type BlockingJobs } from './job-counts';
import { field, toJson } from './output-format';
import { discoverQueues } from './queue-discovery';
import { connectRouting } from './routing-connection';
import { modeOfSystem, planRoute, systemOfRecord, type QueueState, type RoutePlan, type RouteTarget } from './route-plan';
import { configuredSystemNames, openSystems, type Systems } from './system-backends';
import { operatorName, withWriteOptions, type WriteOptions } from './write-options';

interface RouteOptions extends WriteOptions {
  readonly to: string;
}

/** What was found before the write: the plan, the jobs on each side it leaves, and warnings. */
interface CheckedRoute {
  readonly plan: RoutePlan;
  readonly state: QueueState;
  readonly jobs: Readonly<Record<string, BlockingJobs>>;
  readonly warnings: readonly string[];
}

const HELP = `
Refused while the queue has jobs on the side it leaves: PENDING (now or in the future),
IN_PROGRESS or FAILED, counted with getJobCount (SUCCEEDED jobs do not block: their descriptors
keep routing to the system that issued them). Such a queue moves with \`pinlater-ops migrate
start <queue>\` (the migration copier; \`pinlater-ops plan <queue>\` shows what it would move).
Queues that are migrating or finalized are refused: the migration owns their route. A queue without a record is routed from the system holding it. The queue is created on the
destination when it is not there, and is not deleted from the side it leaves. Needs the routing
operator credential (PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL).

${exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'JOBS_REMAIN', 'CONFLICT', 'PERMISSION_DENIED'])}

Examples:
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential pinlater-ops --config config/routing.local.json route my_queue --to pacer
  … pinlater-ops route my_queue --to local-mysql --yes --by alice --reason "back to MySQL"`;

export function routeCommand(ctx: CliContext): Command {
  return withWriteOptions(new Command('route').description("change a queue's route: to pacer, or to a legacy cluster"))
    .argument('<queue>', 'the queue')
    .requiredOption('--to <system>', "destination: 'pacer' or a legacy cluster name of the config")
    .addHelpText('after', HELP)
    .action(async (queue: string, options: RouteOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runRoute(ctx, command, queue, options);
    });
}

async function runRoute(ctx: CliContext, command: Command, queue: string, options: RouteOptions): Promise<number> {
  if (!isValidQueueName(queue)) throw new CliFailure('USAGE', `'${field(queue)}' is not a PinLater queue name (1-255 of [A-Za-z0-9_])`);
  const globals = globalOptions(command);
  const logger = commandLogger(globals);
  const config = loadOpsConfig(globals.config, ctx.environment);
  const systemNames = configuredSystemNames(config);
  if (!systemNames.includes(options.to)) throw new CliFailure('REFUSED', `unknown destination '${field(options.to)}': the configured systems are ${systemNames.join(', ')}`);
  const credential = operatorCredential(ctx.environment);
  const { store } = await connectRouting(ctx, globals, config.table, { credential, logger });
  const systems = await openSystems(config, ctx.resources, logger);
  const state = await queueState(store, systems, queue);
  const checked = await check(planRoute(queue, options.to, state, systemNames), state, systems);
  if (checked.plan.alreadyThere) {
    const version = state.record?.version ?? 0;
    ctx.io.stdout.write(options.json === true ? toJson({ ...planJson(checked), written: false }) : `Queue ${queue} is already routed to ${options.to} (record version ${version}): nothing to change.\n`);
    return 0;
  }
  if (options.json !== true) ctx.io.stdout.write(`${formatPlan(checked)}\n`);
  await confirmWrite(ctx, `Route queue ${queue} to ${options.to}?`, { yes: options.yes === true, plan: planJson(checked) });
  await ctx.interruption.duringWrite(async () => {
    const written = await execute(store, systems, checked.plan, options);
    const arrived = await jobsArrived(systems, checked.plan);
    ctx.io.stdout.write(options.json === true ? toJson({ ...planJson(checked), written: true, ...written, jobsArrivedMeanwhile: arrived }) : `${formatResult(checked.plan, written, arrived)}\n`);
  });
  return 0;
}

async function queueState(store: RoutingStore, systems: Systems, queue: string): Promise<QueueState> {
  const [found, holders] = await Promise.all([readRecord(store, queue), discoverQueues(systems)]);
  return { ...found, holders: holders.get(queue) ?? [] };
}

async function readRecord(store: RoutingStore, queue: string): Promise<{ record: RoutingRecord | undefined; unreadable: boolean }> {
  try {
    return { record: await store.read(queue), unreadable: false };
  } catch (e) {
    if (e instanceof RoutingRecordError) return { record: undefined, unreadable: true };
    throw e;
  }
}

/** Counts the jobs on every side the queue leaves; refuses (JOBS_REMAIN) while any remain. */
async function check(plan: RoutePlan, state: QueueState, systems: Systems): Promise<CheckedRoute> {
  const jobs: Record<string, BlockingJobs> = {};
  for (const system of plan.leaving) jobs[system] = await countBlockingJobs(systems.get(system), plan.queue);
  const blocked = plan.leaving.filter((s) => (jobs[s]?.total ?? 0) > 0);
  if (blocked.length > 0) {
    const counts = blocked.map((s) => `${s}: ${describeBlockingJobs(jobs[s] as BlockingJobs)}`).join('; ');
    const advice = transition(modeOfSystem(blocked[0] as string), plan.target.mode)?.otherwise.replace(/<queue>/g, plan.queue) ?? 'drain the queue first';
    throw new CliFailure('JOBS_REMAIN', `queue '${plan.queue}' still has jobs on the side it leaves (${counts}): ${advice}`, { jobs });
  }
  const warnings: string[] = [];
  for (const cluster of plan.descriptorsLeave) {
    const succeeded = await countState(systems.get(cluster), plan.queue, JobState.SUCCEEDED);
    if (succeeded > 0) warnings.push(`${succeeded} SUCCEEDED job(s) on ${cluster} will no longer be found through their descriptors (they route to ${plan.target.legacyCluster ?? 'no legacy cluster'} after this)`);
  }
  return { plan, state, jobs, warnings };
}

async function countState(backend: PinLaterBackend, queue: string, state: JobState): Promise<number> {
  const [now, future] = await Promise.all([false, true].map((f) => backend.getJobCount({ queue, state, future: f })));
  return (now ?? 0) + (future ?? 0);
}

interface Written {
  readonly pinned: RoutingRecord | null;
  readonly createdOnDestination: boolean;
  readonly record: RoutingRecord;
  readonly tableVersion: number;
}

async function execute(store: RoutingStore, systems: Systems, plan: RoutePlan, options: RouteOptions): Promise<Written> {
  const changedBy = operatorName(options.by);
  let expected = plan.expectedVersion;
  let pinned: RoutingWriteResult | undefined;
  if (plan.pin !== undefined) {
    pinned = await store.write(plan.queue, { ...plan.pin, changedBy, reason: `pinned to ${plan.current ?? '?'} before routing to ${plan.destination}` }, expected);
    expected = pinned.record.version;
  }
  if (plan.createOnDestination) await systems.get(plan.destination).createQueue(plan.queue);
  const reason = options.reason ?? `route ${plan.current ?? 'queue'} -> ${plan.destination}`;
  try {
    const written = await store.write(plan.queue, { ...plan.target, changedBy, reason }, expected);
    return { pinned: pinned?.record ?? null, createdOnDestination: plan.createOnDestination, record: written.record, tableVersion: written.tableVersion };
  } catch (e) {
    if (!(e instanceof RoutingConflictError) || pinned === undefined) throw e;
    throw new CliFailure('CONFLICT', `${e.message} (before it, the record pinning the queue to ${plan.current ?? '?'} was written, version ${pinned.record.version})`);
  }
}

/** Jobs that reached the side the queue left between the count and the write (they wait there). */
async function jobsArrived(systems: Systems, plan: RoutePlan): Promise<Record<string, BlockingJobs>> {
  const arrived: Record<string, BlockingJobs> = {};
  for (const system of plan.leaving) {
    const jobs = await countBlockingJobs(systems.get(system), plan.queue);
    if (jobs.total > 0) arrived[system] = jobs;
  }
  return arrived;
}

function describeTarget(t: RouteTarget): string {
  return t.mode === 'legacy' ? `legacy on ${t.legacyCluster ?? '?'}` : `pacer${t.legacyCluster === null ? '' : ` (legacy descriptors to ${t.legacyCluster})`}`;
}

function describeNow(c: CheckedRoute): string {
  const { record, unreadable, holders } = c.state;
  if (record !== undefined) return `${describeTarget({ mode: record.mode === 'legacy' ? 'legacy' : 'pacer', legacyCluster: record.legacyCluster })} (record version ${record.version}; on ${holders.join(', ')})`;
  return `${unreadable ? 'a record that does not parse' : 'no record'}; the queue is on ${holders.join(', ')}`;
}

function formatPlan(c: CheckedRoute): string {
  const p = c.plan;
  const lines = [
    `Route queue ${p.queue}:`,
    `  now:     ${describeNow(c)}`,
    `  after:   ${describeTarget(p.target)}`,
    ...p.leaving.map((s) => `  leaves:  ${s}: ${describeBlockingJobs(c.jobs[s] as BlockingJobs)}`),
    ...(p.pin === undefined ? [] : [`  first:   a record pinning it to ${p.current ?? '?'} (it has none), then the route`]),
    ...(p.createOnDestination ? [`  creates: the queue on ${p.destination} (it is not there yet)`] : []),
    `  writes:  the record, compare-and-set on version ${p.pin === undefined ? p.expectedVersion : 1}`,
    ...c.warnings.map((w) => `  warning: ${w}`),
  ];
  return lines.join('\n');
}

function formatResult(plan: RoutePlan, w: Written, arrived: Record<string, BlockingJobs>): string {
  const lines = [`Routed queue ${plan.queue} to ${systemOfRecord(w.record)}: record version ${w.record.version}, table version ${w.tableVersion}.`];
  if (w.createdOnDestination) lines.push(`Created the queue on ${plan.destination}.`);
  for (const [system, jobs] of Object.entries(arrived)) lines.push(`warning: jobs reached ${system} meanwhile (${describeBlockingJobs(jobs)}); they wait there.`);
  lines.push('Gateways apply the change within about 1 s: pinlater-ops status shows when every gateway has it.');
  return lines.join('\n');
}

function planJson(c: CheckedRoute): Record<string, unknown> {
  const p = c.plan;
  return {
    queue: p.queue, destination: p.destination, current: p.current ?? null, currentRecord: c.state.record ?? null, unreadableRecord: c.state.unreadable,
    presentOn: c.state.holders, expectedVersion: p.expectedVersion, target: p.target, pin: p.pin ?? null, createOnDestination: p.createOnDestination,
    leaving: p.leaving, jobs: c.jobs, warnings: c.warnings, alreadyThere: p.alreadyThere,
  };
}
