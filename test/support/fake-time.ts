import type { Clock } from '../../core/src/util/clock';

/** Time for specs of waiting code: `sleep` records each wait and advances the clock by it, instantly. */
export interface FakeTime {
  readonly clock: Clock;
  readonly waits: number[];
  sleep(ms: number): Promise<void>;
  /** Moves the clock without a wait (time an operation took). */
  advance(ms: number): void;
  /** Present when given: the jitter source, for code that takes one beside clock and sleep. */
  readonly random?: () => number;
}

export function fakeTime(options: { startMs?: number; random?: () => number } = {}): FakeTime {
  let now = options.startMs ?? 0;
  const waits: number[] = [];
  return {
    waits,
    clock: { nowMs: () => now },
    sleep: (ms) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      now += ms;
    },
    ...(options.random === undefined ? {} : { random: options.random }),
  };
}
