import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  name: string;
  level: string;
  /** Where the lines go (default stdout). A command-line tool whose stdout is its output logs to stderr. */
  destination?: 'stdout' | 'stderr';
}

/** The one way processes create their root logger; components get `logger.child({...})`. */
export function createLogger(options: LoggerOptions): Logger {
  if (options.destination === 'stderr') return pino({ name: options.name, level: options.level }, pino.destination({ fd: 2, sync: true }));
  return pino({ name: options.name, level: options.level });
}

/** A logger that drops everything (tests and benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
