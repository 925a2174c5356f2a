/**
 * The per-queue backlog the routing gateway serves on its admin port, the autoscaler's input
 * (and KEDA's, through its `metrics-api` scaler: scaled-object.ts):
 *
 *   GET <admin base>/backlog?queue=<name>
 *   200 {"queue":"q","ready":123,"inProgress":4,"future":7,"dequeueRatePerSecond":12.5,"system":"pacer","at":"…"}
 *   400 invalid queue name, 404 unknown queue, 503 unavailable
 *
 * `ready`, `inProgress` and `future` are the queue's global counts (any gateway gives the same);
 * `dequeueRatePerSecond` is what THAT gateway dequeued for the queue over the last 60 s, so a
 * pool's rate is the sum over every gateway. `combineBacklog` merges the answers of several.
 */
import { z } from 'zod';

export interface BacklogSample {
  readonly ready: number;
  readonly inProgress: number;
  readonly future: number;
  /** Summed over the gateways that answered. */
  readonly dequeueRatePerSecond: number;
  /** Gateways that answered, of those asked (a partial sum of rates when fewer). */
  readonly answered: number;
  readonly asked: number;
}

/** What one gateway answered: its sample, or why there is none. */
export type GatewayBacklog =
  | { readonly ok: true; readonly url: string; readonly ready: number; readonly inProgress: number; readonly future: number; readonly dequeueRatePerSecond: number }
  | { readonly ok: false; readonly url: string; readonly problem: string; readonly status?: number };

export type BacklogReading = { readonly ok: true; readonly sample: BacklogSample } | { readonly ok: false; readonly problem: string };

const count = z.number().int().min(0);
/** The 200 body (extra fields allowed: the contract may grow). */
export const backlogBodySchema = z.object({
  queue: z.string(),
  ready: count,
  inProgress: count,
  future: count,
  dequeueRatePerSecond: z.number().min(0),
});

/** `<admin base>/backlog?queue=<urlencoded queue>` (a trailing `/` of the base is dropped). */
export function backlogUrl(adminBase: string, queue: string): string {
  return `${adminBase.replace(/\/+$/, '')}/backlog?queue=${encodeURIComponent(queue)}`;
}

/** What an error status of the endpoint means, for the log line. */
export function statusProblem(status: number): string {
  if (status === 400) return '400: the gateway refuses the queue name';
  if (status === 404) return '404: the gateway does not know the queue';
  if (status === 503) return '503: the gateway cannot read the backlog now';
  return `HTTP ${status}`;
}

/**
 * Counts from the first gateway (in the order given) that answered, rates summed over all that
 * answered. None answered: not ok, with every gateway's problem.
 */
export function combineBacklog(answers: readonly GatewayBacklog[]): BacklogReading {
  const good = answers.filter((a): a is Extract<GatewayBacklog, { ok: true }> => a.ok);
  const first = good[0];
  if (first === undefined) {
    const problems = answers.map((a) => (a.ok ? '' : `${a.url}: ${a.problem}`));
    return { ok: false, problem: problems.length === 0 ? 'no backlog URL configured' : problems.join('; ') };
  }
  const rate = good.reduce((sum, a) => sum + a.dequeueRatePerSecond, 0);
  return {
    ok: true,
    sample: { ready: first.ready, inProgress: first.inProgress, future: first.future, dequeueRatePerSecond: rate, answered: good.length, asked: answers.length },
  };
}
