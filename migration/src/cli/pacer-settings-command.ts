/**
 * `pinlater-ops pacer settings [show]` and `pinlater-ops pacer settings set
 * --max-partitions-in-transition <n>`: a Pacer cluster's stored settings in ZooKeeper (its
 * ClusterConfig record, docs/pacer-cluster.md), through Pacer's ClusterSettingsAdmin
 * (pacer/src/cli/cluster-settings-admin.ts). Where the cluster is: `--zk`, `--cluster`,
 * `--session-timeout-ms` or their PACER_* variables, as for `pinlater-ops pacer status`.
 *
 * `set` changes MAX_PARTITION_IN_TRANSITION only (the throttle of a rebalance: the bound on every
 * transition, or with --rebalance-type the bound of one kind, Helix's REBALANCE_TYPE): it shows the change,
 * asks y/N (without a terminal it needs --yes), then writes with a compare-and-set on the version
 * it showed. No credential: the Pacer cluster's nodes carry no ACL (every Pacer process writes
 * them). The exit codes are pinlater-ops's (exit-codes.ts).
 */
import { Command, InvalidArgumentError } from 'commander';
import type { ClusterLocationOptions, ClusterSettingsAdmin, ClusterSettingsSnapshot, RebalanceType } from '../../../pacer/index';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { confirmWrite } from './confirmation';
import { exitCodesHelp } from './exit-codes';
import type { PacerEntry } from './lazy-entries';
import { parsePositive } from './option-parsers';
import { field, toJson } from './output-format';
import { formatSettings, headline, SET_THROTTLE_COMMAND } from './pacer-settings-text';
import { withWriteOptions, type WriteOptions } from './write-options';

interface ShowOptions extends ClusterLocationOptions {
  readonly json?: boolean;
}

interface SetOptions extends ClusterLocationOptions, WriteOptions {
  /** `none` only with a typed --rebalance-type (its bound removed). Not null: commander stores a parser's null as ''. */
  readonly maxPartitionsInTransition: number | 'none';
  readonly rebalanceType?: RebalanceType;
}

const REBALANCE_TYPES: readonly RebalanceType[] = ['ANY', 'RECOVERY_BALANCE', 'LOAD_BALANCE'];

const ERROR_MEANING = 'error: ZooKeeper unreachable, an invalid --zk/--cluster/--session-timeout-ms (or PACER_* variable), or the cluster not found under --zk (nothing is created)';

const GROUP_HELP = `
  pinlater-ops pacer settings [show]    the stored settings, what the controller uses, the defaults
  pinlater-ops pacer settings set --max-partitions-in-transition <n> [--rebalance-type <type>]

MAX_PARTITION_IN_TRANSITION bounds the partitions in transition at once (messages pending), so
a rebalance (a broker leaving or joining) runs in rounds of at most that many. A new cluster gets
the default; a cluster keeps what it was set up with. As in Helix, a bound may also be set for
one kind of transition on top (REBALANCE_TYPE): RECOVERY_BALANCE counts partitions coming ONLINE
(unserved until then: a broker's takeover after another left), LOAD_BALANCE the others (a
partition handed off, dropped). The leading controller watches the record and uses a new value
from its next run; nothing restarts.

${exitCodesHelp(['NOT_CONFIRMED', 'CONFLICT'], { ERROR: ERROR_MEANING, CONFLICT: 'set: the cluster config changed since it was read; nothing written' })}

Examples:
  pinlater-ops pacer settings --zk 127.0.0.1:2181 --cluster pacer
  pinlater-ops pacer settings set --zk 127.0.0.1:2181 --cluster pacer --max-partitions-in-transition 1000`;

export function pacerSettingsCommand(ctx: CliContext, pacer: PacerEntry): Command {
  return new Command('settings')
    .description("A Pacer cluster's stored settings in ZooKeeper (MAX_PARTITION_IN_TRANSITION, the rebalance delay): show, set")
    .addHelpText('after', GROUP_HELP)
    .addCommand(showCommand(ctx, pacer), { isDefault: true })
    .addCommand(setCommand(ctx, pacer));
}

