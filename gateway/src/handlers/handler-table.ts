import type { MethodArgs, MethodName } from '../generated/pinlater-idl';
import type { CallContext } from '../server/call-context';
import type { RpcDispatcher } from '../server/rpc-processor';
import type { DecodedStruct } from '../server/struct-codec';
import type { PinLaterService } from '../service/pinlater-service';
import { thriftErrorType, toThriftError, type FailurePhase } from '../errors/to-thrift-error';
import type { GatewayInstruments } from '../telemetry/gateway-instruments';
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

/**
 * Routes decoded calls to the handlers (the decoder guarantees the args' shape per the IDL). With
 * `instruments`, every call's latency and outcome is recorded (`rpc.server.call.duration`, its
 * `error.type` what the wire carries: to-thrift-error.ts). A handler that throws synchronously
 * still does (FACTS §1.3: that phase is answered differently from a failed promise).
 */
export function createDispatcher(service: PinLaterService, instruments?: GatewayInstruments): RpcDispatcher {
  const invoke = (method: string, args: DecodedStruct, call?: CallContext): Promise<unknown> => {
    const handler = (HANDLERS as Record<string, MethodHandler<MethodName> | undefined>)[method];
    if (!handler) throw new Error(`No handler for ${method}`);
    return handler.invoke(service, args as unknown as MethodArgs[MethodName], call);
  };
  if (instruments === undefined) return { invoke };
  return {
    invoke(method: string, args: DecodedStruct, call?: CallContext): Promise<unknown> {
      const started = performance.now();
      const served = (failure?: { error: unknown; phase: FailurePhase }): void => instruments.callServed(
        method, queueOf(args), (performance.now() - started) / 1000, failure === undefined ? undefined : thriftErrorType(toThriftError(failure.error, method, failure.phase)),
      );
      let pending: Promise<unknown>;
      try {
        pending = invoke(method, args, call);
      } catch (error) {
        served({ error, phase: 'sync' });
        throw error;
      }
      return pending.then(
        (result) => {
          served();
          return result;
        },
        (error: unknown) => {
          served({ error, phase: 'async' });
          throw error;
        },
      );
    },
  };
}

/** The queue a call names (`request.queueName`, or createQueue/deleteQueue's `name`), if any. */
function queueOf(args: DecodedStruct): string | undefined {
  const request = (args as { request?: { queueName?: unknown } }).request;
  const queue = request?.queueName ?? (args as { name?: unknown }).name;
  return typeof queue === 'string' ? queue : undefined;
}
