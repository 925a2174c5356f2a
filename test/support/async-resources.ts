/**
 * Which asynchronous resources (timers, sockets, servers, requests) code creates, where, and which
 * of them are still alive, seen through node:async_hooks. Unlike `process.getActiveResourcesInfo()`
 * (leak-check.ts) this also sees `unref()`ed timers, which do not keep the event loop alive and so
 * are not listed there: OpenTelemetry's BatchSpanProcessor timer and the gateway's queue-depth
 * interval are both unref()ed.
 *
 *   const tracker = AsyncResourceTracker.start();
 *   ... code under test ...
 *   tracker.stop();                                  // later destructions are still noted
 *   expect(tracker.created().filter((r) => createdBy(r, /@opentelemetry/))).toEqual([]);
 *   tracker.dispose();
 *
 * Promises, next-tick callbacks and microtasks are not recorded (they hold nothing). Each recorded
 * resource keeps the stack that created it, so a test can tell whose it is; that costs a stack
 * trace per resource while the tracker runs (tests only).
 */
import { createHook, type AsyncHook } from 'node:async_hooks';

export interface TrackedResource {
  readonly type: string;
  /** Where it was created (up to STACK_FRAMES frames, this module's own frame included). */
  readonly stack: string;
  /** What async_hooks handed over: a Timeout, a TCP handle, … */
  readonly resource: object;
}

const NOT_RECORDED = new Set(['PROMISE', 'TickObject', 'Microtask']);
const STACK_FRAMES = 60;

export class AsyncResourceTracker {
  private readonly resources = new Map<number, TrackedResource>();
  private readonly destroyed = new Set<number>();
  private recording = true;
  private readonly hook: AsyncHook;

  private constructor() {
    this.hook = createHook({
      init: (asyncId, type, _trigger, resource) => {
        if (this.recording && !NOT_RECORDED.has(type)) this.resources.set(asyncId, { type, stack: stackHere(), resource });
      },
      destroy: (asyncId) => {
        if (this.resources.has(asyncId)) this.destroyed.add(asyncId);
      },
    });
  }

  /** Starts recording what is created from now on. */
  static start(): AsyncResourceTracker {
    const tracker = new AsyncResourceTracker();
    tracker.hook.enable();
    return tracker;
  }

  /** Stops recording creations; destructions of what was recorded are still noted until `dispose()`. */
  stop(): void {
    this.recording = false;
  }

  /** Removes the hook. */
  dispose(): void {
    this.recording = false;
    this.hook.disable();
  }

  /** Every resource created while recording. */
  created(): TrackedResource[] {
    return [...this.resources.values()];
  }

  /** Those not destroyed yet (a timer is destroyed once it fired for good or was cleared; a handle once closed). */
  live(): TrackedResource[] {
    return [...this.resources].filter(([id]) => !this.destroyed.has(id)).map(([, r]) => r);
  }
}

/** Whether `r` was created with a frame matching `where` on the stack (a file or package path). */
export function createdBy(r: TrackedResource, where: RegExp): boolean {
  return r.stack.split('\n').slice(1).some((frame) => where.test(frame));
}

/** `Timeout created at <first frame matching where>`, for readable failure messages. */
export function describeResource(r: TrackedResource, where: RegExp = /\/(core|gateway|pacer|legacy-adapter|migration)\/src\/|node_modules/): string {
  const frame = r.stack.split('\n').slice(1).find((f) => where.test(f) && !f.includes('async-resources')) ?? r.stack.split('\n')[2] ?? '';
  return `${r.type} created ${frame.trim()}`;
}

function stackHere(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = STACK_FRAMES;
  try {
    return new Error('created here').stack ?? '';
  } finally {
    Error.stackTraceLimit = limit;
  }
}
