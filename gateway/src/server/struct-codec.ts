import { TType, wireTypeOf, isPrimitive } from '../codegen/idl-schema';
import type { ConstValue, FieldDef, IdlSchema, MethodDef, TypeRef } from '../codegen/idl-schema';
import type { BinaryReader } from './binary-reader';
import type { BinaryWriter } from './binary-writer';
import { ProtocolError, ProtocolErrorType } from './protocol-error';

export type DecodedStruct = Record<string, unknown>;

interface CompiledFields {
  readonly structName: string;
  readonly byId: ReadonlyMap<number, FieldDef>;
  /** Sorted by field id: Apache Java writes fields in ascending id order (FACTS §2.2). */
  readonly sorted: readonly FieldDef[];
  /** The fields of `sorted` that have an IDL default. */
  readonly withDefaults: readonly FieldDef[];
  readonly validate: boolean;
}

/**
 * Schema-driven Thrift binary codec with PinLater's Apache-Java read semantics (FACTS §1.3):
 *  - IDL defaults are applied first; unknown field ids are skipped;
 *  - a known field id with an unexpected wire type is skipped and keeps its default;
 *  - an enum value outside the IDL enum reads as "unset" (Java: `findByValue` → null);
 *  - at the end of every struct (nested ones included), missing required fields raise a
 *    `ProtocolError` (Java's `validate()`); method arguments have default requiredness and are
 *    never validated.
 * Writing emits set fields in ascending id order and refuses to write a struct with a missing
 * required field.
 */
export class StructCodec {
  private readonly structs = new Map<string, CompiledFields>();
  private readonly enums = new Map<string, ReadonlySet<number>>();
  /** `<method>_args` definitions, compiled on first use (method definitions are immutable). */
  private readonly args = new WeakMap<MethodDef, CompiledFields>();

  constructor(private readonly idl: IdlSchema) {
    for (const s of Object.values(idl.structs)) this.structs.set(s.name, compile(s.name, s.fields, true));
    for (const [name, values] of Object.entries(idl.enums)) this.enums.set(name, new Set(Object.values(values)));
  }

  decodeStruct(reader: BinaryReader, structName: string): DecodedStruct {
    return this.readFields(reader, this.struct(structName));
  }

  decodeArgs(reader: BinaryReader, method: MethodDef): DecodedStruct {
    let def = this.args.get(method);
    if (def === undefined) {
      def = compile(`${method.name}_args`, method.args, false);
      this.args.set(method, def);
    }
    return this.readFields(reader, def);
  }

  encodeStruct(writer: BinaryWriter, structName: string, value: DecodedStruct): void {
    this.writeFields(writer, this.struct(structName), value);
  }

  /** `<method>_result`: field 0 = success (absent for void), field 1.. = declared exceptions. */
  encodeResult(writer: BinaryWriter, method: MethodDef, outcome: { success: unknown } | { exception: DecodedStruct; field: FieldDef }): void {
    if ('exception' in outcome) {
      writer.writeFieldBegin(TType.STRUCT, outcome.field.id);
      this.writeValue(writer, outcome.field.type, outcome.exception);
    } else if (method.returns !== 'void') {
      if (outcome.success === undefined || outcome.success === null) {
        throw new Error(`${method.name} returned no value`);
      }
      writer.writeFieldBegin(wireTypeOf(method.returns), 0);
      this.writeValue(writer, method.returns, outcome.success);
    }
    writer.writeFieldStop();
  }

  /** The IDL's args definition, for tests and tools. */
  get schema(): IdlSchema {
    return this.idl;
  }

  private struct(name: string): CompiledFields {
    const s = this.structs.get(name);
    if (!s) throw new Error(`Unknown struct ${name}`);
    return s;
  }

  private readFields(reader: BinaryReader, def: CompiledFields): DecodedStruct {
    const out: DecodedStruct = {};
    for (const f of def.withDefaults) out[f.name] = constToValue(f.type, f.defaultValue as ConstValue);
    for (;;) {
      const type = reader.readByte();
      if (type === TType.STOP) break;
      const field = def.byId.get(reader.readI16());
      if (!field || wireTypeOf(field.type) !== type) {
        reader.skip(type);
        continue;
      }
      const value = this.readValue(reader, field.type);
      if (value === undefined) delete out[field.name];
      else out[field.name] = value;
    }
    if (def.validate) checkRequired(def, out);
    return out;
  }

  private readValue(reader: BinaryReader, type: TypeRef): unknown {
    switch (type.kind) {
      case 'base':
        return readBase(reader, type.name);
      case 'enum': {
        const v = reader.readI32();
        return this.enums.get(type.name)?.has(v) ? v : undefined;
      }
      case 'struct':
        return this.readFields(reader, this.struct(type.name));
      case 'list':
      case 'set':
        return this.readList(reader, type.elem);
      case 'map':
        return this.readMap(reader, type.key, type.value);
    }
  }

