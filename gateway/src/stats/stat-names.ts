import { ErrorCode } from '../../../core/src/errors/error-code';

/** PinLater's stat names (FACTS §9), in one place for the gateway and dashboards. */
export const statNames = {
  timing: (method: string): string => `PinLaterService.${method}`,
  error: (method: string, code: string): string => `PinLater.${method}.errors.${code}`,
  enqueued: (queue: string): string => `${queue}_enqueue`,
  dequeued: (queue: string): string => `${queue}_dequeue`,
  ackSucceeded: (queue: string): string => `${queue}_ack_succeeded`,
  ackFailed: (queue: string): string => `${queue}_ack_failed`,
  checkpoint: (queue: string): string => `${queue}_checkpoint`,
  rateLimited: (queue: string): string => `${queue}_dequeue_requests_rate_limited`,
  bodySize: (queue: string): string => `job_body_size_${queue}`,
  bodySizeAll: 'job-body-size',
} as const;

/** PinLaterServiceImpl.errorCodeToStr: NO_HEALTHY_SHARDS is counted as INTERNAL_ERROR. */
export function errorStatCode(code: ErrorCode): string {
  if (code === ErrorCode.NO_HEALTHY_SHARDS) return 'INTERNAL_ERROR';
  return ErrorCode[code] ?? 'INVALID_ERROR_CODE';
}
