import type { JobInfo } from '../../../core/src/types/job';
import type { PinLaterJobInfo, PinLaterLookupJobRequest } from '../generated/pinlater-idl';
import type { LookupRequest } from '../../../core/src/types/requests';
import type { MethodHandler } from './method-handler';
import { present, toRequestCtx, toThriftJobInfo } from './thrift-mapping';

export function toLookupRequest(req: PinLaterLookupJobRequest): LookupRequest {
  return { descriptors: req.jobDescriptors, includeBody: req.includeBody };
}

/** Keys stay exactly as the client sent them; `jobDescriptor` inside is the canonical one (FACTS §3.8). */
export function toLookupResponse(found: Map<string, JobInfo>): Map<string, PinLaterJobInfo> {
  const out = new Map<string, PinLaterJobInfo>();
  for (const [key, info] of found) out.set(key, toThriftJobInfo(info));
  return out;
}

/** `map<string, PinLaterJobInfo> lookupJobs(1: RequestContext context, 2: PinLaterLookupJobRequest request)`. */
export const lookupJobsHandler: MethodHandler<'lookupJobs'> = {
  method: 'lookupJobs',
  invoke: (service, args, call) =>
    service.lookupJobs(toRequestCtx(args.context, call), toLookupRequest(present(args.request))).then(toLookupResponse),
};
