import type { Logger } from '../logging/logger';

/**
 * Runs work that its caller deliberately does not await: a timer or event callback that cannot
 * wait, a loop that runs beside its starter. `why` names the reason in the code and in the log.
 * A rejection is logged at error level with `why` and never left unhandled (Node ends the process
 * on an unhandled rejection), so the work itself should catch and handle what it expects; this is
 * the last line, and a log line here is a bug to look at.
 *
 * The one accepted form of fire-and-forget (the lint gate rejects `void promise`).
 */
export function runDetached(why: string, work: Promise<unknown>, logger: Pick<Logger, 'error'>): void {
  work.then(undefined, (err: unknown) => {
    logger.error({ err, why }, 'detached task failed');
  });
}
