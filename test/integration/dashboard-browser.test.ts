/**
 * The built-in dashboard (issue 13, docs/dashboard.md) in a real headless Chromium (Debian's
 * /usr/bin/chromium, driven by playwright-core; scripts/services.sh installs it): a routing gateway
 * process (`gateway/src/main.ts --routing-config`) in front of a legacy PinLater Redis cluster and
 * Pacer (embedded), its routing table in a fresh ZooKeeper chroot, with real traffic from a Thrift
 * client. The overview and queue pages must draw their charts with data points (uPlot's own data,
 * read from the page), log no console error, and a queue page must follow its queue's mode when
 * the operator changes the routing record (legacy → migrating; legacy → shadow). Screenshots go to
 * test-artifacts/dashboard/ (git-ignored); their paths are printed.
 *
 * Shadow mismatches are made deliberately: `shadow start` seeds the shadow copy with the backlog,
 * so the copy holds what legacy holds until the test deletes one job's copy in Pacer's database
 * (delete-shadow-copy.ts); its lookups then differ in `found` (and the PENDING counts in `count`),
 * and the queue page lists the mismatch samples. Then a burst of enqueues beyond the gateway's
 * small shadow queue sheds copy tasks, and the queue page says the shadow copy is incomplete.
 *
 * Without Chromium the test fails and says how to install it: CI installs it through services.sh.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SERVED_MODES } from '../../migration/src/routing/routing-record';
import type { RoutingChange } from '../../migration/src/routing/routing-store';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { ConformanceClient, JobState } from '../conformance/harness/conformance-client';
import { eventually } from '../support/eventually';
import { freePort } from '../support/free-port';
import { assertNoLeaks } from '../support/leak-check';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { ClusterProcess } from '../support/pacer-processes';
import { writeShippedProperties } from '../support/shipped-properties';
import { testEnv } from '../support/test-env';
import { testOutcome } from '../support/test-outcome';
import { withShadowCopiesBlocked } from './block-shadow-copies';
import { deleteShadowCopy } from './delete-shadow-copy';
import { freshPacerDb, type PacerDb } from './pacer-fixtures';
import { routingTable, TEST_OPERATOR, type RoutingTableFixture } from './routing-fixtures';

const ROOT = join(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'test-artifacts', 'dashboard');
const REDIS = 'redis-a';
const Q_LEGACY = 'dash_legacy';
const Q_MIGRATE = 'dash_migrate';
const Q_SHADOW = 'dash_shadow';
const SHADOW_SERVED = (SERVED_MODES as readonly string[]).includes('shadow');
/** The gateway's shadow settings: a small shadow queue (a burst of enqueues sheds copies), no shedding on event-loop load. */
const SHADOW_SETTINGS = { maxPendingTasks: 16, maxEventLoopUtilization: 1, copyMaxEventLoopUtilization: 1 };
/** Q_SHADOW's job whose shadow copy is deleted; the lowest priority, so the traffic's dequeues never take it. */
const DIVERGED = { body: 'diverged-copy-deleted', priority: 3 };
/**
 * Concurrent single-job enqueues of a burst, well beyond SHADOW_SETTINGS.maxPendingTasks, made while
 * no copy can complete (withShadowCopiesBlocked): copy tasks are shed whatever the machine's speed.
 * Without the block, whether copies outpace a burst depended on the load (seen: none shed in 24
 * bursts on a busy machine).
 */
const COPY_BURST = 80;

const redisShards = [`${uniqueShardBase()}d`];
let dir: string;
let pacerDb: PacerDb;
let table: RoutingTableFixture;
let gateway: ClusterProcess;
let adminPort: number;
let client: ConformanceClient;
let browser: Browser | undefined;
let traffic: Promise<void> | undefined;
let stopTraffic = false;
const consoleErrors: string[] = [];
const trafficErrors: string[] = [];
const screenshots: string[] = [];

