/**
 * `pinlater-ops queue <status|pause|unpause>`: a queue across the whole gateway fleet. `status` is
 * queue-status-command.ts's.
 * `pause` and `unpause` write the queue's limit in ZooKeeper (docs/rate-limits.md, limit-write.ts),
 * which every routing gateway applies live; `limits show` tells which gateways do.
 */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import { LIMIT_WRITE_EXIT_CODES, limitWriteCommand, type LimitEdit } from './limit-write';
import { queueStatusCommand } from './queue-status-command';


const CREDENTIAL = 'Needs the routing operator credential (PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL).';

const HELP = `
Pausing refuses every dequeue of the queue on every routing gateway (DEQUEUE_RATE_LIMITED, as a
queue_config.json rate of 0 does); enqueues, acks and lookups go on. The pause lives in
ZooKeeper next to the routing table and wins over queue_config.json (docs/rate-limits.md).
  pinlater-ops queue status …           see pinlater-ops queue status --help
  pinlater-ops queue pause <queue>      refuse every dequeue, fleet-wide
  pinlater-ops queue unpause <queue>    dequeue again (a rate set with limits set stays)
  pinlater-ops limits show [<queue>]    the limits in force and which gateways apply them

${LIMIT_WRITE_EXIT_CODES}

Examples:
  pinlater-ops queue pause my_queue --by alice --reason "downstream outage"
  pinlater-ops queue unpause my_queue --yes`;

const PAUSE: LimitEdit = {
  action: 'pause queue',
  defaultReason: 'queue pause',
  target: (current) => ({ maxJobsPerSecond: current?.maxJobsPerSecond ?? null, paused: true }),
};

/** Unpausing keeps a rate (a rate of 0 would still pause: the limit goes); without one the limit goes. */
const UNPAUSE: LimitEdit = {
  action: 'unpause queue',
  defaultReason: 'queue unpause',
  target: (current) => {
    const rate = current?.maxJobsPerSecond ?? null;
    return rate === null || rate === 0 ? null : { maxJobsPerSecond: rate, paused: false };
  },
};

export function queueCommand(ctx: CliContext): Command {
  const command = new Command('queue')
    .description('a queue across the gateway fleet: its status, pause and unpause its dequeues')
    .addHelpText('after', HELP);
  for (const make of [queueStatusCommand, queuePauseCommand, queueUnpauseCommand]) command.addCommand(make(ctx));
  return command;
}

function queuePauseCommand(ctx: CliContext): Command {
  return limitWriteCommand(ctx, { name: 'pause', description: 'refuse every dequeue of a queue on every gateway (DEQUEUE_RATE_LIMITED)', edit: () => PAUSE, help: `
The queue's limit in ZooKeeper gets paused: true (a rate set with limits set is kept for
unpause). Waits until every live gateway applied it (--gateway-wait); a gateway still behind
then: exit 10 (the pause is written; that gateway does not refuse yet). ${CREDENTIAL}

${LIMIT_WRITE_EXIT_CODES}

Examples:
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential pinlater-ops --config config/routing.local.json queue pause my_queue
  … pinlater-ops queue pause my_queue --yes --json --by alice --reason "downstream outage"` });
}

function queueUnpauseCommand(ctx: CliContext): Command {
  return limitWriteCommand(ctx, { name: 'unpause', description: 'let a paused queue be dequeued again (its rate limit, if any, stays)', edit: () => UNPAUSE, help: `
A queue with a rate (limits set) keeps it, unpaused; without one its ZooKeeper limit is removed
and queue_config.json applies again if it names the queue. Waits for the live gateways as pause
does. ${CREDENTIAL}

${LIMIT_WRITE_EXIT_CODES}

Examples:
  PINLATER_ROUTING_CREDENTIAL_FILE=config/routing-operator.local.credential pinlater-ops --config config/routing.local.json queue unpause my_queue
  … pinlater-ops queue unpause my_queue --yes --by alice --reason "downstream back"` });
}