function withLocation(command: Command): Command {
  return command
    .option('--zk <connect>', 'ZooKeeper host:port[/chroot] (PACER_ZK_CONNECT, default 127.0.0.1:2181)')
    .option('--cluster <name>', 'cluster name (PACER_CLUSTER, default pacer)')
    .option('--session-timeout-ms <ms>', 'ZooKeeper session timeout, also the bound on reaching ZooKeeper (PACER_ZK_SESSION_TIMEOUT_MS, default 6000)');
}

function showCommand(ctx: CliContext, pacer: PacerEntry): Command {
  return withLocation(new Command('show').description("print the cluster's stored settings, the values the controller uses and the defaults"))
    .option('--json', 'print one JSON document (the stored values as text, "inUse" and "default" as numbers)')
    .addHelpText('after', `
Columns: STORED (the record's text; - when absent), CONTROLLER USES (the stored value when it is
valid, else the default), DEFAULT (what a new cluster gets).

${exitCodesHelp([], { ERROR: ERROR_MEANING })}

Examples:
  pinlater-ops pacer settings show --zk 127.0.0.1:2181 --cluster pacer
  pinlater-ops pacer settings --cluster pacer --json | jq .maxPartitionsInTransition`)
    .action(async (options: ShowOptions) => {
      ctx.json = options.json === true;
      const settings = await (await openAdmin(ctx, pacer, options)).read();
      ctx.io.stdout.write(options.json === true ? toJson(settings) : `${formatSettings(settings, pacer.MAX_PARTITIONS_IN_TRANSITION_LIMIT)}\n`);
    });
}

function setCommand(ctx: CliContext, pacer: PacerEntry): Command {
  const limit = pacer.MAX_PARTITIONS_IN_TRANSITION_LIMIT;
  const command = withLocation(new Command('set').description("change the cluster's MAX_PARTITION_IN_TRANSITION (the throttle of a rebalance)"))
    .requiredOption('--max-partitions-in-transition <n>', `partitions in transition at once, 1 to ${limit}; none removes a --rebalance-type bound`, (value) => parseThrottle(value, limit))
    .option('--rebalance-type <type>', 'the transitions the bound counts: ANY (every one, the default), RECOVERY_BALANCE (to ONLINE) or LOAD_BALANCE (the others)', parseRebalanceType);
  return withWriteOptions(command, false)
    .addHelpText('after', `
Shows the change, asks y/N (without a terminal on stdin: --yes), writes only if the record is
still the one shown. The other settings in the record stay as they are. Raise it (up to ${limit})
when a large rebalance is slow; lower it to spread a rebalance over more rounds (fewer
transitions at once, so less ZooKeeper and broker work at once). New clusters get the default.
With --rebalance-type RECOVERY_BALANCE or LOAD_BALANCE it sets (or, with none, removes) the bound
of that kind only; ANY is the bound on every transition. To let takeovers after a broker loss run
all at once while hand-offs stay throttled: ANY at ${limit}, LOAD_BALANCE at the old value.

${exitCodesHelp(['NOT_CONFIRMED', 'CONFLICT'], {
    ERROR: ERROR_MEANING,
    CONFLICT: 'conflict: the cluster config changed since it was read (another operator or a setup); nothing written',
    USAGE: `usage: bad command line (--max-partitions-in-transition missing, not an integer from 1 to ${limit} or none, none without a typed --rebalance-type; an unknown --rebalance-type)`,
  })}

Examples:
  ${SET_THROTTLE_COMMAND.replace('<n>', '1000')} --zk 127.0.0.1:2181 --cluster pacer
  ${SET_THROTTLE_COMMAND.replace('<n>', '1000')} --cluster pacer --yes --json
  ${SET_THROTTLE_COMMAND.replace('<n>', '1000')} --rebalance-type LOAD_BALANCE --cluster pacer
  ${SET_THROTTLE_COMMAND.replace('<n>', 'none')} --rebalance-type LOAD_BALANCE --cluster pacer`)
    .action(async (options: SetOptions) => {
      ctx.json = options.json === true;
      if (options.maxPartitionsInTransition === 'none' && (options.rebalanceType ?? 'ANY') === 'ANY') {
        command.error("error: --max-partitions-in-transition none removes the bound of a --rebalance-type (RECOVERY_BALANCE or LOAD_BALANCE); the bound on every transition stays", { exitCode: 64 });
      }
      ctx.exitCode = await runSet(ctx, pacer, options);
    });
}

