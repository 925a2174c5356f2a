/**
 * A throwaway Prometheus for tests of the processes' `/metrics` (issue 12): Debian's
 * /usr/bin/prometheus (installed by `scripts/services.sh start`) on a free port of 127.0.0.1, with
 * its config and data in a fresh temp dir, scraping the given targets every second.
 *
 *   const prom = await ScratchPrometheus.start([{ job: 'gateway', address: `127.0.0.1:${adminPort}` }]);
 *   await eventually(async () => expect(await prom.queryVector('up{job="gateway"}')).toMatchObject([{ value: 1 }]),
 *     { timeoutMs: 20_000 });
 *   await prom.close();   // in afterAll, before assertNoLeaks: SIGTERM (SIGKILL after 5 s), dir removed
 *
 * `start()` resolves once Prometheus answers `/-/ready`; if it exits or times out first, it is
 * stopped, its dir removed, and the error carries the tail of its log. Scrapes run every 1 s with a
 * 1 s timeout, but the first one comes about 5 s after start (Prometheus applies its targets on a
 * 5 s tick): wait with `eventually(..., { timeoutMs: 20_000 })`. Reads go through the HTTP API:
 * `targets()` (/api/v1/targets), `query()` (instant query, typed), `queryRange()` (a range query,
 * as a Grafana panel runs it), `metricNames()`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from './free-port';

export const PROMETHEUS_BINARY = '/usr/bin/prometheus';
const READY_POLL_MS = 50;
const REQUEST_TIMEOUT_MS = 5000;
const LOG_TAIL_LINES = 30;
/** A free port can be taken between freePort() and Prometheus binding it: try another one. */
const BIND_ATTEMPTS = 3;

/** One scrape job: `job` becomes the `job` label of every series scraped from `address`. */
export interface ScrapeTarget {
  readonly job: string;
  /** `host:port`, e.g. `127.0.0.1:9999`. */
  readonly address: string;
  /** Default `/metrics`. */
  readonly path?: string;
}

export interface ScratchPrometheusOptions {
  /** Prefix of the temp dir. Default `scratch-prometheus`. */
  readonly label?: string;
  /** Bound on start until `/-/ready` answers 200. Default 30 s. */
  readonly startTimeoutMs?: number;
  /** Grace after SIGTERM before SIGKILL in `close()`. Default 5 s. */
  readonly stopTimeoutMs?: number;
}

/** One entry of /api/v1/targets (active targets). */
export interface TargetStatus {
  readonly job: string;
  readonly instance: string;
  readonly scrapeUrl: string;
  readonly health: 'up' | 'down' | 'unknown';
  /** '' when the last scrape worked. */
  readonly lastError: string;
}

/** `[unix seconds, value as Prometheus prints it]`. */
export type SampleValue = readonly [number, string];
export interface VectorSample { readonly metric: Readonly<Record<string, string>>; readonly value: SampleValue }
export interface MatrixSeries { readonly metric: Readonly<Record<string, string>>; readonly values: readonly SampleValue[] }
/** The `data` of an instant query, by result type. */
export type QueryResult =
  | { readonly resultType: 'vector'; readonly result: readonly VectorSample[] }
  | { readonly resultType: 'matrix'; readonly result: readonly MatrixSeries[] }
  | { readonly resultType: 'scalar' | 'string'; readonly result: SampleValue };

/** A sample of an instant vector, its value parsed. */
export interface Sample { readonly labels: Readonly<Record<string, string>>; readonly value: number }

type ApiResponse<T> = { status: 'success'; data: T } | { status: 'error'; errorType: string; error: string };
interface RawTarget { labels: Record<string, string>; scrapeUrl: string; health: TargetStatus['health']; lastError: string }

