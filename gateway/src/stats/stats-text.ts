import type { MemoryStats } from '../../../core/src/interfaces/stats';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';

/** Longest stat name printed whole; queue names are at most 255 characters. */
const MAX_NAME_CHARS = 400;

/**
 * Ostrich's `/stats.txt` layout: counters, gauges, metrics (average/count/maximum), sorted by name.
 * Names are escaped (`renderUntrusted`): whatever reached a name, it cannot forge a line.
 */
export function renderStatsText(stats: MemoryStats, extraGauges: Record<string, number> = {}): string {
  const lines: string[] = ['counters:'];
  for (const [name, v] of sorted(stats.counters)) lines.push(`  ${renderUntrusted(name, MAX_NAME_CHARS)}: ${v}`);
  lines.push('gauges:');
  const gauges = new Map([...stats.gauges, ...Object.entries(extraGauges)]);
  for (const [name, v] of sorted(gauges)) lines.push(`  ${renderUntrusted(name, MAX_NAME_CHARS)}: ${v}`);
  lines.push('labels:', 'metrics:');
  for (const [name, m] of sorted(stats.metrics)) {
    const average = m.count > 0 ? Math.round(m.sum / m.count) : 0;
    lines.push(`  ${renderUntrusted(name, MAX_NAME_CHARS)}: (average=${average}, count=${m.count}, maximum=${m.count > 0 ? m.max : 0})`);
  }
  return `${lines.join('\n')}\n`;
}

function sorted<V>(m: Map<string, V>): [string, V][] {
  return [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
