/**
 * The Redis/MySQL work of a traced operation becomes one summary span per store (store-work.ts):
 * its command count, failures and name (PINLATER_TRACE_STORE_WORK=summary); a span per command with `commands`;
 * nothing outside a collecting operation.
 */
import { assertNoLeaks } from '../../../test/support/leak-check';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../../../test/support/otlp-receiver';
import { startProcessTelemetry, type ProcessTelemetry } from './process-telemetry';
import { SPANS } from './telemetry-catalogue';
import { telemetryOff } from './telemetry-settings';
import { inSpan, tracedRedis, tracedSql } from './tracing';

let receiver: OtlpReceiver;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());
afterAll(assertNoLeaks);

async function traced(storeCommands: boolean, work: () => Promise<void>): Promise<ReceivedSpan[]> {
  const telemetry: ProcessTelemetry = startProcessTelemetry({ ...telemetryOff('pinlater-gateway', 'spec'), tracesEndpoint: receiver.url, traceStoreWork: storeCommands ? 'commands' : 'summary' });
  let traceId = '';
  try {
    await inSpan(SPANS.backendOperation, { parts: { operation: 'dequeueJobs' }, collectStoreWork: true }, async (span) => {
      traceId = span?.spanContext().traceId ?? '';
      await work();
    });
  } finally {
    await telemetry.close();
  }
  return (await receiver.waitForSpans((all) => all.some((s) => s.traceId === traceId && s.name === 'backend dequeueJobs'))).filter((s) => s.traceId === traceId);
}

const ok = (): Promise<number> => Promise.resolve(1);
const fails = (): Promise<number> => Promise.reject(new Error('READONLY'));

it('sums the Redis work of an operation into one span: command count, failures, name', async () => {
  const spans = await traced(false, async () => {
    await Promise.all([tracedRedis('EVALSHA', ok), tracedRedis('EVALSHA', ok), tracedRedis('EVALSHA', ok)]);
    await tracedRedis('EVALSHA', fails).catch(() => undefined);
    await tracedSql('UPDATE jobs SET state = 1', ok);
    await tracedSql('SELECT 1', ok);
  });
  const parent = spans.find((s) => s.name === 'backend dequeueJobs') as ReceivedSpan;
  const children = spans.filter((s) => s.parentSpanId === parent.spanId).map((s) => ({ name: s.name, attributes: s.attributes, status: s.statusCode }));
  expect(children.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
    { name: 'mysql BATCH', attributes: { 'db.system.name': 'mysql', 'db.operation.name': 'BATCH', 'db.operation.batch.size': 2 }, status: 0 },
    { name: 'redis evalsha', attributes: { 'db.system.name': 'redis', 'db.operation.name': 'evalsha', 'db.operation.batch.size': 4, 'pinlater.store.failed': 1 }, status: 2 },
  ]);
  expect(spans).toHaveLength(3);
});

it('with PINLATER_TRACE_STORE_WORK=commands, a span per command', async () => {
  const spans = await traced(true, async () => {
    await tracedRedis('EVALSHA', ok);
    await tracedRedis('ZADD', ok);
    await tracedSql('UPDATE jobs SET state = 1', ok);
  });
  expect(spans.map((s) => s.name).sort()).toEqual(['backend dequeueJobs', 'mysql UPDATE', 'redis evalsha', 'redis zadd']);
});

it('outside a collecting operation, store work is not traced', async () => {
  const telemetry = startProcessTelemetry({ ...telemetryOff('pinlater-gateway', 'spec'), tracesEndpoint: receiver.url, traceStoreWork: 'summary' });
  const before = receiver.spans().length;
  try {
    await tracedRedis('EVALSHA', ok);
    await inSpan(SPANS.rpcServer, { parts: { method: 'getQueueNames' } }, () => tracedSql('SELECT 1', ok));
    await inSpan(SPANS.backendOperation, { parts: { operation: 'getJobCount' }, onlyAsChild: true }, () => tracedSql('SELECT 1', ok));
  } finally {
    await telemetry.close();
  }
  const spans = await receiver.waitForSpans((all) => all.length > before);
  expect(spans.slice(before).map((s) => s.name)).toEqual(['PinLater/getQueueNames']);
});
