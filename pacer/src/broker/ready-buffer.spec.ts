import type { BufferedJob } from '../datastore/broker-store';
import { ReadyBuffer } from './ready-buffer';

function job(id: number, runAfterMs: number): BufferedJob {
  return { id, priority: 1, runAfterMs, attemptsAllowed: 2, attemptsRemaining: 2, createdAtMs: 0, updatedAtMs: 0, body: Buffer.from(String(id)) };
}

describe('ReadyBuffer', () => {
  it('serves by run-after then id, whatever the insertion order', () => {
    const b = new ReadyBuffer();
    b.add([job(5, 10), job(2, 10), job(9, 5), job(1, 20)]);
    expect(b.takeReady(100, 10).map((j) => j.id)).toEqual([9, 2, 5, 1]);
    expect(b.size).toBe(0);
  });

  it('ignores duplicates and keeps future jobs until they are ready', () => {
    const b = new ReadyBuffer();
    expect(b.add([job(1, 10), job(1, 10), job(2, 50)])).toBe(2);
    expect(b.readyCount(20)).toBe(1);
    expect(b.takeReady(20, 5).map((j) => j.id)).toEqual([1]);
    expect(b.takeReady(20, 5)).toEqual([]);
    expect(b.has(2)).toBe(true);
    expect(b.takeReady(50, 5).map((j) => j.id)).toEqual([2]);
    expect(b.has(2)).toBe(false);
  });

  it('takes at most n', () => {
    const b = new ReadyBuffer();
    b.add([job(1, 1), job(2, 1), job(3, 1)]);
    expect(b.takeReady(1, 2).map((j) => j.id)).toEqual([1, 2]);
    expect(b.size).toBe(1);
  });
});
