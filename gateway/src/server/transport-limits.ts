/**
 * The transport's budgets against untrusted peers (issue 8), with their defaults. Operators set
 * them with the properties named on each field (runbooks/gateway-deploy-and-restart.md, "Connection
 * and memory budgets"); `config.ts` validates them.
 */
export interface TransportLimits {
  /** GATEWAY_MAX_CONNECTIONS: connections beyond this are closed as soon as they are accepted. */
  maxConnections: number;
  /**
   * GATEWAY_MAX_BUFFERED_BYTES: request bytes all connections together may hold (unfinished
   * frames, and complete frames queued or being processed). At least the maximum frame size;
   * default `BUFFERED_FRAMES_BY_DEFAULT` maximum frames (256 MiB with the default 64 MiB frames).
   */
  maxBufferedBytes: number;
  /**
   * GATEWAY_FRAME_TIMEOUT_SECONDS × 1000: a frame must arrive whole within this long of its first
   * byte (time spent waiting for budget is not counted), and the peer must take a reply within
   * this long of its writing.
   */
  frameTimeoutMs: number;
}

export const DEFAULT_TRANSPORT_LIMITS: Omit<TransportLimits, 'maxBufferedBytes'> = {
  maxConnections: 10_000,
  frameTimeoutMs: 60_000,
};

/** The default budget holds this many frames of the maximum size. */
export const BUFFERED_FRAMES_BY_DEFAULT = 4;

export function defaultMaxBufferedBytes(maxFrameBytes: number): number {
  return BUFFERED_FRAMES_BY_DEFAULT * maxFrameBytes;
}

/**
 * The part of the budget only small frames (ordinary requests) may use: a quarter, as long as the
 * largest frame still fits in the rest. With a budget barely above the maximum frame size, huge
 * unfinished frames can hold up small requests until the frame timeout; the runbook says so.
 */
export function reservedForSmallFrames(maxBufferedBytes: number, maxFrameBytes: number): number {
  return Math.max(0, Math.min(Math.floor(maxBufferedBytes / 4), maxBufferedBytes - maxFrameBytes));
}

/** The defaults, overridden by every field of `given` that is set. */
export function resolveTransportLimits(maxFrameBytes: number, given: Partial<TransportLimits> = {}): TransportLimits {
  return {
    maxConnections: given.maxConnections ?? DEFAULT_TRANSPORT_LIMITS.maxConnections,
    maxBufferedBytes: given.maxBufferedBytes ?? defaultMaxBufferedBytes(maxFrameBytes),
    frameTimeoutMs: given.frameTimeoutMs ?? DEFAULT_TRANSPORT_LIMITS.frameTimeoutMs,
  };
}
