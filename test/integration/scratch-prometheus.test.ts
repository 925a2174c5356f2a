/**
 * test/support/scratch-prometheus.ts against the real Prometheus (/usr/bin/prometheus): a tiny
 * HTTP server in this test serves Prometheus text-format metrics, a scratch Prometheus scrapes it
 * every second, and what the helper reads back (instant queries, target health per job, metric
 * names) is what was served. close() frees the port, removes the dir and leaves no process or
 * handle behind; a Prometheus that cannot start fails with its log tail and leaves nothing either.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { ScratchPrometheus } from '../support/scratch-prometheus';

const SCRAPED = { timeoutMs: 20_000, intervalMs: 200 };

let counter = 42;
let server: Server;
let address: string;
let nothingThere: string;
let prom: ScratchPrometheus;

function metricsText(): string {
  return [
    '# HELP my_counter_total Counts what this test says.',
    '# TYPE my_counter_total counter',
    `my_counter_total{kind="test"} ${counter}`,
    '',
  ].join('\n');
}

function serveMetrics(): Server {
  return createServer((req, res) => {
    const body = req.url === '/metrics' ? metricsText() : req.url === '/other/metrics' ? 'my_other_gauge 7\n' : undefined;
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(body);
  });
}

/** Whether something can listen on 127.0.0.1:port right now (it is closed again before resolving). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createTcpServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

beforeAll(async () => {
  server = serveMetrics();
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  address = `127.0.0.1:${port}`;
  nothingThere = `127.0.0.1:${await freePort()}`;
  prom = await ScratchPrometheus.start([
    { job: 'tiny', address },
    { job: 'tiny-other-path', address, path: '/other/metrics' },
    { job: 'nothing-there', address: nothingThere },
  ]);
});

afterAll(async () => {
  await prom.close();
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});
afterAll(assertNoLeaks);

test('the counter served is what an instant query returns, and follows it', async () => {
  await eventually(async () => {
    expect(await prom.queryVector('my_counter_total')).toEqual([
      { labels: { __name__: 'my_counter_total', job: 'tiny', instance: address, kind: 'test' }, value: 42 },
    ]);
  }, SCRAPED);
  counter = 43;
  await eventually(async () => expect(await prom.queryVector('my_counter_total')).toMatchObject([{ value: 43 }]), SCRAPED);
});

test('targets(): health per job, up where metrics are served and down where nothing answers', async () => {
  await eventually(async () => {
    const health = Object.fromEntries((await prom.targets()).map((t) => [t.job, t.health]));
    expect(health).toEqual({ tiny: 'up', 'tiny-other-path': 'up', 'nothing-there': 'down' });
  }, SCRAPED);
  const tiny = (await prom.targets()).find((t) => t.job === 'tiny');
  expect(tiny).toMatchObject({ instance: address, scrapeUrl: `http://${address}/metrics`, lastError: '' });
  expect(await prom.queryVector('up{job="nothing-there"}')).toMatchObject([{ labels: { instance: nothingThere }, value: 0 }]);
});

test('a custom metrics path is scraped, and metricNames() lists every metric with data', async () => {
  await eventually(async () => {
    expect(await prom.queryVector('my_other_gauge')).toMatchObject([{ labels: { job: 'tiny-other-path' }, value: 7 }]);
  }, SCRAPED);
  expect(await prom.metricNames()).toEqual(expect.arrayContaining(['my_counter_total', 'my_other_gauge', 'up', 'scrape_duration_seconds']));
});

test('query() is typed by result type, and a PromQL error rejects', async () => {
  const scalar = await prom.query('1 + 1');
  expect(scalar.resultType).toBe('scalar');
  if (scalar.resultType === 'scalar') expect(scalar.result[1]).toBe('2');
  await expect(prom.query('sum(')).rejects.toThrow(/bad_data/);
  await expect(prom.queryVector('1')).rejects.toThrow(/scalar, not a vector/);
});

test('close() stops Prometheus: its port is free and its directory is gone', async () => {
  const { port, dir } = prom;
  expect(existsSync(dir)).toBe(true);
  expect(await canListen(port)).toBe(false);
  await prom.close();
  expect(prom.running).toBe(false);
  expect(existsSync(dir)).toBe(false);
  expect(await canListen(port)).toBe(true);
  await prom.close(); // idempotent
});

test('close() kills a Prometheus that does not stop on SIGTERM within its bound', async () => {
  const frozen = await ScratchPrometheus.start([], { stopTimeoutMs: 300 });
  const pid = frozen.pid ?? 0;
  process.kill(pid, 'SIGSTOP'); // a stopped process keeps SIGTERM pending; SIGKILL still ends it
  const started = Date.now();
  await frozen.close();
  expect(Date.now() - started).toBeLessThan(5000);
  expect(frozen.running).toBe(false);
  expect(() => process.kill(pid, 0)).toThrow();
  expect(existsSync(frozen.dir)).toBe(false);
});

test('a Prometheus that cannot start rejects with its log tail and leaves no directory behind', async () => {
  const label = `scratch-prometheus-bad-${randomUUID()}`;
  await expect(ScratchPrometheus.start([{ job: '', address }], { label })).rejects.toThrow(
    /exited \(\d+\) before it was ready; last lines of .*prometheus\.log:\n[\s\S]*job_name is empty/,
  );
  expect(readdirSync(tmpdir()).filter((name) => name.startsWith(label))).toEqual([]);
});
