/**
 * `pinlater-ops limits show [<queue>] [--json] [--gateways-admin host:port,…]`: the queue limits in
 * ZooKeeper (docs/rate-limits.md) and, per live gateway, whether it applies the latest limits
 * version (its presence says which it applied). With `--gateways-admin`, also each gateway's own
 * `/limits`: every limit in force there, queue_config.json's included. Reads only; no credential.
 */
import { Command } from 'commander';
import { isValidQueueName } from '../../../core/src/types/queue-name';
import { isPausedLimit, type QueueLimitRecord } from '../routing/queue-limit-record';
import { QueueLimitStore, type QueueLimitListing } from '../routing/queue-limit-store';
import { QueueLimitsMissingError } from '../routing/queue-limits-reader';
import { loadOpsConfig } from './cli-config';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { commandLogger, globalOptions } from './command-context';
import { EXIT_CODES, exitCodesHelp } from './exit-codes';
import { fetchAdminLimits, parseAdminAddresses, type AdminLimits } from './gateway-admin-limits';
import { gatewayLimitsStates, type GatewayLimitsState } from './limits-gateway-wait';
import { rateText } from './limit-text';
import { field, formatTable, section, toJson } from './output-format';
import { connectRouting } from './routing-connection';

interface ShowOptions {
  readonly json?: boolean;
  readonly gatewaysAdmin?: string[];
}

interface Problem {
  readonly code: 'LIMITS_NODE_MISSING' | 'INVALID_LIMIT' | 'LIMITS_SKIPPED' | 'GATEWAY_BEHIND' | 'GATEWAY_NOT_APPLYING' | 'ADMIN_UNREACHABLE';
  readonly message: string;
}

interface ShowReport {
  readonly root: string;
  readonly limitsVersion: number | null;
  readonly limits: ReadonlyArray<QueueLimitRecord & { readonly pausedInEffect: boolean; readonly perGatewayMaxJobsPerSecond: number | null }>;
  readonly invalid: QueueLimitListing['invalid'];
  readonly gateways: readonly GatewayLimitsState[];
  readonly admin: readonly AdminLimits[];
  readonly problems: readonly Problem[];
}

const HELP = `
Per gateway, STATE is applied (its presence names the latest limits version), behind (an older
one: it still enforces the previous limits), or not-applying (its presence carries no limits
version: a gateway older than ZooKeeper limits, or one that has not read them yet). The rate
each gateway allows is the fleet-wide rate divided by the live gateways.
--gateways-admin reads each gateway's /limits too (its admin port, OSTRICH_PORT / ADMIN_PORT):
every limit in force there, with its source (zookeeper, or queue_config for queue_config.json).

${exitCodesHelp(['PROBLEMS'], { PROBLEMS: 'problems found: a gateway behind or not applying the limits, a limit that does not parse, <root>/limits missing, an admin port not answering (all listed)' })}

Examples:
  pinlater-ops --config config/routing.local.json limits show
  pinlater-ops limits show my_queue --json
  pinlater-ops limits show --gateways-admin 127.0.0.1:9999,127.0.0.1:10999`;

export function limitsShowCommand(ctx: CliContext): Command {
  return new Command('show')
    .description('the queue limits in ZooKeeper and which gateways apply them (with --gateways-admin: every limit in force on each)')
    .argument('[queue]', 'only this queue')
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .option('--gateways-admin <list>', "gateways' admin ports, host:port[,host:port…]: show each one's /limits too", parseAdminAddresses)
    .addHelpText('after', HELP)
    .action(async (queue: string | undefined, options: ShowOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runShow(ctx, command, queue, options);
    });
}

async function runShow(ctx: CliContext, command: Command, queue: string | undefined, options: ShowOptions): Promise<number> {
  if (queue !== undefined && !isValidQueueName(queue)) throw new CliFailure('USAGE', `'${field(queue)}' is not a PinLater queue name (1-255 of [A-Za-z0-9_])`);
  const globals = globalOptions(command);
  const config = loadOpsConfig(globals.config, ctx.environment);
  const { zk, store } = await connectRouting(ctx, globals, config.table, { logger: commandLogger(globals) });
  const [listing, presences, admin] = await Promise.all([
    listLimits(QueueLimitStore.forReading(zk, { paths: store.paths })), store.gateways(), fetchAdminLimits(options.gatewaysAdmin ?? []),
  ]);
  const report = buildReport(store.paths.limits(), listing, presences.length, gatewayLimitsStates(presences, listing?.limitsVersion ?? 0), admin, queue);
  const exitCode = report.problems.length > 0 ? EXIT_CODES.PROBLEMS : EXIT_CODES.OK;
  ctx.io.stdout.write(options.json === true ? toJson({ queue: queue ?? null, ...report, exitCode }) : `${formatReport(report, queue)}\n`);
  return exitCode;
}

async function listLimits(limits: QueueLimitStore): Promise<QueueLimitListing | undefined> {
  try {
    return await limits.list();
  } catch (e) {
    if (e instanceof QueueLimitsMissingError) return undefined;
    throw e;
  }
}

