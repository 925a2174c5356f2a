import type { ServerResponse } from 'node:http';
import type { QueueRoute } from '../../../core/src/routing/queue-route';
import { MAX_PAGE, type DashboardSource } from './dashboard-api';
import { DashboardRoutes, queueOfPath } from './dashboard-routes';
import { MODE_INDEX, SERIES } from './history-points';
import { ALL_QUEUES, MetricHistory } from './metric-history';

interface Answer {
  status: number;
  headers: Record<string, unknown>;
  body: string;
}

function request(routes: DashboardRoutes, url: string): Answer | undefined {
  const [path, search] = url.split('?', 2) as [string, string | undefined];
  const answer: Answer = { status: 0, headers: {}, body: '' };
  const res = {
    writeHead: (status: number, headers: Record<string, unknown>) => Object.assign(answer, { status, headers }),
    end: (body: string | Buffer) => (answer.body = body.toString()),
  } as unknown as ServerResponse;
  return routes.handle(path, new URLSearchParams(search ?? ''), res) ? answer : undefined;
}

const QUEUES = Array.from({ length: 1000 }, (_, i) => `queue_${String(i).padStart(4, '0')}`);

/** 1,000 queues with a full 30-minute history each (mode, backlog on two systems, rates). */
function bigSource(): DashboardSource {
  const history = new MetricHistory();
  for (let t = 0; t < 360; t++) {
    const values = new Map<string, Map<string, number>>([[ALL_QUEUES, new Map([[SERIES.enqueueRate('redis-a'), 1000]])]]);
    for (const q of QUEUES) {
      values.set(q, new Map([[SERIES.mode, MODE_INDEX.migrating as number], [SERIES.backlog('redis-a'), 1000 - t], [SERIES.backlog('pacer'), t], [SERIES.enqueueRate('pacer'), 3], [SERIES.requestRate, 5]]));
    }
    history.append(1_000_000 + t * 5000, values);
  }
  const route: QueueRoute = { mode: 'migrating', legacyCluster: 'redis-a', direction: 'to-pacer' };
  return {
    history: { history, intervalMs: 5000, lastCollectMs: 1 },
    queues: () => [...QUEUES],
    knows: (q) => QUEUES.includes(q),
    routeOf: () => route,
    holders: () => new Set(['redis-a', 'pacer']),
    clock: { nowMs: () => 1_000_000 + 360 * 5000 },
  };
}

describe('/dashboard routes', () => {
  const routes = new DashboardRoutes(bigSource());

  it('serves the pages, uPlot and its own assets with a same-origin-only CSP', () => {
    for (const url of ['/dashboard', '/dashboard/queue/queue_0001', '/dashboard/static/uPlot.iife.min.js', '/dashboard/static/dashboard.js', '/dashboard/static/dashboard.css']) {
      const a = request(routes, url);
      expect([url, a?.status]).toEqual([url, 200]);
      expect(a?.headers['content-security-policy']).toContain("script-src 'self'");
    }
    expect(request(routes, '/metrics')).toBeUndefined();
    expect(request(routes, '/dashboard/static/../../package.json')?.status).toBe(404);
  });

  it('refuses paths naming something that is not a valid queue name', () => {
    expect(queueOfPath('/dashboard/queue/ok_name', '/dashboard/queue/')).toBe('ok_name');
    for (const bad of ['%3Cscript%3E', '%ZZ', 'a.b', '', 'x'.repeat(256), 'a%2Fb']) expect(queueOfPath(`/q/${bad}`, '/q/')).toBeUndefined();
    expect(request(routes, '/dashboard/queue/%3Cimg%20src%3Dx%3E')?.status).toBe(400);
    expect(request(routes, '/dashboard/api/queue/a.b')?.status).toBe(400);
    expect(request(routes, '/dashboard/api/queue/no_such_queue')?.status).toBe(404);
    expect(request(routes, '/dashboard/api/overview?filter=%3Cb%3E')?.status).toBe(400);
  });

  it('pages the overview (at most MAX_PAGE queues) and bounds the points per series', () => {
    const page = JSON.parse(request(routes, '/dashboard/api/overview?offset=990&limit=100000&points=100000')?.body ?? '{}') as {
      queues: { total: number; limit: number; items: Array<{ queue: string; mode: string; backlog: Record<string, number> }> }; totals: { times: number[] };
    };
    expect(page.queues.total).toBe(1000);
    expect(page.queues.limit).toBe(MAX_PAGE);
    expect(page.queues.items.map((i) => i.queue)).toEqual(QUEUES.slice(990));
    expect(page.queues.items[0]).toMatchObject({ mode: 'migrating', backlog: { 'redis-a': 641, pacer: 359 } });
    expect(page.totals.times).toHaveLength(360);
    const filtered = JSON.parse(request(routes, '/dashboard/api/overview?filter=queue_099')?.body ?? '{}') as { queues: { total: number } };
    expect(filtered.queues.total).toBe(10);
    const detail = JSON.parse(request(routes, '/dashboard/api/queue/queue_0500?points=60')?.body ?? '{}') as { series: { times: number[]; series: Record<string, unknown[]> }; copy: { leaving: string } };
    expect(detail.series.times).toHaveLength(60);
    expect(Object.values(detail.series.series).every((s) => s.length === 60)).toBe(true);
    expect(detail.copy.leaving).toBe('redis-a');
  });

  it('answers from memory in about a millisecond with 1,000 queues (no backend is called)', () => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 50; i++) {
      request(routes, '/dashboard/api/overview');
      request(routes, `/dashboard/api/queue/${QUEUES[i * 7] as string}`);
    }
    const perRequestMs = Number(process.hrtime.bigint() - started) / 1e6 / 100;
    // Generous bound for a busy CI machine; measured about 2 ms per request (overview page of 50 + one queue page).
    expect(perRequestMs).toBeLessThan(25);
  });
});