function writeConfigFiles(thriftPort: number): void {
  const { host, port, user, password } = testEnv().mysql;
  writeFileSync(join(dir, 'redis.json'), JSON.stringify(redisBackendConfig(redisShards, [])));
  writeShippedProperties(join(dir, 'redis.properties'), 'redis.local.properties', { GATEWAY_MONITOR_ENABLED: 'false', BACKEND_CONNECTIONS_PER_SHARD: '4' });
  writeFileSync(join(dir, 'pacer.json'), JSON.stringify({ mode: 'embedded', mysql: { host, port, user, password, database: pacerDb.db.name, connectionLimit: 4 }, defaultPartitions: 2 }));
  writeShippedProperties(join(dir, 'gateway.properties'), 'pacer.local.properties', {
    GATEWAY_HOST: '127.0.0.1', THRIFT_PORT: String(thriftPort), OSTRICH_PORT: String(adminPort), SERVER_SET_ENABLED: 'false',
    GATEWAY_SHUTDOWN_GRACE_SECONDS: '2', GATEWAY_DASHBOARD_INTERVAL_SECONDS: '1', GATEWAY_QUEUE_LIST_REFRESH_SECONDS: '1',
  }, ['QUEUE_CONFIG_FILE_PATH']);
  const routing = (gatewayId?: string): string => JSON.stringify({
    legacyClusters: [{ name: REDIS, backend: 'legacy-redis', backendConfig: 'redis.json', properties: 'redis.properties' }],
    pacer: { backendConfig: 'pacer.json' },
    routing: { zookeeper: table.connectString, defaultDestination: 'pacer', ...(gatewayId === undefined ? {} : { gatewayId }) },
    shadow: SHADOW_SETTINGS,
  });
  writeFileSync(join(dir, 'routing.json'), routing('dashboard-test'));
  writeFileSync(join(dir, 'routing-ops.json'), routing());
}

/** The operator's command (`pinlater-ops`), as an operator runs it against this routing table. */
async function ops(args: readonly string[]): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'pinlater-ops.cjs'), '--config', join(dir, 'routing-ops.json'), ...args], {
    cwd: ROOT, env: { PATH: process.env.PATH, HOME: process.env.HOME, PINLATER_ROUTING_CREDENTIAL: TEST_OPERATOR.authText() }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`pinlater-ops ${args.join(' ')} exited ${code}:\n${output}`);
}

async function startGatewayProcess(): Promise<ClusterProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'gateway/src/main.ts', '--properties', join(dir, 'gateway.properties'), '--routing-config', join(dir, 'routing.json'), '--log-level', 'info'],
    {
      cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, OTEL_SDK_DISABLED: 'false', PINLATER_METRICS_ENABLED: 'true', PINLATER_QUEUE_DEPTH_INTERVAL_MS: '1000' },
    },
  );
  const proc = new ClusterProcess('dashboard-gateway', child);
  await proc.waitFor('gateway listening', 60_000);
  return proc;
}

const change = (mode: RoutingChange['mode'], extra: Partial<RoutingChange> = {}): RoutingChange => ({ mode, legacyCluster: REDIS, changedBy: 'dashboard-test', reason: 'test', ...extra });

