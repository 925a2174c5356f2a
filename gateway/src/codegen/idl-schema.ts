/**
 * The shape of a parsed Thrift IDL, as far as the gateway's codec needs it: types, field ids,
 * requiredness and defaults. `scripts/codegen.sh` parses `gateway/thrift/pinlater.thrift` into a
 * value of this type (`gateway/src/generated/pinlater-idl.ts`), so the wire codec and the
 * required-field/enum validation are derived from the IDL, never written by hand.
 */
export type BaseTypeName = 'bool' | 'byte' | 'i16' | 'i32' | 'i64' | 'double' | 'string' | 'binary';

export type TypeRef =
  | { readonly kind: 'base'; readonly name: BaseTypeName }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'struct'; readonly name: string }
  | { readonly kind: 'list' | 'set'; readonly elem: TypeRef }
  | { readonly kind: 'map'; readonly key: TypeRef; readonly value: TypeRef };

/** `default` is Thrift's default requiredness (method arguments): never validated on read. */
export type Requiredness = 'required' | 'optional' | 'default';

export type ConstValue = string | number | boolean;

export interface FieldDef {
  readonly id: number;
  readonly name: string;
  readonly requiredness: Requiredness;
  readonly type: TypeRef;
  readonly defaultValue?: ConstValue;
}

export interface StructDef {
  readonly name: string;
  readonly kind: 'struct' | 'exception';
  /** In IDL order (PinLaterJobInfo has field 10 out of order; writers sort by id). */
  readonly fields: readonly FieldDef[];
}

export interface MethodDef {
  readonly name: string;
  readonly returns: TypeRef | 'void';
  readonly oneway: boolean;
  readonly args: readonly FieldDef[];
  readonly throws: readonly FieldDef[];
}

export interface IdlSchema {
  readonly enums: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly consts: Readonly<Record<string, ConstValue>>;
  readonly structs: Readonly<Record<string, StructDef>>;
  readonly services: Readonly<Record<string, readonly MethodDef[]>>;
}

/** Thrift binary-protocol wire type codes (FACTS §2). */
export const TType = {
  STOP: 0,
  BOOL: 2,
  BYTE: 3,
  DOUBLE: 4,
  I16: 6,
  I32: 8,
  I64: 10,
  STRING: 11,
  STRUCT: 12,
  MAP: 13,
  SET: 14,
  LIST: 15,
} as const;

export function wireTypeOf(type: TypeRef): number {
  switch (type.kind) {
    case 'enum':
      return TType.I32;
    case 'struct':
      return TType.STRUCT;
    case 'list':
      return TType.LIST;
    case 'set':
      return TType.SET;
    case 'map':
      return TType.MAP;
    case 'base':
      return BASE_WIRE_TYPES[type.name];
  }
}

const BASE_WIRE_TYPES: Record<BaseTypeName, number> = {
  bool: TType.BOOL,
  byte: TType.BYTE,
  i16: TType.I16,
  i32: TType.I32,
  i64: TType.I64,
  double: TType.DOUBLE,
  string: TType.STRING,
  binary: TType.STRING,
};

/** Java's view: primitives have an isset bit; everything else is an object reference. */
export function isPrimitive(type: TypeRef): boolean {
  return type.kind === 'base' && type.name !== 'string' && type.name !== 'binary';
}
