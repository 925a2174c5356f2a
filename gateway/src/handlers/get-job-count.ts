import type { CountRequest } from '../../../core/src/types/requests';
import type { PinLaterGetJobCountRequest } from '../generated/pinlater-idl';
import type { MethodHandler } from './method-handler';
import { present, toJobState, toRequestCtx } from './thrift-mapping';

/** No priority → every level; the priority is a signed byte and not range-checked (FACTS §3.2). */
export function toCountRequest(req: PinLaterGetJobCountRequest): CountRequest {
  const out: CountRequest = { queue: req.queueName, state: toJobState(req.jobState), future: req.countFutureJobs };
  if (req.priority !== undefined) out.priority = req.priority;
  if (req.bodyRegexToMatch !== undefined) out.bodyRegex = req.bodyRegexToMatch;
  return out;
}

/** `i32 getJobCount(1: RequestContext context, 2: PinLaterGetJobCountRequest request)`. */
export const getJobCountHandler: MethodHandler<'getJobCount'> = {
  method: 'getJobCount',
  invoke: (service, args, call) => service.getJobCount(toRequestCtx(args.context, call), toCountRequest(present(args.request))),
};
