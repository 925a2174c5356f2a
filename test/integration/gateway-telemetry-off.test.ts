/**
 * Telemetry off costs the gateway nothing (issue 12, "Tests": no exporter, no timers, no
 * listeners). The in-process gateway (gateway-process.ts) over a real legacy Redis backend, started
 * and closed three times, each time serving one call from a client:
 *
 * - `none`: no telemetry at all (deps.telemetry undefined): the baseline;
 * - `off`: what main.ts builds from telemetry-off settings (startProcessTelemetry + gatewayTelemetryOf);
 * - `on`: metrics and traces (to a receiver of the test's own), the contrast.
 *
 * What each run creates is seen through node:async_hooks (test/support/async-resources.ts), which
 * also sees unref()ed timers (`process.getActiveResourcesInfo()` does not: the queue-depth
 * interval and the BatchSpanProcessor timer are unref()ed). Off must create exactly what none
 * creates: no resource from OpenTelemetry or our telemetry code, the same timers and servers alive
 * while running, the same 'request'/'connection' listeners on the Thrift and admin servers, the
 * same process listeners, and nothing left after close. On runs the queue-depth interval and the
 * span processor's timer, and also leaves nothing after close.
 */
import { silentLogger } from '../../core/src/logging/logger';
import { startProcessTelemetry, type ProcessTelemetry } from '../../core/src/telemetry/process-telemetry';
import { telemetryOff, type TelemetrySettings } from '../../core/src/telemetry/telemetry-settings';
import { tracingActive } from '../../core/src/telemetry/tracing';
import { systemClock } from '../../core/src/util/clock';
import { startGateway } from '../../gateway/src/gateway-process';
import { gatewayTelemetryOf } from '../../gateway/src/telemetry/gateway-telemetry';
import { InstrumentedStats } from '../../gateway/src/telemetry/instrumented-stats';
import type { PinLaterBackend } from '../../core/src/interfaces/pinlater-backend';
import { createLegacyRedisBackend } from '../../legacy-adapter';
import { redisBackendConfig, redisShardKeyPatterns } from '../conformance/backends/legacy-redis';
import { legacyOptions, legacySettings } from '../conformance/backends/legacy-settings';
import { ConformanceClient } from '../conformance/harness/conformance-client';
import { AsyncResourceTracker, createdBy, describeResource, type TrackedResource } from '../support/async-resources';
import { eventually } from '../support/eventually';
import { assertNoLeaks } from '../support/leak-check';
import { releaseNamespace } from '../support/namespace-keeper';
import { redisKeysNamespace, uniqueShardBase } from '../support/namespaces';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver';

type Mode = 'none' | 'off' | 'on';

const QUEUE = 'telemetry_off_q';
const DEPTH_INTERVAL_MS = 61_000;
/** Created by OpenTelemetry or by our telemetry code. */
const TELEMETRY_CODE = /node_modules\/@opentelemetry\/|\/(core|gateway)\/src\/telemetry\//;
/** Created by product code (what the gateway and its backend create, not the test's client). */
const PRODUCT_CODE = /\/(core|gateway|legacy-adapter)\/src\/|node_modules\/@opentelemetry\//;
const PROCESS_EVENTS = ['exit', 'beforeExit', 'SIGTERM', 'SIGINT', 'uncaughtException', 'unhandledRejection', 'warning'] as const;

const shards = [`${uniqueShardBase()}a`];
let backend: PinLaterBackend;
let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const ns = { label: 'gateway-telemetry-off', monitor: {} };
  backend = await createLegacyRedisBackend(legacyOptions(ns, redisBackendConfig(shards, []), legacySettings(ns)));
  await backend.createQueue(QUEUE);
});
afterAll(async () => {
  await backend?.close();
  await receiver?.close();
  await releaseNamespace(redisKeysNamespace(shards.flatMap(redisShardKeyPatterns)));
});
afterAll(assertNoLeaks);

