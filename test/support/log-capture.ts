/**
 * A pino logger whose lines are kept in memory, parsed (unit specs of what code logs): `lines()`
 * every line written so far, `withMsg(msg)` those whose `msg` is `msg`.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Logger } from '../../core/src/logging/logger';

export type LogLine = Record<string, unknown> & { level: number; msg?: string };

export interface LogCapture {
  readonly logger: Logger;
  lines(): LogLine[];
  withMsg(msg: string): LogLine[];
}

export function captureLogs(level = 'info'): LogCapture {
  const out: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line !== '') out.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level }, sink), lines: () => [...out], withMsg: (msg) => out.filter((l) => l.msg === msg) };
}
