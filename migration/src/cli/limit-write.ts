/**
 * One write of a queue limit in ZooKeeper (docs/rate-limits.md), shared by `queue pause|unpause`
 * and `limits set|clear`. Order: read the queue's limit and the live gateways → the limit after
 * the change (`LimitEdit`; nothing to change: exit 0) → plan and confirmation → compare-and-set on
 * the version read (queue-limit-store.ts) → wait (bounded, `--gateway-wait`) until every live
 * gateway's presence names the new limits version. Gateways still behind: exit INCOMPLETE (the
 * limit is written; they apply it once they read it, `pinlater-ops limits show` tells).
 *
 * Needs only ZooKeeper: no legacy system or Pacer is opened, so a queue can be paused while the
 * systems behind it are in trouble.
 */
import { Command } from 'commander';
import { isValidQueueName } from '../../../core/src/types/queue-name';
import { QueueLimitConflictError, QueueLimitsFullError } from '../routing/queue-limit-errors';
import { isPausedLimit, type QueueLimitRecord } from '../routing/queue-limit-record';
import { QueueLimitStore, type FoundQueueLimit } from '../routing/queue-limit-store';
import { QueueLimitsMissingError } from '../routing/queue-limits-reader';
import { RoutingRecordError } from '../routing/routing-record';
import type { RoutingStore } from '../routing/routing-store';
import { loadOpsConfig, operatorCredential } from './cli-config';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { commandLogger, globalOptions } from './command-context';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import { DEFAULT_LIMITS_WAIT_S, describeLimitsBehind, waitForLimits, type GatewayLimitsState } from './limits-gateway-wait';
import { describeLimit, describeTarget, type LimitTarget } from './limit-text';
import { field, toJson } from './output-format';
import { parseNonNegative } from './option-parsers';
import { connectRouting } from './routing-connection';
import { operatorName, withWriteOptions, type WriteOptions } from './write-options';

/** The "Exit codes:" block of every limit write's help. */
export const LIMIT_WRITE_EXIT_CODES = exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'CONFLICT', 'PERMISSION_DENIED', 'INCOMPLETE'], {
  REFUSED: 'refused: <root>/limits does not exist (run pinlater-ops setup), or the most limits gateways read exist already; nothing written',
  CONFLICT: "conflict: the queue's limit changed since it was read (another operator); nothing written",
  PERMISSION_DENIED: 'permission denied: ZooKeeper refused the write (not the routing operator credential); nothing written',
  INCOMPLETE: 'incomplete: the limit was written, but a live gateway had not applied it after --gateway-wait (listed): it does not enforce it yet',
});

export interface LimitWriteOptions extends WriteOptions {
  /** Seconds to wait for the live gateways to apply the change (0: check once). */
  readonly gatewayWait: number;
}

/** What a command does to a queue's limit. */
export interface LimitEdit {
  /** `queue pause`, `limits set`, …: in messages and `--json`. */
  readonly action: string;
  /** The limit after the change (null: the queue has none), from the one in force (undefined: none or unreadable). */
  target(current: QueueLimitRecord | undefined): LimitTarget | null;
  /** Default reason kept in the record. */
  readonly defaultReason: string;
}

export interface LimitWriteCommandSpec<O extends LimitWriteOptions> {
  readonly name: string;
  readonly description: string;
  /** The text after the options in `--help`: what it does, exit codes, examples. */
  readonly help: string;
  readonly edit: (options: O) => LimitEdit;
  /** The command's own options. */
  readonly options?: (command: Command) => Command;
}

/** A subcommand writing one queue's limit: `<queue>`, the write options and `--gateway-wait`. */
export function limitWriteCommand<O extends LimitWriteOptions>(ctx: CliContext, spec: LimitWriteCommandSpec<O>): Command {
  const command = withWriteOptions(new Command(spec.name).description(spec.description))
    .argument('<queue>', 'the queue')
    .option('--gateway-wait <s>', 'how long to wait for the live gateways to apply it (0: check once)', parseNonNegative, DEFAULT_LIMITS_WAIT_S);
  return (spec.options?.(command) ?? command)
    .addHelpText('after', spec.help)
    .action(async (queue: string, options: O, cmd: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runLimitWrite(ctx, cmd, queue, options, spec.edit(options));
    });
}

interface LimitPlan {
  readonly queue: string;
  readonly found: FoundQueueLimit | undefined;
  readonly target: LimitTarget | null;
  readonly liveGateways: number;
  readonly warnings: readonly string[];
}

