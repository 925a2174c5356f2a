import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { backendStatNames } from '../core/src/backend/backend-stat-names';
import { QUEUE_SERIES_OVERFLOW_STAT } from '../core/src/interfaces/stats';
import { routingGaugeNames, statNames, transportStatNames } from '../gateway/src/stats/stat-names';
import { mysqlStatNames } from '../legacy-adapter/src/mysql/mysql-stat-names';
import { redisStatNames } from '../legacy-adapter/src/redis/redis-stat-names';
import { pacerStatNames } from '../pacer/src/api/pacer-stat-names';
import { routingStatNames } from '../core/src/routing/routing-stat-names';
import { listRepoFiles, REPO_ROOT } from './repo-files';

/**
 * Every stat the gateway process emits (its service and transport, and the backends it hosts) has
 * its name in a catalogue; the broker and the controller emit none (they keep counters served over
 * RPC/HTTP). These catalogues together are checked here: names unique, PinLater's shape, and no
 * call site that builds a name inline.
 */
const CATALOGUES: Record<string, unknown> = {
  gateway: statNames,
  transport: transportStatNames,
  backend: backendStatNames,
  redis: redisStatNames,
  mysql: mysqlStatNames,
  pacer: pacerStatNames,
  routing: routingStatNames,
  routingGauges: routingGaugeNames,
  stats: { queueSeriesOverflow: QUEUE_SERIES_OVERFLOW_STAT },
};

/** A catalogue entry as a template: parameters become `{0}`, `{1}`, … */
function templates(entry: unknown, where: string): Array<{ where: string; template: string }> {
  if (typeof entry === 'string') return [{ where, template: entry }];
  if (typeof entry === 'function') {
    const fn = entry as (...args: string[]) => unknown;
    const rendered = fn(...Array.from({ length: fn.length }, (_, i) => `{${i}}`));
    if (typeof rendered !== 'string') throw new Error(`${where} does not return a name`);
    return [{ where, template: rendered }];
  }
  if (typeof entry === 'object' && entry !== null) {
    return Object.entries(entry).flatMap(([key, value]) => templates(value, `${where}.${key}`));
  }
  throw new Error(`${where}: not a name, a name builder or a group of them`);
}

/**
 * PinLater's names (FACTS §9): words of letters and digits joined by one `.`, `_`, `-` or `/`
 * (`PinLater.enqueueJobs.errors.QUEUE_NOT_FOUND`, `q_ack_succeeded`, `mysql-deadlock-ack`,
 * `PinLaterService/connections`); a parameter (queue, method, host, …) fills whole words.
 */
const NAME = /^[A-Za-z][A-Za-z0-9]*(?:[._/-][A-Za-z0-9]+)*$/;
const PARAMETER_DELIMITED = /(?:^|[._/-])\{\d+\}(?=$|[._/-])/g;

function checkCatalogues(catalogues: Record<string, unknown>): string[] {
  const all = Object.entries(catalogues).flatMap(([name, catalogue]) => templates(catalogue, name));
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const { where, template } of all) {
    const shape = template.replace(/\{\d+\}/g, '{}');
    const first = seen.get(shape);
    if (first !== undefined) problems.push(`${where} and ${first} both name '${template}'`);
    seen.set(shape, first ?? where);
    const parameters = template.match(/\{\d+\}/g)?.length ?? 0;
    if ((template.match(PARAMETER_DELIMITED)?.length ?? 0) !== parameters) problems.push(`${where}: '${template}' has a parameter inside a word`);
    if (!NAME.test(template.replace(/\{\d+\}/g, 'x1'))) problems.push(`${where}: '${template}' does not have PinLater's shape`);
  }
  return problems;
}

describe('stat name catalogues', () => {
  it('name every stat once, in PinLater shape', () => {
    expect(checkCatalogues(CATALOGUES)).toEqual([]);
  });

  it('render exactly the names PinLater emits (FACTS §9)', () => {
    expect(statNames.error('dequeueJobs', 'QUEUE_NOT_FOUND')).toBe('PinLater.dequeueJobs.errors.QUEUE_NOT_FOUND');
    expect(statNames.timing('enqueueJobs')).toBe('PinLaterService.enqueueJobs');
    expect(backendStatNames.failuresRetry('ack')).toBe('ack-failures-retry');
    expect(backendStatNames.priorityNotSupportedEnqueue['legacy-mysql']).toBe('MySQL-priority-not-supported-enqueue');
    expect(backendStatNames.unhealthyShardDequeue['legacy-redis']).toBe('redis-unhealthy-shard-dequeue');
    expect(backendStatNames.checkpointNoop('q')).toBe('q_checkpoint_noop');
    expect(mysqlStatNames.queueNotFound('checkpoint')).toBe('mysql-queue-not-found-checkpoint');
    expect(mysqlStatNames.firstDequeueDelay('q')).toBe('q_first_dequeue_delay_ms');
    expect(redisStatNames.jobHashNotFound('q', '1', 2, 'scan')).toBe('redis_job_hash_not_found_q_1_2_scan');
    expect(redisStatNames.heartbeatFailures('localhost', 6379)).toBe('heartbeat_failures_localhost_6379');
  });

  it('catch a duplicate, a parameter inside a word and a bad shape', () => {
    expect(checkCatalogues({ a: { x: 'dup-name', y: (q: string) => `${q}_enqueue` }, b: { z: 'dup-name', w: (queue: string) => `${queue}_enqueue` } })).toEqual([
      "b.z and a.x both name 'dup-name'",
      "b.w and a.y both name '{0}_enqueue'",
    ]);
    expect(checkCatalogues({ a: { glued: (q: string) => `queue${q}` } })).toEqual(["a.glued: 'queue{0}' has a parameter inside a word"]);
    expect(checkCatalogues({ a: { spaced: 'two words', doubled: 'a__b' } })).toEqual([
      "a.spaced: 'two words' does not have PinLater's shape",
      "a.doubled: 'a__b' does not have PinLater's shape",
    ]);
  });

  it('are used at every call site: no stat name is built inline in product code', () => {
    const inline = /\.(?:incr|metric|gauge)\(\s*[`'"]/;
    const offenders = ['core', 'gateway', 'legacy-adapter', 'pacer', 'migration']
      .flatMap((folder) => listRepoFiles(folder, (name) => name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts')))
      .flatMap((file) => readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n').flatMap((line, i) => (inline.test(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])));
    expect(offenders).toEqual([]);
  });
});
