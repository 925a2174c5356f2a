import { readdirSync } from 'node:fs';
import { PINLATER_IDL, SERVICE_NAME } from '../generated/pinlater-idl';
import { PinLaterError } from '../../../core/src/errors/pinlater-error';
import { ErrorCode } from '../../../core/src/errors/error-code';
import type { PinLaterService } from '../service/pinlater-service';
import type { DecodedStruct } from '../server/struct-codec';
import type { GatewayInstruments } from '../telemetry/gateway-instruments';
import { createDispatcher, HANDLERS } from './handler-table';

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe('handler table', () => {
  const methods = (PINLATER_IDL.services[SERVICE_NAME] ?? []).map((m) => m.name);

  it('has exactly one handler per IDL method, registered under its own name', () => {
    expect(Object.keys(HANDLERS).sort()).toEqual([...methods].sort());
    for (const [name, handler] of Object.entries(HANDLERS)) expect(handler.method).toBe(name);
  });

  it('every IDL method has gateway/src/handlers/<kebab-method>.ts and a spec beside it', () => {
    const files = new Set(readdirSync(__dirname));
    for (const m of methods) {
      expect(files.has(`${kebab(m)}.ts`)).toBe(true);
      expect(files.has(`${kebab(m)}.spec.ts`)).toBe(true);
    }
  });
});

describe('createDispatcher with instruments', () => {
  const served: Array<[string, string | undefined, string | undefined]> = [];
  const instruments = { callServed: (method: string, queue: string | undefined, _s: number, errorType: string | undefined) => served.push([method, queue, errorType]) } as unknown as GatewayInstruments;
  const args = { context: { source: 's', requestId: 'r' }, name: 'q1' } as unknown as DecodedStruct;
  const service = (createQueue: () => Promise<void>): PinLaterService => ({ createQueue } as unknown as PinLaterService);

  beforeEach(() => {
    served.length = 0;
  });

  it('a handler that throws synchronously still throws synchronously (its phase decides the wire answer), counted as INTERNAL_ERROR', () => {
    const dispatcher = createDispatcher(service(() => {
      throw new TypeError('mapping bug');
    }), instruments);
    expect(() => dispatcher.invoke('createQueue', args, {})).toThrow(TypeError);
    expect(served).toEqual([['createQueue', 'q1', 'INTERNAL_ERROR']]);
  });

  it('a failed promise is counted with the error type the wire carries', async () => {
    await expect(createDispatcher(service(() => Promise.reject(new Error('store down'))), instruments).invoke('createQueue', args, {})).rejects.toThrow('store down');
    await expect(createDispatcher(service(() => Promise.reject(new PinLaterError(ErrorCode.QUEUE_NAME_INVALID, 'bad'))), instruments).invoke('createQueue', args, {})).rejects.toThrow('bad');
    await createDispatcher(service(() => Promise.resolve()), instruments).invoke('createQueue', args, {});
    expect(served).toEqual([['createQueue', 'q1', 'UNKNOWN'], ['createQueue', 'q1', 'QUEUE_NAME_INVALID'], ['createQueue', 'q1', undefined]]);
  });
});
