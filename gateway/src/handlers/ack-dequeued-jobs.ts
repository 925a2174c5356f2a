import type { MethodHandler } from './method-handler';
import { present, toAckRequest, toRequestCtx } from './thrift-mapping';

/** `void ackDequeuedJobs(1: RequestContext context, 2: PinLaterJobAckRequest request)`. */
export const ackDequeuedJobsHandler: MethodHandler<'ackDequeuedJobs'> = {
  method: 'ackDequeuedJobs',
  invoke: (service, args, call) => service.ackDequeuedJobs(toRequestCtx(args.context, call), toAckRequest(present(args.request))),
};
