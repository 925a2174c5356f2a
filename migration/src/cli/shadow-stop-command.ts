/**
 * `pinlater-ops shadow stop <queue> [--gateway-wait <s>] [--yes] [--json] [--by] [--reason]`:
 * takes a queue out of shadow mode (issue 13; routing-transitions.ts shadow → legacy) and removes
 * its shadow copies. Order: confirm → the record → legacy on its cluster by compare-and-set → wait
 * until every live gateway applied that table version (gateway-wait.ts; none writes shadow copies
 * any more) → count the shadow copies and delete the shadow queue in Pacer (shadow-copies.ts).
 * Gateways still behind after the wait: exit INCOMPLETE, the record written, the shadow queue
 * left (never served). Run again, the command finishes what is left: a queue no longer in shadow
 * mode whose shadow queue still exists (after INCOMPLETE, or a `migrate start` from shadow that
 * could not remove it) has only its shadow queue removed.
 */
import { Command } from 'commander';
import { shadowQueueName } from '../../../core/src/shadow/shadow-queue-name';
import type { RoutingRecord } from '../routing/routing-record';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import { describeRecord, openSystemsContext, readQueueState, requireQueueName, type QueueMigrationState, type SystemsContext } from './migration-context';
import { parsePositive } from './option-parsers';
import { field, toJson } from './output-format';
import { DEFAULT_GATEWAY_WAIT_S, describeRemoval, removeShadowCopiesOnceApplied, shadowQueueExists } from './shadow-copies';
import { operatorName, withWriteOptions, type WriteOptions } from './write-options';

interface ShadowStopOptions extends WriteOptions {
  readonly gatewayWait: number;
}

const HELP = `
The record goes back to legacy on its cluster (compare-and-set); once every live gateway has
applied that routing table version (waited for up to --gateway-wait seconds), no gateway writes
shadow copies any more and the shadow queue zz_pacer_shadow__<queue> is deleted from Pacer with
every shadow copy in it (counted and reported). If gateways are still behind after the wait the
command ends with exit 10: the record is written, the shadow queue stays (never served to
clients); run the same command again once they caught up (pinlater-ops status). On a queue no
longer in shadow mode it removes a shadow queue left behind. Needs the routing operator
credential (PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL).

${exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'CONFLICT', 'PERMISSION_DENIED', 'INCOMPLETE'])}

Examples:
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential pinlater-ops shadow stop my_queue
  … pinlater-ops shadow stop my_queue --yes --json --gateway-wait 120 --by alice --reason "shadow looks clean"`;

export function shadowStopCommand(ctx: CliContext): Command {
  return withWriteOptions(new Command('stop').description('take a queue out of shadow mode (back to legacy) and remove its shadow copies from Pacer'))
    .argument('<queue>', 'the queue')
    .option('--gateway-wait <s>', 'how long to wait for live gateways to apply the change before removing the shadow copies', parsePositive, DEFAULT_GATEWAY_WAIT_S)
    .addHelpText('after', HELP)
    .action(async (queue: string, options: ShadowStopOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runShadowStop(ctx, command, queue, options);
    });
}

interface StopPlan {
  readonly state: QueueMigrationState;
  /** The shadow record the change replaces; undefined: only a left-over shadow queue is removed. */
  readonly shadowRecord: (RoutingRecord & { readonly legacyCluster: string }) | undefined;
  readonly shadowQueueExists: boolean;
}

