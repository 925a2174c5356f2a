import type { MethodHandler } from './method-handler';
import { toRequestCtx } from './thrift-mapping';

export function toQueueNamesResponse(names: Set<string>): string[] {
  return [...names];
}

/** `set<string> getQueueNames(1: RequestContext context)`. */
export const getQueueNamesHandler: MethodHandler<'getQueueNames'> = {
  method: 'getQueueNames',
  invoke: (service, args, call) => service.getQueueNames(toRequestCtx(args.context, call)).then(toQueueNamesResponse),
};
