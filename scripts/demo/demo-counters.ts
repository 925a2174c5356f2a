/**
 * What a demo process has done so far, per queue and in total: the numbers its `/health` serves
 * and its periodic log line shows (the dashboards read the gateway's own metrics, not these).
 */
export const COUNTER_NAMES = ['enqueued', 'dequeued', 'succeeded', 'failed', 'callErrors'] as const;
export type CounterName = (typeof COUNTER_NAMES)[number];
export type CounterValues = Record<CounterName, number>;

function zero(): CounterValues {
  return { enqueued: 0, dequeued: 0, succeeded: 0, failed: 0, callErrors: 0 };
}

export class DemoCounters {
  private readonly perQueue = new Map<string, CounterValues>();
  private readonly all = zero();

  add(queue: string, name: CounterName, n = 1): void {
    let values = this.perQueue.get(queue);
    if (values === undefined) {
      values = zero();
      this.perQueue.set(queue, values);
    }
    values[name] += n;
    this.all[name] += n;
  }

  totals(): CounterValues {
    return { ...this.all };
  }

  snapshot(): { totals: CounterValues; queues: Record<string, CounterValues> } {
    return { totals: this.totals(), queues: Object.fromEntries([...this.perQueue].map(([q, v]) => [q, { ...v }])) };
  }
}
