import { ErrorCode } from '../errors/error-code';
import { PinLaterError } from '../errors/pinlater-error';

/**
 * PinLater job descriptors: `<queue>:s<shard>:p<priority>:<localId>` (FACTS §4.1).
 *
 * Parsing follows PinLater's parser exactly: split on `:` dropping trailing empty tokens, require
 * four tokens, drop the first character of the shard and priority tokens *whatever it is*, and parse
 * numbers as Java's `Integer.parseInt` / `Long.parseLong` do (optional sign, decimal digits, range
 * checked). A descriptor PinLater cannot parse fails the whole RPC with UNKNOWN.
 */
export interface JobDescriptor {
  queue: string;
  shard: string;
  priority: number;
  localId: number;
}

export function formatDescriptor(d: JobDescriptor): string {
  return `${d.queue}:s${d.shard}:p${d.priority}:${d.localId}`;
}

export function parseDescriptor(text: string): JobDescriptor {
  const tokens = javaSplitColon(text);
  if (tokens.length !== 4) throw invalid(text);
  const [queue, shardToken, priorityToken, idToken] = tokens as [string, string, string, string];
  const priority = parseJavaInteger(priorityToken.substring(1), 32);
  const localId = parseJavaInteger(idToken, 64);
  if (priority === undefined || localId === undefined) throw invalid(text);
  return { queue, shard: shardToken.substring(1), priority, localId };
}

/** Java `String.split(":")`: trailing empty strings are removed; an empty input gives [""]. */
export function javaSplitColon(text: string): string[] {
  const parts = text.split(':');
  if (text.length === 0) return parts;
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const INT_LIMITS = { 32: 2n ** 31n, 64: 2n ** 63n } as const;
const INT32_LIMIT = 2 ** 31;
const JAVA_INTEGER = /^[+-]?[0-9]+$/;

/** Java `Integer.parseInt` (bits 32) / `Long.parseLong` (bits 64); `undefined` where Java throws. */
export function parseJavaInteger(text: string, bits: 32 | 64): number | undefined {
  if (!JAVA_INTEGER.test(text)) return undefined;
  // Fast path (every descriptor of an ack goes through here): up to 15 characters is at most 14
  // digits with a sign, exact as a double and always inside the 64-bit range; `+ 0` turns -0 into 0.
  if (text.length <= 15) {
    const n = Number(text) + 0;
    return bits === 64 || (n >= -INT32_LIMIT && n <= INT32_LIMIT - 1) ? n : undefined;
  }
  const value = BigInt(text);
  const limit = INT_LIMITS[bits];
  if (value < -limit || value > limit - 1n) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

function invalid(text: string): PinLaterError {
  return new PinLaterError(ErrorCode.UNKNOWN, `java.lang.IllegalArgumentException: Invalid job descriptor: ${text}`);
}