export async function runLimitWrite(ctx: CliContext, command: Command, queue: string, options: LimitWriteOptions, edit: LimitEdit): Promise<number> {
  if (!isValidQueueName(queue)) throw new CliFailure('USAGE', `'${field(queue)}' is not a PinLater queue name (1-255 of [A-Za-z0-9_])`);
  const globals = globalOptions(command);
  const config = loadOpsConfig(globals.config, ctx.environment);
  const credential = operatorCredential(ctx.environment);
  const { zk, store } = await connectRouting(ctx, globals, config.table, { credential, logger: commandLogger(globals) });
  const limits = await QueueLimitStore.open(zk, credential, { paths: store.paths });
  const plan = await planWrite(store, limits, queue, edit);
  const doc = planJson(edit, plan);
  if (unchanged(plan)) {
    ctx.io.stdout.write(options.json === true ? toJson({ ...doc, written: false }) : `Queue ${queue}: ${describeLimit(plan.found?.record)}; nothing to change.\n`);
    return 0;
  }
  if (options.json !== true) ctx.io.stdout.write(`${formatPlan(edit, plan)}\n`);
  await confirmWrite(ctx, `${capitalized(edit.action)} ${queue}?`, { yes: options.yes === true, plan: doc });
  const written = await ctx.interruption.duringWrite(() => write(limits, plan, options, edit));
  const gateways = await waitForLimits(ctx, store, written.limitsVersion, options.gatewayWait * 1000);
  const result = { ...doc, written: true, record: written.record, limitsVersion: written.limitsVersion, gateways };
  const behind = gateways.filter((g) => g.state !== 'applied');
  if (behind.length > 0) {
    throw new CliFailure('INCOMPLETE', `the limit of queue '${queue}' was written (limits version ${written.limitsVersion}), but gateway(s) ${describeLimitsBehind(gateways)} `
      + `have not applied it after ${options.gatewayWait} s: they do not enforce it yet (pinlater-ops limits show ${queue})`, result);
  }
  ctx.io.stdout.write(options.json === true ? toJson(result) : `${formatResult(queue, written, gateways)}\n`);
  return 0;
}

async function planWrite(store: RoutingStore, limits: QueueLimitStore, queue: string, edit: LimitEdit): Promise<LimitPlan> {
  const [found, gateways, routed] = await Promise.all([limits.find(queue), store.gateways(), hasRoutingRecord(store, queue)]);
  const target = edit.target(found?.record);
  const warnings: string[] = [];
  if (!routed) warnings.push(`queue ${queue} has no routing record: check the name (a queue without one is limited all the same)`);
  if (found?.error !== undefined) warnings.push(`the limit in ZooKeeper does not parse (gateways ignore it): ${found.error.message}`);
  return { queue, found, target, liveGateways: gateways.length, warnings };
}

async function hasRoutingRecord(store: RoutingStore, queue: string): Promise<boolean> {
  try {
    return (await store.read(queue)) !== undefined;
  } catch (e) {
    if (e instanceof RoutingRecordError) return true;
    throw e;
  }
}

function unchanged(plan: LimitPlan): boolean {
  const current = plan.found?.record;
  if (plan.found !== undefined && current === undefined) return false; // an unreadable limit is always replaced
  if (current === undefined || plan.target === null) return current === undefined && plan.target === null;
  return current.paused === plan.target.paused && current.maxJobsPerSecond === plan.target.maxJobsPerSecond;
}

async function write(limits: QueueLimitStore, plan: LimitPlan, options: LimitWriteOptions, edit: LimitEdit): Promise<{ record: QueueLimitRecord | null; limitsVersion: number }> {
  const change = plan.target === null ? null : { ...plan.target, changedBy: operatorName(options.by), reason: options.reason ?? edit.defaultReason };
  try {
    return await limits.write(plan.queue, change, plan.found?.version ?? 0);
  } catch (e) {
    if (e instanceof QueueLimitConflictError) throw new CliFailure('CONFLICT', e.message);
    if (e instanceof QueueLimitsMissingError || e instanceof QueueLimitsFullError) throw new CliFailure('REFUSED', e.message);
    throw e;
  }
}

function formatPlan(edit: LimitEdit, plan: LimitPlan): string {
  return [
    `${capitalized(edit.action)} ${plan.queue}:`,
    `  now:     ${plan.found !== undefined && plan.found.record === undefined ? 'a limit that does not parse' : describeLimit(plan.found?.record)}`,
    `  after:   ${describeTarget(plan.target, plan.liveGateways)}`,
    `  writes:  the limit in ZooKeeper, compare-and-set on ${plan.found === undefined ? 'no limit' : `version ${plan.found.version}`}; ${plan.liveGateways} live gateway(s) apply it`,
    ...plan.warnings.map((w) => `  warning: ${w}`),
  ].join('\n');
}

function formatResult(queue: string, written: { record: QueueLimitRecord | null; limitsVersion: number }, gateways: readonly GatewayLimitsState[]): string {
  const what = written.record === null ? 'no ZooKeeper limit (queue_config.json applies, if it names the queue)' : describeLimit(written.record);
  return [
    `Queue ${queue}: ${what}; limits version ${written.limitsVersion}.`,
    gateways.length === 0 ? 'No live gateway: each applies it when it starts.' : `Applied by every live gateway (${gateways.map((g) => field(g.gatewayId, 60)).join(', ')}).`,
  ].join('\n');
}

function planJson(edit: LimitEdit, plan: LimitPlan): Record<string, unknown> {
  return {
    action: edit.action, queue: plan.queue, before: plan.found?.record ?? null, unreadableBefore: plan.found !== undefined && plan.found.record === undefined,
    expectedVersion: plan.found?.version ?? 0, after: plan.target, pausedAfter: plan.target === null ? false : isPausedLimit(plan.target),
    liveGateways: plan.liveGateways, warnings: plan.warnings,
  };
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
