/**
 * `pinlater-ops limits <set|clear|show>`: the queue limits in ZooKeeper (docs/rate-limits.md),
 * fleet-wide dequeue rates every routing gateway applies live, dividing each by the number of live
 * gateways; they win over queue_config.json for the queues they name. `queue pause|unpause`
 * (queue-command.ts) writes the same records.
 */
import { Command, InvalidArgumentError } from 'commander';
import { MAX_JOBS_PER_SECOND } from '../routing/queue-limit-record';
import type { CliContext } from './cli-context';
import { exitCodesHelp } from './exit-codes';
import { LIMIT_WRITE_EXIT_CODES, limitWriteCommand, type LimitEdit, type LimitWriteOptions } from './limit-write';
import { limitsShowCommand } from './limits-show-command';


const HELP = `
A queue limit caps a queue's dequeues on the whole gateway fleet: each routing gateway allows
maxJobsPerSecond / (number of live gateways), as PinLater's queue_config.json divides by its
serverset. A limit in ZooKeeper wins over queue_config.json for its queue; clearing it brings
queue_config.json's back. Writes need the routing operator credential.
  pinlater-ops limits set <queue> --max-jobs-per-second <r>
  pinlater-ops limits clear <queue>
  pinlater-ops limits show [<queue>] [--json] [--gateways-admin host:port,…]

${exitCodesHelp(['PROBLEMS', 'NOT_CONFIRMED', 'REFUSED', 'CONFLICT', 'PERMISSION_DENIED', 'INCOMPLETE'])}

Examples:
  pinlater-ops limits set my_queue --max-jobs-per-second 200 --by alice --reason "protect the DB"
  pinlater-ops limits show --gateways-admin 127.0.0.1:9999
  pinlater-ops limits clear my_queue --yes`;

interface SetOptions extends LimitWriteOptions {
  readonly maxJobsPerSecond: number;
}

const CLEAR: LimitEdit = { action: 'clear the limit of queue', defaultReason: 'limits clear', target: () => null };

export function limitsCommand(ctx: CliContext): Command {
  const command = new Command('limits')
    .description('fleet-wide queue dequeue limits in ZooKeeper: set, clear, show')
    .addHelpText('after', HELP);
  for (const make of [limitsSetCommand, limitsClearCommand, limitsShowCommand]) command.addCommand(make(ctx));
  return command;
}

function limitsSetCommand(ctx: CliContext): Command {
  return limitWriteCommand<SetOptions>(ctx, {
    name: 'set',
    description: "set a queue's fleet-wide dequeue rate (jobs/s, divided among the live gateways)",
    options: (c) => c.requiredOption('--max-jobs-per-second <r>', `fleet-wide jobs/s, 0..${MAX_JOBS_PER_SECOND} (decimals allowed; 0 pauses, as in queue_config.json)`, parseJobsPerSecond),
    edit: (options) => ({
      action: 'set the limit of queue',
      defaultReason: `limits set ${options.maxJobsPerSecond}/s`,
      target: (current) => ({ maxJobsPerSecond: options.maxJobsPerSecond, paused: current?.paused ?? false }),
    }),
    help: `
The rate means what maxJobsPerSecond means in queue_config.json, for the whole fleet. A paused
queue stays paused (queue unpause lifts it, keeping this rate). Waits until every live gateway
applied it (--gateway-wait): exit 10 when some gateway is behind then. Needs the routing
operator credential (PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL).

${LIMIT_WRITE_EXIT_CODES}

Examples:
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential pinlater-ops --config config/routing.local.json limits set my_queue --max-jobs-per-second 200
  … pinlater-ops limits set my_queue --max-jobs-per-second 0.5 --yes --json --by alice --reason "slow consumer"`,
  });
}

function limitsClearCommand(ctx: CliContext): Command {
  return limitWriteCommand(ctx, {
    name: 'clear',
    description: "remove a queue's limit from ZooKeeper (its rate and a pause): queue_config.json applies again",
    edit: () => CLEAR,
    help: `
Removes the queue's limit record: a pause is lifted too. queue_config.json's limit (if it names
the queue) applies again on each gateway. Waits for the live gateways as set does.

${LIMIT_WRITE_EXIT_CODES}

Examples:
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential pinlater-ops --config config/routing.local.json limits clear my_queue
  … pinlater-ops limits clear my_queue --yes --by alice --reason "incident over"`,
  });
}

/** A rate in jobs/s: a non-negative decimal number up to MAX_JOBS_PER_SECOND. */
export function parseJobsPerSecond(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n) || n > MAX_JOBS_PER_SECOND) {
    throw new InvalidArgumentError(`expected a number of jobs/s from 0 to ${MAX_JOBS_PER_SECOND}`);
  }
  return n;
}
