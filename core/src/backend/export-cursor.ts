import { ErrorCode } from '../errors/error-code';
import { PinLaterError } from '../errors/pinlater-error';

/** Position of a bulk export across the shards of a sharded backend. Opaque to callers. */
export interface ExportCursor {
  shardIndex: number;
  shardCursor?: string;
}

export function encodeExportCursor(cursor: ExportCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

export function decodeExportCursor(text: string | undefined): ExportCursor {
  if (text === undefined) return { shardIndex: 0 };
  try {
    const parsed: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (isCursor(parsed)) return parsed;
  } catch {
    // fall through to the error below
  }
  throw new PinLaterError(ErrorCode.CONTINUATION_INVALID, `Invalid export cursor: ${text}`);
}

function isCursor(v: unknown): v is ExportCursor {
  if (typeof v !== 'object' || v === null) return false;
  const c = v as Record<string, unknown>;
  return Number.isInteger(c.shardIndex) && (c.shardIndex as number) >= 0 && (c.shardCursor === undefined || typeof c.shardCursor === 'string');
}
