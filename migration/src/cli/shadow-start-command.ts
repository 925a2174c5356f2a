/**
 * `pinlater-ops shadow start <queue> [--gateway-wait <s>] [--yes] [--json] [--by] [--reason]`:
 * puts a legacy queue in shadow mode (issue 13; routing-transitions.ts legacy → shadow). Order:
 * the preconditions (shadow-preconditions.ts; refused with the reason and its exit code) →
 * confirm → pin a record-less queue to its cluster (as `migrate start` does) → create the shadow
 * queue in Pacer (shadow-copies.ts; idempotent) → the record → shadow by compare-and-set on the
 * version read → wait until every live gateway applied it (gateway-wait.ts) → seed the shadow
 * copy with the legacy jobs created before the record (shadow-seed.ts). The shadow queue exists
 * before any gateway serves the shadow route, so no shadow copy is lost to a missing queue. A
 * queue in shadow mode already: nothing written and nothing seeded (its shadow queue is created,
 * empty, if it went missing): only the invocation that wrote the record seeds, so a rerun never
 * seeds twice.
 */
import { Command } from 'commander';
import { coerceError } from '../../../core/src/errors/coerce-error';
import { PACER_SYSTEM } from '../../../core/src/routing/routing-backend';
import { shadowQueueName } from '../../../core/src/shadow/shadow-queue-name';
import { RoutingConflictError } from '../routing/routing-errors';
import type { RoutingRecord } from '../routing/routing-record';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import { describeBehind, waitForGateways } from './gateway-wait';
import { describeRecord, openSystemsContext, readQueueState, requireQueueName, type QueueMigrationState, type SystemsContext } from './migration-context';
import { openMigrationStores } from './migration-stores';
import { parsePositive } from './option-parsers';
import { field, toJson } from './output-format';
import { createShadowQueue, DEFAULT_GATEWAY_WAIT_S, shadowQueueExists } from './shadow-copies';
import { decideShadowStart, type ShadowStartDecision } from './shadow-preconditions';
import { seedShadowCopy, ShadowSeedError, type ShadowSeed } from './shadow-seed';
import { operatorName, withWriteOptions, type WriteOptions } from './write-options';

const HELP = `
Preconditions (each refused with the reason): the queue's name leaves room for the shadow prefix
(zz_pacer_shadow__, Pacer queue names are at most 100 characters); the queue has a legacy record,
or none and exactly one legacy cluster holds it (then a record pinning it there is written
first); that cluster and Pacer are configured; no migration of the queue is copying or complete.
Then the shadow queue zz_pacer_shadow__<queue> is created in Pacer and the record becomes shadow
by compare-and-set: the legacy cluster still answers every call, the gateways copy enqueues to
the shadow queue (never served to a client) and compare read calls. Once every live gateway
applied the record (waited for up to --gateway-wait seconds; past that it goes on, with a
warning), the shadow queue is seeded with the queue's pending and failed jobs created before the
record was written, so counts and scans compare the whole queue from the start (the number is
reported). Only the run that writes the record seeds. Needs the routing operator credential
(PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL).

${exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'CONFLICT', 'PERMISSION_DENIED', 'MIGRATION_ACTIVE'])}

Examples:
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential pinlater-ops shadow start my_queue
  … pinlater-ops shadow start my_queue --yes --json --gateway-wait 60 --by alice --reason "compare before migrating"`;

interface ShadowStartOptions extends WriteOptions {
  readonly gatewayWait: number;
}

export function shadowStartCommand(ctx: CliContext): Command {
  return withWriteOptions(new Command('start').description('put a legacy queue in shadow mode: legacy answers, Pacer gets shadow copies to compare'))
    .argument('<queue>', 'the queue')
    .option('--gateway-wait <s>', 'how long to wait for live gateways to apply the record before seeding the shadow copy', parsePositive, DEFAULT_GATEWAY_WAIT_S)
    .addHelpText('after', HELP)
    .action(async (queue: string, options: ShadowStartOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runShadowStart(ctx, command, queue, options);
    });
}

interface Started {
  readonly pinned: RoutingRecord | null;
  readonly record: RoutingRecord;
  readonly tableVersion: number;
}

interface Seeded {
  readonly seed: ShadowSeed;
  /** Live gateways that had not applied the record when the wait ended (the seed ran anyway). */
  readonly gatewaysBehind: readonly string[];
}