async function runShadowStop(ctx: CliContext, command: Command, queue: string, options: ShadowStopOptions): Promise<number> {
  requireQueueName(queue);
  const m = await openSystemsContext(ctx, command, { write: true });
  if (m.config.pacer === undefined) throw new CliFailure('REFUSED', `cannot stop shadowing queue '${queue}': the routing config has no Pacer, where shadow copies live`);
  const [state, exists] = await Promise.all([readQueueState(m, undefined, queue), shadowQueueExists(m, queue)]);
  const plan = planOf(state, exists);
  if (plan === undefined) return nothingToDo(ctx, state, options);
  const doc = planJson(plan, options.gatewayWait);
  if (options.json !== true) ctx.io.stdout.write(`${formatPlan(plan, options.gatewayWait)}\n`);
  await confirmWrite(ctx, plan.shadowRecord === undefined ? `Remove the shadow queue of ${queue}?` : `Take queue ${queue} out of shadow mode?`, { yes: options.yes === true, plan: doc });
  const written = plan.shadowRecord === undefined ? undefined : await ctx.interruption.duringWrite(() => writeLegacy(m, plan.shadowRecord as RoutingRecord & { legacyCluster: string }, options));
  if (written !== undefined && options.json !== true) ctx.io.stdout.write(`Queue ${field(queue)} is back in legacy mode on ${written.record.legacyCluster ?? '?'} (record version ${written.record.version}, table version ${written.tableVersion}).\n`);
  const tableVersion = written?.tableVersion ?? (await m.store.tableVersion());
  const removal = await removeShadowCopiesOnceApplied(ctx, m, { queue, tableVersion, gatewayWaitS: options.gatewayWait, written: { ...doc, written: written !== undefined, record: written?.record ?? null } });
  ctx.io.stdout.write(options.json === true ? toJson({ ...doc, written: written !== undefined, record: written?.record ?? null, tableVersion, removal }) : `${capitalized(describeRemoval(removal))}.\n`);
  return 0;
}

/** What to do: leave shadow mode (and remove the copies), or only remove a left-over shadow queue; undefined: nothing. */
function planOf(state: QueueMigrationState, exists: boolean): StopPlan | undefined {
  const r = state.record;
  if (r?.mode === 'shadow' && r.legacyCluster !== null) return { state, shadowRecord: { ...r, legacyCluster: r.legacyCluster }, shadowQueueExists: exists };
  return exists ? { state, shadowRecord: undefined, shadowQueueExists: true } : undefined;
}

function nothingToDo(ctx: CliContext, state: QueueMigrationState, options: ShadowStopOptions): number {
  const { queue, record } = state;
  if (record === undefined && !state.unreadable) throw new CliFailure('REFUSED', `cannot stop shadowing queue '${queue}': it has no routing record and no shadow queue in Pacer (pinlater-ops shadow status)`);
  ctx.io.stdout.write(options.json === true
    ? toJson({ queue, record: record ?? null, shadowQueue: shadowQueueName(queue), written: false, removal: null })
    : `Queue ${field(queue)} is not in shadow mode (${describeRecord(record, state.unreadable)}) and has no shadow queue in Pacer: nothing to change.\n`);
  return 0;
}

function writeLegacy(m: SystemsContext, record: RoutingRecord & { legacyCluster: string }, options: ShadowStopOptions): Promise<{ record: RoutingRecord; tableVersion: number }> {
  const reason = options.reason ?? `shadow stopped: back to ${record.legacyCluster} alone, shadow copies removed`;
  return m.store.write(record.queue, { mode: 'legacy', legacyCluster: record.legacyCluster, changedBy: operatorName(options.by), reason }, record.version);
}

function planJson(p: StopPlan, gatewayWaitS: number): Record<string, unknown> {
  return {
    queue: p.state.queue, before: p.state.record ?? null, leavesShadow: p.shadowRecord !== undefined,
    shadowQueue: shadowQueueName(p.state.queue), shadowQueueExists: p.shadowQueueExists, gatewayWaitS,
  };
}

function formatPlan(p: StopPlan, gatewayWaitS: number): string {
  const shadowQueue = shadowQueueName(p.state.queue);
  const r = p.shadowRecord;
  return [
    `Stop shadowing queue ${field(p.state.queue)}:`,
    `  now:      ${describeRecord(p.state.record, p.state.unreadable)}${r === undefined ? '' : `, record version ${r.version}`}`,
    ...(r === undefined ? [`  left:     its shadow queue ${shadowQueue} on pacer (the queue is not in shadow mode)`] : [`  writes:   the record legacy on ${r.legacyCluster}, compare-and-set on version ${r.version}`]),
    `  then:     waits up to ${gatewayWaitS} s for every live gateway to apply it, then deletes ${p.shadowQueueExists ? `the shadow queue ${shadowQueue} from pacer with its shadow copies` : `nothing (no shadow queue ${shadowQueue} on pacer)`}`,
  ].join('\n');
}

function capitalized(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
