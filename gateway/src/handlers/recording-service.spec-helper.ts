import type { PinLaterService } from '../service/pinlater-service';

/** For handler specs: records the domain call a handler makes and answers with a fixed value. */
export function recordingService(answer: unknown = undefined): { service: PinLaterService; calls: { method: string; args: unknown[] }[] } {
  const calls: { method: string; args: unknown[] }[] = [];
  const service = new Proxy({} as PinLaterService, {
    get: (_t, method: string) => (...args: unknown[]) => {
      calls.push({ method, args });
      return Promise.resolve(answer);
    },
  });
  return { service, calls };
}
