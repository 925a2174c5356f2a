import type { MethodArgs, MethodName } from '../generated/pinlater-idl';
import type { RpcDispatcher } from '../server/rpc-processor';
import type { DecodedStruct } from '../server/struct-codec';
import type { PinLaterService } from '../service/pinlater-service';
import { ackDequeuedJobsHandler } from './ack-dequeued-jobs';
import { checkpointJobsHandler } from './checkpoint-jobs';
import { createQueueHandler } from './create-queue';
import { deleteJobsHandler } from './delete-jobs';
import { deleteQueueHandler } from './delete-queue';
import { dequeueJobsHandler } from './dequeue-jobs';
import { enqueueJobsHandler } from './enqueue-jobs';
import { getJobCountHandler } from './get-job-count';
import { getQueueNamesHandler } from './get-queue-names';
import { lookupJobsHandler } from './lookup-jobs';
import type { MethodHandler } from './method-handler';
import { retryFailedJobsHandler } from './retry-failed-jobs';
import { scanJobsHandler } from './scan-jobs';

/** Every IDL method's handler; the mapped type makes a missing method a compile error. */
export const HANDLERS: { readonly [M in MethodName]: MethodHandler<M> } = {
  createQueue: createQueueHandler,
  deleteQueue: deleteQueueHandler,
  enqueueJobs: enqueueJobsHandler,
  dequeueJobs: dequeueJobsHandler,
  ackDequeuedJobs: ackDequeuedJobsHandler,
  checkpointJobs: checkpointJobsHandler,
  lookupJobs: lookupJobsHandler,
  getJobCount: getJobCountHandler,
  getQueueNames: getQueueNamesHandler,
  scanJobs: scanJobsHandler,
  retryFailedJobs: retryFailedJobsHandler,
  deleteJobs: deleteJobsHandler,
};

/** Routes decoded calls to the handlers (the decoder guarantees the args' shape per the IDL). */
export function createDispatcher(service: PinLaterService): RpcDispatcher {
  return {
    invoke(method: string, args: DecodedStruct): Promise<unknown> {
      const handler = (HANDLERS as Record<string, MethodHandler<MethodName> | undefined>)[method];
      if (!handler) throw new Error(`No handler for ${method}`);
      return handler.invoke(service, args as unknown as MethodArgs[MethodName]);
    },
  };
}
