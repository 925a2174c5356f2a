import type { MethodHandler } from './method-handler';
import { present, toRequestCtx } from './thrift-mapping';

/** `void deleteQueue(1: RequestContext context, 2: string name, 3: string password)`; the password may be absent. */
export const deleteQueueHandler: MethodHandler<'deleteQueue'> = {
  method: 'deleteQueue',
  invoke: (service, args, call) => service.deleteQueue(toRequestCtx(args.context, call), present(args.name), args.password),
};
