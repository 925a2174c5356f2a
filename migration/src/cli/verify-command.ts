/**
 * `pinlater-ops verify <queue> [--json]`: checks the queue's current migration
 * (migration-verification.ts): the move ledger's summary (moved, per state, the checksum sums as
 * taken and as stored, mismatching jobs with up to 20 samples) and exact counts per state and
 * priority on both sides. Exit 0 when it matches; MISMATCH otherwise. Reads only.
 */
import { Command } from 'commander';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { formatCensusTable } from './census-table';
import { EXIT_CODES, exitCodesHelp } from './exit-codes';
import { describeCensus } from './job-census';
import { openMigrationContext, requireQueueName } from './migration-context';
import { formatCount } from './migration-progress';
import { MISMATCH_SAMPLES, verifyMigration, type Verification } from './migration-verification';
import { field, toJson } from './output-format';

interface VerifyOptions {
  readonly json?: boolean;
}

const STATE_NAMES: Readonly<Record<string, string>> = { 0: 'pending', 1: 'in progress', 2: 'succeeded', 3: 'failed' };

const HELP = `
Reads only. Matches when the ledger's checksum sums (every moved job as taken from the source and
as the target stored it) are equal, no moved job differs, and, once the migration has finished
(complete, finalized or rolled back), the side it left holds no job at all (counted exactly with
the export cursor, IN_PROGRESS included, and none taken or staged by a copier). Lists up to
${MISMATCH_SAMPLES} mismatching jobs.

${exitCodesHelp(['REFUSED', 'MISMATCH'])}

Examples:
  pinlater-ops --config config/routing.local.json verify my_queue
  pinlater-ops verify my_queue --json | jq '.ledger, .problems'`;

export function verifyCommand(ctx: CliContext): Command {
  return new Command('verify')
    .description("check a queue's migration: ledger checksums, mismatching jobs, exact counts on both sides")
    .argument('<queue>', 'the queue')
    .option('--json', 'print one JSON document (stable keys) instead of text')
    .addHelpText('after', HELP)
    .action(async (queue: string, options: VerifyOptions, command: Command) => {
      ctx.json = options.json === true;
      ctx.exitCode = await runVerify(ctx, command, queue, options);
    });
}

async function runVerify(ctx: CliContext, command: Command, queue: string, options: VerifyOptions): Promise<number> {
  requireQueueName(queue);
  const m = await openMigrationContext(ctx, command, { write: false });
  const row = await m.states.get(queue);
  if (row === undefined) throw new CliFailure('REFUSED', `queue '${field(queue)}' has no migration to verify (pinlater-ops migrate status)`);
  const v = await verifyMigration(ctx, m, row);
  const exitCode = v.matches ? EXIT_CODES.OK : EXIT_CODES.MISMATCH;
  ctx.io.stdout.write(options.json === true ? toJson({ ...v, exitCode }) : `${formatVerification(v)}\n`);
  return exitCode;
}

export function formatVerification(v: Verification): string {
  const byState = Object.entries(v.ledger.movedByState).map(([s, n]) => `${formatCount(n)} ${STATE_NAMES[s] ?? `state ${s}`}`).join(', ');
  const lines = [
    `Verify migration ${v.migrationId} of ${field(v.queue)} (${v.direction}, ${v.status}):`,
    `  ledger:    ${formatCount(v.ledger.moved)} job(s) moved${byState === '' ? '' : ` (${byState})`}`,
    `  checksums: ${v.ledger.sourceChecksum} as taken, ${v.ledger.targetChecksum} as stored: ${v.checksumsMatch ? 'equal' : 'DIFFERENT'}`,
    `  mismatched jobs: ${formatCount(v.ledger.mismatched)}`,
    ...v.mismatches.map((e) => `    ${field(e.sourceDescriptor, 120)} -> ${field(e.targetDescriptor, 120)} (${STATE_NAMES[String(e.state)] ?? e.state}, priority ${e.priority}): ${e.sourceChecksum} taken, ${e.targetChecksum} stored`),
    `  ${v.sides.legacy.system} (legacy): ${describeCensus(v.sides.legacy)}`,
    formatCensusTable(v.sides.legacy),
    `  pacer: ${describeCensus(v.sides.pacer)}`,
    formatCensusTable(v.sides.pacer),
    v.matches ? 'Matches.' : `MISMATCH:\n${v.problems.map((p) => `  - ${p}`).join('\n')}`,
  ];
  return lines.join('\n');
}
