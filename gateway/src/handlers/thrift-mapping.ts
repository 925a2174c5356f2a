import { InternalError } from '../../../core/src/errors/internal-error';
import type { CallContext } from '../server/call-context';
import type { JobInfo } from '../../../core/src/types/job';
import type { JobState } from '../../../core/src/types/job-state';
import type { AckInfo, AckRequest } from '../../../core/src/types/requests';
import type { PinLaterJobAckInfo, PinLaterJobAckRequest, PinLaterJobInfo, RequestContext } from '../generated/pinlater-idl';
import type { RequestCtx } from '../service/pinlater-service';

/**
 * Shared Thrift ⇄ domain mappings used by several handlers. Absent method arguments (Thrift
 * default requiredness lets a client omit them) fail the way PinLater's Java does: a
 * NullPointerException raised before the future exists → INTERNAL_ERROR.
 */
export function present<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new InternalError('java.lang.NullPointerException');
  return value;
}

export function toRequestCtx(context: RequestContext | undefined, call?: CallContext): RequestCtx {
  const c = present(context);
  return call?.trace === undefined ? { source: c.source, requestId: c.requestId } : { source: c.source, requestId: c.requestId, trace: call.trace };
}

export function toAckRequest(req: PinLaterJobAckRequest): AckRequest {
  return {
    queue: req.queueName,
    succeeded: (req.jobsSucceeded ?? []).map(toAckInfo),
    failed: (req.jobsFailed ?? []).map(toAckInfo),
  };
}

function toAckInfo(info: PinLaterJobAckInfo): AckInfo {
  return { descriptor: info.jobDescriptor, appendCustomStatus: info.appendCustomStatus, retryDelayMs: info.retryDelayMillis };
}

/** Optional JobInfo fields are sent only when the backend reported them (FACTS §5.5 lookup). */
export function toThriftJobInfo(info: JobInfo): PinLaterJobInfo {
  const out: PinLaterJobInfo = {
    jobDescriptor: info.descriptor,
    jobState: info.state as number as PinLaterJobInfo['jobState'],
    attemptsAllowed: info.attemptsAllowed,
    attemptsRemaining: info.attemptsRemaining,
    customStatus: info.customStatus,
    createdAtTimestampMillis: info.createdAtMs,
  };
  if (info.runAfterMs !== undefined) out.runAfterTimestampMillis = info.runAfterMs;
  if (info.updatedAtMs !== undefined) out.updatedAtTimestampMillis = info.updatedAtMs;
  if (info.claimDescriptor !== undefined) out.claimDescriptor = info.claimDescriptor;
  if (info.body !== undefined) out.body = info.body;
  return out;
}

/** The decoder has already rejected values outside the IDL enum (FACTS §1.3). */
export function toJobState(state: number): JobState {
  return state as JobState;
}
