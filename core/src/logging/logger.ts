import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  name: string;
  level: string;
}

/** The one way processes create their root logger; components get `logger.child({...})`. */
export function createLogger(options: LoggerOptions): Logger {
  return pino({ name: options.name, level: options.level });
}

/** A logger that drops everything (tests and benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