export class ScratchPrometheus {
  private closing: Promise<void> | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly child: ChildProcess,
    private readonly exited: Promise<void>,
    private readonly stopTimeoutMs: number,
  ) {}

  /** Writes the config, starts Prometheus and resolves once it is ready (see the header). */
  static async start(targets: readonly ScrapeTarget[], options: ScratchPrometheusOptions = {}): Promise<ScratchPrometheus> {
    const jobs = targets.map((t) => t.job);
    const duplicate = jobs.find((job, i) => jobs.indexOf(job) !== i);
    if (duplicate !== undefined) throw new Error(`ScratchPrometheus: job '${duplicate}' given twice`);
    if (!existsSync(PROMETHEUS_BINARY)) throw new Error(`ScratchPrometheus: no ${PROMETHEUS_BINARY} (bash scripts/services.sh start installs it)`);
    for (let attempt = 1; ; attempt++) {
      const prom = ScratchPrometheus.spawn(await freePort(), targets, options);
      try {
        await prom.waitUntilReady(options.startTimeoutMs);
        return prom;
      } catch (error) {
        const log = prom.logTail();
        await prom.close();
        if (attempt < BIND_ATTEMPTS && log.includes('address already in use')) continue;
        throw error;
      }
    }
  }

  private static spawn(port: number, targets: readonly ScrapeTarget[], options: ScratchPrometheusOptions): ScratchPrometheus {
    const dir = mkdtempSync(join(tmpdir(), `${options.label ?? 'scratch-prometheus'}-`));
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'prometheus.yml'), configYaml(targets));
    const log = openSync(join(dir, 'prometheus.log'), 'a');
    const child = spawn(PROMETHEUS_BINARY, [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      '--storage.tsdb.retention.time=1h', `--web.listen-address=127.0.0.1:${port}`,
    ], { stdio: ['ignore', log, log] });
    closeSync(log);
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    // A missing binary is reported as an 'error' event (then 'close'): waitUntilReady sees the exit.
    child.once('error', () => undefined);
    return new ScratchPrometheus(port, dir, child, exited, options.stopTimeoutMs ?? 5000);
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The Prometheus process (undefined if it could not be spawned). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined;
  }

  /** Resolves once `/-/ready` answers 200; rejects, with the log tail, if it exits or on timeout. */
  async waitUntilReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw this.startError(`exited (${this.child.exitCode ?? this.child.signalCode ?? 'not started'}) before it was ready`);
      if (await this.ready()) return;
      if (Date.now() >= deadline) throw this.startError(`not ready after ${timeoutMs} ms`);
      await sleep(READY_POLL_MS);
    }
  }

  /** Every active target with its last scrape's health, per job. */
  async targets(): Promise<TargetStatus[]> {
    const data = await this.api<{ activeTargets: RawTarget[] }>('/api/v1/targets?state=active');
    return data.activeTargets.map((t) => ({
      job: t.labels.job ?? '', instance: t.labels.instance ?? '', scrapeUrl: t.scrapeUrl, health: t.health, lastError: t.lastError,
    }));
  }

  /** Instant query at the current time. Rejects on a PromQL error. */
  async query(promql: string): Promise<QueryResult> {
    return this.api<QueryResult>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
  }

  /** An instant query that must return a vector, with the values parsed (`NaN` stays `NaN`). */
  async queryVector(promql: string): Promise<Sample[]> {
    const data = await this.query(promql);
    if (data.resultType !== 'vector') throw new Error(`ScratchPrometheus: '${promql}' returned a ${data.resultType}, not a vector`);
    return data.result.map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
  }

  /**
   * A range query (what a Grafana panel runs) from `startS` to `endS` (unix seconds) every `stepS`:
   * every series with at least one point in the range. Rejects on a PromQL error.
   */
  async queryRange(promql: string, startS: number, endS: number, stepS: number): Promise<MatrixSeries[]> {
    const params = new URLSearchParams({ query: promql, start: String(startS), end: String(endS), step: String(stepS) });
    const data = await this.api<QueryResult>(`/api/v1/query_range?${params.toString()}`);
    if (data.resultType !== 'matrix') throw new Error(`ScratchPrometheus: range query '${promql}' returned a ${data.resultType}, not a matrix`);
    return [...data.result];
  }

  /** Names of the metrics that have samples in the TSDB (scraped ones and Prometheus's own `up`, `scrape_*`). */
  async metricNames(): Promise<string[]> {
    return this.api<string[]>('/api/v1/label/__name__/values');
  }

  /** The last lines of Prometheus's log (stdout and stderr); '' once the dir is removed. */
  logTail(lines = LOG_TAIL_LINES): string {
    const file = join(this.dir, 'prometheus.log');
    if (!existsSync(file)) return '';
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM, SIGKILL after `stopTimeoutMs`; resolves once the process is gone and its dir removed. Idempotent. */
  async close(): Promise<void> {
    this.closing ??= this.stop();
    return this.closing;
  }

  private async stop(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const grace = new AbortController();
      const timedOut = sleep(this.stopTimeoutMs, true, { signal: grace.signal }).catch(() => false);
      const killed = await Promise.race([this.exited.then(() => false), timedOut]);
      grace.abort();
      if (killed) this.child.kill('SIGKILL');
    }
    await this.exited;
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async ready(): Promise<boolean> {
    try {
      const res = await fetch(`${this.url}/-/ready`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      await res.arrayBuffer();
      return res.status === 200;
    } catch {
      return false;
    }
  }

  private async api<T>(path: string): Promise<T> {
    const res = await fetch(`${this.url}${path}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = (await res.json()) as ApiResponse<T>;
    if (body.status !== 'success') throw new Error(`Prometheus ${path}: ${body.errorType}: ${body.error}`);
    return body.data;
  }

  private startError(what: string): Error {
    return new Error(`ScratchPrometheus on :${this.port} ${what}; last lines of ${join(this.dir, 'prometheus.log')}:\n${this.logTail()}`);
  }
}

/** The config file. JSON is YAML, so no YAML writer is needed. */
function configYaml(targets: readonly ScrapeTarget[]): string {
  return JSON.stringify({
    global: { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' },
    scrape_configs: targets.map((t) => ({ job_name: t.job, metrics_path: t.path ?? '/metrics', static_configs: [{ targets: [t.address] }] })),
  }, null, 2);
}