async function runShadowStart(ctx: CliContext, command: Command, queue: string, options: ShadowStartOptions): Promise<number> {
  requireQueueName(queue);
  const m = await openSystemsContext(ctx, command, { write: true });
  const states = m.config.pacer === undefined ? undefined : openMigrationStores(m.config, ctx.resources, m.logger).states;
  const state = await readQueueState(m, states, queue);
  if (state.record?.mode === 'shadow' && m.config.pacer !== undefined) return alreadyShadowing(ctx, m, state.record, options);
  const decision = decideShadowStart({ ...state, legacyClusters: m.config.legacyClusters.map((c) => c.name), pacerConfigured: m.config.pacer !== undefined });
  const legacyCluster = decision.legacyCluster;
  if (decision.failed !== undefined || legacyCluster === undefined) {
    const failed = decision.failed;
    throw new CliFailure(failed?.refusal ?? 'REFUSED', `cannot start shadowing queue '${queue}': ${failed?.name ?? 'legacy-record'}: ${failed?.detail ?? 'no legacy cluster'}`, { preconditions: decision.checks });
  }
  const plan = planJson(state, decision, legacyCluster);
  if (options.json !== true) ctx.io.stdout.write(`${formatPlan(state, decision, legacyCluster)}\n`);
  await confirmWrite(ctx, `Put queue ${queue} in shadow mode?`, { yes: options.yes === true, plan });
  const started = await ctx.interruption.duringWrite(() => execute(m, queue, decision, legacyCluster, options));
  const seeded = await seedOnceApplied(ctx, m, legacyCluster, started, options);
  ctx.io.stdout.write(options.json === true ? toJson({ ...plan, written: true, ...started, ...seeded }) : `${formatResult(queue, started, seeded)}\n`);
  return 0;
}

/**
 * Once every live gateway applied the record (or the wait ended: a warning, the seed goes on; a
 * gateway still behind neither copies nor mirrors the queue's traffic, seeded or not), copies the
 * legacy jobs created before the record into the shadow queue. A failed or stopped seed: the
 * record stays written, the message says how much was seeded and how to get a complete copy.
 */
async function seedOnceApplied(ctx: CliContext, m: SystemsContext, legacyCluster: string, started: Started, options: ShadowStartOptions): Promise<Seeded> {
  const { queue, changedAt } = started.record;
  const behind = await waitForGateways(ctx, m.store, { tableVersion: started.tableVersion, timeoutMs: options.gatewayWait * 1000 });
  if (behind.length > 0) {
    ctx.io.stderr.write(`pinlater-ops: gateway(s) ${describeBehind(behind)} have not applied routing table version ${started.tableVersion} after ${options.gatewayWait} s: `
      + `seeding the shadow copy anyway; until they apply it they neither copy the queue's enqueues nor mirror its dequeues (pinlater-ops status)\n`);
  }
  try {
    const seed = await seedShadowCopy(m.systems.get(legacyCluster), m.systems.get(PACER_SYSTEM), queue, {
      numPriorityLevels: m.numPriorityLevels, createdBeforeMs: Date.parse(changedAt), eachPage: (page) => ctx.interruption.duringWrite(page),
    });
    return { seed, gatewaysBehind: behind.map((g) => g.gatewayId) };
  } catch (e) {
    throw seedFailure(queue, started, e);
  }
}

function seedFailure(queue: string, started: Started, e: unknown): CliFailure {
  const seeded = e instanceof ShadowSeedError ? e.seeded : 0;
  const cause = e instanceof ShadowSeedError ? e.cause : e;
  const what = `queue '${queue}' is in shadow mode (record version ${started.record.version}), but seeding its shadow copy stopped after ${seeded} cop${seeded === 1 ? 'y' : 'ies'}`;
  const fix = `its counts and scans compare against an incomplete copy: for a complete one run \`pinlater-ops shadow stop ${queue}\`, then \`pinlater-ops shadow start ${queue}\``;
  const detail = { written: true, ...started, seeded };
  if (cause instanceof CliFailure) return new CliFailure(cause.exitCode, `${cause.message}: ${what}; ${fix}`, detail);
  return new CliFailure('ERROR', `${what}: ${coerceError(cause).message}; ${fix}`, detail);
}

