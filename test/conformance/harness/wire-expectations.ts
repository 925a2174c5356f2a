/**
 * Assertions on what came over the wire: PinLaterException codes/messages, TApplicationException
 * types, descriptor and claim-descriptor shapes.
 */
import thrift from 'thrift';
import ttypes = require('../../../gateway/src/generated/pinlater_types');

export const ErrorCode = {
  CONTINUATION_INVALID: 400,
  PASSWORD_INVALID: 403,
  QUEUE_NAME_INVALID: 410,
  QUEUE_NAME_TOO_LONG: 411,
  QUEUE_NOT_FOUND: 413,
  PRIORITY_NOT_SUPPORTED: 416,
  DEQUEUE_RATE_LIMITED: 429,
  UNKNOWN: 500,
} as const;

export const ApplicationExceptionType = {
  UNKNOWN_METHOD: 1,
  INTERNAL_ERROR: 6,
  PROTOCOL_ERROR: 7,
} as const;

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** The call fails with a PinLaterException of `code` (and `message`, when given: string = exact). */
export async function expectPinLaterError(promise: Promise<unknown>, code: number, message?: string | RegExp): Promise<ttypes.PinLaterException> {
  const error = await rejection(promise);
  if (!(error instanceof ttypes.PinLaterException)) {
    throw new Error(`expected PinLaterException ${code}, got ${describe(error)}`);
  }
  expect({ errorCode: error.errorCode }).toEqual({ errorCode: code });
  if (typeof message === 'string') expect(error.message).toBe(message);
  else if (message) expect(error.message).toMatch(message);
  return error;
}

/** The call fails with a TApplicationException of `type` (an EXCEPTION message, not a REPLY). */
export async function expectApplicationError(promise: Promise<unknown>, type: number, message?: RegExp): Promise<void> {
  const error = await rejection(promise);
  if (!(error instanceof thrift.Thrift.TApplicationException)) {
    throw new Error(`expected TApplicationException type ${type}, got ${describe(error)}`);
  }
  expect({ type: (error as unknown as { type: number }).type }).toEqual({ type });
  if (message) expect(error.message).toMatch(message);
}

function describe(error: unknown): string {
  if (error instanceof ttypes.PinLaterException) return `PinLaterException ${error.errorCode} '${error.message}'`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `<queue>:s<shard>:p<priority>:<localId>` (FACTS §4.1). */
export function descriptorPattern(queue: string, priority?: number): RegExp {
  return new RegExp(`^${escapeRegExp(queue)}:s[^:]+:p${priority ?? '\\d+'}:\\d+$`);
}

export interface ParsedDescriptor {
  queue: string;
  shard: string;
  priority: number;
  localId: number;
}

export function parseWireDescriptor(descriptor: string): ParsedDescriptor {
  const match = /^([^:]+):s([^:]+):p(\d+):(\d+)$/.exec(descriptor);
  if (!match) throw new Error(`not a job descriptor: ${descriptor}`);
  return { queue: match[1] as string, shard: match[2] as string, priority: Number(match[3]), localId: Number(match[4]) };
}

/** `<host>:<port>:<serverStartMillis>:<source>:<n>` (FACTS §4.2). */
export function claimDescriptorPattern(port: number, source: string): RegExp {
  return new RegExp(`^[^:]+:${port}:\\d+:${escapeRegExp(source)}:(\\d+)$`);
}

export function bodiesOf(jobs: Record<string, Buffer> | null): string[] {
  return Object.values(jobs ?? {}).map((b) => b.toString('utf8')).sort();
}

export function descriptorsOf(jobs: Record<string, unknown> | null): string[] {
  return Object.keys(jobs ?? {}).sort();
}
