import type { FieldDef, IdlSchema, MethodDef, TypeRef } from './idl-schema';

/**
 * Emits the TypeScript module `gateway/src/generated/pinlater-idl.ts` from a parsed IDL: the schema
 * as data (drives the wire codec and the required-field/enum validation) plus one interface per
 * struct and per method's arguments describing the decoded shape:
 *  - required fields and optional fields with an IDL default are always present after decoding;
 *  - other optional fields (and method arguments, which have default requiredness) may be absent,
 *    which keeps "unset" distinguishable from any value (FACTS §11.12).
 */
export function emitIdlModule(schema: IdlSchema, serviceName: string, header: string): string {
  assertRequiredFieldsHaveNoDefault(schema);
  const methods = schema.services[serviceName];
  if (!methods) throw new Error(`IDL has no service ${serviceName}`);
  const out: string[] = [header, "import type { IdlSchema } from '../codegen/idl-schema';", ''];
  out.push(`export const PINLATER_IDL: IdlSchema = ${JSON.stringify(schema, null, 2)};`, '');
  out.push(`export const SERVICE_NAME = ${JSON.stringify(serviceName)};`, '');
  for (const [name, values] of Object.entries(schema.enums)) {
    out.push(`export type ${name} = ${Object.values(values).join(' | ')};`);
  }
  out.push('');
  for (const s of Object.values(schema.structs)) out.push(emitInterface(s.name, s.fields, false), '');
  for (const m of methods) out.push(emitInterface(argsName(m), m.args, true), '');
  out.push(`export const METHOD_NAMES = [${methods.map((m) => JSON.stringify(m.name)).join(', ')}] as const;`);
  out.push('export type MethodName = (typeof METHOD_NAMES)[number];', '');
  out.push('/** Decoded arguments per method. */', 'export interface MethodArgs {');
  for (const m of methods) out.push(`  ${m.name}: ${argsName(m)};`);
  out.push('}', '', '/** Success value per method (`void` methods have none). */', 'export interface MethodReturns {');
  for (const m of methods) out.push(`  ${m.name}: ${m.returns === 'void' ? 'void' : tsType(m.returns)};`);
  out.push('}', '');
  return out.join('\n');
}

function argsName(m: MethodDef): string {
  return `${m.name}_args`;
}

function emitInterface(name: string, fields: readonly FieldDef[], allOptional: boolean): string {
  const lines = [`export interface ${name} {`];
  for (const f of [...fields].sort((a, b) => a.id - b.id)) {
    const present = !allOptional && (f.requiredness === 'required' || f.defaultValue !== undefined);
    lines.push(`  /** ${f.id}: ${f.requiredness}${f.defaultValue !== undefined ? ` = ${JSON.stringify(f.defaultValue)}` : ''} */`);
    lines.push(`  ${f.name}${present ? '' : '?'}: ${tsType(f.type)};`);
  }
  lines.push('}');
  return lines.join('\n');
}

export function tsType(type: TypeRef): string {
  switch (type.kind) {
    case 'base':
      if (type.name === 'bool') return 'boolean';
      if (type.name === 'string') return 'string';
      if (type.name === 'binary') return 'Buffer';
      return 'number';
    case 'enum':
    case 'struct':
      return type.name;
    case 'list':
    case 'set':
      return `${tsType(type.elem)}[]`;
    case 'map':
      return `Map<${tsType(type.key)}, ${tsType(type.value)}>`;
  }
}

/**
 * The codec decides "required field missing" by absence. That is exact only when required fields
 * carry no default (true in PinLater's IDL); refuse to generate otherwise.
 */
function assertRequiredFieldsHaveNoDefault(schema: IdlSchema): void {
  for (const s of Object.values(schema.structs)) {
    for (const f of s.fields) {
      if (f.requiredness === 'required' && f.defaultValue !== undefined) {
        throw new Error(`${s.name}.${f.name}: required fields with defaults are not supported by the codec`);
      }
    }
  }
}
