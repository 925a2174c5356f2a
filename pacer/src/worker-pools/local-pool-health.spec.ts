import { healthHttpStatus, runtimeHealth, type PoolStatus } from './local-pool-health';
import type { ReplicaStatus } from './local-replica';

const running = (index: number): ReplicaStatus => ({
  index, state: 'running', pid: 100 + index, restarts: 0, consecutiveExits: 0, lastExit: null, uptimeMs: 1000, nextStartInMs: null, logFile: `/logs/pw-a-${index}.log`,
});

const pool = (replicas: ReplicaStatus[]): PoolStatus => ({ queue: 'a', pool: 'pw-a-1234abcd', source: 'a.json', argv: ['node', 'w.js'], desiredReplicas: replicas.length, replicas });
const context = { gateway: '127.0.0.1:9010', uptimeMs: 5000, stopping: false };

describe('runtimeHealth', () => {
  it('is ok (200) when every replica runs, and counts them', () => {
    const health = runtimeHealth([pool([running(0), running(1)])], context);
    expect(health.status).toBe('ok');
    expect(health.problems).toEqual([]);
    expect(health.pools[0]?.runningReplicas).toBe(2);
    expect(healthHttpStatus(health)).toBe(200);
  });

  it('is ok with a pool of zero replicas', () => {
    expect(healthHttpStatus(runtimeHealth([pool([])], context))).toBe(200);
  });

  it('is 503 and names the replica, its state and last exit when one is not running', () => {
    const looping: ReplicaStatus = {
      ...running(1), state: 'crash-looping', pid: null, consecutiveExits: 6, uptimeMs: null, nextStartInMs: 29_500,
      lastExit: { code: 3, signal: null, at: '2026-01-01T00:00:00.000Z' },
    };
    const restarting: ReplicaStatus = { ...running(2), state: 'restarting', pid: null, lastExit: { code: null, signal: 'SIGSEGV', at: 'x' }, nextStartInMs: 1000 };
    const health = runtimeHealth([pool([running(0), looping, restarting])], context);
    expect(health.status).toBe('unhealthy');
    expect(healthHttpStatus(health)).toBe(503);
    expect(health.pools[0]?.runningReplicas).toBe(1);
    expect(health.problems).toEqual([
      'a (pw-a-1234abcd) replica 1: crash-looping (6 exits since its last stable run, last exit code 3, next start in 30 s; see /logs/pw-a-1.log)',
      'a (pw-a-1234abcd) replica 2: restarting, last exit killed by SIGSEGV, next start in 1 s',
    ]);
  });

  it('says a replica that could not start, and a stopping runtime, are not healthy', () => {
    const broken: ReplicaStatus = { ...running(0), state: 'restarting', pid: null, lastExit: { code: null, signal: null, error: 'spawn nope ENOENT', at: 'x' }, nextStartInMs: 0 };
    const health = runtimeHealth([pool([broken])], { ...context, stopping: true });
    expect(health.problems).toEqual(['the runtime is stopping', 'a (pw-a-1234abcd) replica 0: restarting, last exit could not start: spawn nope ENOENT, next start in 0 s']);
  });
});