function settingsOf(mode: 'off' | 'on'): TelemetrySettings {
  const off = telemetryOff('pinlater-gateway', `telemetry-${mode}`);
  return mode === 'off' ? off : { ...off, metrics: true, tracesEndpoint: receiver.url, queueDepthIntervalMs: DEPTH_INTERVAL_MS };
}

function processListeners(): Record<string, number> {
  return Object.fromEntries(PROCESS_EVENTS.map((e) => [e, process.listenerCount(e)]));
}

/** The net/http server a listening handle belongs to (Node keeps it under the handle's `owner_symbol`). */
function serverOf(handle: object): NodeJS.EventEmitter | undefined {
  const owner = Object.getOwnPropertySymbols(handle).find((s) => s.description === 'owner_symbol');
  return owner === undefined ? undefined : (handle as Record<symbol, NodeJS.EventEmitter | undefined>)[owner];
}

/**
 * Whether the gateway or its telemetry created `r`: product code on its stack, or a listening
 * server (net creates its handle after an address lookup, with no product frame on the stack; the
 * test's own servers were listening before the run).
 */
function ofTheRun(r: TrackedResource): boolean {
  return r.type === 'TCPSERVERWRAP' || createdBy(r, PRODUCT_CODE);
}

function label(r: TrackedResource): string {
  return r.type === 'TCPSERVERWRAP' ? `TCPSERVERWRAP of a ${serverOf(r.resource)?.constructor.name ?? 'closed server'}` : describeResource(r, PRODUCT_CODE);
}

/** The run's resources alive now (but those `except` names), as sorted `<type> created at <frame>` lines. */
function liveOfTheRun(tracker: AsyncResourceTracker, except: (r: TrackedResource) => boolean = () => false): string[] {
  return tracker.live().filter((r) => ofTheRun(r) && !except(r)).map(label).sort();
}

/**
 * The OTLP exporter's idle keep-alive connection to the collector: Node's http agent keeps it
 * after the last export, unref()ed (it never holds the process open), until the collector's idle
 * timeout closes it; ProcessTelemetry.close() does not end it.
 */
