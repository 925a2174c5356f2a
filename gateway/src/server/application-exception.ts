import { TType } from '../codegen/idl-schema';
import type { BinaryWriter } from './binary-writer';

/** `TApplicationException` type codes (Apache Thrift). */
export const ApplicationExceptionType = {
  UNKNOWN: 0,
  UNKNOWN_METHOD: 1,
  INVALID_MESSAGE_TYPE: 2,
  WRONG_METHOD_NAME: 3,
  BAD_SEQUENCE_ID: 4,
  MISSING_RESULT: 5,
  INTERNAL_ERROR: 6,
  PROTOCOL_ERROR: 7,
} as const;

export type ApplicationExceptionTypeCode = (typeof ApplicationExceptionType)[keyof typeof ApplicationExceptionType];

const TYPE_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(ApplicationExceptionType).map(([name, code]) => [code, name]));

/** `INTERNAL_ERROR`, `PROTOCOL_ERROR`, …: the `error.type` of a call answered with this exception. */
export function applicationExceptionTypeName(type: ApplicationExceptionTypeCode): string {
  return TYPE_NAMES.get(type) ?? 'UNKNOWN';
}

/**
 * Writes `TApplicationException { 1: string message, 2: i32 type }` the way Apache Java does,
 * type field included. npm thrift's own writer drops the type (it writes `this.code`, which its
 * constructor never sets; STACK.md), which would turn the Finagle probe's UNKNOWN_METHOD into
 * UNKNOWN and break the client's fallback to plain framed binary (FACTS §1.2).
 */
export function writeApplicationException(writer: BinaryWriter, message: string, type: ApplicationExceptionTypeCode): void {
  writer.writeFieldBegin(TType.STRING, 1);
  writer.writeString(message);
  writer.writeFieldBegin(TType.I32, 2);
  writer.writeI32(type);
  writer.writeFieldStop();
}

export function unknownMethodMessage(name: string): string {
  return `Invalid method name: '${name}'`;
}

/**
 * The TTwitter upgrade probe a Finagle client sends on every new connection (FACTS §1.2); accepted
 * (REPLY UpgradeReply, connection upgraded) or, with the upgrade turned off, declined with
 * UNKNOWN_METHOD (the client stays plain).
 */
export const FINAGLE_TRACE_PROBE = '__can__finagle__trace__v3__';
