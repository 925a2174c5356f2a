import { setTimeout as sleep } from 'node:timers/promises';
import { PausableDeadline } from './pausable-deadline';

describe('PausableDeadline', () => {
  it('fires once after its duration; clear() stops it', async () => {
    let fired = 0;
    const d = new PausableDeadline(30, () => fired++);
    d.start();
    expect(d.running).toBe(true);
    await sleep(200);
    expect(fired).toBe(1);
    expect(d.running).toBe(false);
    d.start();
    d.clear();
    await sleep(100);
    expect(fired).toBe(1);
  });

  it('a paused deadline does not fire, and resumes with the time it had left', async () => {
    let now = 0;
    let firedAt: number | undefined;
    const d = new PausableDeadline(10_000, () => (firedAt = performance.now()), () => now);
    d.start();
    now = 9_950; // 50 ms left
    d.pause();
    expect(d.paused).toBe(true);
    now = 1_000_000; // time passing while paused is not charged
    await sleep(100);
    expect(firedAt).toBeUndefined();
    const resumedAt = performance.now();
    d.resume();
    await sleep(400);
    expect(firedAt).toBeDefined();
    expect((firedAt as number) - resumedAt).toBeGreaterThanOrEqual(45);
  });

  it('a restart moves the expiry to a full duration from the restart', async () => {
    let firedAt: number | undefined;
    const d = new PausableDeadline(100, () => (firedAt = performance.now()));
    d.start();
    await sleep(60);
    const restartedAt = performance.now();
    d.start(); // the timer armed by the first start fires first and waits for the rest
    await sleep(500);
    expect(firedAt).toBeDefined();
    expect((firedAt as number) - restartedAt).toBeGreaterThanOrEqual(95);
  });
});
