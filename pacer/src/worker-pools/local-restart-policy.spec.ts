import { RestartTracker, type RestartPolicySettings } from './local-restart-policy';

const SETTINGS: RestartPolicySettings = {
  initialBackoffMs: 100,
  maxBackoffMs: 1000,
  crashLoopExits: 4,
  crashLoopWindowMs: 10_000,
  stableAfterMs: 5000,
};

/** Starts and exits the replica `times` times, each run `runMs` long, each restart after the decided delay. */
function crash(tracker: RestartTracker, from: number, times: number, runMs = 10): { now: number; delays: number[] } {
  let now = from;
  const delays: number[] = [];
  for (let i = 0; i < times; i++) {
    tracker.started(now);
    now += runMs;
    const decision = tracker.exited(now);
    delays.push(decision.delayMs);
    now += decision.delayMs;
  }
  return { now, delays };
}

describe('RestartTracker', () => {
  it('doubles the wait with each exit, up to the maximum', () => {
    const tracker = new RestartTracker({ ...SETTINGS, crashLoopExits: 100 });
    expect(crash(tracker, 0, 6).delays).toEqual([100, 200, 400, 800, 1000, 1000]);
  });

  it('restarts an exit with code 0 too, and the first one after the initial wait', () => {
    const tracker = new RestartTracker(SETTINGS);
    tracker.started(0);
    expect(tracker.exited(50)).toEqual({ delayMs: 100, consecutiveExits: 1, exitsInWindow: 1, crashLooping: false, enteredCrashLoop: false });
  });

  it('resets the wait after a stable run', () => {
    const tracker = new RestartTracker({ ...SETTINGS, crashLoopExits: 100 });
    const { now } = crash(tracker, 0, 3);
    tracker.started(now);
    expect(tracker.exited(now + SETTINGS.stableAfterMs).delayMs).toBe(100);
  });

  it('enters crash-looping at N exits within the window, once, and then waits the maximum', () => {
    const tracker = new RestartTracker(SETTINGS);
    let now = 0;
    const entered: boolean[] = [];
    const looping: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      tracker.started(now);
      const d = tracker.exited(now + 10);
      entered.push(d.enteredCrashLoop);
      looping.push(d.crashLooping);
      now += 10 + d.delayMs;
      if (i >= 3) expect(d.delayMs).toBe(SETTINGS.maxBackoffMs);
    }
    expect(looping).toEqual([false, false, false, true, true, true]);
    expect(entered).toEqual([false, false, false, true, false, false]);
  });

  it('does not count exits older than the window', () => {
    const tracker = new RestartTracker({ ...SETTINGS, stableAfterMs: 1_000_000 });
    const { now } = crash(tracker, 0, 3);
    tracker.started(now + SETTINGS.crashLoopWindowMs);
    const d = tracker.exited(now + SETTINGS.crashLoopWindowMs + 10);
    expect(d.exitsInWindow).toBe(1);
    expect(d.crashLooping).toBe(false);
    expect(d.delayMs).toBe(800); // no stable run in between: the backoff kept doubling (100·2³)
  });

  it('stays crash-looping while a restarted replica runs, until the run is stable', () => {
    const tracker = new RestartTracker(SETTINGS);
    const { now } = crash(tracker, 0, 4);
    tracker.started(now);
    expect(tracker.isCrashLooping(now + 1)).toBe(true);
    expect(tracker.isCrashLooping(now + SETTINGS.stableAfterMs - 1)).toBe(true);
    expect(tracker.isCrashLooping(now + SETTINGS.stableAfterMs)).toBe(false);
    expect(tracker.consecutiveExits(now + SETTINGS.stableAfterMs)).toBe(0);
    const d = tracker.exited(now + SETTINGS.stableAfterMs + 1);
    expect(d).toMatchObject({ delayMs: 100, crashLooping: false, exitsInWindow: 1 });
  });

  it('a waiting replica is not stable: crash-looping holds between restarts', () => {
    const tracker = new RestartTracker(SETTINGS);
    const { now } = crash(tracker, 0, 4);
    expect(tracker.isCrashLooping(now + 10 * SETTINGS.stableAfterMs)).toBe(true);
  });
});
