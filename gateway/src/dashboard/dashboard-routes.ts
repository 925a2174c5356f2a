/**
 * `/dashboard` on the gateway's admin HTTP port (issue 13; docs/dashboard.md):
 *
 * - `/dashboard`: every queue (mode, legacy cluster, backlog per system, rates, errors), paged;
 * - `/dashboard/queue/<name>`: one queue's charts (a name that is not a valid queue name: 400);
 * - `/dashboard/api/overview?offset=&limit=&filter=&points=` and `/dashboard/api/queue/<name>?points=`:
 *   the JSON behind them (dashboard-api.ts, read from memory only);
 * - `/dashboard/static/…`: the page's script and style, and uPlot's, served from node_modules
 *   (no CDN: gateways often have no internet). Read once at start.
 *
 * Every answer carries a Content-Security-Policy allowing same-origin scripts, styles and fetches
 * only, and `nosniff`; JSON is never cached.
 */
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { queueNameProblem } from '../../../core/src/types/queue-name';
import { overview, parseOverviewQuery, pointsOf, queueDetail, type DashboardSource } from './dashboard-api';
import { OVERVIEW_PAGE, QUEUE_PAGE } from './dashboard-pages';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

interface StaticFile {
  readonly type: string;
  readonly body: Buffer;
}

function loadStatic(): ReadonlyMap<string, StaticFile> {
  const uplot = (file: string): string => require.resolve(`uplot/dist/${file}`);
  const own = (file: string): string => join(__dirname, 'assets', file);
  return new Map<string, StaticFile>([
    ['uPlot.iife.min.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(uplot('uPlot.iife.min.js')) }],
    ['uPlot.min.css', { type: 'text/css; charset=utf-8', body: readFileSync(uplot('uPlot.min.css')) }],
    ['dashboard.js', { type: 'text/javascript; charset=utf-8', body: readFileSync(own('dashboard.js')) }],
    ['dashboard.css', { type: 'text/css; charset=utf-8', body: readFileSync(own('dashboard.css')) }],
  ]);
}

export class DashboardRoutes {
  private readonly files = loadStatic();

  constructor(private readonly source: DashboardSource) {}

  /** Answers `path` when it is the dashboard's; false otherwise (the admin server answers 404). */
  handle(path: string, query: URLSearchParams, res: ServerResponse): boolean {
    if (path === '/dashboard' || path === '/dashboard/') {
      send(res, 200, 'text/html; charset=utf-8', OVERVIEW_PAGE);
    } else if (path.startsWith('/dashboard/queue/')) {
      const queue = queueOfPath(path, '/dashboard/queue/');
      if (queue === undefined) sendJsonError(res, 400, 'not a valid queue name');
      else send(res, 200, 'text/html; charset=utf-8', QUEUE_PAGE);
    } else if (path.startsWith('/dashboard/static/')) {
      const file = this.files.get(path.slice('/dashboard/static/'.length));
      if (file === undefined) sendJsonError(res, 404, 'not found');
      else send(res, 200, file.type, file.body, 'public, max-age=300');
    } else if (path === '/dashboard/api/overview') {
      this.overview(query, res);
    } else if (path.startsWith('/dashboard/api/queue/')) {
      this.queue(path, query, res);
    } else if (path.startsWith('/dashboard')) {
      sendJsonError(res, 404, 'not found');
    } else {
      return false;
    }
    return true;
  }

  private overview(query: URLSearchParams, res: ServerResponse): void {
    const parsed = parseOverviewQuery(query);
    if (typeof parsed === 'string') sendJsonError(res, 400, parsed);
    else sendJson(res, 200, overview(this.source, parsed));
  }

  private queue(path: string, query: URLSearchParams, res: ServerResponse): void {
    const queue = queueOfPath(path, '/dashboard/api/queue/');
    if (queue === undefined) {
      sendJsonError(res, 400, 'not a valid queue name');
      return;
    }
    const detail = queueDetail(this.source, queue, pointsOf(query));
    if (detail === undefined) sendJsonError(res, 404, 'this gateway knows no such queue');
    else sendJson(res, 200, detail);
  }
}

/** The queue named by the rest of the path, when it is a valid queue name (core/src/types/queue-name.ts). */
export function queueOfPath(path: string, prefix: string): string | undefined {
  let name: string;
  try {
    name = decodeURIComponent(path.slice(prefix.length));
  } catch {
    return undefined;
  }
  return queueNameProblem(name) === undefined ? name : undefined;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, cache = 'no-store'): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': cache,
  });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function sendJsonError(res: ServerResponse, status: number, error: string): void {
  sendJson(res, status, { error });
}
