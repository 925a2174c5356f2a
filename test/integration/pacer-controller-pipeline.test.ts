/**
 * One controller pipeline run against a real ZooKeeper (fresh chroot): the time it records as an
 * instance's LAST_OFFLINE_TIME, from which the delayed-rebalance window counts, is never earlier
 * than the read that saw the instance gone. A run that took its time before a slow read (CPU load)
 * started the window early and moved partitions before the configured delay (seen in CI).
 */
import { assertNoLeaks } from '../support/leak-check';
import { addInstance, addQueue } from '../../pacer/src/coordination/cluster-setup';
import { ClusterDataCache } from '../../pacer/src/coordination/cluster-data-cache';
import { newPipelineMemory, runPipeline } from '../../pacer/src/coordination/controller-pipeline';
import { readRecord, updateRecord } from '../../pacer/src/coordination/record-store';
import { newRecord } from '../../pacer/src/coordination/zn-record';
import type { ZkClient } from '../../core/src/zookeeper/zk-client';
import { TestCluster } from './pacer-cluster/harness';

afterAll(assertNoLeaks);

/** The admin client, where every read takes 100 ms of a fake clock; notes when `watchedPath` was last read. */
function slowReads(zk: ZkClient, clock: { now: number }, seen: { readAt?: number }, watchedPath: string): ZkClient {
  return new Proxy(zk, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        if (prop === 'get' || prop === 'children' || prop === 'exists') {
          clock.now += 100;
          if (args[0] === watchedPath) seen.readAt = clock.now;
        }
        return fn.apply(target, args);
      };
    },
  });
}

describe('controller pipeline', () => {
  let c: TestCluster | undefined;
  afterEach(async () => {
    await c?.close();
    c = undefined;
  });

  it('records LAST_OFFLINE_TIME no earlier than the read that saw the instance gone', async () => {
    c = await TestCluster.create({ delayRebalanceMs: 1500 });
    await addQueue(c.admin, c.paths, 'alpha', { numPartitions: 2 });
    await addInstance(c.admin, c.paths, 'broker-x', { host: '127.0.0.1', port: 1 });
    // broker-x was online (LAST_OFFLINE_TIME -1) and its live-instance node is gone: it just left.
    await updateRecord(c.admin, c.paths.instanceHistory('broker-x'), () => {
      const r = newRecord('broker-x');
      r.simpleFields.LAST_OFFLINE_TIME = '-1';
      return r;
    });
    const clock = { now: 1_000_000 };
    const seen: { readAt?: number } = {};
    // The read that sees broker-x gone is the list of live instances (the cluster data cache reads
    // an instance's own live node only while it is listed).
    const zk = slowReads(c.admin, clock, seen, c.paths.liveInstances());
    const result = await runPipeline({
      zk,
      paths: c.paths,
      controllerName: 'controller-test',
      clock: { nowMs: () => clock.now },
      cache: new ClusterDataCache(zk, c.paths, () => undefined),
      memory: newPipelineMemory(),
      errorRetryMs: 2000,
    });
    const history = await readRecord(c.admin, c.paths.instanceHistory('broker-x'));
    const offlineAt = Number(history?.record.simpleFields.LAST_OFFLINE_TIME);
    expect(seen.readAt).toBeDefined();
    expect(offlineAt).toBeGreaterThanOrEqual(seen.readAt ?? Infinity);
    // The rerun that ends the delay is counted from that same instant.
    expect(result.rerunAtMs).toBe(offlineAt + 1500);
  });
});
