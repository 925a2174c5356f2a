import { ATTR, METRICS, prometheusName, prometheusSeries, SPANS, spanName } from './telemetry-catalogue';

describe('telemetry catalogue', () => {
  const defs = Object.values(METRICS);

  it('names every metric once, in lower-case dotted form, and their Prometheus names are distinct', () => {
    const names = defs.map((d) => d.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/);
    const series = defs.flatMap(prometheusSeries);
    expect(new Set(series).size).toBe(series.length);
  });

  it('maps names as the Prometheus exporter does: dots to underscores, _total on counters only', () => {
    expect(prometheusName(METRICS.jobsEnqueued)).toBe('pinlater_jobs_enqueued_total');
    expect(prometheusName(METRICS.rpcServerDuration)).toBe('rpc_server_call_duration');
    expect(prometheusSeries(METRICS.rpcServerDuration)).toEqual(['rpc_server_call_duration_bucket', 'rpc_server_call_duration_sum', 'rpc_server_call_duration_count']);
  });

  it('gives every histogram increasing buckets, latency ones in seconds from sub-millisecond to 10 s', () => {
    for (const d of defs.filter((x) => x.kind === 'histogram')) {
      const b = (d as { buckets?: readonly number[] }).buckets ?? [];
      expect(b.length).toBeGreaterThan(3);
      expect([...b].sort((x, y) => x - y)).toEqual(b);
      if (d.unit === 's') expect({ first: (b[0] as number) < 0.001, last: b[b.length - 1] }).toEqual({ first: true, last: 10 });
    }
  });

  it('uses only attribute keys of ATTR, never an unbounded one', () => {
    const known = new Set<string>(Object.values(ATTR));
    for (const d of defs) for (const a of d.attributes) expect({ metric: d.name, a, known: known.has(a) }).toEqual({ metric: d.name, a, known: true });
    for (const d of defs) expect(d.attributes).not.toContain(ATTR.clientId);
  });

  it('fills span names from their parts', () => {
    expect(spanName(SPANS.rpcServer, { method: 'enqueueJobs' })).toBe('PinLater/enqueueJobs');
    expect(spanName(SPANS.brokerClient, { method: 'dequeue' })).toBe('PacerBroker/dequeue client');
  });
});
