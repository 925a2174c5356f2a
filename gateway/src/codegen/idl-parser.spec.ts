import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PINLATER_IDL, METHOD_NAMES } from '../generated/pinlater-idl';
import * as generatedTypes from '../generated/pinlater_types';
import { parseThriftIdl } from './idl-parser';

const IDL_PATH = join(__dirname, '../../thrift/pinlater.thrift');
const parsed = parseThriftIdl(readFileSync(IDL_PATH, 'utf8'));

describe('IDL-derived schema table', () => {
  it('the committed table is exactly what the IDL parses to (else run scripts/codegen.sh)', () => {
    expect(PINLATER_IDL).toEqual(parsed);
  });

  it('required fields per struct match FACTS §2.2', () => {
    const required = Object.fromEntries(
      Object.values(parsed.structs).map((s) => [s.name, s.fields.filter((f) => f.requiredness === 'required').map((f) => f.name)]),
    );
    expect(required).toEqual({
      PinLaterJob: ['body'],
      PinLaterEnqueueRequest: ['queueName', 'jobs'],
      PinLaterEnqueueResponse: ['jobDescriptors'],
      PinLaterJobAckInfo: ['jobDescriptor'],
      PinLaterJobAckRequest: ['queueName'],
      PinLaterDequeueRequest: ['queueName', 'limit'],
      PinLaterDequeueMetadata: [],
      PinLaterDequeueResponse: [],
      PinLaterCheckpointJobRequest: ['jobDescriptor'],
      PinLaterCheckpointJobsRequest: ['queueName', 'requests'],
      PinLaterLookupJobRequest: ['jobDescriptors'],
      PinLaterJobInfo: ['jobDescriptor', 'jobState', 'attemptsAllowed', 'attemptsRemaining', 'customStatus', 'createdAtTimestampMillis'],
      PinLaterGetJobCountRequest: ['queueName', 'jobState'],
      PinLaterScanJobsRequest: ['queueName', 'jobState'],
      PinLaterScanJobsResponse: ['scannedJobs'],
      PinLaterRetryFailedJobsRequest: ['queueName'],
      PinLaterDeleteJobsRequest: ['queueName', 'jobState'],
      PinLaterException: ['errorCode', 'message'],
      RequestContext: ['source'],
    });
  });

  it('enum-typed fields and defaults match FACTS §2', () => {
    const field = (s: string, f: string) => parsed.structs[s]?.fields.find((x) => x.name === f);
    expect(field('PinLaterGetJobCountRequest', 'jobState')?.type).toEqual({ kind: 'enum', name: 'PinLaterJobState' });
    expect(field('PinLaterException', 'errorCode')?.type).toEqual({ kind: 'enum', name: 'ErrorCode' });
    expect(field('PinLaterJob', 'priority')).toMatchObject({ type: { kind: 'base', name: 'byte' }, defaultValue: 1 });
    expect(field('PinLaterJob', 'runAfterTimestampMillis')?.defaultValue).toBeUndefined();
    expect(field('PinLaterJobInfo', 'attemptsAllowed')?.id).toBe(10);
    expect(field('PinLaterCheckpointJobRequest', 'newBody')?.type).toEqual({ kind: 'base', name: 'string' });
    expect(field('PinLaterScanJobsResponse', 'continuation')?.defaultValue).toBe('-1');
    expect(parsed.enums.ErrorCode).toMatchObject({ CONTINUATION_INVALID: 400, SHARD_CONNECTION_FAILED: 502 });
    expect(parsed.consts).toEqual({ CONTINUATION_START: '0', CONTINUATION_END: '-1' });
  });

  it('agrees with the thrift compiler output on struct and field names', () => {
    const classes = generatedTypes as unknown as Record<string, new () => Record<string, unknown>>;
    for (const s of Object.values(parsed.structs)) {
      const Ctor = classes[s.name];
      expect(Ctor).toBeDefined();
      const instance = new (Ctor as new () => Record<string, unknown>)();
      for (const f of s.fields) expect(Object.prototype.hasOwnProperty.call(instance, f.name)).toBe(true);
    }
  });

  it('lists the 12 PinLater methods with their argument ids (FACTS §2.3)', () => {
    expect([...METHOD_NAMES]).toEqual([
      'createQueue', 'deleteQueue', 'enqueueJobs', 'dequeueJobs', 'ackDequeuedJobs', 'checkpointJobs',
      'lookupJobs', 'getJobCount', 'getQueueNames', 'scanJobs', 'retryFailedJobs', 'deleteJobs',
    ]);
    const deleteQueue = parsed.services.PinLater?.find((m) => m.name === 'deleteQueue');
    expect(deleteQueue?.args.map((a) => [a.id, a.name, a.requiredness])).toEqual([
      [1, 'context', 'default'],
      [2, 'name', 'default'],
      [3, 'password', 'default'],
    ]);
    expect(parsed.services.PinLater?.every((m) => m.throws.length === 1 && m.throws[0]?.id === 1)).toBe(true);
  });

  it('rejects IDL constructs the codec does not understand', () => {
    expect(() => parseThriftIdl('typedef i32 Foo')).toThrow(/unsupported definition/);
    expect(() => parseThriftIdl('struct A { 1: required Missing x }')).toThrow(/unknown type/);
    expect(() => parseThriftIdl('struct A { 1: i32 x, 1: i32 y }')).toThrow(/duplicate field id/);
  });
});
