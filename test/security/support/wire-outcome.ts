/**
 * What a call answered, reduced to what a client can compare: a value, a PinLaterException code, or
 * a TApplicationException type. Lets a test say "an invalid name gets the same answer as a queue
 * that does not exist" without caring which of the three it is.
 */
import thrift from 'thrift';
import ttypes = require('../../../gateway/src/generated/pinlater_types');

export type WireOutcome =
  | { ok: unknown }
  | { errorCode: number }
  | { applicationException: number };

export async function outcomeOf(call: Promise<unknown>): Promise<WireOutcome> {
  try {
    return { ok: normalise(await call) };
  } catch (e) {
    if (e instanceof ttypes.PinLaterException) return { errorCode: e.errorCode };
    if (e instanceof thrift.Thrift.TApplicationException) return { applicationException: (e as unknown as { type: number }).type };
    throw e;
  }
}

/** The text of a PinLaterException, or undefined when the call did not fail with one. */
export async function pinLaterErrorOf(call: Promise<unknown>): Promise<{ errorCode: number; message: string } | undefined> {
  try {
    await call;
    return undefined;
  } catch (e) {
    if (e instanceof ttypes.PinLaterException) return { errorCode: e.errorCode, message: e.message };
    throw e;
  }
}

/** Maps with descriptors as keys and arrays of jobs reduce to their sizes: names differ between queues. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return { length: value.length };
  if (value !== null && typeof value === 'object' && 'scannedJobs' in value) return { scanned: (value as { scannedJobs: unknown[] }).scannedJobs.length };
  if (value !== null && typeof value === 'object' && 'jobs' in value) {
    const jobs = (value as { jobs: Record<string, unknown> | null }).jobs;
    return { dequeued: jobs === null ? 0 : Object.keys(jobs).length };
  }
  if (value !== null && typeof value === 'object') return { keys: Object.keys(value).length };
  return value ?? null;
}
