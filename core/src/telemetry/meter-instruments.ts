/**
 * Instruments, created only from catalogue definitions (telemetry-catalogue.ts), so nothing is
 * exported under a name the catalogue does not list. On the no-op meter (metrics off) every
 * instrument is a no-op and no gauge callback is ever called.
 */
import type { Attributes, Counter, Histogram, Meter, ObservableGauge, ObservableResult } from '@opentelemetry/api';
import type { MetricDef } from './telemetry-catalogue';

type Def<K extends MetricDef['kind']> = MetricDef & { readonly kind: K };

export function counterOf(meter: Meter, def: Def<'counter'>): Counter {
  return meter.createCounter(def.name, { unit: def.unit, description: def.description });
}

export function histogramOf(meter: Meter, def: Def<'histogram'>): Histogram {
  return meter.createHistogram(def.name, {
    unit: def.unit, description: def.description,
    ...(def.buckets === undefined ? {} : { advice: { explicitBucketBoundaries: [...def.buckets] } }),
  });
}

/** A gauge read at collection time (a scrape) from `read`, which must be cheap: it reads values kept in memory. */
export function gaugeOf(meter: Meter, def: Def<'gauge'>, read: (observe: (value: number, attributes?: Attributes) => void) => void): ObservableGauge {
  const gauge = meter.createObservableGauge(def.name, { unit: def.unit, description: def.description });
  gauge.addCallback((result: ObservableResult) => read((value, attributes) => result.observe(value, attributes)));
  return gauge;
}
