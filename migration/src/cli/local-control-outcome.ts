/**
 * What `pinlater-ops local start|stop|restart` did to one process: one outcome per step (restart:
 * a stop, then a start), printed as a line (text) or an object (`--json`). Its exit code name is
 * OK, REFUSED (a precondition did not hold: nothing was started or signalled) or ERROR (the
 * process did not come up or could not be stopped).
 */
export type LocalStep = 'start' | 'stop';

/** The bound of a step's wait (start: for the port; stop: after SIGTERM), and the stop requests. */
export interface LocalWait {
  readonly timeoutMs: number;
  /** Throws when the command was asked to stop (Ctrl-C). */
  readonly checkpoint: () => void;
}

export type LocalAction = 'started' | 'already running' | 'stopped' | 'not running' | 'refused' | 'failed';

export type LocalOutcomeCode = 'OK' | 'REFUSED' | 'ERROR';

export interface LocalControlOutcome {
  readonly name: string;
  readonly step: LocalStep;
  readonly action: LocalAction;
  readonly exitCode: LocalOutcomeCode;
  /** The process's pid (process group id) when there is one. */
  readonly pid: number | null;
  readonly port: number;
  readonly log: string;
  /** One line saying what happened. */
  readonly message: string;
  /** A failed start: the last lines its log got during this start. */
  readonly logTail: readonly string[];
}

type OutcomeFields = Pick<LocalControlOutcome, 'name' | 'step' | 'port' | 'log'>;

export function outcome(base: OutcomeFields, action: LocalAction, message: string, extra: { pid?: number | null; logTail?: readonly string[] } = {}): LocalControlOutcome {
  const exitCode: LocalOutcomeCode = action === 'refused' ? 'REFUSED' : action === 'failed' ? 'ERROR' : 'OK';
  return { ...base, action, exitCode, pid: extra.pid ?? null, message, logTail: extra.logTail ?? [] };
}
