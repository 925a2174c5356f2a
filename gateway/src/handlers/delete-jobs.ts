import type { DeleteJobsRequest } from '../../../core/src/types/requests';
import type { PinLaterDeleteJobsRequest } from '../generated/pinlater-idl';
import type { MethodHandler } from './method-handler';
import { present, toJobState, toRequestCtx } from './thrift-mapping';

export function toDeleteJobsRequest(req: PinLaterDeleteJobsRequest): DeleteJobsRequest {
  const out: DeleteJobsRequest = { queue: req.queueName, state: toJobState(req.jobState), priority: req.priority, limit: req.limit };
  if (req.bodyRegexToMatch !== undefined) out.bodyRegex = req.bodyRegexToMatch;
  return out;
}

/** `i32 deleteJobs(1: RequestContext context, 2: PinLaterDeleteJobsRequest request)`. */
export const deleteJobsHandler: MethodHandler<'deleteJobs'> = {
  method: 'deleteJobs',
  invoke: (service, args, call) => service.deleteJobs(toRequestCtx(args.context, call), toDeleteJobsRequest(present(args.request))),
};