function idleExporterSocket(r: TrackedResource): boolean {
  return r.type === 'TCPWRAP' && createdBy(r, /node_modules\/@opentelemetry\/otlp-exporter-base\//) && (r.resource as { hasRef?: () => boolean }).hasRef?.() === false;
}

interface Run {
  /** The run's resources alive while the gateway was serving (after the call, once settled). */
  readonly running: string[];
  /** Every resource OpenTelemetry or our telemetry code created during the run. */
  readonly telemetryCreated: TrackedResource[];
  /** 'request' and 'connection' listeners of every server the run listened on. */
  readonly serverListeners: Array<{ request: number; connection: number }>;
  /** Left after close: the exporter's idle keep-alive connection (unref()ed), if any; nothing else is allowed. */
  readonly idleAfterClose: string[];
}

/** Starts a gateway in `mode`, serves one call, closes everything; what was created, alive, listening. */
async function runGateway(mode: Mode, running?: string[]): Promise<Run> {
  const listenersBefore = processListeners();
  const tracker = AsyncResourceTracker.start();
  let telemetry: ProcessTelemetry | undefined;
  try {
    telemetry = mode === 'none' ? undefined : startProcessTelemetry(settingsOf(mode));
    const stats = new InstrumentedStats();
    const gatewayTelemetry = telemetry === undefined ? undefined : gatewayTelemetryOf(telemetry, stats);
    const gateway = await startGateway({
      host: '127.0.0.1', thriftPort: 0, adminPort: 0, maxFrameBytes: 1024 * 1024, idleTimeoutMs: 60_000, maxConcurrentRequests: 100, shutdownGraceMs: 1000,
      dequeueConcurrencyPerQueuePerShard: 4, adminPasswordHash: undefined, hostname: 'testhost',
    }, {
      backend, rateLimiter: { allowDequeue: () => true }, stats, clock: systemClock, logger: silentLogger(),
      ...(gatewayTelemetry === undefined ? {} : { telemetry: gatewayTelemetry }),
    });
    let run: Omit<Run, 'idleAfterClose'>;
    try {
      const client = await ConformanceClient.connect({ host: '127.0.0.1', port: gateway.thriftPort }, `telemetry-${mode}`);
      try {
        expect(await client.queueNames()).toContain(QUEUE);
      } finally {
        await client.close();
      }
      const servers = tracker.created().filter((r) => r.type === 'TCPSERVERWRAP').map((r) => serverOf(r.resource));
      // Settled: what a call leaves behind for a moment (the accepted socket's timers, a Redis reply)
      // is gone: the same resources in two looks in a row, and the expected ones when given.
      let previous: string[] | undefined;
      const settled = await eventually(() => {
        const now = liveOfTheRun(tracker);
        const stable = previous !== undefined && JSON.stringify(now) === JSON.stringify(previous);
        previous = now;
        expect(stable).toBe(true);
        if (running !== undefined) expect(now).toEqual(running);
        return now;
      }, { timeoutMs: 5000 });
      run = {
        running: settled,
        telemetryCreated: tracker.created().filter((r) => createdBy(r, TELEMETRY_CODE)),
        serverListeners: servers.map((s) => ({ request: s?.listenerCount('request') ?? -1, connection: s?.listenerCount('connection') ?? -1 })),
      };
    } finally {
      await gateway.close();
    }
    await telemetry?.close();
    telemetry = undefined;
    tracker.stop();
    // Nothing the run created is left: no server, timer or socket of the gateway or of OpenTelemetry
    // (but an idle, unref()ed keep-alive connection of the exporter).
    await eventually(() => expect(liveOfTheRun(tracker, idleExporterSocket)).toEqual([]), { timeoutMs: 5000 });
    expect(processListeners()).toEqual(listenersBefore);
    return { ...run, idleAfterClose: tracker.live().filter(idleExporterSocket).map(label) };
  } finally {
    await telemetry?.close();
    tracker.dispose();
  }
}

it('off creates exactly what no telemetry creates: no exporter, timer, handle or listener of its own', async () => {
  const none = await runGateway('none');
  const off = await runGateway('off', none.running);

  expect(off.telemetryCreated.map((r) => describeResource(r, TELEMETRY_CODE))).toEqual([]);
  expect(off.running).toEqual(none.running);
  expect(off.idleAfterClose).toEqual([]);
  expect(off.serverListeners).toEqual(none.serverListeners);
  // The Thrift port and the admin port, one listener each; the known-queues refresh timer.
  expect(none.serverListeners).toEqual([{ request: 0, connection: 1 }, { request: 1, connection: 1 }]);
  expect(none.running).toEqual([
    'TCPSERVERWRAP of a Server', 'TCPSERVERWRAP of a Server', expect.stringMatching(/^Timeout created at KnownQueues\.start .*known-queues\.ts/),
  ]);
  expect(tracingActive()).toBe(false);
});

it('on (the contrast): the queue-depth interval and the span processor\'s timer run, the same listeners, nothing left after close', async () => {
  const none = await runGateway('none');
  const on = await runGateway('on');

  const timers = on.telemetryCreated.filter((r) => r.type === 'Timeout');
  expect(timers.filter((r) => createdBy(r, /\/gateway\/src\/telemetry\/queue-depth-sampler/))).toHaveLength(1);
  expect(timers.filter((r) => createdBy(r, /BatchSpanProcessorBase/)).length).toBeGreaterThanOrEqual(1);
  expect(on.running.filter((r) => /queue-depth-sampler/.test(r))).toHaveLength(1);
  expect(on.serverListeners).toEqual(none.serverListeners);
  // Its spans were exported (on close at the latest).
  expect(receiver.spans().map((s) => s.name)).toContain('PinLater/getQueueNames');
});
