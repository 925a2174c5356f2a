import { readdirSync } from 'node:fs';
import { PINLATER_IDL, SERVICE_NAME } from '../generated/pinlater-idl';
import { HANDLERS } from './handler-table';

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