/** Enqueues on every queue and works some of the jobs off, until stopped: the charts get moving data. */
async function driveTraffic(queues: readonly string[]): Promise<void> {
  let round = 0;
  while (!stopTraffic) {
    for (const queue of queues) {
      try {
        await client.enqueue(queue, Array.from({ length: 4 }, (_, i) => ({ body: `job-${round}-${i}` })));
        const { jobs } = await client.dequeue({ queue, limit: 3 });
        const succeeded = Object.keys(jobs ?? {}).map((descriptor) => ({ descriptor }));
        if (succeeded.length > 0) await client.ack({ queue, succeeded });
        // Reads a shadow-mode queue repeats on Pacer and compares.
        await client.count({ queue, state: JobState.PENDING });
        await client.lookup(Object.keys(jobs ?? {}));
      } catch (e) {
        trafficErrors.push(`${queue}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    round += 1;
    await sleep(100); // pacing of the workload, not a wait for a condition
  }
}

async function openPage(path: string): Promise<Page> {
  if (browser === undefined) throw new Error('no browser');
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('console', (msg) => {
    if (msg.type() === 'error') consoleErrors.push(`${path}: ${msg.text()}`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`${path}: ${err.message}`));
  const response = await page.goto(`http://127.0.0.1:${adminPort}${path}`);
  expect(response?.status()).toBe(200);
  return page;
}

// Page-side expressions are strings (this project compiles without the DOM library), evaluated
// through the DevTools protocol: the page's Content-Security-Policy forbids eval, which
// Playwright's in-page polling (waitForFunction) needs, so waits poll from here.
/** uPlot's data of the chart `id` in the page (times first, then each series), or null. */
const chartData = (id: string): string => `(window.__dashboard && window.__dashboard.charts[${JSON.stringify(id)}] ? window.__dashboard.charts[${JSON.stringify(id)}].data : null)`;

/** Waits until the chart `id` holds at least `points` times and a non-null value in some series. */
async function waitForChart(page: Page, id: string, points = 3): Promise<{ times: number; values: number }> {
  await waitInPage(page, `(() => { const d = ${chartData(id)}; return d !== null && d[0].length >= ${points} && d.slice(1).some((s) => s.some((v) => v !== null)); })()`, 30_000);
  return page.evaluate<{ times: number; values: number }>(`(() => { const d = ${chartData(id)}; return { times: d[0].length, values: d.slice(1).reduce((n, s) => n + s.filter((v) => v !== null).length, 0) }; })()`);
}

/** Waits until the chart `id`'s first series contains `value`. */
async function waitForChartValue(page: Page, id: string, value: number): Promise<void> {
  await waitInPage(page, `(() => { const d = ${chartData(id)}; return d !== null && d[1].includes(${value}); })()`);
}

/** The canvas of the chart has pixels drawn (not a blank surface). */
async function canvasDrawn(page: Page, id: string): Promise<boolean> {
  return page.evaluate<boolean>(`(() => {
    const canvas = document.querySelector(${JSON.stringify(`#${id} canvas`)});
    const ctx = canvas && canvas.getContext('2d');
    if (!ctx) return false;
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) return true;
    return false;
  })()`);
}

const waitForMode = (page: Page, mode: string): Promise<void> => waitInPage(page, `document.getElementById('mode').textContent === ${JSON.stringify(mode)}`);

/** Polls the page until `expression` is true. */
async function waitInPage(page: Page, expression: string, timeoutMs = 20_000): Promise<void> {
  await eventually(async () => expect(await page.evaluate<boolean>(expression)).toBe(true), { timeoutMs });
}

async function screenshot(page: Page, name: string): Promise<void> {
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  screenshots.push(path);
}

const modeText = (page: Page): Promise<string> => page.locator('#mode').innerText();

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is not installed (${CHROMIUM}): the dashboard's browser test needs it. Install it with \`bash scripts/services.sh start\` (Debian package chromium), as CI does.`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'dashboard-browser-'));
  [pacerDb, table] = await Promise.all([freshPacerDb(), routingTable()]);
  for (const queue of [Q_LEGACY, Q_MIGRATE, Q_SHADOW]) await table.store.write(queue, change('legacy'), 0);
  const thriftPort = await freePort();
  adminPort = await freePort();
  writeConfigFiles(thriftPort);
  gateway = await startGatewayProcess();
  // Routed calls are served once the routing table was read.
  await eventually(async () => expect((await fetch(`http://127.0.0.1:${adminPort}/health`)).status).toBe(200), { timeoutMs: 20_000 });
  client = await ConformanceClient.connect({ host: '127.0.0.1', port: thriftPort }, 'dashboard-browser-test');
  for (const queue of [Q_LEGACY, Q_MIGRATE, Q_SHADOW]) await client.createQueue(queue);
  traffic = driveTraffic([Q_LEGACY, Q_MIGRATE, Q_SHADOW]);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 120_000);

