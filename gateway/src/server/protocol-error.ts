/**
 * A malformed message body (Apache Thrift's `TProtocolException`). The processor answers it with
 * `TApplicationException(PROTOCOL_ERROR)` when the message header was readable (FACTS §1.3).
 */
export const ProtocolErrorType = {
  UNKNOWN: 0,
  INVALID_DATA: 1,
  NEGATIVE_SIZE: 2,
  SIZE_LIMIT: 3,
  BAD_VERSION: 4,
  NOT_IMPLEMENTED: 5,
  DEPTH_LIMIT: 6,
} as const;

export class ProtocolError extends Error {
  constructor(
    readonly type: number,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}
