/**
 * The writes of `migrate pause`, `migrate resume` and `migrate rate` (one file each): they change
 * the queue's migration row in Pacer's database; the copier re-reads it every 250 ms, so a change
 * takes effect within that plus the batch in flight. Only a running migration (status copying, or
 * complete: the copier still sweeps late writes) can be changed. They write no routing record, yet
 * need the routing operator credential like every write (checked against the routing table first,
 * as `route` does), and confirmation unless --yes.
 */
import type { Command } from 'commander';
import type { MigrationRow } from '../../../core/src/migration/migration-state';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { confirmWrite } from './confirmation';
import { openMigrationContext, requireQueueName, type MigrationContext } from './migration-context';
import { formatCount } from './migration-progress';
import { field, toJson } from './output-format';
import { withWriteOptions, type WriteOptions } from './write-options';

/** One change of the row. */
export interface RowChange {
  readonly verb: string;
  readonly describe: (row: MigrationRow) => string;
  /** True when the row already is as asked (nothing written). */
  readonly already: (row: MigrationRow) => boolean;
  readonly apply: (m: MigrationContext, queue: string) => Promise<unknown>;
  readonly after: Readonly<Partial<MigrationRow>>;
}

export const CREDENTIAL_HELP = 'Needs the routing operator credential (PINLATER_ROUTING_CREDENTIAL_FILE or PINLATER_ROUTING_CREDENTIAL).';

/** `command` (its arguments: `<queue>`, then the rate for `migrate rate`) with --yes, --json and the action; `change` gets the rate argument when there is one. */
export function rowChangeCommand(ctx: CliContext, command: Command, help: string, change: (rate: number) => RowChange): Command {
  return withWriteOptions(command, false)
    .addHelpText('after', help)
    .action(async (...args: unknown[]) => {
      // (queue, [rate,] options, command): commander passes the declared arguments first.
      const cmd = args[args.length - 1] as Command;
      const options = args[args.length - 2] as WriteOptions;
      const [queue, rate] = args as [string, number | undefined];
      ctx.json = options.json === true;
      ctx.exitCode = await runControl(ctx, cmd, queue, options, change(rate ?? 0));
    });
}

async function runControl(ctx: CliContext, command: Command, queue: string, options: WriteOptions, change: RowChange): Promise<number> {
  requireQueueName(queue);
  const m = await openMigrationContext(ctx, command, { write: true });
  const before = await m.states.get(queue);
  if (before === undefined) throw new CliFailure('REFUSED', `queue '${field(queue)}' has no migration (pinlater-ops migrate status)`);
  if (before.status !== 'copying' && before.status !== 'complete') {
    throw new CliFailure('REFUSED', `migration ${before.migrationId} of '${field(queue)}' is ${before.status}: nothing runs to ${change.verb}`);
  }
  if (change.already(before)) {
    ctx.io.stdout.write(options.json === true ? toJson({ queue, migrationId: before.migrationId, written: false, row: before }) : `Migration ${before.migrationId} of ${queue}: nothing to change (${describe(before)}).\n`);
    return 0;
  }
  const plan = { queue, migrationId: before.migrationId, change: change.verb, before: pick(before, change.after), after: change.after };
  if (options.json !== true) ctx.io.stdout.write(`Migration ${before.migrationId} of ${queue} (${describe(before)}): ${change.describe(before)}.\n`);
  await confirmWrite(ctx, `${change.verb[0]?.toUpperCase() ?? ''}${change.verb.slice(1)} migration ${before.migrationId}?`, { yes: options.yes === true, plan });
  const after = await ctx.interruption.duringWrite(async () => {
    await change.apply(m, queue);
    return m.states.get(queue);
  });
  if (after === undefined || after.migrationId !== before.migrationId) throw new CliFailure('CONFLICT', `the migration of '${field(queue)}' changed meanwhile (now ${after?.migrationId ?? 'none'}); pinlater-ops migrate status ${queue}`);
  ctx.io.stdout.write(options.json === true ? toJson({ ...plan, written: true, row: after }) : `Done: ${describe(after)}.\n`);
  return 0;
}

function describe(row: MigrationRow): string {
  return `${row.status}, ${row.paused ? 'paused' : 'running'}, rate limit ${formatCount(row.rateLimitPerS)} jobs/s`;
}

function pick(row: MigrationRow, keys: Readonly<Partial<MigrationRow>>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(keys).map((k) => [k, row[k as keyof MigrationRow]]));
}
