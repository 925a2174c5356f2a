/**
 * Helix STATE_TRANSITION messages (MODEL §2.3 Message, §2.6 protocol). The id is a UUID; the
 * controller creates them under INSTANCES/<tgt>/MESSAGES, the participant marks them READ,
 * transitions, merges its current state and deletes them.
 */
import { randomUUID } from 'node:crypto';
import { ONLINE_OFFLINE } from './helix-paths';
import { newRecord, type ZNRecord } from './zn-record';

export const MessageState = { NEW: 'NEW', READ: 'READ', UNPROCESSABLE: 'UNPROCESSABLE' } as const;

export interface TransitionRequest {
  readonly srcName: string;
  readonly srcSessionId: string;
  readonly tgtName: string;
  readonly tgtSessionId: string;
  readonly resource: string;
  readonly partition: string;
  readonly fromState: string;
  readonly toState: string;
  readonly nowMs: number;
}

export function transitionMessage(req: TransitionRequest, msgId: string = randomUUID()): ZNRecord {
  const r = newRecord(msgId);
  Object.assign(r.simpleFields, {
    MSG_ID: msgId,
    MSG_TYPE: 'STATE_TRANSITION',
    MSG_STATE: MessageState.NEW,
    SRC_NAME: req.srcName,
    SRC_SESSION_ID: req.srcSessionId,
    SRC_INSTANCE_TYPE: 'CONTROLLER',
    TGT_NAME: req.tgtName,
    TGT_SESSION_ID: req.tgtSessionId,
    RESOURCE_NAME: req.resource,
    PARTITION_NAME: req.partition,
    FROM_STATE: req.fromState,
    TO_STATE: req.toState,
    STATE_MODEL_DEF: ONLINE_OFFLINE,
    STATE_MODEL_FACTORY_NAME: 'DEFAULT',
    BUCKET_SIZE: '0',
    CREATE_TIMESTAMP: String(req.nowMs),
    RETRY_COUNT: '3',
  });
  return r;
}

/** The fields of a transition message the participant and controller act on. */
export interface TransitionMessage {
  readonly id: string;
  readonly type: string;
  readonly state: string;
  readonly tgtSessionId: string;
  readonly resource: string;
  readonly partition: string;
  readonly fromState: string;
  readonly toState: string;
  readonly createdMs: number;
}

export function readTransition(record: ZNRecord): TransitionMessage {
  const f = record.simpleFields;
  return {
    id: f.MSG_ID ?? record.id,
    type: f.MSG_TYPE ?? '',
    state: f.MSG_STATE ?? MessageState.NEW,
    tgtSessionId: f.TGT_SESSION_ID ?? '',
    resource: f.RESOURCE_NAME ?? '',
    partition: f.PARTITION_NAME ?? '',
    fromState: f.FROM_STATE ?? '',
    toState: f.TO_STATE ?? '',
    createdMs: Number(f.CREATE_TIMESTAMP ?? 0),
  };
}
