import type { RetryFailedRequest } from '../../../core/src/types/requests';
import type { PinLaterRetryFailedJobsRequest } from '../generated/pinlater-idl';
import type { MethodHandler } from './method-handler';
import { present, toRequestCtx } from './thrift-mapping';

/** runAfter unset → the backend uses its current time (FACTS §3.8). */
export function toRetryFailedRequest(req: PinLaterRetryFailedJobsRequest): RetryFailedRequest {
  const out: RetryFailedRequest = { queue: req.queueName, priority: req.priority, attemptsToAllow: req.attemptsToAllow, limit: req.limit };
  if (req.runAfterTimestampMillis !== undefined) out.runAfterMs = req.runAfterTimestampMillis;
  return out;
}

/** `i32 retryFailedJobs(1: RequestContext context, 2: PinLaterRetryFailedJobsRequest request)`. */
export const retryFailedJobsHandler: MethodHandler<'retryFailedJobs'> = {
  method: 'retryFailedJobs',
  invoke: (service, args, call) =>
    service.retryFailedJobs(toRequestCtx(args.context, call), toRetryFailedRequest(present(args.request))),
};
