import type { CheckpointItem } from '../../../core/src/types/requests';
import type { PinLaterCheckpointJobRequest } from '../generated/pinlater-idl';
import type { MethodHandler } from './method-handler';
import { present, toRequestCtx } from './thrift-mapping';

/** Optional fields stay undefined unless the client set them (each changes the update PinLater runs). */
export function toCheckpointItem(req: PinLaterCheckpointJobRequest): CheckpointItem {
  const item: CheckpointItem = { descriptor: req.jobDescriptor, moveToPending: req.moveToPending };
  if (req.newBody !== undefined) item.newBody = req.newBody;
  if (req.runAfterTimestampMillis !== undefined) item.runAfterMs = req.runAfterTimestampMillis;
  if (req.numOfAttemptsAllowed !== undefined) item.numOfAttemptsAllowed = req.numOfAttemptsAllowed;
  if (req.prependCustomStatus !== undefined) item.prependCustomStatus = req.prependCustomStatus;
  return item;
}

/** `void checkpointJobs(1: RequestContext context, 2: PinLaterCheckpointJobsRequest request)`. */
export const checkpointJobsHandler: MethodHandler<'checkpointJobs'> = {
  method: 'checkpointJobs',
  invoke: (service, args, call) => {
    const request = present(args.request);
    return service.checkpointJobs(toRequestCtx(args.context, call), request.queueName, request.requests.map(toCheckpointItem));
  },
};
