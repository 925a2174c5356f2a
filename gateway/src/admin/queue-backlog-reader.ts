/**
 * One queue's backlog as `/backlog` reports it, read through the backend the gateway serves the
 * queue with (backend contract `getJobCount`, every priority):
 *
 * - `ready`: PENDING, `future: false` (dequeueable now); `future`: PENDING, `future: true` (runAfter
 *   later); `inProgress`: IN_PROGRESS. Three counts per system, one after another (the store's pool
 *   is shared with clients), added over the systems the queue is counted on (backlog-serving.ts).
 * - Single-backend gateway: its backend, `system` = its backend name. Routing gateway: the systems
 *   its routing record names, or for a queue without one, the one system that holds it (as the
 *   routing backend discovers it); a shadow copy's name is no queue (not found).
 * - A queue that the counted systems do not list is not found (queue-holders.ts: the lists and
 *   how often they are read).
 *
 * Failures are thrown as PinLaterErrors (a missing queue: QUEUE_NOT_FOUND) or as the backend threw
 * them; backlog-endpoint.ts turns them into HTTP answers.
 */
import { ErrorCode } from '../../../core/src/errors/error-code';
import { PinLaterError, QueueNotFoundError } from '../../../core/src/errors/pinlater-error';
import type { PinLaterBackend } from '../../../core/src/interfaces/pinlater-backend';
import type { QueueRoute } from '../../../core/src/routing/queue-route';
import { isShadowQueueName } from '../../../core/src/shadow/shadow-queue-name';
import { JobState } from '../../../core/src/types/job-state';
import type { Clock } from '../../../core/src/util/clock';
import { renderUntrusted } from '../../../core/src/util/render-untrusted';
import { servingOfHolder, servingOfRoute, type BacklogServing } from './backlog-serving';
import { QueueHolders } from './queue-holders';

/** Where the gateway serves queues from. */
export type BacklogSource =
  | { readonly kind: 'single'; readonly name: string; readonly backend: PinLaterBackend }
  | {
    readonly kind: 'routing';
    /** The route in force (may throw as RouteSource.routeOf does: table never read, unusable record). */
    readonly routeOf: (queue: string) => QueueRoute | undefined;
    /** Every system by name: legacy cluster names and `pacer`. */
    readonly systems: ReadonlyMap<string, PinLaterBackend>;
  };

export interface BacklogCounts {
  readonly queue: string;
  readonly ready: number;
  readonly inProgress: number;
  readonly future: number;
  readonly system: string;
  /** When the counts were read (after the last count answered). */
  readonly atMs: number;
}

export class QueueBacklogReader {
  private readonly systems: ReadonlyMap<string, PinLaterBackend>;
  private readonly holders: QueueHolders;

  constructor(
    private readonly source: BacklogSource,
    private readonly clock: Clock,
    /** The pause before a queue not found is looked up again (queue-holders.ts); tests give fake time's. */
    sleep?: (ms: number) => Promise<void>,
  ) {
    this.systems = source.kind === 'single' ? new Map([[source.name, source.backend]]) : source.systems;
    this.holders = new QueueHolders({
      systems: this.systems, clock, ...(source.kind === 'routing' ? { hidden: isShadowQueueName } : {}), ...(sleep === undefined ? {} : { sleep }),
    });
  }

  /** The queue's counts, or a PinLaterError (QUEUE_NOT_FOUND when the queue does not exist). */
  async read(queue: string): Promise<BacklogCounts> {
    const serving = await this.servingOf(queue);
    let ready = 0;
    let future = 0;
    let inProgress = 0;
    for (const name of serving.counted) {
      const backend = this.systemNamed(name, queue);
      ready += await backend.getJobCount({ queue, state: JobState.PENDING, future: false });
      future += await backend.getJobCount({ queue, state: JobState.PENDING, future: true });
      inProgress += await backend.getJobCount({ queue, state: JobState.IN_PROGRESS, future: false });
    }
    return { queue, ready, inProgress, future, system: serving.system, atMs: this.clock.nowMs() };
  }

  /** The systems to count the queue on; not found unless one of them lists it. */
  private async servingOf(queue: string): Promise<BacklogServing> {
    if (this.source.kind === 'single') {
      await this.holders.listedOn(queue, [this.source.name]);
      return servingOfHolder(this.source.name);
    }
    if (isShadowQueueName(queue)) throw new QueueNotFoundError(`Queue not found: ${renderUntrusted(queue)}`);
    const route = this.source.routeOf(queue);
    if (route !== undefined) {
      const serving = servingOfRoute(route);
      serving.counted.forEach((name) => this.systemNamed(name, queue));
      await this.holders.listedOn(queue, serving.counted);
      return serving;
    }
    const holders = await this.holders.listedOn(queue, [...this.systems.keys()]);
    if (holders.length > 1) {
      throw new PinLaterError(
        ErrorCode.UNKNOWN,
        `Queue ${renderUntrusted(queue)} exists in more than one system (${holders.join(', ')}) and has no routing record: no backlog until an operator routes it`,
      );
    }
    return servingOfHolder(holders[0] as string);
  }

  private systemNamed(name: string, queue: string): PinLaterBackend {
    const backend = this.systems.get(name);
    if (backend === undefined) {
      throw new PinLaterError(ErrorCode.UNKNOWN, `Queue ${renderUntrusted(queue)} is routed to system '${renderUntrusted(name)}', which this gateway does not serve`);
    }
    return backend;
  }
}
