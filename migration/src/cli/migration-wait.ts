/**
 * `--wait` of `migrate start` and `rollback`: follows the migration row until the copier ends the
 * migration (`complete` for a move to Pacer, `rolled-back` for a rollback). On a terminal one
 * progress line (migration-progress.ts: moved / planned, rate, ETA, state) is redrawn in place
 * every second; otherwise a plain line is printed every 10 s and whenever the state changes. With
 * `--json` the lines go to stderr (stdout keeps one JSON document). Ctrl-C stops only the waiting:
 * the migration goes on in the copier, and the command says so.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { MigrationRow, MigrationStates, MigrationStatus } from '../../../core/src/migration/migration-state';
import type { Clock } from '../../../core/src/util/clock';
import type { CliContext } from './cli-context';
import { CliFailure } from './cli-failure';
import { describeState, movedOf, progressLine, RateMeter, redrawn, type ProgressSnapshot } from './migration-progress';

export interface WaitOptions {
  readonly queue: string;
  readonly migrationId: string;
  /** The status that ends the migration this command started. */
  readonly until: MigrationStatus;
  /** Jobs counted to move when the command started. */
  readonly planned: number | undefined;
  readonly json: boolean;
  readonly clock: Clock;
  /** Default 1000. */
  readonly pollMs?: number;
  /** Plain lines (not a terminal) at most this often unless the state changes. Default 10000. */
  readonly plainEveryMs?: number;
}

const POLL_MS = 1000;
const PLAIN_EVERY_MS = 10_000;

type Stream = NodeJS.WritableStream & { readonly isTTY?: boolean };

/** Resolves with the row once its status is no longer `copying` (normally `until`). */
export async function waitForMigration(ctx: CliContext, states: MigrationStates, o: WaitOptions): Promise<MigrationRow> {
  const out: Stream = o.json ? ctx.io.stderr : ctx.io.stdout;
  const live = out.isTTY === true;
  const meter = new RateMeter();
  let drawn = false;
  ctx.resources.onClose('progress line', () => {
    if (drawn) out.write('\n');
    if (ctx.interruption.stopRequested()) {
      ctx.io.stderr.write(`pinlater-ops: stopped waiting; migration ${o.migrationId} of ${o.queue} goes on in the copier (pinlater-ops migrate status ${o.queue})\n`);
    }
  });
  ctx.io.stderr.write(`Waiting for migration ${o.migrationId} to be ${o.until}; Ctrl-C stops only the waiting, never the migration.\n`);
  let lastPlainMs = Number.NEGATIVE_INFINITY;
  let lastState = '';
  for (;;) {
    ctx.interruption.checkpoint();
    const row = await states.get(o.queue);
    if (row === undefined || row.migrationId !== o.migrationId) {
      throw new CliFailure('ERROR', `migration ${o.migrationId} of ${o.queue} is no longer the queue's migration (${row === undefined ? 'its row is gone' : `now ${row.migrationId}, ${row.direction}`}); pinlater-ops migrate status ${o.queue}`);
    }
    const now = o.clock.nowMs();
    meter.add(now, movedOf(row));
    const snapshot = snapshotOf(row, o.planned, meter, now);
    const line = progressLine(snapshot);
    const state = describeState(snapshot);
    const done = row.status !== 'copying';
    if (live) {
      out.write(redrawn(line));
      drawn = true;
    } else if (done || state !== lastState || now - lastPlainMs >= (o.plainEveryMs ?? PLAIN_EVERY_MS)) {
      out.write(`${line}\n`);
      lastPlainMs = now;
    }
    lastState = state;
    if (done) {
      if (drawn) out.write('\n');
      drawn = false;
      return row;
    }
    await sleep(o.pollMs ?? POLL_MS);
  }
}

export function snapshotOf(row: MigrationRow, planned: number | undefined, meter: RateMeter | undefined, nowMs: number): ProgressSnapshot {
  return {
    queue: row.queue, moved: movedOf(row), planned, measuredRatePerS: meter?.ratePerS(), rateLimitPerS: row.rateLimitPerS,
    status: row.status, paused: row.paused, sourceEmptyForMs: row.sourceEmptySinceMs === null ? undefined : Math.max(0, nowMs - row.sourceEmptySinceMs),
  };
}

/** The line after a wait: how the migration ended and what it moved. */
export function finalLine(row: MigrationRow): string {
  return `Migration ${row.migrationId} of ${row.queue} is ${row.status}: ${row.movedPending} pending, ${row.movedFailed} failed, ${row.movedSucceeded} succeeded job(s) moved.`;
}
