import type { MethodHandler } from './method-handler';
import { present, toRequestCtx } from './thrift-mapping';

/** `void createQueue(1: RequestContext context, 2: string name)`. */
export const createQueueHandler: MethodHandler<'createQueue'> = {
  method: 'createQueue',
  invoke: (service, args, call) => service.createQueue(toRequestCtx(args.context, call), present(args.name)),
};