/** A positive integer up to `limit`, or `none` (a bad value is a usage error, exit 64). */
function parseThrottle(value: string, limit: number): number | 'none' {
  if (value === 'none') return value;
  const n = parsePositive(value);
  if (n > limit) throw new InvalidArgumentError(`expected at most ${limit}`);
  return n;
}

function parseRebalanceType(value: string): RebalanceType {
  const type = REBALANCE_TYPES.find((t) => t === value);
  if (type === undefined) throw new InvalidArgumentError(`expected one of ${REBALANCE_TYPES.join(', ')}`);
  return type;
}

async function openAdmin(ctx: CliContext, pacer: PacerEntry, options: ClusterLocationOptions): Promise<ClusterSettingsAdmin> {
  return ctx.resources.track('Pacer ZooKeeper session', await pacer.ClusterSettingsAdmin.open(options, ctx.environment.variables));
}

async function runSet(ctx: CliContext, pacer: PacerEntry, options: SetOptions): Promise<number> {
  const admin = await openAdmin(ctx, pacer, options);
  const before = await admin.read();
  const max = options.maxPartitionsInTransition === 'none' ? null : options.maxPartitionsInTransition;
  const type = options.rebalanceType ?? 'ANY';
  const name = type === 'ANY' ? 'MAX_PARTITION_IN_TRANSITION' : `MAX_PARTITION_IN_TRANSITION of REBALANCE_TYPE ${type}`;
  const current = boundOf(before, type);
  const plan = {
    cluster: before.cluster, zk: before.zk, path: before.path, version: before.version,
    change: type === 'ANY' ? 'maxPartitionsInTransition' : `byRebalanceType.${type}`, before: current, after: max,
  };
  const unchanged = max === null ? current.stored === null : current.stored === String(max) && current.inUse === max;
  if (unchanged) {
    ctx.io.stdout.write(options.json === true ? toJson({ ...plan, written: false, settings: before }) : `${headline(before)}: ${name} is ${max ?? 'not set'} already; nothing to change.\n`);
    return 0;
  }
  const target = max === null ? 'none (the bound on every transition alone)' : String(max);
  if (options.json !== true) ctx.io.stdout.write(`${headline(before)}: ${name} ${describe(current)} -> ${target}.\n`);
  await confirmWrite(ctx, `Set ${name} of cluster ${before.cluster} to ${target}?`, { yes: options.yes === true, plan });
  const after = await ctx.interruption.duringWrite(() => write(pacer, admin, type, max, before, plan));
  ctx.io.stdout.write(options.json === true ? toJson({ ...plan, written: true, settings: after })
    : `Done: ${name} ${boundOf(after, type).inUse ?? 'not set'} stored (${after.path} version ${after.version ?? '-'}); the leading controller uses it from its next run.\n`);
  return 0;
}

/** The stored and used bound of `type`; a typed bound not set is used as none (null). */
function boundOf(s: ClusterSettingsSnapshot, type: RebalanceType): { readonly stored: string | null; readonly inUse: number | null; readonly default?: number } {
  return type === 'ANY' ? s.maxPartitionsInTransition : s.byRebalanceType[type];
}

async function write(
  pacer: PacerEntry, admin: ClusterSettingsAdmin, type: RebalanceType, max: number | null, before: ClusterSettingsSnapshot, plan: Readonly<Record<string, unknown>>,
): Promise<ClusterSettingsSnapshot> {
  try {
    return await admin.setThrottle(type, max, before.version);
  } catch (e) {
    if (e instanceof pacer.ClusterSettingsConflictError) throw new CliFailure('CONFLICT', e.message, { plan });
    throw e;
  }
}

function describe(current: ReturnType<typeof boundOf>): string {
  const used = current.inUse ?? 'no bound of its own';
  if (current.stored === null) return current.default === undefined ? 'not stored' : `not stored (the controller uses the default ${current.default})`;
  return current.stored === String(current.inUse) ? current.stored : `${field(current.stored)} (not a positive number: the controller uses ${used})`;
}