function buildReport(root: string, listing: QueueLimitListing | undefined, live: number, states: GatewayLimitsState[], admin: AdminLimits[], queue: string | undefined): ShowReport {
  const mine = <T extends { queue: string }>(items: readonly T[]): T[] => items.filter((i) => queue === undefined || i.queue === queue);
  const limits = mine(listing?.records ?? []).map((r) => ({
    ...r, pausedInEffect: isPausedLimit(r), perGatewayMaxJobsPerSecond: isPausedLimit(r) ? 0 : r.maxJobsPerSecond === null ? null : r.maxJobsPerSecond / Math.max(1, live),
  }));
  const invalid = mine(listing?.invalid ?? []);
  const adminShown = admin.map((a) => (a.report === undefined ? a : { ...a, report: { ...a.report, queues: mine(a.report.queues) } }));
  return { root, limitsVersion: listing?.limitsVersion ?? null, limits, invalid, gateways: states, admin: adminShown, problems: problemsOf(root, listing, invalid, states, admin) };
}

function problemsOf(root: string, listing: QueueLimitListing | undefined, invalid: QueueLimitListing['invalid'], states: readonly GatewayLimitsState[], admin: readonly AdminLimits[]): Problem[] {
  const problems: Problem[] = [];
  if (listing === undefined) problems.push({ code: 'LIMITS_NODE_MISSING', message: `${root} does not exist: run pinlater-ops setup (idempotent) to add it; no ZooKeeper limits apply meanwhile` });
  for (const i of invalid) problems.push({ code: 'INVALID_LIMIT', message: `limit of ${field(i.queue)} is ignored by gateways (each keeps what it applied before): ${field(i.error, 200)}` });
  if ((listing?.skipped.length ?? 0) > 0) problems.push({ code: 'LIMITS_SKIPPED', message: `${listing?.skipped.length ?? 0} limit(s) beyond the bound gateways read are not applied` });
  for (const s of states) {
    if (s.state === 'behind') problems.push({ code: 'GATEWAY_BEHIND', message: `gateway ${field(s.gatewayId)} applies limits version ${s.limitsVersion ?? '?'}, not ${listing?.limitsVersion ?? 0}` });
    if (s.state === 'not-applying') problems.push({ code: 'GATEWAY_NOT_APPLYING', message: `gateway ${field(s.gatewayId)} publishes no limits version: it does not apply ZooKeeper limits (older, or not loaded yet)` });
  }
  for (const a of admin) if (a.error !== undefined) problems.push({ code: 'ADMIN_UNREACHABLE', message: `${a.address}/limits: ${field(a.error, 200)}` });
  return problems;
}

function formatReport(r: ShowReport, queue: string | undefined): string {
  const head = r.limitsVersion === null ? `Queue limits in ZooKeeper ${r.root}: not set up` : `Queue limits in ZooKeeper ${r.root}: limits version ${r.limitsVersion}, ${r.gateways.length} live gateway(s)`;
  const parts = [
    head,
    section(queue === undefined ? 'Limits' : `Limit of ${queue}`, r.limits.length, () => formatTable(
      ['QUEUE', 'LIMIT', 'PER GATEWAY', 'VERSION', 'CHANGED BY', 'CHANGED AT', 'REASON'],
      r.limits.map((l) => [l.queue, limitText(l), l.perGatewayMaxJobsPerSecond === null ? '-' : rateText(l.perGatewayMaxJobsPerSecond), String(l.version), field(l.changedBy, 30), l.changedAt, field(l.reason, 60)]),
    )),
    section('Gateways', r.gateways.length, () => formatTable(
      ['GATEWAY', 'HOST', 'PID', 'LIMITS VERSION', 'STATE'],
      r.gateways.map((g) => [field(g.gatewayId), field(g.host, 40), String(g.pid), g.limitsVersion === null ? '-' : String(g.limitsVersion), g.state]),
    )),
    ...r.admin.map(formatAdmin),
    section('Problems', r.problems.length, () => r.problems.map((p) => `  ${p.code}: ${p.message}`).join('\n')),
  ];
  return parts.join('\n');
}

function limitText(l: QueueLimitRecord): string {
  if (l.paused) return `PAUSED${l.maxJobsPerSecond === null ? '' : ` (rate kept: ${rateText(l.maxJobsPerSecond)})`}`;
  return l.maxJobsPerSecond === 0 ? 'PAUSED (rate 0)' : `${rateText(l.maxJobsPerSecond ?? 0)} fleet-wide`;
}

function formatAdmin(a: AdminLimits): string {
  if (a.report === undefined) return `Gateway admin ${a.address}: ${field(a.error ?? 'no answer', 200)}`;
  const { report } = a;
  const zk = report.zookeeper.enabled ? `limits version ${report.zookeeper.limitsVersion ?? 'not read yet'}, ${report.zookeeper.gatewayCount ?? '?'} gateway(s) counted` : 'no ZooKeeper limits';
  const title = `Gateway admin ${a.address} (${field(report.gatewayId ?? 'single-backend gateway')}; ${zk}): limits in force`;
  return section(title, report.queues.length, () => formatTable(
    ['QUEUE', 'SOURCE', 'FLEET RATE', 'PER GATEWAY', 'DIVIDED BY', 'PAUSED', 'NOTE'],
    report.queues.map((q) => [
      field(q.queue), q.source, q.fleetMaxJobsPerSecond === null ? '-' : rateText(q.fleetMaxJobsPerSecond), rateText(q.perGatewayMaxJobsPerSecond), String(q.dividedBy), q.paused ? 'yes' : 'no',
      q.overridesQueueConfig === undefined ? '' : `overrides queue_config.json (${rateText(q.overridesQueueConfig.fleetMaxJobsPerSecond)})`,
    ]),
  ));
}
