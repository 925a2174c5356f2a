import type { JobInfo } from '../../../core/src/types/job';
import type { PinLaterScanJobsRequest, PinLaterScanJobsResponse } from '../generated/pinlater-idl';
import type { ScanCall } from '../service/pinlater-service';
import type { MethodHandler } from './method-handler';
import { present, toJobState, toRequestCtx, toThriftJobInfo } from './thrift-mapping';

export function toScanCall(req: PinLaterScanJobsRequest): ScanCall {
  const out: ScanCall = {
    queue: req.queueName,
    state: toJobState(req.jobState),
    future: req.scanFutureJobs,
    limit: req.limit,
    continuation: req.continuation,
  };
  if (req.priority !== undefined) out.priority = req.priority;
  if (req.bodyRegexToMatch !== undefined) out.bodyRegex = req.bodyRegexToMatch;
  return out;
}

/** The continuation is always PinLater's CONTINUATION_END, "-1" (FACTS §1.3). */
export function toScanResponse(jobs: JobInfo[]): PinLaterScanJobsResponse {
  return { scannedJobs: jobs.map(toThriftJobInfo), continuation: '-1' };
}

/** `PinLaterScanJobsResponse scanJobs(1: RequestContext context, 2: PinLaterScanJobsRequest request)`. */
export const scanJobsHandler: MethodHandler<'scanJobs'> = {
  method: 'scanJobs',
  invoke: (service, args, call) => service.scanJobs(toRequestCtx(args.context, call), toScanCall(present(args.request))).then(toScanResponse),
};
