import type { JobState } from './job-state';

/** A job as a client submits it (IDL `PinLaterJob`, defaults already applied). */
export interface NewJob {
  body: Buffer;
  /** 1 is the highest priority. Validated against the backend's priority levels before enqueue. */
  priority: number;
  /**
   * Epoch milliseconds. `undefined` when the client did not set the field. The legacy backends
   * differ on 0 (Redis: "now"; MySQL: stored as set) and must see the difference (FACTS §11.12).
   */
  runAfterMs?: number;
  attemptsAllowed: number;
  customStatus: string;
}

/** A job handed out by a dequeue (or seen by a dry run), before the descriptor is built. */
export interface DequeuedJob {
  /** The job descriptor the backend issued (see `core/src/descriptors`). */
  descriptor: string;
  body: Buffer;
  attemptsAllowed: number;
  attemptsRemaining: number;
  createdAtMs: number;
  updatedAtMs: number;
}

/** IDL `PinLaterJobInfo` as the domain sees it. Optional fields are absent when PinLater omits them. */
export interface JobInfo {
  descriptor: string;
  state: JobState;
  attemptsAllowed: number;
  attemptsRemaining: number;
  customStatus: string;
  createdAtMs: number;
  runAfterMs?: number;
  updatedAtMs?: number;
  claimDescriptor?: string;
  body?: Buffer;
}

/**
 * A job with everything any backend stores about it, for bulk export and import between systems
 * (the migration copier). `sourceDescriptor` is the descriptor the exporting system issued, kept so
 * the importing side can record an alias.
 */
export interface PortableJob {
  sourceDescriptor: string;
  queue: string;
  priority: number;
  state: JobState;
  body: Buffer;
  attemptsAllowed: number;
  attemptsRemaining: number;
  customStatus: string;
  createdAtMs: number;
  updatedAtMs: number;
  /** Pending: when it becomes eligible. Other states: what the backend reports as runAfter. */
  runAfterMs: number;
  claimDescriptor?: string;
}