afterEach(() => {
  const outcome = testOutcome();
  if (outcome?.scopeFailed() === true && gateway !== undefined) {
    outcome.report(`gateway output, last lines:\n${gateway.output.split('\n').slice(-40).join('\n')}\ntraffic errors: ${trafficErrors.slice(-10).join('; ')}`);
  }
});

afterAll(async () => {
  stopTraffic = true;
  await traffic?.catch(() => undefined);
  await browser?.close();
  await client?.close();
  if (gateway?.running) {
    gateway.signal('SIGTERM');
    await gateway.exited();
  }
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  await releaseNamespace(redisKeysNamespace(redisShards.flatMap(redisShardKeyPatterns)));
  await pacerDb?.db.drop();
  await table?.release();
  if (screenshots.length > 0) process.stdout.write(`dashboard screenshots:\n${screenshots.map((p) => `  ${p}\n`).join('')}`);
}, 60_000);
afterAll(assertNoLeaks);

describe('built-in dashboard in headless Chromium', () => {
  it('overview: every queue with its mode, and the charts drawn with data points from the gateway\'s metrics', async () => {
    const page = await openPage('/dashboard');
    const rates = await waitForChart(page, 'chart-rates');
    const backlog = await waitForChart(page, 'chart-backlog');
    expect(rates.values).toBeGreaterThan(0);
    expect(backlog.values).toBeGreaterThan(0);
    expect(await canvasDrawn(page, 'chart-rates')).toBe(true);
    const names = await page.locator('#queues tbody tr td:first-child').allInnerTexts();
    expect(names).toEqual(expect.arrayContaining([Q_LEGACY, Q_MIGRATE, Q_SHADOW]));
    const row = page.locator('#queues tbody tr', { hasText: Q_LEGACY });
    await expect(row.locator('.mode-badge').innerText()).resolves.toBe('legacy');
    await expect(row.locator('td').nth(2).innerText()).resolves.toBe(REDIS);
    await screenshot(page, 'overview');
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('queue page: backlog, rates, latency and mode charts with data; it follows legacy → migrating with copy progress', async () => {
    const page = await openPage(`/dashboard/queue/${Q_MIGRATE}`);
    await expect(page.locator('#queue-name').innerText()).resolves.toBe(Q_MIGRATE);
    for (const id of ['chart-mode', 'chart-backlog', 'chart-rates', 'chart-latency', 'chart-errors']) await waitForChart(page, id);
    expect(await modeText(page)).toBe('legacy');
    expect(await page.locator('#copy').isHidden()).toBe(true);

    const flip = await table.store.write(Q_MIGRATE, change('migrating', { direction: 'to-pacer' }), 1);
    expect(flip.record.mode).toBe('migrating');
    await waitForMode(page, 'migrating');
    await client.createQueue(Q_MIGRATE); // on both sides now, as the operator's migrate start does
    await expect(page.locator('#copy').isVisible()).resolves.toBe(true);
    await expect(page.locator('#copy-text').innerText()).resolves.toContain(`Leaving ${REDIS} for pacer`);
    // The mode chart shows the change (index 2 = migrating), and the Pacer side gets its own backlog series.
    await waitForChartValue(page, 'chart-mode', 0);
    await waitForChartValue(page, 'chart-mode', 2);
    await waitInPage(page, `[...document.querySelectorAll('#chart-backlog .u-legend .u-label')].some((e) => e.textContent === 'pacer')`);
    await screenshot(page, 'queue-migrating');
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('queue page follows legacy → shadow (pinlater-ops shadow start) and charts the comparison', async () => {
    expect(SHADOW_SERVED).toBe(true);
    const page = await openPage(`/dashboard/queue/${Q_SHADOW}`);
    await waitForChart(page, 'chart-mode');
    expect(await modeText(page)).toBe('legacy');
    await ops(['shadow', 'start', Q_SHADOW, '--yes']);
    await waitForMode(page, 'shadow');
    await waitForChartValue(page, 'chart-mode', 1);
    // The comparison of the reads repeated on Pacer: match rate and noise floor, and Pacer's shadow copy backlog.
    await waitForChart(page, 'chart-shadow', 2);
    await eventually(async () => expect((await waitForChart(page, 'chart-shadow', 2)).values).toBeGreaterThanOrEqual(6), { timeoutMs: 20_000 });
    // The deliberate difference: one job's shadow copy deleted; its lookups differ in `found`.
    const [diverged] = await client.enqueue(Q_SHADOW, [DIVERGED]);
    await deleteShadowCopy(pacerDb.mysql, Q_SHADOW, DIVERGED.body);
    await eventually(async () => {
      await client.lookup([diverged as string]);
      await client.count({ queue: Q_SHADOW, state: JobState.PENDING });
      const fields = await page.locator('#samples tbody tr td:nth-child(3)').allInnerTexts();
      expect(fields).toContain('found');
    }, { timeoutMs: 30_000, intervalMs: 500 });
    await waitInPage(page, `[...document.querySelectorAll('#chart-latency .u-legend .u-label')].some((e) => e.textContent.startsWith('shadow candidate'))`);
    await screenshot(page, 'queue-shadow');
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('queue page says when the shadow copy is incomplete (copy tasks shed by a burst)', async () => {
    expect(SHADOW_SERVED).toBe(true);
    const page = await openPage(`/dashboard/queue/${Q_SHADOW}`);
    await waitForMode(page, 'shadow');
    await withShadowCopiesBlocked(pacerDb.mysql, Q_SHADOW, async () => {
      await Promise.all(Array.from({ length: COPY_BURST }, (_, i) => client.enqueue(Q_SHADOW, [{ body: `burst-${i}` }])));
      await eventually(async () => {
        const { shadow } = await (await fetch(`http://127.0.0.1:${adminPort}/dashboard/api/queue/${Q_SHADOW}`)).json() as { shadow: { copiesShed: number; copyIncompleteSince: string | null } };
        expect(shadow.copiesShed).toBeGreaterThan(0);
        expect(typeof shadow.copyIncompleteSince).toBe('string');
      }, { timeoutMs: 30_000, intervalMs: 500 });
    });
    const notice = page.locator('#shadow-copy-notice');
    await eventually(async () => expect(await notice.isVisible()).toBe(true), { timeoutMs: 20_000 });
    await expect(notice.innerText()).resolves.toMatch(/Shadow copy incomplete: count and scan comparisons are ignored\.[\s\S]*copy task\(s\) shed since [0-9T:.-]+Z[\s\S]*until shadow mode is restarted/);
    await screenshot(page, 'queue-shadow-incomplete');
    await page.close();
    expect(consoleErrors).toEqual([]);
  });

  it('refuses a queue name that is not valid (400), and answers the JSON APIs bounded', async () => {
    const bad = await fetch(`http://127.0.0.1:${adminPort}/dashboard/queue/%3Cscript%3Ealert(1)%3C%2Fscript%3E`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-security-policy')).toContain("script-src 'self'");
    const overview = await (await fetch(`http://127.0.0.1:${adminPort}/dashboard/api/overview?limit=100000`)).json() as { queues: { limit: number } };
    expect(overview.queues.limit).toBe(200);
    const missing = await fetch(`http://127.0.0.1:${adminPort}/dashboard/api/queue/no_such_queue_here`);
    expect(missing.status).toBe(404);
  });
});
