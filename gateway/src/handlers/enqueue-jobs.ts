import type { NewJob } from '../../../core/src/types/job';
import type { EnqueueRequest } from '../../../core/src/types/requests';
import type { PinLaterEnqueueRequest, PinLaterEnqueueResponse, PinLaterJob } from '../generated/pinlater-idl';
import type { MethodHandler } from './method-handler';
import { present, toRequestCtx } from './thrift-mapping';

/** IDL defaults are already applied by the decoder; `runAfterMs` stays undefined when unset (FACTS §11.12). */
export function toNewJob(job: PinLaterJob): NewJob {
  const out: NewJob = {
    body: job.body,
    priority: job.priority,
    attemptsAllowed: job.numAttemptsAllowed,
    customStatus: job.customStatus,
  };
  if (job.runAfterTimestampMillis !== undefined) out.runAfterMs = job.runAfterTimestampMillis;
  return out;
}

export function toEnqueueRequest(req: PinLaterEnqueueRequest): EnqueueRequest {
  return { queue: req.queueName, jobs: req.jobs.map(toNewJob) };
}

export function toEnqueueResponse(descriptors: string[]): PinLaterEnqueueResponse {
  return { jobDescriptors: descriptors };
}

/** `PinLaterEnqueueResponse enqueueJobs(1: RequestContext context, 2: PinLaterEnqueueRequest request)`. */
export const enqueueJobsHandler: MethodHandler<'enqueueJobs'> = {
  method: 'enqueueJobs',
  invoke: (service, args, call) =>
    service.enqueueJobs(toRequestCtx(args.context, call), toEnqueueRequest(present(args.request))).then(toEnqueueResponse),
};
