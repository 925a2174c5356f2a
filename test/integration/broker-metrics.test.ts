/**
 * A Pacer broker's OpenTelemetry metrics on its admin port (issue 12): with metrics on, `/metrics`
 * (scraped over HTTP) has the broker's gauges, claim batch sizes, refill reads, dequeue latency
 * and claim timeouts after a workload; with metrics off it answers 404 and no exporter exists.
 * `/live` and `/health` answer either way.
 */
import {
  createDequeueBroker, createPacerBackend, InProcessBrokerClient, StaticPartitionDirectory,
  type DequeueBroker, type PacerBackend,
} from '../../pacer';
import { silentLogger } from '../../core/src/logging/logger';
import { startProcessTelemetry, type ProcessTelemetry } from '../../core/src/telemetry/process-telemetry';
import { telemetryOff } from '../../core/src/telemetry/telemetry-settings';
import { BrokerAdminServer } from '../../pacer/src/broker/broker-admin-server';
import { BrokerInstruments } from '../../pacer/src/broker/broker-instruments';
import { assertNoLeaks } from '../support/leak-check';
import { eventually } from '../support/eventually';
import { dequeueReq, freshPacerDb, job, type PacerDb } from './pacer-fixtures';

const A = { host: 'broker-metrics-a', port: 1 };

let fx: PacerDb;
let backend: PacerBackend;
let directory: StaticPartitionDirectory;
let client: InProcessBrokerClient;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  fx = await freshPacerDb();
  directory = new StaticPartitionDirectory({ fallback: A });
  client = new InProcessBrokerClient();
  backend = await createPacerBackend({ mysql: fx.mysql, topology: { mode: 'static', directory, brokerClient: client }, defaultPartitions: 2 });
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});
afterAll(async () => {
  await backend.close();
  await directory.close();
  await fx.db.drop();
});
afterAll(assertNoLeaks);

/** A broker of `telemetry` with its admin port on an ephemeral 127.0.0.1 port. */
async function brokerWithAdmin(id: string, telemetry: ProcessTelemetry): Promise<{ broker: DequeueBroker; url: string }> {
  closers.push(() => telemetry.close());
  const broker = createDequeueBroker({
    brokerId: id, mysql: fx.mysql, safetySweepMs: 0, monitor: { enabled: false, claimTimeoutMs: 1 },
    buffer: { capacityPerPriority: 50, lowWater: 10 }, instruments: new BrokerInstruments(telemetry.meter),
  });
  closers.push(() => broker.close());
  const admin = await BrokerAdminServer.listen(broker, 0, telemetry.metricsHandler, silentLogger());
  closers.push(() => admin.close());
  client.register(A, broker);
  return { broker, url: `http://127.0.0.1:${admin.port}` };
}

/** The value of the one sample whose line starts with `series` (name and labels), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1).split(' ')[0]);
}

describe('broker admin port', () => {
  it('serves the broker metrics on /metrics after enqueues and dequeues', async () => {
    const { broker, url } = await brokerWithAdmin('metrics-on', startProcessTelemetry({ ...telemetryOff('pacer-broker', 'metrics-on'), metrics: true }));
    await backend.createQueue('mq');
    await broker.assign('mq', 0);
    await broker.assign('mq', 1);
    await backend.enqueueJobs({ queue: 'mq', jobs: Array.from({ length: 10 }, (_, i) => job(`m${i}`)) });
    let dequeued = 0;
    await eventually(async () => {
      dequeued += (await backend.dequeueJobs(dequeueReq('mq', 3))).jobs.length;
      expect(dequeued).toBeGreaterThanOrEqual(3);
    });
    await eventually(async () => {
      const counts = await broker.runMonitor(); // claim timeout 1 ms: the dequeued jobs time out (retry)
      expect([...counts.values()].reduce((n, c) => n + c.timeoutRetry, 0)).toBeGreaterThan(0);
    });

    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(sample(text, 'pacer_broker_partitions_owned')).toBe(2);
    const buffered = sample(text, 'pacer_broker_buffered_jobs{messaging_destination_name="mq"}');
    expect(buffered).toBeGreaterThanOrEqual(0);
    expect(buffered).toBeLessThanOrEqual(10);
    expect(sample(text, 'pacer_broker_claim_batch_size_bucket{le="+Inf"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pacer_broker_claim_batch_size_sum')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'pacer_broker_refill_reads_total{pinlater_result="found"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pacer_broker_dequeue_duration_bucket{le="+Inf"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'pacer_broker_dequeue_duration_sum')).toBeGreaterThan(0);
    expect(sample(text, 'pinlater_jobs_timed_out_total{messaging_destination_name="mq",pinlater_result="retry"}')).toBeGreaterThanOrEqual(1);
    expect(text).not.toContain('pinlater_zookeeper_session_connected'); // static mode: no session

    expect((await fetch(`${url}/live`)).status).toBe(200);
    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);
    const body = (await health.json()) as { brokerId: string; partitions: Array<{ queue: string }>; dequeueCalls: number };
    expect(body.brokerId).toBe('metrics-on');
    expect(body.partitions.map((p) => p.queue)).toEqual(['mq', 'mq']);
    expect(body.dequeueCalls).toBeGreaterThanOrEqual(1);
  });

  it('answers 404 on /metrics when metrics are off (no exporter)', async () => {
    const telemetry = startProcessTelemetry(telemetryOff('pacer-broker', 'metrics-off'));
    expect(telemetry.metricsHandler).toBeUndefined();
    const { broker, url } = await brokerWithAdmin('metrics-off', telemetry);
    await broker.assign('mq', 0);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await fetch(`${url}/live`)).status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });
});
