import type { DequeueResult } from '../../../core/src/types/requests';
import type { PinLaterDequeueMetadata, PinLaterDequeueRequest, PinLaterDequeueResponse } from '../generated/pinlater-idl';
import type { DequeueCall } from '../service/pinlater-service';
import type { MethodHandler } from './method-handler';
import { present, toAckRequest, toRequestCtx } from './thrift-mapping';

export function toDequeueCall(req: PinLaterDequeueRequest): DequeueCall {
  const call: DequeueCall = { queue: req.queueName, limit: req.limit, dryRun: req.dryRun, coverage: req.coverage };
  if (req.jobAckRequest !== undefined) call.ack = toAckRequest(req.jobAckRequest);
  return call;
}

/** PinLater fills the maps only when jobs were found: an empty result has BOTH maps absent (FACTS §1.3). */
export function toDequeueResponse(result: DequeueResult): PinLaterDequeueResponse {
  if (result.jobs.length === 0) return {};
  const jobs = new Map<string, Buffer>();
  const jobMetadata = new Map<string, PinLaterDequeueMetadata>();
  for (const job of result.jobs) {
    jobs.set(job.descriptor, job.body);
    jobMetadata.set(job.descriptor, { attemptsAllowed: job.attemptsAllowed, attemptsRemaining: job.attemptsRemaining });
  }
  return { jobs, jobMetadata };
}

/** `PinLaterDequeueResponse dequeueJobs(1: RequestContext context, 2: PinLaterDequeueRequest request)`. */
export const dequeueJobsHandler: MethodHandler<'dequeueJobs'> = {
  method: 'dequeueJobs',
  invoke: (service, args, call) =>
    service.dequeueJobs(toRequestCtx(args.context, call), toDequeueCall(present(args.request))).then(toDequeueResponse),
};
