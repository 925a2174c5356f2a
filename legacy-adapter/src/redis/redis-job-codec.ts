import { secondsTextToMs } from '../../../core/src/util/java-format';

/**
 * Text encodings of PinLater's Redis layout (FACTS §6.2): how values are written into and read
 * back from job hashes, ZSET scores and script replies.
 */

/** PinLater truncates custom status to 3000 UTF-16 code units on enqueue and ack (Java substring). */
export const CUSTOM_STATUS_MAX_UTF16_UNITS = 3000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The string Java's UTF-8 encoder (`String.getBytes`, Jedis) writes: unpaired surrogates become
 * `?` (Node would write U+FFFD instead).
 */
export function javaUtf8Text(s: string): string {
  return s.replace(LONE_SURROGATE, '?');
}

/** Java `substring(0, 3000)` then Java's UTF-8 encoding (a split surrogate pair ends in `?`). */
export function truncateCustomStatus(status: string): string {
  return javaUtf8Text(status.length > CUSTOM_STATUS_MAX_UTF16_UNITS ? status.substring(0, CUSTOM_STATUS_MAX_UTF16_UNITS) : status);
}

/** A reply value as text (bulk strings come back as Buffers or strings; nil as null). */
export function replyText(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return String(v);
}

/** `al`/`ar` (decimal ints); a missing value reads as 0. */
export function replyInt(v: unknown): number {
  const text = replyText(v);
  if (text === undefined) return 0;
  const n = Number.parseInt(text, 10);
  return Number.isFinite(n) ? n : 0;
}

/** `ca`/`ua` and ZSET scores: seconds text → `(long) (Double.valueOf(text) * 1000)`; missing → 0. */
export function replySecondsToMs(v: unknown): number {
  return secondsTextToMs(replyText(v));
}

export function replyBuffer(v: unknown): Buffer | undefined {
  if (v === null || v === undefined) return undefined;
  return Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8');
}

/** A local id from a reply (ZSET member text or integer). */
export function replyId(v: unknown): number {
  return Number(replyText(v));
}

/** HGETALL's flat [field, value, ...] reply as a map of Buffers. */
export function hashFromReply(reply: unknown): Map<string, Buffer> {
  const map = new Map<string, Buffer>();
  if (!Array.isArray(reply)) return map;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    const field = replyText(reply[i]);
    const value = replyBuffer(reply[i + 1]);
    if (field !== undefined && value !== undefined) map.set(field, value);
  }
  return map;
}