  private readList(reader: BinaryReader, elem: TypeRef): unknown[] {
    const { elemType, size } = reader.readListBegin();
    if (size > 0 && elemType !== wireTypeOf(elem)) {
      throw new ProtocolError(ProtocolErrorType.INVALID_DATA, `List element type ${elemType}, expected ${wireTypeOf(elem)}`);
    }
    const out: unknown[] = [];
    for (let i = 0; i < size; i++) out.push(this.readValue(reader, elem) ?? null);
    return out;
  }

  private readMap(reader: BinaryReader, key: TypeRef, value: TypeRef): Map<unknown, unknown> {
    const m = reader.readMapBegin();
    if (m.size > 0 && (m.keyType !== wireTypeOf(key) || m.valueType !== wireTypeOf(value))) {
      throw new ProtocolError(ProtocolErrorType.INVALID_DATA, 'Unexpected map key/value types');
    }
    const out = new Map<unknown, unknown>();
    for (let i = 0; i < m.size; i++) {
      const k = this.readValue(reader, key);
      out.set(k, this.readValue(reader, value) ?? null);
    }
    return out;
  }

  private writeFields(writer: BinaryWriter, def: CompiledFields, value: DecodedStruct): void {
    for (const f of def.sorted) {
      const v = value[f.name];
      if (v === undefined || v === null) {
        if (f.requiredness === 'required') throw new Error(`Required field '${f.name}' is unset! Struct:${def.structName}`);
        continue;
      }
      writer.writeFieldBegin(wireTypeOf(f.type), f.id);
      this.writeValue(writer, f.type, v);
    }
    writer.writeFieldStop();
  }

  private writeValue(writer: BinaryWriter, type: TypeRef, v: unknown): void {
    switch (type.kind) {
      case 'base':
        return writeBase(writer, type.name, v);
      case 'enum':
        return writer.writeI32(v as number);
      case 'struct':
        return this.writeFields(writer, this.struct(type.name), v as DecodedStruct);
      case 'list':
      case 'set': {
        const items = Array.isArray(v) ? (v as unknown[]) : [...(v as Iterable<unknown>)];
        writer.writeListBegin(wireTypeOf(type.elem), items.length);
        for (const item of items) this.writeValue(writer, type.elem, item);
        return;
      }
      case 'map': {
        const m = v as Map<unknown, unknown>;
        writer.writeMapBegin(wireTypeOf(type.key), wireTypeOf(type.value), m.size);
        for (const [k, item] of m) {
          this.writeValue(writer, type.key, k);
          this.writeValue(writer, type.value, item);
        }
        return;
      }
    }
  }
}

function compile(structName: string, fields: readonly FieldDef[], validate: boolean): CompiledFields {
  return {
    structName,
    byId: new Map(fields.map((f) => [f.id, f])),
    sorted: [...fields].sort((a, b) => a.id - b.id),
    withDefaults: [...fields].sort((a, b) => a.id - b.id).filter((f) => f.defaultValue !== undefined),
    validate,
  };
}

/** Apache Java's `validate()` messages (the struct's toString is abbreviated to its name). */
function checkRequired(def: CompiledFields, value: DecodedStruct): void {
  for (const f of def.sorted) {
    if (f.requiredness !== 'required' || value[f.name] !== undefined) continue;
    const message = isPrimitive(f.type)
      ? `Required field '${f.name}' was not found in serialized data! Struct: ${def.structName}`
      : `Required field '${f.name}' was not present! Struct: ${def.structName}`;
    throw new ProtocolError(ProtocolErrorType.UNKNOWN, message);
  }
}

function readBase(reader: BinaryReader, name: string): unknown {
  switch (name) {
    case 'bool':
      return reader.readBool();
    case 'byte':
      return reader.readByte();
    case 'i16':
      return reader.readI16();
    case 'i32':
      return reader.readI32();
    case 'i64':
      return reader.readI64();
    case 'double':
      return reader.readDouble();
    case 'binary':
      return reader.readBinary();
    default:
      return reader.readString();
  }
}

function writeBase(writer: BinaryWriter, name: string, v: unknown): void {
  switch (name) {
    case 'bool':
      return writer.writeBool(v as boolean);
    case 'byte':
      return writer.writeByte(v as number);
    case 'i16':
      return writer.writeI16(v as number);
    case 'i32':
      return writer.writeI32(v as number);
    case 'i64':
      return writer.writeI64(v as number);
    case 'double':
      return writer.writeDouble(v as number);
    case 'binary':
      return writer.writeBinary(Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8'));
    default:
      return writer.writeString(Buffer.isBuffer(v) ? v.toString('utf8') : (v as string));
  }
}

function constToValue(type: TypeRef, value: ConstValue): unknown {
  if (type.kind === 'base' && type.name === 'bool') return value === true || value === 1;
  if (type.kind === 'base' && type.name === 'binary') return Buffer.from(String(value), 'utf8');
  return value;
}
