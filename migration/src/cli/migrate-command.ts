/**
 * `pinlater-ops migrate <start|pause|resume|rate|status>`: a queue's move between its legacy
 * cluster and Pacer (docs/migration.md), one file per subcommand. The copier (pinlater-copier)
 * does the moving; these commands start it, steer it and show it. `plan`, `rollback`, `verify`
 * and `finalize` are top-level commands.
 */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import { exitCodesHelp } from './exit-codes';
import { migratePauseCommand } from './migrate-pause-command';
import { migrateRateCommand } from './migrate-rate-command';
import { migrateResumeCommand } from './migrate-resume-command';
import { migrateStartCommand } from './migrate-start-command';
import { migrateStatusCommand } from './migrate-status-command';

const HELP = `
The life of a migration:
  pinlater-ops plan <queue>             what would move (exact counts), preconditions
  pinlater-ops migrate start <queue>    legacy -> migrating (to-pacer); the copier moves the jobs
  pinlater-ops migrate status [<queue>] progress; the copier routes the queue to pacer when drained
  pinlater-ops verify <queue>           ledger checksums, exact counts on both sides
  pinlater-ops finalize <queue>         pacer -> finalized (no way back after this)
  pinlater-ops rollback <queue>         back to the legacy cluster, before finalize

${exitCodesHelp(['NOT_CONFIRMED', 'REFUSED', 'CONFLICT', 'PERMISSION_DENIED', 'MIGRATION_ACTIVE'])}

Examples:
  pinlater-ops migrate start my_queue --rate 500 --wait
  pinlater-ops migrate pause my_queue
  pinlater-ops migrate rate my_queue 2000
  pinlater-ops migrate status --watch`;

export function migrateCommand(ctx: CliContext): Command {
  const command = new Command('migrate')
    .description("move a queue's jobs between its legacy cluster and Pacer: start, pause, resume, rate, status")
    .addHelpText('after', HELP);
  for (const make of [migrateStartCommand, migratePauseCommand, migrateResumeCommand, migrateRateCommand, migrateStatusCommand]) command.addCommand(make(ctx));
  return command;
}
