import pino from 'pino';
import { activeSpanIds } from '../telemetry/tracing';

export type Logger = pino.Logger;

export interface LoggerOptions {
  name: string;
  level: string;
  /** Where the lines go (default stdout). A command-line tool whose stdout is its output logs to stderr. */
  destination?: 'stdout' | 'stderr';
}

/** The one way processes create their root logger; components get `logger.child({...})`. */
export function createLogger(options: LoggerOptions): Logger {
  const base = { name: options.name, level: options.level, mixin: traceIds };
  if (options.destination === 'stderr') return pino(base, pino.destination({ fd: 2, sync: true }));
  return pino(base);
}

/** Log lines written while a span is active carry its `trace_id` and `span_id` (tracing.ts). */
function traceIds(): object {
  return activeSpanIds() ?? {};
}

/** A logger that drops everything (tests and benchmarks). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