async function execute(m: SystemsContext, queue: string, d: ShadowStartDecision, legacyCluster: string, options: ShadowStartOptions): Promise<Started> {
  const changedBy = operatorName(options.by);
  let expected = d.expectedVersion;
  let pinned: RoutingRecord | null = null;
  if (d.pin) {
    pinned = (await m.store.write(queue, { mode: 'legacy', legacyCluster, changedBy, reason: `pinned to ${legacyCluster} before shadowing to Pacer` }, expected)).record;
    expected = pinned.version;
  }
  await createShadowQueue(m, queue);
  const reason = options.reason ?? `shadow: ${legacyCluster} answers, copies to ${shadowQueueName(queue)} on pacer`;
  try {
    const written = await m.store.write(queue, { mode: 'shadow', legacyCluster, changedBy, reason }, expected);
    return { pinned, record: written.record, tableVersion: written.tableVersion };
  } catch (e) {
    if (!(e instanceof RoutingConflictError)) throw e;
    throw new CliFailure('CONFLICT', `${e.message}; the shadow queue ${shadowQueueName(queue)} was created in Pacer and is left there (never served; \`pinlater-ops shadow stop ${queue}\` removes it)`);
  }
}

/** In shadow mode already: nothing to write; a shadow queue that went missing is created again. */
async function alreadyShadowing(ctx: CliContext, m: SystemsContext, record: RoutingRecord, options: WriteOptions): Promise<number> {
  const queue = record.queue;
  const missing = !(await shadowQueueExists(m, queue));
  if (missing) {
    const plan = { queue, record, shadowQueue: shadowQueueName(queue), createShadowQueue: true };
    if (options.json !== true) ctx.io.stdout.write(`Queue ${field(queue)} is in shadow mode (record version ${record.version}) but its shadow queue ${shadowQueueName(queue)} is missing in Pacer: it is created again.\n`);
    await confirmWrite(ctx, `Create the shadow queue of ${queue} in Pacer?`, { yes: options.yes === true, plan });
    await ctx.interruption.duringWrite(() => createShadowQueue(m, queue));
  }
  const text = `Queue ${field(queue)} is in shadow mode already (record version ${record.version}, ${describeRecord(record)}): ${missing ? 'created its missing shadow queue' : 'nothing to change'}.\n`;
  ctx.io.stdout.write(options.json === true ? toJson({ queue, record, shadowQueue: shadowQueueName(queue), written: false, createdShadowQueue: missing, seed: null }) : text);
  return 0;
}

function planJson(state: QueueMigrationState, d: ShadowStartDecision, legacyCluster: string): Record<string, unknown> {
  return {
    queue: state.queue, before: state.record ?? null, presentOn: state.holders, legacyCluster, shadowQueue: shadowQueueName(state.queue),
    pin: d.pin, expectedVersion: d.expectedVersion, preconditions: d.checks,
  };
}

function formatPlan(state: QueueMigrationState, d: ShadowStartDecision, legacyCluster: string): string {
  return [
    `Shadow queue ${field(state.queue)} to Pacer:`,
    `  now:      ${describeRecord(state.record, state.unreadable)}`,
    ...(d.pin ? [`  first:    a record pinning it to ${legacyCluster} (it has none)`] : []),
    `  creates:  the shadow queue ${shadowQueueName(state.queue)} on pacer (if it is not there; never served to clients)`,
    `  writes:   the record shadow on ${legacyCluster}, compare-and-set on version ${d.pin ? 1 : d.expectedVersion}`,
    `  seeds:    the shadow queue with the queue's pending and failed jobs from before the record, once the live gateways applied it`,
    `  then:     ${legacyCluster} still answers every call; gateways copy enqueues to the shadow queue and compare read calls`,
  ].join('\n');
}

function formatResult(queue: string, s: Started, seeded: Seeded): string {
  const { seed } = seeded;
  return [
    `Queue ${field(queue)} is in shadow mode (record version ${s.record.version}, table version ${s.tableVersion}): ${s.record.legacyCluster ?? '?'} answers, shadow copies go to ${shadowQueueName(queue)} on pacer.`,
    ...(s.pinned === null ? [] : [`Pinned the queue to ${s.pinned.legacyCluster ?? '?'} first (record version ${s.pinned.version}).`]),
    `Seeded the shadow copy with ${seed.seeded} job${seed.seeded === 1 ? '' : 's'} from before shadow mode (${seed.pending} pending, ${seed.failed} failed; created before ${seed.createdBefore}).`,
    `Compare: the gateway dashboard, pinlater-ops shadow status ${queue}; leave: pinlater-ops shadow stop ${queue}; migrate: pinlater-ops migrate start ${queue}.`,
  ].join('\n');
}
