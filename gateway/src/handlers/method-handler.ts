import type { MethodArgs, MethodName, MethodReturns } from '../generated/pinlater-idl';
import type { CallContext } from '../server/call-context';
import type { PinLaterService } from '../service/pinlater-service';

/**
 * One IDL method: maps decoded Thrift arguments to a domain call and the domain result back to
 * the Thrift result. Not `async`: a mapping failure must throw synchronously, which PinLater
 * reports as INTERNAL_ERROR (FACTS §1.3), while the returned promise carries the service phase.
 */
export interface MethodHandler<M extends MethodName> {
  readonly method: M;
  /** `call`: what the transport knows of the call (its trace). */
  invoke(service: PinLaterService, args: MethodArgs[M], call?: CallContext): Promise<MethodReturns[M]>;
}
